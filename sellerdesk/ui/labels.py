"""The label under a form that says what was refused or went wrong, the same everywhere."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from sellerdesk.ui.formatting import error_style


def error_label(text: str = "") -> QLabel:
    """Word-wrapped, in the error colour of the palette it is built under."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(error_style())
    return label
