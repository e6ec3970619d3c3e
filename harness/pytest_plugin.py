"""pytest plugin (entry point `pytest11`): hooks and fixtures only.

The behaviour lives in the library beside it, shared with the CLI.
"""

from __future__ import annotations
