"""The dashboard's numbers on 1,000,000 orders, 100,000 issues (with their timelines),
50,000 credits and 20,000 defects (target ≤ 300 ms), and the ODR line over a year (target ≤ 300 ms).

Baseline in the same run: one COUNT(*) of the orders in the 60-day window through the
same engine — the least any ODR must do.
Quick: 50,000 orders, 10,000 issues, 5,000 credits, 2,000 defects, 5 runs. Full mode takes
about 45 s (building the million-order database the first time: a minute more), quick
about 5 s.
Run: python -m bench.metrics [--quick] [--orders N] [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics
from datetime import timedelta

import sqlalchemy as sa

from bench.data import scratch_copy, timed
from bench.table import Row, markdown_table
from sellerdesk.core.issues import IssueStatus, status_line
from sellerdesk.core.metrics import STATUSES, DefectKind, window
from sellerdesk.services import metrics
from sellerdesk.services.clock import now
from sellerdesk.services.database import open_database
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.issues import refresh_clock_runs
from sellerdesk.store.metrics import odr_series
from sellerdesk.store.tables import CREDITS, DEFECTS, ISSUES, ORDERS, TIMELINE


def fill(engine, rng: random.Random, issues: int, credits: int, defects: int) -> None:
    """Bulk rows, spread over the orders' own dates (the desk's services are measured
    elsewhere)."""
    with reading(engine) as conn:
        orders = conn.execute(sa.select(ORDERS.c.order_id, ORDERS.c.purchase_date,
                                        ORDERS.c.currency)).all()
    issues, defects = min(issues, len(orders)), min(defects, len(orders))  # small trial runs
    credits = min(credits, issues)
    picked = rng.sample(orders, issues)
    at = [o.purchase_date + timedelta(days=rng.randint(2, 20)) for o in picked]
    issue_rows = [{"id": n + 1, "order_id": o.order_id, "type": rng.choice(("damaged",
                   "late_delivery", "defective")), "severity": "moderate", "status": "open",
                   "affected": "SKU-1:1", "days_late": 0, "notes": "", "assignee": "",
                   "resolution": "", "buyer_response": "", "created_by": "bench",
                   "created_at": at[n], "updated_at": at[n]} for n, o in enumerate(picked)]
    credit_rows = [{"id": n + 1, "created_at": at[n] + timedelta(hours=2), "issue_id": n + 1,
                    "order_id": picked[n].order_id, "kind": "courtesy_credit",
                    "amount_minor": rng.randint(100, 3000), "currency": picked[n].currency,
                    "reason": "", "staff": rng.choice(("Ana", "Ben")), "explanation": "",
                    "suggested_minor": 1000, "prev_hash": "0" * 64,
                    "entry_hash": f"{n:064x}"} for n in range(credits)]
    # each issue's timeline: logged, mostly resolved within 1–72 h (some past the 48 h),
    # one in ten with a return and its refund, one in a hundred a chargeback answered
    resolved = status_line(IssueStatus.OPEN, IssueStatus.RESOLVED)
    timeline_rows = []

    def event(n: int, kind: str, hours: float, text: str = "") -> None:
        timeline_rows.append({"issue_id": n + 1, "at": at[n] + timedelta(hours=hours),
                              "actor": "bench", "kind": kind, "text": text})
    for n in range(len(picked)):
        event(n, "logged", 0)
        if rng.random() < 0.8:
            event(n, "status", rng.randint(1, 72), resolved)
        if rng.random() < 0.1:
            event(n, "return_received", 24 * 5)
            event(n, "refund_issued", 24 * 5 + rng.randint(1, 100))
        if rng.random() < 0.01:
            event(n, "chargeback_notice", 24 * 20)
            event(n, "chargeback_answered", 24 * 20 + rng.randint(1, 200))
    defect_rows = []
    for o in rng.sample(orders, defects):
        kind = rng.choice(list(DefectKind))
        on = o.purchase_date + timedelta(days=rng.randint(1, 30))
        defect_rows.append({"order_id": o.order_id, "kind": kind.value,
                            "status": rng.choice(STATUSES[kind]), "recorded_on": on.date(),
                            "source": "bench", "created_by": "bench", "created_at": on,
                            "updated_at": on})
    with writing(engine) as conn:
        conn.execute(ISSUES.insert(), issue_rows)
        conn.execute(CREDITS.insert(), credit_rows)
        conn.execute(DEFECTS.insert(), defect_rows)
        conn.execute(TIMELINE.insert(), timeline_rows)
        refresh_clock_runs(conn, issue_ids=[r["id"] for r in issue_rows])  # as the desk keeps them


def measure(quick: bool, *, orders: int | None = None, runs: int | None = None) -> list[Row]:
    orders = orders or (50_000 if quick else 1_000_000)
    runs = runs or (5 if quick else 15)
    issues, credits, defects = ((10_000, 5_000, 2_000) if quick
                                else (100_000, 50_000, 20_000))
    db_path = scratch_copy(orders, "metrics-bench.sqlite3")
    rng = random.Random(4)
    with open_database(str(db_path)) as db:
        fill(db.engine, rng, issues=issues, credits=credits, defects=defects)
    # measured as the app finds the database when it opens it (statistics refreshed)
    with open_database(str(db_path)) as db:
        engine = db.engine
        with reading(engine) as conn:
            last = conn.execute(sa.select(sa.func.max(ORDERS.c.purchase_date))).scalar()
        as_of = min(last, now()).date()
        start, end = window(as_of, 60)

        def count_window() -> int:
            with reading(engine) as conn:
                return conn.execute(
                    sa.text("SELECT count(*) FROM orders WHERE purchase_date >= :a "
                            "AND purchase_date < :b"),
                    {"a": str(start), "b": str(end + timedelta(days=1))}).scalar()

        def year_line() -> None:
            with reading(engine) as conn:
                odr_series(conn, first=as_of - timedelta(days=365), last=as_of, days=60)

        floor = timed(count_window, runs)
        board = timed(lambda: metrics.dashboard(engine, as_of=as_of), runs)
        line = timed(year_line, runs)
        in_window = count_window()
    db_path.unlink()
    ms = 1000
    return [
        Row(f"dashboard numbers, {orders:,} orders, {issues:,} issues (with timelines), "
            f"{credits:,} credits, {defects:,} defects (`bench.metrics`)",
            f"{statistics.median(board) * ms:.0f} ms median of {runs} (COUNT of the window's "
            f"{in_window:,} orders alone: {statistics.median(floor) * ms:.0f} ms)", "≤ 300 ms"),
        Row("ODR line over a year, week by week, same database",
            f"{statistics.median(line) * ms:.0f} ms median", "≤ 300 ms"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--orders", type=int)
    parser.add_argument("--runs", type=int)
    args = parser.parse_args()
    print(markdown_table(measure(args.quick, orders=args.orders, runs=args.runs)))


if __name__ == "__main__":
    main()
