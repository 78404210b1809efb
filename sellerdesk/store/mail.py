"""The mailbox's records: each mail read or sent (mail_message), how far each watched
folder was read (mail_folder), and which desk of a team fetches (mail_lease).

A mail is known by its Message-ID: `add_message` writes it once, whoever asks twice (a
sync run again after a crash, two desks, the same mail in two folders)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.store.tables import MAIL_FOLDERS, MAIL_LEASES, MAIL_MESSAGES

m, f, lease = MAIL_MESSAGES.c, MAIL_FOLDERS.c, MAIL_LEASES.c
SEALED = ("sealed_subject", "sealed_sender", "sealed_body")


@dataclass(frozen=True, slots=True)
class MailRow:
    """One mail as the desk keeps it; the sealed cells are opened by the services."""
    id: int
    message_id: str
    direction: str
    kind: str
    written_at: datetime
    order_id: str | None
    issue_id: int | None
    marketplace: str
    trusted: bool
    note: str
    state: str
    by: str
    attachments: int
    in_reply_to: str | None
    thread: str
    key_id: int | None
    sealed_subject: bytes | None
    sealed_sender: bytes | None
    sealed_body: bytes | None
    purged_at: datetime | None
    account: str               # where it was found: the mailbox's login, folder, UIDs
    folder: str
    uidvalidity: int | None
    uid: int | None


_COLUMNS = tuple(getattr(m, name) for name in MailRow.__slots__)


def known(conn: Connection, *, message_ids: Iterable[str]) -> set[str]:
    """Which of these Message-IDs the desk already has."""
    ids = list(dict.fromkeys(message_ids))
    found: set[str] = set()
    for start in range(0, len(ids), 500):      # a bound parameter list has limits
        found.update(conn.execute(sa.select(m.message_id)
                                  .where(m.message_id.in_(ids[start:start + 500]))).scalars())
    return found


def add_message(conn: Connection, **values: object) -> int:
    return conn.execute(MAIL_MESSAGES.insert().values(**values).returning(m.id)).scalar_one()


def message(conn: Connection, *, mail_id: int) -> MailRow | None:
    row = conn.execute(sa.select(*_COLUMNS).where(m.id == mail_id)).first()
    return None if row is None else MailRow(*row)


def by_message_id(conn: Connection, *, message_ids: Collection[str]) -> list[MailRow]:
    if not message_ids:
        return []
    rows = conn.execute(sa.select(*_COLUMNS).where(m.message_id.in_(list(message_ids))))
    return [MailRow(*row) for row in rows]


def on_issues(conn: Connection, *, issue_ids: Collection[int]) -> list[MailRow]:
    """The mail on these issues, oldest first."""
    rows = conn.execute(sa.select(*_COLUMNS).where(m.issue_id.in_(list(issue_ids)))
                        .order_by(m.written_at, m.id))
    return [MailRow(*row) for row in rows]


def unsorted(conn: Connection) -> list[MailRow]:
    """Mail read in that is on no issue yet, newest first."""
    rows = conn.execute(sa.select(*_COLUMNS).where(m.direction == "in", m.issue_id.is_(None),
                                                   m.state != "set_aside")
                        .order_by(m.written_at.desc(), m.id.desc()))
    return [MailRow(*row) for row in rows]


def count_unsorted(conn: Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(MAIL_MESSAGES)
                        .where(m.direction == "in", m.issue_id.is_(None),
                               m.state != "set_aside")).scalar_one()


def order_of(conn: Connection, *, message_ids: Collection[str]) -> str | None:
    """The order of the mail a mail answers (its In-Reply-To and References, the newest
    known first), when it names none itself."""
    if not message_ids:
        return None
    row = conn.execute(sa.select(m.order_id)
                       .where(m.message_id.in_(list(message_ids)), m.order_id.is_not(None))
                       .order_by(m.written_at.desc(), m.id.desc()).limit(1)).first()
    return None if row is None else row[0]


def update_message(conn: Connection, *, mail_id: int, **values: object) -> None:
    conn.execute(MAIL_MESSAGES.update().where(m.id == mail_id).values(**values))


def due_for_purge(conn: Connection, *, issue_ids: Collection[int]) -> list[int]:
    rows = conn.execute(sa.select(m.id).where(m.issue_id.in_(list(issue_ids)),
                                              m.purged_at.is_(None)))
    return list(rows.scalars())


def purge(conn: Connection, *, mail_ids: Collection[int], at: datetime) -> int:
    """Drop what names the buyer; when it came, its kind and what it did stay."""
    if not mail_ids:
        return 0
    return conn.execute(MAIL_MESSAGES.update().where(m.id.in_(list(mail_ids)))
                        .values(sealed_subject=None, sealed_sender=None, sealed_body=None,
                                buyer_ref=None, purged_at=at)).rowcount


def unsorted_written_before(conn: Connection, *, before: datetime) -> list[int]:
    """Mail on no issue (no order to count the retention from) older than `before`."""
    rows = conn.execute(sa.select(m.id).where(m.issue_id.is_(None), m.purged_at.is_(None),
                                              m.written_at < before))
    return list(rows.scalars())


def has_mail_table(conn: Connection) -> bool:
    """A backup made before the mailbox (migration 0021) has no mail to purge."""
    return sa.inspect(conn).has_table(MAIL_MESSAGES.name)


# -- key rotation ---------------------------------------------------------------------------
def _has_cells():
    return sa.or_(*(getattr(m, column).is_not(None) for column in SEALED))


@dataclass(frozen=True, slots=True)
class SealedCells:
    id: int
    message_id: str
    sealed_subject: bytes | None
    sealed_sender: bytes | None
    sealed_body: bytes | None


def cells_not_sealed_with(conn: Connection, *, key_id: int) -> list[SealedCells]:
    rows = conn.execute(sa.select(m.id, m.message_id, *(getattr(m, c) for c in SEALED))
                        .where(m.key_id != key_id, _has_cells()).order_by(m.id))
    return [SealedCells(row[0], row[1], *(None if v is None else bytes(v) for v in row[2:]))
            for row in rows]


def reseal(conn: Connection, *, mail_id: int, key_id: int, **sealed: bytes | None) -> None:
    conn.execute(MAIL_MESSAGES.update().where(m.id == mail_id).values(key_id=key_id, **sealed))


def keys_in_use(conn: Connection) -> set[int]:
    """The keys some mail's sealed cells still need (a key is retired only after)."""
    return set(conn.execute(sa.select(m.key_id).distinct()
                            .where(m.key_id.is_not(None), _has_cells())).scalars())


# -- how far each folder was read ---------------------------------------------------------
def folder_state(conn: Connection, *, account: str, folder: str) -> tuple[int, int] | None:
    """(UIDVALIDITY, last UID read) of a folder read before."""
    row = conn.execute(sa.select(f.uidvalidity, f.last_uid)
                       .where(f.account == account, f.folder == folder)).first()
    return None if row is None else (int(row[0]), int(row[1]))


def set_folder_state(conn: Connection, *, account: str, folder: str, uidvalidity: int,
                     last_uid: int, at: datetime) -> None:
    values = {"uidvalidity": uidvalidity, "last_uid": last_uid, "synced_at": at}
    done = conn.execute(MAIL_FOLDERS.update().where(f.account == account, f.folder == folder)
                        .values(**values)).rowcount
    if not done:
        conn.execute(MAIL_FOLDERS.insert().values(account=account, folder=folder, **values))


# -- one desk of a team fetches -----------------------------------------------------------
def take_lease(conn: Connection, *, name: str, holder: str, at: datetime,
               until: datetime) -> str:
    """Take or renew the lease: the holder after the call (`holder` when it is ours)."""
    if conn.dialect.name == "postgresql":
        # Two desks asking at once: the row lock makes the second wait and see the first.
        conn.execute(sa.text("LOCK TABLE mail_lease IN SHARE ROW EXCLUSIVE MODE"))
    row = conn.execute(sa.select(lease.holder, lease.expires_at)
                       .where(lease.name == name)).first()
    if row is None:
        conn.execute(MAIL_LEASES.insert().values(name=name, holder=holder, expires_at=until))
        return holder
    if row.holder == holder or row.expires_at <= at:
        conn.execute(MAIL_LEASES.update().where(lease.name == name)
                     .values(holder=holder, expires_at=until))
        return holder
    return row.holder


def give_up_lease(conn: Connection, *, name: str, holder: str) -> None:
    conn.execute(MAIL_LEASES.delete().where(lease.name == name, lease.holder == holder))
