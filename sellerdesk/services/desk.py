"""The desk's use cases: log an issue, suggest from the policy, give or reverse a credit,
verify the ledger. Each is one transaction; the suggestion a credit departs from is
recomputed inside the credit's own transaction, so caps hold against what was really
given a moment before."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.amazon_facts import duration
from sellerdesk.core.buyers import buyer_reference
from sellerdesk.core.desk import (
    CreditRecord,
    IssueRecord,
    StaffMember,
    TimelineEntry,
    format_affected,
)
from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import (
    IssueStatus,
    IssueType,
    Remedy,
    Severity,
    status_line,
)
from sellerdesk.core.ledger import ChainCheck, verify_chain
from sellerdesk.core.money import Money, MoneyError
from sellerdesk.core.policy import (
    BuyerHistory,
    IssueFacts,
    Policy,
    Suggestion,
    parse_policy,
    suggest,
)
from sellerdesk.core.returns import REFUND_KINDS, Return, refunded_outside
from sellerdesk.services.amazon_facts import overrides_in
from sellerdesk.services.clock import now
from sellerdesk.services.policies import active_policy
from sellerdesk.services.protection import personal_data, pins, security_log
from sellerdesk.services.protection.shared_keys import BuyerKeyUnavailable, buyer_reference_key
from sellerdesk.services.staff import default_staff_name
from sellerdesk.store import credits as ledger_store
from sellerdesk.store import issues as issue_store
from sellerdesk.store import returns as return_store
from sellerdesk.store import team as team_store
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.orders import get_order


class DeskError(KnownError):
    """A request the desk refuses, with the reason."""


# -- staff ------------------------------------------------------------------------------
def staff_at_desk(conn: Connection, name: str | None) -> StaffMember:
    """Who is at work: on a team database the login; on a single desk the named staff
    member. Refuses a name nobody has (a typo never becomes a colleague: only an owner
    adds staff) and a deactivated person."""
    login = team_store.team_login(conn)
    if login is not None:           # a team database: the login is who is at work
        member = issue_store.staff_member(conn, name=login)
        if member is None:
            raise DeskError(f"the login {login} is not on this team; ask the owner to add "
                            f"you (sellerdesk team add-user {login} --role agent)")
        return member
    name = (name or default_staff_name()).strip()
    if not name:
        raise DeskError("say who is at the desk (--staff NAME)")
    member = issue_store.staff_member(conn, name=name)
    if member is None:
        raise DeskError(f"nobody called {name!r} works at this desk; pick a name in the "
                        "At the desk box (or --staff), or ask the owner to add you "
                        "(Desk › Staff, sellerdesk staff add)")
    if not member.active:
        raise DeskError(f"{name} was deactivated and can no longer act at this desk")
    return member


def become_first_owner(conn: Connection, name: str | None) -> StaffMember:
    """The first run: the very first person on a desk with no staff becomes its owner
    (they set SellerDesk up). Refused once anyone works there."""
    name = (name or default_staff_name()).strip()
    if not name:
        raise DeskError("say who is at the desk (--staff NAME)")
    if team_store.team_login(conn) is not None or issue_store.staff_count(conn):
        raise DeskError(f"this desk already has staff; {name} is added by its owner")
    member = issue_store.add_staff(conn, name=name, role="owner", approval_limits={},
                                   now=now())
    security_log.record(conn, "staff_changed", f"{name} set up the desk and owns it",
                        actor=name)
    return member


def at_desk_or_first_owner(conn: Connection, name: str | None) -> StaffMember:
    """For work that records who did it: the person at the desk (staff_at_desk) — or, on
    a new desk nobody works at yet, its first owner (become_first_owner)."""
    if team_store.team_login(conn) is None and issue_store.staff_count(conn) == 0:
        return become_first_owner(conn, name)
    return staff_at_desk(conn, name)


# Kept instead of a reference when a buyer was named but the key was not at hand: the
# issue stays marked (its suggestions need approval), and it matches no buyer's history.
UNCHECKED_BUYER = "unchecked"


def _buyer_ref(engine: Engine, buyer: str | None) -> str | None:
    """The keyed reference for what staff typed; the buyer as typed is never stored."""
    if not buyer or not buyer.strip():
        return None
    try:
        return buyer_reference(buyer_reference_key(engine), buyer)
    except BuyerKeyUnavailable:
        return UNCHECKED_BUYER


# -- issues -------------------------------------------------------------------------------
def add_issue(engine: Engine, *, order_id: str, issue_type: IssueType,
              severity: Severity = Severity.MODERATE, affected: tuple[tuple[str, int], ...] = (),
              days_late: int = 0, buyer: str | None = None, note: str = "",
              staff: str | None = None,
              buyer_details: Mapping[str, str | None] | None = None) -> IssueRecord:
    """Log an issue. `buyer_details` (name, email, address) are sealed, never stored as
    typed (services.protection.personal_data)."""
    if days_late < 0:
        raise DeskError("days late cannot be negative")
    if days_late and issue_type is not IssueType.LATE_DELIVERY:
        raise DeskError("days late only apply to a late_delivery issue")
    ref = _buyer_ref(engine, buyer)
    with writing(engine) as conn:
        order = get_order(conn, order_id=order_id)
        if order is None:
            raise DeskError(f"no order {order_id!r}: import the report that has it first")
        skus = {item.sku: item.quantity for item in order.items}
        for sku, quantity in affected:
            if sku not in skus:
                raise DeskError(f"order {order_id} has no item with SKU {sku!r} "
                                f"(it has {', '.join(skus)})")
            if quantity > skus[sku]:
                raise DeskError(f"order {order_id} has only {skus[sku]} × {sku}, "
                                f"not {quantity}")
        member = at_desk_or_first_owner(conn, staff)
        issue_id = issue_store.add_issue(
            conn, order_id=order_id, issue_type=issue_type.value, severity=severity.value,
            affected=format_affected(affected), days_late=days_late, buyer_ref=ref,
            notes=note, by=member.name, now=now(),
            reply_due_at=now() + duration("reply_hours", overrides_in(conn)))
        issue_store.add_event(conn, issue_id=issue_id, actor=member.name, kind="logged",
                              text=f"{issue_type.label}, {severity.value}", at=now())
        if buyer_details and any((v or "").strip() for v in buyer_details.values()):
            personal_data.write_details(conn, issue_id=issue_id, details=buyer_details,
                                        by=member.name, at=now())
        record = issue_store.get_issue(conn, issue_id=issue_id)
    assert record is not None
    return record


def list_issues(engine: Engine, *, status: str | None = None,
                order_id: str | None = None) -> list[IssueRecord]:
    with reading(engine) as conn:
        return issue_store.list_issues(conn, status=status, order_id=order_id)


def issue_record(conn: Connection, issue_id: int) -> IssueRecord:
    issue = issue_store.get_issue(conn, issue_id=issue_id)
    if issue is None:
        raise DeskError(f"no issue {issue_id}")
    return issue


def status_event(conn: Connection, issue: IssueRecord, status: str, actor: str,
                 at: datetime, note: str = "") -> None:
    """The timeline's line for a status change."""
    issue_store.add_event(conn, issue_id=issue.issue_id, actor=actor, kind="status",
                          text=status_line(issue.status, IssueStatus(status), note), at=at)


def _record_offer(conn: Connection, issue: IssueRecord, resolution: str, at: datetime) -> None:
    """A credit given is an offer to the buyer: it names the issue's resolution and leaves
    its status alone (core.issue_states). The buyer's answer, or a person, resolves it:
    a credit while a reply is owed or a deadline runs must not close the work."""
    issue_store.set_issue_status(conn, issue_id=issue.issue_id, status=issue.status.value,
                                 resolution=resolution, now=at)


def _suggestion(conn: Connection, issue: IssueRecord) -> tuple[Suggestion, Money]:
    """The policy's suggestion, and what is left of the order's total to give."""
    facts = IssueFacts(issue.issue_type, issue.severity, issue.affected, issue.days_late)
    return _suggest(conn, order_id=issue.order_id, facts=facts, buyer_ref=issue.buyer_ref,
                    excluding_issue=issue.issue_id)


def _suggest(conn: Connection, *, order_id: str, facts: IssueFacts, buyer_ref: str | None,
             excluding_issue: int,
             draft: tuple[int, Policy] | None = None) -> tuple[Suggestion, Money]:
    version, policy = draft or active_policy(conn)
    order = get_order(conn, order_id=order_id)
    if order is None:
        raise DeskError(f"no order {order_id!r}")
    history = BuyerHistory()
    if buyer_ref == UNCHECKED_BUYER:
        history = BuyerHistory(checked=False)
    elif buyer_ref:
        since = now() - timedelta(days=policy.buyer_window_days)
        credits, issues = issue_store.buyer_history(conn, buyer_ref=buyer_ref, since=since,
                                                    excluding_issue=excluding_issue)
        history = BuyerHistory(credits_in_window=credits, other_issues_in_window=issues)
    given = given_on_order(conn, order.order_id, order.currency)
    return suggest(policy, order=order, issue=facts, history=history, already_given=given,
                   policy_version=version), order.total - given


def given_on_order(conn: Connection, order_id: str, currency: str) -> Money:
    """What the order has had: SellerDesk's credits net of reversals, and what its returns
    refunded beyond the refunds SellerDesk recorded (core.returns.refunded_outside)."""
    credits, refunds = ledger_store.given_on_order(conn, order_id=order_id, kinds=REFUND_KINDS)
    return Money.from_minor(credits, currency) + refunded_outside(
        return_store.returns_on_order(conn, order_id=order_id),
        Money.from_minor(refunds, currency))


def preview_suggestion(engine: Engine, *, order_id: str, facts: IssueFacts,
                       buyer: str | None = None) -> Suggestion:
    """What the policy would suggest for an issue not yet logged (the dialog's live view)."""
    ref = _buyer_ref(engine, buyer)
    with reading(engine) as conn:
        return _suggest(conn, order_id=order_id, facts=facts, buyer_ref=ref,
                        excluding_issue=0)[0]


def left_on_order(engine: Engine, order_id: str) -> Money:
    """What may still be given on the order: its total less what it has had."""
    with reading(engine) as conn:
        order = get_order(conn, order_id=order_id)
        if order is None:
            raise DeskError(f"no order {order_id!r}")
        return order.total - given_on_order(conn, order.order_id, order.currency)


def try_policy(engine: Engine, text: str, *, order_id: str, facts: IssueFacts,
               buyer: str | None = None) -> Suggestion:
    """What a policy being edited would suggest, on a real order and buyer history.
    Nothing is saved; an invalid policy raises its PolicyError (key and line)."""
    policy = parse_policy(text, source="the policy being edited")
    ref = _buyer_ref(engine, buyer)
    with reading(engine) as conn:
        next_version = (issue_store.latest_policy(conn) or (0, ""))[0] + 1
        return _suggest(conn, order_id=order_id, facts=facts, buyer_ref=ref,
                        excluding_issue=0, draft=(next_version, policy))[0]


@dataclass(frozen=True, slots=True)
class OrderActivity:
    """An order's issues, credits and returns, for the order pane."""
    issues: list[IssueRecord]
    credits: list[CreditRecord]
    returns: list[Return] = field(default_factory=list)

    def given(self, currency: str) -> Money:
        total = Money.zero(currency)
        for credit in self.credits:
            total = total + credit.amount
        return total


def order_activity(engine: Engine, order_id: str) -> OrderActivity:
    with reading(engine) as conn:
        return OrderActivity(issue_store.list_issues(conn, order_id=order_id),
                             ledger_store.credits_on_order(conn, order_id=order_id),
                             return_store.returns_on_order(conn, order_id=order_id))


def suggest_for_issue(engine: Engine, issue_id: int) -> Suggestion:
    with reading(engine) as conn:
        return _suggestion(conn, issue_record(conn, issue_id))[0]


# -- credits ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CreditOutcome:
    """A credit written to the ledger, or a request waiting for a supervisor."""
    amount: Money
    kind: Remedy
    credit_id: int | None = None
    entry_hash: str | None = None
    approval_id: int | None = None

    @property
    def pending(self) -> bool:
        return self.credit_id is None

    def as_json(self) -> dict[str, Any]:
        return {"credit_id": self.credit_id, "amount": str(self.amount),
                "currency": self.amount.currency, "entry_hash": self.entry_hash,
                "kind": self.kind.value, "status": "pending_approval" if self.pending else "given",
                "approval_id": self.approval_id}


MONEY_KINDS = (Remedy.COURTESY_CREDIT, Remedy.PARTIAL_REFUND, Remedy.RETURN_SHIPPING,
               Remedy.FULL_REFUND, Remedy.PROMOTIONAL_CREDIT)


def _amount(text: str | Decimal, currency: str) -> Money:
    try:
        return Money.parse(str(text), currency)
    except MoneyError as exc:
        raise DeskError(f"the amount {text}: {exc}") from None


def issue_credit(engine: Engine, *, issue_id: int, amount: str | Decimal | None = None,
                 kind: Remedy | None = None, reason: str = "", staff: str | None = None,
                 expires_on: date | None = None) -> CreditOutcome:
    """Give a credit on an issue: at the suggested amount, or another with a reason.
    Above a limit, an agent's credit becomes a request for a supervisor's approval."""
    reason = reason.strip()
    with writing(engine) as conn:
        issue = issue_record(conn, issue_id)
        ledger_store.lock_order(conn, order_id=issue.order_id, buyer_ref=issue.buyer_ref)
        member = at_desk_or_first_owner(conn, staff)
        suggestion, order_left = _suggestion(conn, issue)
        currency = suggestion.amount.currency
        chosen_kind = kind or (suggestion.remedy if suggestion.remedy in MONEY_KINDS
                               else Remedy.REPLACEMENT if suggestion.remedy is Remedy.REPLACEMENT
                               else Remedy.COURTESY_CREDIT)
        value = suggestion.amount if amount is None else _amount(amount, currency)
        if chosen_kind is Remedy.REPLACEMENT and amount is None:
            value = Money.zero(currency)  # the replacement itself; no money moves
        if value == suggestion.amount:
            reason = ""   # a reason typed for another amount, then the suggestion again
        _check(value, chosen_kind, suggestion, reason, expires_on)
        if value > order_left:
            raise DeskError(f"{value.display()} is more than is left on order {issue.order_id} "
                            f"({max(order_left, Money.zero(currency)).display()})")
        needs_approval = suggestion.needs_approval or (
            suggestion.cap is not None and value > suggestion.cap)
        # The person's own limit in this currency; none there, the policy's alone.
        limit = member.limit_for(currency)
        if limit is not None and value.amount > limit:
            needs_approval = True
        explanation = "\n".join(suggestion.explanation)
        common = {"issue_id": issue.issue_id, "kind": chosen_kind.value,
                  "amount_minor": value.minor, "currency": currency, "reason": reason,
                  "policy_version": suggestion.policy_version,
                  "suggested_minor": suggestion.amount.minor, "explanation": explanation,
                  "expires_on": expires_on}
        suggested = ("suggestion", f"policy version {suggestion.policy_version} suggested "
                                   f"{suggestion.remedy.label.lower()} "
                                   f"{suggestion.amount.display()}: "
                                   + "; ".join(suggestion.explanation))
        if needs_approval and not member.can_approve:
            approval_id = ledger_store.add_approval_request(
                conn, values={**common, "requested_by": member.name, "requested_at": now(),
                              "status": "pending", "comment": ""})
            issue_store.add_events(conn, issue_id=issue.issue_id, actor=member.name, at=now(),
                                   lines=[suggested, (
                                       "approval_requested",
                                       f"{chosen_kind.label} {value.display()} awaits approval")])
            return CreditOutcome(value, chosen_kind, approval_id=approval_id)
        if needs_approval:          # a supervisor approving their own credit
            pins.require_elevated(conn, member, f"giving {value.display()} above the limit")
        at = now()
        _record_offer(conn, issue, chosen_kind.value, at)
        # The credit line meets the buyer-contact clock: counted now, outside the lock.
        issue_store.refresh_clock_runs(conn, issue_ids=[issue.issue_id], to_come={
            issue.issue_id: [TimelineEntry(at, member.name, "credit", "")]})
        # The chain's lock, from here to the commit: only what needs the credit's id follows.
        ledger_store.lock_ledger(conn)
        credit_id, digest = ledger_store.append_credit(conn, values={
            **common, "created_at": at, "order_id": issue.order_id, "staff": member.name,
            "approved_by": member.name if needs_approval else None})
        issue_store.add_events(conn, issue_id=issue.issue_id, actor=member.name, at=at,
                               clocks_counted=True, lines=[suggested, (
                                   "credit", f"{chosen_kind.label} {value.display()} "
                                             f"(credit {credit_id})"
                                             + (f": {reason}" if reason else ""))])
        security_log.record(conn, "credit_given",
                            f"credit {credit_id}: {value.display()} "
                            f"{chosen_kind.label.lower()} on issue {issue.issue_id}",
                            actor=member.name)
        return CreditOutcome(value, chosen_kind, credit_id=credit_id, entry_hash=digest)


def _check(value: Money, kind: Remedy, suggestion: Suggestion, reason: str,
           expires_on: date | None) -> None:
    if value.amount < 0:
        raise DeskError("a credit cannot be negative; to take one back, reverse it")
    if value.minor == 0 and kind is not Remedy.REPLACEMENT:
        raise DeskError("a credit of zero gives nothing; choose an amount")
    if value != suggestion.amount and not reason:
        raise DeskError(f"giving {value.display()} instead of the suggested "
                        f"{suggestion.amount.display()} needs a written reason (--reason)")
    if kind is Remedy.PROMOTIONAL_CREDIT and expires_on is None:
        raise DeskError("a promotional credit needs an expiry date (--expires YYYY-MM-DD)")
    if expires_on is not None and expires_on <= now().date():
        raise DeskError(f"the expiry date {expires_on} is not in the future")


@dataclass(frozen=True, slots=True)
class PendingApproval:
    approval_id: int
    issue_id: int
    order_id: str
    amount: Money
    kind: Remedy
    requested_by: str
    requested_at: datetime
    reason: str
    explanation: str
    suggested: Money | None


def pending_approvals(engine: Engine) -> list[PendingApproval]:
    with reading(engine) as conn:
        return [PendingApproval(
                    r["id"], r["issue_id"], r["order_id"],
                    Money.from_minor(r["amount_minor"], r["currency"]), Remedy(r["kind"]),
                    r["requested_by"], r["requested_at"], r["reason"], r["explanation"],
                    None if r["suggested_minor"] is None
                    else Money.from_minor(r["suggested_minor"], r["currency"]))
                for r in ledger_store.pending_approvals(conn)]


def _decision_refused(member: StaffMember, requested_by: str) -> str | None:
    if not member.active:
        return f"{member.name} was deactivated and can no longer act at this desk"
    if not member.can_approve:
        return (f"{member.name} is an agent; only a supervisor or owner may approve or "
                "reject credits")
    if member.name == requested_by:
        return "nobody may approve or reject their own request"
    return None


def decision_refused(engine: Engine, request: PendingApproval,
                     staff: str | None = None) -> str | None:
    """Why the person at the desk may not decide this request (so the window need not
    offer it), or None. A missing PIN is not a refusal: the window asks for it."""
    with reading(engine) as conn:
        name = team_store.team_login(conn) or (staff or default_staff_name()).strip()
        member = issue_store.staff_member(conn, name=name)
    if member is None:
        return f"nobody called {name!r} works at this desk"
    return _decision_refused(member, request.requested_by)


def decide_approval(engine: Engine, *, approval_id: int, approve: bool, comment: str = "",
                    staff: str | None = None) -> CreditOutcome | None:
    """A supervisor approves (the credit is written now) or rejects (with a comment).
    Nobody approves their own request."""
    comment = comment.strip()
    with writing(engine) as conn:
        request = ledger_store.get_approval(conn, approval_id=approval_id)
        if request is None:
            raise DeskError(f"no approval request {approval_id}")
        asked_on = issue_record(conn, request["issue_id"])
        ledger_store.lock_order(conn, order_id=asked_on.order_id, buyer_ref=asked_on.buyer_ref)
        ledger_store.lock_ledger(conn)
        request = ledger_store.get_approval(conn, approval_id=approval_id)  # as it is now
        if request["status"] != "pending":
            raise DeskError(f"approval request {approval_id} was already {request['status']} "
                            f"by {request['decided_by']}")
        member = staff_at_desk(conn, staff)
        refusal = _decision_refused(member, request["requested_by"])
        if refusal:
            raise DeskError(refusal)
        pins.require_elevated(conn, member, f"deciding request {approval_id}")
        if not approve and not comment:
            raise DeskError("a rejection needs a comment for the agent (--comment)")
        amount = Money.from_minor(request["amount_minor"], request["currency"])
        kind = Remedy(request["kind"])
        issue_id = request["issue_id"]
        if not approve:
            ledger_store.decide_approval(conn, approval_id=approval_id, status="rejected",
                                         by=member.name, comment=comment, credit_id=None,
                                         at=now())
            issue_store.add_event(conn, issue_id=issue_id, actor=member.name, kind="rejected",
                                  text=f"{kind.label} {amount.display()} rejected: {comment}",
                                  at=now())
            return None
        issue = issue_record(conn, issue_id)
        _, order_left = _suggestion(conn, issue)
        if amount > order_left:
            raise DeskError(f"{amount.display()} is more than is left on order "
                            f"{issue.order_id} ({order_left.display()}) since it was asked")
        credit_id, digest = ledger_store.append_credit(conn, values={
            "created_at": now(), "issue_id": issue_id, "order_id": issue.order_id,
            "kind": kind.value, "amount_minor": amount.minor, "currency": amount.currency,
            "reason": request["reason"], "staff": request["requested_by"],
            "approved_by": member.name, "policy_version": request["policy_version"],
            "suggested_minor": request["suggested_minor"],
            "explanation": request["explanation"], "expires_on": request["expires_on"]})
        ledger_store.decide_approval(conn, approval_id=approval_id, status="approved",
                                     by=member.name, comment=comment, credit_id=credit_id,
                                     at=now())
        at = now()
        _record_offer(conn, issue, kind.value, at)
        approved = (f"{kind.label} {amount.display()} approved (credit {credit_id})"
                    + (f": {comment}" if comment else ""))
        issue_store.add_events(conn, issue_id=issue_id, actor=member.name, at=at,
                               lines=[("approved", approved)])
        security_log.record(conn, "credit_approved", f"credit {credit_id}: {amount.display()} "
                            f"{kind.label.lower()} on issue {issue_id}, asked by "
                            f"{request['requested_by']}", actor=member.name)
        return CreditOutcome(amount, kind, credit_id=credit_id, entry_hash=digest)


def reverse_credit(engine: Engine, *, credit_id: int, reason: str,
                   staff: str | None = None) -> CreditOutcome:
    reason = reason.strip()
    if not reason:
        raise DeskError("a reversal needs a written reason (--reason)")
    with writing(engine) as conn:
        original = ledger_store.get_credit(conn, credit_id=credit_id)
        if original is None:
            raise DeskError(f"no credit {credit_id}")
        on = issue_record(conn, original.issue_id)
        ledger_store.lock_order(conn, order_id=on.order_id, buyer_ref=on.buyer_ref)
        ledger_store.lock_ledger(conn)
        if original.reverses is not None:
            raise DeskError(f"credit {credit_id} is itself a reversal (of credit "
                            f"{original.reverses}); it cannot be reversed")
        already = ledger_store.reversal_of(conn, credit_id=credit_id)
        if already is not None:
            raise DeskError(f"credit {credit_id} was already reversed by credit {already}")
        member = staff_at_desk(conn, staff)
        if original.approved_by and original.approved_by != member.name \
                and not member.can_approve:
            raise DeskError(f"credit {credit_id} was approved by {original.approved_by}; "
                            "only a supervisor or owner may reverse it")
        if original.approved_by:
            pins.require_elevated(conn, member, f"reversing approved credit {credit_id}")
        new_id, digest = ledger_store.append_credit(conn, values={
            "created_at": now(), "issue_id": original.issue_id, "order_id": original.order_id,
            "kind": original.kind, "amount_minor": -original.amount.minor,
            "currency": original.amount.currency, "reverses": credit_id, "reason": reason,
            "staff": member.name, "explanation": ""})
        issue_store.add_event(conn, issue_id=original.issue_id, actor=member.name,
                              kind="reversal",
                              text=f"credit {credit_id} reversed ({(-original.amount).display()})"
                                   f": {reason}", at=now())
        security_log.record(conn, "credit_reversed", f"credit {new_id} reverses credit "
                            f"{credit_id} ({(-original.amount).display()})", actor=member.name)
        return CreditOutcome(-original.amount, Remedy(original.kind), credit_id=new_id,
                             entry_hash=digest)


def verify_ledger(engine: Engine) -> ChainCheck:
    with reading(engine) as conn:
        return verify_chain(ledger_store.ledger(conn))
