"""Import a settlement report (flat file V2, one row per amount; or the older wide flat
file with price-type / item-related-fee-type columns). It gives two things: the refunds
Amazon actually paid, with the fees it kept (reconciled with the ledger in
services.reconcile), and Amazon's order-item codes, which an Order Adjustment feed needs.

Read and checked whole, then written in one transaction; importing the file again leaves
the settlement as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import Cancelled, InputError
from sellerdesk.core.marketplaces import Marketplace, from_sales_channel
from sellerdesk.core.money import Money, MoneyError, minor_units
from sellerdesk.core.settlement import REFUND_TYPES, RefundLine, refunds, settlement_date
from sellerdesk.services.clock import now
from sellerdesk.services.imports.report_reader import Progress, Report, open_report, skipped_note
from sellerdesk.services.staff import default_staff_name
from sellerdesk.store import adjustments as adjustment_store
from sellerdesk.store import settlements as settlement_store
from sellerdesk.store.engine import writing

REQUIRED = ("settlement-id", "transaction-type", "order-id")
LONG = ("amount-type", "amount-description", "amount")         # flat file V2
# The wide flat file: (type column, amount column, amount type) per kind of amount.
WIDE = (("price-type", "price-amount", "ItemPrice"),
        ("item-related-fee-type", "item-related-fee-amount", "ItemFees"),
        ("promotion-type", "promotion-amount", "Promotion"))
OPTIONAL = ("settlement-start-date", "settlement-end-date", "deposit-date", "total-amount",
            "currency", "adjustment-id", "marketplace-name", "posted-date", "posted-date-time",
            "order-item-code", "merchant-adjustment-item-id", "sku",
            *LONG, *(name for columns in WIDE for name in columns[:2]))


@dataclass(slots=True)
class SettlementImportResult:
    file: str
    settlement_id: str = ""
    currency: str = ""
    total: str = ""
    rows: int = 0
    refunds: int = 0
    item_codes: int = 0
    new: bool = True
    skipped: list[dict[str, Any]] = field(default_factory=list)
    kind: str = "settlement"

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "kind": self.kind, "rows": self.rows,
                "orders_added": 0, "orders_updated": 0, "settlement_id": self.settlement_id,
                "currency": self.currency, "total": self.total, "refunds": self.refunds,
                "item_codes": self.item_codes, "new": self.new, "skipped": self.skipped}

    def summary(self) -> str:
        again = "" if self.new else " (imported before: replaced by this file)"
        return (f"{self.file}: settlement {self.settlement_id}{again}, {self.rows:,} rows, "
                f"{self.refunds:,} refund{'s' if self.refunds != 1 else ''}, "
                f"{self.item_codes:,} order-item codes, paid out {self.total} {self.currency}"
                + skipped_note(self.skipped))


@dataclass(slots=True)
class _Head:
    settlement_id: str = ""
    start: date | None = None
    end: date | None = None
    deposit: date | None = None
    total: Money | None = None
    currency: str = ""


def import_settlement(engine: Engine, path: Path, *, progress: Progress | None = None,
                      cancelled: Callable[[], bool] | None = None,
                      staff: str | None = None) -> SettlementImportResult:
    """Raises InputError (file, line, column) or Cancelled; either way nothing changed."""
    with open_report(Path(path)) as report:
        result = SettlementImportResult(file=report.name)
        head, lines, codes = _read(report, result, progress, cancelled)
    found = refunds(lines)
    result.refunds, result.item_codes = len(found), len(codes)
    with writing(engine) as conn:
        result.new = settlement_store.put_settlement(
            conn, settlement_id=head.settlement_id, start=head.start, end=head.end,
            deposit=head.deposit, total=head.total or Money.zero(head.currency),
            file=result.file, at=now(), by=staff or default_staff_name(), refunds=found)
        adjustment_store.put_item_codes(conn, codes=sorted(codes))
        if cancelled is not None and cancelled():
            raise Cancelled("The import")
    return result


class _Reader:
    """One row at a time, each problem an InputError naming the line and column."""

    def __init__(self, report: Report) -> None:
        self.name = report.name
        self.pos = report.columns(REQUIRED, OPTIONAL)
        self.long = all(name in self.pos for name in LONG)
        if not self.long and not all(name in self.pos for name in ("price-type", "price-amount")):
            raise InputError("the header has neither amount-type/amount columns (flat file "
                             "V2) nor price-type/price-amount columns (the older flat file)",
                             file=self.name, line=1, column="amount-type")
        self.market: Marketplace | None = None

    def error(self, line: int, column: str, message: str) -> InputError:
        return InputError(message, file=self.name, line=line, column=column)

    def cell(self, row: list[str], name: str) -> str:
        at = self.pos.get(name)
        return row[at].strip() if at is not None and at < len(row) else ""

    def day(self, line: int, row: list[str], *names: str) -> date | None:
        for name in names:
            text = self.cell(row, name)
            if text:
                try:
                    return settlement_date(text, self.market)
                except ValueError as exc:
                    raise self.error(line, name, str(exc)) from None
        return None

    def check_currency(self, line: int, currency: str) -> None:
        try:
            minor_units(currency)
        except MoneyError as exc:
            raise self.error(line, "currency", str(exc)) from None

    def money(self, line: int, row: list[str], name: str, currency: str) -> Money | None:
        text = self.cell(row, name)
        if not text:
            return None
        if not currency:
            raise self.error(line, "currency", "no currency for this amount (the report's "
                                               "first row, the settlement's, names it)")
        try:
            return Money.parse_local(text, currency)
        except MoneyError as exc:
            raise self.error(line, name, str(exc)) from None

    def amounts(self, line: int, row: list[str], currency: str) -> list[tuple[str, str, Money]]:
        """(amount type, description, amount) of a row, long or wide."""
        if self.long:
            money = self.money(line, row, "amount", currency)
            return [] if money is None else [(self.cell(row, "amount-type"),
                                              self.cell(row, "amount-description"), money)]
        found = []
        for type_column, amount_column, amount_type in WIDE:
            money = self.money(line, row, amount_column, currency)
            if money is not None:
                found.append((amount_type, self.cell(row, type_column), money))
        return found


def _read(report: Report, result: SettlementImportResult, progress: Progress | None,
          cancelled: Callable[[], bool] | None
          ) -> tuple[_Head, list[RefundLine], set[tuple[str, str, str]]]:
    reader = _Reader(report)
    head = _Head()
    lines: list[RefundLine] = []
    codes: set[tuple[str, str, str]] = set()
    for line, row in report.rows():
        result.rows += 1
        settlement_id = reader.cell(row, "settlement-id")
        if not settlement_id:
            raise reader.error(line, "settlement-id", "the settlement id is empty")
        if not head.settlement_id:
            head.settlement_id = settlement_id
        elif settlement_id != head.settlement_id:
            raise reader.error(line, "settlement-id",
                               f"settlement {settlement_id} in a file of settlement "
                               f"{head.settlement_id}: import one settlement per file")
        market = from_sales_channel(reader.cell(row, "marketplace-name"))
        reader.market = market or reader.market
        currency = reader.cell(row, "currency") or head.currency
        if currency != head.currency:
            reader.check_currency(line, currency)
        transaction = reader.cell(row, "transaction-type")
        if not transaction:        # the settlement's own row: period, deposit, total
            head.currency = currency
            head.start = reader.day(line, row, "settlement-start-date")
            head.end = reader.day(line, row, "settlement-end-date")
            head.deposit = reader.day(line, row, "deposit-date")
            head.total = reader.money(line, row, "total-amount", currency)
            continue
        order_id = reader.cell(row, "order-id")
        sku, code = reader.cell(row, "sku"), reader.cell(row, "order-item-code")
        if order_id and sku and code:
            codes.add((order_id, sku, code))
        if transaction.lower() in REFUND_TYPES and order_id:
            posted = reader.day(line, row, "posted-date-time", "posted-date")
            if posted is None:
                raise reader.error(line, "posted-date", "the refund has no posted date")
            adjustment = reader.cell(row, "adjustment-id")
            item = reader.cell(row, "merchant-adjustment-item-id")
            for amount_type, description, money in reader.amounts(line, row, currency):
                lines.append(RefundLine(head.settlement_id, order_id, adjustment, posted,
                                        amount_type, description, money, item, transaction))
        report.checkpoint(line, progress, cancelled, f"{result.rows:,} rows read")
    if not head.settlement_id:
        raise InputError("the report has no rows after its header", file=report.name)
    if head.total is None and not head.currency:
        raise InputError("the settlement's own row (the first, with its total and currency) "
                         "is missing", file=report.name, line=2)
    result.settlement_id, result.currency = head.settlement_id, head.currency
    result.total = str(head.total) if head.total is not None else "0"
    return head, lines, codes
