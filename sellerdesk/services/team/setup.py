"""Team mode: several people on one PostgreSQL database, each with their own login.

`team_init` (run once by the owner, whose login may create roles) brings the schema up
to date with the same migrations as a single desk, creates the team's roles, grants and
row rules (store.team), and puts the owner on the staff. `add_user` gives a colleague a
login in their role. From then on who did what is the database's authenticated user:
`services.at_desk.staff_at_desk` ignores names typed in a box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.errors import KnownError
from sellerdesk.core.ledger import verify_chain
from sellerdesk.services import evidence
from sellerdesk.services.clock import now
from sellerdesk.services.database import Database, open_database
from sellerdesk.services.mail import account as mail_account
from sellerdesk.services.protection import data_keys, shared_keys
from sellerdesk.services.staff_admin import ROLES, check_limits
from sellerdesk.store import credits as ledger_store
from sellerdesk.store import evidence as evidence_store
from sellerdesk.store import settings as settings_store
from sellerdesk.store import staff as staff_store
from sellerdesk.store import team as team_store
from sellerdesk.store import transfer
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.tables import CREDITS, ISSUES, ORDERS


class TeamError(KnownError):
    """A team request refused, with the reason."""


@dataclass(frozen=True, slots=True)
class TeamMember:
    name: str
    role: str
    approval_limits: dict[str, Decimal] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "role": self.role,
                "limits": {c: str(v) for c, v in self.approval_limits.items()}}


def _postgres(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise TeamError("team mode needs a PostgreSQL database "
                        "(postgresql+psycopg://owner@host/sellerdesk); a single desk's "
                        "SQLite file is for one person")


def team_init(url: str) -> tuple[Database, TeamMember]:
    """Set up a team database as its owner, the team key in the owner's keyring
    (shared_keys.team_key_text). Running it again brings the grants up to date (after an
    upgrade added tables) and changes nothing else."""
    db = open_database(url)
    try:
        _postgres(db.engine)
        with writing(db.engine) as conn:
            owner = team_store.current_login(conn)
            if not team_store.may_create_roles(conn):
                raise TeamError(f"the login {owner} may not create roles; run team init "
                                "as the database's owner (a login with CREATEROLE)")
            team_store.create_groups(conn)
            team_store.grant_privileges(conn)
            team_store.announce_changes(conn)
            team_store.add_login(conn, name=owner, role="owner", password=None)
            _put_staff(conn, owner, "owner", {})
            settings_store.put_setting(conn, key=team_store.MARK, value=owner, by=owner,
                                       now=now())
            shared_keys.make_team_key(db.engine, conn)
    except BaseException:
        db.close()
        raise
    return db, TeamMember(owner, "owner")


def add_user(engine: Engine, name: str, *, role: str, limits: str | None = None,
             password: str | None = None) -> TeamMember:
    """A colleague's login (or a new role or limits for an existing one), as the owner.
    `limits` per currency, "USD 15, JPY 1500" (services.staff_admin.check_limits)."""
    _postgres(engine)
    name = name.strip()
    if not name or name != name.lower() or not name.replace("_", "").isalnum():
        raise TeamError(f"{name!r}: a login name is lower-case letters, digits and _ "
                        "(what PostgreSQL takes without quotes), e.g. ana or sam_lee")
    if role not in ROLES:
        raise TeamError(f"the role {role!r} is not one of {', '.join(ROLES)}")
    approval_limits = check_limits(limits)
    with writing(engine) as conn:
        _require_team(conn)
        me = team_store.current_login(conn)
        if team_store.login_role(conn, me) != "owner":
            raise TeamError(f"{me} is not an owner; only an owner adds colleagues")
        team_store.add_login(conn, name=name, role=role, password=password)
        _put_staff(conn, name, role, approval_limits)
    return TeamMember(name, role, approval_limits)


def _put_staff(conn: Connection, name: str, role: str, limits: dict[str, Decimal]) -> None:
    if staff_store.staff_member(conn, name=name) is None:
        staff_store.add_staff(conn, name=name, role=role, approval_limits=limits, now=now())
    else:
        staff_store.update_staff(conn, name=name, role=role, approval_limits=limits)


def _require_team(conn: Connection) -> None:
    if team_store.team_login(conn) is None:
        raise TeamError("this database is not a team database yet: run "
                        "sellerdesk team init URL as its owner first")


def signed_in(engine: Engine) -> str | None:
    """The login at work on a team database; None on a single desk."""
    with reading(engine) as conn:
        return team_store.team_login(conn)


def team_members(engine: Engine) -> list[TeamMember]:
    with reading(engine) as conn:
        return [TeamMember(m.name, m.role, m.approval_limits)
                for m in staff_store.all_staff(conn)]


# -- moving a single desk into a team database --------------------------------------------
@dataclass(frozen=True, slots=True)
class MovedDesk:
    source: Path
    rows: dict[str, int] = field(default_factory=dict)        # table → rows copied
    checksums: dict[str, str] = field(default_factory=dict)   # table → SHA-256, both sides
    ledger: str = ""
    evidence_files: int = 0                                   # each checked by its hash

    def summary(self) -> str:
        main = ", ".join(f"{self.rows.get(t, 0):,} {label}" for t, label in (
            ("orders", "orders"), ("issue", "issues"), ("credit", "credits")))
        files = "" if not self.evidence_files else (
            f"; {self.evidence_files:,} evidence file{'s' * (self.evidence_files != 1)}, "
            "each matching its SHA-256")
        return (f"Moved {self.source.name} into the team database: {main} "
                f"({sum(self.rows.values()):,} rows in {len(self.rows)} tables); every "
                f"table's checksum matches; {self.ledger}{files}.")

    def as_json(self) -> dict[str, object]:
        return {"source": str(self.source), "rows": self.rows, "checksums": self.checksums,
                "ledger": self.ledger, "evidence_files": self.evidence_files}


def migrate_from(engine: Engine, source: Path, *,
                 progress: Callable[[float, str], None] | None = None) -> MovedDesk:
    """Copy a single desk's SQLite file into this (empty) team database in one
    transaction, keys and hashes as they are; then compare every table's checksum on
    both sides and verify the ledger's chain before committing. Anything amiss: nothing
    is kept."""
    _postgres(engine)
    source = Path(source)
    if not source.is_file():
        raise TeamError(f"there is no file {source}")
    # The desk is brought to the newest schema first (its file copied aside if so).
    with open_database(str(source)) as desk, reading(desk.engine) as src, \
            writing(engine) as target:
        _require_team(target)
        held = {t.name: transfer.count(target, t) for t in (ORDERS, ISSUES, CREDITS)}
        if any(held.values()):
            raise TeamError("the team database already has orders, issues or credits; "
                            "a desk moves into an empty team database only")
        transfer.drop_policy_versions(target)   # init's default; the desk's own come
        # The mailbox's secret too: its account (a setting) comes across, and without
        # it no desk of the team could sign in to fetch.
        shared_keys.bring_desk_secrets(engine, target, (data_keys.SECRET,
                                                        shared_keys.BUYER_REFERENCE,
                                                        *mail_account.SECRETS))
        tables = transfer.tables()
        total = sum(transfer.count(src, t) for t in tables) or 1
        done = 0

        def step(rows: int) -> None:
            nonlocal done
            done += rows
            if progress is not None:
                progress(done / total, f"{done:,} of {total:,} rows copied")

        moved = MovedDesk(source)
        kept = {t.name: transfer.existing_keys(target, t) for t in tables}
        for table in tables:
            moved.rows[table.name] = transfer.copy_table(src, target, table,
                                                         skip=kept[table.name],
                                                         progress=step)
        transfer.reset_sequences(target)
        for table in tables:
            theirs = transfer.checksum(src, table, skip=kept[table.name])
            ours = transfer.checksum(target, table, skip=kept[table.name])
            if theirs != ours:
                raise TeamError(f"the {table.name} table did not come across whole "
                                f"({theirs[0]:,} rows there, {ours[0]:,} here, or their "
                                "contents differ); nothing was moved")
            moved.checksums[table.name] = ours[1]
        chain = verify_chain(ledger_store.ledger(target))
        if not chain.ok:
            raise TeamError(f"after the copy, {chain.summary()}; nothing was moved")
        files = _bring_evidence(desk.engine, src, target)
    with writing(engine) as conn:
        transfer.take_statistics(conn)
    return replace(moved, ledger=chain.summary(), evidence_files=files)


def _bring_evidence(desk_engine: Engine, src: Connection, target: Connection) -> int:
    """The desk's evidence files, from beside its SQLite file into the team database."""
    files = evidence_store.every_file(src)
    for record in files:
        try:
            evidence.put_in_database(target, sha256=record.sha256, name=record.name,
                                     source=evidence.stored_file(desk_engine, record.sha256))
        except KnownError as exc:
            raise TeamError(f"{exc} (on issue {record.issue_id}); nothing was moved — put "
                            "the file back, then move the desk again") from None
    return len(files)


def listen_for_changes(engine: Engine) -> team_store.ChangeListener | None:
    """Word of other desks' changes, on a team database; None on a single desk."""
    with reading(engine) as conn:
        if team_store.team_login(conn) is None:
            return None
    return team_store.ChangeListener(engine.url)
