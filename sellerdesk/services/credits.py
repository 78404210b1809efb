"""Credits: giving one on an issue (at the suggestion, or another amount with a reason),
a request for a supervisor's approval above a limit, the decision on it, a reversal, and
the ledger's check. Each is one transaction; the suggestion a credit departs from is
recomputed inside the credit's own transaction, so caps hold against what was really
given a moment before. The entry itself is appended by store.credits, which chains its
hash to the one before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.issues import Remedy
from sellerdesk.core.ledger import ChainCheck, verify_chain
from sellerdesk.core.money import Money, MoneyError
from sellerdesk.core.policy import Suggestion
from sellerdesk.core.records import IssueRecord, StaffMember, TimelineEntry
from sellerdesk.services.at_desk import DeskError, at_desk_or_add_first_owner, staff_at_desk
from sellerdesk.services.clock import now
from sellerdesk.services.issues import issue_record
from sellerdesk.services.protection import pins, security_log
from sellerdesk.services.staff import default_staff_name
from sellerdesk.services.suggestions import suggestion_for
from sellerdesk.store import credits as ledger_store
from sellerdesk.store import issues as issue_store
from sellerdesk.store import staff as staff_store
from sellerdesk.store import team as team_store
from sellerdesk.store.engine import reading, writing


def _record_offer(conn: Connection, issue: IssueRecord, resolution: str, at: datetime) -> None:
    """A credit given is an offer to the buyer: it names the issue's resolution and leaves
    its status alone (core.issue_states). The buyer's answer, or a person, resolves it:
    a credit while a reply is owed or a deadline runs must not close the work."""
    issue_store.set_issue_status(conn, issue_id=issue.issue_id, status=issue.status.value,
                                 resolution=resolution, now=at)


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
        member = at_desk_or_add_first_owner(conn, staff)
        suggestion, order_left = suggestion_for(conn, issue)
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


def refusal_to_decide(member: StaffMember, requested_by: str) -> str | None:
    """Why `member` may not decide a request `requested_by` asked (None: they may)."""
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
        member = staff_store.staff_member(conn, name=name)
    if member is None:
        return f"nobody called {name!r} works at this desk"
    return refusal_to_decide(member, request.requested_by)


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
        refusal = refusal_to_decide(member, request["requested_by"])
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
        _, order_left = suggestion_for(conn, issue)
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
