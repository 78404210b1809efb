"""Data protection in the window: buyer details typed where the case needs them and shown
back with their purge date, purged details said as such, the Privacy settings (retention,
key rotation), the security log, backup and restore from the File menu, housekeeping by
itself, and a plain word when there is no OS keyring."""

from pathlib import Path

import keyring
from keyring.backends.fail import Keyring as NoKeyring
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from sellerdesk.core.issues import IssueType
from sellerdesk.services.issues import add_issue, list_issues
from sellerdesk.services.protection import backups, data_keys, secrets
from sellerdesk.services.protection.personal_data import buyer_details
from sellerdesk.ui.main_window import MainWindow
from sellerdesk.ui.views.work_tabs import ISSUES_TAB
from tests.ui.conftest import ORDER


def _pane(window, issue_id):
    window.work_tabs.refresh()
    window.tabs.setCurrentIndex(ISSUES_TAB)
    view = window.work_tabs.issues
    view.status_box.setCurrentIndex(view.status_box.findData(None))
    assert view.select_issue(issue_id)
    return view.pane


def test_buyer_details_typed_in_the_new_issue_dialog_are_sealed_and_shown(qtbot, desk_window,
                                                                         sqlite_url):
    qtbot.mouseClick(desk_window.detail_view.new_issue_button, Qt.MouseButton.LeftButton)
    dialog = desk_window.issue_dialog
    form = dialog.buyer_form
    assert not form.isChecked()
    assert not form.name_edit.isVisible()              # folded away until needed
    form.setChecked(True)
    assert form.name_edit.isVisible()
    assert "Purged 30 days after the order: on 2026-10-31" in form.note_label.text()
    assert not form.keyring_label.isVisible()
    qtbot.keyClicks(form.name_edit, "Quinn Canaryfield")
    qtbot.keyClicks(form.email_edit, "quinn@example.com")
    with qtbot.waitSignal(dialog.issue_logged):
        qtbot.mouseClick(dialog.log_button, Qt.MouseButton.LeftButton)
    [issue] = list_issues(desk_window.database.engine)
    assert b"Canaryfield" not in Path(sqlite_url).read_bytes()
    pane = _pane(desk_window, issue.issue_id)
    assert "Quinn Canaryfield · quinn@example.com" in pane.buyer_label.text()
    assert "encrypted; purged on 2026-10-31" in pane.buyer_label.text()


def test_details_are_edited_from_the_pane_and_purged_ones_say_so(qtbot, desk_window):
    engine = desk_window.database.engine
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                      buyer_details={"name": "Ria Canary"})
    pane = _pane(desk_window, issue.issue_id)
    assert pane.buyer_label.text().startswith("Ria Canary")

    def edit():
        dialog = pane.dialog
        assert dialog.form.name_edit.text() == "Ria Canary"
        dialog.form.address_edit.setPlainText("2 Canary Lane\nLeeds")
        assert dialog.save()
    QTimer.singleShot(0, edit)             # the dialog is modal: answered once it runs
    qtbot.mouseClick(pane.buyer_button, Qt.MouseButton.LeftButton)
    assert buyer_details(engine, issue.issue_id).values["address"] == "2 Canary Lane\nLeeds"
    assert "Ria Canary · 2 Canary Lane, Leeds" in pane.buyer_label.text()

    with qtbot.waitSignal(desk_window.house_kept, timeout=30_000) as kept:
        desk_window.keep_house()             # the order is two months old: purged
    assert "2 buyer detail(s) on 1 issue(s) purged" in kept.args[0].summary()
    assert "Daily backup made" in kept.args[0].summary()
    pane = _pane(desk_window, issue.issue_id)
    assert "personal details purged" in pane.buyer_label.text()
    assert not pane.buyer_button.isEnabled()
    assert len(backups.automatic_backups(engine)) == 1


def test_privacy_settings_keep_the_retention_and_rotate_the_key(qtbot, desk_window):
    engine = desk_window.database.engine
    add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
              buyer_details={"email": "x@example.com"})
    before = data_keys.ensure_key_set(engine).current
    dialog = desk_window.work_tabs.edit_settings()
    dialog.tabs.setCurrentIndex(1)
    assert dialog.tabs.tabText(1) == "Privacy and backups"
    assert dialog.retention_box.value() == 30
    assert "the key in the OS keyring (MemoryKeyring)" in dialog.key_label.text()
    qtbot.mouseClick(dialog.rotate_button, Qt.MouseButton.LeftButton)
    assert "1 buyer detail(s) re-sealed" in dialog.rotated_label.text()
    assert data_keys.ensure_key_set(engine).current != before
    dialog.retention_box.setValue(14)
    assert dialog.save()
    from sellerdesk.services.protection.personal_data import retention
    assert retention(engine) == 14

    log = desk_window.work_tabs.security_log()
    rows = log.rows()
    assert [r[2] for r in rows[:2]] == ["Retention period set", "Encryption key rotated"]
    assert rows[0][3] == "30 → 14 days after the order"
    assert rows[0][1] == "Ana"


def test_back_up_and_restore_from_the_file_menu(qtbot, desk_window, tmp_path):
    engine = desk_window.database.engine
    copy = tmp_path / "saved.sqlite3"
    with qtbot.waitSignal(desk_window.task_finished, timeout=30_000):
        desk_window.back_up(copy)
    assert "Backup written and checked: saved.sqlite3" in desk_window.message_box.text()
    desk_window.message_box.close()
    add_issue(engine, order_id=ORDER, issue_type=IssueType.LATE_DELIVERY)

    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a backup")
    box = desk_window.confirm_restore(junk)
    assert box.icon() == QMessageBox.Icon.Warning
    assert "it is not an SQLite database" in box.text()
    box.close()

    box = desk_window.confirm_restore(copy)
    assert "saved.sqlite3" in box.text()
    assert "whole (1 order, 0 issues, 0 credits, 0 personal data" in box.text()
    assert "Put this backup in place of the database?" in box.text()
    restore = next(b for b in box.buttons() if b.text() == "&Restore")
    with qtbot.waitSignal(desk_window.task_finished, timeout=30_000):
        qtbot.mouseClick(restore, Qt.MouseButton.LeftButton)
    assert desk_window.message_box.text().startswith("Restored saved.sqlite3")
    assert list_issues(engine) == []
    desk_window.show_order(ORDER)
    assert desk_window.detail_view.activity_rows() == []


def test_without_a_keyring_the_window_says_so(qtbot, demo_db):
    keyring.set_keyring(NoKeyring())
    for told in (False, True):
        win = MainWindow(demo_db)
        qtbot.addWidget(win)
        win.show()
        assert win.open_database()
        assert win.keyring_label.isVisible()
        assert win.keyring_label.text() == "No OS keyring: buyer history not checked"
        assert "last until it closes" in win.keyring_label.toolTip()
        if told:     # said in full once on this computer
            assert win.message_box is None
        else:
            assert win.message_box.text() == secrets.NO_KEYRING
            assert "only (never on disk in clear)" in win.message_box.text()
            win.message_box.close()
        win.close()
