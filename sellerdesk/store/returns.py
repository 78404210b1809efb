"""Returns from Amazon's returns reports, one row per return, refreshed on re-import."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.core.money import Money
from sellerdesk.core.returns import Return
from sellerdesk.store.orders import upsert_rows
from sellerdesk.store.tables import ORDER_RETURNS, ORDERS

r_ = ORDER_RETURNS.c
# A return row for put_returns, in the table's column order.
RETURN_COLUMNS = tuple(c.name for c in ORDER_RETURNS.columns)


def known_keys(conn: Connection, *, source: str) -> set[str]:
    return set(conn.execute(sa.select(r_.return_key).where(r_.source == source)).scalars())


def put_returns(conn: Connection, *, rows: Sequence[Sequence[Any]]) -> None:
    """Insert or refresh returns given as tuples in RETURN_COLUMNS order."""
    upsert_rows(conn, ORDER_RETURNS, ("order_id", "source", "return_key"), rows)


def count_without_order(conn: Connection, *, source: str, imported_at: datetime) -> int:
    """How many of the returns written at `imported_at` name an order SellerDesk lacks."""
    return conn.execute(sa.select(sa.func.count()).select_from(ORDER_RETURNS).where(
        r_.source == source, r_.imported_at == imported_at,
        ~sa.exists().where(ORDERS.c.order_id == r_.order_id))).scalar_one()


def returns_on_order(conn: Connection, *, order_id: str) -> list[Return]:
    rows = conn.execute(sa.select(ORDER_RETURNS).where(r_.order_id == order_id)
                        .order_by(r_.requested_on, r_.source, r_.return_key))
    return [Return(r.source, r.return_key, r.order_id, r.requested_on, r.quantity, r.sku,
                   r.reason, r.status, r.outcome,
                   None if r.refunded_minor is None else Money.from_minor(r.refunded_minor,
                                                                          r.currency),
                   bool(r.atoz_claim)) for r in rows]
