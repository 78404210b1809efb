"""Unsorted mail placed by a person (services/mail/inbox.py): a buyer who wrote without an
order id, with a photo, is put on the order's issue, and the photo — kept nowhere while
the mail was on no issue — is read again from the real Dovecot and becomes evidence."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from sellerdesk.services.evidence import evidence_on
from sellerdesk.services.follow_up import issue_detail
from sellerdesk.services.mail.account import save_mail_account
from sellerdesk.services.mail.inbox import attach_to_order, unsorted_mail
from sellerdesk.services.mail.sync import sync_mailbox
from tests.helpers import amazon_mail
from tests.helpers.stored_orders import ORDER, lamp_and_mugs

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PHOTO = b"\xff\xd8\xff\xe0" + b"a cracked lamp shade " * 300


@pytest.fixture
def desk(sqlite_database, tmp_path, mail_account, mail_user, dovecot, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    engine = sqlite_database.engine
    lamp_and_mugs(engine, tmp_path)
    with time_machine.travel(NOW, tick=False):
        save_mail_account(engine, mail_account, password=mail_user.password)
        dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
            None, text="The shade came cracked, photo attached. I lost the order number.",
            photo=PHOTO, message_id="no-order@relay"))
        sync_mailbox(engine)
        yield engine


def test_a_photo_sent_without_an_order_id_becomes_evidence_once_placed(desk):
    [mail] = unsorted_mail(desk)
    assert mail.attachments == 1
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        issue_id = attach_to_order(desk, mail_id=mail.mail_id, order_id=ORDER)
    [photo] = evidence_on(desk, [issue_id])
    assert photo.name == "IMG_2041.jpg"
    assert photo.size == len(PHOTO)
    detail = issue_detail(desk, issue_id)
    assert detail.issue.reply_due_at == amazon_mail.SENT_AT.replace(tzinfo=None) + \
        timedelta(hours=24)
    assert unsorted_mail(desk) == []


def test_a_photo_gone_from_the_server_is_said_on_the_timeline(desk, dovecot, mail_user):
    with dovecot.imap(mail_user.login) as imap:          # deleted in the seller's mailer
        imap.select("INBOX")
        imap.uid("STORE", "1:*", "+FLAGS", r"(\Deleted)")
        imap.expunge()
    [mail] = unsorted_mail(desk)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        issue_id = attach_to_order(desk, mail_id=mail.mail_id, order_id=ORDER)
    assert evidence_on(desk, [issue_id]) == []
    [*_, last] = issue_detail(desk, issue_id).timeline
    assert last.text == (f"Mail {mail.mail_id}: its 1 attachment could not be fetched: the "
                         "mail is no longer in INBOX on the server")
