"""The policy backtest on a real desk (SQLite and PostgreSQL): issues logged, credited,
reversed and sent for approval through the desk's own services, then replayed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sellerdesk.core.errors import Cancelled
from sellerdesk.core.issues import IssueType, Severity
from sellerdesk.core.policy import PolicyError
from sellerdesk.services.at_desk import DeskError
from sellerdesk.services.clock import now
from sellerdesk.services.credits import issue_credit, reverse_credit
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from sellerdesk.services.policies import (
    ensure_active_policy,
    policy_version_text,
    policy_versions,
    save_policy,
)
from sellerdesk.services.policy_lab.backtest import backtest, prepare_backtest, replay_draft
from sellerdesk.services.shipped_policy import default_policy_text
from tests.helpers.reports import row, write
from tests.helpers.staffing import hire, owner_at_work

BOOKS = "114-3941689-8772232"   # a book 24.99 + 3.99 shipping, two mugs at 14.50
MUG = "114-0000000-0000002"     # one mug 14.50
LAMP = "114-0000000-0000003"    # a lamp 120.00
TEA = "205-0000000-0000004"     # GBP: a tea set 40.00
JPY = "503-0000000-0000005"     # JPY: a kettle 6000
START = datetime(2026, 3, 2, 9, tzinfo=UTC)       # a Monday
DAY = START.date()


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def engine(database, tmp_path, monkeypatch, clock):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    report = write(tmp_path / "orders.txt", [
        row(BOOKS, sku="BOOK", price="24.99", shipping="3.99", date="2026-03-01T08:00:00+00:00"),
        row(BOOKS, sku="MUG", price="29.00", quantity=2, date="2026-03-01T08:00:00+00:00"),
        row(MUG, sku="MUG", price="14.50", date="2026-03-01T09:00:00+00:00"),
        row(LAMP, sku="LAMP", price="120.00", date="2026-03-01T10:00:00+00:00"),
        row(TEA, sku="TEA", price="40.00", currency="GBP", channel="Amazon.co.uk",
            date="2026-03-01T11:00:00+00:00"),
        row(JPY, sku="KETTLE", price="6000", currency="JPY", channel="Amazon.co.jp",
            date="2026-03-01T12:00:00+00:00"),
    ])
    import_orders(database.engine, report)
    ensure_active_policy(database.engine)
    clock.shift(timedelta(hours=1))
    return database.engine


def later(clock, minutes: int = 1) -> None:
    clock.shift(timedelta(minutes=minutes))


def part(row: dict, expected: dict) -> dict:
    return {key: row[key] for key in expected}


def damaged_percent(percent: int) -> str:
    return default_policy_text().replace(
        'basis = "affected_items"\npercent = 30', f'basis = "affected_items"\npercent = {percent}')


def test_a_range_without_issues_says_so(engine):
    result = backtest(engine, default_policy_text(), start=date(2025, 1, 1),
                      end=date(2025, 3, 31))
    assert result.empty
    assert result.as_json()["message"] == ("No issues were logged from 2025-01-01 to "
                                           "2025-03-31; nothing to compare.")
    assert result.as_json()["issues"] == []
    assert result.as_json()["totals"] == {}


def test_a_draft_that_does_not_read_is_one_sentence_naming_its_line(engine):
    broken = default_policy_text().replace("percent = 30", 'percent = "thirty"')
    with pytest.raises(PolicyError) as caught:
        backtest(engine, broken, start=DAY, end=DAY, source="draft.toml")
    message = str(caught.value)
    assert message.startswith("draft.toml, line ")
    assert "rules.damaged.percent" in message
    assert "\n" not in message


def test_the_backtest_gives_what_was_given_then_and_the_draft_per_issue(engine, clock):
    damaged = add_issue(engine, order_id=BOOKS, issue_type=IssueType.DAMAGED,
                        affected=(("BOOK", 1),))
    later(clock)
    issue_credit(engine, issue_id=damaged.issue_id, amount="5", reason="buyer asked for less")
    later(clock)
    untouched = add_issue(engine, order_id=MUG, issue_type=IssueType.MISSING_ITEM)
    result = backtest(engine, damaged_percent(40), start=DAY, end=DAY)
    rows = {r["issue_id"]: r for r in result.as_json()["issues"]}
    expected = {
        "order_id": BOOKS, "currency": "USD", "given": "5.00", "recorded_suggestion": "7.50",
        "suggested_then": "7.50", "then_version": 1, "draft": "10.00",
        "draft_needs_approval": False, "without_rule": False, "note": "", "sku": "BOOK",
        "marketplace": "US", "agent": "Ana", "type": "damaged"}
    assert part(rows[damaged.issue_id], expected) == expected
    assert rows[untouched.issue_id]["given"] == "0.00"
    assert rows[untouched.issue_id]["suggested_then"] == "7.25"    # half the order: the cap
    assert rows[untouched.issue_id]["recorded_suggestion"] is None
    expected = {"issues": 2, "given": "5.00", "suggested_then": "14.75", "draft": "17.25"}
    assert part(result.as_json()["totals"]["USD"], expected) == expected


def test_earlier_credits_on_the_order_and_by_the_buyer_count_as_they_stood(engine, clock):
    first = add_issue(engine, order_id=BOOKS, issue_type=IssueType.MISSING_ITEM,
                      affected=(("MUG", 1),), buyer="pat@example.com")
    later(clock)
    issue_credit(engine, issue_id=first.issue_id, amount="25", reason="both mugs broke")
    later(clock)
    second = add_issue(engine, order_id=BOOKS, issue_type=IssueType.DAMAGED,
                       affected=(("BOOK", 1),), buyer="pat@example.com")
    later(clock)
    rows = {r["issue_id"]: r for r in backtest(engine, default_policy_text(), start=DAY,
                                               end=DAY).as_json()["issues"]}
    # The first issue met an empty order and no other issue from the buyer: 14.50. The
    # second met the buyer's first issue (7.50 + 20 % = 9.00) and the 25.00 given on the
    # order, which leaves 3.99 of the cap of half the order's 57.98.
    assert (rows[first.issue_id]["draft"], rows[first.issue_id]["draft_flags"]) == ("14.50", [])
    assert rows[second.issue_id]["draft"] == "3.99"
    assert rows[second.issue_id]["draft_flags"] == ["repeat_issue", "capped"]


def test_a_draft_without_a_rule_for_a_type_is_reported_on_each_such_issue(engine, clock):
    wrong = add_issue(engine, order_id=MUG, issue_type=IssueType.WRONG_ITEM)
    later(clock)
    damaged = add_issue(engine, order_id=BOOKS, issue_type=IssueType.DAMAGED,
                        affected=(("BOOK", 1),))
    draft = ('[policy]\nname = "Damage only"\n[rules.damaged]\nbasis = "affected_items"\n'
             'percent = 30\n')
    result = backtest(engine, draft, start=DAY, end=DAY).as_json()
    assert result["without_rule"] == [{"issue_id": wrong.issue_id, "type": "wrong_item"}]
    rows = {r["issue_id"]: r for r in result["issues"]}
    assert rows[wrong.issue_id]["draft"] == "0.00"
    assert rows[wrong.issue_id]["draft_explanation"] == [
        "wrong_item: “Damage only” has no rule for this issue type; decide by hand."]
    assert rows[damaged.issue_id]["draft"] == "7.50"


def test_shares_of_sales_are_per_currency_and_never_summed(engine, clock):
    add_issue(engine, order_id=BOOKS, issue_type=IssueType.DAMAGED, affected=(("BOOK", 1),))
    add_issue(engine, order_id=TEA, issue_type=IssueType.DAMAGED)
    add_issue(engine, order_id=JPY, issue_type=IssueType.DAMAGED)
    result = backtest(engine, default_policy_text(), start=date(2026, 3, 1), end=DAY)
    totals = result.as_json()["totals"]
    assert set(totals) == {"USD", "GBP", "JPY"}
    # Sales on 1 March: USD 24.99 + 3.99 + 29.00 + 14.50 + 120.00 = 192.48; GBP 40; JPY 6000.
    assert (totals["USD"]["sales"], totals["GBP"]["sales"], totals["JPY"]["sales"]) == (
        "192.48", "40.00", "6000")
    assert totals["USD"]["share_of_sales"]["draft"] == pytest.approx(7.50 / 192.48)
    assert totals["GBP"]["share_of_sales"]["draft"] == pytest.approx(12.00 / 40)
    assert totals["JPY"]["share_of_sales"]["draft"] == pytest.approx(1800 / 6000)
    assert (totals["USD"]["draft"], totals["GBP"]["draft"], totals["JPY"]["draft"]) == (
        "7.50", "12.00", "1800")
    by_type = result.as_json()["by_issue_type"]["damaged"]
    assert set(by_type) == {"USD", "GBP", "JPY"}       # one line per currency, no grand total
    weekly = result.as_json()["weekly"]
    assert [w["week"] for w in weekly["GBP"]] == ["2026-02-23", "2026-03-02"]
    assert weekly["GBP"][1]["draft"] == "12.00"
    assert weekly["GBP"][0]["draft"] == "0.00"


def test_a_raised_damaged_percentage_costs_more_and_needs_more_approvals(engine, clock):
    for order_id, sku in ((BOOKS, "BOOK"), (LAMP, "LAMP"), (MUG, "MUG")):
        add_issue(engine, order_id=order_id, issue_type=IssueType.DAMAGED,
                  affected=((sku, 1),))
        later(clock)
    now_in_force = backtest(engine, default_policy_text(), start=DAY, end=DAY)
    raised = backtest(engine, damaged_percent(120), start=DAY, end=DAY)
    # 30 %: book 7.50, lamp 36.00 (above the 25.00 approval limit), mug 4.35.
    # 120 %: book 29.99 capped at half its order, 28.99 (above the limit now too), lamp
    # 144.00 capped at 50.00 per order, mug 17.40 capped at half its order, 7.25.
    assert (now_in_force.totals["USD"].draft, raised.totals["USD"].draft) == (4785, 8624)
    assert raised.totals["USD"].then == now_in_force.totals["USD"].then == 4785
    assert now_in_force.approvals() == {"then": 1, "draft": 1}
    assert raised.approvals() == {"then": 1, "draft": 2}
    assert raised.caps_hit() == {"then": 0, "draft": 3}


def test_progress_is_reported_and_cancel_stops_it(engine, clock):
    for _ in range(3):
        add_issue(engine, order_id=MUG, issue_type=IssueType.DAMAGED)
    seen = []
    backtest(engine, default_policy_text(), start=DAY, end=DAY,
             progress=lambda fraction, message: seen.append((fraction, message)))
    assert seen[0] == (0.0, "Reading the issues…")
    assert seen[-1] == (1.0, "Replayed 3 issues")
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)
    with pytest.raises(Cancelled, match="The backtest was cancelled"):
        backtest(engine, default_policy_text(), start=DAY, end=DAY, cancelled=lambda: True)


# -- the property: the policy in force, replayed, gives back what it suggested -----------
VARIANTS = (30, 45, 80)           # the damaged percentage of the versions saved in turn
ORDERS = ((BOOKS, ("BOOK", "MUG")), (MUG, ("MUG",)), (LAMP, ("LAMP",)), (TEA, ("TEA",)),
          (JPY, ("KETTLE",)))
TYPES = (IssueType.DAMAGED, IssueType.MISSING_ITEM, IssueType.WRONG_ITEM,
         IssueType.LATE_DELIVERY, IssueType.BILLING_ERROR)

new_issue = st.tuples(
    st.just("issue"), st.sampled_from(range(len(ORDERS))), st.sampled_from(TYPES),
    st.sampled_from(list(Severity)), st.sampled_from([None, "a", "b", "c"]), st.booleans(),
    st.integers(0, 4), st.sampled_from([None, None, "1", "30"]), st.booleans())
# Most steps log an issue, often deciding it at once (a credit at the suggestion or at
# another amount, or a request for approval); the others decide an earlier one, take a
# credit back, save another version of the policy, or let weeks pass.
step = st.one_of(
    new_issue, new_issue, new_issue, new_issue,
    st.tuples(st.just("credit"), st.integers(0, 10**6), st.sampled_from([None, "1", "3.50"])),
    st.tuples(st.just("reverse"), st.integers(0, 10**6)),
    st.tuples(st.just("version"), st.sampled_from(VARIANTS)),
    st.tuples(st.just("wait"), st.integers(1, 60 * 24 * 40)),
)


def _credit(engine, issue_id: int, amount: str | None, credits: list[int]) -> None:
    try:
        outcome = issue_credit(engine, issue_id=issue_id, amount=amount,
                               reason="as the buyer asked" if amount else "", staff="Bo")
    except DeskError:       # the desk refuses (more than is left, a zero credit): fine
        return
    if outcome.credit_id:
        credits.append(outcome.credit_id)


@pytest.fixture
def desk(engine):
    """What the examples of one test have made so far on its desk."""
    hire(engine, "Bo")
    return {"issues": [], "credits": [], "decided": set(), "compared": set(), "texts": {}}


# 45 examples of 130-260 steps: some 2,000 issues per backend, about 1,000 of them
# decided (credited or sent for approval) and as many compared with the draft, in some
# 22 s on SQLite and 48 s on PostgreSQL on the 2-core machine. Long examples rather than
# many: each ends in a backtest of the whole desk so far.
@settings(max_examples=45, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=130, max_size=260))
def test_the_policy_then_replayed_gives_back_each_recorded_suggestion(engine, clock, desk,
                                                                      steps):
    """Issues, credits at the suggestion and at other amounts, reversals, approval
    requests, new versions and weeks passing, through the desk's own services; each
    example adds to the same desk, later in time. Every recorded suggestion is then the
    backtest's for the version then, and the draft's when the draft is that version."""
    issues, credits = desk["issues"], desk["credits"]
    for action, *args in steps:
        later(clock)
        if action == "issue":
            which, kind, severity, buyer, some, days, amount, decide = args
            order_id, skus = ORDERS[which]
            issues.append(add_issue(
                engine, order_id=order_id, issue_type=kind, severity=severity,
                affected=((skus[0], 1),) if some else (),
                days_late=days if kind is IssueType.LATE_DELIVERY else 0,
                buyer=buyer and f"{buyer}@example.com", staff="Bo").issue_id)
            if decide:
                later(clock)
                _credit(engine, issues[-1], amount, credits)
        elif action == "credit" and issues:
            _credit(engine, issues[args[0] % len(issues)], args[1], credits)
        elif action == "reverse" and credits:
            chosen = credits.pop(args[0] % len(credits))
            reverse_credit(engine, credit_id=chosen, reason="taken back", staff="Bo")
        elif action == "version" and len(policy_versions(engine)) < 6:
            # A few versions are enough to tell them apart, and each asks the owner's
            # PIN (scrypt: a tenth of a second).
            owner_at_work(engine)
            save_policy(engine, damaged_percent(args[0]), by="Ana", source="variant")
        elif action == "wait":
            later(clock, args[0])
    # The draft: the version in force now. Every recorded suggestion must come back in
    # the column of the policy then, and in the draft's where that policy was the same.
    latest = max(policy_versions(engine), key=lambda v: v.version).version
    draft = policy_version_text(engine, latest)
    start, end = START.date() - timedelta(days=1), now().date() + timedelta(days=1)
    result = backtest(engine, draft, start=start, end=end)
    assert [o.issue_id for o in result.outcomes] == issues
    for outcome in result.outcomes:
        assert not outcome.note, outcome.note
        if outcome.recorded is None:
            continue
        assert outcome.then is not None
        assert outcome.then.amount == outcome.recorded, outcome.as_json()
        texts = desk["texts"]       # a saved version never changes: read each once
        if outcome.then_version not in texts:
            texts[outcome.then_version] = policy_version_text(engine, outcome.then_version)
        if texts[outcome.then_version] == draft:
            assert outcome.draft is not None
            assert outcome.draft.amount == outcome.recorded, outcome.as_json()
            desk["compared"].add(outcome.issue_id)
    desk["decided"].update(o.issue_id for o in result.outcomes if o.recorded is not None)


def test_the_shipped_policy_is_the_damaged_30_percent_variant():
    # The property test's versions are the shipped text with one number changed.
    assert damaged_percent(30) == default_policy_text()
    assert damaged_percent(45) != default_policy_text()


# -- prepared once, a draft replayed as it is edited -------------------------------------
def _mixed_issues(engine, clock) -> None:
    """Damaged, missing and late issues on two currencies, one from a repeat buyer."""
    for order_id, kind, affected in (
            (BOOKS, IssueType.DAMAGED, (("BOOK", 1),)), (MUG, IssueType.MISSING_ITEM, ()),
            (TEA, IssueType.DAMAGED, ()), (LAMP, IssueType.LATE_DELIVERY, ()),
            (BOOKS, IssueType.MISSING_ITEM, (("MUG", 1),))):
        add_issue(engine, order_id=order_id, issue_type=kind, affected=affected,
                  days_late=3 if kind is IssueType.LATE_DELIVERY else 0,
                  buyer="pat@example.com")
        later(clock)


@pytest.mark.parametrize("edit", [
    ('basis = "affected_items"\npercent = 30', 'basis = "affected_items"\npercent = 60'),
    ("repeat_issue_percent = 20", "repeat_issue_percent = 50"),   # global: every issue
    ("max_share_of_order = 0.5", "max_share_of_order = 0.1"),       # the caps
    ("buyer_window_days = 365", "buyer_window_days = 0"),           # the buyer window
])
def test_an_edited_draft_replayed_over_the_previous_gives_what_a_fresh_replay_gives(
        engine, clock, edit):
    _mixed_issues(engine, clock)
    prepared = prepare_backtest(engine, start=DAY, end=DAY)
    first = replay_draft(prepared, default_policy_text())
    edited_text = default_policy_text().replace(*edit)
    assert edited_text != default_policy_text()
    edited = replay_draft(prepared, edited_text, previous=first)
    fresh = backtest(engine, edited_text, start=DAY, end=DAY)
    assert edited.as_json() == fresh.as_json()
    assert edited.outcomes == fresh.outcomes
    assert edited.as_json() != first.as_json()
    # And back again: the first draft's result, from the edited one.
    assert replay_draft(prepared, default_policy_text(), previous=edited).as_json() == \
        first.as_json()


def test_an_edit_to_one_types_rule_replays_only_that_types_issues(engine, clock):
    _mixed_issues(engine, clock)
    prepared = prepare_backtest(engine, start=DAY, end=DAY)
    draft = damaged_percent(45)
    first = replay_draft(prepared, draft)
    edited = replay_draft(prepared, damaged_percent(60), previous=first)
    kept = [o.issue_type for o, before in zip(edited.outcomes, first.outcomes, strict=True)
            if o is before]
    assert sorted(kept) == ["late_delivery", "missing_item", "missing_item"]
    assert edited.as_json() == backtest(engine, damaged_percent(60), start=DAY,
                                        end=DAY).as_json()
    # A previous replay of other prepared issues is not reused.
    other = prepare_backtest(engine, start=DAY, end=DAY)
    assert not any(o is b for o, b in zip(replay_draft(other, draft, previous=first).outcomes,
                                          first.outcomes, strict=True))


def test_a_draft_whose_buyer_window_reaches_past_what_was_read_reads_further(engine, clock):
    first = add_issue(engine, order_id=MUG, issue_type=IssueType.DAMAGED, buyer="pat@example.com")
    later(clock)
    issue_credit(engine, issue_id=first.issue_id, amount="2", reason="a chipped mug")
    clock.shift(timedelta(days=500))
    second = add_issue(engine, order_id=LAMP, issue_type=IssueType.DAMAGED,
                       buyer="pat@example.com")
    day = now().date()
    prepared = prepare_backtest(engine, start=day, end=day)     # reads a year back
    longer = default_policy_text().replace(
        "buyer_window_days = 365", "buyer_window_days = 800").replace(
        "buyer_max_credits = 2", "buyer_max_credits = 1")
    replayed = replay_draft(prepared, longer).as_json()
    assert replayed == backtest(engine, longer, start=day, end=day).as_json()
    [row] = replayed["issues"]
    assert row["issue_id"] == second.issue_id
    assert "repeat_buyer" in row["draft_flags"]          # the credit 500 days before counts
    assert row["draft_needs_approval"]
