"""Sync now against a stand-in for Amazon on a local socket, answering with Amazon's own
sample responses: paged orders, throttled calls, expired tokens, reports that take a
while, end CANCELLED or FATAL, or arrive damaged."""

import dataclasses
import io
import json
import logging
from datetime import UTC, datetime

import keyring
import pytest
import sqlalchemy as sa
import time_machine
from keyring.backends.fail import Keyring as NoKeyring

from sellerdesk.core.marketplaces import by_code
from sellerdesk.services.amazon import api as amazon_api
from sellerdesk.services.amazon.api import AmazonApi, AmazonError, Credentials, Pace
from sellerdesk.services.amazon.sync import sync_now
from sellerdesk.services.clock import pinned
from sellerdesk.services.reconcile import reconciliation
from sellerdesk.store import orders as order_store
from sellerdesk.store import returns as return_store
from sellerdesk.store.engine import reading
from tests.helpers.amazon_standin import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    AmazonStandIn,
)
from tests.helpers.reports import MFN, V2, head, line, mfn, tsv
from tests.helpers.sync_documents import US_ORDER, documents

BR_ORDER, UK_ORDER = "171-2345678-9012345", "202-7654321-1098765"
BRISK = Pace(first_wait=0.01, longest_wait=0.3, attempts=4, poll_every=0.01)
RIGHT = Credentials(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)


def settlement() -> bytes:
    return tsv(V2, [head(), line(US_ORDER, "Principal", "-49.99", adjustment="A1"),
                    line(US_ORDER, "RefundCommission", "-1.00", amount_type="ItemFees",
                         adjustment="A1")])


@pytest.fixture
def standin():
    with AmazonStandIn(documents=documents()) as server:
        yield server


@pytest.fixture
def api(standin):
    """Connections to the stand-in, closed when the test ends; each keeps what it was
    told while waiting in `.heard`."""
    made: list[AmazonApi] = []

    def connect(credentials=RIGHT, **pace) -> AmazonApi:
        heard: list[str] = []
        connection = AmazonApi(credentials, endpoint=standin.url,
                               pace=dataclasses.replace(BRISK, **pace), waiting=heard.append)
        connection.heard = heard
        made.append(connection)
        return connection
    yield connect
    for connection in made:
        connection.close()


def order_ids(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(sa.text("SELECT order_id FROM orders")).scalars())


def test_orders_come_page_by_page_through_throttling(api, database, standin):
    standin.page_size = 1
    standin.throttle("searchOrders")
    connection = api()
    result = sync_now(database.engine, connection, by="Ana",
                      marketplaces=[by_code("US"), by_code("BR"), by_code("UK")])
    assert order_ids(database.engine) == {US_ORDER, BR_ORDER, UK_ORDER}
    assert result.orders_added == 3
    assert result.orders_updated == 0
    lines = {x.what: x.text for x in result.lines}
    assert lines["Orders (US, BR)"] == "2 new, 0 updated (2 pages from the Orders API)"
    assert "Amazon asked SellerDesk to slow down (searchOrders)" in connection.heard[0]
    searches = standin.asked("searchOrders")
    # Europe first (throttled once, asked again), then North America in two pages.
    assert [s.get("paginationToken") for s in searches] == [None, None, None, "page-1"]
    # Only what SellerDesk needs: no buyer or recipient data is ever asked for.
    assert {s["includedData"] for s in searches} == {"PROCEEDS,FULFILLMENT"}

    with reading(database.engine) as conn:
        order = order_store.get_order(conn, order_id=US_ORDER)
    assert (order.marketplace, order.channel.value, order.status) == ("US", "MFN", "Shipped")
    assert [(i.sku, i.quantity, str(i.item_price.amount), str(i.item_tax.amount))
            for i in order.items] == [("ECHO-DOT-4-CHARCOAL", 2, "99.98", "0.02"),
                                      ("FIRE-TV-4K-2021", 1, "49.99", "0.00")]
    assert str(order.total.amount) == "149.99"     # items and tax; the driver's tip is not ours
    assert order.is_business
    assert order.merchant_order_id == "SELLER-ORDER-2024-001"


def test_a_second_sync_asks_only_for_what_changed_and_changes_nothing_twice(api, sqlite_database,
                                                                          standin):
    engine = sqlite_database.engine
    markets = [by_code("US")]
    # A day after the stand-in's (Amazon's sample) answers: the first sync reaches back
    # 30 days from the desk's clock, which must still be later than what it answers.
    with time_machine.travel(datetime(2026, 11, 23, 9, tzinfo=UTC), tick=True):
        sync_now(engine, api(), marketplaces=markets, by="Ana")
        again = sync_now(engine, api(), marketplaces=markets, by="Ana")
    assert again.orders_added == 0
    assert again.orders_updated == 1
    first, second = standin.asked("searchOrders")
    # The stand-in says it answered up to 2026-11-22 09:58; the next sync starts an hour before.
    assert first["lastUpdatedAfter"] < second["lastUpdatedAfter"] == "2026-11-22T08:58:00Z"
    created = [c for c in standin.asked("createReport")
               if c["reportType"] == "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"]
    assert created[0]["dataStartTime"] < created[1]["dataStartTime"]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM order_return")).scalar() == 2


def test_reports_are_asked_for_waited_on_downloaded_and_imported(api, database, standin):
    standin.polls_before_done = 3
    standin.settlements = [settlement()]
    result = sync_now(database.engine, api(), marketplaces=[by_code("US")], by="Ana")
    assert result.ok, result.summary()
    assert result.reports_imported == 5
    assert {c["reportType"] for c in standin.asked("createReport")} == {
        "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE", "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA",
        "GET_SELLER_FEEDBACK_DATA", "GET_V2_SELLER_PERFORMANCE_REPORT"}
    assert len(standin.asked("getReport")) == 4 * 4       # three not ready, then DONE
    with reading(database.engine) as conn:
        returns = return_store.returns_on_order(conn, order_id=US_ORDER)
        defects = conn.execute(sa.text("SELECT kind FROM defect ORDER BY kind")).scalars().all()
    assert {r.source for r in returns} == {"returns", "fba-returns"}
    assert defects == ["atoz_claim", "negative_feedback"]
    assert [r.order_id for r in reconciliation(database.engine).refunds_unclaimed] == [US_ORDER]
    summary = result.summary()
    assert summary.startswith("Synced with Amazon:")
    assert ("• Returns report, US: 1 return (1 new, 0 imported before), refunded 49.99 USD"
            in summary)
    assert "• Settlement report SETTLEMENT0: settlement 9001, 3 rows, 1 refund" in summary


def test_a_report_cancelled_for_lack_of_data_or_failed_is_said_and_the_rest_lands(api,
        sqlite_database, standin):
    standin.outcomes.update(GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE="CANCELLED",
                            GET_SELLER_FEEDBACK_DATA="FATAL")
    result = sync_now(sqlite_database.engine, api(), marketplaces=[by_code("US")],
                      by="Ana")
    lines = {x.what: x for x in result.lines}
    assert lines["Returns report, US"].text == "nothing new in the period"
    assert lines["Returns report, US"].ok
    assert lines["Feedback report, US"].text == \
        "Amazon could not make the report (FATAL); sync again later"
    assert not result.ok
    assert result.reports_imported == 2
    assert "with problems" in result.summary()


def test_a_damaged_report_is_named_and_leaves_the_database_as_it_was(api, sqlite_database,
                                                                     standin):
    standin.documents["GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"] = tsv(MFN, [
        mfn(US_ORDER, "DkRMA1", refunded="twelve")])
    result = sync_now(sqlite_database.engine, api(), marketplaces=[by_code("US")],
                      by="Ana")
    problem = {x.what: x for x in result.lines}["Returns report, US"]
    assert not problem.ok
    assert problem.text.startswith("GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE_ID")
    assert "line 2, column 'Refunded Amount'" in problem.text
    with sqlite_database.engine.connect() as conn:
        assert conn.execute(sa.text(
            "SELECT source FROM order_return")).scalars().all() == ["fba-returns"]


def test_an_expired_access_token_is_renewed_once(api, sqlite_database, standin):
    connection = api()
    sync_now(sqlite_database.engine, connection, marketplaces=[by_code("US")], by="Ana")
    standin.expire_tokens()
    result = sync_now(sqlite_database.engine, connection, marketplaces=[by_code("US")],
                      by="Ana")
    assert result.ok, result.summary()
    assert len(standin.asked("token")) == 2


def test_amazon_refusing_a_call_is_named_with_its_code(api, sqlite_database, standin):
    standin.refuse("createReport", 400, {"errors": [{
        "code": "InvalidInput", "message": "Invalid dataStartTime: in the future"}]})
    result = sync_now(sqlite_database.engine, api(), marketplaces=[by_code("US")],
                      by="Ana")
    refused = [x for x in result.lines if not x.ok]
    assert [(x.what, x.text) for x in refused] == [(
        "Returns report, US",
        "Amazon refused createReport (InvalidInput: Invalid dataStartTime: in the future).")]


def test_throttled_past_patience_ends_in_a_sentence_and_no_orders(api, sqlite_database, standin):
    standin.throttle("searchOrders", times=10)
    result = sync_now(sqlite_database.engine, api(attempts=3),
                      marketplaces=[by_code("US")], by="Ana")
    line_ = result.lines[0]
    assert line_.what == "Orders (US)"
    assert not line_.ok
    assert line_.text == ("Amazon kept asking SellerDesk to slow down on searchOrders "
                          "(QuotaExceeded: You exceeded your quota for the requested "
                          "resource.); sync again in a few minutes. Nothing was changed.")
    assert order_ids(sqlite_database.engine) == set()


def test_the_wait_follows_amazons_rate_limit_header(api, sqlite_database, standin):
    standin.rate_limit = "5"           # five calls a second: wait a fifth of a second
    standin.throttle("searchOrders")
    connection = api()
    sync_now(sqlite_database.engine, connection, marketplaces=[by_code("US")], by="Ana")
    assert connection.heard[0].endswith("asking again in 0.2 s")


def test_server_trouble_is_waited_out(api, sqlite_database, standin):
    standin.trouble("getReport", times=2)
    result = sync_now(sqlite_database.engine, api(), marketplaces=[by_code("US")],
                      by="Ana")
    assert result.ok, result.summary()


def test_wrong_credentials_are_refused_by_amazons_login(api, sqlite_database, standin):
    wrong = Credentials(CLIENT_ID, "not-the-secret", REFRESH_TOKEN)
    result = sync_now(sqlite_database.engine, api(wrong),
                      marketplaces=[by_code("US")], by="Ana")
    assert result.lines[0].text.startswith(
        "Amazon's login refused SellerDesk's SP-API credentials (invalid_client: Client "
        "authentication failed); check them in Settings › Amazon SP-API.")
    assert order_ids(sqlite_database.engine) == set()


def test_amazon_out_of_reach_is_said(sqlite_database):
    with AmazonStandIn() as gone:
        url = gone.url
    with (AmazonApi(RIGHT, endpoint=url, pace=Pace(first_wait=0.01, attempts=2)) as connection,
          pytest.raises(AmazonError, match="could not reach Amazon for searchOrders")):
        connection.call("searchOrders", connection.orders(by_code("US")).search_orders,
                        lastUpdatedAfter="2026-11-01T00:00:00Z")


def test_cancel_stops_between_calls_and_keeps_what_came_in(sqlite_database, standin):
    asked = []

    def cancelled():
        asked.append(1)
        return len(standin.asked("createReport")) >= 2
    with AmazonApi(RIGHT, endpoint=standin.url, pace=BRISK, cancelled=cancelled) as connection:
        result = sync_now(sqlite_database.engine, connection, marketplaces=[by_code("US")],
                          by="Ana")
    assert result.cancelled
    assert not result.ok
    assert result.summary().startswith("Sync with Amazon cancelled; what is listed came in")
    assert order_ids(sqlite_database.engine) == {US_ORDER}
    assert len(standin.asked("createReport")) == 2


def test_a_gzip_document_that_is_not_is_refused(api, sqlite_database, standin):
    standin.compress = False     # the stand-in then announces no compression…
    original = standin._getReportDocument

    def lying(document_id, query):   # …so announce GZIP over plain bytes
        status, headers, body = original(document_id, query)
        answer = json.loads(body)
        answer["compressionAlgorithm"] = "GZIP"
        return status, headers, json.dumps(answer).encode()
    standin._getReportDocument = lying
    result = sync_now(sqlite_database.engine, api(), marketplaces=[by_code("US")],
                      by="Ana")
    assert "Returns report, US arrived damaged (not the GZIP file Amazon announced)" in \
        result.summary()


# -- credentials ----------------------------------------------------------------------------
@pytest.mark.parametrize("with_keyring", [True, False], ids=["keyring", "no-keyring"])
def test_credentials_never_reach_a_file_or_a_log(api, sqlite_database, standin,
                                                 private_home, caplog, with_keyring):
    caplog.set_level(logging.DEBUG)
    if not with_keyring:
        keyring.set_keyring(NoKeyring())
    assert amazon_api.save_credentials(RIGHT) is with_keyring
    if with_keyring:
        assert keyring.get_password("SellerDesk", "sp-api-refresh-token") == REFRESH_TOKEN
    loaded = amazon_api.load_credentials()
    assert loaded == RIGHT
    assert CLIENT_SECRET not in repr(loaded)
    sync_now(sqlite_database.engine, api(loaded), marketplaces=[by_code("US")],
             by="Ana")
    sqlite_database.engine.dispose()
    markers = [CLIENT_SECRET, REFRESH_TOKEN, "Atza|standin-access"]
    for path in [p for p in private_home.parent.rglob("*") if p.is_file()]:
        data = path.read_bytes()
        assert not [m for m in markers if m.encode() in data], path
    assert not [m for m in markers if m in caplog.text]


def test_without_a_keyring_credentials_last_the_session():
    keyring.set_keyring(NoKeyring())
    assert amazon_api.save_credentials(RIGHT) is False
    assert amazon_api.load_credentials() == RIGHT
    amazon_api.forget_credentials()
    assert amazon_api.load_credentials() is None


def test_incomplete_credentials_are_refused():
    from sellerdesk.core.errors import KnownError
    with pytest.raises(KnownError, match="the client secret and the refresh token are missing"):
        amazon_api.save_credentials(Credentials(CLIENT_ID, " ", ""))
    assert amazon_api.load_credentials() is None


# -- the command line -----------------------------------------------------------------------
def test_sellerdesk_sync_from_the_command_line(sqlite_url, standin, capsys,
                                              monkeypatch):
    from sellerdesk.cli import main
    monkeypatch.setenv(amazon_api.ENDPOINT_VARIABLE, standin.url)
    standin.polls_before_done = 0
    assert main(["--db", sqlite_url, "sync"]) == 1
    assert "No SP-API credentials yet: enter them with `sellerdesk sync --login`" in \
        capsys.readouterr().err

    monkeypatch.setattr("sys.stdin", io.StringIO(f"{CLIENT_ID}\n{CLIENT_SECRET}\n"
                                                 f"{REFRESH_TOKEN}\n"))
    assert main(["--db", sqlite_url, "sync", "--login", "--marketplace", "us", "--json"]) == 0
    out, err = capsys.readouterr()
    answer = json.loads(out)
    assert (answer["ok"], answer["orders_added"], answer["reports_imported"]) == (True, 1, 4)
    assert CLIENT_SECRET not in out + err
    assert keyring.get_password("SellerDesk", "sp-api-client-secret") == CLIENT_SECRET

    standin.outcomes["GET_SELLER_FEEDBACK_DATA"] = "FATAL"
    assert main(["--db", sqlite_url, "sync"]) == 1          # Settings' marketplaces: US
    out = capsys.readouterr().out
    assert out.startswith("Synced with Amazon, with problems:\n• Orders (US): 0 new, 1 updated")
    assert "• Feedback report, US: Amazon could not make the report (FATAL)" in out


def test_every_sample_order_reads_as_the_report_would_give_it():
    from sellerdesk.services.amazon.orders import OrderProblem, order_rows
    from tests.helpers.amazon_standin import sample_orders
    heads = {}
    for order in sample_orders():
        head, items = order_rows(order)
        heads[head[0]] = head
        assert [item[1] for item in items] == list(range(len(items)))   # lines numbered
    jp = heads["250-1234567-8901234"]
    # FBA, shipped, yen without decimals, 3 units, total from the items' proceeds.
    assert (jp[5], jp[7], jp[4], jp[8], jp[12], jp[-1]) == ("JP", "AFN", "Shipped", "JPY", 3,
                                                            19940)
    assert heads[BR_ORDER][4] == "Unshipped"
    stranger = {**sample_orders()[0], "salesChannel": {"marketplaceId": "A0000000000000"}}
    with pytest.raises(OrderProblem, match="a marketplace SellerDesk does not know"):
        order_rows(stranger)
    with pytest.raises(OrderProblem, match="came without its items"):
        order_rows({**sample_orders()[0], "orderItems": []})


def test_a_report_amazon_takes_too_long_over_is_left_for_the_next_sync(api, sqlite_database,
                                                                      standin):
    standin.polls_before_done = 50
    with pinned(datetime(2026, 11, 22, 10, 0)):
        result = sync_now(sqlite_database.engine, api(report_patience=0.05),
                          marketplaces=[by_code("US")], by="Ana")
        late = next(x for x in result.lines if x.what == "Returns report, US")
        assert (late.text, late.ok) == (
            "Amazon had not finished it; sync again later to fetch it", False)
        standin.polls_before_done = 0
        sync_now(sqlite_database.engine, api(), marketplaces=[by_code("US")], by="Ana")
    first, second = [c for c in standin.asked("createReport")
                     if c["reportType"] == "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"]
    assert first["dataStartTime"] == second["dataStartTime"]     # asked again from the start
