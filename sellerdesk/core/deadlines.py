"""The deadlines Amazon sets on an issue (PRODUCT.md §2), read from its timeline.

Each clock starts at an event (the buyer's contact, a return arriving, Amazon's request)
and is met by another (the issue resolved, the refund issued, the answer sent). A clock
started again (a second request) runs from the latest start. Lengths come from
`amazon_facts`, so a desk that overrides a fact moves its deadlines with it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sellerdesk.core.amazon_facts import BY_KEY, duration, fact
from sellerdesk.core.durations import span
from sellerdesk.core.issues import IssueStatus, status_after
from sellerdesk.core.records import TimelineEntry

WARN_BEFORE = timedelta(hours=2)       # a notification when a deadline is this close

# Events staff record on an issue that start or meet a clock (timeline kinds).
EVENTS: dict[str, str] = {
    "return_received": "The return arrived",
    "refund_issued": "Refund issued",
    "atoz_info_request": "Amazon asked for information on an A-to-z claim",
    "atoz_answered": "Answered Amazon's A-to-z request",
    "chargeback_notice": "Chargeback notice from Amazon",
    "chargeback_answered": "Answered the chargeback",
    "atoz_decision": "Amazon decided the A-to-z claim",
    "appealed": "Appealed the A-to-z decision",
    "appeal_info_request": "Amazon asked for information on the A-to-z appeal",
    "appeal_answered": "Answered Amazon's request on the appeal",
}
# A credit given or approved is the seller's answer to the buyer's contact: it meets the
# clock before an A-to-z claim, though the issue stays open until the buyer answers.
OFFERED = frozenset({"credit", "approved"})
# Every timeline kind a clock reads (status lines are read for "settled").
READ_KINDS = frozenset({"logged", "status", *OFFERED, *EVENTS})
# Status changes that meet the buyer-contact clock: the contact was resolved, or the
# claim it guards against was filed anyway.
_SETTLED = frozenset({IssueStatus.RESOLVED, IssueStatus.CLOSED, IssueStatus.ESCALATED_ATOZ,
                      IssueStatus.ESCALATED_CHARGEBACK})


@dataclass(frozen=True, slots=True)
class Clock:
    key: str
    short: str          # for a table cell
    label: str
    fact_key: str
    starts: frozenset[str]
    stops: frozenset[str]
    required: bool = True   # an appeal is the seller's choice: not making one misses nothing


CLOCKS: tuple[Clock, ...] = (
    Clock("atoz_contact", "Resolve", "Resolve before the buyer may file an A-to-z claim",
          "atoz_contact_hours", frozenset({"logged"}), frozenset({"settled", *OFFERED})),
    Clock("refund_after_return", "Refund", "Refund the return", "refund_after_return_days",
          frozenset({"return_received"}), frozenset({"refund_issued"})),
    Clock("atoz_information", "A-to-z answer", "Answer Amazon's A-to-z information request",
          "atoz_information_hours", frozenset({"atoz_info_request"}),
          frozenset({"atoz_answered"})),
    Clock("chargeback", "Chargeback answer", "Answer the chargeback", "chargeback_days",
          frozenset({"chargeback_notice"}), frozenset({"chargeback_answered"})),
    Clock("atoz_appeal", "Appeal", "Appeal the A-to-z decision (if you disagree)",
          "atoz_appeal_days", frozenset({"atoz_decision"}), frozenset({"appealed"}),
          required=False),
    Clock("appeal_information", "Appeal answer",
          "Answer Amazon's information request on the appeal", "atoz_appeal_information_hours",
          frozenset({"appeal_info_request"}), frozenset({"appeal_answered"})),
)
BY_CLOCK = {clock.key: clock for clock in CLOCKS}


@dataclass(frozen=True, slots=True)
class Deadline:
    key: str
    short: str
    label: str
    due: datetime
    met: datetime | None = None

    def is_open(self) -> bool:
        return self.met is None

    def overdue(self, now: datetime) -> bool:
        return self.met is None and now > self.due

    def missed(self) -> bool:
        return self.met is not None and self.met > self.due

    def soon(self, now: datetime) -> bool:
        return self.met is None and timedelta(0) <= self.due - now <= WARN_BEFORE

    def left(self, now: datetime) -> str:
        left = self.due - now
        return f"{span(left)} left" if left >= timedelta(0) else f"overdue {span(left)}"

    def describe(self, now: datetime) -> str:
        if self.met is not None:
            return f"{self.label}: done{' late' if self.missed() else ''}"
        return f"{self.label}: {self.left(now)}"


def add_business_days(start: datetime, count: int) -> datetime:
    """`count` working days (Monday to Friday) after `start`, at the same time of day."""
    moment = start
    while count > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            count -= 1
    return moment


def due_after(start: datetime, fact_key: str,
              overrides: dict[str, Decimal] | None = None) -> datetime:
    if BY_KEY[fact_key].unit == "business days":
        return add_business_days(start, int(fact(fact_key, overrides)))
    return start + duration(fact_key, overrides)


def _kind(entry: TimelineEntry) -> str:
    if entry.kind == "status":
        return "settled" if status_after(entry.text) in _SETTLED else "status"
    return entry.kind


@dataclass(frozen=True, slots=True)
class Run:
    """One clock on one issue: from its latest start to the first stop at or after it."""
    clock: str
    started: datetime
    met: datetime | None

    def row(self, issue_id: int) -> dict[str, object]:
        """As the `clock_run` table keeps it (with how long it took, in seconds)."""
        took = (self.met - self.started).total_seconds() if self.met else None
        return {"issue_id": issue_id, "clock": self.clock, "started": self.started,
                "met": self.met, "took_seconds": took}


def runs(timeline: Iterable[TimelineEntry]) -> list[Run]:
    """Every clock that has started on the issue. A stop recorded in the same instant as
    the start meets it (the database compares times, not the order lines were written)."""
    lines = [(entry.at, _kind(entry)) for entry in timeline]
    found = []
    for clock in CLOCKS:
        started = max((at for at, kind in lines if kind in clock.starts), default=None)
        if started is not None:
            met = min((at for at, kind in lines if kind in clock.stops and at >= started),
                      default=None)
            found.append(Run(clock.key, started, met))
    return found


def deadlines(timeline: Iterable[TimelineEntry], *, reply_due: datetime | None = None,
              overrides: dict[str, Decimal] | None = None) -> list[Deadline]:
    """Every deadline the issue has had, soonest first: the 24-hour reply while a buyer
    message waits, then each clock from its latest start."""
    found = []
    if reply_due is not None:
        found.append(Deadline("reply", "Reply", "Reply to the buyer", reply_due))
    for run in runs(timeline):
        clock = BY_CLOCK[run.clock]
        found.append(Deadline(clock.key, clock.short, clock.label,
                              due_after(run.started, clock.fact_key, overrides), run.met))
    return sorted(found, key=lambda d: (d.met is not None, d.due))


def still_owed(found: Iterable[Deadline]) -> list[Deadline]:
    """The open deadlines that resolving the issue does not meet: the reply, and every
    required clock but the buyer-contact one (resolving is what meets that one)."""
    return [d for d in found if d.is_open() and d.key != "atoz_contact"
            and (d.key not in BY_CLOCK or BY_CLOCK[d.key].required)]


def next_open(found: Iterable[Deadline]) -> Deadline | None:
    """The soonest deadline still to meet."""
    return min((d for d in found if d.is_open()), key=lambda d: d.due, default=None)


def lengths(clock: Clock, overrides: dict[str, Decimal] | None = None) -> tuple[timedelta, ...]:
    """How long the clock runs when it starts on each day of the week, Monday first: the
    same every day, except for a clock in business days."""
    monday = datetime(2024, 1, 1)
    return tuple(due_after(monday + timedelta(days=d), clock.fact_key, overrides)
                 - (monday + timedelta(days=d)) for d in range(7))


def missed_between(found: Iterable[Deadline], start: datetime, end: datetime,
                   now: datetime) -> list[Deadline]:
    """The required deadlines that fell due in [start, end) and were met late, or were
    still not met at `now` after they fell due: what the dashboard counts (there in SQL)."""
    return [d for d in found
            if d.key in BY_CLOCK and BY_CLOCK[d.key].required and start <= d.due < end
            and (d.missed() or d.overdue(now))]
