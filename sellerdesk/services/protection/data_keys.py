"""The keys that seal buyer personal data: in the OS keyring on a single desk, in the
team's table sealed with the team key on a team database (services.protection.shared_keys). One
key is current; during a rotation the previous one stays until every
cell is re-sealed, so a rotation cut short is finished at the next start."""

from __future__ import annotations

import json
import secrets as random_source
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from sellerdesk.core.sealing import new_key
from sellerdesk.services.protection.shared_keys import read_shared, write_shared

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


def saved_key_set(engine: Engine) -> KeySet | None:
    """The keys, if any were made (none are made here)."""
    return _parsed(read_shared(engine, SECRET))


def _parsed(text: str | None) -> KeySet | None:
    if not text:
        return None
    data = json.loads(text)
    return KeySet(int(data["current"]),
                  {int(k): bytes.fromhex(v) for k, v in data["keys"].items()})


def _write(engine: Engine, keys: KeySet, *, first: bool = False) -> KeySet:
    """Keep the key set; the first one made by two desks at once is the one both use."""
    text = json.dumps({"current": keys.current,
                       "keys": {str(k): v.hex() for k, v in keys.keys.items()}})
    return _parsed(write_shared(engine, SECRET, text, replace=not first)) or keys


def _new_id(taken: set[int]) -> int:
    while True:   # random ids: keys made on two computers are never mistaken for each other
        key_id = random_source.randbelow(2**31 - 1) + 1
        if key_id not in taken:
            return key_id


def ensure_key_set(engine: Engine) -> KeySet:
    """The keys, made on first use."""
    keys = saved_key_set(engine)
    if keys is None:
        key_id = _new_id(set())
        keys = _write(engine, KeySet(key_id, {key_id: new_key()}), first=True)
    return keys


def start_rotation(engine: Engine) -> KeySet:
    """A new current key beside the ones in use."""
    keys = ensure_key_set(engine)
    key_id = _new_id(set(keys.keys))
    return _write(engine, KeySet(key_id, {**keys.keys, key_id: new_key()}))


def retire_old_keys(engine: Engine, *, keep: set[int] = frozenset()) -> KeySet:
    """Keep only the current key (once no cell is sealed with another) and those in `keep`,
    which some cell still needs."""
    keys = ensure_key_set(engine)
    return _write(engine, KeySet(keys.current, {key_id: key for key_id, key in keys.keys.items()
                                                if key_id == keys.current or key_id in keep}))
