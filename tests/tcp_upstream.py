"""Tiny TCP upstreams on 127.0.0.1 (port 0) for the Toxiproxy tests, and the client side."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

Handler = Callable[[socket.socket], None]


class TcpServer:
    """127.0.0.1, a free port; `handler(connection)` runs in a thread per connection."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            try:
                self.handler(connection)
            except OSError:
                pass

    def close(self) -> None:
        self.sock.close()


def echo(connection: socket.socket) -> None:
    while data := connection.recv(65536):
        connection.sendall(data)


def greeter(payload: bytes) -> Handler:
    """Sends `payload` as soon as a client connects, then closes."""

    def handler(connection: socket.socket) -> None:
        connection.sendall(payload)

    return handler


def connect(proxy) -> socket.socket:
    host, port = proxy.listen.rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=5)


def read_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data
