"""Does a new API version break *us*? Spec (or recording) versions judged against contracts.

old, new = load_spec("openapi-old.yaml"), load_spec("openapi-new.yaml")
judgement = judge(diff_specs(old, new), contracts.load_path("contracts/"))
judgement.breaking      # changes that touch what the contracts use
"""

import harness.diff.kinds  # noqa: F401  (registers the change catalogue in KINDS)
from harness.diff.change import BREAKING, HARMLESS, LEVELS, RISKY, Change, Location, Place
from harness.diff.judge import Judged, Judgement, classify, judge
from harness.diff.observed import diff_exchanges, spec_from_exchanges
from harness.diff.registry import KINDS, ChangeKind, change_kind, kind
from harness.diff.render import markdown
from harness.diff.spec import Spec, SpecError, load_spec, spec_from_data
from harness.diff.sunsets import SunsetPolicy
from harness.diff.usage import Use, uses_of
from harness.diff.walk import diff_specs

__all__ = [
    "BREAKING",
    "HARMLESS",
    "KINDS",
    "LEVELS",
    "RISKY",
    "Change",
    "ChangeKind",
    "Judged",
    "Judgement",
    "Location",
    "Place",
    "Spec",
    "SpecError",
    "SunsetPolicy",
    "Use",
    "change_kind",
    "classify",
    "diff_exchanges",
    "diff_specs",
    "judge",
    "kind",
    "load_spec",
    "markdown",
    "spec_from_data",
    "spec_from_exchanges",
    "uses_of",
]
