"""The work tabs' tables as columns over records: issues, the ledger, approval requests.
Each column that shows a number, an amount or a moment sorts by it (its `key`); the
clocks ("2 h left", "3 d") by the moment behind the words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sellerdesk.core.durations import age, reply_clock
from sellerdesk.core.issues import IssueStatus, Remedy
from sellerdesk.core.money import Money
from sellerdesk.services.claims import Taken
from sellerdesk.services.credits import PendingApproval
from sellerdesk.services.follow_up import IssueRow
from sellerdesk.services.ledger import LedgerLine
from sellerdesk.ui.formatting import local_time
from sellerdesk.ui.models.records_model import (
    MUTED,
    WARNING_AMBER,
    WARNING_RED,
    Column,
    RecordsModel,
)

# about now: repainted as time passes. The age stands after the clocks: at 1366×768, in
# the Issues tab's split, the columns up to the next deadline fit beside the issue pane.
ISSUE_REPLY_COLUMN, ISSUE_DEADLINE_COLUMN, ISSUE_AGE_COLUMN = 4, 5, 6
ISSUE_OPEN_BY_COLUMN = 9        # shown on a team database only


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def money_key(amount: Money | None) -> tuple | None:
    """Amounts of one currency together, then by size."""
    return (amount.currency, amount.amount) if amount is not None else None


def later_first(moment: datetime) -> timedelta:
    """An age's sort key: the later the moment, the younger, the smaller."""
    return datetime.max - moment


_STATUS_ORDER = {status: number for number, status in enumerate(IssueStatus)}


def _reply_tone(row: IssueRow):
    due = row.issue.reply_due_at
    if due is None:
        return None
    return WARNING_RED if due < utc_now() else None


def _deadline_tone(row: IssueRow):
    deadline, moment = row.next_deadline, utc_now()
    if deadline is None:
        return None
    return WARNING_RED if deadline.overdue(moment) else (
        WARNING_AMBER if deadline.soon(moment) else None)


def _next_deadline(row: IssueRow) -> str:
    deadline = row.next_deadline
    return f"{deadline.short}: {deadline.left(utc_now())}" if deadline else "—"


def _closed_tone(row: IssueRow):
    return MUTED if row.issue.status in (IssueStatus.CLOSED, IssueStatus.RESOLVED) else None


def _reply_tip(row: IssueRow) -> str:
    due = row.issue.reply_due_at
    return ("Reply due " + local_time(due)) if due else "No buyer message waits for a reply"


def _deadline_tip(row: IssueRow) -> str:
    deadline = row.next_deadline
    return (f"{deadline.label}, due {local_time(deadline.due)}" if deadline
            else "No deadline runs on this issue")


ISSUE_COLUMNS: list[Column[IssueRow]] = [
    Column("#", lambda r: str(r.issue.issue_id), right=True, key=lambda r: r.issue.issue_id),
    Column("Order", lambda r: r.issue.order_id),
    Column("Issue", lambda r: r.issue.summary, tip=lambda r: r.issue.notes or r.issue.summary),
    Column("Status", lambda r: r.issue.status.label, tone=_closed_tone,
           key=lambda r: _STATUS_ORDER[r.issue.status]),     # as an issue moves through
    Column("Reply", lambda r: reply_clock(r.issue.reply_due_at, utc_now()) or "—",
           tip=_reply_tip, tone=_reply_tone, key=lambda r: r.issue.reply_due_at),
    Column("Next deadline", _next_deadline, tone=_deadline_tone, tip=_deadline_tip,
           key=lambda r: r.next_deadline.due if r.next_deadline else None),
    Column("Age", lambda r: age(utc_now() - r.issue.created_at),
           tip=lambda r: "Logged " + local_time(r.issue.created_at), right=True,
           key=lambda r: later_first(r.issue.created_at)),
    Column("Assignee", lambda r: r.issue.assignee or "—"),
    Column("Buyer's answer", lambda r: r.issue.buyer_response.label),
]
assert [ISSUE_COLUMNS[n].header for n in (ISSUE_AGE_COLUMN, ISSUE_REPLY_COLUMN,
                                          ISSUE_DEADLINE_COLUMN)] == ["Age", "Reply",
                                                                      "Next deadline"]


class IssuesModel(RecordsModel[IssueRow]):
    """The issues, and on a team database which of them colleagues have open: named in
    the last column, and the issue's number in amber where the eye starts."""

    def __init__(self, parent=None) -> None:
        self.taken: Mapping[int, list[Taken]] = {}
        number, *rest = ISSUE_COLUMNS
        super().__init__([
            replace(number, tip=self._open_tip, tone=self._open_tone), *rest,
            Column("Open by",
                   lambda r: ", ".join(t.login for t in self.taken.get(r.issue.issue_id, [])),
                   tip=self._open_tip, tone=self._open_tone)], parent,
            identity=lambda r: r.issue.issue_id)

    def _open_tip(self, row: IssueRow) -> str:
        return "; ".join(f"{t.login} has had it open since {local_time(t.since)}"
                         for t in self.taken.get(row.issue.issue_id, []))

    def _open_tone(self, row: IssueRow):
        return WARNING_AMBER if row.issue.issue_id in self.taken else None

    def set_issues(self, rows: Sequence[IssueRow], taken: Mapping[int, list[Taken]]) -> None:
        self.taken = taken
        self.set_records(rows)


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
    Column("Credit", lambda ln: str(ln.credit.credit_id), right=True,
           key=lambda ln: ln.credit.credit_id),
    Column("When", lambda ln: local_time(ln.credit.created_at),
           key=lambda ln: ln.credit.created_at),
    Column("Order", lambda ln: ln.credit.order_id),
    Column("Issue", lambda ln: str(ln.credit.issue_id), right=True,
           key=lambda ln: ln.credit.issue_id),
    Column("Kind", _what, tone=_reversed_tone,
           tip=lambda ln: f"Reversed by credit {ln.reversed_by}" if ln.reversed_by else ""),
    Column("Amount", lambda ln: ln.credit.amount.display(), right=True, tone=_reversed_tone,
           key=lambda ln: money_key(ln.credit.amount)),
    Column("Running total", lambda ln: ln.running_total.display(), right=True,
           key=lambda ln: money_key(ln.running_total)),
    Column("By", lambda ln: ln.credit.staff),
    Column("Approved by", lambda ln: ln.credit.approved_by or ""),
    Column("Amazon", lambda ln: ln.amazon,
           tip=lambda ln: (f"In {ln.sent.feed}, exported by {ln.sent.exported_by}"
                           if ln.sent else "")),
    Column("Reason", lambda ln: ln.credit.reason,
           tip=lambda ln: f"SHA-256 {ln.credit.entry_hash}"),
]


def ledger_model(parent=None) -> RecordsModel[LedgerLine]:
    return RecordsModel(LEDGER_COLUMNS, parent, identity=lambda ln: ln.credit.credit_id)


APPROVAL_COLUMNS: list[Column[PendingApproval]] = [
    Column("Request", lambda a: str(a.approval_id), right=True, key=lambda a: a.approval_id),
    Column("Asked", lambda a: local_time(a.requested_at), key=lambda a: a.requested_at),
    Column("Order", lambda a: a.order_id),
    Column("Issue", lambda a: str(a.issue_id), right=True, key=lambda a: a.issue_id),
    Column("Kind", lambda a: a.kind.label),
    Column("Amount", lambda a: a.amount.display(), right=True,
           key=lambda a: money_key(a.amount)),
    Column("Suggested", lambda a: a.suggested.display() if a.suggested else "—", right=True,
           key=lambda a: money_key(a.suggested)),
    Column("Asked by", lambda a: a.requested_by),
    Column("Reason", lambda a: a.reason or "(the suggested amount)",
           tip=lambda a: a.explanation),
]


def approvals_model(parent=None) -> RecordsModel[PendingApproval]:
    return RecordsModel(APPROVAL_COLUMNS, parent, identity=lambda a: a.approval_id)
