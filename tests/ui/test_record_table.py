"""The lists' right-click menu: copy the cell, the row (tab-separated, as shown) or the
order id, then the actions the owning view adds."""

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

from sellerdesk.ui.models.records_model import Column, RecordsModel
from sellerdesk.ui.record_table import record_table
from tests.helpers.headers import click_header


@dataclass
class Credit:
    order_id: str
    amount: str
    reason: str


# A menu pops up as on a desktop; the offscreen platform cannot raise it or grab the keys.
POPS_UP = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")
CREDITS = [Credit("114-3941689-8772232", "$7.50", "corner crushed"),
           Credit("205-1111111-2222222", "£4.00", "late\tby two days")]


def right_click(table, row, column=0):
    """What the desktop sends when a person right-clicks the cell (or presses the menu key)."""
    where = table.visualRect(table.model().index(row, column)).center()
    viewport = table.viewport()
    QApplication.sendEvent(viewport, QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, where, viewport.mapToGlobal(where)))
    return table.row_menu.menu


def choose(menu, text):
    (action,) = [a for a in menu.actions() if a.text().replace("&", "") == text]
    action.trigger()
    menu.close()


@POPS_UP
def test_copy_row_copies_the_row_as_shown_tab_separated(qtbot):
    model = RecordsModel([Column("Order", lambda c: c.order_id),
                          Column("Amount", lambda c: c.amount, right=True),
                          Column("Reason", lambda c: c.reason)])
    model.set_records(CREDITS)
    table = record_table(model)
    qtbot.addWidget(table)
    table.horizontalHeader().moveSection(2, 1)        # the reason dragged before the amount
    table.show()
    qtbot.waitExposed(table)
    menu = right_click(table, 1, 1)
    assert table.currentIndex().row() == 1            # the row clicked is the one in hand
    assert [a.text().replace("&", "") for a in menu.actions()] == [
        "Copy cell", "Copy row", "Copy order id"]
    choose(menu, "Copy row")
    assert QGuiApplication.clipboard().text() == "205-1111111-2222222\tlate by two days\t£4.00"
    choose(right_click(table, 0, 1), "Copy cell")
    assert QGuiApplication.clipboard().text() == "$7.50"
    choose(right_click(table, 0, 2), "Copy order id")
    assert QGuiApplication.clipboard().text() == "114-3941689-8772232"


@POPS_UP
def test_a_view_adds_its_row_actions_below_the_copies(qtbot):
    model = RecordsModel([Column("Reason", lambda c: c.reason)])
    model.set_records(CREDITS)
    table = record_table(model)
    qtbot.addWidget(table)
    reverse = QAction("Reverse credit…", table)
    table.row_menu.add_row_actions([reverse])
    table.show()
    menu = right_click(table, 0)
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Copy cell", "Copy row", "Reverse credit…"]   # no order column here
    menu.close()


# -- sorting by a click on a header ---------------------------------------------------------
@dataclass
class Line:
    number: int
    order_id: str


LINES = [Line(9, "114-0000000-0000003"), Line(10, "114-0000000-0000001"),
         Line(2, "114-0000000-0000002")]


def lines_table(qtbot, name=None):
    model = RecordsModel([Column("#", lambda ln: str(ln.number), right=True,
                                 key=lambda ln: ln.number),
                          Column("Order", lambda ln: ln.order_id)],
                         identity=lambda ln: ln.number)
    model.set_records(LINES)
    table = record_table(model, (60, 200), name=name)
    qtbot.addWidget(table)
    table.show()
    qtbot.waitExposed(table)
    return table


def texts(table, column):
    model = table.model()
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_a_click_on_a_header_sorts_again_reverses_a_third_time_restores(qtbot):
    table = lines_table(qtbot)
    header = table.horizontalHeader()
    assert texts(table, 0) == ["9", "10", "2"]         # the query's order until a click
    click_header(qtbot, table, 0)
    assert texts(table, 0) == ["2", "9", "10"]          # as numbers: 10 after 9
    assert header.isSortIndicatorShown()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        0, Qt.SortOrder.AscendingOrder)
    click_header(qtbot, table, 0)
    assert texts(table, 0) == ["10", "9", "2"]
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    click_header(qtbot, table, 0)
    assert texts(table, 0) == ["9", "10", "2"]
    click_header(qtbot, table, 1)
    assert texts(table, 1) == ["114-0000000-0000001", "114-0000000-0000002",
                               "114-0000000-0000003"]


def test_a_sorted_list_read_again_keeps_its_order_and_selected_row(qtbot):
    table = lines_table(qtbot)
    click_header(qtbot, table, 0)
    table.selectRow(1)                                   # number 9
    table.model().set_records([Line(7, "114-0000000-0000007"), *LINES])
    assert texts(table, 0) == ["2", "7", "9", "10"]
    (chosen,) = table.selectionModel().selectedRows()
    assert chosen.data() == "9"
