"""The security log's queries: appended by the services, pruned after 12 months."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.store.tables import SECURITY_EVENTS

se_ = SECURITY_EVENTS.c


def add_event(conn: Connection, *, at: datetime, actor: str, action: str, detail: str) -> None:
    # inline: the id is the server's to give; fetching it first costs a round trip
    conn.execute(SECURITY_EVENTS.insert().inline().values(at=at, actor=actor, action=action,
                                                 detail=detail))


def prune(conn: Connection, *, before: datetime) -> int:
    return conn.execute(SECURITY_EVENTS.delete().where(se_.at < before)).rowcount


def events(conn: Connection, *, limit: int | None = None) -> list[tuple[datetime, str, str, str]]:
    """Newest first: (at, actor, action, detail)."""
    query = (sa.select(se_.at, se_.actor, se_.action, se_.detail)
             .order_by(se_.at.desc(), se_.id.desc()))
    if limit is not None:
        query = query.limit(limit)
    return [tuple(r) for r in conn.execute(query)]
