"""The mailbox's buyer personal data (#25): mail read from a real Dovecot is purged on the
schedule of the buyer details typed today — with its issue, or, on no issue, counted from
its own arrival — all in the purge's one transaction; a key rotation re-seals every mail
and never retires a key a mail still needs."""

import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
import time_machine

from sellerdesk.cli import main
from sellerdesk.services.issues import list_issues
from sellerdesk.services.mail.inbox import PURGED, mail_on_issue, unsorted_mail
from sellerdesk.services.mail.sync import sync_folders
from sellerdesk.services.protection import data_keys
from sellerdesk.services.protection.personal_data import rotate_key
from sellerdesk.services.protection.purge import purge_personal_data
from sellerdesk.services.protection.security_log import security_events
from tests.helpers import amazon_mail
from tests.helpers.stored_orders import ORDER, lamp_and_mugs

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)     # after the mails' own time
# The orders are placed 2026-10-01 (tests.helpers.reports.row): their data is due 30 days
# later. The mail came 2026-03-02 (amazon_mail.SENT_AT): on no issue, it is due 2026-04-01.
UNSORTED_DUE, ISSUE_DUE = date(2026, 4, 1), date(2026, 10, 31)


@pytest.fixture
def desk(sqlite_database, tmp_path, dovecot, mail_user):
    engine = sqlite_database.engine
    lamp_and_mugs(engine, tmp_path)
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
        ORDER, message_id="on-issue@relay", buyer="Jane Mailcanary", text="Box crushed."))
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
        None, message_id="unsorted@relay", buyer="Bob Nocanary", text="Which order was it?"))
    with time_machine.travel(NOW, tick=False):
        with dovecot.imap(mail_user.login) as imap:
            sync_folders(engine, imap, account=mail_user.login, folders=("INBOX",))
        yield engine


def _cells(engine):
    with engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT message_id, key_id, sealed_subject, sealed_sender, sealed_body, "
            "buyer_ref, purged_at FROM mail_message ORDER BY message_id").all()


def test_mail_on_no_issue_is_purged_by_its_own_date_and_mail_on_an_issue_with_the_issue(
        desk, sqlite_url, capsys):
    [issue] = list_issues(desk)
    assert purge_personal_data(desk, as_of=date(2026, 3, 31)).mails == 0    # not yet due
    code = main(["--db", sqlite_url, "purge-pii", "--dry-run", "--as-of", "2026-04-01"])
    out = capsys.readouterr().out
    assert code == 0
    assert out == ("1 mail(s) on no issue would be purged (read 30 or more days before "
                   "2026-04-01); when each came and what it was stay.\n")
    assert [m.sender for m in unsorted_mail(desk)] == [
        f"Bob Nocanary <{amazon_mail.relay_address()}>"]       # a dry run changes nothing

    report = purge_personal_data(desk, as_of=UNSORTED_DUE, staff="Ana")
    assert (report.issue_ids, report.mails) == ([], 1)
    [gone] = unsorted_mail(desk)
    assert (gone.subject, gone.sender, gone.body) == (PURGED, PURGED, PURGED)
    [kept] = mail_on_issue(desk, issue.issue_id)
    assert kept.sender.startswith("Jane Mailcanary")
    assert "Box crushed." in kept.body
    assert security_events(desk)[0].detail == (
        "0 detail(s) on 0 issue(s), 1 mail(s), as of 2026-04-01, retention 30 days")

    code = main(["--db", sqlite_url, "purge-pii", "--as-of", "2026-10-31", "--json"])
    assert code == 0
    answer = json.loads(capsys.readouterr().out)
    assert (answer["issues"], answer["mails"]) == ([issue.issue_id], 1)
    [gone] = mail_on_issue(desk, issue.issue_id)
    assert (gone.subject, gone.sender, gone.body) == (PURGED, PURGED, PURGED)
    for _message_id, _key, *cells, buyer_ref, purged_at in _cells(desk):
        assert cells == [None, None, None]
        assert buyer_ref is None
        assert purged_at is not None
    assert purge_personal_data(desk, as_of=ISSUE_DUE).summary().startswith(
        "No buyer personal data is due")                                   # done


def test_a_key_rotation_reseals_every_mail_and_retires_the_old_key(desk):
    [issue] = list_issues(desk)
    before = data_keys.ensure_key_set(desk)
    old_cells = {row[0]: row[2:5] for row in _cells(desk)}
    report = rotate_key(desk, staff="Olivia")
    after = data_keys.ensure_key_set(desk)
    assert report.mails == 2
    assert "and 2 mail(s) re-sealed with the new key, and the old key removed" in (
        report.summary())
    assert list(after.keys) == [after.current] != [before.current]
    for message_id, key_id, *cells, _ref, _purged in _cells(desk):
        assert key_id == after.current
        assert all(new != old for new, old in zip(cells, old_cells[message_id], strict=True))
    [mail] = mail_on_issue(desk, issue.issue_id)
    assert (mail.unreadable, mail.body.count("Box crushed.")) == ("", 1)
    assert unsorted_mail(desk)[0].sender.startswith("Bob Nocanary")


def test_a_mail_that_cannot_be_opened_keeps_its_key_through_a_rotation(desk):
    before = data_keys.ensure_key_set(desk)
    with desk.begin() as conn:      # one mail's body moved onto the other: it cannot open
        conn.execute(sa.text("UPDATE mail_message SET sealed_body = (SELECT sealed_body FROM "
                             "mail_message WHERE message_id = 'on-issue@relay') "
                             "WHERE message_id = 'unsorted@relay'"))
    report = rotate_key(desk)
    assert report.mails == 1
    assert len(report.unreadable) == 1
    assert "the old key kept for the mail that could not be read" in report.summary()
    after = data_keys.ensure_key_set(desk)
    assert set(after.keys) == {before.current, after.current}     # still rotating
    [mail] = unsorted_mail(desk)
    assert mail.sender.startswith("Bob Nocanary")   # its other cells, under the old key, open
