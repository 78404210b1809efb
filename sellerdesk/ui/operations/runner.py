"""`Operations`: one write at a time for one window, run off the GUI thread.

A write runs as a `Task` (ui/tasks.py). Its result or error comes back on the GUI
thread to the callbacks of whoever started it; when it started with `report=True`,
`succeeded`/`failed` carry it to the window, which puts it in the status bar or a message
box. Long work shows a window-modal progress dialog with Cancel; short work (an issue
saved, a request approved) shows none: the widget that asked says it is saving.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from sellerdesk import APP_NAME
from sellerdesk.core.errors import KnownError
from sellerdesk.ui.tasks import Task, Work


class StillRunning(KnownError):
    """A write was asked for while another ran (the action should have been disabled)."""


class Operations(QObject):
    changed = Signal()                 # a write began or ended: `busy` says which
    succeeded = Signal(str, object)    # what ran, its result (only work started to report)
    failed = Signal(str, object)       # what ran, the exception (likewise)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.task: Task | None = None
        self.what = ""                 # "Importing orders.txt", while it runs
        self.progress_dialog: QProgressDialog | None = None

    @property
    def busy(self) -> str:
        """Why a write cannot start now, as a sentence; "" when one can."""
        if self.task is None:
            return ""
        return f"{self.what.rstrip('…')} is under way; this waits until it is done."

    def start(self, what: str, work: Work, *,
              done: Callable[[Any], object] | None = None,
              failed: Callable[[Exception], object] | None = None,
              progress: QWidget | None = None, steps: bool = True,
              report: bool = True) -> Task:
        """Run `work(progress, cancelled)` in the background. `progress`: the window to
        show a progress dialog with Cancel over (`steps=False`: the work reports no
        fraction, the bar only moves). `done` gets the result and `failed` a refusal
        (a KnownError) on the GUI thread; with `report` the window tells them too. A bug
        (any other exception) always goes to the window, which says so plainly."""
        if self.task is not None:
            raise StillRunning(self.busy)
        task = Task(work, self)
        self.task, self.what = task, what
        if progress is not None:
            self.progress_dialog = self._progress_dialog(progress, what, task, steps=steps)
        task.succeeded.connect(lambda result: self._ended(what, result, None, done, failed,
                                                          report))
        task.failed.connect(lambda error: self._ended(what, None, error, done, failed,
                                                      report))
        task.finished.connect(task.deleteLater)
        self.changed.emit()
        task.start()
        return task

    def cancel_and_wait(self) -> None:
        """The window is closing: stop the work (it rolls back) and wait for its thread."""
        if self.task is not None:
            self.task.cancel()
            self.task.wait()

    def _progress_dialog(self, parent: QWidget, label: str, task: Task, *,
                         steps: bool) -> QProgressDialog:
        dialog = QProgressDialog(label, "Cancel", 0, 1000 if steps else 0, parent)
        dialog.setWindowTitle(APP_NAME)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)      # quick work never flashes a dialog
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        dialog.canceled.connect(task.cancel)
        task.progressed.connect(
            lambda fraction, message: (dialog.setValue(int(fraction * 1000)),
                                       dialog.setLabelText(f"{label}\n{message}")))
        task.finished.connect(dialog.deleteLater)
        return dialog

    def _ended(self, what: str, result: object, error: Exception | None,
               done: Callable[[Any], object] | None,
               failed: Callable[[Exception], object] | None, report: bool) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.hide()
        self.task, self.what, self.progress_dialog = None, "", None
        self.changed.emit()             # free again before anyone hears the outcome
        if error is None:
            if done is not None:
                done(result)
            if report:
                self.succeeded.emit(what, result)
        else:
            known = isinstance(error, KnownError)
            if failed is not None and known:
                failed(error)
            if report or not known:
                self.failed.emit(what, error)
