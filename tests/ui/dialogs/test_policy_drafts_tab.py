"""The policy editor's drafts (#26): Save as draft asks for a note; the Drafts tab lists
the draft and shows its diff and its backtest against the policy in force, computed off
the GUI thread; Make current asks why, then to confirm with Cancel the default."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from sellerdesk.services import policies, policy_drafts
from tests.helpers.staffing import owner_at_work
from tests.ui.dialogs.test_policy_editor import open_editor

BUTTON = QMessageBox.StandardButton


def test_a_draft_is_saved_reviewed_and_made_current(qtbot, desk_window):
    editor = open_editor(qtbot, desk_window)
    engine = editor.engine
    text = editor.text_edit.toPlainText().replace("percent = 30", "percent = 45", 1)
    editor.text_edit.setPlainText(text)
    qtbot.mouseClick(editor.draft_button, Qt.MouseButton.LeftButton)
    note = editor.question
    assert QApplication.activeModalWidget() is note
    note.setTextValue("damaged at 45 %")
    note.accept()
    drafts = editor.drafts
    assert editor.pages.currentWidget() is drafts
    assert [row[0] for row in drafts.draft_rows()] == ["1"]
    assert drafts.draft_rows()[0][3:] == ["version 1", "open", "damaged at 45 %"]
    assert [v.version for v in policies.policy_versions(engine)] == [1]      # unapplied
    assert "+percent = 45" in drafts.diff_view.toPlainText().splitlines()
    qtbot.waitUntil(lambda: drafts.task is None and drafts.summary_label.text() != "",
                    timeout=20000)
    assert drafts.summary_label.text().startswith("No issues were logged")

    assert drafts.apply_button.isVisible()
    assert drafts.apply_button.isEnabled()
    owner_at_work(engine, "Ana")          # the owner's PIN given (the PIN dialog's own tests)
    qtbot.mouseClick(drafts.apply_button, Qt.MouseButton.LeftButton)
    why = drafts.question
    why.setTextValue("agreed at Monday's review")
    why.accept()
    box = drafts.question
    assert QApplication.activeModalWidget() is box
    assert box.defaultButton() is box.button(BUTTON.Cancel)
    qtbot.keyClick(box, Qt.Key.Key_Return)                 # Enter never makes it current
    assert [v.version for v in policies.policy_versions(engine)] == [1]

    qtbot.mouseClick(drafts.apply_button, Qt.MouseButton.LeftButton)
    drafts.question.setTextValue("agreed at Monday's review")
    drafts.question.accept()
    box = drafts.question
    yes = next(b for b in box.buttons() if b.text().startswith("&Make draft 1"))
    yes.click()
    qtbot.waitUntil(lambda: policy_drafts.policy_draft(engine, 1).state == "applied")
    newest = policies.policy_versions(engine)[0]
    assert (newest.version, newest.why) == (2, "agreed at Monday's review")
    assert drafts.draft_rows()[0][4] == "applied as version 2 by Ana"
    assert "percent = 45" in editor.text_edit.toPlainText()
    assert editor.version_rows()[0][4] == "in use, why: agreed at Monday's review"


def test_the_text_kept_as_a_draft_closes_without_asking(qtbot, desk_window):
    editor = open_editor(qtbot, desk_window)
    text = editor.text_edit.toPlainText().replace("percent = 30", "percent = 60", 1)
    editor.text_edit.setPlainText(text)
    qtbot.mouseClick(editor.draft_button, Qt.MouseButton.LeftButton)
    editor.question.setTextValue("damaged at 60 %")
    editor.question.accept()
    qtbot.keyClick(editor, Qt.Key.Key_Escape)       # the edits are kept, as draft 1
    assert not editor.isVisible()
    assert [d.text for d in policy_drafts.drafts(editor.engine)] == [text]


def test_a_long_why_wraps_and_the_editor_still_fits_a_small_screen(qtbot, desk_window):
    engine = desk_window.database.engine
    owner_at_work(engine, "Ana")
    current = policies.policy_version_text(engine, 1)
    draft = policy_drafts.save_draft(engine, current.replace("percent = 30", "percent = 60", 1),
                                     note="damaged at 60 %", by="Ana")
    why = "Agreed at the Monday review with the whole team: " + "three more approvals " * 12
    policy_drafts.apply_draft(engine, draft.id, by="Ana", why=why)
    editor = desk_window.edit_policy()
    qtbot.waitUntil(lambda: editor.result_label.text() == "$14.99 · Courtesy credit")
    assert f"why: {why.strip()}" in editor.version_label.text()
    assert editor.minimumSizeHint().width() <= 1280      # the smallest screen dialogs fit


def test_making_a_draft_current_keeps_what_is_being_typed(qtbot, desk_window):
    """Edits kept nowhere else stay in the editor, not saved, against the new version."""
    from tests.ui.dialogs.test_policy_editor import type_at_end
    engine = desk_window.database.engine
    owner_at_work(engine, "Ana")
    current = policies.policy_version_text(engine, 1)
    draft = policy_drafts.save_draft(engine, current.replace("percent = 30", "percent = 60", 1),
                                     note="damaged at 60 %", by="Ana")
    editor = open_editor(qtbot, desk_window)
    type_at_end(qtbot, editor, "# kinder this year")
    drafts = editor.drafts
    drafts.select_draft(draft.id)
    qtbot.mouseClick(drafts.apply_button, Qt.MouseButton.LeftButton)
    drafts.question.setTextValue("agreed")
    drafts.question.accept()
    yes = next(b for b in drafts.question.buttons() if b.text().startswith("&Make draft"))
    yes.click()
    qtbot.waitUntil(lambda: policy_drafts.policy_draft(engine, draft.id).state == "applied")
    assert editor.text_edit.toPlainText().endswith("# kinder this year")
    assert "percent = 30" in editor.text_edit.toPlainText()
    qtbot.waitUntil(lambda: editor.check_label.text().endswith("not saved yet"))
