"""Logging an issue and giving a credit from the window, as a person clicks it."""

from PySide6.QtCore import Qt

from sellerdesk.core.issues import IssueType, Severity


def open_dialog(qtbot, window):
    qtbot.mouseClick(window.detail_view.new_issue_button, Qt.MouseButton.LeftButton)
    dialog = window.issue_dialog
    assert dialog is not None
    assert dialog.isVisible()
    return dialog


def choose(box, value):
    box.setCurrentIndex(box.findData(value))


def test_logging_a_damaged_item_shows_the_policy_suggestion(qtbot, desk_window):
    dialog = open_dialog(qtbot, desk_window)
    choose(dialog.type_box, IssueType.DAMAGED)
    dialog.quantity_boxes[0].setValue(1)   # the book
    qtbot.waitUntil(lambda: dialog.suggestion_label.text() == "$7.50")
    assert "damaged: 30 % of 1 × 24.99 = 7.50" in dialog.explanation_text()
    choose(dialog.severity_box, Severity.MAJOR)
    qtbot.waitUntil(lambda: dialog.suggestion_label.text() == "$11.25")
    assert dialog.amount_edit.text() == "11.25"


def test_giving_the_suggested_credit_with_one_click(qtbot, desk_window):
    dialog = open_dialog(qtbot, desk_window)
    choose(dialog.type_box, IssueType.DAMAGED)
    dialog.quantity_boxes[0].setValue(1)
    qtbot.waitUntil(lambda: dialog.suggestion_label.text() == "$7.50")
    with qtbot.waitSignal(dialog.issue_logged):
        qtbot.mouseClick(dialog.give_button, Qt.MouseButton.LeftButton)
    rows = desk_window.detail_view.activity_rows()
    assert [r[1:] for r in rows] == [["Issue 1", "Damaged, moderate", "resolved", "Ana"],
                                     ["Credit 1", "Courtesy credit", "$7.50", "Ana"]]
    assert "credit 1: courtesy credit $7.50" in desk_window.statusBar().currentMessage()


def test_another_amount_needs_a_reason_and_nothing_typed_is_lost(qtbot, desk_window):
    dialog = open_dialog(qtbot, desk_window)
    choose(dialog.type_box, IssueType.DAMAGED)
    dialog.quantity_boxes[0].setValue(1)
    qtbot.waitUntil(lambda: dialog.suggestion_label.text() == "$7.50")
    dialog.amount_edit.clear()
    qtbot.keyClicks(dialog.amount_edit, "5.00")
    qtbot.mouseClick(dialog.give_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text() == "Giving another amount than suggested needs a reason."
    assert dialog.isVisible()
    assert desk_window.detail_view.activity_rows() == []
    qtbot.keyClicks(dialog.reason_edit, "buyer asked for store credit only")
    with qtbot.waitSignal(dialog.issue_logged):
        qtbot.mouseClick(dialog.give_button, Qt.MouseButton.LeftButton)
    rows = desk_window.detail_view.activity_rows()
    assert rows[1][2:4] == ["Courtesy credit (buyer asked for store credit only)", "$5.00"]


def test_a_refused_credit_keeps_the_logged_issue_and_never_logs_it_twice(qtbot, desk_window):
    dialog = open_dialog(qtbot, desk_window)
    choose(dialog.type_box, IssueType.OTHER)   # no rule in the default policy: $0.00
    qtbot.waitUntil(lambda: "no rule" in dialog.explanation_text())
    dialog.amount_edit.setText("500")
    dialog.reason_edit.setText("make it right")
    qtbot.mouseClick(dialog.give_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text().startswith("Issue 1 is logged, but the credit was not "
                                                "given: $500.00 is more than is left")
    dialog.amount_edit.setText("10")
    with qtbot.waitSignal(dialog.issue_logged):
        qtbot.mouseClick(dialog.give_button, Qt.MouseButton.LeftButton)
    rows = desk_window.detail_view.activity_rows()
    assert [r[1] for r in rows] == ["Issue 1", "Credit 1"]


def test_ctrl_n_needs_an_order(qtbot, desk_window):
    assert desk_window.new_issue_action.isEnabled()
    assert desk_window.new_issue_action.shortcut().toString() == "Ctrl+N"
    desk_window.detail_view.show_order(None)
    assert desk_window.new_issue() is None
