"""On a team, one desk at a time fetches the shared mailbox: the one holding the lease.

A desk renews its lease with each fetch; a desk that closes gives it up, and one that
disappears (a laptop shut, a crash) lets it lapse after LEASE_FOR, when the next desk
that asks takes it. Every desk reads the mail the fetching desk writes, so nobody misses
any; two desks never fetch at once, so no mail's effects are written twice. A single
desk (SQLite) is the only desk, and needs no lease."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from sellerdesk.core.errors import KnownError
from sellerdesk.services.clock import now
from sellerdesk.store import mail as mail_store
from sellerdesk.store.engine import writing

NAME = "mailbox"
# Longer than the fetch interval (a desk renews on each fetch), short enough that the team
# waits only minutes for mail when the fetching desk is gone.
LEASE_FOR = timedelta(minutes=5)


def this_desk() -> str:
    """The name a desk holds the lease under: its computer and process, so two windows on
    one computer are two desks."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def fetcher(engine: Engine, *, desk: str | None = None) -> str:
    """Take or renew the lease for `desk` (this one by default); returns who holds it
    now. On a single desk, always this one."""
    desk = desk or this_desk()
    if engine.dialect.name != "postgresql":
        return desk
    at = now()
    with writing(engine) as conn:
        return mail_store.take_lease(conn, name=NAME, holder=desk, at=at, until=at + LEASE_FOR)


def release(engine: Engine, *, desk: str | None = None) -> None:
    """This desk closes: the next desk that asks takes the lease at once."""
    if engine.dialect.name != "postgresql":
        return
    try:
        with writing(engine) as conn:
            mail_store.give_up_lease(conn, name=NAME, holder=desk or this_desk())
    except (KnownError, SQLAlchemyError):
        pass      # the server is away: the lease lapses on its own within LEASE_FOR
