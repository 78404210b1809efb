"""The policy editor, clicked and typed into as a person would: an emptied policy is not
saved, closing with edits asks first, and old versions are listed, compared and restored."""

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox

from sellerdesk.core.issues import IssueType
from sellerdesk.services import policies
from sellerdesk.services.clock import pinned
from sellerdesk.services.issues import add_issue
from sellerdesk.services.protection.security_log import security_events
from sellerdesk.ui.formatting import local_time
from tests.helpers.staffing import hire
from tests.ui.conftest import ORDER

CLICK = Qt.MouseButton.LeftButton
BUTTON = QMessageBox.StandardButton


def open_editor(qtbot, window):
    editor = window.edit_policy()
    qtbot.waitUntil(lambda: editor.result_label.text() == "$7.50 · Courtesy credit")
    return editor


def type_at_end(qtbot, editor, text):
    editor.text_edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor.text_edit, text)
    qtbot.waitUntil(lambda: editor.check_label.text().endswith("not saved yet"))


def answer(editor, button):
    question = QApplication.activeModalWidget()
    assert question is editor.question
    question.button(button).click()


def test_an_emptied_policy_is_refused_in_the_editor(qtbot, desk_window):
    editor = open_editor(qtbot, desk_window)
    editor.text_edit.selectAll()
    qtbot.keyClick(editor.text_edit, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: editor.check_label.text().startswith("✗"))
    assert editor.check_label.text() == (
        "✗ policy, column 'severity': is missing; the policy needs a [severity] table with "
        "minor, moderate and major multipliers")
    assert not editor.save_button.isEnabled()
    assert editor.result_label.text() == "—"


def test_a_type_logged_here_needs_a_rule_and_by_hand_is_said_so(qtbot, desk_window):
    add_issue(desk_window.database.engine, order_id=ORDER, issue_type=IssueType.TECHNICAL)
    editor = open_editor(qtbot, desk_window)
    text = editor.text_edit.toPlainText()
    editor.text_edit.setPlainText(text.replace('by_hand = ["technical", "other"]',
                                               'by_hand = ["other"]'))
    qtbot.waitUntil(lambda: editor.check_label.text().startswith("✗"))
    assert "column 'rules.technical': is missing, and this desk has technical issues logged" \
        in editor.check_label.text()
    assert not editor.save_button.isEnabled()
    editor.text_edit.setPlainText(text)
    editor.type_box.setCurrentIndex(editor.type_box.findData(IssueType.TECHNICAL.value))
    qtbot.waitUntil(lambda: editor.result_label.text() == "Decided by hand")
    assert editor.explanation_label.text() == ("technical: decided by hand (policy says "
                                               "so).\nFlags: by hand")


def test_escape_with_edits_asks_and_cancel_keeps_them(qtbot, desk_window):
    editor = open_editor(qtbot, desk_window)
    type_at_end(qtbot, editor, "# kinder this year")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is editor.question)
    assert editor.question.text() == ("The policy has edits that are not saved. Save them as "
                                      "a new version?")
    qtbot.keyClick(editor.question, Qt.Key.Key_Return)      # Enter is Cancel: no new version
    assert editor.isVisible()
    assert editor.text_edit.toPlainText().endswith("# kinder this year")
    assert [v.version for v in policies.policy_versions(desk_window.database.engine)] == [1]


def test_close_with_edits_then_discard_closes_without_saving(qtbot, desk_window):
    editor = open_editor(qtbot, desk_window)
    type_at_end(qtbot, editor, "# kinder this year")
    qtbot.mouseClick(editor.buttons.button(editor.buttons.StandardButton.Close), CLICK)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is editor.question)
    answer(editor, BUTTON.Discard)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert [v.version for v in policies.policy_versions(desk_window.database.engine)] == [1]


def test_escape_with_edits_then_save_saves_and_closes(qtbot, desk_window):
    editor = open_editor(qtbot, desk_window)
    type_at_end(qtbot, editor, "# kinder this year")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is editor.question)
    answer(editor, BUTTON.Save)
    qtbot.waitUntil(lambda: not editor.isVisible())
    _, policy = policies.ensure_active_policy(desk_window.database.engine)
    assert policy.text.endswith("# kinder this year")


def test_escape_with_edits_that_cannot_be_saved_offers_no_save(qtbot, desk_window):
    editor = open_editor(qtbot, desk_window)
    editor.text_edit.selectAll()
    qtbot.keyClick(editor.text_edit, Qt.Key.Key_Delete)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is editor.question)
    assert editor.question.text().startswith("The policy as typed cannot be saved: policy, "
                                             "column 'severity': is missing")
    assert editor.question.button(BUTTON.Save) is None
    answer(editor, BUTTON.Discard)
    qtbot.waitUntil(lambda: not editor.isVisible())


def test_escape_without_edits_closes_at_once(qtbot, desk_window):
    editor = open_editor(qtbot, desk_window)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()
    assert editor.question is None


@pytest.fixture
def three_versions(desk_window):
    """Version 1 (the default), 2 (damaged at 40 %) and 3 (damaged at 50 %), saved by Ana
    at known times."""
    engine = desk_window.database.engine
    text = policies.default_policy_text()
    policies.ensure_policy(engine)
    with pinned(datetime(2026, 3, 1, 12)):
        policies.save_policy(engine, text.replace("percent = 30", "percent = 40", 1),
                             by="Ana", source="policy")
    with pinned(datetime(2026, 3, 2, 9, 30)):
        policies.save_policy(engine, text.replace("percent = 30", "percent = 50", 1),
                             by="Ana", source="policy")
    return engine


def test_versions_are_listed_and_any_two_compared(qtbot, desk_window, three_versions):
    editor = desk_window.edit_policy()
    qtbot.mouseClick(editor.pages.tabBar(), CLICK,
                     pos=editor.pages.tabBar().tabRect(1).center())
    assert editor.pages.currentIndex() == 1
    rows = editor.version_rows()
    assert [row[:2] + row[3:] for row in rows] == [
        ["3", "Ana", "Courtesy-credit policy", "in use"],
        ["2", "Ana", "Courtesy-credit policy", ""],
        ["1", "SellerDesk", "Courtesy-credit policy", ""]]
    assert [row[2] for row in rows[:2]] == [local_time(datetime(2026, 3, 2, 9, 30)),
                                            local_time(datetime(2026, 3, 1, 12))]
    # at first: what the version in use changed
    assert "-percent = 40\n+percent = 50" in editor.diff_view.toPlainText()
    assert editor.diff_view.isReadOnly()
    editor.from_box.setCurrentIndex(editor.from_box.findData(1))
    assert editor.diff_view.toPlainText().splitlines()[:2] == ["--- version 1", "+++ version 3"]
    assert "-percent = 30\n+percent = 50" in editor.diff_view.toPlainText()
    editor.select_version(2)          # a chosen version shows what it changed
    assert (editor.from_box.currentData(), editor.to_box.currentData()) == (1, 2)
    assert "-percent = 30\n+percent = 40" in editor.diff_view.toPlainText()


def test_an_owner_makes_an_old_version_current_again(qtbot, desk_window, three_versions):
    editor = desk_window.edit_policy()
    editor.pages.setCurrentIndex(1)
    editor.select_version(3)
    assert not editor.restore_button.isEnabled()        # already in use
    editor.select_version(1)
    assert editor.restore_button.text() == "&Make version 1 current again"
    qtbot.mouseClick(editor.restore_button, CLICK)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is editor.question)
    assert editor.question.text().startswith("Make version 1 the policy in use again? It is "
                                             "saved as version 4, restored from version 1")
    restore = next(b for b in editor.question.buttons() if b.text() == "&Restore version 1")
    qtbot.mouseClick(restore, CLICK)
    qtbot.waitUntil(lambda: editor.version_rows()[0][0] == "4")
    assert editor.version_rows()[0][4] == "in use, restored from version 1"
    assert editor.status_label.text() == ("Version 1 is in use again, as version 4: new "
                                          "suggestions use it from now on.")
    assert editor.version_label.text().startswith("In use: version 4")
    assert editor.version_label.text().endswith("(restored from version 1)")
    assert "percent = 30" in editor.text_edit.toPlainText()
    qtbot.waitUntil(lambda: editor.result_label.text() == "$7.50 · Courtesy credit")
    assert not editor.has_unsaved_edits()
    assert "percent = 50" in policies.policy_version_text(three_versions, 3)  # untouched
    assert security_events(three_versions)[0].detail == (
        "policy version 4 restored from version 1 (Courtesy-credit policy)")


def test_an_agent_may_not_restore(qtbot, desk_window, three_versions):
    hire(three_versions, "Ben")                     # by Ana, the owner, with her PIN
    desk_window.work_tabs.refresh()
    desk_window.staff_box.setCurrentText("Ben")
    editor = desk_window.edit_policy()
    editor.select_version(1)
    qtbot.mouseClick(editor.restore_button, CLICK)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is editor.question)
    restore = next(b for b in editor.question.buttons() if b.text() == "&Restore version 1")
    qtbot.mouseClick(restore, CLICK)
    qtbot.waitUntil(lambda: editor.status_label.text() != "")
    assert "Ben is not a supervisor or owner here" in editor.status_label.text()
    assert editor.version_rows()[0][0] == "3"
