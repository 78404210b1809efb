"""Import the All Orders report (GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL).

One row per item; rows are grouped into orders as they stream by and written in batches
through Core executemany, all inside one transaction: the import lands whole or not at
all, and re-importing a file refreshes orders in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
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
    updated_text: str
    items: list[list[Any]]
    raw_rows: list[tuple[int, list[str]]]


# Item fields are in the store's column order; `line` is filled in when the order closes.
_ITEM_TITLE = 4


class _OrdersParser:
    """Turns report rows into order heads and item rows for the store. Rows are read by
    position (found once from the header); a missing optional column reads as the empty
    sentinel appended to every row."""

    def __init__(self, report: Report, marketplace: Marketplace | None) -> None:
        self.report = report
        self.default_marketplace = marketplace
        found = report.columns(REQUIRED, OPTIONAL)
        self.width = len(report.header)
        self.pos = {name: found.get(name, self.width) for name in (*REQUIRED, *OPTIONAL)}
        self.needed = max(found[name] for name in REQUIRED) + 1
        self.money_pos = [(name, self.pos[name]) for name in MONEY_COLUMNS]
        self._money: dict[int, dict[str, int]] = {0: {}, 2: {}, 3: {}}
        self._quantities: dict[str, int] = {}
        self._item_fields = itemgetter(*(self.pos[name] for name in (
            "sku", "asin", "product-name", "item-status", "quantity", *MONEY_COLUMNS)))
        self._times: dict[str, datetime] = {}
        self._markets: dict[str, Marketplace | None] = {}

    def error(self, line: int, column: str, message: str) -> InputError:
        return InputError(message, file=self.report.name, line=line, column=column)

    def prepare(self, line: int, row: list[str]) -> list[str]:
        """Check the row is long enough and give it the empty sentinel column."""
        if len(row) < self.needed:
            last = "the last line is" if self.report.bytes_read >= self.report.size else "it is"
            raise InputError(
                f"the row has {len(row)} fields but the header has {self.width}; "
                f"{last} cut short (a truncated download?)",
                file=self.report.name, line=line,
            )
        if len(row) > self.width:
            del row[self.width:]
        elif len(row) < self.width:
            row.extend([""] * (self.width - len(row)))
        row.append("")
        return row

    def order_id(self, line: int, row: list[str]) -> str:
        order_id = row[self.pos["amazon-order-id"]].strip()
        if not order_id:
            raise self.error(line, "amazon-order-id", "the order id is empty")
        return order_id

    def timestamp(self, line: int, row: list[str], column: str) -> datetime:
        text = row[self.pos[column]]
        value = self._times.get(text)
        if value is None:
            try:
                value = parse_timestamp(text)
            except ValueError:
                raise self.error(line, column, f"{text!r} is not a date and time") from None
            if len(self._times) > 50_000:
                self._times.clear()
            self._times[text] = value
        return value

    def marketplace(self, line: int, row: list[str]) -> Marketplace:
        channel = row[self.pos["sales-channel"]]
        if channel not in self._markets:
            self._markets[channel] = from_sales_channel(channel) if channel else None
        found = self._markets[channel] or self.default_marketplace
        if found is None:
            raise self.error(line, "sales-channel",
                             f"unknown sales channel {channel!r}; pass --marketplace")
        return found

    def head(self, line: int, row: list[str], order_id: str) -> dict[str, Any]:
        pos = self.pos
        market = self.marketplace(line, row)
        currency = row[pos["currency"]].strip().upper() or market.currency
        try:
            minor_units(currency)
        except MoneyError:
            raise self.error(line, "currency", f"unknown currency {currency!r}") from None
        purchased = self.timestamp(line, row, "purchase-date")
        updated = (self.timestamp(line, row, "last-updated-date")
                   if row[pos["last-updated-date"]].strip() else purchased)
        try:
            channel = Channel.from_report(row[pos["fulfillment-channel"]])
        except ValueError as exc:
            raise self.error(line, "fulfillment-channel", str(exc)) from None
        return {
            "order_id": order_id,
            "merchant_order_id": row[pos["merchant-order-id"]].strip(),
            "purchase_date": purchased,
            "last_updated": updated,
            "status": row[pos["order-status"]].strip(),
            "marketplace": market.code,
            "sales_channel": row[pos["sales-channel"]].strip(),
            "channel": channel.value,
            "currency": currency,
            "ship_service_level": row[pos["ship-service-level"]].strip(),
            "ship_country": row[pos["ship-country"]].strip(),
            "is_business": row[pos["is-business-order"]].strip().lower() == "true",
        }

    def item(self, line: int, row: list[str], order_id: str, currency: str) -> list[Any]:
        """The item row for the store. Hot path: one itemgetter for all fields, and every
        money and quantity text parsed once per import (prices repeat across rows)."""
        (sku, asin, title, status, quantity_text, *money_texts) = self._item_fields(row)
        digits = minor_units(currency)
        cache = self._money.setdefault(digits, {})
        amounts = [cache.get(text) for text in money_texts]
        if None in amounts:
            amounts = [self._amount(line, name, text, digits, cache)
                       for (name, _), text in zip(self.money_pos, money_texts, strict=True)]
        quantity = self._quantities.get(quantity_text)
        if quantity is None:
            try:
                quantity = self._quantities[quantity_text] = parse_quantity(quantity_text)
            except ValueError:
                raise self.error(line, "quantity",
                                 f"{quantity_text!r} is not a whole number") from None
        sku = sku.strip()
        if not sku:
            raise self.error(line, "sku", "the SKU is empty")
        price, tax, shipping, shipping_tax, item_promo, ship_promo = amounts
        # Reports write promotions as negative or positive amounts; both mean a discount.
        return [order_id, 0, sku, asin.strip(), title.strip()[:500], status.strip(),
                quantity, price, shipping, tax, shipping_tax, abs(item_promo) + abs(ship_promo)]

    def _amount(self, line: int, name: str, text: str, digits: int,
                cache: dict[str, int]) -> int:
        value = cache.get(text)
        if value is None:
            try:
                value = parse_minor(text, digits)
            except ValueError as exc:
                raise self.error(line, name, str(exc)) from None
            if len(cache) > 100_000:
                cache.clear()
            cache[text] = value
        return value


def _same_row(seen: list[tuple[int, list[str]]], row: list[str]) -> int:
    """The line of an identical earlier row of the same order, or 0."""
    for line, raw in seen:
        if raw == row:
            return line
    return 0


_HEAD_ROW = itemgetter(*order_store.ORDER_COLUMNS)
_first = itemgetter(0)


def _finish(order: _OpenOrder, first_line: int) -> tuple[tuple, list[list[Any]]]:
    """The order's head and item rows as the store takes them, with its totals."""
    head, items = order.head, order.items
    units = items_minor = shipping = tax = discount = 0
    for n, it in enumerate(items):
        it[1] = first_line + n
        units += it[6]
        items_minor += it[7]
        shipping += it[8]
        tax += it[9] + it[10]
        discount += it[11]
    head.update(
        units=units, first_title=items[0][_ITEM_TITLE] if items else "",
        items_minor=items_minor, shipping_minor=shipping, tax_minor=tax,
        discount_minor=discount, total_minor=items_minor + shipping + tax - discount,
    )
    return _HEAD_ROW(head), items


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
            _stream(conn, report, parser, result, order_store.has_orders(conn), progress,
                    cancelled)
        return result


def _stream(conn, report: Report, parser: _OrdersParser, result: ImportResult,
            had_orders: bool, progress: Progress | None,
            cancelled: Callable[[], bool] | None) -> None:
    header = [h.lower() for h in report.header]
    id_position = parser.pos["amazon-order-id"]
    lines_given: dict[str, int] = {}   # order id → items written so far in this import
    lines_before: dict[str, int] = {}  # orders that were stored before this import
    scattered: set[str] = set()        # orders whose rows were not contiguous
    heads: list[tuple] = []
    items: list[list[Any]] = []
    current: _OpenOrder | None = None

    def close_current() -> None:
        nonlocal current
        if current is None:
            return
        oid = current.head["order_id"]
        first = lines_given.get(oid, 0)
        if first:
            scattered.add(oid)
        head, rows = _finish(current, first)
        heads.append(head)
        items.extend(rows)
        lines_given[oid] = first + len(rows)
        current = None

    def flush() -> None:
        # In key order, SQLite touches each index page once per batch, not once per row.
        heads.sort(key=_first)
        items.sort(key=_first)  # stable: an order's lines stay in order
        if had_orders:
            fresh = [h[0] for h in heads if h[0] not in lines_before]
            known = order_store.existing_order_ids(conn, order_ids=fresh)
            lines_before.update(dict.fromkeys(known, 0))
        order_store.upsert_orders(conn, orders=heads, items=items)
        heads.clear()
        items.clear()
        if cancelled is not None and cancelled():
            raise Cancelled("The import")
        if progress is not None:
            progress(min(report.bytes_read / max(report.size, 1), 1.0),
                     f"{result.rows:,} rows read")

    updated_position = parser.pos["last-updated-date"]
    header_id = report.header[id_position]
    for line, row in report.rows():
        if row[id_position] == header_id and [c.strip().lower() for c in row] == header:
            result.skipped.append({"line": line, "reason": "the header line repeated"})
            continue
        row = parser.prepare(line, row)
        order_id = parser.order_id(line, row)
        if current is not None and current.head["order_id"] != order_id:
            close_current()
            if len(heads) >= BATCH_ORDERS:
                flush()
        if current is None:
            current = _OpenOrder(parser.head(line, row, order_id), row[updated_position], [], [])
        elif row[updated_position] != current.updated_text:
            head = parser.head(line, row, order_id)
            if head["last_updated"] >= current.head["last_updated"]:
                current.head, current.updated_text = head, row[updated_position]
        item = parser.item(line, row, order_id, current.head["currency"])
        duplicate = _same_row(current.raw_rows, row)
        if duplicate:
            result.skipped.append({"line": line, "reason": f"the same row as line {duplicate}"})
            continue
        result.rows += 1
        current.raw_rows.append((line, row))
        current.items.append(item)
    close_current()
    flush()
    if scattered:
        order_store.refresh_totals(conn, order_ids=sorted(scattered))
    if had_orders:
        order_store.trim_items(
            conn, line_counts=[{"oid": oid, "n": n} for oid, n in lines_given.items()])
    result.orders_updated = len(lines_before)
    result.orders_added = len(lines_given) - len(lines_before)
    if progress is not None:
        progress(1.0, f"{result.rows:,} rows imported")
