"""Seller Central reports in: `import KIND FILE`, and `watch FOLDER` for reports saved
there as they arrive."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sellerdesk.cli.common import emit, interactive, open_desk, stderr_progress
from sellerdesk.core.errors import KnownError
from sellerdesk.core.marketplaces import BY_CODE

# services.imports.kinds.KINDS, spelled here so `--help` needs no database code.
IMPORT_KINDS = ("orders", "feedback", "returns", "fba-returns", "settlement", "performance")


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    imp = commands.add_parser("import", parents=[common], help="import a Seller Central report")
    imp.add_argument("kind", choices=list(IMPORT_KINDS),
                     help="which report the file is")
    imp.add_argument("file", type=Path)
    imp.add_argument("--marketplace", choices=sorted(BY_CODE), type=str.upper,
                     help="feedback: the marketplace the report is from (its dates are "
                          "written that way); orders: for rows whose sales channel is "
                          "missing or unknown; returns: how its dates with slashes are "
                          "written (otherwise month first for US dollars, else day first)")
    imp.set_defaults(handler=cmd_import)

    watch = commands.add_parser(
        "watch", parents=[common], help="import reports saved into FOLDER as they arrive "
        "(each moved to Imported/ or, with a note, to Not imported/)")
    watch.add_argument("folder", type=Path)
    watch.add_argument("--once", action="store_true",
                       help="import what is there now and stop (otherwise until Ctrl+C)")
    watch.add_argument("--marketplace", choices=sorted(BY_CODE), type=str.upper,
                       help="the marketplace of feedback and returns reports saved there")
    watch.add_argument("--every", type=float, default=2.0, metavar="SECONDS",
                       help="how often to look (default 2; a file is imported once it is "
                            "unchanged between two looks)")
    watch.set_defaults(handler=cmd_watch)


def cmd_import(args: argparse.Namespace) -> int:
    from sellerdesk.services.imports.kinds import import_report, skipped_text
    showing = interactive(args)
    # No report but feedback comes near a buyer's identity, so the others leave the key
    # file and the keyring alone: a prompt for a passphrase would only slow them down.
    with open_desk(args, buyer_keys=args.kind == "feedback") as db:
        result = import_report(db.engine, args.file, kind=args.kind,
                               marketplace=args.marketplace,
                               progress=stderr_progress(showing))
    if showing:
        print(file=sys.stderr)
    lines = [result.summary()] + [f"  skipped {skipped_text(s)}" for s in result.skipped]
    emit(args, result.as_json(), "\n".join(lines))
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    import time

    from sellerdesk.services.imports.watch_folder import import_watched, ready_files
    folder: Path = args.folder
    if not folder.is_dir():
        raise KnownError(f"{folder}: no such folder")
    outcomes = []
    with open_desk(args) as db:
        try:
            seen = ready_files(folder, {})[1]
            while True:           # a file is ready once unchanged between two looks
                time.sleep(min(args.every, 1.0) if args.once else args.every)
                ready, seen = ready_files(folder, seen)
                for path in ready:
                    outcome = import_watched(db.engine, path, marketplace=args.marketplace)
                    outcomes.append(outcome)
                    if not getattr(args, "json", False):
                        print(outcome.summary(), flush=True)
                if args.once:
                    break
        except KeyboardInterrupt:
            pass
    if getattr(args, "json", False):
        emit(args, [{"file": o.file, "kind": o.kind, "imported": o.ok, "summary": o.text,
                     "moved_to": str(o.moved_to)} for o in outcomes], "")
    return 0 if all(o.ok for o in outcomes) else 1
