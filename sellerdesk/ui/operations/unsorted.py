"""What a person does with a mail in Unsorted: attach it to an order (it goes on the
order's open issue, or opens one, with the reply clock from the mail's own time), or set
it aside. Each one transaction in services.mail.inbox, run off the GUI thread in turn
with the window's other writes. Quick work: the Unsorted view says what it did."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sellerdesk.ui.operations.runner import Operations
from sellerdesk.ui.tasks import Task

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

Failed = Callable[[Exception], object]


def attach_mail(operations: Operations, engine: Engine, *, mail_id: int, order_id: str,
                staff: str, done: Callable[[int], object], failed: Failed) -> Task:
    """`done` hears the id of the issue the mail went on."""
    from sellerdesk.services.mail.inbox import attach_to_order
    return operations.start(
        f"Attaching mail {mail_id} to order {order_id.strip()}",
        lambda _progress, _cancelled: attach_to_order(engine, mail_id=mail_id,
                                                      order_id=order_id, staff=staff),
        done=done, failed=failed, report=False)


def set_mail_aside(operations: Operations, engine: Engine, *, mail_id: int, staff: str,
                   done: Callable[[object], object], failed: Failed) -> Task:
    from sellerdesk.services.mail.inbox import set_aside
    return operations.start(
        f"Setting mail {mail_id} aside",
        lambda _progress, _cancelled: set_aside(engine, mail_id=mail_id, staff=staff),
        done=done, failed=failed, report=False)
