"""`sellerdesk demo`: a realistic made-up desk in a new, empty database, then the window."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sellerdesk.cli.common import emit, interactive, open_desk, positive, stderr_progress
from sellerdesk.cli.window import run_window


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    demo = commands.add_parser("demo", parents=[common],
                               help="build a realistic demo database (only in a new, empty "
                                    "one; run again, it opens the demo)")
    demo.add_argument("--orders", type=positive, default=2_000, metavar="N")
    demo.add_argument("--no-gui", action="store_true", help="build it and exit")
    demo.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from sellerdesk.services.demo.build import DemoAlreadyThere, build_demo
    showing = interactive(args)
    with open_desk(args) as db:
        try:
            result = build_demo(db.engine, orders=args.orders,
                                progress=stderr_progress(showing))
        except DemoAlreadyThere as exc:   # run again: the demo is there, so open it
            opening = "sellerdesk" + (f" --db {db.location}" if getattr(args, "db", None)
                                      else "")
            emit(args, {"db": db.location, "already_there": True, "orders_added": 0},
                 f"{exc} " + (f"Open it with: {opening}" if args.no_gui else "Opening it."))
            return 0 if args.no_gui else run_window(args)
    if showing:
        print(file=sys.stderr)
    emit(args, result.as_json() | {"db": db.location},
         f"Demo data in {db.location}: {result.summary()}")
    if args.no_gui:
        return 0
    return run_window(args)
