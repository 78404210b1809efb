"""The desk's tabs and dialogs, clicked through as a person would: follow an issue up,
reply, record the buyer's answer, approve, reverse, edit the policy, manage staff."""

from datetime import timedelta

import pytest
import time_machine
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from sellerdesk.core.issues import BuyerResponse, IssueStatus, IssueType
from sellerdesk.services import staff_admin
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.database import open_database
from sellerdesk.services.demo.work import DEMO_PIN
from sellerdesk.services.issues import add_issue, list_issues
from sellerdesk.services.ledger import ledger_lines
from sellerdesk.services.protection import pins
from sellerdesk.ui.models.work_models import (
    ISSUE_AGE_COLUMN,
    ISSUE_OPEN_BY_COLUMN,
    ISSUE_REPLY_COLUMN,
    approvals_model,
    issues_model,
    ledger_model,
)
from sellerdesk.ui.views.work_tabs import APPROVALS_TAB, ISSUES_TAB, LEDGER_TAB
from tests.helpers.headers import click_header
from tests.helpers.staffing import PIN, hire
from tests.helpers.window_actions import CLICK, give_pin, log_damaged_book, write_under_way
from tests.ui.conftest import ORDER, give_credit


def answer(dialog, text):
    dialog.setTextValue(text)
    dialog.accept()


def test_work_models_pass_qtmodeltester(qtmodeltester, demo_db):
    from sellerdesk.services.credits import pending_approvals
    from sellerdesk.services.follow_up import find_issues
    with open_database(demo_db) as db:
        staff_admin.give_pin(db.engine, "Olivia Owner", DEMO_PIN)
        staff_admin.save_staff(db.engine, name="Ben", role="agent", staff="Olivia Owner",
                               approval_limits="USD 0, GBP 0, EUR 0, JPY 0")
        order = list_issues(db.engine)[0].order_id
        issue = add_issue(db.engine, order_id=order, issue_type=IssueType.DAMAGED,
                               staff="Ben")
        issue_credit(db.engine, issue_id=issue.issue_id, amount="0.50", reason="sorry",
                          staff="Ben")   # above Ben's limit: waits for a supervisor
        for model, records in ((issues_model(), find_issues(db.engine)),
                               (ledger_model(), ledger_lines(db.engine)),
                               (approvals_model(), pending_approvals(db.engine))):
            assert records, "the demo has issues, credits and requests waiting"
            model.set_records(records)
            qtmodeltester.check(model, force_py=True)


def test_issues_tab_shows_age_reply_clock_and_filters(qtbot, desk_window):
    engine = desk_window.database.engine
    with time_machine.travel(timedelta(hours=-30), tick=False):
        late = add_issue(engine, order_id=ORDER, issue_type=IssueType.LATE_DELIVERY,
                              days_late=2)
    fresh = log_damaged_book(desk_window)
    desk_window.tabs.setCurrentIndex(ISSUES_TAB)
    view = desk_window.work_tabs.issues
    model = view.model
    assert model.column_texts(0) == [str(fresh), str(late.issue_id)]
    assert model.column_texts(ISSUE_AGE_COLUMN)[1] == "1 d 6 h"
    assert model.column_texts(ISSUE_REPLY_COLUMN)[0].endswith("min left")
    assert model.column_texts(ISSUE_REPLY_COLUMN)[1] == "overdue 6 h 00 min"
    reply = model.index(1, ISSUE_REPLY_COLUMN)
    assert reply.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b00020"
    assert view.count_label.text() == "2 issues · 1 overdue"
    assert view.table.isColumnHidden(ISSUE_OPEN_BY_COLUMN)   # a single desk: nobody else
    view.overdue_box.click()
    assert model.column_texts(0) == [str(late.issue_id)]
    view.overdue_box.click()
    view.type_box.setCurrentIndex(view.type_box.findData(IssueType.DAMAGED.value))
    assert model.column_texts(0) == [str(fresh)]


def test_follow_up_an_issue_from_the_pane(qtbot, desk_window):
    issue_id = log_damaged_book(desk_window)
    desk_window.work_tabs.show_issue(issue_id)
    pane = desk_window.work_tabs.issues.pane
    assert desk_window.tabs.currentIndex() == ISSUES_TAB
    assert pane.title_label.text() == f"Issue {issue_id} · Damaged, moderate"
    assert "Notes: corner crushed" in pane.subtitle_label.text()

    qtbot.mouseClick(pane.message_button, CLICK)
    pane.dialog.text_edit.setPlainText("Box was crushed too, photos attached")
    qtbot.mouseClick(pane.dialog.buttons.button(QDialogButtonBox.StandardButton.Save), CLICK)
    assert pane.timeline_rows()[-1][1:] == ["Ana", "Buyer wrote",
                                             "Box was crushed too, photos attached"]

    pane.status_box.setCurrentIndex(pane.status_box.findData(IssueStatus.ESCALATED_ATOZ.value))
    pane.status_box.activated.emit(pane.status_box.currentIndex())
    assert pane.timeline_rows()[-1][2:] == ["Status", "Open → A-to-z claim"]
    view = desk_window.work_tabs.issues
    assert view.model.rowCount() == 0     # gone from "open and awaiting buyer"…
    assert pane.detail.issue.status is IssueStatus.ESCALATED_ATOZ   # …still in hand


def test_draft_the_reply_copy_it_and_record_the_buyers_answer(qtbot, desk_window):
    issue_id = log_damaged_book(desk_window)
    issue_credit(desk_window.database.engine, issue_id=issue_id)    # the offer
    desk_window.work_tabs.show_issue(issue_id)
    pane = desk_window.work_tabs.issues.pane
    assert pane.status_box.currentText() == "Open"       # a credit closes no work
    qtbot.keyClick(desk_window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = desk_window.work_tabs.dialog
    assert dialog.isVisible()
    text = dialog.text_edit.toPlainText()
    assert "your “The Home Cook's Year” arrived damaged" in text
    dialog.text_edit.appendPlainText("P.S. A new copy is on its way.")
    with qtbot.waitSignal(dialog.replied):
        qtbot.mouseClick(dialog.send_button, CLICK)
    assert QGuiApplication.clipboard().text().endswith("P.S. A new copy is on its way.")
    pane = desk_window.work_tabs.issues.pane
    assert pane.reply_label.text() == "nothing waits for a reply"
    assert pane.answer_label.text() == "Waiting"
    reply_row = pane.timeline_rows()[-2]
    assert reply_row[2] == "Reply sent"
    assert reply_row[3].startswith("Hello, Thank you for getting in touch about your order")
    assert reply_row[3].endswith("…")   # one line in the table…
    assert pane.timeline_table.item(pane.timeline_table.rowCount() - 2, 3).toolTip() \
        .endswith("P.S. A new copy is on its way.")   # …the whole reply on hover
    qtbot.mouseClick(pane.answer_buttons[BuyerResponse.ACCEPTED], CLICK)
    assert pane.answer_label.text() == "Accepted"
    assert pane.status_box.currentText() == "Resolved"


def test_the_reply_template_is_checked_as_it_is_typed(qtbot, desk_window):
    issue_id = log_damaged_book(desk_window)
    reply = desk_window.work_tabs.draft_reply(issue_id)
    qtbot.mouseClick(reply.template_button, CLICK)
    editor = reply.template_dialog
    editor.text_edit.setPlainText("Dear $buyer_name,\n$problem")
    save = editor.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.waitUntil(lambda: not save.isEnabled())
    assert editor.error_label.text().startswith("line 1: $buyer_name is not a placeholder")
    editor.text_edit.setPlainText("Hello from $store: $problem.\n$staff")
    editor.store_edit.setText("Brightside Home")
    qtbot.waitUntil(save.isEnabled)
    qtbot.mouseClick(save, CLICK)
    assert reply.text_edit.toPlainText() == (
        "Hello from Brightside Home: your “The Home Cook's Year” arrived damaged.\nAna\n")


def test_give_a_credit_on_a_logged_issue(qtbot, desk_window):
    issue_id = log_damaged_book(desk_window)
    desk_window.work_tabs.show_issue(issue_id)
    qtbot.mouseClick(desk_window.work_tabs.issues.pane.credit_button, CLICK)
    dialog = desk_window.work_tabs.dialog
    assert dialog.windowTitle() == f"Credit on issue {issue_id}, order {ORDER}"
    assert not dialog.type_box.isEnabled()
    qtbot.waitUntil(lambda: dialog.suggestion_label.text() == "$7.50")
    assert give_credit(qtbot, dialog) == (
        "Give courtesy credit of $7.50 (USD) on order 114-3941689-8772232, to the buyer "
        "of this order?")
    ledger = desk_window.work_tabs.ledger
    assert ledger.model.column_texts(5) == ["$7.50"]
    assert [row[2:] for row in desk_window.work_tabs.issues.pane.timeline_rows()[-2:]] == [
        ["Suggested", "policy version 1 suggested courtesy credit $7.50: damaged: 30 % of "
                      "1 × 24.99 = 7.50"],
        ["Credit", "Courtesy credit $7.50 (credit 1)"]]
    assert desk_window.detail_view.activity_rows()[-1][1] == "Credit 1"


def test_a_supervisor_approves_in_the_approvals_tab(qtbot, desk_window):
    engine = desk_window.database.engine
    log_damaged_book(desk_window)                      # Ana is the owner
    hire(engine, "Ben", limits="USD 4")
    hire(engine, "Mara", "supervisor")
    pins.drop_elevation(engine)                         # the window's own PINs, from here
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                           affected=(("MUG", 1),), staff="Ben")
    asked = issue_credit(engine, issue_id=issue.issue_id, staff="Ben")
    assert asked.pending
    desk_window.work_tabs.refresh()
    assert desk_window.tabs.tabText(APPROVALS_TAB) == "&Approvals (1)"
    desk_window.staff_box.setCurrentText("Ben")
    assert desk_window.role_label.text().strip() == "agent, limits USD 4"
    view = desk_window.work_tabs.approvals
    assert not view.approve_button.isEnabled()
    assert not view.reject_button.isEnabled()
    assert view.refused_label.text() == ("You cannot decide this one: Ben is an agent; only a "
                                         "supervisor or owner may approve or reject credits.")
    desk_window.staff_box.setCurrentText("Mara")
    give_pin(desk_window.pin_dialog, PIN)
    assert desk_window.staff_box.currentText() == "Mara"
    assert view.approve_button.isEnabled()
    assert view.refused_label.isHidden()
    qtbot.mouseClick(view.reject_button, CLICK)
    qtbot.waitUntil(lambda: view.error_label.text() != "")     # refused off the GUI thread
    assert view.error_label.text() == "a rejection needs a comment for the agent (--comment)"
    assert view.reject_button.isEnabled()                      # for the comment to be given
    qtbot.keyClicks(view.comment_edit, "fair")
    with qtbot.waitSignal(view.decided):
        qtbot.mouseClick(view.approve_button, CLICK)
        assert view.refused_label.isHidden()      # its own decision: nothing to wait for
    assert view.model.rowCount() == 0
    assert desk_window.tabs.tabText(APPROVALS_TAB) == "&Approvals"
    assert desk_window.work_tabs.ledger.model.column_texts(8) == ["Mara"]
    assert "Approved: credit 1, $4.35" in desk_window.statusBar().currentMessage()


def two_requests_from_ben(desk_window) -> None:
    """Ben, whose limit is $4, asks for two credits over it (a book, a mug)."""
    engine = desk_window.database.engine
    hire(engine, "Ben", limits="USD 4")
    for sku in ("BOOK", "MUG"):
        issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                          affected=((sku, 1),), staff="Ben")
        assert issue_credit(engine, issue_id=issue.issue_id, staff="Ben").pending
    desk_window.work_tabs.refresh()


def test_the_request_being_read_stays_selected_when_the_list_is_read_again(qtbot,
                                                                          desk_window):
    """An import ending (or a colleague's decision) reads the list again: the request a
    supervisor is commenting on stays the one Approve and Reject act on."""
    two_requests_from_ben(desk_window)
    view = desk_window.work_tabs.approvals
    view.table.selectRow(1)
    chosen = view.selected().approval_id
    qtbot.keyClicks(view.comment_edit, "photo shows the chip")
    desk_window.work_tabs.refresh()
    assert view.selected().approval_id == chosen
    assert view.comment_edit.text() == "photo shows the chip"


def test_a_sorted_request_list_read_again_keeps_the_request_and_the_widths(qtbot,
                                                                         desk_window):
    """Sorted by a header, the list is read again in the query's order and sorted again:
    Approve still acts on the request being read, and the widths are the ones dragged."""
    two_requests_from_ben(desk_window)
    desk_window.tabs.setCurrentIndex(APPROVALS_TAB)
    view = desk_window.work_tabs.approvals
    click_header(qtbot, view.table, 0)
    click_header(qtbot, view.table, 0)                   # the newest request first
    assert view.model.column_texts(0) == ["2", "1"]
    view.table.selectRow(1)
    view.table.horizontalHeader().resizeSection(7, 180)
    desk_window.work_tabs.refresh()
    assert view.model.column_texts(0) == ["2", "1"]
    assert view.selected().approval_id == 1
    assert view.table.horizontalHeader().sectionSize(7) == 180


def ask_to_reverse_a_credit(qtbot, window):
    """A credit on the damaged book, selected in the Ledger tab, Reverse clicked: its
    question asks why."""
    issue_credit(window.database.engine, issue_id=log_damaged_book(window))
    window.work_tabs.refresh()
    window.tabs.setCurrentIndex(LEDGER_TAB)
    ledger = window.work_tabs.ledger
    ledger.table.selectRow(0)
    qtbot.mouseClick(ledger.reverse_button, CLICK)
    return ledger


def test_reverse_from_the_ledger_and_verify_the_chain(qtbot, desk_window):
    ledger = ask_to_reverse_a_credit(qtbot, desk_window)
    answer(ledger.question, "buyer returned the book")
    assert ledger.model.column_texts(4) == ["Reverses credit 1", "Courtesy credit"]
    assert ledger.model.column_texts(6) == ["$0.00", "$7.50"]
    assert ledger.totals_label.text() == "<b>2 entries</b> · net given: $0.00"
    assert not ledger.reverse_button.isEnabled()   # the reversal is selected: no undoing it
    qtbot.mouseClick(ledger.verify_button, CLICK)
    assert ledger.result_label.text() == "ledger intact: 2 entries, every hash matches"


def test_a_reversal_answered_after_another_write_began_waits_with_its_reason(qtbot,
                                                                             desk_window):
    """The reason is typed when the watched folder's import begins: the reversal is not
    written on the GUI thread behind it; it is said, and its reason is offered again."""
    ledger = ask_to_reverse_a_credit(qtbot, desk_window)
    with write_under_way(qtbot, desk_window.operations):
        answer(ledger.question, "buyer returned the book")
        assert ledger.result_label.text() == (
            "Credit 1 is not reversed: Importing more.txt is under way; this waits until it "
            "is done. Reverse it again then; your reason is kept.")
        assert len(ledger_lines(desk_window.database.engine)) == 1
    ledger.table.selectRow(0)
    qtbot.mouseClick(ledger.reverse_button, CLICK)
    assert ledger.question.textValue() == "buyer returned the book"
    answer(ledger.question, ledger.question.textValue())
    assert ledger.model.column_texts(4) == ["Reverses credit 1", "Courtesy credit"]


def test_policy_editor_checks_tries_and_saves(qtbot, desk_window, tmp_path):
    editor = desk_window.edit_policy()
    assert editor.order_edit.text() == ORDER
    qtbot.waitUntil(lambda: editor.result_label.text() == "$7.50 · Courtesy credit")
    text = editor.text_edit.toPlainText()
    broken = text.replace("percent = 30", "percent = thirty", 1)
    editor.text_edit.setPlainText(broken)
    qtbot.waitUntil(lambda: editor.check_label.text().startswith("✗"))
    line = broken.splitlines().index("percent = thirty") + 1
    assert f"line {line}" in editor.check_label.text()
    assert editor.error_line() == line
    assert not editor.save_button.isEnabled()
    editor.text_edit.setPlainText(text.replace("percent = 30", "percent = 40", 1))
    qtbot.waitUntil(lambda: editor.result_label.text() == "$10.00 · Courtesy credit")
    assert editor.error_line() is None
    qtbot.mouseClick(editor.save_button, CLICK)
    assert editor.status_label.text() == ("Saved as version 2: new suggestions use it from "
                                          "now on.")
    assert editor.version_label.text().startswith("In use: version 2")
    target = tmp_path / "exported.toml"
    assert editor.export_file(target)
    assert "percent = 40" in target.read_text(encoding="utf-8")
    latin = tmp_path / "latin.toml"
    latin.write_bytes("name = \"Politique générale\"".encode("latin-1"))
    assert not editor.import_file(latin)
    assert editor.status_label.text() == "Cannot read latin.toml: not UTF-8 text"
    assert "percent = 40" in editor.text_edit.toPlainText()   # nothing lost


def test_an_agent_cannot_save_the_policy(qtbot, desk_window):
    engine = desk_window.database.engine
    log_damaged_book(desk_window)
    hire(engine, "Ben")
    desk_window.work_tabs.refresh()
    desk_window.staff_box.setCurrentText("Ben")
    editor = desk_window.edit_policy()
    editor.text_edit.setPlainText(editor.text_edit.toPlainText() + "\n# edited\n")
    qtbot.waitUntil(editor.save_button.isEnabled)
    qtbot.mouseClick(editor.save_button, CLICK)
    assert "Ben is not a supervisor or owner here" in editor.status_label.text()


@pytest.mark.parametrize("who", ["Ana", "Ben"])
def test_staff_dialog_adds_people_only_for_an_owner(qtbot, desk_window, who):
    engine = desk_window.database.engine
    log_damaged_book(desk_window)                      # Ana is the owner
    hire(engine, "Ben", "supervisor")                  # both gave their PINs just now
    desk_window.work_tabs.refresh()
    desk_window.staff_box.setCurrentText(who)
    dialog = desk_window.work_tabs.manage_staff()
    qtbot.mouseClick(dialog.new_button, CLICK)
    qtbot.keyClicks(dialog.name_edit, "Cleo")
    dialog.role_box.setCurrentIndex(dialog.role_box.findData("agent"))
    qtbot.keyClicks(dialog.limit_edit, "USD 20")
    qtbot.mouseClick(dialog.save_button, CLICK)
    if who == "Ana":
        assert dialog.rows() == [["Ana", "owner", "—", "active"],
                                 ["Ben", "supervisor", "—", "active"],
                                 ["Cleo", "agent", "USD 20", "active"]]
        assert desk_window.staff_box.findText("Cleo") >= 0
    else:
        assert dialog.error_label.text() == ("Ben is a supervisor; only an owner adds staff "
                                             "or changes roles and limits")
        assert len(dialog.rows()) == 2


def test_an_issue_row_in_the_order_pane_opens_the_issue(qtbot, desk_window):
    issue_id = log_damaged_book(desk_window)
    desk_window.show_order(ORDER)
    table = desk_window.detail_view.activity_table
    table.cellDoubleClicked.emit(0, 1)
    assert desk_window.tabs.currentIndex() == ISSUES_TAB
    assert desk_window.work_tabs.issues.pane.detail.issue.issue_id == issue_id
    qtbot.mouseClick(desk_window.work_tabs.issues.pane.order_button, CLICK)
    assert desk_window.tabs.currentIndex() == 0
    assert desk_window.detail_view.order.order_id == ORDER


def test_resolving_while_a_reply_is_owed_asks_first(qtbot, desk_window):
    issue_id = log_damaged_book(desk_window)               # the buyer waits for a reply
    desk_window.work_tabs.show_issue(issue_id)
    pane = desk_window.work_tabs.issues.pane

    def choose_resolved():
        pane.status_box.setCurrentIndex(pane.status_box.findData(IssueStatus.RESOLVED.value))
        pane.status_box.activated.emit(pane.status_box.currentIndex())
        box = pane.question
        assert isinstance(box, QMessageBox)
        assert box.isVisible()
        return box

    box = choose_resolved()
    assert box.windowTitle() == f"Resolve issue {issue_id}?"
    assert box.text() == ("Still owed on this issue: reply to the buyer.\n\n"
                          "Resolve it anyway?")
    assert pane.status_box.currentText() == "Open"        # nothing moved while it asks
    qtbot.keyClick(box, Qt.Key.Key_Return)                 # Enter is Cancel
    assert pane.status_box.currentText() == "Open"
    assert [r[2] for r in pane.timeline_rows()] == ["Logged"]
    box = choose_resolved()
    (resolve,) = [b for b in box.buttons() if b.text() == "Resolve anyway"]
    qtbot.mouseClick(resolve, CLICK)
    assert pane.status_box.currentText() == "Resolved"
    assert pane.timeline_rows()[-1][2:] == ["Status", "Open → Resolved"]
