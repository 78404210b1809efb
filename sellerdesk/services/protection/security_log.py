"""The security log: who exported, purged, backed up, restored, rotated keys, gave or
reversed credits. Details name ids, counts and files — never a buyer's personal data.
Kept 12 months: each write drops what is older."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection, Engine

from sellerdesk.services.clock import now
from sellerdesk.services.staff import default_staff_name
from sellerdesk.store import security as security_store
from sellerdesk.store import team as team_store
from sellerdesk.store.engine import reading, writing

KEPT = timedelta(days=365)
PRUNE_EVERY = timedelta(hours=1)
_last_pruned: list[datetime | None] = [None]
ACTIONS = {
    "credit_given": "Credit given",
    "credit_approved": "Credit approved",
    "credit_reversed": "Credit reversed",
    "export": "Export",
    "purge": "Personal data purged",
    "key_rotated": "Encryption key rotated",
    "retention_set": "Retention period set",
    "backup": "Backup made",
    "restore": "Backup restored",
    "pin_given": "PIN given (acting as supervisor or owner)",
    "pin_wrong": "Wrong PIN",
    "pin_set": "PIN set",
    "staff_changed": "Staff changed",
    "policy_saved": "Policy saved",
    "policy_restored": "Policy version restored",
    "policy_draft_saved": "Policy draft saved",
    "policy_draft_applied": "Policy draft made current",
    "policy_draft_withdrawn": "Policy draft withdrawn",
}


@dataclass(frozen=True, slots=True)
class SecurityEvent:
    at: datetime
    actor: str
    action: str
    detail: str

    @property
    def label(self) -> str:
        return ACTIONS.get(self.action, self.action)


def record(conn: Connection, action: str, detail: str, *, actor: str | None = None) -> None:
    """Add an event inside the caller's transaction, so it lands exactly when the act does.
    On a team database the actor is the login at work, whatever name was given."""
    assert action in ACTIONS, action
    at = now()
    actor = team_store.team_login(conn) or actor or default_staff_name()
    security_store.add_event(conn, at=at, actor=actor, action=action, detail=detail)
    # Pruning is a day's work at most: once an hour per process, not with every credit.
    if _last_pruned[0] is None or abs(at - _last_pruned[0]) > PRUNE_EVERY:
        security_store.prune(conn, before=at - KEPT)
        _last_pruned[0] = at


def record_now(engine: Engine, action: str, detail: str, *, actor: str | None = None) -> None:
    with writing(engine) as conn:
        record(conn, action, detail, actor=actor)


def security_events(engine: Engine, *, limit: int | None = None) -> list[SecurityEvent]:
    with reading(engine) as conn:
        return [SecurityEvent(*row) for row in security_store.events(conn, limit=limit)]


def keep_across_restore(engine: Engine, earlier: list[SecurityEvent]) -> int:
    """After a restore: put back the events the backup does not have, so restoring an old
    copy never erases who did what since."""
    with writing(engine) as conn:
        present = set(security_store.events(conn))
        missing = [e for e in earlier if (e.at, e.actor, e.action, e.detail) not in present]
        for event in reversed(missing):              # oldest first, as they happened
            security_store.add_event(conn, at=event.at, actor=event.actor,
                                     action=event.action, detail=event.detail)
    return len(missing)
