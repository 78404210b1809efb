"""`sellerdesk mail sync` and `mail send` (PRODUCT.md §8) against the session's real Dovecot
and SMTP server: a German buyer's message read in, answered in German, the clock stopped."""

import json
from datetime import UTC, datetime

import time_machine

from sellerdesk.cli import main
from sellerdesk.services.database import open_database
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import list_issues
from sellerdesk.services.mail.account import save_mail_account
from tests.helpers import amazon_mail
from tests.helpers.reports import row, write

GERMAN_ORDER = "302-1234567-7654321"
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_mail_sync_then_send_answers_in_german(capsys, sqlite_url, tmp_path, mail_account,
                                               mail_user, dovecot, smtp_server, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    report = write(tmp_path / "orders.txt", [
        row(GERMAN_ORDER, channel="Amazon.de", currency="EUR", title="Messinglampe",
            price="59.00")])
    with time_machine.travel(NOW, tick=False):
        with open_database(sqlite_url) as db:
            import_orders(db.engine, report)
            save_mail_account(db.engine, mail_account, password=mail_user.password)
        dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
            GERMAN_ORDER, marketplace="DE", text="Die Lampe kam zerbrochen an."))
        code, out, _err = run(capsys, "--db", sqlite_url, "mail", "sync")
        assert (code, out) == (0, "1 new mail; 1 on issues (1 new).\n")
        code, out, _err = run(capsys, "--db", sqlite_url, "mail", "sync", "--json")
        assert code == 0
        assert json.loads(out)["read"] == 0
        code, out, err = run(capsys, "--db", sqlite_url, "mail", "send", "1")
    assert err == ""
    assert code == 0, out
    assert out.startswith("Reply sent by e-mail (mail 2); the 24-hour clock stopped.")
    [arrived] = smtp_server.received
    assert list(arrived.rcpt_tos) == [amazon_mail.relay_address("DE")]
    body = arrived.raw.decode("utf-8", errors="replace")
    assert "Hallo" in body or "Guten Tag" in body          # drafted in German
    with open_database(sqlite_url) as db:
        [issue] = list_issues(db.engine)
    assert issue.reply_due_at is None


def test_mail_sync_without_a_mailbox_says_where_to_connect_one(capsys, sqlite_url):
    code, out, err = run(capsys, "--db", sqlite_url, "mail", "sync")
    assert code == 1
    assert out == ""
    assert err == ("sellerdesk: No mailbox is connected: connect one in Settings › Mail (or "
                   "note messages by hand with Note message…).\n")
