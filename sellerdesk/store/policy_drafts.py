"""Queries for policy drafts: a policy saved unapplied with a note, the version it was
based on, and what became of it (applied as a version, or withdrawn). A draft is never
deleted or its text changed: only what became of it is written, once."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from sellerdesk.store.core_tables import POLICY_DRAFTS

d_ = POLICY_DRAFTS.c
COLUMNS = (d_.id, d_.name, d_.text, d_.note, d_.created_at, d_.created_by, d_.based_on,
           d_.applied_as, d_.applied_by, d_.applied_at, d_.withdrawn_by, d_.withdrawn_at)


def add_draft(conn: Connection, *, name: str, text: str, note: str, by: str, now: datetime,
              based_on: int) -> int:
    return conn.execute(POLICY_DRAFTS.insert().values(
        name=name, text=text, note=note, created_by=by, created_at=now, based_on=based_on,
    ).returning(d_.id)).scalar_one()


def drafts(conn: Connection) -> list[Row]:
    """Every draft, newest first, in COLUMNS' order."""
    return list(conn.execute(sa.select(*COLUMNS).order_by(d_.id.desc())))


def draft(conn: Connection, *, draft_id: int) -> Row | None:
    return conn.execute(sa.select(*COLUMNS).where(d_.id == draft_id)).first()


def _still_open(draft_id: int):
    return sa.and_(d_.id == draft_id, d_.applied_as.is_(None), d_.withdrawn_at.is_(None))


def mark_applied(conn: Connection, *, draft_id: int, version: int, by: str,
                 now: datetime) -> bool:
    """False when the draft was no longer open (another desk decided it meanwhile)."""
    done = conn.execute(POLICY_DRAFTS.update().where(_still_open(draft_id))
                        .values(applied_as=version, applied_by=by, applied_at=now))
    return done.rowcount == 1


def mark_withdrawn(conn: Connection, *, draft_id: int, by: str, now: datetime) -> bool:
    done = conn.execute(POLICY_DRAFTS.update().where(_still_open(draft_id))
                        .values(withdrawn_by=by, withdrawn_at=now))
    return done.rowcount == 1
