"""Dates written with English month names — Amazon's "05-Oct-2026" and a reply's
"31 December 2026" — read and written from a table here, never through strptime's or
strftime's %b/%B: those follow the process locale, which Qt sets from the system, so on
a German desktop they would want "Okt" and write "Dezember"."""

from __future__ import annotations

from datetime import date

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_BY_ABBREVIATION = {name[:3].lower(): number for number, name in enumerate(MONTHS, 1)}


def parse_day_mon_year(text: str) -> date:
    """05-Oct-2026 (any case of the month). Raises ValueError."""
    parts = text.strip().split("-")
    if len(parts) != 3 or not (parts[0].isdigit() and parts[2].isdigit()):
        raise ValueError(f"{text!r} is not a date written DD-Mon-YYYY")
    month = _BY_ABBREVIATION.get(parts[1].lower())
    if month is None or len(parts[2]) != 4:
        raise ValueError(f"{text!r} is not a date written DD-Mon-YYYY")
    try:
        return date(int(parts[2]), month, int(parts[0]))
    except ValueError:
        raise ValueError(f"{text!r} is not a date written DD-Mon-YYYY") from None


def day_mon_year(day: date) -> str:
    """05-Oct-2026, as Amazon's returns report writes an order date."""
    return f"{day.day:02d}-{MONTHS[day.month - 1][:3]}-{day.year}"


def long_date(day: date) -> str:
    """31 December 2026, as an English letter to a buyer says it."""
    return f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}"
