"""Sending the reply from the desk: by SMTP to the buyer's relay address (Amazon passes it
on through Buyer-Seller Messaging), threaded under the buyer's last mail.

The order of things is what keeps the clock honest:
1. the reply is recorded as `sending` (so a crash leaves a trace, never a silent gap);
2. the server is asked to take it;
3. only when it has, one transaction records it `sent` and stops the 24-hour clock;
4. a copy goes to the Sent folder (a failure there is noted, not a failed send).
A send the server refuses is recorded `failed` with the reason and raises MailError: the
dialog keeps the draft, and the clock runs on."""

from __future__ import annotations

import imaplib
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy.engine import Engine

from sellerdesk.core.sealing import SealBroken, cell, seal, unseal
from sellerdesk.services.at_desk import DeskError, at_desk_or_add_first_owner
from sellerdesk.services.clock import now
from sellerdesk.services.follow_up import reply_sent
from sellerdesk.services.mail.account import MailAccount, MailError
from sellerdesk.services.mail.connection import quoted
from sellerdesk.services.protection import data_keys
from sellerdesk.store import mail as mail_store
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.mail import MailRow


@dataclass(frozen=True, slots=True)
class Sent:
    mail_id: int
    message_id: str
    to_folder: str          # "" when the copy for the Sent folder failed
    note: str               # why there is no copy in Sent


def _opened(keys: data_keys.KeySet, row: MailRow, column: str) -> str:
    sealed = getattr(row, f"sealed_{column}")
    if sealed is None:
        return ""
    return unseal(keys.keys, cell("mail_message", column, row.message_id), sealed,
                  what=f"mail {row.id}'s {column}")


def last_buyer_mail(engine: Engine, issue_id: int) -> MailRow | None:
    """The buyer's latest mail on the issue: the reply goes to its relay address."""
    with reading(engine) as conn:
        rows = [r for r in mail_store.on_issues(conn, issue_ids=[issue_id])
                if r.direction == "in" and r.kind == "buyer_message" and r.purged_at is None]
    return rows[-1] if rows else None


def _relay_address(keys: data_keys.KeySet, row: MailRow) -> str:
    sender = _opened(keys, row, "sender")
    return sender.rsplit("<", 1)[-1].rstrip(">").strip()


def compose(account: MailAccount, *, to: str, subject: str, text: str,
            replying_to: MailRow | None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = account.address
    message["To"] = to
    message["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    message["Date"] = format_datetime(now().replace(tzinfo=UTC))
    domain = account.address.rsplit("@", 1)[-1] or "sellerdesk.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    if replying_to is not None:
        parent = f"<{replying_to.message_id}>"
        message["In-Reply-To"] = parent
        # RFC 5322 §3.6.4: the parent's References, else its In-Reply-To, then the parent.
        chain = replying_to.thread.split() or ([replying_to.in_reply_to]
                                               if replying_to.in_reply_to else [])
        earlier = " ".join(f"<{ref}>" for ref in chain if ref)
        message["References"] = f"{earlier} {parent}".strip()
    message.set_content(text)
    return message


def send_reply(engine: Engine, *, issue_id: int, text: str, account: MailAccount,
               smtp: smtplib.SMTP, imap: imaplib.IMAP4 | None = None,
               staff: str | None = None) -> Sent:
    """Send `text` as the reply on the issue through the signed-in `smtp`; with `imap`,
    a copy goes to the account's Sent folder."""
    text = text.strip()
    if not text:
        raise DeskError("the reply is empty")
    keys = data_keys.ensure_key_set(engine)
    parent = last_buyer_mail(engine, issue_id)
    if parent is None:
        raise MailError(f"issue {issue_id} has no buyer's mail to answer: copy the reply "
                        "into Buyer-Seller Messaging instead")
    try:
        to = _relay_address(keys, parent)
        subject = _opened(keys, parent, "subject") or f"Your order {parent.order_id}"
    except SealBroken as exc:
        raise MailError(str(exc)) from None
    message = compose(account, to=to, subject=subject, text=text, replying_to=parent)
    message_id = message["Message-ID"].strip("<>")
    with writing(engine) as conn:
        member = at_desk_or_add_first_owner(conn, staff)
        mail_id = mail_store.add_message(
            conn, message_id=message_id, direction="out", kind="reply",
            account=account.login, folder="", written_at=now(), fetched_at=now(),
            order_id=parent.order_id, issue_id=issue_id, marketplace=parent.marketplace,
            in_reply_to=parent.message_id, thread=f"{parent.thread} {parent.message_id}".strip(),
            trusted=True, note="", state="sending", by=member.name, attachments=0,
            key_id=keys.current,
            sealed_subject=seal(keys.keys[keys.current], keys.current,
                                cell("mail_message", "subject", message_id), message["Subject"]),
            sealed_sender=seal(keys.keys[keys.current], keys.current,
                               cell("mail_message", "sender", message_id), f"<{to}>"),
            sealed_body=seal(keys.keys[keys.current], keys.current,
                             cell("mail_message", "body", message_id), text))
    try:
        smtp.send_message(message)
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        why = _refusal(exc, account)
        with writing(engine) as conn:
            mail_store.update_message(conn, mail_id=mail_id, state="failed", note=why[:500])
        raise MailError(why) from None
    with writing(engine) as conn:
        mail_store.update_message(conn, mail_id=mail_id, state="sent")
        reply_sent(conn, issue_id, member.name, now(), f"Sent by e-mail (mail {mail_id})")
    copied, note = _keep_copy(imap, account, message)
    if note:
        with writing(engine) as conn:
            mail_store.update_message(conn, mail_id=mail_id, note=note[:500])
    return Sent(mail_id, message_id, copied, note)


def _refusal(exc: Exception, account: MailAccount) -> str:
    where = f"{account.smtp_host}:{account.smtp_port}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"the mail server {where} refused the buyer's address; the reply was not sent"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (f"the mail server {where} refused to send as {account.address}; the reply "
                "was not sent")
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode(errors="replace") if isinstance(
            exc.smtp_error, bytes) else str(exc.smtp_error)
        return (f"the mail server {where} refused the reply ({exc.smtp_code} {detail}); "
                "it was not sent")
    return f"the connection to the mail server {where} failed; the reply was not sent"


def _keep_copy(imap: imaplib.IMAP4 | None, account: MailAccount,
               message: EmailMessage) -> tuple[str, str]:
    if imap is None:
        return "", ""
    folder = account.sent_folder
    try:
        # quoted(): modified UTF-7, as the check in Settings opened it — imaplib sends only
        # ASCII, and "Éléments envoyés" (Outlook in French) raised once the reply had gone.
        status, _ = imap.append(quoted(folder), r"(\Seen)", None, message.as_bytes())
    except (imaplib.IMAP4.error, OSError, UnicodeError) as exc:
        return "", f"sent; no copy in {folder} ({exc})"
    if status != "OK":
        return "", f"sent; the server kept no copy in {folder}"
    return folder, ""
