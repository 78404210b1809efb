"""The mailbox (#25), against a real Dovecot and SMTP server started here (the test
session's, tests/helpers/mail_servers.py): the first sync of a 20,000-message mailbox
(target ≤ 60 s, peak memory of the syncing process ≤ 300 MB), an incremental sync with
nothing new (≤ 1 s), a reply accepted by SMTP (≤ 1 s), and a new message on the desk
while IDLE waits (≤ 5 s after it reached the server).

Baselines in the same run: a bare imaplib FETCH of every message in the same batches (the
least a first sync must do), a bare SELECT + UID SEARCH (the least an incremental sync
asks), a bare smtplib send of the same reply, and a bare APPEND then SEARCH (how soon the
server itself shows a new mail).

The mailbox is a seller's: one mail in ten a buyer's message about one of 500 orders on
the desk, the rest for Unsorted. The first sync runs in a process of its own, which
reports its own peak RSS (ru_maxrss): the memory the desk's sync needs, not the bench's.
Quick: 2,000 messages. Run: python -m bench.mail [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.table import Row, markdown_table

ORDERS = 500
REPLY = "Hello,\n\nWe are sorry the lamp arrived broken. A new one is on its way.\n\nKind regards"


def _order_id(n: int) -> str:
    return f"114-{n:07d}-5550000"


def _mailbox(count: int) -> list[bytes]:
    """`count` mails from 20 built ones, each with a Message-ID of its own (building each
    with the email package would take longer than the sync)."""
    from tests.helpers import amazon_mail
    templates = []
    for k in range(20):
        order = _order_id(k) if k < 2 else None          # 2 in 20: on an order
        templates.append(amazon_mail.buyer_message(
            order, message_id=f"TEMPLATE{k:02d}@relay", text=f"Mail kind {k}."))
    raws = []
    for n in range(count):
        k = n % 20
        raw = templates[k].replace(f"TEMPLATE{k:02d}@relay".encode(), f"m{n:06d}@relay".encode())
        if k < 2:     # the buyer mail of each order in turn
            raw = raw.replace(_order_id(k).encode(), _order_id(n // 10 % ORDERS).encode())
        raws.append(raw)
    return raws


def _desk(folder: Path) -> str:
    """A desk with ORDERS orders; returns its database path."""
    from sellerdesk.services.database import open_database
    from sellerdesk.services.imports.orders import import_orders
    from tests.helpers.reports import row, write
    path = folder / "desk.sqlite3"
    with open_database(str(path)) as db:
        import_orders(db.engine, write(folder / "orders.txt", [
            row(_order_id(n), date="2026-02-20T10:00:00+00:00") for n in range(ORDERS)]))
    return str(path)


def _child_sync(db: str, host: str, port: int, login: str, password: str) -> None:
    """In a process of its own: the first sync, then one with nothing new; prints JSON."""
    import keyring

    from sellerdesk.services.database import open_database
    from sellerdesk.services.mail.account import MailAccount, save_mail_account
    from sellerdesk.services.mail.sync import sync_mailbox
    from tests.helpers.memory_keyring import MemoryKeyring
    keyring.set_keyring(MemoryKeyring())
    with open_database(db) as desk:
        save_mail_account(desk.engine, MailAccount(
            imap_host=host, imap_port=port, smtp_host=host, login=login, address=login),
            password=password)
        started = time.perf_counter()
        first = sync_mailbox(desk.engine)
        took = time.perf_counter() - started
        started = time.perf_counter()
        again = sync_mailbox(desk.engine)
        incremental = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux
    print(json.dumps({"took": took, "new": first.new, "incremental": incremental,
                      "again": again.read, "peak_mb": peak}))


def _bare_fetch(servers, login: str) -> float:
    started = time.perf_counter()
    with servers.dovecot.imap(login) as imap:
        imap.select("INBOX", readonly=True)
        _, [uids] = imap.uid("SEARCH", None, "ALL")
        numbers = uids.split()
        for at in range(0, len(numbers), 200):
            imap.uid("FETCH", b",".join(numbers[at:at + 200]).decode(), "(UID BODY.PEEK[])")
    return time.perf_counter() - started


def _bare_search(servers, login: str) -> float:
    with servers.dovecot.imap(login) as imap:
        started = time.perf_counter()
        imap.select("INBOX", readonly=True)
        imap.uid("SEARCH", None, "UID 999999:*")
        return time.perf_counter() - started


def _best(runs: int, measure) -> float:
    return min(measure() for _ in range(runs))


def measure(quick: bool) -> list[Row]:
    from tests.helpers.mail_servers import MailServers
    count = 2_000 if quick else 20_000
    servers = MailServers()
    folder = Path(tempfile.mkdtemp(prefix="sdbench-mail-"))
    os.environ["SSL_CERT_FILE"] = str(servers.certificates.ca_file)   # trust, as tests do
    try:
        servers.start()
        login, password = servers.dovecot.new_user()
        servers.smtp.add_user(login, password)
        servers.dovecot.deliver_many(login, _mailbox(count))
        db = _desk(folder)
        baseline = _bare_fetch(servers, login)
        answer = subprocess.run(
            [sys.executable, "-m", "bench.mail", "--child-sync", db, servers.dovecot.host,
             str(servers.dovecot.port), login, password],
            check=True, capture_output=True, text=True,
            cwd=Path(__file__).resolve().parents[1])
        child = json.loads(answer.stdout.strip().splitlines()[-1])
        assert child["new"] == count, child
        assert child["again"] == 0, child
        search = _best(5, lambda: _bare_search(servers, login))
        rows = [
            Row(f"first sync, {count:,} mails (own process)",
                f"{child['took']:.1f} s (bare imaplib FETCH of all: {baseline:.1f} s, "
                f"{child['took'] / baseline:.1f}×); peak RSS {child['peak_mb']:.0f} MB",
                "≤ 60 s at 20,000, ≤ 300 MB"),
            Row("incremental sync, nothing new",
                f"{child['incremental'] * 1000:.0f} ms (bare SELECT + UID SEARCH: "
                f"{search * 1000:.1f} ms)", "≤ 1 s"),
        ]
        rows += _send_and_idle(servers, login, password, folder)
        return rows
    finally:
        servers.close()


def _send_and_idle(servers, login: str, password: str, folder: Path) -> list[Row]:
    """A small desk of its own: a buyer's mail read in, answered; then a new one waited
    for with IDLE."""
    import keyring

    from sellerdesk.services.database import open_database
    from sellerdesk.services.issues import list_issues
    from sellerdesk.services.mail.account import MailAccount, save_mail_account
    from sellerdesk.services.mail.connection import desk_secret
    from sellerdesk.services.mail.idle import FolderMark, wait_for_mail
    from sellerdesk.services.mail.outbox import send_checked
    from sellerdesk.services.mail.sync import sync_mailbox
    from tests.helpers import amazon_mail
    from tests.helpers.memory_keyring import MemoryKeyring
    keyring.set_keyring(MemoryKeyring())
    login2, password2 = servers.dovecot.new_user()
    servers.smtp.add_user(login2, password2)
    small = folder / "small"
    small.mkdir()
    with open_database(_desk(small)) as desk:
        engine = desk.engine
        account = MailAccount(imap_host=servers.dovecot.host, imap_port=servers.dovecot.port,
                              smtp_host=servers.smtp.host, smtp_port=servers.smtp.port,
                              login=login2, address=login2)
        save_mail_account(engine, account, password=password2)
        servers.dovecot.deliver(login2, amazon_mail.buyer_message(
            _order_id(1), message_id="first@relay"))
        sync_mailbox(engine)
        [issue] = list_issues(engine)
        sends = []
        for _ in range(5):
            started = time.perf_counter()
            send_checked(engine, issue_id=issue.issue_id, text=REPLY, staff="Ana")
            sends.append(time.perf_counter() - started)
        bare = []
        for _ in range(5):
            started = time.perf_counter()
            with smtplib.SMTP(servers.smtp.host, servers.smtp.port, timeout=30) as smtp:
                smtp.starttls()
                smtp.login(login2, password2)
                smtp.sendmail(login2, [amazon_mail.relay_address()], REPLY.encode())
            bare.append(time.perf_counter() - started)
        rows = [Row("reply sent, accepted by SMTP (guard, TLS, sign-in, send, Sent copy)",
                    f"{min(sends) * 1000:.0f} ms (bare smtplib send: "
                    f"{min(bare) * 1000:.0f} ms)", "≤ 1 s")]

        # IDLE: the window's wait, then its sync, until the mail is on the desk.
        secret = desk_secret(engine, account)
        mark = FolderMark()
        wait_for_mail(account, secret, timeout=0.01, cancelled=lambda: False, mark=mark)
        latencies = []
        for n in range(3):
            arrived = threading.Event()

            def waiting(arrived: threading.Event = arrived) -> None:
                if wait_for_mail(account, secret, timeout=30, cancelled=lambda: False,
                                 mark=mark):
                    arrived.set()
            waiter = threading.Thread(target=waiting)
            waiter.start()
            time.sleep(0.5)                      # the wait is in IDLE by now
            delivered = time.perf_counter()
            servers.dovecot.deliver(login2, amazon_mail.buyer_message(
                _order_id(1), message_id=f"idle{n}@relay", text=f"Any news? ({n})"))
            waiter.join()
            assert arrived.is_set()
            assert sync_mailbox(engine).new == 1
            latencies.append(time.perf_counter() - delivered)
        bare_seen = []
        for n in range(3):
            with servers.dovecot.imap(login2) as imap:
                imap.select("INBOX", readonly=True)
                started = time.perf_counter()
                servers.dovecot.deliver(login2, f"Subject: bare {n}\r\n\r\nx\r\n".encode())
                imap.noop()
                imap.uid("SEARCH", None, "ALL")
                bare_seen.append(time.perf_counter() - started)
        rows.append(Row("new mail on the desk while IDLE waits (after delivery)",
                        f"{max(latencies) * 1000:.0f} ms worst of 3 (bare APPEND, then NOOP "
                        f"+ SEARCH: {max(bare_seen) * 1000:.0f} ms)", "≤ 5 s"))
    return rows


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child-sync":
        db, host, port, login, password = sys.argv[2:7]
        _child_sync(db, host, int(port), login, password)
        return
    parser = argparse.ArgumentParser(prog="python -m bench.mail", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(markdown_table(measure(args.quick)))


if __name__ == "__main__":
    main()
