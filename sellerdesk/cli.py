"""The command line (PRODUCT.md §8): parse, call services, print. Exit status: 0 ok,
1 a known error with a one-line message, 2 a usage error (argparse's own)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sellerdesk import __version__
from sellerdesk.core.errors import KnownError
from sellerdesk.core.marketplaces import BY_CODE
from sellerdesk.core.orders import Order, OrderFilter


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

    demo = commands.add_parser("demo", parents=[common], help="build a realistic demo database")
    demo.add_argument("--orders", type=_positive, default=2_000, metavar="N")
    demo.add_argument("--no-gui", action="store_true", help="build it and exit")

    imp = commands.add_parser("import", parents=[common], help="import a Seller Central report")
    imp.add_argument("kind", choices=["orders"], help="which report the file is")
    imp.add_argument("file", type=Path)
    imp.add_argument("--marketplace", choices=sorted(BY_CODE), type=str.upper,
                     help="for rows whose sales channel is missing or unknown")

    order = commands.add_parser("order", parents=[common], help="look at orders")
    order_cmds = order.add_subparsers(dest="order_command", metavar="ACTION", required=True)
    show = order_cmds.add_parser("show", parents=[common], help="one order with its items")
    show.add_argument("order_id")
    listing = order_cmds.add_parser("list", parents=[common], help="orders, newest first")
    listing.add_argument("--search", default="", metavar="TEXT",
                         help="order id (prefix), SKU, ASIN or words of the title")
    listing.add_argument("--limit", type=_positive, default=50, metavar="N")
    return parser


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
    from sellerdesk.services.demo import build_demo
    interactive = sys.stderr.isatty() and not getattr(args, "json", False)
    with _open(args) as db:
        result = build_demo(db.engine, orders=args.orders,
                            progress=_stderr_progress(interactive))
    if interactive:
        print(file=sys.stderr)
    _emit(args, result.as_json() | {"db": db.location},
          f"Demo data in {db.location}: {result.summary()}")
    if args.no_gui:
        return 0
    return _run_window(args)


def cmd_import(args: argparse.Namespace) -> int:
    from sellerdesk.services.import_orders import import_orders
    interactive = sys.stderr.isatty() and not getattr(args, "json", False)
    with _open(args) as db:
        result = import_orders(db.engine, args.file, marketplace=args.marketplace,
                               progress=_stderr_progress(interactive))
    if interactive:
        print(file=sys.stderr)
    lines = [result.summary()] + [f"  skipped line {s['line']}: {s['reason']}"
                                  for s in result.skipped]
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
    "order show": cmd_order_show,
    "order list": cmd_order_list,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    key = args.command
    if key == "order":
        key = f"order {args.order_command}"
    try:
        return COMMANDS[key](args)
    except KnownError as exc:
        print(f"sellerdesk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sellerdesk: interrupted; nothing was changed.", file=sys.stderr)
        return 1
