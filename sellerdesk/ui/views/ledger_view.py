"""The Ledger tab: every credit with running totals per currency, reversals (never edits),
the hash chain checked on demand, and promotional codes that lapse soon."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.services.credits import reverse_credit, verify_ledger
from sellerdesk.services.ledger import (
    LAPSING_WITHIN,
    LedgerLine,
    lapsing_promotions,
    ledger_lines,
    totals_by_currency,
)
from sellerdesk.ui.dialogs.ask import ask_text
from sellerdesk.ui.formatting import error_style
from sellerdesk.ui.models.work_models import ledger_model
from sellerdesk.ui.record_table import record_table

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine



class LedgerView(QWidget):
    changed = Signal(str)   # what happened, for the status bar
    open_issue = Signal(int)

    def __init__(self, engine: Engine, staff: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.busy = ""          # why a reversal waits (another write under way), or ""
        self.kept_reason: tuple[int, str] | None = None   # a reversal that had to wait
        self.question: QInputDialog | None = None
        self.model = ledger_model(self)
        self.table = record_table(self.model, (52, 122, 152, 48, 190, 82, 98, 110, 110, 150),
                                  name="ledger")
        self.table.doubleClicked.connect(self._open_issue)
        self.totals_label = QLabel()
        self.totals_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reverse_button = QPushButton("&Reverse…")
        self.reverse_button.setToolTip("Add an entry that takes this credit back. Nothing in "
                                       "the ledger is ever edited or deleted.")
        self.verify_button = QPushButton("&Verify chain")
        self.verify_button.setToolTip("Recompute every entry's SHA-256 and its link to the "
                                      "one before")
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        # The totals on a line of their own, the buttons below them: side by side they
        # made the window 1,100 px wide at least, wider than a 1366×768 screen at 150 %.
        self.totals_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.reverse_button)
        top.addWidget(self.verify_button)
        top.addStretch(1)
        self.top = top

        self.lapsing_list = QListWidget()
        days = LAPSING_WITHIN.days
        lapsing_box = QGroupBox(f"Promotional codes that lapse within {days} days — "
                                "remind the buyer")
        box_layout = QVBoxLayout(lapsing_box)
        box_layout.addWidget(self.lapsing_list)
        self.lapsing_box = lapsing_box

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lapsing_box)
        splitter.setSizes([520, 140])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.totals_label)
        layout.addLayout(top)
        layout.addWidget(self.result_label)
        layout.addWidget(splitter, 1)
        self.reverse_button.clicked.connect(self.ask_reverse)
        self.verify_button.clicked.connect(self.verify)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.refresh()

    def add_actions(self, actions: Sequence[QAction]) -> None:
        """The window's file actions (export, check a file, the adjustment feed) as
        buttons beside the chain check."""
        for act in actions:
            button = QToolButton()
            button.setDefaultAction(act)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.top.insertWidget(self.top.count() - 1, button)   # before the stretch

    def refresh(self) -> None:
        lines = ledger_lines(self.engine)
        self.model.set_records(list(reversed(lines)))   # newest on top
        totals = totals_by_currency(lines)
        self.totals_label.setText(
            f"<b>{len(lines):,} {'entry' if len(lines) == 1 else 'entries'}</b> · net given: "
            + (" · ".join(m.display() for m in totals.values()) if totals else "nothing yet"))
        self.lapsing_list.clear()
        for credit in lapsing_promotions(self.engine, lines=lines):
            self.lapsing_list.addItem(
                f"{credit.expires_on.isoformat()} — {credit.amount.display()} code, order "
                f"{credit.order_id} (issue {credit.issue_id}, credit {credit.credit_id})")
        if not self.lapsing_list.count():
            self.lapsing_list.addItem("None lapse soon.")
        self._selected()

    def selected(self) -> LedgerLine | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record_at(rows[0].row()) if rows else None

    def select_credit(self, credit_id: int) -> None:
        for row, line in enumerate(self.model.records()):
            if line.credit.credit_id == credit_id:
                self.table.selectRow(row)
                return

    def set_busy(self, reason: str) -> None:
        """Another write is under way: a reversal waits for it, and its tip says why."""
        self.busy = reason
        self._selected()

    def _selected(self, *_args) -> None:
        line = self.selected()
        self.reverse_button.setEnabled(line is not None and line.credit.reverses is None
                                       and line.reversed_by is None and not self.busy)
        self.reverse_button.setStatusTip(self.busy)

    def _open_issue(self, index) -> None:
        line = self.model.record_at(index.row())
        if line is not None:
            self.open_issue.emit(line.credit.issue_id)

    def ask_reverse(self) -> None:
        line = self.selected()
        if line is None:
            return
        credit = line.credit
        kept = self.kept_reason
        self.question = ask_text(
            self, f"Reverse credit {credit.credit_id}",
            f"Why is {credit.amount.display()} on order {credit.order_id} being taken back?",
            lambda reason: self.reverse(credit.credit_id, reason),
            text=kept[1] if kept and kept[0] == credit.credit_id else "")

    def reverse(self, credit_id: int, reason: str) -> None:
        if self.busy:
            # The question was answered after another write began (the watched folder's
            # import): written now, on the GUI thread, the reversal would freeze the
            # window behind it. Not reversed; the reason waits in the question.
            self.kept_reason = (credit_id, reason)
            self.result_label.setStyleSheet(error_style())
            self.result_label.setText(f"Credit {credit_id} is not reversed: {self.busy} "
                                      "Reverse it again then; your reason is kept.")
            return
        self.kept_reason = None
        try:
            outcome = reverse_credit(self.engine, credit_id=credit_id, reason=reason,
                                     staff=self.staff())
        except KnownError as exc:
            self.result_label.setStyleSheet(error_style())
            self.result_label.setText(str(exc))
            return
        self.result_label.clear()
        self.refresh()
        self.select_credit(outcome.credit_id)
        self.changed.emit(f"Credit {credit_id} reversed by credit {outcome.credit_id} "
                          f"({outcome.amount.display()})")

    def verify(self) -> None:
        check = verify_ledger(self.engine)
        self.result_label.setStyleSheet("" if check.ok else f"{error_style()} font-weight: bold;")
        self.result_label.setText(check.summary())
