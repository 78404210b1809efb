"""Who works at the desk, their role and an agent's personal approval limit. Only an
owner changes roles and limits, and the desk always keeps one owner."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy.engine import Engine

from sellerdesk.core.desk import StaffMember
from sellerdesk.services.clock import now
from sellerdesk.services.desk import DeskError, at_desk
from sellerdesk.store import issues as issue_store
from sellerdesk.store.engine import reading, writing

ROLES = ("agent", "supervisor", "owner")


def list_staff(engine: Engine) -> list[StaffMember]:
    with reading(engine) as conn:
        return issue_store.all_staff(conn)


def check_limit(text: str | None) -> str | None:
    """An approval limit as typed: blank for none, else a plain non-negative number."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DeskError(f"the approval limit {text!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise DeskError(f"the approval limit {text!r} must be zero or more")
    return str(value)


def save_staff(engine: Engine, *, name: str, role: str, approval_limit: str | None = None,
               staff: str | None = None) -> StaffMember:
    """Add someone or change their role and limit. `staff` is who is making the change."""
    name = name.strip()
    if not name:
        raise DeskError("a staff member needs a name")
    if role not in ROLES:
        raise DeskError(f"the role {role!r} is not one of {', '.join(ROLES)}")
    limit = check_limit(approval_limit)
    with writing(engine) as conn:
        member = at_desk(conn, staff)
        if member.role != "owner":
            raise DeskError(f"{member.name} is {_a(member.role)}; only an owner adds staff "
                            "or changes roles and limits")
        existing = issue_store.staff_member(conn, name=name)
        if existing is None:
            return issue_store.add_staff(conn, name=name, role=role, approval_limit=limit,
                                         now=now())
        if existing.role == "owner" and role != "owner" and issue_store.owner_count(conn) == 1:
            raise DeskError(f"{name} is the desk's only owner; make someone else owner first")
        issue_store.update_staff(conn, name=name, role=role, approval_limit=limit)
        return StaffMember(name, role, limit)


def _a(role: str) -> str:
    return f"{'an' if role[0] in 'aeiou' else 'a'} {role}"
