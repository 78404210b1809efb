"""Evidence records: which files (by SHA-256) are attached to which issue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.core.desk import EvidenceRecord
from sellerdesk.store.tables import EVIDENCE

e = EVIDENCE.c
_COLUMNS = (e.id, e.issue_id, e.sha256, e.name, e.size, e.media_type, e.added_at, e.added_by)


def add_evidence(conn: Connection, *, issue_id: int, sha256: str, name: str, size: int,
                 media_type: str, by: str, at: datetime) -> int | None:
    """The new record's id, or None when this file is already on this issue."""
    exists = conn.execute(sa.select(e.id).where(e.issue_id == issue_id,
                                                e.sha256 == sha256)).first()
    if exists is not None:
        return None
    return conn.execute(EVIDENCE.insert().values(
        issue_id=issue_id, sha256=sha256, name=name, size=size, media_type=media_type,
        added_at=at, added_by=by).returning(e.id)).scalar_one()


def evidence(conn: Connection, *, issue_ids: Sequence[int]) -> list[EvidenceRecord]:
    """The files on these issues, in the order they were attached."""
    rows = conn.execute(sa.select(*_COLUMNS).where(e.issue_id.in_(list(issue_ids)))
                        .order_by(e.added_at, e.id))
    return [EvidenceRecord(*row) for row in rows]

