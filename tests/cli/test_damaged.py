"""A database file damaged on disk (a few bytes of an orders page changed): every command
stops with one sentence that names the newest good backup and the restore command —
never a traceback, never rows read from the damaged page — and that command brings the
desk back."""

import pytest

from sellerdesk.store import engine as engine_module
from tests.helpers.damaged_desk import ORDERS, damage_orders_page, desk_with_backups, run, said
from tests.helpers.reports import row, write


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
