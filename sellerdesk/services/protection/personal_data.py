"""Buyer personal data typed on an issue: sealed per cell with the key in the OS keyring,
shown in the window, never logged, left out of exports, and purged a set number of days
after the order — with the issue's note, its messages and notes on the timeline, and its
evidence files (a parcel's photo shows the buyer's label). What stays is the PII-free
dispute record: the issue's type, severity, items and status, its timeline's kinds,
times and actors, the credits and the ledger (whose hashes must keep verifying).

SellerDesk's reports carry no delivery date, so the retention period is counted from the
order date, which is never later than delivery: data never outstays the policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.errors import KnownError
from sellerdesk.core.sealing import SealBroken, cell, seal, unseal
from sellerdesk.services.clock import now
from sellerdesk.services.protection import data_keys, security_log
from sellerdesk.services.protection.shared_keys import TeamKeyMissing
from sellerdesk.services.staff import default_staff_name
from sellerdesk.store import evidence as evidence_store
from sellerdesk.store import issues as issue_store
from sellerdesk.store import mail as mail_store
from sellerdesk.store import personal as personal_store
from sellerdesk.store import settings as settings_store
from sellerdesk.store.engine import checkpoint, reading, writing

FIELDS = {"name": "name", "email": "e-mail", "address": "address"}
RETENTION_KEY = "privacy.retention_days"
DEFAULT_RETENTION_DAYS = 30
LONGEST_RETENTION_DAYS = 3650


class PersonalDataError(KnownError):
    """A request about personal data the desk refuses, with the reason."""


def _where(issue_id: int, name: str) -> bytes:
    return cell("personal_data", name, issue_id)


@dataclass(frozen=True, slots=True)
class BuyerDetails:
    """What the window shows of an issue's buyer. `repr` never shows the values."""
    values: dict[str, str] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)   # field → why
    purge_on: date | None = None
    purged_at: datetime | None = None

    def __repr__(self) -> str:
        return (f"BuyerDetails(fields={sorted(self.values)}, "
                f"unreadable={sorted(self.unreadable)}, purge_on={self.purge_on})")

    @property
    def empty(self) -> bool:
        return not self.values and not self.unreadable


# -- retention -------------------------------------------------------------------------------
def retention_days(conn: Connection) -> int:
    text = settings_store.setting(conn, key=RETENTION_KEY)
    return int(text) if text else DEFAULT_RETENTION_DAYS


def retention(engine: Engine) -> int:
    with reading(engine) as conn:
        return retention_days(conn)


def set_retention(engine: Engine, days: int, *, staff: str | None = None) -> None:
    if not 1 <= days <= LONGEST_RETENTION_DAYS:
        raise PersonalDataError(f"the retention period must be 1 to {LONGEST_RETENTION_DAYS} "
                                f"days, not {days}")
    by = staff or default_staff_name()
    with writing(engine) as conn:
        old = retention_days(conn)
        if old == days:
            return
        settings_store.put_setting(conn, key=RETENTION_KEY, value=str(days), by=by, now=now())
        security_log.record(conn, "retention_set", f"{old} → {days} days after the order",
                            actor=by)


def purge_date(order_date: datetime, days: int) -> date:
    return order_date.date() + timedelta(days=days)


# -- entering and reading --------------------------------------------------------------------
def write_details(conn: Connection, *, issue_id: int, details: Mapping[str, str | None],
                  by: str, at: datetime) -> None:
    """Seal each field given (a blank one is removed) inside the caller's transaction."""
    unknown = set(details) - set(FIELDS)
    if unknown:
        raise PersonalDataError(f"no buyer detail called {', '.join(sorted(unknown))}")
    if any((v or "").strip() for v in details.values()) and personal_store.purged_at(
            conn, issue_id=issue_id) is not None:
        raise PersonalDataError(f"issue {issue_id}'s personal data was purged; its retention "
                                "period is over")
    keys = None
    for name, value in details.items():
        text = (value or "").strip()
        if text:
            keys = keys or data_keys.ensure_key_set(conn.engine)
            personal_store.put_cell(conn, issue_id=issue_id, field=name,
                                    sealed=seal(keys.keys[keys.current], keys.current,
                                                _where(issue_id, name), text),
                                    key_id=keys.current, by=by, at=at)
        else:
            personal_store.drop_cell(conn, issue_id=issue_id, field=name)


def set_buyer_details(engine: Engine, issue_id: int, details: Mapping[str, str | None], *,
                      staff: str | None = None) -> BuyerDetails:
    by = staff or default_staff_name()
    with writing(engine) as conn:
        if issue_store.get_issue(conn, issue_id=issue_id) is None:
            raise PersonalDataError(f"no issue {issue_id}")
        before = details_in(conn, issue_id).values
        changed = {name: value for name, value in details.items()
                   if (value or "").strip() != before.get(name, "")}
        if changed:
            write_details(conn, issue_id=issue_id, details=changed, by=by, at=now())
            # The timeline says which details changed, never what they are.
            issue_store.add_event(conn, issue_id=issue_id, actor=by, kind="personal_data",
                                  text="buyer details changed: "
                                       + ", ".join(FIELDS.get(n, n) for n in changed), at=now())
        return details_in(conn, issue_id)


def buyer_details(engine: Engine, issue_id: int) -> BuyerDetails:
    with reading(engine) as conn:
        return details_in(conn, issue_id)


def details_in(conn: Connection, issue_id: int) -> BuyerDetails:
    sealed = personal_store.cells(conn, issue_id=issue_id)
    ordered = personal_store.order_date_of(conn, issue_id=issue_id)
    purge_on = purge_date(ordered, retention_days(conn)) if ordered and sealed else None
    values, unreadable = {}, {}
    try:
        keys = data_keys.ensure_key_set(conn.engine).keys if sealed else {}
    except TeamKeyMissing as exc:             # a team desk without the team key yet
        keys, unreadable = {}, {name: str(exc) for name in sealed}
    for name in FIELDS:
        if name not in sealed or name in unreadable:
            continue
        try:
            values[name] = unseal(keys, _where(issue_id, name), sealed[name],
                                  what=f"the buyer's {FIELDS[name]} on issue {issue_id}")
        except SealBroken as exc:
            unreadable[name] = str(exc)
    return BuyerDetails(values, unreadable, purge_on,
                        personal_store.purged_at(conn, issue_id=issue_id))


# -- purge -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PurgeReport:
    as_of: date
    retention_days: int
    issue_ids: list[int]
    cells: int
    dry_run: bool
    backups: list[Path] = field(default_factory=list)
    texts: int = 0              # notes and message texts
    files: int = 0              # evidence records
    gone_files: list[str] = field(default_factory=list)   # SHA-256, to delete from the store
    mails: int = 0              # mails read or sent: on the issues, and on none

    @property
    def anything(self) -> bool:
        return bool(self.issue_ids or self.mails)

    def summary(self) -> str:
        verb = "would be purged" if self.dry_run else "purged"
        if not self.issue_ids:
            if self.mails:
                return (f"{self.mails} mail(s) on no issue {verb} (read "
                        f"{self.retention_days} or more days before {self.as_of}); when "
                        "each came and what it was stay.")
            return (f"No buyer personal data is due for purging as of {self.as_of} "
                    f"(kept {self.retention_days} days after the order).")
        mails = f", {self.mails} mail(s)" if self.mails else ""
        text = (f"{self.cells} buyer detail(s) on {len(self.issue_ids)} issue(s) {verb}, "
                f"with {self.texts} note(s) or message(s){mails} and {self.files} evidence "
                f"file(s) (orders placed {self.retention_days} or more days before "
                f"{self.as_of}); the issues, their timelines and the credits stay.")
        if self.backups:
            text += f" Also purged from {len(self.backups)} backup(s)."
        return text

    def as_json(self) -> dict[str, object]:
        return {"as_of": self.as_of.isoformat(), "retention_days": self.retention_days,
                "dry_run": self.dry_run, "issues": self.issue_ids, "cells": self.cells,
                "texts": self.texts, "mails": self.mails, "evidence_files": self.files,
                "backups": [str(p) for p in self.backups]}


def ordered_before(as_of: date, days: int) -> datetime:
    """Orders placed before this moment are due: their purge date is on or before as_of."""
    return datetime.combine(as_of - timedelta(days=days - 1), time())


def purge_in(conn: Connection, *, as_of: date, by: str, dry_run: bool = False,
             days: int | None = None, log: bool = True) -> PurgeReport:
    """The purge inside the caller's transaction: all of it or none of it. `days` is the
    retention period when it is not this database's own (a backup's purge uses the live
    database's)."""
    days = retention_days(conn) if days is None else days
    before = ordered_before(as_of, days)
    with_mail = mail_store.has_mail_table(conn)
    due = personal_store.due(conn, ordered_before=before, with_mail=with_mail)
    ids = [issue_id for issue_id, _ in due]
    cells = sum(count for _, count in due)
    texts = personal_store.purge_free_text(conn, issue_ids=ids, dry_run=dry_run)
    files, gone_files = evidence_store.drop_evidence(conn, issue_ids=ids, dry_run=dry_run)
    # A mail goes with its issue; one on no issue (Unsorted, set aside, a notice that
    # opened none) has no order to count from, so its own arrival is counted instead.
    mail_ids = _mail_due(conn, ids, before) if with_mail else []
    if mail_ids and not dry_run:
        mail_store.purge(conn, mail_ids=mail_ids, at=now())
    if ids and not dry_run:
        at = now()
        personal_store.purge(conn, issue_ids=ids, at=at)
        for issue_id in ids:
            issue_store.add_event(conn, issue_id=issue_id, actor=by, kind="personal_data",
                                  text=f"buyer's personal data purged ({days} days after "
                                       "the order)", at=at)
    if (ids or mail_ids) and log and not dry_run:
        security_log.record(conn, "purge", f"{cells} detail(s) on {len(ids)} issue(s)"
                            + (f", {len(mail_ids)} mail(s)" if mail_ids else "")
                            + f", as of {as_of}, retention {days} days", actor=by)
    return PurgeReport(as_of, days, ids, cells, dry_run, texts=texts, files=files,
                       gone_files=gone_files, mails=len(mail_ids))


def _mail_due(conn: Connection, issue_ids: list[int], before: datetime) -> list[int]:
    due = mail_store.unsorted_written_before(conn, before=before)
    for start in range(0, len(issue_ids), 500):    # within every backend's parameter limit
        due += mail_store.due_for_purge(conn, issue_ids=issue_ids[start:start + 500])
    return sorted(due)


# -- key rotation ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RotationReport:
    resealed: int
    unreadable: list[str]
    key_id: int
    mails: int = 0              # mails whose cells were re-sealed
    old_keys_kept: int = 0      # still needed by a mail that could not be opened

    def summary(self) -> str:
        mails = f" and {self.mails} mail(s)" if self.mails else ""
        gone = ("the old key kept for the mail that could not be read" if self.old_keys_kept
                else "the old key removed from the keyring")
        text = (f"The encryption key was rotated: {self.resealed} buyer detail(s){mails} "
                f"re-sealed with the new key, and {gone}.")
        if self.unreadable:
            text += (f" {len(self.unreadable)} detail(s) could not be read and were left as "
                     f"they were: {self.unreadable[0]}")
        return text


def rotate_key(engine: Engine, *, staff: str | None = None) -> RotationReport:
    """A new key for buyer personal data. The new key is in the keyring before any cell
    uses it; every cell is re-sealed in one transaction; the old key goes last. Cut short
    anywhere, `finish_rotation` (run at every start) completes it."""
    if not data_keys.ensure_key_set(engine).rotating:
        data_keys.start_rotation(engine)         # from here on the key set is rotating
    return finish_rotation(engine, staff=staff)


def finish_rotation(engine: Engine, *, staff: str | None = None) -> RotationReport:
    keys = data_keys.ensure_key_set(engine)
    if not keys.rotating:
        return RotationReport(0, [], keys.current)
    by = staff or default_staff_name()
    unreadable: list[str] = []
    resealed = 0
    key = keys.keys[keys.current]
    with writing(engine) as conn:
        for issue_id, name, sealed in personal_store.cells_not_sealed_with(
                conn, key_id=keys.current):
            where = _where(issue_id, name)
            try:
                text = unseal(keys.keys, where, sealed,
                              what=f"the buyer's {FIELDS.get(name, name)} on issue {issue_id}")
            except SealBroken as exc:
                unreadable.append(str(exc))
                continue
            personal_store.reseal(conn, issue_id=issue_id, field=name,
                                  sealed=seal(key, keys.current, where, text),
                                  key_id=keys.current)
            resealed += 1
        mails = _reseal_mail(conn, keys, unreadable)
        # A mail cell that could not be opened keeps its key: retiring it would make the
        # mail unreadable for good (the next start tries again).
        still_needed = (mail_store.keys_in_use(conn) & set(keys.keys)) - {keys.current}
        security_log.record(conn, "key_rotated",
                            f"{resealed} detail(s)"
                            + (f", {mails} mail(s)" if mails else "")
                            + f" re-sealed with key {keys.current}"
                            + (f", {len(unreadable)} unreadable" if unreadable else ""),
                            actor=by)
    checkpoint(engine)   # the cells sealed with the old key leave the write-ahead log too
    data_keys.retire_old_keys(engine, keep=still_needed)
    return RotationReport(resealed, unreadable, keys.current, mails, len(still_needed))


def _reseal_mail(conn: Connection, keys: data_keys.KeySet, unreadable: list[str]) -> int:
    """Each mail's subject, sender and body sealed again with the current key, the row
    whole or not at all (one key_id covers its three cells)."""
    key = keys.keys[keys.current]
    resealed = 0
    for row in mail_store.cells_not_sealed_with(conn, key_id=keys.current):
        opened: dict[str, str | None] = {}
        try:
            for column in mail_store.SEALED:
                sealed = getattr(row, column)
                name = column.removeprefix("sealed_")
                opened[column] = None if sealed is None else unseal(
                    keys.keys, cell("mail_message", name, row.message_id), sealed,
                    what=f"mail {row.id}'s {name}")
        except SealBroken as exc:
            unreadable.append(str(exc))
            continue
        mail_store.reseal(conn, mail_id=row.id, key_id=keys.current, **{
            column: None if text is None else seal(
                key, keys.current, cell("mail_message", column.removeprefix("sealed_"),
                                        row.message_id), text)
            for column, text in opened.items()})
        resealed += 1
    return resealed
