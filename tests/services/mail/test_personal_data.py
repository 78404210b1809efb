"""The mailbox's buyer personal data (#25): mail read from a real Dovecot is purged on the
schedule of the buyer details typed today — with its issue, or, on no issue, counted from
its own arrival — all in the purge's one transaction; a key rotation re-seals every mail
and never retires a key a mail still needs."""

import json
import logging
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


# -- the canary ----------------------------------------------------------------------------
NAME, PHONE, STREET = "Pomona Canaryfield", "+1 555 0199 3731", "48 Quillcanary Lane"
SUBJECT, PHOTO_MARK, STRAY = "Quokkacanary parcel", b"PHOTOCANARY-label", b"STRAYCANARY-scan"
REPLY = f"Dear {NAME},\n\nA new lamp is on its way to {STREET}.\n\nKind regards"


def _every_byte(*roots):
    return [(p, p.read_bytes()) for root in roots for p in root.rglob("*") if p.is_file()]


def test_canary_mail_is_in_no_file_but_the_evidence_store_and_nowhere_once_purged(
        sqlite_database, tmp_path, private_home, caplog, dovecot, mail_user, mail_account,
        smtp_server):
    """A buyer's name (From and subject), phone number, address and words, read from the
    real Dovecot and answered through the real SMTP server: after the sync and the reply
    they are in no byte of the database, its WAL, the backups, the app's log (at DEBUG) or
    the exports — only the photo, evidence, is in the evidence store (and a dispute packet,
    which carries the evidence); after the purge they are nowhere at all."""
    from sellerdesk.services.dispute import export_dispute
    from sellerdesk.services.evidence import evidence_on, stored_file
    from sellerdesk.services.imports.orders import import_orders
    from sellerdesk.services.ledger_files import export_ledger
    from sellerdesk.services.mail.account import save_mail_account
    from sellerdesk.services.mail.outbox import send_checked
    from sellerdesk.services.mail.sync import sync_mailbox
    from sellerdesk.services.protection import backups
    from tests.helpers.reports import row, write

    engine = sqlite_database.engine
    write(tmp_path / "orders.txt", [row(ORDER, date="2026-02-20T10:00:00+00:00")])
    import_orders(engine, tmp_path / "orders.txt")
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
        ORDER, buyer=NAME, subject=f"{SUBJECT} (Order: {ORDER})",
        text=f"Please call {PHONE}; the box at {STREET} was crushed.",
        photo=b"\xff\xd8" + PHOTO_MARK * 40, message_id="canary@relay"))
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(     # no order: Unsorted
        None, buyer=NAME, subject=SUBJECT, text=f"Me again, {PHONE}.",
        photo=b"\xff\xd8" + STRAY * 40, message_id="stray@relay"))
    # The app's log as a desk writes it, at DEBUG. Only the session's SMTP server (the
    # other end of the wire, run in this process because it is a test) is left out: its
    # aiosmtpd logger "mail.log" prints each command it receives. SellerDesk never imports
    # aiosmtpd and sets up no logging of its own: its log file is what reaches stderr.
    log_file = tmp_path / "sellerdesk.log"
    handler = logging.FileHandler(log_file)
    handler.addFilter(lambda record: not record.name.startswith("mail.log"))
    handler.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    caplog.set_level(logging.DEBUG)
    exports = tmp_path / "exports"
    exports.mkdir()
    try:
        with time_machine.travel(NOW, tick=False):
            save_mail_account(engine, mail_account, password=mail_user.password)
            report = sync_mailbox(engine)
            assert (report.on_issues, report.unsorted) == (1, 1)
            [issue] = list_issues(engine)
            send_checked(engine, issue_id=issue.issue_id, text=REPLY, staff="Ana")
            [arrived] = smtp_server.received
            assert NAME.encode() in arrived.raw         # it did go out, to the buyer
            export_ledger(engine, exports / "ledger.csv")
            packet = exports / "packet.zip"
            export_dispute(engine, ORDER, packet)
            backups.make_backup(engine, tmp_path / "elsewhere.sqlite3")
            backups.daily_backup(engine)
        [photo] = evidence_on(engine, [issue.issue_id])
        photo_file = stored_file(engine, photo.sha256)
        assert PHOTO_MARK in photo_file.read_bytes()       # evidence, like a photo today
        assert PHOTO_MARK in packet.read_bytes()            # the packet carries evidence
        texts = [NAME, PHONE, STREET, SUBJECT, "Kind regards"]
        files = _every_byte(private_home, tmp_path)
        names = {p.name for p, _ in files}
        assert {"desk.sqlite3", "desk.sqlite3-wal", "elsewhere.sqlite3", "sellerdesk.log",
                "ledger.csv", "packet.zip"} <= names
        assert any(n.startswith("sellerdesk-") for n in names)      # the daily backup
        for path, data in files:
            for marker in texts:
                assert marker.encode() not in data, (marker, path)
            assert STRAY not in data, path        # Unsorted's attachment is not kept
            if path not in (photo_file, packet):
                assert PHOTO_MARK not in data, path
        packet.unlink()    # the seller's own copy of the evidence, theirs to keep or not

        with time_machine.travel(NOW, tick=False):
            purged = purge_personal_data(engine, as_of=date(2026, 4, 2), staff="Ana")
        assert (purged.issue_ids, purged.mails, purged.files) == ([issue.issue_id], 3, 1)
        assert len(purged.backups) == 2
        logging.getLogger("sellerdesk").debug("after the purge")   # the log still works
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    assert not photo_file.exists()
    for path, data in _every_byte(private_home, tmp_path):
        for marker in (*texts, "Box crushed."):
            assert marker.encode() not in data, (marker, path)
        assert PHOTO_MARK not in data, path
        assert STRAY not in data, path
    assert "after the purge" in log_file.read_text()
    app_records = [r.getMessage() for r in caplog.records if not r.name.startswith("mail.log")]
    assert not any(marker in text for text in app_records for marker in texts)
