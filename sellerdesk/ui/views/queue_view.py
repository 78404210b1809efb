"""The Queue tab: everything that needs someone now, soonest deadline first, worked
through from the keyboard. Up/Down or J/K move; Enter opens the item (an issue, an
approval request, a lapsing credit in the ledger); on the item in hand R drafts the
reply, M notes a message and C opens the credit dialog (whose confirmation still stands
between the key and any money). A concession-budget line crossed (shown to a supervisor
or owner only) opens the Metrics tab, where its figure is drawn against the line.
Several selected (Shift/Ctrl+click, Shift+arrows, Ctrl+A), A assigns them all to me, and
the bulk keys and right-click menu of ui/views/bulk_actions act on them all.

A saved view (ui/views/saved_views) shows part of the queue: mine, nobody's, the overdue,
the approval requests, or a mix a person names. The title's count and the urgent count
stay the whole queue's: work waits whichever view shows.

The single keys are read by the table alone, so they never fire while someone types in
a text field."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.services.clock import now
from sellerdesk.services.queue import (
    ANYONE,
    BUDGET,
    MINE,
    NOBODY,
    QueueFilter,
    QueueItem,
    in_view,
    urgent_count,
    work_queue,
)
from sellerdesk.ui.models.queue_model import WHEN_COLUMN, queue_model
from sellerdesk.ui.operations import Operations
from sellerdesk.ui.record_table import record_table
from sellerdesk.ui.views.bulk_actions import BulkActions, keep_selected
from sellerdesk.ui.views.saved_views import Filters, SavedViews

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

KEYS_HINT = ("↑↓ or J/K move · Enter opens · R draft reply · M note a message · "
             "C give credit · Shift+↑↓ or Shift+click selects several · on all selected: "
             "A assign to me, Shift+A assign to…, S status, N reply sent, E export")
LONGEST_WHEN = "overdue 23 h 59 min"    # the clock's longest words (core/durations)
TICK_MS = 60_000      # the clocks' words, and what fell due, once a minute
EVERYTHING = "Everything"
VIEWS: dict[str, Filters] = {
    EVERYTHING: {"who": ANYONE, "overdue": False, "approvals": False},
    "Mine": {"who": MINE, "overdue": False, "approvals": False},
    "Unassigned": {"who": NOBODY, "overdue": False, "approvals": False},
    "Overdue": {"who": ANYONE, "overdue": True, "approvals": False},
    "Waiting for approval": {"who": ANYONE, "overdue": False, "approvals": True},
}


def _key(item: QueueItem) -> tuple:
    return (item.issue_id, item.approval_id, item.credit_id, item.budget_line)


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
    open_unsorted = Signal()            # mail waits in the Unsorted tab: go there
    open_metrics = Signal()             # a budget line crossed: its figure, on Metrics

    def __init__(self, engine: Engine, staff: Callable[[], str],
                 parent: QWidget | None = None, *,
                 operations: Operations | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.operations = operations or Operations(self)
        self.model = queue_model(self)
        # When is as wide as its longest words in this font ("overdue 23 h 59 min"), with
        # the cell's margins: a fixed 130 cut them off at 1366×768.
        when = self.fontMetrics().horizontalAdvance(LONGEST_WHEN) + 24
        self.table = record_table(self.model, (when, 520, 160, 130), name="queue")
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.bulk = BulkActions(self.table, engine, staff, self.operations,
                                issue_ids=self._issue_ids, said=self.said.emit,
                                changed=self.changed.emit, noun="items")
        self.who_box = QComboBox()
        for text, who in (("Anyone's", ANYONE), ("Mine", MINE), ("Nobody's", NOBODY)):
            self.who_box.addItem(text, who)
        self.overdue_box = QCheckBox("Overdue only")
        self.approvals_box = QCheckBox("Approvals only")
        self.views = SavedViews("queue", self.table, VIEWS, read=self.filters,
                                apply=self.set_filters)
        self.views.said.connect(self.said)
        self.count_label = QLabel()
        # Mail nobody has placed on an order yet is work too, waiting in its own tab: the
        # person working the queue sees it here and goes there with a click.
        self.unsorted_button = QPushButton()
        self.unsorted_button.setToolTip("Mail read in that is on no issue: attach each to "
                                        "its order or set it aside (Ctrl+7)")
        self.unsorted_button.clicked.connect(self.open_unsorted)
        self.unsorted_button.hide()
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for widget in (self.views, self.who_box, self.overdue_box, self.approvals_box):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.unsorted_button)
        self.who_box.currentIndexChanged.connect(self._filtered)
        self.overdue_box.toggled.connect(self._filtered)
        self.approvals_box.toggled.connect(self._filtered)
        self.empty_label = QLabel("Nothing needs you now.")
        self.hint_label = QLabel(KEYS_HINT)
        self.hint_label.setStyleSheet("color: palette(placeholder-text);")
        self.hint_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(bar)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint_label)
        self.clock = QTimer(self, interval=TICK_MS)
        self.clock.timeout.connect(self.refresh)
        self.clock.start()
        self.views.restore()          # the view left at the last close; reads the queue

    # -- the view ----------------------------------------------------------------------
    def filters(self) -> Filters:
        return {"who": self.who_box.currentData(), "overdue": self.overdue_box.isChecked(),
                "approvals": self.approvals_box.isChecked()}

    def set_filters(self, filters: Filters) -> None:
        """A view's filters shown, then the queue read once through them."""
        boxes = (self.who_box, self.overdue_box, self.approvals_box)
        for box in boxes:
            box.blockSignals(True)
        self.who_box.setCurrentIndex(max(0, self.who_box.findData(filters.get("who", ANYONE))))
        self.overdue_box.setChecked(bool(filters.get("overdue")))
        self.approvals_box.setChecked(bool(filters.get("approvals")))
        for box in boxes:
            box.blockSignals(False)
        self.refresh()

    def _filtered(self) -> None:
        self.refresh()
        self.views.remember()

    def queue_filter(self) -> QueueFilter:
        filters = self.filters()
        return QueueFilter(who=filters["who"], overdue=filters["overdue"],
                           approvals=filters["approvals"])

    # -- reading -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the queue again; the items selected, and the one in hand, stay so if they
        are still there."""
        shown, chosen = self.selected(), [_key(item) for item in self.chosen()]
        moment = now()
        everything = work_queue(self.engine, staff=self.staff(), now=moment)
        items = in_view(everything, self.queue_filter(), me=self.staff(), now=moment)
        self.model.set_records(items)
        self.empty_label.setText("Nothing needs you now." if not everything else
                                 f"Nothing in this view; {EVERYTHING} has "
                                 f"{_items(len(everything))}.")
        self.empty_label.setVisible(not items)   # the table stays: the keys are read there
        self.count_label.setText("" if len(items) == len(everything) else
                                 f"{len(items):,} of {_items(len(everything))}")
        if items and (shown is None
                      or not keep_selected(self.table, _key, chosen, _key(shown))):
            self.table.selectRow(0)
        self.counted.emit(len(everything), urgent_count(everything, moment))

    def show_unsorted(self, waiting: int) -> None:
        self.unsorted_button.setText(f"{waiting:,} unsorted mail{'' if waiting == 1 else 's'}")
        self.unsorted_button.setVisible(bool(waiting))

    def selected(self) -> QueueItem | None:
        """The item in hand: the table's current row (one of several selected, maybe)."""
        index = self.table.currentIndex()
        return self.model.record_at(index.row()) if index.isValid() else None

    def chosen(self) -> list[QueueItem]:
        """The items selected, top to bottom."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [item for item in map(self.model.record_at, rows) if item is not None]

    def _issue_ids(self, rows: list[int]) -> list[int]:
        items = (self.model.record_at(row) for row in rows)
        return [item.issue_id for item in items if item is not None and item.issue_id is not None]

    def when_texts(self) -> list[str]:
        return self.model.column_texts(WHEN_COLUMN)

    # -- the keyboard ----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                # Ctrl+…, Alt+…: the window's shortcuts; Shift+A: the bulk one
                return self.bulk.key_pressed(event)
            action = {Qt.Key.Key_J: lambda: self.move(1), Qt.Key.Key_K: lambda: self.move(-1),
                      Qt.Key.Key_Return: self.open_selected,
                      Qt.Key.Key_Enter: self.open_selected,
                      Qt.Key.Key_R: lambda: self._on_issue(self.draft_reply),
                      Qt.Key.Key_M: lambda: self._on_issue(self.note_message),
                      Qt.Key.Key_C: lambda: self._on_issue(self.give_credit),
                      }.get(Qt.Key(event.key()))
            if action is not None:
                action()
                return True
            return self.bulk.key_pressed(event)      # A, S, N, E: on all selected
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
        if item.kind == BUDGET:
            self.open_metrics.emit()
        elif item.approval_id is not None:
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
        """A: the items selected, all of them, to me."""
        self.bulk.assign_to_me()


def _items(count: int) -> str:
    return f"{count:,} item{'' if count == 1 else 's'}"
