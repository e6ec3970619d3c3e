"""The API's JSON bodies read into values, with Toxiproxy's error messages.

Stricter than Toxiproxy in two ways, both on purpose: a proxy may only
listen on a loopback address (the embedded server binds 127.0.0.1 only),
and a toxic attribute that the toxic does not have is an error instead of
being ignored (a typo would otherwise silently do nothing).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection
from typing import Any

from harness.chaos.toxiproxy import errors
from harness.chaos.toxiproxy.address import Address, is_loopback
from harness.chaos.toxiproxy.proxy import Proxy, ProxyConfig
from harness.chaos.toxiproxy.registry import toxic_type
from harness.chaos.toxiproxy.stream import Direction
from harness.chaos.toxiproxy.toxic import Toxic, ToxicSpec

DEFAULT_LISTEN = "127.0.0.1:0"


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body or b"null")
    except ValueError as exc:
        raise errors.BadRequestBody(str(exc)) from None


def proxy_config(body: Any, where: str = "") -> ProxyConfig:
    """POST /proxies and each item of POST /populate."""
    if not isinstance(body, dict):
        raise errors.BadRequestBody("expected a JSON object")
    name = _string(body, "name", "")
    upstream = _string(body, "upstream", "")
    listen = _string(body, "listen", "") or DEFAULT_LISTEN
    enabled = _boolean(body, "enabled", True)
    if not name:
        raise errors.MissingField(f"name{where}")
    if not upstream:
        raise errors.MissingField(f"upstream{where}")
    return ProxyConfig(name, _listen(listen), _upstream(upstream), enabled)


def populate_items(body: Any) -> list[dict[str, Any]]:
    """POST /populate, as Toxiproxy checks it before changing anything: a JSON array of
    objects, each with a name and an upstream. Everything else is checked item by item,
    as each is created (`proxy_config`), so a later bad item leaves the earlier ones made."""
    if not isinstance(body, list):
        raise errors.BadRequestBody("expected a JSON array of proxies")
    for i, item in enumerate(body, 1):
        if not isinstance(item, dict):
            raise errors.BadRequestBody(f"proxy {i} is not a JSON object")
        for key in ("name", "upstream"):
            if not _string(item, key, ""):
                raise errors.MissingField(f"{key} at proxy {i}")
    return body


def proxy_update(body: Any, proxy: Proxy) -> tuple[str, str, bool]:
    """POST /proxies/{proxy}: fields not given keep their values; the name cannot change."""
    if not isinstance(body, dict):
        raise errors.BadRequestBody("expected a JSON object")
    return (
        _listen(_string(body, "listen", proxy.listen)),
        _upstream(_string(body, "upstream", proxy.upstream)),
        _boolean(body, "enabled", proxy.enabled),
    )


def toxic_spec(body: Any, taken: Collection[str] = ()) -> ToxicSpec:
    """POST /proxies/{proxy}/toxics; checked in Toxiproxy's order, so the same body gets the same error."""
    if not isinstance(body, dict):
        raise errors.BadRequestBody("expected a JSON object")
    stream_name = _string(body, "stream", "downstream")
    try:
        stream = Direction(stream_name)
    except ValueError:
        raise errors.InvalidStream() from None
    type_name = _string(body, "type", "")
    name = _string(body, "name", "") or f"{type_name}_{stream.value}"
    cls = toxic_type(type_name)
    if cls is None:
        raise errors.InvalidToxicType()
    if name in taken:
        raise errors.ToxicExists()
    return ToxicSpec(name, type_name, stream, _toxicity(body, 1.0), _toxic(cls, body.get("attributes"), cls()))


def toxic_update(body: Any, spec: ToxicSpec) -> ToxicSpec:
    """POST /proxies/{proxy}/toxics/{toxic}: attributes not given keep their values."""
    if not isinstance(body, dict):
        raise errors.BadRequestBody("expected a JSON object")
    return dataclasses.replace(
        spec,
        toxicity=_toxicity(body, spec.toxicity),
        toxic=_toxic(type(spec.toxic), body.get("attributes"), spec.toxic),
    )


def _toxic(cls: type[Toxic], attributes: Any, base: Toxic) -> Toxic:
    if attributes is None:
        attributes = {}
    if not isinstance(attributes, dict):
        raise errors.BadRequestBody("attributes must be an object")
    known = [f.name for f in dataclasses.fields(cls)]
    values: dict[str, int] = {}
    for key, value in attributes.items():
        if key not in known:
            raise errors.BadRequestBody(f"unknown attribute {key!r} (this toxic has: {', '.join(known)})")
        if type(value) is not int:
            raise errors.BadRequestBody(f"attribute {key!r} must be an integer, not {json.dumps(value)}")
        if value < 0:
            raise errors.BadRequestBody(f"attribute {key!r} must be 0 or more")
        values[key] = value
    toxic = dataclasses.replace(base, **values)
    try:
        toxic.validate()
    except ValueError as exc:
        raise errors.BadRequestBody(str(exc)) from None
    return toxic


def _toxicity(body: dict[str, Any], default: float) -> float:
    value = body.get("toxicity", default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise errors.BadRequestBody("toxicity must be a number")
    return float(value)


def _string(body: dict[str, Any], key: str, default: str) -> str:
    value = body.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise errors.BadRequestBody(f"{key} must be a string")
    return value


def _boolean(body: dict[str, Any], key: str, default: bool) -> bool:
    value = body.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise errors.BadRequestBody(f"{key} must be true or false")
    return value


def _listen(text: str) -> str:
    address = _address(text, "listen")
    if not is_loopback(address.host):
        raise errors.BadRequestBody(
            f"listen {text!r} is not a loopback address; the embedded Toxiproxy listens on 127.0.0.1 only"
        )
    return text


def _upstream(text: str) -> str:
    _address(text, "upstream")
    return text


def _address(text: str, field: str) -> Address:
    try:
        return Address.parse(text)
    except ValueError as exc:
        raise errors.BadRequestBody(f"{field}: {exc}") from None
