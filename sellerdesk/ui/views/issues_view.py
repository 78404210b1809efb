"""The Issues tab: every issue with its age and the time left to reply, filtered by status,
type, assignee, "overdue" or "waiting for approval", beside the pane of the issue in hand
(the table's current row). The filters and the sort make a view, saved by name and shown
again at the next start (ui/views/saved_views). Several issues selected (Shift/Ctrl+click,
Shift+arrows, Ctrl+A) are assigned, given a status, noted as replied to or exported
together, from the right-click menu or the keys A, Shift+A, S, N, E
(ui/views/bulk_actions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
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
from sellerdesk.ui.operations import Operations
from sellerdesk.ui.record_table import record_table
from sellerdesk.ui.scrolling import scrolling
from sellerdesk.ui.views.bulk_actions import BulkActions, keep_selected
from sellerdesk.ui.views.issue_pane import IssuePane
from sellerdesk.ui.views.saved_views import Filters, SavedViews

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# The assignee box's choices besides the staff's names: whoever, nobody, and whoever is
# at the desk (a saved "Mine" is mine on any login). NUL-led: no name is one of them.
EVERYONE, NOBODY, ME = "\0everyone", "", "\0me"
ANY = {"status": None, "type": None, "assignee": EVERYONE, "overdue": False,
       "approval": False}
ACTIVE = {**ANY, "status": "active"}
VIEWS: dict[str, Filters] = {
    "Open and awaiting buyer": ACTIVE,       # the list as it opens on a new desk
    "Everything": ANY,
    "Mine": {**ACTIVE, "assignee": ME},
    "Unassigned": {**ACTIVE, "assignee": NOBODY},
    "Overdue": {**ANY, "overdue": True},
    "Waiting for approval": {**ANY, "approval": True},
}


class IssuesView(QWidget):
    deadline_near = Signal(str)    # a deadline came within two hours
    said = Signal(str)             # a line for the status bar
    changed = Signal()             # issues were changed here (several at once)

    def __init__(self, engine: Engine, staff: Callable[[], str],
                 parent: QWidget | None = None, *,
                 operations: Operations | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.operations = operations or Operations(self)
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
        self.overdue_box = QCheckBox("Repl&y overdue only")   # Alt+O is the Orders tab
        self.approval_box = QCheckBox("Waiting for approval")
        self.approval_box.setToolTip("Only issues with a credit request waiting for a "
                                     "supervisor")
        self.count_label = QLabel()
        for widget in (QLabel("Show"), self.status_box, self.type_box, self.assignee_box,
                       self.overdue_box, self.approval_box):
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

        self.bulk = BulkActions(self.table, engine, staff, self.operations,
                                issue_ids=self._issue_ids, said=self.said.emit,
                                changed=self.changed.emit)
        self.table.installEventFilter(self)
        self.views = SavedViews("issues", self.table, VIEWS, read=self.filters,
                                apply=self.set_filters)
        self.views.said.connect(self.said)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        views_row = QHBoxLayout()     # at their own width, as on the Queue, not stretched
        views_row.addWidget(self.views)
        views_row.addStretch(1)
        layout.addLayout(views_row)
        layout.addLayout(bar)
        layout.addWidget(self.deadline_label)
        layout.addWidget(splitter, 1)

        for box in (self.status_box, self.type_box, self.assignee_box):
            box.currentIndexChanged.connect(self._filtered)
        self.overdue_box.toggled.connect(self._filtered)
        self.approval_box.toggled.connect(self._filtered)
        self.table.selectionModel().currentRowChanged.connect(self._in_hand)
        self.pane.changed.connect(self._issue_changed)
        # The age and reply columns are about now: repaint them every half minute.
        self.clock = QTimer(self, interval=30_000)
        self.clock.timeout.connect(self._tick)
        self.clock.start()
        self.load_staff()
        self.quiet = True        # no warnings before anyone listens (see WorkTabs)
        self.views.restore()     # the view left at the last close; reads the list
        self.quiet = False

    def load_staff(self) -> None:
        current = self.assignee_box.currentData()
        self.assignee_box.blockSignals(True)
        self.assignee_box.clear()
        self.assignee_box.addItem("Anyone", EVERYONE)
        self.assignee_box.addItem("Nobody yet", NOBODY)
        self.assignee_box.addItem("Me", ME)
        for member in list_staff(self.engine):
            self.assignee_box.addItem(member.name, member.name)
        index = self.assignee_box.findData(current) if current is not None else 0
        self.assignee_box.setCurrentIndex(max(0, index))
        self.assignee_box.blockSignals(False)

    # -- the view ----------------------------------------------------------------------
    def _boxes(self) -> tuple[QWidget, ...]:
        return (self.status_box, self.type_box, self.assignee_box, self.overdue_box,
                self.approval_box)

    def filters(self) -> Filters:
        return {"status": self.status_box.currentData(), "type": self.type_box.currentData(),
                "assignee": self.assignee_box.currentData(),
                "overdue": self.overdue_box.isChecked(),
                "approval": self.approval_box.isChecked()}

    def set_filters(self, filters: Filters) -> None:
        """A view's filters shown, then the list read once through them. A name no longer
        on the staff list shows as Anyone."""
        for box in self._boxes():
            box.blockSignals(True)
        for box, key in ((self.status_box, "status"), (self.type_box, "type"),
                         (self.assignee_box, "assignee")):
            box.setCurrentIndex(max(0, box.findData(filters.get(key, ANY[key]))))
        self.overdue_box.setChecked(bool(filters.get("overdue")))
        self.approval_box.setChecked(bool(filters.get("approval")))
        for box in self._boxes():
            box.blockSignals(False)
        self.refresh(next_at=0)

    def _filtered(self) -> None:
        self.refresh(next_at=0)
        self.views.remember()

    # -- reading -------------------------------------------------------------------------
    def refresh(self, *, next_at: int | None = None) -> None:
        """Read the list again. The issue in hand stays in hand; if it has left the list
        (assigned away from "Unassigned", closed out of "Open"…), the issue that takes its
        row does, as in a mail client, so the highlighted row and the pane never disagree
        and Down goes on from there. `next_at`: that row, when the filters changed."""
        selected = self.pane.detail.issue.issue_id if self.pane.detail else None
        position = self.table.currentIndex().row() if next_at is None else next_at
        chosen = self._issue_ids(sorted(i.row() for i in self.table.selectionModel()
                                        .selectedRows()))
        assignee = self.assignee_box.currentData()
        rows = follow_up.find_issues(
            self.engine, status=self.status_box.currentData(),
            issue_type=self.type_box.currentData(),
            assignee=None if assignee == EVERYONE else
            self.staff().strip() if assignee == ME else assignee,
            overdue=self.overdue_box.isChecked(),
            approval_pending=self.approval_box.isChecked())
        self.model.set_issues(rows, claims.taken_by_others(self.engine))
        self.warn_of_deadlines()
        moment = utc_now()
        overdue = sum(1 for r in rows
                      if r.issue.reply_due_at is not None and r.issue.reply_due_at < moment)
        self.count_label.setText(f"{len(rows):,} issue{'s' if len(rows) != 1 else ''}"
                                 + (f" · {overdue} overdue" if overdue else ""))
        if selected is None:
            return
        if keep_selected(self.table, lambda row: row.issue.issue_id, chosen, selected):
            self.pane.show_issue(selected)     # read again: what changed may be this issue
        elif rows:
            # (Not said in the status bar: what moved it there says what was done.)
            self.select_issue(rows[min(max(position, 0), len(rows) - 1)].issue.issue_id)
        else:
            self.pane.show_issue(selected)     # nothing left to show instead

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
            self.set_filters(ANY)          # the sort stays as it is
            self.views.list_views("Everything")
            self.views.remember()
            self.select_issue(issue_id)

    def _in_hand(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The pane shows the issue in hand: the current row, one of several selected
        maybe (Shift+arrows move it as they select)."""
        row = self.model.record_at(current.row()) if current.isValid() else None
        if row is not None and (self.pane.detail is None
                                or self.pane.detail.issue.issue_id != row.issue.issue_id):
            self.pane.show_issue(row.issue.issue_id)

    def _issue_ids(self, rows: list[int]) -> list[int]:
        records = (self.model.record_at(row) for row in rows)
        return [record.issue.issue_id for record in records if record is not None]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The bulk keys (A, Shift+A, S, N, E) on the table alone: never while typing.
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if self.bulk.key_pressed(event):
                return True
        return super().eventFilter(watched, event)

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
