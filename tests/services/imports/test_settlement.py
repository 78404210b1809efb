"""Settlement reports imported and squared with the ledger: the refund Amazon paid for each
credit (found by the feed's SD ids, or by order), the fee it kept, credits not paid yet
and refunds SellerDesk never gave; item codes picked up for the feed; bad files refused
whole."""

import json

import pytest
import sqlalchemy as sa

from sellerdesk.cli import IMPORT_KINDS, main
from sellerdesk.core.errors import InputError
from sellerdesk.core.issues import IssueType, Remedy
from sellerdesk.services import reconcile
from sellerdesk.services.adjustments import export_adjustments, feed_plan
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.imports import kinds
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.imports.settlement import import_settlement
from sellerdesk.services.issues import add_issue
from tests.conftest import AMAZON
from tests.helpers.reports import WIDE, head, line, row, settlement_file, write
from tests.helpers.staffing import owner_at_work

FED, BY_HAND, WAITING, STRANGER = ("114-0000000-0000001", "114-0000000-0000002",
                                   "114-0000000-0000003", "114-0000000-0000009")


@pytest.fixture
def engine(database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    import_orders(database.engine, write(tmp_path / "o.txt", [
        row(o, sku="MUG", price="30.00") for o in (FED, BY_HAND, WAITING)]))
    owner_at_work(database.engine)     # Ana's credits past the caps approve themselves
    return database.engine


def credit(engine, order_id, amount, kind=Remedy.COURTESY_CREDIT):
    issue = add_issue(engine, order_id=order_id, issue_type=IssueType.DAMAGED)
    return issue_credit(engine, issue_id=issue.issue_id, amount=amount, kind=kind,
                             reason="as agreed").credit_id


def test_a_settlement_squares_credits_with_the_refunds_amazon_paid(engine, tmp_path):
    path = settlement_file(tmp_path / "settlement.txt", [
        head(),
        line(FED, "Principal", "30.00", kind="Order", code="55500000000001"),
        line(BY_HAND, "Principal", "30.00", kind="Order", code="55500000000002"),
        line(WAITING, "Principal", "30.00", kind="Order", code="55500000000003"),
    ])
    result = import_settlement(engine, path)
    assert (result.settlement_id, result.total, result.refunds, result.item_codes) == (
        "9001", "512.30", 0, 3)
    fed = credit(engine, FED, "7.50")
    plan = feed_plan(engine)                        # its item code came from the settlement
    assert ([a.credit_id for a in plan.adjustments], plan.held) == ([fed], [])
    export_adjustments(engine, tmp_path / "feed.xml", marketplace="US")
    by_hand = credit(engine, BY_HAND, "12.00", Remedy.PARTIAL_REFUND)
    waiting = credit(engine, WAITING, "4.00")
    replaced = credit(engine, WAITING, "20.00", Remedy.REPLACEMENT)
    later = settlement_file(tmp_path / "settlement-2.txt", [
        head(total="-20.00"),
        line(FED, "Goodwill", "-7.50", adjustment="A1", item=f"SD{fed}-1"),
        line(FED, "Commission", "1.13", amount_type="ItemFees", adjustment="A1",
             item=f"SD{fed}-1"),
        line(FED, "RefundCommission", "-0.23", amount_type="ItemFees", adjustment="A1",
             item=f"SD{fed}-1"),
        line(BY_HAND, "Principal", "-10.00", adjustment="A2"),
        line(BY_HAND, "RefundCommission", "-0.50", amount_type="ItemFees", adjustment="A2"),
        line(STRANGER, "Principal", "-5.00", adjustment="A3"),
    ])
    result = import_settlement(engine, later)
    assert (result.refunds, result.new) == (3, False)   # same settlement id: replaced
    outcome = reconcile.as_json(reconcile.reconciliation(engine))
    assert [(m["order_id"], m["linked_by"], m["credit_ids"], m["credited"], m["refunded"],
             m["fee_kept"], m["difference"]) for m in outcome["matched"]] == [
        (FED, "feed id", [fed], "7.50", "7.50", "0.23", "0.00"),
        (BY_HAND, "order", [by_hand], "12.00", "10.00", "0.50", "-2.00")]
    assert [c["credit_id"] for c in outcome["credits_unpaid"]] == [waiting]
    assert replaced not in [c["credit_id"] for c in outcome["credits_unpaid"]]
    assert [(r["order_id"], r["refunded"]) for r in outcome["refunds_unclaimed"]] == [
        (STRANGER, "5.00")]
    assert outcome["fees_kept"] == {"USD": "0.73"}
    text = reconcile.summary(reconcile.reconciliation(engine))
    assert text[1] == (f"order {BY_HAND}: credit {by_hand} ($12.00) Amazon paid $10.00, less "
                       "than given; refund fee kept $0.50 [same order]")
    assert text[-1].endswith("(settlement 9001) — no credit in SellerDesk")


def test_importing_the_same_settlement_again_changes_nothing(engine, tmp_path):
    path = settlement_file(tmp_path / "s.txt", [
        head(), line(BY_HAND, "Principal", "-10.00", adjustment="A2")])
    first = import_settlement(engine, path)
    again = import_settlement(engine, path)
    assert (first.new, again.new) == (True, False)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM settlement_refund")).scalar() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM settlement")).scalar() == 1


def test_the_older_wide_file_in_euros_with_decimal_commas(engine, tmp_path):
    rows = [
        {"settlement-id": "77", "settlement-start-date": "01.10.2026 00:00:00 UTC",
         "settlement-end-date": "15.10.2026 00:00:00 UTC", "deposit-date": "17.10.2026",
         "total-amount": "1.234,56", "currency": "EUR"},
        {"settlement-id": "77", "transaction-type": "Refund", "order-id": BY_HAND,
         "adjustment-id": "R9", "marketplace-name": "Amazon.de", "posted-date": "05.10.2026",
         "sku": "MUG", "price-type": "Principal", "price-amount": "-12,50",
         "item-related-fee-type": "RefundCommission", "item-related-fee-amount": "-0,63",
         "quantity-purchased": "1"},
        {"settlement-id": "77", "transaction-type": "Refund", "order-id": BY_HAND,
         "adjustment-id": "R9", "marketplace-name": "Amazon.de", "posted-date": "05.10.2026",
         "sku": "MUG", "price-type": "Shipping", "price-amount": "-3,00",
         "item-related-fee-type": "Commission", "item-related-fee-amount": "1,88"},
    ]
    path = settlement_file(tmp_path / "abrechnung.txt", rows, columns=WIDE,
                           encoding="cp1252")
    result = import_settlement(engine, path)
    assert (result.total, result.currency, result.refunds) == ("1234.56", "EUR", 1)
    refund = reconcile.reconciliation(engine).refunds_unclaimed[0]
    assert (str(refund.refunded), str(refund.fee_kept), str(refund.fee_returned),
            refund.posted.isoformat()) == ("15.50", "0.63", "1.88", "2026-10-05")


def test_amazons_own_sample_reads_as_a_settlement(engine):
    sample = AMAZON / "reports" / "airbyte_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE.tsv"
    assert kinds.report_kind(sample) == "settlement"
    result = import_settlement(engine, sample)
    assert (result.settlement_id, result.total, result.currency) == (
        "12345678901", "1234.56", "USD")


@pytest.mark.parametrize(("change", "message"), [
    (lambda rows: rows[2].update(amount="12.3.4"),
     r"s\.txt, line 4, column 'amount': '12\.3\.4' is not an amount"),
    (lambda rows: rows[2].update({"settlement-id": "9002"}),
     r"line 4, column 'settlement-id': settlement 9002 in a file of settlement 9001"),
    (lambda rows: rows[2].update({"posted-date-time": "13/05/2026"}),   # Amazon.com: M/D
     r"line 4, column 'posted-date-time': '13/05/2026' is not a date written M/D/YY"),
    (lambda rows: rows[0].update(currency=""),
     r"line 2, column 'currency': no currency for this amount"),
])
def test_a_bad_row_is_named_and_nothing_is_written(engine, tmp_path, change, message):
    rows = [head(), line(FED, "Principal", "-1.00", adjustment="A"),
            line(BY_HAND, "Principal", "-2.00", adjustment="B")]
    change(rows)
    with pytest.raises(InputError, match=message):
        import_settlement(engine, settlement_file(tmp_path / "s.txt", rows))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM settlement")).scalar() == 0


def test_a_file_without_amount_columns_is_refused(engine, tmp_path):
    path = settlement_file(tmp_path / "s.txt", [head()], columns=[
        "settlement-id", "transaction-type", "order-id", "total-amount", "currency"])
    with pytest.raises(InputError, match=r"s\.txt, line 1, column 'amount-type': the header "
                                         r"has neither amount-type/amount columns"):
        import_settlement(engine, path)


def test_import_and_reconcile_from_the_command_line(engine, db_url, tmp_path, capsys):
    assert IMPORT_KINDS == kinds.KINDS
    given = credit(engine, WAITING, "4.00")
    path = settlement_file(tmp_path / "s.txt", [head(), line(BY_HAND, "Principal", "-2.00",
                                                             adjustment="B")])
    assert main(["--db", db_url, "--json", "import", "settlement", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["kind"], report["rows"], report["refunds"], report["skipped"]) == (
        "settlement", 2, 1, [])
    assert main(["--db", db_url, "reconcile"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"order {WAITING}: credit {given} ($4.00, given {desk_day()}) — no refund in a "
        "settlement yet",
        f"order {BY_HAND}: refund of $2.00 on 2026-10-05 (settlement 9001) — no credit in "
        "SellerDesk"]


def desk_day():
    from sellerdesk.services.clock import now
    return now().date().isoformat()


def test_a_refund_in_another_currency_is_a_mismatch_never_subtracted(engine, db_url, tmp_path,
                                                                     capsys):
    fed = credit(engine, FED, "7.50")
    by_hand = credit(engine, BY_HAND, "12.00", Remedy.PARTIAL_REFUND)
    path = settlement_file(tmp_path / "yen.txt", [
        head(total="-2500", currency="JPY"),
        line(FED, "Goodwill", "-1100", adjustment="Y1", item=f"SD{fed}-1"),
        line(BY_HAND, "Principal", "-1400", adjustment="Y2"),
        line(BY_HAND, "RefundCommission", "-70", amount_type="ItemFees", adjustment="Y2"),
    ])
    assert main(["--db", db_url, "import", "settlement", str(path)]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "reconcile"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        f"order {FED}: credit {fed} ($7.50) does not match the refund of ¥1,100 (settlement "
        "9001): different currencies, so they are not compared; check the refund in Seller "
        "Central [by feed id]",
        f"order {BY_HAND}: credit {by_hand} ($12.00) does not match the refund of ¥1,400 "
        "(settlement 9001): different currencies, so they are not compared; check the refund "
        "in Seller Central [same order]",
        "refund administration fees kept by Amazon: ¥70"]
    assert main(["--db", db_url, "--json", "reconcile"]) == 0
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["matched"] == []
    assert [(m["order_id"], m["credit_ids"], m["credited"], m["refunded"])
            for m in outcome["mismatched"]] == [
        (FED, [fed], {"USD": "7.50"}, {"JPY": "1100"}),
        (BY_HAND, [by_hand], {"USD": "12.00"}, {"JPY": "1400"})]
