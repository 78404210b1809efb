"""Keeping the desk's data safe: `backup`, `restore`, `purge-pii`, `rotate-key` and
`security-log` (services.protection)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sellerdesk.cli.common import emit, iso_date, open_desk, positive


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    backup = commands.add_parser("backup", parents=[common],
                                 help="a checked copy of the database, made while it is in use")
    backup.add_argument("file", type=Path)
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", parents=[common],
                                  help="check a backup, keep the current database aside, and "
                                       "put the backup in its place")
    restore.add_argument("file", type=Path)
    restore.set_defaults(handler=cmd_restore)
    purge = commands.add_parser("purge-pii", parents=[common],
                                help="purge buyer personal data past its retention period "
                                     "(from the database and the backups SellerDesk made)")
    purge.add_argument("--dry-run", action="store_true", help="say what would go; change nothing")
    purge.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help="default: today")
    purge.add_argument("--retention-days", type=positive, metavar="N",
                       help="set the retention period first (days after the order; default 30)")
    purge.add_argument("--staff", metavar="NAME")
    purge.set_defaults(handler=cmd_purge_pii)
    rotate = commands.add_parser("rotate-key", parents=[common],
                                 help="seal buyer personal data with a new key (finishes one "
                                      "cut short)")
    rotate.set_defaults(handler=cmd_rotate_key)
    seclog = commands.add_parser("security-log", parents=[common],
                                 help="who exported, purged, backed up, restored, rotated "
                                      "keys, gave or reversed credits (12 months)")
    seclog.add_argument("--limit", type=positive, default=50, metavar="N")
    seclog.set_defaults(handler=cmd_security_log)


def cmd_backup(args: argparse.Namespace) -> int:
    from sellerdesk.services.protection.backups import make_backup
    with open_desk(args) as db:
        check = make_backup(db.engine, args.file)
    emit(args, {"file": str(check.path), "counts": check.counts, "ledger": check.ledger},
         f"Backup written and checked: {check.summary()}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from sellerdesk.services.paths import chosen_database
    from sellerdesk.services.protection.restore import restore_backup, restore_over_damaged
    from sellerdesk.store.engine import DamagedDatabase
    try:
        with open_desk(args) as db:
            result = restore_backup(db.engine, args.file)
    except DamagedDatabase:       # the very case a restore is for: the file will not open
        result = restore_over_damaged(chosen_database(getattr(args, "db", None)), args.file)
    emit(args, {"file": str(result.restored.path), "counts": result.restored.counts,
                "kept_aside": str(result.kept_aside)}, result.summary())
    return 0


def cmd_purge_pii(args: argparse.Namespace) -> int:
    from sellerdesk.services.protection.personal_data import set_retention
    from sellerdesk.services.protection.purge import purge_personal_data
    with open_desk(args) as db:
        if args.retention_days:
            set_retention(db.engine, args.retention_days, staff=args.staff)
        report = purge_personal_data(db.engine, as_of=args.as_of, dry_run=args.dry_run,
                                     staff=args.staff)
    emit(args, report.as_json(), report.summary())
    return 0


def cmd_rotate_key(args: argparse.Namespace) -> int:
    from sellerdesk.services.protection.personal_data import rotate_key
    from sellerdesk.services.protection.secrets import NO_KEYRING, keyring_available
    with open_desk(args) as db:
        report = rotate_key(db.engine)
    text = report.summary() + ("" if keyring_available() else f"\n{NO_KEYRING}")
    emit(args, {"resealed": report.resealed, "unreadable": len(report.unreadable),
                "keyring": keyring_available()}, text)
    return 0


def cmd_security_log(args: argparse.Namespace) -> int:
    from sellerdesk.services.protection.security_log import security_events
    with open_desk(args) as db:
        events = security_events(db.engine, limit=args.limit)
    payload = [{"at": e.at.isoformat() + "Z", "actor": e.actor, "action": e.action,
                "detail": e.detail} for e in events]
    text = "\n".join(f"{e.at:%Y-%m-%d %H:%M}  {e.actor:<12} {e.label}: {e.detail}"
                     for e in events) or "The security log is empty."
    emit(args, payload, text)
    return 0
