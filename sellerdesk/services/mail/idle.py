"""Waiting for the seller's mailbox to say new mail arrived, so the window fetches it
within seconds rather than at the next poll: IMAP IDLE (RFC 2177) where the server offers
it, else a NOOP every little while (RFC 3501 says a server reports new mail in answer to
any command).

Python 3.11's imaplib has no idle(): the tagged IDLE is sent on the connection's socket
here, and the server's untagged lines read straight from the socket in small waits, so a
`cancelled()` asked for (the window closing) ends the wait within a fraction of a second.

A mail that arrives between two waits is not missed: each wait remembers the folder's
UIDNEXT when it ends (FolderMark), and the next one, finding it grown when it selects the
folder, returns at once."""

from __future__ import annotations

import imaplib
import re
import select
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass

from sellerdesk.services.mail.account import MailAccount, MailError
from sellerdesk.services.mail.connection import Secret, open_imap, quoted

# How often a wait looks at `cancelled()`: the window's close waits at most this long.
POLL = 0.25
# Without IDLE, how often the server is asked (NOOP) whether anything arrived.
NOOP_EVERY = 20.0
# Signing in while the window waits to close: shorter than a fetch's 30 s.
CONNECT_TIMEOUT = 10.0
# After DONE, how long the server has to finish the IDLE command.
DONE_TIMEOUT = 5.0

# "* 4 EXISTS" says the folder grew; "* 0 RECENT" (after an expunge) says nothing new.
_NEWS = re.compile(rb"^\* (?:\d+ EXISTS|[1-9]\d* RECENT)\b", re.IGNORECASE)


@dataclass
class FolderMark:
    """What the last wait saw of the folder: the next UID the server will give (or, on a
    server without UIDNEXT, how many mails it held)."""
    uidnext: int | None = None
    exists: int | None = None


def wait_for_mail(account: MailAccount, secret: Secret, folder: str = "INBOX", *,
                  timeout: float, cancelled: Callable[[], bool],
                  mark: FolderMark | None = None) -> bool:
    """Wait up to `timeout` seconds for new mail in `folder`: True as soon as the server
    says a mail arrived (or, with `mark`, that one arrived since the last wait), False
    when the time is up or `cancelled()`. Raises MailError when the mailbox cannot be
    signed in to or the folder opened; imaplib's errors and OSError when the connection
    breaks during the wait."""
    deadline = time.monotonic() + timeout
    imap = open_imap(account, secret, timeout=CONNECT_TIMEOUT)
    try:
        status, data = imap.select(quoted(folder), readonly=True)
        if status != "OK":
            raise MailError(f"The folder “{folder}” is not in the mailbox {account.login} at "
                            f"{account.imap_host}: choose the folders to watch in Settings › "
                            "Mail.")
        exists = _number(data[0] if data else None)
        uidnext = _number(imap.response("UIDNEXT")[1][0])
        if mark is not None and _grown(mark, uidnext, exists):
            _remember(mark, uidnext, exists)
            return True
        if "IDLE" in _capabilities(imap):
            arrived = _idle(imap, deadline, cancelled)
        else:
            arrived = _noop_until(imap, deadline, cancelled, exists)
        if mark is not None:
            _remember(mark, *_folder_now(imap, folder, uidnext, exists))
        return arrived
    finally:
        with suppress(OSError, imaplib.IMAP4.error, EOFError):
            imap.logout()


def _number(value: object) -> int | None:
    if isinstance(value, bytes) and value.strip().isdigit():
        return int(value)
    return None


def _grown(mark: FolderMark, uidnext: int | None, exists: int | None) -> bool:
    if mark.uidnext is not None and uidnext is not None:
        return uidnext > mark.uidnext
    return mark.exists is not None and exists is not None and exists > mark.exists


def _remember(mark: FolderMark, uidnext: int | None, exists: int | None) -> None:
    mark.uidnext, mark.exists = uidnext, exists


def _capabilities(imap: imaplib.IMAP4) -> set[str]:
    """What the server offers once signed in (some add IDLE only after the login)."""
    status, data = imap.capability()
    if status == "OK" and data and isinstance(data[-1], bytes):
        return {word.upper() for word in data[-1].decode("ascii", "replace").split()}
    return {str(c).upper() for c in imap.capabilities}


def _folder_now(imap: imaplib.IMAP4, folder: str, uidnext: int | None,
                exists: int | None) -> tuple[int | None, int | None]:
    """The folder's UIDNEXT and size as the wait ends (what arrived during it included)."""
    with suppress(imaplib.IMAP4.error):
        status, data = imap.status(quoted(folder), "(UIDNEXT MESSAGES)")
        if status == "OK" and data and isinstance(data[0], bytes):
            said = dict(re.findall(rb"(UIDNEXT|MESSAGES) (\d+)", data[0]))
            return (int(said[b"UIDNEXT"]) if b"UIDNEXT" in said else uidnext,
                    int(said[b"MESSAGES"]) if b"MESSAGES" in said else exists)
    return uidnext, exists


class _Lines:
    """Lines from the signed-in socket, read only when it has something (select, and the
    TLS layer's own buffer), so a wait never blocks longer than POLL."""

    def __init__(self, imap: imaplib.IMAP4) -> None:
        self.sock = imap.sock
        self.buffer = b""

    def next(self, deadline: float, cancelled: Callable[[], bool] = lambda: False
             ) -> bytes | None:
        """The next whole line, or None once the deadline passed or `cancelled()`."""
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or cancelled():
                return None
            pending = getattr(self.sock, "pending", lambda: 0)()
            if not pending and not select.select([self.sock], [], [], min(POLL, left))[0]:
                continue
            chunk = self.sock.recv(65536)
            if not chunk:
                raise imaplib.IMAP4.abort("the server closed the connection")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line + b"\n"


def _idle(imap: imaplib.IMAP4, deadline: float, cancelled: Callable[[], bool]) -> bool:
    # A tag of our own: imaplib does not know of this command, and never reads its answer.
    tag = b"SDIDLE"
    imap.send(tag + b" IDLE\r\n")
    lines = _Lines(imap)
    first = lines.next(time.monotonic() + CONNECT_TIMEOUT)
    if first is None or not first.startswith(b"+"):
        raise imaplib.IMAP4.error(f"the server refused IDLE ({(first or b'').strip()!r})")
    arrived = False
    while not arrived:
        line = lines.next(deadline, cancelled)
        if line is None:
            break
        arrived = _NEWS.match(line) is not None
    imap.send(b"DONE\r\n")
    end = time.monotonic() + DONE_TIMEOUT
    while (line := lines.next(end)) is not None:
        if line.startswith(tag + b" "):
            return arrived
    raise imaplib.IMAP4.abort("the server did not end IDLE after DONE")


def _noop_until(imap: imaplib.IMAP4, deadline: float, cancelled: Callable[[], bool],
                exists: int | None) -> bool:
    """A server without IDLE: ask every NOOP_EVERY seconds whether the folder grew."""
    while True:
        ask_at = min(deadline, time.monotonic() + NOOP_EVERY)
        while time.monotonic() < ask_at:
            if cancelled():
                return False
            time.sleep(min(POLL, max(0.0, ask_at - time.monotonic())))
        imap.noop()
        now_exists = _number((imap.response("EXISTS")[1] or [None])[-1])
        recent = _number((imap.response("RECENT")[1] or [None])[-1])
        if (now_exists is not None and exists is not None and now_exists > exists) or recent:
            return True
        if time.monotonic() >= deadline:
            return False
