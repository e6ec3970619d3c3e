"""Ship OpenAI's published OpenAPI spec inside the package, as gzipped JSON.

    python -m tools.openai_spec benchmarks/specs/openai-openapi-3.1-2026-08-21.yaml

writes `harness/validation/schemas/openai-openapi.json.gz`. The content is the
published spec unchanged: YAML's dates and integer keys become the strings
they were written as, since JSON has neither. JSON because a 3 MB YAML file
takes seconds to parse and the same JSON a few tens of milliseconds.
"""

from __future__ import annotations

import datetime
import gzip
import json
import sys
from pathlib import Path
from typing import Any

import yaml

TARGET = Path(__file__).resolve().parent.parent / "harness" / "validation" / "schemas" / "openai-openapi.json.gz"


def plain(node: Any) -> Any:
    """`node` with only JSON types: keys as strings, dates as ISO text."""
    if isinstance(node, dict):
        return {str(key): plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [plain(value) for value in node]
    if isinstance(node, datetime.date):
        return node.isoformat()
    return node


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tools.openai_spec SPEC.yaml", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as handle:
        spec = plain(yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    # mtime=0: the same spec always gives the same bytes, so the committed file only changes with the spec.
    TARGET.write_bytes(gzip.compress(text.encode(), mtime=0))
    print(f"{TARGET.name}: {len(spec['paths'])} paths, {len(text):,} bytes of JSON")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
