"""Copying every row of one SellerDesk database into another (a single desk's SQLite file
into a team's PostgreSQL), keys kept, and a checksum per table to prove it came across."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.store.tables import POLICY_VERSIONS, metadata

CHUNK = 5_000
# Rows a fresh team database already has, merged by key instead of copied over.
MERGED = {"staff": "name", "desk_setting": "key"}
# Sealed with the team key, who has what open, the evidence files in the database: a
# single desk has none to bring (its files sit beside its SQLite file); nor a lease on
# the mailbox, which only desks sharing one take.
TEAMS_OWN = {"team_secret", "issue_claim", "evidence_chunk", "mail_lease"}


def tables() -> list[sa.Table]:
    """Parents before children, so foreign keys hold at every insert."""
    return [t for t in metadata.sorted_tables if t.name not in TEAMS_OWN]


def _order(table: sa.Table) -> list[sa.Column]:
    key = MERGED.get(table.name)
    return [table.c[key]] if key else list(table.primary_key.columns)


def _columns(table: sa.Table) -> list[sa.Column]:
    """What is copied and compared: a merged table's own id is the target's to give."""
    key = MERGED.get(table.name)
    return [c for c in table.columns
            if not (key and c.primary_key and c.name != key)]


def rows(conn: Connection, table: sa.Table) -> Iterator[dict[str, Any]]:
    # On the statement: Connection.execution_options would stream every later statement
    # on the connection too (an INSERT then fails as a cursor declaration).
    result = conn.execute(sa.select(*_columns(table)).order_by(*_order(table))
                          .execution_options(yield_per=CHUNK))
    for row in result:
        yield dict(row._mapping)


def _cell(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def checksum(conn: Connection, table: sa.Table, *, skip: set[Any]) -> tuple[int, str]:
    """(rows, SHA-256 over every row in key order), the same on either backend, leaving
    out a merged table's rows whose key is in `skip`."""
    digest = hashlib.sha256()
    number = 0
    key = MERGED.get(table.name)
    for row in rows(conn, table):
        if key and row[key] in skip:
            continue
        number += 1
        digest.update("\x1f".join(_cell(value) for value in row.values()).encode())
        digest.update(b"\x1e")
    return number, digest.hexdigest()


def existing_keys(conn: Connection, table: sa.Table) -> set[Any]:
    """The keys a merged table already holds (none for the others)."""
    key = MERGED.get(table.name)
    return set(conn.execute(sa.select(table.c[key])).scalars()) if key else set()


def copy_table(source: Connection, target: Connection, table: sa.Table, *,
               skip: set[Any], progress: Callable[[int], None]) -> int:
    """Insert every source row the target does not already hold (by MERGED key)."""
    key = MERGED.get(table.name)
    batch: list[dict[str, Any]] = []
    copied = 0
    for row in rows(source, table):
        if key and row[key] in skip:
            continue
        batch.append(row)
        if len(batch) == CHUNK:
            target.execute(table.insert(), batch)
            copied += len(batch)
            progress(len(batch))
            batch = []
    if batch:
        target.execute(table.insert(), batch)
        copied += len(batch)
        progress(len(batch))
    return copied


def drop_policy_versions(conn: Connection) -> None:
    """An empty team database's policy (the shipped default): the desk's versions replace it."""
    conn.execute(POLICY_VERSIONS.delete())


def count(conn: Connection, table: sa.Table) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def reset_sequences(conn: Connection) -> None:
    """After rows came with their ids, PostgreSQL's counters continue after the largest."""
    for table in tables():
        for column in table.primary_key.columns:
            sequence = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                    {"t": table.name, "c": column.name}).scalar()
            if sequence:
                conn.execute(sa.text(
                    f"SELECT setval(:s, COALESCE((SELECT max({column.name}) FROM "
                    f"{table.name}), 0) + 1, false)"), {"s": sequence})


def take_statistics(conn: Connection) -> None:
    """The planner's statistics for rows just moved in (autovacuum would take them within
    a minute; until then it may plan the first credits' queries as if the tables were
    empty). Tables the login does not own are skipped with a warning, not an error."""
    conn.exec_driver_sql("ANALYZE")
