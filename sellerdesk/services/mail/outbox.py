"""A reply on its way out: checked by the guard in the buyer's language, then sent through
the desk's mailbox. The window asks its own questions about warnings (and sends with
`send_checked`); the command line sends warnings only with --anyway."""

from __future__ import annotations

import imaplib
import smtplib
from contextlib import suppress
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import KnownError
from sellerdesk.core.reply_guard import GuardResult, check_reply
from sellerdesk.core.reply_languages import reply_language
from sellerdesk.services.follow_up import draft_reply_for
from sellerdesk.services.issues import issue_record
from sellerdesk.services.mail.account import MailError, mail_account
from sellerdesk.services.mail.connection import desk_secret, open_imap, open_smtp
from sellerdesk.services.mail.send import Sent, last_buyer_mail, send_reply
from sellerdesk.store.engine import reading
from sellerdesk.store.orders import get_order


class ReplyHeld(KnownError):
    """A reply the guard stops (refused wording), or one with warnings not confirmed."""


@dataclass(frozen=True, slots=True)
class SendOutcome:
    sent: Sent
    language: str
    warnings: tuple[str, ...]

    def summary(self) -> str:
        copy = (f" A copy is in {self.sent.to_folder}." if self.sent.to_folder
                else f" {self.sent.note.capitalize()}." if self.sent.note else "")
        return (f"Reply sent by e-mail (mail {self.sent.mail_id}); the 24-hour clock "
                f"stopped.{copy}")


def reply_checks(engine: Engine, issue_id: int, text: str) -> tuple[str, str, GuardResult]:
    """The buyer's marketplace, its reply language, and what the guard says of `text`."""
    with reading(engine) as conn:
        issue = issue_record(conn, issue_id)
        order = get_order(conn, order_id=issue.order_id)
    marketplace = order.marketplace if order is not None else "US"
    language = reply_language(marketplace)
    return marketplace, language, check_reply(text, language, marketplace=marketplace)


def can_send_by_mail(engine: Engine, issue_id: int) -> bool:
    """Whether a reply on the issue can go by mail: a mailbox is connected and the issue
    has a buyer's mail whose relay address the reply goes to."""
    return mail_account(engine) is not None and last_buyer_mail(engine, issue_id) is not None


def send_checked(engine: Engine, *, issue_id: int, text: str,
                 staff: str | None = None) -> Sent:
    """Send a reply the guard refuses nothing in (its warnings were shown and confirmed);
    raises MailError with one sentence when the mailbox or the server says no."""
    _marketplace, _language, checks = reply_checks(engine, issue_id, text)
    if checks.refusals:
        first = checks.refusals[0]
        raise ReplyHeld(f"line {first.line}: “{first.sentence}” — {first.why}")
    account = mail_account(engine)
    if account is None:
        raise MailError("No mailbox is connected: connect one in Settings › Mail, or copy "
                        "the reply into Buyer-Seller Messaging.")
    secret = desk_secret(engine, account)
    # Not `with open_smtp(…)`: its exit raises when the server answers QUIT with anything
    # but 221 — after the reply was taken and the clock stopped, which the dialog would
    # then call "not sent", inviting a second send.
    smtp = open_smtp(account, secret)
    try:
        try:
            imap = open_imap(account, secret)
        except MailError:
            imap = None               # the reply still goes; only the Sent copy is missed
        try:
            return send_reply(engine, issue_id=issue_id, text=text, account=account, smtp=smtp,
                              imap=imap, staff=staff)
        finally:
            if imap is not None:
                with suppress(imaplib.IMAP4.error, OSError):   # the copy's, no news
                    imap.logout()
    finally:
        with suppress(smtplib.SMTPException, OSError):
            smtp.quit()


def reply_and_send(engine: Engine, *, issue_id: int, text: str | None = None,
                   staff: str | None = None, anyway: bool = False) -> SendOutcome:
    """The command line's send: the drafted reply unless `text` is given; warnings hold
    it back unless `anyway`."""
    if text is None:
        text = draft_reply_for(engine, issue_id, staff=staff or "")
    _marketplace, language, checks = reply_checks(engine, issue_id, text)
    if checks.warnings and not anyway and not checks.refusals:
        raise ReplyHeld("not sent: " + " ".join(w.why for w in checks.warnings)
                        + " (send with --anyway if that is what you mean)")
    sent = send_checked(engine, issue_id=issue_id, text=text, staff=staff)
    return SendOutcome(sent, language, tuple(w.why for w in checks.warnings))
