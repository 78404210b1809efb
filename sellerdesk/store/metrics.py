"""The dashboard's numbers, computed by the database over indexes: orders are counted
from the per-day summary (`order_day`), defects and credits (far fewer) are joined to
their orders. What comes back to Python is already grouped (credits per issue type,
staff member and affected items, whose SKUs are counted in Python)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.core.metrics import COUNTING, CreditEffect, DefectCounts, DefectKind, window
from sellerdesk.store.orders import day_bounds
from sellerdesk.store.sqltime import weekday
from sellerdesk.store.tables import (
    CLOCK_RUNS,
    CREDITS,
    DEFECTS,
    ISSUES,
    ORDER_DAYS,
    ORDERS,
    TIMELINE,
)

o_, d_, i_, c_, t_ = ORDERS.c, DEFECTS.c, ISSUES.c, CREDITS.c, TIMELINE.c
od_ = ORDER_DAYS.c


def counting_defect(as_of: date):
    """The SQL condition: a defect that counts, known by `as_of`."""
    return sa.and_(
        d_.recorded_on <= as_of,
        sa.or_(*(sa.and_(d_.kind == kind.value, d_.status.in_(sorted(statuses)))
                 for kind, statuses in COUNTING.items())))


def _moments(moments: list[date], days: int):
    """The dates asked about as a small derived table: each with its window's first day
    and the window as [first midnight, the midnight after the last day)."""
    rows = []
    for at in moments:
        first = window(at, days)[0]
        low, high = day_bounds(first, at)
        rows.append(sa.select(sa.literal(at, sa.Date).label("at"),
                              sa.literal(first, sa.Date).label("first"),
                              sa.literal(low, sa.DateTime).label("low"),
                              sa.literal(high, sa.DateTime).label("high")))
    return sa.union_all(*rows).subquery("moments")


def odr_counts(conn: Connection, *, moments: list[date], days: int,
               marketplace: str | None = None) -> dict[date, dict[str, DefectCounts]]:
    """Per date asked about and per channel (AFN, MFN): the orders placed in its window
    (summed from the per-day table) and those among them with each kind of defect that
    counts and was known by that date (the defects, far fewer, joined to their orders).
    All marketplaces, or one."""
    if not moments:
        return {}
    m = _moments(moments, days)
    placed = (sa.select(m.c.at, od_.channel, sa.func.sum(od_.orders))
              .select_from(m.join(ORDER_DAYS, od_.day.between(m.c.first, m.c.at)))
              .group_by(m.c.at, od_.channel))
    counted = (sa.select(d_.order_id, d_.kind, d_.recorded_on, o_.purchase_date, o_.channel)
               .select_from(DEFECTS.join(ORDERS, o_.order_id == d_.order_id))
               # a defect is never recorded before its order was placed
               .where(counting_defect(max(moments)),
                      d_.recorded_on >= window(min(moments), days)[0]))
    if marketplace is not None:
        placed = placed.where(od_.marketplace == marketplace)
        counted = counted.where(o_.marketplace == marketplace)
    placed_rows = conn.execute(placed).all()
    counted = counted.cte("counted").prefix_with("MATERIALIZED")

    def orders_with(kind: DefectKind | None):
        condition = (counted.c.order_id if kind is None
                     else sa.case((counted.c.kind == kind.value, counted.c.order_id)))
        return sa.func.count(sa.distinct(condition))
    defects = conn.execute(
        sa.select(m.c.at, counted.c.channel, orders_with(None),
                  orders_with(DefectKind.NEGATIVE_FEEDBACK), orders_with(DefectKind.ATOZ_CLAIM),
                  orders_with(DefectKind.CHARGEBACK))
        .select_from(m.join(counted, sa.and_(counted.c.purchase_date >= m.c.low,
                                             counted.c.purchase_date < m.c.high,
                                             counted.c.recorded_on <= m.c.at)))
        .group_by(m.c.at, counted.c.channel)).all()
    orders = {(_as_date(at), channel): int(n) for at, channel, n in placed_rows}
    found = {(_as_date(r[0]), r[1]): r[2:] for r in defects}
    return {at: {channel: DefectCounts(orders.get((at, channel), 0),
                                       *found.get((at, channel), (0, 0, 0, 0)))
                 for channel in ("MFN", "AFN")}
            for at in sorted(set(moments))}


def _as_date(value: date | str) -> date:
    """A date from a derived table comes back as text on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def defect_counts(conn: Connection, *, as_of: date, days: int,
                  marketplace: str | None = None) -> dict[str, DefectCounts]:
    """The ODR's counts per channel for the window ending on `as_of`."""
    return odr_counts(conn, moments=[as_of], days=days, marketplace=marketplace)[as_of]


def credit_effect(conn: Connection, *, start: date, end: date, as_of: date) -> CreditEffect:
    """Issues logged in the window: credited (net credit standing) or not, and whether
    their order has a defect that counts. Three counts, each driven by the smallest
    table it needs: issues in the window, their credits, the defects on their orders."""
    low, high = day_bounds(start, end)
    in_window = sa.and_(i_.created_at >= low, i_.created_at < high)
    issues = conn.execute(sa.select(sa.func.count()).select_from(ISSUES)
                          .where(in_window)).scalar_one()
    # a credit is written after its issue, so credits before the window cannot matter
    standing = (sa.select(c_.issue_id).where(c_.created_at >= low).group_by(c_.issue_id)
                .having(sa.func.sum(c_.amount_minor) > 0).subquery())
    credited = conn.execute(sa.select(sa.func.count())
                            .select_from(standing.join(ISSUES, i_.id == standing.c.issue_id))
                            .where(in_window)).scalar_one()
    net = (sa.select(sa.func.coalesce(sa.func.sum(c_.amount_minor), 0))
           .where(c_.issue_id == i_.id).scalar_subquery())
    defective = (sa.select(d_.order_id).where(counting_defect(as_of)).distinct()
                 .cte("defective").prefix_with("MATERIALIZED"))
    with_defect = conn.execute(
        sa.select(sa.func.count(), sa.func.sum(sa.case((net > 0, 1), else_=0)))
        .select_from(defective.join(ISSUES, i_.order_id == defective.c.order_id))
        .where(in_window)).one()
    defects, credited_defects = with_defect[0], int(with_defect[1] or 0)
    return CreditEffect(credited, credited_defects, issues - credited,
                        defects - credited_defects)


def net_credits(conn: Connection, *, start: date, end: date) -> dict[str, int]:
    """Per currency: credits written in the window, net of reversals written in it."""
    low, high = day_bounds(start, end)
    rows = conn.execute(sa.select(c_.currency, sa.func.sum(c_.amount_minor))
                        .where(c_.created_at >= low, c_.created_at < high)
                        .group_by(c_.currency).order_by(c_.currency))
    return {currency: int(total) for currency, total in rows}


def credits_given(conn: Connection, *, start: date, end: date) -> list[dict[str, Any]]:
    """Credits given in the window (not reversals), counted per issue type, staff member
    and affected items, with how many differ from their suggestion and by how much."""
    low, high = day_bounds(start, end)
    compared = c_.suggested_minor > 0
    overridden = sa.and_(compared, c_.amount_minor != c_.suggested_minor)
    change = (c_.amount_minor - c_.suggested_minor) * sa.literal(1.0) / c_.suggested_minor
    query = (sa.select(i_.type, c_.staff, i_.affected, sa.func.count().label("count"),
                       sa.func.sum(sa.case((compared, 1), else_=0)).label("compared"),
                       sa.func.sum(sa.case((overridden, 1), else_=0)).label("overridden"),
                       sa.func.sum(sa.case((overridden, change), else_=0.0)).label("change"))
             .select_from(CREDITS.join(ISSUES, i_.id == c_.issue_id))
             .where(c_.created_at >= low, c_.created_at < high, c_.reverses.is_(None),
                    c_.amount_minor > 0)
             .group_by(i_.type, c_.staff, i_.affected))
    return [dict(r._mapping) for r in conn.execute(query)]


def sales_by_currency(conn: Connection, *, start: date, end: date) -> dict[str, int]:
    rows = conn.execute(sa.select(od_.currency, sa.func.sum(od_.total_minor))
                        .where(od_.day.between(start, end)).group_by(od_.currency))
    return {currency: int(total or 0) for currency, total in rows}


def late_replies(conn: Connection, *, start: date, end: date, now: datetime) -> tuple[int, int]:
    """(replies sent after the 24 hours in the window, contacts overdue right now)."""
    low, high = day_bounds(start, end)
    late = conn.execute(sa.select(sa.func.count()).select_from(TIMELINE).where(
        t_.kind == "reply_late", t_.at >= low, t_.at < high)).scalar_one()
    overdue = conn.execute(sa.select(sa.func.count()).select_from(ISSUES).where(
        i_.reply_due_at < now)).scalar_one()
    return late, overdue


def missed_clocks(conn: Connection, *, clock: str, lengths: tuple[timedelta, ...],
                  low: datetime, high: datetime, now: datetime) -> int:
    """How many times this clock fell due in [low, high) and was met late or not met by
    `now`; it runs for the length of the weekday it started on (`lengths`, Monday
    first). Read from `clock_run` over its (clock, started, took) index."""
    r_ = CLOCK_RUNS.c
    by_length: dict[timedelta, list[int]] = {}
    for day, length in enumerate(lengths):
        by_length.setdefault(length, []).append(day)
    missed = [sa.and_(weekday(r_.started).in_(days) if len(days) < 7 else sa.true(),
                      r_.started >= low - length, r_.started < high - length,
                      sa.or_(sa.and_(r_.met.is_(None), r_.started < now - length),
                             r_.took_seconds > length.total_seconds()))
              for length, days in by_length.items()]
    return conn.execute(sa.select(sa.func.count()).select_from(CLOCK_RUNS).where(
        r_.clock == clock, r_.started >= low - max(lengths), r_.started < high - min(lengths),
        sa.or_(*missed))).scalar_one()


def odr_series(conn: Connection, *, first: date, last: date, days: int,
               step: int = 7) -> list[tuple[date, DefectCounts]]:
    """ODR (all channels) as of every `step` days back from `last` to `first`: the line
    on the dashboard, in two queries whatever its length."""
    moments = [last - timedelta(days=n) for n in range(0, (last - first).days + 1, step)]
    counts = odr_counts(conn, moments=moments, days=days)
    return [(at, counts[at]["MFN"] + counts[at]["AFN"]) for at in sorted(counts)]
