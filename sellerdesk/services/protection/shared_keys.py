"""The keys everyone at a desk shares: the HMAC key behind buyer references and the keys
that seal buyer personal data (services.protection.data_keys).

A single desk keeps them in the OS keyring (services.protection.secrets). A team database keeps them
in its own `team_secret` table, each sealed with the *team key*: a random key the owner
gets from `team init` and hands to each colleague once, who keeps it in their own
keyring. So every desk computes the same buyer reference for the same buyer (the
repeat-buyer guard holds across desks) and reads details typed at another desk, while a
copy of the database alone reads no buyer data.
"""

from __future__ import annotations

import base64
import binascii
import secrets as random_source

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.errors import KnownError
from sellerdesk.core.sealing import KEY_BYTES, SealBroken, cell, new_key, seal, unseal
from sellerdesk.services.clock import now
from sellerdesk.services.protection.secrets import get_secret, kept_beyond_session, set_secret
from sellerdesk.store import team as team_store
from sellerdesk.store.engine import reading, writing

TEAM_KEY_ID = 1
CHECK = "team-key-check"        # sealed with the team key: tells a mistyped key at once
BUYER_REFERENCE = "buyer-reference-key"


class TeamKeyMissing(KnownError):
    """This desk cannot open the team's shared keys: no team key, or a wrong one."""


def _keyring_name(engine: Engine) -> str:
    """The team key belongs to the database, whoever logs in to it from this computer."""
    # (URL.set takes None as "unchanged": namedtuple's _replace removes the login.)
    url = engine.url._replace(drivername="postgresql", username=None, password=None)
    return "team-key " + url.render_as_string(hide_password=True)


def key_text(key: bytes) -> str:
    """The team key as people pass it on: base32 in groups of four."""
    text = base64.b32encode(key).decode().rstrip("=")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def _parse(text: str) -> bytes:
    letters = "".join(text.split()).replace("-", "").upper()
    try:
        key = base64.b32decode(letters + "=" * (-len(letters) % 8))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise TeamKeyMissing("that is not a team key: it is 52 letters and digits in groups "
                             "of four, as sellerdesk team key shows it to the owner")
    return key


def _team_key(engine: Engine) -> bytes:
    text = get_secret(_keyring_name(engine))
    if text is None:
        raise TeamKeyMissing(
            "this computer does not hold the team key yet, so it cannot read or seal the "
            "team's buyer data. Enter it in Settings › Team (the owner reads it with "
            "sellerdesk team key).")
    return _parse(text)


def team_key_text(engine: Engine) -> str | None:
    """The team key as this computer's keyring holds it (for the owner to pass on)."""
    try:
        return key_text(_team_key(engine))
    except TeamKeyMissing:
        return None


def _is_team(conn: Connection) -> bool:
    return team_store.team_login(conn) is not None


def _where(name: str) -> bytes:
    return cell("team_secret", "sealed", name)


def _opened(key: bytes, name: str, sealed: bytes) -> str:
    return unseal({TEAM_KEY_ID: key}, _where(name), sealed, what=f"the team's {name}")


def make_team_key(engine: Engine, conn: Connection) -> str:
    """At `team init`: the team's key, made once and kept in the owner's keyring. Run
    again, it is the key already made (which this computer must hold)."""
    if team_store.team_secret(conn, CHECK) is not None:
        key = _team_key(engine)
        _check(conn, key)
        return key_text(key)
    key = new_key()
    set_secret(_keyring_name(engine), key_text(key))
    _put(conn, CHECK, key, random_source.token_hex(16), replace=True)
    return key_text(key)


def enter_team_key(engine: Engine, text: str) -> None:
    """A colleague's desk takes the team key the owner gave them, once it opens the
    team's check value."""
    key = _parse(text)
    with reading(engine) as conn:
        if not _is_team(conn):
            raise TeamKeyMissing("this database is not a team database; a team key is "
                                 "entered only for one")
        _check(conn, key)
    set_secret(_keyring_name(engine), key_text(key))


def _check(conn: Connection, key: bytes) -> None:
    sealed = team_store.team_secret(conn, CHECK)
    if sealed is None:
        raise TeamKeyMissing("the team database has no team key yet: its owner runs "
                             "sellerdesk team init URL again")
    try:
        _opened(key, CHECK, sealed)
    except SealBroken:
        raise TeamKeyMissing("that team key is not this team's: check it with the "
                             "owner (sellerdesk team key)") from None


def _put(conn: Connection, name: str, key: bytes, value: str, *, replace: bool) -> str:
    sealed = seal(key, TEAM_KEY_ID, _where(name), value)
    kept = team_store.put_team_secret(conn, name, sealed, by=team_store.current_login(conn),
                                      now=now(), replace=replace)
    return _opened(key, name, kept)


# A single desk's SQLite file is never asked (not even opened): a caller may be inside a
# write transaction there, which allows one writer.
def read_shared(engine: Engine, name: str) -> str | None:
    if engine.dialect.name == "postgresql":
        with reading(engine) as conn:
            if _is_team(conn):
                sealed = team_store.team_secret(conn, name)
                return None if sealed is None else _opened(_team_key(engine), name, sealed)
    return get_secret(name)


def write_shared(engine: Engine, name: str, value: str, *, replace: bool = True) -> str:
    """Keep a shared secret; returns the one kept (without `replace`, one another desk
    made first wins)."""
    if engine.dialect.name == "postgresql":
        with writing(engine) as conn:
            if _is_team(conn):
                return _put(conn, name, _team_key(engine), value, replace=replace)
    if replace or get_secret(name) is None:
        set_secret(name, value)
    return get_secret(name) or value


def bring_desk_secrets(engine: Engine, conn: Connection, names: tuple[str, ...]) -> None:
    """Moving a single desk into the team: its keyring's shared keys go into the team's
    table (in the move's own transaction), so what it sealed stays readable."""
    key = _team_key(engine)
    for name in names:
        value = get_secret(name)
        if value is not None:
            _put(conn, name, key, value, replace=True)


class BuyerKeyUnavailable(KnownError):
    """No keyring works and the key file is locked or missing: a key made now would die
    with this process, and each buyer's history with it."""


def ensure_buyer_reference_key(engine: Engine) -> bytes:
    """The HMAC key for buyer references, made on first use — but only where it will be
    kept (a keyring, the open key file, the team's table): a key for one process would
    make every buyer new at the next start, and the repeat-buyer guard fail open."""
    value = read_shared(engine, BUYER_REFERENCE)
    if value is None:
        if not (kept_beyond_session(BUYER_REFERENCE) or _on_team(engine)):
            raise BuyerKeyUnavailable(
                "buyer history could not be checked: no OS keyring works here and the key "
                "file is locked or missing (Settings › Key file, or sellerdesk key-file)")
        value = write_shared(engine, BUYER_REFERENCE, random_source.token_hex(32),
                             replace=False)
    return bytes.fromhex(value)


def _on_team(engine: Engine) -> bool:
    if engine.dialect.name != "postgresql":
        return False
    with reading(engine) as conn:
        return _is_team(conn)
