"""The demo's returns: a Returns report for seller-fulfilled orders and an FBA customer
returns report, written as Amazon writes them and imported through the real importer."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from sellerdesk.core.english_dates import day_mon_year
from sellerdesk.core.orders import Channel, OrderFilter
from sellerdesk.services.clock import now
from sellerdesk.services.demo.work import STAFF
from sellerdesk.services.imports.returns import import_returns
from sellerdesk.store.engine import reading
from sellerdesk.store.orders import get_order, list_orders

# Amazon's own headers (tests/services/demo/test_headers.py holds them to ../shared/amazon).
RETURNS_COLUMNS = (
    "Order ID", "Order date", "Return request date", "Return request status", "Amazon RMA ID",
    "Merchant RMA ID", "Label type", "Label cost", "Currency code", "Return carrier",
    "Tracking ID", "Label to be paid by", "A-to-Z Claim", "Is prime", "ASIN", "Merchant SKU",
    "Item Name", "Return quantity", "Return Reason", "In policy", "Return type", "Resolution",
    "Invoice number", "Return delivery date", "Order Amount", "Order quantity",
    "SafeT Action reason", "SafeT claim id", "SafeT claim state", "SafeT claim creation time",
    "SafeT claim reimbursement amount", "Refunded Amount")
FBA_RETURNS_COLUMNS = (
    "return-date", "order-id", "sku", "asin", "fnsku", "product-name", "quantity",
    "fulfillment-center-id", "detailed-disposition", "reason", "status",
    "license-plate-number", "customer-comments")
_REASONS = ("DEFECTIVE", "NOT_AS_DESCRIBED", "UNWANTED_ITEM", "DAMAGED_BY_CARRIER",
            "WRONG_ITEM", "NO_LONGER_NEEDED")
_STAMP = "%Y-%m-%dT%H:%M:%S+00:00"


def add_demo_returns(engine: Engine, folder: Path, *, seed: int = 14) -> None:
    """About one US order in 25 comes back: seller-fulfilled ones through the Returns
    report (mostly refunded in full, one with an A-to-z claim), FBA ones through the FBA
    customer returns report."""
    rng = random.Random(seed)
    today = now()

    def after(placed: datetime, days: int) -> str:
        return min(placed + timedelta(days=days, hours=rng.randint(0, 9)),
                   today - timedelta(hours=6)).strftime(_STAMP)

    with reading(engine) as conn:
        shipped = [o for o in list_orders(conn, flt=OrderFilter(
            date_from=(today - timedelta(days=60)).date(),
            date_to=(today - timedelta(days=8)).date(),
            marketplaces=frozenset({"US"}), statuses=frozenset({"Shipped"})), limit=100_000)]
        back = rng.sample(shipped, len(shipped) // 25)
        skus = {o.order_id: get_order(conn, order_id=o.order_id).items[0].sku for o in back}
    mfn = [o for o in back if o.channel is Channel.MFN]
    fba = [o for o in back if o.channel is Channel.AFN]
    rows = []
    for n, order in enumerate(mfn):
        refunded = order.total.amount if rng.random() < 0.8 else None
        rows.append({
            "Order ID": order.order_id, "Order date": day_mon_year(order.purchase_date),
            "Return request date": after(order.purchase_date, rng.randint(5, 20)),
            "Return request status": "Approved" if refunded is None else "Closed",
            "Amazon RMA ID": f"D{rng.randrange(10**9):09d}X", "Label type": "AmazonPrepaid",
            "Label cost": "5.49", "Currency code": "USD", "Return carrier": "UPS",
            "A-to-Z Claim": "Y" if n == 0 else "N", "Is prime": "Y",
            "Merchant SKU": skus[order.order_id], "Item Name": order.first_title,
            "Return quantity": "1", "Return Reason": rng.choice(_REASONS), "In policy": "Y",
            "Return type": "C-Returns", "Resolution": "StandardRefund",
            "Order Amount": f"{order.total.amount:.2f}", "Order quantity": str(order.units),
            "Refunded Amount": "" if refunded is None else f"{refunded:.2f}"})
    _write(folder / "Returns report (US).txt", RETURNS_COLUMNS, rows)
    rows = [{"return-date": after(o.purchase_date, rng.randint(6, 25)), "order-id": o.order_id,
             "sku": skus[o.order_id],
             "asin": f"B0{rng.randrange(10**8):08d}", "fnsku": f"X00{rng.randrange(10**7):07d}",
             "product-name": o.first_title, "quantity": "1", "fulfillment-center-id": "PHX7",
             "detailed-disposition": rng.choice(("SELLABLE", "CUSTOMER_DAMAGED", "DEFECTIVE")),
             "reason": rng.choice(_REASONS), "status": "Unit returned to inventory",
             "license-plate-number": f"LPNRR{rng.randrange(10**9):09d}"} for o in fba]
    _write(folder / "FBA customer returns (US).txt", FBA_RETURNS_COLUMNS, rows)
    import_returns(engine, folder / "Returns report (US).txt", kind="returns", staff=STAFF[0])
    import_returns(engine, folder / "FBA customer returns (US).txt", kind="fba-returns",
                   staff=STAFF[0])


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    lines = ["\t".join(columns)] + ["\t".join(r.get(c, "") for c in columns) for r in rows]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
