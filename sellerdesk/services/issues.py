"""Logging issues and reading them back: an issue on an order's items, with the buyer
kept only as a keyed reference (and any details they gave sealed), the 24-hour reply
clock started, and its first line on the timeline. Each change is one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.amazon_facts import duration
from sellerdesk.core.buyers import buyer_reference
from sellerdesk.core.issues import IssueStatus, IssueType, Severity, status_line
from sellerdesk.core.money import Money
from sellerdesk.core.records import CreditRecord, IssueRecord, format_affected
from sellerdesk.core.returns import Return
from sellerdesk.services.amazon_facts import overrides_in
from sellerdesk.services.at_desk import DeskError, at_desk_or_add_first_owner
from sellerdesk.services.clock import now
from sellerdesk.services.protection import personal_data
from sellerdesk.services.protection.shared_keys import (
    BuyerKeyUnavailable,
    ensure_buyer_reference_key,
)
from sellerdesk.store import credits as ledger_store
from sellerdesk.store import issues as issue_store
from sellerdesk.store import returns as return_store
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.orders import get_order

# Kept instead of a reference when a buyer was named but the key was not at hand: the
# issue stays marked (its suggestions need approval), and it matches no buyer's history.
UNCHECKED_BUYER = "unchecked"


def buyer_ref_for(engine: Engine, buyer: str | None) -> str | None:
    """The keyed reference for what staff typed; the buyer as typed is never stored."""
    if not buyer or not buyer.strip():
        return None
    try:
        return buyer_reference(ensure_buyer_reference_key(engine), buyer)
    except BuyerKeyUnavailable:
        return UNCHECKED_BUYER


def add_issue(engine: Engine, *, order_id: str, issue_type: IssueType,
              severity: Severity = Severity.MODERATE, affected: tuple[tuple[str, int], ...] = (),
              days_late: int = 0, buyer: str | None = None, note: str = "",
              staff: str | None = None,
              buyer_details: Mapping[str, str | None] | None = None) -> IssueRecord:
    """Log an issue. `buyer_details` (name, email, address) are sealed, never stored as
    typed (services.protection.personal_data)."""
    if days_late < 0:
        raise DeskError("days late cannot be negative")
    if days_late and issue_type is not IssueType.LATE_DELIVERY:
        raise DeskError("days late only apply to a late_delivery issue")
    ref = buyer_ref_for(engine, buyer)
    with writing(engine) as conn:
        order = get_order(conn, order_id=order_id)
        if order is None:
            raise DeskError(f"no order {order_id!r}: import the report that has it first")
        skus = {item.sku: item.quantity for item in order.items}
        for sku, quantity in affected:
            if sku not in skus:
                raise DeskError(f"order {order_id} has no item with SKU {sku!r} "
                                f"(it has {', '.join(skus)})")
            if quantity > skus[sku]:
                raise DeskError(f"order {order_id} has only {skus[sku]} × {sku}, "
                                f"not {quantity}")
        member = at_desk_or_add_first_owner(conn, staff)
        issue_id = open_issue(conn, order_id=order_id, issue_type=issue_type,
                              severity=severity, affected=affected, days_late=days_late,
                              buyer_ref=ref, note=note, actor=member.name, at=now())
        if buyer_details and any((v or "").strip() for v in buyer_details.values()):
            personal_data.write_details(conn, issue_id=issue_id, details=buyer_details,
                                        by=member.name, at=now())
        record = issue_store.get_issue(conn, issue_id=issue_id)
    assert record is not None
    return record


def open_issue(conn: Connection, *, order_id: str, issue_type: IssueType, severity: Severity,
               affected: tuple[tuple[str, int], ...], days_late: int, buyer_ref: str | None,
               note: str, actor: str, at: datetime, reply_owed: bool = True) -> int:
    """The issue's row and its first timeline line, in the caller's transaction; the
    24-hour reply clock runs from `at` (the buyer's contact: a mail's own time). An
    issue Amazon's notice opens (a claim, a chargeback) owes the buyer no reply."""
    issue_id = issue_store.add_issue(
        conn, order_id=order_id, issue_type=issue_type.value, severity=severity.value,
        affected=format_affected(affected), days_late=days_late, buyer_ref=buyer_ref,
        notes=note, by=actor, now=max(at, now()),
        reply_due_at=(at + duration("reply_hours", overrides_in(conn)) if reply_owed
                      else None))
    issue_store.add_event(conn, issue_id=issue_id, actor=actor, kind="logged",
                          text=f"{issue_type.label}, {severity.value}", at=at)
    return issue_id


def list_issues(engine: Engine, *, status: str | None = None,
                order_id: str | None = None) -> list[IssueRecord]:
    with reading(engine) as conn:
        return issue_store.list_issues(conn, status=status, order_id=order_id)


def issue_record(conn: Connection, issue_id: int) -> IssueRecord:
    issue = issue_store.get_issue(conn, issue_id=issue_id)
    if issue is None:
        raise DeskError(f"no issue {issue_id}")
    return issue


def status_event(conn: Connection, issue: IssueRecord, status: str, actor: str,
                 at: datetime, note: str = "") -> None:
    """The timeline's line for a status change."""
    issue_store.add_event(conn, issue_id=issue.issue_id, actor=actor, kind="status",
                          text=status_line(issue.status, IssueStatus(status), note), at=at)


@dataclass(frozen=True, slots=True)
class OrderActivity:
    """An order's issues, credits and returns, for the order pane."""
    issues: list[IssueRecord]
    credits: list[CreditRecord]
    returns: list[Return] = field(default_factory=list)

    def given(self, currency: str) -> Money:
        total = Money.zero(currency)
        for credit in self.credits:
            total = total + credit.amount
        return total


def order_activity(engine: Engine, order_id: str) -> OrderActivity:
    with reading(engine) as conn:
        return OrderActivity(issue_store.list_issues(conn, order_id=order_id),
                             ledger_store.credits_on_order(conn, order_id=order_id),
                             return_store.returns_on_order(conn, order_id=order_id))
