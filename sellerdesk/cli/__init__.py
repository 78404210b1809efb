"""The command line (PRODUCT.md §8): parse, call services, print. Exit status: 0 ok,
1 a known error with a one-line message, 2 a usage error (argparse's own).

One module per command group, each with its sub-parser beside its handlers (borg's
archiver/*_cmd.py): `add_commands(commands, common)` adds the group's commands and sets
each one's `handler`. Building the parser imports no services, store or SQLAlchemy: a
handler imports what it needs when it runs, so `--help` and the bare window start at
once, and a command loads only its own part of SellerDesk."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sellerdesk import __version__
from sellerdesk.cli import (
    amazon,
    credits,
    demo,
    exports,
    imports,
    issues,
    keys,
    ledger,
    mail,
    metrics,
    orders,
    policy,
    protection,
    staff,
    team,
    window,
)
from sellerdesk.cli.common import open_desk
from sellerdesk.cli.imports import IMPORT_KINDS
from sellerdesk.core.errors import KnownError

__all__ = ["IMPORT_KINDS", "build_parser", "main"]

# In the order `sellerdesk --help` lists their commands.
GROUPS = (window, demo, imports, amazon, mail, orders, issues, credits, staff, keys, policy,
          ledger, exports, metrics, protection, team)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: options given before the command are not reset by the command's parser.
    common.add_argument("--db", metavar="URL_OR_PATH", default=argparse.SUPPRESS,
                        help="SQLite file or postgresql+psycopg:// URL "
                             "(default: $SELLERDESK_DB, then the file in the user data folder)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print machine-readable JSON")

    parser = argparse.ArgumentParser(
        prog="sellerdesk", parents=[common],
        description="SellerDesk: customer-service desk for Amazon sellers. "
                    "With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--smoke", action="store_true",
                        help="open the main window, wait until it is shown, exit 0")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in GROUPS:
        group.add_commands(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # No command: the window (each command's parser sets its own handler).
    handler = getattr(args, "handler", window.run_window)
    try:
        return staff.with_pin(lambda: handler(args), lambda: open_desk(args))
    except KnownError as exc:
        print(f"sellerdesk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sellerdesk: interrupted; nothing was changed.", file=sys.stderr)
        return 1
