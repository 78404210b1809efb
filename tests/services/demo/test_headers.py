import json

from sellerdesk.services.demo.orders import HEADER
from sellerdesk.services.demo.returns import FBA_RETURNS_COLUMNS, RETURNS_COLUMNS
from tests.conftest import AMAZON


def test_demo_and_test_reports_use_amazons_all_orders_header():
    known = json.loads((AMAZON / "report_headers.json").read_text())
    classic = known["GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"]["columns_classic_32"]
    assert classic == HEADER
    caponica = (AMAZON / "reports" / "caponica_GET_FLAT_FILE_ALL_ORDERS_header.tsv").read_text()
    assert caponica.strip().split("\t") == HEADER


def test_the_demo_writes_amazons_returns_headers():
    known = json.loads((AMAZON / "report_headers.json").read_text())
    assert list(RETURNS_COLUMNS) == known["GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"]["columns"]
    assert list(FBA_RETURNS_COLUMNS) == known[
        "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"]["columns"]
    for name, columns in (("RETURNS_DATA_BY_RETURN_DATE", RETURNS_COLUMNS),
                          ("FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA", FBA_RETURNS_COLUMNS)):
        sample = next((AMAZON / "reports").glob(f"*{name}.tsv")).read_text()
        assert sample.splitlines()[0].split("\t") == list(columns)
