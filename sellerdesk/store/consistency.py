"""The consistency report's cases: the credits given in a range (not reversals), each
with its issue's type, severity and affected items, who gave it and what the policy had
suggested; and the item prices of their orders, to value the affected items."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.store.tables import CREDITS, ISSUES, ORDER_ITEMS, ORDERS

c_, i_, oi_, o_ = CREDITS.c, ISSUES.c, ORDER_ITEMS.c, ORDERS.c


def _given(low: datetime, high: datetime):
    return sa.and_(c_.created_at >= low, c_.created_at < high, c_.reverses.is_(None),
                   c_.amount_minor > 0)


def credits_given(conn: Connection, *, low: datetime, high: datetime) -> list[dict[str, Any]]:
    """Credits written in [low, high), oldest first, over the created_at index, with
    their order's items total (the basis when the issue names no items)."""
    query = (sa.select(c_.id.label("credit_id"), c_.issue_id, c_.order_id, c_.staff,
                       c_.currency, c_.amount_minor, c_.suggested_minor, i_.type,
                       i_.severity, i_.affected, o_.items_minor)
             .select_from(CREDITS.join(ISSUES, i_.id == c_.issue_id)
                          .join(ORDERS, o_.order_id == c_.order_id))
             .where(_given(low, high)).order_by(c_.id))
    return [dict(r._mapping) for r in conn.execute(query)]


def items_of_credited_orders(conn: Connection, *, low: datetime,
                             high: datetime) -> dict[str, list[tuple[str, int, int]]]:
    """Order id → its items as (sku, quantity, line price in minor units), for the orders
    credited in [low, high) on issues that name the items affected."""
    orders = (sa.select(c_.order_id).select_from(CREDITS.join(ISSUES, i_.id == c_.issue_id))
              .where(_given(low, high), i_.affected != "").distinct().subquery())
    query = (sa.select(oi_.order_id, oi_.sku, oi_.quantity, oi_.item_price_minor)
             .select_from(ORDER_ITEMS.join(orders, orders.c.order_id == oi_.order_id))
             .order_by(oi_.order_id, oi_.line))
    items: dict[str, list[tuple[str, int, int]]] = {}
    for order_id, sku, quantity, price in conn.execute(query):
        items.setdefault(order_id, []).append((sku, int(quantity), int(price)))
    return items
