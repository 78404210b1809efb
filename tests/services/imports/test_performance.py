"""Amazon's seller performance report, on Amazon's own schema example and Airbyte's
sample, and Amazon's ODR set beside SellerDesk's with the difference explained."""

import json
from datetime import date, datetime
from pathlib import Path

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sellerdesk.core.errors import InputError
from sellerdesk.core.metrics import DefectKind
from sellerdesk.services import metrics
from sellerdesk.services.imports.kinds import report_kind
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.imports.performance import import_performance, read_performance
from sellerdesk.store.engine import reading
from sellerdesk.store.tables import AMAZON_ODR
from tests.conftest import AMAZON
from tests.helpers.reports import row, write

US_MFN = ('{{"performanceMetrics": [{{"marketplaceId": "ATVPDKIKX0DER", "orderDefectRate": '
          '{{"mfn": {{{}}}}}}}]}}')
TODAY = datetime(2026, 11, 30, 12, 0)


@pytest.fixture
def engine(database, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    with time_machine.travel(TODAY, tick=False):
        yield database.engine


def schema_example(tmp_path: Path) -> Path:
    schema = json.loads((AMAZON / "accountHealthReport-2020-11-18.schema.json").read_text())
    path = tmp_path / "performance.json"
    path.write_text(json.dumps(schema["examples"][0]))
    return path


def report(tmp_path: Path, mfn: dict, *, name: str = "mine.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({
        "accountStatuses": [{"marketplaceId": "ATVPDKIKX0DER", "status": "NORMAL"}],
        "performanceMetrics": [{"marketplaceId": "ATVPDKIKX0DER",
                                "orderDefectRate": {"mfn": mfn}}]}))
    return path


def test_amazons_schema_example_is_read_whole(engine, tmp_path):
    path = schema_example(tmp_path)
    assert report_kind(path) == "performance"
    result = import_performance(engine, path)
    assert result.summary() == "performance.json: Amazon's ODR US MFN 0.90%, US AFN 0.90%"
    assert result.account_status == {"US": "AT_RISK"}
    board = metrics.dashboard(engine, as_of=date(2026, 11, 30))
    mfn = board.amazon[0]
    assert (mfn.amazon.channel, mfn.window_start, mfn.window_end) == (
        "MFN", date(2020, 9, 6), date(2020, 11, 4))
    assert (mfn.amazon.orders, mfn.amazon.negative_feedback, mfn.amazon.atoz_claims,
            mfn.amazon.chargebacks) == (539000, 628, 442, 15)
    assert mfn.explanation == [
        "Amazon 0.90%, SellerDesk 0.00% (-0.90 points).",
        "SellerDesk has 539,000 fewer orders in this window than Amazon: import the All "
        "Orders report covering it.",
        "Amazon counts 628 more negative feedback: import the latest feedback report.",
        "Amazon counts 442 more A-to-z claims: record those claims on their orders (Defect… "
        "or `sellerdesk defect add`).",
        "Amazon counts 15 more chargebacks: record those chargebacks on their orders."]
    import_performance(engine, path)   # again: replaced, not doubled
    with reading(engine) as conn:
        assert conn.execute(AMAZON_ODR.select()).all().__len__() == 2


def test_airbytes_sample_gives_only_rates(engine, tmp_path):
    result = import_performance(engine, AMAZON / "reports" /
                                "airbyte_GET_V2_SELLER_PERFORMANCE_REPORT.json")
    assert [(r.channel, r.rate, r.orders) for r in result.rates] == [
        ("MFN", 0.01, None), ("AFN", 0.0, None)]
    compared = metrics.dashboard(engine).amazon
    assert compared[0].explanation[1:] == [
        "Amazon's report gives no dates for this rate; SellerDesk used its own 60-day window "
        "up to today.",
        "Amazon's report gives only the rate, not the counts behind it, so the difference "
        "cannot be broken down."]
    assert (compared[0].window_start, compared[0].window_end) == (date(2026, 10, 2),
                                                                 date(2026, 11, 30))


def test_a_small_case_by_hand_names_the_one_missing_feedback(engine, tmp_path):
    orders = [row(f"114-0000000-000000{n}", date=f"2026-11-0{n}T10:00:00+00:00",
                  fulfilment="Merchant") for n in range(1, 5)]
    orders.append(row("503-0000000-0000001", date="2026-11-01T10:00:00+00:00",
                      channel="Amazon.co.uk", currency="GBP", fulfilment="Merchant"))
    import_orders(engine, write(tmp_path / "orders.txt", orders))
    metrics.add_defect(engine, order_id="114-0000000-0000001", kind=DefectKind.ATOZ_CLAIM,
                       on=date(2026, 11, 10))
    path = report(tmp_path, {
        "reportingDateRange": {"reportingDateFrom": "2026-10-01T00:00Z",
                               "reportingDateTo": "2026-11-29T23:59Z"},
        "orderCount": 4, "orderWithDefects": {"count": 2, "status": "BAD"},
        "claims": {"count": 1}, "chargebacks": {"count": 0},
        "negativeFeedback": {"count": 1}, "status": "BAD", "rate": 0.5,
        "targetValue": 0.01})
    import_performance(engine, path)
    [compared] = metrics.dashboard(engine).amazon
    assert (compared.ours.orders, compared.ours.orders_with_defects) == (4, 1)  # US only
    assert compared.explanation == [
        "Amazon 50.00%, SellerDesk 25.00% (-25.00 points).",
        "Amazon counts 1 more negative feedback: import the latest feedback report."]


@pytest.mark.parametrize(("text", "message"), [
    ('{"performanceMetrics": [', r"bad.json, line 1: not valid JSON \(Expecting value, "
                                 r"column 25\)"),
    ('{"reportId": "1", "processingStatus": "FATAL"}', r"the status of a report \(FATAL\)"),
    ('{"orders": []}', r"there is no 'performanceMetrics' list"),
    ('{"performanceMetrics": [{"marketplaceId": "ATVPDKIKX0DER", "orderDefectRate": '
     '{"mfn": {"rate": "lots"}}}]}',
     r"performanceMetrics\[0\].orderDefectRate.mfn.rate: 'lots' is not a number"),
    ('{"performanceMetrics": [{"marketplaceId": "ATVPDKIKX0DER", "orderDefectRate": '
     '{"afn": {"rate": 0.1, "orderCount": -3}}}]}',
     r"orderDefectRate.afn.orderCount: -3 is not a count"),
    ('{"performanceMetrics": [{"marketplaceId": "XX", "orderDefectRate": {}}]}',
     r"no Order Defect Rate for any marketplace"),
    ('{"performanceMetrics": [{"marketplaceId": ["x"], "orderDefectRate": {}}]}',
     r"no Order Defect Rate for any marketplace"),
    ('{"accountStatuses": 5, "performanceMetrics": []}',
     r"no Order Defect Rate for any marketplace"),
    ('{"performanceMetrics": [{"marketplaceId": "ATVPDKIKX0DER", "orderDefectRate": '
     '{"mfn": {"rate": 0.1, "orderCount": NaN}}}]}',
     r"orderDefectRate.mfn.orderCount: nan is not a number"),
    # Numbers not as Amazon writes them, and structures no report has (#22).
    (US_MFN.format('"rate": 0.1, "orderCount": 1e308'),
     r"orderDefectRate.mfn.orderCount: 1e\+308 is not a count"),
    (US_MFN.format('"rate": 0.1, "orderCount": "1e3"'),
     r"orderDefectRate.mfn.orderCount: '1e3' is not a number"),
    (US_MFN.format('"rate": 0.1, "orderCount": "１０"'),
     r"orderDefectRate.mfn.orderCount: '１０' is not a number"),
    (US_MFN.format('"rate": "0.1_0"'), r"orderDefectRate.mfn.rate: '0.1_0' is not a number"),
    (US_MFN.format('"rate": ' + "1" * 400),
     r"orderDefectRate.mfn.rate: a huge number is too large to be a count or rate"),
    (US_MFN.format('"rate": 0.1, "orderCount": ' + "9" * 5000),
     r"bad.json: not a seller performance report \(Exceeds the limit"),
    ('{"performanceMetrics": ' + "[" * 5000 + "]" * 5000 + "}",
     r"bad.json: the JSON is nested thousands of levels deep"),
])
def test_a_bad_report_is_refused_whole(engine, tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        import_performance(engine, path)
    assert metrics.dashboard(engine).amazon == []


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(
                        ["performanceMetrics", "marketplaceId", "orderDefectRate", "mfn", "afn",
                         "rate", "orderCount", "claims", "count", "reportingDateRange",
                         "reportingDateFrom", "accountStatuses", "status", "targetValue"]),
                        inner, max_size=4), max_leaves=20)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=JSON)
def test_any_json_is_read_or_refused_with_a_message(tmp_path, document):
    path = tmp_path / "any.json"
    path.write_text(json.dumps(document))
    message = ""
    try:
        read_performance(path)
    except InputError as exc:      # anything else fails the test with its traceback
        message = str(exc)
    assert message == "" or message.startswith("any.json: ")
