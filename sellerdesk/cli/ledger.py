"""The credit ledger checked: `verify` (its hash chain, in the database or an exported
file) and `reconcile` (credits against the refunds settlements paid)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sellerdesk.cli.common import emit, open_desk


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    ver = commands.add_parser("verify", parents=[common],
                              help="recompute the ledger's hash chain (the database's, or an "
                                   "exported FILE's) and name the first bad entry")
    ver.add_argument("file", nargs="?", type=Path, help="an exported ledger (.csv, .xlsx or .json)")
    ver.set_defaults(handler=cmd_verify)

    reconcile = commands.add_parser("reconcile", parents=[common],
                                    help="credits against the refunds settlements paid")
    reconcile.set_defaults(handler=cmd_reconcile)


def cmd_verify(args: argparse.Namespace) -> int:
    if args.file is not None:
        from sellerdesk.services.ledger_files import verify_file
        check = verify_file(args.file)
    else:
        from sellerdesk.services.credits import verify_ledger
        with open_desk(args) as db:
            check = verify_ledger(db.engine)
    emit(args, {"ok": check.ok, "entries": check.entries, "first_bad": check.first_bad,
                "credit_id": check.credit_id, "reason": check.reason}, check.summary())
    return 0 if check.ok else 1


def cmd_reconcile(args: argparse.Namespace) -> int:
    from sellerdesk.services import reconcile
    with open_desk(args) as db:
        result = reconcile.reconciliation(db.engine)
    lines = reconcile.summary(result) or ["no credits paid as refunds and no settlements yet"]
    fees = reconcile.fees_kept_text(result)
    if fees:
        lines.append(f"refund administration fees kept by Amazon: {fees}")
    emit(args, reconcile.as_json(result), "\n".join(lines))
    return 0
