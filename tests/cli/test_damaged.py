"""A database file damaged on disk (a few bytes of an orders page changed): every command
stops with one sentence that names the newest good backup and the restore command —
never a traceback, never rows read from the damaged page — and that command brings the
desk back."""

import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sellerdesk.cli import main
from sellerdesk.services.database import open_database
from sellerdesk.services.protection import backups
from sellerdesk.store import engine as engine_module
from tests.helpers.reports import row, write

ORDERS = [f"114-0000000-{n:07d}" for n in range(300)]
NOV_1, NOV_2 = datetime(2026, 11, 1, 9, tzinfo=UTC), datetime(2026, 11, 2, 9, tzinfo=UTC)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def flip_bytes(path: Path, page: int, offset: int = 0, count: int = 8) -> None:
    """Invert `count` bytes of a page, as a failing disk or a bad copy would."""
    with sqlite3.connect(path) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * size + offset)
        data = handle.read(count)
        handle.seek((page - 1) * size + offset)
        handle.write(bytes(b ^ 0xFF for b in data))


def damage_orders_page(path: Path, table: str = "orders") -> int:
    """Flip the header of the table's last leaf page in tree order (found through SQLite's
    dbstat table: the rows imported last, which the window shows first) once the write-
    ahead log is in the file. Returns the page number."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' "
                            "ORDER BY path DESC LIMIT 1", (table,)).fetchone()[0]
    flip_bytes(path, page)
    return page


def desk_with_backups(tmp_path: Path, capsys) -> tuple[Path, Path]:
    """A desk of 300 orders and an issue, a good backup from 1 November and a newer one
    from 2 November that is itself damaged. Returns (database, the good backup)."""
    db = tmp_path / "desk.sqlite3"
    report = write(tmp_path / "orders.txt", [row(o, price="20.00") for o in ORDERS])
    assert run(capsys, "--db", str(db), "import", "orders", str(report))[0] == 0
    assert run(capsys, "--db", str(db), "issue", "add", ORDERS[7], "--type", "damaged")[0] == 0
    with open_database(str(db)) as database:
        folder = backups.backups_dir(database.engine)
        good = backups.make_backup(database.engine, folder / "sellerdesk-20261101-090000"
                                   ".sqlite3", staff="Ana").path
        bad = backups.make_backup(database.engine, folder / "sellerdesk-20261102-090000"
                                  ".sqlite3", staff="Ana").path
    flip_bytes(bad, 2)
    for backup, when in ((good, NOV_1), (bad, NOV_2)):
        os.utime(backup, (when.timestamp(), when.timestamp()))
    return db, good


def said(db: Path, good: Path) -> re.Pattern:
    return re.compile(
        rf"sellerdesk: The database {re.escape(str(db))} is damaged \(SQLite: [^)]+\), so "
        r"SellerDesk shows nothing from it and changes nothing in it; restore the newest "
        r"good backup, sellerdesk-20261101-090000\.sqlite3 \(made 2026-11-01 09:00 UTC\), "
        rf"with: sellerdesk --db {re.escape(str(db))} restore {re.escape(str(good))}\n")


@pytest.mark.parametrize("command", [
    ["order", "list", "--limit", "500"], ["issue", "list"], ["metrics"],
    ["order", "show", ORDERS[7]], ["--json", "order", "list", "--limit", "500"],
    ["issue", "add", ORDERS[8], "--type", "damaged"],
])
def test_every_command_names_the_good_backup_and_shows_no_rows(capsys, tmp_path, command):
    db, good = desk_with_backups(tmp_path, capsys)
    damage_orders_page(db)
    code, out, err = run(capsys, "--db", str(db), *command)
    assert (code, out) == (1, "")
    assert said(db, good).fullmatch(err), err


def test_the_command_it_names_brings_the_desk_back(capsys, tmp_path):
    db, _good = desk_with_backups(tmp_path, capsys)
    damage_orders_page(db)
    err = run(capsys, "--db", str(db), "order", "list")[2]
    restore = err.rstrip().rsplit("with: sellerdesk ", 1)[1].split()
    code, out, err = run(capsys, *restore)
    assert (code, err) == (0, "")
    assert out.startswith("Restored sellerdesk-20261101-090000.sqlite3: ")
    [aside] = tmp_path.glob("desk.damaged-*.sqlite3")
    assert f"kept at {aside}" in out
    code, out, _ = run(capsys, "--db", str(db), "order", "list", "--limit", "500")
    assert (code, len(out.splitlines())) == (0, 300)
    assert run(capsys, "--db", str(db), "issue", "list")[1].count(ORDERS[7]) == 1


def test_a_large_file_is_checked_table_by_table_and_its_orders_when_read(
        capsys, tmp_path, monkeypatch):
    db, good = desk_with_backups(tmp_path, capsys)
    damage_orders_page(db)
    # as a file past the whole-file check: the orders are not checked at opening...
    monkeypatch.setattr(engine_module, "CHECK_WHOLE_UP_TO", 0)
    code, out, err = run(capsys, "--db", str(db), "order", "list", "--limit", "500")
    # ...but reading them says the same sentence, with no row printed
    assert (code, out) == (1, "")
    assert said(db, good).fullmatch(err), err


def test_a_large_files_other_tables_are_checked_at_opening(capsys, tmp_path, monkeypatch):
    db, good = desk_with_backups(tmp_path, capsys)
    damage_orders_page(db, "issue")
    monkeypatch.setattr(engine_module, "CHECK_WHOLE_UP_TO", 0)
    code, out, err = run(capsys, "--db", str(db), "order", "list", "--limit", "5")
    assert (code, out) == (1, "")
    assert said(db, good).fullmatch(err), err


def test_without_a_good_backup_it_says_so(capsys, tmp_path):
    db = tmp_path / "desk.sqlite3"
    report = write(tmp_path / "orders.txt", [row(o, price="20.00") for o in ORDERS])
    run(capsys, "--db", str(db), "import", "orders", str(report))
    damage_orders_page(db)
    code, out, err = run(capsys, "--db", str(db), "metrics")
    assert (code, out) == (1, "")
    assert err.endswith(f"there is no good backup in {tmp_path / 'backups'}, so keep the "
                        f"file as it is for recovery (sqlite3 {db} .recover) and start a new "
                        "database with --db.\n")
