"""Returns as Amazon reports them: the seller-fulfilled Returns report (with its A-to-Z
Claim flag and the amount refunded) and the FBA customer returns report.

A return is kept for what it tells the desk about an order: what came back and why, how
much was refunded outside SellerDesk (which the policy's caps must count), and whether the
buyer filed an A-to-z claim (a defect in the Order Defect Rate). Buyers' comments are not
kept: they may name the buyer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sellerdesk.core.english_dates import parse_day_mon_year
from sellerdesk.core.issues import Remedy
from sellerdesk.core.marketplaces import Marketplace
from sellerdesk.core.money import Money
from sellerdesk.core.settlement import settlement_date

SOURCES = {"returns": "Returns report", "fba-returns": "FBA customer returns"}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_YES = frozenset({"y", "yes", "true", "1"})
_NO = frozenset({"", "n", "no", "false", "0"})
# Remedies whose money a returns report's "Refunded Amount" may also show.
REFUND_KINDS = frozenset({Remedy.FULL_REFUND.value, Remedy.PARTIAL_REFUND.value})


@dataclass(frozen=True, slots=True)
class Return:
    source: str                 # a key of SOURCES
    key: str                    # Amazon's RMA id, or what identifies an FBA return
    order_id: str
    requested_on: date
    quantity: int
    sku: str
    reason: str
    status: str
    outcome: str                # the resolution (seller-fulfilled) or disposition (FBA)
    refunded: Money | None      # only the Returns report says
    atoz_claim: bool

    @property
    def what(self) -> str:
        """One line for the order's activity list."""
        text = f"{self.quantity} × {self.sku or 'item'} returned"
        if self.reason:
            text += f": {words(self.reason)}"
        if self.outcome:
            text += f" ({words(self.outcome)})"
        return text + (" — A-to-z claim filed" if self.atoz_claim else "")


def words(code: str) -> str:
    """Amazon's codes as words: DAMAGED_BY_CARRIER, StandardRefund → "standard refund"."""
    return _CAMEL.sub(" ", code).replace("_", " ").lower()


def flag(text: str) -> bool:
    """A report's yes/no cell ("Y", "N", "Yes", "true", empty). Raises ValueError."""
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(f"{text!r} is neither Y nor N")


def date_part(text: str) -> str:
    """What of a report's time stamp names the day: all return_date reads of it."""
    return text.strip().split(" ", 1)[0].split("T", 1)[0]


def return_date(text: str, market: Marketplace | None = None) -> date:
    """A returns report's date: 2026-10-05T08:00:00+00:00, 2026-10-05, 05-Oct-2026, or the
    marketplace's own numeric form (05.10.2026, 10/05/2026). Raises ValueError."""
    value = date_part(text)
    if not value.isascii():      # strptime's digits include other scripts'
        raise ValueError(f"{text!r} is not a date")
    if len(value) == 11 and value[2] == "-" and value[3:6].isalpha():
        try:
            return parse_day_mon_year(value)       # English months, whatever the locale
        except ValueError:
            raise ValueError(f"{text!r} is not a date") from None
    return settlement_date(value, market)


def refunded_outside(returns: Iterable[Return], ledger_refunds: Money) -> Money:
    """What an order's returns refunded beyond the refunds SellerDesk itself recorded: a
    refund given through SellerDesk also shows in the Returns report, and is counted once."""
    total = zero = Money.zero(ledger_refunds.currency)
    for r in returns:
        if r.refunded is not None and r.refunded.currency == total.currency:
            total = total + r.refunded
    extra = total - ledger_refunds
    return extra if extra.minor > 0 else zero
