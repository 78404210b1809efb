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
from dataclasses import dataclass
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
        self._outcome: _Outcome | None = None

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
        self._outcome = _Outcome(what, done, failed, report)
        # Bound methods, not lambdas: a lambda holding `self` lives as long as the task's
        # connections, so the task's deferred deletion could drop the last reference to
        # these operations, whose destructor then deleted the task (still its child) a
        # second time, inside its own destructor: a segfault after a test that kept no
        # other reference, and in a window closed at the wrong instant.
        task.progressed.connect(self.progressed)
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
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

    def _succeeded(self, result: object) -> None:
        self._ended(result, None)

    def _failed(self, error: Exception) -> None:
        self._ended(None, error)

    def _ended(self, result: object, error: Exception | None) -> None:
        outcome = self._outcome
        if self.task is not None:
            # The outcome is the work's last word, sent just before its thread ends: wait
            # that instant, so that "no task" means no thread either — a window closed
            # (or these operations dropped) as a write ends never destroys a thread still
            # running, which crashed the process.
            self.task.wait()
        self.task, self.what, self.shown, self._outcome = None, "", False, None
        self.changed.emit()             # free again before anyone hears the outcome
        if outcome is None:             # a bug: an outcome without work under way
            raise RuntimeError(f"an outcome arrived with no work under way: {error!r}")
        if error is None:
            if outcome.done is not None:
                outcome.done(result)
            if outcome.report:
                self.succeeded.emit(outcome.what, result)
        else:
            known = isinstance(error, KnownError)
            if outcome.failed is not None:
                outcome.failed(error)
            if outcome.report or not known:
                self.failed.emit(outcome.what, error)


@dataclass(frozen=True, slots=True)
class _Outcome:
    """Who hears how the work under way ended, and whether the window is told too."""
    what: str
    done: Callable[[Any], object] | None
    failed: Callable[[Exception], object] | None
    report: bool
