"""The reply to the buyer: drafted from the desk's template in the buyer's language,
edited here, checked by the reply guard, copied for Buyer-Seller Messaging and noted on
the issue's timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.core.reply import PLACEHOLDERS, check_template
from sellerdesk.core.reply_guard import GuardResult, check_reply, refuse_wording
from sellerdesk.core.reply_languages import LANGUAGES
from sellerdesk.services import follow_up
from sellerdesk.services.mail.outbox import can_send_by_mail, send_checked
from sellerdesk.services.mail.send import Sent
from sellerdesk.ui.dialogs.ask import ask_to_discard
from sellerdesk.ui.formatting import GOOD, error_style, tone_name
from sellerdesk.ui.labels import error_label
from sellerdesk.ui.operations import Operations
from sellerdesk.ui.tasks import Task

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class ReplyDialog(QDialog):
    replied = Signal(int)   # the issue id, once the reply is noted as sent

    def __init__(self, engine: Engine, issue_id: int, staff: str,
                 parent: QWidget | None = None, *, operations: Operations | None = None,
                 mailbox: bool | None = None) -> None:
        """`operations`: the window's, so a send waits its turn behind another write.
        `mailbox`: whether the desk has a connected mailbox and this issue a buyer's mail
        to answer (None: look)."""
        super().__init__(parent)
        self.question: QMessageBox | None = None   # Discard what you typed?, while open
        self.engine, self.issue_id, self.staff = engine, issue_id, staff
        self.operations = operations or Operations(self)
        self.mailbox = (can_send_by_mail(engine, issue_id) if mailbox is None else mailbox)
        self.sending: Task | None = None
        self.sent: Sent | None = None
        self.no_reply = False
        self.setWindowTitle(f"Reply to the buyer — issue {issue_id}")
        self.setObjectName("reply_dialog")     # its size and place are kept under this
        self.resize(620, 480)
        hint = QLabel(
            "Edit as you like. <b>Send</b> e-mails it to the buyer through Amazon's relay "
            "and stops the 24-hour clock once the mail server has taken it."
            if self.mailbox else
            "Edit as you like. <b>Copy and note as sent</b> puts it on the clipboard for "
            "Buyer-Seller Messaging, stops the 24-hour clock and waits for the buyer's "
            "answer to the offer.")
        hint.setWordWrap(True)
        self.draft = follow_up.reply_draft(engine, issue_id, staff=staff)
        self.language_label = QLabel(self._language_text())
        self.text_edit = QPlainTextEdit(self.draft.text)
        self.text_edit.setTabChangesFocus(True)        # Tab goes on to the buttons
        self.error_label = QLabel()
        self.error_label.setStyleSheet(error_style())
        self.error_label.setWordWrap(True)
        # Warnings (a link, the wrong language) let the reply go only once this is ticked,
        # so nothing goes out by accident; editing the reply asks again.
        self.send_anyway = QCheckBox("Send &anyway: I have read the warnings above")
        self.send_anyway.setVisible(False)
        self.text_edit.textChanged.connect(lambda: self.send_anyway.setChecked(False))
        self.buttons = QDialogButtonBox()
        # With a mailbox, Send is the way out; the clipboard stays for a reply written
        # in Seller Central instead. Neither is the default button: the reply is a letter,
        # and Enter in it starts a new line, never sends.
        self.mail_button = self.buttons.addButton("&Send", QDialogButtonBox.ButtonRole.AcceptRole)
        self.mail_button.setVisible(self.mailbox)
        self.mail_button.setToolTip("E-mail the reply to the buyer's relay address; the "
                                    "clock stops once the mail server has taken it")
        self.mail_button.clicked.connect(self.send_by_mail)
        self.send_button = self.buttons.addButton("&Copy and note as sent",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.copy_button = self.buttons.addButton("Copy &only",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.template_button = self.buttons.addButton("Edit &template…",
                                                      QDialogButtonBox.ButtonRole.ResetRole)
        self.no_reply_button = self.buttons.addButton("&No response needed",
                                                      QDialogButtonBox.ButtonRole.ActionRole)
        self.no_reply_button.setToolTip("The buyer's last message needs no answer (a "
                                        "thank-you): the 24-hour clock stops, nothing is sent")
        self.no_reply_button.setAutoDefault(False)
        self.no_reply_button.clicked.connect(self.no_response_needed)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.send_button.setAutoDefault(False)
        self.mail_button.setAutoDefault(False)
        self.send_button.clicked.connect(self.copy_and_note)
        self.copy_button.clicked.connect(self.copy)
        self.template_button.clicked.connect(self.edit_template)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.language_label)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.send_anyway)
        layout.addWidget(self.buttons)
        self.template_dialog: TemplateDialog | None = None

    def _language_text(self) -> str:
        return f"Reply in {self.draft.language_name} ({self.draft.marketplace_name})"

    def copy(self) -> None:
        text = self.text_edit.toPlainText()
        if not self.cleared_to_go(text):
            return
        QGuiApplication.clipboard().setText(text)
        self.error_label.setText("Copied. Paste it into the buyer's message thread.")
        self.error_label.setStyleSheet(f"color: {tone_name(GOOD)};")

    def copy_and_note(self) -> None:
        text = self.text_edit.toPlainText()
        if self.cleared_to_go(text):
            self.note_as_sent(text)

    def cleared_to_go(self, text: str) -> bool:
        """The reply guard, before anything leaves the dialog: a refusal shows its
        sentence and stops the reply; warnings show and stop it until "Send anyway" is
        ticked. Every way out (copy, note, a send) asks this first."""
        result = check_reply(text, self.draft.language, marketplace=self.draft.marketplace)
        if result.refusals or (result.warnings and not self.send_anyway.isChecked()):
            self.error_label.setStyleSheet(error_style())
            self.error_label.setText(self._guard_text(result))
            self.send_anyway.setVisible(bool(result.warnings) and not result.refusals)
            return False
        return True

    @staticmethod
    def _guard_text(result: GuardResult) -> str:
        lines = [f"Not sent. Line {f.line}: “{f.sentence}” — {f.why}."
                 for f in result.refusals]
        if result.refusals:
            return "\n".join(lines)
        return "\n".join(f"Check line {f.line}: {f.why}." if f.sentence else f.why
                         for f in result.warnings)

    def note_as_sent(self, text: str) -> None:
        """The reply went out by the clipboard: on the timeline (the clock stops), on the
        clipboard for Buyer-Seller Messaging, and the dialog closes."""
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

    def send_by_mail(self) -> Task | None:
        """E-mail the reply (off the GUI thread, in the window's turn): the dialog stays
        open with the text until the server has taken it; a failure says why and keeps
        the draft, and the clock runs on."""
        text = self.text_edit.toPlainText()
        if self.sending is not None or not self.cleared_to_go(text):
            return None
        if self.operations.busy:
            self.error_label.setStyleSheet(error_style())
            self.error_label.setText(self.operations.busy + " What you wrote is kept.")
            return None
        engine, issue_id, staff = self.engine, self.issue_id, self.staff
        self.error_label.setStyleSheet("")
        self.error_label.setText("Sending…")
        self._set_sending(True)
        self.sending = self.operations.start(
            "Sending the reply",
            lambda _progress, _cancelled: send_checked(engine, issue_id=issue_id, text=text,
                                                       staff=staff),
            done=self._sent, failed=self._send_failed, report=False)
        return self.sending

    def no_response_needed(self) -> None:
        """Seller Central's "No response needed": the clock stops, nothing is sent."""
        try:
            follow_up.no_response_needed(self.engine, issue_id=self.issue_id,
                                         staff=self.staff)
        except KnownError as exc:
            self.error_label.setStyleSheet(error_style())
            self.error_label.setText(str(exc))
            return
        self.no_reply = True
        self.replied.emit(self.issue_id)
        self.accept()

    def _set_sending(self, sending: bool) -> None:
        for widget in (self.mail_button, self.send_button, self.copy_button,
                       self.template_button, self.no_reply_button, self.text_edit):
            widget.setEnabled(not sending)

    def _sent(self, sent: Sent) -> None:
        self.sending = None
        self._set_sending(False)
        self.sent = sent
        self.replied.emit(self.issue_id)
        self.accept()

    def _send_failed(self, error: Exception) -> None:
        self.sending = None
        self._set_sending(False)
        self.error_label.setStyleSheet(error_style())
        # A known refusal comes before the server took the reply; a bug may come after,
        # so it is not called "not sent" (a second Send would reach the buyer twice).
        text = str(error) if isinstance(error, KnownError) else (
            f"Something went wrong inside SellerDesk ({type(error).__name__}) while "
            "sending: look at the issue's Mail tab before sending again.")
        self.error_label.setText(f"{text[0].upper()}{text[1:]} Your reply is kept here.")

    def reject(self) -> None:
        if self.sending is not None:       # the mail is on its way: wait for the answer
            return
        if self.text_edit.toPlainText().strip() != self.draft.text.strip():
            self.question = ask_to_discard(self, f"Your reply on issue {self.issue_id}",
                                           lambda: QDialog.reject(self))
            return
        super().reject()

    def edit_template(self) -> None:
        dialog = TemplateDialog(self.engine, self.staff, self, language=self.draft.language)
        dialog.saved.connect(self._redraft)
        self.template_dialog = dialog
        dialog.open()

    def _redraft(self) -> None:
        self.draft = follow_up.reply_draft(self.engine, self.issue_id, staff=self.staff)
        self.text_edit.setPlainText(self.draft.text)


class TemplateDialog(QDialog):
    """The desk's reply template in each language, checked as it is typed: placeholders
    it cannot fill, and wording the reply guard refuses."""
    saved = Signal()

    def __init__(self, engine: Engine, staff: str, parent: QWidget | None = None, *,
                 language: str = "en") -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.setWindowTitle("Reply template")
        self.setObjectName("template_dialog")  # its size and place are kept under this
        self.resize(640, 520)
        self.store_edit = QLineEdit(follow_up.store_name(engine))
        self.store_edit.setPlaceholderText("your store's name, signed under every reply")
        self.language_box = QComboBox()
        for code, words in LANGUAGES.items():
            self.language_box.addItem(words.name, code)
        self.language = language
        self.language_box.setCurrentIndex(self.language_box.findData(language))
        # Edits in each language shown so far, so switching languages loses none; Save
        # keeps every one of them.
        self.edits: dict[str, str] = {}
        self.text_edit = QPlainTextEdit(follow_up.reply_template(engine, language))
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
        form.addRow("&Language:", self.language_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(placeholders)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._debounce = QTimer(self, singleShot=True, interval=200)
        self._debounce.timeout.connect(self.validate)
        self.text_edit.textChanged.connect(self._debounce.start)
        self.text_edit.textChanged.connect(self._remember)
        self.language_box.currentIndexChanged.connect(self._language_chosen)

    def _remember(self) -> None:
        self.edits[self.language] = self.text_edit.toPlainText()

    def _language_chosen(self) -> None:
        self.language = self.language_box.currentData()
        shown = self.edits.get(self.language)
        self.text_edit.blockSignals(True)        # showing a template is not editing it
        self.text_edit.setPlainText(shown if shown is not None
                                    else follow_up.reply_template(self.engine, self.language))
        self.text_edit.blockSignals(False)
        self.validate()

    def validate(self) -> bool:
        try:
            check_template(self.text_edit.toPlainText())
            refuse_wording(self.text_edit.toPlainText())
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
        edits = self.edits or {self.language: self.text_edit.toPlainText()}
        for language, text in edits.items():     # all checked before any is kept
            try:
                check_template(text)
                refuse_wording(text)
            except KnownError as exc:
                self._refused(language, exc)
                return
        for language, text in edits.items():
            try:
                follow_up.save_reply_template(self.engine, text, store=self.store_edit.text(),
                                              language=language, staff=self.staff)
            except KnownError as exc:
                self._refused(language, exc)
                return
        self.saved.emit()
        self.accept()

    def _refused(self, language: str, exc: KnownError) -> None:
        """Show the language whose template was refused, with why."""
        self.language_box.setCurrentIndex(self.language_box.findData(language))
        self.error_label.setText(f"{LANGUAGES[language].name}: {exc}")
