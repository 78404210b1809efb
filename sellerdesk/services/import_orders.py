"""Import the All Orders report (GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL).

One row per item; rows are grouped into orders as they stream by and written in batches
through Core executemany, all inside one transaction: the import lands whole or not at
all, and re-importing a file refreshes orders in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import Cancelled, InputError
from sellerdesk.core.marketplaces import Marketplace, by_code, from_sales_channel
from sellerdesk.core.money import MoneyError, minor_units
from sellerdesk.core.orders import Channel
from sellerdesk.services.report_reader import (
    Report,
    open_report,
    parse_minor,
    parse_quantity,
    parse_timestamp,
)
from sellerdesk.store import orders as order_store
from sellerdesk.store.engine import writing

REQUIRED = ("amazon-order-id", "purchase-date", "order-status", "fulfillment-channel",
            "sku", "quantity", "currency", "item-price")
OPTIONAL = ("merchant-order-id", "last-updated-date", "sales-channel", "ship-service-level",
            "product-name", "asin", "item-status", "item-tax", "shipping-price",
            "shipping-tax", "item-promotion-discount", "ship-promotion-discount",
            "ship-country", "is-business-order")
MONEY_COLUMNS = ("item-price", "item-tax", "shipping-price", "shipping-tax",
                 "item-promotion-discount", "ship-promotion-discount")
BATCH_ORDERS = 2_000

# Headers that betray another report, so the error can say which import to use instead.
OTHER_REPORTS = {
    "rater email": "a Seller Feedback report (use: import feedback)",
    "return request date": "a Returns report (use: import returns)",
    "license-plate-number": "an FBA customer returns report (use: import fba-returns)",
    "settlement-id": "a settlement report (use: import settlement)",
}

Progress = Callable[[float, str], None]


@dataclass(slots=True)
class ImportResult:
    file: str
    kind: str
    rows: int = 0
    orders_added: int = 0
    orders_updated: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "kind": self.kind, "rows": self.rows,
                "orders_added": self.orders_added, "orders_updated": self.orders_updated,
                "skipped": self.skipped}

    def summary(self) -> str:
        text = (f"{self.file}: {self.rows:,} rows, {self.orders_added:,} orders added, "
                f"{self.orders_updated:,} updated")
        return text + (f", {len(self.skipped):,} rows skipped" if self.skipped else "")


@dataclass(slots=True)
class _OpenOrder:
    head: dict[str, Any]
    items: list[dict[str, Any]]
    raw_rows: list[tuple[int, list[str]]]


class _OrdersParser:
    """Turns report rows into order and item dicts for the store."""

    def __init__(self, report: Report, marketplace: Marketplace | None) -> None:
        self.report = report
        self.default_marketplace = marketplace
        self.col = report.columns(REQUIRED, OPTIONAL)

    def field(self, row: list[str], name: str) -> str:
        position = self.col.get(name)
        if position is None or position >= len(row):
            return ""
        return row[position]

    def error(self, line: int, column: str, message: str) -> InputError:
        return InputError(message, file=self.report.name, line=line, column=column)

    def check_width(self, line: int, row: list[str]) -> None:
        needed = max(self.col[name] for name in REQUIRED) + 1
        if len(row) < needed:
            last = "the last line is" if self.report.bytes_read >= self.report.size else "it is"
            raise InputError(
                f"the row has {len(row)} fields but the header has {len(self.report.header)}; "
                f"{last} cut short (a truncated download?)",
                file=self.report.name, line=line,
            )

    def marketplace(self, line: int, row: list[str]) -> Marketplace:
        channel = self.field(row, "sales-channel")
        found = from_sales_channel(channel) if channel else None
        if found is None:
            found = self.default_marketplace
        if found is None:
            raise self.error(line, "sales-channel",
                             f"unknown sales channel {channel!r}; pass --marketplace")
        return found

    def parse(self, line: int, row: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
        market = self.marketplace(line, row)
        currency = self.field(row, "currency").strip().upper() or market.currency
        try:
            digits = minor_units(currency)
        except MoneyError:
            raise self.error(line, "currency", f"unknown currency {currency!r}") from None
        money = {}
        for name in MONEY_COLUMNS:
            try:
                money[name] = parse_minor(self.field(row, name), digits)
            except ValueError as exc:
                raise self.error(line, name, str(exc)) from None
        purchased_text = self.field(row, "purchase-date")
        try:
            purchased = parse_timestamp(purchased_text)
        except ValueError:
            raise self.error(line, "purchase-date",
                             f"{purchased_text!r} is not a date and time") from None
        updated_text = self.field(row, "last-updated-date")
        try:
            updated = parse_timestamp(updated_text) if updated_text.strip() else purchased
        except ValueError:
            raise self.error(line, "last-updated-date",
                             f"{updated_text!r} is not a date and time") from None
        try:
            quantity = parse_quantity(self.field(row, "quantity"))
        except ValueError:
            raise self.error(line, "quantity",
                             f"{self.field(row, 'quantity')!r} is not a whole number") from None
        try:
            channel = Channel.from_report(self.field(row, "fulfillment-channel"))
        except ValueError as exc:
            raise self.error(line, "fulfillment-channel", str(exc)) from None
        order_id = self.field(row, "amazon-order-id").strip()
        if not order_id:
            raise self.error(line, "amazon-order-id", "the order id is empty")
        sku = self.field(row, "sku").strip()
        if not sku:
            raise self.error(line, "sku", "the SKU is empty")
        head = {
            "order_id": order_id,
            "merchant_order_id": self.field(row, "merchant-order-id").strip(),
            "purchase_date": purchased,
            "last_updated": updated,
            "status": self.field(row, "order-status").strip(),
            "marketplace": market.code,
            "sales_channel": self.field(row, "sales-channel").strip(),
            "channel": channel.value,
            "currency": currency,
            "ship_service_level": self.field(row, "ship-service-level").strip(),
            "ship_country": self.field(row, "ship-country").strip(),
            "is_business": self.field(row, "is-business-order").strip().lower() == "true",
        }
        item = {
            "order_id": order_id,
            "sku": sku,
            "asin": self.field(row, "asin").strip(),
            "title": self.field(row, "product-name").strip()[:500],
            "status": self.field(row, "item-status").strip(),
            "quantity": quantity,
            "item_price_minor": money["item-price"],
            "shipping_price_minor": money["shipping-price"],
            "item_tax_minor": money["item-tax"],
            "shipping_tax_minor": money["shipping-tax"],
            # Reports write promotions as negative or positive amounts; both mean a discount.
            "promotion_minor": abs(money["item-promotion-discount"])
            + abs(money["ship-promotion-discount"]),
        }
        return head, item


def _finish(order: _OpenOrder, first_line: int) -> dict[str, Any]:
    head, items = order.head, order.items
    for n, item in enumerate(items):
        item["line"] = first_line + n
    items_minor = sum(it["item_price_minor"] for it in items)
    shipping = sum(it["shipping_price_minor"] for it in items)
    tax = sum(it["item_tax_minor"] + it["shipping_tax_minor"] for it in items)
    discount = sum(it["promotion_minor"] for it in items)
    head.update(
        units=sum(it["quantity"] for it in items),
        first_title=items[0]["title"] if items else "",
        items_minor=items_minor, shipping_minor=shipping, tax_minor=tax,
        discount_minor=discount, total_minor=items_minor + shipping + tax - discount,
    )
    return head


def import_orders(engine: Engine, path: Path, *, marketplace: str | None = None,
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> ImportResult:
    """Import an All Orders report. Raises InputError (file, line, column) or Cancelled;
    in both cases the database is exactly as it was."""
    market = by_code(marketplace) if marketplace else None
    hint = "cp932" if market and market.currency == "JPY" else None
    with open_report(Path(path), encoding_hint=hint) as report:
        lowered = {h.lower() for h in report.header}
        for telltale, what in OTHER_REPORTS.items():
            if telltale in lowered and "amazon-order-id" not in lowered:
                raise InputError(f"this is {what}, not an All Orders report",
                                 file=report.name, line=1)
        parser = _OrdersParser(report, market)
        result = ImportResult(file=report.name, kind="orders")
        with writing(engine) as conn:
            before = order_store.count_all_orders(conn)
            _stream(conn, report, parser, result, before > 0, progress, cancelled)
            after = order_store.count_all_orders(conn)
        result.orders_added = after - before
        result.orders_updated -= result.orders_added
        return result


def _stream(conn, report: Report, parser: _OrdersParser, result: ImportResult,
            had_orders: bool, progress: Progress | None,
            cancelled: Callable[[], bool] | None) -> None:
    header = [h.lower() for h in report.header]
    lines_given: dict[str, int] = {}   # order id → items written so far in this import
    scattered: set[str] = set()        # orders whose rows were not contiguous
    heads: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    trims: list[dict[str, Any]] = []
    current: _OpenOrder | None = None

    def close_current() -> None:
        nonlocal current
        if current is None:
            return
        oid = current.head["order_id"]
        first = lines_given.get(oid, 0)
        if first:
            scattered.add(oid)
        heads.append(_finish(current, first))
        items.extend(current.items)
        lines_given[oid] = first + len(current.items)
        current = None

    def flush() -> None:
        order_store.upsert_orders(conn, orders=heads, items=items)
        heads.clear()
        items.clear()
        if cancelled is not None and cancelled():
            raise Cancelled("The import")
        if progress is not None:
            progress(min(report.bytes_read / max(report.size, 1), 1.0),
                     f"{result.rows:,} rows read")

    for line, row in report.rows():
        if [c.strip().lower() for c in row] == header:
            result.skipped.append({"line": line, "reason": "the header line repeated"})
            continue
        parser.check_width(line, row)
        head, item = parser.parse(line, row)
        result.rows += 1
        if current is not None and current.head["order_id"] != head["order_id"]:
            close_current()
            if len(heads) >= BATCH_ORDERS:
                flush()
        if current is None:
            current = _OpenOrder(head, [], [])
        elif head != current.head and head["last_updated"] >= current.head["last_updated"]:
            current.head = head  # the newest row wins for order-level fields
        duplicate = next((n for n, raw in current.raw_rows if raw == row), None)
        if duplicate is not None:
            result.skipped.append({"line": line, "reason": f"the same row as line {duplicate}"})
            result.rows -= 1
            continue
        current.raw_rows.append((line, row))
        current.items.append(item)
    close_current()
    flush()
    if scattered:
        order_store.refresh_totals(conn, order_ids=sorted(scattered))
    if had_orders:
        trims = [{"oid": oid, "n": n} for oid, n in lines_given.items()]
        order_store.trim_items(conn, line_counts=trims)
    result.orders_updated = len(lines_given)
    if progress is not None:
        progress(1.0, f"{result.rows:,} rows imported")
