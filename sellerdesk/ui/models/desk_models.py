"""The desk's tables as columns over records: issues, the ledger, approval requests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from sellerdesk.core.desk import IssueRecord, age, reply_clock
from sellerdesk.core.issues import IssueStatus, Remedy
from sellerdesk.services.claims import Taken
from sellerdesk.services.desk import PendingApproval
from sellerdesk.services.ledger import LedgerLine
from sellerdesk.ui.formatting import local_time
from sellerdesk.ui.models.records_model import (
    MUTED,
    WARNING_AMBER,
    WARNING_RED,
    Column,
    RecordsModel,
)

# about now: repainted as time passes
ISSUE_AGE_COLUMN, ISSUE_REPLY_COLUMN, ISSUE_DEADLINE_COLUMN = 4, 5, 6
ISSUE_OPEN_BY_COLUMN = 9        # shown on a team database only


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _reply_tone(issue: IssueRecord):
    if issue.reply_due_at is None:
        return None
    return WARNING_RED if issue.reply_due_at < utc_now() else None


def _deadline_tone(issue: IssueRecord):
    deadline, moment = issue.next_deadline, utc_now()
    if deadline is None:
        return None
    return WARNING_RED if deadline.overdue(moment) else (
        WARNING_AMBER if deadline.soon(moment) else None)


def _next_deadline(issue: IssueRecord) -> str:
    deadline = issue.next_deadline
    return f"{deadline.short}: {deadline.left(utc_now())}" if deadline else "—"


def _closed_tone(issue: IssueRecord):
    return MUTED if issue.status in (IssueStatus.CLOSED, IssueStatus.RESOLVED) else None


ISSUE_COLUMNS: list[Column[IssueRecord]] = [
    Column("#", lambda i: str(i.issue_id), right=True),
    Column("Order", lambda i: i.order_id),
    Column("Issue", lambda i: i.summary, tip=lambda i: i.notes or i.summary),
    Column("Status", lambda i: i.status.label, tone=_closed_tone),
    Column("Age", lambda i: age(utc_now() - i.created_at),
           tip=lambda i: "Logged " + local_time(i.created_at), right=True),
    Column("Reply", lambda i: reply_clock(i.reply_due_at, utc_now()) or "—",
           tip=lambda i: ("Reply due " + local_time(i.reply_due_at)) if i.reply_due_at
           else "No buyer message waits for a reply", tone=_reply_tone),
    Column("Next deadline", _next_deadline, tone=_deadline_tone,
           tip=lambda i: (f"{i.next_deadline.label}, due {local_time(i.next_deadline.due)}"
                          if i.next_deadline else "No deadline runs on this issue")),
    Column("Assignee", lambda i: i.assignee or "—"),
    Column("Buyer's answer", lambda i: i.buyer_response.label),
]
assert [ISSUE_COLUMNS[n].header for n in (ISSUE_AGE_COLUMN, ISSUE_REPLY_COLUMN,
                                          ISSUE_DEADLINE_COLUMN)] == ["Age", "Reply",
                                                                      "Next deadline"]


class IssuesModel(RecordsModel[IssueRecord]):
    """The issues, and on a team database which of them colleagues have open: named in
    the last column, and the issue's number in amber where the eye starts."""

    def __init__(self, parent=None) -> None:
        self.taken: Mapping[int, list[Taken]] = {}
        number, *rest = ISSUE_COLUMNS
        super().__init__([
            replace(number, tip=self._open_tip, tone=self._open_tone), *rest,
            Column("Open by", lambda i: ", ".join(t.login for t in self.taken.get(i.issue_id, [])),
                   tip=self._open_tip, tone=self._open_tone)], parent)

    def _open_tip(self, issue: IssueRecord) -> str:
        return "; ".join(f"{t.login} has had it open since {local_time(t.since)}"
                         for t in self.taken.get(issue.issue_id, []))

    def _open_tone(self, issue: IssueRecord):
        return WARNING_AMBER if issue.issue_id in self.taken else None

    def set_issues(self, issues: Sequence[IssueRecord],
                   taken: Mapping[int, list[Taken]]) -> None:
        self.taken = taken
        self.set_records(issues)


def issues_model(parent=None) -> IssuesModel:
    return IssuesModel(parent)


def _what(line: LedgerLine) -> str:
    credit = line.credit
    if credit.reverses is not None:
        return f"Reverses credit {credit.reverses}"
    text = Remedy(credit.kind).label
    if credit.expires_on is not None:
        text += f" (code until {credit.expires_on.isoformat()})"
    return text


def _reversed_tone(line: LedgerLine):
    return MUTED if line.reversed_by is not None else None


LEDGER_COLUMNS: list[Column[LedgerLine]] = [
    Column("Credit", lambda ln: str(ln.credit.credit_id), right=True),
    Column("When", lambda ln: local_time(ln.credit.created_at)),
    Column("Order", lambda ln: ln.credit.order_id),
    Column("Issue", lambda ln: str(ln.credit.issue_id), right=True),
    Column("Kind", _what, tone=_reversed_tone,
           tip=lambda ln: f"Reversed by credit {ln.reversed_by}" if ln.reversed_by else ""),
    Column("Amount", lambda ln: ln.credit.amount.display(), right=True, tone=_reversed_tone),
    Column("Running total", lambda ln: ln.running_total.display(), right=True),
    Column("By", lambda ln: ln.credit.staff),
    Column("Approved by", lambda ln: ln.credit.approved_by or ""),
    Column("Amazon", lambda ln: ln.amazon,
           tip=lambda ln: (f"In {ln.sent.feed}, exported by {ln.sent.exported_by}"
                           if ln.sent else "")),
    Column("Reason", lambda ln: ln.credit.reason,
           tip=lambda ln: f"SHA-256 {ln.credit.entry_hash}"),
]


def ledger_model(parent=None) -> RecordsModel[LedgerLine]:
    return RecordsModel(LEDGER_COLUMNS, parent)


APPROVAL_COLUMNS: list[Column[PendingApproval]] = [
    Column("Request", lambda a: str(a.approval_id), right=True),
    Column("Asked", lambda a: local_time(a.requested_at)),
    Column("Order", lambda a: a.order_id),
    Column("Issue", lambda a: str(a.issue_id), right=True),
    Column("Kind", lambda a: a.kind.label),
    Column("Amount", lambda a: a.amount.display(), right=True),
    Column("Suggested", lambda a: a.suggested.display() if a.suggested else "—", right=True),
    Column("Asked by", lambda a: a.requested_by),
    Column("Reason", lambda a: a.reason or "(the suggested amount)",
           tip=lambda a: a.explanation),
]


def approvals_model(parent=None) -> RecordsModel[PendingApproval]:
    return RecordsModel(APPROVAL_COLUMNS, parent)
