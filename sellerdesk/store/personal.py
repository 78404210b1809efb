"""Queries for buyer personal data: sealed cells per issue and field, found for a purge by
their order's date, and re-sealed by a key rotation."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.store.tables import ISSUES, ORDERS, PERSONAL_DATA

pd_, is_ = PERSONAL_DATA.c, ISSUES.c


def put_cell(conn: Connection, *, issue_id: int, field: str, sealed: bytes, key_id: int,
             by: str, at: datetime) -> None:
    drop_cell(conn, issue_id=issue_id, field=field)
    conn.execute(PERSONAL_DATA.insert().values(issue_id=issue_id, field=field, sealed=sealed,
                                               key_id=key_id, entered_by=by, entered_at=at))


def drop_cell(conn: Connection, *, issue_id: int, field: str) -> None:
    conn.execute(PERSONAL_DATA.delete().where(pd_.issue_id == issue_id, pd_.field == field))


def cells(conn: Connection, *, issue_id: int) -> dict[str, bytes]:
    rows = conn.execute(sa.select(pd_.field, pd_.sealed).where(pd_.issue_id == issue_id))
    return {field: bytes(sealed) for field, sealed in rows}


def purged_at(conn: Connection, *, issue_id: int) -> datetime | None:
    return conn.execute(sa.select(is_.personal_data_purged_at)
                        .where(is_.id == issue_id)).scalar()


def order_date_of(conn: Connection, *, issue_id: int) -> datetime | None:
    return conn.execute(sa.select(ORDERS.c.purchase_date)
                        .join(ISSUES, is_.order_id == ORDERS.c.order_id)
                        .where(is_.id == issue_id)).scalar()


def due(conn: Connection, *, ordered_before: datetime) -> list[tuple[int, int]]:
    """(issue id, cells) for every issue holding personal data whose order was placed
    before the date."""
    query = (sa.select(pd_.issue_id, sa.func.count())
             .join(ISSUES, is_.id == pd_.issue_id)
             .join(ORDERS, ORDERS.c.order_id == is_.order_id)
             .where(ORDERS.c.purchase_date < ordered_before)
             .group_by(pd_.issue_id).order_by(pd_.issue_id))
    return [(issue_id, count) for issue_id, count in conn.execute(query)]


def purge(conn: Connection, *, issue_ids: Collection[int], at: datetime) -> int:
    """Delete the issues' personal data and mark them purged; the issues stay."""
    deleted = 0
    ids = sorted(issue_ids)
    for start in range(0, len(ids), 500):     # within every backend's bound-parameter limit
        chunk = ids[start:start + 500]
        deleted += conn.execute(PERSONAL_DATA.delete().where(pd_.issue_id.in_(chunk))).rowcount
        conn.execute(ISSUES.update().where(is_.id.in_(chunk))
                     .values(personal_data_purged_at=at))
    return deleted


def cells_not_sealed_with(conn: Connection, *, key_id: int) -> list[tuple[int, str, bytes]]:
    rows = conn.execute(sa.select(pd_.issue_id, pd_.field, pd_.sealed)
                        .where(pd_.key_id != key_id).order_by(pd_.issue_id, pd_.field))
    return [(issue_id, field, bytes(sealed)) for issue_id, field, sealed in rows]


def reseal(conn: Connection, *, issue_id: int, field: str, sealed: bytes, key_id: int) -> None:
    conn.execute(PERSONAL_DATA.update()
                 .where(pd_.issue_id == issue_id, pd_.field == field)
                 .values(sealed=sealed, key_id=key_id))


def count_cells(conn: Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(PERSONAL_DATA)).scalar_one()
