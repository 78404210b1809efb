"""`Operations`: one write at a time for one window, run off the GUI thread.

A write runs as a `Task` (ui/tasks.py). Its result or error comes back on the GUI
thread to the callbacks of whoever started it; when it started with `report=True`,
`succeeded`/`failed` carry it to the window, which puts it in the status bar or a message
box. Long work is shown in the status bar with its progress and Cancel, never in a modal
dialog: the window stays usable for reading, and an issue being typed stays typable
(ui/views/progress_strip.py). Short work (an issue saved, a request approved) shows
nothing there: the widget that asked shows it is saving.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from sellerdesk.core.errors import KnownError
from sellerdesk.ui.tasks import Task, Work


class StillRunning(KnownError):
    """A write was asked for while another ran (the action should have been disabled)."""


class Operations(QObject):
    changed = Signal()                 # a write began or ended: `busy` says which
    progressed = Signal(float, object)  # how far the write under way is, what it does (a
    # str; a core.pace.RowsRead from a file read, which also counts the rows)
    succeeded = Signal(str, object)    # what ran, its result (only work started to report)
    failed = Signal(str, object)       # what ran, the exception (likewise)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.task: Task | None = None
        self.what = ""                 # "Importing orders.txt…", while it runs
        self.shown = False             # long work, shown with its progress and Cancel
        self.steps = True              # …and whether it says how far it is
        self.cancellable = True        # …and whether Cancel can stop it (see `start`)

    @property
    def busy(self) -> str:
        """Why a write cannot start now, as a sentence; "" when one can."""
        if self.task is None:
            return ""
        return f"{self.what.rstrip('…')} is under way; this waits until it is done."

    def start(self, what: str, work: Work, *,
              done: Callable[[Any], object] | None = None,
              failed: Callable[[Exception], object] | None = None,
              shown: bool = False, steps: bool = True, cancellable: bool = True,
              report: bool = True) -> Task:
        """Run `work(progress, cancelled)` in the background. `shown`: long work the
        window shows in its status bar with a Cancel button (`steps=False`: the work
        reports no fraction, the bar only moves; `cancellable=False`: it never asks
        `cancelled()`, so no Cancel is offered that would not stop it). `done` gets the
        result and `failed` how it failed, on the GUI thread; with `report` the window
        tells them too. A bug (any other exception) goes to `failed` as well, so whoever
        waits on the outcome (a dialog saving) stops waiting, and always to the window,
        which says so."""
        if self.task is not None:
            raise StillRunning(self.busy)
        task = Task(work, self)
        self.task, self.what, self.shown, self.steps = task, what, shown, steps
        self.cancellable = cancellable
        task.progressed.connect(self.progressed)
        task.succeeded.connect(lambda result: self._ended(what, result, None, done, failed,
                                                          report))
        task.failed.connect(lambda error: self._ended(what, None, error, done, failed,
                                                      report))
        task.finished.connect(task.deleteLater)
        self.changed.emit()
        task.start()
        return task

    def cancel(self) -> None:
        """Stop the work under way: it rolls back whole and fails with Cancelled."""
        if self.task is not None:
            self.task.cancel()

    def cancel_and_wait(self) -> None:
        """The window is closing: stop the work (it rolls back) and wait for its thread."""
        if self.task is not None:
            self.task.cancel()
            self.task.wait()

    def _ended(self, what: str, result: object, error: Exception | None,
               done: Callable[[Any], object] | None,
               failed: Callable[[Exception], object] | None, report: bool) -> None:
        if self.task is not None:
            # The outcome is the work's last word, sent just before its thread ends: wait
            # that instant, so that "no task" means no thread either — a window closed
            # (or these operations dropped) as a write ends never destroys a thread still
            # running, which crashed the process.
            self.task.wait()
        self.task, self.what, self.shown = None, "", False
        self.changed.emit()             # free again before anyone hears the outcome
        if error is None:
            if done is not None:
                done(result)
            if report:
                self.succeeded.emit(what, result)
        else:
            known = isinstance(error, KnownError)
            if failed is not None:
                failed(error)
            if report or not known:
                self.failed.emit(what, error)
