"""Tab in a dialog's button row goes the way the buttons are laid out. QDialogButtonBox
places its buttons in the platform's order (OK left of Cancel on Windows, right of it on
GNOME and macOS, action buttons apart from both), but Tab follows the order the code
added them in, so Tab jumped about the row; here Tab follows the row as it is laid out."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QWidget


def buttons_in_reading_order(window: QWidget) -> None:
    for box in window.findChildren(QDialogButtonBox):
        layout = box.layout()
        laid_out = [layout.itemAt(i).widget() for i in range(layout.count())]
        buttons = [w for w in laid_out if isinstance(w, QAbstractButton)]
        for first, then in pairwise(buttons):
            QWidget.setTabOrder(first, then)
