"""Queries for the people who work at the desk: roles, personal approval limits,
deactivation, and a single desk's PIN hashes with their wrong-try counts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.core.records import StaffMember
from sellerdesk.store.tables import STAFF

s_ = STAFF.c


def _member(row) -> StaffMember:
    limits = json.loads(row.approval_limits) if row.approval_limits else {}
    return StaffMember(row.name, row.role, {c: Decimal(v) for c, v in limits.items()},
                       active=row.deactivated_at is None, has_pin=row.pin_hash is not None)


def _limits_json(limits: Mapping[str, Decimal]) -> str | None:
    return json.dumps({c: str(v) for c, v in sorted(limits.items())}) if limits else None


def staff_member(conn: Connection, *, name: str) -> StaffMember | None:
    row = conn.execute(sa.select(STAFF).where(s_.name == name)).first()
    return _member(row) if row else None


def add_staff(conn: Connection, *, name: str, role: str,
              approval_limits: Mapping[str, Decimal], now: datetime) -> StaffMember:
    conn.execute(STAFF.insert().values(name=name, role=role, created_at=now,
                                       approval_limits=_limits_json(approval_limits)))
    return StaffMember(name, role, dict(approval_limits))


def staff_count(conn: Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(STAFF)).scalar_one()


def all_staff(conn: Connection) -> list[StaffMember]:
    return [_member(r) for r in conn.execute(sa.select(STAFF).order_by(s_.name))]


def update_staff(conn: Connection, *, name: str, role: str,
                 approval_limits: Mapping[str, Decimal]) -> None:
    conn.execute(STAFF.update().where(s_.name == name)
                 .values(role=role, approval_limits=_limits_json(approval_limits)))


def owner_count(conn: Connection) -> int:
    """Owners who can still act (a deactivated one cannot hand the desk on)."""
    return conn.execute(sa.select(sa.func.count()).select_from(STAFF)
                        .where(s_.role == "owner", s_.deactivated_at.is_(None))).scalar_one()


def set_deactivated(conn: Connection, *, name: str, at: datetime | None) -> None:
    conn.execute(STAFF.update().where(s_.name == name).values(deactivated_at=at))


def pin_state(conn: Connection, *, name: str) -> tuple[str | None, int, datetime | None]:
    """The PIN's hash, the wrong tries since the last right one, and until when to wait."""
    row = conn.execute(sa.select(s_.pin_hash, s_.pin_failures, s_.pin_locked_until)
                       .where(s_.name == name)).one()
    return row.pin_hash, row.pin_failures, row.pin_locked_until


def put_pin(conn: Connection, *, name: str, pin_hash: str | None) -> None:
    conn.execute(STAFF.update().where(s_.name == name)
                 .values(pin_hash=pin_hash, pin_failures=0, pin_locked_until=None))


def put_pin_failures(conn: Connection, *, name: str, failures: int,
                     locked_until: datetime | None) -> None:
    conn.execute(STAFF.update().where(s_.name == name)
                 .values(pin_failures=failures, pin_locked_until=locked_until))
