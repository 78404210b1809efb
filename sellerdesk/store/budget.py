"""The concession budget's actual figures (core.policy.Budget): credits and sales per
marketplace and currency over a window, and each agent's issues and those that ended in
a credit. Grouped by the database; a marketplace's figures stay in their own currency.

An agent "handled" an issue when it is assigned to them, or, with nobody assigned, when
they logged it: who works it answers for how it ends, whoever writes the credit. Only
staff handle issues: one the mailbox opened and nobody took yet counts for nobody."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.store.tables import CREDITS, ISSUES, ORDER_DAYS, ORDERS, STAFF

c_, i_, o_, od_ = CREDITS.c, ISSUES.c, ORDERS.c, ORDER_DAYS.c

handled_by = sa.func.coalesce(sa.func.nullif(i_.assignee, ""), i_.created_by)


def credits_by_marketplace(conn: Connection, *, low: datetime, high: datetime,
                           marketplace: str | None = None) -> dict[tuple[str, str], int]:
    """(marketplace, currency) → credits written in [low, high), net of reversals written
    in it, in minor units. Over the credit's created_at index, joined to its order."""
    query = (sa.select(o_.marketplace, c_.currency, sa.func.sum(c_.amount_minor))
             .select_from(CREDITS.join(ORDERS, o_.order_id == c_.order_id))
             .where(c_.created_at >= low, c_.created_at < high)
             .group_by(o_.marketplace, c_.currency))
    if marketplace is not None:
        query = query.where(o_.marketplace == marketplace)
    return {(m, c): int(total or 0) for m, c, total in conn.execute(query)}


def sales_by_marketplace(conn: Connection, *, first: date, last: date,
                         marketplace: str | None = None) -> dict[tuple[str, str], int]:
    """(marketplace, currency) → the totals of orders placed from `first` to `last`
    (whole days), summed from the per-day table."""
    query = (sa.select(od_.marketplace, od_.currency, sa.func.sum(od_.total_minor))
             .where(od_.day.between(first, last)).group_by(od_.marketplace, od_.currency))
    if marketplace is not None:
        query = query.where(od_.marketplace == marketplace)
    return {(m, c): int(total or 0) for m, c, total in conn.execute(query)}


def issues_by_agent(conn: Connection, *, low: datetime, high: datetime,
                    agent: str | None = None,
                    excluding_issue: int | None = None) -> dict[str, tuple[int, int]]:
    """Agent → (issues they handled logged in [low, high), of those ended in a credit:
    their credits, net of reversals, above zero)."""
    # A credit is written after its issue: credits before the window cannot matter.
    net = (sa.select(c_.issue_id, sa.func.sum(c_.amount_minor).label("net"))
           .where(c_.created_at >= low).group_by(c_.issue_id).subquery())
    handler = handled_by.label("agent")
    query = (sa.select(handler, sa.func.count(),
                       sa.func.sum(sa.case((net.c.net > 0, 1), else_=0)))
             .select_from(ISSUES.outerjoin(net, net.c.issue_id == i_.id))
             .where(i_.created_at >= low, i_.created_at < high,
                    # Staff only: an issue the mailbox opened, still unassigned, is
                    # nobody's yet (its "logger" is the mailbox, not an agent).
                    handled_by.in_(sa.select(STAFF.c.name)))
             .group_by(handled_by))
    if agent is not None:
        query = query.where(handled_by == agent)
    if excluding_issue is not None:
        query = query.where(i_.id != excluding_issue)
    return {name: (int(issues), int(credited or 0))
            for name, issues, credited in conn.execute(query)}


def latest_ids(conn: Connection) -> tuple[int, int]:
    """The newest credit's id (a reversal is a credit of its own) and the newest issue's:
    both change whenever a credit, a reversal or an issue is written. Two index look-ups."""
    credit, issue = conn.execute(sa.select(
        sa.select(sa.func.max(c_.id)).scalar_subquery(),
        sa.select(sa.func.max(i_.id)).scalar_subquery())).one()
    return int(credit or 0), int(issue or 0)
