from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.money import MINOR_UNITS, Money, MoneyError, minor_text, minor_units

AMAZON_CURRENCIES = ["USD", "CAD", "MXN", "BRL", "GBP", "EUR", "SEK", "PLN", "TRY", "AED",
                     "SAR", "EGP", "INR", "JPY", "AUD", "SGD"]
currencies = st.sampled_from(sorted(MINOR_UNITS))
minors = st.integers(min_value=-10**12, max_value=10**12)


def test_every_amazon_marketplace_currency_has_its_minor_unit():
    assert {c: minor_units(c) for c in AMAZON_CURRENCIES} == {
        "USD": 2, "CAD": 2, "MXN": 2, "BRL": 2, "GBP": 2, "EUR": 2, "SEK": 2, "PLN": 2,
        "TRY": 2, "AED": 2, "SAR": 2, "EGP": 2, "INR": 2, "JPY": 0, "AUD": 2, "SGD": 2,
    }
    assert minor_units("KWD") == 3


@given(minors, currencies)
def test_minor_units_round_trip(minor, currency):
    money = Money.from_minor(minor, currency)
    assert money.minor == minor
    assert Money.parse(str(money), currency) == money


@given(minors, minors, currencies)
def test_addition_is_exact_in_minor_units(a, b, currency):
    total = Money.from_minor(a, currency) + Money.from_minor(b, currency)
    assert total.minor == a + b
    assert (total - Money.from_minor(b, currency)).minor == a


@given(st.decimals(min_value=-10**9, max_value=10**9, allow_nan=False, places=6), currencies)
def test_rounding_is_half_up_and_fits_the_currency(value, currency):
    rounded = Money.rounded(value, currency)
    step = Decimal(1).scaleb(-minor_units(currency))
    assert abs(rounded.amount - value) <= step / 2
    assert -rounded.amount.as_tuple().exponent <= minor_units(currency)


def test_half_up_at_the_midpoint():
    assert str(Money.rounded(Decimal("7.495"), "USD")) == "7.50"
    assert str(Money.rounded(Decimal("-7.495"), "USD")) == "-7.50"
    assert str(Money.rounded(Decimal("699.5"), "JPY")) == "700"
    assert str(Money.rounded(Decimal("1.2345"), "KWD")) == "1.235"


def test_too_many_decimals_is_refused():
    with pytest.raises(MoneyError, match="more decimals than JPY allows"):
        Money.parse("700.5", "JPY")
    with pytest.raises(MoneyError, match="more decimals than USD allows"):
        Money(Decimal("1.005"), "USD")


def test_floats_never_become_money():
    with pytest.raises(TypeError):
        Money(7.5, "USD")  # type: ignore[arg-type]


def test_currencies_do_not_mix():
    with pytest.raises(MoneyError, match="cannot mix USD and GBP"):
        Money.parse("1", "USD") + Money.parse("1", "GBP")


def test_unknown_currency():
    with pytest.raises(MoneyError, match="unknown currency 'XYZ'"):
        Money.parse("1", "XYZ")


@pytest.mark.parametrize(("amount", "currency", "shown"), [
    ("7.5", "USD", "$7.50"), ("1234.5", "GBP", "£1,234.50"), ("700", "JPY", "¥700"),
    ("-3", "EUR", "-€3.00"), ("99.9", "SEK", "99.90 SEK"), ("1.5", "KWD", "1.500 KWD"),
])
def test_display(amount, currency, shown):
    assert Money.rounded(Decimal(amount), currency).display() == shown


def test_times_rounds_to_the_minor_unit():
    assert str(Money.parse("24.99", "USD").times(Decimal("0.3"))) == "7.50"
    assert str(Money.parse("24.99", "USD").times(3)) == "74.97"


@pytest.mark.parametrize("minor", [0, 1, -1, 5, -5, 99, 100, -100, 123456, -2025, 10**12])
@pytest.mark.parametrize("currency", ["USD", "JPY", "KWD"])
def test_minor_text_is_the_amount_as_exports_write_it(minor, currency):
    assert minor_text(minor, currency) == str(Money.from_minor(minor, currency))
