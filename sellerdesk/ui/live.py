"""On a team database, other desks' changes reach this window by themselves: a thread
listens (PostgreSQL LISTEN/NOTIFY) and says which tables changed; when the server goes
out of reach it says so and tries again every few seconds."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QThread, Signal

from sellerdesk.core.errors import KnownError

RETRY_SECONDS = 3.0


class LiveUpdates(QThread):
    changed = Signal(object)       # the set of tables another desk (or this one) changed
    reachable = Signal(bool)       # the server came back (True) or went away (False)

    def __init__(self, listen: Callable[[], object | None], parent=None) -> None:
        super().__init__(parent)
        self._listen = listen
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()
        self.wait()

    def run(self) -> None:
        listener, online = None, True
        while not self._stop.is_set():
            try:
                if listener is None:
                    listener = self._listen()
                    if listener is None:
                        return                      # not a team database
                    if not online:
                        online = True
                        self.reachable.emit(True)
                        self.changed.emit({"*"})    # whatever happened meanwhile
                changed = listener.wait(0.5)
            except KnownError:
                if listener is not None:
                    listener.close()
                listener = None
                if online:
                    online = False
                    self.reachable.emit(False)
                self._stop.wait(RETRY_SECONDS)
                continue
            if changed:
                self.changed.emit(changed)
        if listener is not None:
            listener.close()
