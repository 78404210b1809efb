"""A suggestion, including the buyer-history lookup, on 400,000 orders and 50,000 issues
(target ≤ 5 ms median), and giving a credit — write + hash (target ≤ 20 ms median).

Baseline in the same run: one indexed primary-key SELECT of an order through the same
engine, the least any suggestion must do.
Quick: 20,000 orders, 5,000 issues, 100 runs. Full mode takes about 5 s once the 400,000-order
database is built (bench.data keeps it), quick about 2 s.
Run: python -m bench.suggest [--quick] [--orders N] [--issues N] [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics

import keyring
import sqlalchemy as sa

from bench.data import scratch_copy, timed
from bench.table import Row, markdown_table
from sellerdesk.core.issues import Remedy
from sellerdesk.services import clock, staff_admin
from sellerdesk.services.credits import issue_credit, verify_ledger
from sellerdesk.services.database import open_database
from sellerdesk.services.suggestions import suggest_for_issue
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.tables import ISSUES
from tests.helpers.memory_keyring import MemoryKeyring


def add_issues(engine, order_ids: list[str], count: int, rng: random.Random) -> None:
    """Bulk-made issues (the desk's own add_issue is measured elsewhere)."""
    now = clock.now()
    buyers = [f"{n:064x}" for n in range(count // 3)]
    rows = [{"order_id": rng.choice(order_ids), "type": "damaged", "severity": "moderate",
             "status": "open", "affected": "", "days_late": 0,
             "buyer_ref": rng.choice(buyers), "notes": "", "assignee": "", "resolution": "",
             "buyer_response": "", "created_by": "bench", "created_at": now,
             "updated_at": now} for _ in range(count)]
    with writing(engine) as conn:
        conn.execute(ISSUES.insert(), rows)


def measure(quick: bool, *, orders: int | None = None, issues: int | None = None,
            runs: int | None = None) -> list[Row]:
    orders = orders or (20_000 if quick else 400_000)
    issues = issues or (5_000 if quick else 50_000)
    runs = runs or (100 if quick else 300)
    db_path = scratch_copy(orders, "suggest-bench.sqlite3")
    rng = random.Random(3)
    # A desk as it is used: its keys in a keyring (so buyer history is checked), and its
    # owner at work with the PIN given (so a credit past a limit is theirs to give).
    keyring.set_keyring(MemoryKeyring())
    with open_database(str(db_path)) as db:
        engine = db.engine
        staff_admin.give_pin(engine, "bench", "bench-2468")
        with reading(engine) as conn:
            order_ids = conn.execute(sa.text("SELECT order_id FROM orders")).scalars().all()
        add_issues(engine, order_ids, issues, rng)
        issue_ids = list(range(1, issues + 1))
        suggest_for_issue(engine, 1)  # stores the default policy as version 1

        def select_order() -> None:
            with reading(engine) as conn:
                conn.execute(sa.text("SELECT * FROM orders WHERE order_id = :o"),
                             {"o": rng.choice(order_ids)}).first()

        floor = timed(select_order, runs)
        suggest = timed(lambda: suggest_for_issue(engine, rng.choice(issue_ids)), runs)
        credit = timed(lambda: issue_credit(engine, issue_id=rng.choice(issue_ids),
                                            amount="1", reason="bench",
                                            kind=Remedy.COURTESY_CREDIT, staff="bench"),
                       runs)
        check = verify_ledger(engine)
    if not check.ok:
        raise SystemExit(check.summary())
    ms = 1000

    def p95(times: list[float]) -> float:
        return sorted(times)[int(len(times) * .95)] * ms

    return [
        Row(f"suggestion with buyer history, {orders:,} orders and {issues:,} issues "
            "(`bench.suggest`)",
            f"{statistics.median(suggest) * ms:.2f} ms median, p95 {p95(suggest):.1f} ms "
            f"(one order by primary key: {statistics.median(floor) * ms:.2f} ms), "
            f"{runs} runs", "≤ 5 ms"),
        Row("giving a credit: re-check, write, hash, timeline, clocks",
            f"{statistics.median(credit) * ms:.1f} ms median, p95 {p95(credit):.1f} ms",
            "≤ 20 ms"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--orders", type=int)
    parser.add_argument("--issues", type=int)
    parser.add_argument("--runs", type=int)
    args = parser.parse_args()
    print(markdown_table(measure(args.quick, orders=args.orders, issues=args.issues,
                                 runs=args.runs)))


if __name__ == "__main__":
    main()
