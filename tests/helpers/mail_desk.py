"""The desk the mail sync tests read into: the lamp-and-mugs orders, the clock held just
after every sample mail's own time (amazon_mail.SENT_AT), and one sync of INBOX from the
session's Dovecot."""

from __future__ import annotations

from datetime import UTC, datetime

from sellerdesk.services.mail.sync import SyncReport, sync_folders

# After every sample mail's time, so a message is never "still to come".
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def sync(engine, dovecot, login: str, **options) -> SyncReport:
    """Read `login`'s INBOX into the desk, on a connection the test server hands out."""
    with dovecot.imap(login) as imap:
        return sync_folders(engine, imap, account=login, folders=("INBOX",), **options)
