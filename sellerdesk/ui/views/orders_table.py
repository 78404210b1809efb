"""The orders table: a million rows read a page at a time as they are painted
(ui/models/orders_model.py). Typing into it searches, as in a mail client's list: the
letters go to the search box, which asks the database once. Qt's own type-ahead would
instead read every row of the model, page after page, to match the first column: on a
large desk that froze the window for minutes."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget


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

    def keyboardSearch(self, search: str) -> None:
        self.typed.emit(search)
