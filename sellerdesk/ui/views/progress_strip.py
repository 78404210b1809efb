"""The status bar's strip for long work under way (an import, a sync, a backup): what it
is, how far it has gone, and Cancel. Not a modal dialog: while it runs the window stays
usable for reading, and an issue being typed stays typable; what would write waits and
says why (ui/operations).

A file read says its rows, their pace and the time left ("Importing orders.txt — 48,200
of about 120,000 rows · 31,000 rows/s · about 3 s left", core.pace), measured on a
monotonic clock and said a few times a second at most, whatever pace the reports come at.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from sellerdesk.core.pace import Pace
from sellerdesk.ui.operations import Operations

SHOWN_AFTER_MS = 300        # quick work never flashes a bar
LABEL_WIDTH = 420           # the rest of the status bar keeps its room at 1366 px
SAID_EVERY = 0.25           # seconds: a figure changing faster cannot be read anyway


class ProgressStrip(QWidget):
    def __init__(self, operations: Operations, parent: QWidget | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.operations = operations
        self.clock = clock          # a fake one in tests: they never read the real time
        self.pace = Pace(clock)
        self.said_at: float | None = None    # when the label last changed for a report
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
        self.pace, self.said_at = Pace(self.clock), None
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
        rows = getattr(message, "rows", None)      # a core.pace.RowsRead: a file read
        reading = self.pace.update(fraction, rows) if self.operations.steps else None
        at = self.clock()
        if (rows is not None and self.said_at is not None and at - self.said_at < SAID_EVERY
                and fraction < 1):
            return          # measured, not said: the next report says it
        self.said_at = at
        if self.operations.steps:
            self.bar.setValue(int(fraction * 1000))
        what = self.operations.what
        if reading is not None and rows is not None:
            self._say(f"{what.rstrip('…')} — {reading.text()}")
        else:
            self._say(f"{what} {message}".strip())

    def _say(self, text: str) -> None:
        """Shortened in the middle when long (the file name's end and the count stay);
        the whole line is the tip."""
        self.label.setText(self.label.fontMetrics().elidedText(
            text, Qt.TextElideMode.ElideMiddle, LABEL_WIDTH))
        self.label.setToolTip(text)
