"""Where a mail read from the mailbox lands, inside the sync's transaction.

- A buyer's message (from Amazon's relay, naming an order the desk has) goes on the
  order's open issue, or opens a new one, with the 24-hour reply clock running from the
  message's own time.
- Amazon's notice (an A-to-z claim, a chargeback, a return request, negative feedback,
  a claim decision), from a sender proven to be Amazon, is recorded on the order's issue
  with what it starts (a clock, a status, a defect) at the time Amazon sent it.
- Anything else — no order id, an order not imported yet, a sender not proven, wording not
  recognised — waits in Unsorted with the reason, never dropped.

What names the buyer (subject, sender, body) is sealed per cell; the relay address is
kept sealed for the reply, and as a keyed reference to count the buyer's history."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.engine import Connection

from sellerdesk.core.buyers import buyer_reference
from sellerdesk.core.issues import IssueStatus, IssueType, Severity
from sellerdesk.core.mail.notifications import Classified
from sellerdesk.core.mail.parsing import MailMessage
from sellerdesk.core.metrics import DefectKind
from sellerdesk.core.records import IssueRecord
from sellerdesk.core.sealing import cell, seal
from sellerdesk.services.evidence import record_evidence
from sellerdesk.services.follow_up import buyer_wrote, event_happened
from sellerdesk.services.issues import issue_record, open_issue
from sellerdesk.services.protection.data_keys import KeySet
from sellerdesk.store import defects as defect_store
from sellerdesk.store import issues as issue_store
from sellerdesk.store import mail as mail_store
from sellerdesk.store.orders import get_order

ACTOR = "mailbox"       # who the timeline says wrote what the mailbox brought
_DONE = (IssueStatus.RESOLVED.value, IssueStatus.CLOSED.value)
# Amazon's notice → the timeline event it is (core.deadlines.EVENTS: the clocks it starts).
_EVENTS = {"atoz_claim": "atoz_info_request", "atoz_info_request": "atoz_info_request",
           "chargeback_notice": "chargeback_notice", "atoz_decision": "atoz_decision"}
_DEFECTS = {"atoz_claim": (DefectKind.ATOZ_CLAIM, "open"),
            "chargeback_notice": (DefectKind.CHARGEBACK, "open"),
            "negative_feedback": (DefectKind.NEGATIVE_FEEDBACK, "active")}
NOTICE_LINES = {
    "return_request": "Amazon: the buyer asked to return the order (the refund clock starts "
                      "when the return arrives)",
    "negative_feedback": "Amazon: negative feedback on the order (recorded as a defect)",
}


@dataclass(frozen=True, slots=True)
class Found:
    """One mail read, with where it was found and what the desk makes of it."""
    message: MailMessage
    classified: Classified
    raw: bytes
    account: str
    folder: str
    uidvalidity: int
    uid: int


@dataclass(frozen=True, slots=True)
class StoredFile:
    """An attachment (or Amazon's notice itself) already in the evidence store."""
    sha256: str
    size: int
    name: str


@dataclass(frozen=True, slots=True)
class Placed:
    mail_id: int
    issue_id: int | None
    new_issue: bool
    why_unsorted: str           # "" when placed


def _sealed(keys: KeySet, message_id: str, column: str, text: str) -> bytes | None:
    if not text:
        return None
    return seal(keys.keys[keys.current], keys.current, cell("mail_message", column, message_id),
                text)


def place(conn: Connection, found: Found, *, keys: KeySet, reference_key: bytes | None,
          at: datetime, files: list[StoredFile]) -> Placed:
    """Write the mail and what it does, in the caller's transaction. `files` (taken into
    the evidence store before the transaction) become the issue's evidence."""
    message, classified = found.message, found.classified
    # The mail's own time, but never later than it was read: a Date: ahead (a sender's
    # clock, or this desk's behind) would start a reply or A-to-z clock late.
    written = min(message.sent_at, at) if message.sent_at else at
    buyer_ref = (buyer_reference(reference_key, message.sender)
                 if reference_key and classified.kind == "buyer_message" else None)
    if classified.kind == "buyer_message" and classified.order_id is None:
        # "Any news?" without the order id: the thread it answers names the order. (Not
        # the buyer's relay address alone: one buyer, several orders, and a guess would
        # put the words on the wrong one.)
        known = mail_store.order_of(conn, message_ids=[i for i in (message.in_reply_to,
                                                                   *message.references) if i])
        if known is not None:
            classified = replace(classified, order_id=known)
    order = get_order(conn, order_id=classified.order_id) if classified.order_id else None
    why = _why_unsorted(classified, order is not None)
    issue, new_issue = None, False
    if not why:
        issue, new_issue = _issue_for(conn, classified, written)
    mail_id = mail_store.add_message(
        conn, message_id=message.message_id, direction="in", kind=classified.kind,
        account=found.account, folder=found.folder, uidvalidity=found.uidvalidity,
        uid=found.uid, written_at=written, fetched_at=at, order_id=classified.order_id,
        issue_id=issue.issue_id if issue else None,
        marketplace=classified.marketplace.code if classified.marketplace else "",
        buyer_ref=buyer_ref,
        in_reply_to=message.in_reply_to, thread=_thread(message.references),
        trusted=classified.trusted, note=(why or "; ".join(message.defects))[:500],
        state="", by="", attachments=len(message.attachments), key_id=keys.current,
        sealed_subject=_sealed(keys, message.message_id, "subject", message.subject),
        sealed_sender=_sealed(keys, message.message_id, "sender",
                              f"{message.sender_name} <{message.sender}>"),
        sealed_body=_sealed(keys, message.message_id, "body", message.text))
    if issue is not None:
        _act(conn, issue, classified, written, mail_id, len(message.attachments))
        for file in files:
            record_evidence(conn, conn.engine, issue_id=issue.issue_id, sha256=file.sha256,
                            name=file.name, size=file.size, by=ACTOR, at=written,
                            why=f", from mail {mail_id}")
    elif not why and (classified.kind in _DEFECTS or classified.kind == "atoz_decision"):
        # No open issue (feedback; a decision on a claim whose issue was closed): the
        # order's defect still follows it — a granted claim counts against the seller.
        _defect(conn, classified, written)
    return Placed(mail_id, issue.issue_id if issue else None, new_issue, why)


def _thread(references: tuple[str, ...], limit: int = 10_000) -> str:
    """The References kept, newest last; a long thread loses its oldest ids, whole."""
    kept: list[str] = []
    size = 0
    for ref in reversed(references):
        size += len(ref) + 1
        if size > limit:
            break
        kept.append(ref)
    return " ".join(reversed(kept))


def _why_unsorted(classified: Classified, order_known: bool) -> str:
    if classified.kind == "unsorted":
        return "not a buyer's message or a notice SellerDesk knows"
    if not classified.trusted:
        return classified.why_not or "the sender is not proven to be Amazon"
    if classified.order_id is None:
        return "no order id in the mail"
    if not order_known:
        return f"order {classified.order_id} is not on this desk yet (import its report)"
    return ""


def _issue_for(conn: Connection, classified: Classified,
               written: datetime) -> tuple[IssueRecord | None, bool]:
    """The order's open issue, or a new one for a buyer's contact or a claim; feedback
    alone (a defect on the order) opens none."""
    assert classified.order_id is not None
    open_issues = [i for i in issue_store.list_issues(conn, order_id=classified.order_id)
                   if i.status.value not in _DONE]
    if open_issues:
        return open_issues[0], False
    if classified.kind in ("negative_feedback", "atoz_decision"):
        return None, False
    issue_id = open_issue(conn, order_id=classified.order_id, issue_type=IssueType.OTHER,
                          severity=Severity.MODERATE, affected=(), days_late=0,
                          buyer_ref=None, note="Opened by a mail from the mailbox",
                          actor=ACTOR, at=written,
                          reply_owed=classified.kind == "buyer_message")
    return issue_record(conn, issue_id), True


def _act(conn: Connection, issue: IssueRecord, classified: Classified, written: datetime,
         mail_id: int, attachments: int) -> None:
    kind = classified.kind
    if kind == "buyer_message":
        files = f", {attachments} attachment{'s' * (attachments != 1)}" if attachments else ""
        buyer_wrote(conn, issue, ACTOR, written, f"E-mail from the buyer (mail {mail_id}{files})")
        return
    if kind in _EVENTS:
        note = f"by e-mail (mail {mail_id})"
        if kind == "atoz_decision" and classified.decision:
            note = f"{classified.decision}, {note}"
        if classified.due_date is not None:
            # The clock runs from the mail by the desk's facts; the date Amazon names is
            # said beside it, for the person who reads the timeline.
            note += f"; Amazon asks for an answer by {classified.due_date:%Y-%m-%d}"
        event_happened(conn, issue, ACTOR, written, _EVENTS[kind], note)
    else:
        issue_store.add_event(conn, issue_id=issue.issue_id, actor=ACTOR, kind=kind,
                              text=f"{NOTICE_LINES.get(kind, kind)} (mail {mail_id})",
                              at=written)
    if kind in _DEFECTS or kind == "atoz_decision":
        _defect(conn, classified, written)


def _defect(conn: Connection, classified: Classified, written: datetime) -> None:
    assert classified.order_id is not None
    if classified.kind == "atoz_decision":
        if classified.decision not in ("granted", "denied"):
            return
        kind, status = DefectKind.ATOZ_CLAIM, classified.decision
    else:
        kind, status = _DEFECTS[classified.kind]
    on: date = written.date()
    defect_store.put_defect(conn, order_id=classified.order_id, kind=kind.value, status=status,
                            on=on, rating=None, rater_ref=None, source="mail", by=ACTOR,
                            now=written)
