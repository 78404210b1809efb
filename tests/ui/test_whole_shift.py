"""A whole shift at the desk, from the keyboard, in the real window on a real demo desk
(issue #24's "Done means"): the window opens on the Queue; J/K and Enter go through it;
twenty issues are triaged with keys alone — each assigned to me and then replied to,
noted on or given a status — and every change is in the database and on the issue's
timeline; several rows are selected with Shift+Down and assigned at once (A, then
Shift+A to a colleague); the Issues list is sorted by a header and saved as a view; and
after a restart (a new window on the same settings) the view, its sort and the tab are
there again.

Every key goes to the widget that has the focus, as a keyboard would send it: a key that
lands nowhere, or in the wrong box, fails here."""

from datetime import UTC, datetime

import pytest
import time_machine
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QInputDialog

from sellerdesk.core.issues import IssueStatus
from sellerdesk.services import follow_up
from sellerdesk.services.database import open_database
from sellerdesk.services.demo.build import build_demo
from sellerdesk.ui.dialogs.message_dialog import MessageDialog
from sellerdesk.ui.dialogs.reply_dialog import ReplyDialog
from sellerdesk.ui.main_window import MainWindow
from sellerdesk.ui.views.work_tabs import ISSUES_TAB, QUEUE_TAB

ISSUE_ORDER_COLUMN = 1         # the Issues list's Order column (#, Order, Issue…)
REPLIED = {"reply", "reply_late"}
ME, COLLEAGUE = "Priya Agent", "Sam Agent"      # two of the demo desk's agents
MOMENT = datetime(2026, 3, 30, 9, 30, tzinfo=UTC)
NO_KEYS = Qt.KeyboardModifier.NoModifier
SHIFT, CTRL, ALT = (Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier,
                    Qt.KeyboardModifier.AltModifier)


@pytest.fixture
def shift(monkeypatch, sqlite_url):
    """The demo desk, built and worked with the clock held at one moment; Priya at it."""
    monkeypatch.setenv("SELLERDESK_STAFF", ME)
    with time_machine.travel(MOMENT, tick=False):
        with open_database(sqlite_url) as db:
            build_demo(db.engine, orders=2000)   # the demo as it ships: 80 issues
        yield sqlite_url


def open_window(qtbot, database: str) -> MainWindow:
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.resize(1280, 696)             # a 1366×768 laptop's window
    window.show()
    qtbot.waitExposed(window)
    assert window.open_database()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def focused():
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard"
    return widget


def press(qtbot, key, modifier=NO_KEYS, *, on=None):
    """A key as the keyboard sends it: to the widget with the focus (which must be `on`,
    when given)."""
    widget = focused()
    if on is not None:
        assert widget is on, f"the key went to {widget!r}, not {on!r}"
    qtbot.keyClick(widget, key, modifier)


def dialog_up(qtbot, window, kind):
    """The dialog just opened, once it has the keyboard."""
    try:
        qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind))
    except Exception:
        raise AssertionError(f"no {kind.__name__}; the status bar says: "
                             f"{window.statusBar().currentMessage()!r}") from None
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: dialog.isActiveWindow() and dialog.isAncestorOf(focused()))
    return dialog


def back_at(qtbot, window, widget):
    """A dialog closed: the window manager gives the window back its activation (the test
    does, offscreen), and the keys are where they were before the dialog."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def said(qtbot, window, sentence):
    """The status bar says it, and the write that said it is over."""
    bar = window.statusBar()
    try:
        qtbot.waitUntil(lambda: bar.currentMessage() == sentence, timeout=3000)
    except Exception:
        raise AssertionError(bar.currentMessage()) from None
    qtbot.waitUntil(lambda: not window.operations.busy)


def detail(window, issue_id):
    return follow_up.issue_detail(window.database.engine, issue_id)


def test_a_shift_at_the_desk_from_the_keyboard(qtbot, shift):
    # Ticking from the moment: pytest-qt's waits count on the clock moving.
    with time_machine.travel(MOMENT, tick=True):
        window = open_window(qtbot, shift)
        tabs = window.work_tabs
        queue, issues = tabs.queue, tabs.issues

        # -- the queue is home, and its keys work at once ------------------------------
        assert window.tabs.currentIndex() == QUEUE_TAB
        assert focused() is queue.table
        assert queue.model.rowCount() > 10
        press(qtbot, Qt.Key.Key_J, on=queue.table)
        press(qtbot, Qt.Key.Key_J, on=queue.table)
        press(qtbot, Qt.Key.Key_K, on=queue.table)
        assert queue.table.currentIndex().row() == 1
        item = queue.selected()
        assert item.issue_id is not None
        press(qtbot, Qt.Key.Key_Return, on=queue.table)
        assert window.tabs.currentIndex() == ISSUES_TAB
        assert issues.pane.detail.issue.issue_id == item.issue_id
        assert focused() is issues.table         # the list has the keys, not the View box
        view_before = issues.views.chosen
        press(qtbot, Qt.Key.Key_Down, on=issues.table)
        assert issues.views.chosen == view_before          # Down moved, the view stayed
        press(qtbot, Qt.Key.Key_2, CTRL)                   # back to the Queue
        assert window.tabs.currentIndex() == QUEUE_TAB
        assert focused() is queue.table

        # -- twenty issues triaged with keys alone, in the Issues list -----------------
        press(qtbot, Qt.Key.Key_3, CTRL)
        assert focused() is issues.table
        issues.views.choose("Everything")
        qtbot.waitUntil(lambda: issues.model.rowCount() >= 20)
        issues.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)   # oldest first
        press(qtbot, Qt.Key.Key_Home, CTRL, on=issues.table)   # the top, not selected
        press(qtbot, Qt.Key.Key_Down, on=issues.table)
        press(qtbot, Qt.Key.Key_Up, on=issues.table)          # the first row in hand
        triaged: dict[int, set[str]] = {}
        assigned: set[int] = set()
        for turn in range(20):
            if turn:
                # Back from the last dialog, the list has the keys again by itself (the
                # window manager gives the window back its activation; offscreen, the
                # test), on the row in hand; Down takes the next.
                back_at(qtbot, window, issues.table)
                assert issues.table.currentIndex().row() == turn - 1
                press(qtbot, Qt.Key.Key_Down, on=issues.table)
            assert issues.table.currentIndex().row() == turn
            issue_id = issues.pane.detail.issue.issue_id
            assert issues.model.record_at(turn).issue.issue_id == issue_id
            assert issue_id not in triaged
            mine_already = detail(window, issue_id).issue.assignee == ME
            window.statusBar().clearMessage()        # the last turn said the same
            press(qtbot, Qt.Key.Key_A, on=issues.table)    # to me
            said(qtbot, window, f"0 issues assigned to {ME}; issue {issue_id} (already "
                 f"{ME}'s) was skipped" if mine_already else f"1 issue assigned to {ME}")
            assert detail(window, issue_id).issue.assignee == ME
            triaged[issue_id] = triage(qtbot, window, issue_id, turn)
            if not mine_already:
                assigned.add(issue_id)
        engine = window.database.engine
        for issue_id, what in triaged.items():
            record = follow_up.issue_detail(engine, issue_id)
            assert record.issue.assignee == ME
            kinds = [(entry.kind, entry.actor) for entry in record.timeline]
            assert issue_id not in assigned or ("assigned", ME) in kinds, issue_id
            # A reply past the 24 hours is on the timeline as sent late.
            assert {(kind, ME) for kind in what} & set(kinds), (issue_id, what)

        # -- several at once: Shift+Down selects, A assigns them all, Shift+A to Sam --
        back_at(qtbot, window, issues.table)
        press(qtbot, Qt.Key.Key_Home, CTRL, on=issues.table)
        for _ in range(3):
            press(qtbot, Qt.Key.Key_Down, SHIFT, on=issues.table)
        chosen = [issues.model.record_at(index.row()).issue.issue_id
                  for index in issues.table.selectionModel().selectedRows()]
        assert len(chosen) == 4
        press(qtbot, Qt.Key.Key_A, SHIFT, on=issues.table)
        question = dialog_up(qtbot, window, QInputDialog)
        box = question.findChild(QComboBox)
        assert focused() is box
        box.setCurrentIndex(box.findText(COLLEAGUE))   # stands for the keys typed in it
        press(qtbot, Qt.Key.Key_Return, on=box)
        said(qtbot, window, f"4 issues assigned to {COLLEAGUE}")
        assert {detail(window, i).issue.assignee for i in chosen} == {COLLEAGUE}
        assert sorted(index.row() for index in
                      issues.table.selectionModel().selectedRows()) == [0, 1, 2, 3]
        back_at(qtbot, window, issues.table)
        press(qtbot, Qt.Key.Key_A, on=issues.table)
        said(qtbot, window, f"4 issues assigned to {ME}")
        assert {detail(window, i).issue.assignee for i in chosen} == {ME}

        # -- sorted by a header, saved as a view ------------------------------------------
        header = issues.table.horizontalHeader()
        where = header.sectionViewportPosition(ISSUE_ORDER_COLUMN) + 5
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(where, 5))
        assert header.sortIndicatorSection() == ISSUE_ORDER_COLUMN
        shown = issues.model.column_texts(ISSUE_ORDER_COLUMN)
        assert shown == sorted(shown, reverse=header.sortIndicatorOrder()
                               == Qt.SortOrder.DescendingOrder)
        issues.views.save_button.setFocus()
        press(qtbot, Qt.Key.Key_Space, on=issues.views.save_button)
        name = dialog_up(qtbot, window, QInputDialog)
        qtbot.keyClicks(focused(), "By order")
        press(qtbot, Qt.Key.Key_Return)
        said(qtbot, window, "View “By order” saved")
        order = header.sortIndicatorOrder()
        assert name is not None
        window.close()

        # -- the next morning: the same tab, view and sort ------------------------------
        again = open_window(qtbot, shift)
        assert again.tabs.currentIndex() == ISSUES_TAB
        restarted = again.work_tabs.issues
        assert restarted.views.chosen == "By order"
        header = restarted.table.horizontalHeader()
        assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
            ISSUE_ORDER_COLUMN, order)
        assert restarted.model.column_texts(ISSUE_ORDER_COLUMN) == shown
        again.close()


def triage(qtbot, window, issue_id: int, turn: int) -> set[str]:
    """One of four things done to the issue in hand, by keys alone; returns the kinds of
    timeline entry it may leave (one of them)."""
    issues = window.work_tabs.issues
    if turn % 4 == 0:                                  # draft the reply, copy and note it
        press(qtbot, Qt.Key.Key_R, CTRL)
        dialog = dialog_up(qtbot, window, ReplyDialog)
        assert dialog.issue_id == issue_id
        press(qtbot, Qt.Key.Key_C, ALT)                # Copy and note as sent
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)   # gone
        return REPLIED
    if turn % 4 == 1:                                  # a message from the buyer
        press(qtbot, Qt.Key.Key_T, ALT)                # the pane's Note message… (Alt+T)
        dialog = dialog_up(qtbot, window, MessageDialog)
        assert focused() is dialog.text_edit
        qtbot.keyClicks(dialog.text_edit, "Buyer asks when the refund arrives")
        press(qtbot, Qt.Key.Key_Tab, on=dialog.text_edit)   # Tab leaves the note for Save
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)   # gone
        return {"buyer_message"}
    if turn % 4 == 2:                                  # S: a status
        press(qtbot, Qt.Key.Key_S, on=issues.table)
        question = dialog_up(qtbot, window, QInputDialog)
        box = question.findChild(QComboBox)
        target = (IssueStatus.OPEN if detail(window, issue_id).issue.status
                  is IssueStatus.AWAITING_BUYER else IssueStatus.AWAITING_BUYER)
        box.setCurrentIndex(box.findText(target.label))   # stands for the keys typed in it
        press(qtbot, Qt.Key.Key_Return, on=box)
        said(qtbot, window, f"1 issue set to {target.label.lower()}")
        assert detail(window, issue_id).issue.status is target
        return {"status"}
    press(qtbot, Qt.Key.Key_N, on=issues.table)      # N: replied from Seller Central
    dialog_up(qtbot, window, QInputDialog)
    press(qtbot, Qt.Key.Key_Return)
    said(qtbot, window, "1 issue noted as replied")
    return REPLIED
