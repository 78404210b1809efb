"""Start the window: QApplication, the main window shown at once, the database opened
on the next turn of the event loop."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from sellerdesk import APP_NAME
from sellerdesk.services.paths import resources_dir
from sellerdesk.ui.main_window import MainWindow, open_when_shown


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    icon = resources_dir() / "icons" / "sellerdesk.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app  # type: ignore[return-value]


def run(*, database: str, smoke: bool = False) -> int:
    app = make_app()
    window = MainWindow(database, interactive=not smoke)
    window.show()
    exit_code = 0

    def opened(ok: bool) -> None:
        nonlocal exit_code
        if smoke:
            exit_code = 0 if ok and window.isVisible() else 1
            print(f"smoke: window shown, database {'opened' if ok else 'FAILED'}",
                  file=sys.stderr)
            QTimer.singleShot(0, window.close)

    open_when_shown(window, opened)
    app.exec()
    return exit_code
