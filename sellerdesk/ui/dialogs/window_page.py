"""Settings › Window: what closing the window does on this computer — keep SellerDesk
in the tray, quit, or ask (ui/views/tray.py acts on it). Kept in window.ini, beside the
window's size: a desktop's tray belongs to the computer, not to the desk's database."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from sellerdesk import APP_NAME
from sellerdesk.ui.settings import window_settings

CLOSE_ASKS, CLOSE_TO_TRAY, CLOSE_QUITS = "ask", "tray", "quit"
CLOSE_CHOICES = {CLOSE_ASKS: "Ask", CLOSE_TO_TRAY: f"Keep {APP_NAME} in the tray",
                 CLOSE_QUITS: "Quit"}
CLOSE_SETTING = "close_window"     # in window.ini: a choice for this computer's desktop
NO_TRAY = (f"This desktop shows no system tray, so closing the window quits {APP_NAME}; "
           "deadlines and approvals are said in the status bar.")


def close_choice() -> str:
    chosen = str(window_settings().value(CLOSE_SETTING, CLOSE_ASKS))
    return chosen if chosen in CLOSE_CHOICES else CLOSE_ASKS


def save_close_choice(choice: str) -> None:
    settings = window_settings()
    settings.setValue(CLOSE_SETTING, choice)
    settings.sync()


def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


class WindowPage(QWidget):
    """Settings › Window: what closing the window does, on this computer."""

    def __init__(self, available: bool | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.available = tray_available() if available is None else available
        self.close_box = QComboBox()
        for choice, label in CLOSE_CHOICES.items():
            self.close_box.addItem(label, choice)
        self.close_box.setCurrentIndex(self.close_box.findData(
            close_choice() if self.available else CLOSE_QUITS))
        self.close_box.setEnabled(self.available)
        self.note_label = QLabel(NO_TRAY if not self.available else
                                 f"In the tray, {APP_NAME} tells you when a deadline comes "
                                 "near or an approval arrives while the window is away; "
                                 "File › Quit ends it.")
        self.note_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&When I close the window:", self.close_box)
        form.addRow("", self.note_label)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)

    def save(self) -> None:
        if self.available:
            save_close_choice(self.close_box.currentData())
