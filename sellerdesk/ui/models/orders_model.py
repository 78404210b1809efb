"""The orders table: a model over the database that fetches a page of rows when the
view paints them, so a million orders cost one COUNT and a few small queries."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from sqlalchemy.engine import Engine

from sellerdesk.core.errors import KnownError
from sellerdesk.core.orders import OrderFilter, OrderOrdering, OrderSummary, looks_like_order_id
from sellerdesk.store.engine import DamagedDatabase, reading
from sellerdesk.store.orders import count_orders, list_orders
from sellerdesk.ui.formatting import local_time
from sellerdesk.ui.models.order_columns import (
    COL_CHANNEL,
    COL_MARKETPLACE,
    COL_ORDER_ID,
    COL_PRODUCT,
    COL_PURCHASED,
    COL_STATUS,
    COL_TOTAL,
    COL_UNITS,
    HEADERS,
    SORT_KEYS,
)

PAGE = 200
PAGES_KEPT = 32

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class OrdersTableModel(QAbstractTableModel):
    # A page of orders was found damaged on disk (the sentence naming the backup): its
    # rows stay blank rather than show what was read from it.
    found_damaged = Signal(str)

    def __init__(self, engine: Engine, parent=None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._filter = OrderFilter()
        self._ordering = OrderOrdering()
        self._pages: OrderedDict[int, list[OrderSummary]] = OrderedDict()
        self._count = self._fetch_count()

    # -- what the window calls -------------------------------------------------------
    @property
    def order_filter(self) -> OrderFilter:
        return self._filter

    def set_filter(self, flt: OrderFilter) -> None:
        self.beginResetModel()
        self._filter = flt
        self._pages.clear()
        self._count = self._fetch_count()
        self.endResetModel()

    @property
    def ordering(self) -> OrderOrdering:
        return self._ordering

    def refresh(self) -> None:
        self.set_filter(self._filter)

    def empty_text(self) -> str:
        """What the empty table says (nothing while it has rows)."""
        if self._count:
            return ""
        search = self._filter.search.strip()
        if search and self._filter == OrderFilter(search=self._filter.search):
            what = "order ID starts with" if looks_like_order_id(search) else "order matches"
            return f"No {what} “{search}”"
        if not self._filter.is_empty:
            return "No order matches these filters"
        return "No orders yet: import an All Orders report (File → Import)"

    def order_at(self, row: int) -> OrderSummary | None:
        if not 0 <= row < self._count:
            return None
        page = self._page(row // PAGE)
        offset = row % PAGE
        return page[offset] if offset < len(page) else None

    # -- Qt's interface ----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole,
                        Qt.ItemDataRole.ToolTipRole):
            return None
        if not index.isValid():
            return None
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in (COL_UNITS, COL_TOTAL) else None
        order = self.order_at(index.row())
        if order is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return order.first_title if column == COL_PRODUCT else None
        return _display(order, column)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorted by the database (one query a page, over the column's index): the rows
        are read again from the first page."""
        if not 0 <= column < len(SORT_KEYS):
            return
        ordering = OrderOrdering(SORT_KEYS[column], order == Qt.SortOrder.DescendingOrder)
        if ordering == self._ordering:
            return
        self.beginResetModel()
        self._ordering = ordering
        self._pages.clear()
        self.endResetModel()

    # -- paging -------------------------------------------------------------------------
    def _fetch_count(self) -> int:
        try:
            with reading(self._engine) as conn:
                return count_orders(conn, flt=self._filter)
        except KnownError:
            if not hasattr(self, "_count"):
                raise
            return self._count      # out of reach: the rows stay as they were

    def _page(self, number: int) -> list[OrderSummary]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        try:
            with reading(self._engine) as conn:
                page = list_orders(conn, flt=self._filter, ordering=self._ordering,
                                   offset=number * PAGE, limit=PAGE)
        except DamagedDatabase as exc:
            self.found_damaged.emit(str(exc))
            return []
        except KnownError:
            return []     # the team database is out of reach: blank rows until it is back
        self._pages[number] = page
        if len(self._pages) > PAGES_KEPT:
            self._pages.popitem(last=False)
        return page


def _display(order: OrderSummary, column: int) -> str | int | None:
    if column == COL_ORDER_ID:
        return order.order_id
    if column == COL_PURCHASED:
        return local_time(order.purchase_date)
    if column == COL_MARKETPLACE:
        return order.marketplace
    if column == COL_CHANNEL:
        return order.channel.value
    if column == COL_STATUS:
        return order.status
    if column == COL_UNITS:
        return order.units
    if column == COL_TOTAL:  # Amazon leaves prices blank on pending and cancelled orders
        return order.total.display() if order.total.minor else "—"
    if column == COL_PRODUCT:
        return order.first_title
    return None
