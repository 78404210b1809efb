"""Settings › Amazon SP-API: the seller's own app credentials (into the OS keyring, or
this session's memory when there is none, and the page says which) and the
marketplaces Sync now covers. Saved secrets are never shown again: a blank field keeps
the one saved.

Settings › Privacy and backups: how long buyer personal data is kept, the key that
seals it (rotated on request), and where the daily backups go.

Settings › Team: joining a team database (ui.dialogs.team_page).

Settings › Mail: the seller's mailbox, read and sent from the desk (ui.dialogs.mail_page).

Settings › Window: what closing the window does on this computer (ui.dialogs.window_page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.services.amazon import api as amazon_api
from sellerdesk.services.amazon.sync import save_sync_marketplaces, sync_marketplaces
from sellerdesk.services.protection import backups, personal_data, secrets
from sellerdesk.ui.dialogs.key_file_page import KeyFilePage
from sellerdesk.ui.dialogs.mail_page import MailPage
from sellerdesk.ui.dialogs.team_page import TeamPage
from sellerdesk.ui.dialogs.window_page import WindowPage
from sellerdesk.ui.formatting import error_style
from sellerdesk.ui.labels import error_label

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

SAVED = "saved — leave blank to keep it"


class SettingsDialog(QDialog):
    saved = Signal(str)          # what to tell the status bar
    switch_database = Signal(str)   # joined or left a team: reopen on this

    def __init__(self, engine: Engine, staff: str, parent: QWidget | None = None, *,
                 reason: str = "", tray_available: bool | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.setWindowTitle("Settings")
        self.setObjectName("settings_dialog")  # its size and place are kept under this
        self.resize(620, 560)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._amazon_page(reason), "Amazon SP-API")
        self.tabs.addTab(self._privacy_page(), "Privacy and backups")
        self.team_page = TeamPage(engine)
        self.team_page.said.connect(self.saved)
        self.team_page.switch_to.connect(self._switch)
        self.tabs.addTab(self.team_page, "Team")
        self.mail_page = MailPage(engine, staff)
        self.mail_page.said.connect(self.saved)
        self.tabs.addTab(self.mail_page, "Mail")
        self.key_file_page = KeyFilePage()
        self.key_file_page.said.connect(self.saved)
        self.tabs.addTab(self.key_file_page, "Key file")
        self.window_page = WindowPage(tray_available)
        self.tabs.addTab(self.window_page, "Window")
        self.error_label = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._show_saved()

    def _amazon_page(self, reason: str) -> QWidget:
        page = QWidget()
        intro = QLabel(
            (f"<b>{reason}</b><br>" if reason else "")
            + "Sync now uses your own self-authorised SP-API app (Seller Central › Apps and "
            "Services › Develop Apps). SellerDesk asks Amazon for orders without buyer or "
            "recipient data, and for the returns, feedback, account-health and "
            "settlement reports.")
        intro.setWordWrap(True)
        self.client_id = QLineEdit()
        self.client_id.setPlaceholderText("amzn1.application-oa2-client.…")
        self.client_secret = QLineEdit()
        self.refresh_token = QLineEdit()
        # What each secret looks like, shown while none is saved.
        self.hints = {self.client_secret: "amzn1.oa2-cs.v1.…", self.refresh_token: "Atzr|…"}
        for field in self.hints:
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.storage_label = QLabel()
        self.storage_label.setWordWrap(True)
        self.forget_button = QPushButton("&Forget the credentials")
        self.forget_button.clicked.connect(self.forget)
        self.markets = QListWidget()
        for market in MARKETPLACES:
            item = QListWidgetItem(f"{market.code} — {market.sales_channel}")
            item.setData(Qt.ItemDataRole.UserRole, market.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.markets.addItem(item)
        form = QFormLayout()
        form.addRow("LWA &client id:", self.client_id)
        form.addRow("Client &secret:", self.client_secret)
        form.addRow("&Refresh token:", self.refresh_token)
        form.addRow("", self.storage_label)
        form.addRow("", self.forget_button)
        form.addRow("&Marketplaces to sync:", self.markets)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(form, 1)
        return page

    def _privacy_page(self) -> QWidget:
        page = QWidget()
        self.retention_box = QSpinBox()
        self.retention_box.setRange(1, personal_data.LONGEST_RETENTION_DAYS)
        self.retention_box.setSuffix(" days after the order")
        self.retention_box.setValue(personal_data.retention(self.engine))
        retention_note = QLabel(
            "Buyer names, e-mails and addresses typed on issues are purged this long after "
            "the order, with the issue's notes, messages and evidence files — from the "
            "database and the backups SellerDesk made; the issues, their timelines and the "
            "credits stay. Amazon's Data Protection Policy: 30 days after "
            "delivery (SellerDesk counts from the order date, which is never later).")
        retention_note.setWordWrap(True)
        self.key_label = QLabel()
        self.key_label.setWordWrap(True)
        self.rotate_button = QPushButton("&Rotate the encryption key")
        self.rotate_button.setToolTip("Seal every buyer detail with a new key and remove the "
                                      "old one from the keyring")
        self.rotate_button.clicked.connect(self.rotate_key)
        self.rotated_label = QLabel()
        self.rotated_label.setWordWrap(True)
        try:
            where = (f"Every day while SellerDesk runs, into {backups.backups_dir(self.engine)} "
                     f"(the newest {backups.KEPT} kept). File › Back up now makes one any "
                     "time; File › Restore from backup puts one back.")
        except KnownError as exc:          # a team database: its server keeps the backups
            where = str(exc)
        backups_label = QLabel(where)
        backups_label.setWordWrap(True)
        backups_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow("&Keep buyer details:", self.retention_box)
        form.addRow("", retention_note)
        form.addRow("Encryption key:", self.key_label)
        form.addRow("", self.rotate_button)
        form.addRow("", self.rotated_label)
        form.addRow("Backups:", backups_label)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _switch(self, target: str) -> None:
        self.accept()
        self.switch_database.emit(target)

    def rotate_key(self) -> None:
        try:
            report = personal_data.rotate_key(self.engine, staff=self.staff)
        except KnownError as exc:
            self.rotated_label.setText(str(exc))
            return
        self.rotated_label.setText(report.summary())
        self.saved.emit("Encryption key rotated")
        self._show_saved()

    def _show_saved(self) -> None:
        kept = amazon_api.saved_credentials()
        self.client_id.setText(kept.client_id)
        for field, value in ((self.client_secret, kept.client_secret),
                             (self.refresh_token, kept.refresh_token)):
            field.clear()
            field.setPlaceholderText(SAVED if value else self.hints[field])
        self.forget_button.setEnabled(any((kept.client_id, kept.client_secret,
                                           kept.refresh_token)))
        if secrets.keyring_available():
            self.storage_label.setText(
                f"Kept in the OS keyring ({secrets.backend_name()}); never in the database, "
                "a log or an export.")
            self.storage_label.setStyleSheet("color: palette(mid);")
        else:
            self.storage_label.setText(
                "No OS keyring works on this computer: SellerDesk keeps the credentials "
                "for this session only (never on disk), so enter them again next time.")
            self.storage_label.setStyleSheet(error_style())
        self.key_label.setText(
            f"AES-256-GCM, the key in the OS keyring ({secrets.backend_name()})."
            if secrets.keyring_available() else
            "No OS keyring works on this computer: the key lasts this session only, so buyer "
            "details typed now cannot be read after SellerDesk closes.")
        self.key_label.setStyleSheet("" if secrets.keyring_available() else error_style())
        chosen = {m.code for m in sync_marketplaces(self.engine)}
        for row in range(self.markets.count()):
            item = self.markets.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def chosen_marketplaces(self) -> list[str]:
        return [self.markets.item(row).data(Qt.ItemDataRole.UserRole)
                for row in range(self.markets.count())
                if self.markets.item(row).checkState() == Qt.CheckState.Checked]

    def typed_credentials(self) -> amazon_api.Credentials | None:
        """What was typed, blanks filled from what is saved; None when nothing changed."""
        kept = amazon_api.saved_credentials()
        typed = amazon_api.Credentials(
            self.client_id.text().strip() or kept.client_id,
            self.client_secret.text().strip() or kept.client_secret,
            self.refresh_token.text().strip() or kept.refresh_token)
        return None if typed == kept else typed

    def save(self) -> bool:
        try:
            credentials = self.typed_credentials()
            save_sync_marketplaces(self.engine, self.chosen_marketplaces(), by=self.staff)
            personal_data.set_retention(self.engine, self.retention_box.value(),
                                        staff=self.staff)
            in_keyring = credentials is None or amazon_api.save_credentials(credentials)
            self.window_page.save()
            # The dialog's Save keeps a mailbox typed in but not saved on its own page; a
            # refusal (not a supervisor, a field missing) is said on that page.
            if self.mail_page.edited and not self.mail_page.save():
                self.tabs.setCurrentWidget(self.mail_page)
                return False
        except (KnownError, ValueError) as exc:
            self.error_label.setText(str(exc))
            return False
        self.saved.emit("Settings saved" if in_keyring
                        else "Settings saved; the credentials last until SellerDesk closes "
                             "(no OS keyring)")
        self.accept()
        return True

    def forget(self) -> None:
        amazon_api.forget_credentials()
        self._show_saved()
        self.saved.emit("SP-API credentials forgotten")
