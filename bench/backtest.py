"""The policy backtest (services.policy_lab.backtest) of 50,000 issues over 400,000
orders, the last 90 days: target ≤ 2 s on SQLite and ≤ 3 s on PostgreSQL.

Baseline in the same run: the bare SELECT of the same rows — the window's issues joined
to their orders' items — the least any backtest must read.
The desk: bench.data's orders (bench.suggest's builder), bench.suggest's issues spread
over the 90 days, and a credit on every third issue (bulk-written: the ledger's chain is
not what is measured), the draft the shipped policy with damaged at 45 %.
Quick: 20,000 orders and 5,000 issues. PostgreSQL runs on a throw-away cluster
(bench.team.Cluster), with the same rows copied over.
Run: python -m bench.backtest [--quick] [--no-postgres]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import timedelta

import keyring
import sqlalchemy as sa

from bench.data import scratch_copy
from bench.suggest import add_issues
from bench.table import Row, markdown_table
from sellerdesk.services import clock
from sellerdesk.services.database import open_database
from sellerdesk.services.policies import ensure_active_policy
from sellerdesk.services.policy_lab.backtest import (
    backtest,
    default_range,
    prepare_backtest,
    replay_draft,
)
from sellerdesk.services.shipped_policy import default_policy_text
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.tables import CREDITS, ISSUES
from tests.helpers.memory_keyring import MemoryKeyring

RUNS = 3


def _spread_and_credit(engine, issues: int, rng: random.Random) -> None:
    """Issues over the last 90 days; every third with a credit at its suggestion."""
    now = clock.now()
    with writing(engine) as conn:
        rows = conn.execute(sa.select(ISSUES.c.id, ISSUES.c.order_id)).all()
        when = {i: now - timedelta(minutes=rng.randrange(89 * 1440))
                for i, _ in rows}
        conn.execute(ISSUES.update().where(ISSUES.c.id == sa.bindparam("key"))
                     .values(created_at=sa.bindparam("at")),
                     [{"key": i, "at": at} for i, at in when.items()])
        currency = dict(conn.execute(sa.text("SELECT order_id, currency FROM orders")).all())
        conn.execute(CREDITS.insert(), [
            {"id": n + 1, "created_at": when[i], "issue_id": i, "order_id": o,
             "kind": "courtesy_credit", "amount_minor": 500, "currency": currency[o],
             "reason": "", "staff": "bench", "policy_version": 1, "suggested_minor": 500,
             "explanation": "", "prev_hash": f"{n:064x}", "entry_hash": f"{n + 1:064x}"}
            for n, (i, o) in enumerate(rows[::3])])


def _bare_select(engine, start, end) -> None:
    from sellerdesk.store.orders import day_bounds
    low, high = day_bounds(start, end)
    with reading(engine) as conn:
        conn.execute(sa.text(
            "SELECT i.*, oi.* FROM issue i JOIN order_item oi ON oi.order_id = i.order_id "
            "WHERE i.created_at >= :low AND i.created_at < :high"),
            {"low": low, "high": high}).all()


def _timed(fn) -> float:
    took = []
    for _ in range(RUNS):
        began = time.perf_counter()
        fn()
        took.append(time.perf_counter() - began)
    return statistics.median(took)


def _measure_on(engine, issues: int, draft: str) -> tuple[float, float, int]:
    start, end = default_range()
    floor = _timed(lambda: _bare_select(engine, start, end))
    result = []

    def run() -> None:
        # The last run's result let go first: three 50,000-issue results alive at once
        # (a million objects each) made each later run's garbage collections walk them.
        result.clear()
        result.append(backtest(engine, draft, start=start, end=end))
    took = _timed(run)
    return took, floor, len(result[-1].outcomes)


def _measure_replays(engine, draft: str) -> tuple[float, float, float]:
    """What the editor's Backtest tab waits for once the range is prepared: a draft
    replayed afresh; an edit to the damaged rule (every issue here) replayed over the
    last; an edit to the late_delivery rule (no issue here) replayed over the last."""
    start, end = default_range()
    prepared = prepare_backtest(engine, start=start, end=end)
    first = replay_draft(prepared, draft)
    damaged = draft.replace("percent = 45", "percent = 60", 1)
    late = draft.replace('basis = "shipping"\npercent = 100', 'basis = "shipping"\npercent = 90')
    assert damaged != draft
    assert late != draft
    return (_timed(lambda: replay_draft(prepared, draft)),
            _timed(lambda: replay_draft(prepared, damaged, previous=first)),
            _timed(lambda: replay_draft(prepared, late, previous=first)))


def _postgres_copy(sqlite_engine):
    """A throw-away cluster holding the SQLite desk's rows, table by table."""
    from bench.team import Cluster
    from sellerdesk.store.tables import METADATA
    cluster = Cluster()
    cluster.start()
    db = open_database(cluster.url())
    with reading(sqlite_engine) as source, writing(db.engine) as target:
        for table in METADATA.sorted_tables:
            if table.name not in ("orders", "order_item", "order_day", "policy_version",
                                  "staff", "issue", "credit"):
                continue
            target.execute(table.delete())
            rows = [dict(r._mapping) for r in source.execute(sa.select(table))]
            for chunk in range(0, len(rows), 20_000):
                if rows[chunk:chunk + 20_000]:
                    target.execute(table.insert(), rows[chunk:chunk + 20_000])
        target.execute(sa.text("SELECT setval(pg_get_serial_sequence('issue', 'id'), "
                               "(SELECT max(id) FROM issue))"))
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    return cluster, db


def measure(quick: bool, *, postgres: bool = True) -> list[Row]:
    orders, issues = (20_000, 5_000) if quick else (400_000, 50_000)
    db_path = scratch_copy(orders, "backtest-bench.sqlite3")
    rng = random.Random(26)
    keyring.set_keyring(MemoryKeyring())
    draft = default_policy_text().replace('basis = "affected_items"\npercent = 30',
                                          'basis = "affected_items"\npercent = 45')
    rows = []
    with open_database(str(db_path)) as db:
        ensure_active_policy(db.engine)
        with reading(db.engine) as conn:
            order_ids = conn.execute(sa.text("SELECT order_id FROM orders")).scalars().all()
        add_issues(db.engine, order_ids, issues, rng)
        _spread_and_credit(db.engine, issues, rng)
        took, floor, count = _measure_on(db.engine, issues, draft)
        rows.append(Row(f"policy backtest, {count:,} issues over {orders:,} orders, SQLite "
                        "(`bench.backtest`)",
                        f"{took:.2f} s median of {RUNS} (the bare SELECT of the same rows: "
                        f"{floor:.2f} s, ×{took / floor:.1f})", "≤ 2 s"))
        fresh, damaged, late = _measure_replays(db.engine, draft)
        rows.append(Row(f"policy backtest in the editor, {count:,} damaged issues prepared, "
                        "SQLite: a draft replayed / the damaged rule edited / the "
                        "late_delivery rule edited, each over the last (`bench.backtest`)",
                        f"{fresh:.2f} s / {damaged:.2f} s / {late:.2f} s median of {RUNS}",
                        "—"))
        if postgres:
            cluster, pg = _postgres_copy(db.engine)
            try:
                took, floor, count = _measure_on(pg.engine, issues, draft)
            finally:
                pg.engine.dispose()
                cluster.stop()
            rows.append(Row(f"policy backtest, {count:,} issues over {orders:,} orders, "
                            "PostgreSQL",
                            f"{took:.2f} s median of {RUNS} (the bare SELECT of the same "
                            f"rows: {floor:.2f} s, ×{took / floor:.1f})", "≤ 3 s"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(markdown_table(measure(args.quick, postgres=not args.no_postgres)))


if __name__ == "__main__":
    main()
