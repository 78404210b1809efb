"""Numbers as Amazon writes them in its reports, read strictly: ASCII digits, a leading
minus, the marketplace's decimal mark and thousands groups of three, nothing else.

Python's own readers take far more than Amazon writes: int() reads "1_0" as 10 and
"١٠" or "１０" as 10; Decimal() and float() read "1e3" as a thousand and "inf" as
infinity. A cell like that is damage (a spreadsheet's reformatting, a pasted value), and
reading it as a number would put a wrong amount on an order without a word. Each reader
here raises ValueError with a short reason; the caller adds the file, line and column.
"""

from __future__ import annotations

from decimal import Decimal

# Larger than any order, refund or payout: a number past it is a damaged cell, and stays
# well inside the 64-bit integers amounts are stored as (minor units, 3 decimals at most).
# Here, below money, because money reads its amounts with this module.
MAX_WHOLE_UNITS = 10**12

# Longer than any amount, count or rate Amazon writes: a longer cell is refused before
# int() spends time on it (or Python's 4,300-digit limit raises from deep inside).
MAX_DIGITS = 20


def _quoted(text: str) -> str:
    """A cell for a message: as written, but not all of a cell thousands of digits long."""
    return repr(text) if len(text) <= 40 else f"{text[:30]!r}…"


def _digits(text: str) -> bool:
    """Only 0-9: str.isdigit alone also takes other scripts' digits and superscripts."""
    return text.isascii() and text.isdigit()


def parse_minor(text: str, digits: int) -> int:
    """An amount in minor units: "24.99" → 2499 with digits=2. Takes "1,234.50" and the
    EU's "1.234,50" and "24,99"; with one comma only, three digits after it group
    thousands ("1,234") unless the currency has three decimals. "" is 0. Too many
    decimals, a group not of three, two decimal marks, or anything but ASCII digits
    raises ValueError."""
    s = text.strip()
    if not s:
        return 0
    negative = s[0] == "-"
    if s[0] in "+-":
        s = s[1:]
    if _digits(s) and len(s) <= MAX_DIGITS:    # the usual cell: "24", "700"
        whole, frac = s, ""
    else:
        whole, frac = _marked(text, s, digits)
    frac = frac.rstrip("0") if len(frac) > digits else frac
    if len(frac) > digits:
        raise ValueError(f"{_quoted(text)} has more decimals than the currency allows ({digits})")
    value = int(whole or "0") * 10**digits + int(frac.ljust(digits, "0") or "0")
    if value > MAX_WHOLE_UNITS * 10**digits:
        raise ValueError(f"{_quoted(text)} is too large to be an amount (a damaged cell?)")
    return -value if negative else value


def _marked(text: str, s: str, digits: int) -> tuple[str, str]:
    """The whole and fraction digits of an unsigned amount with marks in it."""
    comma, dot = s.rfind(","), s.rfind(".")
    if comma > dot:
        # The comma is the decimal mark when dots group thousands before it, or when it
        # is the only mark and not followed by a group of three.
        after = len(s) - comma - 1
        if dot >= 0 or (s.count(",") == 1 and (after != 3 or digits == 3)):
            point, group = ",", "."
        else:
            point, group = ".", ","
    else:
        point, group = ".", ","
    whole, _, frac = s.partition(point)
    if group in frac or point in frac:
        raise ValueError(f"{_quoted(text)} is not a number")
    groups = whole.split(group)
    if len(groups) > 1 and not (1 <= len(groups[0]) <= 3
                                and all(len(g) == 3 for g in groups[1:])):
        raise ValueError(f"{_quoted(text)} is not a number")
    whole = "".join(groups)
    if not (whole or frac) or not all(_digits(part) for part in (whole, frac) if part):
        raise ValueError(f"{_quoted(text)} is not a number")
    if len(whole) > MAX_DIGITS or len(frac) > MAX_DIGITS:
        raise ValueError(f"{_quoted(text)} is too large to be an amount (a damaged cell?)")
    return whole, frac


def parse_count(text: str, *, maximum: int) -> int:
    """A whole number of things as Amazon writes one: ASCII digits, nothing else ("" is
    0). Raises ValueError for a sign, a decimal mark, an exponent or more than `maximum`."""
    s = text.strip()
    if not s:
        return 0
    if not _digits(s):
        raise ValueError(f"{_quoted(text)} is not a whole number")
    if len(s) > MAX_DIGITS or int(s) > maximum:
        raise ValueError(f"{_quoted(text)} is more than {maximum:,}")
    return int(s)


def parse_decimal(text: str) -> Decimal:
    """A plain decimal number written as text ("0.0123", "-5"): ASCII digits with at
    most one decimal point. No exponent, grouping, infinity or NaN."""
    s = text.strip()
    body = s[1:] if s[:1] == "-" else s
    whole, _, frac = body.partition(".")
    if not (whole or frac) or not all(_digits(part) for part in (whole, frac) if part):
        raise ValueError(f"{_quoted(text)} is not a number")
    if len(whole) > MAX_DIGITS or len(frac) > MAX_DIGITS:
        raise ValueError(f"{_quoted(text)} has too many digits to be a number Amazon writes")
    return Decimal(s)
