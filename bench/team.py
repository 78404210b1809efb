"""Team mode under load: 8 agents, each in their own process and with their own
PostgreSQL login, giving credits at once (targets: ≥ 200 credits per second in total,
p99 ≤ 100 ms per credit).

Each credit is the desk's whole act: the ledger lock, the policy's suggestion re-checked
against what the order and the buyer already had, the hash-chained ledger entry, the
timeline and the security log, committed. Baseline in the same run: 8 processes doing
the least any serialised ledger append must do — take the same advisory lock, insert one
row, commit — on the same server.

Starts its own PostgreSQL 15 cluster (durable settings: fsync on) in a temporary folder.
Run: python -m bench.team [--agents 8] [--credits 250]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

PG_BIN = Path(os.environ.get("SELLERDESK_PG_BIN", "/usr/lib/postgresql/15/bin"))
LOCK = 0x5E11E7D35C


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


def _agent(args: tuple[str, list[int], multiprocessing.synchronize.Event]) -> list[float]:
    url, issues, go = args
    from sellerdesk.services import desk
    from sellerdesk.services.database import open_database
    took = []
    with open_database(url) as db:
        go.wait()
        for issue_id in issues:
            started = time.perf_counter()
            outcome = desk.issue_credit(db.engine, issue_id=issue_id)
            took.append(time.perf_counter() - started)
            assert not outcome.pending, "a credit waited for approval"
    return took


def _floor(args: tuple[str, int, multiprocessing.synchronize.Event]) -> list[float]:
    url, count, go = args
    engine = sa.create_engine(url)
    took = []
    with engine.connect() as conn:
        go.wait()
        for n in range(count):
            started = time.perf_counter()
            with conn.begin():
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK})
                conn.execute(sa.text("INSERT INTO floor_row (payload) VALUES (:p)"),
                             {"p": f"{n:064x}"})
            took.append(time.perf_counter() - started)
    engine.dispose()
    return took


def _run(pool_args: list, work, agents: int) -> tuple[float, list[float]]:
    context = multiprocessing.get_context("fork")
    with multiprocessing.Manager() as manager:
        go = manager.Event()
        with context.Pool(agents) as pool:
            pending = pool.map_async(work, [(*a, go) for a in pool_args])
            time.sleep(2.0)                  # every process connected and waiting
            started = time.perf_counter()
            go.set()
            results = pending.get()
            wall = time.perf_counter() - started
    return wall, [t for r in results for t in r]


def _prepare(cluster: Cluster, agents: int, credits: int, folder: Path) -> list[list[int]]:
    from sellerdesk.services.import_orders import import_orders
    from sellerdesk.services.team import add_user, team_init
    from sellerdesk.store import team as team_store
    from sellerdesk.store.engine import writing
    from sellerdesk.store.tables import ISSUES
    from tests.reports import row, write

    orders = [f"114-{n:07d}-5000000" for n in range(agents * credits)]
    write(folder / "orders.txt", [row(o, price="60.00") for o in orders])
    db, owner = team_init(cluster.url())
    with db:
        import_orders(db.engine, folder / "orders.txt")
        for n in range(agents):
            add_user(db.engine, f"agent{n}", role="agent", limit="1000")
        from sellerdesk.services.clock import now
        at = now()
        with writing(db.engine) as conn:
            ids = conn.execute(ISSUES.insert().returning(ISSUES.c.id), [
                {"order_id": o, "type": "damaged", "severity": "moderate", "status": "open",
                 "affected": "", "days_late": 0, "buyer_ref": None, "notes": "",
                 "assignee": "", "resolution": "", "buyer_response": "",
                 "created_by": owner.name, "created_at": at, "updated_at": at}
                for o in orders]).scalars().all()
            conn.execute(sa.text("CREATE TABLE floor_row (id serial PRIMARY KEY, "
                                 "payload text NOT NULL)"))
            agent = team_store.groups(conn)["agent"]
            conn.execute(sa.text(f'GRANT INSERT ON floor_row TO "{agent}"'))
            conn.execute(sa.text(f'GRANT USAGE ON SEQUENCE floor_row_id_seq TO "{agent}"'))
    return [ids[n * credits:(n + 1) * credits] for n in range(agents)]


def _line(name: str, wall: float, took: list[float]) -> str:
    took = sorted(took)
    p99 = took[max(0, int(len(took) * 0.99) - 1)]
    return (f"{name}: {len(took):,} in {wall:.2f} s = {len(took) / wall:,.0f}/s; "
            f"median {statistics.median(took) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, default=8)
    parser.add_argument("--credits", type=int, default=250, help="per agent")
    args = parser.parse_args()
    cluster = Cluster()
    cluster.start()
    try:
        folder = Path(tempfile.mkdtemp(prefix="sdbench-files-"))
        shares = _prepare(cluster, args.agents, args.credits, folder)
        floor_wall, floor = _run([(cluster.url(f"agent{n}"), args.credits)
                                  for n in range(args.agents)], _floor, args.agents)
        wall, took = _run([(cluster.url(f"agent{n}"), shares[n]) for n in range(args.agents)],
                          _agent, args.agents)
        print(_line(f"{args.agents} agents giving credits", wall, took))
        print(_line("floor: advisory lock + one INSERT + commit", floor_wall, floor))
        ratio = (len(floor) / floor_wall) / (len(took) / wall)
        print(f"ratio (floor rate ÷ credit rate): {ratio:.2f}×")
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
