"""Credits: `credit issue|reverse`, and a supervisor's `credit approve|reject` of one
waiting for approval (on a single desk the PIN is asked, or read from $SELLERDESK_PIN)."""

from __future__ import annotations

import argparse
from typing import Any

from sellerdesk.cli.common import PIN_ENV, emit, iso_date, open_desk, positive
from sellerdesk.core.issues import Remedy


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    credit = commands.add_parser("credit", parents=[common], help="give or reverse credits")
    credit_cmds = credit.add_subparsers(dest="credit_command", metavar="ACTION", required=True)
    give = credit_cmds.add_parser("issue", parents=[common], help="give a credit on an issue")
    give.add_argument("issue_id", type=positive)
    give.add_argument("--amount", metavar="X", help="default: the suggested amount")
    give.add_argument("--kind", choices=[k.value for k in Remedy if k is not Remedy.NONE])
    give.add_argument("--reason", default="", metavar="TEXT",
                      help="required when the amount differs from the suggestion")
    give.add_argument("--expires", type=iso_date, metavar="YYYY-MM-DD",
                      help="for a promotional credit")
    give.add_argument("--staff", metavar="NAME")
    give.set_defaults(handler=cmd_credit_issue)
    back = credit_cmds.add_parser("reverse", parents=[common], help="reverse a credit")
    back.add_argument("credit_id", type=positive)
    back.add_argument("--reason", required=True, metavar="TEXT")
    back.add_argument("--staff", metavar="NAME")
    back.set_defaults(handler=cmd_credit_reverse)
    approve = credit_cmds.add_parser("approve", parents=[common],
                                     help="approve a credit waiting for a supervisor "
                                          f"(single desk: asks the PIN, or ${PIN_ENV})")
    approve.add_argument("approval_id", type=int)
    approve.add_argument("--comment", default="", metavar="TEXT")
    approve.add_argument("--staff", metavar="NAME")
    approve.set_defaults(handler=cmd_credit_decide)
    reject = credit_cmds.add_parser("reject", parents=[common],
                                    help="reject a credit waiting for a supervisor")
    reject.add_argument("approval_id", type=int)
    reject.add_argument("--comment", required=True, metavar="TEXT")
    reject.add_argument("--staff", metavar="NAME")
    reject.set_defaults(handler=cmd_credit_decide)


def cmd_credit_issue(args: argparse.Namespace) -> int:
    from sellerdesk.services.credits import issue_credit
    with open_desk(args) as db:
        outcome = issue_credit(db.engine, issue_id=args.issue_id, amount=args.amount,
                               kind=Remedy(args.kind) if args.kind else None,
                               reason=args.reason, staff=args.staff, expires_on=args.expires)
    if outcome.pending:
        text = (f"{outcome.kind.label} {outcome.amount.display()} needs a supervisor's "
                f"approval: request {outcome.approval_id} is waiting")
    else:
        text = (f"Credit {outcome.credit_id}: {outcome.kind.label} {outcome.amount.display()} "
                f"(hash {outcome.entry_hash[:12]}…)")
    emit(args, outcome.as_json(), text)
    return 0


def cmd_credit_reverse(args: argparse.Namespace) -> int:
    from sellerdesk.services.credits import reverse_credit
    with open_desk(args) as db:
        outcome = reverse_credit(db.engine, credit_id=args.credit_id, reason=args.reason,
                                 staff=args.staff)
    emit(args, outcome.as_json(),
         f"Credit {outcome.credit_id} reverses credit {args.credit_id}: "
         f"{outcome.amount.display()}")
    return 0


def cmd_credit_decide(args: argparse.Namespace) -> int:
    from sellerdesk.services.credits import decide_approval
    approve = args.credit_command == "approve"
    with open_desk(args) as db:
        outcome = decide_approval(db.engine, approval_id=args.approval_id, approve=approve,
                                  comment=args.comment, staff=args.staff)
    if outcome is None:
        emit(args, {"approval_id": args.approval_id, "status": "rejected"},
             f"Request {args.approval_id} rejected")
    else:
        emit(args, outcome.as_json() | {"approval_id": args.approval_id},
             f"Request {args.approval_id} approved: credit {outcome.credit_id}, "
             f"{outcome.kind.label} {outcome.amount.display()}")
    return 0
