"""The label under a form that says what was refused or went wrong, the same everywhere."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from sellerdesk.ui.formatting import ERROR_STYLE


def error_label(text: str = "") -> QLabel:
    """Word-wrapped, in the desk's error red."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    return label
