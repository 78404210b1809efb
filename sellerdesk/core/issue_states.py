"""An issue's states and the events that move it between them, in one table.

Two rules shape the table (they are why it exists):
- work is never closed by itself: a credit given or approved records the offer and leaves
  the status alone; the buyer accepting the offer resolves the issue only while no reply
  is owed and no deadline but the buyer-contact one is running (resolving is what meets
  that one), and otherwise leaves it where it is, with `Step.held` saying why;
- the buyer's answer to an offer (accepted, declined, no answer) exists only while an
  offer stands: a credit, a replacement or a request for approval not yet decided.

A status a person chooses by name (resolve, close, reopen…) is a deliberate act: it is
checked against the same table, and the window asks first while a reply is owed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import IssueStatus

OPEN, AWAITING, RESOLVED, CLOSED = (IssueStatus.OPEN, IssueStatus.AWAITING_BUYER,
                                    IssueStatus.RESOLVED, IssueStatus.CLOSED)
ATOZ, CHARGEBACK = IssueStatus.ESCALATED_ATOZ, IssueStatus.ESCALATED_CHARGEBACK
ACTIVE = frozenset({OPEN, AWAITING})
ESCALATED = frozenset({ATOZ, CHARGEBACK})


class IssueEvent(StrEnum):
    BUYER_WROTE = "buyer_wrote"
    REPLIED = "replied"
    CREDIT_GIVEN = "credit_given"           # given at the desk, or approved by a supervisor
    OFFER_ACCEPTED = "offer_accepted"
    OFFER_DECLINED = "offer_declined"
    NO_ANSWER = "no_answer"
    ATOZ_CLAIM = "atoz_claim"               # Amazon's information request on a claim
    CHARGEBACK = "chargeback"               # Amazon's chargeback notice
    RESOLVE = "resolve"                     # a person resolves it
    CLOSE = "close"                         # a person closes it
    REOPEN = "reopen"                       # a person opens it again
    WAIT = "wait"                           # a person sets it to await the buyer


class TransitionRefused(KnownError):
    """An event that cannot happen to the issue as it stands, with the reason."""


# Where each event takes an issue from each status. A status missing from an event's row
# leaves the issue where it is; None refuses the event there. `AUTO` marks a resolution
# the desk did not ask for by name: it is held while work is owed.
AUTO = "auto"
TABLE: dict[IssueEvent, dict[IssueStatus, IssueStatus | tuple[IssueStatus, str] | None]] = {
    IssueEvent.BUYER_WROTE: {AWAITING: OPEN, RESOLVED: OPEN},
    IssueEvent.REPLIED: {OPEN: AWAITING},
    IssueEvent.CREDIT_GIVEN: {},             # the offer stands; the buyer's answer decides
    IssueEvent.OFFER_ACCEPTED: {OPEN: (RESOLVED, AUTO), AWAITING: (RESOLVED, AUTO)},
    IssueEvent.OFFER_DECLINED: {AWAITING: OPEN, RESOLVED: OPEN},
    IssueEvent.NO_ANSWER: {},
    IssueEvent.ATOZ_CLAIM: {OPEN: ATOZ, AWAITING: ATOZ, RESOLVED: ATOZ, CLOSED: ATOZ},
    IssueEvent.CHARGEBACK: {OPEN: CHARGEBACK, AWAITING: CHARGEBACK, RESOLVED: CHARGEBACK,
                            CLOSED: CHARGEBACK},
    IssueEvent.RESOLVE: {OPEN: RESOLVED, AWAITING: RESOLVED, ATOZ: RESOLVED,
                         CHARGEBACK: RESOLVED, RESOLVED: None, CLOSED: None},
    IssueEvent.CLOSE: {OPEN: CLOSED, AWAITING: CLOSED, RESOLVED: CLOSED, ATOZ: CLOSED,
                       CHARGEBACK: CLOSED, CLOSED: None},
    IssueEvent.REOPEN: {AWAITING: OPEN, RESOLVED: OPEN, CLOSED: OPEN, ATOZ: OPEN,
                        CHARGEBACK: OPEN, OPEN: None},
    IssueEvent.WAIT: {OPEN: AWAITING, RESOLVED: AWAITING, CLOSED: AWAITING, ATOZ: AWAITING,
                      CHARGEBACK: AWAITING, AWAITING: None},
}
# The buyer's answer to an offer: recorded only while one stands.
NEEDS_OFFER = frozenset({IssueEvent.OFFER_ACCEPTED, IssueEvent.OFFER_DECLINED,
                         IssueEvent.NO_ANSWER})
# A person choosing a status by name: the event it is.
CHOSEN: dict[IssueStatus, IssueEvent] = {RESOLVED: IssueEvent.RESOLVE,
                                         CLOSED: IssueEvent.CLOSE, OPEN: IssueEvent.REOPEN,
                                         ATOZ: IssueEvent.ATOZ_CLAIM,
                                         CHARGEBACK: IssueEvent.CHARGEBACK,
                                         AWAITING: IssueEvent.WAIT}


@dataclass(frozen=True, slots=True)
class Situation:
    """What the table needs to know of an issue besides its status."""
    status: IssueStatus
    reply_owed: bool = False
    running: tuple[str, ...] = ()     # labels of deadlines still running (not the contact one)
    offer_stands: bool = False


@dataclass(frozen=True, slots=True)
class Step:
    status: IssueStatus
    held: str = ""       # why an automatic resolution did not happen, for the timeline


def owed(situation: Situation) -> str:
    """What is still owed on the issue, in words ("" when nothing is)."""
    parts = (["a reply to the buyer"] if situation.reply_owed else []) + [
        label[0].lower() + label[1:] for label in situation.running]
    return " and ".join(parts)


def step(situation: Situation, event: IssueEvent) -> Step:
    """The status after `event`; raises TransitionRefused when it cannot happen."""
    status = situation.status
    if event in NEEDS_OFFER and not situation.offer_stands:
        raise TransitionRefused("no offer stands on this issue: the buyer's answer is "
                                "recorded once a credit, a replacement or a request for "
                                "approval has been made")
    row = TABLE[event]
    if status not in row:
        return Step(status)
    target = row[status]
    if target is None:
        raise TransitionRefused(f"an issue that is {status.label.lower()} cannot be "
                                f"{_PAST[event]}")
    if isinstance(target, tuple):
        target, _ = target
        work = owed(situation)
        if work:
            return Step(status, held=f"not resolved: {work} still owed")
    return Step(target)


_PAST = {
    IssueEvent.BUYER_WROTE: "written to", IssueEvent.REPLIED: "replied to",
    IssueEvent.CREDIT_GIVEN: "credited", IssueEvent.OFFER_ACCEPTED: "accepted",
    IssueEvent.OFFER_DECLINED: "declined", IssueEvent.NO_ANSWER: "left without an answer",
    IssueEvent.ATOZ_CLAIM: "escalated", IssueEvent.CHARGEBACK: "escalated",
    IssueEvent.RESOLVE: "resolved again", IssueEvent.CLOSE: "closed again",
    IssueEvent.REOPEN: "reopened: it is open",
    IssueEvent.WAIT: "set to await the buyer again",
}
