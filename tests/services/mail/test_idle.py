"""Waiting for new mail with IMAP IDLE (services/mail/idle.py) on the session's real
Dovecot: a mail delivered during the wait ends it at once, a cancel ends it within a
fraction of a second, and a mail that arrived between two waits is not missed."""

import threading
import time

from sellerdesk.services.mail.idle import FolderMark, wait_for_mail
from tests.helpers import amazon_mail
from tests.helpers.stored_orders import ORDER


class Waiting:
    """A wait run in a thread; `idling` is set the first time the wait asks whether it is
    cancelled, which it does only once the server has accepted IDLE."""

    def __init__(self, mail_account, password, *, mark=None, timeout=60.0):
        self.idling, self.stop = threading.Event(), threading.Event()
        self.result: list[object] = []

        def cancelled() -> bool:
            self.idling.set()
            return self.stop.is_set()

        def run() -> None:
            try:
                self.result.append(wait_for_mail(mail_account, password, "INBOX",
                                                 timeout=timeout, cancelled=cancelled,
                                                 mark=mark))
            except Exception as exc:        # handed to the test, which fails on it
                self.result.append(exc)
        self.thread = threading.Thread(target=run)
        self.thread.start()

    def outcome(self, within: float) -> object:
        self.thread.join(within)
        assert not self.thread.is_alive(), "the wait did not end"
        return self.result[0]


def test_a_mail_delivered_during_the_wait_ends_it_at_once(dovecot, mail_user, mail_account):
    waiting = Waiting(mail_account, mail_user.password)
    assert waiting.idling.wait(30)
    started = time.monotonic()
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(ORDER))
    assert waiting.outcome(within=30) is True
    assert time.monotonic() - started < 5          # the "≤ 5 s" for IDLE


def test_a_cancel_ends_the_wait_promptly_with_nothing_new(dovecot, mail_user, mail_account):
    waiting = Waiting(mail_account, mail_user.password)
    assert waiting.idling.wait(30)
    started = time.monotonic()
    waiting.stop.set()
    assert waiting.outcome(within=10) is False
    assert time.monotonic() - started < 2


def test_the_time_running_out_ends_the_wait_with_nothing_new(dovecot, mail_user,
                                                             mail_account):
    assert wait_for_mail(mail_account, mail_user.password, timeout=0.5,
                         cancelled=lambda: False) is False


def test_a_mail_that_came_between_two_waits_ends_the_next_at_once(dovecot, mail_user,
                                                                  mail_account):
    mark = FolderMark()
    assert wait_for_mail(mail_account, mail_user.password, timeout=0.3,
                         cancelled=lambda: False, mark=mark) is False
    assert mark.uidnext is not None
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(ORDER))
    # Delivered while nobody waited: the next wait sees the folder grew, before any IDLE.
    waiting = Waiting(mail_account, mail_user.password, mark=mark)
    assert waiting.outcome(within=30) is True
    assert not waiting.idling.is_set()
    # …and, the mark moved on, the wait after it waits again.
    assert wait_for_mail(mail_account, mail_user.password, timeout=0.3,
                         cancelled=lambda: False, mark=mark) is False
