"""The status bar's strip for long work under way (an import, a sync, a backup): what it
is, how far it has gone, and Cancel. Not a modal dialog: while it runs the window stays
usable for reading, and an issue being typed stays typable; what would write waits and
says why (ui/operations)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from sellerdesk.ui.operations import Operations

SHOWN_AFTER_MS = 300        # quick work never flashes a bar
LABEL_WIDTH = 420           # the rest of the status bar keeps its room at 1366 px


class ProgressStrip(QWidget):
    def __init__(self, operations: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.operations = operations
        self.label = QLabel()
        self.label.setMinimumWidth(160)     # what is under way stays readable
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop it: nothing it did is kept (File › Cancel "
                                      "the work under way)")
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.bar)
        row.addWidget(self.cancel_button)
        self.hide()
        operations.changed.connect(self._changed)
        operations.progressed.connect(self._progressed)

    def _changed(self) -> None:
        ops = self.operations
        if not ops.shown:
            self.hide()
            return
        self._say(ops.what)
        self.bar.setRange(0, 1000 if ops.steps else 0)   # 0, 0: it only moves
        self.bar.setValue(0)
        self.cancel_button.setEnabled(ops.cancellable)
        self.cancel_button.setVisible(ops.cancellable)
        QTimer.singleShot(SHOWN_AFTER_MS, self, self._show_if_running)

    def cancel(self) -> None:
        if not self.operations.cancellable:
            return
        self.cancel_button.setEnabled(False)
        self._say(f"{self.operations.what} cancelling…")
        self.operations.cancel()

    def _show_if_running(self) -> None:
        if self.operations.shown:
            self.show()

    def _progressed(self, fraction: float, message: str) -> None:
        if self.operations.steps:
            self.bar.setValue(int(fraction * 1000))
        self._say(f"{self.operations.what} {message}".strip())

    def _say(self, text: str) -> None:
        """Shortened in the middle when long (the file name's end and the count stay);
        the whole line is the tip."""
        self.label.setText(self.label.fontMetrics().elidedText(
            text, Qt.TextElideMode.ElideMiddle, LABEL_WIDTH))
        self.label.setToolTip(text)
