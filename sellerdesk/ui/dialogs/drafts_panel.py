"""The policy editor's Drafts tab (#26, policy as a reviewed change): every draft with its
note, author, base version and state; a chosen draft's diff against the policy in force
and, under it, the backtest totals of the draft against the policy in force over the last
90 days, computed off the GUI thread with progress and Cancel. "Open in editor" loads a
draft's text; an owner makes an open draft current (asked why, then asked to confirm,
Cancel the default), and its author, a supervisor or an owner withdraws it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import Cancelled, KnownError
from sellerdesk.core.metrics import percent
from sellerdesk.core.money import Money
from sellerdesk.core.policy import parse_policy
from sellerdesk.services import policy_drafts
from sellerdesk.services.policy_lab.backtest import (
    Backtest,
    default_range,
    prepare_backtest,
    replay_draft,
)
from sellerdesk.ui.dialogs.ask import ask_text, confirm
from sellerdesk.ui.dialogs.pin_dialog import with_pin
from sellerdesk.ui.formatting import error_style, local_time
from sellerdesk.ui.tasks import Task, keep_until_done

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

TITLE = "Policy drafts"
DRAFT_HEADERS = ("Draft", "Saved by", "Saved", "Based on", "State", "Note")
TOTAL_HEADERS = ("Currency", "Issues", "In force", "Draft", "Share of sales (in force → draft)")


@dataclass(frozen=True, slots=True)
class Comparison:
    """The same issues replayed under the policy in force and under a draft."""
    draft_id: int
    version: int                  # the version in force compared against
    in_force: Backtest
    draft: Backtest


def compare(engine: Engine, draft_id: int, draft_text: str,
            progress: Callable[[float, str], None], cancelled: Callable[[], bool]
            ) -> Comparison:
    """Off the GUI thread: the last 90 days read once, replayed under both policies."""
    version, text = policy_drafts.in_force(engine)
    start, end = default_range()
    windows = [parse_policy(t, source=s).buyer_window_days
               for t, s in ((text, f"policy version {version}"),
                            (draft_text, f"policy draft {draft_id}"))]
    prepared = prepare_backtest(engine, start=start, end=end, cancelled=cancelled,
                                progress=lambda f, m: progress(0.8 * f, m),
                                buyer_window_days=max(windows))
    progress(0.8, "Replaying the policy in force…")
    in_force = replay_draft(prepared, text, source=f"policy version {version}",
                            cancelled=cancelled)
    progress(0.9, "Replaying the draft…")
    draft = replay_draft(prepared, draft_text, source=f"policy draft {draft_id}",
                         cancelled=cancelled)
    return Comparison(draft_id, version, in_force, draft)


def _share(part: int, whole: int) -> str:
    # display only: minor units of one currency, written as the desk writes rates
    return percent(None if whole <= 0 else part / whole)


class DraftsPanel(QWidget):
    open_in_editor = Signal(str)      # a draft's text, for the editor
    applied = Signal(int)             # the new version a draft became

    def __init__(self, engine: Engine, staff: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.drafts: list[policy_drafts.PolicyDraft] = []
        self.question: QWidget | None = None       # the last question asked, for tests
        self.task: Task | None = None
        self.comparison: Comparison | None = None
        self.table = QTableWidget(0, len(DRAFT_HEADERS))
        self.table.setHorizontalHeaderLabels(DRAFT_HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selected)
        self.open_button = QPushButton("&Open in editor")
        self.apply_button = QPushButton("Make &current…")
        self.withdraw_button = QPushButton("&Withdraw…")
        self.open_button.clicked.connect(self._open)
        self.apply_button.clicked.connect(self.ask_apply)
        self.withdraw_button.clicked.connect(self.ask_withdraw)
        # Only an owner makes a draft current: the button is not offered to anyone else.
        self.apply_button.setVisible(policy_drafts.may_apply(engine, staff))
        actions = QHBoxLayout()
        for button in (self.open_button, self.apply_button, self.withdraw_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.diff_view = QPlainTextEdit()
        self.diff_view.setReadOnly(True)
        self.diff_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.diff_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.totals = QTableWidget(0, len(TOTAL_HEADERS))
        self.totals.setHorizontalHeaderLabels(TOTAL_HEADERS)
        self.totals.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.totals.verticalHeader().hide()
        self.totals.horizontalHeader().setStretchLastSection(True)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton("Cance&l backtest")
        self.cancel_button.clicked.connect(self.cancel)
        running = QHBoxLayout()
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel_button)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(QLabel("Changes from the policy in force:"))
        layout.addWidget(self.diff_view, 2)
        layout.addWidget(QLabel("Backtest, the last 90 days — the policy in force against "
                                "the draft:"))
        layout.addLayout(running)
        layout.addWidget(self.totals, 1)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.status_label)
        self._running(False)
        self.refresh()

    # -- the list --------------------------------------------------------------------------
    def refresh(self, select: int | None = None) -> None:
        self.drafts = policy_drafts.drafts(self.engine)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.drafts))
        for row, draft in enumerate(self.drafts):
            cells = (str(draft.id), draft.created_by, local_time(draft.created_at),
                     f"version {draft.based_on}", draft.state_text, draft.note)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.clearSelection()
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        if select is not None and any(d.id == select for d in self.drafts):
            self.select_draft(select)
        else:
            self._selected()

    def draft_rows(self) -> list[list[str]]:
        """The list as a person reads it (for tests and screen readers)."""
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]

    def total_rows(self) -> list[list[str]]:
        return [[self.totals.item(r, c).text() for c in range(self.totals.columnCount())]
                for r in range(self.totals.rowCount())]

    def select_draft(self, draft_id: int) -> None:
        self.table.selectRow(next(i for i, d in enumerate(self.drafts) if d.id == draft_id))

    def selected(self) -> policy_drafts.PolicyDraft | None:
        rows = self.table.selectionModel().selectedRows()
        return self.drafts[rows[0].row()] if rows else None

    def _selected(self) -> None:
        draft = self.selected()
        is_open = draft is not None and draft.state == "open"
        self.open_button.setEnabled(draft is not None)
        self.apply_button.setEnabled(is_open)
        self.withdraw_button.setEnabled(is_open)
        self.totals.setRowCount(0)
        self.summary_label.setText("")
        if draft is None:
            self.cancel()
            self.diff_view.setPlainText("")
            return
        try:
            diff = policy_drafts.draft_diff(self.engine, draft.id)
        except KnownError as exc:
            diff = str(exc)
        self.diff_view.setPlainText(diff or f"Draft {draft.id} is the policy in force.")
        self.start_backtest(draft)

    # -- the backtest, off the GUI thread -----------------------------------------------------
    def start_backtest(self, draft: policy_drafts.PolicyDraft) -> None:
        self.cancel()
        engine, draft_id, text = self.engine, draft.id, draft.text
        task = Task(lambda progress, cancelled: compare(engine, draft_id, text, progress,
                                                        cancelled))
        self.task = task
        keep_until_done(task)
        task.progressed.connect(lambda f, m: self._progressed(task, f, m))
        task.succeeded.connect(lambda result: self._finished(task, result))
        task.failed.connect(lambda exc: self._failed(task, exc))
        self._running(True)
        self.progress.setValue(0)
        self.summary_label.setText(f"Backtesting draft {draft_id}…")
        task.start()

    def cancel(self) -> None:
        """Stop the backtest running (its result, if it still comes, is dropped)."""
        if self.task is not None:
            self.task.cancel()
            self.task = None
            self.summary_label.setText("Backtest cancelled.")
        self._running(False)

    def close_down(self) -> None:
        self.cancel()

    def _running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)

    def _progressed(self, task: Task, fraction: float, message: object) -> None:
        if task is self.task:
            self.progress.setValue(round(fraction * 100))
            self.progress.setFormat(f"{message} %p%")

    def _failed(self, task: Task, exc: Exception) -> None:
        if task is not self.task:
            return
        self.task = None
        self._running(False)
        if isinstance(exc, Cancelled):
            self.summary_label.setText("Backtest cancelled.")
        elif isinstance(exc, KnownError):
            self.summary_label.setText(str(exc))
        else:
            raise exc

    def _finished(self, task: Task, comparison: Comparison) -> None:
        if task is not self.task:
            return      # a newer choice, or Cancel, came since: this answer is stale
        self.task = None
        self._running(False)
        self.comparison = comparison
        self._show_totals(comparison)

    def _show_totals(self, comparison: Comparison) -> None:
        now, draft = comparison.in_force, comparison.draft
        if draft.empty:
            self.summary_label.setText(draft.message)
            return
        currencies = sorted(set(now.totals) | set(draft.totals))
        self.totals.setRowCount(len(currencies))
        for row, currency in enumerate(currencies):
            # Each replay's suggestion is its "draft" column; shares per currency.
            before, after = now.totals.get(currency), draft.totals.get(currency)
            sales = draft.sales.get(currency, 0)
            before_minor = before.draft if before else 0
            after_minor = after.draft if after else 0
            cells = (currency, str((after or before).issues),
                     Money.from_minor(before_minor, currency).display(),
                     Money.from_minor(after_minor, currency).display(),
                     f"{_share(before_minor, sales)} → {_share(after_minor, sales)}")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.totals.setItem(row, column, item)
        self.totals.resizeColumnsToContents()
        approvals = (now.approvals()["draft"], draft.approvals()["draft"])
        caps = (now.caps_hit()["draft"], draft.caps_hit()["draft"])
        missing = len(draft.without_rule())
        self.summary_label.setText(
            f"From {draft.start} to {draft.end}, against version {comparison.version}: "
            f"needing approval {approvals[0]} → {approvals[1]}; caps hit {caps[0]} → "
            f"{caps[1]}" + (f"; {missing} issues without a rule in the draft" if missing
                            else "") + ".")

    # -- acting on a draft -------------------------------------------------------------------
    def _open(self) -> None:
        draft = self.selected()
        if draft is not None:
            self.open_in_editor.emit(draft.text)

    def ask_apply(self) -> QWidget | None:
        """Asks why, then to confirm (Cancel the default: Enter never makes it current)."""
        draft = self.selected()
        if draft is None or draft.state != "open":
            return None
        self.question = ask_text(self, TITLE, f"Why make draft {draft.id} the policy in "
                                              "force? (kept with the new version)",
                                 lambda why: self._confirm_apply(draft, why), multiline=True)
        return self.question

    def _confirm_apply(self, draft: policy_drafts.PolicyDraft, why: str) -> None:
        if not why.strip():
            self._say("Say why the draft is made current; nothing was changed.", error=True)
            return
        version, _ = policy_drafts.in_force(self.engine)
        warning = policy_drafts.stale_warning(draft, version)
        text = (f"Make draft {draft.id} (“{draft.name}”, by {draft.created_by}) the policy "
                f"in force? It is saved as version {version + 1}; new suggestions use it "
                f"from then on.\n\nWhy: {why.strip()}")
        if warning:
            text += f"\n\n{warning}"
        self.question = confirm(self, TITLE, text, f"&Make draft {draft.id} current",
                                lambda: self.apply(draft.id, why, anyway=bool(warning)))

    def apply(self, draft_id: int, why: str, *, anyway: bool) -> None:
        with_pin(self, self.engine,
                 lambda: policy_drafts.apply_draft(self.engine, draft_id, by=self.staff,
                                                   why=why, anyway=anyway),
                 lambda result: self._applied(draft_id, result[0]),
                 lambda exc: self._say(str(exc), error=True))

    def _applied(self, draft_id: int, version: int) -> None:
        self.refresh(select=draft_id)
        self._say(f"Draft {draft_id} is in force as version {version}: new suggestions use "
                  "it from now on.")
        self.applied.emit(version)

    def ask_withdraw(self) -> QWidget | None:
        draft = self.selected()
        if draft is None or draft.state != "open":
            return None
        self.question = confirm(self, TITLE, f"Withdraw draft {draft.id}? It stays in the "
                                f"list, marked withdrawn.", f"&Withdraw draft {draft.id}",
                                lambda: self.withdraw(draft.id))
        return self.question

    def withdraw(self, draft_id: int) -> None:
        with_pin(self, self.engine,
                 lambda: policy_drafts.withdraw_draft(self.engine, draft_id, by=self.staff),
                 lambda _draft: (self.refresh(select=draft_id),
                                 self._say(f"Draft {draft_id} withdrawn.")),
                 lambda exc: self._say(str(exc), error=True))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status_label.setStyleSheet(error_style() if error else "")
        self.status_label.setText(text)


def ask_draft_note(parent: QWidget, save: Callable[[str], None]) -> QWidget:
    """"Save as draft…": the note its reviewers read, then `save(note)`."""
    return ask_text(parent, TITLE, "A note for whoever reviews the draft: what it changes "
                                   "and why", save, multiline=True)
