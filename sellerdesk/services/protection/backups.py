"""Backups of the single-desk SQLite file: one a day by itself (the newest seven kept),
one any time (`sellerdesk backup FILE`), each a consistent snapshot taken while the app
runs and checked whole before it is trusted (services.protection.restore puts one back). A purge
reaches every backup SellerDesk made.

A team database (PostgreSQL) is backed up on its server with pg_dump.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sellerdesk.core.errors import KnownError
from sellerdesk.core.ledger import verify_chain
from sellerdesk.services.clock import now
from sellerdesk.services.protection import personal_data, security_log
from sellerdesk.services.staff import default_staff_name
from sellerdesk.store import credits as ledger_store
from sellerdesk.store import settings as settings_store
from sellerdesk.store import snapshots
from sellerdesk.store.engine import (
    backups_folder,
    explain,
    reading,
    sqlite_path,
    writing,
)
from sellerdesk.store.migrate import current_revision, known_revisions

KEPT = 7
EVERY = timedelta(hours=24)
AUTOMATIC = "sellerdesk-"
MADE_KEY = "backup.files"          # backups saved elsewhere, so a purge can reach them
PG_DUMP = ("A team database is backed up on its server: pg_dump --format=custom "
           "--file=sellerdesk.dump DATABASE_URL (restore with pg_restore). SellerDesk's own "
           "backups are for the single-desk SQLite file.")
log = logging.getLogger(__name__)


class BackupError(KnownError):
    """A backup that cannot be made, read or restored, with the reason."""


@dataclass(frozen=True, slots=True)
class BackupCheck:
    """What a backup holds and whether it is whole."""
    path: Path
    problems: list[str] = field(default_factory=list)
    revision: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    ledger: str = ""
    made_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if not self.ok:
            return f"{self.path} cannot be used: " + "; ".join(self.problems)
        held = ", ".join(f"{n:,} {name.removesuffix('s') if n == 1 else name}"
                         for name, n in self.counts.items())
        made = f", made {self.made_at:%Y-%m-%d %H:%M} UTC" if self.made_at else ""
        return f"{self.path.name}{made}: whole ({held}; {self.ledger})."


def _live_path(engine: Engine) -> Path:
    path = sqlite_path(str(engine.url))
    if path is None:
        raise BackupError(PG_DUMP)
    return path


def backups_dir(engine: Engine) -> Path:
    """`backups/` beside the database file, owner-only."""
    folder = backups_folder(_live_path(engine))
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def check_backup(path: Path) -> BackupCheck:
    path = Path(path)
    if not path.is_file():
        return BackupCheck(path, [f"there is no file {path}"])
    if not snapshots.looks_like_sqlite(path):
        return BackupCheck(path, ["it is not an SQLite database (not a SellerDesk backup)"])
    made = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
    engine = snapshots.file_engine(path, read_only=True)
    try:
        with engine.connect() as conn:
            problems = snapshots.integrity_problems(conn)
            if problems:
                return BackupCheck(path, ["it is damaged: " + "; ".join(problems[:3])],
                                   made_at=made)
            revision = current_revision(conn)
            if revision is None:
                return BackupCheck(path, ["it is not a SellerDesk database"], made_at=made)
            if revision not in known_revisions():
                return BackupCheck(path, [f"it was made by a newer SellerDesk (schema "
                                          f"{revision})"], revision, made_at=made)
            chain = verify_chain(ledger_store.ledger(conn))
            found = [] if chain.ok else [chain.summary()]
            return BackupCheck(path, found, revision, snapshots.counts(conn),
                               chain.summary(), made)
    except sa.exc.DatabaseError as exc:
        return BackupCheck(path, [f"it cannot be read ({getattr(exc, 'orig', exc)})"],
                           made_at=made)
    finally:
        engine.dispose()


def make_backup(engine: Engine, target: Path, *, staff: str | None = None) -> BackupCheck:
    """A checked copy at `target`, whole or not at all: written under a temporary name,
    checked, made durable, then renamed."""
    live = _live_path(engine)
    target = Path(target).expanduser().resolve()
    if target == live.resolve():
        raise BackupError("a backup cannot overwrite the database it copies")
    if not target.parent.is_dir():
        raise BackupError(f"cannot write {target}: there is no folder {target.parent}")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)         # left by a backup cut short
    try:
        snapshots.vacuum_into(engine, partial)
        check = check_backup(partial)
        if not check.ok:
            raise BackupError(f"the backup came out damaged and was not kept: "
                              f"{'; '.join(check.problems)}")
        snapshots.sync_file(partial)
        partial.replace(target)
    except sa.exc.OperationalError as exc:
        raise explain(engine, exc) from None
    except OSError as exc:
        raise BackupError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    by = staff or default_staff_name()
    with writing(engine) as conn:
        if target.parent != backups_dir(engine):
            remember_backup(conn, target, by)
        security_log.record(conn, "backup", str(target), actor=by)
    return BackupCheck(target, [], check.revision, check.counts, check.ledger,
                       now())


def remember_backup(conn: sa.Connection, target: Path, by: str) -> None:
    known = made_elsewhere(conn)
    if str(target) not in known:
        known.append(str(target))
    settings_store.put_setting(conn, key=MADE_KEY, value=json.dumps(known), by=by, now=now())


def made_elsewhere(conn: sa.Connection) -> list[str]:
    text = settings_store.setting(conn, key=MADE_KEY)
    return json.loads(text) if text else []


def automatic_backups(engine: Engine) -> list[Path]:
    """Newest first."""
    return sorted(backups_dir(engine).glob(f"{AUTOMATIC}*.sqlite3"), reverse=True)


def made_at(backup: Path) -> datetime:
    """When an automatic backup was made, by the desk's clock, as its name says (naive
    UTC); the file's own time only for a name that is not ours."""
    try:
        return datetime.strptime(backup.stem.removeprefix(AUTOMATIC), "%Y%m%d-%H%M%S")
    except ValueError:
        return datetime.fromtimestamp(backup.stat().st_mtime, UTC).replace(tzinfo=None)


def daily_backup(engine: Engine, *, staff: str | None = None) -> BackupCheck | None:
    """A backup when the last automatic one is a day old (or there is none); the oldest
    beyond the newest seven are deleted. Nothing for a team database."""
    if sqlite_path(str(engine.url)) is None:
        return None
    made = automatic_backups(engine)
    if made and now() - made_at(made[0]) < EVERY:
        return None
    name = f"{AUTOMATIC}{now():%Y%m%d-%H%M%S}.sqlite3"
    check = make_backup(engine, backups_dir(engine) / name, staff=staff or "SellerDesk")
    for old in automatic_backups(engine)[KEPT:]:
        old.unlink(missing_ok=True)
    return check


def known_backups(engine: Engine) -> list[Path]:
    """Every backup SellerDesk made that still exists: the automatic ones, the copies made
    before a migration or a restore, and those saved elsewhere."""
    live = _live_path(engine)
    with reading(engine) as conn:
        elsewhere = [Path(p) for p in made_elsewhere(conn)]
    found = [*backups_dir(engine).glob("*.sqlite3"),
             *live.parent.glob(f"{live.stem}.before-*{live.suffix}"), *elsewhere]
    return sorted({p for p in found if p.is_file()})


def purge_backups(engine: Engine, *, as_of: date, by: str) -> list[Path]:
    """Purge the personal data due from every backup SellerDesk made, each whole or not at
    all. A backup that cannot be opened is named in the log and left."""
    if sqlite_path(str(engine.url)) is None:
        return []
    with reading(engine) as conn:
        days = personal_data.retention_days(conn)
    purged = []
    for path in known_backups(engine):
        backup = snapshots.file_engine(path)
        try:
            with backup.begin() as conn:
                if not snapshots.has_personal_data_table(conn):
                    continue
                report = personal_data.purge_in(conn, as_of=as_of, by=by, days=days,
                                                log=False)
            if report.anything:
                purged.append(path)
        except sa.exc.DatabaseError as exc:
            log.warning("could not purge the backup %s: %s", path, getattr(exc, "orig", exc))
        finally:
            backup.dispose()
    return purged
