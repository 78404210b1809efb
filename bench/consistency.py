"""The consistency report (services.policy_lab.consistency) over a year of issues:
50,000 issues, 35,000 credits by 8 agents, on 400,000 orders (target ≤ 500 ms).

Baseline in the same run: one COUNT and SUM of the year's credits through the same
engine — the least any report on them must read.
Quick: 50,000 orders, 5,000 issues, 3,500 credits, 3 runs. Full mode takes about 30 s
(building the 400,000-order database the first time: minutes more), quick about 5 s.
Run: python -m bench.consistency [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics
from datetime import timedelta

import sqlalchemy as sa

from bench.data import scratch_copy, timed
from bench.table import Row, markdown_table
from sellerdesk.services.database import open_database
from sellerdesk.services.policy_lab.consistency import consistency_report
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.tables import CREDITS, ISSUES, ORDER_ITEMS, ORDERS

AGENTS = ("Ana", "Ben", "Cara", "Dan", "Eve", "Finn", "Gus", "Hana")
TYPES = ("damaged", "late_delivery", "defective", "missing_item", "not_as_described")
SEVERITIES = ("minor", "moderate", "major")


def fill(engine, rng: random.Random, issues: int, credits: int):
    """Issues over the last year of the orders' dates, seven in ten credited; most at the
    suggestion, some above or below it, one agent generous. Returns the year's last day."""
    with reading(engine) as conn:
        last = conn.execute(sa.select(sa.func.max(ORDERS.c.purchase_date))).scalar()
        orders = conn.execute(sa.select(ORDERS.c.order_id, ORDERS.c.purchase_date,
                                        ORDERS.c.currency, ORDERS.c.items_minor)
                              .where(ORDERS.c.purchase_date >= last - timedelta(days=360),
                                     ORDERS.c.items_minor > 0)).all()
        first_sku = dict(conn.execute(sa.select(ORDER_ITEMS.c.order_id, ORDER_ITEMS.c.sku)
                                      .where(ORDER_ITEMS.c.line == 0)).all())
    picked = rng.sample(orders, min(issues, len(orders)))
    at = [min(o.purchase_date + timedelta(days=rng.randint(2, 5)), last) for o in picked]
    issue_rows = [{"id": n + 1, "order_id": o.order_id, "type": rng.choice(TYPES),
                   "severity": rng.choice(SEVERITIES), "status": "resolved",
                   # half name the item affected (its value read from the order's items)
                   "affected": f"{first_sku[o.order_id]}:1" if n % 2 else "",
                   "days_late": 0, "notes": "", "assignee": "", "resolution": "",
                   "buyer_response": "", "created_by": rng.choice(AGENTS),
                   "created_at": at[n], "updated_at": at[n]} for n, o in enumerate(picked)]
    credit_rows = []
    for n in range(min(credits, len(picked))):
        order, staff = picked[n], issue_rows[n]["created_by"]
        suggested = max(100, order.items_minor * 3 // 10)
        generous = 0.5 if staff == "Ben" else 0.1
        roll = rng.random()
        amount = (suggested * 5 // 4 if roll < generous
                  else suggested * 3 // 4 if roll > 0.95 else suggested)
        credit_rows.append({
            "id": n + 1, "created_at": at[n] + timedelta(hours=2), "issue_id": n + 1,
            "order_id": order.order_id, "kind": "courtesy_credit", "amount_minor": amount,
            "currency": order.currency, "reason": "", "staff": staff, "explanation": "",
            "suggested_minor": suggested, "prev_hash": "0" * 64, "entry_hash": f"{n:064x}"})
    with writing(engine) as conn:
        conn.execute(ISSUES.insert(), issue_rows)
        conn.execute(CREDITS.insert(), credit_rows)
    return last.date(), len(credit_rows)


def measure(quick: bool, *, runs: int | None = None) -> list[Row]:
    orders = 50_000 if quick else 400_000
    issues, credits = (5_000, 3_500) if quick else (50_000, 35_000)
    runs = runs or (3 if quick else 7)
    db_path = scratch_copy(orders, "consistency-bench.sqlite3")
    with open_database(str(db_path)) as db:
        last, credits = fill(db.engine, random.Random(26), issues, credits)
    with open_database(str(db_path)) as db:
        engine = db.engine
        first = last - timedelta(days=364)

        def baseline() -> None:
            with reading(engine) as conn:
                conn.execute(sa.text("SELECT count(*), sum(amount_minor) FROM credit "
                                     "WHERE created_at >= :a AND created_at < :b"),
                             {"a": str(first), "b": str(last + timedelta(days=1))}).one()

        floor = timed(baseline, runs)
        report = timed(lambda: consistency_report(engine, start=first, end=last), runs)
        named = len(consistency_report(engine, start=first, end=last).outliers)
    db_path.unlink()
    ms = 1000
    return [Row(f"consistency report over a year: {issues:,} issues, {credits:,} credits by "
                f"{len(AGENTS)} agents, {orders:,} orders (`bench.consistency`)",
                f"{statistics.median(report) * ms:.0f} ms median of {runs}, {named} outliers "
                f"named (COUNT and SUM of the year's credits alone: "
                f"{statistics.median(floor) * ms:.0f} ms)", "≤ 500 ms")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int)
    args = parser.parse_args()
    print(markdown_table(measure(args.quick, runs=args.runs)))


if __name__ == "__main__":
    main()
