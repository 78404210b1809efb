"""The work queue: every source of work, one row an issue, soonest deadline first, and
each row's clock in words — on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from sellerdesk.core.issues import BuyerResponse, IssueStatus, IssueType, Remedy
from sellerdesk.services import follow_up
from sellerdesk.services.credits import issue_credit, reverse_credit
from sellerdesk.services.issues import add_issue
from sellerdesk.services.policies import save_policy
from sellerdesk.services.queue import (
    ANSWERED,
    APPROVAL,
    ASSIGNED,
    BUDGET,
    DEADLINE,
    LAPSING,
    REPLY,
    urgent_count,
    work_queue,
)
from sellerdesk.services.shipped_policy import default_policy_text
from tests.helpers.staffing import hire
from tests.helpers.stored_orders import ORDER, OTHER, lamp_and_mugs

MONDAY_9AM = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
NAIVE_9AM = MONDAY_9AM.replace(tzinfo=None)


@pytest.fixture
def engine(database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    return lamp_and_mugs(database.engine, tmp_path)


def at(hours: float):
    return time_machine.travel(MONDAY_9AM + timedelta(hours=hours), tick=False)


def queue(engine, hours: float, staff: str = "Ana"):
    return work_queue(engine, staff=staff, now=NAIVE_9AM + timedelta(hours=hours))


def damaged(engine, order: str = ORDER, **kwargs):
    return add_issue(engine, order_id=order, issue_type=IssueType.DAMAGED,
                     affected=(("LAMP" if order == ORDER else "MUG", 1),), **kwargs)


def test_a_new_contact_is_one_row_led_by_the_reply_owed(engine):
    with at(0):
        issue = damaged(engine)
    (item,) = queue(engine, 1.75)
    assert (item.kind, item.what, item.issue_id, item.order_id) == (
        REPLY, "Reply to the buyer", issue.issue_id, ORDER)
    assert item.due_at == NAIVE_9AM + timedelta(hours=24)
    assert item.also == ("resolve before the buyer may file an A-to-z claim",)
    assert item.left_text(NAIVE_9AM + timedelta(hours=1.75)) == "22 h 15 min left"
    assert item.left_text(NAIVE_9AM + timedelta(hours=24 + 27)) == "overdue 1 d 3 h"
    # Replied to, the issue is still owed the offer that meets the 48-hour clock.
    with at(2):
        follow_up.note_reply(engine, issue_id=issue.issue_id, text="Sorry — a credit follows.")
    (item,) = queue(engine, 45 + 50 / 60)
    assert (item.kind, item.what, item.also) == (
        DEADLINE, "Resolve before the buyer may file an A-to-z claim", ())
    assert item.left_text(NAIVE_9AM + timedelta(hours=45 + 50 / 60)) == "2 h 10 min left"


def test_amazons_other_clocks_and_one_left_running_on_a_closed_issue(engine):
    with at(0):
        issue = damaged(engine)
        issue_credit(engine, issue_id=issue.issue_id)         # meets the 48-hour clock
        follow_up.note_reply(engine, issue_id=issue.issue_id, text="Refund on its way.")
        follow_up.record_event(engine, issue_id=issue.issue_id, kind="return_received")
        follow_up.set_status(engine, issue_id=issue.issue_id, status=IssueStatus.CLOSED)
        chargeback = damaged(engine, OTHER)
        follow_up.note_reply(engine, issue_id=chargeback.issue_id, text="Looking into it.")
        follow_up.record_event(engine, issue_id=chargeback.issue_id, kind="chargeback_notice")
    items = queue(engine, 1)
    # The refund: two business days from Monday 9:00; the chargeback: seven days (the
    # notice escalated the issue, which meets the 48-hour clock).
    assert [(i.issue_id, i.kind, i.what, i.due_at, i.also) for i in items] == [
        (issue.issue_id, DEADLINE, "Refund the return", NAIVE_9AM + timedelta(days=2), ()),
        (chargeback.issue_id, DEADLINE, "Answer the chargeback",
         NAIVE_9AM + timedelta(days=7), ()),
    ]
    with at(2):
        follow_up.record_event(engine, issue_id=issue.issue_id, kind="refund_issued")
    assert [i.issue_id for i in queue(engine, 2)] == [chargeback.issue_id]


def test_a_buyers_answer_to_the_offer_waits_for_someone(engine):
    with at(0):
        declined, accepted = damaged(engine), damaged(engine, OTHER)
        for issue in (declined, accepted):
            issue_credit(engine, issue_id=issue.issue_id)
            follow_up.note_reply(engine, issue_id=issue.issue_id, text="A credit for you.")
    assert queue(engine, 1) == []                     # waiting for the buyers: nothing to do
    with at(3):
        follow_up.record_response(engine, issue_id=declined.issue_id,
                                  response=BuyerResponse.DECLINED)
        follow_up.record_response(engine, issue_id=accepted.issue_id,
                                  response=BuyerResponse.ACCEPTED)   # resolves it
    (item,) = queue(engine, 4)
    assert (item.kind, item.what, item.issue_id, item.due_at, item.left_text(NAIVE_9AM)) == (
        ANSWERED, "The buyer declined the offer", declined.issue_id, None, "")


def test_issues_assigned_to_the_person_at_the_desk(engine):
    with at(0):
        hire(engine, "Ben")
        mine, bens = damaged(engine), damaged(engine, OTHER)
        for issue, name in ((mine, "Ana"), (bens, "Ben")):
            issue_credit(engine, issue_id=issue.issue_id)
            follow_up.note_reply(engine, issue_id=issue.issue_id, text="A credit for you.")
            follow_up.assign(engine, issue_id=issue.issue_id, assignee=name)
    (item,) = queue(engine, 1, staff="Ana")
    assert (item.kind, item.what, item.issue_id, item.assignee) == (
        ASSIGNED, "Assigned to you", mine.issue_id, "Ana")
    assert [i.issue_id for i in queue(engine, 1, staff="Ben")] == [bens.issue_id]


def test_approvals_wait_for_those_who_may_decide_them(engine):
    with at(0):
        hire(engine, "Ben")
        issue = damaged(engine, staff="Ben")
        asked = issue_credit(engine, issue_id=issue.issue_id, amount="59.00",
                             reason="the whole lamp", staff="Ben")
    assert asked.pending
    approvals = [i for i in queue(engine, 1, staff="Ana") if i.kind == APPROVAL]
    assert [(i.approval_id, i.issue_id, i.order_id, i.due_at) for i in approvals] == [
        (asked.approval_id, issue.issue_id, ORDER, None)]
    assert approvals[0].what == "Approve or reject courtesy credit $59.00 asked by Ben"
    assert [i.kind for i in queue(engine, 1, staff="Ben")] == [REPLY]   # an agent; his own


def test_promotional_codes_about_to_lapse(engine):
    today = MONDAY_9AM.date()
    with at(0):
        for days in (3, 40, 5):
            issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.LATE_DELIVERY,
                              days_late=1)
            issue_credit(engine, issue_id=issue.issue_id, kind=Remedy.PROMOTIONAL_CREDIT,
                         amount="5.00", reason="a code for next time",
                         expires_on=today + timedelta(days=days))
            follow_up.note_reply(engine, issue_id=issue.issue_id, text="A code for you.")
        reverse_credit(engine, credit_id=3, reason="the buyer preferred a refund")
    lapsing = [i for i in queue(engine, 1) if i.kind == LAPSING]
    assert [(i.credit_id, i.issue_id, i.due_at) for i in lapsing] == [
        (1, 1, datetime.combine(today + timedelta(days=4), datetime.min.time()))]
    assert lapsing[0].what == (f"Remind the buyer: the $5.00 promotional code lapses on "
                               f"{(today + timedelta(days=3)).isoformat()}")
    assert lapsing[0].left_text(NAIVE_9AM + timedelta(hours=1)) == "3 d 14 h left"


def test_overdue_first_then_the_soonest_and_undated_last(engine):
    with at(0):
        hire(engine, "Ben")
        answered = damaged(engine)
        issue_credit(engine, issue_id=answered.issue_id)
        follow_up.note_reply(engine, issue_id=answered.issue_id, text="A credit for you.")
    with at(1):
        follow_up.record_response(engine, issue_id=answered.issue_id,
                                  response=BuyerResponse.DECLINED)
        late = damaged(engine, OTHER)                  # its reply falls due at hour 25
    with at(20):
        soon = damaged(engine)                         # due at hour 44
    with at(22):
        later = damaged(engine, OTHER)                 # due at hour 46
    now = NAIVE_9AM + timedelta(hours=43)
    items = work_queue(engine, staff="Ana", now=now)
    assert [(i.issue_id, i.left_text(now)) for i in items] == [
        (late.issue_id, "overdue 18 h 00 min"),
        (soon.issue_id, "1 h 00 min left"),
        (later.issue_id, "3 h 00 min left"),
        (answered.issue_id, ""),
    ]
    assert urgent_count(items, now) == 2               # overdue, and within two hours


def with_budget(engine, budget: str) -> None:
    """The orders were placed on 1 October, 46 days before MONDAY_9AM: a 60-day window
    holds their 102.50 USD of sales (item-price is the line's)."""
    save_policy(engine, default_policy_text() + "\n[budget]\nwindow_days = 60\n" + budget,
                by="Ana", source="budget.toml")


def budget_items(engine, hours: float, staff: str = "Ana"):
    return [(i.what, i.due_at, i.assignee) for i in queue(engine, hours, staff=staff)
            if i.kind == BUDGET]


def test_a_marketplace_over_its_budget_warns_the_supervisor_until_back_under(engine):
    with at(0):
        hire(engine, "Ben")
        issue = damaged(engine, staff="Ana")
        issue_credit(engine, issue_id=issue.issue_id, amount="10.00", reason="agreed",
                     staff="Ana")                   # 10.00 of 102.50: 9.8 %
        with_budget(engine, "share_of_sales = 0.05\n")
    assert budget_items(engine, 1) == [
        ("Amazon.com: credits 9.8 % of sales, budget 5 % — over budget", None, "Ana")]
    # No clock runs on it: after the reply owed, first of the rest (where approvals are).
    assert [i.kind for i in queue(engine, 1)] == [REPLY, BUDGET]
    assert budget_items(engine, 1, staff="Ben") == []          # an agent is not told
    with at(2):
        reverse_credit(engine, credit_id=1, reason="the buyer sent the lamp back",
                       staff="Ana")
    assert budget_items(engine, 3) == []


def test_an_agent_over_their_credit_share_warns_the_supervisor(engine):
    with at(0):
        hire(engine, "Ben")
        first, second = damaged(engine, staff="Ben"), damaged(engine, OTHER, staff="Ben")
        damaged(engine, staff="Ben")
        for issue in (first, second):
            issue_credit(engine, issue_id=issue.issue_id, amount="1.00", reason="a token",
                         staff="Ben")
        with_budget(engine, "agent_credit_share = 0.4\nagent_min_issues = 3\n")
    assert budget_items(engine, 1) == [
        ("Ben: 2 of 3 issues ended in a credit (66.7 %), budget 40 % — over budget", None,
         "Ana")]
    assert budget_items(engine, 1, staff="Ben") == []
    with at(2):
        reverse_credit(engine, credit_id=2, reason="given by mistake", staff="Ana")
    assert budget_items(engine, 3) == []                         # 1 of 3: 33.3 %


def test_without_a_budget_nothing_is_said(engine):
    with at(0):
        hire(engine, "Ben")
        issue = damaged(engine, staff="Ana")
        issue_credit(engine, issue_id=issue.issue_id, amount="50.00", reason="agreed",
                     staff="Ana")
    assert budget_items(engine, 1) == []
