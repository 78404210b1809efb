"""The seller's policy: versions in the database, the shipped default as version 1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.errors import InputError, KnownError
from sellerdesk.core.policy import Policy, parse_policy
from sellerdesk.services.clock import now
from sellerdesk.services.files import written_whole
from sellerdesk.services.paths import resources_dir
from sellerdesk.store import issues as store
from sellerdesk.store import team as team_store
from sellerdesk.store.engine import reading, writing


def default_policy_text() -> str:
    return (resources_dir() / "policies" / "default.toml").read_text(encoding="utf-8")


def active_policy(conn: Connection) -> tuple[int, Policy]:
    """The newest saved version; the shipped default becomes version 1 on first use."""
    latest = store.latest_policy(conn)
    if latest is None:
        text = default_policy_text()
        policy = parse_policy(text, source="default.toml")
        version = store.add_policy_version(conn, name=policy.name, text=text, by="SellerDesk",
                                           now=now())
        return version, policy
    version, text = latest
    return version, _parsed(version, text)


@lru_cache(maxsize=8)
def _parsed(version: int, text: str) -> Policy:
    """A saved version never changes, so it is parsed once per process, not per credit
    (a millisecond each time otherwise). The policy is a frozen value."""
    return parse_policy(text, source=f"policy version {version}")


def ensure_policy(engine: Engine) -> None:
    """Store the shipped default as version 1 if the desk has no policy yet."""
    with reading(engine) as conn:
        if store.latest_policy(conn) is not None:
            return
    with writing(engine) as conn:
        active_policy(conn)


def show_policy(engine: Engine) -> tuple[int, Policy]:
    with writing(engine) as conn:  # may store the default as version 1
        return active_policy(conn)


@dataclass(frozen=True, slots=True)
class PolicyVersionInfo:
    version: int
    name: str
    created_by: str
    created_at: datetime


def policy_versions(engine: Engine) -> list[PolicyVersionInfo]:
    """Every saved version, newest first."""
    with reading(engine) as conn:
        return [PolicyVersionInfo(*row) for row in store.policy_versions(conn)]


def require_supervisor(conn: Connection, name: str, why: str) -> str:
    """Refuse an agent (anyone may act on a desk with no staff yet: they set it up).
    Returns who is acting: on a team database the login, whatever name was given."""
    name = team_store.team_login(conn) or name
    member = store.staff_member(conn, name=name)
    if (member is None and store.staff_count(conn)) or (member and not member.can_approve):
        raise KnownError(f"{name} is not a supervisor or owner here; {why}")
    return name


def save_policy(engine: Engine, text: str, *, by: str, source: str) -> tuple[int, Policy]:
    """Validate and store as a new version (nothing stored if it does not validate).
    The written policy binds the whole desk, so an agent may not change it."""
    policy = parse_policy(text, source=source)
    with writing(engine) as conn:
        by = require_supervisor(conn, by, "the written policy binds the whole desk, so one "
                                          "of them saves it")
        version = store.add_policy_version(conn, name=policy.name, text=text, by=by, now=now())
    return version, policy


def import_policy(engine: Engine, path: Path, *, by: str) -> tuple[int, Policy]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("a policy file must be UTF-8 text", file=str(path)) from None
    return save_policy(engine, text, by=by, source=Path(path).name)


def export_policy(engine: Engine, path: Path) -> tuple[int, Policy]:
    version, policy = show_policy(engine)
    write_policy_file(Path(path), policy.text)
    return version, policy


def write_policy_file(target: Path, text: str) -> None:
    """Write whole or not at all: never a half-written policy under the real name."""
    with written_whole(target) as partial:
        partial.write_text(text, encoding="utf-8")
