"""File › Watch a folder: look into the chosen folder every few seconds and hand each
report whose download has finished to the window, one at a time, when it is not busy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from sellerdesk.services.imports.watch_folder import Seen

LOOK_EVERY_MS = 2_000


class FolderWatcher(QObject):
    ready = Signal(Path)          # a report to import now

    def __init__(self, busy: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.busy = busy
        self.folder: Path | None = None
        self._seen: Seen = {}
        self._timer = QTimer(self)
        self._timer.setInterval(LOOK_EVERY_MS)
        self._timer.timeout.connect(self.look)

    def watch(self, folder: Path | None) -> None:
        self.folder, self._seen = folder, {}
        if folder is None:
            self._timer.stop()
        else:
            self.look()
            self._timer.start()

    def look(self) -> None:
        """One look; a file is ready when it has not changed since the look before. While
        the window is busy, nothing is handed over and the next look sees the file again."""
        if self.folder is None or self.busy():
            return
        # Imported here: the importers load after the window shows, not before.
        from sellerdesk.services.imports.watch_folder import ready_files
        ready, self._seen = ready_files(self.folder, self._seen)
        if ready:
            self.ready.emit(ready[0])
