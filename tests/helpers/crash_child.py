"""Children for the crash tests, forked from one process that has already imported
SellerDesk (a fork takes milliseconds; a fresh interpreter a second), so 200 kills fit
in the regular test run.

`python -m tests.helpers.crash_child` reads one JSON command per line on stdin —
{"do": MODE, ...} — forks a child to do it, and prints the child's pid; {"reap": PID}
waits for that child and prints its exit status. Each child appends what it committed to
its report file, one line per commit, written after the commit returns: a line in the
report is a promise the database must keep however the child dies.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

import keyring

from sellerdesk.core.errors import KnownError
from sellerdesk.services.at_desk import DeskError
from sellerdesk.services.credits import issue_credit, reverse_credit
from sellerdesk.services.database import open_database
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.protection import backups, personal_data, pins
from sellerdesk.services.protection.purge import purge_personal_data
from tests.helpers.file_keyring import VARIABLE, FileKeyring
from tests.helpers.staffing import PIN


def _credits(engine, report: int, seed: int, issues: list[int], **_) -> None:
    """Give and reverse small credits for ever (until killed)."""
    rng = random.Random(seed)
    last = None
    while True:
        if last is not None and rng.random() < 0.5:
            done = reverse_credit(engine, credit_id=last, reason="crash test",
                                  staff="Olivia")
            last = None
        else:
            done = issue_credit(engine, issue_id=rng.choice(issues), amount="0.01",
                                reason="crash test", staff="Olivia")
            last = done.credit_id
        os.write(report, f"{done.credit_id} {done.entry_hash}\n".encode())


def _race(engine, report: int, issue: int, staff: str, go: str, **_) -> None:
    """Once `go` exists, give 1.00 at a time on one issue until the order has nothing
    left."""
    while not Path(go).exists():
        time.sleep(0.001)
    while True:
        try:
            done = issue_credit(engine, issue_id=issue, amount="1.00", reason="race",
                                staff=staff)
        except DeskError as exc:
            if "more than is left" in str(exc):
                os.write(report, b"full\n")
                return
            raise
        os.write(report, f"{done.credit_id} {done.entry_hash}\n".encode())
        # A moment between credits, as between two clicks: without it one process takes
        # the write lock back the instant it lets go, and the other only ever waits.
        time.sleep(0.002)


def _hot(engine, report: int, issues: list[int], credits: int, seed: int, go: str,
         **_) -> None:
    """Once `go` exists, try `credits` credits of 1.00, each on one of a few hot issues;
    report each given credit, and each refusal because its order is full."""
    rng = random.Random(seed)
    while not Path(go).exists():
        time.sleep(0.001)
    for _ in range(credits):
        issue = rng.choice(issues)
        try:
            done = issue_credit(engine, issue_id=issue, amount="1.00", reason="hot",
                                staff="Olivia")
        except DeskError as exc:
            if "more than is left" not in str(exc):
                raise
            os.write(report, f"full {issue}\n".encode())
            continue
        if done.pending:          # the owner approves her own: a request here is a bug
            raise RuntimeError(f"credit on issue {issue} waits for approval")
        os.write(report, f"{done.credit_id} {issue}\n".encode())


def _import(engine, report: int, file: str, **_) -> None:
    import_orders(engine, Path(file), in_worker=False)
    os.write(report, b"done\n")


def _purge(engine, report: int, as_of: str, **_) -> None:
    purge_personal_data(engine, as_of=date.fromisoformat(as_of), staff="Olivia")
    os.write(report, b"done\n")


def _rotate(engine, report: int, **_) -> None:
    personal_data.rotate_key(engine, staff="Olivia")
    os.write(report, b"done\n")


def _backup(engine, report: int, target: str, **_) -> None:
    backups.make_backup(engine, Path(target), staff="Olivia")
    os.write(report, b"done\n")


def _mail(engine, report: int, host: str, port: int, login: str, password: str,
          ca_file: str, batch: int, **_) -> None:
    """Read the mailbox (small batches, so a kill falls between and within them); one
    report line per batch written."""
    import imaplib
    import ssl

    from sellerdesk.services.mail import sync
    sync.BATCH_MAILS = batch
    context = ssl.create_default_context(cafile=ca_file)
    with imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=30) as imap:
        imap.login(login, password)
        sync.sync_folders(engine, imap, account=login, folders=("INBOX",),
                          progress=lambda done, _text: os.write(report, f"{done}\n".encode()))
    os.write(report, b"done\n")


MODES = {"credits": _credits, "race": _race, "hot": _hot, "import": _import, "purge": _purge,
         "rotate": _rotate, "backup": _backup, "mail": _mail}


def _child(command: dict) -> None:
    report = os.open(command["report"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        args = {k: v for k, v in command.items() if k not in ("do", "db", "report")}
        with open_database(command["db"]) as db:
            MODES[command["do"]](db.engine, report, **args)
    except KnownError as exc:
        os.write(report, f"error: {exc}\n".encode())
        os._exit(1)
    except BaseException as exc:  # a bug: the test reads it in the report
        os.write(report, f"bug: {type(exc).__name__}: {exc}\n".encode())
        os._exit(2)
    os._exit(0)


_pin_given: set[str] = set()


def _give_pin_once(db: str) -> None:
    """The owner gives her PIN once, here, as at a desk: each forked child inherits it.
    In the child it would cost every run a memory-hard hash before the work begins, and
    a kill "at a random moment of the work" would mostly land in the hash instead (the
    test asks for this before it starts timing)."""
    if db in _pin_given:
        return
    with open_database(db) as opened:
        if pins.has_pin(opened.engine, "Olivia"):
            pins.elevate(opened.engine, "Olivia", PIN)
            _pin_given.add(db)
    # open_database's engine is disposed on leaving: no connection crosses the fork


def main() -> None:
    if os.environ.get(VARIABLE):
        keyring.set_keyring(FileKeyring())
    print("ready", flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if "reap" in command:
            _, status = os.waitpid(command["reap"], 0)
            print(status, flush=True)
            continue
        if "pin" in command:
            _give_pin_once(command["pin"])
            print("ok", flush=True)
            continue
        pid = os.fork()
        if pid == 0:
            sys.stdin.close()
            _child(command)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
