"""The backtest's estimated effect on defects and the ODR, on real desks built through the
desk's own services: orders imported, issues logged, credits given, defects recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from sellerdesk.core.issues import IssueType
from sellerdesk.core.metrics import DefectKind
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from sellerdesk.services.metrics import add_defect
from sellerdesk.services.policies import ensure_active_policy
from sellerdesk.services.policy_lab.backtest import backtest, prepare_backtest, replay_draft
from sellerdesk.services.policy_lab.estimate import fit_effect
from sellerdesk.services.shipped_policy import default_policy_text
from tests.helpers.reports import row, write

PLACED = datetime(2026, 3, 1, 8, tzinfo=UTC)
START, END = date(2026, 3, 1), date(2026, 3, 2)
NO_DAMAGED_CREDIT = default_policy_text().replace(
    'basis = "affected_items"\npercent = 30', 'basis = "affected_items"\npercent = 0')


def order_id(n: int) -> str:
    return f"114-0000000-{n:07d}"


def build_desk(engine, tmp_path, *, credited: int, credited_defects: int, uncredited: int,
               uncredited_defects: int, late_orders: int = 0) -> None:
    """One damaged book per order, all ordered on 1 March and logged on 2 March: the
    first `credited` issues credited at the policy's 7.50, the rest not. A-to-z claims
    (open, so they count) on 5 March on the first `credited_defects` credited orders and
    the first `uncredited_defects` uncredited ones. `late_orders` more orders placed on
    3 March, after the range, with uncredited issues and claims: history, not the range."""
    total = credited + uncredited
    with time_machine.travel(PLACED, tick=False) as clock:
        import_orders(engine, write(tmp_path / "orders.txt", [
            row(order_id(n), sku="BOOK", price="24.99", date=PLACED.isoformat())
            for n in range(total)]))
        ensure_active_policy(engine)
        clock.move_to(PLACED + timedelta(days=1))
        issues = [add_issue(engine, order_id=order_id(n), issue_type=IssueType.DAMAGED,
                            affected=(("BOOK", 1),)).issue_id for n in range(total)]
        for issue_id in issues[:credited]:
            issue_credit(engine, issue_id=issue_id)
        if late_orders:
            clock.move_to(PLACED + timedelta(days=2))
            import_orders(engine, write(tmp_path / "late.txt", [
                row(order_id(total + n), sku="BOOK", price="24.99",
                    date=(PLACED + timedelta(days=2)).isoformat()) for n in range(late_orders)]))
            for n in range(late_orders):
                add_issue(engine, order_id=order_id(total + n), issue_type=IssueType.DAMAGED,
                          affected=(("BOOK", 1),))
        clock.move_to(PLACED + timedelta(days=4))
        claimed = ([*range(credited_defects), *range(credited, credited + uncredited_defects),
                    *range(total, total + late_orders)])
        for n in claimed:
            add_defect(engine, order_id=order_id(n), kind=DefectKind.ATOZ_CLAIM, status="open")


@pytest.fixture
def today():
    with time_machine.travel(PLACED + timedelta(days=5), tick=False):
        yield


def test_credits_that_always_went_with_no_claim_give_a_known_answer(database, tmp_path,
                                                                    monkeypatch):
    """Every uncredited damaged issue was followed by an A-to-z claim and no credited one
    was: crediting the 20 uncredited avoids 20 defects, exactly, in every resample; a
    draft crediting none of the damaged issues adds the 20 credited ones' worth."""
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    engine = database.engine
    build_desk(engine, tmp_path, credited=20, credited_defects=0, uncredited=20,
               uncredited_defects=20)
    with time_machine.travel(PLACED + timedelta(days=5), tick=False):
        prepared = prepare_backtest(engine, start=START, end=END)
        crediting_all = replay_draft(prepared, default_policy_text()).estimate
        crediting_none = replay_draft(prepared, NO_DAMAGED_CREDIT).estimate
    assert crediting_all is not None
    assert crediting_none is not None
    found = crediting_all.as_json()
    assert found["available"] is True
    assert found["kind"] == "estimate"
    assert found["changed"] == {"newly_credited": 20, "no_longer_credited": 0,
                                "not_estimated": 0}
    assert (found["defects_change"], found["defects_interval"]) == (-20.0, [-20.0, -20.0])
    assert found["rates"]["damaged"] == {
        "credited": 20, "credited_with_defect": 0, "with_credit": 0.0, "not_credited": 20,
        "not_credited_with_defect": 20, "without_credit": 1.0, "pooled": False}
    assert found["sample"]["issues"] == 40
    # 40 orders placed in the range, the 20 uncredited with a claim: 50 %, and none left.
    assert found["odr"] == {"orders": 40, "orders_with_defects": 20, "actual": 0.5,
                            "draft": 0.0, "interval": [0.0, 0.0]}
    dropped = crediting_none.as_json()
    assert dropped["changed"]["no_longer_credited"] == 20
    assert dropped["defects_change"] == 20.0
    assert dropped["odr"]["draft"] == 1.0
    lines = crediting_all.lines()
    assert lines[1] == ("  The draft would credit 20 issues that were not credited: 20.0 "
                        "fewer defects (90 % interval: 20.0 fewer to 20.0 fewer).")
    assert crediting_none.lines()[1].startswith(
        "  The draft would not credit 20 issues that were: 20.0 more defects")
    assert lines[2] == ("  ODR of the 40 orders placed in the range: 50.00 % as it was (20 "
                        "with a defect); about 0.00 % under the draft (90 % interval 0.00 % "
                        "to 0.00 %).")
    assert lines[3].startswith("  Sample: 40 issues logged from 2025-12-03 to 2026-03-02 "
                               "(20 credited, 0 of them followed by a defect; 20 not "
                               "credited, 20 followed by a defect)")
    assert "not proof that a credit prevents a defect" in lines[-1]


def test_issues_on_orders_placed_after_the_range_change_defects_but_not_its_odr(
        sqlite_database, tmp_path, monkeypatch):
    """Issues in a longer range whose orders were placed before it change the defects
    but not the ODR of the range's own orders."""
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    engine = sqlite_database.engine
    build_desk(engine, tmp_path, credited=20, credited_defects=0, uncredited=20,
               uncredited_defects=20, late_orders=5)
    with time_machine.travel(PLACED + timedelta(days=5), tick=False):
        # the range starts on 2 March: the issues are in it, their orders (1 March) not,
        # but the 5 late orders (3 March) are, with their issues and claims
        found = backtest(engine, default_policy_text(), start=END,
                         end=END + timedelta(days=1)).as_json()["estimate"]
    assert found["sample"]["not_credited"] == 25
    assert found["changed"]["newly_credited"] == 25
    assert found["defects_change"] == -25.0
    assert found["odr"]["orders"] == 5
    assert (found["odr"]["actual"], found["odr"]["draft"]) == (1.0, 0.0)


def test_too_few_issues_give_no_estimate_and_say_why(sqlite_database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    engine = sqlite_database.engine
    build_desk(engine, tmp_path, credited=5, credited_defects=0, uncredited=3,
               uncredited_defects=3)
    with time_machine.travel(PLACED + timedelta(days=5), tick=False):
        estimate = backtest(engine, default_policy_text(), start=START, end=END).estimate
    assert estimate is not None
    found = estimate.as_json()
    assert found["available"] is False
    assert found["reason"] == ("too few issues to estimate from: 5 credited and 3 not "
                               "credited from 2025-12-03 to 2026-03-02; at least 20 of each "
                               "are needed.")
    assert (found["defects_change"], found["defects_interval"]) == (None, None)
    assert found["odr"] == {"orders": 8, "orders_with_defects": 3, "actual": 0.375,
                            "draft": None, "interval": None}
    assert found["sample"]["issues"] == 8
    assert estimate.lines()[1] == f"  No estimate: {found['reason']}"


def test_a_range_without_issues_has_no_estimate(sqlite_database, today):
    estimate = backtest(sqlite_database.engine, default_policy_text(), start=START,
                        end=END).estimate
    assert estimate is not None
    assert estimate.as_json()["reason"] == ("no issues were logged from 2026-03-01 to "
                                            "2026-03-02: nothing to estimate.")


def test_the_bootstrap_gives_the_same_interval_on_the_same_data(sqlite_database, tmp_path,
                                                                 monkeypatch):
    """5 of 20 credited and 12 of 20 uncredited issues followed by a claim: the draft
    credits the 20, (0.25 − 0.60) × 20 = 7 fewer defects, within an interval that is
    read again to the same figures, however often the desk is asked."""
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    engine = sqlite_database.engine
    build_desk(engine, tmp_path, credited=20, credited_defects=5, uncredited=20,
               uncredited_defects=12)
    with time_machine.travel(PLACED + timedelta(days=5), tick=False):
        result = backtest(engine, default_policy_text(), start=START, end=END)
        again = fit_effect(engine, start=START, end=END).estimate(result)
    first = result.estimate.as_json()
    assert first == again.as_json()
    assert first["defects_change"] == -7.0
    low, high = first["defects_interval"]
    assert low < -7.0 < high
    assert low >= -20.0     # no more than the 20 changed issues either way
    assert high <= 20.0
    odr_low, odr_high = first["odr"]["interval"]
    assert odr_low < first["odr"]["draft"] < odr_high
    assert first["odr"]["draft"] == pytest.approx((17 - 7) / 40)
