"""Crash safety: children that give credits, import, purge, rotate the key or back up are
killed with SIGKILL at random moments. After every kill the database passes SQLite's
integrity check, every credit a child reported as committed is there with its hash, the
chain verifies, and each interrupted operation is there whole or not at all. Two
children crediting one order at once never see a lock error and never pass the order's
total."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import keyring
import pytest
import sqlalchemy as sa

from sellerdesk.core.issues import IssueType
from sellerdesk.services.credits import verify_ledger
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue, order_activity
from sellerdesk.services.protection import backups, data_keys, personal_data
from sellerdesk.services.protection.purge import purge_personal_data
from sellerdesk.store.engine import reading
from tests.conftest import REPO
from tests.helpers.file_keyring import VARIABLE, FileKeyring
from tests.helpers.reports import row, write
from tests.helpers.staffing import owner_at_work

KILLS, SOAK_KILLS = 200, 5_000
OLD_DATE = "2026-09-01T10:00:00+00:00"


class Forker:
    """tests/helpers/crash_child.py running: forks a child per command."""

    def __init__(self, keyring_file: Path) -> None:
        env = {**os.environ, VARIABLE: str(keyring_file)}
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.helpers.crash_child"], cwd=REPO,
                                     env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        assert self._line() == "ready"
        self.pins_given: set[str] = set()

    def _line(self) -> str:
        line = self.proc.stdout.readline().strip()
        assert line, "the crash child's forker died"
        return line

    def start(self, **command) -> int:
        self.give_pin(command["db"])
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        return int(self._line())

    def reap(self, pid: int) -> int:
        self.proc.stdin.write(json.dumps({"reap": pid}) + "\n")
        self.proc.stdin.flush()
        return int(self._line())

    def kill(self, pid: int) -> None:
        os.kill(pid, signal.SIGKILL)
        self.reap(pid)

    def give_pin(self, db: str) -> None:
        """The owner's PIN, given once per database before any work is timed."""
        if db not in self.pins_given:
            self.proc.stdin.write(json.dumps({"pin": db}) + "\n")
            self.proc.stdin.flush()
            assert self._line() == "ok"
            self.pins_given.add(db)

    def run(self, **command) -> float:
        """Start and wait for the end; returns how long it took."""
        self.give_pin(command["db"])
        started = time.monotonic()
        status = self.reap(self.start(**command))
        assert status == 0, Path(command["report"]).read_text()
        return time.monotonic() - started

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)
        self.proc.stdout.close()


@pytest.fixture
def shared_keyring(tmp_path):
    """The OS keyring outlives a killed process; a file stands in for it here."""
    path = tmp_path / "keyring.json"
    keyring.set_keyring(FileKeyring(path))
    return path


@pytest.fixture
def forker(shared_keyring):
    running = Forker(shared_keyring)
    yield running
    running.close()


def _committed(report: Path) -> list[tuple[int, str]]:
    """The report's complete lines: a line cut by the kill was never promised."""
    text = report.read_text() if report.exists() else ""
    assert "error" not in text, text
    assert "bug" not in text, text
    lines = text.split("\n")[:-1]
    return [(int(a), b) for a, b in (line.split() for line in lines)]


def _integrity(path: str) -> str:
    with sqlite3.connect(path) as conn:      # opening recovers the WAL, as the app would
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def _desk(engine, tmp_path: Path, *, orders: int, price: str = "100.00") -> list[int]:
    ids = [f"114-{n:07d}-7000000" for n in range(orders)]
    write(tmp_path / "desk-orders.txt", [row(o, price=price, date=OLD_DATE) for o in ids])
    import_orders(engine, tmp_path / "desk-orders.txt")
    issues = [add_issue(engine, order_id=o, issue_type=IssueType.DAMAGED,
                        staff="Olivia").issue_id for o in ids]
    owner_at_work(engine, "Olivia")     # her PIN: each child gives it (crash_child)
    return issues


def test_credits_survive_sigkill_at_random_moments(sqlite_database, sqlite_url, tmp_path,
                                                   forker, request):
    kills = SOAK_KILLS if request.config.getoption("--soak") else KILLS
    engine = sqlite_database.engine
    issues = _desk(engine, tmp_path, orders=20)
    rng = random.Random(20261123)
    promised: dict[int, str] = {}
    cut_mid_run = 0
    for n in range(kills):
        report = tmp_path / f"credits-{n}.txt"
        pid = forker.start(do="credits", db=sqlite_url, report=str(report), seed=n,
                           issues=issues)
        time.sleep(rng.uniform(0.0, 0.25))
        forker.kill(pid)
        committed = _committed(report)
        cut_mid_run += bool(committed)
        promised.update(committed)
        assert _integrity(sqlite_url) == "ok", f"after kill {n + 1}"
        with reading(engine) as conn:
            stored = dict(conn.execute(sa.text("SELECT id, entry_hash FROM credit")).all())
        missing = {c: h for c, h in promised.items() if stored.get(c) != h}
        assert not missing, f"after kill {n + 1}: reported credits lost or changed: {missing}"
        check = verify_ledger(engine)
        assert check.ok, f"after kill {n + 1}: {check.summary()}"
    # The kills fell while credits were being written, not only before the first one.
    assert cut_mid_run > kills // 2
    assert len(promised) > kills


def _killed_at_random(forker: Forker, rng: random.Random, took: float, **command) -> bool:
    """Start the work and kill it somewhere within the time it takes; True if it ended
    before the kill."""
    pid = forker.start(**command)
    time.sleep(rng.uniform(0.0, took))
    forker.kill(pid)
    return Path(command["report"]).exists() and "done" in Path(command["report"]).read_text()


def _count(engine, table: str, where: str = "") -> int:
    with reading(engine) as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table} {where}")).scalar_one()


def test_an_import_killed_midway_is_there_whole_or_not_at_all(sqlite_database, sqlite_url,
                                                              tmp_path, forker):
    engine = sqlite_database.engine
    rng = random.Random(7)
    files = []
    for n in range(13):
        files.append(write(tmp_path / f"orders-{n}.txt", [
            row(f"{200 + n}-{k:07d}-0000000", date=OLD_DATE) for k in range(2_000)]))
    took = forker.run(do="import", db=sqlite_url, report=str(tmp_path / "r-first.txt"),
                      file=str(files[0]))
    cut = 0
    for n, file in enumerate(files[1:], start=1):
        before = _count(engine, "orders")
        finished = _killed_at_random(forker, rng, took, do="import", db=sqlite_url,
                                     report=str(tmp_path / f"r-{n}.txt"), file=str(file))
        added = _count(engine, "orders") - before
        assert _integrity(sqlite_url) == "ok"
        assert added in (0, 2_000), f"import {n} left {added} of 2,000 orders"
        if finished:                         # the child said done: every order is there
            assert added == 2_000
        cut += added == 0
    assert cut >= 3


def test_a_purge_killed_midway_is_whole_or_not_at_all(sqlite_database, sqlite_url, tmp_path,
                                                      forker, shared_keyring):
    engine = sqlite_database.engine
    rng = random.Random(11)
    backups.daily_backup(engine)            # a purge reaches the backups too
    took = None
    cut = 0
    for n in range(10):
        issues = _desk(engine, tmp_path, orders=150) if n == 0 else [
            add_issue(engine, order_id=f"114-{k:07d}-7000000",
                      issue_type=IssueType.WRONG_ITEM, staff="Olivia").issue_id
            for k in range(150)]
        for issue_id in issues:
            personal_data.set_buyer_details(engine, issue_id, {
                "name": f"Buyer {issue_id}", "email": f"b{issue_id}@example.com",
                "address": f"{issue_id} Main St"}, staff="Olivia")
        command = {"do": "purge", "db": sqlite_url, "report": str(tmp_path / f"p-{n}.txt"),
                   "as_of": "2026-11-23"}
        if took is None:
            took = forker.run(**command)
            continue
        _killed_at_random(forker, rng, took, **command)
        assert _integrity(sqlite_url) == "ok"
        cells = _count(engine, "personal_data")
        marked = _count(engine, "issue", "WHERE personal_data_purged_at IS NOT NULL")
        assert (cells, marked) in ((450, 150 * n), (0, 150 * (n + 1))), (n, cells, marked)
        if cells:
            cut += 1
            purge_personal_data(engine, as_of=date(2026, 11, 23))
    assert cut >= 3
    for backup in backups.known_backups(engine):
        assert backups.check_backup(backup).ok


def test_a_key_rotation_killed_midway_loses_nothing_and_is_finished(
        sqlite_database, sqlite_url, tmp_path, forker, shared_keyring):
    engine = sqlite_database.engine
    rng = random.Random(13)
    issues = _desk(engine, tmp_path, orders=300)
    for issue_id in issues:
        personal_data.set_buyer_details(engine, issue_id, {
            "name": f"Buyer {issue_id}", "email": f"b{issue_id}@example.com",
            "address": f"{issue_id} Main St"}, staff="Olivia")
    took = forker.run(do="rotate", db=sqlite_url, report=str(tmp_path / "k-first.txt"))
    cut = 0
    for n in range(10):
        _killed_at_random(forker, rng, took, do="rotate", db=sqlite_url,
                          report=str(tmp_path / f"k-{n}.txt"))
        assert _integrity(sqlite_url) == "ok"
        keys = data_keys.ensure_key_set(engine)
        cut += keys.rotating
        for issue_id in issues[::25]:        # every cell still opens, with old or new key
            shown = personal_data.buyer_details(engine, issue_id)
            assert shown.values["name"] == f"Buyer {issue_id}", shown.unreadable
        personal_data.finish_rotation(engine)         # what the next start does
        keys = data_keys.ensure_key_set(engine)
        assert not keys.rotating
        assert _count(engine, "personal_data", f"WHERE key_id != {keys.current}") == 0
        assert personal_data.buyer_details(engine, issues[-1]).values["address"] == \
            f"{issues[-1]} Main St"
    assert cut >= 2


def test_a_backup_killed_midway_leaves_no_half_backup(sqlite_database, sqlite_url, tmp_path,
                                                      forker):
    engine = sqlite_database.engine
    rng = random.Random(17)
    _desk(engine, tmp_path, orders=3_000)
    took = forker.run(do="backup", db=sqlite_url, report=str(tmp_path / "b-first.txt"),
                      target=str(tmp_path / "first.sqlite3"))
    cut = 0
    for n in range(12):
        target = tmp_path / f"backup-{n}.sqlite3"
        _killed_at_random(forker, rng, took, do="backup", db=sqlite_url,
                          report=str(tmp_path / f"b-{n}.txt"), target=str(target))
        assert _integrity(sqlite_url) == "ok"
        if target.exists():
            assert backups.check_backup(target).ok
        else:
            cut += 1
    assert cut >= 3


def test_two_processes_crediting_one_order_never_lock_and_never_pass_its_total(
        sqlite_database, sqlite_url, tmp_path, forker):
    engine = sqlite_database.engine
    (issue,) = _desk(engine, tmp_path, orders=1, price="300.00")
    reports = [tmp_path / "race-a.txt", tmp_path / "race-b.txt"]
    go = tmp_path / "go"
    pids = [forker.start(do="race", db=sqlite_url, report=str(r), issue=issue,
                         staff="Olivia", go=str(go)) for r in reports]
    time.sleep(0.3)                          # both have opened the database
    go.touch()
    statuses = [forker.reap(pid) for pid in pids]
    texts = [r.read_text() for r in reports]
    assert statuses == [0, 0], texts
    given = [_committed_lines(t) for t in texts]
    assert all(given), "both processes gave credits"
    assert sum(len(g) for g in given) == 300
    order = order_activity(engine, "114-0000000-7000000")
    assert str(order.given("USD")) == "300.00"
    assert verify_ledger(engine).ok


def _committed_lines(text: str) -> list[str]:
    assert "error" not in text, text
    assert "bug" not in text, text
    return [line for line in text.splitlines() if line != "full"]


@pytest.mark.postgres
def test_sixteen_processes_on_ten_hot_orders_never_pass_a_total(postgres, tmp_path, forker):
    """16 processes × 200 credits of 1.00 on 10 orders of 40.00 each, on PostgreSQL: every
    order ends exactly full, every given credit is in the ledger, nobody sees any error
    but "more than is left"."""
    from sellerdesk.services.database import open_database
    url = postgres.new_database()
    with open_database(url) as db:
        issues = _desk(db.engine, tmp_path, orders=10, price="40.00")
    go = tmp_path / "go"
    reports = [tmp_path / f"hot-{n}.txt" for n in range(16)]
    pids = [forker.start(do="hot", db=url, report=str(r), issues=issues, credits=200,
                         seed=n, go=str(go)) for n, r in enumerate(reports)]
    time.sleep(1.0)
    go.touch()
    statuses = [forker.reap(pid) for pid in pids]
    texts = [r.read_text() for r in reports]
    assert statuses == [0] * 16, [t for t in texts if "error" in t or "bug" in t][:1]
    given = [line.split() for t in texts for line in t.splitlines() if not line.startswith("full")]
    refused = [line for t in texts for line in t.splitlines() if line.startswith("full")]
    assert len(given) == 400                       # 10 orders × 40.00, not a cent more
    assert len(given) + len(refused) == 16 * 200
    assert sum(1 for t in texts if any(not x.startswith("full") for x in t.splitlines())) > 8
    with open_database(url) as db:
        for n in range(10):
            activity = order_activity(db.engine, f"114-{n:07d}-7000000")
            assert str(activity.given("USD")) == "40.00"
        with reading(db.engine) as conn:
            stored = set(conn.execute(sa.text("SELECT id FROM credit")).scalars())
        assert {int(credit) for credit, _ in given} == stored
        assert verify_ledger(db.engine).ok
