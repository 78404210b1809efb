"""Money: a Decimal amount with its ISO 4217 currency, exact to the currency's minor unit.

A float never touches an amount. Amounts are stored as integers of minor units
(cents, pence, yen), which are exact on every database and cheap to sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, getcontext
from functools import cache

from sellerdesk.core.numbers import MAX_WHOLE_UNITS, parse_minor

# Minor units (ISO 4217) of every currency Amazon marketplaces settle in, plus the
# three-decimal ones a policy may name. Source: ISO 4217 amendment list.
MINOR_UNITS: dict[str, int] = {
    "USD": 2, "CAD": 2, "MXN": 2, "BRL": 2,            # North & South America
    "GBP": 2, "EUR": 2, "SEK": 2, "PLN": 2, "TRY": 2,  # Europe
    "AED": 2, "SAR": 2, "EGP": 2, "INR": 2,            # Middle East, India
    "JPY": 0, "AUD": 2, "SGD": 2, "CNY": 2, "ZAR": 2,  # Asia-Pacific, Africa
    "NZD": 2, "CHF": 2, "DKK": 2, "NOK": 2, "CZK": 2,
    "KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3,            # three-decimal currencies
    "KRW": 0, "CLP": 0,
}

SYMBOLS: dict[str, str] = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", "INR": "₹"}


class MoneyError(ValueError):
    """An amount that cannot be money in its currency."""


def minor_units(currency: str) -> int:
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise MoneyError(f"unknown currency {currency!r}") from None


def minor_text(minor: int, currency: str) -> str:
    """str(Money.from_minor(minor, currency)) by integer arithmetic: for loops over many
    stored amounts (a ledger export), where Decimal construction dominates."""
    digits = minor_units(currency)
    if digits == 0:
        return str(minor)
    whole, fraction = divmod(abs(minor), 10 ** digits)
    return f"{'-' if minor < 0 else ''}{whole}.{fraction:0{digits}d}"


@cache     # a handful of currencies; an unknown one raises, and is not cached
def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


# Bounds within which an amount made from valid money is valid money without checking:
# minor units and sums of amounts under them stay exact (no rounding to the context's
# precision, which a smaller |value| than 10**15 whole units, or 10**18 minor units,
# cannot need while the precision keeps 19 digits), and an exact sum of multiples of the
# minor unit is one. Outside them — or under a narrowed decimal context — Money() checks
# as always, so every error stays as it was.
_FAST_PRECISION = 19
_FAST_MINOR = 10**18
_FAST_LOW, _FAST_HIGH = Decimal(-10**15), Decimal(10**15)
_new = object.__new__
_set = object.__setattr__


_ZEROS: dict[str, Money] = {}


def _exact(amount: Decimal, currency: str) -> Money:
    """Money(amount, currency) without __post_init__'s check, for amounts exact in a
    known currency by construction: the check was most of the cost where money is made
    by the million (a backtest's sums). Only for the cases the bounds above make safe."""
    money = _new(Money)
    _set(money, "amount", amount)
    _set(money, "currency", currency)
    return money


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money needs a Decimal, got {type(self.amount).__name__}")
        if self.amount != self.amount.quantize(_quantum(self.currency)):
            raise MoneyError(
                f"{self.amount} has more decimals than {self.currency} allows "
                f"({minor_units(self.currency)})"
            )

    # -- construction ------------------------------------------------------------
    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Parse a report's number ("24.99", "-5", "1,234.50"); too many decimals is an error."""
        cleaned = text.strip().replace(",", "")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise MoneyError(f"{text!r} is not an amount") from None
        if not value.is_finite():
            raise MoneyError(f"{text!r} is not an amount")
        if abs(value) > MAX_WHOLE_UNITS:
            raise MoneyError(f"{text!r} is too large to be an amount (a damaged cell?)")
        return cls(value, currency)

    @classmethod
    def parse_local(cls, text: str, currency: str) -> Money:
        """A number as the marketplace writes it in a report: 1,234.50 or 1.234,50 or
        12,34 (EU settlement reports), read as core.numbers reads every amount Amazon
        writes: ASCII digits and the marks, nothing else ("1e3" is not a thousand)."""
        digits = minor_units(currency)
        try:
            return cls.from_minor(parse_minor(text, digits), currency)
        except ValueError:
            raise MoneyError(f"{text!r} is not an amount") from None

    @classmethod
    def rounded(cls, value: Decimal, currency: str) -> Money:
        """Round half-up to the currency's minor unit."""
        amount = value.quantize(_quantum(currency), rounding=ROUND_HALF_UP)
        # quantize() gives exactly the minor unit's exponent or raises; only a NaN passes
        # through it, and Money() refuses that.
        if cls is Money and amount.is_finite():
            return _exact(amount, currency)
        return cls(amount, currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        amount = Decimal(minor).scaleb(-minor_units(currency))
        if cls is Money and type(minor) is int and -_FAST_MINOR < minor < _FAST_MINOR \
                and getcontext().prec >= _FAST_PRECISION:
            return _exact(amount, currency)
        return cls(amount, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        if cls is Money and type(currency) is str:    # immutable: one per currency
            found = _ZEROS.get(currency)
            if found is None:         # an unknown currency raises here, and is not kept
                found = _ZEROS[currency] = cls.from_minor(0, currency)
            return found
        return cls.from_minor(0, currency)

    # -- conversion --------------------------------------------------------------
    @property
    def minor(self) -> int:
        return int(self.amount.scaleb(minor_units(self.currency)))

    def __str__(self) -> str:
        """The amount as JSON and exports carry it: "7.50", "700"."""
        return f"{self.amount:.{minor_units(self.currency)}f}"

    def display(self) -> str:
        """For people: "$7.50", "¥700", "12.00 SEK"."""
        digits = minor_units(self.currency)
        text = f"{abs(self.amount):,.{digits}f}"
        sign = "-" if self.amount < 0 else ""
        symbol = SYMBOLS.get(self.currency)
        return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {self.currency}"

    # -- arithmetic (same currency only) -----------------------------------------
    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise MoneyError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        amount = self.amount + other.amount
        if _FAST_LOW < amount < _FAST_HIGH and getcontext().prec >= _FAST_PRECISION:
            return _exact(amount, self.currency)
        return Money(amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        amount = self.amount - other.amount
        if _FAST_LOW < amount < _FAST_HIGH and getcontext().prec >= _FAST_PRECISION:
            return _exact(amount, self.currency)
        return Money(amount, self.currency)

    def __neg__(self) -> Money:
        amount = -self.amount
        if _FAST_LOW < amount < _FAST_HIGH and getcontext().prec >= _FAST_PRECISION:
            return _exact(amount, self.currency)
        return Money(amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def times(self, factor: Decimal | int) -> Money:
        """Multiply and round half-up to the minor unit."""
        return Money.rounded(self.amount * Decimal(factor), self.currency)


def total_of(amounts: Iterable[Money], currency: str) -> Money:
    """Money.zero(currency) + each amount in turn — the same value, and the same error
    where a sum would raise one — with the sum kept as a Decimal between steps: an
    order's totals are worked out for every order a backtest replays."""
    value = Money.zero(currency).amount
    for amount in amounts:
        if amount.currency != currency:
            raise MoneyError(f"cannot mix {currency} and {amount.currency}")
        value = value + amount.amount
        if not (_FAST_LOW < value < _FAST_HIGH and getcontext().prec >= _FAST_PRECISION):
            value = Money(value, currency).amount      # the check each sum had
    return _exact(value, currency)


def parse_typed(text: str, currency: str, *, decimal_marks: str = ".") -> Money:
    """An amount a person typed into a form: plain digits with at most one decimal mark,
    which must be one of `decimal_marks` (the desk's and the marketplace's: "," for a
    German agent or an Amazon.de order). No sign, grouping, exponent or other digits: a
    typed amount gives money, so anything that could be misread is refused with the
    reason, never guessed (1,250 on a US desk is not 1.25 nor 1250)."""
    cleaned = text.strip()
    if not cleaned:
        raise MoneyError("type an amount")
    if cleaned.startswith("-"):
        raise MoneyError("a credit cannot be negative; to take one back, reverse it")
    marks = [ch for ch in cleaned if ch in ".,"]
    digits = cleaned.replace(".", "").replace(",", "")
    shown = " or ".join(f"«{m}»" for m in decimal_marks)
    if not digits or not (digits.isascii() and digits.isdigit()):
        raise MoneyError(f"«{cleaned}» is not an amount: type digits and at most one "
                         f"decimal mark ({shown})")
    if len(marks) > 1:
        raise MoneyError(f"«{cleaned}» has {len(marks)} marks: type the amount without "
                         f"thousands separators, with at most one decimal mark ({shown})")
    if marks and marks[0] not in decimal_marks:
        raise MoneyError(f"«{marks[0]}» is not a decimal mark here ({shown}); leave out "
                         "thousands separators")
    whole, _, fraction = cleaned.replace(",", ".").partition(".")
    allowed = minor_units(currency)
    if len(fraction) > allowed:
        raise MoneyError(f"{currency} has no decimals" if allowed == 0 else
                         f"{currency} has {allowed} decimals; «{cleaned}» has {len(fraction)}")
    if len(whole) > len(str(MAX_WHOLE_UNITS)):
        raise MoneyError(f"«{cleaned}» is too large to be a credit")
    return Money(Decimal(f"{whole or '0'}.{fraction or '0'}").quantize(_quantum(currency)),
                 currency)
