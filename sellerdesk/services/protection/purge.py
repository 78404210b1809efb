"""The purge of buyer personal data past its retention period from every file SellerDesk
keeps: the database's cells, notes and messages (services.protection.personal_data, in one
transaction), the evidence files whose records went, the write-ahead log, and every
backup SellerDesk made (services.protection.backups).

Above both personal_data and backups, which each need only their own part of it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy.engine import Engine

from sellerdesk.services.clock import now
from sellerdesk.services.evidence_files import stored_file
from sellerdesk.services.protection import backups, personal_data
from sellerdesk.services.protection.personal_data import PurgeReport
from sellerdesk.services.staff import default_staff_name
from sellerdesk.store.engine import checkpoint, writing


def purge_personal_data(engine: Engine, *, as_of: date | None = None, dry_run: bool = False,
                        staff: str | None = None) -> PurgeReport:
    """Purge what is due, then clear the write-ahead log and the backups SellerDesk made
    of every copy, so the data is gone from every file SellerDesk keeps."""
    as_of = as_of or now().date()
    by = staff or default_staff_name()
    with writing(engine) as conn:
        report = personal_data.purge_in(conn, as_of=as_of, by=by, dry_run=dry_run)
    if dry_run or not report.anything:
        return report
    _delete_evidence_files(engine, report.gone_files)   # their records are gone: committed
    checkpoint(engine)
    return replace(report, backups=backups.purge_backups(engine, as_of=as_of, by=by))


def _delete_evidence_files(engine: Engine, hashes: list[str]) -> None:
    """The purged evidence files out of this desk's store (on a team, its cache: the
    database's copy went with the records)."""
    for sha256 in hashes:
        stored_file(engine, sha256).unlink(missing_ok=True)
