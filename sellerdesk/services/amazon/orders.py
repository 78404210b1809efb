"""Orders from SP-API's searchOrders (Orders API 2026-01-01) as the same order and item
rows the All Orders report gives, so both land through one writer.

Only the PROCEEDS and FULFILLMENT datasets are asked for: never BUYER or RECIPIENT, so
no buyer's name, address or e-mail reaches SellerDesk this way.
"""

from __future__ import annotations

from typing import Any

from sellerdesk.core.marketplaces import BY_ID
from sellerdesk.core.money import MoneyError, minor_units
from sellerdesk.core.orders import Channel, order_id_problem
from sellerdesk.services.imports.orders_report import close_order
from sellerdesk.services.imports.report_reader import parse_minor, parse_timestamp

INCLUDED_DATA = ("PROCEEDS", "FULFILLMENT")
STATUSES = {"PENDING_AVAILABILITY": "Pending", "PENDING": "Pending",
            "UNSHIPPED": "Unshipped", "PARTIALLY_SHIPPED": "PartiallyShipped",
            "SHIPPED": "Shipped", "CANCELLED": "Cancelled", "UNFULFILLABLE": "Unfulfillable"}
CHANNELS = {"AMAZON": Channel.AFN, "MERCHANT": Channel.MFN}


class OrderProblem(ValueError):
    """An order Amazon sent that SellerDesk cannot take as it is (said, and skipped)."""


def order_rows(order: dict[str, Any]) -> tuple[tuple, list[list[Any]]]:
    """One searchOrders order → (the order's row, its item rows), in the store's column
    order. Raises OrderProblem with a reason a seller can read."""
    order_id = str(order.get("orderId") or "").strip()
    if problem := order_id_problem(order_id):
        raise OrderProblem(problem)
    channel_info = order.get("salesChannel") or {}
    market = BY_ID.get(channel_info.get("marketplaceId", ""))
    if market is None:
        raise OrderProblem(f"order {order_id} is from a marketplace SellerDesk does not know "
                           f"({channel_info.get('marketplaceId') or 'none given'})")
    fulfillment = order.get("fulfillment") or {}
    try:
        purchased = parse_timestamp(order["createdTime"])
        updated = parse_timestamp(order.get("lastUpdatedTime") or order["createdTime"])
    except (KeyError, ValueError):
        raise OrderProblem(f"order {order_id} has no readable creation time") from None
    channel = CHANNELS.get(fulfillment.get("fulfilledBy", ""), Channel.MFN)
    status = STATUSES.get(fulfillment.get("fulfillmentStatus", ""), "Pending")
    currency = _currency(order, market.currency)
    try:
        digits = minor_units(currency)
    except MoneyError:
        raise OrderProblem(f"order {order_id} is in an unknown currency {currency!r}") from None
    seller_alias = next((a.get("aliasId", "") for a in order.get("orderAliases") or []
                         if a.get("aliasType") == "SELLER_ORDER_ID"), "")
    head = [order_id, seller_alias[:64], purchased, updated, status, market.code,
            (channel_info.get("marketplaceName") or market.sales_channel)[:64],
            channel.value, currency,
            str(fulfillment.get("fulfillmentServiceLevel") or "").title()[:64],
            "",            # the ship-to country is the RECIPIENT dataset's: not asked for
            "AMAZON_BUSINESS" in (order.get("programs") or []),
            0, "", 0, 0, 0, 0, 0]
    items = [_item(order_id, item, status, digits) for item in order.get("orderItems") or []]
    if not items:
        raise OrderProblem(f"order {order_id} came without its items")
    return close_order(head, items, 0), items


def _currency(order: dict[str, Any], fallback: str) -> str:
    total = (order.get("proceeds") or {}).get("grandTotal") or {}
    if total.get("currencyCode"):
        return str(total["currencyCode"]).upper()
    for item in order.get("orderItems") or []:
        price = ((item.get("product") or {}).get("price") or {}).get("unitPrice") or {}
        if price.get("currencyCode"):
            return str(price["currencyCode"]).upper()
    return fallback


def _item(order_id: str, item: dict[str, Any], status: str, digits: int) -> list[Any]:
    product = item.get("product") or {}
    sku = str(product.get("sellerSku") or "").strip()
    if not sku or len(sku) > 64:
        raise OrderProblem(f"order {order_id} has an item without a usable SKU")
    try:
        quantity = int(item.get("quantityOrdered") or 0)
        amounts = _proceeds(item, quantity, digits)
    except (TypeError, ValueError) as exc:
        raise OrderProblem(f"order {order_id}, SKU {sku}: an amount Amazon sent is not "
                           f"readable ({exc})") from None
    price, shipping, tax, shipping_tax, discount = amounts
    return [order_id, 0, sku, str(product.get("asin") or "")[:16],
            str(product.get("title") or "")[:500], status, quantity,
            price, shipping, tax, shipping_tax, discount]


def _proceeds(item: dict[str, Any], quantity: int, digits: int) -> list[int]:
    """Item price, shipping, item tax, shipping tax and discount in minor units, from
    the item's proceeds breakdown (or its unit price when proceeds were not sent)."""
    price = shipping = tax = shipping_tax = discount = 0
    breakdowns = (item.get("proceeds") or {}).get("breakdowns")
    if not breakdowns:
        unit = ((item.get("product") or {}).get("price") or {}).get("unitPrice") or {}
        return [_minor(unit, digits) * quantity, 0, 0, 0, 0]
    for part in breakdowns:
        kind, amount = part.get("type"), _minor(part.get("subtotal"), digits)
        if kind == "ITEM":
            price += amount
        elif kind == "SHIPPING":
            shipping += amount
        elif kind == "DISCOUNT":
            discount += abs(amount)
        elif kind == "TAX":
            details = part.get("detailedBreakdowns") or []
            on_shipping = sum(_minor(d.get("value"), digits) for d in details
                              if d.get("subtype") == "SHIPPING")
            shipping_tax += on_shipping
            tax += amount - on_shipping
        # GIFT_WRAP, COD_FEE, OTHER: not part of what SellerDesk counts as the order total
    return [price, shipping, tax, shipping_tax, discount]


def _minor(money: dict[str, Any] | None, digits: int) -> int:
    return parse_minor(str((money or {}).get("amount") or ""), digits)
