"""The ledger's queries. Appends are serialised — SQLite by BEGIN IMMEDIATE (see
store.engine.writing), PostgreSQL by a transaction-scoped advisory lock — because each
entry's hash covers the one before it.

On PostgreSQL a credit first takes a lock on its order (and its buyer), under which the
caps are re-checked, and the ledger's lock only for the append and the commit: desks
crediting different orders work side by side and queue only for the chain. Every
credit writer takes them in the same order — order, buyer, ledger — so none waits on
another in a circle."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.core.issues import Remedy
from sellerdesk.core.ledger import CHAIN_FIELDS, GENESIS, entry_hash
from sellerdesk.core.money import Money, minor_text
from sellerdesk.core.records import CreditRecord
from sellerdesk.store.tables import APPROVALS, CREDITS, ISSUES

c_, a_ = CREDITS.c, APPROVALS.c
_LEDGER_LOCK = 0x5E11E7D35C  # any fixed number: the advisory lock every ledger writer takes


def lock_ledger(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LEDGER_LOCK})


def lock_order(conn: Connection, *, order_id: str, buyer_ref: str | None) -> None:
    """What the caps depend on — the order's credits, the buyer's history — held until
    the transaction ends. (Two-key advisory locks: a space apart from the ledger's.)"""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(1, hashtext(:o))"), {"o": order_id})
    if buyer_ref:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(2, hashtext(:b))"),
                     {"b": buyer_ref})


def given_on_order(conn: Connection, *, order_id: str,
                   kinds: Collection[str]) -> tuple[int, int]:
    """Everything given on the order so far, and what of it was of the given kinds of
    remedy, net of reversals, in minor units (one query: it runs with every credit)."""
    of_kinds = sa.case((c_.kind.in_(sorted(kinds)), c_.amount_minor), else_=0)
    query = (sa.select(sa.func.coalesce(sa.func.sum(c_.amount_minor), 0),
                       sa.func.coalesce(sa.func.sum(of_kinds), 0))
             .where(c_.order_id == order_id))
    given, of_those = conn.execute(query).one()
    return given, of_those


def entry_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """A credit row (stored, or about to be) as the hashed ledger entry (PRODUCT.md §6)."""
    def money(minor: int | None) -> str | None:
        return None if minor is None else minor_text(minor, row["currency"])
    expires = row.get("expires_on")
    return {
        "credit_id": row["id"], "created_at": _utc_text(row["created_at"]),
        "issue_id": row["issue_id"], "order_id": row["order_id"], "kind": row["kind"],
        "amount": money(row["amount_minor"]), "currency": row["currency"],
        "reverses": row.get("reverses"), "reason": row.get("reason", ""),
        "staff": row["staff"], "approved_by": row.get("approved_by"),
        "policy_version": row.get("policy_version"),
        "suggested_amount": money(row.get("suggested_minor")),
        "expires_on": None if expires is None else _date_text(expires),
    }


def _utc_text(created: datetime | str) -> str:
    """2026-11-01T09:30:00Z. A stored SQLite value arrives as its text."""
    if isinstance(created, str):
        created = datetime.fromisoformat(created)
    if created.tzinfo is not None:
        created = created.astimezone(UTC).replace(tzinfo=None)
    return created.isoformat() + "Z"


def _date_text(day: date | str) -> str:
    return (date.fromisoformat(day) if isinstance(day, str) else day).isoformat()


def append_credit(conn: Connection, *, values: dict[str, Any]) -> tuple[int, str]:
    """Append one entry: the caller holds the ledger lock. Returns (credit id, hash)."""
    last = conn.execute(sa.select(c_.id, c_.entry_hash).order_by(c_.id.desc()).limit(1)).first()
    credit_id, prev = (last.id + 1, last.entry_hash) if last else (1, GENESIS)
    row = {**values, "id": credit_id, "prev_hash": prev}
    digest = entry_hash(prev, entry_of(row))
    conn.execute(CREDITS.insert().values(**row, entry_hash=digest))
    return credit_id, digest


def ledger(conn: Connection) -> Iterator[dict[str, Any]]:
    """Every entry in order, with its prev_hash and entry_hash."""
    for row in ledger_rows(conn):
        yield dict(zip(CHAIN_FIELDS, row, strict=True))


def ledger_rows(conn: Connection) -> Iterator[tuple[Any, ...]]:
    """Every entry in order as a tuple of CHAIN_FIELDS, formatted as `entry_of` formats
    it. Dates are read as the text SQLite stores and turned into the entry's text here,
    skipping SQLAlchemy's parse into datetime and back: half the time of an export of
    100,000 entries."""
    created_text = sa.type_coerce(c_.created_at, sa.String)
    expires_text = sa.type_coerce(c_.expires_on, sa.String)
    query = sa.select(c_.id, created_text, c_.issue_id, c_.order_id, c_.kind, c_.amount_minor,
                      c_.currency, c_.reverses, c_.reason, c_.staff, c_.approved_by,
                      c_.policy_version, c_.suggested_minor, expires_text, c_.prev_hash,
                      c_.entry_hash).order_by(c_.id)
    for (credit_id, created, issue_id, order_id, kind, amount, currency, reverses, reason,
         staff, approved_by, policy_version, suggested, expires, prev, digest) in conn.execute(
            query):
        yield (credit_id, _utc_text(created), issue_id, order_id, kind,
               minor_text(amount, currency), currency, reverses, reason, staff, approved_by,
               policy_version, None if suggested is None else minor_text(suggested, currency),
               None if expires is None else _date_text(expires), prev, digest)


def get_credit(conn: Connection, *, credit_id: int) -> CreditRecord | None:
    row = conn.execute(sa.select(CREDITS).where(c_.id == credit_id)).first()
    return None if row is None else _credit(row)


def all_credits(conn: Connection) -> list[CreditRecord]:
    return [_credit(r) for r in conn.execute(sa.select(CREDITS).order_by(c_.id))]


def credits_on_order(conn: Connection, *, order_id: str) -> list[CreditRecord]:
    rows = conn.execute(sa.select(CREDITS).where(c_.order_id == order_id).order_by(c_.id))
    return [_credit(r) for r in rows]


def credits_on_issue(conn: Connection, *, issue_id: int) -> list[CreditRecord]:
    rows = conn.execute(sa.select(CREDITS).where(c_.issue_id == issue_id).order_by(c_.id))
    return [_credit(r) for r in rows]


def _credit(row: Any) -> CreditRecord:
    return CreditRecord(
        credit_id=row.id, created_at=row.created_at, issue_id=row.issue_id,
        order_id=row.order_id, kind=row.kind,
        amount=Money.from_minor(row.amount_minor, row.currency), reverses=row.reverses,
        reason=row.reason, staff=row.staff, approved_by=row.approved_by,
        policy_version=row.policy_version,
        suggested=(Money.from_minor(row.suggested_minor, row.currency)
                   if row.suggested_minor is not None else None),
        expires_on=row.expires_on, entry_hash=row.entry_hash)


def reversal_of(conn: Connection, *, credit_id: int) -> int | None:
    return conn.execute(sa.select(c_.id).where(c_.reverses == credit_id)).scalar()


def add_approval_request(conn: Connection, *, values: dict[str, Any]) -> int:
    return conn.execute(APPROVALS.insert().values(**values).returning(a_.id)).scalar_one()


def pending_approvals(conn: Connection, *, issue_id: int | None = None) -> list[dict[str, Any]]:
    """Requests still waiting, oldest first, each with its issue's order id and assignee."""
    query = (sa.select(APPROVALS, ISSUES.c.order_id, ISSUES.c.assignee)
             .join(ISSUES, ISSUES.c.id == a_.issue_id)
             .where(a_.status == "pending").order_by(a_.requested_at, a_.id))
    if issue_id is not None:
        query = query.where(a_.issue_id == issue_id)
    return [dict(r._mapping) for r in conn.execute(query)]


def get_approval(conn: Connection, *, approval_id: int) -> dict[str, Any] | None:
    row = conn.execute(sa.select(APPROVALS).where(a_.id == approval_id)).first()
    return dict(row._mapping) if row else None


def decide_approval(conn: Connection, *, approval_id: int, status: str, by: str,
                    comment: str, credit_id: int | None, at: Any) -> None:
    conn.execute(APPROVALS.update().where(a_.id == approval_id, a_.status == "pending").values(
        status=status, decided_by=by, decided_at=at, comment=comment, credit_id=credit_id))


def links_hold(conn: Connection, *, credit_ids: list[int]) -> tuple[int, str, bool]:
    """The ledger's head (entries, last hash) and whether each of these entries still
    matches its own hash and the hash of the entry before it: a check of a few entries
    in their place, where `ledger` + verify_chain reads every entry."""
    count, last = conn.execute(
        sa.select(sa.func.count(), sa.func.max(c_.id))).one()
    head = conn.execute(sa.select(c_.entry_hash).where(c_.id == last)).scalar() or GENESIS
    wanted = sorted({*credit_ids, *(i - 1 for i in credit_ids)} - {0})
    rows = {r.id: r for r in conn.execute(sa.select(CREDITS).where(c_.id.in_(wanted)))}
    hold = True
    for credit_id in credit_ids:
        row = rows.get(credit_id)
        before = GENESIS if credit_id == 1 else getattr(rows.get(credit_id - 1), "entry_hash",
                                                         None)
        hold = hold and row is not None and row.prev_hash == before and (
            entry_hash(row.prev_hash, entry_of(row._mapping)) == row.entry_hash)
    return count, head, hold


def explanations(conn: Connection, *, credit_ids: list[int]) -> dict[int, str]:
    """How each credit's suggestion was worked out, as written when it was given."""
    if not credit_ids:
        return {}
    rows = conn.execute(sa.select(c_.id, c_.explanation).where(c_.id.in_(credit_ids)))
    return {credit_id: text for credit_id, text in rows}


def promotions_lapsing(conn: Connection, *, first: date, last: date) -> list[CreditRecord]:
    """Promotional credits neither reversed nor reversals whose code expires from `first`
    to `last`, soonest first (what the buyer may be reminded of). A reversal carries no
    expiry, so it is not asked for by `reverses` — which SQLite would answer by walking
    that index's every NULL, three times slower than reading the table."""
    reversal = CREDITS.alias("reversal")
    rows = conn.execute(sa.select(CREDITS).where(
        c_.kind == Remedy.PROMOTIONAL_CREDIT.value, c_.expires_on.between(first, last),
        ~sa.exists().where(reversal.c.reverses == c_.id)).order_by(c_.expires_on, c_.id))
    return [_credit(r) for r in rows if r.reverses is None]
