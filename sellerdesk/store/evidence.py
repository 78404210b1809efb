"""Evidence records: which files (by SHA-256) are attached to which issue; on PostgreSQL
also the files themselves, a piece at a time (evidence_chunk). A record removed (within a
minute of attaching it) stays, with `removed_at`: it is no longer the issue's evidence."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.core.records import EvidenceRecord
from sellerdesk.store.tables import EVIDENCE, EVIDENCE_CHUNKS, TIMELINE

e, ch = EVIDENCE.c, EVIDENCE_CHUNKS.c
PURGED_FILE = "(evidence file purged with the buyer's personal data)"
# Timeline kinds whose text names an evidence file (a name can name the buyer).
FILE_KINDS = ("evidence", "evidence_removed")
_COLUMNS = (e.id, e.issue_id, e.sha256, e.name, e.size, e.media_type, e.added_at, e.added_by)


def add_evidence(conn: Connection, *, issue_id: int, sha256: str, name: str, size: int,
                 media_type: str, by: str, at: datetime) -> int | None:
    """The new record's id, or None when this file is already on this issue."""
    exists = conn.execute(sa.select(e.id).where(e.issue_id == issue_id, e.sha256 == sha256,
                                                e.removed_at.is_(None))).first()
    if exists is not None:
        return None
    return conn.execute(EVIDENCE.insert().values(
        issue_id=issue_id, sha256=sha256, name=name, size=size, media_type=media_type,
        added_at=at, added_by=by).returning(e.id)).scalar_one()


def evidence(conn: Connection, *, issue_ids: Sequence[int]) -> list[EvidenceRecord]:
    """The files on these issues (not those removed), in the order they were attached."""
    rows = conn.execute(sa.select(*_COLUMNS).where(e.issue_id.in_(list(issue_ids)),
                                                   e.removed_at.is_(None))
                        .order_by(e.added_at, e.id))
    return [EvidenceRecord(*row) for row in rows]


def removed_evidence(conn: Connection, *, issue_ids: Sequence[int]) -> list[EvidenceRecord]:
    """The files once attached to these issues and removed since."""
    rows = conn.execute(sa.select(*_COLUMNS).where(e.issue_id.in_(list(issue_ids)),
                                                   e.removed_at.is_not(None))
                        .order_by(e.added_at, e.id))
    return [EvidenceRecord(*row) for row in rows]


def evidence_for_removal(conn: Connection, *,
                         evidence_id: int) -> tuple[EvidenceRecord, datetime | None] | None:
    """A record and when it was removed (None: still attached), its row locked until the
    caller's transaction ends, so two desks removing it at once remove it once."""
    query = sa.select(*_COLUMNS, e.removed_at).where(e.id == evidence_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return None if row is None else (EvidenceRecord(*row[:-1]), row[-1])


def mark_removed(conn: Connection, *, evidence_id: int, by: str, at: datetime) -> None:
    conn.execute(EVIDENCE.update().where(e.id == evidence_id, e.removed_at.is_(None))
                 .values(removed_at=at, removed_by=by))


def every_file(conn: Connection) -> list[EvidenceRecord]:
    """One record for each distinct file attached (the first attachment of it)."""
    first = sa.select(sa.func.min(e.id)).group_by(e.sha256)
    return [EvidenceRecord(*row) for row in conn.execute(
        sa.select(*_COLUMNS).where(e.id.in_(first)).order_by(e.id))]


def files_in_use(conn: Connection, *, hashes: Collection[str]) -> set[str]:
    """Which of these files some evidence record refers to."""
    return set(conn.execute(sa.select(e.sha256).distinct()
                            .where(e.sha256.in_(list(hashes)))).scalars()) if hashes else set()


def file_stored(conn: Connection, *, sha256: str) -> bool:
    """Whether the database holds this file (its pieces are written in one transaction,
    so one piece means all)."""
    return conn.execute(sa.select(ch.seq).where(ch.sha256 == sha256).limit(1)).first() is not None


def store_file(conn: Connection, *, sha256: str, pieces: Iterable[bytes]) -> None:
    """Write a file's pieces in order. Two desks storing the same file at once: the
    second waits for the first and keeps its copy."""
    insert = EVIDENCE_CHUNKS.insert()
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
        insert = upsert(EVIDENCE_CHUNKS).on_conflict_do_nothing()
    for seq, data in enumerate(pieces):
        conn.execute(insert, {"sha256": sha256, "seq": seq, "data": data})


def file_pieces(conn: Connection, *, sha256: str) -> Iterator[bytes]:
    """A stored file's pieces in order, fetched a few at a time."""
    rows = conn.execute(sa.select(ch.data).where(ch.sha256 == sha256).order_by(ch.seq)
                        .execution_options(yield_per=4))
    for (data,) in rows:
        yield bytes(data)


def drop_evidence(conn: Connection, *, issue_ids: Sequence[int],
                  dry_run: bool = False) -> tuple[int, list[str]]:
    """Remove the issues' evidence (a photo of a parcel shows the buyer's label): their
    records, the file names on their timelines, and the stored pieces of every file no
    other issue still holds. Returns (records removed, SHA-256 of the files to delete
    from the store once this commits)."""
    ids = list(issue_ids)
    records = conn.execute(sa.select(e.id, e.sha256).where(e.issue_id.in_(ids))).all()
    if dry_run or not records:
        return len(records), []
    conn.execute(EVIDENCE.delete().where(e.issue_id.in_(ids)))
    conn.execute(TIMELINE.update().where(TIMELINE.c.issue_id.in_(ids),
                                         TIMELINE.c.kind.in_(FILE_KINDS))
                 .values(text=PURGED_FILE))
    hashes = sorted({sha256 for _, sha256 in records})
    still = set(conn.execute(sa.select(e.sha256).where(e.sha256.in_(hashes))).scalars())
    gone = [sha256 for sha256 in hashes if sha256 not in still]
    if gone:
        conn.execute(EVIDENCE_CHUNKS.delete().where(ch.sha256.in_(gone)))
    return len(records), gone
