"""`sellerdesk mail sync` and `mail send`: the seller's mailbox (Settings › Mail) from the
command line — buyers' messages and Amazon's notices read in, a reply sent."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sellerdesk.cli.common import emit, interactive, open_desk, stderr_progress
from sellerdesk.core.errors import KnownError


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    mail = commands.add_parser("mail", parents=[common],
                               help="the seller's mailbox: read buyers' messages and "
                                    "Amazon's notices in, send replies")
    actions = mail.add_subparsers(dest="mail_action", metavar="sync|send", required=True)
    sync = actions.add_parser("sync", parents=[common],
                              help="read new mail from the watched folders")
    sync.set_defaults(handler=cmd_sync)
    send = actions.add_parser("send", parents=[common],
                              help="send the reply on an issue to the buyer by e-mail")
    send.add_argument("issue_id", type=int, metavar="ISSUE_ID")
    text = send.add_mutually_exclusive_group()
    text.add_argument("--text", help="the reply (default: drafted from the template in the "
                                     "buyer's language)")
    text.add_argument("--file", type=Path, help="a file holding the reply (UTF-8)")
    send.add_argument("--anyway", action="store_true",
                      help="send despite warnings (a link, an address, another language); "
                           "wording that ties a credit to feedback is never sent")
    send.set_defaults(handler=cmd_send)


def cmd_sync(args: argparse.Namespace) -> int:
    from sellerdesk.services.mail.sync import sync_mailbox
    showing = interactive(args)
    with open_desk(args) as db:
        report = sync_mailbox(db.engine, progress=stderr_progress(showing) or _quiet)
    if showing and report.read:
        print(file=sys.stderr)
    emit(args, {"read": report.read, "new": report.new, "already_on_desk": report.seen,
                "on_issues": report.on_issues, "new_issues": report.new_issues,
                "unsorted": report.unsorted, "rebuilt_folders": report.rebuilt,
                "fetched_by": report.fetched_by or None}, report.summary())
    return 0


def _quiet(_fraction: float, _message: str) -> None:
    pass


def cmd_send(args: argparse.Namespace) -> int:
    from sellerdesk.services.mail.outbox import reply_and_send
    from sellerdesk.services.staff import default_staff_name
    if args.file is not None:
        try:
            text = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise KnownError(f"{args.file}: cannot read the reply ({exc})") from None
    else:
        text = args.text
    with open_desk(args) as db:
        outcome = reply_and_send(db.engine, issue_id=args.issue_id, text=text,
                                 staff=default_staff_name(), anyway=args.anyway)
    emit(args, {"issue_id": args.issue_id, "mail_id": outcome.sent.mail_id,
                "message_id": outcome.sent.message_id, "language": outcome.language,
                "sent_folder": outcome.sent.to_folder or None,
                "warnings": list(outcome.warnings)}, outcome.summary())
    return 0
