"""Read an All Orders report (GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL) into
batches of order rows and item rows, in the store's column order.

Kept free of the store so a large report can be read in a second process while the
first one writes (see import_orders): everything here is plain data that pickles.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from sellerdesk.core.errors import InputError
from sellerdesk.core.marketplaces import Marketplace, by_code, from_sales_channel
from sellerdesk.core.money import MoneyError, minor_units
from sellerdesk.core.orders import Channel, order_id_problem
from sellerdesk.services.imports.report_reader import (
    Report,
    header_kind,
    open_report,
    parse_minor,
    parse_quantity,
    parse_timestamp,
)

REQUIRED = ("amazon-order-id", "purchase-date", "order-status", "fulfillment-channel",
            "sku", "quantity", "currency", "item-price")
OPTIONAL = ("merchant-order-id", "last-updated-date", "sales-channel", "ship-service-level",
            "product-name", "asin", "item-status", "item-tax", "shipping-price",
            "shipping-tax", "item-promotion-discount", "ship-promotion-discount",
            "ship-country", "is-business-order")
MONEY_COLUMNS = ("item-price", "item-tax", "shipping-price", "shipping-tax",
                 "item-promotion-discount", "ship-promotion-discount")
BATCH_ORDERS = 1_000


# An order head is a row in the store's column order; the totals are filled in when the
# order's last item has been read. The importer asserts these against the store's tables.
HEAD_COLUMNS = ("order_id", "merchant_order_id", "purchase_date", "last_updated", "status",
                "marketplace", "sales_channel", "channel", "currency", "ship_service_level",
                "ship_country", "is_business", "units", "first_title", "items_minor",
                "shipping_minor", "tax_minor", "discount_minor", "total_minor")
_PURCHASED, _LAST_UPDATED, _CURRENCY, _UNITS = 2, 3, 8, 12
ITEM_COLUMNS = ("order_id", "line", "sku", "asin", "title", "status", "quantity",
                "item_price_minor", "shipping_price_minor", "item_tax_minor",
                "shipping_tax_minor", "promotion_minor")
_TITLE = 4
_first = itemgetter(0)
_purchased = itemgetter(_PURCHASED)


class OrdersParser:
    """Turns report rows into order heads and item rows for the store. Rows are read by
    position (found once from the header); a missing optional column reads as the empty
    sentinel appended to every row. Texts that repeat (prices, dates, channels) are
    parsed once per import."""

    def __init__(self, report: Report, marketplace: Marketplace | None) -> None:
        self.report = report
        self.default_marketplace = marketplace
        found = report.columns(REQUIRED, OPTIONAL)
        self.width = len(report.header)
        self.pos = {name: found.get(name, self.width) for name in (*REQUIRED, *OPTIONAL)}
        self.money_names = MONEY_COLUMNS
        self._money: dict[int, dict[str, int]] = {}
        self._quantities: dict[str, int] = {}
        self._item_fields = itemgetter(*(self.pos[name] for name in (
            "sku", "asin", "product-name", "item-status", "quantity", *MONEY_COLUMNS)))
        self._times: dict[str, datetime] = {}
        self._markets: dict[str, Marketplace | None] = {}
        # (sales channel, currency, fulfillment channel) as written → (marketplace code,
        # currency, channel) as stored
        self._kinds: dict[tuple[str, str, str], tuple[str, str, str]] = {}

    def error(self, line: int, column: str, message: str) -> InputError:
        return InputError(message, file=self.report.name, line=line, column=column)

    def timestamp(self, line: int, row: list[str], column: str) -> datetime:
        text = row[self.pos[column]]
        value = self._times.get(text)
        if value is None:
            try:
                value = parse_timestamp(text)
            except ValueError:
                raise self.error(line, column, f"{text!r} is not a date and time") from None
            if len(self._times) > 4_096:   # an order's rows share times; few others repeat
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

    def head(self, line: int, row: list[str], order_id: str) -> list[Any]:
        """The order's head row. The marketplace, currency and channel are worked out once
        per import for each (sales channel, currency, fulfillment channel) the report
        writes (a handful): the same texts pass the same checks, so only the times are
        left to fail, as they would have after those checks."""
        pos = self.pos
        known = self._kinds.get((row[pos["sales-channel"]], row[pos["currency"]],
                                 row[pos["fulfillment-channel"]]))
        if known is None:
            return self._first_head(line, row, order_id)
        code, currency, channel = known
        times = self._times
        purchased = times.get(row[pos["purchase-date"]]) or self.timestamp(
            line, row, "purchase-date")
        updated_text = row[pos["last-updated-date"]]
        updated = (times.get(updated_text) or self.timestamp(line, row, "last-updated-date")
                   if updated_text.strip() else purchased)
        return [
            order_id, row[pos["merchant-order-id"]].strip()[:64], purchased, updated,
            row[pos["order-status"]].strip()[:32], code,
            row[pos["sales-channel"]].strip()[:64], channel, currency,
            row[pos["ship-service-level"]].strip()[:64], row[pos["ship-country"]].strip()[:8],
            row[pos["is-business-order"]].strip().lower() == "true",
            0, "", 0, 0, 0, 0, 0,  # units, first title and totals: set when the order closes
        ]

    def _first_head(self, line: int, row: list[str], order_id: str) -> list[Any]:
        """head() for the first order with its sales channel, currency and fulfillment
        channel: every check in turn, then those three remembered."""
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
        self._kinds[row[pos["sales-channel"]], row[pos["currency"]],
                    row[pos["fulfillment-channel"]]] = (market.code, currency, channel.value)
        # Texts are cut to their columns' sizes: a longer one is a damaged cell, and
        # PostgreSQL would refuse it where SQLite keeps it.
        return [
            order_id, row[pos["merchant-order-id"]].strip()[:64], purchased, updated,
            row[pos["order-status"]].strip()[:32], market.code,
            row[pos["sales-channel"]].strip()[:64], channel.value, currency,
            row[pos["ship-service-level"]].strip()[:64], row[pos["ship-country"]].strip()[:8],
            row[pos["is-business-order"]].strip().lower() == "true",
            0, "", 0, 0, 0, 0, 0,  # units, first title and totals: set when the order closes
        ]

    def money_cache(self, currency: str) -> tuple[int, dict[str, int]]:
        digits = minor_units(currency)
        return digits, self._money.setdefault(digits, {})

    def item(self, line: int, row: list[str], order_id: str, digits: int,
             cache: dict[str, int]) -> list[Any]:
        """The item row for the store: one itemgetter for all fields, and each money and
        quantity text parsed once per import (prices repeat across rows)."""
        # Named, not star-unpacked, and looked up one by one: half the time of a list and
        # a map per row (0.1 s of 100,000 rows).
        (sku, asin, title, status, quantity_text, price_text, tax_text, shipping_text,
         shipping_tax_text, item_promo_text, ship_promo_text) = self._item_fields(row)
        known = cache.get
        amounts = (known(price_text), known(tax_text), known(shipping_text),
                   known(shipping_tax_text), known(item_promo_text), known(ship_promo_text))
        if None in amounts:
            amounts = tuple(self._amount(line, name, text, digits, cache)
                            for name, text in zip(self.money_names, (
                                price_text, tax_text, shipping_text, shipping_tax_text,
                                item_promo_text, ship_promo_text), strict=True))
        quantity = self._quantities.get(quantity_text)
        if quantity is None:
            try:
                quantity = self._quantities[quantity_text] = parse_quantity(quantity_text)
            except ValueError:
                raise self.error(line, "quantity",
                                 f"{quantity_text!r} is not a whole number") from None
        sku = sku.strip()
        if not sku or len(sku) > 64:
            raise self.error(line, "sku", f"{sku[:40]!r}… is longer than 64 characters"
                             if sku else "the SKU is empty")
        price, tax, shipping, shipping_tax, item_promo, ship_promo = amounts
        # Reports write promotions as negative or positive amounts; both mean a discount.
        return [order_id, 0, sku, asin.strip()[:16], title.strip()[:500], status.strip()[:32],
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


def close_order(head: list[Any], items: list[list[Any]], first_line: int) -> tuple:
    """Number the order's lines and put its totals on its head."""
    units = items_minor = shipping = tax = discount = 0
    for n, it in enumerate(items, start=first_line):
        it[1] = n
        units += it[6]
        items_minor += it[7]
        shipping += it[8]
        tax += it[9] + it[10]
        discount += it[11]
    head[_UNITS:] = [units, items[0][_TITLE] if items else "", items_minor, shipping, tax,
                     discount, items_minor + shipping + tax - discount]
    return tuple(head)




class Batch(NamedTuple):
    """About BATCH_ORDERS orders, sorted by order id (SQLite then touches each index page
    once per batch, not once per row), how far into the file they were read, and how
    many rows have been read so far."""
    heads: list[tuple]
    items: list[Sequence[Any]]
    fraction: float
    rows: int


@dataclass(slots=True)
class Tally:
    """What reading the whole report found, beside the rows themselves."""
    rows: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    orders: int = 0                                      # distinct orders read
    lines_given: dict[str, int] = field(default_factory=dict)  # order id → items so far
    scattered: list[str] = field(default_factory=list)  # orders whose rows were apart
    first: datetime | None = None                        # earliest purchase date read
    last: datetime | None = None                         # latest purchase date read


def read_batches(report: Report, parser: OrdersParser, tally: Tally) -> Iterator[Batch]:
    """The hot loop, written flat on purpose: state lives in locals, an order's head is
    parsed once (again only if a later row of it was updated later), and rows are
    checked for duplicates with C-level list comparison."""
    header = [h.lower() for h in report.header]
    pos = parser.pos
    id_pos, updated_pos = pos["amazon-order-id"], pos["last-updated-date"]
    header_id, width = report.header[id_pos], parser.width
    lines_given = tally.lines_given
    scattered: set[str] = set()
    skipped = tally.skipped
    heads: list[tuple] = []
    items: list[list[Any]] = []
    cur_id: str | None = None
    cur_head: list[Any] = []
    cur_updated = ""
    cur_items: list[list[Any]] = []
    cur_rows: list[list[str]] = []
    cur_lines: list[int] = []
    digits, cache = 0, {}
    rows = 0

    def close() -> None:
        first = lines_given.get(cur_id, 0)  # type: ignore[arg-type]
        if first:
            scattered.add(cur_id)  # type: ignore[arg-type]
        heads.append(close_order(cur_head, cur_items, first))
        items.extend(cur_items)
        lines_given[cur_id] = first + len(cur_items)  # type: ignore[index]

    def batch() -> Batch:
        nonlocal heads, items
        heads.sort(key=_first)
        items.sort(key=_first)  # stable: an order's lines stay in order
        if heads:
            dates = list(map(_purchased, heads))
            low, high = min(dates), max(dates)
            tally.first = low if tally.first is None else min(low, tally.first)
            tally.last = high if tally.last is None else max(high, tally.last)
        done = Batch(heads, items, min(report.bytes_read / max(report.size, 1), 1.0), rows)
        heads, items = [], []
        tally.rows = rows
        return done

    reader = report.raw_rows
    with report.reading():
        for row in reader:
            if len(row) != width:
                if not any(cell.strip() for cell in row):
                    continue  # a blank line
                raise report.misaligned(reader.line_num, row)
            line = reader.line_num
            if row[id_pos] == header_id and [c.strip().lower() for c in row] == header:
                skipped.append({"line": line, "reason": "the header line repeated"})
                continue
            row.append("")  # the empty sentinel that missing optional columns point at
            order_id = row[id_pos].strip()
            if order_id != cur_id:
                if problem := order_id_problem(order_id):
                    raise parser.error(line, "amazon-order-id", problem)
                if cur_id is not None:
                    close()
                    if len(heads) >= BATCH_ORDERS:
                        yield batch()
                cur_id, cur_updated = order_id, row[updated_pos]
                cur_head = parser.head(line, row, order_id)
                digits, cache = parser.money_cache(cur_head[_CURRENCY])
                cur_items, cur_rows, cur_lines = [], [], []
            elif row[updated_pos] != cur_updated:
                head = parser.head(line, row, order_id)
                if head[_LAST_UPDATED] >= cur_head[_LAST_UPDATED]:
                    cur_head, cur_updated = head, row[updated_pos]  # the newest row wins
            item = parser.item(line, row, order_id, digits, cache)
            if row in cur_rows:
                duplicate = cur_lines[cur_rows.index(row)]
                skipped.append({"line": line, "reason": f"the same row as line {duplicate}"})
                continue
            cur_rows.append(row)
            cur_lines.append(line)
            cur_items.append(item)
            rows += 1
    if cur_id is not None:
        close()
    last = batch()
    tally.scattered = sorted(scattered)
    tally.orders = len(lines_given)
    yield last


def transposed(rows: Sequence[Sequence[Any]]) -> list[tuple]:
    """Rows to columns and back."""
    return list(zip(*rows, strict=True))


# Which columns of a head and of an item hold text ("s"), for the pipe between processes.
HEAD_KINDS = "ss--s" "ssssss" "-" "-" "s" "-----"
ITEM_KINDS = "s-" "ssss" "-" "-----"
_SEPARATOR = "\x00"   # no report's text holds it: the reader refuses a NUL (but in UTF-16)


def packed(rows: Sequence[Sequence[Any]], kinds: str) -> list[Any]:
    """A batch's rows as columns for the pipe, a column of texts as one string joined on
    NUL (one whose texts hold a NUL, as its tuple): pickling a column's texts one by one
    took the reading process, the slower half of a large import, twice as long."""
    columns: list[Any] = list(zip(*rows, strict=True))
    for n, kind in enumerate(kinds if rows else ""):
        if kind == "s":
            joined = _SEPARATOR.join(columns[n])
            if joined.count(_SEPARATOR) == len(rows) - 1:
                columns[n] = joined
    return columns


def unpacked(columns: list[Any]) -> list[tuple]:
    """The rows packed() packed."""
    return list(zip(*(column.split(_SEPARATOR) if isinstance(column, str) else column
                      for column in columns), strict=True))


def open_orders_report(path: Path, marketplace: str | None) -> tuple[Report, OrdersParser]:
    """The report opened and its header checked (another kind of report is named); JP
    files are read as CP932 by default."""
    market = by_code(marketplace) if marketplace else None
    hint = "cp932" if market and market.currency == "JPY" else None
    report = open_report(Path(path), encoding_hint=hint)
    try:
        other = header_kind(report.header)
        if other is not None and other[0] != "orders":
            kind, what = other
            raise InputError(f"this is {what} (use: import {kind}), not an All Orders report",
                             file=report.name, line=1)
        return report, OrdersParser(report, market)
    except BaseException:
        report.close()
        raise


def read_in_worker(path: Path, marketplace: str | None, pipe: Connection) -> None:
    """A reading process: sends ("batch", head columns, item columns, fraction, rows),
    then ("done", Tally); or one ("input-error", message, file, line, column) or
    ("failed", traceback)."""
    try:
        tally = Tally()
        report, parser = open_orders_report(path, marketplace)
        with report:
            for batch in read_batches(report, parser, tally):
                pipe.send(("batch", packed(batch.heads, HEAD_KINDS),
                           packed(batch.items, ITEM_KINDS), batch.fraction, batch.rows))
        tally.lines_given = {}      # the reader's own bookkeeping: 60 MB at a million rows
        pipe.send(("done", tally))
    except InputError as exc:
        pipe.send(("input-error", exc.reason, exc.file, exc.line, exc.column))
    except BaseException:  # a bug: its traceback goes to the parent
        pipe.send(("failed", traceback.format_exc()))
    finally:
        pipe.close()


assert len(HEAD_KINDS) == len(HEAD_COLUMNS), "a head column without its kind"
assert len(ITEM_KINDS) == len(ITEM_COLUMNS), "an item column without its kind"
