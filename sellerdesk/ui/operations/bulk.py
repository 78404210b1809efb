"""Changes to several issues at once, from the Queue's and the Issues tab's selection:
assigned, given a status, a reply noted as sent. Each is one transaction in services
(nothing is written when one issue is refused), run off the GUI thread in turn with the
window's other writes. Quick work, so no progress strip: the view says what it did in
the status bar. Never money: no credit, approval or rejection is made in bulk."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sellerdesk.ui.operations.runner import Operations
from sellerdesk.ui.tasks import Task

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from sellerdesk.core.issues import IssueStatus
    from sellerdesk.services.follow_up import BulkOutcome

Done = Callable[["BulkOutcome"], object]
Failed = Callable[[Exception], object]


def _start(operations: Operations, what: str, issue_ids: list[int],
           change: Callable[[], BulkOutcome], done: Done, failed: Failed) -> Task:
    count = f"{len(issue_ids)} issue{'' if len(issue_ids) == 1 else 's'}"
    return operations.start(what.format(count=count), lambda _progress, _cancelled: change(),
                            done=done, failed=failed, report=False)


def assign_many(operations: Operations, engine: Engine, *, issue_ids: list[int],
                assignee: str, staff: str, done: Done, failed: Failed) -> Task:
    from sellerdesk.services.follow_up import assign_many as assign
    return _start(operations, "Assigning {count}", issue_ids, lambda: assign(
        engine, issue_ids=issue_ids, assignee=assignee, staff=staff), done, failed)


def set_status_many(operations: Operations, engine: Engine, *, issue_ids: list[int],
                    status: IssueStatus, staff: str, done: Done, failed: Failed) -> Task:
    from sellerdesk.services.follow_up import set_status_many as set_status
    return _start(operations, "Setting the status of {count}", issue_ids, lambda: set_status(
        engine, issue_ids=issue_ids, status=status, staff=staff), done, failed)


def note_sent_many(operations: Operations, engine: Engine, *, issue_ids: list[int],
                   text: str, staff: str, done: Done, failed: Failed) -> Task:
    from sellerdesk.services.follow_up import note_sent_many as note_sent
    return _start(operations, "Noting the replies on {count} as sent", issue_ids,
                  lambda: note_sent(engine, issue_ids=issue_ids, text=text, staff=staff),
                  done, failed)
