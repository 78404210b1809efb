"""The command line (PRODUCT.md §8): parse, call services, print. Exit status: 0 ok,
1 a known error with a one-line message, 2 a usage error (argparse's own)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sellerdesk import __version__, cli_staff
from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import IssueStatus, IssueType, Remedy, Severity
from sellerdesk.core.marketplaces import BY_CODE
from sellerdesk.core.metrics import DefectKind, percent
from sellerdesk.core.orders import Order, OrderFilter
from sellerdesk.core.records import format_limits

# services.imports.kinds.KINDS, spelled here so `--help` needs no database code.
IMPORT_KINDS = ("orders", "feedback", "returns", "fba-returns", "settlement", "performance")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: options given before the command are not reset by the command's parser.
    common.add_argument("--db", metavar="URL_OR_PATH", default=argparse.SUPPRESS,
                        help="SQLite file or postgresql+psycopg:// URL "
                             "(default: $SELLERDESK_DB, then the file in the user data folder)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print machine-readable JSON")

    parser = argparse.ArgumentParser(
        prog="sellerdesk", parents=[common],
        description="SellerDesk: customer-service desk for Amazon sellers. "
                    "With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--smoke", action="store_true",
                        help="open the main window, wait until it is shown, exit 0")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", parents=[common], help="open the window (the default)")
    gui.add_argument("--smoke", action="store_true", default=argparse.SUPPRESS)

    demo = commands.add_parser("demo", parents=[common],
                               help="build a realistic demo database (only in a new, empty "
                                    "one; run again, it opens the demo)")
    demo.add_argument("--orders", type=_positive, default=2_000, metavar="N")
    demo.add_argument("--no-gui", action="store_true", help="build it and exit")

    imp = commands.add_parser("import", parents=[common], help="import a Seller Central report")
    imp.add_argument("kind", choices=list(IMPORT_KINDS),
                     help="which report the file is")
    imp.add_argument("file", type=Path)
    imp.add_argument("--marketplace", choices=sorted(BY_CODE), type=str.upper,
                     help="feedback: the marketplace the report is from (its dates are "
                          "written that way); orders: for rows whose sales channel is "
                          "missing or unknown; returns: how its dates with slashes are "
                          "written (otherwise month first for US dollars, else day first)")

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

    sync = commands.add_parser(
        "sync", parents=[common], help="bring in new orders and reports from Amazon "
        "(SP-API, with your own app's credentials)")
    sync.add_argument("--marketplace", action="append", choices=sorted(BY_CODE),
                      type=str.upper, help="a marketplace to sync (repeat for more; "
                      "default: those chosen in Settings, else US)")
    sync.add_argument("--login", action="store_true",
                      help="first ask for the SP-API credentials (LWA client id, client "
                           "secret, refresh token) and keep them in the OS keyring")

    order = commands.add_parser("order", parents=[common], help="look at orders")
    order_cmds = order.add_subparsers(dest="order_command", metavar="ACTION", required=True)
    show = order_cmds.add_parser("show", parents=[common], help="one order with its items")
    show.add_argument("order_id")
    listing = order_cmds.add_parser("list", parents=[common], help="orders, newest first")
    listing.add_argument("--search", default="", metavar="TEXT",
                         help="order id (prefix), SKU, ASIN or words of the title")
    listing.add_argument("--limit", type=_positive, default=50, metavar="N")

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
    attach = issue_cmds.add_parser("attach", parents=[common],
                                   help="copy evidence files into the store, on the timeline")
    attach.add_argument("issue_id", type=int)
    attach.add_argument("files", nargs="+", type=Path, metavar="FILE")
    attach.add_argument("--staff", metavar="NAME", help="who is at the desk")
    issue_list = issue_cmds.add_parser("list", parents=[common], help="issues, newest first")
    issue_list.add_argument("--status", choices=[s.value for s in IssueStatus])
    issue_list.add_argument("--order", metavar="ORDER_ID")

    sug = commands.add_parser("suggest", parents=[common], help="the policy's suggestion")
    sug.add_argument("issue_id", type=_positive)

    credit = commands.add_parser("credit", parents=[common], help="give or reverse credits")
    credit_cmds = credit.add_subparsers(dest="credit_command", metavar="ACTION", required=True)
    give = credit_cmds.add_parser("issue", parents=[common], help="give a credit on an issue")
    give.add_argument("issue_id", type=_positive)
    give.add_argument("--amount", metavar="X", help="default: the suggested amount")
    give.add_argument("--kind", choices=[k.value for k in Remedy if k is not Remedy.NONE])
    give.add_argument("--reason", default="", metavar="TEXT",
                      help="required when the amount differs from the suggestion")
    give.add_argument("--expires", type=_date, metavar="YYYY-MM-DD",
                      help="for a promotional credit")
    give.add_argument("--staff", metavar="NAME")
    back = credit_cmds.add_parser("reverse", parents=[common], help="reverse a credit")
    back.add_argument("credit_id", type=_positive)
    back.add_argument("--reason", required=True, metavar="TEXT")
    back.add_argument("--staff", metavar="NAME")
    cli_staff.add_parsers(commands, common, credit_cmds)

    policy = commands.add_parser("policy", parents=[common], help="the courtesy-credit policy")
    policy_cmds = policy.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    policy_cmds.add_parser("show", parents=[common], help="print the policy in force")
    pin = policy_cmds.add_parser("import", parents=[common], help="save FILE as a new version")
    pin.add_argument("file", type=Path)
    pin.add_argument("--staff", metavar="NAME")
    pout = policy_cmds.add_parser("export", parents=[common], help="write the policy to FILE")
    pout.add_argument("file", type=Path)
    policy_cmds.add_parser("history", parents=[common],
                           help="every saved version: who saved it and when, newest first")
    pdiff = policy_cmds.add_parser("diff", parents=[common],
                                   help="what changed from version A to version B")
    pdiff.add_argument("older", type=_positive, metavar="A")
    pdiff.add_argument("newer", type=_positive, metavar="B")
    pback = policy_cmds.add_parser("restore", parents=[common],
                                   help="make an old VERSION current again (saved as a new one)")
    pback.add_argument("version", type=_positive, metavar="VERSION")
    pback.add_argument("--staff", metavar="NAME")

    ver = commands.add_parser("verify", parents=[common],
                              help="recompute the ledger's hash chain (the database's, or an "
                                   "exported FILE's) and name the first bad entry")
    ver.add_argument("file", nargs="?", type=Path, help="an exported ledger (.csv, .xlsx or .json)")

    export = commands.add_parser("export", parents=[common], help="write records to files")
    export_cmds = export.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    led = export_cmds.add_parser("ledger", parents=[common],
                                 help="the credit ledger with its hashes, as .csv, .xlsx or .json")
    led.add_argument("file", type=Path)
    dis = export_cmds.add_parser("dispute", parents=[common],
                                 help="an order's dispute packet: PDF, summary for Amazon's "
                                      "box, evidence, manifest (PATH.zip or a new folder)")
    dis.add_argument("order_id")
    dis.add_argument("path", type=Path)
    dis.add_argument("--include-personal-data", action="store_true",
                     help="put the buyer's personal data in the packet (it says so)")
    adj = export_cmds.add_parser("adjustments", parents=[common],
                                 help="the credits not yet sent to Amazon as an Order "
                                      "Adjustment feed (FILE.xml) for Seller Central")
    adj.add_argument("file", type=Path)
    adj.add_argument("--marketplace", metavar="CODE", type=str.upper,
                     help="the marketplace the feed is for (US, UK, DE…): needed when "
                          "credits wait on orders in more than one")
    adj.add_argument("--staff", metavar="NAME")

    defect = commands.add_parser("defect", parents=[common], help="defects on orders")
    defect_cmds = defect.add_subparsers(dest="defect_command", metavar="ACTION", required=True)
    dadd = defect_cmds.add_parser("add", parents=[common],
                                  help="record a defect (again: updates it)")
    dadd.add_argument("order_id")
    dadd.add_argument("--kind", required=True, choices=[k.value for k in DefectKind])
    dadd.add_argument("--status", help="feedback: active|removed; claim: open|granted|denied|"
                                       "withdrawn; chargeback: open|lost|won")
    dadd.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="default: today")
    dadd.add_argument("--rating", type=int, choices=(1, 2), help="feedback stars")
    dadd.add_argument("--staff", metavar="NAME")

    commands.add_parser("reconcile", parents=[common],
                        help="credits against the refunds settlements paid")
    met = commands.add_parser("metrics", parents=[common],
                              help="Order Defect Rate and what the credits did to it")
    met.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="default: today")

    facts = commands.add_parser("facts", parents=[common],
                                help="Amazon's numbers (targets, windows, deadlines) in force")
    facts.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="use VALUE for KEY (a rate in percent); repeatable")
    facts.add_argument("--reset", action="append", default=[], metavar="KEY",
                       help="put KEY back to Amazon's published default; repeatable")
    facts.add_argument("--staff", metavar="NAME")

    backup = commands.add_parser("backup", parents=[common],
                                 help="a checked copy of the database, made while it is in use")
    backup.add_argument("file", type=Path)
    restore = commands.add_parser("restore", parents=[common],
                                  help="check a backup, keep the current database aside, and "
                                       "put the backup in its place")
    restore.add_argument("file", type=Path)
    purge = commands.add_parser("purge-pii", parents=[common],
                                help="purge buyer personal data past its retention period "
                                     "(from the database and the backups SellerDesk made)")
    purge.add_argument("--dry-run", action="store_true", help="say what would go; change nothing")
    purge.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="default: today")
    purge.add_argument("--retention-days", type=_positive, metavar="N",
                       help="set the retention period first (days after the order; default 30)")
    purge.add_argument("--staff", metavar="NAME")
    commands.add_parser("rotate-key", parents=[common],
                        help="seal buyer personal data with a new key (finishes one cut short)")
    team = commands.add_parser("team", parents=[common],
                               help="several people on one PostgreSQL database")
    team_cmds = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    tinit = team_cmds.add_parser("init", parents=[common],
                                 help="set up URL as a team database, as its owner")
    tinit.add_argument("url", metavar="URL", help="postgresql+psycopg://owner@host/sellerdesk")
    tadd = team_cmds.add_parser("add-user", parents=[common],
                                help="a colleague's own login in their role")
    tadd.add_argument("name", help="the login: lower-case letters, digits, _")
    tadd.add_argument("--role", required=True, choices=["agent", "supervisor", "owner"])
    tadd.add_argument("--limit", action="append", default=[], metavar="CUR=AMOUNT",
                      help="a personal approval limit in one currency, e.g. USD=15 (repeat "
                           "per currency; in another the policy's approval_above applies)")
    tadd.add_argument("--password-stdin", action="store_true",
                      help="read the login's password from standard input (else asked for; "
                           "blank for none, where the server trusts local logins)")
    tmove = team_cmds.add_parser("migrate-from", parents=[common],
                                 help="move a single desk's SQLite FILE into this (empty) team "
                                      "database, checked table by table")
    tmove.add_argument("file", type=Path)
    tjoin = team_cmds.add_parser("join", parents=[common],
                                 help="work on the team database URL from this computer "
                                      "(password and team key kept in the OS keyring)")
    tjoin.add_argument("url", metavar="URL", help="postgresql://LOGIN@SERVER/DATABASE")
    tjoin.add_argument("--stdin", action="store_true",
                       help="read the password, then the team key, one per line from "
                            "standard input (else asked for)")
    team_cmds.add_parser("leave", parents=[common],
                         help="back to this computer's own file (forgets the password)")
    team_cmds.add_parser("key", parents=[common],
                         help="show the team key, to hand to a colleague once")
    seclog = commands.add_parser("security-log", parents=[common],
                                 help="who exported, purged, backed up, restored, rotated "
                                      "keys, gave or reversed credits (12 months)")
    seclog.add_argument("--limit", type=_positive, default=50, metavar="N")
    return parser


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


# -- commands ---------------------------------------------------------------------------
def _open(args: argparse.Namespace):
    from sellerdesk.services.database import open_database
    from sellerdesk.services.paths import chosen_database
    cli_staff.unlock_key_file()
    return open_database(chosen_database(getattr(args, "db", None)))


def _emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(text)


def _stderr_progress(enabled: bool) -> Callable[[float, str], None] | None:
    if not enabled:
        return None

    def show(fraction: float, message: str) -> None:
        print(f"\r{fraction:6.1%}  {message}", end="", file=sys.stderr, flush=True)
    return show


def cmd_demo(args: argparse.Namespace) -> int:
    from sellerdesk.services.demo.build import DemoAlreadyThere, build_demo
    interactive = sys.stderr.isatty() and not getattr(args, "json", False)
    with _open(args) as db:
        try:
            result = build_demo(db.engine, orders=args.orders,
                                progress=_stderr_progress(interactive))
        except DemoAlreadyThere as exc:   # run again: the demo is there, so open it
            opening = "sellerdesk" + (f" --db {db.location}" if getattr(args, "db", None)
                                      else "")
            _emit(args, {"db": db.location, "already_there": True, "orders_added": 0},
                  f"{exc} " + (f"Open it with: {opening}" if args.no_gui else "Opening it."))
            return 0 if args.no_gui else _run_window(args)
    if interactive:
        print(file=sys.stderr)
    _emit(args, result.as_json() | {"db": db.location},
          f"Demo data in {db.location}: {result.summary()}")
    if args.no_gui:
        return 0
    return _run_window(args)


def cmd_import(args: argparse.Namespace) -> int:
    from sellerdesk.services.imports.kinds import import_report, skipped_text
    interactive = sys.stderr.isatty() and not getattr(args, "json", False)
    with _open(args) as db:
        result = import_report(db.engine, args.file, kind=args.kind,
                               marketplace=args.marketplace,
                               progress=_stderr_progress(interactive))
    if interactive:
        print(file=sys.stderr)
    lines = [result.summary()] + [f"  skipped {skipped_text(s)}" for s in result.skipped]
    _emit(args, result.as_json(), "\n".join(lines))
    return 0


def order_json(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "marketplace": order.marketplace,
        "purchase_date": order.purchase_date.isoformat() + "Z",
        "status": order.status,
        "channel": order.channel.value,
        "currency": order.currency,
        "items": [
            {"sku": it.sku, "asin": it.asin, "title": it.title, "quantity": it.quantity,
             "item_price": str(it.item_price), "shipping_price": str(it.shipping_price)}
            for it in order.items
        ],
        "total": str(order.total),
    }


def cmd_order_show(args: argparse.Namespace) -> int:
    from sellerdesk.store.engine import reading
    from sellerdesk.store.orders import get_order
    with _open(args) as db, reading(db.engine) as conn:
        order = get_order(conn, order_id=args.order_id.strip())
    if order is None:
        raise KnownError(f"no order {args.order_id!r} in {db.location}")
    lines = [
        f"Order {order.order_id}  ({order.marketplace}, {order.channel.label}, {order.status})",
        f"Purchased {order.purchase_date:%Y-%m-%d %H:%M} UTC",
        "",
    ]
    for it in order.items:
        lines.append(f"  {it.quantity} × {it.sku:<14} {it.item_price.display():>12}  {it.title}")
    lines += ["", f"  Items {order.items_total.display()}"
                  f"   Shipping {order.shipping_total.display()}"
                  f"   Tax {order.tax_total.display()}"
                  f"   Promotions -{order.discount_total.display()}",
              f"  Total {order.total.display()}"]
    _emit(args, order_json(order), "\n".join(lines))
    return 0


def cmd_order_list(args: argparse.Namespace) -> int:
    from sellerdesk.store.engine import reading
    from sellerdesk.store.orders import list_orders
    with _open(args) as db, reading(db.engine) as conn:
        orders = list_orders(conn, flt=OrderFilter(search=args.search), limit=args.limit)
    payload = [
        {"order_id": s.order_id, "purchase_date": s.purchase_date.isoformat() + "Z",
         "status": s.status, "marketplace": s.marketplace, "channel": s.channel.value,
         "currency": s.currency, "units": s.units, "total": str(s.total), "title": s.first_title}
        for s in orders
    ]
    text = "\n".join(
        f"{s.order_id}  {s.purchase_date:%Y-%m-%d}  {s.marketplace:<3} {s.channel.value}  "
        f"{s.status:<10} {s.total.display():>12}  {s.first_title[:50]}"
        for s in orders
    ) or "No orders match."
    _emit(args, payload, text)
    return 0


def cmd_issue_add(args: argparse.Namespace) -> int:
    from sellerdesk.core.records import parse_affected
    from sellerdesk.services.issues import add_issue
    try:
        affected = parse_affected(args.items)
    except ValueError as exc:
        raise KnownError(f"--items: {exc}") from None
    with _open(args) as db:
        issue = add_issue(db.engine, order_id=args.order_id.strip(),
                          issue_type=IssueType(args.type), severity=Severity(args.severity),
                          affected=affected, days_late=args.days_late, buyer=args.buyer,
                          note=args.note, staff=args.staff,
                          buyer_details={"name": args.buyer_name, "email": args.buyer_email,
                                         "address": args.buyer_address})
    _emit(args, {"issue_id": issue.issue_id, "order_id": issue.order_id,
                 "type": issue.issue_type.value, "severity": issue.severity.value,
                 "status": issue.status.value},
          f"Issue {issue.issue_id} logged on order {issue.order_id}: "
          f"{issue.issue_type.label}, {issue.severity.value}")
    return 0


def cmd_issue_list(args: argparse.Namespace) -> int:
    from sellerdesk.core.durations import reply_clock
    from sellerdesk.services.clock import now
    from sellerdesk.services.issues import list_issues
    with _open(args) as db:
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
    _emit(args, payload, text)
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    from sellerdesk.services.suggestions import suggest_for_issue
    with _open(args) as db:
        s = suggest_for_issue(db.engine, args.issue_id)
    flags = f"  [{', '.join(s.flags)}]" if s.flags else ""
    approval = "  (needs approval)" if s.needs_approval else ""
    text = "\n".join([f"Suggest {s.remedy.label.lower()}: {s.amount.display()}{approval}{flags}",
                      *(f"  {line}" for line in s.explanation),
                      f"  (policy version {s.policy_version})"])
    _emit(args, s.as_json(args.issue_id), text)
    return 0


def cmd_credit_issue(args: argparse.Namespace) -> int:
    from sellerdesk.services.credits import issue_credit
    with _open(args) as db:
        outcome = issue_credit(db.engine, issue_id=args.issue_id, amount=args.amount,
                               kind=Remedy(args.kind) if args.kind else None,
                               reason=args.reason, staff=args.staff, expires_on=args.expires)
    if outcome.pending:
        text = (f"{outcome.kind.label} {outcome.amount.display()} needs a supervisor's "
                f"approval: request {outcome.approval_id} is waiting")
    else:
        text = (f"Credit {outcome.credit_id}: {outcome.kind.label} {outcome.amount.display()} "
                f"(hash {outcome.entry_hash[:12]}…)")
    _emit(args, outcome.as_json(), text)
    return 0


def cmd_credit_reverse(args: argparse.Namespace) -> int:
    from sellerdesk.services.credits import reverse_credit
    with _open(args) as db:
        outcome = reverse_credit(db.engine, credit_id=args.credit_id, reason=args.reason,
                                 staff=args.staff)
    _emit(args, outcome.as_json(),
          f"Credit {outcome.credit_id} reverses credit {args.credit_id}: "
          f"{outcome.amount.display()}")
    return 0


def cmd_policy(args: argparse.Namespace) -> int:
    from sellerdesk.services import policies
    from sellerdesk.services.staff import default_staff_name
    with _open(args) as db:
        if args.policy_command == "import":
            version, policy = policies.import_policy(db.engine, args.file,
                                                     by=args.staff or default_staff_name())
            text = f"Saved “{policy.name}” as policy version {version}"
        elif args.policy_command == "export":
            version, policy = policies.export_policy(db.engine, args.file)
            text = f"Wrote policy version {version} to {args.file}"
        elif args.policy_command == "restore":
            version, policy = policies.restore_policy(db.engine, args.version,
                                                      by=args.staff or default_staff_name())
            text = (f"Version {args.version} (“{policy.name}”) is in use again, as policy "
                    f"version {version}")
        else:
            version, policy = policies.ensure_active_policy(db.engine)
            text = f"# policy version {version}\n{policy.text.rstrip()}"
    _emit(args, {"version": version, "name": policy.name, "text": policy.text}, text)
    return 0


def cmd_policy_history(args: argparse.Namespace) -> int:
    from sellerdesk.services import policies
    with _open(args) as db:
        policies.ensure_policy(db.engine)
        versions = policies.policy_versions(db.engine)
    _emit(args, [{"version": v.version, "name": v.name, "saved_by": v.created_by,
                  "saved_at": v.created_at.isoformat() + "Z", "restored_from": v.restored_from}
                 for v in versions],
          "\n".join(f"{v.version:>4}  {v.created_at:%Y-%m-%d %H:%M} UTC  {v.created_by:<12} "
                    f"{v.name}" + (f"  ({v.note})" if v.note else "") for v in versions))
    return 0


def cmd_policy_diff(args: argparse.Namespace) -> int:
    from sellerdesk.services import policies
    with _open(args) as db:
        diff = policies.policy_diff(db.engine, args.older, args.newer)
    _emit(args, {"from": args.older, "to": args.newer, "diff": diff},
          diff or f"Version {args.older} and version {args.newer} are the same text.")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    if args.file is not None:
        from sellerdesk.services.ledger_files import verify_file
        check = verify_file(args.file)
    else:
        from sellerdesk.services.credits import verify_ledger
        with _open(args) as db:
            check = verify_ledger(db.engine)
    _emit(args, {"ok": check.ok, "entries": check.entries, "first_bad": check.first_bad,
                 "credit_id": check.credit_id, "reason": check.reason}, check.summary())
    return 0 if check.ok else 1


def cmd_reconcile(args: argparse.Namespace) -> int:
    from sellerdesk.services import reconcile
    with _open(args) as db:
        result = reconcile.reconciliation(db.engine)
    lines = reconcile.summary(result) or ["no credits paid as refunds and no settlements yet"]
    fees = reconcile.fees_kept_text(result)
    if fees:
        lines.append(f"refund administration fees kept by Amazon: {fees}")
    _emit(args, reconcile.as_json(result), "\n".join(lines))
    return 0


def cmd_defect_add(args: argparse.Namespace) -> int:
    from sellerdesk.services.metrics import add_defect
    kind = DefectKind(args.kind)
    with _open(args) as db:
        new = add_defect(db.engine, order_id=args.order_id.strip(), kind=kind,
                         status=args.status, on=args.date, rating=args.rating,
                         staff=args.staff)
    _emit(args, {"order_id": args.order_id.strip(), "kind": kind.value, "new": new},
          f"{kind.label} {'recorded' if new else 'updated'} on order {args.order_id.strip()}")
    return 0


def cmd_export_ledger(args: argparse.Namespace) -> int:
    from sellerdesk.services.ledger_files import export_ledger
    with _open(args) as db:
        count = export_ledger(db.engine, args.file)
    _emit(args, {"file": str(args.file), "entries": count},
          f"Wrote {count:,} ledger entries to {args.file}")
    return 0


def cmd_export_dispute(args: argparse.Namespace) -> int:
    from sellerdesk.services.dispute import describe, export_dispute
    with _open(args) as db:
        result = export_dispute(db.engine, args.order_id, args.path,
                                personal_data=args.include_personal_data)
    _emit(args, {"path": str(result.path), "files": result.files, "summary": result.summary},
          describe(result))
    return 0


def cmd_export_adjustments(args: argparse.Namespace) -> int:
    from sellerdesk.services.adjustments import export_adjustments
    with _open(args) as db:
        result = export_adjustments(db.engine, args.file, marketplace=args.marketplace,
                                    staff=args.staff)
    _emit(args, result.as_json(), result.describe())
    return 0


def cmd_issue_attach(args: argparse.Namespace) -> int:
    from sellerdesk.services.evidence import attach_evidence, size_text
    attached = []
    with _open(args) as db:
        for file in args.files:
            record = attach_evidence(db.engine, issue_id=args.issue_id, path=file,
                                     staff=args.staff)
            attached.append(record)
    _emit(args, [{"evidence_id": r.evidence_id, "name": r.name, "size": r.size,
                  "sha256": r.sha256} for r in attached],
          "\n".join(f"Attached {r.name} ({size_text(r.size)}) to issue {args.issue_id}"
                    for r in attached))
    return 0


def cmd_facts(args: argparse.Namespace) -> int:
    from sellerdesk.services import amazon_facts
    from sellerdesk.services.staff import default_staff_name
    changes: dict[str, str | None] = {key: None for key in args.reset}
    for pair in args.set:
        key, equals, value = pair.partition("=")
        if not equals:
            raise KnownError(f"--set takes KEY=VALUE, not {pair!r}")
        changes[key.strip()] = value
    with _open(args) as db:
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
    _emit(args, payload, text)
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    from sellerdesk.services.metrics import dashboard
    with _open(args) as db:
        board = dashboard(db.engine, as_of=args.as_of)
    _emit(args, board.as_json(), _metrics_text(board))
    return 0


def _metrics_text(board) -> str:
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


def cmd_watch(args: argparse.Namespace) -> int:
    import time

    from sellerdesk.services.imports.watch_folder import import_watched, ready_files
    folder: Path = args.folder
    if not folder.is_dir():
        raise KnownError(f"{folder}: no such folder")
    outcomes = []
    with _open(args) as db:
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
        _emit(args, [{"file": o.file, "kind": o.kind, "imported": o.ok, "summary": o.text,
                      "moved_to": str(o.moved_to)} for o in outcomes], "")
    return 0 if all(o.ok for o in outcomes) else 1


def _ask(prompt: str, *, secret: bool) -> str:
    """A line from the terminal (not echoed when secret), or from stdin when piped."""
    if not sys.stdin.isatty():
        print(prompt, file=sys.stderr, flush=True)
        return sys.stdin.readline().strip()
    if secret:
        import getpass
        return getpass.getpass(prompt)
    return input(prompt)


def cmd_sync(args: argparse.Namespace) -> int:
    from sellerdesk.core.marketplaces import by_code
    from sellerdesk.services.amazon import api as amazon_api
    from sellerdesk.services.amazon.sync import sync_marketplaces, sync_now
    from sellerdesk.services.staff import default_staff_name
    if args.login:
        typed = amazon_api.Credentials(_ask("LWA client id: ", secret=False),
                                       _ask("Client secret: ", secret=True),
                                       _ask("Refresh token: ", secret=True))
        if not amazon_api.save_credentials(typed):
            print("sellerdesk: no OS keyring works here, so these credentials last for "
                  "this command only (never written to disk)", file=sys.stderr)
    credentials = amazon_api.load_credentials()
    if credentials is None:
        raise KnownError("No SP-API credentials yet: enter them with `sellerdesk sync "
                         f"--login` or in the window ({amazon_api.SETTINGS_PLACE}).")
    interactive = sys.stderr.isatty() and not getattr(args, "json", False)
    show = _stderr_progress(interactive)
    with _open(args) as db:
        markets = ([by_code(code) for code in args.marketplace] if args.marketplace
                   else sync_marketplaces(db.engine))
        with amazon_api.AmazonApi(
                credentials, waiting=lambda text: show(0, text) if show else None) as api:
            result = sync_now(db.engine, api, marketplaces=markets, by=default_staff_name(),
                              progress=show)
    if interactive:
        print(file=sys.stderr)
    _emit(args, result.as_json(), result.summary())
    return 0 if result.ok else 1


def cmd_backup(args: argparse.Namespace) -> int:
    from sellerdesk.services.protection.backups import make_backup
    with _open(args) as db:
        check = make_backup(db.engine, args.file)
    _emit(args, {"file": str(check.path), "counts": check.counts, "ledger": check.ledger},
          f"Backup written and checked: {check.summary()}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from sellerdesk.services.paths import chosen_database
    from sellerdesk.services.protection.restore import restore_backup, restore_over_damaged
    from sellerdesk.store.engine import DamagedDatabase
    try:
        with _open(args) as db:
            result = restore_backup(db.engine, args.file)
    except DamagedDatabase:       # the very case a restore is for: the file will not open
        result = restore_over_damaged(chosen_database(getattr(args, "db", None)), args.file)
    _emit(args, {"file": str(result.restored.path), "counts": result.restored.counts,
                 "kept_aside": str(result.kept_aside)}, result.summary())
    return 0


def cmd_purge_pii(args: argparse.Namespace) -> int:
    from sellerdesk.services.protection.personal_data import set_retention
    from sellerdesk.services.protection.purge import purge_personal_data
    with _open(args) as db:
        if args.retention_days:
            set_retention(db.engine, args.retention_days, staff=args.staff)
        report = purge_personal_data(db.engine, as_of=args.as_of, dry_run=args.dry_run,
                                     staff=args.staff)
    _emit(args, report.as_json(), report.summary())
    return 0


def cmd_rotate_key(args: argparse.Namespace) -> int:
    from sellerdesk.services.protection.personal_data import rotate_key
    from sellerdesk.services.protection.secrets import NO_KEYRING, keyring_available
    with _open(args) as db:
        report = rotate_key(db.engine)
    text = report.summary() + ("" if keyring_available() else f"\n{NO_KEYRING}")
    _emit(args, {"resealed": report.resealed, "unreadable": len(report.unreadable),
                 "keyring": keyring_available()}, text)
    return 0


def cmd_security_log(args: argparse.Namespace) -> int:
    from sellerdesk.services.protection.security_log import security_events
    with _open(args) as db:
        events = security_events(db.engine, limit=args.limit)
    payload = [{"at": e.at.isoformat() + "Z", "actor": e.actor, "action": e.action,
                "detail": e.detail} for e in events]
    text = "\n".join(f"{e.at:%Y-%m-%d %H:%M}  {e.actor:<12} {e.label}: {e.detail}"
                     for e in events) or "The security log is empty."
    _emit(args, payload, text)
    return 0


def cmd_team_init(args: argparse.Namespace) -> int:
    from sellerdesk.services.protection.shared_keys import team_key_text
    from sellerdesk.services.team.setup import team_init
    db, owner = team_init(args.url)
    with db:
        key = team_key_text(db.engine)
        _emit(args, {"db": db.location, "owner": owner.as_json(), "team_key": key},
              f"{db.location} is a team database; {owner.name} is its owner. Add colleagues "
              "with: sellerdesk team add-user NAME --role agent|supervisor|owner\n"
              f"Team key (give it to each colleague once; it opens the team's buyer data, "
              f"so pass it on as you would a password):\n  {key}")
    return 0


def cmd_team_join(args: argparse.Namespace) -> int:
    from sellerdesk.services.team.connection import join_team
    if args.stdin:
        password = sys.stdin.readline().rstrip("\n")
        team_key = sys.stdin.readline().strip()
    elif sys.stdin.isatty():
        password = getpass.getpass("Password (blank for none): ")
        team_key = getpass.getpass("Team key from the owner (blank to enter it later): ")
    else:
        password = team_key = ""
    joined = join_team(args.url, password=password, team_key=team_key)
    _emit(args, {"db": joined.location, "login": joined.login, "role": joined.role,
                 "team_key": joined.has_team_key}, joined.summary())
    return 0


def cmd_team_leave(args: argparse.Namespace) -> int:
    from sellerdesk.services.paths import default_database
    from sellerdesk.services.team.connection import leave_team
    leave_team()
    _emit(args, {"db": str(default_database())},
          f"This computer works on its own file again: {default_database()}")
    return 0


def cmd_team_key(args: argparse.Namespace) -> int:
    from sellerdesk.services.protection.shared_keys import team_key_text
    with _open(args) as db:
        if not db.is_team:
            raise KnownError(f"{db.location} is not a team database; a single desk has no "
                             "team key")
        key = team_key_text(db.engine)
    if key is None:
        raise KnownError("this computer does not hold the team key; the owner's does")
    _emit(args, {"team_key": key}, key)
    return 0


def cmd_team_add_user(args: argparse.Namespace) -> int:
    from sellerdesk.services.team.setup import add_user
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.name} (blank for none): ")
        if password and getpass.getpass("Again: ") != password:
            raise KnownError("the two passwords differ; nothing was changed")
    else:
        password = ""
    with _open(args) as db:
        member = add_user(db.engine, args.name, role=args.role, limits=", ".join(args.limit),
                          password=password or None)
    _emit(args, member.as_json(),
          f"{member.name} can now log in as {_article(member.role)} {member.role}"
          + (f" (approval limits {format_limits(member.approval_limits)})"
             if member.approval_limits else ""))
    return 0


def cmd_team_migrate_from(args: argparse.Namespace) -> int:
    from sellerdesk.services.team.setup import migrate_from
    interactive = sys.stderr.isatty() and not getattr(args, "json", False)
    with _open(args) as db:
        moved = migrate_from(db.engine, args.file, progress=_stderr_progress(interactive))
    if interactive:
        print(file=sys.stderr)
    _emit(args, moved.as_json(), moved.summary())
    return 0


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _run_window(args: argparse.Namespace) -> int:
    from sellerdesk.services.paths import chosen_database
    from sellerdesk.ui.app import run
    return run(database=chosen_database(getattr(args, "db", None)),
               smoke=getattr(args, "smoke", False))


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: _run_window,
    "gui": _run_window,
    "demo": cmd_demo,
    "import": cmd_import,
    "watch": cmd_watch,
    "sync": cmd_sync,
    "reconcile": cmd_reconcile,
    "order show": cmd_order_show,
    "order list": cmd_order_list,
    "issue add": cmd_issue_add,
    "issue attach": cmd_issue_attach,
    "issue list": cmd_issue_list,
    "suggest": cmd_suggest,
    "credit issue": cmd_credit_issue,
    "credit reverse": cmd_credit_reverse,
    "policy show": cmd_policy,
    "policy import": cmd_policy,
    "policy export": cmd_policy,
    "policy restore": cmd_policy,
    "policy history": cmd_policy_history,
    "policy diff": cmd_policy_diff,
    "verify": cmd_verify,
    "defect add": cmd_defect_add,
    "metrics": cmd_metrics,
    "facts": cmd_facts,
    "export ledger": cmd_export_ledger,
    "export dispute": cmd_export_dispute,
    "export adjustments": cmd_export_adjustments,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "purge-pii": cmd_purge_pii,
    "rotate-key": cmd_rotate_key,
    "security-log": cmd_security_log,
    "team init": cmd_team_init,
    "team add-user": cmd_team_add_user,
    "team migrate-from": cmd_team_migrate_from,
    "team join": cmd_team_join,
    "team leave": cmd_team_leave,
    "team key": cmd_team_key,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    key = args.command
    if key in ("order", "issue", "credit", "policy", "defect", "export", "team", "staff",
               "key-file"):
        key = f"{key} {getattr(args, key.replace('-', '_') + '_command')}"
    if key in cli_staff.COMMANDS:
        handler = cli_staff.COMMANDS[key]
        command = lambda: handler(args, _emit, lambda: _open(args))  # noqa: E731
    else:
        command = lambda: COMMANDS[key](args)  # noqa: E731
    try:
        return cli_staff.with_pin(command, lambda: _open(args))
    except KnownError as exc:
        print(f"sellerdesk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sellerdesk: interrupted; nothing was changed.", file=sys.stderr)
        return 1
