"""The work queue as a table: When | What | Order | Issue | Assignee. The When column
says the clock in words, so an overdue row reads as overdue without its colour."""

from __future__ import annotations

from sellerdesk.services.clock import now
from sellerdesk.services.queue import QueueItem
from sellerdesk.ui.formatting import local_time
from sellerdesk.ui.models.records_model import WARNING_AMBER, WARNING_RED, Column, RecordsModel

WHEN_COLUMN = 0       # about now: repainted as time passes


def _when(item: QueueItem) -> str:
    return item.left_text(now()) or "—"


def _when_tip(item: QueueItem) -> str:
    return f"Due {local_time(item.due_at)}" if item.due_at else "No clock runs on this"


def _when_tone(item: QueueItem):
    moment = now()
    return WARNING_RED if item.overdue(moment) else (
        WARNING_AMBER if item.urgent(moment) else None)


def _issue(item: QueueItem) -> str:
    if item.approval_id is not None:
        return f"{item.issue_id} (request {item.approval_id})"
    if item.credit_id is not None:
        return f"{item.issue_id} (credit {item.credit_id})"
    return str(item.issue_id) if item.issue_id is not None else ""


def queue_identity(item: QueueItem) -> tuple:
    """An item is its issue, approval request, lapsing credit or budget line (its words
    change)."""
    return (item.issue_id, item.approval_id, item.credit_id, item.budget_line)


QUEUE_COLUMNS: list[Column[QueueItem]] = [
    Column("When", _when, tip=_when_tip, tone=_when_tone, key=lambda i: i.due_at),
    Column("What", lambda i: i.described, tip=lambda i: "\n".join((i.what, *i.also))),
    Column("Order", lambda i: i.order_id),
    Column("Issue", _issue, key=lambda i: None if i.issue_id is None else (
        i.issue_id, i.approval_id or 0, i.credit_id or 0)),
    Column("Assignee", lambda i: i.assignee or "—"),
]


def queue_model(parent=None) -> RecordsModel[QueueItem]:
    return RecordsModel(QUEUE_COLUMNS, parent, identity=queue_identity)
