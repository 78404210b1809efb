"""Order Defect Rate and what the credits did to it (PRODUCT.md §2 and §5), as pure
functions over plain records. The store computes the same numbers in SQL on the whole
database; these are the reference its tests compare against.

ODR at a date: orders placed in the window ending on that date (both ends included) with
at least one defect that counts, ÷ orders placed in the window. A defect belongs to its
order's date, counts only if it was known by the date asked about, and an order with
several defects counts once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum


class DefectKind(StrEnum):
    NEGATIVE_FEEDBACK = "negative_feedback"
    ATOZ_CLAIM = "atoz_claim"
    CHARGEBACK = "chargeback"

    @property
    def label(self) -> str:
        return {"negative_feedback": "Negative feedback", "atoz_claim": "A-to-z claim",
                "chargeback": "Chargeback"}[self.value]


# Every status a defect may have, and the ones that count against the seller: removed
# feedback, denied or withdrawn claims and chargebacks won by the seller do not.
STATUSES: dict[DefectKind, tuple[str, ...]] = {
    DefectKind.NEGATIVE_FEEDBACK: ("active", "removed"),
    DefectKind.ATOZ_CLAIM: ("open", "granted", "denied", "withdrawn"),
    DefectKind.CHARGEBACK: ("open", "lost", "won"),
}
COUNTING: dict[DefectKind, frozenset[str]] = {
    DefectKind.NEGATIVE_FEEDBACK: frozenset({"active"}),
    DefectKind.ATOZ_CLAIM: frozenset({"open", "granted"}),
    DefectKind.CHARGEBACK: frozenset({"open", "lost"}),
}
NEGATIVE_RATINGS = (1, 2)


def percent(rate: float | None) -> str:
    """A rate as staff read it: "0.84 %", or "—" when there is nothing to divide."""
    return "—" if rate is None else f"{rate * 100:.2f} %"


def counts(kind: DefectKind, status: str) -> bool:
    return status in COUNTING[kind]


@dataclass(frozen=True, slots=True)
class Defect:
    order_id: str
    kind: DefectKind
    status: str
    on: date                 # when Amazon recorded it (feedback left, claim filed)


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    order_id: str
    purchased: date
    channel: str             # AFN | MFN


def window(as_of: date, days: int) -> tuple[date, date]:
    """The `days`-day window ending on `as_of`, both ends included."""
    return as_of - timedelta(days=days - 1), as_of


@dataclass(frozen=True, slots=True)
class DefectCounts:
    """One channel's (or all) orders in the window and the orders with each defect."""
    orders: int = 0
    orders_with_defects: int = 0
    negative_feedback: int = 0
    atoz_claims: int = 0
    chargebacks: int = 0

    @property
    def rate(self) -> float:
        return self.orders_with_defects / self.orders if self.orders else 0.0

    def part_rate(self, count: int) -> float:
        return count / self.orders if self.orders else 0.0

    def __add__(self, other: DefectCounts) -> DefectCounts:
        return DefectCounts(*(a + b for a, b in zip(_fields(self), _fields(other), strict=True)))


def _fields(c: DefectCounts) -> tuple[int, ...]:
    return (c.orders, c.orders_with_defects, c.negative_feedback, c.atoz_claims, c.chargebacks)


@dataclass(frozen=True, slots=True)
class OrderDefectRate:
    window_start: date
    window_end: date
    mfn: DefectCounts = field(default_factory=DefectCounts)
    afn: DefectCounts = field(default_factory=DefectCounts)

    @property
    def all(self) -> DefectCounts:
        return self.mfn + self.afn


def order_defect_rate(orders: Iterable[PlacedOrder], defects: Iterable[Defect], *,
                      as_of: date, days: int = 60) -> OrderDefectRate:
    start, end = window(as_of, days)
    placed = {o.order_id: o.channel for o in orders if start <= o.purchased <= end}
    kinds: dict[str, set[DefectKind]] = {}
    for d in defects:
        if d.order_id in placed and d.on <= as_of and counts(d.kind, d.status):
            kinds.setdefault(d.order_id, set()).add(d.kind)
    by_channel = {}
    for channel in ("MFN", "AFN"):
        ids = [i for i, c in placed.items() if c == channel]
        with_defects = [kinds[i] for i in ids if i in kinds]
        by_channel[channel] = DefectCounts(
            orders=len(ids), orders_with_defects=len(with_defects),
            negative_feedback=sum(DefectKind.NEGATIVE_FEEDBACK in k for k in with_defects),
            atoz_claims=sum(DefectKind.ATOZ_CLAIM in k for k in with_defects),
            chargebacks=sum(DefectKind.CHARGEBACK in k for k in with_defects))
    return OrderDefectRate(start, end, by_channel["MFN"], by_channel["AFN"])


@dataclass(frozen=True, slots=True)
class CreditEffect:
    """Issues in the window, split by whether a credit stands on them, and how many of
    their orders went on to a counting defect."""
    credited: int
    credited_with_defect: int
    uncredited: int
    uncredited_with_defect: int

    @property
    def rate_with_credit(self) -> float | None:
        return self.credited_with_defect / self.credited if self.credited else None

    @property
    def rate_without_credit(self) -> float | None:
        return self.uncredited_with_defect / self.uncredited if self.uncredited else None

    @property
    def defects_avoided(self) -> float | None:
        """An estimate from the seller's own history: (rate without − rate with) × credited
        issues. None when either group is empty: there is nothing to compare."""
        if self.rate_with_credit is None or self.rate_without_credit is None:
            return None
        return (self.rate_without_credit - self.rate_with_credit) * self.credited

    def odr_without_credits(self, odr: DefectCounts) -> float | None:
        """The ODR the estimate implies had no credit been given."""
        avoided = self.defects_avoided
        if avoided is None or not odr.orders:
            return None
        return (odr.orders_with_defects + max(avoided, 0.0)) / odr.orders


@dataclass(frozen=True, slots=True)
class AmazonOdr:
    """Amazon's own ODR for one marketplace and channel (its seller performance report).
    Counts are None when the report gives only the rate."""
    marketplace: str
    channel: str
    window_start: date | None
    window_end: date | None
    rate: float
    status: str
    target: float | None = None
    orders: int | None = None
    orders_with_defects: int | None = None
    negative_feedback: int | None = None
    atoz_claims: int | None = None
    chargebacks: int | None = None


AGREE_WITHIN = 0.0005        # half a tenth of a percentage point

# What to do when Amazon counts more (or fewer) of a defect than SellerDesk.
_MORE_AT_AMAZON = {
    "negative_feedback": "import the latest feedback report",
    "atoz_claims": "record those claims on their orders (Defect… or `sellerdesk defect add`)",
    "chargebacks": "record those chargebacks on their orders",
}
_MORE_HERE = {
    "negative_feedback": "removed feedback still marked active?",
    "atoz_claims": "claims Amazon denied or the buyer withdrew, still marked open?",
    "chargebacks": "chargebacks decided for you, still marked open?",
}
_NAMES = {"negative_feedback": "negative feedback", "atoz_claims": "A-to-z claims",
          "chargebacks": "chargebacks"}


def explain_difference(amazon: AmazonOdr, ours: DefectCounts) -> list[str]:
    """Plain sentences on why SellerDesk's ODR differs from Amazon's for the same window,
    marketplace and channel, most likely cause first."""
    gap = ours.rate - amazon.rate
    said = [f"Amazon {amazon.rate:.2%}, SellerDesk {ours.rate:.2%} "
            f"({'the same' if abs(gap) < AGREE_WITHIN else f'{gap * 100:+.2f} points'})."]
    if amazon.window_start is None or amazon.window_end is None:
        said.append("Amazon's report gives no dates for this rate; SellerDesk used its "
                    "own 60-day window up to today.")
    if amazon.orders is None:
        said.append("Amazon's report gives only the rate, not the counts behind it, so the "
                    "difference cannot be broken down.")
        return said
    missing = amazon.orders - ours.orders
    if missing > 0:
        said.append(f"SellerDesk has {missing:,} fewer orders in this window than Amazon: "
                    "import the All Orders report covering it.")
    elif missing < 0:
        said.append(f"SellerDesk has {-missing:,} more orders in this window than Amazon "
                    "counts (Amazon may leave out orders cancelled before they shipped).")
    for part in ("negative_feedback", "atoz_claims", "chargebacks"):
        theirs = getattr(amazon, part)
        if theirs is None:
            continue
        extra = theirs - getattr(ours, part)
        if extra > 0:
            said.append(f"Amazon counts {extra:,} more {_NAMES[part]}: {_MORE_AT_AMAZON[part]}.")
        elif extra < 0:
            said.append(f"SellerDesk counts {-extra:,} more {_NAMES[part]} than Amazon "
                        f"({_MORE_HERE[part]}).")
    if len(said) == 1 and abs(gap) >= AGREE_WITHIN:
        said.append("The counts agree; the rates differ only by rounding in Amazon's report.")
    return said
