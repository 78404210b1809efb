"""The reply to the buyer: drafted from the desk's template, edited here, copied for
Buyer-Seller Messaging and noted on the issue's timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.core.reply import PLACEHOLDERS, check_template
from sellerdesk.services import follow_up
from sellerdesk.ui.formatting import GOOD, error_style, tone_name
from sellerdesk.ui.labels import error_label

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class ReplyDialog(QDialog):
    replied = Signal(int)   # the issue id, once the reply is noted as sent

    def __init__(self, engine: Engine, issue_id: int, staff: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.issue_id, self.staff = engine, issue_id, staff
        self.setWindowTitle(f"Reply to the buyer — issue {issue_id}")
        self.setObjectName("reply_dialog")     # its size and place are kept under this
        self.resize(620, 480)
        hint = QLabel("Edit as you like. <b>Copy and note as sent</b> puts it on the "
                      "clipboard for Buyer-Seller Messaging, stops the 24-hour clock and "
                      "waits for the buyer's answer to the offer.")
        hint.setWordWrap(True)
        self.text_edit = QPlainTextEdit(follow_up.draft_reply_for(engine, issue_id, staff=staff))
        self.text_edit.setTabChangesFocus(True)        # Tab goes on to the buttons
        self.error_label = QLabel()
        self.error_label.setStyleSheet(error_style())
        self.buttons = QDialogButtonBox()
        self.send_button = self.buttons.addButton("&Copy and note as sent",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.copy_button = self.buttons.addButton("Copy &only",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.template_button = self.buttons.addButton("Edit &template…",
                                                      QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)
        self.copy_button.clicked.connect(self.copy)
        self.template_button.clicked.connect(self.edit_template)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.template_dialog: TemplateDialog | None = None

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text_edit.toPlainText())
        self.error_label.setText("Copied. Paste it into the buyer's message thread.")
        self.error_label.setStyleSheet(f"color: {tone_name(GOOD)};")

    def send(self) -> None:
        text = self.text_edit.toPlainText()
        try:
            follow_up.note_reply(self.engine, issue_id=self.issue_id, text=text,
                                 staff=self.staff)
        except KnownError as exc:
            self.error_label.setStyleSheet(error_style())
            self.error_label.setText(str(exc))
            return
        QGuiApplication.clipboard().setText(text)
        self.replied.emit(self.issue_id)
        self.accept()

    def edit_template(self) -> None:
        dialog = TemplateDialog(self.engine, self.staff, self)
        dialog.saved.connect(lambda: self.text_edit.setPlainText(
            follow_up.draft_reply_for(self.engine, self.issue_id, staff=self.staff)))
        self.template_dialog = dialog
        dialog.open()


class TemplateDialog(QDialog):
    """The desk's reply template, checked as it is typed."""
    saved = Signal()

    def __init__(self, engine: Engine, staff: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.setWindowTitle("Reply template")
        self.setObjectName("template_dialog")  # its size and place are kept under this
        self.resize(640, 520)
        self.store_edit = QLineEdit(follow_up.store_name(engine))
        self.store_edit.setPlaceholderText("your store's name, signed under every reply")
        self.text_edit = QPlainTextEdit(follow_up.reply_template(engine))
        self.text_edit.setTabChangesFocus(True)        # a letter, not code: Tab goes on
        self.text_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        names = "".join(f"<tr><td><code>${name}</code>&nbsp;</td><td>{meaning}</td></tr>"
                        for name, meaning in PLACEHOLDERS.items())
        placeholders = QLabel(f"<table>{names}</table>")
        self.error_label = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Store name:", self.store_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(placeholders)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._debounce = QTimer(self, singleShot=True, interval=200)
        self._debounce.timeout.connect(self.validate)
        self.text_edit.textChanged.connect(self._debounce.start)

    def validate(self) -> bool:
        try:
            check_template(self.text_edit.toPlainText())
        except KnownError as exc:
            self.error_label.setText(str(exc))
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            return False
        self.error_label.clear()
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)
        return True

    def save(self) -> None:
        if not self.validate():
            return
        try:
            follow_up.save_reply_template(self.engine, self.text_edit.toPlainText(),
                                          store=self.store_edit.text(), staff=self.staff)
        except KnownError as exc:
            self.error_label.setText(str(exc))
            return
        self.saved.emit()
        self.accept()
