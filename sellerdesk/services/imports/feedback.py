"""Import the seller feedback report (GET_SELLER_FEEDBACK_DATA): ratings of 1 or 2 stars
become negative-feedback defects on their orders.

The whole file is read and checked first, then written in one transaction: it lands whole
or not at all, and importing it again changes nothing. The rater's e-mail is kept only as
a keyed hash; comments are not kept (they may name the buyer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import Cancelled, InputError
from sellerdesk.core.marketplaces import Marketplace, by_code, parse_report_date
from sellerdesk.core.metrics import NEGATIVE_RATINGS, DefectKind
from sellerdesk.services.clock import now
from sellerdesk.services.imports.report_reader import Progress, Report, open_report, skipped_note
from sellerdesk.services.metrics import rater_references
from sellerdesk.services.staff import default_staff_name
from sellerdesk.store import defects as defect_store
from sellerdesk.store import orders as order_store
from sellerdesk.store.engine import writing

REQUIRED = ("Date", "Rating", "Order ID")
OPTIONAL = ("Comments", "Your Response", "Rater Email")
SOURCE = "feedback_report"


@dataclass(slots=True)
class FeedbackImportResult:
    file: str
    marketplace: str
    rows: int = 0
    negative: int = 0           # rows rated 1 or 2
    added: int = 0              # negative feedback new to SellerDesk
    updated: int = 0            # negative feedback already recorded, refreshed
    revised: int = 0            # recorded as negative, now rated 3 or more: no longer counts
    skipped: list[dict[str, Any]] = field(default_factory=list)
    kind: str = "feedback"

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "kind": self.kind, "marketplace": self.marketplace,
                "rows": self.rows, "orders_added": 0, "orders_updated": 0,
                "negative": self.negative, "added": self.added,
                "updated": self.updated, "revised": self.revised, "skipped": self.skipped}

    def summary(self) -> str:
        if not self.rows:
            return f"{self.file}: no feedback in this report; nothing changed"
        text = (f"{self.file}: {self.rows:,} rating{'s' if self.rows != 1 else ''}, "
                f"{self.negative:,} negative "
                f"({self.added:,} new, {self.updated:,} already recorded)")
        if self.revised:
            text += f", {self.revised:,} raised to 3 stars or more (no longer a defect)"
        return text + skipped_note(self.skipped)


@dataclass(frozen=True, slots=True)
class _Rating:
    line: int
    order_id: str
    on: date
    stars: int
    rater_ref: str | None


def import_feedback(engine: Engine, path: Path, *, marketplace: str,
                    progress: Progress | None = None,
                    cancelled: Callable[[], bool] | None = None,
                    staff: str | None = None) -> FeedbackImportResult:
    """Import a feedback report from one marketplace (its dates are written that
    marketplace's way). Raises InputError (file, line, column) or Cancelled; in both
    cases the database is exactly as it was."""
    try:
        market = by_code(marketplace)
    except ValueError as exc:
        raise InputError(str(exc), file=Path(path).name) from None
    hint = "cp932" if market.code == "JP" else None
    with open_report(Path(path), encoding_hint=hint) as report:
        result = FeedbackImportResult(file=report.name, marketplace=market.code)
        ratings = _read(report, market, result, progress, cancelled,
                        rater_references(engine))
    with writing(engine) as conn:
        placed = order_store.purchase_dates(conn, order_ids=[r.order_id for r in ratings])
        moment, by = now(), staff or default_staff_name()
        for r in ratings:
            if r.order_id not in placed:
                result.skipped.append({"line": r.line, "order_id": r.order_id, "reason":
                                       f"no order {r.order_id} in SellerDesk (import the "
                                       "orders report that has it, then this file again)"})
                continue
            if r.on < placed[r.order_id].date():
                raise InputError(
                    f"the feedback date {r.on} is before order {r.order_id} was placed "
                    f"({placed[r.order_id]:%Y-%m-%d}); is this report from another "
                    f"marketplace than {market.code}?",
                    file=result.file, line=r.line, column="Date")
            if r.stars in NEGATIVE_RATINGS:
                result.negative += 1
                new = defect_store.put_defect(
                    conn, order_id=r.order_id, kind=DefectKind.NEGATIVE_FEEDBACK.value,
                    status="active", on=r.on, rating=r.stars, rater_ref=r.rater_ref,
                    source=SOURCE, by=by, now=moment)
                result.added += new
                result.updated += not new
            elif defect_store.revise_feedback(conn, order_id=r.order_id, rating=r.stars,
                                              now=moment):
                result.revised += 1
        if cancelled is not None and cancelled():
            raise Cancelled("The import")
    return result


def _read(report: Report, market: Marketplace, result: FeedbackImportResult,
          progress: Progress | None, cancelled: Callable[[], bool] | None,
          rater_reference: Callable[[str], str | None]) -> list[_Rating]:
    """Every row checked before anything is written; a repeated order keeps its first row."""
    pos = report.columns(REQUIRED, OPTIONAL)
    today = now().date()
    ratings: list[_Rating] = []
    first_line: dict[str, int] = {}

    def error(line: int, column: str, message: str) -> InputError:
        return InputError(message, file=report.name, line=line, column=column)

    for line, row in report.rows():      # each as wide as the header
        def cell(name: str, _row: list[str] = row) -> str:
            return _row[pos[name]].strip() if name in pos and pos[name] < len(_row) else ""

        order_id = cell("Order ID")
        if not order_id:
            raise error(line, "Order ID", "the order id is empty")
        stars = cell("Rating")
        if stars not in ("1", "2", "3", "4", "5"):
            raise error(line, "Rating", f"{stars!r} is not a rating from 1 to 5")
        try:
            on = parse_report_date(cell("Date"), market.feedback_dates)
        except ValueError as exc:
            raise error(line, "Date", f"{exc}, as {market.sales_channel} writes them (is this "
                                      "report from another marketplace?)") from None
        if on > today:
            raise error(line, "Date", f"the date {on} is in the future")
        result.rows += 1
        if order_id in first_line:
            result.skipped.append({"line": line, "order_id": order_id,
                                   "reason": f"the same order as line {first_line[order_id]}"})
            continue
        first_line[order_id] = line
        ratings.append(_Rating(line, order_id, on, int(stars), rater_reference(cell(
            "Rater Email"))))
        report.checkpoint(line, progress, cancelled, f"{result.rows:,} ratings read")
    return ratings
