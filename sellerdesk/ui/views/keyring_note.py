"""The status bar's note, in the error colour, when buyer history cannot be checked: no
OS keyring works here, or the desk's keys are in a sealed key file not yet opened. At
start, with a key file, its passphrase is asked for; without one, the whole story is told
once on this computer, and the note stays."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QWidget

from sellerdesk.core.errors import KnownError
from sellerdesk.ui.formatting import error_style
from sellerdesk.ui.settings import window_settings


class KeyringNote(QObject):
    def __init__(self, window: QWidget, *, said: Callable[[str], object],
                 tell: Callable[[str], object]) -> None:
        super().__init__(window)
        self.window, self.said, self.tell = window, said, tell
        self.label = QLabel("No OS keyring: buyer history not checked")
        self.label.setStyleSheet(f"{error_style()} font-weight: bold;")
        self.label.hide()
        self.passphrase_dialog: QInputDialog | None = None   # the last one, for tests

    def look(self, *, interactive: bool) -> None:
        """Once the database is open: the note, and the question or the story if due."""
        from sellerdesk.services.protection import key_file, secrets
        missing = not secrets.check_keyring()
        self.show()
        if missing and key_file.exists() and not key_file.is_open():
            if interactive:
                self.ask_passphrase()
            return
        settings = window_settings()
        if missing and interactive and not key_file.exists() and not settings.value(
                "no_keyring_told", False, type=bool):
            # Said in full once on this computer; the red words in the status bar stay.
            self.tell(secrets.NO_KEYRING)
            settings.setValue("no_keyring_told", True)

    def show(self) -> None:
        """The red note: no keyring, and buyer history unchecked while no key file is open."""
        from sellerdesk.services.protection import key_file, secrets
        missing = not secrets.check_keyring()
        self.label.setVisible(missing and not key_file.is_open())
        if key_file.exists():
            self.label.setText("Buyer history not checked: the key file is locked")
            self.label.setToolTip(key_file.LOCKED[:1].upper() + key_file.LOCKED[1:]
                                  + ". Open it in Settings › Key file.")
        else:
            self.label.setText("No OS keyring: buyer history not checked")
            self.label.setToolTip(secrets.NO_KEYRING)

    def ask_passphrase(self, error: str = "") -> QInputDialog:
        """At start, with no keyring and a sealed key file: its passphrase. Cancel goes
        on without buyer history (each suggestion for a named buyer needs approval)."""
        from sellerdesk.services.protection import key_file
        dialog = QInputDialog(self.window)
        dialog.setWindowTitle("Key file")
        dialog.setLabelText((error + "\n\n" if error else "") + "No OS keyring works here, so "
                            "the desk's keys are in a sealed key file. Its passphrase "
                            "(Cancel: work without buyer history this session):")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def opened(passphrase: str) -> None:
            try:
                key_file.open_key_file(passphrase)
            except KnownError as exc:
                self.ask_passphrase(str(exc))
                return
            self.show()
            self.said("Key file open: buyer history is checked")
        dialog.textValueSelected.connect(opened)
        dialog.rejected.connect(self.show)
        self.passphrase_dialog = dialog
        dialog.open()
        return dialog
