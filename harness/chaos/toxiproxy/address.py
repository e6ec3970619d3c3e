"""host:port addresses as Toxiproxy writes them, and the loopback rule."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> Address:
        host, sep, port = text.rpartition(":")
        if not sep or not port.isdigit() or int(port) > 65535:
            raise ValueError(f"{text!r} is not host:port")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        return cls(host, int(port))

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_host(host: str) -> str:
    # "localhost" may resolve to both 127.0.0.1 and ::1; bind one socket, on 127.0.0.1.
    return "127.0.0.1" if host == "localhost" else host


def resolved(text: str) -> str:
    """`text` as Toxiproxy compares listen addresses (after Go's `net.ResolveTCPAddr`):
    `localhost:7070` and `127.0.0.1:7070` are the same address. Only loopback hosts
    are accepted here, so no name lookup is needed."""
    address = Address.parse(text)
    host = bind_host(address.host)
    try:
        host = str(ipaddress.ip_address(host))  # one spelling per address (::0001 is ::1)
    except ValueError:
        pass
    return str(Address(host, address.port))


def listen_backlog() -> int:
    """The kernel's limit on pending connections, as Go's listeners use."""
    try:
        with open("/proc/sys/net/core/somaxconn") as limit:
            return int(limit.read())
    except (OSError, ValueError):
        return socket.SOMAXCONN
