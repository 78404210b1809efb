"""Buyer messages arrive by themselves while the window is open: a thread of its own waits
on the mailbox (services.mail.idle: IMAP IDLE, else NOOP polling) and says when mail
arrived — and every few minutes anyway, as a poll — so the window fetches it through its
operations, one write at a time. The wait only reads the network: nothing here writes to
the desk.

A connection that fails is tried again after 5 s, 10 s, 20 s… up to 5 minutes, each fault
said once in a sentence (never a message box: the window shows it in its status bar).
Closing the window stops the wait within a quarter of a second (the wait polls for it)
and joins the thread, as Operations waits for its task."""

from __future__ import annotations

import imaplib
import threading
from contextlib import suppress
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from sellerdesk.core.errors import KnownError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from sellerdesk.services.mail.account import MailAccount
    from sellerdesk.services.mail.connection import Secret

# The longest wait before a fetch anyway: under the team's fetch lease (5 minutes, renewed
# by each fetch), so the desk that fetches keeps it; and the other watched folders, which
# are not waited on, are read at least this often.
POLL_EVERY_S = 240.0
FIRST_RETRY_S = 5.0
LAST_RETRY_S = 300.0


class MailWatch(QObject):
    mail_waiting = Signal(bool)   # fetch now: True when the server said mail arrived
    trouble = Signal(str)         # the wait failed, in one sentence; it tries again

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._renew = threading.Event()     # the account changed: sign in afresh

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self) -> None:
        """Watch the connected mailbox (or, already watching, sign in afresh: Settings ›
        Mail changed it)."""
        if self.running:
            self._renew.set()
            return
        self._stop.clear()
        self._renew.clear()
        # A daemon only as a safety net: stop() joins it, and the window always calls it.
        self.thread = threading.Thread(target=self._run, name="SellerDesk mail watch",
                                       daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop waiting and wait for the thread to end (within a quarter of a second while
        it waits on the server; a sign-in under way ends within its 10 s timeout)."""
        self._stop.set()
        if self.thread is not None:
            self.thread.join()
            self.thread = None

    # -- the thread ------------------------------------------------------------------------
    def _cancelled(self) -> bool:
        return self._stop.is_set() or self._renew.is_set()

    def _run(self) -> None:
        from sellerdesk.services.mail.account import mail_account
        from sellerdesk.services.mail.connection import desk_secret
        from sellerdesk.services.mail.idle import FolderMark, wait_for_mail
        retry = FIRST_RETRY_S
        signed_in: tuple[MailAccount, Secret] | None = None
        mark = FolderMark()
        first = True
        while not self._stop.is_set():
            if self._renew.is_set():
                self._renew.clear()
                signed_in, mark, first = None, FolderMark(), True
            try:
                account = mail_account(self.engine)
                if account is None:        # disconnected: wait until connected again
                    signed_in = None
                    self._pause(POLL_EVERY_S)
                    continue
                if signed_in is None or signed_in[0] != account:
                    # Kept between waits: an OAuth access token is renewed only when due.
                    signed_in, mark, first = (account, desk_secret(self.engine, account)), \
                        FolderMark(), True
                # The first wait only marks where the folder is, then the window fetches
                # what came while it was closed: a mail arriving in between is seen by the
                # next wait, which finds the folder grown past the mark.
                arrived = wait_for_mail(account, signed_in[1], account.folders[0],
                                        timeout=0 if first else POLL_EVERY_S,
                                        cancelled=self._cancelled, mark=mark)
            except KnownError as exc:
                said = str(exc)
            except (imaplib.IMAP4.error, OSError, EOFError) as exc:
                said = f"The connection to the mail server was lost ({type(exc).__name__})."
            else:
                first, retry = False, FIRST_RETRY_S
                if not self._cancelled():
                    self._say(self.mail_waiting, arrived)
                continue
            if self._stop.is_set():
                break
            self._say(self.trouble, f"{said} Trying again in {retry:.0f} s.")
            signed_in = None          # sign in afresh: the password may have been changed
            self._pause(retry)
            retry = min(retry * 2, LAST_RETRY_S)

    def _pause(self, seconds: float) -> None:
        """Wait, unless stopped or renewed first."""
        step = 0.25
        waited = 0.0
        while waited < seconds and not self._cancelled():
            self._stop.wait(step)
            waited += step

    def _say(self, signal, value) -> None:
        with suppress(RuntimeError):   # the window went as the wait ended: nobody hears
            signal.emit(value)
