"""The Approvals tab: credits an agent asked for that need a supervisor's yes or no."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.services.credits import (
    PendingApproval,
    decision_refused,
    pending_approvals,
)
from sellerdesk.ui.dialogs.pin_dialog import PinDialog, with_pin_in_background
from sellerdesk.ui.labels import error_label
from sellerdesk.ui.models.work_models import approvals_model
from sellerdesk.ui.operations import Operations
from sellerdesk.ui.operations.records import decide_request
from sellerdesk.ui.record_table import record_table

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class ApprovalsView(QWidget):
    decided = Signal(str)        # what happened, for the status bar
    count_changed = Signal(int)  # requests still waiting

    def __init__(self, engine: Engine, staff: Callable[[], str],
                 parent: QWidget | None = None, *,
                 operations: Operations | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.operations = operations or Operations(self)   # the window's, in the window
        self.operations.changed.connect(self.recheck)
        self.pin_dialog: PinDialog | None = None    # the last PIN asked for, for tests
        self.deciding = False     # this view's own decision is under way (or its PIN asked)
        self.model = approvals_model(self)
        self.table = record_table(self.model, (60, 122, 150, 48, 150, 82, 82, 100, 200),
                                  name="approvals")
        self.empty_label = QLabel("No credit is waiting for approval.")
        self.explanation_label = QLabel()
        self.explanation_label.setWordWrap(True)
        self.comment_edit = QLineEdit()
        self.comment_edit.setPlaceholderText("Comment for the agent (needed to reject)")
        self.approve_button = QPushButton("&Approve")
        self.reject_button = QPushButton("Re&ject")
        self.refused_label = QLabel()         # why the buttons are off, in plain grey
        self.refused_label.setWordWrap(True)
        self.refused_label.setStyleSheet("color: palette(placeholder-text);")
        self.error_label = error_label()
        row = QHBoxLayout()
        row.addWidget(self.comment_edit, 1)
        row.addWidget(self.approve_button)
        row.addWidget(self.reject_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.explanation_label)
        layout.addLayout(row)
        layout.addWidget(self.refused_label)
        layout.addWidget(self.error_label)
        self.approve_button.clicked.connect(lambda: self.decide(approve=True))
        self.reject_button.clicked.connect(lambda: self.decide(approve=False))
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.refresh()

    def refresh(self) -> None:
        shown = self.selected()
        waiting = pending_approvals(self.engine)
        self.model.set_records(waiting)       # the widths are the user's: not resized here
        self.empty_label.setVisible(not waiting)
        if waiting:
            # The request being read (and its comment typed) stays selected when the list
            # is read again as other work ends: Approve must not land on the first one.
            ids = [request.approval_id for request in self.model.records()]   # as sorted
            self.table.selectRow(ids.index(shown.approval_id)
                                 if shown is not None and shown.approval_id in ids else 0)
        self._selected()
        self.count_changed.emit(len(waiting))

    def selected(self) -> PendingApproval | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record_at(rows[0].row()) if rows else None

    def recheck(self) -> None:
        """Someone else is at the desk: whether they may decide the request shown."""
        self._selected()

    def _selected(self, *_args) -> None:
        request = self.selected()
        refused = None if request is None else decision_refused(self.engine, request,
                                                                 self.staff())
        busy = self.operations.busy     # an import writing: decisions wait for it
        for widget in (self.approve_button, self.reject_button, self.comment_edit):
            widget.setEnabled(request is not None and refused is None and not busy)
        # Its own decision under way is nothing to wait for: not said here (the status
        # bar says it if it lasts).
        self.refused_label.setText(f"You cannot decide this one: {refused}." if refused
                                   else busy if request is not None and not self.deciding
                                   else "")
        self.refused_label.setVisible(bool(self.refused_label.text()))
        self.explanation_label.setText(
            "" if request is None else
            f"Issue {request.issue_id} on order {request.order_id}. The policy said:\n"
            + (request.explanation or "—"))

    def decide(self, *, approve: bool) -> None:
        """Approve or reject the selected request; a supervisor who has not given their
        PIN (or gave it more than 15 idle minutes ago) is asked for it first."""
        request = self.selected()
        if request is None:
            return
        comment, staff = self.comment_edit.text(), self.staff()
        for widget in (self.approve_button, self.reject_button, self.comment_edit):
            widget.setEnabled(False)            # until the decision is back
        self.error_label.clear()
        self.deciding = True

        def refused(error) -> None:
            self.deciding = False
            self.error_label.setText(str(error))
            self.recheck()

        with_pin_in_background(
            self, self.engine,
            lambda again: decide_request(
                self.operations, self.engine, approval_id=request.approval_id,
                approve=approve, comment=comment, staff=staff,
                done=lambda outcome: self._decided(request, outcome), failed=again),
            refused)

    def _decided(self, request: PendingApproval, outcome) -> None:
        self.deciding = False
        self.error_label.clear()
        self.comment_edit.clear()
        what = (f"Approved: credit {outcome.credit_id}, {outcome.amount.display()}"
                if outcome is not None else
                f"Rejected request {request.approval_id} ({request.amount.display()})")
        self.refresh()
        self.decided.emit(what)
