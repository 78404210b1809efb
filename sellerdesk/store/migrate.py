"""Bring a database to the newest schema at start.

The newest revision is a constant so that an up-to-date database is recognised without
importing Alembic (a fifth of a second at start-up); a test keeps it equal to Alembic's
head. Before a migration touches an existing SQLite file, the file is copied aside.

A new SQLite file is not migrated: it is made from the statements the migrations leave
in an SQLite file (store/sqlite_schema.py, written by `python -m sellerdesk.store.migrate`
and held equal to them by a test), in one transaction — a few milliseconds where importing
Alembic and running every migration took 0.2 s of `sellerdesk import orders` on a new file.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sellerdesk.store.engine import DatabaseError, explain, location, sqlite_path, writing

HEAD_REVISION = "0022"
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
    if revision is None and engine.dialect.name == "sqlite" and _create_newest(engine):
        return MigrationResult(None, HEAD_REVISION, None)
    backup = _copy_aside(engine, revision) if revision is not None else None
    _run_alembic(engine)
    return MigrationResult(revision, HEAD_REVISION, backup)


def _create_newest(engine: Engine) -> bool:
    """Make the newest schema in a new SQLite file in one transaction; False (nothing
    done) when the written statements are not those of the newest revision."""
    from sellerdesk.store import sqlite_schema

    if sqlite_schema.REVISION != HEAD_REVISION:
        return False        # a migration added since they were written: migrate instead
    with writing(engine) as conn:
        for statement in sqlite_schema.STATEMENTS:
            conn.exec_driver_sql(statement)
    return True


def _run_alembic(engine: Engine) -> None:
    from alembic import command  # heavy: only when a migration is really needed
    from alembic.config import Config

    from sellerdesk.store import team  # its tables' models too: ~0.1 s at every start

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with writing(engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        if conn.dialect.name == "postgresql" and team.team_login(conn) is not None:
            # A team's owner upgrades it by opening it (an agent may not): the tables the
            # migration added are shared with the team in the same transaction, as
            # `team init` shares the others, or every agent would meet a refusal on them.
            team.grant_privileges(conn)


def migrated_sqlite_statements() -> list[str]:
    """What running every migration leaves in a new SQLite file: its tables, indexes and
    triggers as SQLite keeps them, in the order they were made, then its rows."""
    import tempfile

    from sellerdesk.store.engine import database_url, make_engine

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(database_url(Path(folder) / "migrated.sqlite3"))
        try:
            _run_alembic(engine)
            with engine.connect() as conn:
                # A virtual table (the orders' full-text index) makes its own shadow
                # tables and their rows: neither is written down.
                shadows = {name for name, kind in conn.exec_driver_sql(
                    "SELECT name, type FROM pragma_table_list") if kind == "shadow"}
                made = [row for row in conn.exec_driver_sql(
                    "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY rowid").all()
                    if row.name not in shadows]
                statements = [sql for _, _, sql in made]
                for kind, table, sql in made:
                    if kind != "table" or sql.startswith("CREATE VIRTUAL"):
                        continue
                    for row in conn.exec_driver_sql(f'SELECT * FROM "{table}"'):
                        values = ", ".join(_literal(v) for v in row)
                        statements.append(f'INSERT INTO "{table}" VALUES ({values})')
        finally:
            engine.dispose()
    return statements


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def write_sqlite_schema() -> Path:
    """Write store/sqlite_schema.py from the migrations (run after adding one)."""
    target = Path(__file__).with_name("sqlite_schema.py")
    lines = [
        "# ruff: noqa: E501",
        '"""The newest schema as the migrations leave it in a new SQLite file, for making',
        "one in a single transaction (store.migrate). Written by `python -m",
        "sellerdesk.store.migrate`; a test holds it equal to the migrations: do not edit.",
        '"""',
        "",
        f"REVISION = {HEAD_REVISION!r}",
        "",
        "STATEMENTS = (",
        *(f"    {statement!r}," for statement in migrated_sqlite_statements()),
        ")",
        "",
    ]
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


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


if __name__ == "__main__":
    print(f"wrote {write_sqlite_schema()}")
