"""A table model over a short list of plain records (issues, credits, approval requests),
its columns declared as data. Lists here are bounded by the query, so they are held whole;
the orders table, which is not, pages instead.

Held whole, they sort here, in memory, by each column's key — the value the text shows
(a number, an amount, a moment), never the text itself: "10" after "9", "2 h left" before
"1 d left". A missing value ("—") is last whichever way the column runs. Until a header
is clicked, the rows keep the order the query gave (the queue's soonest deadline first).
Read again, the list keeps its sort, and the rows selected stay selected: a record
already shown keeps its row through the read (matched by the model's `identity`), and
only then are the rows put in order, moving the selection with them."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from sellerdesk.ui.formatting import ERROR, MUTED, WARNING, Tone, tone_color

T = TypeVar("T")
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
# The tones a column may give its text; each is drawn in the colour of the palette it is
# painted under (light or dark), so a theme switched while the desk runs is followed.
WARNING_RED, WARNING_AMBER = ERROR, WARNING
__all__ = ["MUTED", "WARNING_AMBER", "WARNING_RED", "Column", "RecordsModel", "text_key"]
NOTHING = ("", "—")            # what a cell shows when it has no value: sorted last
_DIGITS = re.compile(r"(\d+)")


def text_key(text: str) -> tuple | None:
    """Words in the reader's order, ignoring case, with the numbers in them as numbers
    ("request 9" before "request 10"); None for an empty cell."""
    if text.strip() in NOTHING:
        return None
    # re.split with a group puts the digit runs at the odd places, so the tuples of any
    # two texts compare place by place, text with text and number with number.
    return tuple(int(part) if place % 2 else part.casefold()
                 for place, part in enumerate(_DIGITS.split(text.strip())))


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    header: str
    text: Callable[[T], str]
    right: bool = False                                  # numbers and money
    tip: Callable[[T], str] | None = None
    tone: Callable[[T], Tone | None] | None = None       # text colour, e.g. overdue in red
    # What the column sorts by: a number, (currency, Decimal), a datetime…; None for no
    # value (sorted last). Without one, the text, read as words and numbers (text_key).
    key: Callable[[T], Any] | None = None

    def sort_key(self, record: T) -> Any:
        return self.key(record) if self.key is not None else text_key(self.text(record))


class RecordsModel(QAbstractTableModel, Generic[T]):
    """`identity`: what stays the same about a record from one read to the next (an issue's
    number); with it a read keeps the rows selected. Without it a read starts afresh."""

    def __init__(self, columns: Sequence[Column[T]], parent=None, *,
                 identity: Callable[[T], Hashable] | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.identity = identity
        self._read: list[T] = []          # as the query gave them
        self._rows: list[int] = []        # each row's place in _read, in the order shown
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)

    def set_records(self, records: Sequence[T]) -> None:
        fresh = list(records)
        identity = self.identity
        ids = [identity(r) for r in fresh] if identity is not None else []
        if identity is None or not self._rows or len(set(ids)) != len(ids):
            self.beginResetModel()
            self._read, self._rows = fresh, self._ordered(fresh)
            self.endResetModel()
            return
        place = {key: number for number, key in enumerate(ids)}
        shown = [identity(r) for r in self.records()]
        # The records gone leave (a run of rows at a time, from the bottom up) …
        last = len(shown) - 1
        while last >= 0:
            if shown[last] in place:
                last -= 1
                continue
            first = last
            while first > 0 and shown[first - 1] not in place:
                first -= 1
            self.beginRemoveRows(QModelIndex(), first, last)
            del shown[first:last + 1]
            self._rows = self._rows[:first] + self._rows[last + 1:]
            self.endRemoveRows()
            last = first - 1
        # … the ones kept take their new versions in the rows they hold …
        self._read, self._rows = fresh, [place[key] for key in shown]
        if shown:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(shown) - 1, len(self.columns) - 1))
        # … the new ones come in below, and then all are put in order.
        kept = set(shown)
        added = [number for number, key in enumerate(ids) if key not in kept]
        if added:
            self.beginInsertRows(QModelIndex(), len(shown), len(shown) + len(added) - 1)
            self._rows.extend(added)
            self.endInsertRows()
        self._reorder()

    def record_at(self, row: int) -> T | None:
        return self._read[self._rows[row]] if 0 <= row < len(self._rows) else None

    def records(self) -> list[T]:
        """In the order shown."""
        return [self._read[number] for number in self._rows]

    def repaint_column(self, column: int) -> None:
        """Time-dependent text (an age, a countdown) changed; the records did not."""
        if self._rows:
            self.dataChanged.emit(self.index(0, column),
                                  self.index(len(self._rows) - 1, column),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole])

    def column_texts(self, column: int) -> list[str]:
        return [self.columns[column].text(r) for r in self.records()]

    # -- sorting -------------------------------------------------------------------------
    @property
    def sorted_by(self) -> tuple[int, Qt.SortOrder]:
        """The column and direction; column -1 for the query's own order."""
        return self._sort

    def _ordered(self, records: list[T]) -> list[int]:
        """The places in `records` in the order to show them."""
        column, order = self._sort
        if not 0 <= column < len(self.columns):
            return list(range(len(records)))
        sort_key = self.columns[column].sort_key
        keys = [sort_key(r) for r in records]
        valued = [n for n, key in enumerate(keys) if key is not None]
        # A stable sort, reversed as Python reverses (ties keep the query's order either way).
        valued.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        return valued + [n for n, key in enumerate(keys) if key is None]

    def _reorder(self) -> None:
        """Put the rows in the current order; what was selected moves with its record."""
        self.layoutAboutToBeChanged.emit()
        before = self._rows
        self._rows = self._ordered(self._read)
        row_of = {number: row for row, number in enumerate(self._rows)}
        moved = self.persistentIndexList()
        self.changePersistentIndexList(
            moved, [self.index(row_of[before[index.row()]], index.column())
                    for index in moved])
        self.layoutChanged.emit()

    # -- Qt's interface ----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self._reorder()

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return self.columns[section].header
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.record_at(index.row())
        if record is None or not 0 <= index.column() < len(self.columns):
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.right else None
        if role == Qt.ItemDataRole.ToolTipRole and column.tip is not None:
            return column.tip(record)
        if role == Qt.ItemDataRole.ForegroundRole and column.tone is not None:
            tone = column.tone(record)
            return QBrush(tone_color(tone)) if tone is not None else None
        return None
