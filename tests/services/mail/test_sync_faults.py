"""What goes wrong while reading the mailbox (#25 "Faults"), against the real Dovecot: the
server going away between batches, a 25 MB attachment, malformed MIME, a mail deleted on
the server after it was read, the reading process killed mid-sync, and a big mailbox.
Whatever happens, nothing read is lost and nothing is kept twice."""

import hashlib
import random
import time

import pytest
import time_machine

import sellerdesk.services.mail.sync as sync_module
from sellerdesk.services.evidence import evidence_on, stored_file
from sellerdesk.services.follow_up import issue_detail
from sellerdesk.services.issues import list_issues
from sellerdesk.services.mail.account import save_mail_account
from sellerdesk.services.mail.inbox import mail_on_issue, unsorted_mail
from sellerdesk.services.mail.sync import MailSyncError, sync_mailbox
from sellerdesk.store.engine import reading
from tests.helpers import amazon_mail
from tests.helpers.mail_desk import NOW, sync
from tests.helpers.stored_orders import ORDER
from tests.test_crash_safety import Forker, _integrity, shared_keyring  # noqa: F401


def message_ids(engine) -> list[str]:
    with reading(engine) as conn:
        return list(conn.exec_driver_sql(
            "SELECT message_id FROM mail_message ORDER BY uid").scalars())


def buyer_lines(engine) -> list[str]:
    """The timeline's lines for the buyer's mail: one per mail, or a mail's effect twice."""
    [issue] = list_issues(engine)
    return [e.text for e in issue_detail(engine, issue.issue_id).timeline
            if e.kind == "buyer_message"]


def test_the_server_going_away_between_batches_keeps_what_was_read(desk, dovecot, mail_user,
                                                                    mail_account, monkeypatch):
    save_mail_account(desk, mail_account, password=mail_user.password)
    monkeypatch.setattr(sync_module, "BATCH_MAILS", 5)
    for n in range(12):
        dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
            ORDER, message_id=f"m{n:02d}@relay"))
    asked = []

    def server_stops_after_the_first_batch() -> bool:
        asked.append(True)
        if len(asked) == 2:
            dovecot.stop()
        return False
    server = f"{dovecot.host}:{dovecot.port}"
    try:
        with pytest.raises(MailSyncError) as raised:
            sync_mailbox(desk, cancelled=server_stops_after_the_first_batch)
    finally:
        dovecot.start()
    assert str(raised.value).startswith(f"the connection to {server} was lost while reading "
                                        "INBOX (")
    assert str(raised.value).endswith("); the 5 new mails read before are kept, and the rest "
                                      "come with the next sync")
    assert message_ids(desk) == [f"m{n:02d}@relay" for n in range(5)]
    again = sync_mailbox(desk)
    assert (again.read, again.new, again.seen) == (7, 7, 0)
    assert message_ids(desk) == [f"m{n:02d}@relay" for n in range(12)]
    assert len(buyer_lines(desk)) == 12


def test_a_25_mb_attachment_becomes_evidence_whole(desk, dovecot, mail_user):
    video = random.Random(25).randbytes(25 * 2**20)
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
        ORDER, photo=video, photo_name="unboxing.mp4", message_id="big@relay"))
    report = sync(desk, dovecot, mail_user.login)
    assert report.summary() == "1 new mail; 1 on issues (1 new)."
    [issue] = list_issues(desk)
    [record] = evidence_on(desk, [issue.issue_id])
    assert (record.name, record.size) == ("unboxing.mp4", len(video))
    assert record.sha256 == hashlib.sha256(video).hexdigest()
    assert stored_file(desk, record.sha256).read_bytes() == video
    [mail] = mail_on_issue(desk, issue.issue_id)
    assert mail.attachments == 1


MALFORMED = (b"From: Jane <9xk2hq7w4tzb3rm@marketplace.amazon.com>\r\n"
             b"To: support@brightside-home.example\r\n"
             b"Subject: Broken lamp (Order: " + ORDER.encode() + b")\r\n"
             b"Message-ID: <malformed@relay>\r\n"
             b"Date: Mon, 02 Mar 2026 09:30:00 +0000\r\n"
             b"MIME-Version: 1.0\r\n"
             b"Content-Type: multipart/mixed\r\n"          # a multipart with no boundary
             b"\r\n"
             b"The shade is cracked.\r\n")


def test_malformed_mime_is_kept_with_what_was_wrong_in_its_note(desk, dovecot, mail_user):
    dovecot.deliver(mail_user.login, MALFORMED)
    report = sync(desk, dovecot, mail_user.login)
    assert report.new == 1
    [issue] = list_issues(desk)
    [mail] = mail_on_issue(desk, issue.issue_id)
    assert mail.note == ("A multipart part names no boundary.; The message says it is "
                         "multipart but has no parts.")
    assert mail.subject.startswith("Broken lamp")


def test_a_mail_deleted_on_the_server_after_it_was_read_stays_on_the_desk(desk, dovecot,
                                                                         mail_user):
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
        ORDER, message_id="gone@relay", text="Please keep this."))
    sync(desk, dovecot, mail_user.login)
    with dovecot.imap(mail_user.login) as imap:
        imap.select("INBOX")
        assert imap.store("1", "+FLAGS", r"(\Deleted)")[0] == "OK"
        assert imap.expunge()[0] == "OK"
        assert imap.search(None, "ALL")[1] == [b""]
    assert sync(desk, dovecot, mail_user.login).summary() == "No new mail."
    [issue] = list_issues(desk)
    [mail] = mail_on_issue(desk, issue.issue_id)
    assert "Please keep this." in mail.body
    assert unsorted_mail(desk) == []


def test_a_sync_killed_mid_run_loses_nothing_and_doubles_nothing(
        desk, sqlite_url, dovecot, mail_user, mail_trust, shared_keyring, tmp_path):  # noqa: F811
    """A real crash: the reading process is killed (SIGKILL) in the middle of its run,
    five times — right after it said it wrote its first batch, or its second — and each
    time the database is whole, and every batch the process said it wrote is there. Then
    one sync to the end has every mail once, and each mail's effect once. (Killed on what
    the child wrote, not after a guessed time: on two busy cores a timed kill could land
    before the first batch or after the last.)"""
    count = 300
    dovecot.deliver_many(mail_user.login, [
        amazon_mail.buyer_message(ORDER, message_id=f"k{n:03d}@relay", text=f"Mail {n}.")
        for n in range(count)])
    forker = Forker(shared_keyring)
    command = {"do": "mail", "db": sqlite_url, "host": dovecot.host, "port": dovecot.port,
               "login": mail_user.login, "password": mail_user.password,
               "ca_file": str(mail_trust), "batch": 10}
    try:
        with time_machine.travel(NOW, tick=True):     # the child keeps the real clock
            promised = 0
            for kill in range(5):
                report = tmp_path / f"kill-{kill}.txt"
                pid = forker.start(**command, report=str(report))
                _wait_for_batches(report, 1 + kill % 2)
                forker.kill(pid)
                assert _integrity(sqlite_url) == "ok"
                text = report.read_text()
                assert "error" not in text, text
                assert "bug" not in text, text
                promised = max(promised, min(count, 10 * (
                    sum(1 for line in text.split("\n")[:-1] if line != "done"))))
                assert len(message_ids(desk)) >= promised
    finally:
        forker.close()
    assert 0 < promised < count           # the kills fell mid-run
    kept = len(message_ids(desk))
    final = sync(desk, dovecot, mail_user.login)
    assert (final.new, final.seen) == (count - kept, final.read - (count - kept))
    ids = message_ids(desk)
    assert ids == [f"k{n:03d}@relay" for n in range(count)]       # each once, none lost
    lines = buyer_lines(desk)
    assert len(lines) == count
    assert len(set(lines)) == count


@pytest.mark.parametrize("count", [2_000])
def test_a_mailbox_of_thousands_is_read_completely(desk, dovecot, mail_user, count):
    """20,000 is bench/mail.py's; the suite reads 2,000. A seller's mailbox: one mail in
    ten a buyer's about an order on the desk, the rest for Unsorted."""
    dovecot.deliver_many(mail_user.login, [
        amazon_mail.buyer_message(ORDER if n % 10 == 0 else None, message_id=f"n{n:05d}@relay",
                                  text=f"Mail {n}.")
        for n in range(count)])
    fractions = []
    report = sync(desk, dovecot, mail_user.login,
                  progress=lambda done, _text: fractions.append(done))
    assert (report.read, report.new) == (count, count)
    assert fractions[-1] == 1.0
    assert (report.on_issues, report.unsorted) == (count // 10, count - count // 10)
    assert len(message_ids(desk)) == count
    assert sync(desk, dovecot, mail_user.login).summary() == "No new mail."


def _wait_for_batches(report, batches: int, limit: float = 120.0) -> None:
    """Until the child says it wrote `batches` batches (a line each) or is done."""
    deadline = time.monotonic() + limit
    while True:
        lines = report.read_text().split("\n")[:-1] if report.exists() else []
        if len(lines) >= batches or "done" in lines:
            return
        assert time.monotonic() < deadline, f"the child wrote {len(lines)} batches in {limit} s"
        time.sleep(0.005)
