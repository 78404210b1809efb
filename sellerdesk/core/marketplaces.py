"""Amazon marketplaces: the code staff know them by, the sales channel a report names,
and the currency they settle in. Source: Amazon SP-API "Marketplace IDs" reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Marketplace:
    code: str            # what staff call it: US, UK, DE, JP
    sales_channel: str   # the All Orders report's `sales-channel` value
    currency: str
    marketplace_id: str  # SP-API id
    # how the seller feedback report writes its dates (PRODUCT.md §3)
    feedback_dates: str = "D/M/YY"


MARKETPLACES: tuple[Marketplace, ...] = (
    Marketplace("US", "Amazon.com", "USD", "ATVPDKIKX0DER", "M/D/YY"),
    Marketplace("CA", "Amazon.ca", "CAD", "A2EUQ1WTGCTBG2"),
    Marketplace("MX", "Amazon.com.mx", "MXN", "A1AM78C64UM0Y8"),
    Marketplace("BR", "Amazon.com.br", "BRL", "A2Q3Y263D00KWC"),
    Marketplace("UK", "Amazon.co.uk", "GBP", "A1F83G8C2ARO7P"),
    Marketplace("DE", "Amazon.de", "EUR", "A1PA6795UKMFR9", "D.M.YY"),
    Marketplace("FR", "Amazon.fr", "EUR", "A13V1IB3VIYZZH"),
    Marketplace("IT", "Amazon.it", "EUR", "APJ6JRA9NG5V4"),
    Marketplace("ES", "Amazon.es", "EUR", "A1RKKUPIHCS9HS"),
    Marketplace("NL", "Amazon.nl", "EUR", "A1805IZSGTT6HS"),
    Marketplace("BE", "Amazon.com.be", "EUR", "AMEN7PMS3EDWL"),
    Marketplace("SE", "Amazon.se", "SEK", "A2NODRKZP88ZB9", "YYYY-MM-DD"),
    Marketplace("PL", "Amazon.pl", "PLN", "A1C3SOZRARQ6R3"),
    Marketplace("TR", "Amazon.com.tr", "TRY", "A33AVAJ2PDY3EV"),
    Marketplace("AE", "Amazon.ae", "AED", "A2VIGQ35RCS4UG"),
    Marketplace("SA", "Amazon.sa", "SAR", "A17E79C6D8DWNP"),
    Marketplace("EG", "Amazon.eg", "EGP", "ARBP9OOSHTCHU"),
    Marketplace("IN", "Amazon.in", "INR", "A21TJRUUN4KGV"),
    Marketplace("JP", "Amazon.co.jp", "JPY", "A1VC38T7YXB528", "YY/M/D"),
    Marketplace("AU", "Amazon.com.au", "AUD", "A39IBJ37TRP1C6"),
    Marketplace("SG", "Amazon.sg", "SGD", "A19VAU5U5O7RUS"),
)

BY_CODE = {m.code: m for m in MARKETPLACES}
BY_ID = {m.marketplace_id: m for m in MARKETPLACES}
BY_SALES_CHANNEL = {m.sales_channel.lower(): m for m in MARKETPLACES}


def by_code(code: str) -> Marketplace:
    try:
        return BY_CODE[code.upper()]
    except KeyError:
        known = ", ".join(BY_CODE)
        raise ValueError(f"unknown marketplace {code!r} (known: {known})") from None


def from_sales_channel(channel: str) -> Marketplace | None:
    return BY_SALES_CHANNEL.get(channel.strip().lower())


def parse_report_date(text: str, pattern: str) -> date:
    """A date written as `pattern` ("M/D/YY", "D.M.YY", "YY/M/D", "YYYY-MM-DD"): the
    fields in that order around that separator, one- or two-digit days and months, two-
    or four-digit years. Raises ValueError when the text does not fit."""
    separator = next(c for c in pattern if not c.isalpha())
    order = [field[0] for field in pattern.split(separator)]
    parts = text.strip().split(separator)
    # isascii: isdigit alone takes other scripts' digits, which Amazon never writes
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
        raise ValueError(f"{text!r} is not a date written {pattern}")
    value = dict(zip(order, map(int, parts), strict=True))
    year_digits = len(parts[order.index("Y")])
    if year_digits not in (2, 4):
        raise ValueError(f"{text!r} is not a date written {pattern}")
    year = value["Y"] + (2000 if year_digits == 2 else 0)
    try:
        return date(year, value["M"], value["D"])
    except ValueError:
        raise ValueError(f"{text!r} is not a date written {pattern}") from None


def format_report_date(day: date, pattern: str) -> str:
    """A date written as `pattern`, the way Amazon's reports write it (the inverse of
    parse_report_date)."""
    separator = next(c for c in pattern if not c.isalpha())
    fields = {"D": str(day.day), "M": str(day.month)}
    parts = []
    for field in pattern.split(separator):
        if field[0] == "Y":
            parts.append(f"{day.year % 100:02d}" if len(field) == 2 else str(day.year))
        else:
            parts.append(fields[field[0]].zfill(len(field)))
    return separator.join(parts)


# Marketplaces whose language writes 12,50 (CLDR's decimal symbol for de, fr, it, es-ES,
# nl, sv, pl, tr, pt-BR); the others write 12.50. What a typed amount may use.
DECIMAL_COMMA = frozenset({"DE", "FR", "IT", "ES", "NL", "BE", "SE", "PL", "TR", "BR"})


def decimal_mark(code: str) -> str:
    return "," if code.upper() in DECIMAL_COMMA else "."
