"""The issue's states and events, as a table a person can check line by line."""

import pytest

from sellerdesk.core.issue_states import (
    CHOSEN,
    TABLE,
    IssueEvent,
    Situation,
    TransitionRefused,
    step,
)
from sellerdesk.core.issues import IssueStatus

OPEN, W, R, C = "open", "awaiting_buyer", "resolved", "closed"
A, B = "escalated_atoz", "escalated_chargeback"
REFUSED = "refused"
QUIET = {"reply_owed": False, "running": (), "offer_stands": True}
REPLY_OWED = {**QUIET, "reply_owed": True}
REFUND_DUE = {**QUIET, "running": ("Refund the return",)}
NO_OFFER = {**QUIET, "offer_stands": False}

# (status before, event, what else is true, status after or REFUSED)
CASES = [
    # the buyer writes: an issue waiting on them, or resolved, is open again
    (W, IssueEvent.BUYER_WROTE, QUIET, OPEN),
    (R, IssueEvent.BUYER_WROTE, QUIET, OPEN),
    (OPEN, IssueEvent.BUYER_WROTE, QUIET, OPEN),
    (C, IssueEvent.BUYER_WROTE, QUIET, C),
    (A, IssueEvent.BUYER_WROTE, QUIET, A),
    # a reply moves an open issue to waiting on the buyer
    (OPEN, IssueEvent.REPLIED, QUIET, W),
    (A, IssueEvent.REPLIED, QUIET, A),
    # a credit is an offer: it never closes the work, whatever is owed
    (OPEN, IssueEvent.CREDIT_GIVEN, QUIET, OPEN),
    (OPEN, IssueEvent.CREDIT_GIVEN, REPLY_OWED, OPEN),
    (W, IssueEvent.CREDIT_GIVEN, QUIET, W),
    (B, IssueEvent.CREDIT_GIVEN, QUIET, B),
    # the buyer accepts: resolved only when nothing is owed
    (W, IssueEvent.OFFER_ACCEPTED, QUIET, R),
    (OPEN, IssueEvent.OFFER_ACCEPTED, QUIET, R),
    (W, IssueEvent.OFFER_ACCEPTED, REPLY_OWED, W),
    (OPEN, IssueEvent.OFFER_ACCEPTED, REPLY_OWED, OPEN),
    (W, IssueEvent.OFFER_ACCEPTED, REFUND_DUE, W),
    (A, IssueEvent.OFFER_ACCEPTED, QUIET, A),
    # ...and only while an offer stands
    (W, IssueEvent.OFFER_ACCEPTED, NO_OFFER, REFUSED),
    (W, IssueEvent.OFFER_DECLINED, NO_OFFER, REFUSED),
    (W, IssueEvent.NO_ANSWER, NO_OFFER, REFUSED),
    (W, IssueEvent.OFFER_DECLINED, QUIET, OPEN),
    (R, IssueEvent.OFFER_DECLINED, QUIET, OPEN),
    (W, IssueEvent.NO_ANSWER, QUIET, W),
    # Amazon escalates from anywhere
    (R, IssueEvent.ATOZ_CLAIM, QUIET, A),
    (C, IssueEvent.CHARGEBACK, QUIET, B),
    # a person's choice is deliberate: it may resolve while a reply is owed (the window
    # asks first), but not do what is already done
    (OPEN, IssueEvent.RESOLVE, REPLY_OWED, R),
    (A, IssueEvent.RESOLVE, QUIET, R),
    (R, IssueEvent.RESOLVE, QUIET, REFUSED),
    (C, IssueEvent.RESOLVE, QUIET, REFUSED),
    (R, IssueEvent.CLOSE, QUIET, C),
    (C, IssueEvent.CLOSE, QUIET, REFUSED),
    (C, IssueEvent.REOPEN, QUIET, OPEN),
    (OPEN, IssueEvent.REOPEN, QUIET, REFUSED),
    (OPEN, IssueEvent.WAIT, QUIET, W),
    (W, IssueEvent.WAIT, QUIET, REFUSED),
]


@pytest.mark.parametrize(("before", "event", "facts", "after"), CASES,
                         ids=[f"{c[0]}-{c[1].value}-{i}" for i, c in enumerate(CASES)])
def test_the_table(before, event, facts, after):
    situation = Situation(IssueStatus(before), **facts)
    if after == REFUSED:
        with pytest.raises(TransitionRefused):
            step(situation, event)
    else:
        assert step(situation, event).status is IssueStatus(after)


def test_every_event_and_every_status_is_in_the_cases():
    """A new event or status must be thought through here, not fall through silently."""
    assert {c[1] for c in CASES} == set(IssueEvent)
    assert {c[0] for c in CASES} == {s.value for s in IssueStatus}
    assert set(TABLE) == set(IssueEvent)
    assert set(CHOSEN) == set(IssueStatus)


def test_a_held_resolution_says_what_is_owed():
    held = step(Situation(IssueStatus.AWAITING_BUYER, reply_owed=True,
                          running=("Answer the chargeback",), offer_stands=True),
                IssueEvent.OFFER_ACCEPTED)
    assert held.status is IssueStatus.AWAITING_BUYER
    assert held.held == ("not resolved: a reply to the buyer and answer the chargeback "
                         "still owed")


def test_the_refusal_says_why():
    with pytest.raises(TransitionRefused, match="no offer stands on this issue"):
        step(Situation(IssueStatus.OPEN), IssueEvent.OFFER_ACCEPTED)
    with pytest.raises(TransitionRefused, match="an issue that is closed cannot be resolved"):
        step(Situation(IssueStatus.CLOSED), IssueEvent.RESOLVE)
