"""An order read back from the database as the store gives it, for tests to check what an
import left there."""

from __future__ import annotations

from sellerdesk.store.engine import reading
from sellerdesk.store.orders import get_order


def order(engine, order_id):
    with reading(engine) as conn:
        return get_order(conn, order_id=order_id)
