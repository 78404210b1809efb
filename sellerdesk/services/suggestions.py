"""What the policy suggests (core.policy.suggest) for an issue, worked out against the
order as it stands — what it has had already, in credits and in refunds its returns
brought — and the buyer's earlier credits and issues in the policy's window. Asked for a
logged issue, an issue being typed (the dialog's live view) or a policy being edited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.money import Money
from sellerdesk.core.policy import (
    BuyerHistory,
    IssueFacts,
    Policy,
    Suggestion,
    parse_policy,
    suggest,
)
from sellerdesk.core.records import IssueRecord
from sellerdesk.core.returns import REFUND_KINDS, refunded_outside
from sellerdesk.services.at_desk import DeskError
from sellerdesk.services.clock import now
from sellerdesk.services.issues import UNCHECKED_BUYER, buyer_ref_for, issue_record
from sellerdesk.services.policies import ensure_active_policy_in
from sellerdesk.services.policy_lab.budget import standing_in
from sellerdesk.services.staff import default_staff_name
from sellerdesk.store import credits as ledger_store
from sellerdesk.store import issues as issue_store
from sellerdesk.store import policy_versions as policy_store
from sellerdesk.store import returns as return_store
from sellerdesk.store.engine import reading
from sellerdesk.store.orders import get_order
from sellerdesk.store.team import team_login


def suggestion_for(conn: Connection, issue: IssueRecord) -> tuple[Suggestion, Money]:
    """The policy's suggestion, and what is left of the order's total to give."""
    facts = IssueFacts(issue.issue_type, issue.severity, issue.affected, issue.days_late)
    return _suggest(conn, order_id=issue.order_id, facts=facts, buyer_ref=issue.buyer_ref,
                    excluding_issue=issue.issue_id, handler=issue.assignee or issue.created_by)


def _suggest(conn: Connection, *, order_id: str, facts: IssueFacts, buyer_ref: str | None,
             excluding_issue: int, handler: str | None = None,
             draft: tuple[int, Policy] | None = None) -> tuple[Suggestion, Money]:
    """`handler`: who handles the issue (its assignee, or who logged it) — for an issue
    not yet logged, the person at the desk, who is about to log it."""
    version, policy = draft or ensure_active_policy_in(conn)
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
    standing = None
    if policy.budget is not None:   # measured only when a budget asks: it costs queries
        standing = standing_in(conn, policy.budget, order=order,
                               agent=handler or team_login(conn) or default_staff_name(),
                               excluding_issue=excluding_issue or None)
    return suggest(policy, order=order, issue=facts, history=history, already_given=given,
                   policy_version=version, budget=standing), order.total - given


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
    ref = buyer_ref_for(engine, buyer)
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
    ref = buyer_ref_for(engine, buyer)
    with reading(engine) as conn:
        next_version = (policy_store.latest_policy(conn) or (0, ""))[0] + 1
        return _suggest(conn, order_id=order_id, facts=facts, buyer_ref=ref,
                        excluding_issue=0, draft=(next_version, policy))[0]


def suggest_for_issue(engine: Engine, issue_id: int) -> Suggestion:
    with reading(engine) as conn:
        return suggestion_for(conn, issue_record(conn, issue_id))[0]
