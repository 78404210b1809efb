"""Queries for staff, policy versions, issues and their timeline."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.core.desk import IssueRecord, StaffMember, parse_affected
from sellerdesk.core.issues import IssueStatus, IssueType, Severity
from sellerdesk.store.tables import CREDITS, ISSUES, POLICY_VERSIONS, STAFF, TIMELINE

s_, p_, is_, t_, c_ = STAFF.c, POLICY_VERSIONS.c, ISSUES.c, TIMELINE.c, CREDITS.c


# -- staff ------------------------------------------------------------------------------
def staff_member(conn: Connection, *, name: str) -> StaffMember | None:
    row = conn.execute(sa.select(STAFF).where(s_.name == name)).first()
    return StaffMember(row.name, row.role, row.approval_limit) if row else None


def add_staff(conn: Connection, *, name: str, role: str, approval_limit: str | None,
              now: datetime) -> StaffMember:
    conn.execute(STAFF.insert().values(name=name, role=role, approval_limit=approval_limit,
                                       created_at=now))
    return StaffMember(name, role, approval_limit)


def staff_count(conn: Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(STAFF)).scalar_one()


# -- policy versions ------------------------------------------------------------------------
def latest_policy(conn: Connection) -> tuple[int, str] | None:
    row = conn.execute(sa.select(p_.id, p_.text).order_by(p_.id.desc()).limit(1)).first()
    return (row.id, row.text) if row else None


def policy_text(conn: Connection, *, version: int) -> str | None:
    return conn.execute(sa.select(p_.text).where(p_.id == version)).scalar()


def add_policy_version(conn: Connection, *, name: str, text: str, by: str,
                       now: datetime) -> int:
    return conn.execute(POLICY_VERSIONS.insert().values(
        name=name, text=text, created_by=by, created_at=now).returning(p_.id)).scalar_one()


# -- issues -------------------------------------------------------------------------------
def add_issue(conn: Connection, *, order_id: str, issue_type: str, severity: str,
              affected: str, days_late: int, buyer_ref: str | None, notes: str, by: str,
              now: datetime) -> int:
    return conn.execute(ISSUES.insert().values(
        order_id=order_id, type=issue_type, severity=severity, status=IssueStatus.OPEN.value,
        affected=affected, days_late=days_late, buyer_ref=buyer_ref, notes=notes, assignee="",
        resolution="", buyer_response="", created_by=by, created_at=now, updated_at=now,
    ).returning(is_.id)).scalar_one()


def _issue(row) -> IssueRecord:
    return IssueRecord(
        issue_id=row.id, order_id=row.order_id, issue_type=IssueType(row.type),
        severity=Severity(row.severity), status=IssueStatus(row.status),
        affected=parse_affected(row.affected), days_late=row.days_late, buyer_ref=row.buyer_ref,
        notes=row.notes, created_by=row.created_by, created_at=row.created_at)


def get_issue(conn: Connection, *, issue_id: int) -> IssueRecord | None:
    row = conn.execute(sa.select(ISSUES).where(is_.id == issue_id)).first()
    return _issue(row) if row else None


def list_issues(conn: Connection, *, status: str | None = None, order_id: str | None = None,
                limit: int = 500) -> list[IssueRecord]:
    query = sa.select(ISSUES).order_by(is_.created_at.desc(), is_.id.desc()).limit(limit)
    if status:
        query = query.where(is_.status == status)
    if order_id:
        query = query.where(is_.order_id == order_id)
    return [_issue(r) for r in conn.execute(query)]


def set_issue_status(conn: Connection, *, issue_id: int, status: str, resolution: str | None,
                     now: datetime) -> None:
    values = {"status": status, "updated_at": now}
    if resolution is not None:
        values["resolution"] = resolution
    conn.execute(ISSUES.update().where(is_.id == issue_id).values(**values))


def add_event(conn: Connection, *, issue_id: int, actor: str, kind: str, text: str,
              at: datetime) -> None:
    conn.execute(TIMELINE.insert().values(issue_id=issue_id, actor=actor, kind=kind, text=text,
                                          at=at))


def timeline(conn: Connection, *, issue_id: int) -> list[tuple[datetime, str, str, str]]:
    rows = conn.execute(sa.select(t_.at, t_.actor, t_.kind, t_.text)
                        .where(t_.issue_id == issue_id).order_by(t_.at, t_.id))
    return [tuple(r) for r in rows]


def buyer_history(conn: Connection, *, buyer_ref: str, since: datetime,
                  excluding_issue: int) -> tuple[int, int]:
    """(credits given, other issues) for this buyer since a time; reversed credits and
    reversals do not count as credits."""
    issues = conn.execute(
        sa.select(sa.func.count()).select_from(ISSUES).where(
            is_.buyer_ref == buyer_ref, is_.created_at >= since, is_.id != excluding_issue)
    ).scalar_one()
    reversal = CREDITS.alias("reversal")
    credits = conn.execute(
        sa.select(sa.func.count()).select_from(CREDITS.join(ISSUES, c_.issue_id == is_.id))
        .where(is_.buyer_ref == buyer_ref, c_.created_at >= since, c_.reverses.is_(None),
               c_.amount_minor > 0,
               ~sa.exists().where(reversal.c.reverses == c_.id))
    ).scalar_one()
    return credits, issues
