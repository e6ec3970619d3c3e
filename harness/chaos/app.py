"""The app under test as a process: started with its placeholders filled,
waited on until ready, and always stopped — also on errors, Ctrl-C and
SIGTERM — with everything it started (`process_tree.py`). Its output is kept
for the report, and when it ends on its own, how it ended."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from harness.chaos import interrupt, process_tree
from harness.errors import InputError

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\}")
# How servers say their port is taken: Python's OSError and uvicorn, Node, Go, Rust, Java all
# print one of these (Java's BindException alone may be another fault, such as a wrong host).
_IN_USE = re.compile(r"address already in use|EADDRINUSE", re.IGNORECASE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill(value: Any, values: Mapping[str, str], where: str) -> Any:
    """Replace `{port}`, `{openai.url}`… in strings, lists and mappings; unknown names are errors."""
    if isinstance(value, str):

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in values:
                raise InputError(
                    f"unknown placeholder {{{name}}} in {where}; known: "
                    + ", ".join(f"{{{k}}}" for k in sorted(values))
                )
            return values[name]

        return _PLACEHOLDER.sub(one, value)
    if isinstance(value, list):
        return [fill(v, values, where) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, values, where) for k, v in value.items()}
    return value


class AppDidNotStart(InputError):
    """The app could not be started, exited, or never became ready. `output` is what it printed;
    `port_taken`: its port was taken, by what our check found there or by the app's own words."""

    def __init__(self, message: str, source: str | None = None, output: str = "", port_taken: bool = False) -> None:
        super().__init__(message, source)
        self.output = output
        self.port_taken = port_taken or bool(_IN_USE.search(output))


def ending(returncode: int) -> str:
    """How a process ended, in words: `exited with code 3`, `was killed by SIGKILL`."""
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with code {returncode}"


class AppProcess:
    """`with AppProcess(command, cwd, env, url, ready_path, timeout) as app:` — ready, or a clear InputError."""

    def __init__(
        self,
        command: list[str] | None,
        cwd: Path,
        env: dict[str, str],
        url: str,
        ready_path: str = "/health",
        ready_timeout: float = 20.0,
        name: str = "app",
    ) -> None:
        self.command, self.cwd, self.env, self.url = command, cwd, env, url.rstrip("/")
        self.ready_path, self.ready_timeout, self.name = ready_path, ready_timeout, name
        self.process: subprocess.Popen[bytes] | None = None
        self.returncode: int | None = None  # once it has ended, on its own or stopped
        self.mark = uuid.uuid4().hex  # in the environment of the app and all it starts
        self.grace = process_tree.grace_seconds()  # a bad $HARNESS_STOP_GRACE is an error before it starts
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  (read after the app stops: it lives as long as this object)

    def __enter__(self) -> AppProcess:
        try:
            if self.command:
                self._check_port_free()
                self._start()
            self._wait_ready()
        except BaseException:  # never entered, never exited: stop it and close its log here
            self.stop()
            self._log.close()
            raise
        return self

    def _start(self) -> None:
        assert self.command
        try:
            with interrupt.held():  # a signal now waits until the app is recorded, to be stopped
                self.process = subprocess.Popen(
                    self.command,
                    cwd=self.cwd,
                    env={**os.environ, **self.env, process_tree.APP_MARK: self.mark},
                    stdin=subprocess.DEVNULL,
                    stdout=self._log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        except OSError as exc:
            raise AppDidNotStart(
                f"cannot start the app {self.command!r} in {self.cwd}: {exc.strerror or exc}", self.name
            ) from None

    def ended(self, wait: float = 0.0) -> str | None:
        """How the app ended (`exited with code 1`, `was killed by SIGKILL`) if it has, waiting up to
        `wait` seconds for it (a connection it dropped may be seen before its exit is)."""
        if self.process is None:
            return None if self.returncode is None else ending(self.returncode)
        try:
            self.returncode = self.process.wait(timeout=wait) if wait else self.process.poll()
        except subprocess.TimeoutExpired:
            return None
        return None if self.returncode is None else ending(self.returncode)

    def _check_port_free(self) -> None:
        """Something already answering on the app's port would pass the readiness check for it."""
        parts = urlsplit(self.url)
        host, port = parts.hostname or "127.0.0.1", parts.port or (443 if parts.scheme == "https" else 80)
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((host, port)) == 0:
                raise AppDidNotStart(
                    f"port {port} on {host} is already taken, before the app started; "
                    f"stop what holds it or use {{port}} in app.url",
                    self.name,
                    port_taken=True,
                )

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout
        last = "no answer yet"
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.process is not None and self.process.poll() is not None:
                    raise AppDidNotStart(
                        f"the app {ending(self.process.returncode)} before it was ready{self.tail()}",
                        self.name,
                        self.output(),
                    )
                try:
                    response = client.get(self.url + self.ready_path)
                    if response.status_code == 200:
                        return
                    last = f"HTTP {response.status_code}"
                except httpx.HTTPError as exc:
                    last = type(exc).__name__
                time.sleep(0.05)
        raise AppDidNotStart(
            f"the app never became ready: GET {self.url}{self.ready_path} gave {last} for "
            f"{self.ready_timeout:g}s{self.tail()}",
            self.name,
            self.output(),
        )

    def stop(self) -> None:
        """Stop the app and whatever it started, also what left its session; SIGKILL after a grace
        period. Safe to call again, and from the way out of a signal."""
        process, self.process = self.process, None
        if process is None:
            return
        with interrupt.held():  # a Ctrl-C now must not cut the escalation to SIGKILL short
            # Its children may outlive it even when it has exited: the mark finds them.
            root = process.pid if process.poll() is None else None
            process_tree.stop(root, (process_tree.APP_MARK, self.mark), self.grace)
            try:
                self.returncode = process.wait(timeout=process_tree.KILL_WAIT_SECONDS)
            except subprocess.TimeoutExpired:  # unkillable (stuck in the kernel): nothing more to do
                pass

    def output(self) -> str:
        """Everything the app printed so far."""
        if self._log.closed:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", errors="replace")

    def tail(self, lines: int = 15) -> str:
        text = self.output().strip()
        if not text:
            return " (it printed nothing)"
        return "; its last output:\n    " + "\n    ".join(text.splitlines()[-lines:])
