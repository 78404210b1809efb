"""How fast long work goes and how long it has left, as a person watching it reads them:
"48,200 of about 120,000 rows · 31,000 rows/s · about 3 s left".

Work reports progress as `progress(fraction, message)` (services.imports.report_reader's
Progress). A reader of a file knows the fraction of its *bytes* read and the rows read so
far, never the rows still to come (counting them would read the file twice), so:
- an import's message is a `RowsRead`, text that also carries the count;
- the rows in the file are estimated from the two (rows ÷ fraction): "about";
- the time left comes from the fraction's own pace, bytes, which is what is known.

`Pace` measures on a clock it is given (time.monotonic in the window, a fake one in
tests), smooths the rates so the figures do not jump with each batch, and says a rate and
the time left only once they mean something: after MEASURED_AFTER seconds of work, and
the time left only for a file read (whose whole size is known).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

MEASURED_AFTER = 1.0     # seconds: before this, a rate is the start-up's, not the work's
SMOOTHING = 3.0          # seconds: how long a change of pace takes to show two-thirds of itself


class RowsRead(str):
    """A progress message that also carries the rows read so far. Read as text (the
    command line prints it), it is the message itself."""

    rows: int

    def __new__(cls, rows: int, text: str) -> RowsRead:
        message = super().__new__(cls, text)
        message.rows = rows
        return message

    def __getnewargs__(self) -> tuple[int, str]:
        # Copied or pickled (to cross to another process), it is made again from both.
        return self.rows, str(self)


@dataclass(frozen=True, slots=True)
class Reading:
    """What can honestly be said now; None where it cannot yet."""
    rows: int | None                 # rows done, when the work counts them
    rows_in_all: int | None          # an estimate, from the fraction of bytes read
    rows_per_second: float | None
    seconds_left: float | None

    def text(self) -> str:
        """ "48,200 of about 120,000 rows · 31,000 rows/s · about 3 s left", as much of it
        as is known ("" when nothing is)."""
        parts = []
        if self.rows is not None:
            whole = (f" of about {self.rows_in_all:,}"
                     if self.rows_in_all is not None and self.rows_in_all > self.rows else "")
            parts.append(f"{self.rows:,}{whole} rows")
        if self.rows_per_second is not None:
            parts.append(f"{_rounded(self.rows_per_second):,} rows/s")
        if self.seconds_left is not None:
            parts.append(f"about {time_left(self.seconds_left)} left")
        return " · ".join(parts)


class Pace:
    """Feed it each report of progress; read what can be said. Nothing here runs per
    row: a report comes every thousand rows or per batch."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.started = clock()
        self._last: tuple[float, float, int | None] | None = None  # when, fraction, rows
        self._fraction_rate: float | None = None      # fraction per second, smoothed
        self._row_rate: float | None = None           # rows per second, smoothed
        self._fraction = 0.0
        self._rows: int | None = None

    def update(self, fraction: float, rows: int | None = None) -> Reading:
        at = self.clock()
        if self._last is not None:
            then, fraction_then, rows_then = self._last
            elapsed = at - then
            if elapsed > 0:
                weight = 1 - math.exp(-elapsed / SMOOTHING)
                self._fraction_rate = _smoothed(self._fraction_rate,
                                                (fraction - fraction_then) / elapsed, weight)
                if rows is not None and rows_then is not None:
                    self._row_rate = _smoothed(self._row_rate, (rows - rows_then) / elapsed,
                                               weight)
        if self._last is None or at > self._last[0]:
            self._last = (at, fraction, rows)
        self._fraction, self._rows = fraction, rows
        return self.reading()

    def reading(self) -> Reading:
        measured = self.clock() - self.started >= MEASURED_AFTER
        fraction, rows = self._fraction, self._rows
        in_all = (_rounded(rows / fraction) if measured and rows and 0 < fraction < 1
                  else None)
        per_second = self._row_rate if measured and self._row_rate else None
        left = None      # only for a file read (rows counted): its fraction is of bytes,
        # steady; another work's fraction is of steps that may take a second or a minute
        if (measured and rows is not None and self._fraction_rate and self._fraction_rate > 0
                and fraction < 1):
            left = (1 - fraction) / self._fraction_rate
        return Reading(rows, in_all, per_second, left)


def _smoothed(before: float | None, now: float, weight: float) -> float:
    return now if before is None else before + weight * (now - before)


def _rounded(value: float) -> int:
    """Two significant figures: 118,734 → 120,000; an estimate says no more than it knows."""
    if value < 100:
        return round(value)
    scale = 10 ** (int(math.log10(value)) - 1)
    return int(round(value / scale) * scale)


def time_left(seconds: float) -> str:
    """ "3 s", "40 s", "2 min", "1 h 05 min": coarser as it grows, never "0 s"."""
    if seconds < 10:
        return f"{max(1, math.ceil(seconds))} s"
    if seconds < 60:
        return f"{math.ceil(seconds / 5) * 5} s"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"
