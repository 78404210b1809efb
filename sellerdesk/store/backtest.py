"""What a policy backtest reads: the issues logged in a window, their orders and items,
the ledger entries and approval requests that touch them, the same buyers' earlier
issues, the returns refunded on those orders, and every policy version — each in one
query over the window (a handful in all, never one per issue: 50,000 issues must read
in well under a second).

Rows come back as plain tuples; services.policy_lab.backtest turns them into the
situation each issue met."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.store.core_tables import ORDER_ITEMS, ORDERS, POLICY_VERSIONS
from sellerdesk.store.tables import APPROVALS, CREDITS, ISSUES, ORDER_RETURNS

is_, c_, a_, o_, i_, r_ = (ISSUES.c, CREDITS.c, APPROVALS.c, ORDERS.c, ORDER_ITEMS.c,
                           ORDER_RETURNS.c)


class IssueRow(NamedTuple):
    issue_id: int
    order_id: str
    issue_type: str
    severity: str
    affected: str
    days_late: int
    buyer_ref: str | None
    created_at: datetime
    created_by: str
    assignee: str


class CreditRow(NamedTuple):
    credit_id: int
    created_at: datetime
    issue_id: int
    order_id: str
    kind: str
    amount_minor: int
    currency: str
    reverses: int | None
    staff: str
    policy_version: int | None
    suggested_minor: int | None
    buyer_ref: str | None


class RequestRow(NamedTuple):
    issue_id: int
    requested_at: datetime
    policy_version: int | None
    suggested_minor: int | None
    requested_by: str


class BuyerIssueRow(NamedTuple):
    issue_id: int
    buyer_ref: str
    created_at: datetime


class ReturnRow(NamedTuple):
    order_id: str
    currency: str | None
    refunded_minor: int
    imported_at: datetime


def _moment(value: Any) -> datetime:
    """A stored time: SQLite hands back its text when the column is read as a string
    (parsed here by the C parser, several times quicker than SQLAlchemy's for 50,000
    rows); PostgreSQL a datetime."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _time_column(conn: Connection, column: sa.ColumnElement) -> sa.ColumnElement:
    return sa.type_coerce(column, sa.String) if conn.dialect.name == "sqlite" else column


def _in_window(low: datetime, high: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(is_.created_at >= low, is_.created_at < high)


def _window_orders(low: datetime, high: datetime) -> sa.Select:
    return sa.select(is_.order_id).where(_in_window(low, high))


def issues_between(conn: Connection, *, low: datetime, high: datetime) -> list[IssueRow]:
    """The issues logged in [low, high), oldest first."""
    rows = conn.execute(sa.select(is_.id, is_.order_id, is_.type, is_.severity, is_.affected,
                                  is_.days_late, is_.buyer_ref,
                                  _time_column(conn, is_.created_at), is_.created_by,
                                  is_.assignee)
                        .where(_in_window(low, high)).order_by(is_.created_at, is_.id))
    return [IssueRow(i, o, t, s, a, d, b, _moment(at), by, who)
            for i, o, t, s, a, d, b, at, by, who in rows]


def order_heads(conn: Connection, *, low: datetime, high: datetime) -> list[tuple]:
    """(order_id, marketplace, channel, currency, is_business, purchase_date, status) of
    every order with an issue logged in the window."""
    return conn.execute(sa.select(o_.order_id, o_.marketplace, o_.channel, o_.currency,
                                  o_.is_business, _time_column(conn, o_.purchase_date),
                                  o_.status)
                        .where(o_.order_id.in_(_window_orders(low, high)))).all()


def order_lines(conn: Connection, *, low: datetime, high: datetime) -> Iterator[tuple]:
    """(order_id, line, sku, asin, quantity, item, shipping, item tax, shipping tax,
    promotion) in minor units, for every order with an issue logged in the window:
    handed over row by row while `conn` is open, not as one list — 120,000 rows alive
    at once were most of what the garbage collector walked while orders were built."""
    return iter(conn.execute(sa.select(i_.order_id, i_.line, i_.sku, i_.asin, i_.quantity,
                                  i_.item_price_minor, i_.shipping_price_minor,
                                  i_.item_tax_minor, i_.shipping_tax_minor, i_.promotion_minor)
                        .where(i_.order_id.in_(_window_orders(low, high)))
                        .order_by(i_.order_id, i_.line)))


_CREDIT_COLUMNS = (c_.id, c_.created_at, c_.issue_id, c_.order_id, c_.kind, c_.amount_minor,
                   c_.currency, c_.reverses, c_.staff, c_.policy_version, c_.suggested_minor,
                   is_.buyer_ref)


def _credits(conn: Connection, where: sa.ColumnElement[bool]) -> list[CreditRow]:
    columns = [_time_column(conn, c) if c is c_.created_at else c for c in _CREDIT_COLUMNS]
    rows = conn.execute(sa.select(*columns)
                        .select_from(CREDITS.join(ISSUES, is_.id == c_.issue_id)).where(where))
    return [CreditRow(r[0], _moment(r[1]), *r[2:]) for r in rows]


def credits_on_window_orders(conn: Connection, *, low: datetime,
                             high: datetime) -> list[CreditRow]:
    """Every ledger entry, whenever written, on an order with an issue in the window:
    what those orders had been given before each issue, and what each issue was given."""
    return _credits(conn, c_.order_id.in_(_window_orders(low, high)))


def credits_since(conn: Connection, *, since: datetime) -> list[CreditRow]:
    """Every ledger entry written since `since`, with its issue's buyer: the buyers'
    credits in their policy windows (to the last issue's decision, which may come after
    the window's end)."""
    return _credits(conn, c_.created_at >= since)


def buyer_issues(conn: Connection, *, since: datetime) -> list[BuyerIssueRow]:
    """Every issue with a buyer named, logged since `since` (to now: an issue may be
    decided after the window's end, with the buyer's later issues known by then)."""
    rows = conn.execute(sa.select(is_.id, is_.buyer_ref, _time_column(conn, is_.created_at))
                        .where(is_.created_at >= since, is_.buyer_ref.is_not(None)))
    return [BuyerIssueRow(i, b, _moment(at)) for i, b, at in rows]


def requests_for_window(conn: Connection, *, low: datetime, high: datetime) -> list[RequestRow]:
    """Every approval request on an issue logged in the window, oldest first."""
    rows = conn.execute(sa.select(a_.issue_id, _time_column(conn, a_.requested_at),
                                  a_.policy_version, a_.suggested_minor, a_.requested_by)
                        .where(a_.issue_id.in_(sa.select(is_.id).where(_in_window(low, high))))
                        .order_by(a_.requested_at, a_.id))
    return [RequestRow(i, _moment(at), v, s, by) for i, at, v, s, by in rows]


def refunded_returns(conn: Connection, *, low: datetime, high: datetime) -> list[ReturnRow]:
    """Returns with a refund on the window's orders, with when the desk learnt of them."""
    rows = conn.execute(sa.select(r_.order_id, r_.currency, r_.refunded_minor,
                                  _time_column(conn, r_.imported_at))
                        .where(r_.order_id.in_(_window_orders(low, high)),
                               r_.refunded_minor.is_not(None)))
    return [ReturnRow(o, c, m, _moment(at)) for o, c, m, at in rows]


def policy_versions_with_text(conn: Connection) -> list[tuple[int, datetime, str]]:
    """(version, saved at, text) of every saved policy, oldest first."""
    p_ = POLICY_VERSIONS.c
    return [(v, _moment(at), text) for v, at, text in conn.execute(
        sa.select(p_.id, _time_column(conn, p_.created_at), p_.text).order_by(p_.id))]
