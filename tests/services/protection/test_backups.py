"""Backups: a consistent copy made while others write, checked whole before it is kept;
damaged, foreign or newer copies named as such; a restore that keeps the current file
aside and never loses the security log; seven daily backups kept."""

import os
import sqlite3
import subprocess
import threading
import time
from datetime import timedelta

import pytest

from sellerdesk.core.issues import IssueType
from sellerdesk.services.clock import now
from sellerdesk.services.credits import issue_credit, verify_ledger
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue, list_issues
from sellerdesk.services.protection import backups, restore
from sellerdesk.services.protection.security_log import security_events
from sellerdesk.store.engine import DatabaseError
from tests.helpers.reports import row, write

ORDER, LATER = "114-3941689-8772232", "114-3941689-0000002"


@pytest.fixture
def engine(sqlite_database, tmp_path):
    write(tmp_path / "orders.txt", [row(ORDER, price="40.00")])
    import_orders(sqlite_database.engine, tmp_path / "orders.txt")
    issue = add_issue(sqlite_database.engine, order_id=ORDER,
                           issue_type=IssueType.DAMAGED, staff="Ana")
    issue_credit(sqlite_database.engine, issue_id=issue.issue_id, staff="Ana")
    return sqlite_database.engine


def test_a_backup_is_a_checked_snapshot_made_while_another_writer_is_busy(
        engine, sqlite_url, tmp_path):
    other = sqlite3.connect(sqlite_url, isolation_level=None)   # another window, writing
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO desk_setting VALUES ('half', 'x', 'Ana', '2026-11-23 10:00')")
    made: list = []
    worker = threading.Thread(target=lambda: made.append(
        backups.make_backup(engine, tmp_path / "copy.sqlite3", staff="Ana")))
    worker.start()
    deadline = time.monotonic() + 30
    while not (tmp_path / "copy.sqlite3").exists() and time.monotonic() < deadline:
        time.sleep(0.01)      # the copy is made while the other write is open...
    other.execute("COMMIT")   # ...and the backup's log line waits its turn, no lock error
    other.close()
    worker.join(30)
    check = made[0]
    assert check.ok
    assert check.counts == {"orders": 1, "issues": 1, "credits": 1,
                                         "personal data": 0}
    assert "ledger intact: 1 entries" in check.summary()
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("SELECT count(*) FROM desk_setting WHERE key='half'").fetchone() \
            == (0,)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert oct((tmp_path / "copy.sqlite3").stat().st_mode & 0o777) == "0o600"
    assert next(e.action for e in security_events(engine)) == "backup"
    assert not list(tmp_path.glob(".*partial"))


def test_a_backup_cannot_overwrite_its_database_or_go_nowhere(engine, sqlite_url, tmp_path):
    with pytest.raises(backups.BackupError, match="cannot overwrite the database"):
        backups.make_backup(engine, sqlite_url)
    with pytest.raises(backups.BackupError, match="there is no folder"):
        backups.make_backup(engine, tmp_path / "nowhere" / "copy.sqlite3")


def test_a_full_disk_is_said_and_leaves_nothing_behind(engine, tmp_path):
    """A real full disk: a 256 KB tmpfs (these machines run the tests as root)."""
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(tiny)], check=True)
    try:
        write(tmp_path / "more.txt", [row(f"114-{n:07d}-1111111", title="x" * 400)
                                      for n in range(2_000)])
        import_orders(engine, tmp_path / "more.txt")
        with pytest.raises(DatabaseError, match=r"The disk holding .*tiny is full"):
            backups.make_backup(engine, tiny / "copy.sqlite3")
        assert list(tiny.iterdir()) == []
    finally:
        subprocess.run(["umount", str(tiny)], check=True)


def _damage(path, at, data):
    with open(path, "r+b") as f:
        f.seek(at)
        f.write(data)


def test_the_check_names_what_is_wrong_with_a_copy(engine, tmp_path):
    good = tmp_path / "good.sqlite3"
    backups.make_backup(engine, good)
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("not a database")
    assert "not an SQLite database" in backups.check_backup(notes).summary()
    assert "there is no file" in backups.check_backup(tmp_path / "gone.sqlite3").summary()

    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert not backups.check_backup(truncated).ok

    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(good.read_bytes())
    page = 4096
    _damage(damaged, page * 3 + 8, os.urandom(page - 16))
    assert not backups.check_backup(damaged).ok

    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes(good.read_bytes())
    with sqlite3.connect(newer) as c:
        c.execute("UPDATE alembic_version SET version_num = '9999'")
    assert "made by a newer SellerDesk (schema 9999)" in backups.check_backup(newer).summary()

    altered = tmp_path / "altered.sqlite3"
    altered.write_bytes(good.read_bytes())
    with sqlite3.connect(altered) as c:
        for (name,) in c.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
            c.execute(f"DROP TRIGGER {name}")
        c.execute("UPDATE credit SET amount_minor = amount_minor * 10")
    assert "ledger altered at entry 1" in backups.check_backup(altered).summary()


def test_a_restore_puts_the_backup_back_keeps_the_current_file_and_the_log(engine, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    backups.make_backup(engine, copy, staff="Olivia")
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.WRONG_ITEM,
                           staff="Ana")
    issue_credit(engine, issue_id=issue.issue_id, amount="2.00", reason="goodwill",
                      staff="Ana")
    assert len(list_issues(engine)) == 2
    later = tmp_path / "later.sqlite3"
    backups.make_backup(engine, later, staff="Olivia")

    result = restore.restore_backup(engine, copy, staff="Olivia")
    assert {copy, later} <= set(backups.known_backups(engine))   # a purge still reaches both
    assert len(list_issues(engine)) == 1
    assert verify_ledger(engine).entries == 1
    assert result.kept_aside.parent == backups.backups_dir(engine)
    kept = backups.check_backup(result.kept_aside)
    assert kept.ok
    assert kept.counts["issues"] == 2
    assert kept.counts["credits"] == 2
    actions = [e.action for e in security_events(engine)]
    # the credit given after the backup is still in the log, and the restore on top
    assert actions[0] == "restore"
    assert actions.count("credit_given") == 2
    assert "Restored copy.sqlite3" in result.summary()


def test_a_damaged_backup_is_refused_and_nothing_changes(engine, tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    with pytest.raises(backups.BackupError, match=r"bad\.sqlite3 cannot be used"):
        restore.restore_backup(engine, bad)
    assert len(list_issues(engine)) == 1
    assert not list(backups.backups_dir(engine).glob("before-restore-*"))


def test_one_backup_a_day_and_the_newest_seven_kept(engine):
    first = backups.daily_backup(engine)
    assert first is not None
    assert first.path.name.startswith("sellerdesk-")
    assert backups.daily_backup(engine) is None          # one a day
    folder = backups.backups_dir(engine)
    # Nine older ones, each named for the day the desk's clock made it; and the first one,
    # as if made two days ago.
    older = [folder / f"sellerdesk-{now() - timedelta(days=n + 2):%Y%m%d-%H%M%S}.sqlite3"
             for n in range(1, 10)]
    for old in older:
        old.write_bytes(first.path.read_bytes())
    first.path.rename(folder / f"sellerdesk-{now() - timedelta(days=2):%Y%m%d-%H%M%S}.sqlite3")
    made = backups.daily_backup(engine)
    assert made is not None
    kept = backups.automatic_backups(engine)
    assert len(kept) == 7
    assert made.path in kept
    assert [p.exists() for p in older] == [True] * 5 + [False] * 4


@pytest.mark.postgres
def test_a_team_database_is_pointed_to_pg_dump(postgres, tmp_path):
    from sellerdesk.services.database import open_database
    with open_database(postgres.new_database()) as db:
        with pytest.raises(backups.BackupError, match="pg_dump --format=custom"):
            backups.make_backup(db.engine, tmp_path / "copy.sqlite3")
        assert backups.daily_backup(db.engine) is None


def test_a_restore_writes_the_search_words_again_from_the_orders(engine, tmp_path):
    """The words are tied to each order's rowid, which SQLite does not promise to keep
    through VACUUM INTO; here the backup's words are lost outright, and the restored desk
    still finds its orders by word."""
    from sellerdesk.core.orders import OrderFilter
    from sellerdesk.store.engine import reading
    from sellerdesk.store.orders import list_orders
    copy = tmp_path / "copy.sqlite3"
    backups.make_backup(engine, copy, staff="Olivia")
    with sqlite3.connect(copy) as conn:
        conn.execute("INSERT INTO order_search (order_search) VALUES ('delete-all')")
    restore.restore_backup(engine, copy, staff="Olivia")
    with reading(engine) as conn:
        found = list_orders(conn, flt=OrderFilter(search="cook year"), offset=0, limit=10)
    assert [o.order_id for o in found] == [ORDER]
