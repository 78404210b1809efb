"""Amazon's order-item codes, and which credits have gone to Amazon in a feed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.core.adjustments import FeedMark
from sellerdesk.store.orders import upsert_statement
from sellerdesk.store.tables import CREDIT_EXPORTS, ITEM_CODES

k = ITEM_CODES.c


def put_item_codes(conn: Connection, *, codes: Iterable[tuple[str, str, str]]) -> int:
    """(order id, SKU, item code) rows, replacing a code already known. Returns how many."""
    rows = [{"order_id": o, "sku": s, "item_code": c} for o, s, c in codes]
    if rows:
        conn.execute(upsert_statement(conn, ITEM_CODES, ("order_id", "sku")), rows)
    return len(rows)


def item_codes(conn: Connection, *, order_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """order id → SKU → item code, for the orders asked that have any."""
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(order_ids), 500):
        query = sa.select(k.order_id, k.sku, k.item_code).where(
            k.order_id.in_(order_ids[start:start + 500]))
        for order_id, sku, code in conn.execute(query):
            found.setdefault(order_id, {})[sku] = code
    return found


def feed_marks(conn: Connection) -> dict[int, FeedMark]:
    """credit id → the feed it went in."""
    return {r.credit_id: FeedMark(r.credit_id, r.feed, r.exported_at, r.exported_by)
            for r in conn.execute(sa.select(CREDIT_EXPORTS))}


def mark_exported(conn: Connection, *, credit_ids: Sequence[int], feed: str,
                  at: datetime, by: str) -> None:
    conn.execute(CREDIT_EXPORTS.insert(), [
        {"credit_id": c, "feed": feed, "exported_at": at, "exported_by": by}
        for c in credit_ids])
