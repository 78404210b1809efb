"""Start-up and first-screen speed on a database of 400,000 orders.

- process start → main window shown (targets ≤ 0.6 s), beside the same measure for a
  bare PySide6 window made in the same run (the floor no Qt app can beat);
- first screen of the orders table after it is asked for (≤ 150 ms);
- a search by order-id prefix, until its first screen is painted (≤ 50 ms).

Full mode (`measure`, as `python -m bench` runs it) takes about 10 s once the database
is built (building the 400,000-order one the first time: 5 s more); quick (20,000 orders,
3 runs) about 5 s.
Run: python -m bench.startup [--orders N]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from bench.data import database_with_orders
from bench.table import Row

BARE_QT = r'''
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow
from PySide6.QtCore import QTimer
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1280, 780); w.show()
def done():
    print(f"shown_at={time.time():.4f}", file=sys.stderr); app.quit()
QTimer.singleShot(0, done)
app.exec()
'''


def _env(home: str) -> dict[str, str]:
    # SELLERDESK_HOME moves SellerDesk's folders on any OS; XDG_* move Qt's on Linux.
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SELLERDESK_HOME": home,
            "XDG_CONFIG_HOME": home, "XDG_DATA_HOME": home}


def time_process(argv: list[str], home: str) -> tuple[float, float | None]:
    start = time.time()
    out = subprocess.run(argv, capture_output=True, text=True, env=_env(home), check=True)
    shown = float(re.search(r"shown_at=([\d.]+)", out.stderr).group(1))
    opened = re.search(r"opened_at=([\d.]+)", out.stderr)
    return shown - start, (float(opened.group(1)) - start) if opened else None


def in_process(db: str, runs: int) -> tuple[list[float], list[float]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from sellerdesk.core.orders import OrderFilter
    from sellerdesk.ui.app import make_app
    from sellerdesk.ui.main_window import MainWindow

    app = make_app()
    window = MainWindow(db)
    window.show()
    app.processEvents()
    window.open_database()
    model, viewport = window.orders_model, window.orders_view.viewport()
    first, search = [], []
    rows = model.rowCount()
    prefixes = [model.order_at(rows * k // 7).order_id[:4 + k] for k in range(1, 6)]
    for n in range(runs):
        start = time.perf_counter()
        model.set_filter(OrderFilter(marketplaces=frozenset({"US"}) if n % 2 else frozenset()))
        model.set_filter(OrderFilter())
        viewport.repaint()  # paints the visible rows: the page they need is fetched now
        first.append(time.perf_counter() - start)
        start = time.perf_counter()
        model.set_filter(OrderFilter(search=prefixes[n % len(prefixes)]))
        viewport.repaint()
        search.append(time.perf_counter() - start)
        if model.rowCount() == 0:
            raise SystemExit(f"no order matches {prefixes[n % len(prefixes)]!r}")
    window.close()
    return first, search


def measure(quick: bool) -> list[Row]:
    """The rows of `python -m bench`: the same measures as main(), on 20,000 orders and 3
    runs each when quick (400,000 and 7 otherwise)."""
    orders, runs = (20_000, 3) if quick else (400_000, 7)
    db = str(database_with_orders(orders))
    with tempfile.TemporaryDirectory() as home:
        time_process([sys.executable, "-m", "sellerdesk", "--db", db, "--smoke"], home)  # warm
        ours = [time_process([sys.executable, "-m", "sellerdesk", "--db", db, "--smoke"],
                             home) for _ in range(runs)]
        bare = [time_process([sys.executable, "-c", BARE_QT], home)[0] for _ in range(runs)]
    shown = statistics.median(s for s, _ in ours)
    opened = statistics.median(o for _, o in ours if o is not None)
    floor = statistics.median(bare)
    first, search = in_process(db, runs)
    ms = 1000
    return [
        Row(f"process start → main window shown, {orders:,} orders (`bench.startup`)",
            f"{shown * ms:.0f} ms (bare PySide6 window: {floor * ms:.0f} ms) = "
            f"**{shown / floor:.1f}×**, median of {runs}", "≤ 300 ms or ≤ 3× the bare window"),
        Row("… → database open and first orders listed",
            f"{opened * ms:.0f} ms (with the integrity check at opening)", ""),
        Row("first screen of the orders table after it is asked for",
            f"{statistics.median(first) * ms:.0f} ms", "≤ 150 ms"),
        Row("search by order-id prefix, first screen painted",
            f"{statistics.median(search) * ms:.0f} ms", "≤ 50 ms"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=400_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    db = str(database_with_orders(args.orders))
    print(f"database: {db} ({args.orders:,} orders)")
    with tempfile.TemporaryDirectory() as home:
        time_process([sys.executable, "-m", "sellerdesk", "--db", db, "--smoke"], home)  # warm
        ours = [time_process([sys.executable, "-m", "sellerdesk", "--db", db, "--smoke"],
                             home) for _ in range(args.runs)]
        bare = [time_process([sys.executable, "-c", BARE_QT], home)[0]
                for _ in range(args.runs)]
    shown = statistics.median(s for s, _ in ours)
    opened = statistics.median(o for _, o in ours if o is not None)
    floor = statistics.median(bare)
    print(f"bare PySide6 window shown:        {floor * 1000:6.0f} ms (median of {args.runs})")
    print(f"SellerDesk window shown:          {shown * 1000:6.0f} ms  = {shown / floor:.2f}× "
          "the bare window (target ≤ 600 ms)")
    print(f"SellerDesk database open, listed: {opened * 1000:6.0f} ms")
    first, search = in_process(db, args.runs)
    print(f"first screen of orders:           {statistics.median(first) * 1000:6.1f} ms "
          "(target ≤ 150 ms)")
    print(f"order-id prefix search, painted:  {statistics.median(search) * 1000:6.1f} ms "
          "(target ≤ 50 ms)")


if __name__ == "__main__":
    main()
