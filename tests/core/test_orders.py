from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.core.money import Money, MoneyError
from sellerdesk.core.orders import (
    Channel,
    Order,
    OrderFilter,
    OrderId,
    OrderItem,
    looks_like_order_id,
)

_WHEN = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize("text", ["114", "114-", "114-3941689", "114-3941689-8772232", " 503-1"])
def test_order_id_prefixes_are_recognised(text):
    assert looks_like_order_id(text)


@pytest.mark.parametrize("text", ["mug", "BK-COOK-01", "B0C1K2L3M4", "1143-", "114-39416890"])
def test_other_text_is_not_an_order_id(text):
    assert not looks_like_order_id(text)


@pytest.mark.parametrize(("text", "channel"), [
    ("Amazon", Channel.AFN), ("Merchant", Channel.MFN), ("AFN", Channel.AFN), ("mfn", Channel.MFN),
])
def test_channel_from_report(text, channel):
    assert Channel.from_report(text) is channel


def test_unknown_channel():
    with pytest.raises(ValueError, match="neither Amazon nor Merchant"):
        Channel.from_report("Drone")


def test_empty_filter():
    assert OrderFilter().is_empty
    assert not OrderFilter(search="x").is_empty


# -- an order's totals: one pass, the same as Money summed step by step ------------------
_AMOUNTS = st.one_of(st.integers(-10**4, 10**6), st.integers(-10**19, 10**19))


def _item(minors: tuple[int, ...], currencies: tuple[str, ...]) -> OrderItem:
    price, ship, tax, ship_tax, promo = (Money.from_minor(m, c)
                                         for m, c in zip(minors, currencies, strict=True))
    return OrderItem(sku="S", asin="A", title="", quantity=1, item_price=price,
                     shipping_price=ship, item_tax=tax, shipping_tax=ship_tax,
                     promotion_discount=promo)


def _stepwise(amounts, currency: str) -> Money:
    total = Money.zero(currency)
    for amount in amounts:
        total = total + amount
    return total


def _outcome(work):
    try:
        return "value", repr(work())
    except (MoneyError, ArithmeticError) as exc:
        return "error", type(exc).__name__, str(exc)


@settings(max_examples=500, deadline=None)
@given(lines=st.lists(st.tuples(st.tuples(*[_AMOUNTS] * 5),
                                st.tuples(*[st.sampled_from(["USD", "USD", "USD", "EUR"])] * 5)),
                      max_size=6),
       currency=st.sampled_from(["USD", "EUR", "JPY"]))
def test_an_orders_totals_are_its_amounts_summed_step_by_step(lines, currency):
    """Each total (worked out together in one pass) has the value, to the exponent, and
    the error, that Money's own sum of the same amounts in turn has."""
    items = tuple(_item(*line) for line in lines)
    order = Order(order_id=OrderId("1"), merchant_order_id="", purchase_date=_WHEN,
                  last_updated=_WHEN, status="", marketplace="US", sales_channel="",
                  channel=Channel.AFN, currency=currency, ship_service_level="",
                  ship_country="", is_business=False, items=items)
    expected = {
        "items": lambda: _stepwise((i.item_price for i in items), currency),
        "shipping": lambda: _stepwise((i.shipping_price for i in items), currency),
        "tax": lambda: _stepwise((i.item_tax + i.shipping_tax for i in items), currency),
        "discount": lambda: _stepwise((i.promotion_discount for i in items), currency),
    }
    got = {"items": lambda: order.items_total, "shipping": lambda: order.shipping_total,
           "tax": lambda: order.tax_total, "discount": lambda: order.discount_total}
    for name in ("tax", "items", "discount", "shipping"):   # the first asked sums them all
        assert _outcome(got[name]) == _outcome(expected[name]), name
