"""The database engine: where the file lives, SQLite pragmas, and write transactions.

SQLite: foreign keys on, WAL so readers never wait for the importer, synchronous=FULL
because the ledger must survive a power cut, secure_delete so purged buyer data is
overwritten rather than left in free pages, and writes in BEGIN IMMEDIATE so two
writers queue on the busy timeout instead of failing with "database is locked".
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.errors import KnownError

BUSY_TIMEOUT_MS = 15_000
_IMMEDIATE = "sellerdesk_immediate"
SQLITE_HEADER = b"SQLite format 3\x00"
# What SQLite says when the file's pages are not what it wrote: rows read from such a
# file cannot be trusted, so every command stops and says how to restore a backup.
_DAMAGE_SIGNS = ("database disk image is malformed", "file is not a database",
                 "could not decode to utf-8", "database corruption")
# quick_check reads every page: about 1.6 ms a megabyte (0.44 s for 400,000 orders, 273
# MB), so a file up to this size is checked whole at every opening (≤ 50 ms); a larger
# one has every table checked but the imported orders and their items (0.2 ms at 400,000
# orders with an empty desk; the desk's own tables grow slowly), whose damage is
# caught when they are read (DamagedDatabase from reading/writing).
CHECK_WHOLE_UP_TO = 32 * 2**20
_CHECKED_WHEN_READ = frozenset({"orders", "order_item", "order_day",
                                # the orders' search words: derived from them, and read
                                # (so checked) only by a search; a restore writes them anew
                                "order_search", "order_search_data", "order_search_idx",
                                "order_search_docsize",
                                "order_search_config"})


def database_url(target: str | os.PathLike[str]) -> str:
    """A URL passes through; a path becomes an absolute sqlite URL."""
    text = os.fspath(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        try:
            if not path.parent.exists():
                path.parent.mkdir(parents=True, mode=0o700)
            if not path.exists():
                old = os.umask(0o077)  # buyer data may land here: owner-only from the start
                try:
                    path.touch()
                finally:
                    os.umask(old)
        except OSError as exc:
            raise DatabaseError(f"cannot create the database {path}: {exc.strerror}") from None
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    try:
        return sa.create_engine(url, pool_pre_ping=True)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
        raise KnownError(f"{url!r} is not a database SellerDesk can open: {exc}") from None


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite's own is unreliable).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # 64 MB of page cache: bulk imports update several indexes, which spill to disk
        # (and run several times slower) with SQLite's 2 MB default.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class DatabaseError(KnownError):
    """The database cannot be opened or written: locked, full, read-only, not ours."""


class DamagedDatabase(DatabaseError):
    """The SQLite file is damaged (bytes changed on disk): nothing read from it is shown."""


class NotAllowed(DatabaseError):
    """The team database refused: the login's role does not allow it (grants, row rules)."""


def refused(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "permission denied" in text or "row-level security" in text


def location(engine: Engine) -> str:
    path = sqlite_path(str(engine.url))
    return str(path) if path else engine.url.render_as_string(hide_password=True)


def damaged(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return any(sign in text for sign in _DAMAGE_SIGNS)


def backups_folder(database: Path) -> Path:
    """Where SellerDesk keeps a database file's backups (services.protection.backups makes them)."""
    return database.parent / "backups"


def newest_good_backup(database: Path) -> Path | None:
    """The newest backup beside the database that SQLite reads as whole, newest first by
    when it was written; each is opened read-only and quick-checked."""
    try:
        found = sorted(backups_folder(database).glob("*.sqlite3"),
                       key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return None
    for backup in found:
        try:
            with open(backup, "rb") as handle:
                if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                    continue
            uri = f"file:{backup.resolve()}?mode=ro"
            with sqlite3.connect(uri, uri=True) as conn:
                if conn.execute("PRAGMA quick_check(1)").fetchall() == [("ok",)]:
                    return backup
        except (OSError, sqlite3.Error):
            continue
    return None


def damage_sentence(database: Path, found: str) -> str:
    """One sentence: the database is damaged, and the newest good backup to restore."""
    lines = [line for line in found.replace("*** in database main ***", "").splitlines()
             if line.strip()] or ["damaged"]
    detail = lines[0].split(" with text ")[0].strip()[:120]   # not the garbled bytes
    said = f"The database {database} is damaged (SQLite: {detail}), so SellerDesk shows " \
           "nothing from it and changes nothing in it"
    backup = newest_good_backup(database)
    if backup is None:
        return (f"{said}; there is no good backup in {backups_folder(database)}, so keep the "
                f"file as it is for recovery (sqlite3 {database} .recover) and start a new "
                "database with --db.")
    made = datetime.fromtimestamp(backup.stat().st_mtime, UTC)
    return (f"{said}; restore the newest good backup, {backup.name} (made "
            f"{made:%Y-%m-%d %H:%M} UTC), with: sellerdesk --db {database} restore {backup}")


def explain(engine: Engine, exc: BaseException) -> DatabaseError:
    """Turn a driver error the user can do something about into a sentence."""
    text = str(getattr(exc, "orig", exc))
    where = location(engine)
    lowered = text.lower()
    path = sqlite_path(str(engine.url))
    if path is not None and damaged(exc) and _written_by_sqlite(path):
        return DamagedDatabase(damage_sentence(path, text))
    if "not a database" in lowered or "file is encrypted" in lowered:
        return DatabaseError(f"{where} is not a SellerDesk database (not an SQLite file).")
    if "locked" in lowered:
        return DatabaseError(f"{where} is locked by another program; close it and try again. "
                             "Nothing was changed.")
    if "disk is full" in lowered or "no space left" in lowered:
        return DatabaseError(f"The disk holding {where} is full; free some space and try "
                             "again. Nothing was changed.")
    if "readonly" in lowered or "read-only" in lowered:
        return DatabaseError(f"{where} is read-only; SellerDesk cannot save to it.")
    if engine.dialect.name == "postgresql" and "connection" in lowered and "failed" in lowered:
        return _not_connected(engine, lowered)
    if refused(exc):
        first = text.strip().splitlines()[0]
        return NotAllowed(f"Your database login may not do that ({first}); ask a supervisor "
                          "or the team's owner. Nothing was changed.")
    return DatabaseError(f"cannot use {where}: {text}")


def _not_connected(engine: Engine, lowered: str) -> DatabaseError:
    """A PostgreSQL server that would not let this login in, or could not be reached."""
    url = engine.url
    login, database = url.username or "(your user name)", url.database
    server = url.host or url.query.get("host") or "this computer"
    if "permission denied for database" in lowered:
        return NotAllowed(f"The login {login} may not connect to the database {database}: "
                          "it is not one of this team's logins. Ask the team's owner to run "
                          f"sellerdesk team add-user {login} --role agent.")
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return NotAllowed(f"The server {server} did not accept the password for {login}; "
                          "check it in Settings › Team.")
    if "does not exist" in lowered and "role" in lowered:
        return NotAllowed(f"There is no login {login} on the server {server}; ask the "
                          "team's owner to add you.")
    if "does not exist" in lowered and "database" in lowered:
        return DatabaseError(f"There is no database {database} on the server {server}.")
    return DatabaseError(f"The team database on {server} is out of reach (the server is "
                         "not running, or the network is down). Nothing was changed; try "
                         "again when it is back.")


def _written_by_sqlite(path: Path) -> bool:
    """A file SQLite made (its header), so "not a database" means damaged, not foreign;
    an empty or missing file is one SQLite is about to make."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError:
        return False
    return head == SQLITE_HEADER


def check_intact(engine: Engine) -> None:
    """SQLite's quick check at opening (the whole file up to CHECK_WHOLE_UP_TO, else every
    table but the imported orders): a damaged file is refused with the sentence that says
    which backup to restore, before anything is read from it. PostgreSQL: nothing."""
    path = sqlite_path(str(engine.url))
    if path is None or not path.exists() or path.stat().st_size == 0:
        return
    try:
        with outside_transaction(engine) as raw:
            if path.stat().st_size <= CHECK_WHOLE_UP_TO:
                found = [row[0] for row in raw.execute("PRAGMA quick_check(3)")]
            else:
                tables = [row[0] for row in raw.execute(
                    "SELECT name FROM sqlite_schema WHERE type = 'table'")]
                found = [row[0] for table in tables if table not in _CHECKED_WHEN_READ
                         for row in raw.execute(f'PRAGMA quick_check("{table}")')]
    except (sa.exc.DBAPIError, sqlite3.DatabaseError) as exc:
        raise explain(engine, exc) from None
    problems = [line for line in found if line != "ok"]
    if problems:
        raise DamagedDatabase(damage_sentence(path, problems[0]))


def _explained(engine: Engine, exc: sa.exc.DBAPIError) -> BaseException:
    """The sentence for an error a user can act on (damage, a lock, a full disk, a login
    refused); the error itself for anything else (a bug)."""
    if isinstance(exc, sa.exc.OperationalError) or refused(exc) or damaged(exc):
        return explain(engine, exc)
    return exc


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed whole on success, rolled back on any error."""
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                conn = conn.execution_options(**{_IMMEDIATE: True})
            with conn.begin():
                yield conn
    except sa.exc.DBAPIError as exc:
        explained = _explained(engine, exc)
        if explained is exc:
            raise
        raise explained from exc


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    try:
        with engine.connect() as conn:
            yield conn
    except sa.exc.DBAPIError as exc:
        explained = _explained(engine, exc)
        if explained is exc:
            raise
        raise explained from exc


def checkpoint(engine: Engine) -> bool:
    """Copy the write-ahead log into the database file and empty it, so rows deleted a
    moment ago leave no copy in the -wal file. False when another reader holds pages back
    (the log empties at the next checkpoint). PostgreSQL: nothing to do."""
    if engine.dialect.name != "sqlite":
        return True
    with outside_transaction(engine) as raw:
        busy, _, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0


@contextmanager
def outside_transaction(engine: Engine) -> Iterator[Any]:
    """The driver's own SQLite connection, in autocommit, for what SQLite refuses inside
    a transaction (a checkpoint that empties the log, VACUUM INTO)."""
    raw = engine.raw_connection()
    try:
        yield raw.driver_connection
    finally:
        raw.close()


def refresh_statistics(conn: Connection) -> None:
    """Tell SQLite's query planner how big the tables are (sampled: a few milliseconds at
    a million orders). Without it SQLite may walk the orders of a 60-day window where the
    few defects would do. PostgreSQL's autovacuum keeps its own statistics."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA analysis_limit=400")
        conn.exec_driver_sql("ANALYZE")
