"""The Unsorted tab (ui/views/unsorted_view.py): mail read from the session's real Dovecot
that the desk could not place on an order, each with why; attached to an order by a
person (the issue opens with the reply clock from the mail's own time) or set aside —
and the tab's count, and the Queue's, follow."""

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from sellerdesk.services.issues import list_issues
from sellerdesk.services.mail.sync import sync_folders
from sellerdesk.ui.views.unsorted_view import unsorted_model
from sellerdesk.ui.views.work_tabs import ISSUES_TAB, UNSORTED_TAB
from tests.helpers import amazon_mail
from tests.ui.conftest import ORDER

NO_ORDER = "Where is my parcel? I ordered a lamp last week."
UNKNOWN = "114-9999999-9999999"


def fetch(window, dovecot, login) -> None:
    """Read the mailbox into the desk, then refresh the window as it does after a fetch."""
    with dovecot.imap(login) as imap:
        sync_folders(window.database.engine, imap, account=login, folders=("INBOX",))
    window.refresh()


@pytest.fixture
def unsorted(desk_window, dovecot, mail_user):
    """Two mails the desk could not place: one without an order id, one for an order
    not on this desk."""
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
        None, text=NO_ORDER, message_id="no-order@relay", subject="Question from Jane"))
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
        UNKNOWN, message_id="unknown@relay",
        sent_at=amazon_mail.SENT_AT + timedelta(minutes=5)))
    fetch(desk_window, dovecot, mail_user.login)
    return desk_window.work_tabs.unsorted


def answer(qtbot, question, text: str) -> None:
    """Type into the open question and press OK."""
    question.setTextValue(text)
    question.accept()


def test_the_unsorted_model_passes_qtmodeltester(qtmodeltester, unsorted):
    model = unsorted_model()
    model.set_records(unsorted.model.records())
    qtmodeltester.check(model, force_py=True)


def test_unsorted_lists_mail_it_could_not_place_with_why(qtbot, desk_window, unsorted):
    assert desk_window.tabs.tabText(UNSORTED_TAB) == "Unsorted (2)"
    queue = desk_window.work_tabs.queue
    assert queue.unsorted_button.isVisible()               # seen from the Queue
    assert queue.unsorted_button.text() == "2 unsorted mails"
    qtbot.mouseClick(queue.unsorted_button, Qt.MouseButton.LeftButton)
    assert desk_window.tabs.currentIndex() == UNSORTED_TAB
    model = unsorted.model
    assert model.column_texts(1) == ["Buyer's message", "Buyer's message"]
    assert model.column_texts(4) == [
        f"order {UNKNOWN} is not on this desk yet (import its report)",
        "no order id in the mail"]                          # newest first
    assert model.column_texts(3)[1] == "Question from Jane"
    assert all(amazon_mail.relay_address("US") in sender for sender in model.column_texts(2))
    # The selected mail, whole, below the list.
    unsorted.table.selectRow(1)
    assert NO_ORDER in unsorted.card.body_text()
    assert unsorted.card.isVisible()


def test_attach_to_order_opens_an_issue_with_the_clock_from_the_mails_time(
        qtbot, desk_window, unsorted):
    engine = desk_window.database.engine
    desk_window.tabs.setCurrentIndex(UNSORTED_TAB)
    unsorted.table.selectRow(1)                             # the one without an order id
    qtbot.mouseClick(unsorted.attach_button, Qt.MouseButton.LeftButton)
    question = unsorted.question
    assert question.isVisible()
    assert question.textValue() == ""                       # no order id found to offer
    answer(qtbot, question, f" {ORDER} ")
    qtbot.waitUntil(lambda: desk_window.tabs.currentIndex() == ISSUES_TAB)
    [issue] = list_issues(engine)
    assert issue.order_id == ORDER
    assert issue.reply_due_at == amazon_mail.SENT_AT.replace(tzinfo=None) + timedelta(hours=24)
    pane = desk_window.work_tabs.issues.pane
    assert pane.detail.issue.issue_id == issue.issue_id
    assert pane.history_tabs.tabText(1) == "Mail (1)"
    assert NO_ORDER in pane.mail_thread.cards[0].body_text()
    assert desk_window.statusBar().currentMessage() == (
        f"Mail {pane.mail_thread.cards[0].mail.mail_id} is on issue {issue.issue_id} "
        f"(order {ORDER})")
    assert desk_window.tabs.tabText(UNSORTED_TAB) == "Unsorted (1)"
    assert unsorted.model.column_texts(4) == [
        f"order {UNKNOWN} is not on this desk yet (import its report)"]


def test_the_order_id_found_is_offered_and_an_unknown_one_is_refused(qtbot, desk_window,
                                                                     unsorted):
    desk_window.tabs.setCurrentIndex(UNSORTED_TAB)
    unsorted.table.selectRow(0)
    unsorted.table.setFocus()
    qtbot.keyClick(unsorted.table, Qt.Key.Key_Return)
    question = unsorted.question
    assert question.textValue() == UNKNOWN
    question.accept()
    qtbot.waitUntil(unsorted.error_label.isVisible)
    assert unsorted.error_label.text() == (f"no order '{UNKNOWN}': import the report that "
                                           "has it first")
    assert desk_window.tabs.currentIndex() == UNSORTED_TAB
    assert desk_window.tabs.tabText(UNSORTED_TAB) == "Unsorted (2)"
    assert list_issues(desk_window.database.engine) == []


def test_set_aside_asks_then_takes_the_mail_out_of_the_list(qtbot, desk_window, unsorted):
    desk_window.tabs.setCurrentIndex(UNSORTED_TAB)
    unsorted.table.selectRow(1)
    qtbot.mouseClick(unsorted.set_aside_button, Qt.MouseButton.LeftButton)
    box = unsorted.question
    assert isinstance(box, QMessageBox)
    assert "“Question from Jane”" in box.text()
    assert "nothing brings it back" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()    # the default: nothing happens
    assert desk_window.tabs.tabText(UNSORTED_TAB) == "Unsorted (2)"
    unsorted.table.setFocus()
    qtbot.keyClick(unsorted.table, Qt.Key.Key_Delete)
    box = unsorted.question
    (yes,) = [b for b in box.buttons() if box.buttonRole(b) is QMessageBox.ButtonRole.AcceptRole]
    assert yes.text() == "Set aside"
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk_window.tabs.tabText(UNSORTED_TAB) == "Unsorted (1)")
    assert unsorted.model.column_texts(3) != ["Question from Jane"]
    assert desk_window.work_tabs.queue.unsorted_button.text() == "1 unsorted mail"
    assert list_issues(desk_window.database.engine) == []


def test_an_empty_unsorted_says_where_mail_would_come_from(desk_window):
    view = desk_window.work_tabs.unsorted
    desk_window.tabs.setCurrentIndex(UNSORTED_TAB)
    assert desk_window.tabs.tabText(UNSORTED_TAB) == "Unsorted"
    assert view.empty_label.isVisible()
    assert "Settings › Mail" in view.empty_label.text()
    assert not view.attach_button.isEnabled()
    assert not desk_window.work_tabs.queue.unsorted_button.isVisible()
    assert desk_window.tab_actions[UNSORTED_TAB].shortcut().toString() == "Ctrl+7"
