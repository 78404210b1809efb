"""Build All Orders report files for tests, byte for byte as Seller Central writes them."""

from __future__ import annotations

from pathlib import Path

from sellerdesk.services.demo.orders import HEADER  # pinned to Amazon's header: test_headers.py


def row(order_id: str = "114-3941689-8772232", *, sku: str = "BK-COOK-01",
        title: str = "The Home Cook's Year", quantity: int = 1, price: str = "24.99",
        shipping: str = "0.00", tax: str = "0.00", currency: str = "USD",
        channel: str = "Amazon.com", fulfilment: str = "Amazon", status: str = "Shipped",
        date: str = "2026-10-01T08:13:02+00:00", updated: str = "", promotion: str = "0.00",
        asin: str = "B0C1K2L3M4", **extra: str) -> dict[str, str]:
    values = {
        "amazon-order-id": order_id, "purchase-date": date,
        "last-updated-date": updated or date, "order-status": status,
        "fulfillment-channel": fulfilment, "sales-channel": channel, "product-name": title,
        "sku": sku, "asin": asin, "item-status": status, "quantity": str(quantity),
        "currency": currency, "item-price": price, "item-tax": tax, "shipping-price": shipping,
        "shipping-tax": "0.00", "item-promotion-discount": promotion,
        "ship-promotion-discount": "0.00", "ship-country": "US", "is-business-order": "false",
    }
    values.update(extra)
    return values


def write(path: Path, rows: list[dict[str, str]], *, header: list[str] | None = None,
          encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    header = header or HEADER
    lines = ["\t".join(header)] + ["\t".join(r.get(c, "") for c in header) for r in rows]
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path
