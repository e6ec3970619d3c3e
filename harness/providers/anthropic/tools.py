"""Tool use on the Messages API: which tool an answer calls, the `tool_use`
block it sends, and the rules the API holds a conversation with tools to.

`tool_choice` `any` or `{type: tool, name}` makes the answer a `tool_use`
block whose `input` fits the tool's `input_schema`; `auto` (the default)
calls a tool only when the last user turn names it, else answers text;
`none` answers text. Streamed, the block's input arrives as
`input_json_delta` pieces that join into the same JSON.
"""

from __future__ import annotations

import json
from typing import Any

from harness.double.call import State
from harness.double.problem import RequestProblem
from harness.providers._answers import pieces
from harness.providers._instances import instance


def custom_tools(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The request's client tools (those with an `input_schema`); server tools run on Anthropic's side."""
    tools = body.get("tools")
    if not isinstance(tools, list):
        return []
    return [t for t in tools if isinstance(t, dict) and isinstance(t.get("name"), str) and "input_schema" in t]


def check_tools(body: dict[str, Any]) -> None:
    """`tool_choice` names a tool the request has, and every tool call is answered in the next turn."""
    choice = body.get("tool_choice")
    names = [t["name"] for t in custom_tools(body)]
    if isinstance(choice, dict) and choice.get("type") in ("any", "tool") and not body.get("tools"):
        raise RequestProblem(400, "tool_choice: tool_choice may only be specified while providing tools.")
    if isinstance(choice, dict) and choice.get("type") == "tool" and choice.get("name") not in names:
        raise RequestProblem(400, f"tool_choice.name: Tool '{choice.get('name')}' not found in provided tools")
    _check_pairs(body["messages"])


def _blocks(message: dict[str, Any], kind: str) -> list[tuple[int, dict[str, Any]]]:
    content = message.get("content")
    if not isinstance(content, list):
        return []
    return [(i, b) for i, b in enumerate(content) if isinstance(b, dict) and b.get("type") == kind]


def _check_pairs(messages: list[Any]) -> None:
    """Each tool_use is answered by a tool_result in the very next message, and only then (the API's own words)."""
    for index, message in enumerate(messages):
        called = [b.get("id") for _, b in _blocks(message, "tool_use")] if message.get("role") == "assistant" else []
        following = messages[index + 1] if index + 1 < len(messages) else None
        answered = {b.get("tool_use_id") for _, b in _blocks(following, "tool_result")} if following else set()
        missing = [i for i in called if i not in answered]
        if missing and following is not None:
            raise RequestProblem(
                400,
                f"messages.{index}: `tool_use` ids were found without `tool_result` blocks immediately after: "
                f"{', '.join(map(str, missing))}. Each `tool_use` block must have a corresponding `tool_result` "
                "block in the next message.",
            )
        if message.get("role") != "user":
            continue
        before = messages[index - 1] if index else {}
        asked = {b.get("id") for _, b in _blocks(before, "tool_use")} if before.get("role") == "assistant" else set()
        for position, block in _blocks(message, "tool_result"):
            if block.get("tool_use_id") not in asked:
                raise RequestProblem(
                    400,
                    f"messages.{index}.content.{position}: unexpected `tool_use_id` found in `tool_result` blocks: "
                    f"{block.get('tool_use_id')}. Each `tool_result` block must have a corresponding `tool_use` "
                    "block in the previous message.",
                )


def chosen_tool(body: dict[str, Any], asked: str) -> dict[str, Any] | None:
    """The tool this answer calls, or None for a text answer.

    `asked` is the text of the last user turn: under `auto` a tool is called
    only when that text names it, so a test decides by what it asks, and a
    turn that brings tool results is answered in words.
    """
    tools = custom_tools(body)
    given = body.get("tool_choice")
    choice: dict[str, Any] = given if isinstance(given, dict) else {"type": "auto"}
    kind = choice.get("type", "auto")
    if not tools or kind == "none":
        return None
    named = next((t for t in tools if t["name"] == choice.get("name")), None) if kind == "tool" else None
    mentioned = next((t for t in tools if t["name"] in asked), None)
    if kind == "tool":
        return named
    if kind == "any":
        return mentioned or tools[0]
    last = body["messages"][-1] if body["messages"] else {}
    return None if _blocks(last, "tool_result") else mentioned  # a tool's result is answered in words


def tool_use(state: State, tool: dict[str, Any]) -> dict[str, Any]:
    """A `tool_use` block calling `tool`, with an input drawn from its `input_schema`."""
    schema = tool.get("input_schema") if isinstance(tool.get("input_schema"), dict) else {"type": "object"}
    made = instance(schema, state.rng)
    return {
        "type": "tool_use",
        "id": state.next_id("toolu_01", 22),
        "name": tool["name"],
        "input": made if isinstance(made, dict) else {},
    }


def input_pieces(block: dict[str, Any]) -> list[str]:
    """A tool_use block's input as the `partial_json` pieces a stream sends; joined, its JSON."""
    return pieces(json.dumps(block["input"], ensure_ascii=False), words=2)
