"""Several issues changed at once (assign, set status, note a reply as sent): each is one
transaction, logged on every issue's timeline as the single change is, skipping what the
single change would refuse or ask about, and writing nothing when an issue is not there
— on SQLite and PostgreSQL. Also what the saved views read: the issues with a request
waiting for approval, and the queue's views."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from sellerdesk.core.issues import IssueStatus, IssueType
from sellerdesk.services import follow_up
from sellerdesk.services.at_desk import DeskError
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.issues import add_issue
from sellerdesk.services.queue import APPROVAL, MINE, NOBODY, QueueFilter, in_view, work_queue
from tests.helpers.staffing import hire
from tests.helpers.stored_orders import ORDER, OTHER, lamp_and_mugs

MONDAY_9AM = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def engine(database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    engine = lamp_and_mugs(database.engine, tmp_path)
    with time_machine.travel(MONDAY_9AM, tick=False):
        hire(engine, "Ben")
    return engine


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_9AM + timedelta(hours=1), tick=False):
        yield


def damaged(engine, order: str = ORDER, **kwargs):
    return add_issue(engine, order_id=order, issue_type=IssueType.DAMAGED,
                     affected=(("LAMP" if order == ORDER else "MUG", 1),), **kwargs).issue_id


def timeline(engine, issue_id):
    return [(e.actor, e.kind, e.text) for e in follow_up.issue_detail(engine, issue_id).timeline]


def assignee(engine, issue_id):
    return follow_up.issue_detail(engine, issue_id).issue.assignee


def test_assigning_several_logs_each_and_skips_those_already_theirs(engine, clock):
    first, second, bens = damaged(engine), damaged(engine, OTHER), damaged(engine)
    follow_up.assign(engine, issue_id=bens, assignee="Ben")
    outcome = follow_up.assign_many(engine, issue_ids=[first, second, bens, first],
                                    assignee="Ben")
    assert outcome.changed == (first, second)
    assert outcome.sentence("assigned to Ben") == (
        f"2 issues assigned to Ben; issue {bens} (already Ben's) was skipped")
    for issue_id in (first, second, bens):
        assert assignee(engine, issue_id) == "Ben"
        assert [t for t in timeline(engine, issue_id) if t[1] == "assigned"] == [
            ("Ana", "assigned", "assigned to Ben")]


def test_an_issue_not_there_writes_nothing_for_any(engine, clock):
    first, second = damaged(engine), damaged(engine, OTHER)
    before = timeline(engine, first), timeline(engine, second)
    with pytest.raises(DeskError, match="no issue 999"):
        follow_up.assign_many(engine, issue_ids=[first, second, 999], assignee="Ben")
    with pytest.raises(DeskError, match="no issue 999"):
        follow_up.set_status_many(engine, issue_ids=[first, 999],
                                  status=IssueStatus.AWAITING_BUYER)
    with pytest.raises(DeskError, match="no issue 999"):
        follow_up.note_sent_many(engine, issue_ids=[second, 999], text="Sent from Seller Central")
    with pytest.raises(DeskError, match="nobody called 'Zoe'"):
        follow_up.assign_many(engine, issue_ids=[first, second], assignee="Zoe")
    assert (timeline(engine, first), timeline(engine, second)) == before
    assert [assignee(engine, i) for i in (first, second)] == ["", ""]
    assert follow_up.issue_detail(engine, first).issue.status is IssueStatus.OPEN
    assert follow_up.issue_detail(engine, second).issue.reply_due_at is not None


def test_closing_several_skips_what_still_owes_work_and_says_why(engine, clock):
    done = damaged(engine)                # offered and answered: nothing owed
    issue_credit(engine, issue_id=done)
    follow_up.note_reply(engine, issue_id=done, text="A credit for you.")
    owed = damaged(engine, OTHER)         # the buyer waits for a reply
    closed = damaged(engine)
    issue_credit(engine, issue_id=closed)
    follow_up.note_reply(engine, issue_id=closed, text="A credit for you.")
    follow_up.set_status(engine, issue_id=closed, status=IssueStatus.CLOSED)

    outcome = follow_up.set_status_many(engine, issue_ids=[done, owed, closed],
                                        status=IssueStatus.CLOSED)
    assert outcome.changed == (done,)
    assert outcome.sentence("closed") == (
        f"1 issue closed; issue {owed} (reply to the buyer still owed) and issue {closed} "
        "(already closed) were skipped")
    assert follow_up.issue_detail(engine, done).issue.status is IssueStatus.CLOSED
    assert timeline(engine, done)[-1] == ("Ana", "status", "Awaiting buyer → Closed")
    assert follow_up.issue_detail(engine, owed).issue.status is IssueStatus.OPEN
    # Reopening is no closing: nothing is owed to be asked about.
    reopened = follow_up.set_status_many(engine, issue_ids=[done, owed],
                                         status=IssueStatus.OPEN)
    assert reopened.changed == (done,)
    assert reopened.skipped == ((owed, "already open"),)


def test_noting_several_replies_as_sent_stops_each_clock(engine, clock):
    first, second = damaged(engine), damaged(engine, OTHER)
    answered = damaged(engine)
    follow_up.note_reply(engine, issue_id=answered, text="Sorry.")
    outcome = follow_up.note_sent_many(engine, issue_ids=[first, second, answered],
                                       text="  Replied from Seller Central  ")
    assert outcome.changed == (first, second)
    assert outcome.skipped == ((answered, "no reply was owed"),)
    for issue_id in (first, second):
        issue = follow_up.issue_detail(engine, issue_id).issue
        assert (issue.reply_due_at, issue.status) == (None, IssueStatus.AWAITING_BUYER)
        assert ("Ana", "reply", "Replied from Seller Central") in timeline(engine, issue_id)
    with pytest.raises(DeskError, match="say what was sent"):
        follow_up.note_sent_many(engine, issue_ids=[first], text=" ")


def test_the_issues_waiting_for_approval(engine, clock):
    plain = damaged(engine)
    asked = damaged(engine, staff="Ben")
    request = issue_credit(engine, issue_id=asked, amount="59.00", reason="the whole lamp",
                           staff="Ben")
    assert request.pending
    assert [r.issue.issue_id for r in follow_up.find_issues(engine)] == [asked, plain]
    assert [r.issue.issue_id for r in follow_up.find_issues(engine, approval_pending=True)] == [
        asked]


def test_the_queues_views(engine, clock):
    mine, nobodys = damaged(engine), damaged(engine, OTHER)
    follow_up.assign(engine, issue_id=mine, assignee="Ana")
    asked = damaged(engine, staff="Ben")
    follow_up.assign(engine, issue_id=asked, assignee="Ben")
    issue_credit(engine, issue_id=asked, amount="59.00", reason="the whole lamp", staff="Ben")
    moment = (MONDAY_9AM + timedelta(hours=30)).replace(tzinfo=None)   # the replies overdue
    items = work_queue(engine, staff="Ana", now=moment)

    def shown(view):
        return [(i.issue_id, i.kind) for i in in_view(items, view, me="Ana", now=moment)]
    assert shown(QueueFilter(who=MINE)) == [(mine, "reply")]
    assert shown(QueueFilter(who=NOBODY)) == [(nobodys, "reply")]
    # The request is about Ben's issue: it says who has it, and is no one's to ignore.
    assert shown(QueueFilter(approvals=True)) == [(asked, APPROVAL)]
    assert [i.assignee for i in items if i.kind == APPROVAL] == ["Ben"]
    assert shown(QueueFilter(overdue=True)) == [(mine, "reply"), (nobodys, "reply"),
                                                (asked, "reply")]
    assert shown(QueueFilter(who=MINE, overdue=True)) == [(mine, "reply")]
    assert shown(QueueFilter(overdue=True)) == shown(QueueFilter(overdue=True, who="anyone"))
    assert len(shown(QueueFilter())) == len(items) == 4
