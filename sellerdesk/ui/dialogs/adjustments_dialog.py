"""The Order Adjustment feed: which credits wait to be sent to Amazon, per marketplace, and
why some must wait longer; written as the XML file Seller Central takes."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.services.adjustments import FeedPlan, export_adjustments, feed_plan
from sellerdesk.ui.dialogs.save_location import add_path_row, default_folder
from sellerdesk.ui.formatting import error_style

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class AdjustmentsDialog(QDialog):
    exported = Signal(str)       # a line for the status bar; the ledger shows what was sent

    def __init__(self, engine: Engine, staff: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.setWindowTitle("Order Adjustment feed for Seller Central")
        self.setObjectName("adjustments_dialog")   # its size and place are kept under this
        self.resize(620, 440)
        intro = QLabel("Credits given here still have to reach the buyer through Amazon. "
                       "This writes the ones not yet sent as an Order Adjustment feed: upload "
                       "it in Seller Central under <i>Orders › Upload order related files</i>. "
                       "Each credit goes in one feed only; the Ledger tab shows which.")
        intro.setWordWrap(True)
        self.marketplace_box = QComboBox()
        self.marketplace_box.currentIndexChanged.connect(self._suggest_name)
        self.path_edit = QLineEdit()
        form = QFormLayout()
        form.addRow("&Marketplace:", self.marketplace_box)
        add_path_row(form, "&Save as:", self.path_edit, self.browse)
        self.held_label = QLabel()
        self.held_list = QListWidget()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("&Write feed",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.held_label)
        layout.addWidget(self.held_list, 1)
        layout.addWidget(self.message_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.plan = FeedPlan()
        self.load()

    def load(self) -> None:
        self.plan = plan = feed_plan(self.engine)
        chosen = self.marketplace_box.currentData()
        self.marketplace_box.blockSignals(True)
        self.marketplace_box.clear()
        for code in plan.marketplaces:
            only = plan.only(code)
            totals = ", ".join(m.display() for m in only.totals().values())
            self.marketplace_box.addItem(
                f"{code} — {len(only.adjustments)} credit(s), {totals}", code)
        self.marketplace_box.setCurrentIndex(max(0, self.marketplace_box.findData(chosen)))
        self.marketplace_box.blockSignals(False)
        if not plan.marketplaces:
            self.marketplace_box.addItem("nothing waits to be sent", None)
        self.marketplace_box.setEnabled(bool(plan.marketplaces))
        self.export_button.setEnabled(bool(plan.marketplaces))
        self.held_list.clear()
        for credit_id, why in plan.held:
            self.held_list.addItem(f"Credit {credit_id}: {why}")
        self.held_label.setText(f"Held back ({len(plan.held)}): these wait until they can be "
                                "sent" if plan.held else "Nothing is held back.")
        self.held_list.setVisible(bool(plan.held))
        self._suggest_name()

    def _suggest_name(self) -> None:
        code = self.marketplace_box.currentData()
        if code:
            name = f"Order adjustments {code} {date.today().isoformat()}.xml"
            self.path_edit.setText(str(default_folder() / name))

    def browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save the Order Adjustment feed",
                                              self.path_edit.text(), "XML feed (*.xml)")
        if name:
            self.path_edit.setText(name)

    def export(self) -> None:
        code = self.marketplace_box.currentData()
        path = Path(self.path_edit.text().strip()).expanduser()
        try:
            result = export_adjustments(self.engine, path, marketplace=code, staff=self.staff)
        except KnownError as exc:
            self.message_label.setStyleSheet(error_style())
            self.message_label.setText(str(exc))
            return
        self.message_label.setStyleSheet("")
        self.message_label.setText(result.describe().splitlines()[0])
        self.exported.emit(f"{len(result.credit_ids)} credit(s) on {code} orders written to "
                           f"{result.path.name} for Seller Central")
        self.load()
