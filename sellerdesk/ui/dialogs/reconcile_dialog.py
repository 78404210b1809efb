"""Settlements squared with the ledger: what Amazon paid for each credit and the fee it kept,
the credits it has not paid yet, and refunds SellerDesk never gave."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.settlement import Reconciliation
from sellerdesk.services.reconcile import reconciliation

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class ReconcileDialog(QDialog):
    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.setWindowTitle("Settlements and refunds")
        self.resize(860, 480)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.tabs = QTabWidget()
        self.paid = _table(["Order", "Credits", "Given", "Amazon paid", "Difference",
                            "Refund fee kept", "Matched by"])
        self.unpaid = _table(["Order", "Credit", "Amount", "Given on"])
        self.unclaimed = _table(["Order", "Settlement", "Posted", "Refunded",
                                 "Refund fee kept"])
        for table in (self.paid, self.unpaid, self.unclaimed):
            self.tabs.addTab(table, "")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.load()

    def load(self) -> None:
        result = reconciliation(self.engine)
        self.show_result(result)

    def show_result(self, result: Reconciliation) -> None:
        _fill(self.paid, [
            [m.order_id, ", ".join(str(c.credit_id) for c in m.credits), m.credited.display(),
             m.refunded.display(), m.difference.display() if m.difference.minor else "—",
             m.fee_kept.display(),
             "feed id (exact)" if m.linked_by == "feed id" else "same order"]
            for m in result.matched], amounts=range(2, 6))
        _fill(self.unpaid, [[c.order_id, str(c.credit_id), c.amount.display(),
                             c.given_on.isoformat()] for c in result.credits_unpaid],
              amounts=(2,))
        _fill(self.unclaimed, [[r.order_id, r.settlement_id, r.posted.isoformat(),
                                r.refunded.display(), r.fee_kept.display()]
                               for r in result.refunds_unclaimed], amounts=(3, 4))
        self.tabs.setTabText(0, f"&Paid ({len(result.matched)})")
        self.tabs.setTabText(1, f"&Not paid yet ({len(result.credits_unpaid)})")
        self.tabs.setTabText(2, f"&Refunds without a credit ({len(result.refunds_unclaimed)})")
        fees = ", ".join(m.display() for m in result.fees_kept().values() if m.minor)
        if not (result.matched or result.refunds_unclaimed):
            text = ("No refunds from a settlement yet. Import a settlement report (File › "
                    "Import report…) to see which credits Amazon has paid and what it kept.")
        else:
            text = ("Credits Amazon paid back to buyers, found by the feed's adjustment ids "
                    "or by order. " + (f"Refund administration fees kept: {fees}." if fees
                                       else "No refund fees kept."))
        self.summary_label.setText(text)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], *, amounts: Iterable[int]) -> None:
    """Rows of text; amounts right-aligned, so their decimals line up."""
    right = set(amounts)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c in right:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
