"""The Returns report and the FBA customer returns report: each return lands on its
order, what it refunded counts against the policy's caps (once, even when SellerDesk gave
the refund too), an A-to-Z Claim flag records the claim as a defect; every encoding and
date form Amazon writes; bad files refused whole, naming line and column."""

import json

import pytest
import sqlalchemy as sa

from sellerdesk.cli import main
from sellerdesk.core.errors import InputError
from sellerdesk.core.issues import IssueType, Remedy
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.imports import kinds
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.imports.returns import import_returns
from sellerdesk.services.issues import add_issue, order_activity
from sellerdesk.services.suggestions import given_on_order, suggest_for_issue
from sellerdesk.store import defects as defect_store
from sellerdesk.store.engine import reading, writing
from tests.helpers.reports import FBA, MFN, fba, mfn, report, row, write
from tests.helpers.staffing import owner_at_work

US1, US2, DE1, JP1, STRANGER = ("114-0000000-0000001", "114-0000000-0000002",
                                "302-0000000-0000003", "503-0000000-0000004",
                                "114-0000000-0000009")


@pytest.fixture
def engine(database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    import_orders(database.engine, write(tmp_path / "o.txt", [
        row(US1, sku="MUG", price="30.00"), row(US2, sku="MUG", price="30.00"),
        row(DE1, sku="MUG", price="30.00", currency="EUR", channel="Amazon.de"),
        row(JP1, sku="MUG", price="3000", currency="JPY", channel="Amazon.co.jp")]))
    owner_at_work(database.engine)     # Ana's credits past the caps approve themselves
    return database.engine


def counts(engine):
    with engine.connect() as conn:
        return (conn.execute(sa.text("SELECT count(*) FROM order_return")).scalar(),
                conn.execute(sa.text("SELECT count(*) FROM defect")).scalar())


def test_a_returns_report_puts_returns_on_orders_and_records_claims(engine, tmp_path):
    path = report(tmp_path / "returns.txt", MFN, [
        mfn(US1, "DkXq1", claim="Y"), mfn(US2, "DkXq2", refunded="12.50"),
        mfn(STRANGER, "DkXq9", claim="Y", refunded="")])
    result = import_returns(engine, path)
    assert (result.added, result.updated, result.claims, result.claims_recorded,
            result.unknown_orders) == (3, 0, 2, 1, 1)
    assert result.summary() == (
        "returns.txt: 3 returns (3 new, 0 imported before), refunded 42.50 USD, 2 with an "
        "A-to-z claim (1 recorded as a defect now); 1 for orders not in SellerDesk yet "
        "(they show once the orders report that has them is imported)")
    with reading(engine) as conn:
        [claim] = defect_store.defects_on_order(conn, order_id=US1)
    assert (claim.kind.value, claim.status, str(claim.on)) == ("atoz_claim", "open", "2026-10-05")
    [back] = order_activity(engine, US1).returns
    assert back.what == "1 × MUG returned: defective (standard refund) — A-to-z claim filed"
    assert back.refunded.display() == "$30.00"

    again = import_returns(engine, path)
    assert (again.added, again.updated, again.claims_recorded) == (0, 3, 0)
    assert counts(engine) == (3, 1)


def test_a_claim_recorded_before_keeps_its_status(engine, tmp_path):
    from datetime import date, datetime
    with writing(engine) as conn:
        defect_store.put_defect(conn, order_id=US1, kind="atoz_claim", status="denied",
                                on=date(2026, 10, 4), rating=None, rater_ref=None,
                                source="manual", by="Ana", now=datetime(2026, 10, 9))
    import_returns(engine, report(tmp_path / "r.txt", MFN, [mfn(US1, "R1", claim="Yes")]))
    with reading(engine) as conn:
        [claim] = defect_store.defects_on_order(conn, order_id=US1)
    assert claim.status == "denied"


def test_what_a_return_refunded_counts_against_the_caps_once(engine, tmp_path):
    import_returns(engine, report(tmp_path / "r.txt", MFN, [
        mfn(US1, "R1", refunded="30.00"), mfn(US2, "R2", refunded="10.00")]))
    issue = add_issue(engine, order_id=US1, issue_type=IssueType.DAMAGED)
    suggestion = suggest_for_issue(engine, issue.issue_id)
    assert suggestion.amount.minor == 0          # the buyer has had the whole order back
    assert any("30.00 already given" in line for line in suggestion.explanation), \
        suggestion.explanation

    # SellerDesk gave a $10 refund that the report shows as well: counted once.
    issue = add_issue(engine, order_id=US2, issue_type=IssueType.DAMAGED)
    issue_credit(engine, issue_id=issue.issue_id, amount="10.00",
                      kind=Remedy.PARTIAL_REFUND, reason="returned")
    with reading(engine) as conn:
        assert given_on_order(conn, US2, "USD").display() == "$10.00"


def test_the_fba_customer_returns_report(engine, tmp_path):
    path = report(tmp_path / "fba.txt", FBA, [
        fba(US1, "LPNRR123"), fba(US2, "LPNRR124", quantity="2"),
        fba(US2, "LPNRR124")])                       # Amazon repeats a row now and then
    result = kinds.import_report(engine, path, kind=kinds.report_kind(path))
    assert (result.kind, result.added, result.refunded) == ("fba-returns", 2, {})
    assert result.skipped == [{"line": 4, "order_id": US2,
                               "reason": "the same return as line 3"}]
    [back] = order_activity(engine, US2).returns
    assert (back.quantity, back.requested_on.isoformat(), back.source) == (
        2, "2026-10-06", "fba-returns")
    assert back.what == ("2 × MUG returned: damaged by carrier (carrier damaged)")
    with engine.connect() as conn:           # the buyer's comment is not kept anywhere
        stored = conn.execute(sa.text("SELECT * FROM order_return")).all()
    assert "Jane" not in repr(stored)


@pytest.mark.parametrize(("name", "encoding", "bom", "rows", "expected"), [
    ("utf8-bom.txt", "utf-8", True, [mfn(US1, "R1", day="2026-10-05")], ("USD", 3000)),
    ("eu-cp1252.txt", "cp1252", False,
     [mfn(DE1, "R2", day="05.10.2026", refunded="12,50", currency="EUR",
          reason="Beschädigt – Ware")], ("EUR", 1250)),
    ("eu-latin1.txt", "latin-1", False,
     [mfn(DE1, "R3", day="05/10/2026", refunded="1.012,50", currency="EUR",
          reason="Endommagé")], ("EUR", 101250)),
    ("jp-cp932.txt", "cp932", False,
     [mfn(JP1, "R4", day="2026/10/05", refunded="1,500", currency="JPY",
          reason="商品が破損していた")], ("JPY", 1500)),
    ("us-slashes.txt", "utf-8", False,
     [mfn(US1, "R5", day="10/05/2026")], ("USD", 3000)),
    ("amazon-words.txt", "utf-8", False,
     [mfn(US1, "R6", day="05-Oct-2026")], ("USD", 3000)),
])
def test_every_encoding_and_date_form(engine, tmp_path, name, encoding, bom, rows, expected):
    path = report(tmp_path / name, MFN, rows, encoding=encoding, bom=bom)
    result = import_returns(engine, path)
    assert result.refunded == dict([expected])
    [back] = order_activity(engine, rows[0]["Order ID"]).returns
    assert back.requested_on.isoformat() == "2026-10-05"
    assert back.reason == rows[0]["Return Reason"]


@pytest.mark.parametrize(("bad", "column", "message"), [
    ({"Return request date": "2026-13-45"}, "Return request date", "is not a date"),
    ({"Return request date": ""}, "Return request date", "the date is empty"),
    ({"Return request date": "2099-01-01"}, "Return request date", "in the future"),
    ({"A-to-Z Claim": "maybe"}, "A-to-Z Claim", "'maybe' is neither Y nor N"),
    ({"Refunded Amount": "12.5.0"}, "Refunded Amount", "is not a number"),
    ({"Refunded Amount": "12.50", "Currency code": ""}, "Currency code", "no currency"),
    ({"Currency code": "XYZ"}, "Currency code", "unknown currency 'XYZ'"),
    ({"Return quantity": "-1"}, "Return quantity", "is not a quantity"),
    ({"Order ID": "9" * 40}, "Order ID", "too long for an order id"),
    ({"Order ID": ""}, "Order ID", "the order id is empty"),
])
def test_a_bad_cell_names_line_and_column_and_changes_nothing(engine, tmp_path, bad, column,
                                                              message):
    import_returns(engine, report(tmp_path / "first.txt", MFN, [mfn(US1, "R1")]))
    path = report(tmp_path / "bad.txt", MFN, [mfn(US2, "R2", claim="Y"),
                                              mfn(US2, "R3") | bad])
    with pytest.raises(InputError) as caught:
        import_returns(engine, path)
    assert (caught.value.file, caught.value.line, caught.value.column) == ("bad.txt", 3, column)
    assert message in caught.value.reason
    assert counts(engine) == (1, 0)


def test_a_missing_column_and_a_cut_short_row(engine, tmp_path):
    no_date = [c for c in MFN if c != "Return request date"]
    with pytest.raises(InputError, match="line 1, column 'Return request date'"):
        import_returns(engine, report(tmp_path / "a.txt", no_date, [mfn(US1, "R1")]))
    path = report(tmp_path / "b.txt", MFN, [mfn(US1, "R1")])
    path.write_bytes(path.read_bytes() + US2.encode() + b"\tDk\r\n")
    with pytest.raises(InputError, match=r"b\.txt, line 3: the row has 2 fields but the "
                                         r"header has 32: a tab is missing"):
        import_returns(engine, path)
    assert counts(engine) == (0, 0)


def test_the_command_line(engine, database, tmp_path, capsys):
    path = report(tmp_path / "fba.txt", FBA, [fba(US1, "LPN1")])
    assert main(["import", "fba-returns", str(path), "--db", database.location,
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["kind"], out["returns_added"], out["orders_added"]) == ("fba-returns", 1, 0)
    path = report(tmp_path / "r.txt", MFN, [mfn(US1, "R1", day="05/10/2026")])
    assert main(["import", "returns", str(path), "--db", database.location,
                 "--marketplace", "UK"]) == 0
    assert capsys.readouterr().out.startswith("r.txt: 1 return (1 new, 0 imported before)")
    [uk, _fba] = order_activity(engine, US1).returns    # oldest first
    assert uk.requested_on.isoformat() == "2026-10-05"      # day first, as the UK writes


def test_report_kind_knows_both_returns_reports(tmp_path):
    assert kinds.report_kind(report(tmp_path / "a.txt", MFN, [])) == "returns"
    assert kinds.report_kind(report(tmp_path / "b.txt", FBA, [])) == "fba-returns"
