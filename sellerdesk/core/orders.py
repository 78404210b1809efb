"""Orders as the rest of the app sees them: plain, immutable records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import getcontext
from enum import StrEnum
from typing import NewType

from sellerdesk.core.money import (
    _FAST_HIGH,
    _FAST_LOW,
    _FAST_PRECISION,
    Money,
    _exact,
    total_of,
)

OrderId = NewType("OrderId", str)


class Channel(StrEnum):
    AFN = "AFN"  # fulfilled by Amazon (FBA)
    MFN = "MFN"  # fulfilled by the seller

    @classmethod
    def from_report(cls, text: str) -> Channel:
        """The report says "Amazon" or "Merchant" (or already AFN/MFN)."""
        value = text.strip().lower()
        if value in ("amazon", "afn"):
            return cls.AFN
        if value in ("merchant", "mfn", "seller"):
            return cls.MFN
        raise ValueError(f"{text!r} is neither Amazon nor Merchant")

    @property
    def label(self) -> str:
        return "FBA (AFN)" if self is Channel.AFN else "Seller (MFN)"


ORDER_STATUSES = ("Pending", "Unshipped", "PartiallyShipped", "Shipped", "Shipping",
                  "Cancelled", "Unfulfillable")


@dataclass(frozen=True, slots=True)
class OrderItem:
    sku: str
    asin: str
    title: str
    quantity: int
    item_price: Money        # the line's price (all units), as Amazon reports it
    shipping_price: Money
    item_tax: Money
    shipping_tax: Money
    promotion_discount: Money  # item + shipping promotions, as a positive amount
    status: str = ""

    @property
    def unit_price(self) -> Money:
        if self.quantity <= 0:
            return self.item_price
        return Money.rounded(self.item_price.amount / self.quantity, self.item_price.currency)


@dataclass(frozen=True, slots=True)
class OrderSummary:
    """One row of the orders table."""
    order_id: OrderId
    purchase_date: datetime
    status: str
    marketplace: str
    channel: Channel
    currency: str
    units: int
    total: Money
    first_title: str


@dataclass(frozen=True, slots=True)
class Order:
    order_id: OrderId
    merchant_order_id: str
    purchase_date: datetime
    last_updated: datetime
    status: str
    marketplace: str
    sales_channel: str
    channel: Channel
    currency: str
    ship_service_level: str
    ship_country: str
    is_business: bool
    items: tuple[OrderItem, ...]
    # Each total once worked out (a policy's basis and caps ask for them several times a
    # suggestion, a backtest 100,000 times): the order is frozen, so they cannot change.
    # Filled on first use, not in __init__, so reading a page of orders pays nothing;
    # a slots dataclass has no __dict__ for functools.cached_property. Not part of the
    # order's identity or repr.
    _totals: dict[str, Money] | None = field(default=None, init=False, repr=False,
                                             compare=False)

    def _remembered(self, name: str) -> Money | None:
        return None if self._totals is None else self._totals.get(name)

    def _remember(self, name: str, value: Money) -> Money:
        if self._totals is None:
            object.__setattr__(self, "_totals", {})
        self._totals[name] = value          # one that raises is not kept: it raises again
        return value

    def _summed(self, name: str) -> Money | None:
        """The items, shipping, tax and discount totals worked out together in one pass
        over the items on their Decimals (a policy asks for all of them, a backtest for
        50,000 orders'), and remembered; the one named is returned. Each is the value
        total_of gives it. Where a sum could need Money's checks — an amount in another
        currency, a partial sum outside the range Money leaves unchecked, a narrowed
        decimal context — None: each total is then worked out by itself, as before,
        raising what it raised."""
        currency = self.currency
        zero = Money.zero(currency).amount              # an unknown currency raises here
        if getcontext().prec < _FAST_PRECISION:
            return None
        items = shipping = tax = discount = zero
        low, high = _FAST_LOW, _FAST_HIGH
        for i in self.items:
            price, ship, item_tax, ship_tax, promo = (
                i.item_price, i.shipping_price, i.item_tax, i.shipping_tax,
                i.promotion_discount)
            if not (price.currency == ship.currency == item_tax.currency
                    == ship_tax.currency == promo.currency == currency):
                return None
            both_taxes = item_tax.amount + ship_tax.amount
            items += price.amount
            shipping += ship.amount
            tax += both_taxes
            discount += promo.amount
            if not (low < both_taxes < high and low < items < high
                    and low < shipping < high and low < tax < high
                    and low < discount < high):
                return None
        sums = {"items": items, "shipping": shipping, "tax": tax, "discount": discount}
        for key, value in sums.items():
            if self._remembered(key) is None:
                self._remember(key, _exact(value, currency))
        return self._remembered(name)

    @property
    def items_total(self) -> Money:
        return self._remembered("items") or self._summed("items") or self._remember(
            "items", total_of((i.item_price for i in self.items), self.currency))

    @property
    def shipping_total(self) -> Money:
        return self._remembered("shipping") or self._summed("shipping") or self._remember(
            "shipping", total_of((i.shipping_price for i in self.items), self.currency))

    @property
    def tax_total(self) -> Money:
        return self._remembered("tax") or self._summed("tax") or self._remember(
            "tax", total_of((i.item_tax + i.shipping_tax for i in self.items), self.currency))

    @property
    def discount_total(self) -> Money:
        return self._remembered("discount") or self._summed("discount") or self._remember(
            "discount", total_of((i.promotion_discount for i in self.items), self.currency))

    @property
    def total(self) -> Money:
        """What the buyer paid: items + shipping + taxes − promotions."""
        return self._remembered("total") or self._remember(
            "total", self.items_total + self.shipping_total + self.tax_total
            - self.discount_total)


# An order id typed or pasted in full or in part: "114-", "114-3941689", "1143941".
_ORDER_ID_PREFIX = re.compile(r"^\d{1,3}(-\d{0,7}(-\d{0,7})?)?$")


def looks_like_order_id(text: str) -> bool:
    return bool(_ORDER_ID_PREFIX.match(text.strip()))


ORDER_ID_MAX = 32   # Amazon's are 19 characters; merchant-fulfilled channels' up to ~25


def order_id_problem(order_id: str) -> str | None:
    """Why a report's order id cannot be one (None when it can)."""
    if not order_id:
        return "the order id is empty"
    if len(order_id) > ORDER_ID_MAX:
        return f"{order_id[:40]!r}… is too long for an order id (a damaged cell?)"
    return None


class OrderSort(StrEnum):
    """What the orders list is sorted by: one per column of the orders table. Orders that
    tie are ordered by their id, in the same direction, so paging through them is stable."""
    ORDER_ID = "order_id"
    PURCHASED = "purchased"
    MARKETPLACE = "marketplace"
    CHANNEL = "channel"
    STATUS = "status"
    UNITS = "units"
    TOTAL = "total"            # by currency, then amount: yen and dollars are not compared
    PRODUCT = "product"


@dataclass(frozen=True, slots=True)
class OrderOrdering:
    key: OrderSort = OrderSort.PURCHASED
    descending: bool = True          # newest first, as the list opens


_WORD = re.compile(r"[^\W_]+\*?")


def search_words(text: str) -> list[str]:
    """The words of a search, lower-cased: letters and digits, as the full-text index
    splits them (SQLite's unicode61 and PostgreSQL's simple parser alike). A word is
    found whole; one typed with a star after it ("puzz*") is a beginning."""
    return _WORD.findall(text.casefold())


@dataclass(frozen=True, slots=True)
class OrderFilter:
    """What the orders list is narrowed to. Empty fields do not filter."""
    search: str = ""
    date_from: date | None = None
    date_to: date | None = None           # inclusive
    statuses: frozenset[str] = field(default_factory=frozenset)
    marketplaces: frozenset[str] = field(default_factory=frozenset)
    channel: Channel | None = None

    @property
    def is_empty(self) -> bool:
        return self == OrderFilter()
