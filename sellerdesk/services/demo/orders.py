"""The demo's orders: from the US, UK, DE and JP marketplaces over the last 120 days,
written as a real All Orders report, which services.demo.build imports through the real
importer, so the demo takes the same road as a seller's own file."""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sellerdesk.core.money import Money

HEADER = ["amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date",
          "order-status", "fulfillment-channel", "sales-channel", "order-channel", "url",
          "ship-service-level", "product-name", "sku", "asin", "item-status", "quantity",
          "currency", "item-price", "item-tax", "shipping-price", "shipping-tax",
          "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount",
          "ship-promotion-discount", "ship-city", "ship-state", "ship-postal-code",
          "ship-country", "promotion-ids", "is-business-order", "purchase-order-number",
          "price-designation"]

# (sales channel, currency, order-id prefix, VAT rate, ship country, weight)
MARKETS = [
    ("Amazon.com", "USD", "11", Decimal("0.07"), "US", 55),
    ("Amazon.co.uk", "GBP", "20", Decimal("0.20"), "GB", 20),
    ("Amazon.de", "EUR", "30", Decimal("0.19"), "DE", 15),
    ("Amazon.co.jp", "JPY", "50", Decimal("0.10"), "JP", 10),
]
# (sku, asin, title per market, base price in USD)
CATALOG = [
    ("BK-COOK-01", "B0C1K2L3M4", "The Home Cook's Year: 365 Recipes (Hardcover)",
     "Das Kochjahr: 365 Rezepte für Zuhause", "家庭料理の一年：365のレシピ", Decimal("24.99")),
    ("MUG-CER-12", "B08X9Y7Z6W", "Ceramic Coffee Mug 12 oz, Speckled Blue",
     "Keramik-Kaffeebecher 350 ml, gesprenkelt blau", "陶器マグカップ 350ml ブルー",
     Decimal("14.50")),
    ("LAMP-DSK-LED", "B09LMP4567", "LED Desk Lamp with USB-C Charging Port",
     "LED-Schreibtischlampe mit USB-C-Ladeanschluss", "USB-C充電ポート付きLEDデスクライト",
     Decimal("39.99")),
    ("TEA-SET-GR", "B07TEA1234", "Organic Green Tea Sampler, 6 Flavours",
     "Bio-Grüntee-Probierset, 6 Sorten", "有機緑茶アソート 6種", Decimal("18.00")),
    ("BAG-TOTE-CN", "B0TOTE9876", "Canvas Tote Bag with Inner Pocket",
     "Canvas-Tragetasche mit Innentasche", "インナーポケット付きキャンバストート",
     Decimal("21.95")),
    ("PUZ-1000-MT", "B0PUZZ1000", "1000-Piece Jigsaw Puzzle: Mountain Lake",
     "Puzzle 1000 Teile: Bergsee", "ジグソーパズル1000ピース 山の湖", Decimal("16.99")),
    ("CHG-65W-GAN", "B0CHG65W00", "65W GaN USB-C Charger, 3 Ports",
     "65W GaN USB-C Ladegerät, 3 Anschlüsse", "65W GaN USB-C充電器 3ポート", Decimal("45.99")),
    ("SOCK-WOOL-3", "B0SOCKWL03", "Merino Wool Hiking Socks, 3 Pairs",
     "Merinowolle-Wandersocken, 3 Paar", "メリノウール登山用ソックス 3足組", Decimal("27.00")),
]
RATE = {"USD": Decimal(1), "GBP": Decimal("0.79"), "EUR": Decimal("0.92"), "JPY": Decimal(150)}
STATUSES = [("Shipped", 86), ("Pending", 4), ("Unshipped", 3), ("Cancelled", 5),
            ("Shipping", 2)]
DAYS = 120


def demo_rows(orders: int, *, seed: int = 7, now: datetime | None = None) -> list[list[str]]:
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    rows: list[list[str]] = []
    for n in range(orders):
        market = rng.choices(MARKETS, weights=[m[5] for m in MARKETS])[0]
        channel_name, currency, prefix, vat, country, _ = market
        order_id = f"{prefix}{n % 10}-{1000000 + n * 7 % 9000000:07d}-{rng.randrange(10**7):07d}"
        bought = now - timedelta(seconds=rng.randrange(DAYS * 86400))
        status = rng.choices([s for s, _ in STATUSES], weights=[w for _, w in STATUSES])[0]
        afn = rng.random() < 0.6
        business = rng.random() < 0.08
        updated = min(now, bought + timedelta(hours=rng.randrange(2, 96)))
        lines = rng.choices([1, 2, 3], [75, 20, 5])[0]
        for sku, asin, en, de, ja, usd in rng.sample(CATALOG, lines):
            title = {"DE": de, "JP": ja}.get(country, en)
            quantity = rng.choices([1, 2, 3], [85, 12, 3])[0]
            unit = Money.rounded(usd * RATE[currency], currency)
            price = unit.times(quantity)
            shipping = Money.zero(currency) if afn else Money.rounded(
                Decimal("4.99") * RATE[currency], currency)
            promo = (Money.rounded(price.amount * Decimal("0.10"), currency)
                     if rng.random() < 0.1 else Money.zero(currency))
            empty = status in ("Cancelled", "Pending")  # Amazon leaves prices blank on these
            row = {
                "amazon-order-id": order_id,
                "purchase-date": bought.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                "last-updated-date": updated.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                "order-status": status,
                "fulfillment-channel": "Amazon" if afn else "Merchant",
                "sales-channel": channel_name,
                "ship-service-level": rng.choice(["Standard", "Expedited", "SecondDay"]),
                "product-name": title, "sku": sku, "asin": asin,
                "item-status": "Cancelled" if status == "Cancelled" else
                ("Shipped" if status == "Shipped" else "Unshipped"),
                "quantity": str(quantity),
                "currency": "" if empty else currency,
                "item-price": "" if empty else str(price),
                "item-tax": "" if empty else str(price.times(vat)),
                "shipping-price": "" if empty else str(shipping),
                "shipping-tax": "" if empty else str(shipping.times(vat)),
                "item-promotion-discount": "" if empty else (f"-{promo}" if promo.minor else "0"),
                "ship-promotion-discount": "" if empty else "0",
                "ship-country": country,
                "is-business-order": "true" if business else "false",
                "price-designation": "BusinessPrice" if business else "",
            }
            rows.append([row.get(column, "") for column in HEADER])
    return rows


def write_demo_report(path: Path, orders: int, *, seed: int = 7) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter="\t", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(HEADER)
        writer.writerows(demo_rows(orders, seed=seed))
    return path
