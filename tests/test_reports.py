import json

from sellerdesk.services.demo import HEADER
from tests.conftest import AMAZON


def test_demo_and_test_reports_use_amazons_all_orders_header():
    known = json.loads((AMAZON / "report_headers.json").read_text())
    classic = known["GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"]["columns_classic_32"]
    assert classic == HEADER
    caponica = (AMAZON / "reports" / "caponica_GET_FLAT_FILE_ALL_ORDERS_header.tsv").read_text()
    assert caponica.strip().split("\t") == HEADER
