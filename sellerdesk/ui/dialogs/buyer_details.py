"""The buyer's personal details on an issue (name, e-mail, address), typed only when the
case needs them: sealed with the key in the OS keyring, kept out of logs and exports, and
purged after the retention period. The form says all of that where it is typed."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.services.protection import secrets
from sellerdesk.services.protection.personal_data import BuyerDetails, purge_date, retention
from sellerdesk.services.protection.personal_data import set_buyer_details as save_details
from sellerdesk.ui.labels import error_label

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.engine import Engine


class BuyerDetailsForm(QGroupBox):
    def __init__(self, engine: Engine, order_date: datetime,
                 parent: QWidget | None = None) -> None:
        super().__init__("Buyer's personal details — only if the case needs them", parent)
        self.name_edit = QLineEdit()
        self.email_edit = QLineEdit()
        self.address_edit = QPlainTextEdit()
        self.address_edit.setMaximumHeight(56)
        self.address_edit.setTabChangesFocus(True)
        form = QFormLayout(self)
        form.addRow("Na&me:", self.name_edit)
        form.addRow("E-&mail:", self.email_edit)
        form.addRow("A&ddress:", self.address_edit)
        days = retention(engine)
        due = purge_date(order_date, days)
        self.note_label = QLabel(
            f"Encrypted with a key in the OS keyring; never in logs or exports. Purged "
            f"{days} days after the order: on {due:%Y-%m-%d}"
            + (" — already due, so at the next purge." if due <= date.today() else "."))
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet("color: #555;")
        form.addRow(self.note_label)
        self.keyring_label = error_label(
            "No OS keyring: details typed now can be read only until SellerDesk closes.")
        self.keyring_label.setVisible(not secrets.keyring_available())
        form.addRow(self.keyring_label)

    def fold(self, shown: bool) -> None:
        """Show only the title (a checkbox) until the case needs the fields."""
        for child in (self.name_edit, self.email_edit, self.address_edit, self.note_label):
            child.setVisible(shown)
        for label in (self.layout().labelForField(w)
                      for w in (self.name_edit, self.email_edit, self.address_edit)):
            label.setVisible(shown)
        self.keyring_label.setVisible(shown and not secrets.keyring_available())

    def details(self) -> dict[str, str]:
        return {"name": self.name_edit.text(), "email": self.email_edit.text(),
                "address": self.address_edit.toPlainText()}

    def show_details(self, details: BuyerDetails) -> None:
        self.name_edit.setText(details.values.get("name", ""))
        self.email_edit.setText(details.values.get("email", ""))
        self.address_edit.setPlainText(details.values.get("address", ""))


class BuyerDetailsDialog(QDialog):
    """View and change an issue's buyer details."""

    def __init__(self, engine: Engine, issue_id: int, order_date: datetime,
                 details: BuyerDetails, staff: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.issue_id, self.staff = engine, issue_id, staff
        self.setWindowTitle(f"Buyer details, issue {issue_id}")
        self.setObjectName("buyer_details_dialog")   # its size and place are kept under this
        self.setMinimumWidth(520)
        self.form = BuyerDetailsForm(engine, order_date)
        self.form.show_details(details)
        self.error_label = error_label("\n".join(details.unreadable.values()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def save(self) -> bool:
        try:
            save_details(self.engine, self.issue_id, self.form.details(), staff=self.staff)
        except KnownError as exc:
            self.error_label.setText(str(exc))
            return False
        self.accept()
        return True
