"""Google API Discovery documents, read as OpenAPI 3.0 so they go through the same diff.

Gemini (the Generative Language API) publishes its API as a Discovery
document, not OpenAPI: `schemas` by id, and `resources` holding `methods`,
each with an `httpMethod`, a `path` and a `flatPath`, `parameters` with a
`location`, and a `request` / `response` that name a schema by id. The mapping
(docs/diff.md has the table):

- a method is an operation at `/` + its `flatPath` (`v1beta/models/{modelsId}:generateContent`),
  else its `path` with `{+name}` read as `{name}`; the servers' URL is `rootUrl` + `servicePath`;
- the template's variables are required string path parameters; `location: query` parameters are
  query parameters (`repeated` makes an array), and the document's own `parameters` (`alt`,
  `fields`, ...) apply to every method;
- `request: {$ref: X}` is a required JSON request body of `#/components/schemas/X`, `response` the
  JSON body of `200` (an empty `200` without one);
- a schema's `$ref: X` is `#/components/schemas/X`; a property's `required: true` goes to its
  object's `required`; `minimum`/`maximum` and typed `default`s, written as strings, become numbers
  and booleans; `id`, descriptions and `annotations` are dropped; `deprecated`, `readOnly`,
  `format`, `enum`, `pattern`, `items`, `additionalProperties` are kept as they are.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from harness.diff.change import field_pointer
from harness.yamlfile import pointer_join

if TYPE_CHECKING:
    from harness.diff.spec import Document, SpecError

_TEMPLATE = re.compile(r"\{\+?([^}/]+)\}")
_KEPT = ("type", "format", "enum", "pattern", "deprecated", "readOnly", "default")  # descriptions are not compared
_HTTP_METHODS = frozenset({"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"})


def openapi_from_discovery(doc: Document) -> dict[str, Any]:
    """The OpenAPI 3.0 document a Discovery document says; a malformed part is an error naming where."""
    data = doc.data
    schemas = _mapping(doc, data.get("schemas", {}), "/schemas")
    common = _mapping(doc, data.get("parameters", {}), "/parameters")
    out: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {
            "title": str(data.get("title") or data.get("name") or "discovery document"),
            "version": str(data.get("version", "")),
            "x-discovery-revision": str(data.get("revision", "")),
        },
        "servers": [{"url": str(data.get("rootUrl", "")) + str(data.get("servicePath", ""))}],
        "paths": {},
        "components": {
            "schemas": {name: _schema(doc, s, pointer_join("/schemas", name)) for name, s in schemas.items()},
            "parameters": {
                name: _parameter(doc, name, p, pointer_join("/parameters", name), "query") for name, p in common.items()
            },
        },
    }
    shared = [{"$ref": "#/components/parameters/" + _escape(name)} for name in common]
    for pointer, method in _methods(doc):
        _add_operation(doc, out["paths"], method, pointer, shared)
    return out


def _methods(doc: Document) -> list[tuple[str, dict[str, Any]]]:
    """Every method of every resource, however deep, in the order written (no recursion)."""
    found: list[tuple[str, dict[str, Any]]] = []
    stack: list[tuple[str, Any]] = [("", doc.data)]
    while stack:
        pointer, holder = stack.pop(0)
        for name, method in _mapping(doc, holder.get("methods", {}), pointer + "/methods").items():
            found.append((pointer_join(pointer + "/methods", name), _mapping(doc, method, pointer + "/methods")))
        resources = _mapping(doc, holder.get("resources", {}), pointer + "/resources")
        stack.extend(
            (pointer_join(pointer + "/resources", name), _mapping(doc, r, pointer_join(pointer + "/resources", name)))
            for name, r in resources.items()
        )
    return found


def _add_operation(
    doc: Document, paths: dict[str, Any], method: dict[str, Any], at: str, shared: list[dict[str, Any]]
) -> None:
    http = str(method.get("httpMethod", "")).upper()
    if http not in _HTTP_METHODS:
        raise _error(doc, f"httpMethod must be one of {', '.join(sorted(_HTTP_METHODS))}", at + "/httpMethod")
    template = method.get("flatPath") or method.get("path")
    if not isinstance(template, str) or not template:
        raise _error(doc, "a method needs a path (or flatPath)", at)
    path = "/" + _TEMPLATE.sub(lambda m: "{" + m.group(1) + "}", template.lstrip("/"))
    item = paths.setdefault(path, {})
    if http.lower() in item:
        raise _error(doc, f"{http} {path} is defined twice (also by {item[http.lower()]['operationId']})", at)
    params = _mapping(doc, method.get("parameters", {}), at + "/parameters")
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in _TEMPLATE.findall(path)
    ]
    for name, param in params.items():
        where = pointer_join(at + "/parameters", name)
        location = _mapping(doc, param, where).get("location", "query")
        if location == "query":
            parameters.append(_parameter(doc, name, param, where, "query"))
        elif location != "path":  # path parameters are the template's, above
            raise _error(doc, f"parameter location must be 'query' or 'path', not {location!r}", where + "/location")
    operation: dict[str, Any] = {
        "operationId": str(method.get("id", at)),
        "parameters": parameters + shared,
        "responses": {"200": {"description": "Successful response"}},
    }
    if method.get("deprecated") is True:
        operation["deprecated"] = True
    if "request" in method:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(doc, method["request"], at + "/request")}},
        }
    if "response" in method:
        body = {"schema": _ref(doc, method["response"], at + "/response")}
        operation["responses"]["200"]["content"] = {"application/json": body}
    item[http.lower()] = operation


def _parameter(doc: Document, name: str, param: Any, at: str, where: str) -> dict[str, Any]:
    param = _mapping(doc, param, at)
    schema = _schema(doc, {k: v for k, v in param.items() if k not in ("location", "required", "repeated")}, at)
    out: dict[str, Any] = {"name": name, "in": where, "required": param.get("required") is True}
    out["schema"] = {"type": "array", "items": schema} if param.get("repeated") is True else schema
    if param.get("deprecated") is True:
        out["deprecated"] = True
    return out


def _ref(doc: Document, value: Any, at: str) -> dict[str, str]:
    name = value.get("$ref") if isinstance(value, dict) else None
    if not isinstance(name, str) or not name:
        raise _error(doc, "expected {$ref: SchemaId}", at)
    return {"$ref": "#/components/schemas/" + _escape(name)}


def _schema(doc: Document, schema: Any, at: str) -> dict[str, Any]:
    """One Discovery schema as JSON Schema, nested ones included (an explicit stack, no recursion)."""
    root: dict[str, Any] = {}
    stack: list[tuple[Any, dict[str, Any], str]] = [(schema, root, at)]
    while stack:
        source, target, pointer = stack.pop()
        source = _mapping(doc, source, pointer)
        if "$ref" in source:
            target.update(_ref(doc, source, pointer))
            continue
        kind = source.get("type")
        for key in _KEPT:
            if key in source and not (key == "type" and kind == "any"):
                target[key] = _typed(source[key], kind) if key == "default" else source[key]
        for key in ("minimum", "maximum"):
            if key in source:
                target[key] = _number(source[key])
        if "items" in source:
            target["items"] = {}
            stack.append((source["items"], target["items"], pointer + "/items"))
        if isinstance(source.get("additionalProperties"), dict):
            target["additionalProperties"] = {}
            stack.append(
                (source["additionalProperties"], target["additionalProperties"], pointer + "/additionalProperties")
            )
        properties = _mapping(doc, source.get("properties", {}), pointer + "/properties")
        if properties:
            target["properties"] = {}
            required = []
            for name, prop in properties.items():
                if isinstance(prop, dict) and prop.get("required") is True:
                    required.append(name)
                target["properties"][name] = {}
                stack.append((prop, target["properties"][name], pointer + "/properties" + field_pointer(name)))
            if required:
                target["required"] = required
    return root


def _typed(value: Any, kind: Any) -> Any:
    """Discovery writes every default as a string: `"true"`, `"10"`."""
    if not isinstance(value, str):
        return value
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    if kind in ("integer", "number"):
        return _number(value)
    return value


def _number(value: Any) -> Any:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    if not math.isfinite(number):
        return value
    return int(number) if number.is_integer() and "." not in str(value) else number


def _mapping(doc: Document, value: Any, at: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _error(doc, "must be a mapping", at)
    return value


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _error(doc: Document, message: str, pointer: str) -> SpecError:
    from harness.diff.spec import error_at

    return error_at(doc, f"Discovery document: {message}", pointer)
