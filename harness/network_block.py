"""The network blocked outside this machine while a test uses provider doubles.

A client left on a provider's real base URL would reach `api.openai.com`
(with a key, and a bill) or, without one, fail in a way an app's fallback
quietly absorbs, so a test goes green for the wrong reason. While a block is
on, resolving or connecting to any host but loopback raises `NetworkBlocked`,
naming the host; every attempt is also kept in `attempts`, so the pytest
plugin fails the test even when the app swallowed the error.

    with NetworkBlock(allowed=["toxiproxy"]) as block:    # loopback is always allowed
        httpx.get("https://api.openai.com/v1/models")     # NetworkBlocked: ... api.openai.com:443
    block.attempts                                        # ["api.openai.com:443"]

It patches `socket.getaddrinfo` (names) and `socket.socket.connect` /
`connect_ex` (addresses), which every Python HTTP stack goes through, sync
or asyncio; Unix sockets, binding and serving are untouched. Blocks nest.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


class NetworkBlocked(RuntimeError):
    """A test that uses provider doubles tried to reach a host outside this machine.

    Not an OSError on purpose: HTTP clients turn those into "connection failed",
    which an app's fallback would take as the provider being down."""


def is_loopback(host: str) -> bool:
    """`127.0.0.1`, `::1`, `localhost`, `*.localhost`, or the unspecified `0.0.0.0` / `::`."""
    name = host.strip("[]").lower().rstrip(".")
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1 is IPv4's loopback
    return address.is_loopback or address.is_unspecified or (mapped is not None and mapped.is_loopback)


class NetworkBlock:
    """While entered, only loopback and the `allowed` hosts (names or addresses) can be reached."""

    def __init__(
        self, allowed: Iterable[str] = (), *, hint: Callable[[str], str] | None = None, advice: str = ""
    ) -> None:
        self.allowed = frozenset(h.strip("[]").lower().rstrip(".") for h in allowed if h)
        self.hint = hint  # what a host is, e.g. which provider's real API answers on it
        self.advice = advice  # how to let a host through, said at the end of the error
        self.attempts: list[str] = []  # "host:port", in the order they were refused
        self._lock = threading.Lock()
        self._saved: tuple[Any, Any, Any] | None = None

    def allows(self, host: Any) -> bool:
        if host is None or not isinstance(host, (str, bytes)):
            return True  # getaddrinfo(None, port): the local side of a server
        name = host.decode("idna") if isinstance(host, bytes) else host
        if not name or is_loopback(name):
            return True
        return name.strip("[]").lower().rstrip(".") in self.allowed

    def refuse(self, host: Any, port: Any) -> NetworkBlocked:
        name = host.decode("idna") if isinstance(host, bytes) else str(host)
        where = f"{name}:{port}" if port not in (None, "", 0) else name
        with self._lock:
            self.attempts.append(where)
        extra = self.hint(name) if self.hint is not None else ""
        return NetworkBlocked(
            f"network blocked: this test uses a provider double, and something tried to reach {where}"
            + (f" ({extra})" if extra else "")
            + "; point the client at the double (its .client(), or base_url=<double>.base_url)"
            + (f", or {self.advice}" if self.advice else "")
        )

    def __enter__(self) -> NetworkBlock:
        getaddrinfo, connect, connect_ex = socket.getaddrinfo, socket.socket.connect, socket.socket.connect_ex
        self._saved = (getaddrinfo, connect, connect_ex)
        block = self

        def guarded_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            if not block.allows(host):
                raise block.refuse(host, port)
            return getaddrinfo(host, port, *args, **kwargs)

        def checked(address: Any, family: int) -> None:
            if family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple) and address:
                if not block.allows(address[0]):
                    raise block.refuse(address[0], address[1] if len(address) > 1 else None)

        def guarded_connect(sock: socket.socket, address: Any) -> None:
            checked(address, sock.family)
            return connect(sock, address)

        def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
            checked(address, sock.family)
            return connect_ex(sock, address)

        socket.getaddrinfo = guarded_getaddrinfo
        socket.socket.connect = guarded_connect  # type: ignore[method-assign, assignment]
        socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign, assignment]
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._saved is not None:
            socket.getaddrinfo, socket.socket.connect, socket.socket.connect_ex = self._saved  # type: ignore[method-assign]
            self._saved = None
