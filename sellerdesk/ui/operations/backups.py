"""Work on whole files: a backup made and checked, a backup restored in place of the
database, the ledger written to a file, a ledger file checked. None reports a fraction,
so the status bar only shows the work is going, and none can be stopped half-way, so it
offers no Cancel (one would say "nothing it did is kept" and keep it all); each ends in
a message box, news the user asked for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sellerdesk.ui.operations.runner import Operations
from sellerdesk.ui.tasks import Finished, Task

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def back_up(operations: Operations, engine: Engine, path: Path, *,
            staff: str) -> Task:
    from sellerdesk.services.protection.backups import make_backup

    def work(_progress, _cancelled) -> Finished:
        check = make_backup(engine, path, staff=staff)
        return Finished(f"Backup written and checked: {check.summary()}", tell=True)
    return operations.start(f"Backing up to {path.name}…", work, shown=True, steps=False,
                            cancellable=False)


def restore(operations: Operations, engine: Engine, path: Path, *,
            staff: str) -> Task:
    from sellerdesk.services.protection.restore import restore_backup

    def work(_progress, _cancelled) -> Finished:
        return Finished(restore_backup(engine, path, staff=staff).summary(), tell=True)
    return operations.start(f"Restoring {path.name}…", work, shown=True, steps=False,
                            cancellable=False)


def export_ledger(operations: Operations, engine: Engine, path: Path, *,
                  staff: str) -> Task:
    from sellerdesk.services.ledger_files import export_ledger as write

    def work(_progress, _cancelled) -> Finished:
        count = write(engine, path, staff=staff)     # the security log names who
        return Finished(f"Wrote {count:,} ledger entries to {path}")
    return operations.start(f"Exporting the ledger to {path.name}…", work, shown=True,
                            steps=False, cancellable=False)


def check_ledger(operations: Operations, path: Path) -> Task:
    from sellerdesk.services.ledger_files import verify_file

    def work(_progress, _cancelled) -> Finished:
        check = verify_file(path)
        return Finished(f"{path.name}: {check.summary()}", tell=True, ok=check.ok)
    return operations.start(f"Checking {path.name}…", work, shown=True, steps=False,
                            cancellable=False)


def keep_house(operations: Operations, engine: Engine, *,
               done: Callable[[object], object]) -> Task | None:
    """Finish a key rotation cut short, purge what is due, make the day's backup: with no
    dialog, as one more write in turn. When another write is under way it waits for the
    next round (the hour after) rather than queue: nothing in it is urgent to the minute.
    `done` hears what was done (HouseKept) or the refusal."""
    from sellerdesk.services.protection.housekeeping import keep_house as keep
    if operations.busy:
        return None
    return operations.start("Housekeeping (purge, daily backup)",
                            lambda _progress, _cancelled: keep(engine),
                            done=done, failed=done, report=False)
