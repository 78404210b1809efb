"""Credits as Amazon Order Adjustment feed messages (PRODUCT.md §6).

The feed is the XML one Seller Central takes under "Upload order related files"
(feed type POST_PAYMENT_ADJUSTMENT_DATA): one `OrderAdjustment` per credit, each
`AdjustedItem` naming Amazon's order-item code, a reason and the amounts as price
components. It is the only Order Adjustment format with a `Goodwill` component; the flat
file has none, so a courtesy credit would have to pose as a price change.

A credit is spread over the order's items, the issue's affected items first, and never
gives an item back more than was paid for it (Amazon refuses such an adjustment).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

from sellerdesk.core.issues import Remedy
from sellerdesk.core.money import Money
from sellerdesk.core.orders import Order, OrderItem

REASON = "GeneralAdjustment"
DOCUMENT_VERSION = "1.01"
# The merchant identifier in the envelope; Seller Central takes the uploader's account
# whatever it says, so a fixed name serves until the SP-API seller id is known (#6).
MERCHANT = "SellerDesk"


class NotForFeed(ValueError):
    """Why a credit cannot go into a feed: a sentence naming the credit's problem."""


# Which price components a remedy takes, in the order they are filled per item.
_COMPONENTS: dict[str, tuple[str, ...]] = {
    Remedy.COURTESY_CREDIT.value: ("Goodwill",),
    Remedy.PARTIAL_REFUND.value: ("Principal",),
    Remedy.RETURN_SHIPPING.value: ("ReturnShipping",),
    Remedy.FULL_REFUND.value: ("Principal", "Shipping", "Tax", "ShippingTax"),
}
# Remedies Amazon does not settle through an order adjustment.
_ELSEWHERE = {
    Remedy.REPLACEMENT.value: "a replacement is sent as a new order",
    Remedy.PROMOTIONAL_CREDIT.value: "a promotional credit is a code, not a refund",
    Remedy.NONE.value: "nothing was given",
}


@dataclass(frozen=True, slots=True)
class AdjustedItem:
    item_code: str
    sku: str
    components: tuple[tuple[str, Money], ...]     # (Amazon component type, amount)

    @property
    def total(self) -> Money:
        first = self.components[0][1]
        return sum((amount for _, amount in self.components[1:]), first)


@dataclass(frozen=True, slots=True)
class Adjustment:
    credit_id: int
    order_id: str
    marketplace: str       # a feed is uploaded to one marketplace
    items: tuple[AdjustedItem, ...]


def feed_kind(kind: str) -> str | None:
    """None if a credit of this kind belongs in a feed, else why not."""
    if kind in _COMPONENTS:
        return None
    return _ELSEWHERE.get(kind, f"{kind!r} is not a remedy Amazon adjusts")


def _paid(item: OrderItem) -> Money:
    """All the buyer paid for the line: what any credits on it together may return."""
    return (item.item_price - item.promotion_discount + item.shipping_price + item.item_tax
            + item.shipping_tax)


def _caps(item: OrderItem, component: str) -> Money:
    """What the buyer paid under a component, the most an adjustment may return."""
    caps = {
        "Principal": item.item_price - item.promotion_discount,
        "Shipping": item.shipping_price,
        "Tax": item.item_tax,
        "ShippingTax": item.shipping_tax,
    }
    return caps[component] if component in caps else _paid(item)  # Goodwill, ReturnShipping


def allocate(credit_id: int, kind: str, amount: Money, order: Order,
             affected: Sequence[tuple[str, int]], item_codes: dict[str, str],
             already: dict[str, Money] | None = None) -> Adjustment:
    """Spread one credit over the order's items. `item_codes` maps SKU → Amazon's
    order-item code; `already` is what earlier credits in the same feed took from each
    SKU. Raises NotForFeed with the reason when it cannot be done."""
    if (why := feed_kind(kind)) is not None:
        raise NotForFeed(why)
    if amount.amount <= 0:
        raise NotForFeed("only a positive amount can be refunded")
    if not order.items:
        raise NotForFeed(f"order {order.order_id} has no items on record")
    first = {sku for sku, _ in affected}
    items = sorted(order.items, key=lambda item: item.sku not in first)
    taken = dict(already or {})
    left, adjusted = amount, []
    for item in items:
        if left.amount <= 0:
            break
        room = _paid(item) - taken.get(item.sku, Money.zero(amount.currency))
        parts = []
        for component in _COMPONENTS[kind]:
            give = min(left, _caps(item, component), room, key=lambda m: m.amount)
            if give.amount > 0:
                parts.append((component, give))
                left, room = left - give, room - give
        if not parts:
            continue
        code = item_codes.get(item.sku)
        if not code:
            raise NotForFeed(f"Amazon's order-item code for {item.sku} on order "
                             f"{order.order_id} is not known yet (it comes with the "
                             "settlement report or the Orders API)")
        given = AdjustedItem(code, item.sku, tuple(parts))
        adjusted.append(given)
        taken[item.sku] = taken.get(item.sku, Money.zero(amount.currency)) + given.total
    if left.amount > 0:
        raise NotForFeed(f"{amount.display()} is more than order {order.order_id} has "
                         f"left to refund ({(amount - left).display()})")
    return Adjustment(credit_id, order.order_id, order.marketplace, tuple(adjusted))


def feed_xml(adjustments: Iterable[Adjustment], *, merchant: str = MERCHANT) -> bytes:
    """The AmazonEnvelope with one message per adjustment. Each item's
    MerchantAdjustmentItemID is `SD<credit>-<n>`, so the settlement report names the
    credit an adjustment came from."""
    envelope = ET.Element("AmazonEnvelope", {
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsi:noNamespaceSchemaLocation": "amzn-envelope.xsd"})
    header = ET.SubElement(envelope, "Header")
    ET.SubElement(header, "DocumentVersion").text = DOCUMENT_VERSION
    ET.SubElement(header, "MerchantIdentifier").text = merchant
    ET.SubElement(envelope, "MessageType").text = "OrderAdjustment"
    for number, adjustment in enumerate(adjustments, start=1):
        message = ET.SubElement(envelope, "Message")
        ET.SubElement(message, "MessageID").text = str(number)
        body = ET.SubElement(message, "OrderAdjustment")
        ET.SubElement(body, "AmazonOrderID").text = adjustment.order_id
        for n, item in enumerate(adjustment.items, start=1):
            adjusted = ET.SubElement(body, "AdjustedItem")
            ET.SubElement(adjusted, "AmazonOrderItemCode").text = item.item_code
            ET.SubElement(adjusted, "MerchantAdjustmentItemID").text = (
                f"SD{adjustment.credit_id}-{n}")
            ET.SubElement(adjusted, "AdjustmentReason").text = REASON
            prices = ET.SubElement(adjusted, "ItemPriceAdjustments")
            for component, money in item.components:
                part = ET.SubElement(prices, "Component")
                ET.SubElement(part, "Type").text = component
                ET.SubElement(part, "Amount", {"currency": money.currency}).text = str(money)
    ET.indent(envelope)
    return ET.tostring(envelope, encoding="utf-8", xml_declaration=True) + b"\n"


def read_feed(data: bytes) -> list[tuple[str, str, str, str, Money]]:
    """A feed back as (order id, item code, adjustment item id, component, amount) rows:
    for tests and for showing what a written feed holds."""
    rows = []
    root = ET.fromstring(data)
    for body in root.iter("OrderAdjustment"):
        order_id = body.findtext("AmazonOrderID", "")
        for item in body.iter("AdjustedItem"):
            for part in item.iter("Component"):
                amount = part.find("Amount")
                rows.append((order_id, item.findtext("AmazonOrderItemCode", ""),
                             item.findtext("MerchantAdjustmentItemID", ""),
                             part.findtext("Type", ""),
                             Money.parse(amount.text or "", amount.get("currency", ""))))
    return rows


@dataclass(frozen=True, slots=True)
class FeedMark:
    """A credit sent in a feed: which file, when, by whom."""
    credit_id: int
    feed: str
    exported_at: datetime
    exported_by: str
