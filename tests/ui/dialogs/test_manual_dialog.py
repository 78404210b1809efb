"""Help › Manual: F1 opens it; it says what each tab is for, shows screenshots that are
on disk (and in the bundle), and its keys are the window's own."""

import re
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QTextDocument

from sellerdesk.ui.dialogs.manual_dialog import manual_file
from sellerdesk.ui.dialogs.shortcuts_dialog import action_name, keys_text

REPO = Path(__file__).resolve().parents[3]


def open_manual(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.manual_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_f1_opens_the_manual_naming_every_tab(qtbot, desk_window):
    dialog = open_manual(qtbot, desk_window)
    shown = dialog.text.toPlainText()
    tabs = [desk_window.tabs.tabText(i).replace("&", "").split(" (")[0]
            for i in range(desk_window.tabs.count())]
    assert tabs == ["Orders", "Queue", "Issues", "Approvals", "Ledger", "Metrics", "Unsorted"]
    for tab in tabs:
        assert re.search(rf"^{tab} \(Ctrl\+\d\)$", shown, re.MULTILINE), tab
    assert "Logging an issue and giving a credit safely" in shown
    assert "Enter logs the issue and never gives money" in shown
    dialog.close()


def test_every_picture_in_the_manual_is_on_disk_and_shown(qtbot, desk_window):
    dialog = open_manual(qtbot, desk_window)
    images = dialog.images()
    assert len(images) >= 4
    document = dialog.text.document()
    for name in images:
        assert (manual_file().parent / name).resolve().is_file(), name
        picture = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
        assert picture is not None, name
        assert not picture.isNull(), name
    dialog.close()


def test_the_manual_s_keys_are_the_window_s_actions(qtbot, desk_window):
    dialog = open_manual(qtbot, desk_window)
    keys_part = dialog.text.toPlainText().split("Keyboard shortcuts\n", 1)[1]
    listed = [a for a in desk_window.findChildren(QAction) if a.shortcuts() and a.text()]
    assert desk_window.manual_action in listed
    for action in listed:
        assert f"{keys_text(action)}\n{action_name(action)}\n" in keys_part, action.text()
    assert "Assign all the selected to me" in keys_part   # the tables' own keys
    # A key given later is in the manual the next time it opens: read, never copied
    dialog.close()
    desk_window.template_action.setShortcut("Ctrl+Shift+T")
    again = desk_window.show_manual()
    assert "Ctrl+Shift+T\nReply template\n" in again.text.toPlainText()
    again.close()


def test_the_bundle_ships_the_manual_and_its_pictures():
    spec = (REPO / "build.spec").read_text(encoding="utf-8")
    shipped = set(re.findall(r'"(resources/[\w/]+)"\)', spec))
    assert "resources/manual" in shipped
    text = manual_file().read_text(encoding="utf-8")
    folders = {str((manual_file().parent / name).resolve().parent.relative_to(REPO))
               for name in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)}
    assert folders <= shipped
