"""The team's one mailbox (#25) on the real PostgreSQL cluster, read from the real Dovecot
and answered through the real SMTP server: two desks (two logins, two engines), one
fetches at a time by the lease, the other takes over when that desk's lease lapses, every
desk reads every mail, and a reply sent at one desk is sent at the other. Agents do all of
it with their own grants; a single desk's mail moves with `team migrate-from`."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from sellerdesk.services.database import open_database
from sellerdesk.services.evidence import evidence_on
from sellerdesk.services.issues import list_issues
from sellerdesk.services.mail import lease
from sellerdesk.services.mail.account import save_mail_account
from sellerdesk.services.mail.inbox import mail_on_issue
from sellerdesk.services.mail.outbox import send_checked
from sellerdesk.services.mail.sync import sync_mailbox
from sellerdesk.services.team.setup import migrate_from, team_init
from sellerdesk.store.engine import reading
from tests.helpers import amazon_mail
from tests.helpers.teams import ORDER, as_login, make_team

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
PHOTO = b"\xff\xd8\xff\xe0 photo of the crushed box " * 100
REPLY = "Hello,\n\nWe are sorry about the box. A new lamp is on its way.\n\nKind regards"


def _mail_count(engine) -> int:
    with reading(engine) as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM mail_message").scalar_one()


def test_one_desk_fetches_the_other_takes_over_and_both_see_every_mail_and_reply(
        postgres, tmp_path, dovecot, mail_user, mail_account, smtp_server):
    url, _key = make_team(postgres, tmp_path, ana={"role": "agent"}, ben={"role": "agent"})
    with time_machine.travel(NOW, tick=False) as clock:
        with open_database(url) as owner:
            said = save_mail_account(owner.engine, mail_account, password=mail_user.password)
        assert "kept in the team database, sealed with the team key" in said
        dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
            ORDER, message_id="first@relay", text="The box came crushed.", photo=PHOTO))
        with open_database(as_login(url, "ana")) as ana, \
                open_database(as_login(url, "ben")) as ben:
            first = sync_mailbox(ana.engine, desk="ana's desk")
            assert first.summary() == "1 new mail; 1 on issues (1 new)."
            skipped = sync_mailbox(ben.engine, desk="ben's desk")
            assert skipped.summary() == "Another desk of the team fetches the mail (ana's desk)."
            [issue] = list_issues(ben.engine)               # ben sees what ana's desk read
            [seen] = mail_on_issue(ben.engine, issue.issue_id)
            assert "The box came crushed." in seen.body
            assert [e.name for e in evidence_on(ben.engine, [issue.issue_id])] == [
                "IMG_2041.jpg"]

            # Ana's desk disappears (a laptop shut): once its lease lapses, ben's takes it.
            dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
                ORDER, message_id="second@relay", in_reply_to="first@relay",
                text="Any news?"))
            clock.shift(lease.LEASE_FOR - timedelta(seconds=1))
            assert sync_mailbox(ben.engine, desk="ben's desk").fetched_by == "ana's desk"
            clock.shift(timedelta(seconds=2))
            taken = sync_mailbox(ben.engine, desk="ben's desk")
            assert taken.summary() == "1 new mail; 1 on issues (0 new)."
            assert sync_mailbox(ana.engine, desk="ana's desk").fetched_by == "ben's desk"
            assert _mail_count(ana.engine) == 2                   # nothing read twice
            assert [m.body.count("Any news?") for m in mail_on_issue(
                ana.engine, issue.issue_id)] == [0, 1]

            # A reply sent at ana's desk is sent at ben's: the clock stopped, the mail shown.
            sent = send_checked(ana.engine, issue_id=issue.issue_id, text=REPLY, staff="ana")
            [arrived] = smtp_server.received
            assert f"<{sent.message_id}>".encode() in arrived.raw
            [at_ben] = list_issues(ben.engine)
            assert at_ben.reply_due_at is None
            shown = mail_on_issue(ben.engine, issue.issue_id)
            assert [(m.direction, m.state, m.by) for m in shown][-1] == ("out", "sent", "ana")
            assert "A new lamp is on its way." in shown[-1].body
            lease.release(ben.engine, desk="ben's desk")          # ben closes: ana fetches
            assert sync_mailbox(ana.engine, desk="ana's desk").summary() == "No new mail."


def test_a_single_desks_mail_moves_with_migrate_from_and_the_team_reads_on(
        postgres, tmp_path, sqlite_url, dovecot, mail_user, mail_account):
    from tests.helpers.reports import row, write
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
        ORDER, message_id="before@relay", text="Sent before the move."))
    with time_machine.travel(NOW, tick=False):
        with open_database(sqlite_url) as single:
            from sellerdesk.services.imports.orders import import_orders
            import_orders(single.engine, write(tmp_path / "o.txt", [row(ORDER)]))
            save_mail_account(single.engine, mail_account, password=mail_user.password)
            assert sync_mailbox(single.engine).new == 1
        url = postgres.new_database()
        db, _ = team_init(url)
        with db:
            moved = migrate_from(db.engine, sqlite_url)
            assert moved.rows["mail_message"] == 1
            assert moved.rows["mail_folder"] == 1
        dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
            ORDER, message_id="after@relay", text="Sent after the move."))
        with open_database(url) as team:
            [issue] = list_issues(team.engine)
            [before] = mail_on_issue(team.engine, issue.issue_id)
            assert "Sent before the move." in before.body           # its seal still opens
            # The mailbox's password came too, and the folder is read on from where it was.
            assert sync_mailbox(team.engine, desk="the team's first desk").new == 1
            assert [m.body.count("after the move") for m in mail_on_issue(
                team.engine, issue.issue_id)] == [0, 1]


def test_a_desk_whose_lease_another_took_mid_sync_stops_without_writing(
        postgres, tmp_path, dovecot, mail_user, mail_account, monkeypatch):
    """A first sync can outlast the lease: each batch renews it in its own transaction,
    and a desk that finds another holding it stops there instead of fetching beside it
    (two desks writing one mailbox collided on the Message-ID's unique key)."""
    import sellerdesk.services.mail.sync as sync_module
    from sellerdesk.services.mail.sync import sync_folders
    monkeypatch.setattr(sync_module, "BATCH_MAILS", 2)
    url, _key = make_team(postgres, tmp_path, ana={"role": "agent"}, ben={"role": "agent"})
    for n in range(6):
        dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
            ORDER, message_id=f"m{n}@relay"))
    with time_machine.travel(NOW, tick=False) as clock:
        with open_database(url) as owner:
            save_mail_account(owner.engine, mail_account, password=mail_user.password)
        ana, ben = open_database(as_login(url, "ana")), open_database(as_login(url, "ben"))
        assert lease.fetcher(ana.engine, desk="ana's desk") == "ana's desk"
        batches = []

        def ben_takes_over_after_the_first_batch():
            batches.append(True)
            if len(batches) == 2:                  # ana's desk stalls past its lease
                clock.shift(lease.LEASE_FOR + timedelta(seconds=1))
                assert lease.fetcher(ben.engine, desk="ben's desk") == "ben's desk"
            return False
        with dovecot.imap(mail_user.login) as imap:
            report = sync_folders(ana.engine, imap, account=mail_user.login,
                                  folders=("INBOX",), desk="ana's desk",
                                  cancelled=ben_takes_over_after_the_first_batch)
        assert report.fetched_by == "ben's desk"
        assert (report.read, report.new) == (2, 2)        # the first batch only
        assert _mail_count(ben.engine) == 2
        assert sync_mailbox(ben.engine, desk="ben's desk").summary() == (
            "4 new mails; 4 on issues (0 new).")
        assert _mail_count(ana.engine) == 6
        ana.engine.dispose()
        ben.engine.dispose()
