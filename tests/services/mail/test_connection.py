"""Connecting the desk to its mailbox, against the session's real Dovecot and SMTP
server: what the check says when all is well, and the one sentence for each fault."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import keyring
import pytest
import time_machine
from keyring.backends import fail

from sellerdesk.services.mail.account import (
    MailAccount,
    MailError,
    mail_account,
    mail_password,
    save_mail_account,
)
from sellerdesk.services.mail.connection import check_mailbox, desk_secret, open_smtp


def test_a_good_connection_checks_out(mail_account, mail_user, dovecot):
    for number in (1, 2):
        dovecot.deliver(mail_user.login, b"Subject: order %d\r\n\r\nHello\r\n" % number)
    where = f"{dovecot.host}:{dovecot.port}"

    checked = check_mailbox(mail_account, mail_user.password)

    assert checked == [
        f"IMAP: signed in to {where} as {mail_user.login}, over TLS.",
        "Folder INBOX: 2 messages.",
        "Sent folder Sent: 0 messages.",
        f"SMTP: {mail_account.smtp_host}:{mail_account.smtp_port} accepts mail from "
        f"{mail_user.address}, signed in as {mail_user.login} over TLS.",
    ]


def test_a_wrong_password_is_named_without_the_password(mail_account, mail_user, dovecot):
    with pytest.raises(MailError) as refused:
        check_mailbox(mail_account, "not-the-password-7731")

    said = str(refused.value)
    assert said.startswith(f"The IMAP server at {dovecot.host}:{dovecot.port} refused the "
                           f"login {mail_user.login} (")
    assert said.endswith("): check the password (an app password where the provider asks "
                         "for one).")
    assert "not-the-password-7731" not in said


def test_a_certificate_for_another_name_is_refused(mail_account, mail_user,
                                                   wrong_name_dovecot):
    # The certificate comes from the trusted CA: only its name is wrong.
    elsewhere = dataclasses.replace(mail_account, imap_port=wrong_name_dovecot.port)

    with pytest.raises(MailError) as refused:
        check_mailbox(elsewhere, mail_user.password)

    assert str(refused.value) == (
        f"The IMAP server at localhost:{wrong_name_dovecot.port} presented a TLS "
        "certificate for another name, not localhost: SellerDesk refused the connection "
        "(the name must match; check the host name your provider gives).")


def test_a_certificate_from_an_untrusted_authority_is_refused(mail_account, mail_user,
                                                              dovecot, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")    # the system's authorities only, as on a desk

    with pytest.raises(MailError) as refused:
        check_mailbox(mail_account, mail_user.password)

    assert str(refused.value).startswith(
        f"The IMAP server at localhost:{dovecot.port} presented a TLS certificate this "
        "computer does not trust (")
    assert str(refused.value).endswith(
        "): SellerDesk refused the connection (a private mail server's authority must be "
        "added to the system's trusted certificates).")


def test_a_server_that_went_away_is_unreachable(mail_account, mail_user, dovecot):
    dovecot.stop()
    try:
        with pytest.raises(MailError) as refused:
            check_mailbox(mail_account, mail_user.password)
    finally:
        dovecot.start()

    assert str(refused.value) == (f"Nothing answers at localhost:{dovecot.port}: the IMAP "
                                  "server is down or the port is wrong.")


def test_a_watched_folder_that_is_missing_is_named(mail_account, mail_user, dovecot):
    dovecot.deliver(mail_user.login, b"Subject: kept\r\n\r\nx\r\n", folder="Amazon/Claims")
    watching = dataclasses.replace(mail_account, folders=("INBOX", "Amazon/Returns"))

    with pytest.raises(MailError) as missing:
        check_mailbox(watching, mail_user.password)

    assert str(missing.value) == (
        f"The folder “Amazon/Returns” is not in the mailbox {mail_user.login} at "
        "localhost; it has INBOX, Amazon, Amazon/Claims, Sent.")


def test_smtp_refusing_the_login_is_named(mail_account, mail_user, smtp_server):
    # IMAP takes the login; the SMTP server knows another one only.
    other = dataclasses.replace(mail_account, smtp_login="outgoing@desk.test")

    with pytest.raises(MailError) as refused:
        check_mailbox(other, mail_user.password)

    assert str(refused.value) == (
        f"The SMTP server at localhost:{smtp_server.port} refused the login "
        "outgoing@desk.test (535 5.7.8 Authentication credentials invalid): check the "
        "password (an app password where the provider asks for one).")


def test_smtp_takes_a_message_and_the_server_has_its_exact_bytes(mail_account, mail_user,
                                                                 smtp_server):
    message = EmailMessage()
    message["From"] = mail_user.address
    message["To"] = "0a1b2c3d4e5f6g7@marketplace.amazon.de"
    message["Subject"] = "Ihre Bestellung 302-1234567-1234567"
    message.set_content("Grüße aus dem Lager.\n.\nEine Zeile, die mit einem Punkt beginnt.\n")
    raw = message.as_bytes(policy=policy.SMTP)   # CRLF line ends, as mail is sent

    with open_smtp(mail_account, mail_user.password) as smtp:
        smtp.sendmail(mail_user.address, ["0a1b2c3d4e5f6g7@marketplace.amazon.de"], raw)

    [arrived] = smtp_server.received
    assert arrived.login == mail_user.login
    assert arrived.mail_from == mail_user.address
    assert arrived.rcpt_tos == ("0a1b2c3d4e5f6g7@marketplace.amazon.de",)
    assert arrived.raw == raw          # the dot-stuffed line undone, nothing else touched


def test_the_password_goes_to_the_keyring_never_the_database(sqlite_database, sqlite_url,
                                                             mail_account, mail_user):
    engine = sqlite_database.engine
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        where = save_mail_account(engine, mail_account, password=mail_user.password)

    assert where == ("The mailbox password is kept in the OS keyring (MemoryKeyring); never "
                     "in the database, a log or an export.")
    assert mail_account == mail_account_saved(engine)
    assert keyring.get_keyring().secrets[("SellerDesk", "mail-password")] == mail_user.password
    engine.dispose()
    stored = b"".join(path.read_bytes() for path in Path(sqlite_url).parent.iterdir()
                      if path.name.startswith(Path(sqlite_url).name))
    assert mail_user.login.encode() in stored           # the account is there…
    assert mail_user.password.encode() not in stored    # …its password is not
    # And the kept password signs in.
    assert check_mailbox(mail_account_saved(engine), desk_secret(engine, mail_account))[0] \
        .startswith("IMAP: signed in to ")


def mail_account_saved(engine) -> MailAccount | None:
    return mail_account(engine)


def test_without_a_keyring_the_password_lasts_this_session(sqlite_database, mail_account,
                                                           mail_user):
    keyring.set_keyring(fail.Keyring())
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        where = save_mail_account(sqlite_database.engine, mail_account,
                                  password=mail_user.password)

    assert where == ("No OS keyring works on this computer: the mailbox password is kept "
                     "for this session only (never on disk), so enter it again next time.")
    assert mail_password(sqlite_database.engine, mail_account) == mail_user.password


def test_an_account_missing_its_address_is_not_saved(sqlite_database, mail_account):
    with pytest.raises(MailError) as refused:
        save_mail_account(sqlite_database.engine,
                          dataclasses.replace(mail_account, address="orders"), password="x")

    assert str(refused.value) == "The mailbox cannot be saved: 'orders' is not an email address."
    assert mail_account_saved(sqlite_database.engine) is None
