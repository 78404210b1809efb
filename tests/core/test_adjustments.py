"""Credits spread over an order's items as Order Adjustment components, and the feed's
XML read back."""

from datetime import datetime
from decimal import Decimal

import pytest

from sellerdesk.core.adjustments import NotForFeed, allocate, feed_xml, read_feed
from sellerdesk.core.money import Money
from sellerdesk.core.orders import Channel, Order, OrderId, OrderItem


def usd(text: str) -> Money:
    return Money(Decimal(text), "USD")


def item(sku: str, price: str, shipping: str = "0.00", tax: str = "0.00",
         promotion: str = "0.00") -> OrderItem:
    return OrderItem(sku=sku, asin="", title=sku, quantity=1, item_price=usd(price),
                     shipping_price=usd(shipping), item_tax=usd(tax),
                     shipping_tax=usd("0.00"), promotion_discount=usd(promotion))


ORDER = Order(order_id=OrderId("114-3941689-8772232"), merchant_order_id="",
              purchase_date=datetime(2026, 10, 1), last_updated=datetime(2026, 10, 1),
              status="Shipped", marketplace="US", sales_channel="Amazon.com",
              channel=Channel.AFN, currency="USD", ship_service_level="", ship_country="US",
              is_business=False,
              items=(item("BOOK", "20.00", "4.00", "1.60"), item("MUG", "12.00", "0.00", "0.96")))
CODES = {"BOOK": "11111111111111", "MUG": "22222222222222"}


def parts(adjustment):
    return [(i.sku, c, str(m)) for i in adjustment.items for c, m in i.components]


def test_a_courtesy_credit_is_goodwill_on_the_affected_item_first():
    adjustment = allocate(7, "courtesy_credit", usd("5.00"), ORDER, (("MUG", 1),), CODES)
    assert parts(adjustment) == [("MUG", "Goodwill", "5.00")]
    assert (adjustment.order_id, adjustment.marketplace) == (ORDER.order_id, "US")


def test_a_credit_larger_than_one_item_runs_on_to_the_next():
    adjustment = allocate(7, "courtesy_credit", usd("15.00"), ORDER, (("MUG", 1),), CODES)
    assert parts(adjustment) == [("MUG", "Goodwill", "12.96"), ("BOOK", "Goodwill", "2.04")]


def test_a_full_refund_returns_price_shipping_and_tax_item_by_item():
    adjustment = allocate(7, "full_refund", usd("38.56"), ORDER, (), CODES)
    assert parts(adjustment) == [("BOOK", "Principal", "20.00"), ("BOOK", "Shipping", "4.00"),
                                 ("BOOK", "Tax", "1.60"), ("MUG", "Principal", "12.00"),
                                 ("MUG", "Tax", "0.96")]


def test_what_earlier_credits_took_is_not_given_again():
    taken = {"MUG": usd("10.00")}
    adjustment = allocate(8, "courtesy_credit", usd("5.00"), ORDER, (("MUG", 1),), CODES, taken)
    assert parts(adjustment) == [("MUG", "Goodwill", "2.96"), ("BOOK", "Goodwill", "2.04")]
    with pytest.raises(NotForFeed, match=r"\$40\.00 is more than order .* has left to "
                                         r"refund \(\$28\.56\)"):
        allocate(8, "courtesy_credit", usd("40.00"), ORDER, (), CODES, taken)


@pytest.mark.parametrize(("kind", "amount", "codes", "reason"), [
    ("replacement", "12.00", CODES, "sent as a new order"),
    ("promotional_credit", "5.00", CODES, "a code, not a refund"),
    ("courtesy_credit", "-5.00", CODES, "only a positive amount"),
    ("courtesy_credit", "5.00", {"BOOK": "1"}, "order-item code for MUG on order "
                                               "114-3941689-8772232 is not known yet"),
])
def test_what_cannot_go_in_a_feed_says_why(kind, amount, codes, reason):
    with pytest.raises(NotForFeed, match=reason):
        allocate(7, kind, usd(amount), ORDER, (("MUG", 1),), codes)


def test_the_feed_reads_back_as_written():
    first = allocate(7, "courtesy_credit", usd("15.00"), ORDER, (("MUG", 1),), CODES)
    second = allocate(9, "return_shipping", usd("6.50"), ORDER, (("BOOK", 1),), CODES)
    data = feed_xml([first, second])
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<AmazonEnvelope")
    assert b"<MessageType>OrderAdjustment</MessageType>" in data
    assert b"<AdjustmentReason>GeneralAdjustment</AdjustmentReason>" in data
    assert read_feed(data) == [
        (ORDER.order_id, "22222222222222", "SD7-1", "Goodwill", usd("12.96")),
        (ORDER.order_id, "11111111111111", "SD7-2", "Goodwill", usd("2.04")),
        (ORDER.order_id, "11111111111111", "SD9-1", "ReturnShipping", usd("6.50")),
    ]
