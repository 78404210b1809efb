"""Help › Keyboard shortcuts: the cheat sheet lists what each key does, read from the
window's own actions, with the Queue's single keys."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence


def test_ctrl_slash_opens_the_cheat_sheet_with_the_new_issue_key(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)
    dialog = window.shortcuts_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    rows = dialog.rows()
    assert ("Desk", "Ctrl+N", "New issue") in rows
    assert ("Edit", "Ctrl+C", "Copy") in rows
    assert ("Help", "Ctrl+/", "Keyboard shortcuts") in rows
    assert [keys for group, keys, _ in rows if group == "Queue"] == [
        "J or ↓", "K or ↑", "Enter", "R", "M", "C",
        "Shift+↓ or Shift+↑", "A", "Shift+A", "S", "N", "E"]
    assert [keys for group, keys, _ in rows if group == "Issues"] == [
        "↓ or ↑", "Shift+↓ or Shift+↑", "A", "Shift+A", "S", "N", "E"]
    shown = dialog.text.toPlainText()
    assert "New issue" in shown
    assert "Assign all the selected to me" in shown
    assert "Assign it to me" not in shown          # A acts on every row selected
    assert [group for group, _ in dialog.groups][:4] == ["File", "Edit", "Desk", "View"]
    dialog.close()


def test_a_key_given_to_an_action_later_is_listed_too(qtbot, window):
    """Read from the actions when it opens: never a list kept beside them."""
    window.template_action.setShortcut("Ctrl+Shift+T")
    rows = window.show_shortcuts().rows()
    assert ("Desk", "Ctrl+Shift+T", "Reply template") in rows
    window.shortcuts_dialog.close()


def test_every_action_s_tip_says_its_keys(window):
    with_keys = [a for a in window.findChildren(QAction) if a.shortcuts()]
    assert len(with_keys) >= 20
    for action in with_keys:
        assert action.toolTip().endswith(f"({action.shortcut().toString()})"), action.text()
    assert window.new_issue_action.toolTip() == ("Log a customer issue on the selected order "
                                                 "(Ctrl+N)")


def test_the_cheat_sheet_s_table_keys_are_the_keys_the_tables_read(window):
    """Every single key listed for the Queue and the Issues tab does something on that
    table, and every key the tables' bulk actions read is listed: the list cannot drift
    from the keys."""
    from sellerdesk.ui.dialogs.shortcuts_dialog import ISSUES_KEYS, QUEUE_KEYS
    tabs = window.work_tabs
    for view, listed in ((tabs.queue, QUEUE_KEYS), (tabs.issues, ISSUES_KEYS)):
        read = {QKeySequence(key | modifiers).toString()
                for key, modifiers in view.bulk.keys}
        assert read <= {keys for keys, _ in listed}
