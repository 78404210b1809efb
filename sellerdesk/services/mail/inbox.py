"""What the window shows of the mailbox and what a person does with it: the mail on an
issue (opened from its seals), the Unsorted list, attaching a mail from Unsorted to an
order, and setting one aside (not the desk's business: kept, out of the list)."""

from __future__ import annotations

import imaplib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import IssueStatus, IssueType, Severity
from sellerdesk.core.mail.parsing import parse_message
from sellerdesk.core.sealing import SealBroken, cell, unseal
from sellerdesk.services.at_desk import DeskError, at_desk_or_add_first_owner
from sellerdesk.services.clock import now
from sellerdesk.services.evidence import record_evidence
from sellerdesk.services.follow_up import buyer_wrote
from sellerdesk.services.issues import issue_record, open_issue
from sellerdesk.services.mail.account import mail_account
from sellerdesk.services.mail.connection import desk_secret, open_imap
from sellerdesk.services.mail.routing import StoredFile
from sellerdesk.services.mail.sync import fetch_one, take_in
from sellerdesk.services.protection import data_keys
from sellerdesk.store import issues as issue_store
from sellerdesk.store import mail as mail_store
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.mail import MailRow
from sellerdesk.store.orders import get_order

PURGED = "(purged with the buyer's personal data)"
KIND_LABELS = {
    "buyer_message": "Buyer's message", "reply": "Reply", "atoz_claim": "A-to-z claim",
    "atoz_info_request": "A-to-z information request", "chargeback_notice": "Chargeback",
    "return_request": "Return request", "negative_feedback": "Negative feedback",
    "atoz_decision": "A-to-z decision", "unsorted": "Mail",
}
_DONE = (IssueStatus.RESOLVED.value, IssueStatus.CLOSED.value)


@dataclass(frozen=True, slots=True)
class MailView:
    """One mail as a person reads it. `repr` leaves out what names the buyer."""
    mail_id: int
    direction: str            # in | out
    kind: str
    written_at: datetime
    order_id: str | None
    issue_id: int | None
    subject: str
    sender: str
    body: str
    attachments: int
    trusted: bool
    note: str                 # why it is in Unsorted, what was malformed, why a send failed
    state: str                # a reply: sending | sent | failed
    by: str
    unreadable: str = ""      # why the sealed parts cannot be shown here

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return (f"MailView(mail_id={self.mail_id}, kind={self.kind!r}, "
                f"issue_id={self.issue_id}, order_id={self.order_id!r})")


def _view(keys: dict[int, bytes], row: MailRow) -> MailView:
    opened, unreadable = {}, ""
    for column in ("subject", "sender", "body"):
        sealed = getattr(row, f"sealed_{column}")
        if row.purged_at is not None:
            opened[column] = PURGED
            continue
        if sealed is None:
            opened[column] = ""
            continue
        try:
            opened[column] = unseal(keys, cell("mail_message", column, row.message_id), sealed,
                                    what=f"mail {row.id}'s {column}")
        except SealBroken as exc:
            opened[column], unreadable = "", str(exc)
    return MailView(row.id, row.direction, row.kind, row.written_at, row.order_id,
                    row.issue_id, opened["subject"], opened["sender"], opened["body"],
                    row.attachments, row.trusted, row.note, row.state, row.by, unreadable)


def _keys(engine: Engine) -> dict[int, bytes]:
    saved = data_keys.saved_key_set(engine)
    return saved.keys if saved is not None else {}


def mail_on_issue(engine: Engine, issue_id: int) -> list[MailView]:
    """The issue's mail, oldest first, opened."""
    with reading(engine) as conn:
        rows = mail_store.on_issues(conn, issue_ids=[issue_id])
    keys = _keys(engine) if rows else {}
    return [_view(keys, row) for row in rows]


def unsorted_mail(engine: Engine) -> list[MailView]:
    """Mail read in that is on no issue, newest first, each with why."""
    with reading(engine) as conn:
        rows = mail_store.unsorted(conn)
    keys = _keys(engine) if rows else {}
    return [_view(keys, row) for row in rows]


def count_unsorted(engine: Engine) -> int:
    with reading(engine) as conn:
        return mail_store.count_unsorted(conn)


def _unsorted_row(conn, mail_id: int) -> MailRow:
    row = mail_store.message(conn, mail_id=mail_id)
    if row is None or row.direction != "in":
        raise DeskError(f"no mail {mail_id} read from the mailbox")
    if row.issue_id is not None:
        raise DeskError(f"mail {mail_id} is already on issue {row.issue_id}")
    return row


def attach_to_order(engine: Engine, *, mail_id: int, order_id: str,
                    staff: str | None = None) -> int:
    """A person says which order a mail from Unsorted is about: it goes on the order's
    open issue (or opens one), as the buyer's contact, whose reply clock runs from the
    mail's own time. A notice that was not proven to come from Amazon moves no clock
    here either: it goes on the timeline as a mail a person placed. The mail's
    attachments (a photo sent without an order id) are read again from the mailbox and
    become the issue's evidence; the timeline says when the server no longer has them.
    The issue's id."""
    order_id = order_id.strip()
    with reading(engine) as conn:
        files, missing = _attachments_again(engine, _unsorted_row(conn, mail_id))
    with writing(engine) as conn:
        row = _unsorted_row(conn, mail_id)
        if get_order(conn, order_id=order_id) is None:
            raise DeskError(f"no order {order_id!r}: import the report that has it first")
        member = at_desk_or_add_first_owner(conn, staff)
        open_issues = [i for i in issue_store.list_issues(conn, order_id=order_id)
                       if i.status.value not in _DONE]
        if open_issues:
            issue = open_issues[0]
        else:
            issue = issue_record(conn, open_issue(
                conn, order_id=order_id, issue_type=IssueType.OTHER, severity=Severity.MODERATE,
                affected=(), days_late=0, buyer_ref=None, note="Opened from a mail in Unsorted",
                actor=member.name, at=row.written_at,
                reply_owed=row.kind in ("buyer_message", "unsorted")))
        mail_store.update_message(conn, mail_id=mail_id, issue_id=issue.issue_id,
                                  order_id=order_id, by=member.name)
        if row.kind in ("buyer_message", "unsorted"):
            buyer_wrote(conn, issue, member.name, row.written_at,
                        f"E-mail placed from Unsorted by {member.name} (mail {mail_id})")
        else:
            issue_store.add_event(conn, issue_id=issue.issue_id, actor=member.name, kind="mail",
                                  text=f"{KIND_LABELS.get(row.kind, row.kind)} by e-mail, "
                                       f"placed from Unsorted (mail {mail_id}); not proven to "
                                       "come from Amazon, so no clock moved", at=now())
        for file in files:
            record_evidence(conn, engine, issue_id=issue.issue_id, sha256=file.sha256,
                            name=file.name, size=file.size, by=member.name,
                            at=row.written_at, why=f", from mail {mail_id}")
        if missing:
            issue_store.add_event(conn, issue_id=issue.issue_id, actor=member.name,
                                  kind="mail", text=f"Mail {mail_id}: {missing}", at=now())
        return issue.issue_id


def _attachments_again(engine: Engine, row: MailRow) -> tuple[list[StoredFile], str]:
    """The attachments of a mail read before, fetched again from where it was found (the
    sync keeps no attachment of mail that landed on no issue: evidence of nothing, and
    maybe the buyer's name), taken into the evidence store. With why none came, when
    some should have."""
    if not row.attachments:
        return [], ""
    count = f"{row.attachments} attachment{'s' * (row.attachments != 1)}"
    account = mail_account(engine)
    if account is None or account.login != row.account or row.uid is None:
        return [], f"its {count} could not be fetched: its mailbox is not connected"
    try:
        with open_imap(account, desk_secret(engine, account)) as imap:
            raw = fetch_one(imap, row.folder, row.uidvalidity, row.uid)
    except (KnownError, imaplib.IMAP4.error, OSError) as exc:   # MailError, a folder gone
        return [], f"its {count} could not be fetched ({exc})"
    message = parse_message(raw) if raw is not None else None
    if message is None or message.message_id != row.message_id:
        return [], (f"its {count} could not be fetched: the mail is no longer in "
                    f"{row.folder} on the server")
    return take_in(engine, [(a.data, a.name) for a in message.attachments]), ""


def set_aside(engine: Engine, *, mail_id: int, staff: str | None = None) -> None:
    """Out of Unsorted (not the desk's business); the mail itself is kept."""
    with writing(engine) as conn:
        _unsorted_row(conn, mail_id)
        member = at_desk_or_add_first_owner(conn, staff)
        mail_store.update_message(conn, mail_id=mail_id, state="set_aside", by=member.name)
