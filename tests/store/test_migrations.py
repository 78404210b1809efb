import sqlite3
import tempfile
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from sellerdesk.services.database import open_database
from sellerdesk.store import sqlite_schema
from sellerdesk.store.migrate import (
    HEAD_REVISION,
    MIGRATIONS_DIR,
    DatabaseError,
    MigrationResult,
    current_revision,
    migrated_sqlite_statements,
)
from sellerdesk.store.tables import metadata


def _declared(name, kind, parent) -> bool:
    """Whether the models declare it: the orders' full-text search is made by migration
    0017 alone (an FTS5 table and its shadow tables on SQLite; a GIN index over an
    expression on PostgreSQL), which SQLAlchemy's tables cannot say."""
    return not (name or "").startswith(("order_search", "ix_order_item_words"))


COMPARE = {"compare_type": True, "include_name": _declared}


def test_head_constant_matches_alembic():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_migrated_schema_matches_the_models(database):
    with database.engine.connect() as conn:
        assert current_revision(conn) == HEAD_REVISION
        context = MigrationContext.configure(conn, opts=COMPARE)
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


def _schema(path: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT type, name, sql FROM sqlite_schema "   # not ANALYZE's
                            "WHERE name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()


def test_migration_is_all_or_nothing(sqlite_url, monkeypatch):
    """A migration that fails half-way leaves the database as it was."""
    _database_at(sqlite_url, "0015")
    before = _schema(sqlite_url)

    def broken_upgrade(config, revision):
        connection = config.attributes["connection"]
        connection.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
        raise sa.exc.OperationalError("ALTER", {}, Exception("disk I/O error"))

    monkeypatch.setattr("alembic.command.upgrade", broken_upgrade)
    with pytest.raises(DatabaseError, match="disk I/O error"):
        open_database(sqlite_url)
    assert _schema(sqlite_url) == before


def test_a_new_sqlite_file_is_made_as_the_migrations_make_it(sqlite_url):
    """A new file is made from written statements, not by running the migrations (0.2 s
    of every command that makes one): those statements are what the migrations leave."""
    assert sqlite_schema.REVISION == HEAD_REVISION
    assert list(sqlite_schema.STATEMENTS) == migrated_sqlite_statements(), (
        "the migrations changed: run python -m sellerdesk.store.migrate")
    db = open_database(sqlite_url)
    db.close()
    assert db.migration == MigrationResult(None, HEAD_REVISION, None)
    with tempfile.TemporaryDirectory() as folder:
        migrated = str(Path(folder) / "migrated.sqlite3")
        _database_at(migrated, "head", with_order=False)
        assert _schema(sqlite_url) == _schema(migrated)


def _database_at(url: str, revision: str, *, with_order: bool = True) -> None:
    """A database as an older SellerDesk left it."""
    from alembic import command

    from sellerdesk.store.engine import database_url, make_engine, writing
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(database_url(url))
    with writing(engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        if with_order:
            conn.exec_driver_sql(
                "INSERT INTO orders VALUES ('114-0000000-0000001', '', '2026-10-01 08:00:00', "
                "'2026-10-01 08:00:00', 'Shipped', 'US', 'Amazon.com', 'AFN', 'USD', '', "
                "'US', false, 1, 'Mug', 1450, 0, 0, 0, 1450)")
    engine.dispose()


def test_an_old_database_is_copied_aside_then_migrated_with_its_data(db_url):
    _database_at(db_url, "0001")
    db = open_database(db_url)
    try:
        assert (db.migration.from_revision, db.migration.to_revision) == ("0001", HEAD_REVISION)
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT order_id FROM orders").scalars().all() == [
                "114-0000000-0000001"]
            context = MigrationContext.configure(conn, opts=COMPARE)
            assert compare_metadata(context, metadata) == []
    finally:
        db.engine.dispose()
    if "://" in db_url:
        assert db.migration.backup is None  # PostgreSQL: the transaction is the safety net
    else:
        backup = db.migration.backup
        assert backup.name.startswith("desk.before-0001-")
        with sqlite3.connect(backup) as copy:
            assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
            assert copy.execute("SELECT count(*) FROM orders").fetchone() == (1,)


def test_the_ledger_refuses_update_and_delete(database):
    from sellerdesk.store.engine import writing
    with writing(database.engine) as conn:
        conn.exec_driver_sql(
            "INSERT INTO orders VALUES ('114-0000000-0000001', '', '2026-10-01 08:00:00', "
            "'2026-10-01 08:00:00', 'Shipped', 'US', '', 'AFN', 'USD', '', 'US', false, 1, "
            "'Mug', 1450, 0, 0, 0, 1450)")
        conn.exec_driver_sql(
            "INSERT INTO issue (order_id, type, severity, status, affected, days_late, notes, "
            "assignee, resolution, buyer_response, created_by, created_at, updated_at) VALUES "
            "('114-0000000-0000001', 'damaged', 'minor', 'open', '', 0, '', '', '', '', 'Ana', "
            "'2026-10-02 08:00:00', '2026-10-02 08:00:00')")
        conn.exec_driver_sql(
            "INSERT INTO credit (id, created_at, issue_id, order_id, kind, amount_minor, "
            "currency, reason, staff, explanation, prev_hash, entry_hash) VALUES (1, "
            "'2026-10-02 09:00:00', 1, '114-0000000-0000001', 'courtesy_credit', 250, 'USD', "
            "'', 'Ana', '', 'p', 'e')")
    for statement in ("UPDATE credit SET amount_minor = 1", "DELETE FROM credit"):
        with pytest.raises(sa.exc.DatabaseError, match="credits are append-only"), \
                writing(database.engine) as conn:
            conn.exec_driver_sql(statement)
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT amount_minor FROM credit").scalar() == 250


def test_open_issues_from_before_the_reply_clock_get_their_24_hours(db_url):
    from sellerdesk.store.engine import database_url, make_engine, writing
    from sellerdesk.store.tables import ISSUES
    _database_at(db_url, "0002")
    engine = make_engine(database_url(db_url))
    with writing(engine) as conn:
        for number, status in ((1, "open"), (2, "resolved")):
            conn.exec_driver_sql(
                "INSERT INTO issue (order_id, type, severity, status, affected, days_late, "
                "notes, assignee, resolution, buyer_response, created_by, created_at, "
                f"updated_at) VALUES ('114-0000000-0000001', 'damaged', 'minor', '{status}', "
                f"'', 0, '', '', '', '', 'Ana', '2026-10-0{number} 08:00:00', "
                f"'2026-10-0{number} 08:00:00')")
    engine.dispose()
    db = open_database(db_url)
    try:
        with db.engine.connect() as conn:
            issue = ISSUES.c
            due = conn.execute(sa.select(issue.status, issue.reply_due_at)
                               .order_by(issue.id)).all()
    finally:
        db.engine.dispose()
    assert due == [("open", datetime(2026, 10, 2, 8, 0)), ("resolved", None)]


def test_orders_from_before_the_day_summary_are_counted_into_it(db_url):
    from sellerdesk.store.tables import ORDER_DAYS
    _database_at(db_url, "0004")
    db = open_database(db_url)
    try:
        with db.engine.connect() as conn:
            days = conn.execute(sa.select(ORDER_DAYS)).all()
    finally:
        db.engine.dispose()
    assert [tuple(d) for d in days] == [(date(2026, 10, 1), "US", "AFN", "USD", 1, 1450)]


def test_clock_runs_are_filled_from_the_timelines_already_written(db_url):
    from sellerdesk.store.engine import database_url, make_engine, writing
    from sellerdesk.store.tables import CLOCK_RUNS, TIMELINE
    _database_at(db_url, "0006")
    engine = make_engine(database_url(db_url))
    with writing(engine) as conn:
        conn.exec_driver_sql(
            "INSERT INTO issue (id, order_id, type, severity, status, affected, days_late, "
            "notes, assignee, resolution, buyer_response, created_by, created_at, updated_at) "
            "VALUES (1, '114-0000000-0000001', 'damaged', 'minor', 'open', '', 0, '', '', "
            "'', '', 'Ana', '2026-10-01 08:00:00', '2026-10-01 08:00:00')")
        for hour, kind, text in ((8, "logged", "Damaged, minor"),
                                 (9, "status", "Open → Awaiting buyer"),
                                 (10, "return_received", ""),
                                 (12, "status", "Awaiting buyer → Resolved: refunded")):
            conn.execute(TIMELINE.insert().values(issue_id=1, at=datetime(2026, 10, 1, hour),
                                                  actor="Ana", kind=kind, text=text))
    engine.dispose()
    db = open_database(db_url)
    try:
        with db.engine.connect() as conn:
            found = conn.execute(sa.select(CLOCK_RUNS).order_by(CLOCK_RUNS.c.clock)).all()
    finally:
        db.engine.dispose()
    assert [tuple(r) for r in found] == [
        (1, "atoz_contact", datetime(2026, 10, 1, 8), datetime(2026, 10, 1, 12), 4 * 3600.0),
        (1, "refund_after_return", datetime(2026, 10, 1, 10), None, None)]


def test_orders_stored_before_full_text_search_are_found_by_their_words(db_url):
    from sellerdesk.core.orders import OrderFilter
    from sellerdesk.store.engine import database_url, make_engine, writing
    from sellerdesk.store.orders import count_orders, list_orders
    _database_at(db_url, "0016")
    engine = make_engine(database_url(db_url))
    with writing(engine) as conn:
        conn.exec_driver_sql(
            "INSERT INTO order_item VALUES ('114-0000000-0000001', 0, 'MUG-CER-12', "
            "'B08X9Y7Z6W', 'Café Mug, Speckled Blue', 'Shipped', 1, 1450, 0, 0, 0, 0)")
    engine.dispose()
    db = open_database(db_url)
    try:
        with db.engine.connect() as conn:
            assert count_orders(conn, flt=OrderFilter(search="blue cafe")) == 1
            assert [o.order_id for o in list_orders(conn, flt=OrderFilter(
                search="speckled mug"))] == ["114-0000000-0000001"]
            assert count_orders(conn, flt=OrderFilter(search="red mug")) == 0
    finally:
        db.engine.dispose()
