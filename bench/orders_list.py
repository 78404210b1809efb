"""The orders list at 1,000,000 orders: a sort on any column, and a full-text search,
each until its first screen is painted — beside, from the same run, the first screen of
the list as it opens (newest first, no filter: the read every other one is measured
against).

- sort: every column of the orders table, ascending and descending (each from an index
  that ends in the order id); the worst and the median (target ≤ 150 ms);
- search by words (FTS5): words that many orders hold (a third of them: the bench's
  catalogue has 8 products), fewer (a tenth), none, and an ASIN (target ≤ 50 ms).

Full mode takes about a minute once the database is built (building the 1,000,000-order
one the first time: a few minutes; an older one is migrated, its search index built, once);
quick (20,000 orders, 3 runs) about 5 s.
Run: python -m bench.orders_list [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

from bench.data import database_with_orders
from bench.table import Row

SEARCHES = (("desk lamp", "words a third of the orders hold"),
            ("wool mountain", "two products' words, in any order (a tenth)"),
            ("b0puzz1000", "an ASIN"),
            ("flamingo teapot", "words no order holds"))


def first_screens(db: str, runs: int) -> tuple[list[float], dict[str, list[float]],
                                               dict[str, list[float]], dict[str, int]]:
    """Seconds to the first painted screen: the list as it opens, each sort, each search."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from sellerdesk.core.orders import OrderFilter
    from sellerdesk.services.database import open_database
    from sellerdesk.ui.models.order_columns import HEADERS
    from sellerdesk.ui.models.orders_model import COL_PURCHASED, OrdersTableModel
    from sellerdesk.ui.views.orders_table import OrdersTable

    app = QApplication.instance() or QApplication([])
    database = open_database(db)
    view = OrdersTable()
    view.resize(1280, 700)
    model = OrdersTableModel(database.engine)
    view.setModel(model)
    view.show()
    app.processEvents()
    viewport = view.viewport()
    newest = Qt.SortOrder.DescendingOrder

    def painted(change) -> float:
        began = time.perf_counter()
        change()
        viewport.repaint()          # paints the visible rows: their page is read now
        return time.perf_counter() - began

    opening, sorts, searches, found = [], {}, {}, {}
    for _ in range(runs):
        model.set_filter(OrderFilter(search="114-"))          # something else first
        opening.append(painted(lambda: model.set_filter(OrderFilter())))
        for column, header in enumerate(HEADERS):
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                if (column, order) == (COL_PURCHASED, newest):
                    continue                                   # that is the opening one
                name = f"{header} {'↑' if order == Qt.SortOrder.AscendingOrder else '↓'}"
                sorts.setdefault(name, []).append(
                    painted(lambda c=column, o=order: model.sort(c, o)))
                model.sort(COL_PURCHASED, newest)
        for words, _ in SEARCHES:
            model.set_filter(OrderFilter())
            searches.setdefault(words, []).append(
                painted(lambda w=words: model.set_filter(OrderFilter(search=w))))
            found[words] = model.rowCount()
    view.close()
    database.engine.dispose()
    return opening, sorts, searches, found


def measure(quick: bool) -> list[Row]:
    orders, runs = (20_000, 3) if quick else (1_000_000, 5)
    db = str(database_with_orders(orders))
    with tempfile.TemporaryDirectory() as home:
        os.environ["SELLERDESK_HOME"] = home       # the sort is saved: not in the user's
        opening, sorts, searches, found = first_screens(db, runs)
    ms = 1000
    base = statistics.median(opening)
    per_sort = {name: statistics.median(times) for name, times in sorts.items()}
    worst = max(per_sort, key=per_sort.__getitem__)
    rows = [
        Row(f"orders list as it opens (newest first), {orders:,} orders, first screen "
            "(`bench.orders_list`; the baseline below)", f"{base * ms:.0f} ms", "≤ 150 ms"),
        Row(f"… sorted by any of its columns, either way ({len(per_sort)} sorts), first screen",
            f"worst {per_sort[worst] * ms:.0f} ms ({worst}), median "
            f"{statistics.median(per_sort.values()) * ms:.0f} ms = "
            f"{statistics.median(per_sort.values()) / base:.1f}× the opening list",
            "≤ 150 ms"),
    ]
    for words, what in SEARCHES:
        took = statistics.median(searches[words])
        rows.append(Row(f"… full-text search “{words}”: {what} ({found[words]:,} found), "
                        "first screen", f"{took * ms:.0f} ms = {took / base:.1f}× the "
                        "opening list", "≤ 50 ms"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    for row in measure(parser.parse_args().quick):
        print(f"{row.measure}: {row.result} (target {row.target})")


if __name__ == "__main__":
    main()
