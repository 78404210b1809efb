"""Evidence in and out through the window: files dropped on an issue or chosen in a file
dialog, a message noted with the time it was written, the dispute packet with its summary
copied for Amazon's box, the Order Adjustment feed, and ledger files written and checked."""

import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from PySide6.QtCore import QDateTime, QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from sellerdesk.core.adjustments import read_feed
from sellerdesk.core.issues import IssueType
from sellerdesk.services import follow_up
from sellerdesk.services.adjustments import record_item_codes
from sellerdesk.services.clock import now
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.issues import add_issue
from sellerdesk.services.protection.security_log import security_events
from sellerdesk.ui.dialogs.message_dialog import utc_naive
from sellerdesk.ui.formatting import local_now
from sellerdesk.ui.views.work_tabs import LEDGER_TAB
from tests.helpers.staffing import hire
from tests.ui.conftest import ORDER

CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def issue_id(desk_window):
    engine = desk_window.database.engine
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                      affected=(("BOOK", 1),), note="corner crushed")
    issue_credit(engine, issue_id=issue.issue_id)
    desk_window.work_tabs.refresh()
    desk_window.work_tabs.show_issue(issue.issue_id)
    return issue.issue_id


def drop(widget, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    widget.dropEvent(event)
    return event


def test_files_dropped_on_the_issue_become_evidence(desk_window, issue_id, tmp_path):
    pane = desk_window.work_tabs.issues.pane
    photo = tmp_path / "crushed box.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"p" * 4000)
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    event = drop(pane, [photo, empty])
    assert event.isAccepted()
    assert pane.evidence_names() == ["crushed box.jpg"]
    assert pane.timeline_rows()[-1][1:3] == ["Ana", "Evidence"]
    assert pane.timeline_rows()[-1][3].startswith("crushed box.jpg (3.9 KB, SHA-256 ")
    assert pane.error_label.isVisible()
    assert pane.error_label.text() == "empty.png: is empty"
    drop(pane, [photo])
    assert "crushed box.jpg is already on issue" in pane.error_label.text()
    assert pane.evidence_names() == ["crushed box.jpg"]


def test_a_file_chosen_in_the_dialog_is_attached(desk_window, issue_id, tmp_path):
    pane = desk_window.work_tabs.issues.pane
    page = tmp_path / "tracking.pdf"
    page.write_bytes(b"%PDF-1.4 delivered to the front porch")
    dialog = pane.choose_evidence()
    dialog.setDirectory(str(tmp_path))
    dialog.selectFile(str(page))
    dialog.accept()
    assert pane.evidence_names() == ["tracking.pdf"]
    assert pane.evidence_heading.text().startswith("<b>Evidence</b> (1)")


def test_a_message_noted_with_the_time_it_was_written(qtbot, desk_window, issue_id):
    pane = desk_window.work_tabs.issues.pane
    qtbot.mouseClick(pane.message_button, CLICK)
    dialog = pane.dialog
    written = QDateTime(local_now(now())).addSecs(-3 * 3600)   # the desk's clock
    dialog.when_edit.setDateTime(written)
    dialog.text_edit.setPlainText("It was raining and the box sat outside")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), CLICK)
    row = next(r for r in pane.timeline_rows() if r[2] == "Buyer wrote")
    assert row[0] == written.toString("yyyy-MM-dd HH:mm")
    due = follow_up.issue_detail(desk_window.database.engine, issue_id).issue.reply_due_at
    assert abs(due - (utc_naive(written) + timedelta(hours=24))) < timedelta(minutes=1)

    qtbot.mouseClick(pane.message_button, CLICK)
    dialog = pane.dialog
    dialog.who_box.setCurrentIndex(1)
    dialog.text_edit.setPlainText("")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), CLICK)
    assert dialog.isVisible()
    assert dialog.error_label.text() == "the reply is empty"


def test_the_dispute_packet_from_the_order_and_its_summary_copied(qtbot, desk_window, issue_id,
                                                                  tmp_path):
    photo = tmp_path / "box.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"q" * 2000)
    drop(desk_window.work_tabs.issues.pane, [photo])
    desk_window.show_order_tab(ORDER)
    qtbot.mouseClick(desk_window.detail_view.dispute_button, CLICK)
    dialog = desk_window.work_tabs.dialog
    assert dialog.windowTitle() == f"Dispute packet — order {ORDER}"
    dialog.path_edit.setText(str(tmp_path / "claim"))      # ".zip" is added
    with qtbot.waitSignal(dialog.exported, timeout=10_000):
        qtbot.mouseClick(dialog.export_button, CLICK)
    with zipfile.ZipFile(tmp_path / "claim.zip") as archive:
        names = archive.namelist()
    assert names == ["packet.pdf", "summary.txt", "evidence/01-box.jpg", "manifest.json"]
    summary = dialog.summary_edit.toPlainText()
    assert summary.startswith(f"Order {ORDER} (Amazon.com)")
    # What is pasted into Amazon's box claims nothing the desk has not recorded: the photo
    # is in the packet, and nobody has noted sending it.
    assert ("Evidence files in this packet, to be sent through Buyer-Seller Messages: "
            "box.jpg.") in summary.splitlines()
    assert dialog.summary_label.text() == (f"Summary for Amazon's response box "
                                           f"({len(summary):,} of 2,000 characters):")
    qtbot.mouseClick(dialog.copy_button, CLICK)
    assert QGuiApplication.clipboard().text() == summary

    dialog.folder_button.setChecked(True)
    assert dialog.path_edit.text() == str(tmp_path / "claim")
    (tmp_path / "claim").mkdir()
    (tmp_path / "claim" / "notes.txt").write_text("mine")
    qtbot.mouseClick(dialog.export_button, CLICK)
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=10_000)
    assert dialog.message_label.text() == (
        f"cannot write the packet to {tmp_path / 'claim'}: it exists and is not an empty "
        "folder (choose a new name, or one ending in .zip)")
    assert [p.name for p in (tmp_path / "claim").iterdir()] == ["notes.txt"]
    dialog.path_edit.setText(str(tmp_path / "claim 2"))
    with qtbot.waitSignal(dialog.exported, timeout=10_000):
        qtbot.mouseClick(dialog.export_button, CLICK)
    assert sorted(p.name for p in (tmp_path / "claim 2").iterdir()) == [
        "evidence", "manifest.json", "packet.pdf", "summary.txt"]


def test_the_adjustment_feed_from_the_window_marks_credits_sent(qtbot, desk_window, issue_id,
                                                                tmp_path):
    engine = desk_window.database.engine
    record_item_codes(engine, [(ORDER, "BOOK", "11111111111111"),
                               (ORDER, "MUG", "22222222222222")])
    desk_window.adjustments_action.trigger()
    dialog = desk_window.work_tabs.dialog
    assert dialog.marketplace_box.currentText() == "US — 1 credit(s), $7.50"
    assert dialog.held_label.text() == "Nothing is held back."
    dialog.path_edit.setText(str(tmp_path / "feed.xml"))
    # Sent at noon UTC on a known day: the date shown cannot have moved past a midnight.
    with time_machine.travel(datetime(2027, 3, 2, 12, tzinfo=UTC), tick=True):
        qtbot.mouseClick(dialog.export_button, CLICK)
    rows = read_feed((tmp_path / "feed.xml").read_bytes())
    assert [(r[1], r[3], str(r[4])) for r in rows] == [("11111111111111", "Goodwill", "7.50")]
    assert dialog.marketplace_box.currentText() == "nothing waits to be sent"
    assert not dialog.export_button.isEnabled()
    ledger = desk_window.work_tabs.ledger
    assert ledger.model.column_texts(9) == ["sent 2027-03-02"]
    assert desk_window.statusBar().currentMessage() == (
        "1 credit(s) on US orders written to feed.xml for Seller Central")


def test_ledger_files_written_and_checked_from_the_window(qtbot, desk_window, issue_id, tmp_path):
    desk_window.tabs.setCurrentIndex(LEDGER_TAB)
    target = tmp_path / "ledger.xlsx"
    with qtbot.waitSignal(desk_window.task_finished, timeout=10_000):
        desk_window.export_ledger(target)
    assert desk_window.statusBar().currentMessage() == f"Wrote 1 ledger entries to {target}"
    with qtbot.waitSignal(desk_window.task_finished, timeout=10_000):
        desk_window.check_ledger(target)
    box = desk_window.message_box
    assert box.icon() == QMessageBox.Icon.Information
    assert box.text() == "ledger.xlsx: ledger intact: 1 entries, every hash matches"
    box.close()
    csv_file = tmp_path / "ledger.csv"
    with qtbot.waitSignal(desk_window.task_finished, timeout=10_000):
        desk_window.export_ledger(csv_file)
    csv_file.write_text(csv_file.read_text().replace("7.50", "75.00"))
    with qtbot.waitSignal(desk_window.task_finished, timeout=10_000):
        desk_window.check_ledger(csv_file)
    assert desk_window.message_box.icon() == QMessageBox.Icon.Warning
    assert desk_window.message_box.text().startswith("ledger.csv: ledger altered at entry 1")


def test_the_security_log_names_who_exported_the_ledger_from_the_window(qtbot, desk_window,
                                                                        issue_id, tmp_path):
    """Whoever is at the desk, not the computer's user, as for a backup or a restore."""
    hire(desk_window.database.engine, "Ben")
    desk_window.work_tabs.refresh()
    desk_window.staff_box.setCurrentText("Ben")
    with qtbot.waitSignal(desk_window.task_finished, timeout=10_000):
        desk_window.export_ledger(tmp_path / "ledger.csv")
    [exported] = [e for e in security_events(desk_window.database.engine)
                  if e.action == "export"]
    assert exported.actor == "Ben"
