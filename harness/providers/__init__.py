"""The provider registry: every `Provider` harness knows, by name.

Each public module (or package) of this folder declares one provider, named
as the module, and registers it at import (`register(Provider(...))`), the
way a Toxiproxy toxic registers itself; code the providers share lives in
`_`-prefixed modules. Other packages add providers under the
`harness.providers` entry-point group, named as the provider. The registry
imports the provider modules on first use; `names()` does not, so the pytest
plugin can name its `<provider>_double` fixtures without loading them.

    from harness import providers
    providers.get("openai")            # the Provider record
    providers.names()                  # ("openai", "anthropic", "gemini", ...)
    providers.provider_of(request)     # which provider a recorded request was for
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import TYPE_CHECKING

from harness.errors import InputError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from harness.exchange import Request
    from harness.provider import Provider

_REGISTRY: dict[str, Provider] = {}
_loaded = False
# The order shipped providers are listed in (others follow in the order they register).
_SHIPPED = ("openai", "anthropic", "gemini")
# registered() in order, made once per change of the registry: it is asked for on every
# exchange checked, header format looked up and cassette request matched.
_ordered: tuple[Provider, ...] | None = None
# Lower-case host -> the provider that answers on it (or None), asked once per host rather
# than once per recorded exchange; emptied with `_ordered`.
_by_host: dict[str, str | None] = {}
_HOSTS_KEPT = 4096


def register(provider: Provider) -> Provider:
    """Add `provider` to the registry (replacing one of the same name); returns it."""
    global _ordered
    _REGISTRY[provider.name] = provider
    _ordered = None
    _by_host.clear()
    return provider


def unregister(name: str) -> None:
    """Remove a provider (tests that register a toy one clean up with this)."""
    global _ordered
    _REGISTRY.pop(name, None)
    _ordered = None
    _by_host.clear()


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    for entry in _entry_points():
        entry.load()


def registered() -> tuple[Provider, ...]:
    """Every registered provider: the shipped ones first, in a stable order."""
    global _ordered
    _load()
    if _ordered is None:
        order = names()
        _ordered = tuple(
            sorted(_REGISTRY.values(), key=lambda p: order.index(p.name) if p.name in order else len(order))
        )
    return _ordered


@functools.cache
def _declared() -> tuple[str, ...]:
    """The providers this package and the installed entry points declare (they do not change in a process)."""
    found = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
    return (*found, *(entry.name for entry in _entry_points()))


@functools.cache
def _entry_points() -> tuple[EntryPoint, ...]:
    """The installed packages' `harness.providers` entry points, looked up once (each look reads
    every installed distribution's metadata): `names()` and loading the registry see the same."""
    from importlib.metadata import entry_points

    return tuple(entry_points(group="harness.providers"))


def names() -> tuple[str, ...]:
    """The names of every provider, without importing their modules."""
    rank = {name: index for index, name in enumerate(_SHIPPED)}
    found = dict.fromkeys([*_declared(), *_REGISTRY])
    return tuple(sorted(found, key=lambda name: rank.get(name, len(rank))))


def get(name: str) -> Provider:
    """The provider called `name`; InputError naming the known ones when there is none."""
    _load()
    provider = _REGISTRY.get(name)
    if provider is None:
        raise InputError(f"unknown provider {name!r}; known: {', '.join(names())}")
    return provider


def provider_for_host(host: str) -> str | None:
    host = host.lower()
    ordered = registered()  # first: loading the providers empties the table
    try:
        return _by_host[host]
    except KeyError:
        pass
    name = next((p.name for p in ordered if host in p.all_hosts), None)
    if len(_by_host) >= _HOSTS_KEPT:  # a recording of many local hosts cannot grow it without bound
        _by_host.clear()
    _by_host[host] = name
    return name


def provider_of(request: Request) -> str | None:
    """Which provider a recorded request was for: its host, or, for traffic
    recorded against a local server or proxy, the signature its SDK leaves."""
    by_host = provider_for_host(request.host)
    if by_host:
        return by_host
    return next((p.name for p in registered() if p.signature(request)), None)
