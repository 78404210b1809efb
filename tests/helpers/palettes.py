"""Palettes a desk may run under: a dark one such as a desktop's dark theme gives (Fusion's
usual dark colours), to check that nothing is painted for a white background only."""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from sellerdesk.ui.formatting import dark_palette

__all__ = ["application_palette", "contrast", "dark_palette"]


@contextmanager
def application_palette(palette: QPalette):
    """The application's palette for the block; the one it had afterwards (tests share
    the application)."""
    app = QApplication.instance()
    before = app.palette()
    app.setPalette(palette)
    try:
        yield palette
    finally:
        app.setPalette(before)


def contrast(one: QColor, other: QColor) -> float:
    """WCAG's contrast ratio of two colours (1 to 21); 4.5 is AA for body text."""
    def luminance(colour: QColor) -> float:
        channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                    for c in (colour.redF(), colour.greenF(), colour.blueF())]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
