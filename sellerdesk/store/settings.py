"""Queries for the desk's settings: named values with who set them and when (the reply
template, Amazon's numbers as this desk has them, retention, the demo's mark…)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.store.tables import SETTINGS

set_ = SETTINGS.c


def setting(conn: Connection, *, key: str) -> str | None:
    return conn.execute(sa.select(set_.value).where(set_.key == key)).scalar()


def put_setting(conn: Connection, *, key: str, value: str, by: str, now: datetime) -> None:
    changed = conn.execute(SETTINGS.update().where(set_.key == key)
                           .values(value=value, updated_by=by, updated_at=now)).rowcount
    if not changed:
        conn.execute(SETTINGS.insert().values(key=key, value=value, updated_by=by,
                                              updated_at=now))


def settings_starting(conn: Connection, *, prefix: str) -> dict[str, tuple[str, str, datetime]]:
    """Every setting whose key starts with `prefix`, as key → (value, by, at)."""
    rows = conn.execute(sa.select(set_.key, set_.value, set_.updated_by, set_.updated_at)
                        .where(set_.key.startswith(prefix, autoescape=True)))
    return {r.key: (r.value, r.updated_by, r.updated_at) for r in rows}


def drop_setting(conn: Connection, *, key: str) -> None:
    conn.execute(SETTINGS.delete().where(set_.key == key))
