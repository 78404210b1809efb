"""Replying from the desk (services/mail/send.py, outbox.py) through the session's real
SMTP server: the bytes that arrive, threaded under the buyer's mail; the clock stops only
once the server took the reply; a refused send keeps the clock running and says why."""

import dataclasses
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
import time_machine

from sellerdesk.services.issues import list_issues
from sellerdesk.services.mail.account import MailError, save_mail_account
from sellerdesk.services.mail.inbox import mail_on_issue
from sellerdesk.services.mail.outbox import ReplyHeld, reply_and_send, send_checked
from sellerdesk.services.mail.sync import sync_mailbox
from tests.helpers import amazon_mail
from tests.helpers.mail_servers import free_port
from tests.helpers.stored_orders import ORDER, lamp_and_mugs

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
REPLY = "Hello,\n\nWe are sorry the shade cracked. A replacement is on its way.\n\nKind regards"


@pytest.fixture
def desk(sqlite_database, tmp_path, mail_account, mail_user, dovecot):
    """A desk connected to the session's servers, with the buyer's message read in."""
    engine = sqlite_database.engine
    lamp_and_mugs(engine, tmp_path)
    with time_machine.travel(NOW, tick=False):
        save_mail_account(engine, mail_account, password=mail_user.password)
        dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
            ORDER, message_id="first@relay", references=("earlier@relay",)))
        sync_mailbox(engine)
        yield engine


def test_a_reply_goes_to_the_relay_threaded_and_the_clock_stops(desk, smtp_server, dovecot,
                                                                 mail_user):
    [issue] = list_issues(desk)
    assert issue.reply_due_at is not None
    sent = send_checked(desk, issue_id=issue.issue_id, text=REPLY, staff="Ana")
    [arrived] = smtp_server.received
    assert list(arrived.rcpt_tos) == [amazon_mail.relay_address("US")]
    mail = message_from_bytes(arrived.raw, policy=policy.default)
    assert mail["From"] == mail_user.address
    assert mail["To"] == amazon_mail.relay_address("US")
    assert mail["Subject"].startswith("Re: ")
    assert mail["In-Reply-To"] == "<first@relay>"
    assert mail["References"] == "<earlier@relay> <first@relay>"
    assert mail["Message-ID"] == f"<{sent.message_id}>"
    assert mail.get_content().replace("\r\n", "\n").rstrip("\n") == REPLY
    [after] = list_issues(desk)
    assert after.reply_due_at is None                          # the clock stopped
    assert [m.state for m in mail_on_issue(desk, issue.issue_id)] == ["", "sent"]
    with dovecot.imap(mail_user.login) as imap:                # a copy in Sent
        imap.select('"Sent"', readonly=True)
        _status, [count] = imap.search(None, "ALL")
        assert len(count.split()) == 1


def test_a_send_that_fails_keeps_the_clock_running_and_says_why(desk, smtp_server,
                                                               mail_account, mail_user):
    [issue] = list_issues(desk)
    gone = dataclasses.replace(mail_account, smtp_port=free_port())   # nothing listens there
    with time_machine.travel(NOW, tick=False):
        save_mail_account(desk, gone, password=mail_user.password)
    with pytest.raises(MailError) as refused:
        send_checked(desk, issue_id=issue.issue_id, text=REPLY, staff="Ana")
    assert str(refused.value) == (f"Nothing answers at localhost:{gone.smtp_port}: the SMTP "
                                  "server is down or the port is wrong.")
    [after] = list_issues(desk)
    assert after.reply_due_at == issue.reply_due_at             # still owed
    assert smtp_server.received == []


def test_wording_tying_a_credit_to_feedback_is_never_sent(desk, smtp_server):
    [issue] = list_issues(desk)
    with pytest.raises(ReplyHeld) as held:
        send_checked(desk, issue_id=issue.issue_id, staff="Ana",
                     text="We will refund you in full if you remove your negative feedback.")
    assert "feedback" in str(held.value)
    assert smtp_server.received == []


def test_a_link_holds_the_command_lines_send_until_anyway(desk, smtp_server):
    [issue] = list_issues(desk)
    text = REPLY + "\nTracking: https://track.example/123"
    with pytest.raises(ReplyHeld) as held:
        reply_and_send(desk, issue_id=issue.issue_id, text=text, staff="Ana")
    assert "links" in str(held.value)
    assert smtp_server.received == []
    outcome = reply_and_send(desk, issue_id=issue.issue_id, text=text, staff="Ana", anyway=True)
    assert outcome.summary().startswith("Reply sent by e-mail")
    assert len(smtp_server.received) == 1


def test_a_reply_sent_after_the_deadline_is_noted_late(desk, smtp_server):
    [issue] = list_issues(desk)
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        send_checked(desk, issue_id=issue.issue_id, text=REPLY, staff="Ana")
    [after] = list_issues(desk)
    assert after.reply_due_at is None


def test_a_sent_folder_named_in_french_gets_its_copy_and_the_send_is_not_called_failed(
        desk, smtp_server, dovecot, mail_account, mail_user):
    """Outlook in French keeps sent mail in "Éléments envoyés": the copy went to the server
    as raw text imaplib cannot send, and the reply already accepted came back as a
    failure — the dialog said it was not sent, and a second Send reached the buyer twice."""
    from sellerdesk.services.mail.connection import quoted
    french = "Éléments envoyés"
    with dovecot.imap(mail_user.login) as imap:
        assert imap.create(quoted(french))[0] == "OK"
    with time_machine.travel(NOW, tick=False):
        save_mail_account(desk, dataclasses.replace(mail_account, sent_folder=french),
                          password=mail_user.password)
    [issue] = list_issues(desk)
    sent = send_checked(desk, issue_id=issue.issue_id, text=REPLY, staff="Ana")
    assert (sent.to_folder, sent.note) == (french, "")
    assert len(smtp_server.received) == 1
    [after] = list_issues(desk)
    assert after.reply_due_at is None
    with dovecot.imap(mail_user.login) as imap:
        assert imap.select(quoted(french), readonly=True)[0] == "OK"
        _status, [found] = imap.search(None, "ALL")
        assert len(found.split()) == 1


def packet_text(folder):
    from pypdf import PdfReader
    return " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(folder / "packet.pdf").pages)


def test_the_dispute_packet_shows_the_reply_sent_and_the_buyers_words_only_when_asked(
        desk, smtp_server, tmp_path):
    from sellerdesk.services.dispute import export_dispute
    [issue] = list_issues(desk)
    send_checked(desk, issue_id=issue.issue_id, text=REPLY, staff="Ana")
    export_dispute(desk, ORDER, tmp_path / "plain")
    plain = packet_text(tmp_path / "plain")
    assert "A replacement is on its way." in plain          # the seller's own words
    assert "What can you do?" not in plain                  # the buyer's, kept out
    export_dispute(desk, ORDER, tmp_path / "personal", personal_data=True)
    assert "What can you do?" in packet_text(tmp_path / "personal")


def test_a_long_reply_is_cut_in_the_packet_and_says_so(desk, smtp_server, tmp_path):
    from sellerdesk.services.dispute import export_dispute
    [issue] = list_issues(desk)
    long_reply = "Hello,\n\n" + "\n".join(f"Line {n} of our answer." for n in range(300))
    send_checked(desk, issue_id=issue.issue_id, text=long_reply, staff="Ana")
    export_dispute(desk, ORDER, tmp_path / "packet")
    text = packet_text(tmp_path / "packet")
    assert "Line 37 of our answer." in text
    assert "Line 200 of our answer." not in text
    assert f"cut here for the packet: {len(long_reply):,} characters in all" in text
