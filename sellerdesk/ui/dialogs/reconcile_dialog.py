"""Settlements squared with the ledger: what Amazon paid for each credit and the fee it kept,
the credits it has not paid yet, and refunds SellerDesk never gave."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.settlement import CreditDue, Match, Reconciliation, Refund, totals_text
from sellerdesk.services.reconcile import fees_kept_text, reconciliation
from sellerdesk.ui.models.records_model import Column, RecordsModel
from sellerdesk.ui.record_table import record_table

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

PAID_COLUMNS: list[Column[Match]] = [
    Column("Order", lambda m: m.order_id),
    Column("Credits", lambda m: ", ".join(str(c.credit_id) for c in m.credits)),
    Column("Given", lambda m: m.credited.display(), right=True),
    Column("Amazon paid", lambda m: m.refunded.display(), right=True),
    Column("Difference", lambda m: m.difference.display() if m.difference.minor else "—",
           right=True),
    Column("Refund fee kept", lambda m: m.fee_kept.display(), right=True),
    Column("Matched by",
           lambda m: "feed id (exact)" if m.linked_by == "feed id" else "same order"),
]
# Amounts in two currencies: each side shown as it is, no difference computed.
MISMATCH_COLUMNS: list[Column[Match]] = [
    Column("Order", lambda m: m.order_id),
    Column("Credits", lambda m: ", ".join(str(c.credit_id) for c in m.credits)),
    Column("Given", lambda m: totals_text(c.amount for c in m.credits), right=True),
    Column("Amazon paid", lambda m: totals_text(r.refunded for r in m.refunds), right=True),
    Column("Settlement", lambda m: ", ".join(sorted({r.settlement_id for r in m.refunds}))),
    Column("Matched by",
           lambda m: "feed id (exact)" if m.linked_by == "feed id" else "same order"),
]
UNPAID_COLUMNS: list[Column[CreditDue]] = [
    Column("Order", lambda c: c.order_id),
    Column("Credit", lambda c: str(c.credit_id)),
    Column("Amount", lambda c: c.amount.display(), right=True),
    Column("Given on", lambda c: c.given_on.isoformat()),
]
UNCLAIMED_COLUMNS: list[Column[Refund]] = [
    Column("Order", lambda r: r.order_id),
    Column("Settlement", lambda r: r.settlement_id),
    Column("Posted", lambda r: r.posted.isoformat()),
    Column("Refunded", lambda r: r.refunded.display(), right=True),
    Column("Refund fee kept", lambda r: r.fee_kept.display(), right=True),
]


class ReconcileDialog(QDialog):
    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.setWindowTitle("Settlements and refunds")
        self.setObjectName("reconcile_dialog")   # its size and place are kept under this
        self.resize(860, 480)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.tabs = QTabWidget()
        self.paid_model = RecordsModel(PAID_COLUMNS, self)
        self.unpaid_model = RecordsModel(UNPAID_COLUMNS, self)
        self.unclaimed_model = RecordsModel(UNCLAIMED_COLUMNS, self)
        self.paid = record_table(self.paid_model, (150, 70, 90, 100, 90, 110))
        self.unpaid = record_table(self.unpaid_model, (150, 70, 90))
        self.unclaimed = record_table(self.unclaimed_model, (150, 110, 90, 90))
        self.mismatch_model = RecordsModel(MISMATCH_COLUMNS, self)
        self.mismatched = record_table(self.mismatch_model, (150, 70, 90, 100, 90))
        for table in (self.paid, self.unpaid, self.unclaimed, self.mismatched):
            table.setTabKeyNavigation(False)           # arrows read it; Tab goes on
            self.tabs.addTab(table, "")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.show_result(reconciliation(self.engine))

    def show_result(self, result: Reconciliation) -> None:
        self.paid_model.set_records(result.matched)
        self.unpaid_model.set_records(result.credits_unpaid)
        self.unclaimed_model.set_records(result.refunds_unclaimed)
        self.mismatch_model.set_records(result.mismatched)
        self.tabs.setTabText(0, f"&Paid ({len(result.matched)})")
        self.tabs.setTabText(1, f"&Not paid yet ({len(result.credits_unpaid)})")
        self.tabs.setTabText(2, f"&Refunds without a credit ({len(result.refunds_unclaimed)})")
        self.tabs.setTabText(3, f"&Currency differs ({len(result.mismatched)})")
        fees = fees_kept_text(result)
        if not (result.matched or result.refunds_unclaimed or result.mismatched):
            text = ("No refunds from a settlement yet. Import a settlement report (File › "
                    "Import report…) to see which credits Amazon has paid and what it kept.")
        else:
            text = ("Credits Amazon paid back to buyers, found by the feed's adjustment ids "
                    "or by order. " + (f"Refund administration fees kept: {fees}." if fees
                                       else "No refund fees kept."))
            if result.mismatched:
                text += (f" {len(result.mismatched)} credit(s) met a refund in another "
                         "currency: see Currency differs, and check them in Seller Central.")
        self.summary_label.setText(text)
