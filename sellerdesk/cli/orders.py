"""`sellerdesk order show|list`: the orders imported, read as the window reads them.

Reading orders touches no buyer data, so these commands leave the key file and the
keyring alone (open_desk(buyer_keys=False)): a listing starts in a fraction of a second."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sellerdesk.cli.common import emit, open_desk, positive
from sellerdesk.core.errors import KnownError

if TYPE_CHECKING:
    from sellerdesk.core.orders import Order


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    order = commands.add_parser("order", parents=[common], help="look at orders")
    order_cmds = order.add_subparsers(dest="order_command", metavar="ACTION", required=True)
    show = order_cmds.add_parser("show", parents=[common], help="one order with its items")
    show.add_argument("order_id")
    show.set_defaults(handler=cmd_order_show)
    listing = order_cmds.add_parser("list", parents=[common], help="orders, newest first")
    listing.add_argument("--search", default="", metavar="TEXT",
                         help="order id (prefix), SKU, ASIN or words of the title")
    listing.add_argument("--limit", type=positive, default=50, metavar="N")
    listing.set_defaults(handler=cmd_order_list)


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
    with open_desk(args, buyer_keys=False) as db, reading(db.engine) as conn:
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
    emit(args, order_json(order), "\n".join(lines))
    return 0


def cmd_order_list(args: argparse.Namespace) -> int:
    from sellerdesk.core.orders import OrderFilter
    from sellerdesk.store.engine import reading
    from sellerdesk.store.orders import list_orders
    with open_desk(args, buyer_keys=False) as db, reading(db.engine) as conn:
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
    emit(args, payload, text)
    return 0
