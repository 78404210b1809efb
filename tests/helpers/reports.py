"""Build report files for tests, byte for byte as Seller Central writes them: All Orders,
Returns, FBA customer returns and settlement reports, and one valid file of each kind the
importers take."""

from __future__ import annotations

import json
from pathlib import Path

from sellerdesk.services.demo.orders import HEADER  # pinned to Amazon's header: test_headers.py
from tests.helpers.amazon_standin import AMAZON

# Amazon's column lists, one per report type, as published (../shared/amazon).
HEADERS = json.loads((AMAZON / "report_headers.json").read_text(encoding="utf-8"))
MFN = HEADERS["GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"]["columns"]
FBA = HEADERS["GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"]["columns"]
V2 = HEADERS["GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"]["columns"]
WIDE = HEADERS["GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"]["columns"]
FEEDBACK = ["Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email"]
# The orders base_files writes; its returns, feedback and settlement lines are on them.
BASE_ORDERS = ("114-0000000-0000001", "114-0000000-0000002", "302-0000000-0000003")


def row(order_id: str = "114-3941689-8772232", *, sku: str = "BK-COOK-01",
        title: str = "The Home Cook's Year", quantity: int = 1, price: str = "24.99",
        shipping: str = "0.00", tax: str = "0.00", currency: str = "USD",
        channel: str = "Amazon.com", fulfilment: str = "Amazon", status: str = "Shipped",
        date: str = "2026-10-01T08:13:02+00:00", updated: str = "", promotion: str = "0.00",
        asin: str = "B0C1K2L3M4", **extra: str) -> dict[str, str]:
    values = {
        "amazon-order-id": order_id, "purchase-date": date,
        "last-updated-date": updated or date, "order-status": status,
        "fulfillment-channel": fulfilment, "sales-channel": channel, "product-name": title,
        "sku": sku, "asin": asin, "item-status": status, "quantity": str(quantity),
        "currency": currency, "item-price": price, "item-tax": tax, "shipping-price": shipping,
        "shipping-tax": "0.00", "item-promotion-discount": promotion,
        "ship-promotion-discount": "0.00", "ship-country": "US", "is-business-order": "false",
    }
    values.update(extra)
    return values


def write(path: Path, rows: list[dict[str, str]], *, header: list[str] | None = None,
          encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    header = header or HEADER
    lines = ["\t".join(header)] + ["\t".join(r.get(c, "") for c in header) for r in rows]
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def tsv(columns, rows) -> bytes:
    """A tab-separated report as Amazon sends it: the header, then each row's cells."""
    return ("\r\n".join(["\t".join(columns)] + ["\t".join(r.get(c, "") for c in columns)
                                                 for r in rows]) + "\r\n").encode()


def report(path, columns, rows, *, encoding="utf-8", bom=False):
    lines = ["\t".join(columns)] + ["\t".join(r.get(c, "") for c in columns) for r in rows]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def mfn(order_id, rma, *, day="2026-10-05T08:00:00+00:00", claim="N", refunded="30.00",
        currency="USD", reason="DEFECTIVE", resolution="StandardRefund", **more):
    """A row of the Returns report (merchant-fulfilled returns)."""
    return {"Order ID": order_id, "Order date": "2026-10-01", "Return request date": day,
            "Return request status": "Approved", "Amazon RMA ID": rma,
            "Currency code": currency, "A-to-Z Claim": claim, "Merchant SKU": "MUG",
            "Item Name": "Mug", "Return quantity": "1", "Return Reason": reason,
            "Resolution": resolution, "Refunded Amount": refunded,
            "Order Amount": "30.00", **more}


def fba(order_id, lpn, *, day="2026-10-06T10:11:12+00:00", reason="DAMAGED_BY_CARRIER",
        **more):
    """A row of the FBA customer returns report."""
    return {"return-date": day, "order-id": order_id, "sku": "MUG", "asin": "B0C1K2L3M4",
            "fnsku": "X001", "product-name": "Mug", "quantity": "1",
            "fulfillment-center-id": "PHX7", "detailed-disposition": "CARRIER_DAMAGED",
            "reason": reason, "status": "Unit returned to inventory",
            "license-plate-number": lpn, "customer-comments": "Jane Buyer says: arrived broken",
            **more}


def settlement_file(path, rows, *, columns=V2, encoding="utf-8"):
    lines = ["\t".join(columns)] + ["\t".join(r.get(c, "") for c in columns) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def head(total="512.30", currency="USD", **more):
    """A settlement report's first row: the settlement's dates, total and currency."""
    return {"settlement-id": "9001", "settlement-start-date": "2026-10-01 00:00:00 UTC",
            "settlement-end-date": "2026-10-15 00:00:00 UTC",
            "deposit-date": "2026-10-17 00:00:00 UTC", "total-amount": total,
            "currency": currency, **more}


def line(order_id, description, amount, *, kind="Refund", amount_type="ItemPrice",
         adjustment="", item="", sku="MUG", code="", posted="2026-10-05 10:00:00 UTC"):
    """A settlement report's transaction line (a refund unless `kind` says otherwise)."""
    return {"settlement-id": "9001", "transaction-type": kind, "order-id": order_id,
            "adjustment-id": adjustment, "marketplace-name": "Amazon.com",
            "amount-type": amount_type, "amount-description": description, "amount": amount,
            "posted-date-time": posted, "order-item-code": code,
            "merchant-adjustment-item-id": item, "sku": sku}


def base_files(tmp_path):
    """A valid file of each kind, with its importer's arguments."""
    orders = write(tmp_path / "orders.txt",
                   [row(o, sku="MUG", price="30.00") for o in BASE_ORDERS])
    feedback = tmp_path / "feedback.txt"
    feedback.write_bytes(("\r\n".join(["\t".join(FEEDBACK)] + [
        f"10/0{n}/26\t{n}\tArrived broken\t\t{o}\tx{n}@marketplace.amazon.com"
        for n, o in enumerate(BASE_ORDERS, start=1)]) + "\r\n").encode())
    returns = report(tmp_path / "returns.txt", MFN, [mfn(BASE_ORDERS[0], "R1", claim="Y"),
                                                     mfn(BASE_ORDERS[1], "R2")])
    fba_returns = report(tmp_path / "fba.txt", FBA, [fba(BASE_ORDERS[0], "LPN1"),
                                                     fba(BASE_ORDERS[2], "LPN2")])
    settlement = settlement_file(tmp_path / "settlement.txt", [
        head(), line(BASE_ORDERS[0], "Principal", "30.00", kind="Order", code="55500000000001"),
        line(BASE_ORDERS[1], "Principal", "-10.00", adjustment="A2"),
        line(BASE_ORDERS[1], "RefundCommission", "-0.50", amount_type="ItemFees",
             adjustment="A2")])
    return {"orders": (orders, None), "feedback": (feedback, "US"),
            "returns": (returns, None), "fba-returns": (fba_returns, None),
            "settlement": (settlement, None)}
