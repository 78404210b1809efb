"""A desk damaged on disk, for the tests of what every command and the window say then:
300 orders and an issue, a good backup from 1 November and a damaged newer one, and a
few bytes of a table's page flipped as a failing disk would."""

import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sellerdesk.cli import main
from sellerdesk.services.database import open_database
from sellerdesk.services.protection import backups
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
