"""The command line's data-protection commands: buyer details on `issue add`, `purge-pii`
(dry run, retention, as-of), `backup`, `restore`, `rotate-key` and `security-log`."""

import json
import sqlite3
from pathlib import Path

import pytest

from sellerdesk.cli import main
from tests.helpers.reports import row, write

ORDER = "114-3941689-8772232"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_buyer_details_are_sealed_purged_backed_up_and_logged(capsys, sqlite_url, tmp_path):
    write(tmp_path / "orders.txt", [row(ORDER, date="2026-10-01T08:13:02+00:00")])
    assert run(capsys, "--db", sqlite_url, "import", "orders", str(tmp_path / "orders.txt"))[0] == 0
    code, out, _ = run(capsys, "--db", sqlite_url, "issue", "add", ORDER, "--type", "damaged",
                       "--buyer-name", "Zed Canarysson", "--buyer-address", "9 Canary Row",
                       "--staff", "Olivia", "--json")
    assert code == 0
    issue_id = json.loads(out)["issue_id"]
    with sqlite3.connect(sqlite_url) as conn:
        assert conn.execute("SELECT count(*) FROM personal_data").fetchone() == (2,)
    assert b"Canary" not in Path(sqlite_url).read_bytes()

    code, out, _ = run(capsys, "--db", sqlite_url, "backup", str(tmp_path / "b.sqlite3"),
                       "--json")
    assert code == 0
    assert json.loads(out)["counts"] == {"orders": 1, "issues": 1, "credits": 0,
                                         "personal data": 2}

    code, out, _ = run(capsys, "--db", sqlite_url, "purge-pii", "--dry-run",
                       "--as-of", "2026-10-31", "--json")
    assert json.loads(out) | {"backups": []} == {
        "as_of": "2026-10-31", "retention_days": 30, "dry_run": True, "issues": [issue_id],
        "cells": 2, "texts": 0, "mails": 0, "evidence_files": 0, "backups": []}
    code, out, _ = run(capsys, "--db", sqlite_url, "purge-pii", "--as-of", "2026-10-30")
    assert "No buyer personal data is due for purging as of 2026-10-30" in out
    code, out, _ = run(capsys, "--db", sqlite_url, "purge-pii", "--retention-days", "10",
                       "--staff", "Olivia")
    assert code == 0
    assert "2 buyer detail(s) on 1 issue(s) purged" in out
    assert "Also purged from 1 backup(s)" in out
    with sqlite3.connect(tmp_path / "b.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM personal_data").fetchone() == (0,)

    code, out, _ = run(capsys, "--db", sqlite_url, "security-log", "--json")
    actions = [e["action"] for e in json.loads(out)]
    assert actions[:3] == ["purge", "retention_set", "backup"]
    assert "Canary" not in out

    code, out, _ = run(capsys, "--db", sqlite_url, "restore", str(tmp_path / "b.sqlite3"))
    assert code == 0
    assert "Restored b.sqlite3" in out
    code, out, _ = run(capsys, "--db", sqlite_url, "security-log")
    assert "Backup restored: " in out
    assert "Personal data purged" in out


def test_rotate_key_and_what_goes_wrong(capsys, sqlite_url, tmp_path):
    write(tmp_path / "orders.txt", [row(ORDER)])
    run(capsys, "--db", sqlite_url, "import", "orders", str(tmp_path / "orders.txt"))
    run(capsys, "--db", sqlite_url, "issue", "add", ORDER, "--type", "damaged",
        "--buyer-email", "zed@example.com")
    code, out, _ = run(capsys, "--db", sqlite_url, "rotate-key", "--json")
    assert code == 0
    assert json.loads(out) == {"resealed": 1, "unreadable": 0, "keyring": True}

    (tmp_path / "junk.sqlite3").write_text("hello")
    code, _, err = run(capsys, "--db", sqlite_url, "restore", str(tmp_path / "junk.sqlite3"))
    assert code == 1
    assert "junk.sqlite3 cannot be used: it is not an SQLite database" in err
    code, _, err = run(capsys, "--db", sqlite_url, "backup", str(tmp_path / "no" / "b.sqlite3"))
    assert code == 1
    assert "there is no folder" in err
    with pytest.raises(SystemExit) as usage:
        main(["--db", sqlite_url, "purge-pii", "--as-of", "tomorrow"])
    assert usage.value.code == 2
