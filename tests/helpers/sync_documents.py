"""The report documents the stand-in for Amazon hands over when a test syncs: a return, an
FBA return and a feedback line on one of Amazon's sandbox orders, and Amazon's sample
performance report."""

from __future__ import annotations

from tests.helpers.amazon_standin import AMAZON
from tests.helpers.reports import FBA, FEEDBACK, MFN, fba, mfn, tsv

# An order in Amazon's sample searchOrders answer, which the stand-in lists (Amazon.com).
US_ORDER = "123-4567890-1234567"


def documents() -> dict[str, bytes]:
    return {
        "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE": tsv(MFN, [
            mfn(US_ORDER, "DkRMA1", claim="Y", refunded="49.99")]),
        "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA": tsv(FBA, [fba(US_ORDER, "LPNSYNC1")]),
        "GET_SELLER_FEEDBACK_DATA": (
            "\t".join(FEEDBACK) + "\r\n"
            f"11/02/26\t1\tArrived broken\t\t{US_ORDER}\tr@marketplace.amazon.com\r\n").encode(),
        "GET_V2_SELLER_PERFORMANCE_REPORT":
            (AMAZON / "reports" / "airbyte_GET_V2_SELLER_PERFORMANCE_REPORT.json").read_bytes(),
    }
