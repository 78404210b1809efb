"""Queries for the courtesy-credit policy's saved versions: each one's text, who saved
it and when, and which version a restore brought back."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.store.core_tables import POLICY_VERSIONS

p_ = POLICY_VERSIONS.c


def latest_policy(conn: Connection) -> tuple[int, str] | None:
    row = conn.execute(sa.select(p_.id, p_.text).order_by(p_.id.desc()).limit(1)).first()
    return (row.id, row.text) if row else None


def policy_versions(conn: Connection
                    ) -> list[tuple[int, str, str, datetime, int | None, str | None]]:
    rows = conn.execute(sa.select(p_.id, p_.name, p_.created_by, p_.created_at,
                                  p_.restored_from, p_.why).order_by(p_.id.desc()))
    return [tuple(r) for r in rows]


def policy_text(conn: Connection, *, version: int) -> str | None:
    return conn.execute(sa.select(p_.text).where(p_.id == version)).scalar()


def add_policy_version(conn: Connection, *, name: str, text: str, by: str,
                       now: datetime, restored_from: int | None = None,
                       why: str | None = None) -> int:
    return conn.execute(POLICY_VERSIONS.insert().values(
        name=name, text=text, created_by=by, created_at=now, restored_from=restored_from,
        why=why,
    ).returning(p_.id)).scalar_one()
