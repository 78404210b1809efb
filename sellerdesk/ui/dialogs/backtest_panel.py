"""The policy editor's Backtest tab (beside Policy and Versions): what a policy would
have given on the issues logged in a date range, beside what was given and what the
policy in force then suggested.

The range is read once (services.policy_lab.backtest.prepare_backtest, the heavy part:
every issue, order, credit and the policy then), off the GUI thread with progress and
Cancel. The draft is then replayed on what was read (replay_draft, cheap), again each time
the text is edited — half a second after the last keystroke, and only while the tab is
shown (else when it is next shown). A result worked out for an older text than the newest
edit is dropped; a text that does not read leaves the last good figures greyed, with the
reason above them."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPainter, QPalette, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import Cancelled, KnownError
from sellerdesk.core.metrics import percent
from sellerdesk.core.money import Money
from sellerdesk.services import policies
from sellerdesk.services.clock import now
from sellerdesk.services.policy_lab.backtest import (
    Backtest,
    BacktestError,
    Costs,
    IssueOutcome,
    prepare_backtest,
    replay_draft,
)
from sellerdesk.services.policy_lab.estimate import Estimate
from sellerdesk.ui.date_range import QUARTER, RangeChoice, preset_range
from sellerdesk.ui.formatting import MUTED, error_style, is_dark, tone_color
from sellerdesk.ui.models.records_model import Column, RecordsModel
from sellerdesk.ui.record_table import record_table
from sellerdesk.ui.tasks import Task, keep_until_done

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

DEBOUNCE_MS = 500            # after the last keystroke, the draft is replayed
EDITED = "edited"            # the text source: the editor's text
FILE = "file"                # … a file chosen by the user
PRESETS = (("Last 30 days", 30), ("Last 90 days", 90), ("Last quarter", QUARTER),
           ("Custom range", None))
GROUPINGS = (("By issue type", "issue_type"), ("By SKU", "sku"),
             ("By marketplace", "marketplace"), ("By agent", "agent"))
TOTAL_HEADERS = ("Currency", "Issues", "Sales", "Given", "Policy then", "Draft",
                 "Draft vs then")
POLICY_FILTER = "Policy files (*.toml);;All files (*)"


# -- dates ---------------------------------------------------------------------------------
# -- money ---------------------------------------------------------------------------------
def money(minor: int, currency: str) -> str:
    return Money.from_minor(minor, currency).display()


def change(minor: int, currency: str) -> str:
    """A difference with its sign, "+$12.00", "-$3.50", "$0.00"."""
    return ("+" if minor > 0 else "") + money(minor, currency)


def _amount(s: Any) -> str:
    return "—" if s is None else s.amount.display()


def _amount_key(s: Any) -> tuple[str, Decimal] | None:
    return None if s is None else (s.amount.currency, s.amount.amount)


def _words(value: str) -> str:
    return value.replace("_", " ").capitalize() if value else "—"


ISSUE_COLUMNS: tuple[Column[IssueOutcome], ...] = (
    Column("Issue", lambda o: str(o.issue_id), right=True, key=lambda o: o.issue_id),
    Column("Order", lambda o: o.order_id),
    Column("Type", lambda o: _words(o.issue_type)),
    Column("Severity", lambda o: _words(o.severity)),
    Column("Agent", lambda o: o.agent or "—"),
    Column("Given", lambda o: o.given.display(), right=True,
           key=lambda o: (o.given.currency, o.given.amount)),
    Column("Policy then", lambda o: _amount(o.then), right=True, key=lambda o: _amount_key(o.then),
           tip=lambda o: "\n".join(o.then.explanation) if o.then else o.note),
    Column("Draft", lambda o: "no rule" if o.without_rule else _amount(o.draft), right=True,
           key=lambda o: _amount_key(o.draft),
           tip=lambda o: "\n".join(o.draft.explanation) if o.draft else o.note),
    Column("Needs approval",
           lambda o: "—" if o.draft is None else ("Yes" if o.draft.needs_approval else "No"),
           tip=lambda o: ("The policy then: " + ("needs approval" if o.then.needs_approval
                                                  else "no approval")) if o.then else ""),
)


@dataclass(frozen=True, slots=True)
class GroupRow:
    """One line of a breakdown: a group's costs in one currency."""
    group: str
    currency: str
    costs: Costs


def _minor_column(header: str, minor: Callable[[GroupRow], int], *,
                  signed: bool = False) -> Column[GroupRow]:
    shown = change if signed else money
    return Column(header, lambda r: shown(minor(r), r.currency), right=True,
                  key=lambda r: (r.currency, minor(r)))


GROUP_COLUMNS: tuple[Column[GroupRow], ...] = (
    Column("Group", lambda r: r.group or "—"),
    Column("Currency", lambda r: r.currency),
    Column("Issues", lambda r: f"{r.costs.issues:,}", right=True, key=lambda r: r.costs.issues),
    _minor_column("Given", lambda r: r.costs.given),
    _minor_column("Policy then", lambda r: r.costs.then),
    _minor_column("Draft", lambda r: r.costs.draft),
    _minor_column("Draft vs then", lambda r: r.costs.draft - r.costs.then, signed=True),
)


def _label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class BacktestPanel(QWidget, RangeChoice):
    """`text_of`: the editor's text as it stands. The editor calls `draft_edited` on each
    change to it."""
    open_issue = Signal(int)
    finished = Signal(object)     # each Backtest shown (for tests and screen readers)

    def __init__(self, engine: Engine, text_of: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.text_of = engine, text_of
        self.result: Backtest | None = None       # the last good result shown
        self._prepared: Any = None                # what prepare_backtest read …
        self._prepared_range: tuple[date, date] | None = None     # … for this range
        self._result_prepared: Any = None         # the prepared data `result` came from
        self._edits = 0                           # changes to what is tested
        self._stale = True                        # to be worked out when next shown
        self._task: Task | None = None            # the work under way, if any
        self._then: Callable[[Any], None] = lambda result: None   # … and what follows it
        self._closed = False

        # -- what to test, on which days ------------------------------------------------
        self.make_range_boxes(PRESETS)
        self.source_box = QComboBox()
        self.source_box.setToolTip("The policy text replayed on the range's issues")
        self.run_button = QPushButton("Run &again")
        self.run_button.setToolTip("Read the range again (issues logged since are counted)")
        self.cancel_button = QPushButton("Ca&ncel")
        self.cancel_button.setEnabled(False)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_label = _label()
        self.error_label = _label()
        self.error_label.setStyleSheet(error_style())
        self.error_label.hide()

        when = QHBoxLayout()
        range_label = QLabel("&When:")
        range_label.setBuddy(self.preset_box)
        when.addWidget(range_label)
        when.addWidget(self.preset_box)
        from_label = QLabel("&From")
        from_label.setBuddy(self.from_edit)
        to_label = QLabel("t&hrough")
        to_label.setBuddy(self.to_edit)
        for widget in (from_label, self.from_edit, to_label, self.to_edit):
            when.addWidget(widget)
        when.addStretch(1)
        what = QHBoxLayout()
        source_label = QLabel("Te&xt:")
        source_label.setBuddy(self.source_box)
        what.addWidget(source_label)
        what.addWidget(self.source_box, 1)
        what.addWidget(self.run_button)
        what.addWidget(self.cancel_button)
        running = QHBoxLayout()
        running.addWidget(self.progress_bar, 1)
        running.addWidget(self.progress_label, 2)

        # -- the figures ------------------------------------------------------------------
        self.results = QWidget()          # greyed while its figures are not the text's
        self.heading_label = _label()
        self.heading_label.setStyleSheet("font-weight: bold")
        self.totals_table = QTableWidget(0, len(TOTAL_HEADERS))
        self.totals_table.setHorizontalHeaderLabels(TOTAL_HEADERS)
        self.totals_table.verticalHeader().hide()
        self.totals_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.totals_table.setTabKeyNavigation(False)
        self.totals_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.totals_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.totals_table.verticalHeader().setDefaultSectionSize(
            self.totals_table.fontMetrics().height() + 8)
        self.approvals_label = _label()
        self.without_rule_label = _label()
        self.problems_label = _label()
        self.estimate_box = QGroupBox("Effect on the Order Defect Rate")
        self.estimate_label = _label()
        QVBoxLayout(self.estimate_box).addWidget(self.estimate_label)
        self.estimate_box.hide()

        self.currency_box = QComboBox()
        self.currency_label = QLabel("Currenc&y:")
        self.currency_label.setBuddy(self.currency_box)
        self.chart = QChart()
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(240)
        self.chart_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        chart_bar = QHBoxLayout()
        chart_bar.addWidget(self.currency_label)
        chart_bar.addWidget(self.currency_box)
        chart_bar.addStretch(1)

        self.grouping_box = QComboBox()
        for name, key in GROUPINGS:
            self.grouping_box.addItem(name, key)
        grouping_label = QLabel("&Group:")
        grouping_label.setBuddy(self.grouping_box)
        self.group_model: RecordsModel[GroupRow] = RecordsModel(GROUP_COLUMNS, self)
        self.group_table = record_table(self.group_model, (140, 60, 50, 90, 90, 90))
        self.group_table.setMinimumHeight(160)
        group_bar = QHBoxLayout()
        group_bar.addWidget(grouping_label)
        group_bar.addWidget(self.grouping_box)
        group_bar.addStretch(1)

        self.issue_model: RecordsModel[IssueOutcome] = RecordsModel(
            ISSUE_COLUMNS, self, identity=lambda o: o.issue_id)
        self.issue_table = record_table(self.issue_model, (50, 170, 110, 75, 110, 75, 80, 75))
        self.issue_table.setMinimumHeight(260)
        self.issue_table.setTabKeyNavigation(False)
        self.issue_table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.issue_table, self.open_selected,
                      context=Qt.ShortcutContext.WidgetShortcut)

        figures = QVBoxLayout(self.results)
        figures.setContentsMargins(0, 0, 0, 0)
        figures.addWidget(self.heading_label)
        figures.addWidget(self.totals_table)
        figures.addWidget(self.approvals_label)
        figures.addWidget(self.without_rule_label)
        figures.addWidget(self.problems_label)
        figures.addLayout(chart_bar)
        figures.addWidget(self.chart_view)
        figures.addWidget(self.estimate_box)
        figures.addLayout(group_bar)
        figures.addWidget(self.group_table)
        issues_title = QLabel("Iss&ues (double-click or Enter opens one in the main window)")
        issues_title.setBuddy(self.issue_table)
        figures.addWidget(issues_title)
        figures.addWidget(self.issue_table)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.results)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(when)
        layout.addLayout(what)
        layout.addLayout(running)
        layout.addWidget(self.error_label)
        layout.addWidget(scroll, 1)
        for first, then in itertools.pairwise((
                self.preset_box, self.from_edit, self.to_edit, self.source_box,
                self.run_button, self.cancel_button, self.totals_table, self.currency_box,
                self.grouping_box, self.group_table, self.issue_table)):
            QWidget.setTabOrder(first, then)

        self.preset_box.setCurrentIndex(1)
        self.watch_range(QTimer(self, singleShot=True, interval=DEBOUNCE_MS),
                         *preset_range(90, now().date()))
        self.fill_sources()
        self.source_box.activated.connect(self._source_chosen)
        self.run_button.clicked.connect(self.run_again)
        self.cancel_button.clicked.connect(self.cancel)
        self.currency_box.currentIndexChanged.connect(self._draw_chart)
        self.grouping_box.currentIndexChanged.connect(self._show_groups)
        self._show(None)

    # -- what to test ------------------------------------------------------------------------
    def fill_sources(self) -> None:
        """The editor's text, each saved version (newest first), a file."""
        chosen = self.source_box.currentData()
        self.source_box.blockSignals(True)
        self.source_box.clear()
        self.source_box.addItem("The text being edited", EDITED)
        for info in policies.policy_versions(self.engine):
            self.source_box.addItem(f"Version {info.version}, “{info.name}”", info.version)
        self.source_box.addItem("A file…", FILE)
        found = self.source_box.findData(chosen)
        self.source_box.setCurrentIndex(max(found, 0) if chosen != FILE else 0)
        self.source_box.blockSignals(False)

    def _source_chosen(self) -> None:
        if self.source_box.currentData() == FILE:
            path, _ = QFileDialog.getOpenFileName(self, "Backtest a policy file",
                                                  str(Path.home()), POLICY_FILTER)
            if not path:
                self.source_box.setCurrentIndex(0)
            else:
                self.choose_file(Path(path))
                return
        self._text_changed()

    def choose_file(self, path: Path) -> None:
        """Test the policy in `path` (listed, and chosen, above "A file…")."""
        found = self.source_box.findData(str(path))
        if found < 0:
            found = self.source_box.count() - 1
            self.source_box.insertItem(found, f"File {path.name}", str(path))
            self.source_box.setItemData(found, str(path), Qt.ItemDataRole.ToolTipRole)
        self.source_box.setCurrentIndex(found)
        self._text_changed()

    def _text_work(self) -> Callable[[], tuple[str, str]]:
        """What reads the chosen text (in the worker) and names it."""
        chosen = self.source_box.currentData()
        if chosen in (EDITED, FILE, None):
            text = self.text_of()
            return lambda: (text, "the draft policy")
        if isinstance(chosen, int):
            engine = self.engine
            return lambda: (policies.policy_version_text(engine, chosen),
                            f"policy version {chosen}")
        path = Path(chosen)
        return lambda: (policies.read_policy_file(path), path.name)

    # -- running -----------------------------------------------------------------------------
    def draft_edited(self) -> None:
        """The editor's text changed: replayed after a pause in the typing, if shown."""
        if self.source_box.currentData() == EDITED:
            self._text_changed()

    def _text_changed(self) -> None:
        # Counted only here, where a run always follows (now, after the pause, or when the
        # tab is next shown): typing while a saved version or a file is tested changes
        # nothing tested, and dropping that run's result left the figures of another text.
        self._edits += 1
        self._stale = True
        if self.isVisible():
            self._debounce.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale and not self._debounce.isActive():
            self.refresh()

    def run_again(self) -> None:
        self._prepared, self._prepared_range = None, None
        self.refresh()

    def refresh(self) -> None:
        """Work out the figures for the range and text as they stand: read the range
        first if it is not the one read last, then replay the text on it."""
        self._debounce.stop()
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        start, end = self.date_range()
        if end < start:
            self._failed(BacktestError(f"the range runs backwards: {start} is after {end}"))
            return
        if self._prepared is None or self._prepared_range != (start, end):
            self._prepare(start, end)
        else:
            self._replay()

    def _prepare(self, start: date, end: date) -> None:
        engine = self.engine
        self._start("Reading the issues…", lambda progress, cancelled: prepare_backtest(
            engine, start=start, end=end, progress=progress, cancelled=cancelled),
            lambda prepared: self._prepared_done((start, end), prepared))

    def _prepared_done(self, read: tuple[date, date], prepared: Any) -> None:
        if read != self.date_range():      # the range changed while it was read
            self.refresh()
            return
        self._prepared, self._prepared_range = prepared, read
        self._replay()

    def _replay(self) -> None:
        prepared, edit, read_text = self._prepared, self._edits, self._text_work()
        previous = self.result if self._result_prepared is prepared else None

        def work(progress, cancelled) -> Backtest:
            text, source = read_text()
            return replay_draft(prepared, text, source=source, previous=previous,
                                progress=progress, cancelled=cancelled)

        self._start("Replaying the policy…", work,
                    lambda result: self._replayed(prepared, edit, result))

    def _replayed(self, prepared: Any, edit: int, result: Backtest) -> None:
        if prepared is not self._prepared or edit != self._edits:
            return      # an older text or range than the newest: its own run follows
        self.result, self._result_prepared = result, prepared
        self.error_label.hide()
        self._show(result)
        self.finished.emit(result)

    def _start(self, message: str, work, done: Callable[[Any], None]) -> None:
        """One piece of work at a time: a newer one cancels the one under way (whose
        result would be dropped anyway)."""
        if self._task is not None:
            self._task.cancel()
        task = Task(work)
        self._task, self._then = task, done
        keep_until_done(task)
        # Bound methods: once the tab is gone, Qt drops these connections with it.
        task.progressed.connect(self._task_progressed)
        task.succeeded.connect(self._task_succeeded)
        task.failed.connect(self._task_failed)
        self.cancel_button.setEnabled(True)
        self.progress_bar.setValue(0)
        self.progress_label.setText(message)
        task.start()

    def _ended(self) -> bool:
        """Whether the task that ended is the one in hand (and the tab still open)."""
        if self._closed or self.sender() is not self._task:
            return False
        self._task = None
        self.cancel_button.setEnabled(False)
        self.progress_bar.setValue(1000)
        return True

    def _task_succeeded(self, result: object) -> None:
        if self._ended():
            self._then(result)

    def _task_failed(self, exc: BaseException) -> None:
        if self._ended():
            self._failed(exc)

    def _task_progressed(self, fraction: float, message: object) -> None:
        if self.sender() is self._task and not self._closed:
            self.progress_bar.setValue(round(fraction * 1000))
            self.progress_label.setText(str(message))

    def running(self) -> bool:
        return self._task is not None

    def due(self) -> bool:
        """Whether a replay waits for the pause after the last edit."""
        return self._debounce.isActive()

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.progress_label.setText("Cancelling…")

    def close_down(self) -> None:
        """The editor closes: whatever runs is cancelled and its result dropped."""
        self._closed = True
        self._debounce.stop()
        if self._task is not None:
            self._task.cancel()

    def _failed(self, exc: BaseException) -> None:
        self.progress_bar.setValue(0)
        if isinstance(exc, Cancelled):
            self.progress_label.setText("Cancelled. Run again to work the figures out."
                                        if self.result is None else
                                        "Cancelled; the figures below are from the last run.")
            self._stale = False
            return
        self.progress_label.setText("")
        self.error_label.setText(f"✗ {exc}" if isinstance(exc, KnownError) else
                                 "✗ Something went wrong inside SellerDesk "
                                 f"({type(exc).__name__}: {exc}); nothing was changed.")
        self.error_label.show()
        if self.result is not None:
            self.results.setEnabled(False)
            self.heading_label.setText(
                self._heading(self.result) + " — from the last text that read; fix the "
                "policy to see this one's")

    # -- showing -----------------------------------------------------------------------------
    def _heading(self, result: Backtest) -> str:
        count = len(result.outcomes)
        return (f"{count:,} issue{'s' if count != 1 else ''} logged {result.start} to "
                f"{result.end}, replayed with “{result.policy_name}”")

    def _show(self, result: Backtest | None) -> None:
        self.results.setEnabled(True)
        if result is None:
            self.heading_label.setText("The figures appear here once the range is read.")
        elif result.empty:
            self.heading_label.setText(result.message)
        else:
            self.heading_label.setText(self._heading(result))
        self._show_totals(result)
        self._show_lists(result)
        self._show_estimate(result)
        currencies = list(result.weekly) if result else []
        chosen = self.currency_box.currentText()
        self.currency_box.blockSignals(True)
        self.currency_box.clear()
        self.currency_box.addItems(currencies)
        self.currency_box.setCurrentIndex(max(self.currency_box.findText(chosen), 0))
        self.currency_box.blockSignals(False)
        for widget in (self.currency_box, self.currency_label):
            widget.setVisible(len(currencies) > 1)
        self._draw_chart()
        self._show_groups()
        self.issue_model.set_records(result.outcomes if result else [])

    def _show_totals(self, result: Backtest | None) -> None:
        totals = result.totals if result else {}
        table = self.totals_table
        table.setRowCount(len(totals))
        for row, (currency, costs) in enumerate(totals.items()):
            shares = result.shares(currency)
            sales = result.sales.get(currency, 0)
            cells = (currency, f"{costs.issues:,}", money(sales, currency),
                     f"{money(costs.given, currency)} · {percent(shares['given'])}",
                     f"{money(costs.then, currency)} · {percent(shares['suggested_then'])}",
                     f"{money(costs.draft, currency)} · {percent(shares['draft'])}",
                     change(costs.draft - costs.then, currency))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        table.setVisible(bool(totals))
        # Every row shown, and room for the scroll bar a narrow window puts under them.
        height = (table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
                  + table.horizontalScrollBar().sizeHint().height())
        table.setFixedHeight(height + sum(table.rowHeight(r) for r in range(table.rowCount())))

    def _show_lists(self, result: Backtest | None) -> None:
        if result is None or result.empty:
            for label in (self.approvals_label, self.without_rule_label, self.problems_label):
                label.setText("")
                label.hide()
            return
        approvals, caps = result.approvals(), result.caps_hit()
        more = approvals["draft"] - approvals["then"]
        self.approvals_label.setText(
            f"Approvals needed: {approvals['then']:,} with the policy then, "
            f"{approvals['draft']:,} with the draft ({more:+,}). "
            f"Caps hit: {caps['then']:,} then, {caps['draft']:,} with the draft.")
        without = result.without_rule()
        self.without_rule_label.setText(
            f"Issues the draft has no rule for ({len(without)}): "
            + ", ".join(f"#{o.issue_id} ({_words(o.issue_type).lower()})" for o in without)
            if without else "The draft has a rule for every issue in the range.")
        problems = result.problems()
        self.problems_label.setText(
            f"Issues that could not be worked out ({len(problems)}):\n"
            + "\n".join(f"#{o.issue_id}: {o.note}" for o in problems) if problems else "")
        for label in (self.approvals_label, self.without_rule_label):
            label.show()
        self.problems_label.setVisible(bool(problems))
        self.problems_label.setStyleSheet(error_style() if problems else "")

    def _show_estimate(self, result: Backtest | None) -> None:
        estimate = result.estimate if result else None
        if estimate is None:
            self.estimate_box.hide()
            return
        self.estimate_label.setText(estimate_text(estimate))
        self.estimate_box.show()

    def _show_groups(self) -> None:
        result, key = self.result, self.grouping_box.currentData()
        named = _words if key == "issue_type" else str
        rows = [] if result is None else [
            GroupRow(named(group), currency, costs)
            for group, by_currency in sorted(result.breakdowns.get(key, {}).items())
            for currency, costs in sorted(by_currency.items())]
        self.group_model.set_records(rows)

    def _draw_chart(self) -> None:
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        # Qt's charts draw on white whatever the palette: a dark desk gets the dark theme
        # (as the Metrics tab does), and the lines take the palette's colours.
        chart.setTheme(QChart.ChartTheme.ChartThemeDark if is_dark()
                       else QChart.ChartTheme.ChartThemeLight)
        result, currency = self.result, self.currency_box.currentText()
        series = result.weekly.get(currency) if result and currency else None
        if not series:
            chart.setTitle("Cost per week")
            return
        chart.setTitle(f"Cost per week in {currency}")
        palette = self.palette()
        lines = (("Actual (given)", lambda c: c.given,
                  QPen(palette.color(QPalette.ColorRole.Text), 2)),
                 ("The policy then", lambda c: c.then,
                  QPen(tone_color(MUTED), 2, Qt.PenStyle.DashLine)),
                 ("The draft", lambda c: c.draft,
                  QPen(palette.color(QPalette.ColorRole.Highlight), 3)))
        digits = Money.zero(currency).amount.as_tuple().exponent
        top = 0.0
        drawn = []
        for name, minor, pen in lines:
            line = QLineSeries()
            line.setName(name)
            line.setPen(pen)
            for week, costs in series.items():
                msecs = datetime.combine(week, time()).timestamp() * 1000
                # A chart plots floats; the amounts shown anywhere as text stay Decimal.
                value = float(Decimal(minor(costs)).scaleb(digits))
                top = max(top, value)
                line.append(msecs, value)
            chart.addSeries(line)
            drawn.append(line)
        x_axis = QDateTimeAxis()
        x_axis.setFormat("d MMM")
        x_axis.setTickCount(min(max(len(series), 2), 8))
        y_axis = QValueAxis()
        y_axis.setLabelFormat("%.0f")
        y_axis.setTitleText(currency)
        y_axis.setRange(0, top * 1.1 or 1)
        y_axis.applyNiceNumbers()
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for line in drawn:
            line.attachAxis(x_axis)
            line.attachAxis(y_axis)

    # -- reading it back (tests, screen readers) ----------------------------------------------
    def totals_rows(self) -> list[list[str]]:
        table = self.totals_table
        return [[table.item(r, c).text() for c in range(table.columnCount())]
                for r in range(table.rowCount())]

    def issue_rows(self) -> list[list[str]]:
        model = self.issue_model
        return [[str(model.index(r, c).data()) for c in range(model.columnCount())]
                for r in range(model.rowCount())]

    def chart_points(self) -> dict[str, list[float]]:
        return {s.name(): [p.y() for p in s.points()] for s in self.chart.series()}

    def open_selected(self) -> None:
        self._open_row(self.issue_table.currentIndex().row())

    def _open_row(self, row: int) -> None:
        outcome = self.issue_model.record_at(row)
        if outcome is not None:
            self.open_issue.emit(outcome.issue_id)


def estimate_text(estimate: Estimate) -> str:
    """The estimate as the CLI words it: labelled as one, with its range, sample and
    method, or why there is none."""
    return "\n".join(line.strip() for line in estimate.lines())
