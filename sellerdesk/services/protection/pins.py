"""Supervisors' and owners' PINs on a single desk: acting in those roles (approving,
reversing an approved credit, saving the policy, managing staff) needs that person's PIN
or passphrase, so nobody approves their own request by picking a supervisor's name.

On a team database the login already says who is at work: nothing here applies there.

A PIN is kept only as a scrypt hash (memory-hard, so a copied database does not give
PINs up to a graphics card). After FREE_TRIES wrong tries in a row each further try
waits, 30 s doubling up to an hour; the count is in the database, so closing the window
resets nothing. A right PIN makes the person *elevated* in this process until the person
at the desk changes or IDLE passes without an elevated act. Agents need no PIN.
"""

from __future__ import annotations

import base64
import os
import threading
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.durations import span
from sellerdesk.core.errors import KnownError
from sellerdesk.core.records import StaffMember
from sellerdesk.services.clock import now
from sellerdesk.services.protection import security_log
from sellerdesk.store import staff as staff_store
from sellerdesk.store import team as team_store
from sellerdesk.store.engine import reading, writing

PIN_ENV = "SELLERDESK_PIN"     # for scripts: the PIN of whoever the command acts as
FREE_TRIES = 5
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
IDLE = timedelta(minutes=15)
SHORTEST_PIN = 4
# scrypt's cost: 32 MiB and about a tenth of a second per try (RFC 7914's interactive
# setting, raised to 2**15 as OWASP advises).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


class PinNeeded(KnownError):
    """The person at the desk is acting as supervisor or owner and has not given their
    PIN in this session (or did so more than IDLE ago)."""

    def __init__(self, member: StaffMember, what: str) -> None:
        self.name, self.first = member.name, not member.has_pin
        super().__init__(
            f"{what} needs {member.name}'s PIN ({_a(member.role)} acts only after giving it; "
            f"it lasts {span(IDLE)} idle)"
            + (f"; {member.name} has none yet and sets one the first time" if self.first
               else ""))


def _a(role: str) -> str:
    return f"{'an' if role[0] in 'aeiou' else 'a'} {role}"


class PinRefused(KnownError):
    """A wrong PIN, one given too soon after wrong ones, or a new PIN that will not do."""


# -- hashing ------------------------------------------------------------------------------
def _kdf(salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> Scrypt:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p)


def hash_pin(pin: str) -> str:
    """'scrypt$n$r$p$salt$key': the cost travels with the hash, so it can rise later."""
    salt = os.urandom(16)
    key = _kdf(salt).derive(pin.encode())
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(key).decode()}"


def _matches(pin: str, stored: str) -> bool:
    scheme, n, r, p, salt, key = stored.split("$")
    if scheme != "scrypt":
        return False
    try:
        _kdf(base64.b64decode(salt), int(n), int(r), int(p)).verify(pin.encode(),
                                                                    base64.b64decode(key))
    except InvalidKey:
        return False
    return True


def check_new_pin(pin: str) -> str:
    if len(pin) < SHORTEST_PIN or not pin.strip():
        raise PinRefused(f"a PIN has at least {SHORTEST_PIN} characters (digits, or a "
                         "passphrase)")
    return pin


# -- who is elevated in this process -------------------------------------------------------
_elevated: dict[tuple[str, str], datetime] = {}   # (database, name) → last elevated act
_lock = threading.Lock()


def _desk(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _is_team(conn: Connection) -> bool:
    return team_store.team_login(conn) is not None


def is_elevated(engine: Engine, name: str) -> bool:
    with _lock:
        since = _elevated.get((_desk(engine), name))
    return since is not None and now() - since <= IDLE


def drop_elevation(engine: Engine, name: str | None = None) -> None:
    """The person at the desk changed (or closed the window): their PIN must be given
    again. Without a name, everyone's on this database."""
    with _lock:
        for key in [k for k in _elevated if k[0] == _desk(engine)
                    and (name is None or k[1] == name)]:
            del _elevated[key]


def _elevate(engine: Engine, name: str) -> None:
    with _lock:
        _elevated[(_desk(engine), name)] = now()


def require_elevated(conn: Connection, member: StaffMember, what: str) -> None:
    """Inside a service's transaction: refuse a supervisor's or owner's act on a single
    desk unless their PIN was given recently; each such act keeps the session alive."""
    if _is_team(conn) or not member.can_approve:
        return
    engine = conn.engine
    if not is_elevated(engine, member.name):
        raise PinNeeded(member, what)
    _elevate(engine, member.name)


def needs_pin(engine: Engine, name: str) -> bool:
    """Whether acting as `name` in a supervisor's role would ask for the PIN first."""
    with reading(engine) as conn:
        if _is_team(conn):
            return False
        member = staff_store.staff_member(conn, name=name)
    return (member is not None and member.active and member.can_approve
            and not is_elevated(engine, name))


def has_pin(engine: Engine, name: str) -> bool:
    with reading(engine) as conn:
        member = staff_store.staff_member(conn, name=name)
    return member is not None and member.has_pin


# -- giving, setting and resetting PINs ----------------------------------------------------
def _wait(failures: int) -> timedelta:
    return min(FIRST_WAIT * 2 ** (failures - FREE_TRIES), LONGEST_WAIT)


def _acting(conn: Connection, name: str) -> StaffMember:
    member = staff_store.staff_member(conn, name=name)
    if member is None:
        raise PinRefused(f"nobody called {name!r} works at this desk")
    if not member.active:
        raise PinRefused(f"{name} was deactivated and can no longer act at this desk")
    return member


def elevate(engine: Engine, name: str, pin: str) -> StaffMember:
    """Check `name`'s PIN; right, they act in their role until IDLE passes or someone
    else is at the desk. Wrong tries are counted (and logged) even though this raises."""
    refusal = None
    with writing(engine) as conn:
        member = _acting(conn, name)
        if _is_team(conn) or not member.can_approve:
            return member                      # no PIN to give
        stored, failures, locked_until = staff_store.pin_state(conn, name=name)
        at = now()
        if stored is None:
            raise PinNeeded(member, f"acting as {name}")
        if locked_until is not None and at < locked_until:
            refusal = (f"{failures} wrong PINs in a row for {name}: wait "
                       f"{_seconds(locked_until - at)} before trying again")
        elif _matches(pin, stored):
            staff_store.put_pin_failures(conn, name=name, failures=0, locked_until=None)
            security_log.record(conn, "pin_given", f"{name} acts as {member.role}",
                                actor=name)
        else:
            failures += 1
            locked = at + _wait(failures) if failures >= FREE_TRIES else None
            staff_store.put_pin_failures(conn, name=name, failures=failures,
                                         locked_until=locked)
            security_log.record(conn, "pin_wrong", f"a wrong PIN for {name} ({failures} "
                                f"in a row)", actor=name)
            refusal = f"that is not {name}'s PIN" + (
                f"; after {failures} wrong tries, wait {_seconds(locked - at)} before the "
                "next" if locked is not None else "")
    if refusal:                 # raised after the commit: the count must stay
        raise PinRefused(refusal)
    _elevate(engine, name)
    return member


def set_first_pin(engine: Engine, name: str, pin: str) -> StaffMember:
    """A supervisor or owner who has no PIN yet (a desk from before PINs, or a new
    owner) chooses one, and is elevated by it."""
    check_new_pin(pin)
    pin_hash = hash_pin(pin)
    with writing(engine) as conn:
        member = _acting(conn, name)
        if _is_team(conn):
            raise PinRefused("a team database needs no PIN: the login says who you are")
        if staff_store.pin_state(conn, name=name)[0] is not None:
            raise PinRefused(f"{name} already has a PIN; only {name} (giving the current "
                             "one) or an owner changes it")
        staff_store.put_pin(conn, name=name, pin_hash=pin_hash)
        security_log.record(conn, "pin_set", f"{name} chose a first PIN", actor=name)
    _elevate(engine, name)
    return member


def change_pin(engine: Engine, name: str, *, current: str, new: str) -> None:
    """Someone changes their own PIN, giving the current one (counted like any try)."""
    check_new_pin(new)
    elevate(engine, name, current)
    with writing(engine) as conn:
        staff_store.put_pin(conn, name=name, pin_hash=hash_pin(new))
        security_log.record(conn, "pin_set", f"{name} changed their PIN", actor=name)


def reset_pin(engine: Engine, name: str, new: str, *, by: str) -> None:
    """An owner (having given their own PIN) sets a new PIN for someone who forgot theirs
    or was locked out; the wrong-try count starts again."""
    check_new_pin(new)
    pin_hash = hash_pin(new)
    with writing(engine) as conn:
        owner = _acting(conn, by)
        if owner.role != "owner":
            raise PinRefused(f"{by} is not an owner; only an owner resets someone's PIN")
        require_elevated(conn, owner, f"resetting {name}'s PIN")
        _acting(conn, name)
        staff_store.put_pin(conn, name=name, pin_hash=pin_hash)
        security_log.record(conn, "pin_set", f"{by} reset {name}'s PIN", actor=by)


def _seconds(delta: timedelta) -> str:
    seconds = max(int(delta.total_seconds() + 0.999), 1)
    return f"{seconds} s" if seconds < 120 else span(delta)

