"""The `harness` command. Each subcommand lives in `harness/commands/<name>.py`
with `add_arguments(parser)` and `run(args) -> exit code`; modules load lazily
so `harness --help` stays fast.

Exit codes: 0 all held, 1 something the user should know failed (violations,
breaking changes), 2 bad input (file, line, reason), 3 an internal error (a
bug in harness, never a finding: one line, the traceback in a file), 130
interrupted.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import threading
from collections.abc import Sequence
from importlib import import_module
from typing import Any, NoReturn

from harness.errors import HarnessError, InputError

COMMANDS = {
    "verify": "check recorded or live exchanges against contracts",
    "record": "record cassettes from a provider, secrets redacted",
    "diff": "does a new API version break this consumer?",
    "serve": "run a provider double on 127.0.0.1",
    "toxiproxy": "run the embedded Toxiproxy-compatible server",
    "chaos": "run chaos scenarios against an app, with a report",
    "fuzz": "drive an app's API from its OpenAPI spec while a scenario's faults break its providers",
    "exposure": "list where a code base depends on AI providers, and what shuts down when",
    "readiness": "could we leave a provider tomorrow? a verdict per capability",
}


def build_parser(command: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness", description="Contract tests and chaos rehearsals for apps that depend on AI providers."
    )
    parser.add_argument("--version", action=_Version)
    # `prog` given, argparse does not start a help formatter to work it out (which imports
    # shutil, bz2 and lzma: 4 ms of every command's start).
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog=parser.prog)
    for name, help_text in COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            import_module(f"harness.commands.{name}").add_arguments(sub_parser)
            for leaf in _leaves(sub_parser):
                _add_input_options(leaf)
    return parser


class _Version(argparse._VersionAction):
    """argparse's `--version`, with the version looked up only when asked for: reading the
    installed metadata costs every other command a tenth of a second."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        self.version = f"harness {version()}"
        super().__call__(parser, namespace, values, option_string)


def _leaves(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parsers that read a command's options: `chaos run`'s, not `chaos`'s (an option written
    after `run` is `run`'s, and `chaos` never sees it)."""
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not actions:
        return [parser]
    return [leaf for action in actions for child in action.choices.values() for leaf in _leaves(child)]


def _add_input_options(parser: argparse.ArgumentParser) -> None:
    """What every command takes about the files it reads: see docs/contracts.md, "Files from elsewhere"."""
    group = parser.add_argument_group("files from elsewhere")
    group.add_argument(
        "--allow-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="a folder that $refs and a scenario's app.cwd may reach besides the file's own folder tree "
        "(repeatable; also HARNESS_ALLOW_DIRS)",
    )
    group.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="raise a cap on what is read: document_bytes, alias_values, depth, body_bytes, interactions, "
        "journal (repeatable; also HARNESS_MAX_<NAME>)",
    )


def _apply_input_options(args: argparse.Namespace) -> None:
    """Into the environment, so the library reads them wherever it is, and `--jobs` workers too."""
    from harness import limits, schemas

    for text in getattr(args, "limit", []):
        limits.set_from_option(text)
    dirs = [d for d in getattr(args, "allow_dir", [])]
    for folder in dirs:
        if not os.path.isdir(folder):
            raise InputError("--allow-dir: no such folder", folder)
    if dirs:
        before = os.environ.get(schemas.ALLOW_DIRS, "")
        os.environ[schemas.ALLOW_DIRS] = os.pathsep.join([*filter(None, [before]), *map(os.path.abspath, dirs)])


def version() -> str:
    """The installed distribution's version (what `pip show harness` says)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("harness")
    except PackageNotFoundError:  # imported from a source tree that was never installed
        from harness import __version__

        return __version__


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = _command_in(argv)
    try:  # every path, from building the parser on, ends in one of the exit codes above
        parser = build_parser(command if command in COMMANDS else None)
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            return 2
        _apply_input_options(args)
        return import_module(f"harness.commands.{args.command}").run(args)
    except HarnessError as exc:  # raised on purpose: the message says what to fix
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: exit 3, so CI never reads it as a finding (1)
        print(f"internal error: {type(exc).__name__}: {exc} (traceback in {_write_traceback()})", file=sys.stderr)
        return 3


def _command_in(argv: list[str]) -> str | None:
    return next((a for a in argv if not a.startswith("-")), None)


# Commands whose process may end without the interpreter's teardown once their answer is out:
# they leave nothing behind to close or clean up, and the teardown only frees what they read, one
# object at a time (after `verify` of 3,000 exchanges, about 0.1 s).
_ENDS_WITHOUT_TEARDOWN = frozenset({"verify"})


def entry() -> NoReturn:
    """The `harness` command as a process: `main`, then the process ends with its exit code."""
    argv = sys.argv[1:]
    code = main(argv)
    if _command_in(argv) in _ENDS_WITHOUT_TEARDOWN and _nothing_left_to_do():
        os._exit(code)
    sys.exit(code)


def _nothing_left_to_do() -> bool:
    """Whether ending the process now skips nothing anyone could see: stdout and stderr written
    out, no exit handler registered (coverage, a temporary folder's cleanup, ...), and no other
    thread, which the interpreter would wait for. A failing flush is left to the usual exit."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        return False
    handlers = getattr(atexit, "_ncallbacks", None)  # CPython's count; elsewhere, the usual exit
    return handlers is not None and handlers() == 0 and threading.active_count() == 1


def _write_traceback() -> str:
    """The current exception's traceback in a file of its own; its path."""
    import tempfile
    import traceback

    with tempfile.NamedTemporaryFile("w", prefix="harness-internal-error-", suffix=".txt", delete=False) as file:
        traceback.print_exc(file=file)
    return file.name


if __name__ == "__main__":
    entry()
