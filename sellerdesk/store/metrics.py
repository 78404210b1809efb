"""The dashboard's numbers, computed by the database over indexes: orders are counted in
the window's range of the purchase-date index, defects and credits (far fewer) are
joined to them. Nothing is loaded row by row into Python except per-SKU credit totals."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.core.metrics import COUNTING, CreditEffect, DefectCounts, DefectKind
from sellerdesk.store.tables import CREDITS, DEFECTS, ISSUES, ORDERS, TIMELINE

o_, d_, i_, c_, t_ = ORDERS.c, DEFECTS.c, ISSUES.c, CREDITS.c, TIMELINE.c


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """A window of whole days as [first midnight, the midnight after the last day)."""
    return datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())


def counting_defect(as_of: date):
    """The SQL condition: a defect that counts, known by `as_of`."""
    return sa.and_(
        d_.recorded_on <= as_of,
        sa.or_(*(sa.and_(d_.kind == kind.value, d_.status.in_(sorted(statuses)))
                 for kind, statuses in COUNTING.items())))


def defect_counts(conn: Connection, *, start: date, end: date,
                  as_of: date) -> dict[str, DefectCounts]:
    """Per channel (AFN, MFN): orders placed in the window, and those with defects."""
    low, high = _bounds(start, end)
    in_window = sa.and_(o_.purchase_date >= low, o_.purchase_date < high)
    placed = dict(conn.execute(sa.select(o_.channel, sa.func.count())
                               .where(in_window).group_by(o_.channel)).all())

    def orders_with(kind: DefectKind | None):
        condition = d_.order_id if kind is None else sa.case((d_.kind == kind.value,
                                                               d_.order_id))
        return sa.func.count(sa.distinct(condition))
    rows = conn.execute(
        sa.select(o_.channel, orders_with(None), orders_with(DefectKind.NEGATIVE_FEEDBACK),
                  orders_with(DefectKind.ATOZ_CLAIM), orders_with(DefectKind.CHARGEBACK))
        .select_from(DEFECTS.join(ORDERS, o_.order_id == d_.order_id))
        .where(in_window, counting_defect(as_of)).group_by(o_.channel)).all()
    defects = {r[0]: r[1:] for r in rows}
    return {channel: DefectCounts(placed.get(channel, 0), *defects.get(channel, (0, 0, 0, 0)))
            for channel in ("MFN", "AFN")}


def credit_effect(conn: Connection, *, start: date, end: date, as_of: date) -> CreditEffect:
    """Issues logged in the window: credited (net credit standing) or not, and whether
    their order has a defect that counts."""
    low, high = _bounds(start, end)
    net = (sa.select(sa.func.coalesce(sa.func.sum(c_.amount_minor), 0))
           .where(c_.issue_id == i_.id).scalar_subquery())
    has_defect = sa.exists().where(d_.order_id == i_.order_id, counting_defect(as_of))
    credited = sa.case((net > 0, 1), else_=0).label("credited")
    defect = sa.case((has_defect, 1), else_=0).label("defect")
    per_issue = (sa.select(credited, defect)
                 .where(i_.created_at >= low, i_.created_at < high).subquery())
    rows = conn.execute(sa.select(per_issue.c.credited, sa.func.count(),
                                  sa.func.sum(per_issue.c.defect))
                        .group_by(per_issue.c.credited)).all()
    split = {r[0]: (r[1], int(r[2] or 0)) for r in rows}
    credited_n, credited_d = split.get(1, (0, 0))
    uncredited_n, uncredited_d = split.get(0, (0, 0))
    return CreditEffect(credited_n, credited_d, uncredited_n, uncredited_d)


def credit_rows(conn: Connection, *, start: date, end: date) -> list[dict[str, Any]]:
    """Credits written in the window (reversals too), with their issue's type and SKUs."""
    low, high = _bounds(start, end)
    query = (sa.select(c_.id, c_.amount_minor, c_.currency, c_.staff, c_.reverses,
                       c_.suggested_minor, i_.type, i_.affected, c_.order_id)
             .select_from(CREDITS.join(ISSUES, i_.id == c_.issue_id))
             .where(c_.created_at >= low, c_.created_at < high).order_by(c_.id))
    return [dict(r._mapping) for r in conn.execute(query)]


def sales_by_currency(conn: Connection, *, start: date, end: date) -> dict[str, int]:
    low, high = _bounds(start, end)
    rows = conn.execute(sa.select(o_.currency, sa.func.sum(o_.total_minor))
                        .where(o_.purchase_date >= low, o_.purchase_date < high)
                        .group_by(o_.currency))
    return {currency: int(total or 0) for currency, total in rows}


def late_replies(conn: Connection, *, start: date, end: date, now: datetime) -> tuple[int, int]:
    """(replies sent after the 24 hours in the window, contacts overdue right now)."""
    low, high = _bounds(start, end)
    late = conn.execute(sa.select(sa.func.count()).select_from(TIMELINE).where(
        t_.kind == "reply_late", t_.at >= low, t_.at < high)).scalar_one()
    overdue = conn.execute(sa.select(sa.func.count()).select_from(ISSUES).where(
        i_.reply_due_at < now)).scalar_one()
    return late, overdue


def odr_series(conn: Connection, *, first: date, last: date, days: int,
               step: int = 7) -> list[tuple[date, DefectCounts]]:
    """ODR as of every `step` days from `first` to `last` (the line on the dashboard)."""
    points = []
    moment = last
    while moment >= first:
        counts = defect_counts(conn, start=moment - timedelta(days=days - 1), end=moment,
                               as_of=moment)
        points.append((moment, counts["MFN"] + counts["AFN"]))
        moment -= timedelta(days=step)
    return points[::-1]
