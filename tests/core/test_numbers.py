"""Numbers read strictly, as Amazon writes them: what Python's own int(), Decimal() and
float() would also take is refused, never read as some other number."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.money import Money, MoneyError
from sellerdesk.core.numbers import parse_count, parse_decimal, parse_minor

# Each is a number to int(), Decimal() or float(), and none is one Amazon writes.
NOT_AMAZONS = ["1e3", "1E3", "1_0", "１０", "٣", "१२", "²", "inf", "NaN", "Infinity",
               "0x1A", "1 000", "12,3,4", "1.2.3", "--5", "- 5", "+-5", "5-", "1e308"]


@pytest.mark.parametrize("text", NOT_AMAZONS)
def test_an_amount_not_as_amazon_writes_one_is_refused(text):
    with pytest.raises(ValueError, match="is not a number"):
        parse_minor(text, 2)
    with pytest.raises(MoneyError, match="is not an amount"):
        Money.parse_local(text, "EUR")


@pytest.mark.parametrize("text", [*NOT_AMAZONS, "-1", "+1", "1.0", "1,000"])
def test_a_count_is_ascii_digits_and_nothing_else(text):
    with pytest.raises(ValueError, match="is not a whole number"):
        parse_count(text, maximum=10**6)


def test_a_count_past_its_maximum_or_past_belief_is_refused_quickly():
    assert parse_count(" 42 ", maximum=100) == 42
    assert parse_count("", maximum=100) == 0
    for text in ("101", "9" * 400, "9" * 5000):  # 5,000 digits: past int()'s own limit
        with pytest.raises(ValueError, match="is more than 100"):
            parse_count(text, maximum=100)


@pytest.mark.parametrize(("text", "digits", "minor"), [
    ("24.99", 2, 2499), ("1,234.50", 2, 123450), ("1.234,50", 2, 123450), ("24,99", 2, 2499),
    ("1,234", 0, 1234), ("1,234", 3, 1234), ("12,345,678.90", 2, 1234567890), ("-5", 2, -500),
    ("1.234.567,89", 2, 123456789), ("0.50", 2, 50), ("700", 0, 700),
])
def test_amounts_in_every_marketplaces_way(text, digits, minor):
    assert parse_minor(text, digits) == minor


@pytest.mark.parametrize("text", ["1,23,456.00", "12,3456.00", "1234,567.00", "1.23,45"])
def test_thousands_come_in_groups_of_three(text):
    with pytest.raises(ValueError, match="is not a number"):
        parse_minor(text, 2)


def test_a_number_too_long_for_an_amount_is_refused_before_int_reads_it():
    for text in ("9" * 400, "1." + "9" * 400, "9" * 5000):
        with pytest.raises(ValueError, match="too large to be an amount"):
            parse_minor(text, 2)


@given(st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False))
def test_a_plain_decimal_reads_as_written(value):
    assert parse_decimal(f"{value:f}") == value


@pytest.mark.parametrize("text", [*NOT_AMAZONS, "", ".", "-", "1,5"])
def test_a_plain_decimal_has_no_exponent_grouping_or_other_digits(text):
    with pytest.raises(ValueError, match="is not a number"):
        parse_decimal(text)
    assert parse_decimal("0.0123") == Decimal("0.0123")
