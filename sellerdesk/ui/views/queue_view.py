"""The Queue tab: everything that needs someone now, soonest deadline first, worked
through from the keyboard. Up/Down or J/K move; Enter opens the item (an issue, an
approval request, a lapsing credit in the ledger); on the selected item A assigns it to
me, R drafts the reply, M notes a message and C opens the credit dialog (whose
confirmation still stands between the key and any money).

The single keys are read by the table alone, so they never fire while someone types in
a text field."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from sellerdesk.core.errors import KnownError
from sellerdesk.services import follow_up
from sellerdesk.services.clock import now
from sellerdesk.services.queue import QueueItem, urgent_count, work_queue
from sellerdesk.ui.models.queue_model import WHEN_COLUMN, queue_model
from sellerdesk.ui.operations import Operations
from sellerdesk.ui.record_table import record_table

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

KEYS_HINT = ("↑↓ or J/K move · Enter opens · A assign to me · R draft reply · "
             "M note a message · C give credit")
TICK_MS = 60_000      # the clocks' words, and what fell due, once a minute


def _key(item: QueueItem) -> tuple:
    return (item.issue_id, item.approval_id, item.credit_id)


class QueueView(QWidget):
    said = Signal(str)                  # a line for the status bar
    counted = Signal(int, int)          # items, and how many are urgent
    changed = Signal()                  # something was saved here
    open_issue = Signal(int)
    open_approval = Signal(int)
    open_credit = Signal(int)
    give_credit = Signal(int)           # the issue id
    draft_reply = Signal(int)
    note_message = Signal(int)

    def __init__(self, engine: Engine, staff: Callable[[], str],
                 parent: QWidget | None = None, *,
                 operations: Operations | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.operations = operations or Operations(self)
        self.model = queue_model(self)
        self.table = record_table(self.model, (130, 520, 160, 130), name="queue")
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.empty_label = QLabel("Nothing needs you now.")
        self.hint_label = QLabel(KEYS_HINT)
        self.hint_label.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint_label)
        self.clock = QTimer(self, interval=TICK_MS)
        self.clock.timeout.connect(self.refresh)
        self.clock.start()
        self.refresh()

    # -- reading -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the queue again; the item in hand stays selected if it is still there."""
        shown = self.selected()
        moment = now()
        items = work_queue(self.engine, staff=self.staff(), now=moment)
        self.model.set_records(items)
        self.empty_label.setVisible(not items)   # the table stays: the keys are read there
        if items:
            keys = [_key(item) for item in items]
            row = keys.index(_key(shown)) if shown is not None and _key(shown) in keys else 0
            self.table.selectRow(row)
        self.counted.emit(len(items), urgent_count(items, moment))

    def selected(self) -> QueueItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record_at(rows[0].row()) if rows else None

    def when_texts(self) -> list[str]:
        return self.model.column_texts(WHEN_COLUMN)

    # -- the keyboard ----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                return False     # Ctrl+…, Alt+…: the window's shortcuts, not ours
            action = {Qt.Key.Key_J: lambda: self.move(1), Qt.Key.Key_K: lambda: self.move(-1),
                      Qt.Key.Key_Return: self.open_selected,
                      Qt.Key.Key_Enter: self.open_selected,
                      Qt.Key.Key_A: self.assign_to_me,
                      Qt.Key.Key_R: lambda: self._on_issue(self.draft_reply),
                      Qt.Key.Key_M: lambda: self._on_issue(self.note_message),
                      Qt.Key.Key_C: lambda: self._on_issue(self.give_credit),
                      }.get(Qt.Key(event.key()))
            if action is not None:
                action()
                return True
        return super().eventFilter(watched, event)

    def move(self, step: int) -> None:
        count = self.model.rowCount()
        if not count:
            return
        current = self.table.currentIndex().row()
        row = min(max((current if current >= 0 else -step) + step, 0), count - 1)
        self.table.selectRow(row)

    # -- acting on the selected item ---------------------------------------------------------
    def open_selected(self) -> None:
        item = self.selected()
        if item is None:
            return
        if item.approval_id is not None:
            self.open_approval.emit(item.approval_id)
        elif item.credit_id is not None:
            self.open_credit.emit(item.credit_id)
        elif item.issue_id is not None:
            self.open_issue.emit(item.issue_id)

    def _on_issue(self, signal: Signal) -> None:
        item = self.selected()
        if item is not None and item.issue_id is not None:
            signal.emit(item.issue_id)

    def assign_to_me(self) -> None:
        item = self.selected()
        if item is None or item.issue_id is None:
            return
        me = self.staff()
        if item.assignee == me:
            self.said.emit(f"Issue {item.issue_id} is already yours")
            return
        if self.operations.busy:      # the pane's rule: a write waits for the one under way
            self.said.emit(f"Not assigned: {self.operations.busy} Do it again then.")
            return
        try:
            follow_up.assign(self.engine, issue_id=item.issue_id, assignee=me, staff=me)
        except KnownError as exc:
            self.said.emit(str(exc))
            return
        self.said.emit(f"Issue {item.issue_id} assigned to {me}")
        self.changed.emit()
