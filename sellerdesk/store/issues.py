"""Queries for issues, their timeline (with its clock runs) and a buyer's history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.core.deadlines import READ_KINDS, runs
from sellerdesk.core.issues import BuyerResponse, IssueStatus, IssueType, Severity
from sellerdesk.core.records import IssueRecord, TimelineEntry, parse_affected
from sellerdesk.store.tables import APPROVALS, CLOCK_RUNS, CREDITS, ISSUES, TIMELINE

is_, t_, c_ = ISSUES.c, TIMELINE.c, CREDITS.c


def issue_types_in_use(conn: Connection) -> set[str]:
    """Every issue type logged on this desk (a saved policy must say what to do for each)."""
    return set(conn.execute(sa.select(is_.type).distinct()).scalars())


# -- issues -------------------------------------------------------------------------------
def add_issue(conn: Connection, *, order_id: str, issue_type: str, severity: str,
              affected: str, days_late: int, buyer_ref: str | None, notes: str, by: str,
              now: datetime, reply_due_at: datetime | None) -> int:
    return conn.execute(ISSUES.insert().values(
        order_id=order_id, type=issue_type, severity=severity, status=IssueStatus.OPEN.value,
        affected=affected, days_late=days_late, buyer_ref=buyer_ref, notes=notes, assignee="",
        resolution="", buyer_response="", created_by=by, created_at=now, updated_at=now,
        reply_due_at=reply_due_at,
    ).returning(is_.id)).scalar_one()


def _issue(row) -> IssueRecord:
    return IssueRecord(
        issue_id=row.id, order_id=row.order_id, issue_type=IssueType(row.type),
        severity=Severity(row.severity), status=IssueStatus(row.status),
        affected=parse_affected(row.affected), days_late=row.days_late, buyer_ref=row.buyer_ref,
        notes=row.notes, created_by=row.created_by, created_at=row.created_at,
        assignee=row.assignee, resolution=row.resolution,
        buyer_response=BuyerResponse(row.buyer_response), reply_due_at=row.reply_due_at,
        updated_at=row.updated_at)


def get_issue(conn: Connection, *, issue_id: int) -> IssueRecord | None:
    row = conn.execute(sa.select(ISSUES).where(is_.id == issue_id)).first()
    return _issue(row) if row else None


def list_issues(conn: Connection, *, status: str | tuple[str, ...] | None = None,
                order_id: str | None = None, issue_type: str | None = None,
                assignee: str | None = None, reply_due_before: datetime | None = None,
                approval_pending: bool = False, limit: int = 500) -> list[IssueRecord]:
    """Newest first. `assignee=""` means nobody's; `reply_due_before` keeps the issues
    whose reply falls due before then (the overdue ones, given now); `approval_pending`
    those with a credit request waiting for a supervisor."""
    query = sa.select(ISSUES).order_by(is_.created_at.desc(), is_.id.desc()).limit(limit)
    if approval_pending:
        # Over the approvals' status index: the requests waiting are few, the issues many.
        query = query.where(is_.id.in_(sa.select(APPROVALS.c.issue_id)
                                       .where(APPROVALS.c.status == "pending")))
    if isinstance(status, tuple):
        query = query.where(is_.status.in_(status))
    elif status:
        query = query.where(is_.status == status)
    if order_id:
        query = query.where(is_.order_id == order_id)
    if issue_type:
        query = query.where(is_.type == issue_type)
    if assignee is not None:
        query = query.where(is_.assignee == assignee)
    if reply_due_before is not None:
        query = query.where(is_.reply_due_at < reply_due_before)
    return [_issue(r) for r in conn.execute(query)]


def assignees(conn: Connection, *, issue_ids: list[int]) -> dict[int, str]:
    """Who has each of these issues ("" for nobody), by their keys (500 ids a query)."""
    found: dict[int, str] = {}
    for start in range(0, len(issue_ids), 500):
        found.update(conn.execute(sa.select(is_.id, is_.assignee)
                                  .where(is_.id.in_(issue_ids[start:start + 500]))).all())
    return found


def count_issues(conn: Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(ISSUES)).scalar_one()


def set_issue_status(conn: Connection, *, issue_id: int, status: str, resolution: str | None,
                     now: datetime) -> None:
    values = {"status": status, "updated_at": now}
    if resolution is not None:
        values["resolution"] = resolution
    conn.execute(ISSUES.update().where(is_.id == issue_id).values(**values))


def update_issue(conn: Connection, *, issue_id: int, now: datetime, **values: object) -> None:
    """Set follow-up fields: assignee, buyer_response, reply_due_at, status."""
    allowed = {"assignee", "buyer_response", "reply_due_at", "status"}
    assert set(values) <= allowed, f"not a follow-up field: {set(values) - allowed}"
    conn.execute(ISSUES.update().where(is_.id == issue_id).values(**values, updated_at=now))


def add_event(conn: Connection, *, issue_id: int, actor: str, kind: str, text: str,
              at: datetime) -> None:
    add_events(conn, issue_id=issue_id, actor=actor, at=at, lines=[(kind, text)])


def add_events(conn: Connection, *, issue_id: int, actor: str, at: datetime,
               lines: list[tuple[str, str]], clocks_counted: bool = False) -> None:
    """Timeline lines (kind, text) of one act, in one round trip (executemany: a
    multi-row VALUES would be compiled anew each time); they read in the order given.
    `clocks_counted`: the caller has already refreshed the clock runs with these lines
    (refresh_clock_runs' `to_come`)."""
    conn.execute(TIMELINE.insert().inline(), [
        {"issue_id": issue_id, "at": at, "actor": actor, "kind": kind, "text": text}
        for kind, text in lines])
    if not clocks_counted and any(kind in READ_KINDS for kind, _ in lines):
        refresh_clock_runs(conn, issue_ids=[issue_id])


def refresh_clock_runs(conn: Connection, *, issue_ids: list[int],
                       to_come: Mapping[int, list[TimelineEntry]] | None = None) -> None:
    """Rewrite these issues' clock runs from their timelines, in the caller's transaction;
    `to_come` are lines the caller writes later in it (counted now, while no lock is
    held that the writing needs)."""
    lines = timelines(conn, issue_ids=issue_ids, kinds=READ_KINDS)
    for issue_id, more in (to_come or {}).items():
        lines[issue_id].extend(more)
    conn.execute(CLOCK_RUNS.delete().where(CLOCK_RUNS.c.issue_id.in_(issue_ids)))
    rows = [run.row(issue_id) for issue_id, timeline in lines.items() for run in runs(timeline)]
    if rows:
        conn.execute(CLOCK_RUNS.insert(), rows)


def timeline(conn: Connection, *, issue_id: int) -> list[TimelineEntry]:
    rows = conn.execute(sa.select(t_.at, t_.actor, t_.kind, t_.text)
                        .where(t_.issue_id == issue_id).order_by(t_.at, t_.id))
    return [TimelineEntry(r.at, r.actor, r.kind, r.text) for r in rows]


def timelines(conn: Connection, *, issue_ids: list[int],
              kinds: frozenset[str]) -> dict[int, list[TimelineEntry]]:
    """The timeline lines of these kinds for many issues at once (500 ids a query)."""
    found: dict[int, list[TimelineEntry]] = {i: [] for i in issue_ids}
    for start in range(0, len(issue_ids), 500):
        rows = conn.execute(sa.select(t_.issue_id, t_.at, t_.actor, t_.kind, t_.text)
                            .where(t_.issue_id.in_(issue_ids[start:start + 500]),
                                   t_.kind.in_(sorted(kinds))).order_by(t_.at, t_.id))
        for r in rows:
            found[r.issue_id].append(TimelineEntry(r.at, r.actor, r.kind, r.text))
    return found


def _buyer_history() -> sa.Select:
    buyer, since = sa.bindparam("buyer_ref"), sa.bindparam("since")
    issues = (sa.select(sa.func.count()).select_from(ISSUES)
              .where(is_.buyer_ref == buyer, is_.created_at >= since,
                     is_.id != sa.bindparam("excluding_issue")))
    reversal = CREDITS.alias("reversal")
    credits = (sa.select(sa.func.count()).select_from(CREDITS.join(ISSUES, c_.issue_id == is_.id))
               .where(is_.buyer_ref == buyer, c_.created_at >= since, c_.reverses.is_(None),
                      c_.amount_minor > 0, ~sa.exists().where(reversal.c.reverses == c_.id)))
    return sa.select(credits.scalar_subquery(), issues.scalar_subquery())


# Asked with every credit: built once (building it costs more than running it).
_BUYER_HISTORY = _buyer_history()


def buyer_history(conn: Connection, *, buyer_ref: str, since: datetime,
                  excluding_issue: int) -> tuple[int, int]:
    """(credits given, other issues) for this buyer since a time; reversed credits and
    reversals do not count as credits."""
    credits, issues = conn.execute(_BUYER_HISTORY, {
        "buyer_ref": buyer_ref, "since": since, "excluding_issue": excluding_issue}).one()
    return credits, issues


# -- the work queue ---------------------------------------------------------------------------
def _moment(text: str | datetime | None) -> datetime | None:
    """A stored time read as text (SQLite: parsed here by the C parser, a few times
    quicker than SQLAlchemy's for the thousands of rows the queue reads)."""
    return datetime.fromisoformat(text) if isinstance(text, str) else text


def issues_in(conn: Connection, *, statuses: tuple[str, ...]) -> list[tuple]:
    """(id, order_id, assignee, buyer_response, reply_due_at) of every issue in these
    statuses, over the status index: what the queue reads of the issues still being
    worked (a reply owed, a buyer's answer, who has it)."""
    due = is_.reply_due_at
    if conn.dialect.name == "sqlite":
        due = sa.type_coerce(due, sa.String)
    rows = conn.execute(sa.select(is_.id, is_.order_id, is_.assignee, is_.buyer_response, due)
                        .where(is_.status.in_(statuses)))
    return [(i, order, assignee, answer, _moment(at)) for i, order, assignee, answer, at in rows]


def running_clocks(conn: Connection) -> list[tuple]:
    """(issue_id, clock, started, order_id, assignee) of every clock still running, on
    any issue: a refund owed stays owed on an issue someone closed. The runs are read
    first and each one's issue by its key: `+ 0` keeps SQLite from walking all the
    issues to look up each one's runs (ten times slower at 100,000 issues)."""
    cr = CLOCK_RUNS.c
    started = cr.started
    if conn.dialect.name == "sqlite":
        started = sa.type_coerce(started, sa.String)
    rows = conn.execute(sa.select(cr.issue_id, cr.clock, started, is_.order_id, is_.assignee)
                        .join(ISSUES, is_.id == cr.issue_id + 0).where(cr.met.is_(None)))
    return [(i, clock, _moment(at), order, assignee) for i, clock, at, order, assignee in rows]
