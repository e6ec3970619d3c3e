"""Terminal text as a string: what a rich console on stdout would print, with
stdout's width and, when it is a terminal, its colours."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # rich is imported when text is drawn: `--format json` never needs it
    from rich.console import Console


def text(draw: Callable[[Console], None], **options: Any) -> str:
    """What `draw` prints on a stdout console made with `options` (rich.console.Console's)."""
    from rich.console import Console

    console = Console(**options)
    with console.capture() as captured:
        draw(console)
    return captured.get()
