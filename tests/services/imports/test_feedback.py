"""The seller feedback report, imported for real on SQLite and PostgreSQL: every
marketplace's date format, Amazon's own sample file, and the ugly cases."""

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from sellerdesk.core.errors import InputError
from sellerdesk.services import metrics
from sellerdesk.services.imports.feedback import import_feedback
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.store.engine import reading
from sellerdesk.store.tables import DEFECTS
from tests.conftest import AMAZON
from tests.helpers.reports import row, write

SHARED = AMAZON / "reports"
TODAY = datetime(2026, 11, 30, 12, 0)
HEADER = ["Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email"]
A, B, C = "114-0000000-0000001", "114-0000000-0000002", "114-0000000-0000003"


def feedback(path: Path, rows: list[tuple[str, str, str, str]], *,
             encoding: str = "utf-8") -> Path:
    """Rows of (date, rating, order id, rater e-mail), written as Amazon does, with a
    comment in the marketplace's own language."""
    comment = "破損して届きました" if encoding == "cp932" else "Arrived broken, très déçu"
    lines = ["\t".join(HEADER)] + [
        "\t".join((day, stars, comment, "", order, email)) for day, stars, order, email in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def defects(engine) -> list[tuple]:
    d = DEFECTS.c
    with reading(engine) as conn:
        return [tuple(r) for r in conn.execute(
            sa.select(d.order_id, d.status, d.recorded_on, d.rating, d.source)
            .order_by(d.order_id))]


@pytest.fixture
def engine(database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    with time_machine.travel(TODAY, tick=False):
        import_orders(database.engine, write(tmp_path / "orders.txt", [
            row(order, date="2026-10-02T10:00:00+00:00") for order in (A, B, C)]))
        yield database.engine


def test_negative_ratings_become_defects_and_the_rest_is_listed(engine, tmp_path):
    report = feedback(tmp_path / "feedback.txt", [
        ("10/20/26", "1", A, "kx81@marketplace.amazon.com"),
        ("10/21/26", "2", B, "zz02@marketplace.amazon.com"),
        ("10/22/26", "5", C, "happy@marketplace.amazon.com"),
        ("10/23/26", "1", "114-9999999-9999999", "who@marketplace.amazon.com"),
        ("10/24/26", "2", A, "kx81@marketplace.amazon.com"),
    ])
    result = import_feedback(engine, report, marketplace="US")
    assert result.summary() == ("feedback.txt: 5 ratings, 2 negative (2 new, 0 already "
                                "recorded), 2 rows skipped")
    assert result.skipped == [
        {"line": 6, "order_id": A, "reason": "the same order as line 2"},
        {"line": 5, "order_id": "114-9999999-9999999", "reason":
         "no order 114-9999999-9999999 in SellerDesk (import the orders report that has it, "
         "then this file again)"}]
    assert defects(engine) == [
        (A, "active", date(2026, 10, 20), 1, "feedback_report"),
        (B, "active", date(2026, 10, 21), 2, "feedback_report")]
    with reading(engine) as conn:
        refs = conn.execute(sa.select(DEFECTS.c.rater_ref)).scalars().all()
    assert all(len(ref) == 64 and "@" not in ref for ref in refs)
    assert refs[0] != refs[1]
    board = metrics.dashboard(engine, as_of=date(2026, 11, 30)).odr.all
    assert (board.orders, board.negative_feedback) == (3, 2)

    again = import_feedback(engine, report, marketplace="US")
    assert (again.added, again.updated) == (0, 2)
    assert len(defects(engine)) == 2


def test_the_rater_email_never_reaches_the_database_file(sqlite_database, tmp_path,
                                                          monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    engine = sqlite_database.engine
    with time_machine.travel(TODAY, tick=False):
        import_orders(engine, write(tmp_path / "o.txt", [row(A, date="2026-10-02T10:00:00Z")]))
        import_feedback(engine, feedback(tmp_path / "f.txt", [
            ("10/20/26", "1", A, "canary-rater-7731@example.com")]), marketplace="US")
    engine.dispose()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("desk.sqlite3")]
    assert files
    assert not any(b"canary-rater-7731" in p.read_bytes() for p in files)


@pytest.mark.parametrize(("marketplace", "written"), [
    ("US", "10/20/26"), ("UK", "20/10/26"), ("FR", "20/10/2026"), ("DE", "20.10.26"),
    ("JP", "26/10/20"), ("SE", "2026-10-20")])
def test_each_marketplace_writes_its_dates_its_own_way(engine, tmp_path, marketplace,
                                                       written):
    encoding = "cp932" if marketplace == "JP" else "cp1252"
    import_feedback(engine, feedback(tmp_path / "f.txt", [(written, "1", A, "")],
                                     encoding=encoding), marketplace=marketplace)
    assert defects(engine) == [(A, "active", date(2026, 10, 20), 1, "feedback_report")]


def test_a_buyer_who_raises_the_rating_takes_the_defect_away(engine, tmp_path):
    import_feedback(engine, feedback(tmp_path / "a.txt", [("10/20/26", "1", A, "")]),
                    marketplace="US")
    result = import_feedback(engine, feedback(tmp_path / "b.txt", [("10/20/26", "4", A, "")]),
                             marketplace="US")
    assert result.revised == 1
    assert defects(engine) == [(A, "removed", date(2026, 10, 20), 4, "feedback_report")]
    assert metrics.dashboard(engine, as_of=date(2026, 11, 30)).odr.all.orders_with_defects == 0


@pytest.mark.parametrize(("rows", "marketplace", "message"), [
    ([("20/10/26", "1", A, ""), ("10/31/26", "1", B, "")], "UK",
     r"f.txt, line 3, column 'Date': '10/31/26' is not a date written D/M/YY, as "
     r"Amazon.co.uk writes them \(is this report from another marketplace\?\)"),
    ([("10/20/26", "1", A, ""), ("9/20/26", "2", B, "")], "US",
     r"f.txt, line 3, column 'Date': the feedback date 2026-09-20 is before order "
     r"114-0000000-0000002 was placed \(2026-10-02\); is this report from another "
     r"marketplace than US\?"),
    ([("10/20/26", "1", A, ""), ("10/21/26", "one", B, "")], "US",
     r"line 3, column 'Rating': 'one' is not a rating from 1 to 5"),
    ([("10/20/26", "1", A, ""), ("12/20/26", "1", B, "")], "US",
     r"line 3, column 'Date': the date 2026-12-20 is in the future"),
    ([("10/20/26", "1", A, ""), ("10/21/26", "1", "", "")], "US",
     r"line 3, column 'Order ID': the order id is empty"),
])
def test_a_bad_row_stops_the_import_and_nothing_lands(engine, tmp_path, rows, marketplace,
                                                      message):
    with pytest.raises(InputError, match=message):
        import_feedback(engine, feedback(tmp_path / "f.txt", rows), marketplace=marketplace)
    assert defects(engine) == []


def test_amazons_own_sample_file_is_refused_by_line_and_column(engine, tmp_path):
    sample = shutil.copy(SHARED / "airbyte_GET_SELLER_FEEDBACK_DATA.tsv", tmp_path)
    with pytest.raises(InputError, match=r"line 2, column 'Rating': 'Rating' is not a rating"):
        import_feedback(engine, Path(sample), marketplace="US")


def test_empty_cancelled_and_header_only_reports(engine, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.txt: the file is empty"):
        import_feedback(engine, empty, marketplace="US")
    cancelled = tmp_path / "report.json"
    cancelled.write_text(json.dumps({"reportId": "ID323", "reportType":
                                     "GET_SELLER_FEEDBACK_DATA", "processingStatus":
                                     "CANCELLED"}))
    with pytest.raises(InputError, match=r"report\.json: Amazon cancelled this report: there "
                                         "was no data for the dates asked"):
        import_feedback(engine, cancelled, marketplace="US")
    result = import_feedback(engine, feedback(tmp_path / "none.txt", []), marketplace="US")
    assert result.summary() == "none.txt: no feedback in this report; nothing changed"
    orders_report = write(tmp_path / "orders.txt", [row(A)])
    with pytest.raises(InputError, match="the header has no 'Date', 'Rating', 'Order ID'"):
        import_feedback(engine, orders_report, marketplace="US")
    with pytest.raises(InputError, match="unknown marketplace 'XX'"):
        import_feedback(engine, orders_report, marketplace="XX")
