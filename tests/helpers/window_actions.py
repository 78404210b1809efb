"""What the UI tests do at the desk window before what they check: a left click, a choice
in a drop-down, a PIN typed in the PIN dialog, a damaged book logged on the desk's order
(through the service, where the test is about what follows), another program holding the
database's write lock, so a write the window starts stays under way, and a write under
way in the window's one lane that holds no lock (one still reading its file)."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager

from PySide6.QtCore import Qt

from sellerdesk.core.issues import IssueType
from sellerdesk.services.issues import add_issue
from tests.ui.conftest import ORDER

CLICK = Qt.MouseButton.LeftButton


def choose(box, value):
    """Pick the drop-down's entry that holds `value`."""
    box.setCurrentIndex(box.findData(value))


def give_pin(dialog, pin):
    """Type a PIN in the PIN dialog (twice for a first one) and press OK."""
    dialog.pin_edit.setText(pin)
    dialog.again_edit.setText(pin)
    dialog.ok_button.click()


def log_damaged_book(window, staff="Ana"):
    issue = add_issue(window.database.engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                           affected=(("BOOK", 1),), staff=staff, note="corner crushed")
    window.work_tabs.refresh()
    return issue.issue_id


@contextmanager
def write_lock_held(path: str):
    """Another program's transaction, holding the database's one write lock (a real second
    connection, as Excel's add-in or a second desk would)."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@contextmanager
def write_under_way(qtbot, operations, what: str = "Importing more.txt…"):
    """A write under way in the window's lane (ui/operations) until the block ends, as an
    import is while it reads its file: it holds no lock and writes nothing, so what the
    test does meanwhile meets only the window's own waiting."""
    released = threading.Event()
    operations.start(what, lambda _progress, _cancelled: released.wait(30), shown=True,
                     report=False)
    try:
        yield
    finally:
        released.set()
        qtbot.waitUntil(lambda: operations.task is None)
