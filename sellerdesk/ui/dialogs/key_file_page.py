"""Settings › Key file: where no OS keyring works, keep the desk's keys (buyer history,
buyer details) across restarts in a file sealed with a passphrase (services.protection.key_file)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from sellerdesk.core.errors import KnownError
from sellerdesk.services.protection import key_file
from sellerdesk.ui.labels import error_label


class KeyFilePage(QWidget):
    said = Signal(str)        # for the status bar
    opened = Signal()         # the desk's keys are kept from now on

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.passphrase_edit = QLineEdit()
        self.again_edit = QLineEdit()
        for edit in (self.passphrase_edit, self.again_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setPlaceholderText(f"{key_file.SHORTEST_PASSPHRASE} characters "
                                                "or more; a few words are easy to remember")
        self.create_button = QPushButton("&Create key file")
        self.open_button = QPushButton("&Open key file")
        self.error_label = error_label()
        self.form = QFormLayout()
        self.form.addRow("&Passphrase:", self.passphrase_edit)
        self.form.addRow("A&gain:", self.again_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state_label)
        layout.addLayout(self.form)
        layout.addWidget(self.create_button)
        layout.addWidget(self.open_button)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        self.create_button.clicked.connect(self.create)
        self.open_button.clicked.connect(self.open_file)
        self.show_state()

    def show_state(self) -> None:
        needed, there, is_open = key_file.needed(), key_file.exists(), key_file.is_open()
        self.state_label.setText(key_file.state())
        usable = needed and not is_open
        self.passphrase_edit.setEnabled(usable)
        self.again_edit.setEnabled(usable and not there)
        self.form.setRowVisible(self.again_edit, not there)
        self.create_button.setVisible(usable and not there)
        self.open_button.setVisible(usable and there)

    def create(self) -> None:
        passphrase = self.passphrase_edit.text()
        if passphrase != self.again_edit.text():
            self.error_label.setText("The two passphrases differ; type them again.")
            return
        self._done(lambda: key_file.create_key_file(passphrase),
                   f"Key file made: buyer history is kept in {key_file.path()}")

    def open_file(self) -> None:
        passphrase = self.passphrase_edit.text()
        self._done(lambda: key_file.open_key_file(passphrase), "Key file open: buyer "
                   "history is checked again")

    def _done(self, act, text: str) -> None:
        try:
            act()
        except KnownError as exc:
            self.error_label.setText(str(exc))
            return
        self.error_label.clear()
        self.passphrase_edit.clear()
        self.again_edit.clear()
        self.show_state()
        self.said.emit(text)
        self.opened.emit()
