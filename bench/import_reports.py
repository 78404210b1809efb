"""Import a 200,000-row settlement flat file V2 and a 100,000-row Returns report and compare
each with the floor: csv.reader + sqlite3.executemany of the same file into one plain
table, measured in the same run.

Target (issue #6): each import ≤ 2× its floor.
Quick: 20,000 settlement rows and 10,000 returns. Full mode takes about 15 s, quick 5 s.
Run: python -m bench.import_reports [--quick] [--settlement-rows N] [--returns-rows N]
     [--runs N]
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.data import OUT
from bench.import_orders import FLOOR, in_turns
from bench.table import Row, markdown_table
from sellerdesk.services.demo.returns import RETURNS_COLUMNS

SETTLEMENT_COLUMNS = (
    "settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date",
    "total-amount", "currency", "transaction-type", "order-id", "merchant-order-id",
    "adjustment-id", "shipment-id", "marketplace-name", "amount-type", "amount-description",
    "amount", "fulfillment-id", "posted-date", "posted-date-time", "order-item-code",
    "merchant-order-item-id", "merchant-adjustment-item-id", "sku", "quantity-purchased",
    "promotion-id")

OURS = r'''
import json, sys, time
from sellerdesk.services.database import open_database
from sellerdesk.services.imports.kinds import import_report

kind, path, db = sys.argv[3], sys.argv[1], sys.argv[2]
with open_database(db) as database:          # migrations are not part of the import
    start = time.perf_counter()
    result = import_report(database.engine, path, kind=kind)
    elapsed = time.perf_counter() - start
import resource
print(json.dumps({"seconds": elapsed, "rows": result.rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''


def write_settlement(path: Path, rows: int, *, seed: int = 2) -> Path:
    """One settlement: its own row, then five amount rows per order and, for one order in
    twelve, a refund of three rows (principal, referral fee back, refund fee kept)."""
    rng = random.Random(seed)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    stamp = "%Y-%m-%d %H:%M:%S UTC"
    column = {name: n for n, name in enumerate(SETTLEMENT_COLUMNS)}

    def line(**values: str) -> str:
        cells = [""] * len(SETTLEMENT_COLUMNS)
        for name, value in values.items():
            cells[column[name.replace("_", "-")]] = value
        return "\t".join(cells)

    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\t".join(SETTLEMENT_COLUMNS) + "\r\n")
        f.write(line(settlement_id="11223344556", settlement_start_date=start.strftime(stamp),
                     settlement_end_date=(start + timedelta(days=14)).strftime(stamp),
                     deposit_date=(start + timedelta(days=16)).strftime(stamp),
                     total_amount="123456.78", currency="USD") + "\r\n")
        written, order = 1, 0
        while written < rows:
            order_id = f"11{order % 10}-{order:07d}-{rng.randrange(10**7):07d}"
            posted = (start + timedelta(seconds=rng.randrange(14 * 86400))).strftime(stamp)
            price = rng.randrange(500, 9000)
            common = {"settlement_id": "11223344556", "order_id": order_id,
                      "marketplace_name": "Amazon.com", "posted_date_time": posted,
                      "order_item_code": f"{rng.randrange(10**14):014d}", "sku": "MUG-01",
                      "quantity_purchased": "1"}
            amounts = [("Order", "ItemPrice", "Principal", price),
                       ("Order", "ItemPrice", "Tax", price * 8 // 100),
                       ("Order", "ItemPrice", "Shipping", 399),
                       ("Order", "ItemFees", "Commission", -price * 15 // 100),
                       ("Order", "ItemFees", "FBAPerUnitFulfillmentFee", -322)]
            if order % 12 == 5:
                amounts += [("Refund", "ItemPrice", "Principal", -price),
                            ("Refund", "ItemFees", "Commission", price * 15 // 100),
                            ("Refund", "ItemFees", "RefundCommission", -price * 3 // 100)]
            for transaction, amount_type, description, minor in amounts[:rows - written]:
                f.write(line(**common, transaction_type=transaction,
                             adjustment_id=f"A{order}" if transaction == "Refund" else "",
                             amount_type=amount_type, amount_description=description,
                             amount=f"{minor / 100:.2f}") + "\r\n")
                written += 1
            order += 1
    return path


def write_returns(path: Path, rows: int, *, seed: int = 3) -> Path:
    """Returns a seller-fulfilled business gets: most refunded, one in fifty with a claim."""
    rng = random.Random(seed)
    start = datetime(2026, 8, 1, tzinfo=UTC)
    reasons = ("DEFECTIVE", "NOT_AS_DESCRIBED", "UNWANTED_ITEM", "DAMAGED_BY_CARRIER")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\t".join(RETURNS_COLUMNS) + "\r\n")
        for n in range(rows):
            placed = start + timedelta(seconds=rng.randrange(60 * 86400))
            asked = placed + timedelta(days=rng.randint(3, 25))
            price = rng.randrange(500, 9000) / 100
            values = {
                "Order ID": f"11{n % 10}-{n:07d}-{rng.randrange(10**7):07d}",
                "Order date": placed.strftime("%d-%b-%Y"),
                "Return request date": asked.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                "Return request status": "Closed", "Amazon RMA ID": f"D{n:09d}X",
                "Label type": "AmazonPrepaid", "Label cost": "5.49", "Currency code": "USD",
                "Return carrier": "UPS", "Tracking ID": f"1Z{rng.randrange(10**12):012d}",
                "A-to-Z Claim": "Y" if n % 50 == 7 else "N", "Is prime": "Y",
                "ASIN": "B0C1K2L3M4", "Merchant SKU": "MUG-01", "Item Name": "Ceramic Mug",
                "Return quantity": "1", "Return Reason": rng.choice(reasons),
                "In policy": "Y", "Return type": "C-Returns", "Resolution": "StandardRefund",
                "Order Amount": f"{price:.2f}", "Order quantity": "1",
                "Refunded Amount": f"{price:.2f}" if n % 5 else ""}
            f.write("\t".join(values.get(c, "") for c in RETURNS_COLUMNS) + "\r\n")
    return path


def measure(quick: bool, *, settlement_rows: int | None = None,
            returns_rows: int | None = None, runs: int = 3) -> list[Row]:
    settlement_rows = settlement_rows or (20_000 if quick else 200_000)
    returns_rows = returns_rows or (10_000 if quick else 100_000)
    OUT.mkdir(exist_ok=True)
    table = []
    for kind, rows, writer in (("settlement", settlement_rows, write_settlement),
                               ("returns", returns_rows, write_returns)):
        report = writer(OUT / f"{kind}-bench.txt", rows)
        ours, floor = in_turns((OURS, report, OUT / "ours.sqlite3", kind),
                               (FLOOR, report, OUT / "floor.sqlite3"), runs)
        if ours["rows"] != rows:
            raise SystemExit(f"the {kind} import read {ours['rows']:,} rows of {rows:,}")
        what = ("settlement flat file V2 (`bench.import_reports`)" if kind == "settlement"
                else "Returns report (the floor's table has no index; ours is keyed by order "
                "for the order pane)")
        table.append(Row(
            f"import a {rows:,}-row {what}, in process",
            f"{ours['seconds']:.2f} s vs {floor['seconds']:.2f} s floor (`csv.reader` + "
            f"`sqlite3.executemany`) = **{ours['seconds'] / floor['seconds']:.2f}×**, "
            f"best of {runs}", "≤ 2×"))
        report.unlink()
    for leftover in OUT.glob("*.sqlite3*"):
        if leftover.name.startswith(("floor", "ours")):
            leftover.unlink()
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--settlement-rows", type=int)
    parser.add_argument("--returns-rows", type=int)
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs each")
    args = parser.parse_args()
    print(markdown_table(measure(args.quick, settlement_rows=args.settlement_rows,
                                 returns_rows=args.returns_rows, runs=args.runs)))


if __name__ == "__main__":
    main()
