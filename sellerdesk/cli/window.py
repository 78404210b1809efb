"""The window: `sellerdesk` with no command (or `gui`) opens it; --smoke opens it, waits
until it is shown, and exits 0.

This path imports the window module and nothing heavier of its own: the window is shown
first and loads the database, services and tabs after (STYLE.md, Start-up)."""

from __future__ import annotations

import argparse
from typing import Any


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    gui = commands.add_parser("gui", parents=[common], help="open the window (the default)")
    gui.add_argument("--smoke", action="store_true", default=argparse.SUPPRESS)
    gui.set_defaults(handler=run_window)


def run_window(args: argparse.Namespace) -> int:
    from sellerdesk.ui.app import run
    return run(database=_chosen_database(getattr(args, "db", None)),
               smoke=getattr(args, "smoke", False))


def _chosen_database(arg: str | None) -> str:
    # services.paths decides (ui.app imports it too); imported after ui.app, so that what
    # the window needs is the first thing this path imports.
    from sellerdesk.services.paths import chosen_database
    return chosen_database(arg)
