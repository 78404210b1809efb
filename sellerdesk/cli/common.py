"""What every command group shares: the argument types, the database a command opens
(after the sealed key file, where one is needed), printing text or JSON, progress on
stderr, and asking at the prompt.

Imported by every group module when the parser is built, so it imports no services,
store or SQLAlchemy at module level: each function imports what it uses when it runs."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sellerdesk.services.database import Database

PIN_ENV = "SELLERDESK_PIN"                      # services.protection.pins.PIN_ENV (not imported)
PASSPHRASE_ENV = "SELLERDESK_KEY_PASSPHRASE"    # services.protection.key_file.PASSPHRASE_ENV


# -- argument types ------------------------------------------------------------------------
def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


# -- the database ----------------------------------------------------------------------------
def open_desk(args: argparse.Namespace, *, buyer_keys: bool = True) -> Database:
    """The database --db (or $SELLERDESK_DB, the team joined, the user's file) names,
    opened and brought up to date. buyer_keys: the command may read or write buyer data
    (a buyer's history, personal data), so where no keyring works the sealed key file is
    opened first; a command that reads only orders leaves it (and the keyring) alone."""
    from sellerdesk.services.database import open_database
    from sellerdesk.services.paths import chosen_database
    if buyer_keys:
        unlock_key_file()
    return open_database(chosen_database(getattr(args, "db", None)))


def unlock_key_file() -> None:
    """Before a command's database work: where no keyring works and a key file exists,
    open it with $SELLERDESK_KEY_PASSPHRASE or the passphrase typed at the prompt. Without
    one the command goes on, and any buyer's history is reported as not checked."""
    from sellerdesk.services.protection import key_file
    if not key_file.needed() or key_file.is_open() or not key_file.exists():
        return
    passphrase = os.environ.get(PASSPHRASE_ENV) or secret(
        "Passphrase of the key file (Enter to go on without buyer history): ")
    if passphrase:
        key_file.open_key_file(passphrase)
    else:
        print(f"sellerdesk: {key_file.LOCKED}", file=sys.stderr)


# -- output ----------------------------------------------------------------------------------
def emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(text)


def interactive(args: argparse.Namespace) -> bool:
    """A person watches stderr (and asked for text, not JSON): show progress there."""
    return sys.stderr.isatty() and not getattr(args, "json", False)


def stderr_progress(enabled: bool) -> Callable[[float, str], None] | None:
    if not enabled:
        return None

    def show(fraction: float, message: str) -> None:
        print(f"\r{fraction:6.1%}  {message}", end="", file=sys.stderr, flush=True)
    return show


# -- asking ------------------------------------------------------------------------------------
def ask(prompt: str, *, hidden: bool) -> str:
    """A line from the terminal (not echoed when hidden), or from stdin when piped."""
    if not sys.stdin.isatty():
        print(prompt, file=sys.stderr, flush=True)
        return sys.stdin.readline().strip()
    if hidden:
        import getpass
        return getpass.getpass(prompt)
    return input(prompt)


def secret(prompt: str) -> str | None:
    """Typed at the terminal, not echoed; None where there is no terminal to ask at."""
    if not sys.stdin.isatty():
        return None
    import getpass
    return getpass.getpass(prompt)
