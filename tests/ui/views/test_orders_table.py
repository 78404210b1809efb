"""Typing on the orders table searches through the search box (one query), never Qt's
type-ahead, which reads every row of the model to match the first column. A click on a
header sorts; a search finds words in any order, accents or not, or says it found none."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication

from sellerdesk.ui.main_window import MainWindow
from sellerdesk.ui.models.order_columns import (
    COL_CHANNEL,
    COL_MARKETPLACE,
    COL_ORDER_ID,
    COL_PRODUCT,
    COL_PURCHASED,
    COL_STATUS,
    COL_TOTAL,
    COL_UNITS,
)
from sellerdesk.ui.views.work_tabs import ORDERS_TAB
from tests.helpers.headers import click_header


def test_typing_on_the_orders_table_searches_with_the_search_box(qtbot, window):
    target = window.orders_model.order_at(37).order_id
    window.orders_view.setFocus()
    qtbot.keyClicks(window.orders_view, target[:11])
    box = window.filter_bar.search_box
    assert box.hasFocus()
    assert box.text() == target[:11]
    qtbot.waitUntil(lambda: window.orders_model.order_filter.search == target[:11])
    shown = {window.orders_model.order_at(r).order_id
             for r in range(window.orders_model.rowCount())}
    assert target in shown
    assert all(order_id.startswith(target[:11]) for order_id in shown)


def _header_click(qtbot, window, column):
    """A person clicks a header they see: the Orders tab is brought up first (a header
    whose columns can be dragged reads a press on it unseen as the start of a drag)."""
    window.tabs.setCurrentIndex(ORDERS_TAB)
    qtbot.waitExposed(window.orders_view.horizontalHeader())
    click_header(qtbot, window.orders_view, column)


def _column(window, column, rows=None):
    model = window.orders_model
    return [model.index(r, column).data() for r in range(rows or model.rowCount())]


def _all_orders(window):
    model = window.orders_model
    return [model.order_at(r) for r in range(model.rowCount())]


def test_the_list_opens_newest_first_with_the_header_saying_so(window):
    header = window.orders_view.horizontalHeader()
    assert header.sortIndicatorSection() == COL_PURCHASED
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    dates = [o.purchase_date for o in _all_orders(window)]
    assert dates == sorted(dates, reverse=True)


def test_clicking_a_header_sorts_by_it_and_again_the_other_way(qtbot, window):
    orders = _all_orders(window)
    _header_click(qtbot, window, COL_TOTAL)
    header = window.orders_view.horizontalHeader()
    assert header.sortIndicatorSection() == COL_TOTAL
    first = window.orders_model.order_at(0)
    smallest = min(orders, key=lambda o: (o.currency, o.total.minor, o.order_id))
    assert first.order_id == smallest.order_id
    assert window.orders_model.index(0, COL_TOTAL).data() == smallest.total.display() \
        or smallest.total.minor == 0
    _header_click(qtbot, window, COL_TOTAL)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    largest = max(orders, key=lambda o: (o.currency, o.total.minor, o.order_id))
    assert window.orders_model.order_at(0).order_id == largest.order_id


@pytest.mark.parametrize("column", [COL_ORDER_ID, COL_MARKETPLACE, COL_CHANNEL, COL_STATUS,
                                    COL_UNITS, COL_PRODUCT])
def test_every_column_sorts_by_a_click(qtbot, window, column):
    _header_click(qtbot, window, column)
    header = window.orders_view.horizontalHeader()
    shown = _column(window, column)
    ids = _column(window, COL_ORDER_ID)
    ascending = header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    keyed = list(zip(shown, ids, strict=True))
    assert keyed == sorted(keyed, reverse=not ascending)


def test_the_sort_is_there_again_after_a_restart(qtbot, window, demo_db):
    _header_click(qtbot, window, COL_STATUS)
    _header_click(qtbot, window, COL_STATUS)
    expected = window.orders_model.order_at(0).order_id
    window.close()
    again = MainWindow(demo_db)
    qtbot.addWidget(again)
    again.show()
    assert again.open_database()
    header = again.orders_view.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        COL_STATUS, Qt.SortOrder.DescendingOrder)
    assert again.orders_model.order_at(0).order_id == expected
    again.close()


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")
def test_the_columns_chosen_moved_and_sized_are_there_after_a_restart(qtbot, window, demo_db):
    _header_click(qtbot, window, COL_UNITS)                      # a sort, kept as before
    header = window.orders_view.horizontalHeader()
    where = QPoint(header.sectionViewportPosition(COL_CHANNEL) + 5, header.height() // 2)
    QApplication.sendEvent(header.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, where, header.viewport().mapToGlobal(where)))
    menu = window.orders_view.columns.menu
    (channel,) = [a for a in menu.actions() if a.text() == "Channel"]
    channel.trigger()                                            # hidden
    menu.close()
    header.moveSection(header.visualIndex(COL_TOTAL), 0)         # the total dragged first
    header.resizeSection(COL_STATUS, 140)
    window.close()                                               # keeps what waits to be kept
    again = MainWindow(demo_db)
    qtbot.addWidget(again)
    again.show()
    assert again.open_database()
    header = again.orders_view.horizontalHeader()
    assert header.isSectionHidden(COL_CHANNEL)
    assert header.logicalIndex(0) == COL_TOTAL
    assert header.sectionSize(COL_STATUS) == 140
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        COL_UNITS, Qt.SortOrder.AscendingOrder)
    again.close()


def _search(qtbot, window, text):
    box = window.filter_bar.search_box
    box.clear()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.orders_model.order_filter.search == text)
    return {window.orders_model.order_at(r).order_id
            for r in range(window.orders_model.rowCount())}


def test_search_finds_words_in_any_order(qtbot, window):
    found = _search(qtbot, window, "desk lamp")
    assert found
    assert _search(qtbot, window, "lamp desk") == found
    assert _search(qtbot, window, "LAMP Desk") == found


def test_a_search_that_finds_nothing_says_so_in_the_table(qtbot, window):
    assert window.orders_view.empty_text() == ""
    assert _search(qtbot, window, "flamingo teapot") == set()
    assert window.orders_view.empty_text() == "No order matches “flamingo teapot”"
    window.orders_view.viewport().repaint()          # painted without a fault
    assert _search(qtbot, window, "999-") == set()
    assert window.orders_view.empty_text() == "No order ID starts with “999-”"


def test_the_order_id_prefix_search_still_works(qtbot, window):
    target = window.orders_model.order_at(5).order_id
    found = _search(qtbot, window, target[:9])
    assert target in found
    assert all(order_id.startswith(target[:9]) for order_id in found)


def test_search_ignores_accents(qtbot, sqlite_url, tmp_path):
    from sellerdesk.services.database import open_database
    from sellerdesk.services.imports.orders import import_orders
    from tests.helpers.reports import row, write
    report = write(tmp_path / "orders.txt", [
        row("114-0000000-0000001", sku="CUP", title="Tasse à Café Émaillée"),
        row("114-0000000-0000002", sku="MUG", title="Ceramic Mug")])
    with open_database(sqlite_url) as db:
        import_orders(db.engine, report)
    win = MainWindow(sqlite_url)
    qtbot.addWidget(win)
    win.show()
    assert win.open_database()
    assert _search(qtbot, win, "cafe emaillee") == {"114-0000000-0000001"}
    assert _search(qtbot, win, "tasse a cafe") == {"114-0000000-0000001"}
    win.close()
