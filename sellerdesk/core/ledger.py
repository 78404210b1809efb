"""The credit ledger's tamper evidence: a SHA-256 chain over canonical JSON.

entry_hash = SHA-256( prev_hash || canonical JSON of the entry ). The first entry's
prev_hash is GENESIS. Changing, removing, inserting or reordering any entry breaks the
chain at that entry, which `verify_chain` names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

# The fields of a ledger entry, in the contract (exports carry them; the hash covers them).
ENTRY_FIELDS = ("credit_id", "created_at", "issue_id", "order_id", "kind", "amount", "currency",
                "reverses", "reason", "staff", "approved_by", "policy_version",
                "suggested_amount", "expires_on")


# An export's columns: the entry, then its place in the chain.
CHAIN_FIELDS = (*ENTRY_FIELDS, "prev_hash", "entry_hash")
_ENTRY = len(ENTRY_FIELDS)       # where a row of CHAIN_FIELDS cells turns from entry to chain

# Keys put in sorted order once, so the encoder need not sort 100,000 dicts.
_SORTED_FIELDS = tuple(sorted(ENTRY_FIELDS))
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def canonical_json(entry: Mapping[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same bytes for the same entry everywhere."""
    get = entry.get
    return _ENCODE({name: get(name) for name in _SORTED_FIELDS}).encode()


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(entry)).hexdigest()


def entry_from_texts(cells: Sequence[str]) -> dict[str, Any]:
    """An entry read back from text cells in CHAIN_FIELDS order (CSV, a spreadsheet), its
    keys in canonical order: ids as numbers, an empty optional field as null. A cell that
    is not what the export wrote is kept as written, so the hash reports the edit."""
    if len(cells) < _ENTRY:
        cells = (*cells, *[""] * (_ENTRY - len(cells)))
    (credit_id, created_at, issue_id, order_id, kind, amount, currency, reverses, reason,
     staff, approved_by, policy_version, suggested_amount, expires_on) = cells[:_ENTRY]
    return {"amount": amount, "approved_by": approved_by or None, "created_at": created_at,
            "credit_id": _number(credit_id), "currency": currency,
            "expires_on": expires_on or None, "issue_id": _number(issue_id), "kind": kind,
            "order_id": order_id, "policy_version": _number(policy_version) if policy_version
            else None, "reason": reason, "reverses": _number(reverses) if reverses else None,
            "staff": staff, "suggested_amount": suggested_amount or None}


def _number(text: str) -> int | str:
    """The id as a number when the text is exactly how the export writes one; "07", "+7"
    or "٧" stay text (int() would take them, and the edit would pass unseen)."""
    if text.isdigit() or text[:1] == "-":
        try:
            number = int(text)
        except ValueError:
            return text
        if str(number) == text:
            return number
    return text


@dataclass(frozen=True, slots=True)
class ChainCheck:
    entries: int
    first_bad: int | None = None     # 1-based position of the first entry that fails
    credit_id: Any = None            # and its credit id, when it has one
    reason: str = ""
    head: str = GENESIS              # when whole: the last entry's hash

    @property
    def ok(self) -> bool:
        return self.first_bad is None

    def summary(self) -> str:
        if self.ok:
            return f"ledger intact: {self.entries:,} entries, every hash matches"
        which = f"entry {self.first_bad}" + (
            f" (credit {self.credit_id})" if self.credit_id is not None else "")
        return f"ledger altered at {which}: {self.reason}"


def verify_chain(entries: Iterable[Mapping[str, Any]]) -> ChainCheck:
    """Recompute the chain; each entry carries prev_hash and entry_hash."""
    return _verify((e.get("credit_id"), canonical_json(e), e.get("prev_hash"),
                    e.get("entry_hash")) for e in entries)


def verify_texts(rows: Iterable[Sequence[str]]) -> ChainCheck:
    """verify_chain for rows of text cells in CHAIN_FIELDS order (a CSV or spreadsheet
    export). entry_from_texts already gives canonical key order: no second dict."""
    def links() -> Iterator[tuple[Any, bytes, Any, Any]]:
        for row in rows:
            entry = entry_from_texts(row)
            prev, digest = row[_ENTRY:_ENTRY + 2] if len(row) >= len(CHAIN_FIELDS) else ("", "")
            yield entry["credit_id"], _ENCODE(entry).encode(), prev, digest
    return _verify(links())


def _verify(links: Iterable[tuple[Any, bytes, Any, Any]]) -> ChainCheck:
    """Each link: (credit id, canonical JSON, prev_hash, entry_hash) as written."""
    expected_prev = GENESIS
    count = 0
    sha256 = hashlib.sha256
    for count, (credit_id, canonical, prev_hash, digest) in enumerate(links, start=1):
        if prev_hash != expected_prev:
            return ChainCheck(count, count, credit_id,
                              "its prev_hash does not match the entry before it "
                              "(an entry was removed, inserted or moved)")
        if sha256(expected_prev.encode("ascii") + canonical).hexdigest() != digest:
            return ChainCheck(count, count, credit_id,
                              "its contents do not match its entry_hash (it was edited)")
        expected_prev = digest
    return ChainCheck(count, head=expected_prev)
