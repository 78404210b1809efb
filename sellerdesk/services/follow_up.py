"""Following an issue up after it is logged: the buyer's messages and the 24-hour reply
clock, Amazon's other deadlines, the drafted reply, the buyer's answer to the offer,
status and assignee. Every
change is one transaction with its timeline event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core import reply_languages
from sellerdesk.core.amazon_facts import duration
from sellerdesk.core.deadlines import (
    EVENTS,
    READ_KINDS,
    Deadline,
    deadlines,
    next_open,
    still_owed,
)
from sellerdesk.core.issue_states import (
    CHOSEN,
    IssueEvent,
    Situation,
    TransitionRefused,
    step,
)
from sellerdesk.core.issues import BuyerResponse, IssueStatus, IssueType, Remedy
from sellerdesk.core.marketplaces import BY_CODE
from sellerdesk.core.money import Money
from sellerdesk.core.orders import Order
from sellerdesk.core.records import CreditRecord, IssueRecord, TimelineEntry
from sellerdesk.core.reply import ReplyFacts, check_template, draft_reply
from sellerdesk.core.reply_guard import refuse_wording
from sellerdesk.services.amazon_facts import overrides_in
from sellerdesk.services.at_desk import DeskError, at_desk_or_add_first_owner
from sellerdesk.services.clock import now
from sellerdesk.services.issues import issue_record, status_event
from sellerdesk.store import credits as ledger_store
from sellerdesk.store import issues as issue_store
from sellerdesk.store import settings as settings_store
from sellerdesk.store import staff as staff_store
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.orders import get_order

TEMPLATE_KEY = "reply_template"
STORE_NAME_KEY = "store_name"
ACTIVE = (IssueStatus.OPEN.value, IssueStatus.AWAITING_BUYER.value)


@dataclass(frozen=True, slots=True)
class IssueDetail:
    """One issue with everything that happened on it, for the issue pane."""
    issue: IssueRecord
    order: Order
    timeline: list[TimelineEntry]
    credits: list[CreditRecord]
    pending_approvals: int
    facts: dict[str, Decimal] = field(default_factory=dict)    # the desk's Amazon numbers

    @property
    def deadlines(self) -> list[Deadline]:
        return deadlines(self.timeline, reply_due=self.issue.reply_due_at, overrides=self.facts)

    @property
    def offer_stands(self) -> bool:
        """A credit not reversed, or a request waiting for approval: what the buyer's
        answer (accepted, declined, no answer) answers."""
        return self.pending_approvals > 0 or bool(standing(self.credits))


def standing(credits: list[CreditRecord]) -> list[CreditRecord]:
    """The credits neither reversed nor reversals themselves."""
    reversed_ids = {c.reverses for c in credits if c.reverses}
    return [c for c in credits if c.reverses is None and c.credit_id not in reversed_ids]


def issue_detail(engine: Engine, issue_id: int) -> IssueDetail:
    with reading(engine) as conn:
        issue = issue_record(conn, issue_id)
        order = get_order(conn, order_id=issue.order_id)
        assert order is not None, "an issue's order cannot be deleted (foreign key)"
        credits = ledger_store.credits_on_issue(conn, issue_id=issue_id)
        pending = len(ledger_store.pending_approvals(conn, issue_id=issue_id))
        return IssueDetail(issue, order, issue_store.timeline(conn, issue_id=issue_id),
                           credits, pending, overrides_in(conn))


@dataclass(frozen=True, slots=True)
class IssueRow:
    """An issue as the issues list shows it: the record and the next deadline running
    on it (a deadline is worked out from the timeline, so the record cannot carry it)."""
    issue: IssueRecord
    next_deadline: Deadline | None


def find_issues(engine: Engine, *, status: str | None = None, issue_type: str | None = None,
                assignee: str | None = None, overdue: bool = False,
                approval_pending: bool = False, limit: int = 1000) -> list[IssueRow]:
    """The issues view's query. status "active" means open or awaiting the buyer;
    `approval_pending` keeps the issues with a credit request waiting for a supervisor."""
    with reading(engine) as conn:
        issues = issue_store.list_issues(
            conn, status=ACTIVE if status == "active" else status, issue_type=issue_type,
            assignee=assignee, reply_due_before=now() if overdue else None,
            approval_pending=approval_pending, limit=limit)
        lines = issue_store.timelines(conn, issue_ids=[i.issue_id for i in issues],
                                      kinds=READ_KINDS)
        facts = overrides_in(conn)
    return [IssueRow(i, next_open(deadlines(lines[i.issue_id], reply_due=i.reply_due_at,
                                            overrides=facts)))
            for i in issues]


def record_event(engine: Engine, *, issue_id: int, kind: str, note: str = "",
                 staff: str | None = None) -> IssueRecord:
    """Something Amazon or the buyer did that starts or meets a deadline (a return
    arrived, an A-to-z information request, a chargeback notice…), on the timeline. A
    claim's request or a chargeback notice also moves the issue to that status."""
    if kind not in EVENTS:
        raise DeskError(f"unknown event {kind!r} (known: {', '.join(EVENTS)})")
    with writing(engine) as conn:
        issue = issue_record(conn, issue_id)
        member = at_desk_or_add_first_owner(conn, staff)
        return event_happened(conn, issue, member.name, now(), kind, note)


def event_happened(conn: Connection, issue: IssueRecord, actor: str, at: datetime, kind: str,
                   note: str = "") -> IssueRecord:
    """`record_event` inside the caller's transaction, at `at` (Amazon's notice read from
    the mailbox happened when Amazon sent it)."""
    event = {"atoz_info_request": IssueEvent.ATOZ_CLAIM,
             "chargeback_notice": IssueEvent.CHARGEBACK}.get(kind)
    status = (step(situation(conn, issue), event).status if event else issue.status).value
    text = EVENTS[kind] + (f": {note.strip()}" if note.strip() else "")
    return _step(conn, issue, actor, at, kind=kind, text=text, status=status)


def situation(conn: Connection, issue: IssueRecord) -> Situation:
    """What core.issue_states needs to know of the issue: is a reply owed, which
    deadlines run (not the buyer-contact one, which resolving meets), does an offer stand."""
    running = tuple(d.label for d in still_owed(deadlines(
        issue_store.timeline(conn, issue_id=issue.issue_id), overrides=overrides_in(conn))))
    offered = standing(ledger_store.credits_on_issue(conn, issue_id=issue.issue_id))
    waiting = bool(ledger_store.pending_approvals(conn, issue_id=issue.issue_id))
    return Situation(issue.status, reply_owed=issue.reply_due_at is not None,
                     running=running, offer_stands=bool(offered) or waiting)


# -- the conversation with the buyer ----------------------------------------------------------
def _written_at(when: datetime | None) -> datetime:
    """When a message was written: now, or the time staff read off Buyer-Seller Messages
    (naive UTC), which cannot be later than now."""
    moment = now()
    if when is None:
        return moment
    if when > moment + timedelta(minutes=1):
        raise DeskError(f"{when:%Y-%m-%d %H:%M} UTC is still to come: a message is noted "
                        "once it was written")
    return when


def note_buyer_message(engine: Engine, *, issue_id: int, text: str, when: datetime | None = None,
                       staff: str | None = None) -> IssueRecord:
    """The buyer wrote again (now, or at `when`): the 24-hour clock runs from the message
    unless an earlier one is still waiting for its reply."""
    text = text.strip()
    if not text:
        raise DeskError("say what the buyer wrote (a summary is enough)")
    at = _written_at(when)
    with writing(engine) as conn:
        issue = issue_record(conn, issue_id)
        member = at_desk_or_add_first_owner(conn, staff)
        return buyer_wrote(conn, issue, member.name, at, text)


def buyer_wrote(conn: Connection, issue: IssueRecord, actor: str, at: datetime,
                text: str) -> IssueRecord:
    """`note_buyer_message` inside the caller's transaction (a mail read in is noted with
    its own record, in one transaction)."""
    due = at + duration("reply_hours", overrides_in(conn))
    if issue.reply_due_at is not None:
        due = min(due, issue.reply_due_at)
    status = step(situation(conn, issue), IssueEvent.BUYER_WROTE).status.value
    return _step(conn, issue, actor, at, kind="buyer_message", text=text, status=status,
                 reply_due_at=due)


def template_key(language: str) -> str:
    """The setting a language's template is kept under. English keeps the key desks saved
    their one template under before replies had languages, so theirs stays theirs."""
    return TEMPLATE_KEY if language == "en" else f"{TEMPLATE_KEY}.{language}"


def reply_template(engine: Engine, language: str = "en") -> str:
    """The desk's template in `language`, or the default one for it."""
    default = reply_languages.language(language).template
    with reading(engine) as conn:
        return settings_store.setting(conn, key=template_key(language)) or default


def store_name(engine: Engine) -> str:
    with reading(engine) as conn:
        return settings_store.setting(conn, key=STORE_NAME_KEY) or ""


def save_reply_template(engine: Engine, text: str, *, store: str, language: str = "en",
                        staff: str | None = None) -> None:
    """Keep the desk's template in `language`; refused (with its line) when it has a
    placeholder the desk cannot fill or wording the reply guard refuses."""
    if language not in reply_languages.LANGUAGES:
        raise DeskError(f"the desk writes no replies in {language!r} (it writes "
                        f"{', '.join(reply_languages.LANGUAGES)})")
    check_template(text)
    refuse_wording(text)
    with writing(engine) as conn:
        member = at_desk_or_add_first_owner(conn, staff)
        settings_store.put_setting(conn, key=template_key(language), value=text,
                                   by=member.name, now=now())
        settings_store.put_setting(conn, key=STORE_NAME_KEY, value=store.strip(), by=member.name,
                                   now=now())


@dataclass(frozen=True, slots=True)
class ReplyDraft:
    """A drafted reply and whom it is for: the buyer's marketplace and its language."""
    text: str
    language: str         # "de"
    marketplace: str      # the order's: "DE"

    @property
    def language_name(self) -> str:
        return reply_languages.language(self.language).name

    @property
    def marketplace_name(self) -> str:
        """"Amazon.de"; the code itself for a marketplace the desk does not know."""
        known = BY_CODE.get(self.marketplace.upper())
        return known.sales_channel if known else self.marketplace


def draft_reply_for(engine: Engine, issue_id: int, *, staff: str,
                    template: str | None = None) -> str:
    return reply_draft(engine, issue_id, staff=staff, template=template).text


def reply_draft(engine: Engine, issue_id: int, *, staff: str,
                template: str | None = None) -> ReplyDraft:
    """The reply as the template in the buyer's language makes it (the order's
    marketplace decides the language): the offer is the issue's last credit still
    standing, else the one waiting for approval, else none yet."""
    with reading(engine) as conn:
        issue = issue_record(conn, issue_id)
        order = get_order(conn, order_id=issue.order_id)
        assert order is not None
        language = reply_languages.reply_language(order.marketplace)
        template = (template or settings_store.setting(conn, key=template_key(language))
                    or reply_languages.language(language).template)
        store = settings_store.setting(conn, key=STORE_NAME_KEY) or ""
        offered = standing(ledger_store.credits_on_issue(conn, issue_id=issue_id))
        waiting = ledger_store.pending_approvals(conn, issue_id=issue_id)
    titles = {item.sku: item.title for item in order.items}
    products = tuple(titles.get(sku, sku) for sku, _ in issue.affected) or (
        (order.items[0].title,) if order.items else ())
    remedy, amount, expires = Remedy.NONE, None, None
    if offered:
        last = offered[-1]
        remedy, amount, expires = Remedy(last.kind), last.amount, last.expires_on
    elif waiting:
        last_request = waiting[-1]
        remedy = Remedy(last_request["kind"])
        amount = Money.from_minor(last_request["amount_minor"], last_request["currency"])
        expires = last_request["expires_on"]
    text = draft_reply(template, ReplyFacts(
        order_id=issue.order_id, issue_type=IssueType(issue.issue_type), products=products,
        remedy=remedy, amount=amount, expires_on=expires, staff=staff, store=store,
        marketplace=order.marketplace))
    return ReplyDraft(text, language, order.marketplace)


def note_reply(engine: Engine, *, issue_id: int, text: str, when: datetime | None = None,
               staff: str | None = None) -> IssueRecord:
    """The reply went out through Buyer-Seller Messaging (now, or at `when`): the clock
    stops and the desk waits for the buyer's answer to the offer."""
    text = text.strip()
    if not text:
        raise DeskError("the reply is empty")
    at = _written_at(when)
    with writing(engine) as conn:
        issue = issue_record(conn, issue_id)
        member = at_desk_or_add_first_owner(conn, staff)
        return _replied(conn, issue, member.name, at, text)


def no_response_needed(engine: Engine, *, issue_id: int, note: str = "",
                       staff: str | None = None) -> IssueRecord:
    """The buyer's last message needs no answer (a thank-you, an "all sorted"): the
    24-hour clock stops as Seller Central's "No response needed" stops it, and the
    timeline says so. The issue's status and any offer stay as they were."""
    with writing(engine) as conn:
        issue = issue_record(conn, issue_id)
        if issue.reply_due_at is None:
            raise DeskError(f"issue {issue_id} owes the buyer no reply")
        member = at_desk_or_add_first_owner(conn, staff)
        text = "No response needed" + (f": {note.strip()}" if note.strip() else "")
        return _step(conn, issue, member.name, now(), kind="no_response_needed", text=text,
                     status=issue.status.value, reply_due_at=None)


def reply_sent(conn: Connection, issue_id: int, actor: str, at: datetime,
               text: str) -> IssueRecord:
    """`note_reply` inside the caller's transaction: a reply sent by mail stops the clock
    in the transaction that records the server took it."""
    return _replied(conn, issue_record(conn, issue_id), actor, at, text)


def _replied(conn: Connection, issue: IssueRecord, actor: str, at: datetime,
             text: str) -> IssueRecord:
    late = issue.reply_due_at is not None and at > issue.reply_due_at
    status = step(situation(conn, issue), IssueEvent.REPLIED).status.value
    return _step(conn, issue, actor, at, kind="reply_late" if late else "reply",
                 text=text, status=status, reply_due_at=None,
                 buyer_response=BuyerResponse.WAITING.value)


def record_response(engine: Engine, *, issue_id: int, response: BuyerResponse,
                    staff: str | None = None) -> IssueRecord:
    """The buyer accepted (the issue is resolved, unless a reply is owed or a deadline
    runs), declined (open again) or never answered; only while an offer stands."""
    if response in (BuyerResponse.NONE, BuyerResponse.WAITING):
        raise DeskError("the buyer's answer is accepted, declined or no_answer")
    with writing(engine) as conn:
        issue = issue_record(conn, issue_id)
        member = at_desk_or_add_first_owner(conn, staff)
        event = {BuyerResponse.ACCEPTED: IssueEvent.OFFER_ACCEPTED,
                 BuyerResponse.DECLINED: IssueEvent.OFFER_DECLINED,
                 BuyerResponse.NO_ANSWER: IssueEvent.NO_ANSWER}[response]
        moved = step(situation(conn, issue), event)
        text = f"buyer's answer to the offer: {response.label.lower()}"
        return _step(conn, issue, member.name, now(), kind="buyer_answer",
                     text=text + (f" ({moved.held})" if moved.held else ""),
                     status=moved.status.value, buyer_response=response.value)


def set_status(engine: Engine, *, issue_id: int, status: IssueStatus, note: str = "",
               staff: str | None = None) -> IssueRecord:
    with writing(engine) as conn:
        issue = issue_record(conn, issue_id)
        if issue.status is status:
            raise DeskError(f"issue {issue_id} is already {status.label.lower()}")
        step(situation(conn, issue), CHOSEN[status])     # refuses what cannot happen
        member = at_desk_or_add_first_owner(conn, staff)
        _moved(conn, issue, status, member.name, note.strip())
        return issue_record(conn, issue_id)


def _moved(conn: Connection, issue: IssueRecord, status: IssueStatus, actor: str,
           note: str = "") -> None:
    at = now()
    due = None if status in DONE else issue.reply_due_at
    issue_store.update_issue(conn, issue_id=issue.issue_id, now=at, status=status.value,
                             reply_due_at=due)
    status_event(conn, issue, status.value, actor, at, note)


def assign(engine: Engine, *, issue_id: int, assignee: str,
           staff: str | None = None) -> IssueRecord:
    """Give the issue to a staff member ("" for nobody)."""
    assignee = assignee.strip()
    with writing(engine) as conn:
        issue_record(conn, issue_id)  # refuses an unknown issue
        member = at_desk_or_add_first_owner(conn, staff)
        _check_assignee(conn, assignee)
        _assigned(conn, issue_id, assignee, member.name)
        return issue_record(conn, issue_id)


def _check_assignee(conn: Connection, assignee: str) -> None:
    if assignee and staff_store.staff_member(conn, name=assignee) is None:
        names = ", ".join(m.name for m in staff_store.all_staff(conn))
        raise DeskError(f"nobody called {assignee!r} works at this desk ({names})")


def _assigned(conn: Connection, issue_id: int, assignee: str, actor: str) -> None:
    issue_store.update_issue(conn, issue_id=issue_id, now=now(), assignee=assignee)
    issue_store.add_event(conn, issue_id=issue_id, actor=actor, kind="assigned",
                          text=f"assigned to {assignee}" if assignee else "unassigned",
                          at=now())


# -- several issues at once -------------------------------------------------------------------
# Never money: a credit, an approval or a rejection is decided one issue at a time, with its
# own confirmation. Each of these is one transaction: an issue that is not there (deleted
# by a colleague meanwhile, say) refuses the whole, and nothing is written.
DONE = (IssueStatus.RESOLVED, IssueStatus.CLOSED)


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """What a change to several issues did: the issues changed, and those left as they
    were, each with why ("a reply to the buyer still owed")."""
    changed: tuple[int, ...]
    skipped: tuple[tuple[int, str], ...] = ()

    def sentence(self, done: str) -> str:
        """One sentence for the status bar: "2 issues closed; issue 7 was skipped (a
        reply to the buyer still owed)." `done` is the past participle ("closed")."""
        count = len(self.changed)
        said = f"{count} issue{'' if count == 1 else 's'} {done}"
        if not self.skipped:
            return said
        reasons: dict[str, list[int]] = {}
        for issue_id, why in self.skipped:
            reasons.setdefault(why, []).append(issue_id)
        parts = [f"{_numbers(ids)} ({why})" for why, ids in reasons.items()]
        verb = "was" if len(self.skipped) == 1 else "were"
        return f"{said}; {_joined(parts)} {verb} skipped"


def _numbers(ids: list[int]) -> str:
    return ("issue " if len(ids) == 1 else "issues ") + _joined([str(i) for i in ids])


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _issues(conn: Connection, issue_ids: list[int]) -> list[IssueRecord]:
    """Each issue once, in the order given; an unknown id refuses them all."""
    if not issue_ids:
        raise DeskError("no issue is selected")
    return [issue_record(conn, issue_id) for issue_id in dict.fromkeys(issue_ids)]


def assign_many(engine: Engine, *, issue_ids: list[int], assignee: str,
                staff: str | None = None) -> BulkOutcome:
    """Give these issues to a staff member ("" for nobody); those already theirs are
    left alone."""
    assignee = assignee.strip()
    with writing(engine) as conn:
        issues = _issues(conn, issue_ids)
        member = at_desk_or_add_first_owner(conn, staff)
        _check_assignee(conn, assignee)
        changed, skipped = [], []
        for issue in issues:
            if issue.assignee == assignee:
                skipped.append((issue.issue_id, f"already {assignee}'s" if assignee
                                else "nobody's already"))
                continue
            _assigned(conn, issue.issue_id, assignee, member.name)
            changed.append(issue.issue_id)
        return BulkOutcome(tuple(changed), tuple(skipped))


def set_status_many(engine: Engine, *, issue_ids: list[int], status: IssueStatus,
                    staff: str | None = None) -> BulkOutcome:
    """Set each issue's status as the issue pane would. Resolving or closing leaves out
    an issue with a reply or a deadline still owed (the pane asks first about each one;
    here nobody is asked, so it is skipped), as it leaves out one already there or one
    the status cannot come to."""
    with writing(engine) as conn:
        issues = _issues(conn, issue_ids)
        member = at_desk_or_add_first_owner(conn, staff)
        changed, skipped = [], []
        for issue in issues:
            why = _refusal(conn, issue, status)
            if why:
                skipped.append((issue.issue_id, why))
                continue
            _moved(conn, issue, status, member.name)
            changed.append(issue.issue_id)
        return BulkOutcome(tuple(changed), tuple(skipped))


def _refusal(conn: Connection, issue: IssueRecord, status: IssueStatus) -> str:
    """Why `issue` is left out of a change to `status` ("" when it is not)."""
    if issue.status is status:
        return f"already {status.label.lower()}"
    try:
        step(situation(conn, issue), CHOSEN[status])
    except TransitionRefused as exc:
        return str(exc)
    if status in DONE:
        # What the pane lists as still owed: the reply, and every deadline still running
        # (the buyer-contact one too, which resolving would meet, but the pane asks).
        owed = [d.label.lower() for d in still_owed(deadlines(
            issue_store.timeline(conn, issue_id=issue.issue_id),
            reply_due=issue.reply_due_at, overrides=overrides_in(conn)))]
        if owed:
            return f"{'; '.join(owed)} still owed"
    return ""


def note_sent_many(engine: Engine, *, issue_ids: list[int], text: str,
                   staff: str | None = None) -> BulkOutcome:
    """The reply went out to each of these buyers outside the desk (from Seller Central,
    say): each reply clock stops, as Note message's "We replied" stops one. An issue
    where no reply was owed is left alone."""
    text = text.strip()
    if not text:
        raise DeskError("say what was sent (a summary is enough)")
    with writing(engine) as conn:
        issues = _issues(conn, issue_ids)
        member = at_desk_or_add_first_owner(conn, staff)
        at = now()
        changed, skipped = [], []
        for issue in issues:
            if issue.reply_due_at is None:
                skipped.append((issue.issue_id, "no reply was owed"))
                continue
            _replied(conn, issue, member.name, at, text)
            changed.append(issue.issue_id)
        return BulkOutcome(tuple(changed), tuple(skipped))


def _step(conn: Connection, issue: IssueRecord, actor: str, at: datetime, *, kind: str,
          text: str, status: str, **fields: object) -> IssueRecord:
    """One step in the conversation: the issue's fields, its timeline line, and a status
    line when the step moved the status. `at` may be earlier than now (a message noted
    late); the issue itself changed now."""
    issue_store.update_issue(conn, issue_id=issue.issue_id, now=max(at, now()), status=status,
                             **fields)
    issue_store.add_event(conn, issue_id=issue.issue_id, actor=actor, kind=kind, text=text,
                          at=at)
    if status != issue.status.value:
        # The status moved now, whenever the message was written: the timeline reads in
        # the order things happened (a message noted late must not reopen an issue before
        # the credit that resolved it).
        status_event(conn, issue, status, actor, max(at, now()))
    return issue_record(conn, issue.issue_id)
