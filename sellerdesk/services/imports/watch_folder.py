"""A folder SellerDesk watches for reports: each file saved there is imported once its
download has finished, then moved into `Imported/`, or into `Not imported/` beside a note
saying why. Moving the file is the record of what was done, visible to the seller, and
keeps a file from being imported twice.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sellerdesk.core.errors import InputError

if TYPE_CHECKING:      # the window imports this module at start, before any database
    from sqlalchemy.engine import Engine

    from sellerdesk.services.imports.report_reader import Progress

IMPORTED, NOT_IMPORTED = "Imported", "Not imported"
SUFFIXES = frozenset({".txt", ".tsv", ".csv", ".json"})
Seen = dict[str, tuple[int, int]]   # file name → (size, modification time in ns)


@dataclass(frozen=True, slots=True)
class WatchOutcome:
    file: str
    kind: str | None
    ok: bool
    text: str                 # the import's summary, or why the file was not imported
    moved_to: Path

    @property
    def tell(self) -> bool:
        """A file refused is news the seller did not ask for: worth a message box."""
        return not self.ok

    def summary(self) -> str:
        if self.ok:
            return self.text
        return (f"{self.file} was not imported: {self.text} (moved to "
                f"“{self.moved_to.parent.name}”, with a note)")


def ready_files(folder: Path, seen: Seen) -> tuple[list[Path], Seen]:
    """Report files in `folder` unchanged since the last look (a download still being
    written changes size or time between looks), oldest first, and what was seen now for
    the next look. Hidden files and browsers' partial downloads are left alone."""
    now_seen: Seen = {}
    ready: list[tuple[int, Path]] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return [], {}
    for entry in entries:
        name = entry.name
        if name.startswith(".") or Path(name).suffix.lower() not in SUFFIXES:
            continue
        try:
            if not entry.is_file():
                continue
            info = entry.stat()
        except OSError:
            continue
        mark = (info.st_size, info.st_mtime_ns)
        now_seen[name] = mark
        if info.st_size and seen.get(name) == mark:
            ready.append((info.st_mtime_ns, Path(entry.path)))
    return [path for _, path in sorted(ready)], now_seen


def import_watched(engine: Engine, path: Path, *, marketplace: str | None = None,
                   progress: Progress | None = None,
                   cancelled: Callable[[], bool] | None = None) -> WatchOutcome:
    """Import one file from the watched folder and move it aside. A file that cannot be
    imported is moved too, with `<name>.why.txt` beside it; a cancelled import leaves the
    file where it is, to be tried again."""
    from sellerdesk.services.imports.kinds import import_report, report_kind
    path = Path(path)
    kind = None
    try:
        kind = report_kind(path)
        if kind is None:
            raise InputError("it is not a Seller Central report SellerDesk reads", file=path.name)
        if kind == "feedback" and not marketplace:
            raise InputError("a feedback report needs its marketplace: import it from the "
                             "File menu, which asks", file=path.name)
        result = import_report(engine, path, kind=kind, marketplace=marketplace,
                               progress=progress, cancelled=cancelled)
    except InputError as exc:
        moved = _move(path, NOT_IMPORTED)
        reason = exc.reason if exc.file == path.name and exc.line is None else str(exc)
        if moved is None:
            return WatchOutcome(path.name, kind, False, reason + HELD, path)
        moved.with_name(moved.name + ".why.txt").write_text(
            f"{path.name} was not imported into SellerDesk:\n{exc}\n", encoding="utf-8")
        return WatchOutcome(path.name, kind, False, reason, moved)
    moved = _move(path, IMPORTED)
    if moved is None:      # imported and committed; importing it again changes nothing
        return WatchOutcome(path.name, kind, True, result.summary() + HELD, path)
    return WatchOutcome(path.name, kind, True, result.summary(), moved)


# A file another program holds open (Excel, on Windows) cannot be moved: the import stands,
# and the next look tries the move again — the same report imported twice changes nothing.
HELD = (" — left where it is for now: it could not be moved (another program may have it "
        "open); it is moved at the next look")


def _move(path: Path, into: str) -> Path | None:
    """Into the subfolder, never over a file already there: "x (2).txt" and so on. None
    when the file cannot be moved now."""
    folder = path.parent / into
    try:
        folder.mkdir(exist_ok=True)
        target, n = folder / path.name, 1
        while target.exists():
            n += 1
            target = folder / f"{path.stem} ({n}){path.suffix}"
        return Path(path.replace(target))
    except OSError:
        return None
