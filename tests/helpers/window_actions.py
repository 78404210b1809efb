"""What the UI tests do at the desk window before what they check: a left click, a choice
in a drop-down, a PIN typed in the PIN dialog, and a damaged book logged on the desk's
order (through the service, where the test is about what follows)."""

from __future__ import annotations

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
