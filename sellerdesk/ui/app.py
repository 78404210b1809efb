"""Start the window: QApplication, the main window shown at once, the database opened
on the next turn of the event loop."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from sellerdesk import APP_NAME
from sellerdesk.core.errors import KnownError
from sellerdesk.services.paths import resources_dir
from sellerdesk.ui.dialog_memory import install_dialog_memory
from sellerdesk.ui.main_window import MainWindow, open_when_shown


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    icon = resources_dir() / "icons" / "sellerdesk.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    install_dialog_memory(app)    # every dialog opens where and as large as it was left
    return app  # type: ignore[return-value]


def say_known_errors() -> None:
    """A refusal raised in a slot no dialog catches (a click while the team database is
    out of reach) goes to the window's status bar as its sentence, not a traceback on a
    console nobody reads. Anything else is a bug: Python's own hook reports it."""
    default = sys.excepthook

    def hook(kind, error, trace) -> None:  # type: ignore[no-untyped-def]
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        if isinstance(error, KnownError) and windows:
            for window in windows:
                window.statusBar().showMessage(str(error), 15_000)
            return
        default(kind, error, trace)
    sys.excepthook = hook


def run(*, database: str, smoke: bool = False) -> int:
    app = make_app()
    say_known_errors()
    window = MainWindow(database, interactive=not smoke)
    window.show()
    exit_code = 0

    shown_at = 0.0

    def shown() -> None:
        nonlocal shown_at
        shown_at = time.time()

    def opened(ok: bool) -> None:
        nonlocal exit_code
        if smoke:
            exit_code = 0 if ok and window.isVisible() else 1
            # The wall-clock times let bench/startup.py time start-up from outside.
            print(f"smoke: window shown, database {'opened' if ok else 'FAILED'} "
                  f"(shown_at={shown_at:.4f} opened_at={time.time():.4f})", file=sys.stderr)
            QTimer.singleShot(0, window.close)

    open_when_shown(window, opened, shown)
    app.exec()
    return exit_code
