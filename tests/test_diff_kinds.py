"""One test per change kind: detected (in both directions where that matters) and
judged for a consumer that uses what changed and for one that does not."""

from __future__ import annotations

import copy
import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness import contracts
from harness.diff import BREAKING, HARMLESS, KINDS, RISKY, SunsetPolicy, diff_specs, judge, spec_from_data

# -- building small specs and contracts ---------------------------------------------


def api(paths: dict, schemas: dict | None = None, version: str = "3.1.0") -> dict:
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://api.test/v1"}],
        "paths": paths,
        "components": {"schemas": schemas or {}},
    }


def op(
    response: Any = None, request: Any = None, status: str = "200", media: str = "application/json", **extra: Any
) -> dict:
    content = {media: {"schema": response}} if response is not None else {}
    out: dict[str, Any] = {"responses": {status: {"description": "ok", "content": content}}, **extra}
    if request is not None:
        out["requestBody"] = {"content": {"application/json": {"schema": request}}}
    return out


def obj(required: list[str] | None = None, **props: Any) -> dict:
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    return out


def diff(old: dict, new: dict):
    return diff_specs(spec_from_data(old, "old.yaml"), spec_from_data(new, "new.yaml"))


def kinds(old: dict, new: dict) -> list[str]:
    return [c.kind for c in diff(old, new)]


def only(old: dict, new: dict, kind: str):
    found = [c for c in diff(old, new) if c.kind == kind]
    assert len(found) == 1, (kind, diff(old, new))
    return found[0]


def contract(*interactions: dict, **extra: Any):
    data = {
        "contract": "test/consumer",
        "consumer": "consumer",
        "provider": "openai",
        "interactions": [{"name": f"call {i}", **x} for i, x in enumerate(interactions)],
        **extra,
    }
    return contracts.loads(yaml.safe_dump(data, sort_keys=False), "consumer.yaml")


def calls(method: str, path: str, json: Any = None, status: int = 200, body: Any = None, **response: Any) -> dict:
    request: dict[str, Any] = {"method": method, "path": path}
    if json is not None:
        request["json"] = json
    resp: dict[str, Any] = {"status": status, **response}
    if body is not None:
        resp["json"] = body
    return {"request": request, "response": resp}


def level(old: dict, new: dict, kind: str, *interactions: dict, **extra: Any) -> str:
    """How the one change of `kind` is judged for a consumer with these interactions."""
    result = judge([only(old, new, kind)], [contract(*interactions, **extra)])
    if result.breaking:
        return BREAKING
    if result.risky:
        return RISKY
    return "provider-breaking" if result.provider_breaking else HARMLESS


def test_every_registered_kind_is_tested_here():
    tested = {name.removeprefix("test_").replace("_", "-") for name in globals() if name.startswith("test_")}
    missing = [k for k in KINDS if not any(k in t for t in tested)]
    assert not missing


# -- routes ---------------------------------------------------------------------

TWO_PATHS = api({"/a": {"get": op(obj(id={"type": "string"}))}, "/b": {"get": op(obj())}})
ONE_PATH = api({"/b": {"get": op(obj())}})


def test_path_removed_and_back_is_operation_added():
    change = only(TWO_PATHS, ONE_PATH, "path-removed")
    assert (change.route, change.old, change.severity) == ("GET /v1/a", "GET /a", BREAKING)
    assert only(ONE_PATH, TWO_PATHS, "operation-added").route == "GET /v1/a"


def test_the_verdict_counts_in_words():
    result = judge([only(TWO_PATHS, ONE_PATH, "path-removed")], [contract(calls("GET", "/v1/a"))])
    assert result.verdict() == "1 change breaks consumer (0 harmless)"


def test_path_removed_breaks_a_consumer_that_calls_it_only():
    assert level(TWO_PATHS, ONE_PATH, "path-removed", calls("GET", "/v1/a")) == BREAKING
    assert level(TWO_PATHS, ONE_PATH, "path-removed", calls("GET", "/v1/b")) == "provider-breaking"


def test_operation_removed_when_the_path_stays():
    old = api({"/v": {"get": op(obj()), "delete": op(obj())}})
    new = api({"/v": {"get": op(obj())}})
    assert only(old, new, "operation-removed").route == "DELETE /v1/v"
    assert "path-removed" not in kinds(old, new)
    assert level(old, new, "operation-removed", calls("DELETE", "/v1/v")) == BREAKING
    assert level(old, new, "operation-removed", calls("GET", "/v1/v")) == "provider-breaking"


def test_operation_added_is_harmless():
    old = api({"/v": {"get": op(obj())}})
    new = api({"/v": {"get": op(obj()), "post": op(obj())}})
    assert level(old, new, "operation-added", calls("GET", "/v1/v")) == HARMLESS


def test_path_parameter_renamed_is_the_same_operation():
    old = api({"/v/{video_id}": {"get": op(obj())}})
    new = api({"/v/{id}": {"get": op(obj())}})
    assert kinds(old, new) == []


def test_operation_deprecated_with_its_sunset_date():
    old = api({"/v": {"get": op(obj())}})
    new = api({"/v": {"x-sunset": "2026-09-24", "get": op(obj(), deprecated=True)}})
    change = only(old, new, "operation-deprecated")
    assert change.new == {"deprecated": True, "x-sunset": "2026-09-24"}
    assert level(old, new, "operation-deprecated", calls("GET", "/v1/v")) == RISKY
    assert level(old, new, "operation-deprecated", calls("POST", "/v1/other")) == HARMLESS
    assert "operation-deprecated" not in kinds(new, old)


def test_operation_deprecated_again_when_the_sunset_moves():
    old = api({"/v": {"get": op(obj(), deprecated=True, **{"x-deprecation-date": "2026-12-01"})}})
    new = api({"/v": {"get": op(obj(), deprecated=True, **{"x-deprecation-date": "2026-10-01"})}})
    assert only(old, new, "operation-deprecated").new["x-deprecation-date"] == "2026-10-01"


# -- statuses, media types, headers, events -------------------------------------------


def test_status_removed_and_status_added():
    old = api({"/m": {"post": op(obj(flagged={"type": "boolean"}))}})
    new = api({"/m": {"post": op(obj(id={"type": "string"}), status="202")}})
    assert only(old, new, "status-removed").location.status == "200"
    assert only(old, new, "status-added").location.status == "202"
    assert only(new, old, "status-removed").location.status == "202"
    assert level(old, new, "status-removed", calls("POST", "/v1/m")) == BREAKING
    assert level(old, new, "status-removed", calls("POST", "/v1/m", status=202)) == "provider-breaking"
    assert level(old, new, "status-added", calls("POST", "/v1/m")) == HARMLESS


def test_status_ranges_and_default_match_the_consumers_status():
    old = api({"/m": {"post": {"responses": {"4XX": {"description": "e"}, "200": {"description": "ok"}}}}})
    new = api({"/m": {"post": {"responses": {"200": {"description": "ok"}}}}})
    errors = {"errors": [{"name": "bad", "response": {"status": 404}}]}
    assert level(old, new, "status-removed", calls("POST", "/v1/m"), **errors) == BREAKING


VIDEO = {"type": "string", "format": "binary"}


def test_content_type_changed_and_content_type_added():
    old = api({"/c": {"get": op(VIDEO, media="video/mp4")}})
    new = api({"/c": {"get": op(VIDEO, media="application/octet-stream")}})
    change = only(old, new, "content-type-changed")
    assert (change.old, change.new) == ("video/mp4", "application/octet-stream")
    assert only(old, new, "content-type-added").new == "application/octet-stream"
    assert only(new, old, "content-type-changed").old == "application/octet-stream"
    download = calls("GET", "/v1/c", content_type="video/mp4")
    assert level(old, new, "content-type-changed", download) == BREAKING
    assert level(old, new, "content-type-added", download) == HARMLESS


def test_content_type_changed_for_a_json_body_breaks_a_consumer_reading_json():
    old = api({"/c": {"get": op(obj(a={"type": "string"}))}})
    new = api({"/c": {"get": op(obj(a={"type": "string"}), media="application/x-ndjson")}})
    reader = calls("GET", "/v1/c", body=obj(a={"type": "string"}))
    assert level(old, new, "content-type-changed", reader) == BREAKING


def test_request_content_type_changed_breaks_a_json_sender():
    old = api({"/c": {"post": op(obj(), request=obj(a={"type": "string"}))}})
    new = copy.deepcopy(old)
    body = new["paths"]["/c"]["post"]["requestBody"]["content"]
    body["multipart/form-data"] = body.pop("application/json")
    assert level(old, new, "content-type-changed", calls("POST", "/v1/c", json={"a": "x"})) == BREAKING


def _with_headers(*names: str) -> dict:
    response = op(obj())
    response["responses"]["200"]["headers"] = {n: {"schema": {"type": "string"}} for n in names}
    return api({"/h": {"get": response}})


def test_response_header_removed_and_response_header_added():
    old, new = _with_headers("x-request-id"), _with_headers("x-trace")
    assert only(old, new, "response-header-removed").pointer == "/x-request-id"
    assert only(old, new, "response-header-added").pointer == "/x-trace"
    assert level(old, new, "response-header-removed", calls("GET", "/v1/h"), signals=["x-request-id"]) == RISKY
    required = [{"header": "x-request-id", "required": True}]
    assert level(old, new, "response-header-removed", calls("GET", "/v1/h"), signals=required) == BREAKING
    assert level(old, new, "response-header-removed", calls("GET", "/v1/h")) == HARMLESS
    assert level(old, new, "response-header-added", calls("GET", "/v1/h")) == HARMLESS


def _event(name: str, **props: Any) -> dict:
    return obj(["type"], type={"type": "string", "enum": [name]}, **props)


def _stream(*names: str, version: str = "3.1.0") -> dict:
    union = {"oneOf": [{"$ref": f"#/components/schemas/E{i}"} for i in range(len(names))]}
    schemas = {f"E{i}": _event(n, delta={"type": "string"}) for i, n in enumerate(names)}
    return api({"/r": {"post": op(union, media="text/event-stream")}}, schemas, version)


LISTENER = calls(
    "POST",
    "/v1/r",
    events={"r.created": {"type": "object"}, "r.refusal": {"type": "object"}, "r.done": {"type": "object"}},
)


def test_event_type_removed_and_event_type_added():
    old, new = _stream("r.created", "r.refusal", "r.done"), _stream("r.created", "r.reasoning", "r.done")
    assert only(old, new, "event-type-removed").location.event == "r.refusal"
    assert only(old, new, "event-type-added").location.event == "r.reasoning"
    assert only(new, old, "event-type-removed").old == "r.reasoning"
    assert level(old, new, "event-type-removed", LISTENER) == BREAKING
    assert level(old, new, "event-type-added", LISTENER) == RISKY
    reader = calls("POST", "/v1/r", body=obj())
    assert level(old, new, "event-type-removed", reader) == "provider-breaking"
    assert level(old, new, "event-type-added", reader) == HARMLESS


def test_event_types_come_from_a_single_event_object_too():
    chunk = obj(["object"], object={"type": "string", "enum": ["chunk.v1"]})
    old = api({"/c": {"post": op(chunk, media="text/event-stream")}})
    renamed = copy.deepcopy(old)
    renamed["paths"]["/c"]["post"]["responses"]["200"]["content"]["text/event-stream"]["schema"]["properties"][
        "object"
    ]["enum"] = ["chunk.v2"]
    assert only(old, renamed, "event-type-removed").old == "chunk.v1"


def test_fields_of_an_event_are_compared_per_event_type():
    old = _stream("r.created", "r.done")
    new = copy.deepcopy(old)
    del new["components"]["schemas"]["E1"]["properties"]["delta"]
    change = only(old, new, "response-field-removed")
    assert (change.location.event, change.pointer) == ("r.done", "/delta")
    reads_delta = calls("POST", "/v1/r", events={"r.done": obj(["delta"], delta={"type": "string"})})
    assert level(old, new, "response-field-removed", reads_delta) == BREAKING
    reads_other_event = calls("POST", "/v1/r", events={"r.created": obj(["delta"], delta={"type": "string"})})
    assert level(old, new, "response-field-removed", reads_other_event) == "provider-breaking"


# -- response fields --------------------------------------------------------------


def body_api(schema: dict, version: str = "3.1.0") -> dict:
    return api({"/v": {"get": op(schema)}}, version=version)


def reader(**props: Any) -> dict:
    return calls("GET", "/v1/v", body=obj(sorted(props), **props))


def test_response_field_removed_and_back_is_added():
    old = body_api(obj(["id", "size"], id={"type": "string"}, size={"type": "string"}))
    new = body_api(obj(["id"], id={"type": "string"}))
    assert only(old, new, "response-field-removed").pointer == "/size"
    assert only(new, old, "response-field-added").pointer == "/size"
    assert level(old, new, "response-field-removed", reader(size={"type": "string"})) == BREAKING
    assert level(old, new, "response-field-removed", reader(id={"type": "string"})) == "provider-breaking"


def test_response_field_removed_breaks_a_consumer_reading_inside_it():
    old = body_api(obj(usage=obj(total={"type": "integer"})))
    new = body_api(obj())
    deep = calls("GET", "/v1/v", body=obj(usage=obj(total={"type": "integer"})))
    assert level(old, new, "response-field-removed", deep) == BREAKING


def test_response_field_added_is_harmless():
    old, new = body_api(obj()), body_api(obj(extra={"type": "string"}))
    assert level(old, new, "response-field-added", reader(extra={"type": "string"})) == HARMLESS


def test_response_field_renamed_when_the_type_matches():
    old = body_api(obj(remixed_from={"type": ["string", "null"]}))
    new = body_api(obj(remix_of={"anyOf": [{"type": "string"}, {"type": "null"}]}))
    change = only(old, new, "response-field-renamed")
    assert (change.pointer, change.old, change.new) == ("/remixed_from", "remixed_from", "remix_of")
    assert only(new, old, "response-field-renamed").old == "remix_of"
    assert level(old, new, "response-field-renamed", reader(remixed_from={"type": ["string", "null"]})) == BREAKING


def test_a_removed_and_an_added_field_of_different_types_are_no_rename():
    old, new = body_api(obj(a={"type": "string"})), body_api(obj(b={"type": "integer"}))
    assert sorted(kinds(old, new)) == ["response-field-added", "response-field-removed"]


def test_response_field_retyped_in_the_direction_that_matters():
    as_integer, as_number = body_api(obj(n={"type": "integer"})), body_api(obj(n={"type": "number"}))
    change = only(as_integer, as_number, "response-field-retyped")
    assert (change.old, change.new) == ("integer", "number")
    assert "response-field-retyped" not in kinds(as_number, as_integer)  # narrower: every integer is a number
    assert level(as_integer, as_number, "response-field-retyped", reader(n={"type": "integer"})) == BREAKING
    assert level(as_integer, as_number, "response-field-retyped", reader(n={"type": "number"})) == "provider-breaking"


def test_response_field_retyped_string_and_integer_both_ways():
    a, b = body_api(obj(p={"type": "integer"})), body_api(obj(p={"type": "string"}))
    assert only(a, b, "response-field-retyped").new == "string"
    assert only(b, a, "response-field-retyped").new == "integer"
    assert level(a, b, "response-field-retyped", reader(q={"type": "string"})) == "provider-breaking"


def test_response_field_nullable_in_every_spelling():
    plain = body_api(obj(t={"type": "integer"}))
    for nullable in (
        {"type": ["integer", "null"]},
        {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        {"type": "integer", "nullable": True},
    ):
        change = only(plain, body_api(obj(t=nullable)), "response-field-nullable")
        assert (change.old, change.new) == ("integer", "integer|null")
    assert "response-field-nullable" not in kinds(body_api(obj(t={"type": ["integer", "null"]})), plain)


def test_response_field_nullable_judged_by_whether_the_contract_takes_null():
    old, new = body_api(obj(t={"type": "integer"})), body_api(obj(t={"type": ["integer", "null"]}))
    assert level(old, new, "response-field-nullable", reader(t={"type": "integer"})) == BREAKING
    assert level(old, new, "response-field-nullable", reader(t={"type": ["integer", "null"]})) == "provider-breaking"


def test_response_field_optional():
    old = body_api(obj(["id", "usage"], id={"type": "string"}, usage={"type": "object"}))
    new = body_api(obj(["id"], id={"type": "string"}, usage={"type": "object"}))
    assert only(old, new, "response-field-optional").pointer == "/usage"
    assert "response-field-optional" not in kinds(new, old)
    assert level(old, new, "response-field-optional", reader(usage={"type": "object"})) == BREAKING
    optional_reader = calls("GET", "/v1/v", body=obj(usage={"type": "object"}))
    assert level(old, new, "response-field-optional", optional_reader) == RISKY


# -- values ------------------------------------------------------------------------


def _status(*values: str) -> dict:
    return body_api(obj(status={"type": "string", "enum": list(values)}))


def test_enum_value_added_is_risky_only_where_the_consumer_switches_on_it():
    old, new = _status("queued", "completed"), _status("queued", "completed", "cancelled")
    assert only(old, new, "enum-value-added").new == "cancelled"
    switches = reader(status={"enum": ["queued", "completed"]})
    assert level(old, new, "enum-value-added", switches) == RISKY
    assert level(old, new, "enum-value-added", reader(status={"type": "string"})) == HARMLESS
    handles_it = reader(status={"enum": ["queued", "completed", "cancelled"]})
    assert level(old, new, "enum-value-added", handles_it) == HARMLESS


def test_enum_value_added_through_a_lifecycle():
    old, new = _status("queued", "completed"), _status("queued", "completed", "cancelled")
    life = {"lifecycle": {"states": ["queued", "completed"], "terminal": ["completed"]}}
    assert level(old, new, "enum-value-added", calls("GET", "/v1/v", body=obj()), **life) == RISKY


def test_enum_value_removed():
    old, new = _status("queued", "in_progress", "completed"), _status("queued", "completed")
    assert only(old, new, "enum-value-removed").old == "in_progress"
    assert only(new, old, "enum-value-added").new == "in_progress"
    assert (
        level(old, new, "enum-value-removed", reader(status={"enum": ["queued", "in_progress", "completed"]})) == RISKY
    )
    assert level(old, new, "enum-value-removed", reader(status={"type": "string"})) == HARMLESS


def test_a_new_variant_of_a_tagged_union_is_a_new_value_of_its_tag():
    def items(*tags: str) -> dict:
        return body_api(
            obj(
                output={
                    "type": "array",
                    "items": {"oneOf": [obj(["type"], type={"const": t}, text={"type": "string"}) for t in tags]},
                }
            )
        )

    old, new = items("message"), items("message", "tool_call")
    change = only(old, new, "enum-value-added")
    assert (change.pointer, change.new) == ("/output/*/type", "tool_call")
    switches = calls("GET", "/v1/v", body=obj(output={"type": "array", "items": obj(type={"enum": ["message"]})}))
    assert level(old, new, "enum-value-added", switches) == RISKY


def _request(schema: dict) -> dict:
    return api({"/v": {"post": op(obj(), request=schema)}})


def test_request_enum_narrowed_and_request_enum_widened():
    old = _request(obj(seconds={"type": "string", "enum": ["4", "8", "12"]}))
    new = _request(obj(seconds={"type": "string", "enum": ["8", "12", "16"]}))
    assert only(old, new, "request-enum-narrowed").old == "4"
    assert only(old, new, "request-enum-widened").new == "16"
    assert only(new, old, "request-enum-narrowed").old == "16"
    assert level(old, new, "request-enum-narrowed", calls("POST", "/v1/v", json={"seconds": "4"})) == BREAKING
    assert (
        level(old, new, "request-enum-narrowed", calls("POST", "/v1/v", json={"seconds": "8"})) == "provider-breaking"
    )
    assert level(old, new, "request-enum-widened", calls("POST", "/v1/v", json={"seconds": "8"})) == HARMLESS


def test_request_enum_narrowed_not_reported_for_an_open_list():
    def models(*values: str) -> dict:
        return _request(obj(voice={"anyOf": [{"type": "string"}, {"type": "string", "enum": list(values)}]}))

    assert "request-enum-narrowed" not in kinds(models("alloy", "echo"), models("alloy"))


def _models(*values: str) -> dict:
    return _request(obj(["model"], model={"anyOf": [{"type": "string"}, {"type": "string", "enum": list(values)}]}))


def test_model_removed_and_model_added_even_from_an_open_list():
    old, new = _models("m-large", "m-legacy"), _models("m-large", "m-next")
    assert only(old, new, "model-removed").old == "m-legacy"
    assert only(old, new, "model-added").new == "m-next"
    assert only(new, old, "model-removed").old == "m-next"
    assert level(old, new, "model-removed", calls("POST", "/v1/v", json={"model": "m-legacy"})) == BREAKING
    assert level(old, new, "model-removed", calls("POST", "/v1/v", json={"model": "m-large"})) == "provider-breaking"
    assert level(old, new, "model-added", calls("POST", "/v1/v", json={"model": "m-large"})) == HARMLESS


def test_default_changed_is_risky_for_a_consumer_that_relies_on_it():
    old = _request(obj(temperature={"type": "number", "default": 1}))
    new = _request(obj(temperature={"type": "number", "default": 0.7}))
    change = only(old, new, "default-changed")
    assert (change.old, change.new) == (1, 0.7)
    assert level(old, new, "default-changed", calls("POST", "/v1/v", json={"model": "x"})) == RISKY
    assert level(old, new, "default-changed", calls("POST", "/v1/v", json={"temperature": 1})) == HARMLESS


def test_default_changed_in_a_response_is_harmless():
    old, new = (
        body_api(obj(tier={"type": "string", "default": "a"})),
        body_api(obj(tier={"type": "string", "default": "b"})),
    )
    assert level(old, new, "default-changed", reader(tier={"type": "string"})) == HARMLESS


# -- request fields ----------------------------------------------------------------


def test_request_field_required_when_added_as_required():
    old = _request(obj(["input"], input={"type": "string"}))
    new = _request(obj(["input", "format"], input={"type": "string"}, format={"type": "string"}))
    assert only(old, new, "request-field-required").pointer == "/format"
    assert only(new, old, "request-field-removed").pointer == "/format"
    assert level(old, new, "request-field-required", calls("POST", "/v1/v", json={"input": "x"})) == BREAKING
    # Harmless for this consumer, but still breaking for clients that do not send it:
    assert (
        level(old, new, "request-field-required", calls("POST", "/v1/v", json={"input": "x", "format": "f"}))
        == "provider-breaking"
    )


def test_request_field_required_when_an_optional_field_becomes_required():
    old = _request(obj(["input"], input={"type": "string"}, user={"type": "string"}))
    new = _request(obj(["input", "user"], input={"type": "string"}, user={"type": "string"}))
    assert only(old, new, "request-field-required").old == "optional"
    assert "request-field-required" not in kinds(new, old)


def test_request_field_required_inside_an_object_the_consumer_does_not_send():
    old = _request(obj(options=obj(a={"type": "string"})))
    new = _request(obj(options=obj(["b"], a={"type": "string"}, b={"type": "string"})))
    assert level(old, new, "request-field-required", calls("POST", "/v1/v", json={"input": "x"})) == "provider-breaking"
    assert level(old, new, "request-field-required", calls("POST", "/v1/v", json={"options": {"a": "x"}})) == BREAKING


def test_request_field_required_for_a_query_parameter():
    def listing(*params: dict) -> dict:
        return api({"/v": {"get": {**op(obj()), "parameters": list(params)}}})

    limit = {"name": "limit", "in": "query", "schema": {"type": "integer"}}
    order = {"name": "order", "in": "query", "required": True, "schema": {"type": "string"}}
    old, new = listing(limit), listing(limit, order)
    change = only(old, new, "request-field-required")
    assert (str(change.location), change.pointer) == ("request query", "/order")
    assert level(old, new, "request-field-required", calls("GET", "/v1/v")) == BREAKING


def test_request_field_removed_is_risky_for_a_sender():
    old = _request(obj(input={"type": "string"}, logit_bias={"type": "object"}))
    new = _request(obj(input={"type": "string"}))
    assert only(old, new, "request-field-removed").pointer == "/logit_bias"
    assert level(old, new, "request-field-removed", calls("POST", "/v1/v", json={"logit_bias": {"1": 2}})) == RISKY
    assert level(old, new, "request-field-removed", calls("POST", "/v1/v", json={"input": "x"})) == HARMLESS


def test_request_field_retyped_judged_by_the_value_sent():
    old, new = _request(obj(dimensions={"type": "integer"})), _request(obj(dimensions={"type": "string"}))
    assert only(old, new, "request-field-retyped").new == "string"
    assert only(new, old, "request-field-retyped").new == "integer"
    assert level(old, new, "request-field-retyped", calls("POST", "/v1/v", json={"dimensions": 256})) == BREAKING
    assert level(old, new, "request-field-retyped", calls("POST", "/v1/v", json={"input": "x"})) == "provider-breaking"
    widened = _request(obj(dimensions={"type": ["integer", "string"]}))
    assert "request-field-retyped" not in kinds(old, widened)


def test_request_field_added_when_optional_is_harmless():
    old, new = _request(obj()), _request(obj(metadata={"type": "object"}))
    assert level(old, new, "request-field-added", calls("POST", "/v1/v", json={"a": 1})) == HARMLESS


# -- the rest ----------------------------------------------------------------------


def test_field_deprecated_is_risky_where_used():
    old = body_api(obj(total={"type": "integer"}))
    new = body_api(obj(total={"type": "integer", "deprecated": True}))
    change = only(old, new, "field-deprecated")
    assert (change.pointer, change.old, change.new) == ("/total", {"deprecated": False}, {"deprecated": True})
    assert "field-deprecated" not in kinds(new, old)
    assert level(old, new, "field-deprecated", reader(total={"type": "integer"})) == RISKY
    assert level(old, new, "field-deprecated", reader(other={"type": "integer"})) == HARMLESS
    sent_old, sent_new = _request(obj(n={"type": "integer"})), _request(obj(n={"type": "integer", "deprecated": True}))
    assert level(sent_old, sent_new, "field-deprecated", calls("POST", "/v1/v", json={"n": 2})) == RISKY


def test_field_deprecated_when_it_gets_a_sunset_date():
    old = body_api(obj(total={"type": "integer"}))
    new = body_api(obj(total={"type": "integer", "x-sunset": "2027-01-01"}))
    assert only(old, new, "field-deprecated").new == {"deprecated": False, "x-sunset": "2027-01-01"}


def test_constraint_changed_is_reported_and_harmless():
    # A request that accepts more, a response that promises more: nobody notices.
    old = _request(obj(prompt={"type": "string", "maxLength": 4000, "pattern": "^a"}))
    new = _request(obj(prompt={"type": "string", "maxLength": 32000}))
    found = [c for c in diff(old, new) if c.kind == "constraint-changed"]
    assert {(c.pointer, str(c.old), str(c.new)) for c in found} == {
        ("/prompt", "{'maxLength': 4000}", "{'maxLength': 32000}"),
        ("/prompt", "{'pattern': '^a'}", "None"),
    }
    assert "request-constraint-tightened" not in kinds(old, new)
    result = judge(found, [contract(calls("POST", "/v1/v", json={"prompt": "p"}))])
    assert len(result.harmless) == 2 and not result.breaking
    tighter_response = only(
        body_api(obj(n={"type": "integer"})), body_api(obj(n={"type": "integer", "maximum": 9})), "constraint-changed"
    )
    assert tighter_response.new == {"maximum": 9}


# -- shared behaviour ----------------------------------------------------------------


def test_a_change_is_judged_on_the_route_under_the_servers_base_path():
    old, new = TWO_PATHS, ONE_PATH
    without_version = calls("GET", "/a")
    assert level(old, new, "path-removed", without_version) == BREAKING
    unversioned = copy.deepcopy(TWO_PATHS)
    del unversioned["servers"]
    change = only(unversioned, api({"/b": {"get": op(obj())}}) | {"servers": []}, "path-removed")
    assert change.route == "GET /a"
    assert judge([change], [contract(calls("GET", "/v1/a"))]).breaking


def test_a_contract_route_with_a_wildcard_matches():
    assert level(TWO_PATHS, ONE_PATH, "path-removed", calls("GET", "/v1/*")) == BREAKING


def test_changes_inside_a_recursive_schema_are_found_once_per_level():
    def tree(**extra: Any) -> dict:
        node = obj(
            name={"type": "string"}, children={"type": "array", "items": {"$ref": "#/components/schemas/Node"}}, **extra
        )
        return api({"/t": {"get": op({"$ref": "#/components/schemas/Node"})}}, {"Node": node})

    found = [
        p.pointer
        for c in diff(tree(), tree(size={"type": "integer"}))
        if c.kind == "response-field-added"
        for p in c.everywhere()
    ]
    # The nested level is the same schema pair as the top one: one change, cut where it recurs.
    assert sorted(found) == ["/size"]


def test_a_schema_reused_in_many_places_is_one_change_listing_each_place():
    shared = {"Usage": obj(total={"type": "integer"})}
    paths = {f"/p{i}": {"get": op({"$ref": "#/components/schemas/Usage"})} for i in range(3)}
    new_shared = {"Usage": obj(total={"type": "string"})}
    (change,) = diff(api(paths, shared), api(paths, new_shared))
    assert [p.route for p in change.places] == ["GET /v1/p0", "GET /v1/p1", "GET /v1/p2"]
    assert [p["route"] for p in change.to_dict()["places"]] == ["GET /v1/p0", "GET /v1/p1", "GET /v1/p2"]
    # Judged at every place: a consumer of the last route is still told, at that route.
    result = judge([change], [contract(calls("GET", "/v1/p2", body=obj(total={"type": "integer"})))])
    assert [j.change.route for j in result.breaking] == ["GET /v1/p2"]


def _places(change) -> list[str]:
    return [f"{p.route} {p.location} {p.pointer}" for p in change.everywhere()]


def test_one_edit_reached_as_a_field_and_as_array_items_is_one_change():
    # OpenAI's output item is read as `item` in one event and as `output/*` in the body.
    def spec(required: list[str]) -> dict:
        item = {"$ref": "#/components/schemas/Call"}
        paths = {"/r": {"get": op(obj(output={"type": "array", "items": item}, item=item))}}
        return api(paths, {"Call": obj(required, call_id={"type": "string"})})

    (change,) = diff(spec(["call_id"]), spec([]))
    assert change.kind == "response-field-optional"
    assert _places(change) == [
        "GET /v1/r response 200 application/json /item/call_id",
        "GET /v1/r response 200 application/json /output/*/call_id",
    ]


def test_a_field_taken_through_allof_shows_the_same_change_not_a_second_one():
    # `CallResource` is `allOf: [Call, {id}]`: a field of `Call` made optional is one edit.
    def spec(required: list[str]) -> dict:
        schemas = {
            "Call": obj(required, call_id={"type": "string"}),
            "CallResource": {"allOf": [{"$ref": "#/components/schemas/Call"}, obj(id={"type": "string"})]},
        }
        paths = {
            "/calls": {"get": op({"$ref": "#/components/schemas/Call"})},
            "/stored": {"get": op({"$ref": "#/components/schemas/CallResource"})},
        }
        return api(paths, schemas)

    (change,) = diff(spec(["call_id"]), spec([]))
    assert _places(change) == [
        "GET /v1/calls response 200 application/json /call_id",
        "GET /v1/stored response 200 application/json /call_id",
    ]


def test_a_field_of_a_merged_union_is_compared_declaration_by_declaration():
    # Two variants declare `error`; one of them changes. Read through the union (untagged: no
    # field tells the variants apart) it is the same edit as where that variant is read alone.
    def spec(error: dict) -> dict:
        schemas = {
            "Listing": obj(error={"type": ["string", "null"]}, tools={"type": "array"}),
            "ToolCall": obj(error=error, name={"type": "string"}),
        }
        ref = {"$ref": "#/components/schemas/ToolCall"}
        union = {"anyOf": [{"$ref": "#/components/schemas/Listing"}, ref]}
        return api(
            {"/items": {"get": op(obj(data={"type": "array", "items": union}))}, "/call": {"get": op(ref)}}, schemas
        )

    (change,) = diff(spec({"type": ["string", "null"]}), spec({"type": ["object", "null"]}))
    assert (change.kind, change.old, change.new) == ("response-field-retyped", "string|null", "object|null")
    assert _places(change) == [
        "GET /v1/call response 200 application/json /error",
        "GET /v1/items response 200 application/json /data/*/error",
    ]
    # A reader of the union's field that takes only strings is still told.
    reads = calls(
        "GET", "/v1/items", body=obj(data={"type": "array", "items": obj(error={"type": ["string", "null"]})})
    )
    assert judge([change], [contract(reads)]).breaking


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_has_a_summary_and_a_valid_severity(kind):
    unit = KINDS[kind]
    assert unit.summary and unit.severity in (BREAKING, RISKY, HARMLESS)


def test_a_change_behind_a_loop_of_refs_is_still_found():
    def loop(c_type: str) -> dict:
        schemas = {
            "A": obj(b={"$ref": "#/components/schemas/B"}),
            "B": obj(a={"$ref": "#/components/schemas/A"}, c={"$ref": "#/components/schemas/C"}),
            "C": obj(v={"type": c_type}),
        }
        paths = {
            "/x": {"get": op({"$ref": "#/components/schemas/B"})},
            "/y": {"get": op({"$ref": "#/components/schemas/A"})},
        }
        return api(paths, schemas)

    found = {
        (p.route, p.pointer)
        for c in diff(loop("string"), loop("integer"))
        if c.kind == "response-field-retyped"
        for p in c.everywhere()
    }
    # Where the loop is cut can depend on the walk's order; the shortest pointers are always there.
    assert {("GET /v1/x", "/c/v"), ("GET /v1/y", "/b/c/v")} <= found
    assert all(pointer.endswith("/c/v") for _, pointer in found)


# -- what oasdiff checks (issue 12) -----------------------------------------------------


def _params(*params: dict, path: str = "/v/{id}") -> dict:
    return api({path: {"get": {**op(obj()), "parameters": list(params)}}})


def _path_id(**schema: Any) -> dict:
    return {"name": "id", "in": "path", "required": True, "schema": {"type": "string", **schema}}


def test_request_constraint_tightened_on_a_path_parameter():
    old = _params(_path_id(enum=["a", "b"], maxLength=10))
    new = _params(_path_id(enum=["a"], maxLength=4))
    found = {(c.kind, str(c.location), c.pointer, str(c.new)) for c in diff(old, new)}
    assert ("request-enum-narrowed", "request path", "/id", "None") in found
    assert ("request-constraint-tightened", "request path", "/id", "{'maxLength': 4}") in found
    long_id = calls("GET", "/v1/v/{id}") | {
        "request": {"method": "GET", "path": "/v1/v/{id}", "params": {"id": "abcdefgh"}}
    }
    short_id = calls("GET", "/v1/v/{id}") | {"request": {"method": "GET", "path": "/v1/v/{id}", "params": {"id": "ab"}}}
    assert level(old, new, "request-constraint-tightened", long_id) == BREAKING
    assert level(old, new, "request-constraint-tightened", short_id) == "provider-breaking"


def test_path_parameters_renamed_are_paired_by_position():
    old = _params(_path_id(maxLength=10))
    renamed = {**_path_id(maxLength=10), "name": "video_id"}
    new = api({"/v/{video_id}": {"get": {**op(obj()), "parameters": [renamed]}}})
    assert kinds(old, new) == []


def test_the_first_required_query_or_header_parameter_is_found():
    old = api({"/v": {"get": op(obj())}})
    for where in ("query", "header"):
        new = api({"/v": {"get": {**op(obj()), "parameters": [{"name": "q", "in": where, "required": True}]}}})
        change = only(old, new, "request-field-required")
        assert (str(change.location), change.pointer) == (f"request {where}", "/q")


def test_request_constraint_tightened_judged_by_the_value_sent():
    cases = [
        ({"type": "string", "maxLength": 100}, {"type": "string", "maxLength": 5}, "too long", "ok"),
        ({"type": "integer", "maximum": 100}, {"type": "integer", "maximum": 10}, 50, 5),
        ({"type": "integer", "minimum": 0}, {"type": "integer", "minimum": 10}, 5, 50),
        ({"type": "string"}, {"type": "string", "pattern": "^[a-z]+$"}, "ABC", "abc"),
        ({"type": ["string", "null"]}, {"type": "string"}, None, "x"),
        ({"type": "string"}, {"type": "string", "enum": ["a", "b"]}, "c", "a"),
        (
            {"type": "array", "items": {"type": "integer"}},
            {"type": "array", "items": {"type": "integer"}, "maxItems": 1},
            [1, 2],
            [1],
        ),
        ({"type": "object"}, {"type": "object", "dependentRequired": {"a": ["b"]}}, {"a": 1}, {"a": 1, "b": 2}),
        ({"type": "object"}, {"type": "object", "propertyNames": {"maxLength": 2}}, {"abc": 1}, {"ab": 1}),
        ({"type": "array"}, {"type": "array", "contains": {"type": "string"}}, [1], ["s"]),
        (
            {"type": "object"},
            {"type": "object", "if": {"required": ["a"]}, "then": {"required": ["b"]}},
            {"a": 1},
            {"b": 1},
        ),
        ({"type": "object"}, {"type": "object", "unevaluatedProperties": False}, {"x": 1}, {}),
        ({"type": "string"}, {"type": "string", "not": {"const": "no"}}, "no", "yes"),
    ]
    for before, after, bad, good in cases:
        old, new = _request(obj(f=before)), _request(obj(f=after))
        assert "request-constraint-tightened" in kinds(old, new), after
        found = [c for c in diff(old, new) if c.kind == "request-constraint-tightened"]
        worst = judge(found, [contract(calls("POST", "/v1/v", json={"f": bad}))])
        assert worst.breaking, (after, bad)
        fine = judge(found, [contract(calls("POST", "/v1/v", json={"f": good}))])
        assert not fine.breaking, (after, good)
        assert "request-constraint-tightened" not in kinds(new, old), after


def test_request_constraint_tightened_when_a_union_loses_a_member():
    old = _request(obj(v={"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]}))
    new = _request(obj(v={"anyOf": [{"type": "string"}, {"type": "integer"}]}))
    assert only(old, new, "request-constraint-tightened").new == {"anyOf": 2}
    assert level(old, new, "request-constraint-tightened", calls("POST", "/v1/v", json={"v": True})) == RISKY


def test_response_constraint_loosened_breaks_a_reader():
    cases = [
        ({"type": "string", "maxLength": 5}, {"type": "string", "maxLength": 50}),
        ({"type": "string", "maxLength": 5}, {"type": "string"}),
        ({"type": "integer", "minimum": 0}, {"type": "integer", "minimum": -5}),
        ({"type": "array", "minItems": 1}, {"type": "array"}),
        ({"const": "a"}, {"const": "b"}),
        ({"type": "object", "propertyNames": {"maxLength": 3}}, {"type": "object"}),
        ({"type": "object", "dependentRequired": {"a": ["b"]}}, {"type": "object"}),
        ({"type": "array", "contains": {"type": "string"}}, {"type": "array"}),
        (
            {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]},
        ),
    ]
    for before, after in cases:
        old, new = body_api(obj(f=before)), body_api(obj(f=after))
        assert "response-constraint-loosened" in kinds(old, new), (before, after)
        found = [c for c in diff(old, new) if c.kind == "response-constraint-loosened"]
        assert judge(found, [contract(reader(f={}))]).breaking, after
        assert not judge(found, [contract(reader(other={}))]).breaking
    assert "response-constraint-loosened" not in kinds(
        body_api(obj(f={"maxLength": 50})), body_api(obj(f={"maxLength": 5}))
    )


def test_a_response_body_that_loses_its_schema_is_loosened_and_a_request_that_gains_one_tightened():
    def with_schema(schema_or_none: Any) -> dict:
        media = {"schema": schema_or_none} if schema_or_none is not None else {}
        return api(
            {
                "/v": {
                    "post": {
                        "requestBody": {"content": {"application/json": media}},
                        "responses": {"200": {"description": "ok", "content": {"application/json": media}}},
                    }
                }
            }
        )

    old, new = with_schema(None), with_schema(obj(a={"type": "string"}))
    assert {c.kind for c in diff(old, new)} == {"request-constraint-tightened"}
    assert {c.kind for c in diff(new, old)} == {"response-constraint-loosened"}


def test_request_body_required_breaks_a_consumer_that_sends_none():
    old = api({"/v": {"post": op(obj())}})
    new = api({"/v": {"post": op(obj(), request=obj(a={"type": "string"}))}})
    new["paths"]["/v"]["post"]["requestBody"]["required"] = True
    assert only(old, new, "request-body-required").new == "required"
    assert level(old, new, "request-body-required", calls("POST", "/v1/v")) == BREAKING
    assert level(old, new, "request-body-required", calls("POST", "/v1/v", json={"a": "x"})) == "provider-breaking"
    optional = copy.deepcopy(new)
    optional["paths"]["/v"]["post"]["requestBody"]["required"] = False
    assert only(optional, new, "request-body-required").old == "optional"
    assert "request-body-required" not in kinds(new, optional)


def _headers(**headers: dict) -> dict:
    response = op(obj())
    response["responses"]["200"]["headers"] = headers
    return api({"/h": {"get": response}})


def test_required_header_removed_and_response_header_optional():
    rate = {"required": True, "schema": {"type": "integer"}}
    old = _headers(**{"x-rate": rate})
    assert only(old, _headers(), "required-header-removed").pointer == "/x-rate"
    assert "response-header-removed" not in kinds(old, _headers())
    optional = _headers(**{"x-rate": {"schema": {"type": "integer"}}})
    assert only(old, optional, "response-header-optional").pointer == "/x-rate"
    reads = calls("GET", "/v1/h")
    assert level(old, optional, "response-header-optional", reads, signals=["x-rate"]) == RISKY
    assert (
        level(old, _headers(), "required-header-removed", reads, signals=[{"header": "x-rate", "required": True}])
        == BREAKING
    )


def test_response_header_schemas_are_compared():
    old = _headers(**{"x-rate": {"schema": {"type": "integer"}}})
    new = _headers(**{"x-rate": {"schema": {"type": ["string", "null"]}}})
    found = {(c.kind, str(c.location), c.pointer) for c in diff(old, new)}
    assert ("response-field-retyped", "response 200 headers", "/x-rate") in found
    assert ("response-field-nullable", "response 200 headers", "/x-rate") in found


def test_additional_properties_made_nullable_breaks_a_reader_of_the_map():
    old = body_api(obj(categories={"type": "object", "additionalProperties": {"type": "boolean"}}))
    new = body_api(obj(categories={"type": "object", "additionalProperties": {"type": ["boolean", "null"]}}))
    change = only(old, new, "response-field-nullable")
    assert change.pointer == "/categories/*"
    reads_map = calls(
        "GET",
        "/v1/v",
        body=obj(["categories"], categories={"type": "object", "additionalProperties": {"type": "boolean"}}),
    )
    assert level(old, new, "response-field-nullable", reads_map) == BREAKING


def test_pattern_properties_are_compared_as_map_values():
    old = body_api(obj(m={"type": "object", "patternProperties": {"^x-": {"type": "integer"}}}))
    new = body_api(obj(m={"type": "object", "patternProperties": {"^x-": {"type": "string"}}}))
    assert only(old, new, "response-field-retyped").pointer == "/m/*"


def test_a_read_only_field_made_required_is_not_a_request_change():
    old = _request(obj(id={"type": "string", "readOnly": True}, name={"type": "string"}))
    new = _request(obj(["id"], id={"type": "string", "readOnly": True}, name={"type": "string"}))
    assert "request-field-required" not in kinds(old, new)


def test_a_write_only_field_is_not_a_response_change():
    old = body_api(obj(["secret"], secret={"type": "string", "writeOnly": True}, id={"type": "string"}))
    new = body_api(obj(id={"type": "string"}))
    assert kinds(old, new) == []


def test_response_field_write_only_is_not_a_removal():
    # oasdiff's corpus asserts this pair clean: a required response field made `writeOnly`.
    def group(write_only: bool) -> dict:
        secret: dict[str, Any] = {"type": "string", "writeOnly": write_only}
        return body_api(obj(["name", "secret"], name={"type": "string"}, secret=secret))

    change = only(group(False), group(True), "response-field-write-only")
    assert (change.pointer, change.old, change.new, change.severity) == ("/secret", "readable", "writeOnly", RISKY)
    assert [c.kind for c in diff(group(False), group(True))] == ["response-field-write-only"]
    requires = calls("GET", "/v1/v", body=obj(["secret"], secret={"type": "string"}))
    assert level(group(False), group(True), "response-field-write-only", requires) == BREAKING
    may_read = calls("GET", "/v1/v", body=obj(secret={"type": "string"}))
    assert level(group(False), group(True), "response-field-write-only", may_read) == RISKY
    assert level(group(False), group(True), "response-field-write-only", reader(name={"type": "string"})) == HARMLESS
    # Readable again is a field responses carry once more: harmless, as a new field is.
    assert [c.kind for c in diff(group(True), group(False))] == ["response-field-added"]


def test_a_string_still_sent_to_a_field_that_became_a_union_with_an_object_is_not_broken():
    # OpenAI's speech API: `voice` went from a string to `anyOf: [string, {id required}]`.
    old = _request(obj(["voice"], voice={"type": "string"}))
    new = _request(obj(["voice"], voice={"anyOf": [{"type": "string"}, obj(["id"], id={"type": "string"})]}))
    change = only(old, new, "request-field-required")
    assert (change.pointer, change.new) == ("/voice/id", "required in the object variant")
    assert (
        level(old, new, "request-field-required", calls("POST", "/v1/v", json={"voice": "alloy"}))
        == "provider-breaking"
    )
    assert level(old, new, "request-field-required", calls("POST", "/v1/v", json={"voice": {"name": "x"}})) == BREAKING


def test_sunset_shortened_when_the_date_is_dropped_or_moved_earlier():
    def dated(**notice: Any) -> dict:
        return api({"/v": {"get": op(obj(), deprecated=True, **notice)}})

    dropped = only(dated(**{"x-sunset": "2027-01-01"}), dated(), "sunset-shortened")
    assert (dropped.old, dropped.new) == ({"x-sunset": "2027-01-01"}, None)
    sooner = only(dated(**{"x-sunset": "2027-01-01"}), dated(**{"x-sunset": "2026-10-01"}), "sunset-shortened")
    assert sooner.new == {"x-sunset": "2026-10-01"}
    assert "sunset-shortened" not in kinds(dated(**{"x-sunset": "2026-10-01"}), dated(**{"x-sunset": "2027-01-01"}))
    undeprecated = api({"/v": {"get": op(obj())}})
    assert "sunset-shortened" not in kinds(dated(**{"x-sunset": "2027-01-01"}), undeprecated)
    assert level(dated(**{"x-sunset": "2027-01-01"}), dated(), "sunset-shortened", calls("GET", "/v1/v")) == RISKY


def test_security_changed_is_risky_for_a_caller():
    old = api({"/v": {"get": op(obj(), security=[{"api_key": []}])}})
    new = api({"/v": {"get": op(obj(), security=[{"oauth": ["read"]}])}})
    change = only(old, new, "security-changed")
    assert (change.old, change.new) == ("api_key", "oauth(read)")
    assert level(old, new, "security-changed", calls("GET", "/v1/v")) == RISKY


def _nested(depth: int, leaf: str) -> dict:
    node: dict = {"type": leaf}
    for _ in range(depth):
        node = obj(n=node)
    return node


def test_depth_limit_reached_is_reported_never_silent():
    from harness.diff.walk import MAX_DEPTH

    found = diff(body_api(_nested(MAX_DEPTH + 20, "string")), body_api(_nested(MAX_DEPTH + 20, "integer")))
    assert [c.kind for c in found] == ["depth-limit-reached"]
    assert found[0].pointer.count("/n") == MAX_DEPTH
    shallow = diff(body_api(_nested(160, "string")), body_api(_nested(160, "integer")))
    assert [(c.kind, c.pointer.count("/n")) for c in shallow] == [("response-field-retyped", 160)]
    # A consumer that reads on the way down may be hit by what lies below the cut.
    assert judge(found, [contract(calls("GET", "/v1/v", body=_nested(3, "string")))]).risky
    assert not judge(found, [contract(calls("GET", "/v1/v", body=obj(other={"type": "string"})))]).risky


def test_the_docs_map_every_registered_kind_to_oasdiff_ids():
    docs = (Path(__file__).parent.parent / "docs" / "diff.md").read_text()
    table = docs[docs.index("| our kind | oasdiff ids |") :].split("\n\n")[0].splitlines()[2:]
    listed = [row.split("|")[1].strip().strip("`") for row in table]
    assert sorted(listed) == sorted(KINDS)
    assert len(listed) == len(set(listed))
    catalogue = docs[docs.index("## The change catalogue") : docs.index("### Mapping to oasdiff")]
    assert [k for k in KINDS if f"| `{k}` |" not in catalogue] == []


# -- deep and wide specs ------------------------------------------------------------------


def _chain(n: int, leaf: str, style: str) -> dict:
    schemas: dict[str, Any] = {}
    for i in range(n):
        nxt = {"$ref": f"#/components/schemas/A{i + 1}"}
        schemas[f"A{i}"] = {"ref": nxt, "allof": {"allOf": [nxt]}, "prop": obj(n=nxt)}[style]
    schemas[f"A{n}"] = obj(v={"type": leaf})
    return api({"/x": {"get": op({"$ref": "#/components/schemas/A0"})}}, schemas)


def test_a_chain_of_400_refs_is_followed_to_its_end():
    (change,) = diff(_chain(400, "string", "ref"), _chain(400, "integer", "ref"))
    assert (change.kind, change.pointer) == ("response-field-retyped", "/v")


def test_a_chain_of_400_allof_refs_is_a_clear_error_naming_where_it_stops():
    from harness.diff import SpecError

    with pytest.raises(SpecError, match=r"nests more than 200 levels .* \(at /components/schemas/A\d+"):
        diff(_chain(400, "string", "allof"), _chain(400, "integer", "allof"))


def test_schemas_nested_20000_deep_are_cut_and_reported_not_crashed():
    from harness.diff.walk import MAX_DEPTH

    found = diff(body_api(_nested(20_000, "string")), body_api(_nested(20_000, "integer")))
    assert [(c.kind, c.pointer.count("/")) for c in found] == [("depth-limit-reached", MAX_DEPTH)]
    assert [c.kind for c in diff(_chain(400, "string", "prop"), _chain(400, "integer", "prop"))] == [
        "depth-limit-reached"
    ]


def test_one_shared_schema_under_many_pointers_is_one_change_with_bounded_output():
    def wide(leaf: str) -> dict:
        props = {f"p{i}": {"$ref": "#/components/schemas/Shared"} for i in range(3000)}
        return api({"/x": {"get": op({"type": "object", "properties": props})}}, {"Shared": obj(v={"type": leaf})})

    (change,) = diff(wide("string"), wide("integer"))
    assert len(change.places) == 3000 and {p.pointer for p in change.places} >= {"/p0/v", "/p2999/v"}
    data = change.to_dict()
    assert data["place_count"] == 3000 and len(data["places"]) == 20


def test_webhook_removed_and_webhook_added_for_webhooks_and_callbacks():
    def hooks(*names: str) -> dict:
        spec = api({"/v": {"get": op(obj())}})
        spec["webhooks"] = {
            n: {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": obj()}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
            for n in names
        }
        return spec

    change = only(hooks("done", "failed"), hooks("done"), "webhook-removed")
    assert change.route == "POST webhook failed"
    assert only(hooks("done"), hooks("done", "failed"), "webhook-added").route == "POST webhook failed"
    assert (
        level(hooks("done", "failed"), hooks("done"), "webhook-removed", calls("GET", "/v1/v")) == "provider-breaking"
    )


def test_discriminator_changed_is_risky_for_a_reader():
    def union(**disc: Any) -> dict:
        variants = [obj(["kind"], kind={"const": k}, v={"type": "string"}) for k in ("a", "b")]
        return body_api(obj(u={"oneOf": variants, "discriminator": {"propertyName": "kind", **disc}}))

    change = only(union(), union(mapping={"a": "#/components/schemas/A"}), "discriminator-changed")
    assert change.pointer == "/u"
    assert level(union(), union(mapping={"a": "#/x"}), "discriminator-changed", reader(u={"type": "object"})) == RISKY


# -- sunset-date policy ------------------------------------------------------------------

POLICY = SunsetPolicy(datetime.date(2026, 3, 1), 180)  # 180 days from 2026-03-01 is 2026-08-28


def _deprecated(**notice: Any) -> dict:
    return api({"/v": {"get": op(obj(), deprecated=True, **notice)}})


def _with_policy(old: dict, new: dict, policy: SunsetPolicy | None = POLICY) -> list:
    return diff_specs(spec_from_data(old, "old.yaml"), spec_from_data(new, "new.yaml"), policy)


def test_sunset_too_soon_when_deprecated_with_less_notice_than_asked():
    live = api({"/v": {"get": op(obj())}})
    (change,) = _with_policy(live, _deprecated(**{"x-sunset": "2026-04-15"}))
    assert (change.kind, change.severity) == ("sunset-too-soon", RISKY)
    assert (change.old, change.new) == (None, {"x-sunset": "2026-04-15", "notice": "45 of 180 days"})
    result = judge([change], [contract(calls("GET", "/v1/v"))])
    assert [j.change.kind for j in result.breaking] == ["sunset-too-soon"]
    assert "sunset on 2026-04-15, less notice than asked for (notice: 45 of 180 days)" in result.breaking[0].reason
    assert not judge([change], [contract(calls("GET", "/v1/other"))]).risky
    # Exactly the notice asked for is enough; so is no policy at all.
    assert [c.kind for c in _with_policy(live, _deprecated(**{"x-sunset": "2026-08-28"}))] == ["operation-deprecated"]
    assert [c.kind for c in _with_policy(live, _deprecated(**{"x-sunset": "2026-08-27"}))] == ["sunset-too-soon"]
    assert [c.kind for c in _with_policy(live, _deprecated(**{"x-sunset": "2026-04-15"}), None)] == [
        "operation-deprecated"
    ]


def test_sunset_too_soon_reads_past_and_http_dates_and_ignores_other_dates():
    live = api({"/v": {"get": op(obj())}})
    (past,) = _with_policy(live, _deprecated(**{"x-sunset": "2026-01-01"}))
    assert past.new == {"x-sunset": "2026-01-01", "notice": "past, 180 days asked"}
    # A `Sunset` header's date, as recordings carry it (RFC 8594).
    (header,) = _with_policy(live, _deprecated(**{"x-sunset": "Wed, 15 Apr 2026 00:00:00 GMT"}))
    assert header.kind == "sunset-too-soon"
    # The day it was deprecated is not the day it goes; no date at all gives no sunset advice.
    (dated,) = _with_policy(live, _deprecated(**{"x-deprecation-date": "2026-02-01"}))
    (bare,) = _with_policy(live, _deprecated())
    assert [dated.kind, bare.kind] == ["operation-deprecated", "operation-deprecated"]
    reason = judge([bare], [contract(calls("GET", "/v1/v"))]).risky[0].reason
    assert reason.endswith("calls a deprecated route (no sunset date announced)") and "before" not in reason


def test_sunset_too_soon_only_for_a_notice_given_in_this_version():
    soon = _deprecated(**{"x-sunset": "2026-04-15"})
    assert _with_policy(soon, soon) == []
    # Moved later, but still too soon: a new notice, judged as such.
    (later,) = _with_policy(soon, _deprecated(**{"x-sunset": "2026-05-01"}))
    assert (later.kind, later.new["notice"]) == ("sunset-too-soon", "61 of 180 days")
    # Moved earlier: sunset-shortened, which says the notice is short and breaks a caller.
    (earlier,) = _with_policy(_deprecated(**{"x-sunset": "2026-12-01"}), soon)
    assert (earlier.kind, earlier.new) == ("sunset-shortened", {"x-sunset": "2026-04-15", "notice": "45 of 180 days"})
    assert judge([earlier], [contract(calls("GET", "/v1/v"))]).breaking
    (far,) = _with_policy(_deprecated(**{"x-sunset": "2027-06-01"}), _deprecated(**{"x-sunset": "2027-01-01"}))
    assert far.new == {"x-sunset": "2027-01-01"} and judge([far], [contract(calls("GET", "/v1/v"))]).risky
