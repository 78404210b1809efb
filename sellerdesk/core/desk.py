"""Issues and credits as the rest of the app sees them: plain records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sellerdesk.core.issues import BuyerResponse, IssueStatus, IssueType, Severity
from sellerdesk.core.money import Money

if TYPE_CHECKING:
    from sellerdesk.core.deadlines import Deadline


@dataclass(frozen=True, slots=True)
class IssueRecord:
    issue_id: int
    order_id: str
    issue_type: IssueType
    severity: Severity
    status: IssueStatus
    affected: tuple[tuple[str, int], ...]
    days_late: int
    buyer_ref: str | None
    notes: str
    created_by: str
    created_at: datetime
    assignee: str = ""
    resolution: str = ""
    buyer_response: BuyerResponse = BuyerResponse.NONE
    reply_due_at: datetime | None = None   # a buyer contact waits for a reply until then
    updated_at: datetime | None = None
    next_deadline: Deadline | None = None   # filled in for the issues list

    @property
    def summary(self) -> str:
        return f"{self.issue_type.label}, {self.severity.value}"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    actor: str
    kind: str     # logged, buyer_message, reply, credit, approval_requested, status, …
    text: str


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    evidence_id: int
    issue_id: int
    sha256: str
    name: str
    size: int
    media_type: str
    added_at: datetime
    added_by: str


@dataclass(frozen=True, slots=True)
class StaffMember:
    name: str
    role: str                 # agent | supervisor | owner
    approval_limit: str | None = None

    @property
    def can_approve(self) -> bool:
        return self.role in ("supervisor", "owner")


@dataclass(frozen=True, slots=True)
class CreditRecord:
    credit_id: int
    created_at: datetime
    issue_id: int
    order_id: str
    kind: str
    amount: Money
    reverses: int | None
    reason: str
    staff: str
    approved_by: str | None
    policy_version: int | None
    suggested: Money | None
    expires_on: date | None
    entry_hash: str


def parse_affected(text: str) -> tuple[tuple[str, int], ...]:
    """"BOOK:1,MUG:2" → (("BOOK", 1), ("MUG", 2)); a SKU without a count means 1."""
    pairs = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        sku, _, count = part.rpartition(":") if ":" in part else (part, "", "1")
        sku = sku.strip()
        if not sku:
            raise ValueError(f"{part!r} has no SKU")
        try:
            quantity = int(count)
        except ValueError:
            raise ValueError(f"{part!r}: {count!r} is not a whole number") from None
        if quantity < 1:
            raise ValueError(f"{part!r}: the quantity must be 1 or more")
        pairs.append((sku, quantity))
    return tuple(pairs)


def format_affected(pairs: tuple[tuple[str, int], ...]) -> str:
    return ",".join(f"{sku}:{quantity}" for sku, quantity in pairs)


def span(delta: timedelta) -> str:
    """A duration as people say it at a desk: "3 d 4 h", "5 h 12 min", "40 min"."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


def age(delta: timedelta) -> str:
    """How old something is, to the hour once it is a day old."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 24 else f"{hours // 24} d {hours % 24} h"


def reply_clock(due: datetime | None, now: datetime) -> str:
    """What is left of the time to reply, or how late the reply is."""
    if due is None:
        return ""
    left = due - now
    return f"{span(left)} left" if left >= timedelta(0) else f"overdue {span(left)}"
