"""The work queue: everything that needs someone now, soonest deadline first — replies
owed, Amazon's other running clocks, buyers who answered an offer, the issues assigned
to the person at the desk, the approval requests they may decide, promotional codes
about to lapse, and — for a supervisor or owner — each line of the policy's concession
budget the desk is over.

An issue is one row however many reasons it has (the soonest leads, the rest are listed
beside it), as a help desk shows one ticket once. Each source is one query: the queue is
read again with every change and every minute, on desks of 100,000 issues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy.engine import Engine

from sellerdesk.core.deadlines import BY_CLOCK, WARN_BEFORE, lengths
from sellerdesk.core.durations import reply_clock
from sellerdesk.core.issues import BuyerResponse, IssueStatus, Remedy
from sellerdesk.core.money import Money
from sellerdesk.services.amazon_facts import overrides_in
from sellerdesk.services.credits import refusal_to_decide
from sellerdesk.services.ledger import LAPSING_WITHIN
from sellerdesk.services.policy_lab.budget import MarketplaceFigures, budget_crossed_in
from sellerdesk.store import credits as ledger_store
from sellerdesk.store import issues as issue_store
from sellerdesk.store import staff as staff_store
from sellerdesk.store import team as team_store
from sellerdesk.store.engine import reading

REPLY, DEADLINE, ANSWERED, ASSIGNED = "reply", "deadline", "answered", "assigned"
APPROVAL, LAPSING, BUDGET = "approval", "lapsing", "budget"
# Issues someone still works on: resolved and closed ones are done unless a clock runs.
WORKED = tuple(s.value for s in IssueStatus
               if s not in (IssueStatus.RESOLVED, IssueStatus.CLOSED))
_ANSWERS = {BuyerResponse.ACCEPTED.value: "The buyer accepted the offer",
            BuyerResponse.DECLINED.value: "The buyer declined the offer",
            BuyerResponse.NO_ANSWER.value: "The buyer did not answer the offer"}


@dataclass(frozen=True, slots=True)
class QueueItem:
    kind: str                       # REPLY, …, APPROVAL, LAPSING, BUDGET
    what: str                       # a short sentence
    due_at: datetime | None         # naive UTC, as stored; None: no clock runs on it
    order_id: str
    assignee: str = ""
    issue_id: int | None = None
    approval_id: int | None = None
    credit_id: int | None = None
    also: tuple[str, ...] = ()      # the issue's other reasons, soonest first
    budget_line: str = ""           # BUDGET: "marketplace DE", "agent Ben" (which line)

    def left_text(self, now: datetime) -> str:
        """"2 h 10 min left", "overdue 1 d 3 h", or "" when no clock runs."""
        return reply_clock(self.due_at, now)

    def overdue(self, now: datetime) -> bool:
        return self.due_at is not None and self.due_at < now

    def urgent(self, now: datetime) -> bool:
        """Overdue, or due within the warning time."""
        return self.due_at is not None and self.due_at - now <= WARN_BEFORE

    @property
    def described(self) -> str:
        """What, and what else is owed on the same issue."""
        return "; ".join((self.what, *self.also))


def urgent_count(items: list[QueueItem], now: datetime) -> int:
    return sum(1 for item in items if item.urgent(now))


def _sort_key(item: QueueItem) -> tuple:
    # A budget line crossed has no clock and no issue: it leads the items without a
    # clock, where the approval requests it sends a supervisor are.
    return (item.due_at is None, item.due_at or datetime.min, item.issue_id or 0,
            item.approval_id or 0, item.credit_id or 0)


def work_queue(engine: Engine, *, staff: str, now: datetime) -> list[QueueItem]:
    """Everything that needs someone now, overdue first, then the soonest due; items
    without a clock last. `staff` is who is at the desk (on a team database, the login)."""
    with reading(engine) as conn:
        facts = overrides_in(conn)
        worked = issue_store.issues_in(conn, statuses=WORKED)
        clocks = issue_store.running_clocks(conn)
        requests = ledger_store.pending_approvals(conn)
        name = team_store.team_login(conn) or staff.strip()
        member = staff_store.staff_member(conn, name=name) if name else None
        # Measured only for whoever can act on it (a supervisor or owner, or anyone on a
        # desk with no staff yet: they run it), and only when the policy sets a budget.
        supervising = (member.can_approve and member.active if member is not None
                       else not staff_store.staff_count(conn))
        crossed = budget_crossed_in(conn, at=now) if supervising else []
        lapsing = ledger_store.promotions_lapsing(conn, first=now.date(),
                                                  last=(now + LAPSING_WITHIN).date())
        # Who has each lapsing code's issue (for Mine and Unassigned), by key: the few
        # codes lapsing this week, not every credit.
        holders = issue_store.assignees(conn, issue_ids=sorted({c.issue_id for c in lapsing}))

    # Each issue's reasons: (due, kind, what); its order and assignee beside.
    reasons: dict[int, list[tuple[datetime | None, str, str]]] = {}
    about: dict[int, tuple[str, str]] = {}
    for issue_id, order_id, assignee, answer, reply_due in worked:
        about[issue_id] = (order_id, assignee)
        found = reasons.setdefault(issue_id, [])
        if reply_due is not None:
            found.append((reply_due, REPLY, "Reply to the buyer"))
        if answer in _ANSWERS:
            found.append((None, ANSWERED, _ANSWERS[answer]))
        if name and assignee == name:
            found.append((None, ASSIGNED, "Assigned to you"))
    # Each clock's length by the weekday it starts on (business days differ), worked out
    # once rather than for each of thousands of runs.
    length = {key: lengths(clock, facts) for key, clock in BY_CLOCK.items()}
    for issue_id, key, started, order_id, assignee in clocks:
        if key not in BY_CLOCK:
            continue
        about[issue_id] = (order_id, assignee)
        reasons.setdefault(issue_id, []).append(
            (started + length[key][started.weekday()], DEADLINE, BY_CLOCK[key].label))

    items = []
    for issue_id, found in reasons.items():
        if len(found) > 1:    # who has it shows beside; it is no reason of its own then
            found = [r for r in found if r[1] != ASSIGNED]
        if not found:
            continue
        found.sort(key=lambda r: (r[0] is None, r[0] or datetime.min))
        (due, kind, what), rest = found[0], found[1:]
        order_id, assignee = about[issue_id]
        items.append(QueueItem(kind, what, due, order_id, assignee, issue_id=issue_id,
                               also=tuple(r[2][0].lower() + r[2][1:] for r in rest)))
    for figures in crossed:
        line = (f"marketplace {figures.marketplace}" if isinstance(figures, MarketplaceFigures)
                else f"agent {figures.agent}")
        # Addressed to the person at the desk: it shows in their Mine.
        items.append(QueueItem(BUDGET, figures.sentence(), None, "", name, budget_line=line))
    if member is not None:
        for request in requests:
            if refusal_to_decide(member, request["requested_by"]) is None:
                amount = Money.from_minor(request["amount_minor"], request["currency"])
                items.append(QueueItem(
                    APPROVAL, f"Approve or reject {Remedy(request['kind']).label.lower()} "
                              f"{amount.display()} asked by {request['requested_by']}",
                    None, request["order_id"], request["assignee"],
                    issue_id=request["issue_id"], approval_id=request["id"]))
    for credit in lapsing:
        assert credit.expires_on is not None
        # A code is good through its expiry date: it lapses when that day ends (UTC).
        lapses = datetime.combine(credit.expires_on + timedelta(days=1), time())
        items.append(QueueItem(
            LAPSING, f"Remind the buyer: the {credit.amount.display()} promotional code "
                     f"lapses on {credit.expires_on.isoformat()}",
            lapses, credit.order_id, holders.get(credit.issue_id, ""),
            issue_id=credit.issue_id, credit_id=credit.credit_id))
    return sorted(items, key=_sort_key)


# -- a view of the queue ----------------------------------------------------------------------
ANYONE, MINE, NOBODY = "anyone", "mine", "nobody"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which items a view of the queue keeps: whose (anyone's, mine, nobody's), only the
    overdue, only the approval requests. Each holds alone; together, all must."""
    who: str = ANYONE
    overdue: bool = False
    approvals: bool = False

    def keeps(self, item: QueueItem, *, me: str, now: datetime) -> bool:
        if self.who == MINE and item.assignee != me:
            return False
        if self.who == NOBODY and item.assignee:
            return False
        if self.overdue and not item.overdue(now):
            return False
        return not self.approvals or item.kind == APPROVAL


def in_view(items: list[QueueItem], view: QueueFilter, *, me: str,
            now: datetime) -> list[QueueItem]:
    """The items `view` keeps, in the queue's order."""
    return [item for item in items if view.keeps(item, me=me.strip(), now=now)]
