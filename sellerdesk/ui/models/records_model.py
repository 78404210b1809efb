"""A table model over a short list of plain records (issues, credits, approval requests),
its columns declared as data. Lists here are bounded by the query, so they are held whole;
the orders table, which is not, pages instead."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
__all__ = ["MUTED", "WARNING_AMBER", "WARNING_RED", "Column", "RecordsModel"]


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    header: str
    text: Callable[[T], str]
    right: bool = False                                  # numbers and money
    tip: Callable[[T], str] | None = None
    tone: Callable[[T], Tone | None] | None = None       # text colour, e.g. overdue in red


class RecordsModel(QAbstractTableModel, Generic[T]):
    def __init__(self, columns: Sequence[Column[T]], parent=None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._records: list[T] = []

    def set_records(self, records: Sequence[T]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def record_at(self, row: int) -> T | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    def records(self) -> list[T]:
        return list(self._records)

    def repaint_column(self, column: int) -> None:
        """Time-dependent text (an age, a countdown) changed; the records did not."""
        if self._records:
            self.dataChanged.emit(self.index(0, column),
                                  self.index(len(self._records) - 1, column),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole])

    def column_texts(self, column: int) -> list[str]:
        return [self.columns[column].text(r) for r in self._records]

    # -- Qt's interface ----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

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
