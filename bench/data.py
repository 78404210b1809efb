"""Generated All Orders reports of any size, streamed to disk (never held in memory)."""

from __future__ import annotations

import random
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sellerdesk.services.demo.orders import CATALOG, HEADER, MARKETS

OUT = Path(__file__).with_name("out")


def write_report(path: Path, rows: int, *, seed: int = 1) -> tuple[Path, int]:
    """About 2.5 item rows per order, like a busy seller's report. Returns (path, orders)."""
    rng = random.Random(seed)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    column = {name: n for n, name in enumerate(HEADER)}
    written = orders = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\t".join(HEADER) + "\r\n")
        while written < rows:
            channel, currency, prefix, _vat, country, _ = MARKETS[orders % len(MARKETS)]
            when = (now - timedelta(seconds=rng.randrange(120 * 86400))).strftime(
                "%Y-%m-%dT%H:%M:%S+00:00")
            order_id = f"{prefix}{orders % 10}-{orders:07d}-{rng.randrange(10**7):07d}"
            afn = orders % 3 != 0
            for line in range(min(rng.choice((1, 2, 3, 4)), rows - written)):
                sku, asin, title, _de, _ja, usd = CATALOG[(orders + line) % len(CATALOG)]
                price = str(usd) if currency != "JPY" else str(int(usd * 150))
                values = [""] * len(HEADER)
                for name, value in (
                    ("amazon-order-id", order_id), ("purchase-date", when),
                    ("last-updated-date", when), ("order-status", "Shipped"),
                    ("fulfillment-channel", "Amazon" if afn else "Merchant"),
                    ("sales-channel", channel), ("product-name", title), ("sku", sku),
                    ("asin", asin), ("item-status", "Shipped"), ("quantity", "1"),
                    ("currency", currency), ("item-price", price), ("item-tax", "0"),
                    ("shipping-price", "0" if afn else "4"), ("shipping-tax", "0"),
                    ("item-promotion-discount", "0"), ("ship-promotion-discount", "0"),
                    ("ship-country", country), ("is-business-order", "false"),
                ):
                    values[column[name]] = value
                f.write("\t".join(values) + "\r\n")
                written += 1
            orders += 1
    return path, orders


def database_with_orders(orders_wanted: int) -> Path:
    """A SellerDesk database holding about this many orders, built once and kept in out/."""
    from sellerdesk.services.database import open_database
    from sellerdesk.services.imports.orders import import_orders

    OUT.mkdir(exist_ok=True)
    db = OUT / f"orders-{orders_wanted}.sqlite3"
    if db.exists():
        with open_database(str(db)):   # brought to the newest schema once, not per copy
            pass
        for aside in OUT.glob(db.stem + ".before-*"):
            aside.unlink()             # the copy a migration keeps: the bench can rebuild
        return db
    report, _ = write_report(OUT / f"orders-{orders_wanted}.txt", int(orders_wanted * 2.5))
    partial = db.with_suffix(".partial")
    for leftover in OUT.glob(partial.name + "*"):
        leftover.unlink()
    with open_database(str(partial)) as database:
        import_orders(database.engine, report)
    partial.rename(db)
    report.unlink()
    return db


def scratch_copy(orders_wanted: int, name: str) -> Path:
    """A fresh copy of the database with about this many orders, for a bench to fill and
    measure without touching the one kept in out/."""
    source = database_with_orders(orders_wanted)
    target = OUT / name
    for stale in OUT.glob(target.name + "*"):
        stale.unlink()
    shutil.copy(source, target)
    return target


def timed(fn, runs: int) -> list[float]:
    """Seconds taken by each of `runs` calls of fn."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return times

