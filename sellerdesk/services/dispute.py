"""The dispute packet (PRODUCT.md §6): what a seller needs when a buyer files an A-to-z
claim or a chargeback, from one order's records.

A zip (or a folder) with `packet.pdf` (the order, its items, every issue's timeline and
the messages noted, every credit with its ledger hash, the policy version and how each
suggestion was worked out), `summary.txt` short enough for Amazon's response box, the
evidence files, and `manifest.json` with every file's SHA-256. Buyer personal data is
left out unless asked for, and the first page says which.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import KnownError
from sellerdesk.core.file_names import windows_safe
from sellerdesk.core.issues import Remedy
from sellerdesk.core.records import CreditRecord, EvidenceRecord, TimelineEntry
from sellerdesk.services import packet_pdf
from sellerdesk.services.clock import now
from sellerdesk.services.evidence import checked_file
from sellerdesk.services.files import written_whole
from sellerdesk.services.mail.inbox import mail_on_issue
from sellerdesk.services.packet_pdf import IssueFile, Packet
from sellerdesk.services.protection import security_log
from sellerdesk.services.protection.personal_data import details_in
from sellerdesk.store import credits as ledger_store
from sellerdesk.store import evidence as evidence_store
from sellerdesk.store import issues as issue_store
from sellerdesk.store.engine import reading
from sellerdesk.store.orders import get_order

RESPONSE_BOX = 2_000          # characters Amazon's claim response box takes

# What the packet keeps to the desk. Amazon (and through an appeal, the buyer) is shown
# what was given, when, why, and the ledger's hashes; not how the desk controls itself:
# - a suggestion is the desk's deliberation; the policy's working goes out once, beside
#   the credit it led to (Packet.explanations);
# - approval requests, rejections and approvals are supervisor mechanics (a rejected
#   amount was never given; an approved one appears as the credit it became);
# - who the issue was assigned to is internal work-sharing;
# - changes to the buyer's stored details are the desk's data housekeeping (the details
#   themselves go out only when asked for);
# - a file removed within a minute of attaching it was a slip (the wrong file dropped):
#   neither the file, nor its attaching, nor its removal goes out (see `_shown`).
INTERNAL_KINDS = frozenset({"suggestion", "approval_requested", "rejected", "assigned",
                            "personal_data", "evidence_removed"})
# The policy's guard lines (core.policy step 6) end so: they say who must approve, with the
# desk's approval limits and its count of the buyer's earlier credits. They never change the
# amount, so the lines left still add up to the suggestion.
APPROVAL_ENDINGS = (": needs approval", ": needs a supervisor's approval")
_CREDIT_ID = re.compile(r"\(credit (\d+)\)")
# How much of a mail the Messages table shows (about half a page).
MAIL_LINES, MAIL_CHARACTERS = 40, 2_500


@dataclass(frozen=True, slots=True)
class PacketResult:
    path: Path
    files: list[str]
    summary: str


def gather(engine: Engine, order_id: str, *, personal_data: bool = False) -> Packet:
    order_id = order_id.strip()
    with reading(engine) as conn:
        order = get_order(conn, order_id=order_id)
        if order is None:
            raise KnownError(f"no order {order_id} in this database")
        issues = sorted(issue_store.list_issues(conn, order_id=order_id),
                        key=lambda issue: issue.issue_id)
        if not issues:
            raise KnownError(f"order {order_id} has no issues logged: a dispute packet shows "
                             "what was done about an issue (log one first)")
        issue_ids = [i.issue_id for i in issues]
        attached = evidence_store.evidence(conn, issue_ids=issue_ids)
        removed = evidence_store.removed_evidence(conn, issue_ids=issue_ids)
        files = []
        for i in issues:
            credits = ledger_store.credits_on_issue(conn, issue_id=i.issue_id)
            files.append(IssueFile(
                i, _shown(issue_store.timeline(conn, issue_id=i.issue_id), credits,
                          [e for e in removed if e.issue_id == i.issue_id]), credits,
                [e for e in attached if e.issue_id == i.issue_id]))
        credit_ids = [c.credit_id for f in files for c in f.credits]
        # The order's own entries, each against its hash and the one before: reading the
        # whole chain would make every packet as slow as the ledger is long.
        entries, head, hold = ledger_store.links_hold(conn, credit_ids=credit_ids)
        buyers = {i.issue_id: details_in(conn, i.issue_id) for i in issues} \
            if personal_data else {}
        explanations = {credit_id: _without_approval(text) for credit_id, text
                        in ledger_store.explanations(conn, credit_ids=credit_ids).items()}
    files = [_with_mail_words(engine, f, personal_data=personal_data) for f in files]
    return Packet(order, files, explanations, entries, head, hold, now(), personal_data,
                  buyers)


def _with_mail_words(engine: Engine, issue_file: IssueFile, *,
                     personal_data: bool) -> IssueFile:
    """The words of the mail on the issue, for the Messages table: the seller's replies
    always (the desk's own words, what Amazon asks to see), the buyer's only when the
    packet includes personal data (a buyer's mail often signs with a name and address)."""
    views = [v for v in mail_on_issue(engine, issue_file.issue.issue_id)
             if v.body and not v.unreadable
             and (v.direction == "out" or personal_data)]
    if not views:
        return issue_file
    words = {}
    for entry in issue_file.timeline:
        if entry.kind not in packet_pdf.MESSAGE_KINDS:
            continue
        for view in views:
            if f"(mail {view.mail_id}" in entry.text:
                words[entry.text] = f"{entry.text}:\n{_cut(view.body.strip())}"
    return replace(issue_file, words=words)


def _cut(body: str) -> str:
    """A table row cannot run over a page: a long mail (a quoted thread, a signature of
    forty lines) is cut, and says so."""
    lines = body.splitlines()
    kept = "\n".join(lines[:MAIL_LINES])[:MAIL_CHARACTERS]
    if kept == body:
        return body
    return kept.rstrip() + f"\n[… cut here for the packet: {len(body):,} characters in all]"


def _shown(timeline: list[TimelineEntry], credits: list[CreditRecord],
           removed: Sequence[EvidenceRecord] = ()) -> list[TimelineEntry]:
    """The timeline as the packet shows it: without the desk's internal lines nor the
    attaching of files removed since, and a supervisor's approval told as the credit it
    gave, in the words a credit's own line has."""
    by_id = {c.credit_id: c for c in credits}
    # An attaching line is written with its record, at its moment, naming its hash.
    slips = {(e.added_at, f"SHA-256 {e.sha256[:12]}") for e in removed}
    shown = []
    for entry in timeline:
        if entry.kind in INTERNAL_KINDS:
            continue
        if entry.kind == "evidence" and any(
                at == entry.at and mark in entry.text for at, mark in slips):
            continue
        if entry.kind == "approved":
            found = _CREDIT_ID.search(entry.text)
            credit = by_id.get(int(found.group(1))) if found else None
            if credit is None:
                continue
            entry = TimelineEntry(entry.at, credit.staff, "credit", _credit_line(credit))
        shown.append(entry)
    return shown


def _credit_line(credit: CreditRecord) -> str:
    try:
        kind = Remedy(credit.kind).label
    except ValueError:
        kind = credit.kind.replace("_", " ").capitalize()
    return (f"{kind} {credit.amount.display()} (credit {credit.credit_id})"
            + (f": {credit.reason}" if credit.reason else ""))


def _without_approval(explanation: str) -> str:
    return "\n".join(line for line in explanation.splitlines()
                     if not line.rstrip().endswith(APPROVAL_ENDINGS))


def export_dispute(engine: Engine, order_id: str, path: Path, *,
                   personal_data: bool = False, staff: str | None = None) -> PacketResult:
    """Write the packet to `path` (.zip, or else a new folder), whole or not at all."""
    path = Path(path)
    packet = gather(engine, order_id, personal_data=personal_data)
    # Each evidence file is hashed again here, so its record's hash and size are its own.
    # Under a name every desktop keeps (Windows refuses `a:b?.png`, drops the dot of `x.`);
    # the number keeps two names that clean alike apart, the manifest keeps the original.
    sources = [(f"evidence/{n:02d}-{windows_safe(e.name)}", checked_file(engine, e), e)
               for n, e in enumerate(packet.evidence, start=1)]
    summary = summary_text(packet)
    made = [("packet.pdf", packet_pdf.render(packet)), ("summary.txt", summary.encode("utf-8"))]
    listed = [{"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
              for name, data in made]
    listed += [{"path": name, "size": e.size, "sha256": e.sha256, "original_name": e.name}
               for name, _, e in sources]
    contents: list[tuple[str, bytes | Path]] = [
        *made, *((name, stored) for name, stored, _ in sources),
        ("manifest.json", _manifest(packet, listed))]
    if path.suffix.lower() == ".zip":
        with written_whole(path) as partial, zipfile.ZipFile(partial, "w") as archive:
            for name, data in contents:
                if isinstance(data, Path):
                    archive.write(data, name, compress_type=zipfile.ZIP_STORED)
                else:
                    archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    else:
        _write_folder(path, contents)
    security_log.record_now(engine, "export", f"dispute packet for order {packet.order.order_id}"
                            f" to {path}" + (", with personal data" if personal_data else ""),
                            actor=staff)
    return PacketResult(path, [name for name, _ in contents], summary)


def _manifest(packet: Packet, files: list[dict[str, object]]) -> bytes:
    return json.dumps({
        "format": "sellerdesk-dispute-packet", "version": 1,
        "order_id": packet.order.order_id, "made_at": packet.made_at.isoformat() + "Z",
        "personal_data": packet.personal_data, "files": files,
    }, indent=1, ensure_ascii=False).encode("utf-8")


def _write_folder(path: Path, contents: list[tuple[str, bytes | Path]]) -> None:
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise KnownError(f"cannot write the packet to {path}: it exists and is not an empty "
                         "folder (choose a new name, or one ending in .zip)")
    partial = path.with_name(f".{path.name}.partial")
    try:
        shutil.rmtree(partial, ignore_errors=True)
        for name, data in contents:
            target = partial / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, Path):
                shutil.copyfile(data, target)
            else:
                target.write_bytes(data)
        if path.exists():
            path.rmdir()
        partial.rename(path)
    except OSError as exc:
        raise KnownError(f"cannot write the packet to {path}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(partial, ignore_errors=True)


# -- the text for Amazon's response box ----------------------------------------------------
def summary_text(packet: Packet) -> str:
    """Facts first, then what was done, then which files to send; shortened detail by
    detail until it fits Amazon's box, never cut mid-sentence."""
    order = packet.order
    head = (f"Order {order.order_id} ({order.sales_channel or order.marketplace}), placed "
            f"{order.purchase_date:%Y-%m-%d}, {order.total.display()}, "
            f"{'fulfilled by Amazon' if order.channel.value == 'AFN' else 'shipped by us'}, "
            f"status {order.status}.")
    details: list[str] = []
    for f in packet.issues:
        issue = f.issue
        first = f"Issue {issue.issue_id}: {issue.issue_type.label.lower()}, logged " \
                f"{issue.created_at:%Y-%m-%d %H:%M} UTC, now {issue.status.label.lower()}."
        details.append(first)
        asked = next((e.at for e in f.timeline if e.kind == "buyer_message"), None)
        answered = next((e.at for e in f.timeline if e.kind.startswith("reply")
                         and asked is not None and e.at >= asked), None)
        if asked is not None and answered is not None:
            hours = (answered - asked).total_seconds() / 3600
            details.append(f"The buyer's message of {asked:%Y-%m-%d} was answered in "
                           f"{hours:.1f} hours.")
        for credit in f.credits:
            what = "Reversed credit" if credit.reverses else credit.kind.replace("_", " ")
            details.append(f"{what.capitalize()} {credit.amount.display()} on "
                           f"{credit.created_at:%Y-%m-%d} (ledger hash "
                           f"{credit.entry_hash[:16]}).")
    tail = []
    if packet.evidence:
        # Only what the desk knows: the files are in the packet. Nothing records that they
        # went out through Buyer-Seller Messages, so the box never says they were sent.
        tail.append("Evidence files in this packet, to be sent through Buyer-Seller "
                    "Messages: " + "; ".join(e.name for e in packet.evidence) + ".")
    tail.append("The full record (timeline, messages, ledger hashes, policy) is in "
                "packet.pdf with SHA-256 sums in manifest.json.")
    while True:
        text = "\n".join([head, *details, *tail])
        if len(text) <= RESPONSE_BOX or not details:
            break
        details.pop()
    if len(text) > RESPONSE_BOX:      # only a pathological list of file names gets here
        text = text[:RESPONSE_BOX - 1].rsplit(" ", 1)[0] + "…"
    return text


def describe(result: PacketResult) -> str:
    return (f"Wrote the dispute packet to {result.path}: {len(result.files)} files; the "
            f"summary is {len(result.summary):,} of {RESPONSE_BOX:,} characters")

