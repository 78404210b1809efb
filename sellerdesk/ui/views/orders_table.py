"""The orders table: a million rows read a page at a time as they are painted
(ui/models/orders_model.py). Typing into it searches, as in a mail client's list: the
letters go to the search box, which asks the database once. Qt's own type-ahead would
instead read every row of the model, page after page, to match the first column: on a
large desk that froze the window for minutes.

A click on a column's header sorts by it (in the database: the model asks for its pages
in that order); the sort is kept with the window's state. A right-click on the header
chooses the columns, which can be dragged and sized, all kept as the lists keep theirs
(ui/table_columns). An empty list says why it is empty in the middle of the table."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from sellerdesk.core.orders import OrderSort
from sellerdesk.ui.models.order_columns import COL_PURCHASED, SORT_KEYS
from sellerdesk.ui.settings import window_settings
from sellerdesk.ui.table_columns import ColumnChooser

SORT_SETTING = "orders_sort"       # e.g. "status descending"
WIDTHS = (150, 125, 60, 60, 90, 50, 95)     # the last column, the product, takes the rest


class OrdersTable(QTableView):
    typed = Signal(str)          # letters typed on the table, for the search box

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(
            self.fontMetrics().height() + 8)  # fixed row height: no per-row measuring
        self.horizontalHeader().setStretchLastSection(True)
        self.setWordWrap(False)
        column, order = _saved_sort()
        self.horizontalHeader().setSortIndicator(column, order)
        self.horizontalHeader().setSortIndicatorShown(True)
        self.setSortingEnabled(True)
        self.horizontalHeader().sortIndicatorChanged.connect(_save_sort)
        self.columns = ColumnChooser(self, "orders")

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is None:
            return
        header = self.horizontalHeader()
        for column, width in enumerate(WIDTHS):
            header.resizeSection(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The columns kept from the last run. Their state holds a sort too, but the sort
        # kept under SORT_SETTING is the one the orders have, so it is set again after.
        self.columns.restore()
        column, order = _saved_sort()
        header.setSortIndicator(column, order)
        model.sort(column, order)      # the sort the header shows, not the model's default

    def empty_text(self) -> str:
        """What the empty table says in its middle: no order matches a search, or none
        imported yet."""
        model = self.model()
        if model is None or model.rowCount() or not hasattr(model, "empty_text"):
            return ""
        return model.empty_text()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        text = self.empty_text()
        if text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.viewport().rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
            painter.end()

    def keyboardSearch(self, search: str) -> None:
        self.typed.emit(search)


def _saved_sort() -> tuple[int, Qt.SortOrder]:
    """The sort kept from the last run ("purchased descending" when none, or unknown)."""
    key, _, direction = str(window_settings().value(SORT_SETTING, "")).partition(" ")
    try:
        column = SORT_KEYS.index(OrderSort(key))
    except ValueError:
        return COL_PURCHASED, Qt.SortOrder.DescendingOrder
    ascending = direction == "ascending"
    return column, Qt.SortOrder.AscendingOrder if ascending else Qt.SortOrder.DescendingOrder


def _save_sort(column: int, order: Qt.SortOrder) -> None:
    if 0 <= column < len(SORT_KEYS):
        direction = "ascending" if order == Qt.SortOrder.AscendingOrder else "descending"
        window_settings().setValue(SORT_SETTING, f"{SORT_KEYS[column].value} {direction}")
