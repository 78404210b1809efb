"""Team mode under load: 8 agents, each in their own process and with their own
PostgreSQL login, giving credits at once (targets: ≥ 200 credits per second in total,
p99 ≤ 100 ms per credit), while another window, told by LISTEN/NOTIFY, sees each credit
(target ≤ 2 s).

Each credit is the desk's whole act: the ledger lock, the policy's suggestion re-checked
against what the order and the buyer already had, the hash-chained ledger entry, the
timeline and the security log, committed. Baseline in the same run: 8 processes doing
the least any serialised ledger append must do — take the same advisory lock, insert one
row, commit — on the same server.

Starts its own PostgreSQL 15 cluster (durable settings: fsync on) in a temporary folder.
Quick: 4 agents × 50 credits. Full mode takes about 15 s, quick about 10 s (most of it
starting the cluster and preparing the desk).
Run: python -m bench.team [--quick] [--agents 8] [--credits 250]
"""

from __future__ import annotations

import argparse
import bisect
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa

from bench.table import Row, markdown_table

PG_BIN = Path(os.environ.get("SELLERDESK_PG_BIN", "/usr/lib/postgresql/15/bin"))
LOCK = 0x5E11E7D35C
WARM_UP = 200          # credits given before the timed run


class Timed(NamedTuple):
    took: float
    credit_id: int | None
    finished: float        # time.monotonic(): one clock for every process on the machine


class Cluster:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="sdbench-"))
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.root, "postgres", "postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        data = self.root / "data"
        self._run(str(PG_BIN / "initdb"), "-D", str(data), "-U", "sellerdesk", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-o",
                  f"-k {self.root} -p {self.port} -c listen_addresses='' -c max_connections=60",
                  "-l", str(self.root / "server.log"), "-w", "start")

    def stop(self) -> None:
        try:
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.root / "data"), "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, login: str = "sellerdesk") -> str:
        return f"postgresql+psycopg://{login}@/postgres?host={self.root}&port={self.port}"


def _agent(args: tuple[str, list[int], multiprocessing.synchronize.Event]) -> list[Timed]:
    url, issues, go = args
    from sellerdesk.services.credits import issue_credit
    from sellerdesk.services.database import open_database
    done = []
    with open_database(url) as db:
        go.wait()
        for issue_id in issues:
            started = time.monotonic()
            outcome = issue_credit(db.engine, issue_id=issue_id)
            finished = time.monotonic()
            done.append(Timed(finished - started, outcome.credit_id, finished))
            assert not outcome.pending, "a credit waited for approval"
    return done


def _floor(args: tuple[str, int, multiprocessing.synchronize.Event]) -> list[Timed]:
    url, count, go = args
    engine = sa.create_engine(url)
    done = []
    with engine.connect() as conn:
        go.wait()
        for n in range(count):
            started = time.monotonic()
            with conn.begin():
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK})
                conn.execute(sa.text("INSERT INTO floor_row (payload) VALUES (:p)"),
                             {"p": f"{n:064x}"})
            finished = time.monotonic()
            done.append(Timed(finished - started, None, finished))
    engine.dispose()
    return done


class Watcher(threading.Thread):
    """Another window: on word of a change it reads the ledger's newest entry, as the
    window's refresh does. Records (newest credit id, when it was read)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        from sellerdesk.store.team import ChangeListener
        self.listener = ChangeListener(sa.make_url(url))
        self.engine = sa.create_engine(url)
        self.seen: list[tuple[int, float]] = []
        self.done = threading.Event()

    def run(self) -> None:
        with self.engine.connect() as conn:
            while not self.done.is_set():
                if "credit" in self.listener.wait(0.2):
                    newest = conn.execute(sa.text("SELECT max(id) FROM credit")).scalar()
                    conn.rollback()
                    self.seen.append((newest, time.monotonic()))
        self.listener.close()
        self.engine.dispose()

    def delays(self, done: list[Timed]) -> list[float]:
        """For each credit, from its commit to the first read that showed it."""
        newest = [n for n, _ in self.seen]
        delays = []
        for timed in done:
            at = bisect.bisect_left(newest, timed.credit_id)
            delays.append(max(0.0, self.seen[at][1] - timed.finished)
                          if at < len(newest) else float("inf"))
        return delays


def _run(pool_args: list, work, agents: int) -> tuple[float, list[Timed]]:
    context = multiprocessing.get_context("fork")
    with multiprocessing.Manager() as manager:
        go = manager.Event()
        with context.Pool(agents) as pool:
            pending = pool.map_async(work, [(*a, go) for a in pool_args])
            time.sleep(2.0)                  # every process connected and waiting
            started = time.monotonic()
            go.set()
            results = pending.get()
            wall = time.monotonic() - started
    return wall, [t for r in results for t in r]


def _prepare(cluster: Cluster, agents: int, credits: int, folder: Path) -> list[list[int]]:
    from sellerdesk.services.credits import issue_credit
    from sellerdesk.services.imports.orders import import_orders
    from sellerdesk.services.team.setup import add_user, team_init
    from sellerdesk.store import team as team_store
    from sellerdesk.store.engine import writing
    from sellerdesk.store.issues import refresh_clock_runs
    from sellerdesk.store.tables import ISSUES, TIMELINE
    from tests.helpers.reports import row, write

    orders = [f"114-{n:07d}-5000000" for n in range(agents * credits + WARM_UP)]
    write(folder / "orders.txt", [row(o, price="60.00") for o in orders])
    db, owner = team_init(cluster.url())
    with db:
        import_orders(db.engine, folder / "orders.txt")
        for n in range(agents):
            add_user(db.engine, f"agent{n}", role="agent", limits="USD 1000")
        from sellerdesk.services.clock import now
        at = now()
        with writing(db.engine) as conn:
            ids = conn.execute(ISSUES.insert().returning(ISSUES.c.id), [
                {"order_id": o, "type": "damaged", "severity": "moderate", "status": "open",
                 "affected": "", "days_late": 0, "buyer_ref": f"buyer-{n}", "notes": "",
                 "assignee": "", "resolution": "", "buyer_response": "",
                 "created_by": owner.name, "created_at": at, "updated_at": at}
                for n, o in enumerate(orders)]).scalars().all()
            # As the desk logs them: a "logged" line starts each issue's buyer-contact clock,
            # which the credit then meets (so each credit rewrites the issue's clock runs).
            conn.execute(TIMELINE.insert(), [
                {"issue_id": i, "at": at, "actor": owner.name, "kind": "logged",
                 "text": "Damaged, moderate"} for i in ids])
            refresh_clock_runs(conn, issue_ids=list(ids))
            conn.execute(sa.text("CREATE TABLE floor_row (id serial PRIMARY KEY, "
                                 "payload text NOT NULL)"))
            agent = team_store.groups(conn)["agent"]
            conn.execute(sa.text(f'GRANT INSERT ON floor_row TO "{agent}"'))
            conn.execute(sa.text(f'GRANT USAGE ON SEQUENCE floor_row_id_seq TO "{agent}"'))
        # A desk in use: a ledger already started, and the planner's statistics taken, as
        # autovacuum takes them within a minute on a live server.
        for issue_id in ids[agents * credits:]:
            issue_credit(db.engine, issue_id=issue_id)
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    return [ids[n * credits:(n + 1) * credits] for n in range(agents)]


def _spread(took: list[float]) -> tuple[float, float, float]:
    """(median, p99, slowest) in milliseconds."""
    took = sorted(took)
    p99 = took[max(0, int(len(took) * 0.99) - 1)]
    return statistics.median(took) * 1000, p99 * 1000, took[-1] * 1000


def measure(quick: bool, *, agents: int | None = None,
            credits: int | None = None) -> list[Row]:
    agents = agents or (4 if quick else 8)
    credits = credits or (50 if quick else 250)
    cluster = Cluster()
    cluster.start()
    try:
        folder = Path(tempfile.mkdtemp(prefix="sdbench-files-"))
        shares = _prepare(cluster, agents, credits, folder)
        floor_wall, floor = _run([(cluster.url(f"agent{n}"), credits)
                                  for n in range(agents)], _floor, agents)
        watcher = Watcher(cluster.url())
        watcher.start()
        wall, done = _run([(cluster.url(f"agent{n}"), shares[n]) for n in range(agents)],
                          _agent, agents)
        time.sleep(0.5)
        watcher.done.set()
        watcher.join()
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        cluster.stop()
    median, p99, _ = _spread([t.took for t in done])
    seen_median, _, seen_slowest = _spread(watcher.delays(done))
    return [Row(
        f"{agents} agents giving credits at once on a team database, each with their own "
        "login, every issue with a buyer and a running clock, on a ledger already in use "
        f"(`bench.team`; {agents} desk processes, a watching window and PostgreSQL share the "
        f"machine's cores; {agents * credits:,} credits)",
        f"{len(done) / wall:,.0f} credits/s, median {median:.0f} ms, p99 {p99:.0f} ms (floor in "
        f"the same run — advisory lock, one INSERT, commit: {len(floor) / floor_wall:,.0f}/s); "
        f"the watching window read each credit {seen_median:.0f} ms (median) after its "
        f"commit, at most {seen_slowest:.0f} ms",
        "≥ 200/s, p99 ≤ 100 ms, seen ≤ 2 s")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--agents", type=int)
    parser.add_argument("--credits", type=int, help="per agent")
    args = parser.parse_args()
    print(markdown_table(measure(args.quick, agents=args.agents, credits=args.credits)))


if __name__ == "__main__":
    main()
