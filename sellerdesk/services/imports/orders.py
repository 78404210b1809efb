"""Import the All Orders report (GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL).

One row per item; rows are grouped into orders (services.imports.orders_report) and written in
batches through Core executemany, all inside one transaction: the import lands whole or
not at all, and re-importing a file refreshes orders in place.

A large report is read in a second process while this one writes: parsing and SQLite's
inserts each take about half the time, and Python threads would serialise them on the GIL.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import Cancelled, InputError, KnownError
from sellerdesk.core.pace import RowsRead
from sellerdesk.services.imports.orders_report import (
    HEAD_COLUMNS,
    ITEM_COLUMNS,
    Batch,
    Tally,
    open_orders_report,
    read_batches,
    read_in_worker,
    unpacked,
)
from sellerdesk.services.imports.report_reader import Progress, skipped_note
from sellerdesk.store import orders as order_store
from sellerdesk.store.engine import refresh_statistics, writing

assert tuple(order_store.ORDER_COLUMNS) == HEAD_COLUMNS, "orders table changed: update reader"
assert tuple(order_store.ITEM_COLUMNS) == ITEM_COLUMNS, "items table changed: update reader"
# Below this size the reading process costs more to start than it saves.
WORKER_FROM_BYTES = 8 * 2**20


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
        text = (f"{self.file}: {self.rows:,} row{'s' if self.rows != 1 else ''}, "
                f"{self.orders_added:,} order{'s' if self.orders_added != 1 else ''} added, "
                f"{self.orders_updated:,} updated")
        return text + skipped_note(self.skipped)


def import_orders(engine: Engine, path: Path, *, marketplace: str | None = None,
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None,
                  in_worker: bool | None = None) -> ImportResult:
    """Import an All Orders report. Raises InputError (file, line, column) or Cancelled;
    in both cases the database is exactly as it was. `in_worker` chooses where the file
    is parsed (None: a second process for files of WORKER_FROM_BYTES and more)."""
    report, parser = open_orders_report(Path(path), marketplace)
    with report:
        if in_worker is None:
            in_worker = report.size >= WORKER_FROM_BYTES
        tally = Tally()
        batches = (_read_in_worker(Path(path), marketplace, tally) if in_worker
                   else read_batches(report, parser, tally))
        result = ImportResult(file=report.name, kind="orders")
        with writing(engine) as conn, closing(batches):
            with order_store.bulk_load(conn, file_bytes=report.size):
                write_batches(conn, batches, tally, result, progress, cancelled)
            refresh_statistics(conn)   # with the indexes back: the planner's numbers
        return result


def write_batches(conn, batches: Iterator[Batch], tally: Tally, result: ImportResult,
                  progress: Progress | None, cancelled: Callable[[], bool] | None) -> None:
    """Write batches of order rows (from a report, or from SP-API) and count what was
    added and updated into `result`."""
    had_orders = order_store.has_orders(conn)
    before: set[str] = set()   # orders stored before this import
    for batch in batches:
        if had_orders:
            fresh = [h[0] for h in batch.heads if h[0] not in before]
            before.update(order_store.existing_order_ids(conn, order_ids=fresh))
        order_store.upsert_orders(conn, orders=batch.heads, items=batch.items)
        if had_orders:   # an order re-imported with fewer lines loses the rest
            order_store.trim_items(conn, line_counts=_line_counts(batch.items))
        if cancelled is not None and cancelled():
            raise Cancelled("The import")
        if progress is not None:
            progress(batch.fraction, RowsRead(batch.rows, f"{batch.rows:,} rows read"))
    if tally.scattered:
        order_store.refresh_totals(conn, order_ids=tally.scattered)
    if tally.first is not None and tally.last is not None:
        order_store.refresh_order_days(conn, first=tally.first.date(), last=tally.last.date())
    result.rows, result.skipped = tally.rows, tally.skipped
    result.orders_updated = len(before)
    result.orders_added = tally.orders - len(before)
    if progress is not None:
        progress(1.0, RowsRead(result.rows, f"{result.rows:,} rows imported"))


def _line_counts(items: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Each order's item count so far in this import, from its highest line in a batch.
    An order whose rows are scattered is trimmed again, to its larger count, by the
    later batch that carries its later lines, and those lines are written again there."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item[0]] = item[1] + 1   # sorted by order, then line: the last one wins
    return [{"oid": oid, "n": n} for oid, n in counts.items()]


def _read_in_worker(path: Path, marketplace: str | None, tally: Tally) -> Iterator[Batch]:
    """Batches from a reading process. The pipe holds about one batch, so the reader
    parses the next batch while this process writes the last, and no further ahead.
    Closing the generator (a cancel, an error while writing) stops the reader."""
    context = multiprocessing.get_context("spawn")   # the same on Linux, macOS, Windows
    receiving, sending = context.Pipe(duplex=False)
    reader = context.Process(target=read_in_worker, args=(path, marketplace, sending),
                             name="sellerdesk-import-reader", daemon=True)
    reader.start()
    sending.close()
    try:
        while True:
            try:
                message = receiving.recv()
            except EOFError:
                reader.join()
                raise KnownError(f"{path.name}: the process reading the report stopped "
                                 f"(exit code {reader.exitcode}); nothing was imported") from None
            if message[0] == "batch":
                heads, items, fraction, rows = message[1:]
                yield Batch(unpacked(heads), unpacked(items), fraction, rows)
            elif message[0] == "done":
                for name in Tally.__slots__:
                    setattr(tally, name, getattr(message[1], name))
                return
            elif message[0] == "input-error":
                reason, file, line, column = message[1:]
                raise InputError(reason, file=file, line=line, column=column)
            else:
                raise RuntimeError(f"reading {path.name} failed:\n{message[1]}")
    finally:
        if reader.is_alive():
            reader.terminate()
        reader.join()
        receiving.close()
