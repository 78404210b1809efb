"""Issues, their timelines and evidence, credits and staff as the rest of the app sees
them: plain records, and how their typed fields (items affected, approval limits) are
read and written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sellerdesk.core.issues import BuyerResponse, IssueStatus, IssueType, Severity
from sellerdesk.core.money import Money, MoneyError, minor_units


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
    # A personal approval limit per currency (¥15 and $15 are not one limit). A currency
    # not listed has none of its own: the policy's approval_above alone applies there.
    approval_limits: dict[str, Decimal] = field(default_factory=dict)
    active: bool = True       # a deactivated person keeps their history but cannot act
    has_pin: bool = False

    @property
    def can_approve(self) -> bool:
        return self.role in ("supervisor", "owner")

    def limit_for(self, currency: str) -> Decimal | None:
        return self.approval_limits.get(currency)

    @property
    def limits_text(self) -> str:
        return format_limits(self.approval_limits)


def parse_limits(text: str) -> dict[str, Decimal]:
    """"USD 15, JPY 1500" (or USD=15) → {"USD": 15, "JPY": 1500}; blank → no limits.
    Raises ValueError with a sentence naming the part that is wrong."""
    limits: dict[str, Decimal] = {}
    for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        pieces = part.replace("=", " ").split()
        if len(pieces) != 2:
            raise ValueError(f"{part!r}: write a currency and an amount, e.g. USD 15")
        first, second = pieces
        currency, amount = (first, second) if first.isalpha() else (second, first)
        currency = currency.upper()
        try:
            minor_units(currency)
            value = Decimal(amount)
        except MoneyError:
            raise ValueError(f"{part!r}: {currency} is not a currency code") from None
        except InvalidOperation:
            raise ValueError(f"{part!r}: {amount!r} is not a number") from None
        if not value.is_finite() or value < 0:
            raise ValueError(f"{part!r}: a limit is zero or more")
        if currency in limits:
            raise ValueError(f"{currency} is given twice")
        limits[currency] = value
    return limits


def format_limits(limits: dict[str, Decimal]) -> str:
    return ", ".join(f"{currency} {value.normalize():f}"
                     for currency, value in sorted(limits.items()))


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
