"""Queries for buyer personal data: sealed cells per issue and field, found for a purge by
their order's date, and re-sealed by a key rotation."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.core.deadlines import EVENTS
from sellerdesk.store.tables import (
    EVIDENCE,
    ISSUES,
    MAIL_MESSAGES,
    ORDERS,
    PERSONAL_DATA,
    TIMELINE,
)

pd_, is_, tl_ = PERSONAL_DATA.c, ISSUES.c, TIMELINE.c

# Free text is personal where a person wrote it about the buyer: the issue's note, the
# messages (what the buyer wrote, and the replies that answer them by name), and the note
# after "Open → Resolved: " or an event's label. What stays is SellerDesk's own wording:
# the kinds, times, actors, statuses, amounts — the dispute record without the buyer.
MESSAGE_KINDS = ("buyer_message", "reply", "reply_late")
NOTED_KINDS = ("status", *EVENTS)
PURGED_TEXT = "(purged with the buyer's personal data)"
_NOTE_MARK = ": "


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


def _personal_text():
    """Timeline lines that still carry text a person wrote."""
    return sa.or_(sa.and_(tl_.kind.in_(MESSAGE_KINDS), tl_.text != PURGED_TEXT),
                  sa.and_(tl_.kind.in_(NOTED_KINDS), tl_.text.contains(_NOTE_MARK)))


def due(conn: Connection, *, ordered_before: datetime,
        with_mail: bool = True) -> list[tuple[int, int]]:
    """(issue id, sealed cells) for every issue whose order was placed before the date
    and that still holds something personal: sealed details, a note, a message or a
    note on the timeline, an evidence file, or a mail not purged yet (`with_mail`: a
    backup from before the mailbox has no mail table)."""
    cells = (sa.select(sa.func.count()).where(pd_.issue_id == is_.id)
             .correlate(ISSUES).scalar_subquery())
    personal = [is_.notes != "",
                sa.exists().where(pd_.issue_id == is_.id),
                sa.exists().where(EVIDENCE.c.issue_id == is_.id),
                sa.exists().where(tl_.issue_id == is_.id, _personal_text())]
    if with_mail:
        personal.append(sa.exists().where(MAIL_MESSAGES.c.issue_id == is_.id,
                                          MAIL_MESSAGES.c.purged_at.is_(None)))
    query = (sa.select(is_.id, cells)
             .join(ORDERS, ORDERS.c.order_id == is_.order_id)
             .where(ORDERS.c.purchase_date < ordered_before, sa.or_(*personal))
             .order_by(is_.id))
    return [(issue_id, count) for issue_id, count in conn.execute(query)]


def purge_free_text(conn: Connection, *, issue_ids: Collection[int],
                    dry_run: bool = False) -> int:
    """Clear the issues' notes and the personal text of their timelines (see
    MESSAGE_KINDS); the lines themselves stay. Returns how many texts went."""
    ids = sorted(issue_ids)
    changed = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        noted = conn.execute(sa.select(is_.id).where(is_.id.in_(chunk), is_.notes != ""))
        changed += len(noted.all())
        lines = conn.execute(sa.select(tl_.id, tl_.kind, tl_.text)
                             .where(tl_.issue_id.in_(chunk), _personal_text())).all()
        changed += len(lines)
        if dry_run:
            continue
        conn.execute(ISSUES.update().where(is_.id.in_(chunk), is_.notes != "")
                     .values(notes=""))
        for line_id, kind, text in lines:
            kept = PURGED_TEXT if kind in MESSAGE_KINDS else text.partition(_NOTE_MARK)[0]
            conn.execute(TIMELINE.update().where(tl_.id == line_id).values(text=kept))
    return changed


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
