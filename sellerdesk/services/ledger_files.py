"""The credit ledger as a file (PRODUCT.md §6): CSV, XLSX or JSON, each entry with its
prev_hash and entry_hash, and an end mark with the count and the last hash so a file cut
short at a row boundary is caught too. `verify_file` recomputes the chain of any such
file and names the first entry that does not match.

In the spreadsheet every cell is text, as in the CSV: a number Excel reformatted (24.50
shown as 24.5) would otherwise change what the hash covers."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import xlsxwriter
from python_calamine import CalamineError, CalamineWorkbook
from sqlalchemy.engine import Engine

from sellerdesk.core.errors import InputError, KnownError
from sellerdesk.core.ledger import CHAIN_FIELDS, GENESIS, ChainCheck, entry_from_texts, verify_chain
from sellerdesk.services.files import written_whole
from sellerdesk.store import credits as ledger_store
from sellerdesk.store.engine import reading

FORMAT = "sellerdesk-ledger"
END_MARK = "#end-of-ledger"        # CSV: the last row, "#end-of-ledger", count, last hash
SUFFIXES = (".csv", ".xlsx", ".json")
SHEET = "Ledger"


def _suffix(path: Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise KnownError(f"{Path(path).name}: a ledger file ends in "
                         f"{', '.join(SUFFIXES[:-1])} or {SUFFIXES[-1]}")
    return suffix


def export_ledger(engine: Engine, path: Path) -> int:
    """Write every entry, oldest first, whole or not at all. Returns how many."""
    path = Path(path)
    suffix = _suffix(path)
    with reading(engine) as conn:
        entries = list(ledger_store.ledger(conn))
    last = entries[-1]["entry_hash"] if entries else GENESIS
    with written_whole(path) as partial:
        if suffix == ".json":
            with open(partial, "w", encoding="utf-8") as f:
                json.dump({"format": FORMAT, "version": 1, "entries": entries,
                           "count": len(entries), "last_hash": last},
                          f, ensure_ascii=False, indent=1)
            return len(entries)
        rows = [[("" if e[n] is None else str(e[n])) for n in CHAIN_FIELDS] for e in entries]
        end = [END_MARK, str(len(entries)), last]
        if suffix == ".xlsx":
            _write_xlsx(partial, rows, end)
        else:
            with open(partial, "w", encoding="utf-8", newline="") as f:
                out = csv.writer(f)
                out.writerow(CHAIN_FIELDS)
                out.writerows(rows)
                out.writerow(end)
    return len(entries)


def _write_xlsx(path: Path, rows: list[list[str]], end: list[str]) -> None:
    """One sheet, a header row that stays in view, every cell text. constant_memory
    streams rows to disk: 100,000 entries never sit in memory as cell objects."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False,
                                           "strings_to_urls": False})
    sheet = book.add_worksheet(SHEET)
    bold = book.add_format({"bold": True})
    sheet.freeze_panes(1, 0)
    for column, name in enumerate(CHAIN_FIELDS):
        width = 66 if name.endswith("hash") else 28 if name == "reason" else 14
        sheet.set_column(column, column, width)
    sheet.write_row(0, 0, CHAIN_FIELDS, bold)
    write_string = sheet.write_string
    for number, row in enumerate([*rows, end], start=1):
        for column, text in enumerate(row):
            if text:
                write_string(number, column, text)
    book.close()


def verify_file(path: Path) -> ChainCheck:
    """Recompute the chain of an exported ledger. A file that is not one (another
    program's, damaged beyond reading) raises InputError naming it."""
    path = Path(path)
    suffix = _suffix(path)
    try:
        if suffix == ".xlsx":
            entries, count, last = _read_rows(path.name, _xlsx_rows(path))
            return _checked(entries, count, last)
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not a SellerDesk ledger export (not UTF-8 text)",
                         file=path.name) from None
    if suffix == ".json":
        entries, count, last = _read_json(path.name, raw)
    else:
        entries, count, last = _read_rows(path.name, list(csv.reader(raw.splitlines())))
    return _checked(entries, count, last)


def _checked(entries: list[dict[str, Any]], count: int, last: str) -> ChainCheck:
    check = verify_chain(entries)
    if not check.ok:
        return check
    if count < 0:
        return ChainCheck(len(entries), len(entries) + 1, None,
                          "the file's end mark is missing (it was cut short)")
    if count != len(entries) or last != (entries[-1]["entry_hash"] if entries else GENESIS):
        return ChainCheck(len(entries), len(entries) + 1, None,
                          f"the file ends after {len(entries)} entries but was written with "
                          f"{count} (entries were cut off or added at the end)")
    return check


def _read_json(name: str, raw: str) -> tuple[list[dict[str, Any]], int, str]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"not readable JSON ({exc.msg}; cut short?)", file=name,
                         line=exc.lineno) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError("not a SellerDesk ledger export (no \"format\": "
                         f"\"{FORMAT}\")", file=name)
    entries, count, last = data.get("entries"), data.get("count"), data.get("last_hash")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputError("its \"entries\" is not a list of entries", file=name)
    if not isinstance(count, int) or not isinstance(last, str):
        return entries, -1, ""      # the end mark was removed: reported as cut
    return entries, count, last


def _xlsx_rows(path: Path) -> list[list[str]]:
    """The ledger sheet's cells as text. A cell someone retyped in Excel may come back as
    a number; it is read as the text it shows, so the hash reports the edit."""
    try:
        book = CalamineWorkbook.from_path(str(path))
    except CalamineError as exc:
        raise InputError(f"not a readable XLSX workbook ({exc})", file=path.name) from None
    if SHEET not in book.sheet_names:
        raise InputError(f"not a SellerDesk ledger export (no sheet named {SHEET!r})",
                         file=path.name)
    cells = book.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)

    def text(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return "" if value is None else str(value)

    rows = [[text(v) for v in row] for row in cells]
    while rows and not any(rows[-1]):
        rows.pop()
    return [row[:len(CHAIN_FIELDS)] if row[0] != END_MARK else row[:3] for row in rows]


def _read_rows(name: str, rows: list[list[str]]) -> tuple[list[dict[str, Any]], int, str]:
    """Entries from a table of text cells (CSV or the spreadsheet), and its end mark."""
    if not rows or rows[0] != list(CHAIN_FIELDS):
        missing = [f for f in CHAIN_FIELDS if not rows or f not in rows[0]]
        raise InputError("not a SellerDesk ledger export (the header should be "
                         f"{','.join(CHAIN_FIELDS)}"
                         + (f"; no {missing[0]!r} column)" if missing else ")"),
                         file=name, line=1)
    count, last = -1, ""
    body = rows[1:]
    if body and body[-1][:1] == [END_MARK]:
        mark = body.pop()
        count = int(mark[1]) if len(mark) == 3 and mark[1].isdigit() else -1
        last = mark[2] if len(mark) == 3 else ""
    entries = [entry_from_texts(dict(zip(CHAIN_FIELDS, row, strict=False))) for row in body]
    return entries, count, last
