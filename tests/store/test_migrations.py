import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from sellerdesk.services.database import open_database
from sellerdesk.store.migrate import HEAD_REVISION, MIGRATIONS_DIR, DatabaseError, current_revision
from sellerdesk.store.tables import metadata


def test_head_constant_matches_alembic():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_migrated_schema_matches_the_models(database):
    with database.engine.connect() as conn:
        assert current_revision(conn) == HEAD_REVISION
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_opening_twice_does_not_migrate_again(db_url):
    first = open_database(db_url)
    first.engine.dispose()
    second = open_database(db_url)
    second.engine.dispose()
    assert first.migration.from_revision is None
    assert second.migration.from_revision == HEAD_REVISION
    assert second.migration.backup is None


def test_sqlite_pragmas(sqlite_database):
    with sqlite_database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_new_database_file_is_private(sqlite_url):
    open_database(sqlite_url).engine.dispose()
    assert Path(sqlite_url).stat().st_mode & 0o077 == 0


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    bogus = tmp_path / "orders.txt"
    bogus.write_text("amazon-order-id\tsku\n" * 100)
    with pytest.raises(DatabaseError, match="is not a SellerDesk database"):
        open_database(str(bogus))
    assert bogus.read_text().startswith("amazon-order-id")  # untouched


def test_someone_elses_sqlite_database_is_refused(tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(DatabaseError, match="holds other tables \\(invoices"):
        open_database(str(other))


def test_a_database_from_a_newer_sellerdesk_is_refused(sqlite_url):
    open_database(sqlite_url).engine.dispose()
    with sqlite3.connect(sqlite_url) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(DatabaseError, match="made by a newer SellerDesk \\(schema 9999\\)"):
        open_database(sqlite_url)


def test_a_locked_database_is_reported_not_crashed(sqlite_url, monkeypatch):
    monkeypatch.setattr("sellerdesk.store.engine.BUSY_TIMEOUT_MS", 200)
    locker = sqlite3.connect(sqlite_url, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError, match="locked by another program"):
            open_database(sqlite_url)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert open_database(sqlite_url).migration.to_revision == HEAD_REVISION


def test_migration_is_all_or_nothing(sqlite_url, monkeypatch):
    """A migration that fails half-way leaves no table behind."""
    def broken_upgrade(config, revision):
        connection = config.attributes["connection"]
        connection.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
        raise sa.exc.OperationalError("ALTER", {}, Exception("disk I/O error"))

    monkeypatch.setattr("alembic.command.upgrade", broken_upgrade)
    with pytest.raises(DatabaseError, match="disk I/O error"):
        open_database(sqlite_url)
    with sqlite3.connect(sqlite_url) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
    assert tables == []
