"""A pane that scrolls when the window is smaller than it: at 1366×768 with 150 %
scaling the window has 512 logical pixels of height, less than an order's or an issue's
pane wants, and a window taller than the screen hides its status bar below the edge."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def scrolling(pane: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(pane)
    area.setWidgetResizable(True)       # as wide and tall as there is room for, no less
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area
