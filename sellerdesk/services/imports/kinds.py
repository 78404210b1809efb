"""One door for every report import: which kind a file is, and the importer for it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import InputError
from sellerdesk.services.files import open_regular_file, read_regular_file
from sellerdesk.services.imports.report_reader import Progress, header_kind, open_report

# Each importer is imported when its kind is asked for: `sellerdesk import orders` then
# loads the orders importer alone, not the feedback importer's metrics, policies and PINs
# (a quarter of a second of a command that imports 10,000 rows in a tenth).

KINDS = ("orders", "feedback", "returns", "fba-returns", "settlement", "performance")


def report_kind(path: Path) -> str | None:
    """What a file looks like, from its first bytes or header: one of KINDS, or None when
    it is none of those. Raises InputError for a path that is no ordinary file (a folder,
    a named pipe, a broken link), checked before anything opens it."""
    with open_regular_file(path) as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        from sellerdesk.services.imports.performance import MAX_BYTES
        try:
            data = read_regular_file(path, limit=MAX_BYTES, what="a performance report")
            return ("performance" if "performanceMetrics" in json.loads(data.decode("utf-8-sig"))
                    else None)
        except (ValueError, TypeError, UnicodeDecodeError, RecursionError, InputError):
            return None         # the importer, if asked, says what is wrong with it
    try:
        with open_report(Path(path)) as report:
            found = header_kind(report.header)
    except InputError:
        return None
    return found[0] if found is not None and found[0] in KINDS else None


def import_report(engine: Engine, path: Path, *, kind: str, marketplace: str | None = None,
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> Any:
    """Import a report of the given kind; returns the importer's result (with summary(),
    as_json() and the rows skipped)."""
    if kind == "orders":
        from sellerdesk.services.imports.orders import import_orders
        return import_orders(engine, path, marketplace=marketplace, progress=progress,
                             cancelled=cancelled)
    if kind == "feedback":
        if not marketplace:
            raise InputError("the feedback report writes its dates the marketplace's way: "
                             "say which marketplace it is from (--marketplace)",
                             file=Path(path).name)
        from sellerdesk.services.imports.feedback import import_feedback
        return import_feedback(engine, path, marketplace=marketplace, progress=progress,
                               cancelled=cancelled)
    if kind in ("returns", "fba-returns"):
        from sellerdesk.services.imports.returns import import_returns
        return import_returns(engine, path, kind=kind, marketplace=marketplace,
                              progress=progress, cancelled=cancelled)
    if kind == "settlement":
        from sellerdesk.services.imports.settlement import import_settlement
        return import_settlement(engine, path, progress=progress, cancelled=cancelled)
    if kind == "performance":
        from sellerdesk.services.imports.performance import import_performance
        return import_performance(engine, path)
    raise ValueError(f"unknown report kind {kind!r}")


def skipped_text(skipped: dict[str, Any]) -> str:
    """One skipped row, for a person: where it was and why."""
    where = f"line {skipped['line']}" if skipped.get("line") else skipped.get("where", "")
    return f"{where}: {skipped['reason']}"
