"""Who works at the desk, their role and personal approval limits (per currency). Only an
owner adds staff, changes roles and limits, or deactivates someone — having given their
PIN on a single desk (services.protection.pins) — and the desk always keeps one active owner."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy.engine import Engine

from sellerdesk.core.records import StaffMember, format_limits, parse_limits
from sellerdesk.services.at_desk import DeskError, add_first_owner, at_desk_or_add_first_owner
from sellerdesk.services.clock import now
from sellerdesk.services.protection import pins, security_log
from sellerdesk.store import staff as staff_store
from sellerdesk.store.engine import reading, writing

ROLES = ("agent", "supervisor", "owner")


def list_staff(engine: Engine) -> list[StaffMember]:
    """Everyone, active or not (history names them all)."""
    with reading(engine) as conn:
        return staff_store.all_staff(conn)


def check_limits(text: str | Mapping[str, Decimal] | None) -> dict[str, Decimal]:
    """Approval limits as typed ("USD 15, JPY 1500"): blank for none. A currency left out
    has no personal limit; there the policy's approval_above alone decides."""
    if isinstance(text, Mapping):
        return dict(text)
    try:
        return parse_limits(text or "")
    except ValueError as exc:
        raise DeskError(f"approval limits: {exc}") from None


def save_staff(engine: Engine, *, name: str, role: str,
               approval_limits: str | Mapping[str, Decimal] | None = None,
               staff: str | None = None) -> StaffMember:
    """Add someone or change their role and limits. `staff` is who is making the change."""
    name = name.strip()
    if not name:
        raise DeskError("a staff member needs a name")
    if role not in ROLES:
        raise DeskError(f"the role {role!r} is not one of {', '.join(ROLES)}")
    limits = check_limits(approval_limits)
    with writing(engine) as conn:
        member = _owner_at_desk(conn, staff, f"changing {name}")
        existing = staff_store.staff_member(conn, name=name)
        shown = f"{role}" + (f", limits {format_limits(limits)}" if limits else "")
        if existing is None:
            added = staff_store.add_staff(conn, name=name, role=role, approval_limits=limits,
                                          now=now())
            security_log.record(conn, "staff_changed", f"{name} added as {shown}",
                                actor=member.name)
            return added
        if existing.role == "owner" and role != "owner" and existing.active \
                and staff_store.owner_count(conn) == 1:
            raise DeskError(f"{name} is the desk's only owner; make someone else owner first")
        staff_store.update_staff(conn, name=name, role=role, approval_limits=limits)
        security_log.record(conn, "staff_changed", f"{name} is now {shown}",
                            actor=member.name)
        return StaffMember(name, role, limits, existing.active, existing.has_pin)


def set_active(engine: Engine, *, name: str, active: bool,
               staff: str | None = None) -> StaffMember:
    """Deactivate someone who left (their issues, credits and decisions keep their name;
    they can no longer be picked or act), or bring them back."""
    with writing(engine) as conn:
        member = _owner_at_desk(conn, staff, f"{'reactivating' if active else 'deactivating'} "
                                             f"{name}")
        existing = staff_store.staff_member(conn, name=name)
        if existing is None:
            raise DeskError(f"nobody called {name!r} works at this desk")
        if existing.active == active:
            return existing
        if not active and existing.role == "owner" and staff_store.owner_count(conn) == 1:
            raise DeskError(f"{name} is the desk's only owner; make someone else owner first")
        staff_store.set_deactivated(conn, name=name, at=None if active else now())
        security_log.record(conn, "staff_changed",
                            f"{name} {'reactivated' if active else 'deactivated'}",
                            actor=member.name)
    if not active:
        pins.drop_elevation(engine, name)
    return StaffMember(existing.name, existing.role, existing.approval_limits, active,
                       existing.has_pin)


def give_pin(engine: Engine, name: str, pin: str) -> StaffMember:
    """`name` gives their PIN to act in their role: checked (services.protection.pins.elevate); or,
    if they have none yet, it becomes theirs; or, on a desk nobody works at yet, they
    become its first owner with it (the first run)."""
    with reading(engine) as conn:
        member = staff_store.staff_member(conn, name=name)
        empty = member is None and staff_store.staff_count(conn) == 0
    if empty:
        pins.check_new_pin(pin)
        with writing(engine) as conn:
            add_first_owner(conn, name)
        return pins.set_first_pin(engine, name, pin)
    if member is not None and member.can_approve and not member.has_pin:
        return pins.set_first_pin(engine, name, pin)
    return pins.elevate(engine, name, pin)


def _owner_at_desk(conn, staff: str | None, what: str) -> StaffMember:
    member = at_desk_or_add_first_owner(conn, staff)
    if member.role != "owner":
        raise DeskError(f"{member.name} is {_a(member.role)}; only an owner adds staff "
                        "or changes roles and limits")
    pins.require_elevated(conn, member, what)
    return member


def _a(role: str) -> str:
    return f"{'an' if role[0] in 'aeiou' else 'a'} {role}"
