"""The keys that seal buyer personal data, kept in the OS keyring (services.secrets) and
nowhere else. One key is current; during a rotation the previous one stays until every
cell is re-sealed, so a rotation cut short is finished at the next start."""

from __future__ import annotations

import json
import secrets as random_source
from dataclasses import dataclass

from sellerdesk.core.sealing import new_key
from sellerdesk.services.secrets import get_secret, set_secret

SECRET = "personal-data-keys"


@dataclass(frozen=True, slots=True)
class KeySet:
    current: int
    keys: dict[int, bytes]

    @property
    def rotating(self) -> bool:
        return len(self.keys) > 1

    def __repr__(self) -> str:  # never the keys themselves
        return f"KeySet(current={self.current}, ids={sorted(self.keys)})"


def saved_key_set() -> KeySet | None:
    """The keys, if any were made (none are made here)."""
    return _read()


def _read() -> KeySet | None:
    text = get_secret(SECRET)
    if not text:
        return None
    data = json.loads(text)
    return KeySet(int(data["current"]),
                  {int(k): bytes.fromhex(v) for k, v in data["keys"].items()})


def _write(keys: KeySet) -> KeySet:
    set_secret(SECRET, json.dumps({"current": keys.current,
                                   "keys": {str(k): v.hex() for k, v in keys.keys.items()}}))
    # Read back: if another SellerDesk wrote at the same moment, both use the one kept.
    return _read() or keys


def _new_id(taken: set[int]) -> int:
    while True:   # random ids: keys made on two computers are never mistaken for each other
        key_id = random_source.randbelow(2**31 - 1) + 1
        if key_id not in taken:
            return key_id


def key_set() -> KeySet:
    """The keys, made on first use."""
    keys = _read()
    if keys is None:
        key_id = _new_id(set())
        keys = _write(KeySet(key_id, {key_id: new_key()}))
    return keys


def start_rotation() -> KeySet:
    """A new current key beside the ones in use."""
    keys = key_set()
    key_id = _new_id(set(keys.keys))
    return _write(KeySet(key_id, {**keys.keys, key_id: new_key()}))


def retire_old_keys() -> KeySet:
    """Keep only the current key (once no cell is sealed with another)."""
    keys = key_set()
    return _write(KeySet(keys.current, {keys.current: keys.keys[keys.current]}))
