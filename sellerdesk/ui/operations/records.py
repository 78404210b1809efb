"""Writes made at the desk, one click each: an issue logged with or without a credit, a
credit given on an issue already logged, an approval request decided, evidence taken back
within its minute. Quick work, so no progress dialog: the widget that asked shows it is
saving and keeps what was typed until the outcome is back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import IssueType, Remedy, Severity
from sellerdesk.ui.operations.runner import Operations
from sellerdesk.ui.tasks import Task

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from sellerdesk.services.credits import CreditOutcome


@dataclass(frozen=True, slots=True)
class IssueTyped:
    """An issue as the New issue dialog has it, ready to log."""
    order_id: str
    issue_type: IssueType
    severity: Severity
    affected: tuple[tuple[str, int], ...]
    days_late: int
    buyer: str | None
    note: str
    buyer_details: Mapping[str, str | None] | None


@dataclass(frozen=True, slots=True)
class CreditChosen:
    """A credit confirmed and not undone."""
    amount: Decimal
    kind: Remedy
    reason: str
    expires_on: date | None


@dataclass(frozen=True, slots=True)
class Saved:
    """What came of a save: the issue (logged now or before), the credit's outcome (None:
    none asked for, or refused), and the refusal's sentence when the credit was refused
    after the issue was logged: the issue stands either way."""
    issue_id: int
    outcome: CreditOutcome | None = None
    credit_refused: str = ""


def save_issue(operations: Operations, engine: Engine, *, staff: str, issue_id: int | None,
               issue: IssueTyped | None, credit: CreditChosen | None,
               done: Callable[[Saved], object],
               failed: Callable[[Exception], object]) -> Task:
    """Log `issue` (unless `issue_id` says it is logged), then give `credit` if any.
    `failed` hears why the issue itself was not logged: then nothing was written."""
    from sellerdesk.services.credits import issue_credit
    from sellerdesk.services.issues import add_issue
    if (issue_id is None) == (issue is None):
        raise ValueError("either an issue to log or the id of one logged")

    def work(_progress, _cancelled) -> Saved:
        logged = issue_id
        if issue is not None:
            logged = add_issue(engine, order_id=issue.order_id, issue_type=issue.issue_type,
                               severity=issue.severity, affected=issue.affected,
                               days_late=issue.days_late, buyer=issue.buyer, note=issue.note,
                               staff=staff, buyer_details=issue.buyer_details).issue_id
        assert logged is not None
        if credit is None:
            return Saved(logged)
        try:
            outcome = issue_credit(engine, issue_id=logged, amount=credit.amount,
                                   kind=credit.kind, reason=credit.reason, staff=staff,
                                   expires_on=credit.expires_on)
        except KnownError as exc:
            return Saved(logged, credit_refused=str(exc))
        except Exception as exc:      # a bug: the issue is logged all the same
            # Said as a refusal, not raised: raised, it would read as "nothing was
            # written", and Log again would log the issue a second time.
            return Saved(logged, credit_refused=f"something went wrong inside SellerDesk "
                                                f"({type(exc).__name__}: {exc})")
        return Saved(logged, outcome)

    what = ("Logging the issue" if credit is None else
            "Logging the issue and giving the credit" if issue is not None else
            "Giving the credit")
    return operations.start(what, work, done=done, failed=failed, report=False)


def decide_request(operations: Operations, engine: Engine, *, approval_id: int,
                   approve: bool, comment: str, staff: str,
                   done: Callable[[CreditOutcome | None], object],
                   failed: Callable[[Exception], object]) -> Task:
    """Approve (writing the credit) or reject request `approval_id`. A decision that
    needs the decider's PIN fails with PinNeeded: the caller asks for it and decides
    again (ui/dialogs/pin_dialog.with_pin_in_background)."""
    from sellerdesk.services.credits import decide_approval
    return operations.start(
        "Approving the request" if approve else "Rejecting the request",
        lambda _progress, _cancelled: decide_approval(
            engine, approval_id=approval_id, approve=approve, comment=comment, staff=staff),
        done=done, failed=failed, report=False)


def remove_evidence(operations: Operations, engine: Engine, *, evidence_ids: list[int],
                    staff: str, done: Callable[[list[str]], object],
                    failed: Callable[[Exception], object]) -> Task:
    """Take files attached within the last minute off their issue, each in its own
    transaction (one past its minute does not keep the others on). `done` hears the
    refusals' sentences, [] when all went."""
    from sellerdesk.services.evidence import remove_evidence as remove

    def work(_progress, _cancelled) -> list[str]:
        refused = []
        for evidence_id in evidence_ids:
            try:
                remove(engine, evidence_id=evidence_id, staff=staff)
            except KnownError as exc:
                refused.append(str(exc))
        return refused
    return operations.start("Removing the evidence", work, done=done, failed=failed,
                            report=False)
