"""Long work off the GUI thread.

A Task runs one plain function `work(progress, cancelled)` in its own thread; the
function reports through `progress(fraction, message)` and polls `cancelled()`. Results,
progress and errors come back as signals, delivered on the GUI thread because the Task
object itself lives there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QThread, Signal

Work = Callable[[Callable[[float, str], None], Callable[[], bool]], Any]


@dataclass(frozen=True, slots=True)
class Finished:
    """What a piece of work has to say when done: the status bar shows it, and with
    `tell` a message box too (good or bad news the user asked for, like a file check)."""
    text: str
    tell: bool = False
    ok: bool = True

    def summary(self) -> str:
        return self.text


class Task(QThread):
    # The message as given (object, not str): a core.pace.RowsRead keeps its row count.
    progressed = Signal(float, object)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception

    def __init__(self, work: Work, parent=None) -> None:
        super().__init__(parent)
        self._work = work
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def was_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self._work(self.progressed.emit, self._cancel.is_set)
        except Exception as exc:  # handed to the GUI thread, which tells known from bugs
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)


# Tasks whose dialog or tab may close while they run: a QThread destroyed while its thread
# runs ends the process, so each is held here until its thread has ended.
_RUNNING: set[Task] = set()


def keep_until_done(task: Task) -> Task:
    """Hold `task` until its thread ends, whatever becomes of whoever started it."""
    _RUNNING.add(task)
    task.finished.connect(lambda: _RUNNING.discard(task))
    return task
