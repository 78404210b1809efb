"""Defects on orders: one of each kind per order; recording it again updates it."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.core.metrics import Defect, DefectKind
from sellerdesk.store.tables import DEFECTS

d_ = DEFECTS.c


def put_defect(conn: Connection, *, order_id: str, kind: str, status: str, on: date,
               rating: int | None, rater_ref: str | None, source: str, by: str,
               now: datetime) -> bool:
    """Insert or update; True when the defect is new."""
    changed = conn.execute(
        DEFECTS.update().where(d_.order_id == order_id, d_.kind == kind).values(
            status=status, recorded_on=on, rating=rating,
            rater_ref=sa.func.coalesce(rater_ref, d_.rater_ref), source=source,
            updated_at=now)).rowcount
    if changed:
        return False
    conn.execute(DEFECTS.insert().values(
        order_id=order_id, kind=kind, status=status, recorded_on=on, rating=rating,
        rater_ref=rater_ref, source=source, created_by=by, created_at=now, updated_at=now))
    return True


def defects_on_order(conn: Connection, *, order_id: str) -> list[Defect]:
    rows = conn.execute(sa.select(d_.order_id, d_.kind, d_.status, d_.recorded_on)
                        .where(d_.order_id == order_id).order_by(d_.recorded_on, d_.id))
    return [Defect(r.order_id, DefectKind(r.kind), r.status, r.recorded_on) for r in rows]


def revise_feedback(conn: Connection, *, order_id: str, rating: int, now: datetime) -> bool:
    """The buyer raised a negative rating: the feedback no longer counts. True if there
    was counting negative feedback on the order."""
    return bool(conn.execute(
        DEFECTS.update().where(d_.order_id == order_id,
                               d_.kind == DefectKind.NEGATIVE_FEEDBACK.value,
                               d_.status == "active")
        .values(status="removed", rating=rating, updated_at=now)).rowcount)


def add_defects_if_absent(conn: Connection, *, kind: str, status: str,
                          found: dict[str, date], source: str, by: str,
                          now: datetime) -> int:
    """Record a defect on each order (order id → the day) that has none of this kind yet;
    one recorded before, by hand or by report, keeps its status. Returns how many are new."""
    if not found:
        return 0
    have: set[str] = set()
    ids = sorted(found)
    for start in range(0, len(ids), 500):
        have.update(conn.execute(sa.select(d_.order_id).where(
            d_.kind == kind, d_.order_id.in_(ids[start:start + 500]))).scalars())
    new = [{"order_id": order_id, "kind": kind, "status": status, "recorded_on": day,
            "rating": None, "rater_ref": None, "source": source, "created_by": by,
            "created_at": now, "updated_at": now}
           for order_id, day in sorted(found.items()) if order_id not in have]
    if new:
        conn.execute(DEFECTS.insert(), new)
    return len(new)
