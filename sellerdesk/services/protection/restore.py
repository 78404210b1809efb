"""Restoring a backup over the single-desk SQLite file: the backup is checked first, the
current file kept aside, and what came back past its retention time purged again (with
the backups, so an old copy never brings buyer data back). A team database is restored
on its server with pg_restore.

Apart from services.protection.backups because a restore ends in the whole purge, and the purge
reaches into the backups: each module then imports the other's way down only."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from sellerdesk.services.clock import now
from sellerdesk.services.protection import backups, security_log
from sellerdesk.services.protection.backups import BackupCheck
from sellerdesk.services.protection.purge import purge_personal_data
from sellerdesk.services.staff import default_staff_name
from sellerdesk.store import snapshots
from sellerdesk.store.engine import database_url, make_engine, reading, sqlite_path, writing
from sellerdesk.store.migrate import upgrade
from sellerdesk.store.orders import rebuild_order_search


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored: BackupCheck
    kept_aside: Path

    def summary(self) -> str:
        return (f"Restored {self.restored.path.name}: {self.restored.ledger}. The database "
                f"as it was before is kept at {self.kept_aside}.")


def restore_over_damaged(target: str, path: Path, *,
                         staff: str | None = None) -> RestoreResult:
    """Restore into a database file too damaged to open: check the backup, move the
    damaged file and its write-ahead log aside (a log left behind would be replayed into
    the restored copy), put a copy of the backup in its place, and bring it to the newest
    schema."""
    live = sqlite_path(database_url(target))
    if live is None:
        raise backups.BackupError(backups.PG_DUMP)
    check = backups.check_backup(Path(path))
    if not check.ok:
        raise backups.BackupError(check.summary())
    stamp = f"{datetime.now(UTC):%Y%m%d-%H%M%S}"
    aside = live.with_name(f"{live.stem}.damaged-{stamp}{live.suffix}")
    partial = live.with_name(f".{live.name}.restoring")
    try:
        old = os.umask(0o077)
        try:
            shutil.copyfile(check.path, partial)
        finally:
            os.umask(old)
        snapshots.sync_file(partial)
        os.replace(live, aside)
        for suffix in ("-wal", "-shm"):
            log_file = live.with_name(live.name + suffix)
            if log_file.exists():
                os.replace(log_file, aside.with_name(aside.name + suffix))
        os.replace(partial, live)
    except OSError as exc:
        raise backups.BackupError(f"cannot restore {check.path.name} into {live}: "
                                  f"{exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    by = staff or default_staff_name()
    # The copy was checked whole: it needs only the newest schema, as restore_backup gives
    # it (services.database's opening would add nothing a checked backup lacks).
    engine = make_engine(database_url(str(live)))
    try:
        upgrade(engine)
        with writing(engine) as conn:
            rebuild_order_search(conn)
            security_log.record(conn, "restore", f"{check.path} (the damaged database kept "
                                f"at {aside})", actor=by)
        purge_personal_data(engine, staff=by)
    finally:
        engine.dispose()
    return RestoreResult(check, aside)


def restore_backup(engine: Engine, path: Path, *, staff: str | None = None) -> RestoreResult:
    """Check the backup, keep the current database aside, then copy the backup in (one
    write transaction of the live file) and bring it to the newest schema."""
    check = backups.check_backup(Path(path))
    if not check.ok:
        raise backups.BackupError(check.summary())
    by = staff or default_staff_name()
    aside = backups.make_backup(engine, backups.backups_dir(engine) /
                                f"before-restore-{now():%Y%m%d-%H%M%S}.sqlite3", staff=by)
    earlier = security_log.security_events(engine)
    with reading(engine) as conn:
        made_since = backups.made_elsewhere(conn)   # so a purge still reaches them afterwards
    snapshots.copy_into(check.path, engine)
    engine.dispose()
    upgrade(engine)
    security_log.keep_across_restore(engine, earlier)
    with writing(engine) as conn:
        # The search words are tied to each order's rowid, which SQLite does not promise
        # to keep through the VACUUM INTO that made the backup: written again from the
        # orders themselves (a second or so at a million orders).
        rebuild_order_search(conn)
        for made in made_since:
            backups.remember_backup(conn, Path(made), by)
        security_log.record(conn, "restore", f"{check.path} (the previous database kept at "
                            f"{aside.path})", actor=by)
    purge_personal_data(engine, staff=by)   # what came back past its time
    return RestoreResult(check, aside.path)
