"""Every number SellerDesk takes from Amazon, declared once with its default and where it
comes from (PRODUCT.md §2). Amazon changes them; the desk can override each by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from sellerdesk.core.errors import KnownError


@dataclass(frozen=True, slots=True)
class Fact:
    key: str
    label: str
    default: Decimal        # a rate as a fraction, a window in days, a deadline in hours
    unit: str               # "rate" | "days" | "hours" | "business days"
    source: str

    def typed(self, value: Decimal | None = None) -> str:
        """The value as staff type it (what `checked` reads back): a rate in percent."""
        value = self.default if value is None else value
        return f"{(value * 100 if self.unit == 'rate' else value).normalize():f}"

    @property
    def symbol(self) -> str:
        """The unit beside a typed value: % for a rate."""
        return "%" if self.unit == "rate" else self.unit

    def shown(self, value: Decimal | None = None) -> str:
        return f"{self.typed(value)} {self.symbol}"


_SC = "Seller Central Help, "
FACTS: tuple[Fact, ...] = (
    Fact("odr_target", "Order Defect Rate target (below)", Decimal("0.01"), "rate",
         _SC + "“Order Defect Rate” (Account Health)"),
    Fact("odr_window_days", "ODR window, by order date, both ends included", Decimal(60),
         "days", _SC + "“Order Defect Rate”"),
    Fact("late_shipment_target", "Late Shipment Rate target (below), MFN", Decimal("0.04"),
         "rate", _SC + "“Late Shipment Rate”"),
    Fact("cancel_rate_target", "Pre-fulfillment Cancel Rate target (below), MFN",
         Decimal("0.025"), "rate", _SC + "“Pre-fulfillment Cancel Rate”"),
    Fact("valid_tracking_target", "Valid Tracking Rate target (at least), MFN",
         Decimal("0.95"), "rate", _SC + "“Valid Tracking Rate”"),
    Fact("reply_hours", "Reply to a buyer message", Decimal(24), "hours",
         _SC + "“Buyer-Seller Messaging: response time” (weekends included)"),
    Fact("atoz_contact_hours", "Resolve a buyer's contact before they may claim A-to-z",
         Decimal(48), "hours", _SC + "“A-to-z Guarantee”"),
    Fact("refund_after_return_days", "Refund after a return arrives", Decimal(2),
         "business days", _SC + "“Refund policy for seller-fulfilled orders”"),
    # Two requests, two clocks: on a claim an unanswered request is granted after 48 h
    # (G1781); during an appeal Amazon waits 72 h for what it asked (G202041210).
    Fact("atoz_information_hours", "Answer an A-to-z information request", Decimal(48),
         "hours", _SC + "G1781 “A-to-z Guarantee”: a request unanswered within 48 hours is "
         "granted to the buyer and counts toward ODR"),
    Fact("atoz_appeal_information_hours", "Answer an information request during an A-to-z "
         "appeal", Decimal(72), "hours",
         _SC + "G202041210 “Appeal an A-to-z Guarantee claim decision”: 72 hours to send "
         "the information asked for"),
    Fact("chargeback_days", "Answer a chargeback, from Amazon's e-mail", Decimal(7), "days",
         _SC + "“Chargeback claims”"),
    Fact("atoz_appeal_days", "Appeal an A-to-z decision", Decimal(30), "days",
         _SC + "“Appeal an A-to-z Guarantee claim decision”"),
)
BY_KEY = {fact.key: fact for fact in FACTS}


# What a desk may set each kind of fact to: Amazon has moved these numbers, never by orders
# of magnitude, so a value outside these ranges is a typing slip.
_RANGES = {"rate": (Decimal("0.001"), Decimal(1)), "days": (Decimal(1), Decimal(365)),
           "hours": (Decimal(1), Decimal(720)), "business days": (Decimal(1), Decimal(30))}


def checked(key: str, text: str) -> Decimal:
    """A value typed for a fact, as the fact stores it (a rate typed in percent)."""
    found = BY_KEY.get(key)
    if found is None:
        raise KnownError(f"no Amazon fact called {key!r}; known: {', '.join(BY_KEY)}")
    cleaned = text.strip().removesuffix("%").strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise KnownError(f"{found.label}: {text.strip()!r} is not a number") from None
    if found.unit == "rate":
        value = value / 100
    low, high = _RANGES[found.unit]
    if not value.is_finite() or not low <= value <= high:
        raise KnownError(f"{found.label}: {found.shown(value) if value.is_finite() else text} "
                         f"is outside {found.shown(low)} to {found.shown(high)}")
    if found.unit != "rate" and value != value.to_integral_value():
        raise KnownError(f"{found.label}: give whole {found.unit}")
    return Decimal(f"{value.normalize():f}")   # 30, not 3E+1


def fact(key: str, overrides: dict[str, Decimal] | None = None) -> Decimal:
    return (overrides or {}).get(key, BY_KEY[key].default)


def duration(key: str, overrides: dict[str, Decimal] | None = None) -> timedelta:
    """A fact in hours or calendar days as a length of time."""
    unit = BY_KEY[key].unit
    if unit not in ("hours", "days"):
        raise ValueError(f"{key} is in {unit}, not a plain length of time")
    return timedelta(**{unit: float(fact(key, overrides))})
