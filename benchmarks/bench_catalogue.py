"""What the model catalogue costs: building it once per process, and looking a model up.

Building a provider's catalogue (data file, the installed SDK's model types and
their deprecation notes, the team's pyproject.toml), and starting a first
Double (its catalogue and its warmed request validator), are each measured in
a fresh process, next to that process importing the SDK's model type modules
and nothing else, which is what reading the SDK by importing it would cost. A lookup through the
public `lifecycle()` is measured next to a plain dict lookup of the same ids.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
LOOKUPS = 20_000
# What each provider's SDK reader imports, so the baseline imports the same.
SDK_MODULES = {
    "openai": [
        "openai.types.shared.chat_model",
        "openai.types.shared.responses_model",
        "openai.types.image_model",
        "openai.types.embedding_model",
        "openai.types.audio_model",
        "openai.types.audio.speech_model",
        "openai.types.video_model",
        "openai.types.moderation_model",
    ],
    "anthropic": ["anthropic.types", "anthropic._data"],
    "gemini": ["google.genai._gaos.types.interactions.model"],
}


def _seconds(code: str) -> float:
    """The time `code` reports for itself in a fresh interpreter (the best of RUNS)."""
    times = []
    for _ in range(RUNS):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip()))
    return min(times)


def _build(provider: str) -> float:
    return _seconds(
        "import time; t = time.perf_counter(); from harness.catalogue import catalogue; "
        f"catalogue({provider!r}); print(time.perf_counter() - t)"
    )


def _start(provider: str) -> float:
    """A first Double of `provider` in a fresh process: its catalogue and its request validator, warmed."""
    return _seconds(
        "import time; from harness.double import Double; t = time.perf_counter(); "
        f"Double({provider!r}).close(); print(time.perf_counter() - t)"
    )


def _import(provider: str) -> float:
    imports = "; ".join(f"import {m}" for m in SDK_MODULES[provider])
    return _seconds(f"import time; t = time.perf_counter(); {imports}; print(time.perf_counter() - t)")


def _lookups() -> tuple[float, float, float]:
    from harness.catalogue import catalogue, lifecycle

    known = catalogue("openai")
    ids = list(known.ids())
    on = date(2026, 1, 1)
    plain = {model_id: model_id for model_id in ids}
    start = time.perf_counter()
    for i in range(LOOKUPS):
        lifecycle("openai", ids[i % len(ids)], on)  # finds the team's pyproject.toml each time
    public = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(LOOKUPS):
        known.lifecycle(ids[i % len(ids)], on)
    held = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(LOOKUPS):
        plain.get(ids[i % len(ids)])
    baseline = time.perf_counter() - start
    return LOOKUPS / public, LOOKUPS / held, LOOKUPS / baseline


def run() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for provider in SDK_MODULES:
        built, started, imported = _build(provider), _start(provider), _import(provider)
        for measure, value in (("build the catalogue", built), ("start a first Double", started)):
            rows.append(
                {
                    "measure": f"{provider}: {measure} (fresh process)",
                    "value": value * 1000,
                    "unit": "ms",
                    "baseline": "import the SDK's model type modules",
                    "baseline_value": imported * 1000,
                    "ratio": value / imported,
                }
            )
    public, held, plain = _lookups()
    for measure, rate in (("lifecycle('openai', id, day)", public), ("catalogue('openai').lifecycle(id, day)", held)):
        rows.append(
            {
                "measure": measure,
                "value": rate,
                "unit": "lookups/s",
                "baseline": "dict.get of the same ids",
                "baseline_value": plain,
                "ratio": rate / plain,
            }
        )
    return rows
