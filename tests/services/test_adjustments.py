"""The Order Adjustment feed written from the ledger, read back, and the credits it marks
sent: each refund goes to Amazon once, on its own marketplace, or says why it waits."""

import json

import pytest

from sellerdesk.cli import main
from sellerdesk.core.adjustments import read_feed
from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import IssueType, Remedy
from sellerdesk.services.adjustments import (
    export_adjustments,
    feed_marks,
    feed_plan,
    record_item_codes,
)
from sellerdesk.services.credits import issue_credit, reverse_credit
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from tests.helpers.reports import row, write
from tests.helpers.staffing import owner_at_work

US, UK, BARE = "114-3941689-8772232", "202-1234567-7654321", "114-0000000-0000003"


@pytest.fixture
def engine(database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    engine = database.engine
    import_orders(engine, write(tmp_path / "o.txt", [
        row(US, sku="MUG", price="30.00"), row(US, sku="BOOK", price="20.00"),
        row(UK, sku="TEA", price="15.00", currency="GBP", channel="Amazon.co.uk"),
        row(BARE, sku="PEN", price="9.00")]))
    record_item_codes(engine, [(US, "MUG", "11111111111111"), (US, "BOOK", "22222222222222"),
                               (UK, "TEA", "33333333333333")])
    owner_at_work(engine)          # Ana's credits past the caps approve themselves
    return engine


def credit(engine, order_id, amount, kind=Remedy.COURTESY_CREDIT, items=()):
    issue = add_issue(engine, order_id=order_id, issue_type=IssueType.DAMAGED,
                      affected=items)
    outcome = issue_credit(engine, issue_id=issue.issue_id, amount=amount, kind=kind,
                           reason="as agreed with the buyer")
    return outcome.credit_id


def test_unsent_credits_go_in_one_feed_once(engine, tmp_path):
    first = credit(engine, US, "5.00", items=(("BOOK", 1),))
    second = credit(engine, US, "30.00", Remedy.PARTIAL_REFUND, items=(("MUG", 1),))
    result = export_adjustments(engine, tmp_path / "feed.xml", marketplace="US")
    assert result.credit_ids == [first, second]
    assert {c: str(m) for c, m in result.totals.items()} == {"USD": "35.00"}
    assert [(r[1], r[2], r[3], str(r[4])) for r in read_feed(result.path.read_bytes())] == [
        ("22222222222222", f"SD{first}-1", "Goodwill", "5.00"),
        ("11111111111111", f"SD{second}-1", "Principal", "30.00")]
    marks = feed_marks(engine)
    assert {c: (m.feed, m.exported_by) for c, m in marks.items()} == {
        first: ("feed.xml", "Ana"), second: ("feed.xml", "Ana")}
    with pytest.raises(KnownError, match="No credits to send to Amazon on US orders: every "
                                         "refund credit is already in a feed"):
        export_adjustments(engine, tmp_path / "again.xml", marketplace="US")
    assert not (tmp_path / "again.xml").exists()
    third = credit(engine, US, "4.00", items=(("MUG", 1),))
    later = export_adjustments(engine, tmp_path / "later.xml", marketplace="US")
    assert later.credit_ids == [third]


def test_a_new_credit_only_gets_the_room_earlier_feeds_left(engine, tmp_path):
    credit(engine, US, "28.00", Remedy.PARTIAL_REFUND, items=(("MUG", 1),))
    export_adjustments(engine, tmp_path / "one.xml", marketplace="US")
    late = credit(engine, US, "5.00", items=(("MUG", 1),))
    rows = read_feed(export_adjustments(engine, tmp_path / "two.xml").path.read_bytes())
    assert [(r[1], r[2], str(r[4])) for r in rows] == [
        ("11111111111111", f"SD{late}-1", "2.00"), ("22222222222222", f"SD{late}-2", "3.00")]


def test_reversed_credits_and_reversals_never_reach_amazon(engine, tmp_path):
    kept = credit(engine, US, "5.00")
    undone = credit(engine, US, "6.00")
    reverse_credit(engine, credit_id=undone, reason="entered twice")
    assert export_adjustments(engine, tmp_path / "f.xml").credit_ids == [kept]


def test_a_credit_waits_for_its_item_code_and_says_so(engine, tmp_path):
    waiting = credit(engine, BARE, "3.00")
    sent = credit(engine, US, "2.00")
    result = export_adjustments(engine, tmp_path / "f.xml", marketplace="US")
    assert result.credit_ids == [sent]
    assert result.held == [(waiting, "Amazon's order-item code for PEN on order "
                                     f"{BARE} is not known yet (it comes with the settlement "
                                     "report or the Orders API)")]
    assert f"Held back credit {waiting}: Amazon's order-item code for PEN" in result.describe()
    record_item_codes(engine, [(BARE, "PEN", "44444444444444")])
    assert export_adjustments(engine, tmp_path / "g.xml").credit_ids == [waiting]


def test_one_feed_per_marketplace(engine, tmp_path):
    us = credit(engine, US, "5.00")
    uk = credit(engine, UK, "4.00")
    assert feed_plan(engine).marketplaces == ["UK", "US"]
    with pytest.raises(KnownError, match=r"a feed per marketplace, and credits wait on orders "
                                         r"in UK, US: choose one \(--marketplace UK\)"):
        export_adjustments(engine, tmp_path / "both.xml")
    assert not (tmp_path / "both.xml").exists()
    assert feed_marks(engine) == {}
    uk_feed = export_adjustments(engine, tmp_path / "uk.xml", marketplace="UK")
    assert uk_feed.credit_ids == [uk]
    assert b'<Amount currency="GBP">4.00</Amount>' in uk_feed.path.read_bytes()
    assert export_adjustments(engine, tmp_path / "us.xml").credit_ids == [us]


def test_a_feed_that_cannot_be_written_marks_nothing(engine, tmp_path):
    sent = credit(engine, US, "5.00")
    with pytest.raises(KnownError, match=r"cannot write .*nowhere.*feed\.xml"):
        export_adjustments(engine, tmp_path / "nowhere" / "feed.xml")
    with pytest.raises(KnownError, match=r"feed\.csv: an Order Adjustment feed is written as "
                                         r"XML \(end the name in \.xml\)"):
        export_adjustments(engine, tmp_path / "feed.csv")
    assert feed_marks(engine) == {}
    assert export_adjustments(engine, tmp_path / "feed.xml").credit_ids == [sent]


def test_the_command_line_prints_what_it_sent(engine, db_url, tmp_path, capsys):
    sent = credit(engine, US, "5.00")
    target = tmp_path / "feed.xml"
    assert main(["--db", db_url, "--json", "export", "adjustments", str(target)]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload == {"file": str(target), "credits": [sent], "totals": {"USD": "5.00"},
                       "held": []}
    assert main(["--db", db_url, "export", "adjustments", str(target)]) == 1
    assert "No credits to send to Amazon" in capsys.readouterr().err
