"""Note a message on an issue's timeline: who wrote it, when, and what was said — a buyer's
message read in Buyer-Seller Messaging, or a reply sent from there."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.services import follow_up
from sellerdesk.services.clock import now
from sellerdesk.ui.dialogs.ask import ask_to_discard
from sellerdesk.ui.formatting import local_now
from sellerdesk.ui.labels import error_label

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

BUYER, REPLY = "buyer", "reply"
DATE_FORMAT = "yyyy-MM-dd HH:mm"


def utc_naive(moment: QDateTime) -> datetime:
    """A local date and time from the editor as the naive UTC the store keeps."""
    return moment.toPython().astimezone(UTC).replace(tzinfo=None)


class MessageDialog(QDialog):
    noted = Signal(int)      # the issue id, once the message is on its timeline

    def __init__(self, engine: Engine, issue_id: int, staff: str, *, who: str = BUYER,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question: QMessageBox | None = None   # Discard what you typed?, while open
        self.engine, self.issue_id, self.staff = engine, issue_id, staff
        self.setWindowTitle(f"Note a message — issue {issue_id}")
        self.setObjectName("message_dialog")   # its size and place are kept under this
        self.resize(520, 360)
        self.who_box = QComboBox()
        self.who_box.addItem("The buyer wrote", BUYER)
        self.who_box.addItem("We replied (sent from Seller Central)", REPLY)
        self.who_box.setCurrentIndex(self.who_box.findData(who))
        self.opened_at = QDateTime(local_now(now()))
        self.when_edit = QDateTimeEdit(self.opened_at)
        self.when_edit.setDisplayFormat(DATE_FORMAT)
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setMaximumDateTime(self.opened_at.addSecs(60))
        self.when_edit.setToolTip("When it was written, in this computer's time zone: the "
                                  "reply clock runs from the buyer's message")
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText("What was said (a summary is enough)")
        self.text_edit.setTabChangesFocus(True)        # Tab goes on to Save
        self.error_label = error_label()
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Who:", self.who_box)
        form.addRow("W&hen:", self.when_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        said = QLabel("&What was said:")
        said.setBuddy(self.text_edit)
        layout.addWidget(said)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.text_edit.setFocus()

    def when(self) -> datetime | None:
        """None while the time was left as the dialog opened: the message is noted now."""
        chosen = self.when_edit.dateTime()
        if abs(chosen.secsTo(self.opened_at)) < 60:
            return None
        return utc_naive(chosen)

    def save(self) -> None:
        note = (follow_up.note_buyer_message if self.who_box.currentData() == BUYER
                else follow_up.note_reply)
        try:
            note(self.engine, issue_id=self.issue_id, text=self.text_edit.toPlainText(),
                 when=self.when(), staff=self.staff)
        except KnownError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        self.noted.emit(self.issue_id)
        self.accept()

    def reject(self) -> None:
        if self.text_edit.toPlainText().strip():
            self.question = ask_to_discard(self, f"The message on issue {self.issue_id}",
                                           lambda: QDialog.reject(self))
            return
        super().reject()
