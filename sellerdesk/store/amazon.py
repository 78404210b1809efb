"""Amazon's own numbers as imported from its reports (the seller performance report's
Order Defect Rate)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.core.metrics import AmazonOdr
from sellerdesk.store.tables import AMAZON_ODR

a_ = AMAZON_ODR.c
_COLUMNS = ("marketplace", "channel", "window_start", "window_end", "rate", "status",
            "target", "orders", "orders_with_defects", "negative_feedback", "atoz_claims",
            "chargebacks")


def put_amazon_odr(conn: Connection, *, odr: AmazonOdr, account_status: str, file: str,
                   by: str, now: datetime) -> None:
    """Store one rate; the same marketplace, channel and window again replaces it."""
    conn.execute(AMAZON_ODR.delete().where(
        a_.marketplace == odr.marketplace, a_.channel == odr.channel,
        a_.window_start.is_not_distinct_from(odr.window_start),
        a_.window_end.is_not_distinct_from(odr.window_end)))
    conn.execute(AMAZON_ODR.insert().values(
        **{name: getattr(odr, name) for name in _COLUMNS}, account_status=account_status,
        file=file[:255], imported_by=by, imported_at=now))


def latest_amazon_odr(conn: Connection) -> list[AmazonOdr]:
    """The newest imported rate for each marketplace and channel (MFN first)."""
    newest = (sa.select(sa.func.max(a_.id).label("id"))
              .group_by(a_.marketplace, a_.channel).subquery())
    rows = conn.execute(sa.select(*(a_[name] for name in _COLUMNS))
                        .join(newest, newest.c.id == a_.id)
                        .order_by(a_.marketplace, a_.channel.desc())).all()
    return [AmazonOdr(**r._mapping) for r in rows]
