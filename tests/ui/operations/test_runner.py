"""One write at a time, off the GUI thread (ui/operations). Another program holding
SQLite's write lock (a real second connection, as Excel's add-in or a second desk would)
keeps a write waiting: the window must stay alive, and every action that would write
must wait and say why rather than start."""

import os
import subprocess
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor

from sellerdesk.core.issues import IssueType
from sellerdesk.services.issues import list_issues
from sellerdesk.services.ledger import ledger_lines
from sellerdesk.services.protection.backups import make_backup
from sellerdesk.ui.operations import Operations
from tests.helpers.reports import row, write
from tests.helpers.window_actions import choose, write_lock_held, write_under_way
from tests.ui.conftest import confirm_credit

CLICK = Qt.MouseButton.LeftButton
WAITS = "Importing more.txt is under way; this waits until it is done."


def event_loop_turns(qtbot) -> None:
    turned = []
    QTimer.singleShot(0, lambda: turned.append(True))
    qtbot.waitUntil(lambda: turned == [True], timeout=1_000)


def test_during_an_import_new_issue_and_log_wait_and_say_why(qtbot, desk_window, tmp_path,
                                                           sqlite_url):
    window = desk_window
    dialog = window.new_issue()
    choose(dialog.type_box, IssueType.DAMAGED)
    dialog.notes_edit.setPlainText("Mug chipped")
    report = write(tmp_path / "more.txt", [row("114-0000000-0000042")])
    with write_lock_held(sqlite_url):
        task = window.import_report(report)
        assert task.isRunning()                        # waiting for the lock, not done
        event_loop_turns(qtbot)                        # …and the window is alive
        assert not window.new_issue_action.isEnabled()
        assert window.new_issue_action.statusTip() == WAITS
        assert not window.detail_view.new_issue_button.isEnabled()
        assert not window.import_action.isEnabled()
        assert not dialog.log_button.isEnabled()
        assert dialog.log_button.toolTip() == WAITS
        assert dialog.busy_label.text() == WAITS + " What you type here is kept."
        assert dialog.busy_label.isVisible()
        assert not window.policy_action.isEnabled()    # its Save would wait on the lock
        assert window.tab_actions[1].isEnabled()       # reading never waits
        strip = window.progress_strip                  # in the status bar, not a modal box:
        qtbot.waitUntil(strip.isVisible)
        assert strip.label.text() == "Importing more.txt…"
        dialog.notes_edit.moveCursor(QTextCursor.MoveOperation.End)
        qtbot.keyClicks(dialog.notes_edit, "; photo sent")   # …the dialog stays typable
        assert dialog.notes_edit.toPlainText() == "Mug chipped; photo sent"
    with qtbot.waitSignal(window.task_finished, timeout=20_000):
        pass
    assert window.new_issue_action.isEnabled()
    assert window.new_issue_action.statusTip() == "Log a customer issue on the selected order"
    assert dialog.log_button.isEnabled()
    assert not dialog.busy_label.isVisible()
    with qtbot.waitSignal(dialog.issue_logged):
        qtbot.mouseClick(dialog.log_button, CLICK)
    [issue] = list_issues(window.database.engine)
    assert issue.notes == "Mug chipped; photo sent"
    assert window.count_label.text() == "2 orders"


def test_a_save_waiting_on_another_programs_lock_leaves_the_window_alive(qtbot, desk_window,
                                                                       sqlite_url):
    dialog = desk_window.new_issue()
    choose(dialog.type_box, IssueType.DAMAGED)
    with write_lock_held(sqlite_url):
        qtbot.mouseClick(dialog.log_button, CLICK)
        event_loop_turns(qtbot)            # the save waits in its thread, not in the window's
        assert dialog.saving is not None
        assert dialog.isVisible()
        assert dialog.error_label.text() == ""
        assert not dialog.log_button.isEnabled()       # no second issue from a second click
        qtbot.waitUntil(lambda: desk_window.busy_label.text()
                        == "Logging the issue is under way; this waits until it is done.")
        dialog.reject()                                # Escape: the save is on its way
        assert dialog.isVisible()
    with qtbot.waitSignal(dialog.issue_logged, timeout=20_000):
        pass
    assert not dialog.isVisible()
    assert not desk_window.busy_label.isVisible()      # nothing waits now: not said
    assert len(list_issues(desk_window.database.engine)) == 1


def test_a_credit_confirmed_as_an_import_starts_is_given_when_it_ends(qtbot, desk_window,
                                                                    tmp_path, sqlite_url):
    window = desk_window
    dialog = window.new_issue()
    choose(dialog.type_box, IssueType.DAMAGED)
    confirm_credit(qtbot, dialog)                      # the Undo countdown runs
    report = write(tmp_path / "more.txt", [row("114-0000000-0000042")])
    with write_lock_held(sqlite_url):
        window.import_report(report)
        qtbot.waitUntil(lambda: dialog.undo_label.text().endswith("once it is done…"))
        assert dialog.error_label.text() == WAITS
        assert dialog.undo_button.isEnabled()          # Undo still takes it back
        assert ledger_lines(window.database.engine) == []
    with qtbot.waitSignal(dialog.issue_logged, timeout=20_000) as logged:
        pass
    _issue_id, outcome = logged.args
    assert outcome.credit_id == 1
    [line] = ledger_lines(window.database.engine)
    assert line.credit.order_id == "114-3941689-8772232"


def test_a_bug_in_a_write_reaches_whoever_waits_on_it_and_the_window(qtbot):
    """A dialog saving waits for `failed` to unlock: a bug (not a refusal) must reach it
    too, or the dialog stays locked, with Escape and Close ignored while it 'saves'."""
    operations = Operations()
    heard, told = [], []
    operations.failed.connect(lambda what, _error: told.append(what))

    def work(_progress, _cancelled):
        return {}["a bug"]
    operations.start("Logging the issue", work, done=heard.append, failed=heard.append,
                     report=False)
    qtbot.waitUntil(lambda: operations.task is None)
    assert [type(error) for error in heard] == [KeyError]
    assert told == ["Logging the issue"]           # the window says something went wrong
    assert operations.busy == ""


DROPPED_BEFORE_THE_TASK = """
import faulthandler, sys
from PySide6.QtCore import QCoreApplication, QEvent
from sellerdesk.ui.operations import Operations
app = QCoreApplication([])

def bug(_progress, _cancelled):
    return {}["a bug"]

def start_and_drop():
    operations = Operations()
    task = operations.start("Logging the issue", bug, report=False)
    task.wait()
    while operations.task is not None:     # the outcome only; the task's deletion waits
        app.sendPostedEvents(None, QEvent.Type.MetaCall)

faulthandler.enable()
start_and_drop()                            # nothing else holds the operations now
app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
app.processEvents()
print("still here")
"""


def test_operations_dropped_before_their_ended_task_is_deleted_do_not_crash():
    """What happened after the test above, in CI: the test kept no reference to its
    `Operations`, so the task's deferred deletion released the last one, and the
    operations deleted the task (their child) again inside its own destructor. Run in a
    child process, so a crash fails this test rather than ending the session."""
    out = subprocess.run([sys.executable, "-c", DROPPED_BEFORE_THE_TASK],
                         capture_output=True, text=True, timeout=60,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert out.stdout == "still here\n"


def test_a_file_chosen_after_another_write_began_is_told_to_wait(qtbot, desk_window, tmp_path):
    """A file dialog is open when the watched folder's import begins: the file chosen is
    not imported beside it, and the window says why instead of raising. Checking a ledger
    file runs in the same lane, so it waits too."""
    window = desk_window
    report = write(tmp_path / "other.txt", [row("114-0000000-0000042")])
    with write_under_way(qtbot, window.operations):
        assert not window.check_ledger_action.isEnabled()
        assert window.check_ledger_action.statusTip() == WAITS
        assert window.import_report(report) is None
        assert window.message_box.text() == "Importing more.txt is under way; try again " \
                                            "once it is done."
        assert window.back_up(tmp_path / "copy.sqlite3") is None
    assert window.check_ledger_action.isEnabled()
    with qtbot.waitSignal(window.task_finished, timeout=20_000):
        window.import_report(report)
    assert window.count_label.text() == "2 orders"


def test_once_the_window_closes_what_it_started_opens_nothing_more(qtbot, desk_window,
                                                                   tmp_path):
    """A backup (which Cancel cannot stop) ends after the window closed: no message box
    opens on the hidden window, nothing reads the database again, and housekeeping's
    timers (the hourly one, the retry a minute after a busy round) start nothing."""
    window = desk_window
    window.back_up(tmp_path / "copy.sqlite3")
    window.close()
    qtbot.waitUntil(lambda: window.operations.task is None)
    assert window.message_box is None
    assert (tmp_path / "copy.sqlite3").exists()        # the backup itself was made
    assert window.keep_house() is None                 # what the timer would call
    assert window.operations.task is None


def test_a_restore_under_way_offers_no_cancel_it_could_not_honour(qtbot, desk_window,
                                                                  tmp_path, sqlite_url):
    """Cancel says nothing the work did is kept; a restore (like a backup or a ledger
    file) cannot stop half-way, so while it waits its turn no Cancel is offered."""
    window = desk_window
    backup = tmp_path / "copy.sqlite3"
    make_backup(window.database.engine, backup)
    strip = window.progress_strip
    with write_lock_held(sqlite_url):
        task = window.restore(backup)
        assert task.isRunning()
        qtbot.waitUntil(strip.isVisible)
        assert strip.label.text() == "Restoring copy.sqlite3…"
        assert not strip.cancel_button.isVisible()
        assert not window.cancel_action.isEnabled()
    with qtbot.waitSignal(window.task_finished, timeout=20_000):
        pass
