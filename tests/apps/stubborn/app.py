"""A stubborn app for the tests of stopping a chaos run: it ignores SIGTERM, and
starts a child in a session of its own (setsid) and a daemon that forks twice,
both ignoring SIGTERM too. It writes every pid it starts to $PID_DIR/$NAME.pids.

GET /health  ready
GET /wait    answers only after 60 s (the run is stopped meanwhile); touches $PID_DIR/$NAME.waiting
GET /die     the app kills itself with SIGKILL after printing a line
GET /exit?code=N  the app exits with code N
Started with BROKEN=1 it prints a line and exits with code 3 before it is ready.
"""

import os
import signal
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

NAME = os.environ.get("NAME", "app")
PID_DIR = Path(os.environ["PID_DIR"])
SLEEPER = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)"

if os.environ.get("BROKEN") == "1":
    print("boom: the app cannot read its settings", flush=True)
    sys.exit(3)

signal.signal(signal.SIGTERM, signal.SIG_IGN)
pids = [os.getpid()]
# A child in a session (and process group) of its own: killpg on the app does not reach it.
pids.append(subprocess.Popen([sys.executable, "-c", SLEEPER], start_new_session=True).pid)
# A daemon: the middle process exits at once, so the grandchild is handed to init.
middle = subprocess.Popen(
    [
        sys.executable,
        "-c",
        "import os, subprocess, sys; "
        f"p = subprocess.Popen([sys.executable, '-c', {SLEEPER!r}], start_new_session=True, stdout=subprocess.DEVNULL); print(p.pid)",
    ],
    stdout=subprocess.PIPE,
    text=True,
)
pids.append(int(middle.communicate()[0]))
(PID_DIR / f"{NAME}.pids").write_text(" ".join(map(str, pids)))
print(f"{NAME} started: pids {pids}", flush=True)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/wait":
            (PID_DIR / f"{NAME}.waiting").touch()
            time.sleep(60)
        elif url.path == "/die":
            print("about to be killed", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        elif url.path == "/exit":
            print("exiting on request", flush=True)
            os._exit(int(parse_qs(url.query)["code"][0]))
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
