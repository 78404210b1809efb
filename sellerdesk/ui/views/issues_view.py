"""The Issues tab: every issue with its age and the time left to reply, filtered by status,
type, assignee or "overdue", beside the selected issue's pane."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.issues import IssueStatus, IssueType
from sellerdesk.services import claims, follow_up
from sellerdesk.services.staff_admin import list_staff
from sellerdesk.ui.formatting import notice_style
from sellerdesk.ui.models.work_models import (
    ISSUE_AGE_COLUMN,
    ISSUE_DEADLINE_COLUMN,
    ISSUE_OPEN_BY_COLUMN,
    ISSUE_REPLY_COLUMN,
    issues_model,
    utc_now,
)
from sellerdesk.ui.record_table import record_table
from sellerdesk.ui.scrolling import scrolling
from sellerdesk.ui.views.issue_pane import IssuePane

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

EVERYONE, NOBODY = object(), ""


class IssuesView(QWidget):
    deadline_near = Signal(str)    # a deadline came within two hours

    def __init__(self, engine: Engine, staff: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.warned: set[tuple] = set()
        self.deadline_label = QLabel()
        self.deadline_label.setWordWrap(True)
        self.deadline_label.setStyleSheet(notice_style())
        self.deadline_label.hide()
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        self.status_box = QComboBox()
        self.status_box.addItem("Open and awaiting buyer", "active")
        self.status_box.addItem("All statuses", None)
        for status in IssueStatus:
            self.status_box.addItem(status.label, status.value)
        self.type_box = QComboBox()
        self.type_box.addItem("All types", None)
        for kind in IssueType:
            self.type_box.addItem(kind.label, kind.value)
        self.assignee_box = QComboBox()
        self.overdue_box = QCheckBox("Reply &overdue only")
        self.count_label = QLabel()
        for widget in (QLabel("Show"), self.status_box, self.type_box, self.assignee_box,
                       self.overdue_box):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.count_label)

        self.model = issues_model(self)
        self.table = record_table(self.model, (40, 146, 160, 100, 125, 180, 62, 95, 90, 80),
                                  name="issues")
        self.table.setColumnHidden(ISSUE_OPEN_BY_COLUMN, not claims.shared(engine))
        self.pane = IssuePane(engine, staff)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(scrolling(self.pane))
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([820, 480])
        self.splitter = splitter

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(bar)
        layout.addWidget(self.deadline_label)
        layout.addWidget(splitter, 1)

        for box in (self.status_box, self.type_box, self.assignee_box):
            box.currentIndexChanged.connect(self.refresh)
        self.overdue_box.toggled.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.pane.changed.connect(self._issue_changed)
        # The age and reply columns are about now: repaint them every half minute.
        self.clock = QTimer(self, interval=30_000)
        self.clock.timeout.connect(self._tick)
        self.clock.start()
        self.load_staff()
        self.quiet = True        # no warnings before anyone listens (see WorkTabs)
        self.refresh()
        self.quiet = False

    def load_staff(self) -> None:
        current = self.assignee_box.currentData()
        self.assignee_box.blockSignals(True)
        self.assignee_box.clear()
        self.assignee_box.addItem("Anyone", EVERYONE)
        self.assignee_box.addItem("Nobody yet", NOBODY)
        for member in list_staff(self.engine):
            self.assignee_box.addItem(member.name, member.name)
        index = self.assignee_box.findData(current) if current is not None else 0
        self.assignee_box.setCurrentIndex(max(0, index))
        self.assignee_box.blockSignals(False)

    def refresh(self) -> None:
        selected = self.pane.detail.issue.issue_id if self.pane.detail else None
        assignee = self.assignee_box.currentData()
        rows = follow_up.find_issues(
            self.engine, status=self.status_box.currentData(),
            issue_type=self.type_box.currentData(),
            assignee=None if assignee is EVERYONE else assignee,
            overdue=self.overdue_box.isChecked())
        self.model.set_issues(rows, claims.taken_by_others(self.engine))
        self.warn_of_deadlines()
        moment = utc_now()
        overdue = sum(1 for r in rows
                      if r.issue.reply_due_at is not None and r.issue.reply_due_at < moment)
        self.count_label.setText(f"{len(rows):,} issue{'s' if len(rows) != 1 else ''}"
                                 + (f" · {overdue} overdue" if overdue else ""))
        if selected is not None and not self.select_issue(selected):
            self.pane.show_issue(selected)   # filtered out now, but still the one in hand

    def select_issue(self, issue_id: int) -> bool:
        for number, row in enumerate(self.model.records()):
            if row.issue.issue_id == issue_id:
                self.table.selectRow(number)
                self.pane.show_issue(issue_id)
                return True
        return False

    def show_issue(self, issue_id: int) -> None:
        """Bring an issue up, widening the filters if they hide it."""
        if not self.select_issue(issue_id):
            self.status_box.setCurrentIndex(self.status_box.findData(None))
            self.type_box.setCurrentIndex(0)
            self.assignee_box.setCurrentIndex(0)
            self.overdue_box.setChecked(False)
            self.refresh()
            self.select_issue(issue_id)

    def _selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            row = self.model.record_at(indexes[0].row())
            if row is not None and (self.pane.detail is None
                                    or self.pane.detail.issue.issue_id != row.issue.issue_id):
                self.pane.show_issue(row.issue.issue_id)

    def _issue_changed(self, _issue_id: int) -> None:
        self.refresh()

    def _tick(self) -> None:
        for column in (ISSUE_AGE_COLUMN, ISSUE_REPLY_COLUMN, ISSUE_DEADLINE_COLUMN):
            self.model.repaint_column(column)
        self.pane.refresh_clock()
        self.warn_of_deadlines()

    def warn_of_deadlines(self) -> list[str]:
        """Say once, for each deadline, when it comes within two hours; the banner goes
        when none is that close any more."""
        if self.quiet:
            return []
        moment, said = utc_now(), []
        close = [r for r in self.model.records()
                 if r.next_deadline is not None and r.next_deadline.soon(moment)]
        if not close:
            self.deadline_label.hide()
        for row in close:
            deadline = row.next_deadline
            key = (row.issue.issue_id, deadline.key, deadline.due)
            if key not in self.warned:
                self.warned.add(key)
                said.append(f"Issue {row.issue.issue_id}: {deadline.label.lower()} — "
                            f"{deadline.left(moment)}")
        if said:
            self.deadline_label.setText("⚠ " + " · ".join(said))
            self.deadline_label.show()
            self.deadline_near.emit(said[0] + (f" (and {len(said) - 1} more)"
                                               if len(said) > 1 else ""))
        return said
