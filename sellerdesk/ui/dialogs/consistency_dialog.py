"""Desk › Consistency report…: are alike cases decided alike? The report of
services.policy_lab.consistency over a date range (by default the last 7 days: a supervisor
reads it as a weekly coaching list) — the outliers first, each in the service's own
sentence, then each agent against the policy and against colleagues, and the issues
behind the outlier chosen, each opened in the window's Issues tab with a double-click or
Enter.

The report is worked out off the GUI thread (a year of credits takes about half a second),
with progress and Cancel; a result for a range that is no longer the one asked for, or
that arrives after the dialog closed, is dropped.

The dialog is modeless: the supervisor goes through the issues in the window with the list
still open beside it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import Cancelled, KnownError
from sellerdesk.services.clock import now
from sellerdesk.services.policy_lab.consistency import (
    MIN_CASES,
    AgentConsistency,
    ConsistencyReport,
    Outlier,
    consistency_report,
)
from sellerdesk.ui.date_range import RangeChoice, preset_range
from sellerdesk.ui.formatting import error_style
from sellerdesk.ui.models.records_model import Column, RecordsModel
from sellerdesk.ui.record_table import record_table
from sellerdesk.ui.tasks import Task, keep_until_done

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

PRESETS = (("Last 7 days", 7), ("Last 30 days", 30), ("Last 90 days", 90),
           ("Custom range", None))
DEBOUNCE_MS = 400            # after the last change of a date, the range is read
# What each kind of outlier lists its issues for, as the issues table says it.
WHY = {"overrides_up": "Given more than the policy suggested",
       "overrides_down": "Given less than the policy suggested",
       "above_colleagues": "Given more than colleagues in alike cases",
       "below_colleagues": "Given less than colleagues in alike cases",
       "type_norm": "Departed from the policy's suggestion"}


def _rate(count: int, of: int) -> str:
    return f"{count:,}" if not (of and count) else f"{count:,} ({Decimal(count) / of * 100:.0f} %)"


def _signed(value: Decimal | None) -> str:
    """A ratio as the report words it: "+33 %", "−20 %", or "—" for none."""
    if value is None:
        return "—"
    return f"{'+' if value >= 0 else '−'}{abs(value) * 100:.0f} %"


def _departure(agent: AgentConsistency) -> str:
    """Σ (given − suggested), each currency by itself and only where it is not nothing:
    "+$10.00; -€2.50"; "0" when every currency came out even."""
    if not agent.compared:
        return "—"
    return "; ".join(("+" if money.amount > 0 else "") + money.display()
                     for _, money in sorted(agent.departure.items()) if money.amount) or "0"


AGENT_COLUMNS: tuple[Column[AgentConsistency], ...] = (
    Column("Agent", lambda a: a.agent),
    Column("Cases", lambda a: f"{a.cases:,}", right=True, key=lambda a: a.cases),
    Column("Compared", lambda a: f"{a.compared:,}", right=True, key=lambda a: a.compared,
           tip=lambda a: "Credits given with a suggestion above zero to compare with"),
    Column("Above policy", lambda a: _rate(len(a.up), a.compared), right=True,
           key=lambda a: a.rate(a.up),
           tip=lambda a: f"{_signed(a.mean_up)} on average when above" if a.up else ""),
    Column("Below policy", lambda a: _rate(len(a.down), a.compared), right=True,
           key=lambda a: a.rate(a.down),
           tip=lambda a: f"{_signed(a.mean_down)} on average when below" if a.down else ""),
    Column("Given vs policy", _departure, right=True,
           key=lambda a: sorted((c, m.amount) for c, m in a.departure.items()),
           tip=lambda a: "Given less suggested, summed in each currency"),
    Column("Vs colleagues", lambda a: _signed(a.vs_colleagues), right=True,
           key=lambda a: a.vs_colleagues,
           tip=lambda a: (f"Mean departure from colleagues' median over "
                          f"{a.with_colleagues} alike cases" if a.with_colleagues else
                          "No colleague decided an alike case")),
    Column("Alike cases", lambda a: f"{a.with_colleagues:,}", right=True,
           key=lambda a: a.with_colleagues,
           tip=lambda a: "Cases with colleagues' cases of the same issue type, severity, "
                         "currency and basis band"),
)


@dataclass(frozen=True, slots=True)
class IssueBehind:
    """One issue behind an outlier."""
    issue_id: int
    subject: str         # the agent, or the issue type
    why: str


ISSUE_COLUMNS: tuple[Column[IssueBehind], ...] = (
    Column("Issue", lambda i: str(i.issue_id), right=True, key=lambda i: i.issue_id),
    Column("Agent or issue type", lambda i: i.subject),
    Column("Why it is listed", lambda i: i.why),
)


def issues_behind(outlier: Outlier) -> list[IssueBehind]:
    return [IssueBehind(issue_id, outlier.subject, WHY.get(outlier.kind, outlier.kind))
            for issue_id in outlier.issue_ids]


def _label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ConsistencyDialog(QDialog, RangeChoice):
    open_issue = Signal(int)
    finished_report = Signal(object)     # each ConsistencyReport shown (tests, screen readers)

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consistency_dialog")   # its size and place are kept under this
        self.setWindowTitle("Consistency report")
        self.engine = engine
        self.report: ConsistencyReport | None = None     # the report shown
        self._asked: tuple[date, date] | None = None     # the range the task under way reads
        self._task: Task | None = None
        self._closed = False

        # -- the range ------------------------------------------------------------------
        self.make_range_boxes(PRESETS)
        self.run_button = QPushButton("Run &again")
        self.run_button.setToolTip("Read the range again (credits given since are counted)")
        self.run_button.setAutoDefault(False)
        self.cancel_button = QPushButton("Ca&ncel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.setEnabled(False)
        when = QHBoxLayout()
        range_label = QLabel("&When:")
        range_label.setBuddy(self.preset_box)
        from_label = QLabel("&From")
        from_label.setBuddy(self.from_edit)
        to_label = QLabel("t&hrough")
        to_label.setBuddy(self.to_edit)
        for widget in (range_label, self.preset_box, from_label, self.from_edit, to_label,
                       self.to_edit):
            when.addWidget(widget)
        when.addStretch(1)
        when.addWidget(self.run_button)
        when.addWidget(self.cancel_button)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_label = _label()
        self.running_row = QWidget()      # shown while a report is worked out or said
        running = QHBoxLayout(self.running_row)
        running.setContentsMargins(0, 0, 0, 0)
        running.addWidget(self.progress_bar, 1)
        running.addWidget(self.progress_label, 2)
        self.error_label = _label()
        self.error_label.setStyleSheet(error_style())
        self.error_label.hide()
        self.heading_label = _label()
        self.heading_label.setStyleSheet("font-weight: bold")

        # -- the outliers, then the agents, then the issues behind the outlier chosen -----
        self.outlier_list = QListWidget()
        self.outlier_list.setWordWrap(True)
        self.outlier_list.setAlternatingRowColors(True)
        self.outlier_list.setTabKeyNavigation(False)
        outliers_title = QLabel("&Outliers — the coaching list (choose one to see its issues)")
        outliers_title.setBuddy(self.outlier_list)
        self.agent_model: RecordsModel[AgentConsistency] = RecordsModel(AGENT_COLUMNS, self)
        self.agent_table = record_table(self.agent_model, (150, 60, 75, 105, 105, 140, 100),
                                        name="consistency_agents")
        self.agent_table.setTabKeyNavigation(False)
        agents_title = QLabel("&Agents against the policy and against colleagues")
        agents_title.setBuddy(self.agent_table)
        self.issue_model: RecordsModel[IssueBehind] = RecordsModel(
            ISSUE_COLUMNS, self, identity=lambda i: (i.issue_id, i.subject, i.why))
        self.issue_table = record_table(self.issue_model, (70, 160),
                                        name="consistency_issues")
        self.issue_table.setTabKeyNavigation(False)
        self.issue_table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.issue_table, self.open_selected,
                      context=Qt.ShortcutContext.WidgetShortcut)
        self.issues_title = QLabel("&Issues behind the outlier (double-click or Enter opens "
                                   "one in the main window)")
        self.issues_title.setWordWrap(True)
        self.issues_title.setBuddy(self.issue_table)

        def section(title: QLabel, body: QWidget) -> QWidget:
            holder = QWidget()
            column = QVBoxLayout(holder)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(title)
            column.addWidget(body, 1)
            return holder

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(section(outliers_title, self.outlier_list))
        self.splitter.addWidget(section(agents_title, self.agent_table))
        self.splitter.addWidget(section(self.issues_title, self.issue_table))
        self.splitter.setSizes([150, 170, 200])

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(when)
        layout.addWidget(self.running_row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.heading_label)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(buttons)
        for first, then in itertools.pairwise((
                self.preset_box, self.from_edit, self.to_edit, self.run_button,
                self.cancel_button, self.outlier_list, self.agent_table, self.issue_table,
                buttons)):
            QWidget.setTabOrder(first, then)
        self.resize(900, 640)

        self.watch_range(QTimer(self, singleShot=True, interval=DEBOUNCE_MS),
                         *preset_range(7, now().date()))
        self.run_button.clicked.connect(self.refresh)
        self.cancel_button.clicked.connect(self.cancel)
        self.outlier_list.currentRowChanged.connect(self._show_issues)
        self._show(None)
        self.refresh()

    # -- running -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Work the report out for the range as it stands; one under way is cancelled (its
        result would be dropped anyway)."""
        self._debounce.stop()
        start, end = self.date_range()
        if self._task is not None:
            self._task.cancel()
        engine = self.engine
        task = Task(lambda progress, cancelled: consistency_report(
            engine, start=start, end=end, progress=progress, cancelled=cancelled))
        self._task, self._asked = task, (start, end)
        keep_until_done(task)
        # Bound methods: once the dialog is gone, Qt drops these connections with it.
        task.progressed.connect(self._task_progressed)
        task.succeeded.connect(self._task_succeeded)
        task.failed.connect(self._task_failed)
        self.cancel_button.setEnabled(True)
        self.progress_bar.setValue(0)
        self.progress_label.setText("Reading the credits…")
        self.running_row.show()
        self.error_label.hide()
        task.start()

    def _ended(self) -> bool:
        """Whether the task that ended is the one in hand (and the dialog still open)."""
        if self._closed or self.sender() is not self._task:
            return False
        self._task = None
        self.cancel_button.setEnabled(False)
        self.progress_bar.setValue(1000)
        return True

    def _task_progressed(self, fraction: float, message: object) -> None:
        if self.sender() is self._task and not self._closed:
            self.progress_bar.setValue(round(fraction * 1000))
            self.progress_label.setText(str(message))

    def _task_succeeded(self, report: object) -> None:
        if not self._ended() or self._asked != self.date_range():
            return      # a range no longer asked for: the newer one's run follows
        assert isinstance(report, ConsistencyReport)
        self.progress_label.setText("")
        self.running_row.hide()
        self._show(report)
        self.finished_report.emit(report)

    def _task_failed(self, exc: BaseException) -> None:
        if not self._ended():
            return
        self.progress_bar.setValue(0)
        if isinstance(exc, Cancelled):
            self.progress_label.setText("Cancelled. Run again to work the report out."
                                        if self.report is None else
                                        "Cancelled; the report below is from the last run.")
            return
        self.progress_label.setText("")
        self.running_row.hide()
        self.error_label.setText(f"✗ {exc}" if isinstance(exc, KnownError) else
                                 "✗ Something went wrong inside SellerDesk "
                                 f"({type(exc).__name__}: {exc}); nothing was changed.")
        self.error_label.show()

    def running(self) -> bool:
        return self._task is not None

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.progress_label.setText("Cancelling…")

    def done(self, result: int) -> None:
        """Closed: whatever runs is cancelled and its result dropped."""
        self._closed = True
        self._debounce.stop()
        if self._task is not None:
            self._task.cancel()
        super().done(result)

    # -- showing -----------------------------------------------------------------------------
    def _show(self, report: ConsistencyReport | None) -> None:
        self.report = report
        if report is None:
            self.heading_label.setText("The report appears here once the range is read.")
        else:
            self.heading_label.setText(report.lines()[0])
        self.outlier_list.clear()
        outliers = report.outliers if report else []
        for outlier in outliers:
            item = QListWidgetItem(outlier.text)
            item.setToolTip(f"{len(outlier.issue_ids):,} issue"
                            f"{'s' if len(outlier.issue_ids) != 1 else ''} behind it")
            self.outlier_list.addItem(item)
        if report is not None and not report.empty and not outliers:
            placeholder = QListWidgetItem(
                f"No outliers. An agent or issue type is judged on at least {MIN_CASES} "
                "credits with a suggestion to compare with, and none is past the lines.")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.outlier_list.addItem(placeholder)
        self.agent_model.set_records(report.agents if report else [])
        if outliers:
            self.outlier_list.setCurrentRow(0)
        else:
            self._show_issues(-1)

    def _show_issues(self, row: int) -> None:
        outliers = self.report.outliers if self.report else []
        if 0 <= row < len(outliers):
            chosen = outliers[row]
            self.issue_model.set_records(issues_behind(chosen))
            self.issues_title.setText(
                f"&Issues behind “{chosen.subject}” ({len(chosen.issue_ids):,}; double-click "
                "or Enter opens one in the main window)")
        else:
            self.issue_model.set_records([])
            self.issues_title.setText("&Issues behind the outlier (double-click or Enter "
                                      "opens one in the main window)")

    # -- reading it back (tests, screen readers) ----------------------------------------------
    def outlier_texts(self) -> list[str]:
        if self.report is None or not self.report.outliers:
            return []
        return [self.outlier_list.item(r).text() for r in range(self.outlier_list.count())]

    def agent_rows(self) -> list[list[str]]:
        model = self.agent_model
        return [[str(model.index(r, c).data()) for c in range(model.columnCount())]
                for r in range(model.rowCount())]

    def issue_ids(self) -> list[int]:
        model = self.issue_model
        return [model.record_at(r).issue_id for r in range(model.rowCount())]

    def open_selected(self) -> None:
        self._open_row(self.issue_table.currentIndex().row())

    def _open_row(self, row: int) -> None:
        behind = self.issue_model.record_at(row)
        if behind is not None:
            self.open_issue.emit(behind.issue_id)
