"""The account's health: `defect add`, `metrics` (Order Defect Rate and what the credits
did to it), and `facts` (Amazon's targets, windows and deadlines those figures use)."""

from __future__ import annotations

import argparse
from typing import Any

from sellerdesk.cli.common import emit, iso_date, open_desk
from sellerdesk.core.errors import KnownError
from sellerdesk.core.metrics import DefectKind, percent


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    defect = commands.add_parser("defect", parents=[common], help="defects on orders")
    defect_cmds = defect.add_subparsers(dest="defect_command", metavar="ACTION", required=True)
    dadd = defect_cmds.add_parser("add", parents=[common],
                                  help="record a defect (again: updates it)")
    dadd.add_argument("order_id")
    dadd.add_argument("--kind", required=True, choices=[k.value for k in DefectKind])
    dadd.add_argument("--status", help="feedback: active|removed; claim: open|granted|denied|"
                                       "withdrawn; chargeback: open|lost|won")
    dadd.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="default: today")
    dadd.add_argument("--rating", type=int, choices=(1, 2), help="feedback stars")
    dadd.add_argument("--staff", metavar="NAME")
    dadd.set_defaults(handler=cmd_defect_add)

    met = commands.add_parser("metrics", parents=[common],
                              help="Order Defect Rate and what the credits did to it")
    met.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help="default: today")
    met.set_defaults(handler=cmd_metrics)

    facts = commands.add_parser("facts", parents=[common],
                                help="Amazon's numbers (targets, windows, deadlines) in force")
    facts.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="use VALUE for KEY (a rate in percent); repeatable")
    facts.add_argument("--reset", action="append", default=[], metavar="KEY",
                       help="put KEY back to Amazon's published default; repeatable")
    facts.add_argument("--staff", metavar="NAME")
    facts.set_defaults(handler=cmd_facts)


def cmd_defect_add(args: argparse.Namespace) -> int:
    from sellerdesk.services.metrics import add_defect
    kind = DefectKind(args.kind)
    with open_desk(args) as db:
        new = add_defect(db.engine, order_id=args.order_id.strip(), kind=kind,
                         status=args.status, on=args.date, rating=args.rating,
                         staff=args.staff)
    emit(args, {"order_id": args.order_id.strip(), "kind": kind.value, "new": new},
         f"{kind.label} {'recorded' if new else 'updated'} on order {args.order_id.strip()}")
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    from sellerdesk.services.metrics import dashboard
    with open_desk(args) as db:
        board = dashboard(db.engine, as_of=args.as_of)
    emit(args, board.as_json(), metrics_text(board))
    return 0


def metrics_text(board) -> str:
    odr, c, e = board.odr, board.credits, board.effect
    every = odr.all
    lines = [f"Order Defect Rate as of {board.as_of} (orders placed {odr.window_start} – "
             f"{odr.window_end}): {percent(every.rate)} of {every.orders:,} orders "
             f"(target below {percent(float(board.target))})",
             f"  MFN {percent(odr.mfn.rate)} of {odr.mfn.orders:,} · "
             f"AFN {percent(odr.afn.rate)} of {odr.afn.orders:,}",
             f"  negative feedback {every.negative_feedback} · A-to-z claims "
             f"{every.atoz_claims} · chargebacks {every.chargebacks}",
             f"Credits in the window: {c.count} — "
             + (", ".join(m.display() for m in c.totals.values()) or "none"),
             f"  overrides of the suggestion: {c.overridden} ({percent(c.override_share)})",
             f"Defect rate of issues with a credit {percent(e.rate_with_credit)}, without "
             f"{percent(e.rate_without_credit)}"]
    avoided = e.defects_avoided
    if avoided is not None:
        lines.append(f"  estimated defects avoided: {avoided:.1f} (an estimate from this "
                     f"desk's own history; ODR without credits ≈ "
                     f"{percent(e.odr_without_credits(every))})")
    lines.append(f"Replies after 24 h: {board.late_replies} · overdue now: "
                 f"{board.overdue_replies}")
    lines.extend(board.missed_lines())
    for compared in board.amazon:
        a = compared.amazon
        lines.append(f"Amazon's ODR, {a.marketplace} {a.channel} ({compared.window_start} – "
                     f"{compared.window_end}): " + " ".join(compared.explanation))
    return "\n".join(lines)


def cmd_facts(args: argparse.Namespace) -> int:
    from sellerdesk.services import amazon_facts
    from sellerdesk.services.staff import default_staff_name
    changes: dict[str, str | None] = {key: None for key in args.reset}
    for pair in args.set:
        key, equals, value = pair.partition("=")
        if not equals:
            raise KnownError(f"--set takes KEY=VALUE, not {pair!r}")
        changes[key.strip()] = value
    with open_desk(args) as db:
        if changes:
            amazon_facts.save_facts(db.engine, changes, by=args.staff or default_staff_name())
        shown = amazon_facts.fact_settings(db.engine)
    payload = [{"key": s.fact.key, "label": s.fact.label, "unit": s.fact.unit,
                "value": str(s.value), "default": str(s.fact.default), "source": s.fact.source,
                "changed_by": s.changed_by or None} for s in shown]
    text = "\n".join(
        f"{s.fact.key:<26} {s.fact.shown(s.value):>15}  {s.fact.label}"
        + ("" if s.is_default else f" (default {s.fact.shown()}, set by {s.changed_by})")
        for s in shown)
    emit(args, payload, text)
    return 0
