"""The evidence store: files attached to issues (photos, PDFs, screenshots of buyer
messages, carrier tracking pages), copied in and named by their SHA-256.

The copy is made first, under a temporary name, then renamed; the record and its
timeline line are written after, in one transaction. A failure in between leaves at
most an unreferenced file in the store, never a record without its file. The store sits
beside a SQLite database (`<name>-evidence/`).

On PostgreSQL (a team) the database holds the files too, written in the same
transaction as the record, and each desk's store in its data folder is only a cache: a
file attached at one desk is fetched, and checked against its hash, at another.

A file attached by mistake can be removed within a minute (REMOVABLE_FOR): its record
stays, marked removed, and the timeline says so; after that, evidence stays evidence.
"""

from __future__ import annotations

import hashlib
import itertools
import mimetypes
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.errors import InputError, KnownError
from sellerdesk.core.file_names import windows_safe
from sellerdesk.core.records import EvidenceRecord
from sellerdesk.services import claims
from sellerdesk.services.at_desk import DeskError, at_desk_or_add_first_owner
from sellerdesk.services.clock import now
from sellerdesk.services.evidence_files import store_dir, stored_file
from sellerdesk.services.issues import issue_record
from sellerdesk.store import evidence as evidence_store
from sellerdesk.store import issues as issue_store
from sellerdesk.store.engine import reading, writing

MAX_BYTES = 200 * 2**20      # a phone video is evidence too; a disk image is not
_CHUNK = 1 << 20
# Long enough to see the wrong file went in, short enough that nobody has relied on it
# (a packet sent, a colleague's look) before it goes.
REMOVABLE_FOR = timedelta(minutes=1)


def size_text(size: int) -> str:
    for unit, scale in (("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def attach_evidence(engine: Engine, *, issue_id: int, path: Path,
                    staff: str | None = None) -> EvidenceRecord:
    """Copy `path` into the store and put it on the issue's timeline. The same file on
    the same issue again is refused with a message saying when it was attached."""
    path = Path(path)
    sha256, size = _copy_in(store_dir(engine), path)
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    with writing(engine) as conn:
        issue = issue_record(conn, issue_id)
        member = at_desk_or_add_first_owner(conn, staff)
        at = now()
        new_id = evidence_store.add_evidence(
            conn, issue_id=issue.issue_id, sha256=sha256, name=path.name[:255], size=size,
            media_type=media_type, by=member.name, at=at)
        if new_id is None:
            before = next(r for r in evidence_store.evidence(conn, issue_ids=[issue_id])
                          if r.sha256 == sha256)
            raise DeskError(f"{path.name} is already on issue {issue_id} (attached as "
                            f"{before.name} by {before.added_by}, "
                            f"{before.added_at:%Y-%m-%d %H:%M} UTC)")
        if claims.shared(engine):
            put_in_database(conn, sha256=sha256, source=stored_file(engine, sha256),
                            name=path.name)
        issue_store.add_event(conn, issue_id=issue_id, actor=member.name, kind="evidence",
                              text=f"{path.name} ({size_text(size)}, SHA-256 {sha256[:12]}…)",
                              at=at)
    return EvidenceRecord(new_id, issue_id, sha256, path.name[:255], size, media_type, at,
                          member.name)


def take_in_bytes(engine: Engine, data: bytes, name: str) -> tuple[str, int]:
    """A file that came in memory (a mail's attachment) into the store before the write
    that records it: (SHA-256, size). Refused, like a file on disk, when empty or over
    MAX_BYTES."""
    if not data:
        raise InputError("is empty", file=name)
    if len(data) > MAX_BYTES:
        raise InputError(f"is {size_text(len(data))}; evidence files are kept to "
                         f"{size_text(MAX_BYTES)}", file=name)
    views = memoryview(data)
    return _take_in(store_dir(engine),
                    (views[at:at + _CHUNK] for at in range(0, len(data), _CHUNK)), name)


def record_evidence(conn: Connection, engine: Engine, *, issue_id: int, sha256: str,
                    name: str, size: int, by: str, at: datetime, why: str = "") -> int | None:
    """A file already in the store put on the issue, inside the caller's transaction:
    its record, its timeline line, and on a team its bytes in the database. None when
    the file is already on the issue."""
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    new_id = evidence_store.add_evidence(conn, issue_id=issue_id, sha256=sha256,
                                         name=name[:255], size=size, media_type=media_type,
                                         by=by, at=at)
    if new_id is None:
        return None
    if claims.shared(engine):
        put_in_database(conn, sha256=sha256, source=stored_file(engine, sha256), name=name)
    issue_store.add_event(conn, issue_id=issue_id, actor=by, kind="evidence",
                          text=f"{name} ({size_text(size)}, SHA-256 {sha256[:12]}…){why}",
                          at=at)
    return new_id


def removable(record: EvidenceRecord, moment: datetime) -> bool:
    """Whether the file may still be removed at `moment` (the desk's clock, naive UTC)."""
    return record.added_at <= moment < record.added_at + REMOVABLE_FOR


def remove_evidence(engine: Engine, *, evidence_id: int,
                    staff: str | None = None) -> EvidenceRecord:
    """Take a file attached within the last minute off its issue: out of its evidence
    and its dispute packets, onto its timeline as removed. The record stays (marked who
    removed it and when), so what was attached, by whom and when is never lost.

    The stored file stays too, until the issue's personal data is purged (the removed
    record keeps the issue among those the purge takes, and the purge deletes each file
    no record still holds). Its SHA-256 is on the timeline: kept, the bytes can still be
    shown to whoever asks what was taken back, which a hash alone cannot do. Deleting it
    here would also race a colleague attaching the same file at that moment (the store
    is written before its record), and could leave a record without its file."""
    with writing(engine) as conn:
        found = evidence_store.evidence_for_removal(conn, evidence_id=evidence_id)
        if found is None:
            raise KnownError(f"evidence {evidence_id} is not in this database")
        record, removed_at = found
        if removed_at is not None:
            raise DeskError(f"{record.name} was already removed from issue "
                            f"{record.issue_id} ({_desk_time(removed_at)})")
        at = now()
        if not removable(record, at):
            raise DeskError("Evidence can be removed only within a minute of attaching it; "
                            f"this was attached at {_desk_time(record.added_at, at)}.")
        member = at_desk_or_add_first_owner(conn, staff)
        evidence_store.mark_removed(conn, evidence_id=evidence_id, by=member.name, at=at)
        issue_store.add_event(
            conn, issue_id=record.issue_id, actor=member.name, kind="evidence_removed",
            text=f"Removed evidence {record.name} (sha256 {record.sha256[:12]}…) added by "
                 f"{record.added_by} at {record.added_at:%Y-%m-%d %H:%M:%S} UTC, removed "
                 f"by {member.name}", at=at)   # UTC: a colleague may read it in another zone
    return record


def _desk_time(at: datetime, today: datetime | None = None) -> str:
    """A stored UTC time in the desk's own zone: the hour alone when it is today's."""
    local = at.replace(tzinfo=UTC).astimezone()
    if today is not None and local.date() == today.replace(tzinfo=UTC).astimezone().date():
        return f"{local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


def evidence_on(engine: Engine, issue_ids: list[int]) -> list[EvidenceRecord]:
    with reading(engine) as conn:
        return evidence_store.evidence(conn, issue_ids=issue_ids)


def checked_file(engine: Engine, record: EvidenceRecord) -> Path:
    """The stored file of a record, read again and hashed: a file missing from the store
    or changed in it is named, never sent. On a team database this desk's copy is a
    cache, fetched (again) from the database when missing or changed."""
    path = stored_file(engine, record.sha256)
    try:
        with open(path, "rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()
    except FileNotFoundError:
        digest = None
    if digest == record.sha256:
        return path
    if claims.shared(engine):
        return _fetch(engine, record)
    if digest is None:
        raise KnownError(f"evidence file {record.name} (issue {record.issue_id}) is missing "
                         f"from the evidence store: {path}")
    raise KnownError(f"evidence file {record.name} (issue {record.issue_id}) was changed "
                     f"in the evidence store since it was attached: {path}")


def put_in_database(conn: Connection, *, sha256: str, source: Path, name: str) -> None:
    """Store a file in the database, unless it is there already; its bytes are checked
    against the hash as they go."""
    if evidence_store.file_stored(conn, sha256=sha256):
        return
    try:
        evidence_store.store_file(conn, sha256=sha256, pieces=_checked_pieces(source, sha256))
    except FileNotFoundError:
        raise KnownError(f"evidence file {name} is missing: {source}") from None


def _checked_pieces(path: Path, sha256: str) -> Iterator[bytes]:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while piece := f.read(_CHUNK):
            digest.update(piece)
            yield piece
    if digest.hexdigest() != sha256:      # raised inside the caller's transaction
        raise KnownError(f"evidence file {path.name} is not the file that was attached "
                         f"(its SHA-256 differs): {path}")


def _fetch(engine: Engine, record: EvidenceRecord) -> Path:
    with reading(engine) as conn:
        pieces = evidence_store.file_pieces(conn, sha256=record.sha256)
        first = next(pieces, None)
        if first is None:
            raise KnownError(f"evidence file {record.name} (issue {record.issue_id}) is "
                             "missing from the team's evidence store")
        sha256, _ = _take_in(store_dir(engine), itertools.chain([first], pieces), record.name)
    if sha256 != record.sha256:
        raise KnownError(f"evidence file {record.name} (issue {record.issue_id}) was changed "
                         "in the team's evidence store since it was attached")
    return stored_file(engine, sha256)


def viewable_copy(engine: Engine, record: EvidenceRecord) -> Path:
    """A checked copy of an evidence file under its own name in the temporary folder, for
    an image viewer or PDF reader to open: the stored file has no extension, and the
    viewer must not be able to change the original."""
    source = checked_file(engine, record)
    folder = Path(tempfile.gettempdir()) / "sellerdesk-evidence" / record.sha256[:16]
    # A name attached at a Linux or macOS desk (a:b?.png) must open on Windows too.
    target = folder / windows_safe(Path(record.name).name or record.sha256)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    except OSError as exc:
        raise KnownError(f"cannot make a copy of {record.name} to open: "
                         f"{exc.strerror or exc}") from None
    return target


def _copy_in(store: Path, source: Path) -> tuple[str, int]:
    """Hash while copying to a temporary file in the store, then rename it to its hash."""
    try:
        if source.is_dir():
            raise InputError("is a folder; attach the files in it one by one",
                             file=source.name)
        size = source.stat().st_size
    except FileNotFoundError:
        raise InputError("no such file", file=str(source)) from None
    if size > MAX_BYTES:
        raise InputError(f"is {size_text(size)}; evidence files are kept to "
                         f"{size_text(MAX_BYTES)}", file=source.name)
    if size == 0:
        raise InputError("is empty", file=source.name)
    try:
        with open(source, "rb") as reader:
            return _take_in(store, iter(partial(reader.read, _CHUNK), b""), source.name)
    except PermissionError:
        raise InputError("SellerDesk may not read this file", file=source.name) from None


def _take_in(store: Path, pieces: Iterable[bytes], name: str) -> tuple[str, int]:
    """Hash while writing to a temporary file in the store, then rename it to its hash."""
    try:
        store.mkdir(mode=0o700, parents=True, exist_ok=True)   # buyers' photos: owner only
        fd, temporary = tempfile.mkstemp(dir=store, prefix=".incoming-")
    except OSError as exc:
        raise KnownError(f"cannot write to the evidence store {store}: "
                         f"{exc.strerror or exc}") from None
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as writer:
            for piece in pieces:
                digest.update(piece)
                size += len(piece)
                writer.write(piece)
            writer.flush()
            os.fsync(writer.fileno())
        sha256 = digest.hexdigest()
        target = store / sha256[:2] / sha256
        target.parent.mkdir(mode=0o700, exist_ok=True)
        os.replace(temporary, target)
    except OSError as exc:
        raise KnownError(f"cannot copy {name} into the evidence store {store}: "
                         f"{exc.strerror or exc}") from None
    finally:
        Path(temporary).unlink(missing_ok=True)
    return sha256, size
