"""The options of commands that send contract examples to a provider
(`verify --live`, `record`): one definition, so both read them the same way."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from harness.errors import InputError

if TYPE_CHECKING:
    from harness.contracts import Contract


def add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--budget", type=budget, default=20, metavar="N", help="send at most N requests in all (default: 20)"
    )
    parser.add_argument(
        "--base-url",
        action="append",
        default=[],
        metavar="PROVIDER=URL",
        help="send one provider's requests here instead, e.g. openai=http://127.0.0.1:8000",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a path parameter no earlier answer gives, e.g. model=gemini-2.5-flash",
    )
    parser.add_argument(
        "--skip-missing-keys",
        action="store_true",
        help="skip the providers whose key is not set, with a line each (default: exit 2 naming them)",
    )


def require_keys(args: argparse.Namespace, contracts: list[Contract]) -> None:
    """Refuse to run when a provider of `contracts` has no key, unless told to skip it:
    a live check that sends nothing must not pass as "all contracts hold"."""
    from harness.live import missing_keys

    missing = missing_keys(contracts)
    if missing and not args.skip_missing_keys:
        raise InputError("; ".join(missing) + " (or pass --skip-missing-keys to skip those providers)")


def read(args: argparse.Namespace) -> tuple[dict[str, str], dict[str, str]]:
    """(base URLs by provider, path parameters) from the parsed options, checked before anything is sent."""
    from harness.live import with_base_urls

    base_urls = pairs(args.base_url, "--base-url", "PROVIDER=URL", "openai=http://127.0.0.1:8000")
    with_base_urls(base_urls)  # an unknown provider or a URL that is not http(s) is bad input
    return base_urls, pairs(args.param, "--param", "NAME=VALUE", "model=gemini-2.5-flash")


def pairs(items: list[str], option: str, form: str, example: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items:
        name, equals, value = item.partition("=")
        if not equals or not name.strip() or not value.strip():
            raise InputError(f"{option} takes {form}, e.g. {example}; got {item!r}")
        found[name.strip()] = value.strip()
    return found


def budget(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number of requests, 0 or more, not {text!r}")
    return value
