"""The one reading layer every Seller Central report goes through.

It finds the encoding (UTF-8 with or without BOM, Windows-1252 for EU files, Shift_JIS/
CP932 for JP), reads tab-separated rows by header name, and turns every problem into an
InputError that names the file, line and column. It streams: a report of a million rows
is never held in memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

from sellerdesk.core.errors import Cancelled, InputError
from sellerdesk.core.money import MAX_WHOLE_UNITS

SNIFF_BYTES = 256 * 1024
Progress = Callable[[float, str], None]    # (fraction done, what is happening)
# Magic numbers of files people pick by mistake.
_NOT_TEXT = {
    b"PK\x03\x04": "a ZIP or XLSX file",
    b"%PDF": "a PDF file",
    b"\xd0\xcf\x11\xe0": "an old Excel (XLS) file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"SQLite format 3": "an SQLite database",
}


# Header names that tell Seller Central's reports apart: (kind, what to call it).
REPORT_TELLTALES: dict[str, tuple[str, str]] = {
    "amazon-order-id": ("orders", "an All Orders report"),
    "rater email": ("feedback", "a Seller Feedback report"),
    "return request date": ("returns", "a Returns report"),
    "license-plate-number": ("fba-returns", "an FBA customer returns report"),
    "settlement-id": ("settlement", "a settlement report"),
}


def header_kind(header: Sequence[str]) -> tuple[str, str] | None:
    """Which report a header belongs to, as (kind, name), or None for none we know."""
    lowered = {h.strip().lower() for h in header}
    return next((found for telltale, found in REPORT_TELLTALES.items()
                 if telltale in lowered), None)


def detect_encoding(head: bytes, *, hint: str | None = None) -> str:
    """The encoding of a report from its first bytes. `hint` (e.g. "cp932" for JP)
    breaks ties between single-byte and Japanese encodings."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut at the end of the sample
            return "utf-8"
    candidates = ["cp932", "cp1252"]
    if hint in candidates:
        candidates.remove(hint)
        candidates.insert(0, hint)
    best = from_bytes(head, cp_isolation=candidates).best()
    if best is None:
        return "cp1252"
    return "cp932" if best.encoding in ("cp932", "shift_jis") else "cp1252"


@dataclass(slots=True)
class Report:
    """An open report: its header and a stream of (line number, row) pairs."""
    path: Path
    encoding: str
    header: list[str]
    size: int
    _binary: BinaryIO
    _reader: Iterator[list[str]]
    _text: io.TextIOWrapper

    @property
    def name(self) -> str:
        return self.path.name

    def columns(self, required: Sequence[str], optional: Sequence[str] = ()) -> dict[str, int]:
        """Map wanted column names to positions; a missing required column is an error.
        Header names are matched without regard to case or surrounding blanks."""
        positions = {h.strip().lower(): n for n, h in enumerate(self.header)}
        found: dict[str, int] = {}
        missing = []
        for name in (*required, *optional):
            position = positions.get(name.lower())
            if position is not None:
                found[name] = position
            elif name in required:
                missing.append(name)
        if missing:
            raise InputError(
                f"the header has no {', '.join(repr(m) for m in missing)} column"
                f"{'s' if len(missing) > 1 else ''}",
                file=self.name, line=1, column=missing[0],
            )
        return found

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number, row) for every row that is not blank."""
        reader = self._reader
        with self.reading():
            for row in reader:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line
                yield reader.line_num, row  # type: ignore[attr-defined]

    @property
    def raw_rows(self) -> Iterator[list[str]]:
        """The csv reader itself, blank lines included, for a hot loop that cannot afford
        a generator per row: iterate it inside `reading()`; its line_num is the line."""
        return self._reader

    @property
    def line(self) -> int:
        return self._reader.line_num  # type: ignore[attr-defined]

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Undecodable text and broken quoting become an InputError naming the line."""
        try:
            yield
        except UnicodeDecodeError:
            bad = self._first_undecodable_line()
            raise InputError(
                f"the text is not valid {self.encoding} (the file mixes encodings or is "
                "damaged)", file=self.name, line=bad,
            ) from None
        except csv.Error as exc:
            raise InputError(f"unreadable row ({exc})", file=self.name, line=self.line) from None

    def _first_undecodable_line(self) -> int | None:
        """The decoder reads ahead in chunks, so find the exact line again (error path only)."""
        decoder = codecs.getincrementaldecoder(self.encoding)()
        with open(self.path, "rb") as f:
            for number, raw in enumerate(f, start=1):
                try:
                    decoder.decode(raw)
                except UnicodeDecodeError:
                    return number
        return None

    def checkpoint(self, line: int, progress: Progress | None,
                   cancelled: Callable[[], bool] | None, done: str) -> None:
        """Every thousand lines: stop when asked to (Cancelled), else say how far it is."""
        if line % 1000:
            return
        if cancelled is not None and cancelled():
            raise Cancelled("The import")
        if progress is not None:
            progress(min(self.bytes_read / max(self.size, 1), 1.0), done)

    @property
    def bytes_read(self) -> int:
        return self._binary.tell()

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> Report:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_report(path: Path, *, encoding_hint: str | None = None) -> Report:
    path = Path(path)
    try:
        binary = open(path, "rb")  # noqa: SIM115 - closed by Report
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a report file", file=str(path)) from None
    except PermissionError:
        raise InputError("SellerDesk may not read this file", file=str(path)) from None
    try:
        size = path.stat().st_size
        head = binary.read(SNIFF_BYTES)
        if not head.strip():
            raise InputError("the file is empty", file=path.name)
        for magic, what in _NOT_TEXT.items():
            if head.startswith(magic):
                raise InputError(f"this is {what}, not a tab-separated Seller Central report",
                                 file=path.name)
        _refuse_report_status(head, path.name)
        if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise InputError("this is a binary file, not a Seller Central report", file=path.name)
        encoding = detect_encoding(head, hint=encoding_hint)
        binary.seek(0)
        text = io.TextIOWrapper(binary, encoding=encoding, newline="")
        reader = csv.reader(text, delimiter="\t")
        try:
            header = next(reader)
        except StopIteration:        # nothing after a byte-order mark
            raise InputError("the file is empty", file=path.name) from None
        except (UnicodeDecodeError, csv.Error):
            raise InputError("the header line cannot be read", file=path.name, line=1) from None
        if len(header) < 2:
            raise InputError("the header has no tabs: this is not a tab-separated report "
                             "(a CSV or another kind of file?)", file=path.name, line=1)
        return Report(path, encoding, [h.strip() for h in header], size, binary, reader, text)
    except BaseException:
        binary.close()
        raise


def skipped_note(skipped: Sequence[object]) -> str:
    """The end of an import's summary: how many rows it left out."""
    count = len(skipped)
    return f", {count:,} row{'s' if count != 1 else ''} skipped" if count else ""


# What Amazon's Reports API says instead of a document (`processingStatus`).
_NO_DOCUMENT = {
    "CANCELLED": "Amazon cancelled this report: there was no data for the dates asked "
                 "(nothing to import)",
    "FATAL": "Amazon could not make this report (FATAL): request it again in Seller Central",
    "IN_QUEUE": "this report is still waiting in Amazon's queue: download it when it is done",
    "IN_PROGRESS": "Amazon is still making this report: download it when it is done",
}


def _refuse_report_status(head: bytes, name: str) -> None:
    """A JSON file in place of a tab-separated report: a report's status record (saved
    from the API when there was no document) gets its own message."""
    if not head.lstrip().startswith(b"{"):
        return
    try:
        record = json.loads(head.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        record = None
    status = record.get("processingStatus") if isinstance(record, dict) else None
    if isinstance(status, str) and status.upper() in _NO_DOCUMENT:
        raise InputError(_NO_DOCUMENT[status.upper()], file=name)
    raise InputError("this is a JSON file, not a tab-separated Seller Central report (the "
                     "seller performance report is imported with: import performance)",
                     file=name)


# -- field parsers: each raises ValueError with a short reason; callers add file/line/column
def parse_minor(text: str, digits: int) -> int:
    """"24.99" → 2499 (digits=2) without touching floats or Decimal on the hot path.
    Accepts "1,234.50" and EU "1.234,50" / "24,99"; too many decimals is an error."""
    s = text.strip()
    if not s:
        return 0
    negative = s.startswith("-")
    if negative or s.startswith("+"):
        s = s[1:]
    if "," in s:
        if "." in s:  # both: the last one is the decimal point
            if s.rfind(",") > s.rfind("."):
                s = s.replace(".", "").replace(",", ".")
            else:
                s = s.replace(",", "")
        else:
            whole, _, frac = s.rpartition(",")
            # "1,234" is a thousands separator; "24,99" a decimal comma.
            thousands = len(frac) == 3 and digits != 3
            s = s.replace(",", "") if thousands else f"{whole.replace(',', '')}.{frac}"
    whole, dot, frac = s.partition(".")
    well_formed = (whole.isdigit() or (not whole and dot and frac)) and (not frac or frac.isdigit())
    if not well_formed:
        raise ValueError(f"{text!r} is not a number")
    frac = frac.rstrip("0") if len(frac) > digits else frac
    if len(frac) > digits:
        raise ValueError(f"{text!r} has more decimals than the currency allows ({digits})")
    value = int(whole or "0") * 10**digits + int(frac.ljust(digits, "0") or "0")
    if value > MAX_WHOLE_UNITS * 10**digits:
        raise ValueError(f"{text!r} is too large to be an amount (a damaged cell?)")
    return -value if negative else value


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 time as Amazon writes it ("2026-10-01T08:13:02+00:00", "…Z", or a bare
    date) → naive UTC."""
    if len(text) == 25 and text.endswith("+00:00"):  # how Amazon writes nearly all of them
        return datetime.fromisoformat(text[:19])
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


MAX_QUANTITY = 100_000     # items on one row: more is a damaged cell


def parse_quantity(text: str) -> int:
    value = int(text.strip() or "0")
    if value < 0:
        raise ValueError(f"{text!r} is negative")
    if value > MAX_QUANTITY:
        raise ValueError(f"{text!r} is too many items for one row")
    return value
