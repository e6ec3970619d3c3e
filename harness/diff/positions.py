"""Where a JSON pointer is written in a YAML or JSON file, for error messages.

Specs are parsed without position tracking because that is several times
slower on a megabyte-sized file; only when there is an error to report is the
file composed again (libyaml keeps marks on its nodes) to find the line.
"""

from __future__ import annotations

from pathlib import Path

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def position(path: Path | None, pointer: str) -> tuple[int | None, int | None]:
    """1-based (line, column) of the value at `pointer`, or of its nearest parent written in the file."""
    if path is None:
        return None, None
    try:
        node = yaml.compose(path.read_bytes(), Loader=_Loader)
    except (OSError, yaml.YAMLError, RecursionError):
        return None, None
    if node is None:
        return 1, 1
    for raw in pointer.split("/")[1:] if pointer else ():
        key = raw.replace("~1", "/").replace("~0", "~")
        child = _child(node, key)
        if child is None:
            break
        node = child
    return node.start_mark.line + 1, node.start_mark.column + 1


def _child(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    elif isinstance(node, yaml.SequenceNode) and key.isascii() and key.isdigit() and int(key) < len(node.value):
        return node.value[int(key)]
    return None
