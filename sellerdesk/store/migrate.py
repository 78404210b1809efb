"""Bring a database to the newest schema at start.

The newest revision is a constant so that an up-to-date database is recognised without
importing Alembic (a fifth of a second at start-up); a test keeps it equal to Alembic's
head. Before a migration touches an existing SQLite file, the file is copied aside.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sellerdesk.store.engine import DatabaseError, explain, location, sqlite_path, writing

HEAD_REVISION = "0016"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


@dataclass(frozen=True, slots=True)
class MigrationResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None  # the copy made before migrating, if any


def current_revision(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def known_revisions() -> set[str]:
    return {p.stem.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("*.py")}


def upgrade(engine: Engine) -> MigrationResult:
    """Migrate to the newest schema in one transaction; raise DatabaseError with a
    sentence the user can act on when the file is not a SellerDesk database."""
    try:
        with engine.connect() as conn:
            revision = current_revision(conn)
            tables = sa.inspect(conn).get_table_names()
    except sa.exc.DatabaseError as exc:
        raise explain(engine, exc) from None
    if revision == HEAD_REVISION:
        return MigrationResult(revision, HEAD_REVISION, None)
    if revision is None and tables:
        raise DatabaseError(
            f"{location(engine)} holds other tables ({', '.join(sorted(tables)[:3])}…) and is "
            "not a SellerDesk database; choose another file."
        )
    if revision is not None and revision not in known_revisions():
        raise DatabaseError(
            f"{location(engine)} was made by a newer SellerDesk (schema {revision}); "
            "update SellerDesk to open it."
        )
    backup = _copy_aside(engine, revision) if revision is not None else None
    _run_alembic(engine)
    return MigrationResult(revision, HEAD_REVISION, backup)


def _run_alembic(engine: Engine) -> None:
    from alembic import command  # heavy: only when a migration is really needed
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with writing(engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def _copy_aside(engine: Engine, revision: str) -> Path | None:
    path = sqlite_path(str(engine.url))
    if path is None:
        return None  # PostgreSQL: migrations are transactional; backups are the DBA's pg_dump
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.before-{revision}-{stamp}{path.suffix}")
    # The backup API copies a consistent snapshot, WAL included.
    with sqlite3.connect(path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target
