"""The tray: closing the window keeps SellerDesk there, quits, or asks, as Settings ›
Window says; a deadline or an approval that arrives while the window is away is told as
a desktop notification whose click brings the window back on it. Where the desktop has
no tray (the offscreen platform has none), closing quits and the notice goes to the
status bar.

The offscreen platform has no tray, so most tests here tell the window that the desktop
has one (`tray_available=True`): the icon is then a real QSystemTrayIcon that nobody
sees, and its messageClicked stands for the desktop's click on the notification."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from sellerdesk.core.issues import IssueType
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.database import open_database
from sellerdesk.services.issues import add_issue
from sellerdesk.ui.dialogs.settings_dialog import SettingsDialog
from sellerdesk.ui.dialogs.window_page import (
    CLOSE_ASKS,
    CLOSE_QUITS,
    CLOSE_TO_TRAY,
    NO_TRAY,
    close_choice,
    save_close_choice,
)
from sellerdesk.ui.main_window import MainWindow
from sellerdesk.ui.views.work_tabs import APPROVALS_TAB, ISSUES_TAB
from tests.helpers.staffing import hire
from tests.helpers.stored_orders import ORDER, lamp_and_mugs

# Qt's tray on the offscreen platform looks for a signal that platform lacks.
pytestmark = pytest.mark.qt_log_ignore(
    "No such signal QPlatformNativeInterface::systemTrayWindowChanged")


@pytest.fixture
def moment():
    at = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    with time_machine.travel(at, tick=False):
        yield at


@pytest.fixture
def desk(sqlite_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    with open_database(sqlite_url) as db:
        lamp_and_mugs(db.engine, tmp_path)
    return sqlite_url


def open_window(qtbot, url: str, *, tray: bool) -> MainWindow:
    window = MainWindow(url, tray_available=tray)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_database()
    return window


@pytest.fixture
def window(qtbot, desk, moment):
    window = open_window(qtbot, desk, tray=True)
    yield window
    window.quit_app()
    assert QApplication.quitOnLastWindowClosed()     # left as Qt's default for the next


def damaged(window, **kwargs):
    return add_issue(window.database.engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                     affected=(("LAMP", 1),), **kwargs)


def button(box: QMessageBox, text: str):
    (found,) = [b for b in box.buttons() if b.text().replace("&", "") == text]
    return found


def test_closing_keeps_sellerdesk_in_the_tray_and_file_quit_really_quits(qtbot, window):
    save_close_choice(CLOSE_TO_TRAY)
    message = window.tell(QMessageBox.Icon.Information, "Imported 3 orders")
    window.close()
    assert not window.isVisible()
    assert not message.isVisible()                # goes with the window…
    window.tray.show_action.trigger()
    assert window.isVisible()
    assert message.isVisible()                    # …and comes back with it
    message.close()
    window.close()
    assert not window.isVisible()
    assert not window.closed                      # still running, its timers too
    assert window.tray.icon.isVisible()
    assert window.tray.told is None
    # A dialog closed while the window is hidden must not end the app.
    assert not QApplication.quitOnLastWindowClosed()
    menu = [a.text() for a in window.tray.menu.actions()]
    assert menu == ["&Show SellerDesk", "Nothing urgent", "", "&Quit"]
    window.quit_action.trigger()
    assert window.closed
    assert not window.tray.icon.isVisible()


def test_closing_asks_by_default_and_enter_or_escape_closes_nothing(qtbot, window):
    assert close_choice() == CLOSE_ASKS
    window.close()
    box = window.tray.question
    assert box is not None
    qtbot.waitExposed(box)
    assert box.text() == "Keep SellerDesk running in the tray, or quit?"
    assert sorted(b.text() for b in box.buttons()) == ["&Quit", "Cancel", "Keep in the &tray"]
    assert box.defaultButton() is button(box, "Cancel")
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Escape):
        qtbot.keyClick(box, key)
        qtbot.waitUntil(lambda: window.tray.question is None)
        assert window.isVisible()
        assert not window.closed
        window.close()
        box = window.tray.question
    # Asked again: kept in the tray, and the answer remembered for next time.
    box.checkBox().setChecked(True)
    qtbot.mouseClick(button(box, "Keep in the tray"), Qt.MouseButton.LeftButton)
    assert not window.isVisible()
    assert not window.closed
    assert close_choice() == CLOSE_TO_TRAY
    window.tray.show_window()
    assert window.tray.question is None            # answered: not brought back with it


def test_quit_chosen_in_the_question_closes(qtbot, window):
    window.close()
    qtbot.mouseClick(button(window.tray.question, "Quit"), Qt.MouseButton.LeftButton)
    assert window.closed
    assert close_choice() == CLOSE_ASKS          # not remembered unless asked to


def test_a_deadline_near_while_in_the_tray_is_told_and_its_click_opens_the_issue(
        qtbot, window, moment):
    issue = damaged(window)
    window.work_tabs.refresh()              # a reply owed within a day: nothing urgent yet
    save_close_choice(CLOSE_TO_TRAY)
    window.close()
    with time_machine.travel(moment + timedelta(hours=23), tick=False):
        window.work_tabs.queue.refresh()    # its minute's reading
    title, text = window.tray.told
    assert title == "A deadline is near"
    assert text.startswith(f"Issue {issue.issue_id}: Reply to the buyer")
    assert text.endswith("— 1 h 00 min left")
    assert window.tray.urgent_action.text() == "1 urgent"
    assert window.tray.icon.toolTip() == "SellerDesk — 1 urgent"
    window.tray.icon.messageClicked.emit()   # the person clicks the notification
    assert window.isVisible()
    assert window.tabs.currentIndex() == ISSUES_TAB
    assert window.work_tabs.issues.pane.detail.issue.issue_id == issue.issue_id


def test_what_the_queue_showed_in_sight_is_not_told_again(qtbot, window, moment):
    damaged(window)
    with time_machine.travel(moment + timedelta(hours=23), tick=False):
        window.work_tabs.queue.refresh()    # urgent, and on the screen
        window.showMinimized()
        qtbot.waitUntil(window.isMinimized)
        window.work_tabs.queue.refresh()
    assert window.tray.told is None


def test_an_approval_for_me_while_minimised_is_told_and_opens_on_the_request(
        qtbot, window):
    engine = window.database.engine
    hire(engine, "Ben")
    issue = damaged(window, staff="Ben")
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    asked = issue_credit(engine, issue_id=issue.issue_id, amount="59.00",
                         reason="the whole lamp", staff="Ben")
    assert asked.pending
    window.work_tabs.queue.refresh()
    title, text = window.tray.told
    assert title == "An approval waits for you"
    assert text == (f"Issue {issue.issue_id}: Approve or reject courtesy credit $59.00 "
                    "asked by Ben")
    window.tray.icon.messageClicked.emit()
    assert not window.isMinimized()
    assert window.tabs.currentIndex() == APPROVALS_TAB
    approvals = window.work_tabs.approvals
    (row,) = approvals.table.selectionModel().selectedRows()
    assert approvals.model.records()[row.row()].approval_id == asked.approval_id


def test_without_a_tray_closing_quits_and_the_notice_goes_to_the_status_bar(
        qtbot, desk, moment):
    window = open_window(qtbot, desk, tray=False)
    assert window.tray.icon is None
    save_close_choice(CLOSE_TO_TRAY)           # chosen on another desktop, say
    issue = damaged(window)
    window.work_tabs.refresh()
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    with time_machine.travel(moment + timedelta(hours=23), tick=False):
        window.work_tabs.queue.refresh()
    assert window.statusBar().currentMessage().startswith(
        f"⚠ A deadline is near: Issue {issue.issue_id}: Reply to the buyer")
    window.close()
    assert window.closed


def test_settings_window_says_what_closing_does_or_that_there_is_no_tray(qtbot, desk):
    with open_database(desk) as db:
        without = SettingsDialog(db.engine, "Ana", tray_available=False)
        qtbot.addWidget(without)
        page = without.window_page
        assert without.tabs.tabText(without.tabs.indexOf(page)) == "Window"
        assert not page.close_box.isEnabled()
        assert page.close_box.currentText() == "Quit"
        assert page.note_label.text() == NO_TRAY

        dialog = SettingsDialog(db.engine, "Ana", tray_available=True)
        qtbot.addWidget(dialog)
        page = dialog.window_page
        assert page.close_box.isEnabled()
        assert page.close_box.currentText() == "Ask"
        page.close_box.setCurrentText("Keep SellerDesk in the tray")
        assert dialog.save()
        assert close_choice() == CLOSE_TO_TRAY
        page.close_box.setCurrentText("Quit")
        assert dialog.save()
        assert close_choice() == CLOSE_QUITS
