"""Dialogs open where and as large as they were left, from window.ini, and always on a
screen that is there, no larger than it."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QMessageBox

from sellerdesk.ui.settings import window_settings


def test_a_dialog_opens_where_and_as_large_as_it_was_left(qtbot, window):
    dialog = window.work_tabs.settlements()
    qtbot.waitExposed(dialog)
    area = dialog.screen().availableGeometry()
    left = QRect(area.left() + 40, area.top() + 30, 610, 350)
    assert dialog.geometry() != left
    dialog.setGeometry(left)
    qtbot.waitUntil(lambda: dialog.geometry() == left)
    dialog.close()
    assert window_settings().value("dialogs/reconcile_dialog") == left

    again = window.work_tabs.settlements()
    qtbot.waitExposed(again)
    assert again is not dialog
    assert again.geometry() == left


def test_a_dialog_left_on_a_screen_since_unplugged_opens_whole_on_the_windows_screen(
        qtbot, window):
    area = window.screen().availableGeometry()
    settings = window_settings()
    settings.setValue("dialogs/staff_dialog", QRect(area.right() + 2000, area.top() + 300,
                                                    area.width() + 500, area.height() + 400))
    settings.sync()
    dialog = window.work_tabs.manage_staff()
    qtbot.waitExposed(dialog)
    assert area.contains(dialog.geometry())
    # As large as it was left, as far as this screen allows, frame and all.
    assert area.width() - 20 < dialog.frameGeometry().width() <= area.width()
    assert area.height() - 40 < dialog.frameGeometry().height() <= area.height()


def test_a_dialog_asking_for_more_than_the_screen_opens_no_larger_than_it(qtbot, window):
    area = window.screen().availableGeometry()
    dialog = window.work_tabs.security_log()       # asks for 900 × 520, nothing kept
    qtbot.waitExposed(dialog)
    assert area.contains(dialog.geometry())
    assert dialog.frameGeometry().width() <= area.width()


def test_message_boxes_are_left_to_qt(qtbot, window):
    box = window.tell(QMessageBox.Icon.Information, "Nothing to import.")
    qtbot.waitExposed(box)
    box.close()
    dialog = window.show_shortcuts()
    qtbot.waitExposed(dialog)
    dialog.close()
    settings = window_settings()
    settings.beginGroup("dialogs")
    assert settings.childKeys() == ["shortcuts_dialog"]
