"""The label under a form that says what was refused or went wrong, the same everywhere;
and a one-line label that gives up the middle of its text when short of room."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy

from sellerdesk.ui.formatting import error_style


def error_label(text: str = "") -> QLabel:
    """Word-wrapped, in the error colour of the palette it is built under."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(error_style())
    return label


class ElidedLabel(QLabel):
    """A path in the status bar: when there is not room for all of it, its middle gives
    way ("/home/ana/…/desk.sqlite3"), so its start and file name stay in sight rather than
    the end being cut off at the window's edge. text() is still the whole of it."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        # Its whole text when there is room, down to a dozen letters when there is not.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 12,
                     super().minimumSizeHint().height())

    def shown_text(self) -> str:
        """What fits of the text in the label's width."""
        room = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle, room)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(),
                                  int(self.alignment() | Qt.AlignmentFlag.AlignVCenter),
                                  self.palette(), self.isEnabled(), self.shown_text(),
                                  self.foregroundRole())
