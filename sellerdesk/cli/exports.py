"""Records written to files: `export ledger|dispute|adjustments`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sellerdesk.cli.common import emit, open_desk


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    export = commands.add_parser("export", parents=[common], help="write records to files")
    export_cmds = export.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    led = export_cmds.add_parser("ledger", parents=[common],
                                 help="the credit ledger with its hashes, as .csv, .xlsx or .json")
    led.add_argument("file", type=Path)
    led.set_defaults(handler=cmd_export_ledger)
    dis = export_cmds.add_parser("dispute", parents=[common],
                                 help="an order's dispute packet: PDF, summary for Amazon's "
                                      "box, evidence, manifest (PATH.zip or a new folder)")
    dis.add_argument("order_id")
    dis.add_argument("path", type=Path)
    dis.add_argument("--include-personal-data", action="store_true",
                     help="put the buyer's personal data in the packet (it says so)")
    dis.set_defaults(handler=cmd_export_dispute)
    adj = export_cmds.add_parser("adjustments", parents=[common],
                                 help="the credits not yet sent to Amazon as an Order "
                                      "Adjustment feed (FILE.xml) for Seller Central")
    adj.add_argument("file", type=Path)
    adj.add_argument("--marketplace", metavar="CODE", type=str.upper,
                     help="the marketplace the feed is for (US, UK, DE…): needed when "
                          "credits wait on orders in more than one")
    adj.add_argument("--staff", metavar="NAME")
    adj.set_defaults(handler=cmd_export_adjustments)


def cmd_export_ledger(args: argparse.Namespace) -> int:
    from sellerdesk.services.ledger_files import export_ledger
    with open_desk(args) as db:
        count = export_ledger(db.engine, args.file)
    emit(args, {"file": str(args.file), "entries": count},
         f"Wrote {count:,} ledger entries to {args.file}")
    return 0


def cmd_export_dispute(args: argparse.Namespace) -> int:
    from sellerdesk.services.dispute import describe, export_dispute
    with open_desk(args) as db:
        result = export_dispute(db.engine, args.order_id, args.path,
                                personal_data=args.include_personal_data)
    emit(args, {"path": str(result.path), "files": result.files, "summary": result.summary},
         describe(result))
    return 0


def cmd_export_adjustments(args: argparse.Namespace) -> int:
    from sellerdesk.services.adjustments import export_adjustments
    with open_desk(args) as db:
        result = export_adjustments(db.engine, args.file, marketplace=args.marketplace,
                                    staff=args.staff)
    emit(args, result.as_json(), result.describe())
    return 0
