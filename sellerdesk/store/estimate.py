"""What the backtest's estimate of the effect on the ODR reads (services.policy_lab.estimate):
the desk's issues, whether each ended with a credit and whether a defect that counts
followed on its order within some days — counted per issue type in the database, a few
rows whatever the history's length — and the range's orders with and without defects.

A defect "follows" an issue when Amazon recorded it on the issue's order from the day the
issue was logged to `follow_days` days after. Counting defects are those the desk knows
of by `as_of` (store.metrics.counting_defect): removed feedback, denied or withdrawn
claims and chargebacks won by the seller do not count."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.store.metrics import counting_defect
from sellerdesk.store.sqltime import days_later
from sellerdesk.store.tables import CREDITS, DEFECTS, ISSUES, ORDER_DAYS, ORDERS

i_, c_, d_, o_, od_ = ISSUES.c, CREDITS.c, DEFECTS.c, ORDERS.c, ORDER_DAYS.c


class HistoryCell(NamedTuple):
    """How many issues of a type, credited or not, and how many of them had a defect
    follow."""
    issue_type: str
    credited: bool
    issues: int
    followed: int


def issue_history(conn: Connection, *, low: datetime, high: datetime, follow_days: int,
                  as_of: date) -> list[HistoryCell]:
    """The issues logged in [low, high), counted by type, by whether a credit stands on
    them (credits net of reversals above zero, as store.metrics.credit_effect counts
    them) and by whether a counting defect followed on the order within follow_days."""
    # a credit is written after its issue, so credits before `low` cannot matter
    net = (sa.select(c_.issue_id, sa.func.sum(c_.amount_minor).label("net"))
           .where(c_.created_at >= low).group_by(c_.issue_id).subquery("net"))
    followed = (sa.select(d_.id).where(
        d_.order_id == i_.order_id, counting_defect(as_of),
        d_.recorded_on >= days_later(i_.created_at, 0),
        d_.recorded_on <= days_later(i_.created_at, follow_days)).exists())
    per_issue = (sa.select(i_.type.label("type"),
                           sa.case((net.c.net > 0, 1), else_=0).label("credited"),
                           sa.case((followed, 1), else_=0).label("followed"))
                 .select_from(ISSUES.outerjoin(net, net.c.issue_id == i_.id))
                 .where(i_.created_at >= low, i_.created_at < high).subquery("per_issue"))
    # `followed` summed, not grouped by: SQLite works out a subquery grouped by once for
    # the grouping and again for the result (a fifth of the time, for 50,000 issues)
    rows = conn.execute(sa.select(per_issue.c.type, per_issue.c.credited, sa.func.count(),
                                  sa.func.sum(per_issue.c.followed))
                        .group_by(per_issue.c.type, per_issue.c.credited)
                        .order_by(per_issue.c.type, per_issue.c.credited))
    return [HistoryCell(t, bool(c), int(n), int(f or 0)) for t, c, n, f in rows]


def orders_placed(conn: Connection, *, low: datetime, high: datetime) -> set[str]:
    """The orders of the issues logged in [low, high) that were placed in that range too:
    those whose defects count towards the range's ODR. (A backtest has read them already
    and passes them in instead: this is an order look-up per issue.)"""
    return set(conn.execute(
        sa.select(o_.order_id).select_from(ISSUES.join(ORDERS, o_.order_id == i_.order_id))
        .where(i_.created_at >= low, i_.created_at < high,
               o_.purchase_date >= low, o_.purchase_date < high)).scalars())


def range_orders(conn: Connection, *, start: date, end: date, low: datetime, high: datetime,
                 as_of: date) -> tuple[int, int]:
    """(orders placed from start to end, those among them with a counting defect known by
    as_of, each order once): the ODR's two counts, all channels and marketplaces."""
    placed = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(od_.orders), 0))
                          .where(od_.day.between(start, end))).scalar_one()
    defective = conn.execute(
        sa.select(sa.func.count(sa.distinct(d_.order_id)))
        .select_from(DEFECTS.join(ORDERS, o_.order_id == d_.order_id))
        .where(counting_defect(as_of), o_.purchase_date >= low,
               o_.purchase_date < high)).scalar_one()
    return int(placed), int(defective)


def newest_defect(conn: Connection) -> date | None:
    """The day of the newest defect the desk knows of: how fresh its defects are."""
    value = conn.execute(sa.select(sa.func.max(d_.recorded_on))).scalar_one()
    return date.fromisoformat(value) if isinstance(value, str) else value
