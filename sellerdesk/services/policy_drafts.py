"""Policy as a reviewed change (issue #26): anyone at the desk saves a draft of the policy,
unapplied, with a note saying what it changes and why; a supervisor backtests it (the
policy lab); an owner makes it current — a new version that records who and why — or
anyone withdraws it (its author, or a supervisor or owner). Every step is in the security
log, as policy saves are. A draft based on a version that is no longer the one in force
would undo what was made current since, so applying it is refused unless confirmed."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import IssueType
from sellerdesk.core.policy import Policy, parse_policy
from sellerdesk.services.at_desk import at_desk_or_add_first_owner
from sellerdesk.services.clock import now
from sellerdesk.services.policies import (
    check_policy,
    ensure_active_policy_in,
    read_policy_file,
    require_owner,
)
from sellerdesk.services.protection import pins, security_log
from sellerdesk.store import issues as issue_store
from sellerdesk.store import policy_drafts as draft_store
from sellerdesk.store import policy_versions as policy_store
from sellerdesk.store.engine import reading, writing


@dataclass(frozen=True, slots=True)
class PolicyDraft:
    id: int
    name: str
    text: str
    note: str
    created_at: datetime            # UTC
    created_by: str
    based_on: int                   # the version in force when it was saved
    applied_as: int | None = None
    applied_by: str | None = None
    applied_at: datetime | None = None
    withdrawn_by: str | None = None
    withdrawn_at: datetime | None = None

    @property
    def state(self) -> str:
        """open, applied or withdrawn."""
        if self.applied_as is not None:
            return "applied"
        return "withdrawn" if self.withdrawn_at is not None else "open"

    @property
    def state_text(self) -> str:
        if self.applied_as is not None:
            return f"applied as version {self.applied_as} by {self.applied_by}"
        if self.withdrawn_at is not None:
            return f"withdrawn by {self.withdrawn_by}"
        return "open"

    def as_json(self) -> dict[str, object]:
        def stamp(at: datetime | None) -> str | None:
            return None if at is None else at.isoformat() + "Z"
        return {"draft": self.id, "name": self.name, "note": self.note,
                "saved_by": self.created_by, "saved_at": stamp(self.created_at),
                "based_on": self.based_on, "state": self.state,
                "applied_as": self.applied_as, "applied_by": self.applied_by,
                "applied_at": stamp(self.applied_at), "withdrawn_by": self.withdrawn_by,
                "withdrawn_at": stamp(self.withdrawn_at)}


class DraftError(KnownError):
    """A draft that cannot be saved, applied or withdrawn as asked, with the reason."""


def _in_use(conn) -> set[IssueType]:
    return {IssueType(kind) for kind in issue_store.issue_types_in_use(conn)}


def _note(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DraftError(what)
    return text


def save_draft(engine: Engine, text: str, *, note: str, by: str | None,
               source: str = "the draft") -> PolicyDraft:
    """Keep `text` as a draft, unapplied: checked as a save is (it must read, and cover
    what the desk has logged), with a note for whoever reviews it. Anyone at the desk
    may propose one."""
    note = _note(note, "a draft needs a note: what it changes and why, for whoever "
                       "reviews it")
    parse_policy(text, source=source)      # a plain mistake is named before any query
    with writing(engine) as conn:
        policy = check_policy(text, in_use=_in_use(conn), source=source)
        member = at_desk_or_add_first_owner(conn, by)
        based_on, current = ensure_active_policy_in(conn)
        if current.text == text:
            raise DraftError(f"the draft is the policy in force already (version "
                             f"{based_on}); there is no change to review")
        draft_id = draft_store.add_draft(conn, name=policy.name, text=text, note=note,
                                         by=member.name, now=now(), based_on=based_on)
        security_log.record(conn, "policy_draft_saved",
                            f"policy draft {draft_id} ({policy.name}), based on version "
                            f"{based_on}: {note}", actor=member.name)
        return PolicyDraft(*draft_store.draft(conn, draft_id=draft_id))


def save_draft_file(engine: Engine, path: Path, *, note: str, by: str | None) -> PolicyDraft:
    return save_draft(engine, read_policy_file(path), note=note, by=by,
                      source=Path(path).name)


def drafts(engine: Engine) -> list[PolicyDraft]:
    """Every draft, newest first, whatever became of it."""
    with reading(engine) as conn:
        return [PolicyDraft(*row) for row in draft_store.drafts(conn)]


def policy_draft(engine: Engine, draft_id: int) -> PolicyDraft:
    with reading(engine) as conn:
        row = draft_store.draft(conn, draft_id=draft_id)
    if row is None:
        raise DraftError(f"there is no policy draft {draft_id}")
    return PolicyDraft(*row)


def _open_draft(conn, draft_id: int) -> PolicyDraft:
    row = draft_store.draft(conn, draft_id=draft_id)
    if row is None:
        raise DraftError(f"there is no policy draft {draft_id}")
    draft = PolicyDraft(*row)
    if draft.state != "open":
        raise DraftError(f"policy draft {draft_id} was {draft.state_text} already")
    return draft


def stale_warning(draft: PolicyDraft, current_version: int) -> str | None:
    """The sentence a draft based on an older version than the one in force earns (None
    when it is based on the one in force)."""
    if draft.based_on == current_version:
        return None
    since = (f"version {current_version} was" if current_version == draft.based_on + 1
             else f"versions {draft.based_on + 1}–{current_version} were")
    return (f"Policy draft {draft.id} was based on version {draft.based_on}, and {since} "
            f"made current since: applying it would undo what changed there unless the "
            "draft has it too. Compare it with the policy in force first.")


def apply_draft(engine: Engine, draft_id: int, *, by: str, why: str,
                anyway: bool = False) -> tuple[int, Policy]:
    """Make an open draft the policy in force: saved as a new version recording who made
    it current and why, and the draft marked applied as that version. Only an owner
    does it. A draft based on an older version than the one in force is refused with the
    reason unless `anyway`."""
    why = _note(why, "say why the draft is made current (it is kept with the version)")
    with writing(engine) as conn:
        draft = _open_draft(conn, draft_id)
        by = require_owner(conn, by, "only an owner makes a draft the policy in force")
        current_version, current = ensure_active_policy_in(conn)
        if current.text == draft.text:
            raise DraftError(f"policy draft {draft_id} is the policy in force already "
                             f"(version {current_version})")
        warning = stale_warning(draft, current_version)
        if warning and not anyway:
            raise DraftError(warning + " To apply it all the same, confirm (--anyway).")
        policy = check_policy(draft.text, in_use=_in_use(conn),
                              source=f"policy draft {draft_id}")
        version = policy_store.add_policy_version(conn, name=policy.name, text=draft.text,
                                                  by=by, now=now(), why=why)
        if not draft_store.mark_applied(conn, draft_id=draft_id, version=version, by=by,
                                        now=now()):
            raise DraftError(f"policy draft {draft_id} was decided meanwhile; look again")
        security_log.record(conn, "policy_draft_applied",
                            f"policy version {version} ({policy.name}) from draft "
                            f"{draft_id}" + (f", based on version {draft.based_on}"
                                             if warning else "") + f": {why}", actor=by)
    return version, policy


def withdraw_draft(engine: Engine, draft_id: int, *, by: str | None) -> PolicyDraft:
    """Take an open draft back: its author may, and so may a supervisor or owner."""
    with writing(engine) as conn:
        draft = _open_draft(conn, draft_id)
        member = at_desk_or_add_first_owner(conn, by)
        if member.name != draft.created_by and not member.can_approve:
            raise DraftError(f"{member.name} did not write policy draft {draft_id}; its "
                             f"author ({draft.created_by}), a supervisor or an owner "
                             "withdraws it")
        if member.name != draft.created_by:       # a supervisor's act on someone else's
            pins.require_elevated(conn, member, f"withdrawing policy draft {draft_id}")
        if not draft_store.mark_withdrawn(conn, draft_id=draft_id, by=member.name, now=now()):
            raise DraftError(f"policy draft {draft_id} was decided meanwhile; look again")
        security_log.record(conn, "policy_draft_withdrawn",
                            f"policy draft {draft_id} ({draft.name})", actor=member.name)
        return PolicyDraft(*draft_store.draft(conn, draft_id=draft_id))


def draft_diff(engine: Engine, draft_id: int) -> str:
    """A unified diff from the policy in force to the draft (empty when the same)."""
    draft = policy_draft(engine, draft_id)
    with reading(engine) as conn:
        latest = policy_store.latest_policy(conn)
    version, text = latest if latest else (0, "")
    return "\n".join(difflib.unified_diff(
        text.splitlines(), draft.text.splitlines(), fromfile=f"version {version} (in force)",
        tofile=f"draft {draft_id}", lineterm=""))


def may_apply(engine: Engine, name: str) -> bool:
    """Whether `name` (on a team database, the login) may make a draft current: an
    active owner, or anyone on a desk nobody works at yet — what apply_draft lets through
    (the PIN aside), for the window to offer the button only to them."""
    from sellerdesk.store import staff as staff_store
    from sellerdesk.store import team as team_store
    with reading(engine) as conn:
        name = team_store.team_login(conn) or name
        member = staff_store.staff_member(conn, name=name)
        if member is None:
            return staff_store.staff_count(conn) == 0
    return member.active and member.role == "owner"


def in_force(engine: Engine) -> tuple[int, str]:
    """The version in force and its text (the draft's backtest compares against it)."""
    with reading(engine) as conn:
        latest = policy_store.latest_policy(conn)
    if latest is None:
        raise DraftError("the desk has no policy yet")
    return latest
