"""noop: passes everything through unchanged (Toxiproxy's, for testing clients and chains)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from harness.chaos.toxiproxy.registry import register
from harness.chaos.toxiproxy.toxic import Toxic


@register("noop")
@dataclass(frozen=True)
class Noop(Toxic):
    changes_data: ClassVar[bool] = False  # it never acts on a call
