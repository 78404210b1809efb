"""Settlements and the refunds in them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.core.money import Money
from sellerdesk.core.settlement import Refund
from sellerdesk.store.orders import upsert_statement
from sellerdesk.store.tables import SETTLEMENT_REFUNDS, SETTLEMENTS

r_ = SETTLEMENT_REFUNDS.c


def put_settlement(conn: Connection, *, settlement_id: str, start: date | None,
                   end: date | None, deposit: date | None, total: Money, file: str,
                   at: datetime, by: str, refunds: Sequence[Refund]) -> bool:
    """The settlement as this file has it: its refunds replace any stored before.
    Returns whether the settlement is new to SellerDesk."""
    new = conn.execute(sa.select(SETTLEMENTS.c.settlement_id).where(
        SETTLEMENTS.c.settlement_id == settlement_id)).first() is None
    conn.execute(upsert_statement(conn, SETTLEMENTS, ("settlement_id",)), [{
        "settlement_id": settlement_id, "start_date": start, "end_date": end,
        "deposit_date": deposit, "total_minor": total.minor, "currency": total.currency,
        "file": file, "imported_at": at, "imported_by": by}])
    conn.execute(SETTLEMENT_REFUNDS.delete().where(r_.settlement_id == settlement_id))
    if refunds:
        conn.execute(SETTLEMENT_REFUNDS.insert(), [{
            "settlement_id": r.settlement_id, "order_id": r.order_id,
            "adjustment_id": r.adjustment_id, "posted": r.posted,
            "currency": r.refunded.currency, "refunded_minor": r.refunded.minor,
            "fee_kept_minor": r.fee_kept.minor, "fee_returned_minor": r.fee_returned.minor,
            "credit_ids": " ".join(map(str, r.credit_ids)), "transaction": r.transaction,
        } for r in refunds])
    return new


def refunds(conn: Connection) -> list[Refund]:
    """Every refund of every settlement, oldest first."""
    rows = conn.execute(sa.select(SETTLEMENT_REFUNDS).order_by(
        r_.posted, r_.settlement_id, r_.order_id, r_.adjustment_id))
    return [Refund(r.settlement_id, r.order_id, r.adjustment_id, r.posted,
                   Money.from_minor(r.refunded_minor, r.currency),
                   Money.from_minor(r.fee_kept_minor, r.currency),
                   Money.from_minor(r.fee_returned_minor, r.currency),
                   tuple(int(n) for n in r.credit_ids.split()), r.transaction)
            for r in rows]

