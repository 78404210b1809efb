"""The credit ledger as a file (PRODUCT.md §6): CSV, XLSX or JSON, each entry with its
prev_hash and entry_hash, and an end mark with the count and the last hash so a file cut
short at a row boundary is caught too. `verify_file` recomputes the chain of any such
file and names the first entry that does not match.

In the spreadsheet every cell is text, as in the CSV: a number Excel reformatted (24.50
shown as 24.5) would otherwise change what the hash covers."""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook
from rustpy_xlsxwriter import FastExcel
from sqlalchemy.engine import Engine

from sellerdesk.core.errors import InputError, KnownError
from sellerdesk.core.ledger import CHAIN_FIELDS, GENESIS, ChainCheck, verify_chain, verify_texts
from sellerdesk.services.files import open_regular_file, require_regular_file, written_whole
from sellerdesk.services.protection import security_log
from sellerdesk.store import credits as ledger_store
from sellerdesk.store.engine import reading

FORMAT = "sellerdesk-ledger"
END_MARK = "#end-of-ledger"        # CSV: the last row, "#end-of-ledger", count, last hash
SUFFIXES = (".csv", ".xlsx", ".json")
SHEET = "Ledger"
_UNREADABLE = -2                   # an end mark whose count is not one (-1: no end mark)


def _suffix(path: Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise KnownError(f"{Path(path).name}: a ledger file ends in "
                         f"{', '.join(SUFFIXES[:-1])} or {SUFFIXES[-1]}")
    return suffix


def export_ledger(engine: Engine, path: Path, *, staff: str | None = None) -> int:
    """Write every entry, oldest first, whole or not at all. Returns how many."""
    path = Path(path)
    suffix = _suffix(path)
    with reading(engine) as conn:
        rows = list(ledger_store.ledger_rows(conn))
    last = rows[-1][-1] if rows else GENESIS
    end = (END_MARK, str(len(rows)), last)
    with written_whole(path) as partial:
        if suffix == ".json":
            _write_json(partial, rows, last)
        elif suffix == ".xlsx":
            _write_xlsx(partial, rows, end)
        else:
            with open(partial, "w", encoding="utf-8", newline="") as f:
                out = csv.writer(f)         # None is written as an empty field
                out.writerow(CHAIN_FIELDS)
                out.writerows(rows)
                out.writerow(end)
    security_log.record_now(engine, "export", f"ledger, {len(rows)} entries, to {path}",
                            actor=staff)
    return len(rows)


def _write_json(path: Path, rows: list[tuple[Any, ...]], last: str) -> None:
    """One entry per line, so the file reads (and diffs) entry by entry."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    head = {"format": FORMAT, "version": 1, "count": len(rows), "last_hash": last}
    with open(path, "w", encoding="utf-8") as f:
        f.write(encode(head)[:-1] + ',\n "entries": [\n')
        f.write(",\n".join(encode(dict(zip(CHAIN_FIELDS, row, strict=True))) for row in rows))
        f.write("\n]}\n")


def _write_xlsx(path: Path, rows: list[tuple[Any, ...]], end: tuple[str, ...]) -> None:
    """One sheet, a header row that stays in view, every cell text (an empty field no cell
    at all). Records go in as dicts with every key in the same order: the writer places
    each record's values by position."""
    def text(row: tuple[Any, ...]) -> dict[str, str | None]:
        return dict(zip(CHAIN_FIELDS, (None if v is None or v == "" else str(v) for v in row),
                        strict=True))
    mark = dict.fromkeys(CHAIN_FIELDS) | dict(zip(CHAIN_FIELDS, end, strict=False))
    widths = [66 if name.endswith("hash") else 28 if name == "reason" else 14
              for name in CHAIN_FIELDS]
    (FastExcel(str(path), output_format="xlsx").format(bold_headers=True).freeze(row=1)
     .sheet(SHEET, itertools.chain(map(text, rows), [mark]), column_widths=widths).save())


def verify_file(path: Path) -> ChainCheck:
    """Recompute the chain of an exported ledger. A file that is not one (another
    program's, damaged beyond reading, not an ordinary file) raises InputError naming it."""
    path = Path(path)
    suffix = _suffix(path)
    require_regular_file(path)
    try:
        if suffix == ".json":
            with open_regular_file(path) as f:
                raw = f.read().decode("utf-8")
            entries, count, last = _read_json(path.name, raw)
            return _checked(verify_chain(entries), len(entries), count, last)
        rows, count, last = _read_rows(path.name, _xlsx_rows(path) if suffix == ".xlsx"
                                       else _csv_rows(path))
        return _checked(verify_texts(rows), len(rows), count, last)
    except UnicodeDecodeError:
        raise InputError("not a SellerDesk ledger export (not UTF-8 text)",
                         file=path.name) from None
    except RecursionError:    # JSON nested thousands deep: no export is
        raise InputError("not a SellerDesk ledger export (its JSON is nested thousands of "
                         "levels deep)", file=path.name) from None


def _csv_rows(path: Path) -> list[list[str]]:
    with open_regular_file(path) as binary, \
            io.TextIOWrapper(binary, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        try:
            return list(reader)
        except csv.Error as exc:
            raise InputError(f"not readable CSV ({exc})", file=path.name,
                             line=reader.line_num) from None


def _checked(check: ChainCheck, entries: int, count: int, last: str) -> ChainCheck:
    """The chain's check, then the end mark's: a file cut at an entry boundary has a
    whole chain but not the count (or last hash) it was written with."""
    if not check.ok:
        return check
    if count == _UNREADABLE:
        return ChainCheck(entries, entries + 1, None,
                          "the file's end mark was edited (its count is not a number)")
    if count < 0:
        return ChainCheck(entries, entries + 1, None,
                          "the file's end mark is missing (it was cut short)")
    if count != entries or last != check.head:
        return ChainCheck(entries, entries + 1, None,
                          f"the file ends after {entries} entries but was written with "
                          f"{count} (entries were cut off or added at the end)")
    return check


def _read_json(name: str, raw: str) -> tuple[list[dict[str, Any]], int, str]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"not readable JSON ({exc.msg}; cut short?)", file=name,
                         line=exc.lineno) from None
    except ValueError:      # a number past Python's 4,300 digits: no export writes one
        raise InputError("not a SellerDesk ledger export (it holds a number thousands of "
                         "digits long)", file=name) from None
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
    rows = [row if set(map(type, row)) == {str} else list(map(_cell_text, row))
            for row in cells]
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _read_rows(name: str, rows: list[list[str]]) -> tuple[list[list[str]], int, str]:
    """The entries' rows of a table of text cells (CSV or the spreadsheet), and its end
    mark's count and last hash (-1 and "" when there is none)."""
    if not rows or rows[0] != list(CHAIN_FIELDS):
        missing = [f for f in CHAIN_FIELDS if not rows or f not in rows[0]]
        raise InputError("not a SellerDesk ledger export (the header should be "
                         f"{','.join(CHAIN_FIELDS)}"
                         + (f"; no {missing[0]!r} column)" if missing else ")"),
                         file=name, line=1)
    count, last = -1, ""
    body = rows[1:]
    if body and body[-1][:1] == [END_MARK]:
        mark = [cell for cell in body.pop() if cell]    # the spreadsheet pads it with ""
        count = int(mark[1]) if len(mark) == 3 and _digits(mark[1]) else _UNREADABLE
        last = mark[2] if len(mark) == 3 else ""
    return body, count, last


def _digits(text: str) -> bool:
    """A count as the export writes one: ASCII digits, short enough for int() to read
    (past 4,300 digits Python raises; no ledger has a count near 19 digits)."""
    return text.isascii() and text.isdigit() and len(text) <= 18
