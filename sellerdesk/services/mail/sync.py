"""Reading the seller's mailbox into the desk: each watched folder from the UID after the
last one read, in batches, each batch written in one transaction together with the
folder's new high-water mark.

Why this cannot lose or double a mail:
- a mail is known by its Message-ID (unique in the table): one fetched again — a crash
  after the write but before anything else, the same mail in two folders, a second desk —
  is counted as seen and written nowhere;
- the last UID read moves in the same transaction as the mail it covers: a crash before
  the commit leaves both unwritten, and the next run reads the batch again;
- a folder whose UIDVALIDITY changed (rebuilt on the server) is read again from its first
  UID: its UIDs now name other mail, and the Message-IDs keep what was read once.

A mail deleted on the server after it was read stays on the desk: the desk keeps its own
record of what the buyer wrote. Mail is fetched with BODY.PEEK, so the seller's mail
client still shows it unread."""

from __future__ import annotations

import imaplib
import re
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import InputError, KnownError
from sellerdesk.core.mail.notifications import classify
from sellerdesk.core.mail.parsing import parse_message
from sellerdesk.services.clock import now
from sellerdesk.services.evidence import take_in_bytes
from sellerdesk.services.evidence_files import stored_file
from sellerdesk.services.mail import lease
from sellerdesk.services.mail.account import MailError, mail_account
from sellerdesk.services.mail.connection import desk_secret, open_imap, quoted
from sellerdesk.services.mail.routing import Found, StoredFile, place
from sellerdesk.services.protection import data_keys
from sellerdesk.services.protection.shared_keys import (
    BuyerKeyUnavailable,
    ensure_buyer_reference_key,
)
from sellerdesk.store import evidence as evidence_store
from sellerdesk.store import mail as mail_store
from sellerdesk.store.engine import reading, writing

# A batch is written in one transaction: small enough that a cancel or a crash costs
# little, large enough that 20,000 mails are not 20,000 commits. Bytes bound the memory a
# batch holds (a 25 MB attachment comes alone).
BATCH_MAILS = 200
BATCH_BYTES = 16 * 2**20

Progress = Callable[[float, str], None]


class MailSyncError(KnownError):
    """The mailbox could not be read to the end; what was read before is kept."""


@dataclass
class SyncReport:
    read: int = 0                 # mails fetched from the server
    new: int = 0                  # written to the desk
    seen: int = 0                 # already on the desk (same Message-ID)
    on_issues: int = 0
    new_issues: int = 0
    unsorted: int = 0
    rebuilt: list[str] = field(default_factory=list)   # folders read again from the start
    cancelled: bool = False
    fetched_by: str = ""          # on a team: another desk holds the lease and fetches

    def summary(self) -> str:
        if self.fetched_by:
            return f"Another desk of the team fetches the mail ({self.fetched_by})."
        if not self.read:
            return "No new mail."
        parts = [f"{self.new:,} new mail{'s' * (self.new != 1)}"]
        if self.on_issues:
            parts.append(f"{self.on_issues:,} on issues ({self.new_issues:,} new)")
        if self.unsorted:
            parts.append(f"{self.unsorted:,} in Unsorted")
        if self.seen:
            parts.append(f"{self.seen:,} already on the desk")
        text = "; ".join(parts) + "."
        if self.rebuilt:
            text += (" Rebuilt on the server, read again: " + ", ".join(self.rebuilt) + ".")
        if self.cancelled:
            text += " Cancelled: the rest is read next time."
        return text


def _no_progress(_fraction: float, _message: str) -> None:
    pass


def sync_mailbox(engine: Engine, *, progress: Progress = _no_progress,
                 cancelled: Callable[[], bool] = lambda: False,
                 desk: str | None = None) -> SyncReport:
    """Read the desk's mailbox (Settings › Mail) — on a team, only when this desk holds the
    lease; another desk's fetch is said in the report."""
    account = mail_account(engine)
    if account is None:
        raise MailError("No mailbox is connected: connect one in Settings › Mail (or "
                        "note messages by hand with Note message…).")
    desk = desk or lease.this_desk()
    holder = lease.fetcher(engine, desk=desk)
    if holder != desk:
        return SyncReport(fetched_by=holder)
    secret = desk_secret(engine, account)
    imap = open_imap(account, secret)
    try:
        return sync_folders(engine, imap, account=account.login, folders=account.folders,
                            progress=progress, cancelled=cancelled,
                            server=f"{account.imap_host}:{account.imap_port}", desk=desk)
    finally:
        _sign_out_quietly(imap)


def _sign_out_quietly(imap: imaplib.IMAP4) -> None:
    """Not `with open_imap(…)`: its exit signs out, and on a connection the server dropped
    that raises imaplib's abort over the sentence saying what was kept."""
    try:
        imap.logout()
    except (imaplib.IMAP4.error, OSError):
        with suppress(OSError):
            imap.shutdown()


def sync_folders(engine: Engine, imap: imaplib.IMAP4, *, account: str,
                 folders: tuple[str, ...], progress: Progress = _no_progress,
                 cancelled: Callable[[], bool] = lambda: False,
                 server: str = "the mail server", desk: str | None = None) -> SyncReport:
    """Read every watched folder on a signed-in IMAP connection. `desk`: on a team, the
    desk holding the fetch lease, renewed by each batch's transaction — a first sync can
    outlast the lease, and a desk that lost it to another stops instead of fetching
    beside it."""
    report = SyncReport()
    keys = data_keys.ensure_key_set(engine)
    try:
        reference_key: bytes | None = ensure_buyer_reference_key(engine)
    except BuyerKeyUnavailable:
        reference_key = None       # the mail is kept; its buyer is not counted
    for folder in folders:
        if report.cancelled:
            break
        before = report.new
        try:
            _sync_folder(engine, imap, account, folder, report, keys, reference_key, progress,
                         cancelled, desk)
        except LeaseTaken as taken:
            report.fetched_by = taken.holder
            return report
        except (imaplib.IMAP4.abort, OSError) as exc:
            # The server went away (or the network): each batch written is whole, so what
            # came before is kept, and the next sync starts after it.
            kept = report.new - before
            raise MailSyncError(
                f"the connection to {server} was lost while reading {folder} "
                f"({type(exc).__name__}); the {kept:,} new mail{'s' * (kept != 1)} read "
                "before are kept, and the rest come with the next sync") from None
        except imaplib.IMAP4.error as exc:     # the server answered NO or BAD
            raise MailSyncError(f"{server} refused to go on reading {folder} ({exc}); what "
                                "was read before is kept") from None
    return report


class LeaseTaken(Exception):
    """Another desk of the team holds the fetch lease now: this one stops."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


def _sync_folder(engine: Engine, imap: imaplib.IMAP4, account: str, folder: str,
                 report: SyncReport, keys: data_keys.KeySet, reference_key: bytes | None,
                 progress: Progress, cancelled: Callable[[], bool],
                 desk: str | None = None) -> None:
    uidvalidity, count = _select(imap, folder)
    with reading(engine) as conn:
        state = mail_store.folder_state(conn, account=account, folder=folder)
    start = 1
    if state is not None:
        if state[0] == uidvalidity:
            start = state[1] + 1
        else:
            report.rebuilt.append(folder)
    # An empty folder is not asked "1:*": some servers answer that with BAD.
    sizes = _sizes(imap, folder, start) if count else {}
    total = len(sizes)
    done = 0
    for batch in _batches(sizes):
        if cancelled():
            report.cancelled = True
            return
        fetched = _fetch(imap, folder, batch)
        found = [Found(message, classify(message), raw, account, folder, uidvalidity, uid)
                 for uid, raw in fetched for message in (parse_message(raw),)]
        _write(engine, found, report, keys, reference_key, account, folder, uidvalidity,
               last_uid=max(batch), desk=desk)
        done += len(batch)
        progress(done / total, f"Reading {folder}: {done:,} of {total:,} mails")
    if not sizes:
        with writing(engine) as conn:     # the folder is known from now on, even empty
            last = state[1] if state is not None and state[0] == uidvalidity else 0
            mail_store.set_folder_state(conn, account=account, folder=folder,
                                        uidvalidity=uidvalidity, last_uid=last, at=now())


def _write(engine: Engine, found: list[Found], report: SyncReport, keys: data_keys.KeySet,
           reference_key: bytes | None, account: str, folder: str, uidvalidity: int, *,
           last_uid: int, desk: str | None = None) -> None:
    # Files go into the store before the transaction that records them (as an attached
    # file does): a crash between leaves at most a file nobody refers to.
    files = {item.message.message_id: _evidence_files(engine, item) for item in found}
    nowhere: set[str] = set()      # files of mail that landed on no issue
    with writing(engine) as conn:
        at = now()
        if desk is not None and conn.dialect.name == "postgresql":
            holder = mail_store.take_lease(conn, name=lease.NAME, holder=desk, at=at,
                                           until=at + lease.LEASE_FOR)
            if holder != desk:
                raise LeaseTaken(holder)       # nothing of this batch is written
        report.read += len(found)
        have = mail_store.known(conn, message_ids=[f.message.message_id for f in found])
        for item in found:
            if item.message.message_id in have:
                report.seen += 1
                # Its files were taken in again (the same mail in a second folder, or read
                # again): where the first landed on no issue, nothing refers to them.
                nowhere.update(f.sha256 for f in files[item.message.message_id])
                continue
            have.add(item.message.message_id)
            placed = place(conn, item, keys=keys, reference_key=reference_key, at=at,
                           files=files[item.message.message_id])
            if placed.issue_id is None:
                nowhere.update(f.sha256 for f in files[item.message.message_id])
            report.new += 1
            if placed.issue_id is not None:
                report.on_issues += 1
                report.new_issues += placed.new_issue
            elif placed.why_unsorted:
                report.unsorted += 1
        mail_store.set_folder_state(conn, account=account, folder=folder,
                                    uidvalidity=uidvalidity, last_uid=last_uid, at=at)
    _forget_files(engine, nowhere)


def _forget_files(engine: Engine, hashes: set[str]) -> None:
    """A file taken in for a mail that then landed on no issue (no order yet, feedback
    with no open issue) is evidence of nothing: left in the store, no purge would ever
    find it, and it may show the buyer's name."""
    if not hashes:
        return
    with reading(engine) as conn:
        unused = hashes - evidence_store.files_in_use(conn, hashes=hashes)
    for sha256 in unused:
        stored_file(engine, sha256).unlink(missing_ok=True)


def _evidence_files(engine: Engine, item: Found) -> list[StoredFile]:
    """A buyer's attachments; Amazon's notice kept whole, as Amazon sent it."""
    if item.classified.kind == "unsorted" or not item.classified.trusted:
        return []     # placed by a person later, or never: not evidence yet
    pieces = [(a.data, a.name) for a in item.message.attachments if a.data]
    if item.classified.kind != "buyer_message":
        day = (item.message.sent_at or now()).strftime("%Y-%m-%d")
        pieces.append((item.raw, f"amazon-{item.classified.kind}-{day}.eml"))
    return take_in(engine, pieces)


def take_in(engine: Engine, pieces: list[tuple[bytes, str]]) -> list[StoredFile]:
    """Files (bytes, name) from a mail into the evidence store, before the transaction
    that records them; one too large (or empty) to keep is left out: the mail says it
    had it."""
    stored = []
    for data, name in pieces:
        try:
            sha256, size = take_in_bytes(engine, data, name)
        except InputError:
            continue
        stored.append(StoredFile(sha256, size, name))
    return stored


# -- IMAP -----------------------------------------------------------------------------------
def _ok(answer: tuple[str, list], what: str) -> list:
    status, data = answer
    if status != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
        raise MailSyncError(f"the mail server refused to {what}: {detail or status}")
    return data


def _select(imap: imaplib.IMAP4, folder: str) -> tuple[int, int]:
    """Open the folder to read (EXAMINE): its UIDVALIDITY and how many mails it holds."""
    status, exists = imap.select(quoted(folder), readonly=True)
    if status != "OK":
        raise MailSyncError(f"the folder {folder!r} is not in the mailbox (Settings › Mail "
                            "names the folders to watch)")
    answer = imap.response("UIDVALIDITY")[1]
    if not answer or answer[0] is None:
        raise MailSyncError(f"the mail server gave no UIDVALIDITY for {folder!r}")
    try:
        count = int(exists[0])
    except (IndexError, TypeError, ValueError):
        count = 1                  # not said: ask for the mail and see
    return int(answer[0]), count


_SIZE = re.compile(rb"UID (\d+)\D.*?RFC822\.SIZE (\d+)|RFC822\.SIZE (\d+)\D.*?UID (\d+)")


def _sizes(imap: imaplib.IMAP4, folder: str, start: int) -> dict[int, int]:
    """UID → size of each mail from `start` on. "n:*" names the last mail even when its
    UID is below n, so the answer is filtered."""
    data = _ok(imap.uid("FETCH", f"{start}:*", "(UID RFC822.SIZE)"), f"list {folder!r}")
    sizes: dict[int, int] = {}
    for line in data:
        if not isinstance(line, bytes):
            continue
        match = _SIZE.search(line)
        if match:
            uid = int(match.group(1) or match.group(4))
            size = int(match.group(2) or match.group(3))
            if uid >= start:
                sizes[uid] = size
    return dict(sorted(sizes.items()))


def _batches(sizes: dict[int, int]) -> Iterator[list[int]]:
    batch: list[int] = []
    weight = 0
    for uid, size in sizes.items():
        if batch and (len(batch) >= BATCH_MAILS or weight + size > BATCH_BYTES):
            yield batch
            batch, weight = [], 0
        batch.append(uid)
        weight += size
    if batch:
        yield batch


def fetch_one(imap: imaplib.IMAP4, folder: str, uidvalidity: int | None,
              uid: int) -> bytes | None:
    """One mail read before, by where it was found; None when the folder was rebuilt
    since (its UIDs now name other mail) or the mail is gone."""
    if _select(imap, folder)[0] != uidvalidity:
        return None
    fetched = _fetch(imap, folder, [uid])
    return fetched[0][1] if fetched else None


_UID = re.compile(rb"UID (\d+)")


def _fetch(imap: imaplib.IMAP4, folder: str, uids: list[int]) -> list[tuple[int, bytes]]:
    """The raw bytes of these mails. A mail deleted on the server since it was listed is
    simply not in the answer."""
    data = _ok(imap.uid("FETCH", ",".join(map(str, uids)), "(UID BODY.PEEK[])"),
               f"read mail in {folder!r}")
    fetched = []
    for at, part in enumerate(data):
        if isinstance(part, tuple) and len(part) == 2:
            # RFC 3501 fixes no order inside FETCH: a server may name the UID after the
            # body ("* 1 FETCH (BODY[] {n}…  UID 7)"), which imaplib leaves in the next
            # piece. Missed, the mail was skipped while the folder's last UID moved past it.
            after = data[at + 1] if at + 1 < len(data) else b""
            match = _UID.search(part[0]) or (
                _UID.search(after) if isinstance(after, bytes) else None)
            if match:
                fetched.append((int(match.group(1)), part[1]))
    return sorted(fetched)
