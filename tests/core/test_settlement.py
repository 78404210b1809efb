"""Refund lines added up per refund, credits paired with refunds, and the dates and
numbers settlement reports write."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.marketplaces import by_code
from sellerdesk.core.money import Money, MoneyError
from sellerdesk.core.settlement import (
    CreditDue,
    RefundLine,
    reconcile,
    refunds,
    settlement_date,
)

DAY = date(2026, 10, 5)


def usd(text):
    return Money.parse(text, "USD")


def lines(order, adjustment, *parts, item=""):
    return [RefundLine("S1", order, adjustment, DAY, kind, what, usd(amount), item)
            for kind, what, amount in parts]


def test_a_refunds_lines_add_up_to_what_the_buyer_got_and_what_it_cost():
    (refund,) = refunds(lines("A", "R1", ("ItemPrice", "Principal", "-20.00"),
                              ("ItemPrice", "Shipping", "-4.99"),
                              ("Promotion", "Principal", "1.00"),
                              ("ItemFees", "Commission", "2.85"),
                              ("ItemFees", "Refund Commission", "-0.57"), item="SD41-2"))
    assert (str(refund.refunded), str(refund.fee_kept), str(refund.fee_returned),
            refund.credit_ids) == ("23.99", "0.57", "2.85", (41,))


def test_credits_pair_by_feed_id_first_then_by_order():
    found = refunds([*lines("A", "R1", ("ItemPrice", "Goodwill", "-5.00"), item="SD2-1"),
                     *lines("A", "R2", ("ItemPrice", "Principal", "-8.00")),
                     *lines("C", "R3", ("ItemPrice", "Principal", "-1.00"))])
    credits = [CreditDue(1, "A", usd("8.00"), DAY), CreditDue(2, "A", usd("5.00"), DAY),
               CreditDue(3, "B", usd("2.00"), DAY)]
    result = reconcile(credits, found)
    assert [(m.linked_by, [c.credit_id for c in m.credits], str(m.difference))
            for m in result.matched] == [("feed id", [2], "0.00"), ("order", [1], "0.00")]
    assert [c.credit_id for c in result.credits_unpaid] == [3]
    assert [r.order_id for r in result.refunds_unclaimed] == ["C"]


def test_a_refund_naming_a_credit_it_does_not_know_is_matched_by_order():
    found = refunds(lines("A", "R1", ("ItemPrice", "Goodwill", "-5.00"), item="SD99-1"))
    result = reconcile([CreditDue(1, "A", usd("5.00"), DAY)], found)
    assert [m.linked_by for m in result.matched] == ["order"]


@pytest.mark.parametrize(("text", "market", "day"), [
    ("2026-10-05 10:00:00 UTC", None, DAY), ("05.10.2026 10:00:00 UTC", "DE", DAY),
    ("2026/10/05", "JP", DAY), ("05/10/2026", "UK", DAY), ("10/05/2026", "US", DAY),
    ("2026-10-05T10:00:00+00:00", None, DAY), ("05.10.26", "DE", DAY),
])
def test_settlement_dates_as_marketplaces_write_them(text, market, day):
    assert settlement_date(text, by_code(market) if market else None) == day


@given(st.integers(-10**9, 10**9))
def test_an_amount_reads_the_same_written_either_way(cents):
    money = Money.from_minor(cents, "EUR")
    whole, _, fraction = f"{abs(money.amount):,.2f}".partition(".")
    sign = "-" if cents < 0 else ""
    assert Money.parse_local(f"{sign}{whole}.{fraction}", "EUR") == money
    assert Money.parse_local(f"{sign}{whole.replace(',', '.')},{fraction}", "EUR") == money


def test_thousands_and_nonsense():
    assert str(Money.parse_local("1,234", "JPY")) == "1234"
    assert str(Money.parse_local("12,34", "EUR")) == "12.34"
    with pytest.raises(MoneyError, match="'12,3,4' is not an amount"):
        Money.parse_local("12,3,4", "EUR")
