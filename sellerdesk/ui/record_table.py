"""The one way the desk's lists look: whole rows selected one at a time, fixed row height
(no per-row measuring), alternating colours, the last column taking what is left. Every
list, and the orders table, has the same right-click menu (`RowMenu`): copy the cell, the
row or its order id, then whatever the view that owns it can do to that row.

A click on a header sorts the list by that column (the model sorts it, by the column's
value), again the other way, a third time back to the list's own order. A right-click on
the header chooses the columns; they can be dragged and sized, and a named table keeps
all that, and its sort, in window.ini (ui/table_columns)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTableView

from sellerdesk.ui.models.records_model import RecordsModel
from sellerdesk.ui.table_columns import ColumnChooser

ORDER_HEADERS = ("order", "order id")    # the column "Copy order id" copies, by its header


def record_table(model: RecordsModel, widths: Sequence[int] = (), *,
                 name: str | None = None) -> QTableView:
    """`name`: the table's key in window.ini (its columns and sort kept between runs);
    a table without one starts as built each time."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.horizontalHeader().setStretchLastSection(True)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    header = table.horizontalHeader()
    # No sort until a header is clicked: the rows stay in the query's order (Qt's own
    # default would sort by the first column, descending, the moment sorting is on).
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    header.setSortIndicatorClearable(True)     # a third click: the query's order again
    table.setSortingEnabled(True)
    table.columns = ColumnChooser(table, name)
    table.columns.restore()              # sorts the model too, if a sort was kept
    table.row_menu = RowMenu(table)      # a view adds its row actions there
    return table


# -- what a table copies ------------------------------------------------------------------
def current_index(table: QTableView) -> QModelIndex:
    """The cell in hand: the current one, else the first selected."""
    index = table.currentIndex()
    if not index.isValid() and table.selectionModel() is not None:
        chosen = table.selectionModel().selectedIndexes()
        index = chosen[0] if chosen else QModelIndex()
    return index


def cell_text(index: QModelIndex) -> str:
    text = index.data(Qt.ItemDataRole.DisplayRole) if index.isValid() else None
    return "" if text is None else str(text)


def row_text(table: QTableView, row: int) -> str:
    """The row's cells as the table shows them (columns in their order on screen, hidden
    ones left out), tab-separated: pasted into a spreadsheet, each lands in its column."""
    model, header = table.model(), table.horizontalHeader()
    columns = [header.logicalIndex(visual) for visual in range(header.count())]
    return "\t".join(cell_text(model.index(row, column)).replace("\t", " ")
                     for column in columns if not header.isSectionHidden(column))


def order_column(table: QTableView) -> int | None:
    model = table.model()
    for column in range(model.columnCount()):
        title = model.headerData(column, Qt.Orientation.Horizontal,
                                 Qt.ItemDataRole.DisplayRole)
        if str(title or "").strip().lower() in ORDER_HEADERS:
            return column
    return None


def copy_text(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


class RowMenu(QObject):
    """The table's right-click menu. Right-clicking a row selects it first (as in a mail
    client), so the row's actions, which work on the selection, act on the row clicked."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        self.row_actions: list[QAction] = []
        self.menu: QMenu | None = None          # the last one shown, for tests
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self.show_at)

    def add_row_actions(self, actions: Iterable[QAction]) -> None:
        """The owning view's actions on the selected row, listed below the copies."""
        self.row_actions.extend(actions)

    def show_at(self, position: QPoint) -> QMenu | None:
        """`position`: in the table's viewport, as Qt gives it."""
        index = self.table.indexAt(position)
        if not index.isValid():
            return None
        self.table.setCurrentIndex(index)
        menu = QMenu(self.table)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Read now: the list may be read again (its clock ticks) while the menu is open.
        cell, row = cell_text(index), row_text(self.table, index.row())
        menu.addAction("Copy &cell", lambda: copy_text(cell))
        menu.addAction("Copy &row", lambda: copy_text(row))
        column = order_column(self.table)
        if column is not None:
            order_id = cell_text(index.siblingAtColumn(column))
            menu.addAction("Copy &order id", lambda: copy_text(order_id))
        if self.row_actions:
            menu.addSeparator()
            menu.addActions(self.row_actions)
        self.menu = menu
        menu.popup(self.table.viewport().mapToGlobal(position))
        return menu
