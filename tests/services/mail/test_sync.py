"""Reading the mailbox into the desk (services/mail/sync.py), from a real Dovecot: a buyer's
message becomes an issue with its clock running, Amazon's notices start their clocks,
the rest waits in Unsorted, and no run — repeated, cancelled, crashed, or after the
folder was rebuilt — loses a mail or keeps one twice."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest

from sellerdesk.services.evidence import evidence_on
from sellerdesk.services.follow_up import issue_detail
from sellerdesk.services.issues import list_issues
from sellerdesk.services.mail.sync import MailSyncError, sync_folders
from sellerdesk.store import mail as mail_store
from sellerdesk.store.engine import reading
from tests.helpers import amazon_mail
from tests.helpers.mail_desk import NOW, sync
from tests.helpers.stored_orders import ORDER, OTHER

PHOTO = b"\xff\xd8\xff\xe0" + b"JFIF photo of a cracked shade " * 200
MARKER = "Kwazulu-Pomegranate-7731"       # a string to look for in the database's bytes


def mails(engine):
    with reading(engine) as conn:
        return conn.exec_driver_sql("SELECT message_id, kind, issue_id, note FROM mail_message "
                                    "ORDER BY id").all()


def test_a_buyers_message_with_a_photo_opens_an_issue_with_its_clock_running(
        desk, dovecot, mail_user):
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
        ORDER, text=f"The lamp arrived broken. {MARKER}", photo=PHOTO))
    report = sync(desk, dovecot, mail_user.login)
    assert report.summary() == "1 new mail; 1 on issues (1 new)."
    [issue] = list_issues(desk)
    assert issue.order_id == ORDER
    sent = amazon_mail.SENT_AT.replace(tzinfo=None)
    assert issue.reply_due_at == sent + timedelta(hours=24)   # from the message's own time
    detail = issue_detail(desk, issue.issue_id)
    assert [e.name for e in evidence_on(desk, [issue.issue_id])] == ["IMG_2041.jpg"]
    lines = [(e.kind, e.text) for e in detail.timeline]
    assert lines[-2:] == [
        ("buyer_message", "E-mail from the buyer (mail 1, 1 attachment)"),
        ("evidence", f"IMG_2041.jpg ({len(PHOTO) / 1024:.1f} KB, SHA-256 "
                     f"{hashlib.sha256(PHOTO).hexdigest()[:12]}…), from mail 1")]
    # The body is sealed: its words are in no byte of the database file.
    files = [path for path in Path(desk.url.database).parent.iterdir()
             if path.name.startswith("desk.sqlite3")]
    assert files
    for path in files:                                 # the file, its WAL, its journal
        assert MARKER.encode() not in path.read_bytes(), path


def test_a_second_message_lands_on_the_same_open_issue(desk, dovecot, mail_user):
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(ORDER, message_id="a@relay"))
    sync(desk, dovecot, mail_user.login)
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
        ORDER, message_id="b@relay", in_reply_to="a@relay", references=("a@relay",),
        text="Any news?"))
    report = sync(desk, dovecot, mail_user.login)
    assert report.summary() == "1 new mail; 1 on issues (0 new)."
    assert len(list_issues(desk)) == 1
    assert [row.issue_id for row in mails(desk)] == [1, 1]


def test_a_sync_run_again_reads_nothing_and_keeps_each_mail_once(desk, dovecot, mail_user):
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(ORDER, message_id="a@relay"))
    # The same Message-ID twice in the folder (a forward, a copy): kept once.
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(ORDER, message_id="a@relay"))
    first = sync(desk, dovecot, mail_user.login)
    assert (first.read, first.new, first.seen) == (2, 1, 1)
    assert sync(desk, dovecot, mail_user.login).summary() == "No new mail."
    assert len(mails(desk)) == 1


def test_mail_without_an_order_or_from_a_stranger_waits_in_unsorted_with_the_reason(
        desk, dovecot, mail_user):
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(None, message_id="no-order@x"))
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
        "114-9999999-9999999", message_id="unknown-order@x"))
    dovecot.deliver(mail_user.login, amazon_mail.atoz_claim(
        ORDER, sender="atoz-guarantee-no-reply@amazon-security.example"))
    report = sync(desk, dovecot, mail_user.login)
    assert report.unsorted == 3
    assert list_issues(desk) == []                     # no clock moved, no defect
    notes = [row.note for row in mails(desk)]
    assert notes[0] == "no order id in the mail"
    assert notes[1] == ("order 114-9999999-9999999 is not on this desk yet (import its "
                        "report)")
    assert "amazon-security.example" in notes[2]
    with reading(desk) as conn:
        assert mail_store.count_unsorted(conn) == 3


def test_an_atoz_claim_email_starts_the_information_request_clock(desk, dovecot, mail_user):
    dovecot.deliver(mail_user.login, amazon_mail.atoz_claim(
        OTHER, authentication=amazon_mail.authentication_results("amazon.com", "pass")))
    report = sync(desk, dovecot, mail_user.login)
    assert report.new_issues == 1
    [issue] = list_issues(desk)
    assert issue.status.value == "escalated_atoz"
    assert issue.reply_due_at is None              # Amazon's notice: no buyer to answer
    detail = issue_detail(desk, issue.issue_id)
    [running] = [d for d in detail.deadlines if d.key == "atoz_information"]
    assert running.due == amazon_mail.SENT_AT.replace(tzinfo=None) + timedelta(hours=48)


def test_a_notice_failing_dkim_moves_no_clock(desk, dovecot, mail_user):
    dovecot.deliver(mail_user.login, amazon_mail.chargeback(
        ORDER, authentication=amazon_mail.authentication_results("amazon.com", "fail")))
    report = sync(desk, dovecot, mail_user.login)
    assert report.unsorted == 1
    assert list_issues(desk) == []


def test_a_cancel_between_batches_keeps_what_was_read_and_the_rest_comes_next_time(
        desk, dovecot, mail_user, monkeypatch):
    import sellerdesk.services.mail.sync as sync_module
    monkeypatch.setattr(sync_module, "BATCH_MAILS", 2)
    for n in range(5):
        dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
            ORDER, message_id=f"m{n}@relay"))
    asked = []

    def cancel_after_first_batch():
        asked.append(True)
        return len(asked) > 1
    first = sync(desk, dovecot, mail_user.login, cancelled=cancel_after_first_batch)
    assert first.cancelled
    assert first.new == 2
    assert first.summary().endswith("Cancelled: the rest is read next time.")
    second = sync(desk, dovecot, mail_user.login)
    assert (second.read, second.new) == (3, 3)
    assert [row.message_id for row in mails(desk)] == [f"m{n}@relay" for n in range(5)]


def test_a_folder_rebuilt_on_the_server_is_read_again_without_doubling(
        desk, dovecot, mail_user):
    def sync_amazon_folder():
        with dovecot.imap(mail_user.login) as imap:
            return sync_folders(desk, imap, account=mail_user.login, folders=("Amazon",))

    for message_id in ("a@relay", "b@relay"):
        dovecot.deliver(mail_user.login, amazon_mail.buyer_message(ORDER, message_id=message_id),
                        folder="Amazon")
    sync_amazon_folder()
    with dovecot.imap(mail_user.login) as imap:
        # The folder deleted and made again: a new UIDVALIDITY, whose UID 1 is another
        # mail than the desk's UID 1.
        assert imap.delete('"Amazon"')[0] == "OK"
    for message_id in ("a@relay", "c@relay", "d@relay"):
        dovecot.deliver(mail_user.login, amazon_mail.buyer_message(ORDER, message_id=message_id),
                        folder="Amazon")
    report = sync_amazon_folder()
    assert report.rebuilt == ["Amazon"]
    assert (report.read, report.new, report.seen) == (3, 2, 1)
    assert [row.message_id for row in mails(desk)] == ["a@relay", "b@relay", "c@relay",
                                                        "d@relay"]


def test_a_folder_missing_on_the_server_is_named(desk, dovecot, mail_user):
    with dovecot.imap(mail_user.login) as imap, pytest.raises(MailSyncError) as raised:
        sync_folders(desk, imap, account=mail_user.login, folders=("Amazon",))
    assert str(raised.value) == ("the folder 'Amazon' is not in the mailbox (Settings › Mail "
                                 "names the folders to watch)")


def test_a_claim_decided_on_an_order_with_no_open_issue_still_counts_as_granted(
        desk, dovecot, mail_user):
    """The claim's issue was closed (or the claim was handled before the mailbox was
    connected): the decision mail opened nothing, and the granted claim — money debited,
    a defect on the account — was not recorded on the order at all."""
    from sellerdesk.store import defects as defect_store
    dovecot.deliver(mail_user.login, amazon_mail.atoz_decision(OTHER, granted=True))
    sync(desk, dovecot, mail_user.login)
    with reading(desk) as conn:
        found = defect_store.defects_on_order(conn, order_id=OTHER)
    assert [(d.kind.value, d.status) for d in found] == [("atoz_claim", "granted")]


def test_a_mail_dated_ahead_of_the_desk_starts_the_clock_when_it_was_read(
        desk, dovecot, mail_user):
    """A Date: ahead of the desk's clock (the sender's clock, or this computer's behind)
    started the 24-hour clock that much later: the reply was shown due after Amazon's."""
    ahead = NOW + timedelta(hours=9)
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(ORDER, sent_at=ahead))
    sync(desk, dovecot, mail_user.login)
    [issue] = list_issues(desk)
    assert issue.reply_due_at == NOW.replace(tzinfo=None) + timedelta(hours=24)


def test_a_photo_of_mail_read_twice_into_unsorted_is_not_left_in_the_evidence_store(
        desk, dovecot, mail_user):
    """The same mail again (a second watched folder, a copy): its photo was taken into the
    store a second time, and only the first copy's was removed — a buyer's photo no
    record points at and no purge would ever find."""
    from sellerdesk.services.evidence_files import stored_file
    raw = amazon_mail.buyer_message("114-9999999-9999999", message_id="twice@relay",
                                    photo=PHOTO)
    dovecot.deliver(mail_user.login, raw)
    sync(desk, dovecot, mail_user.login)
    dovecot.deliver(mail_user.login, raw)
    assert sync(desk, dovecot, mail_user.login).seen == 1
    assert not stored_file(desk, hashlib.sha256(PHOTO).hexdigest()).exists()


class _UidLast:
    """imaplib's answers from a server that names the UID after the body (RFC 3501 fixes
    no order inside FETCH): imaplib leaves " UID n)" in the piece after the literal."""

    def __init__(self, raws):
        self.raws = raws

    def select(self, _folder, readonly=False):
        return "OK", [str(len(self.raws)).encode()]

    def response(self, _name):
        return "UIDVALIDITY", [b"77"]

    def uid(self, _command, _uids, what):
        if "RFC822.SIZE" in what:
            return "OK", [f"{n} (RFC822.SIZE {len(raw)} UID {n})".encode()
                          for n, raw in enumerate(self.raws, 1)]
        data = []
        for n, raw in enumerate(self.raws, 1):
            data += [(f"{n} (BODY[] {{{len(raw)}}}".encode(), raw), f" UID {n})".encode()]
        return "OK", data


def test_a_server_naming_the_uid_after_the_body_loses_no_mail(desk):
    raws = [amazon_mail.buyer_message(ORDER, message_id=f"late-uid-{n}@relay")
            for n in range(3)]
    report = sync_folders(desk, _UidLast(raws), account="seller", folders=("INBOX",))
    assert (report.read, report.new) == (3, 3)
    assert [row.message_id for row in mails(desk)] == [f"late-uid-{n}@relay" for n in range(3)]


def test_any_news_without_the_order_id_follows_its_thread(desk, dovecot, mail_user):
    """The buyer's second mail often names no order: the thread it answers puts it on the
    same issue, not in Unsorted. The relay address alone does not: one buyer may have
    several orders."""
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(ORDER, message_id="a@relay"))
    sync(desk, dovecot, mail_user.login)
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
        None, message_id="b@relay", in_reply_to="a@relay", references=("a@relay",),
        text="Any news?"))
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
        None, message_id="c@relay", text="Hello again, still waiting."))
    report = sync(desk, dovecot, mail_user.login)
    assert (report.on_issues, report.unsorted) == (1, 1)
    assert [(row.message_id, row.issue_id) for row in mails(desk)] == [
        ("a@relay", 1), ("b@relay", 1), ("c@relay", None)]
