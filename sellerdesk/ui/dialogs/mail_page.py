"""Settings › Mail: the seller's mailbox — IMAP over TLS to read, SMTP to send — with a
password or app password kept like the other secrets (the page says where it went), or
OAuth 2.0 with the seller's own Google or Microsoft app registration (a device-code
sign-in: the page shows the code and where to type it). "Check connection" signs in to
both servers off the GUI thread and says what it checked, or in one sentence what is
wrong. A saved secret is never shown again: a blank password keeps it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.services.mail.account import (
    MailAccount,
    MailError,
    forget_mail_account,
    mail_account,
    mail_password,
    oauth_client_secret,
    save_mail_account,
    where_secret_is,
)
from sellerdesk.ui.formatting import error_style
from sellerdesk.ui.scrolling import scrolling_body
from sellerdesk.ui.tasks import Task, keep_until_done

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

QUIET = "color: palette(mid);"
KEPT = "saved — leave blank to keep it"
# Provider: (IMAP host, IMAP port, SMTP host, SMTP port, the sign-in it prefers).
PRESETS = {
    "Other (any IMAP host)": None,
    "Gmail": ("imap.gmail.com", 993, "smtp.gmail.com", 587, "oauth2:google"),
    "Microsoft 365": ("outlook.office365.com", 993, "smtp.office365.com", 587,
                      "oauth2:microsoft"),
}
SIGN_INS = {"password": "Password or app password", "oauth2:google": "OAuth 2.0 — Google",
            "oauth2:microsoft": "OAuth 2.0 — Microsoft"}


def _keep_until_done(task: Task) -> Task:
    keep_until_done(task)
    task.finished.connect(task.deleteLater)
    return task


class MailPage(QWidget):
    said = Signal(str)              # for the status bar
    account_changed = Signal()      # saved or disconnected: the window's watch signs in afresh

    def __init__(self, engine: Engine, staff: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.task: Task | None = None          # the check under way
        self.sign_in_task: Task | None = None
        self.refresh_token: str | None = None  # from a sign-in, until saved
        self.edited = False
        body = QWidget()
        intro = QLabel("Buyer messages and Amazon's notices arrive in your mailbox: SellerDesk "
                       "reads them (IMAP over TLS) and sends your replies (SMTP).")
        intro.setWordWrap(True)
        intro.setStyleSheet(QUIET)
        self.preset_box = QComboBox()
        self.preset_box.addItems(list(PRESETS))
        self.imap_host = QLineEdit()
        self.imap_host.setPlaceholderText("imap.example.com")
        self.imap_port = _port(993)
        self.smtp_host = QLineEdit()
        self.smtp_host.setPlaceholderText("smtp.example.com")
        self.smtp_port = _port(587)
        self.login_field = QLineEdit()
        self.login_field.setPlaceholderText("you@example.com")
        self.address_field = QLineEdit()
        self.address_field.setPlaceholderText("service@example.com")
        address_hint = QLabel(
            "The sender address approved in Seller Central (Settings › Notification "
            "Preferences › Messaging Permissions › Approved senders): replies from any other "
            "address never reach the buyer.")
        address_hint.setWordWrap(True)
        address_hint.setStyleSheet(QUIET)
        self.sign_in_box = QComboBox()
        for kind, label in SIGN_INS.items():
            self.sign_in_box.addItem(label, kind)
        self.password_field = QLineEdit()
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.client_id_field = QLineEdit()
        self.client_id_field.setPlaceholderText("the client id of your own app registration")
        self.client_secret_field = QLineEdit()
        self.client_secret_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.client_secret_field.setPlaceholderText("Google's desktop clients have one")
        self.sign_in_button = QPushButton("Sign in &with the provider…")
        self.sign_in_button.setAutoDefault(False)
        self.stop_sign_in_button = QPushButton("Stop si&gn-in")
        self.stop_sign_in_button.setAutoDefault(False)
        self.stop_sign_in_button.hide()
        self.sign_in_label = QLabel()
        self.sign_in_label.setWordWrap(True)
        self.sign_in_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folders_field = QLineEdit("INBOX")
        self.folders_field.setPlaceholderText("INBOX, Amazon")
        self.folders_label = QLabel("Comma-separated; Check connection lists the folders "
                                    "the server has.")
        self.folders_label.setWordWrap(True)
        self.folders_label.setStyleSheet(QUIET)
        self.sent_field = QLineEdit("Sent")
        self.check_button = QPushButton("C&heck connection")
        self.save_button = QPushButton("Sa&ve the mailbox")
        self.disconnect_button = QPushButton("&Disconnect…")
        for button in (self.check_button, self.save_button, self.disconnect_button):
            button.setAutoDefault(False)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where_label = QLabel()
        self.where_label.setWordWrap(True)
        self.where_label.setStyleSheet(QUIET)

        self.form = QFormLayout()
        self.form.addRow("Pr&ovider:", self.preset_box)
        self.form.addRow("&IMAP server:", _beside(self.imap_host, "port", self.imap_port))
        self.form.addRow("S&MTP server:", _beside(self.smtp_host, "port", self.smtp_port))
        self.form.addRow("&Login:", self.login_field)
        self.form.addRow("Sender &address:", self.address_field)
        self.form.addRow("", address_hint)
        self.form.addRow("Sig&n-in:", self.sign_in_box)
        self.form.addRow("&Password:", self.password_field)
        self.form.addRow("&Client id:", self.client_id_field)
        self.form.addRow("Client s&ecret:", self.client_secret_field)
        sign_in_row = QHBoxLayout()
        sign_in_row.addWidget(self.sign_in_button)
        sign_in_row.addWidget(self.stop_sign_in_button)
        sign_in_row.addStretch(1)
        self.sign_in_row = QWidget()
        self.sign_in_row.setLayout(sign_in_row)
        sign_in_row.setContentsMargins(0, 0, 0, 0)
        self.form.addRow("", self.sign_in_row)
        self.form.addRow("", self.sign_in_label)
        self.form.addRow("&Folders to watch:", self.folders_field)
        self.form.addRow("", self.folders_label)
        self.form.addRow("Sen&t folder:", self.sent_field)
        buttons = QHBoxLayout()
        for button in (self.check_button, self.save_button, self.disconnect_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(body)
        layout.addWidget(intro)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.result_label)
        layout.addWidget(self.where_label)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = scrolling_body(body)
        outer.addWidget(self.scroll)

        self.preset_box.activated.connect(self._preset_chosen)
        self.sign_in_box.currentIndexChanged.connect(self._show_sign_in_kind)
        self.sign_in_button.clicked.connect(self.sign_in)
        self.stop_sign_in_button.clicked.connect(self.stop_sign_in)
        self.check_button.clicked.connect(self.check)
        self.save_button.clicked.connect(self.save)
        self.disconnect_button.clicked.connect(self.ask_disconnect)
        self.question = None
        self._show_kept()
        for field in (self.imap_host, self.smtp_host, self.login_field, self.address_field,
                      self.password_field, self.client_id_field, self.client_secret_field,
                      self.folders_field, self.sent_field):
            field.textEdited.connect(self._edited)
        for box in (self.imap_port, self.smtp_port):
            box.valueChanged.connect(self._edited)
        self.sign_in_box.activated.connect(self._edited)

    # -- what is kept ----------------------------------------------------------------------
    def _show_kept(self) -> None:
        account = mail_account(self.engine)
        self.disconnect_button.setEnabled(account is not None)
        if account is None:
            self._show_sign_in_kind()
            self.where_label.setText("No mailbox is connected: buyer messages are noted by "
                                     "hand (Note message…).")
            return
        self.imap_host.setText(account.imap_host)
        self.imap_port.setValue(account.imap_port)
        self.smtp_host.setText(account.smtp_host)
        self.smtp_port.setValue(account.smtp_port)
        self.login_field.setText(account.login)
        self.address_field.setText(account.address)
        kind = ("password" if account.auth == "password"
                else f"oauth2:{account.oauth_provider}")
        self.sign_in_box.setCurrentIndex(max(0, self.sign_in_box.findData(kind)))
        self.client_id_field.setText(account.oauth_client_id)
        self.folders_field.setText(", ".join(account.folders))
        self.sent_field.setText(account.sent_folder)
        for preset, values in PRESETS.items():
            if values is not None and values[0] == account.imap_host:
                self.preset_box.setCurrentText(preset)
        kept = mail_password(self.engine, account) is not None
        self.password_field.setPlaceholderText(KEPT if kept else "")
        self.client_secret_field.setPlaceholderText(
            KEPT if oauth_client_secret(self.engine) else "Google's desktop clients have one")
        self._show_sign_in_kind()
        if account.auth == "oauth2" and kept:
            self.sign_in_label.setText("Signed in; the sign-in is kept. Sign in again only "
                                       "if the provider asks.")
        self.where_label.setText(where_secret_is(self.engine, account))

    def _edited(self, *_args) -> None:
        self.edited = True

    def _preset_chosen(self, _index: int) -> None:
        values = PRESETS[self.preset_box.currentText()]
        if values is None:
            return
        imap_host, imap_port, smtp_host, smtp_port, kind = values
        self.imap_host.setText(imap_host)
        self.imap_port.setValue(imap_port)
        self.smtp_host.setText(smtp_host)
        self.smtp_port.setValue(smtp_port)
        if self.sign_in_box.currentData() != "password" or kind == "oauth2:microsoft":
            # Microsoft 365 refuses passwords; Gmail still takes an app password.
            self.sign_in_box.setCurrentIndex(self.sign_in_box.findData(kind))
        self.edited = True

    def _show_sign_in_kind(self, *_args) -> None:
        kind = self.sign_in_box.currentData()
        oauth = kind != "password"
        self.form.setRowVisible(self.password_field, not oauth)
        self.form.setRowVisible(self.client_id_field, oauth)
        self.form.setRowVisible(self.client_secret_field, kind == "oauth2:google")
        self.form.setRowVisible(self.sign_in_row, oauth)
        self.form.setRowVisible(self.sign_in_label, oauth)

    def typed_account(self) -> MailAccount:
        kind = self.sign_in_box.currentData()
        return MailAccount(
            imap_host=self.imap_host.text().strip(), imap_port=self.imap_port.value(),
            smtp_host=self.smtp_host.text().strip(), smtp_port=self.smtp_port.value(),
            login=self.login_field.text().strip(), address=self.address_field.text().strip(),
            folders=tuple(f.strip() for f in self.folders_field.text().split(",") if f.strip()),
            sent_folder=self.sent_field.text().strip() or "Sent",
            auth="password" if kind == "password" else "oauth2",
            oauth_provider="" if kind == "password" else kind.split(":")[1],
            oauth_client_id=self.client_id_field.text().strip() if kind != "password" else "")

    def _typed_secret(self, account: MailAccount) -> str | None:
        """What was typed (or signed in) now; None: keep the one kept."""
        if account.auth == "password":
            return self.password_field.text() or None
        return self.refresh_token

    def _secret_for_check(self, account: MailAccount):
        from sellerdesk.services.mail.connection import desk_secret
        from sellerdesk.services.mail.oauth import OAuthTokens
        typed = self._typed_secret(account)
        if typed is None:
            return desk_secret(self.engine, account)       # the kept one, or a sentence
        if account.auth == "password":
            return typed
        return OAuthTokens(account.oauth_provider, account.oauth_client_id, typed,
                           self.client_secret_field.text().strip()
                           or oauth_client_secret(self.engine))

    # -- Check connection ------------------------------------------------------------------
    def check(self) -> Task | None:
        """Sign in to both servers off the GUI thread; the lines it checked, or why not."""
        account = self.typed_account()
        problem = account.problem()
        try:
            if problem is not None:
                raise MailError(f"Not checked: {problem}.")
            secret = self._secret_for_check(account)
        except KnownError as exc:
            self._show_result(str(exc), failed=True)
            return None

        def work(_progress, _cancelled):
            from sellerdesk.services.mail.connection import (
                check_mailbox,
                folder_names,
                open_imap,
            )
            try:
                lines = check_mailbox(account, secret)
            except MailError as exc:       # a missing folder's sentence lists the others
                return exc, None
            return lines, _server_folders(account, secret, open_imap, folder_names)
        self.check_button.setEnabled(False)
        self.check_button.setText("Checking…")
        self._show_result(f"Signing in to {account.imap_host} and {account.smtp_host}…")
        task = _keep_until_done(Task(work))
        task.succeeded.connect(self._checked)
        task.failed.connect(lambda exc: self._checked((exc, None)))
        self.task = task
        task.start()
        return task

    def _checked(self, outcome) -> None:
        self.task = None
        self.check_button.setEnabled(True)
        self.check_button.setText("C&heck connection")
        lines, folders = outcome
        if folders:
            self.folders_label.setText("The server has: " + ", ".join(folders) + ".")
        if isinstance(lines, BaseException):
            text = str(lines) if isinstance(lines, KnownError) else (
                f"The check failed ({type(lines).__name__}: {lines}).")
            self._show_result(text, failed=True)
        else:
            self._show_result("\n".join(lines))

    def _show_result(self, text: str, *, failed: bool = False) -> None:
        self.result_label.setText(text)
        self.result_label.setStyleSheet(error_style() if failed else "")
        # At 1366×768 the answer lands below the fold: bring it into view once laid out
        # (seen in the window: a wrong password looked like a check that did nothing).
        QTimer.singleShot(0, lambda: self.scroll.ensureWidgetVisible(self.result_label))

    # -- OAuth 2.0 sign-in -----------------------------------------------------------------
    def sign_in(self) -> Task | None:
        """The device-code sign-in, off the GUI thread: the code and the address to type it
        at are shown as soon as the provider gives them; Stop sign-in ends the wait."""
        from sellerdesk.services.mail.oauth import start_device_sign_in, wait_for_device_sign_in
        account = self.typed_account()
        if not account.oauth_client_id:
            self._show_sign_in("Type the client id of your own app registration first.",
                               failed=True)
            return None
        client_secret = (self.client_secret_field.text().strip()
                         or oauth_client_secret(self.engine) or None)

        def work(progress, cancelled):
            started = start_device_sign_in(account.oauth_provider, account.oauth_client_id,
                                           client_secret=client_secret)
            progress(0.0, started.instructions)

            def nap(seconds: float) -> None:        # the provider's interval, cut short
                end = time.monotonic() + seconds    # by Stop sign-in
                while time.monotonic() < end and not cancelled():
                    time.sleep(0.1)
            return wait_for_device_sign_in(started, cancelled=cancelled, sleep=nap)
        task = _keep_until_done(Task(work))
        task.progressed.connect(lambda _fraction, text: self._show_sign_in(str(text)))
        task.succeeded.connect(self._signed_in)
        task.failed.connect(self._sign_in_failed)
        self.sign_in_task = task
        self.sign_in_button.setEnabled(False)
        self.stop_sign_in_button.show()
        self._show_sign_in("Asking the provider for a sign-in code…")
        task.start()
        return task

    def stop_sign_in(self) -> None:
        if self.sign_in_task is not None:
            self.sign_in_task.cancel()

    def _sign_in_over(self) -> None:
        self.sign_in_task = None
        self.sign_in_button.setEnabled(True)
        self.stop_sign_in_button.hide()

    def _signed_in(self, tokens) -> None:
        self._sign_in_over()
        self.refresh_token = tokens.refresh_token
        self.edited = True
        self._show_sign_in(f"Signed in with {tokens.provider_name}: Save the mailbox to "
                           "keep the sign-in.")

    def _sign_in_failed(self, error: Exception) -> None:
        self._sign_in_over()
        self._show_sign_in(str(error) if isinstance(error, KnownError) else
                           f"The sign-in failed ({type(error).__name__}: {error}).",
                           failed=True)

    def _show_sign_in(self, text: str, *, failed: bool = False) -> None:
        self.sign_in_label.setText(text)
        self.sign_in_label.setStyleSheet(error_style() if failed else "")

    # -- Save, Disconnect ------------------------------------------------------------------
    def save(self) -> bool:
        account = self.typed_account()
        try:
            where = save_mail_account(
                self.engine, account, password=self._typed_secret(account),
                client_secret=(self.client_secret_field.text().strip() or None)
                if account.oauth_provider == "google" else None, staff=self.staff)
        except KnownError as exc:
            self._show_result(str(exc), failed=True)
            return False
        self.password_field.clear()
        self.client_secret_field.clear()
        self.refresh_token = None
        self.edited = False
        self._show_kept()
        self._show_result(f"Mailbox saved: {account.login} at {account.imap_host}. {where}")
        self.said.emit(f"Mailbox {account.login} saved; new mail is fetched while the "
                       "window is open")
        self.account_changed.emit()
        return True

    def ask_disconnect(self):
        from sellerdesk.ui.dialogs.ask import confirm
        account = mail_account(self.engine)
        if account is None:
            return None
        self.question = confirm(
            self, "Disconnect the mailbox?",
            f"SellerDesk stops reading and sending mail as {account.login}, and forgets its "
            "password or sign-in. The mail already on the desk stays.", "&Disconnect",
            self.disconnect)
        return self.question

    def disconnect(self) -> bool:
        try:
            forget_mail_account(self.engine, staff=self.staff)
        except KnownError as exc:
            self._show_result(str(exc), failed=True)
            return False
        self.password_field.setPlaceholderText("")
        self._show_kept()
        self._show_result("The mailbox is disconnected; its password or sign-in is "
                          "forgotten.")
        self.said.emit("Mailbox disconnected")
        self.account_changed.emit()
        return True


def _port(value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(1, 65535)
    box.setValue(value)
    box.setGroupSeparatorShown(False)
    return box


def _beside(host: QLineEdit, label: str, port: QSpinBox) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(host, 1)
    layout.addWidget(QLabel(label))
    layout.addWidget(port)
    return row


def _server_folders(account, secret, open_imap, folder_names) -> list[str] | None:
    """The folders the mailbox has, to choose from; None when it cannot be signed in."""
    try:
        with open_imap(account, secret) as imap:
            return folder_names(imap)
    except (KnownError, OSError):
        return None

