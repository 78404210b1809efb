"""The consistency report's cases: the credits given in a range (not reversals), each
with its issue's type, severity and affected items, who gave it and what the policy had
suggested; the order's items total where the issue names no items, and the lines of the
order where it does (their value is worked out from the issue's list in Python).

Rows as tuples in column order, handed over a batch at a time as the caller reads them: a
year of a busy desk is tens of thousands of rows, and a dict per row, or every row held
at once (the garbage collector walks them all, again and again), cost more than the
query."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.store.tables import CREDITS, ISSUES, ORDER_ITEMS, ORDERS

c_, i_, oi_, o_ = CREDITS.c, ISSUES.c, ORDER_ITEMS.c, ORDERS.c
BATCH = 2000

# (credit id, issue id, staff, currency, amount, suggested, issue type, severity,
#  affected, the order's items total or None when the issue names items)
CaseRow = tuple[int, int, str, str, int, int | None, str, str, str, int | None]
# (credit id, line, sku, quantity, line price): the lines of a credited order
LineRow = tuple[int, int, str, int, int]


def _given(low: datetime, high: datetime):
    return sa.and_(c_.created_at >= low, c_.created_at < high, c_.reverses.is_(None),
                   c_.amount_minor > 0)


def credit_cases(conn: Connection, *, low: datetime, high: datetime) -> Iterator[CaseRow]:
    """Credits written in [low, high), oldest first. The order's items total is looked up
    only for issues that name no items, the only ones whose basis it is."""
    items_total = (sa.select(o_.items_minor).where(o_.order_id == c_.order_id)
                   .scalar_subquery())
    query = (sa.select(c_.id, c_.issue_id, c_.staff, c_.currency, c_.amount_minor,
                       c_.suggested_minor, i_.type, i_.severity, i_.affected,
                       sa.case((i_.affected == "", items_total)))
             .select_from(CREDITS.join(ISSUES, i_.id == c_.issue_id))
             .where(_given(low, high)).order_by(c_.id))
    return _batched(conn, query)


def lines_of_affected(conn: Connection, *, low: datetime, high: datetime) -> Iterator[LineRow]:
    """The lines of each order credited in [low, high) on an issue that names the items
    affected, by credit and line — but those whose SKU appears nowhere in the issue's
    list, which cannot be among the items it names (the list is parsed in Python)."""
    position = sa.func.instr if conn.dialect.name == "sqlite" else sa.func.strpos
    query = (sa.select(c_.id, oi_.line, oi_.sku, oi_.quantity, oi_.item_price_minor)
             .select_from(CREDITS.join(ISSUES, i_.id == c_.issue_id)
                          .join(ORDER_ITEMS, oi_.order_id == c_.order_id))
             .where(_given(low, high), i_.affected != "",
                    position(i_.affected, oi_.sku) > 0)
             .order_by(c_.id, oi_.line))
    return _batched(conn, query)


def _batched(conn: Connection, query) -> Iterator:
    for batch in conn.execute(query).partitions(BATCH):
        yield from batch
