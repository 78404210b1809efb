"""Import Amazon's seller performance report (GET_V2_SELLER_PERFORMANCE_REPORT, JSON) for
its own Order Defect Rate, to show beside SellerDesk's.

Amazon's schema and its examples disagree on field names and on which parts are present,
so the report is read defensively: every part of the ODR but the rate may be missing.
Importing the same report again replaces its rows; a file is taken whole or not at all.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from sellerdesk.core import numbers
from sellerdesk.core.errors import InputError
from sellerdesk.core.marketplaces import BY_ID
from sellerdesk.core.metrics import AmazonOdr
from sellerdesk.services.clock import now
from sellerdesk.services.files import read_regular_file
from sellerdesk.services.staff import default_staff_name
from sellerdesk.store import amazon as amazon_store
from sellerdesk.store.engine import writing

_COUNTS = {"orders": ("orderCount",), "orders_with_defects": ("orderWithDefects", "count"),
           "negative_feedback": ("negativeFeedback", "count"),
           "atoz_claims": ("claims", "count"), "chargebacks": ("chargebacks", "count")}
MAX_BYTES = 64 * 2**20          # Amazon's report is a few kilobytes a marketplace
MAX_COUNT = 10**12              # more orders or defects than that is a damaged value


@dataclass(slots=True)
class PerformanceImportResult:
    file: str
    rates: list[AmazonOdr] = field(default_factory=list)
    account_status: dict[str, str] = field(default_factory=dict)  # by marketplace code
    skipped: list[dict[str, Any]] = field(default_factory=list)
    kind: str = "performance"

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "kind": self.kind, "rows": len(self.rates),
                "orders_added": 0, "orders_updated": 0, "skipped": self.skipped,
                "odr": [{"marketplace": r.marketplace, "channel": r.channel, "rate": r.rate,
                         "status": r.status, "orders": r.orders,
                         "window_start": r.window_start and r.window_start.isoformat(),
                         "window_end": r.window_end and r.window_end.isoformat()}
                        for r in self.rates]}

    def summary(self) -> str:
        rates = ", ".join(f"{r.marketplace} {r.channel} {r.rate:.2%}" for r in self.rates)
        return f"{self.file}: Amazon's ODR {rates}"


class _Reader:
    """Walks the report, naming the JSON path of anything it cannot use."""

    def __init__(self, name: str) -> None:
        self.name = name

    def error(self, where: str, message: str) -> InputError:
        return InputError(f"{where}: {message}", file=self.name)

    def number(self, value: Any, where: str) -> float:
        """A JSON number, or a number written as text the plain way (core.numbers: no
        exponent, no other scripts' digits); a rate is between 0 and 1."""
        shown = _shown(value)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.error(where, f"{shown} is not a number")
        if isinstance(value, int) and abs(value) > MAX_COUNT:
            raise self.error(where, f"{shown} is too large to be a count or rate")
        try:
            number = float(numbers.parse_decimal(value) if isinstance(value, str) else value)
        except ValueError:
            raise self.error(where, f"{shown} is not a number") from None
        if not math.isfinite(number):
            raise self.error(where, f"{shown} is not a number")
        if not 0 <= number <= 1 and where.endswith(".rate"):
            raise self.error(where, f"{shown} is not a rate between 0 and 1")
        return number

    def count(self, part: dict[str, Any], path: tuple[str, ...], where: str) -> int | None:
        value: Any = part
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        number = self.number(value, f"{where}.{'.'.join(path)}")
        if number != int(number) or not 0 <= number <= MAX_COUNT:
            raise self.error(f"{where}.{'.'.join(path)}", f"{_shown(value)} is not a count")
        return int(number)

    def day(self, value: Any, where: str) -> date | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value.isascii():
            raise self.error(where, f"{_shown(value)} is not a date")
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        except ValueError:
            raise self.error(where, f"{_shown(value)} is not a date") from None


def _shown(value: Any) -> str:
    """A value for a message: short, whatever the file held there."""
    if isinstance(value, dict | list):
        return "an object" if isinstance(value, dict) else "a list"
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**30 else "a huge number"
    return text if len(text) <= 40 else text[:37] + "…"


def read_performance(path: Path) -> PerformanceImportResult:
    """Amazon's ODR rows in a performance report, checked; nothing is written."""
    path = Path(path)
    data = read_regular_file(path, limit=MAX_BYTES, what="a seller performance report")
    try:
        return _read_report(path.name, data)
    except RecursionError:
        raise InputError("the JSON is nested thousands of levels deep: this is not a seller "
                         "performance report", file=path.name) from None


def _read_report(name: str, data: bytes) -> PerformanceImportResult:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"the file is not UTF-8 text (byte {exc.start})", file=name) from None
    if not text.strip():
        raise InputError("the file is empty", file=name)
    try:
        report = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg}, column {exc.colno}); is this the "
                         "seller performance report?", file=name, line=exc.lineno) from None
    except ValueError as exc:   # a number past Python's 4,300 digits
        raise InputError(f"not a seller performance report ({exc})", file=name) from None
    reader = _Reader(name)
    result = PerformanceImportResult(file=name)
    if isinstance(report, dict) and "processingStatus" in report:
        raise InputError(f"this is the status of a report ({report['processingStatus']}), "
                         "not the report itself; there is nothing to import", file=name)
    metrics = report.get("performanceMetrics") if isinstance(report, dict) else None
    if not isinstance(metrics, list):
        raise InputError("there is no 'performanceMetrics' list: this is not a seller "
                         "performance report", file=name)
    listed = report.get("accountStatuses")
    statuses = {s["marketplaceId"]: str(s.get("status", "")) for s in
                (listed if isinstance(listed, list) else [])
                if isinstance(s, dict) and isinstance(s.get("marketplaceId"), str)}
    for n, entry in enumerate(metrics):
        where = f"performanceMetrics[{n}]"
        if not isinstance(entry, dict):
            raise reader.error(where, "is not an object")
        market_id = entry.get("marketplaceId") or (next(iter(statuses)) if len(statuses) == 1
                                                     else None)
        market = BY_ID.get(market_id) if isinstance(market_id, str) else None
        odr = entry.get("orderDefectRate")
        if market is None or not isinstance(odr, dict):
            result.skipped.append({"where": where, "reason": "no marketplace we know" if
                                   market is None else "no orderDefectRate"})
            continue
        for channel in ("mfn", "afn"):
            part = odr.get(channel)
            if not isinstance(part, dict):
                continue
            here = f"{where}.orderDefectRate.{channel}"
            if "rate" not in part:
                raise reader.error(here, "has no rate")
            window = part.get("reportingDateRange")
            window = window if isinstance(window, dict) else {}
            result.rates.append(AmazonOdr(
                marketplace=market.code, channel=channel.upper(),
                window_start=reader.day(window.get("reportingDateFrom"),
                                        f"{here}.reportingDateRange.reportingDateFrom"),
                window_end=reader.day(window.get("reportingDateTo"),
                                      f"{here}.reportingDateRange.reportingDateTo"),
                rate=reader.number(part["rate"], f"{here}.rate"),
                status=str(part.get("status", "")),
                target=(reader.number(part["targetValue"], f"{here}.targetValue")
                        if "targetValue" in part else None),
                **{name: reader.count(part, keys, here) for name, keys in _COUNTS.items()}))
        result.account_status[market.code] = statuses.get(market_id, "")
    if not result.rates:
        raise InputError("the report has no Order Defect Rate for any marketplace",
                         file=name)
    return result


def import_performance(engine: Engine, path: Path, *,
                       staff: str | None = None) -> PerformanceImportResult:
    """Store Amazon's ODR from a performance report; the same report again replaces its
    rows (same marketplace, channel and window)."""
    result = read_performance(path)
    moment, by = now(), staff or default_staff_name()
    with writing(engine) as conn:
        for odr in result.rates:
            amazon_store.put_amazon_odr(
                conn, odr=odr, account_status=result.account_status.get(odr.marketplace, ""),
                file=result.file, by=by, now=moment)
    return result
