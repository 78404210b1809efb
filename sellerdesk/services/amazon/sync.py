"""Sync now: new and changed orders from the Orders API, then the reports SellerDesk
reads, asked for, waited on and downloaded through the Reports API and imported by the
same importers as a downloaded file.

Each part lands whole or not at all (the orders in one transaction, each report in its
own import); a part Amazon refuses is said in the account and the others still land.
What was fetched up to when is kept as settings, so the next sync asks only for what is
new (with an hour's overlap: importing again changes nothing).
"""

from __future__ import annotations

import gzip
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import Cancelled, KnownError
from sellerdesk.core.marketplaces import Marketplace, by_code
from sellerdesk.services.amazon.api import AmazonApi, AmazonError, region_of
from sellerdesk.services.amazon.orders import INCLUDED_DATA, OrderProblem, order_rows
from sellerdesk.services.clock import now
from sellerdesk.services.imports.kinds import import_report
from sellerdesk.services.imports.orders import ImportResult, write_batches
from sellerdesk.services.imports.orders_report import Batch, Tally
from sellerdesk.services.imports.report_reader import Progress, parse_timestamp
from sellerdesk.store import settings as settings_store
from sellerdesk.store.engine import reading, writing

MARKETPLACES_SETTING = "sp_api.marketplaces"
MARK = "sp_api.mark."            # + what.where: the time fetched up to
ORDERS_FIRST_DAYS = 30           # the first sync's reach; older orders: the All Orders report
OVERLAP = timedelta(hours=1)
SETTLEMENT = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"
SETTLEMENT_DAYS = 90             # Amazon keeps reports this long


@dataclass(frozen=True, slots=True)
class Wanted:
    """A report Sync now asks Amazon to make."""
    kind: str                    # the importer (services.imports.kinds.KINDS)
    report_type: str
    title: str
    first_days: int | None       # the first sync's reach; None: the report has no period


WANTED = (
    Wanted("returns", "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE", "Returns report", 60),
    Wanted("fba-returns", "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA",
           "FBA customer returns", 60),
    Wanted("feedback", "GET_SELLER_FEEDBACK_DATA", "Feedback report", 90),
    Wanted("performance", "GET_V2_SELLER_PERFORMANCE_REPORT", "Account health", None),
)
TERMINAL = ("DONE", "CANCELLED", "FATAL")


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the account a sync gives."""
    what: str
    text: str
    ok: bool = True


@dataclass(slots=True)
class SyncResult:
    lines: list[Line] = field(default_factory=list)
    orders_added: int = 0
    orders_updated: int = 0
    reports_imported: int = 0
    cancelled: bool = False
    tell = True                  # the seller asked: the account goes in a message box

    @property
    def ok(self) -> bool:
        return not self.cancelled and all(line.ok for line in self.lines)

    def summary(self) -> str:
        head = ("Sync with Amazon cancelled; what is listed came in" if self.cancelled
                else "Synced with Amazon" if self.ok
                else "Synced with Amazon, with problems")
        return head + ":\n" + "\n".join(f"• {line.what}: {line.text}" for line in self.lines)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "cancelled": self.cancelled,
                "orders_added": self.orders_added, "orders_updated": self.orders_updated,
                "reports_imported": self.reports_imported,
                "lines": [{"what": x.what, "text": x.text, "ok": x.ok} for x in self.lines]}


def sync_marketplaces(engine: Engine) -> list[Marketplace]:
    """The marketplaces Sync now covers (Settings), US when none was chosen."""
    with reading(engine) as conn:
        text = settings_store.setting(conn, key=MARKETPLACES_SETTING) or "US"
    return [by_code(code) for code in text.split(",") if code.strip()]


def save_sync_marketplaces(engine: Engine, codes: Sequence[str], *, by: str) -> None:
    markets = [by_code(code) for code in codes]    # unknown codes refused before storing
    if not markets:
        raise KnownError("Choose at least one marketplace to sync.")
    with writing(engine) as conn:
        settings_store.put_setting(conn, key=MARKETPLACES_SETTING,
                                   value=",".join(m.code for m in markets), by=by, now=now())


def sync_now(engine: Engine, api: AmazonApi, *, marketplaces: Sequence[Marketplace],
             by: str, progress: Progress | None = None) -> SyncResult:
    """Bring in what Amazon has that SellerDesk has not. Cancel (through `api`) stops
    between parts: what came in stays and is listed."""
    say = progress or (lambda _fraction, _text: None)
    result = SyncResult()
    regions = [list(group) for _, group in groupby(sorted(marketplaces, key=region_of),
                                                   key=region_of)]
    try:
        for n, region in enumerate(regions):
            _sync_orders(engine, api, region, by, result,
                         lambda text, n=n: say(0.3 * n / len(regions), text))
        say(0.3, "Asking Amazon for the reports…")
        asked = [a for region in regions for a in _ask_reports(engine, api, region, result)]
        asked += [s for region in regions
                  for s in _settlements(engine, api, region, by, result)]
        _wait_for_reports(api, asked, say)
        with tempfile.TemporaryDirectory(prefix="sellerdesk-sync-") as folder:
            for n, report in enumerate(asked):
                say(0.7 + 0.3 * n / max(len(asked), 1), f"Importing {report.label}…")
                _bring_in(engine, api, report, Path(folder), by, result)
        _move_settlement_marks(engine, asked, by)
    except Cancelled:
        result.cancelled = True
    say(1.0, "Done")
    return result


# -- orders -------------------------------------------------------------------------------
def _sync_orders(engine: Engine, api: AmazonApi, markets: list[Marketplace], by: str,
                 result: SyncResult, say: Callable[[str], None]) -> None:
    codes = ", ".join(m.code for m in markets)
    what = f"Orders ({codes})"
    key = f"{MARK}orders.{'+'.join(m.code for m in markets)}"   # a marketplace added: afresh
    since = _mark(engine, key) or now() - timedelta(days=ORDERS_FIRST_DAYS)
    client = api.orders(markets[0])
    arguments: dict[str, Any] = {
        "lastUpdatedAfter": _iso(since - OVERLAP),
        "marketplaceIds": [m.marketplace_id for m in markets],
        "includedData": list(INCLUDED_DATA), "maxResultsPerPage": 100}
    asked_at = now()
    rows: dict[str, tuple[tuple, list[list[Any]]]] = {}
    skipped: list[str] = []
    pages = 0
    try:
        while True:
            say(f"Fetching orders ({codes}), page {pages + 1}…")
            response = api.call("searchOrders", client.search_orders, **arguments)
            pages += 1
            for order in response.payload.get("orders") or []:
                try:
                    head, items = order_rows(order)
                except OrderProblem as exc:
                    skipped.append(str(exc))
                    continue
                known = rows.get(head[0])
                if known is None or head[3] >= known[0][3]:   # the newest copy wins
                    rows[head[0]] = (head, items)
            if not response.next_token:
                until = response.payload.get("lastUpdatedBefore")
                break
            arguments["paginationToken"] = response.next_token
    except AmazonError as exc:
        result.lines.append(Line(what, f"{exc} Nothing was changed.", ok=False))
        return
    landed = _write_orders(engine, list(rows.values()), api)
    result.orders_added += landed.orders_added
    result.orders_updated += landed.orders_updated
    _set_mark(engine, key, _parse_time(until) or asked_at - timedelta(minutes=2), by)
    text = (f"{landed.orders_added:,} new, {landed.orders_updated:,} updated "
            f"({pages} page{'s' if pages != 1 else ''} from the Orders API)")
    if skipped:
        text += f"; {len(skipped)} left out: " + "; ".join(skipped[:3]) + \
            ("…" if len(skipped) > 3 else "")
    result.lines.append(Line(what, text, ok=not skipped))


def _write_orders(engine: Engine, orders: list[tuple[tuple, list[list[Any]]]],
                  api: AmazonApi) -> ImportResult:
    landed = ImportResult(file="Orders API", kind="orders")
    if not orders:
        return landed
    orders.sort(key=lambda pair: pair[0][0])
    heads = [head for head, _ in orders]
    items = [item for _, order_items in orders for item in order_items]
    dates = [head[2] for head in heads]
    tally = Tally(rows=len(items), orders=len(heads), first=min(dates), last=max(dates))
    with writing(engine) as conn:
        write_batches(conn, iter([Batch(heads, items, 1.0, len(items))]), tally, landed,
                      None, api.cancelled)
    return landed


# -- reports ------------------------------------------------------------------------------
@dataclass(slots=True)
class Asked:
    """A report asked for (or found ready, for settlements) and what became of it."""
    kind: str
    label: str
    market: Marketplace
    report_id: str
    mark_key: str = ""
    mark_to: datetime | None = None
    status: str = "IN_QUEUE"
    landed: bool = False
    problem: str = ""               # why Amazon could not be asked how it is going
    document_id: str | None = None
    report_type: str = ""


def _ask_reports(engine: Engine, api: AmazonApi, markets: list[Marketplace],
                 result: SyncResult) -> list[Asked]:
    client = api.reports(markets[0])
    asked = []
    for wanted in WANTED:
        for market in markets:
            label = f"{wanted.title}, {market.code}"
            body: dict[str, Any] = {"reportType": wanted.report_type,
                                    "marketplaceIds": [market.marketplace_id]}
            key = f"{MARK}{wanted.kind}.{market.code}"
            if wanted.first_days is not None:
                since = _mark(engine, key) or now() - timedelta(days=wanted.first_days)
                body["dataStartTime"] = _iso(since - OVERLAP)
            try:
                answer = api.call("createReport", client.create_report, **body)
            except AmazonError as exc:
                result.lines.append(Line(label, str(exc), ok=False))
                continue
            asked.append(Asked(wanted.kind, label, market, str(answer.payload["reportId"]),
                               key, now(), report_type=wanted.report_type))
    return asked


def _settlements(engine: Engine, api: AmazonApi, markets: list[Marketplace], by: str,
                 result: SyncResult) -> list[Asked]:
    """Amazon makes settlement reports itself, every fortnight or so: list the new ones."""
    client = api.reports(markets[0])
    key = f"{MARK}settlement.{'+'.join(m.code for m in markets)}"
    what = f"Settlements ({', '.join(m.code for m in markets)})"
    since = _mark(engine, key) or now() - timedelta(days=SETTLEMENT_DAYS)
    arguments: dict[str, Any] = {
        "reportTypes": [SETTLEMENT], "processingStatuses": ["DONE"],
        "marketplaceIds": [m.marketplace_id for m in markets],
        "createdSince": _iso(since - OVERLAP), "pageSize": 100}
    found: list[Asked] = []
    try:
        while True:
            answer = api.call("getReports", client.get_reports, **arguments)
            for report in answer.payload.get("reports") or []:
                if report.get("reportType", SETTLEMENT) != SETTLEMENT:
                    continue
                found.append(Asked("settlement", f"Settlement report {report['reportId']}",
                                   markets[0], str(report["reportId"]), status="DONE",
                                   document_id=report.get("reportDocumentId"),
                                   report_type=SETTLEMENT))
            if not answer.next_token:
                break
            arguments = {"nextToken": answer.next_token}   # Amazon wants it alone
    except AmazonError as exc:
        result.lines.append(Line(what, str(exc), ok=False))
        return []
    if not found:
        result.lines.append(Line(what, "none new"))
        _set_mark(engine, key, now(), by)
    for report in found:            # moved on once every one of them has landed
        report.mark_key, report.mark_to = key, now()
    return found


def _wait_for_reports(api: AmazonApi, asked: list[Asked],
                      say: Callable[[float, str], None]) -> None:
    waiting = [a for a in asked if a.status not in TERMINAL]
    give_up = time.monotonic() + api.pace.report_patience
    while waiting:
        for report in waiting:
            try:
                answer = api.call("getReport", api.reports(report.market).get_report,
                                  reportId=report.report_id)
            except AmazonError as exc:
                report.status, report.problem = "FAILED", str(exc)
                continue
            report.status = answer.payload.get("processingStatus", report.status)
            report.document_id = answer.payload.get("reportDocumentId")
        waiting = [a for a in waiting if a.status not in (*TERMINAL, "FAILED")]
        if not waiting:
            return
        ready = len(asked) - len(waiting)
        say(0.3 + 0.4 * ready / len(asked),
            f"Amazon is making the reports: {ready} of {len(asked)} ready")
        if time.monotonic() >= give_up:
            for report in waiting:
                report.status = "LATE"
            return
        api.sleep(api.pace.poll_every)


def _bring_in(engine: Engine, api: AmazonApi, report: Asked, folder: Path, by: str,
              result: SyncResult) -> None:
    """Download a finished report and import it as if the seller had dropped it in."""
    if report.status == "CANCELLED":    # Amazon's way of saying the period had no data
        result.lines.append(Line(report.label, "nothing new in the period"))
        _set_mark(engine, report.mark_key, report.mark_to, by)
        return
    if report.status != "DONE" or not report.document_id:
        why = {"FATAL": "Amazon could not make the report (FATAL); sync again later",
               "LATE": "Amazon had not finished it; sync again later to fetch it"}
        result.lines.append(Line(report.label, why.get(report.status, report.problem
                                                       or report.status), ok=False))
        return
    client = api.reports(report.market)
    try:
        answer = api.call("getReportDocument", client.get_report_document,
                          reportDocumentId=report.document_id)
        data = api.download(answer.payload["url"], report.label)
        if (answer.payload.get("compressionAlgorithm") or "").upper() == "GZIP":
            data = _gunzip(data, report.label)
    except AmazonError as exc:
        result.lines.append(Line(report.label, str(exc), ok=False))
        return
    suffix = ".json" if report.kind == "performance" else ".txt"
    path = folder / f"{report.report_type}_{report.report_id}{suffix}"
    path.write_bytes(data)
    try:
        landed = import_report(engine, path, kind=report.kind, marketplace=report.market.code,
                               cancelled=api.cancelled)
    except Cancelled:
        raise
    except KnownError as exc:
        result.lines.append(Line(report.label, str(exc), ok=False))
        return
    finally:
        path.unlink(missing_ok=True)   # buyers' words may be in it: keep no copy
    result.reports_imported += 1
    report.landed = True
    result.lines.append(Line(report.label, landed.summary().split(": ", 1)[-1]))
    if report.kind != "settlement":
        _set_mark(engine, report.mark_key, report.mark_to, by)


def _move_settlement_marks(engine: Engine, asked: list[Asked], by: str) -> None:
    """Settlements are listed, not asked for: the next sync lists from now only when
    every one found this time landed (a refused one is found again)."""
    settlements = [a for a in asked if a.kind == "settlement"]
    for key in {a.mark_key for a in settlements}:
        mine = [a for a in settlements if a.mark_key == key]
        if all(a.landed for a in mine):
            _set_mark(engine, key, mine[0].mark_to, by)


def _gunzip(data: bytes, what: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        raise AmazonError(f"{what} arrived damaged (not the GZIP file Amazon announced); "
                          "sync again.") from None


# -- marks --------------------------------------------------------------------------------
def _mark(engine: Engine, key: str) -> datetime | None:
    with reading(engine) as conn:
        return _parse_time(settings_store.setting(conn, key=key))


def _set_mark(engine: Engine, key: str, value: datetime | None, by: str) -> None:
    if not key or value is None:
        return
    with writing(engine) as conn:
        settings_store.put_setting(conn, key=key, value=value.isoformat(timespec="seconds"),
                                   by=by, now=now())


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_timestamp(text)
    except ValueError:
        return None
