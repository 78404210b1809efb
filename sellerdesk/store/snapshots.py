"""Whole-file copies of an SQLite database: VACUUM INTO for a backup (a consistent
snapshot while others keep writing), SQLite's backup API for a restore (pages copied
into the live file under its own locks, so open connections see the restored data), and
the checks that say whether a copy is whole."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from sellerdesk.store.engine import (
    BUSY_TIMEOUT_MS,
    DatabaseError,
    damaged,
    explain,
    outside_transaction,
    sqlite_path,
)
from sellerdesk.store.tables import (
    AMAZON_ODR,
    CREDITS,
    DEFECTS,
    ISSUES,
    ORDER_RETURNS,
    ORDERS,
    PERSONAL_DATA,
    SETTLEMENTS,
)

SQLITE_HEADER = b"SQLite format 3\x00"


def file_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on a copy (a backup): no WAL, so the copy stays one self-contained file."""
    if read_only:
        url = f"sqlite:///file:{Path(path).resolve()}?mode=ro&uri=true"
    else:
        url = f"sqlite:///{Path(path).resolve()}"
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool,
                              connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA secure_delete=ON")
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
    return engine


def looks_like_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def vacuum_into(engine: Engine, target: Path) -> None:
    """A compact, consistent copy of the live database at `target` (which must not exist).
    Freed pages are not copied, so rows deleted before are not in the copy."""
    old = os.umask(0o077)
    try:
        with outside_transaction(engine) as raw:
            raw.execute("VACUUM INTO ?", (str(target),))
    except sqlite3.Error as exc:
        if damaged(exc):        # a damaged file is said as such, with the backup to restore
            raise explain(engine, exc) from None
        if "full" in str(exc):
            raise DatabaseError(f"The disk holding {target.parent} is full; free some space "
                                "or choose another place. Nothing was written.") from None
        raise DatabaseError(f"cannot write a copy into {target.parent}: {exc}") from None
    finally:
        os.umask(old)


def copy_into(source: Path, engine: Engine) -> None:
    """Replace the live database's contents with `source`'s, page by page, in one write
    transaction of the live file."""
    live = sqlite_path(str(engine.url))
    assert live is not None
    try:
        with sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True) as src, \
                sqlite3.connect(live, timeout=BUSY_TIMEOUT_MS / 1000) as dst:
            src.backup(dst)
    except sqlite3.Error as exc:      # locked by another window, a full disk, read-only
        raise explain(engine, exc) from None


def integrity_problems(conn: Connection) -> list[str]:
    rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check(20)")]
    return [] if rows == ["ok"] else rows


def counts(conn: Connection) -> dict[str, int]:
    tables = {"orders": ORDERS, "issues": ISSUES, "credits": CREDITS}
    if sa.inspect(conn).has_table(PERSONAL_DATA.name):
        tables["personal data"] = PERSONAL_DATA
    return {name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for name, table in tables.items()}


def records_held(conn: Connection) -> dict[str, int]:
    """The seller's records in the database, by kind, leaving out kinds it has none of:
    empty when the database is new (a policy and settings are not records)."""
    tables = {"orders": ORDERS, "issues": ISSUES, "credits": CREDITS, "defects": DEFECTS,
              "returns": ORDER_RETURNS, "settlements": SETTLEMENTS,
              "Amazon performance reports": AMAZON_ODR}
    held = {name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for name, table in tables.items()}
    return {name: n for name, n in held.items() if n}


def has_personal_data_table(conn: Connection) -> bool:
    return sa.inspect(conn).has_table(PERSONAL_DATA.name)


def sync_file(path: Path) -> None:
    """Make the file and its folder entry durable before it is trusted as a backup."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
    if hasattr(os, "O_DIRECTORY"):
        folder = os.open(path.parent, os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
