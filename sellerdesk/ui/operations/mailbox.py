"""Fetching the desk's mailbox (services.mail.sync) as one of the window's writes.

A fetch the mail watch starts runs unseen, like housekeeping: a few mails take a moment,
and a progress strip with Cancel flashing every few minutes would only distract. The
first read of a watched folder (a mailbox of years, thousands of mails) and a fetch
somebody asked for (File › Fetch mail now) are shown with their progress and Cancel, as a
sync with Amazon is."""

from __future__ import annotations

import imaplib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sellerdesk.ui.operations.runner import Operations
from sellerdesk.ui.tasks import Task

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def first_read(engine: Engine) -> bool:
    """Whether a watched folder of the connected mailbox was never read into the desk."""
    from sellerdesk.services.mail.account import mail_account
    from sellerdesk.store import mail as mail_store
    from sellerdesk.store.engine import reading
    account = mail_account(engine)
    if account is None:
        return False
    with reading(engine) as conn:
        return any(mail_store.folder_state(conn, account=account.login, folder=folder) is None
                   for folder in account.folders)


def fetch_mail(operations: Operations, engine: Engine, *, shown: bool,
               done: Callable[[Any], object], failed: Callable[[Exception], object]) -> Task:
    from sellerdesk.services.mail.account import MailError
    from sellerdesk.services.mail.sync import sync_mailbox

    def work(progress, cancelled):
        try:
            return sync_mailbox(engine, progress=progress, cancelled=cancelled)
        except (imaplib.IMAP4.error, EOFError) as exc:
            # An answer imaplib could not take (a BAD, a broken line): the server's fault,
            # said in a sentence rather than taken for a bug of the desk's.
            raise MailError(f"The mail server answered something SellerDesk could not read "
                            f"({type(exc).__name__}: {exc}); the next fetch tries again.") \
                from None
    return operations.start("Fetching mail…", work, shown=shown, done=done, failed=failed,
                            report=False)
