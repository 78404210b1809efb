"""The seller's policy: versions in the database, the shipped default as version 1."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.errors import InputError, KnownError
from sellerdesk.core.issues import IssueType
from sellerdesk.core.policy import Policy, parse_complete_policy, parse_policy
from sellerdesk.services.clock import now
from sellerdesk.services.files import read_regular_file, written_whole
from sellerdesk.services.protection import pins, security_log

# The shipped policy and the first version live in a module of their own, light enough
# for opening a new desk (services.database) without this one's PINs and security log;
# they are this module's too.
from sellerdesk.services.shipped_policy import default_policy_text as default_policy_text
from sellerdesk.services.shipped_policy import ensure_active_policy_in as ensure_active_policy_in
from sellerdesk.services.shipped_policy import ensure_policy as ensure_policy
from sellerdesk.store import issues as issue_store
from sellerdesk.store import policy_versions as policy_store
from sellerdesk.store import staff as staff_store
from sellerdesk.store import team as team_store
from sellerdesk.store.engine import reading, writing


def ensure_active_policy(engine: Engine) -> tuple[int, Policy]:
    with writing(engine) as conn:  # may store the default as version 1
        return ensure_active_policy_in(conn)


@dataclass(frozen=True, slots=True)
class PolicyVersionInfo:
    version: int
    name: str
    created_by: str
    created_at: datetime           # UTC
    restored_from: int | None = None
    why: str | None = None         # the reason given when a draft was made current

    @property
    def note(self) -> str:
        if self.restored_from:
            return f"restored from version {self.restored_from}"
        return f"why: {self.why}" if self.why else ""


def policy_versions(engine: Engine) -> list[PolicyVersionInfo]:
    """Every saved version, newest first."""
    with reading(engine) as conn:
        return [PolicyVersionInfo(*row) for row in policy_store.policy_versions(conn)]


def issue_types_in_use(engine: Engine) -> set[IssueType]:
    with reading(engine) as conn:
        return _in_use(conn)


def _in_use(conn: Connection) -> set[IssueType]:
    return {IssueType(kind) for kind in issue_store.issue_types_in_use(conn)}


def check_policy(text: str, *, in_use: set[IssueType], source: str = "policy") -> Policy:
    """The check a policy passes before it is saved (the editor runs it as one types):
    valid, and nothing left out that the desk needs. Raises PolicyError (key and line)."""
    return parse_complete_policy(text, source=source, in_use=in_use)


def require_supervisor(conn: Connection, name: str, why: str) -> str:
    """Refuse an agent (anyone may act on a desk with no staff yet: they set it up).
    Returns who is acting: on a team database the login, whatever name was given."""
    name = team_store.team_login(conn) or name
    member = staff_store.staff_member(conn, name=name)
    if (member is None and staff_store.staff_count(conn)) or (member and not member.can_approve):
        raise KnownError(f"{name} is not a supervisor or owner here; {why}")
    if member is not None:
        if not member.active:
            raise KnownError(f"{name} was deactivated and can no longer act at this desk")
        pins.require_elevated(conn, member, "a change that binds the whole desk")
    return name


def require_owner(conn: Connection, name: str, why: str) -> str:
    """Refuse anyone but an owner (anyone may act on a desk with no staff yet: they set
    it up), with their PIN given on a single desk. Returns who is acting: on a team
    database the login, whatever name was given."""
    name = team_store.team_login(conn) or name
    member = staff_store.staff_member(conn, name=name)
    if (member is None and staff_store.staff_count(conn)) or (member and member.role != "owner"):
        raise KnownError(f"{name} is not an owner here; {why}")
    if member is not None:
        if not member.active:
            raise KnownError(f"{name} was deactivated and can no longer act at this desk")
        pins.require_elevated(conn, member, "a change that binds the whole desk")
    return name


def save_policy(engine: Engine, text: str, *, by: str, source: str) -> tuple[int, Policy]:
    """Validate and store as a new version (nothing stored if it does not validate, or
    if it leaves out what the desk needs: an emptied policy would suggest nothing).
    The written policy binds the whole desk, so an agent may not change it."""
    parse_policy(text, source=source)      # a plain mistake is named before any query
    with writing(engine) as conn:
        policy = check_policy(text, in_use=_in_use(conn), source=source)
        by = require_supervisor(conn, by, "the written policy binds the whole desk, so one "
                                          "of them saves it")
        version = policy_store.add_policy_version(conn, name=policy.name, text=text, by=by,
                                                  now=now())
        security_log.record(conn, "policy_saved", f"policy version {version} ({policy.name})",
                            actor=by)
    return version, policy


def restore_policy(engine: Engine, version: int, *, by: str) -> tuple[int, Policy]:
    """Make an old version current again: saved as a new version that says where it came
    from, so every suggestion made meanwhile still names the version it used. The same
    people may do it as may save, and it is checked as a save is."""
    with writing(engine) as conn:
        text = policy_store.policy_text(conn, version=version)
        if text is None:
            raise KnownError(f"There is no policy version {version}.")
        current = policy_store.latest_policy(conn)
        if current is not None and current[1] == text:
            raise KnownError(f"Version {version} is the policy in use already"
                             + (f" (as version {current[0]})." if current[0] != version else "."))
        policy = check_policy(text, in_use=_in_use(conn), source=f"policy version {version}")
        by = require_supervisor(conn, by, "the written policy binds the whole desk, so one "
                                          "of them restores it")
        new_version = policy_store.add_policy_version(conn, name=policy.name, text=text, by=by,
                                                      now=now(), restored_from=version)
        security_log.record(conn, "policy_restored",
                            f"policy version {new_version} restored from version {version} "
                            f"({policy.name})", actor=by)
    return new_version, policy


def policy_version_text(engine: Engine, version: int) -> str:
    with reading(engine) as conn:
        text = policy_store.policy_text(conn, version=version)
    if text is None:
        raise KnownError(f"There is no policy version {version}.")
    return text


def policy_diff(engine: Engine, older: int, newer: int) -> str:
    """A unified diff from one version to another (empty when the texts are the same)."""
    before, after = policy_version_text(engine, older), policy_version_text(engine, newer)
    return "\n".join(difflib.unified_diff(
        before.splitlines(), after.splitlines(), fromfile=f"version {older}",
        tofile=f"version {newer}", lineterm=""))


MAX_POLICY_BYTES = 2**20      # a policy is a few kilobytes of text


def read_policy_file(path: Path) -> str:
    """A policy file's text (UTF-8, a BOM allowed), for importing, backtesting or keeping
    as a draft; what is not one is an InputError naming the file."""
    data = read_regular_file(path, limit=MAX_POLICY_BYTES, what="a policy file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("a policy file must be UTF-8 text", file=str(path)) from None


def import_policy(engine: Engine, path: Path, *, by: str) -> tuple[int, Policy]:
    return save_policy(engine, read_policy_file(path), by=by, source=Path(path).name)


def export_policy(engine: Engine, path: Path) -> tuple[int, Policy]:
    version, policy = ensure_active_policy(engine)
    write_policy_file(Path(path), policy.text)
    return version, policy


def write_policy_file(target: Path, text: str) -> None:
    """Write whole or not at all: never a half-written policy under the real name."""
    with written_whole(target) as partial:
        partial.write_text(text, encoding="utf-8")
