"""The credit ledger's tamper evidence: a SHA-256 chain over canonical JSON.

entry_hash = SHA-256( prev_hash || canonical JSON of the entry ). The first entry's
prev_hash is GENESIS. Changing, removing, inserting or reordering any entry breaks the
chain at that entry, which `verify_chain` names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

# The fields of a ledger entry, in the contract (exports carry them; the hash covers them).
ENTRY_FIELDS = ("credit_id", "created_at", "issue_id", "order_id", "kind", "amount", "currency",
                "reverses", "reason", "staff", "approved_by", "policy_version",
                "suggested_amount", "expires_on")


# An export's columns: the entry, then its place in the chain.
CHAIN_FIELDS = (*ENTRY_FIELDS, "prev_hash", "entry_hash")
_NUMBERS = frozenset({"credit_id", "issue_id", "reverses", "policy_version"})
_MAY_BE_EMPTY = frozenset({"reverses", "approved_by", "policy_version", "suggested_amount",
                           "expires_on"})


def entry_from_texts(texts: Mapping[str, str]) -> dict[str, Any]:
    """An entry read back from text cells (CSV, a spreadsheet): ids as numbers, an empty
    optional field as null. A cell that is not what it should be is kept as written, so
    the hash, not a parse error, reports the edit."""
    get = texts.get
    entry: dict[str, Any] = {name: get(name, "") for name in CHAIN_FIELDS}
    for name in _MAY_BE_EMPTY:
        if entry[name] == "":
            entry[name] = None
    for name in _NUMBERS:
        text = entry[name]
        if text and text.lstrip("-").isdigit():
            entry[name] = int(text)
    return entry


# Keys put in sorted order once, so the encoder need not sort 100,000 dicts.
_SORTED_FIELDS = tuple(sorted(ENTRY_FIELDS))
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def canonical_json(entry: Mapping[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same bytes for the same entry everywhere."""
    get = entry.get
    return _ENCODE({name: get(name) for name in _SORTED_FIELDS}).encode()


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(entry)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainCheck:
    entries: int
    first_bad: int | None = None     # 1-based position of the first entry that fails
    credit_id: Any = None            # and its credit id, when it has one
    reason: str = ""

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
    expected_prev = GENESIS
    count = 0
    for count, entry in enumerate(entries, start=1):
        credit_id = entry.get("credit_id")
        if entry.get("prev_hash") != expected_prev:
            return ChainCheck(count, count, credit_id,
                              "its prev_hash does not match the entry before it "
                              "(an entry was removed, inserted or moved)")
        if entry_hash(expected_prev, entry) != entry.get("entry_hash"):
            return ChainCheck(count, count, credit_id,
                              "its contents do not match its entry_hash (it was edited)")
        expected_prev = entry["entry_hash"]
    return ChainCheck(count)
