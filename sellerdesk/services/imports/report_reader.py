"""The one reading layer every Seller Central report goes through.

It finds the encoding (UTF-8 with or without BOM, Windows-1252 for EU files, Shift_JIS/
CP932 for JP), reads tab-separated rows by header name, and turns every problem into an
InputError that names the file, line and column. It streams: a report of a million rows
is never held in memory.

What it refuses, rather than read wrongly: anything but an ordinary file (before opening
it); a row whose fields do not line up with the header's; a file that ends in the middle
of a line; a line in another encoding than the rest; a NUL byte anywhere. Amazon's
reports are tab-separated without quoting, so a '"' is read as the character it is.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from sellerdesk.core import numbers
from sellerdesk.core.errors import Cancelled, InputError
from sellerdesk.core.pace import RowsRead
from sellerdesk.services.files import open_regular_file

SNIFF_BYTES = 256 * 1024
CHUNK_BYTES = 64 * 1024      # what the text decoder asks for at a time (checked as it comes)
# (fraction of the file's bytes done, what is happening: a core.pace.RowsRead from a
# report's reader, which also carries the rows read for the window to measure a rate)
Progress = Callable[[float, str], None]
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


# Bytes that are not Windows-1252 text though each decodes as some character: UTF-8's
# accented letters, £ ° and NBSP, dashes, quotes, € and ™ (read as "Ã©", "â€“"…), UTF-8's
# encoding of a lone surrogate, a UTF-16 byte-order mark. No European text has them.
_NOT_CP1252 = re.compile(rb"\xc2[\xa0-\xbf]|\xc3[\x80-\xbf]|\xe2\x80[\x93-\xa6]|"
                         rb"\xe2\x82\xac|\xe2\x84\xa2|\xed[\xa0-\xbf][\x80-\xbf]|"
                         rb"\xff\xfe|\xfe\xff")
_NOT_CP1252_FIRST = (b"\xc2", b"\xc3", b"\xe2", b"\xed", b"\xff", b"\xfe")
_HIGH_BYTES = bytes(range(0x80, 0x100))
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16",
                  "cp1252": "Windows-1252", "cp932": "Shift_JIS (CP932)"}


def detect_encoding(head: bytes, *, hint: str | None = None) -> str:
    """The encoding of a report from its first bytes. `hint` (e.g. "cp932" for JP)
    breaks ties between single-byte and Japanese encodings."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return _guess_encoding(head, hint)


def _guess_encoding(sample: bytes, hint: str | None) -> str:
    """UTF-8, Windows-1252 or CP932 for bytes with no byte-order mark."""
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"      # a character cut at the end of the sample
    candidates = ["cp932", "cp1252"]
    if hint in candidates:
        candidates.remove(hint)
        candidates.insert(0, hint)
    from charset_normalizer import from_bytes  # 30 ms to import; UTF-8 files never need it

    best = from_bytes(sample, cp_isolation=candidates).best()
    if best is not None and best.encoding in ("cp932", "shift_jis"):
        return "cp932"
    # Mostly UTF-8 with some damage is UTF-8 (the decoder then names the damaged line);
    # mostly Windows-1252 stays so, and its UTF-8 lines are named as they are read.
    utf8 = sum(len(found) for found in _NOT_CP1252.findall(sample))
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    return "utf-8" if utf8 and utf8 * 2 >= high else "cp1252"


_NUL_LINE = "this line has a NUL byte in it: the file is damaged or is not a text report"


class _Damage(Exception):
    """Bytes no report holds, found at a byte offset; Report turns it into an InputError
    naming the line (found again from the offset: the decoder reads ahead)."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(reason)
        self.offset, self.reason = offset, reason


class _CheckedBytes(io.BufferedIOBase):
    """A report's bytes on their way to the text decoder, checked a chunk at a time (the
    decoder alone would pass them): a NUL byte; in Windows-1252, bytes from UTF-8 or
    UTF-16 text. A file whose first SNIFF_BYTES are plain ASCII has its encoding settled
    where its first other byte is, and Windows-1252 or CP932 found there is turned into
    UTF-8 for the decoder, which was opened for UTF-8 before anyone could know."""

    def __init__(self, binary: BinaryIO, encoding: str, *, settled: bool,
                 hint: str | None) -> None:
        super().__init__()
        self._binary, self.encoding, self._settled, self._hint = binary, encoding, settled, hint
        self._nul = not encoding.startswith("utf-16")   # NUL is half of a UTF-16 letter
        self._offset = 0
        self._carry = b""           # the last bytes of the chunk before: a sequence may span
        self._transcoder: codecs.IncrementalDecoder | None = None
        self._ended = False

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is not None and size >= 0:
            return self.read1(size)
        return b"".join(iter(lambda: self.read1(CHUNK_BYTES), b""))

    def read1(self, size: int = -1) -> bytes:
        if self._ended:
            return b""
        chunk = self._binary.read1(size if size > 0 else CHUNK_BYTES)
        start = self._offset
        self._offset += len(chunk)
        if not chunk:
            self._ended = True
            return self._transcode(b"", start, final=True)
        if self._nul and b"\x00" in chunk:
            raise _Damage(start + chunk.index(b"\x00"), _NUL_LINE)
        if not self._settled and not chunk.isascii():
            self._settle(chunk)
        if self.encoding == "cp1252":
            self._refuse_other_encodings(chunk, start)
        return self._transcode(chunk, start) if self._transcoder is not None else chunk

    def _settle(self, chunk: bytes) -> None:
        self._settled = True
        found = _guess_encoding(chunk, self._hint)
        if found != "utf-8":
            self.encoding = found
            self._transcoder = codecs.getincrementaldecoder(found)()

    def _refuse_other_encodings(self, chunk: bytes, start: int) -> None:
        data = self._carry + chunk
        self._carry = chunk[-2:]
        if any(first in data for first in _NOT_CP1252_FIRST):
            found = _NOT_CP1252.search(data)
            if found is not None:
                raise _Damage(start - len(data) + len(chunk) + found.start(),
                              "this line is not Windows-1252 text like the lines before it "
                              "(the file mixes encodings: part of it is UTF-8 or UTF-16)")

    def _transcode(self, chunk: bytes, start: int, *, final: bool = False) -> bytes:
        if self._transcoder is None:
            return chunk
        pending = len(self._transcoder.getstate()[0])
        try:
            return self._transcoder.decode(chunk, final).encode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Damage(max(start + exc.start - pending, 0),
                          f"this line is not valid {ENCODING_NAMES[self.encoding]} text "
                          "(the file mixes encodings, or is damaged)") from None

    def close(self) -> None:
        self._binary.close()
        super().close()


@dataclass(slots=True)
class Report:
    """An open report: its header and a stream of (line number, row) pairs, each row
    with exactly the header's number of fields."""
    path: Path
    header: list[str]
    size: int
    _binary: BinaryIO
    _bytes: _CheckedBytes
    _text: io.TextIOWrapper
    _reader: Iterator[list[str]]
    _cut: bool                   # the file ends inside its last line, with no line break

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def encoding(self) -> str:
        return self._bytes.encoding

    @property
    def width(self) -> int:
        return len(self.header)

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
        """(line number, row) for every row that is not blank; a row whose fields do not
        line up with the header's columns is refused (see misaligned)."""
        reader, width = self._reader, self.width
        with self.reading():
            for row in reader:
                if len(row) != width:
                    if not any(cell.strip() for cell in row):
                        continue  # a blank line
                    raise self.misaligned(reader.line_num, row)  # type: ignore[attr-defined]
                yield reader.line_num, row  # type: ignore[attr-defined]

    def misaligned(self, line: int, row: Sequence[str]) -> InputError:
        """The error for a row with more or fewer fields than the header has columns.
        Amazon writes every column on every row, an empty one as nothing between two tabs
        (a settlement's own row carries thirty such), so a row of another width is damage:
        a tab lost or added, a line broken in two. Padding or cutting it would read its
        values under the wrong columns, so no width but the header's is taken."""
        fewer = len(row) < self.width
        return InputError(
            f"the row has {len(row)} field{'s' if len(row) != 1 else ''} but the header has "
            f"{self.width}: " + ("a tab is missing, or the line was broken in two" if fewer
                                 else "it has a tab too many"),
            file=self.name, line=line)

    @property
    def raw_rows(self) -> Iterator[list[str]]:
        """The csv reader itself, blank lines included, for a hot loop that cannot afford
        a generator per row: iterate it inside `reading()`, refuse a row of another width
        than the header's with `misaligned`; its line_num is the line."""
        return self._reader

    @property
    def line(self) -> int:
        return self._reader.line_num  # type: ignore[attr-defined]

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Rows are read inside this. A file that ends in the middle of a line is refused
        before any row is read (its last row would be taken cut short); undecodable text,
        damaged bytes and broken rows become an InputError naming the line."""
        if self._cut:
            raise InputError("the last line is cut short: the file ends in the middle of it "
                             "(a download that stopped early?)", file=self.name,
                             line=_line_at(self.path, self.size, self.encoding))
        with self._decoding():
            yield

    @contextmanager
    def _decoding(self) -> Iterator[None]:
        try:
            yield
        except _Damage as exc:
            raise InputError(exc.reason, file=self.name,
                             line=_line_at(self.path, exc.offset, self.encoding)) from None
        except UnicodeDecodeError:
            line = _first_undecodable_line(self.path, self.encoding)
            what = "the header line" if line == 1 else "this line"
            raise InputError(f"{what} is not valid {ENCODING_NAMES[self.encoding]} text (the "
                             "file mixes encodings, or is damaged)", file=self.name,
                             line=line) from None
        except csv.Error as exc:
            raise InputError(f"unreadable row ({exc})", file=self.name, line=self.line) from None

    def checkpoint(self, line: int, progress: Progress | None,
                   cancelled: Callable[[], bool] | None, done: str) -> None:
        """Every thousand lines: stop when asked to (Cancelled), else say how far it is."""
        if line % 1000:
            return
        if cancelled is not None and cancelled():
            raise Cancelled("The import")
        if progress is not None:     # the rows of the file, its header not counted
            progress(min(self.bytes_read / max(self.size, 1), 1.0), RowsRead(line - 1, done))

    @property
    def bytes_read(self) -> int:
        return self._binary.tell()

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> Report:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _lines(path: Path, encoding: str) -> Iterator[bytes]:
    """The file's lines as bytes, split where the csv reader splits them (CR LF, LF or a
    lone CR) for every encoding but UTF-16, where only LF is looked for."""
    with open(path, "rb") as binary:
        if encoding.startswith("utf-16"):
            yield from binary
            return
        # Latin-1 maps each byte to one character, so the text layer's line splitting
        # (the csv reader's) runs over the raw bytes and gives them back unchanged.
        with io.TextIOWrapper(binary, encoding="latin-1", newline="") as text:
            for line in text:
                yield line.encode("latin-1")


def _first_undecodable_line(path: Path, encoding: str) -> int | None:
    """The decoder reads ahead in chunks, so find the exact line again (error path only)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    for number, raw in enumerate(_lines(path, encoding), start=1):
        try:
            decoder.decode(raw)
        except UnicodeDecodeError:
            return number
    return None


def _line_at(path: Path, offset: int, encoding: str) -> int:
    """The line holding the byte at `offset`, numbered as the csv reader numbers lines
    (error path only)."""
    read = number = 0
    for number, raw in enumerate(_lines(path, encoding), start=1):
        read += len(raw)
        if read > offset:
            return number
    return max(number, 1)


def _ends_mid_line(binary: BinaryIO, size: int, encoding: str) -> bool:
    """Whether the file's last line has text but no line break after it: Amazon ends
    every line, the last too, so the download stopped inside it."""
    start = max(size - 4096, 0)
    start -= start % 2                   # a UTF-16 character starts on an even byte
    binary.seek(start)
    tail = binary.read()
    binary.seek(0)
    if encoding == "utf-16":
        codec = "utf-16-be" if binary.read(2) == codecs.BOM_UTF16_BE else "utf-16-le"
        binary.seek(0)
    else:
        codec = "utf-8" if encoding.startswith("utf-8") else encoding
    text = tail.decode(codec, "replace")
    last = text[max(text.rfind("\n"), text.rfind("\r")) + 1:]
    return bool(last.strip(" \t\x00\ufeff"))


def open_report(path: Path, *, encoding_hint: str | None = None) -> Report:
    path = Path(path)
    binary = open_regular_file(path)
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
        encoding = detect_encoding(head, hint=encoding_hint)
        if b"\x00" in head and encoding != "utf-16":
            line = _line_at(path, head.index(b"\x00"), encoding)
            raise InputError("this is a binary file, not a Seller Central report" if line == 1
                             else _NUL_LINE, file=path.name, line=line)
        cut = _ends_mid_line(binary, size, encoding)
        checked = _CheckedBytes(binary, encoding, hint=encoding_hint,
                                settled=len(head) == size or not head.isascii())
        text = io.TextIOWrapper(checked, encoding=encoding, newline="")
        text._CHUNK_SIZE = CHUNK_BYTES  # type: ignore[attr-defined]
        # No quoting: Amazon's reports never quote, and a '"' read as a quote would take
        # the tabs and lines up to the next one into one field.
        reader = csv.reader(text, delimiter="\t", quoting=csv.QUOTE_NONE)
        report = Report(path, [], size, binary, checked, text, reader, cut)
    except BaseException:
        binary.close()
        raise
    try:
        with report._decoding():
            header = next(reader, None)
        if header is None:          # nothing after a byte-order mark
            raise InputError("the file is empty", file=path.name)
        if len(header) < 2:
            raise InputError("the header has no tabs: this is not a tab-separated report "
                             "(a CSV or another kind of file?)", file=path.name, line=1)
        report.header = [h.strip() for h in header]
        return report
    except BaseException:
        report.close()
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
    except (ValueError, UnicodeDecodeError, RecursionError):   # a sample cut mid-record
        record = None
    status = record.get("processingStatus") if isinstance(record, dict) else None
    if isinstance(status, str) and status.upper() in _NO_DOCUMENT:
        raise InputError(_NO_DOCUMENT[status.upper()], file=name)
    raise InputError("this is a JSON file, not a tab-separated Seller Central report (the "
                     "seller performance report is imported with: import performance)",
                     file=name)


# -- field parsers: each raises ValueError with a short reason; callers add file/line/column
def parse_minor(text: str, digits: int) -> int:
    """"24.99" → 2499 (digits=2), strictly as Amazon writes amounts (core.numbers):
    "1,234.50", EU "1.234,50" and "24,99"; too many decimals is an error."""
    return numbers.parse_minor(text, digits)


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 time as Amazon writes it ("2026-10-01T08:13:02+00:00", "…Z", or a bare
    date) → naive UTC. ASCII only (fromisoformat reads other scripts' digits in some
    forms), and a time whose offset takes it past year 1 or 9999 is refused, not raised
    as an OverflowError."""
    if len(text) == 25 and text.endswith("+00:00"):  # how Amazon writes nearly all of them
        return datetime.fromisoformat(text[:19])
    stripped = text.strip()
    if not stripped.isascii():
        raise ValueError(f"{text!r} is not a date and time")
    value = datetime.fromisoformat(stripped)
    if value.tzinfo is not None:
        try:
            value = value.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            raise ValueError(f"{text!r} is out of the range of dates") from None
    return value


MAX_QUANTITY = 100_000     # items on one row: more is a damaged cell


def parse_quantity(text: str) -> int:
    """A row's quantity: ASCII digits only ("" is 0); no sign, exponent or grouping."""
    try:
        return numbers.parse_count(text, maximum=MAX_QUANTITY)
    except ValueError:
        stripped = text.strip()
        if stripped.isascii() and stripped.isdigit():
            raise ValueError(f"{text!r} is too many items for one row") from None
        raise
