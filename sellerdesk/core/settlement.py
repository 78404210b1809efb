"""What a settlement report says about refunds, and how it squares with the ledger.

A settlement report (V2 flat file) has one row per amount: for a refund, the price
components given back to the buyer (Principal, Shipping, Tax, Goodwill…), the referral fee
Amazon returns (Commission) and the refund administration fee it keeps (RefundCommission).
Rows of one refund share the settlement, order and adjustment id. SellerDesk's own feed
names each adjusted item `SD<credit>-<n>` (core.adjustments), which comes back in the
`merchant-adjustment-item-id` column: the exact link from a refund to its credit. Refunds
made in Seller Central by hand have no such id and are matched by order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sellerdesk.core.marketplaces import Marketplace, parse_report_date
from sellerdesk.core.money import Money

REFUND_TYPES = frozenset({"refund", "chargeback refund", "a-to-z guarantee claim"})
FEE_KEPT = "refundcommission"                  # the refund administration fee
FEE_RETURNED = frozenset({"commission", "referralfee"})
_FEED_ITEM = re.compile(r"SD(\d+)-\d+")


def settlement_date(text: str, market: Marketplace | None = None) -> date:
    """The day of a settlement timestamp as marketplaces write it: 2026-11-03 09:12:44 UTC,
    03.11.2026 (DE), 2026/11/03 (JP), 03/11/2026 (UK, EU) or 11/03/2026 (US, from the
    marketplace). Raises ValueError."""
    day = text.strip().split(" ")[0].split("T")[0]
    if "-" in day:
        pattern = "YYYY-MM-DD"
    elif "." in day:
        pattern = "D.M.YY"
    elif len(day.split("/")[0]) == 4:
        pattern = "YY/M/D"
    else:
        us = market is not None and market.feedback_dates.startswith("M")
        pattern = "M/D/YY" if us else "D/M/YY"
    return parse_report_date(day, pattern)


@dataclass(frozen=True, slots=True)
class RefundLine:
    """One amount row of a refund, as the report has it (a refund's amounts are negative,
    fees Amazon keeps negative, fees it returns positive)."""
    settlement_id: str
    order_id: str
    adjustment_id: str
    posted: date
    amount_type: str            # ItemPrice, ItemFees, Promotion, …
    description: str            # Principal, Goodwill, RefundCommission, …
    amount: Money
    adjustment_item: str = ""   # merchant-adjustment-item-id
    transaction: str = "Refund"


@dataclass(frozen=True, slots=True)
class Refund:
    """One refund in one settlement: what the buyer got back and what it cost."""
    settlement_id: str
    order_id: str
    adjustment_id: str
    posted: date
    refunded: Money             # to the buyer, positive
    fee_kept: Money             # refund administration fee, positive
    fee_returned: Money         # referral fee given back, positive
    credit_ids: tuple[int, ...] = ()   # credits named by the feed's adjustment item ids
    transaction: str = "Refund"


def refunds(lines: Iterable[RefundLine]) -> list[Refund]:
    """The lines of each refund added up, in the order they first appear."""
    groups: dict[tuple[str, str, str], list[RefundLine]] = defaultdict(list)
    for line in lines:
        groups[(line.settlement_id, line.order_id, line.adjustment_id)].append(line)
    found = []
    for (settlement_id, order_id, adjustment_id), group in groups.items():
        zero = Money.zero(group[0].amount.currency)
        refunded = fee_kept = fee_returned = zero
        credit_ids: set[int] = set()
        for line in group:
            what = line.description.replace(" ", "").lower()
            if what == FEE_KEPT:
                fee_kept -= line.amount
            elif what in FEE_RETURNED or line.amount_type.lower() == "itemfees":
                fee_returned += line.amount
            else:
                refunded -= line.amount
            if match := _FEED_ITEM.fullmatch(line.adjustment_item.strip()):
                credit_ids.add(int(match.group(1)))
        found.append(Refund(settlement_id, order_id, adjustment_id,
                            min(line.posted for line in group), refunded, fee_kept,
                            fee_returned, tuple(sorted(credit_ids)), group[0].transaction))
    return found


@dataclass(frozen=True, slots=True)
class CreditDue:
    """A credit that should come back as a refund in a settlement."""
    credit_id: int
    order_id: str
    amount: Money
    given_on: date


@dataclass(frozen=True, slots=True)
class Match:
    """Credits and the refunds that paid them, on one order."""
    order_id: str
    credits: tuple[CreditDue, ...]
    refunds: tuple[Refund, ...]
    linked_by: str              # "feed id" (exact) or "order" (same order, by hand)

    @property
    def credited(self) -> Money:
        return _total(c.amount for c in self.credits)

    @property
    def refunded(self) -> Money:
        return _total(r.refunded for r in self.refunds)

    @property
    def fee_kept(self) -> Money:
        return _total(r.fee_kept for r in self.refunds)

    @property
    def difference(self) -> Money:
        """Refunded minus credited: zero when Amazon paid exactly what was given."""
        return self.refunded - self.credited

    @property
    def comparable(self) -> bool:
        """Credits and refunds all in one currency: only then is there a difference to
        compute (amounts in two currencies are never subtracted)."""
        return len({c.amount.currency for c in self.credits}
                   | {r.refunded.currency for r in self.refunds}) == 1


@dataclass(slots=True)
class Reconciliation:
    matched: list[Match] = field(default_factory=list)
    credits_unpaid: list[CreditDue] = field(default_factory=list)
    refunds_unclaimed: list[Refund] = field(default_factory=list)
    # Credits paired with refunds in another currency (a settlement of another
    # marketplace, or a refund keyed to the wrong order): shown, never compared.
    mismatched: list[Match] = field(default_factory=list)

    def fees_kept(self) -> dict[str, Money]:
        """Refund administration fees per currency, over every refund seen."""
        totals: dict[str, Money] = {}
        for refund in [*(r for m in [*self.matched, *self.mismatched] for r in m.refunds),
                       *self.refunds_unclaimed]:
            fee = refund.fee_kept
            totals[fee.currency] = totals.get(fee.currency, Money.zero(fee.currency)) + fee
        return totals

    def add(self, match: Match) -> None:
        (self.matched if match.comparable else self.mismatched).append(match)


def reconcile(credits: Sequence[CreditDue], found: Sequence[Refund]) -> Reconciliation:
    """Pair credits with refunds. A refund naming credits by feed id is matched to them;
    on each order, the credits and refunds left are then matched together by order (an
    amount Amazon paid differently shows as the match's difference)."""
    result = Reconciliation()
    by_id = {c.credit_id: c for c in credits}
    claimed: set[int] = set()
    left: list[Refund] = []
    for refund in found:
        named = [by_id[i] for i in refund.credit_ids if i in by_id and i not in claimed]
        if named:
            claimed.update(c.credit_id for c in named)
            result.add(Match(refund.order_id, tuple(named), (refund,), "feed id"))
        else:
            left.append(refund)
    credits_by_order: dict[str, list[CreditDue]] = defaultdict(list)
    for credit in credits:
        if credit.credit_id not in claimed:
            credits_by_order[credit.order_id].append(credit)
    refunds_by_order: dict[str, list[Refund]] = defaultdict(list)
    for refund in left:
        refunds_by_order[refund.order_id].append(refund)
    for order_id, waiting in credits_by_order.items():
        paid = refunds_by_order.pop(order_id, [])
        if paid:
            result.add(Match(order_id, tuple(waiting), tuple(paid), "order"))
        else:
            result.credits_unpaid.extend(waiting)
    result.refunds_unclaimed = [r for group in refunds_by_order.values() for r in group]
    return result


def totals_text(amounts: Iterable[Money]) -> str:
    """Amounts added up per currency, never across: "$7.50", or "$7.50 + ¥1,100"."""
    totals: dict[str, Money] = {}
    for amount in amounts:
        totals[amount.currency] = totals.get(amount.currency,
                                             Money.zero(amount.currency)) + amount
    return " + ".join(m.display() for m in totals.values())


def _total(amounts: Iterable[Money]) -> Money:
    items = list(amounts)
    return sum(items[1:], items[0])
