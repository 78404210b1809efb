"""Import the Returns report (GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE, seller-fulfilled
returns with the A-to-Z Claim flag and the amount refunded) and the FBA customer returns
report (GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA).

Each return lands on its order's activity; what a return refunded counts against the
policy's caps; a return flagged with an A-to-z claim records the claim as a defect on its
order when none is recorded yet. Read and checked whole, then written in one transaction;
importing the file again refreshes the same returns and adds none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import Cancelled, InputError
from sellerdesk.core.marketplaces import Marketplace, by_code
from sellerdesk.core.metrics import DefectKind
from sellerdesk.core.money import MoneyError, minor_text, minor_units
from sellerdesk.core.orders import order_id_problem
from sellerdesk.core.returns import flag, return_date
from sellerdesk.services.clock import now
from sellerdesk.services.imports.report_reader import (
    Progress,
    Report,
    open_report,
    parse_minor,
    parse_quantity,
    skipped_note,
)
from sellerdesk.services.staff import default_staff_name
from sellerdesk.store import defects as defect_store
from sellerdesk.store import orders as order_store
from sellerdesk.store import returns as return_store
from sellerdesk.store.engine import writing


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where one report keeps what a return needs: column names by role."""
    order: str
    day: str
    sku: str
    quantity: str
    key: str                   # the return's identity, when the row has it…
    fallback: tuple[str, ...]  # …or else these together
    reason: str
    status: str
    outcome: str
    claim: str | None = None
    refunded: str | None = None
    currency: str | None = None

    @property
    def required(self) -> tuple[str, ...]:
        return (self.order, self.day)

    @property
    def optional(self) -> tuple[str, ...]:
        names = (self.sku, self.quantity, self.key, *self.fallback, self.reason, self.status,
                 self.outcome, self.claim, self.refunded, self.currency)
        return tuple(dict.fromkeys(n for n in names if n and n not in self.required))


LAYOUTS = {
    "returns": _Layout(order="Order ID", day="Return request date", sku="Merchant SKU",
                       quantity="Return quantity", key="Amazon RMA ID",
                       fallback=("Order ID", "Merchant SKU", "Return request date"),
                       reason="Return Reason", status="Return request status",
                       outcome="Resolution", claim="A-to-Z Claim",
                       refunded="Refunded Amount", currency="Currency code"),
    "fba-returns": _Layout(order="order-id", day="return-date", sku="sku",
                           quantity="quantity", key="license-plate-number",
                           fallback=("order-id", "sku", "return-date",
                                     "fulfillment-center-id"),
                           reason="reason", status="status", outcome="detailed-disposition"),
}
_LIMITS = {"sku": 64, "key": 160}
# The tuple _Reader.read builds for each return, held to the store's table.
ROW_COLUMNS = ("order_id", "source", "return_key", "requested_on", "quantity", "sku", "reason",
               "status", "outcome", "currency", "refunded_minor", "atoz_claim", "file",
               "imported_at")
assert return_store.RETURN_COLUMNS == ROW_COLUMNS, "order_return changed: update the reader"
CLAIM_SOURCE = "returns_report"


@dataclass(slots=True)
class ReturnsImportResult:
    file: str
    kind: str
    rows: int = 0
    added: int = 0              # returns new to SellerDesk
    updated: int = 0            # returns imported before, refreshed
    claims: int = 0             # returns flagged with an A-to-z claim
    claims_recorded: int = 0    # of which recorded now as a defect on their order
    unknown_orders: int = 0     # returns whose order SellerDesk has not seen yet
    refunded: dict[str, int] = field(default_factory=dict)   # currency → minor units
    skipped: list[dict[str, Any]] = field(default_factory=list)

    @property
    def refunded_text(self) -> str:
        return ", ".join(f"{minor_text(minor, currency)} {currency}"
                         for currency, minor in sorted(self.refunded.items()))

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "kind": self.kind, "rows": self.rows,
                "orders_added": 0, "orders_updated": 0, "returns_added": self.added,
                "returns_updated": self.updated, "atoz_claims": self.claims,
                "atoz_claims_recorded": self.claims_recorded,
                "unknown_orders": self.unknown_orders,
                "refunded": {c: minor_text(m, c) for c, m in sorted(self.refunded.items())},
                "skipped": self.skipped}

    def summary(self) -> str:
        count = self.added + self.updated
        if not count:
            return f"{self.file}: no returns in this report; nothing changed"
        text = (f"{self.file}: {count:,} return{'s' if count != 1 else ''} "
                f"({self.added:,} new, {self.updated:,} imported before)")
        if self.refunded:
            text += f", refunded {self.refunded_text}"
        if self.claims:
            text += (f", {self.claims:,} with an A-to-z claim ({self.claims_recorded:,} "
                     "recorded as a defect now)")
        if self.unknown_orders:
            text += (f"; {self.unknown_orders:,} for orders not in SellerDesk yet (they show "
                     "once the orders report that has them is imported)")
        return text + skipped_note(self.skipped)


def import_returns(engine: Engine, path: Path, *, kind: str = "returns",
                   marketplace: str | None = None, progress: Progress | None = None,
                   cancelled: Callable[[], bool] | None = None,
                   staff: str | None = None) -> ReturnsImportResult:
    """`kind` is "returns" or "fba-returns". `marketplace` settles dates written with
    slashes (without it, a report in US dollars is read month first, any other day first).
    Raises InputError (file, line, column) or Cancelled; either way nothing changed."""
    layout = LAYOUTS[kind]
    try:
        market = by_code(marketplace) if marketplace else None
    except ValueError as exc:
        raise InputError(str(exc), file=Path(path).name) from None
    with open_report(Path(path), encoding_hint="cp932" if marketplace == "JP" else None
                     ) as report:
        result = ReturnsImportResult(file=report.name, kind=kind)
        moment = now()
        rows, claims = _Reader(report, layout, market, result).read(moment, progress,
                                                                    cancelled)
    with writing(engine) as conn:
        known = return_store.known_keys(conn, source=kind)
        result.added = sum(1 for r in rows if r[2] not in known)
        result.updated = len(rows) - result.added
        return_store.put_returns(conn, rows=rows)
        result.unknown_orders = return_store.count_without_order(conn, source=kind,
                                                                 imported_at=moment)
        placed = order_store.purchase_dates(conn, order_ids=sorted(claims))
        result.claims = len(claims)
        result.claims_recorded = defect_store.add_defects_if_absent(
            conn, kind=DefectKind.ATOZ_CLAIM.value, status="open",
            found={order: day for order, day in claims.items() if order in placed},
            source=CLAIM_SOURCE, by=staff or default_staff_name(), now=moment)
        if cancelled is not None and cancelled():
            raise Cancelled("The import")
    return result


class _Reader:
    """Rows into store tuples (ROW_COLUMNS), every problem an InputError naming the line
    and column."""

    def __init__(self, report: Report, layout: _Layout, market: Marketplace | None,
                 result: ReturnsImportResult) -> None:
        self.report, self.layout, self.market, self.result = report, layout, market, result
        pos = report.columns(layout.required, layout.optional)
        self.width = len(report.header)
        self.pos = {name: pos.get(name, self.width) for name in (*layout.required,
                                                                  *layout.optional)}
        self.latest = now().date() + timedelta(days=1)   # a day's grace for time zones

    def error(self, line: int, column: str, message: str) -> InputError:
        return InputError(message, file=self.report.name, line=line, column=column)

    def day(self, line: int, text: str, currency: str) -> date:
        column = self.layout.day
        market = self.market or (by_code("US") if currency == "USD" else None)
        try:
            found = return_date(text, market)
        except ValueError as exc:
            raise self.error(line, column, str(exc) if text.strip() else
                             "the date is empty") from None
        if found > self.latest:
            raise self.error(line, column, f"the date {found} is in the future (is this "
                                           "report from another marketplace?)")
        return found

    def quantity(self, line: int, text: str) -> int:
        """An empty quantity is one item."""
        if not text.strip():
            return 1
        try:
            return parse_quantity(text)
        except ValueError:
            raise self.error(line, self.layout.quantity,
                             f"{text.strip()[:20]!r} is not a quantity of items") from None

    def refunded(self, line: int, text: str, currency: str) -> int | None:
        text = text.strip()
        if not text:
            return None
        layout = self.layout
        if not currency:
            raise self.error(line, layout.currency or "", "an amount refunded with no "
                                                          "currency code")
        try:
            digits = minor_units(currency)
        except MoneyError as exc:
            raise self.error(line, layout.currency or "", str(exc)) from None
        try:
            return abs(parse_minor(text, digits))
        except ValueError as exc:
            raise self.error(line, layout.refunded or "", str(exc)) from None

    def read(self, moment: datetime, progress: Progress | None,
             cancelled: Callable[[], bool] | None
             ) -> tuple[list[tuple[Any, ...]], dict[str, date]]:
        """Store rows for every return (ROW_COLUMNS order, imported at `moment`), and
        the first day of each order's A-to-z claim."""
        layout, pos, result, report = self.layout, self.pos, self.result, self.report
        kind, width, file = result.kind, self.width, result.file
        at = {role: pos[getattr(layout, role)] if getattr(layout, role) else width
              for role in ("order", "day", "sku", "quantity", "reason", "status", "outcome",
                           "claim", "refunded", "currency")}
        (order_at, day_at, sku_at, quantity_at, reason_at, status_at, outcome_at, claim_at,
         refunded_at, currency_at) = at.values()
        key_at = pos[layout.key]
        fallback_at = [pos[name] for name in layout.fallback]
        # Texts repeat (days, amounts, flags): each is parsed once per file. A day is
        # cached by its date part (core.returns.date_part, inline on this hot path).
        days: dict[tuple[str, str], date] = {}
        quantities: dict[str, int] = {}
        amounts: dict[tuple[str, str], int | None] = {}
        flags: dict[str, bool] = {}
        currencies: dict[str, str] = {}
        refunded_total = result.refunded
        rows: list[tuple[Any, ...]] = []
        claims: dict[str, date] = {}
        first_line: dict[str, int] = {}
        reader = report.raw_rows
        count = 0
        with report.reading():
            for row in reader:
                line = reader.line_num  # type: ignore[attr-defined]
                if len(row) != width:
                    if not any(cell.strip() for cell in row):
                        continue  # a blank line
                    raise report.misaligned(line, row)
                row.append("")  # the empty sentinel that missing optional columns point at
                count += 1
                order_id = row[order_at].strip()
                if problem := order_id_problem(order_id):
                    raise self.error(line, layout.order, problem)
                text = row[currency_at]
                currency = currencies.get(text)
                if currency is None:
                    currency = currencies[text] = text.strip().upper()
                text = row[day_at]
                cache_key = (text.strip().split(" ", 1)[0].split("T", 1)[0], currency)
                on = days.get(cache_key)
                if on is None:
                    on = days[cache_key] = self.day(line, text, currency)
                key = row[key_at].strip() or "|".join(row[n].strip() for n in fallback_at)
                sku = row[sku_at].strip()
                if len(sku) > _LIMITS["sku"] or len(key) > _LIMITS["key"]:
                    self.too_long(line, sku=sku, key=key)
                text = row[quantity_at]
                quantity = quantities.get(text)
                if quantity is None:
                    quantity = quantities[text] = self.quantity(line, text)
                amount_key = (row[refunded_at], currency)
                refunded = amounts.get(amount_key, amounts)
                if refunded is amounts:
                    refunded = amounts[amount_key] = self.refunded(line, *amount_key)
                text = row[claim_at]
                claim = flags.get(text)
                if claim is None:
                    claim = flags[text] = self.flag(line, text)
                if key in first_line:
                    result.skipped.append({"line": line, "order_id": order_id, "reason":
                                           f"the same return as line {first_line[key]}"})
                    continue
                first_line[key] = line
                if refunded is not None:
                    refunded_total[currency] = refunded_total.get(currency, 0) + refunded
                if claim and (order_id not in claims or on < claims[order_id]):
                    claims[order_id] = on
                rows.append((order_id, kind, key, on, quantity, sku,
                             row[reason_at].strip()[:100], row[status_at].strip()[:64],
                             row[outcome_at].strip()[:100],
                             currency if refunded is not None else None, refunded, claim,
                             file, moment))
                if not line % 1000:
                    report.checkpoint(line, progress, cancelled, f"{len(rows):,} returns read")
        result.rows = count
        return rows, claims

    def too_long(self, line: int, **texts: str) -> None:
        columns = {"sku": self.layout.sku, "key": self.layout.key}
        for what, text in texts.items():
            if len(text) > _LIMITS[what]:
                raise self.error(line, columns[what], f"{text[:40]!r}… is longer than "
                                                      f"{_LIMITS[what]} characters")

    def flag(self, line: int, text: str) -> bool:
        try:
            return flag(text)
        except ValueError as exc:
            raise self.error(line, self.layout.claim or "", str(exc)) from None
