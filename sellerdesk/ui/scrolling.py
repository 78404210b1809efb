"""A pane that scrolls when the window is smaller than it: at 1366×768 with 150 %
scaling the window has 512 logical pixels of height, less than an order's or an issue's
pane wants, and a window taller than the screen hides its status bar below the edge."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def scrolling(pane: QWidget, area: QScrollArea | None = None) -> QScrollArea:
    area = area if area is not None else QScrollArea()
    area.setWidget(pane)
    area.setWidgetResizable(True)       # as wide and tall as there is room for, no less
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


class ScrollingBody(QScrollArea):
    """A dialog's body that scrolls only when the screen is too small for it: it asks for
    the whole body's size (Qt's scroll area asks for at most 24 lines, which would open a
    dialog with a scroll bar on any screen), and needs only a few lines of height, so the
    dialog around it fits a 1280×720 screen."""

    SMALLEST_LINES = 8

    def sizeHint(self) -> QSize:
        body = self.widget().sizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(body.width() + bar, body.height())

    def minimumSizeHint(self) -> QSize:
        body = self.widget().minimumSizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        lines = self.fontMetrics().lineSpacing() * self.SMALLEST_LINES
        return QSize(body.width() + bar, min(body.height(), lines))


def scrolling_body(pane: QWidget) -> ScrollingBody:
    area = ScrollingBody()
    scrolling(pane, area)
    # Tab goes from field to field inside, each scrolled into view as it takes the focus;
    # the area itself is no stop of its own.
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area
