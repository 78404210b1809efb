"""A suggestion, including the buyer-history lookup, on 400,000 orders and 50,000 issues
(target ≤ 5 ms median), and giving a credit — write + hash (target ≤ 20 ms median).

Baseline in the same run: one indexed primary-key SELECT of an order through the same
engine, the least any suggestion must do.
Run: python -m bench.suggest [--orders N] [--issues N]
"""

from __future__ import annotations

import argparse
import random
import statistics

import keyring
import sqlalchemy as sa

from bench.data import scratch_copy, timed
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=400_000)
    parser.add_argument("--issues", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    db_path = scratch_copy(args.orders, "suggest-bench.sqlite3")
    rng = random.Random(3)
    # A desk as it is used: its keys in a keyring (so buyer history is checked), and its
    # owner at work with the PIN given (so a credit past a limit is theirs to give).
    keyring.set_keyring(MemoryKeyring())
    with open_database(str(db_path)) as db:
        engine = db.engine
        staff_admin.give_pin(engine, "bench", "bench-2468")
        with reading(engine) as conn:
            order_ids = conn.execute(sa.text("SELECT order_id FROM orders")).scalars().all()
        add_issues(engine, order_ids, args.issues, rng)
        issue_ids = list(range(1, args.issues + 1))
        suggest_for_issue(engine, 1)  # stores the default policy as version 1

        def select_order() -> None:
            with reading(engine) as conn:
                conn.execute(sa.text("SELECT * FROM orders WHERE order_id = :o"),
                             {"o": rng.choice(order_ids)}).first()

        floor = timed(select_order, args.runs)
        suggest = timed(lambda: suggest_for_issue(engine, rng.choice(issue_ids)),
                        args.runs)
        credit = timed(lambda: issue_credit(engine, issue_id=rng.choice(issue_ids),
                                            amount="1", reason="bench",
                                            kind=Remedy.COURTESY_CREDIT, staff="bench"),
                       args.runs)
        check = verify_ledger(engine)
    ms = 1000
    print(f"database: {args.orders:,} orders, {args.issues:,} issues; {args.runs} runs each")
    print(f"baseline, one order by primary key: {statistics.median(floor) * ms:6.2f} ms median")
    print(f"suggestion (policy, order, buyer history, caps): "
          f"{statistics.median(suggest) * ms:6.2f} ms median, "
          f"p95 {sorted(suggest)[int(len(suggest) * .95)] * ms:.2f} ms (target ≤ 5 ms)")
    print(f"credit given (suggest again, write, hash, timeline): "
          f"{statistics.median(credit) * ms:6.2f} ms median, "
          f"p95 {sorted(credit)[int(len(credit) * .95)] * ms:.2f} ms (target ≤ 20 ms)")
    print(check.summary())


if __name__ == "__main__":
    main()
