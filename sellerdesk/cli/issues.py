"""Customer issues: `issue add|attach|list`, and `suggest` (the policy's suggestion for
one)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sellerdesk.cli.common import emit, open_desk, positive
from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import IssueStatus, IssueType, Severity


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    issue = commands.add_parser("issue", parents=[common], help="customer issues")
    issue_cmds = issue.add_subparsers(dest="issue_command", metavar="ACTION", required=True)
    add = issue_cmds.add_parser("add", parents=[common], help="log an issue against an order")
    add.add_argument("order_id")
    add.add_argument("--type", required=True, choices=[t.value for t in IssueType])
    add.add_argument("--severity", default="moderate", choices=[s.value for s in Severity])
    add.add_argument("--items", default="", metavar="SKU:QTY,...",
                     help="the affected items (default: the whole order)")
    add.add_argument("--days-late", type=int, default=0, metavar="N")
    add.add_argument("--buyer", metavar="REF",
                     help="relay e-mail or handle; stored only as a keyed hash")
    add.add_argument("--note", default="", metavar="TEXT")
    for name, what in (("name", "name"), ("email", "e-mail"), ("address", "address")):
        add.add_argument(f"--buyer-{name}", metavar="TEXT",
                         help=f"the buyer's {what}, where needed: personal data, stored "
                              "encrypted and purged after the retention period")
    add.add_argument("--staff", metavar="NAME", help="who is at the desk")
    add.set_defaults(handler=cmd_issue_add)
    attach = issue_cmds.add_parser("attach", parents=[common],
                                   help="copy evidence files into the store, on the timeline")
    attach.add_argument("issue_id", type=int)
    attach.add_argument("files", nargs="+", type=Path, metavar="FILE")
    attach.add_argument("--staff", metavar="NAME", help="who is at the desk")
    attach.set_defaults(handler=cmd_issue_attach)
    issue_list = issue_cmds.add_parser("list", parents=[common], help="issues, newest first")
    issue_list.add_argument("--status", choices=[s.value for s in IssueStatus])
    issue_list.add_argument("--order", metavar="ORDER_ID")
    issue_list.set_defaults(handler=cmd_issue_list)

    sug = commands.add_parser("suggest", parents=[common], help="the policy's suggestion")
    sug.add_argument("issue_id", type=positive)
    sug.set_defaults(handler=cmd_suggest)


def cmd_issue_add(args: argparse.Namespace) -> int:
    from sellerdesk.core.records import parse_affected
    from sellerdesk.services.issues import add_issue
    try:
        affected = parse_affected(args.items)
    except ValueError as exc:
        raise KnownError(f"--items: {exc}") from None
    with open_desk(args) as db:
        issue = add_issue(db.engine, order_id=args.order_id.strip(),
                          issue_type=IssueType(args.type), severity=Severity(args.severity),
                          affected=affected, days_late=args.days_late, buyer=args.buyer,
                          note=args.note, staff=args.staff,
                          buyer_details={"name": args.buyer_name, "email": args.buyer_email,
                                         "address": args.buyer_address})
    emit(args, {"issue_id": issue.issue_id, "order_id": issue.order_id,
                "type": issue.issue_type.value, "severity": issue.severity.value,
                "status": issue.status.value},
         f"Issue {issue.issue_id} logged on order {issue.order_id}: "
         f"{issue.issue_type.label}, {issue.severity.value}")
    return 0


def cmd_issue_attach(args: argparse.Namespace) -> int:
    from sellerdesk.services.evidence import attach_evidence, size_text
    attached = []
    with open_desk(args) as db:
        for file in args.files:
            record = attach_evidence(db.engine, issue_id=args.issue_id, path=file,
                                     staff=args.staff)
            attached.append(record)
    emit(args, [{"evidence_id": r.evidence_id, "name": r.name, "size": r.size,
                 "sha256": r.sha256} for r in attached],
         "\n".join(f"Attached {r.name} ({size_text(r.size)}) to issue {args.issue_id}"
                   for r in attached))
    return 0


def cmd_issue_list(args: argparse.Namespace) -> int:
    from sellerdesk.core.durations import reply_clock
    from sellerdesk.services.clock import now
    from sellerdesk.services.issues import list_issues
    with open_desk(args) as db:
        issues = list_issues(db.engine, status=args.status, order_id=args.order)
    payload = [{"issue_id": i.issue_id, "order_id": i.order_id, "type": i.issue_type.value,
                "severity": i.severity.value, "status": i.status.value,
                "created_at": i.created_at.isoformat() + "Z", "created_by": i.created_by,
                "assignee": i.assignee or None, "buyer_response": i.buyer_response.value or None,
                "reply_due_at": i.reply_due_at.isoformat() + "Z" if i.reply_due_at else None}
               for i in issues]
    moment = now()
    text = "\n".join(f"{i.issue_id:>6}  {i.order_id}  {i.issue_type.value:<16} "
                     f"{i.severity.value:<9} {i.status.value:<15} {i.created_at:%Y-%m-%d %H:%M}"
                     + (f"  reply {reply_clock(i.reply_due_at, moment)}" if i.reply_due_at
                        else "")
                     for i in issues) or "No issues."
    emit(args, payload, text)
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    from sellerdesk.services.suggestions import suggest_for_issue
    with open_desk(args) as db:
        s = suggest_for_issue(db.engine, args.issue_id)
    flags = f"  [{', '.join(s.flags)}]" if s.flags else ""
    approval = "  (needs approval)" if s.needs_approval else ""
    text = "\n".join([f"Suggest {s.remedy.label.lower()}: {s.amount.display()}{approval}{flags}",
                      *(f"  {line}" for line in s.explanation),
                      f"  (policy version {s.policy_version})"])
    emit(args, s.as_json(args.issue_id), text)
    return 0
