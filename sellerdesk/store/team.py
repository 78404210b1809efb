"""Team mode on PostgreSQL: who may do what is the database's rule, not only the window's.

Three group roles hold the privileges, each login is a member of one: agents log issues,
give credits within the policy and ask for approvals; supervisors also decide approvals
(never their own) and change the policy; owners do everything, including staff and the
security log. Row-level security closes what grants alone cannot: a credit names its
giver as the login that wrote it, only a supervisor writes `approved_by`, a credit a
supervisor approved is reversed only by a supervisor (or by the one who approved it),
and nobody decides their own approval request.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.store.engine import DatabaseError
from sellerdesk.store.tables import ISSUE_CLAIMS, TEAM_SECRETS

ROLES = ("agent", "supervisor", "owner")      # each holds the one before it
MARK = "team.owner"          # desk_setting key: set by `team init`, names the owner login

# What an agent writes while working (imports included: any desk may import a report).
AGENT_WRITES = {
    "issue": "INSERT, UPDATE", "timeline_event": "INSERT", "clock_run": "INSERT, UPDATE, DELETE",
    "evidence": "INSERT, UPDATE (removed_at, removed_by)",   # taken back within a minute
    "personal_data": "INSERT, UPDATE, DELETE", "defect": "INSERT, UPDATE",
    "credit": "INSERT", "approval_request": "INSERT", "credit_export": "INSERT",
    "desk_setting": "INSERT, UPDATE", "security_event": "INSERT",
    "orders": "INSERT, UPDATE, DELETE", "order_item": "INSERT, UPDATE, DELETE",
    "order_day": "INSERT, UPDATE, DELETE", "amazon_odr": "INSERT",
    "amazon_item_code": "INSERT, UPDATE", "settlement": "INSERT, UPDATE, DELETE",
    "settlement_refund": "INSERT, UPDATE, DELETE", "order_return": "INSERT, UPDATE, DELETE",
    "team_secret": "INSERT, UPDATE",     # a shared key is made by the first desk to need it
    "issue_claim": "INSERT, UPDATE, DELETE",      # one's own row only (row rules)
    "evidence_chunk": "INSERT",          # an attached file is never changed or taken back
    # The team's mailbox: any desk may hold the lease and fetch, and any desk sends.
    "mail_message": "INSERT, UPDATE", "mail_folder": "INSERT, UPDATE, DELETE",
    "mail_lease": "INSERT, UPDATE, DELETE",
    # Anyone at the desk proposes a policy change, and its author takes it back; only an
    # owner applies one (OWNER_WRITES).
    "policy_draft": "INSERT, UPDATE (withdrawn_at, withdrawn_by)",
}
SUPERVISOR_WRITES = {"approval_request": "UPDATE", "policy_version": "INSERT"}
OWNER_WRITES = {"staff": "INSERT, UPDATE", "policy_draft": "UPDATE"}
HIDDEN_FROM_AGENTS = {"security_event"}


def _quoted(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def group_name(database: str, role: str) -> str:
    """The group role for one team's `role`. PostgreSQL roles belong to the whole server,
    so the name carries the database's: two teams on one server share nothing. Names
    are at most 63 bytes; a long database name is cut and told apart by a hash."""
    name = f"{database}_{role}"
    if len(name.encode()) <= 63:
        return name
    digest = hashlib.sha256(database.encode()).hexdigest()[:8]
    cut = database.encode()[:40].decode(errors="ignore")
    return f"{cut}_{digest}_{role}"


def groups(conn: Connection) -> dict[str, str]:
    """role → this database's group role name."""
    database = conn.execute(sa.text("SELECT current_database()")).scalar_one()
    return {role: group_name(database, role) for role in ROLES}


def current_login(conn: Connection) -> str:
    return conn.execute(sa.text("SELECT current_user")).scalar_one()


def may_create_roles(conn: Connection) -> bool:
    return bool(conn.execute(sa.text("SELECT rolcreaterole OR rolsuper FROM pg_roles "
                                     "WHERE rolname = current_user")).scalar())


def team_login(conn: Connection) -> str | None:
    """On a team database, the login at work (who did what is the database's user);
    None on a single desk, where staff say who they are."""
    if conn.dialect.name != "postgresql":
        return None
    # A connection's login never changes, and a team database stays one: asked once per
    # connection, not with every credit.
    login = conn.info.get("team_login")
    if login is None:
        login = conn.execute(sa.text("SELECT current_user FROM desk_setting WHERE key = :k"),
                             {"k": MARK}).scalar()
        if login is not None:
            conn.info["team_login"] = login
    return login


def create_groups(conn: Connection) -> None:
    team = groups(conn)
    for group in team.values():
        exists = conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                              {"n": group}).first()
        if not exists:
            conn.exec_driver_sql(f"CREATE ROLE {_quoted(conn, group)} NOLOGIN")
    agent, supervisor, owner = _quoted_groups(conn, team)
    # A supervisor may do what an agent may; an owner what a supervisor may.
    conn.exec_driver_sql(f"GRANT {agent} TO {supervisor}")
    conn.exec_driver_sql(f"GRANT {supervisor} TO {owner}")


def _quoted_groups(conn: Connection, team: dict[str, str] | None = None) -> list[str]:
    """agent, supervisor, owner: this database's group roles, quoted for SQL."""
    return [_quoted(conn, group) for group in (team or groups(conn)).values()]


def grant_privileges(conn: Connection) -> None:
    agent, supervisor, owner = _quoted_groups(conn)
    # Only the team's logins connect (by default every login on the server may).
    database = _quoted(conn, conn.execute(sa.text("SELECT current_database()")).scalar_one())
    conn.exec_driver_sql(f"REVOKE CONNECT, TEMPORARY ON DATABASE {database} FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {database} TO {agent}")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {agent}")
    tables = sa.inspect(conn).get_table_names()
    for table in tables:
        if table not in HIDDEN_FROM_AGENTS:
            conn.exec_driver_sql(f"GRANT SELECT ON {table} TO {agent}")
    for grants, group in ((AGENT_WRITES, agent), (SUPERVISOR_WRITES, supervisor),
                          (OWNER_WRITES, owner)):
        for table, what in grants.items():
            conn.exec_driver_sql(f"GRANT {what} ON {table} TO {group}")
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {agent}")
    # The log: read by supervisors and owners; an agent's write prunes only what is past
    # its 12 months (the DELETE needs to see `at`, and nothing else).
    conn.exec_driver_sql(f"GRANT SELECT ON security_event TO {supervisor}")
    conn.exec_driver_sql(f"GRANT SELECT (at), DELETE ON security_event TO {agent}")
    _row_rules(conn)


def team_secret(conn: Connection, name: str) -> bytes | None:
    sealed = conn.execute(sa.select(TEAM_SECRETS.c.sealed)
                          .where(TEAM_SECRETS.c.name == name)).scalar()
    return bytes(sealed) if sealed is not None else None


def put_team_secret(conn: Connection, name: str, sealed: bytes, *, by: str, now: datetime,
                    replace: bool) -> bytes:
    """Keep a sealed secret and return the one kept: without `replace`, a secret another
    desk made a moment earlier wins, so every desk ends up using the same one."""
    from sqlalchemy.dialects.postgresql import insert
    row = {"name": name, "sealed": sealed, "updated_at": now, "updated_by": by}
    statement = insert(TEAM_SECRETS).values(**row)
    if replace:
        statement = statement.on_conflict_do_update(index_elements=["name"], set_=row)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=["name"])
    conn.execute(statement)
    return team_secret(conn, name) or sealed


# -- who has which issue open --------------------------------------------------------------
# One clock for every desk: the server's.
_SERVER_NOW = sa.literal_column("(now() AT TIME ZONE 'UTC')")


def hold_issue(conn: Connection, issue_id: int | None) -> None:
    """The login now has this issue open (None: none). Another issue replaces the one
    held; the same one only renews it."""
    login = current_login(conn)
    if issue_id is None:
        conn.execute(ISSUE_CLAIMS.delete().where(ISSUE_CLAIMS.c.login == login))
        return
    held = conn.execute(sa.select(ISSUE_CLAIMS.c.issue_id)
                        .where(ISSUE_CLAIMS.c.login == login)).scalar()
    if held == issue_id:
        renew_hold(conn)
        return
    from sqlalchemy.dialects.postgresql import insert
    fresh = {"issue_id": issue_id, "since": _SERVER_NOW, "seen_at": _SERVER_NOW}
    conn.execute(insert(ISSUE_CLAIMS).values(login=login, **fresh)
                 .on_conflict_do_update(index_elements=["login"], set_=fresh))


def renew_hold(conn: Connection) -> None:
    conn.execute(ISSUE_CLAIMS.update().where(ISSUE_CLAIMS.c.login == current_login(conn))
                 .values(seen_at=_SERVER_NOW))


def held_by_others(conn: Connection, *,
                   lapse_seconds: int) -> dict[int, list[tuple[str, datetime]]]:
    """issue id → [(login, since)] of the other logins that have it open now."""
    rows = conn.execute(
        sa.select(ISSUE_CLAIMS.c.issue_id, ISSUE_CLAIMS.c.login, ISSUE_CLAIMS.c.since)
        .where(ISSUE_CLAIMS.c.login != current_login(conn),
               ISSUE_CLAIMS.c.seen_at > _SERVER_NOW - sa.text(
                   f"interval '{int(lapse_seconds)} seconds'"))
        .order_by(ISSUE_CLAIMS.c.since))
    held: dict[int, list[tuple[str, datetime]]] = {}
    for issue_id, login, since in rows:
        held.setdefault(issue_id, []).append((login, since))
    return held


CHANNEL = "sellerdesk"
# Tables whose changes another desk's window shows: a statement on one of them tells
# every listening window which table changed (at commit; one message per table).
WATCHED = ("issue", "timeline_event", "credit", "approval_request", "staff", "orders",
           "evidence", "defect", "personal_data", "policy_version", "issue_claim")
# Renewing a claim touches only seen_at: no word of it, or every window would re-read
# its views each minute for every desk open.
QUIET_COLUMNS = {"issue_claim": "login, issue_id"}


def announce_changes(conn: Connection) -> None:
    conn.exec_driver_sql(f"""
        CREATE OR REPLACE FUNCTION sellerdesk_announce() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME); RETURN NULL; END $$""")
    for table in WATCHED:
        update = f"UPDATE OF {QUIET_COLUMNS[table]}" if table in QUIET_COLUMNS else "UPDATE"
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS announce ON {table}")
        conn.exec_driver_sql(f"CREATE TRIGGER announce AFTER INSERT OR {update} OR DELETE ON "
                             f"{table} FOR EACH STATEMENT EXECUTE FUNCTION "
                             "sellerdesk_announce()")


class ChangeListener:
    """A connection of its own that LISTENs for other desks' changes."""

    def __init__(self, url: sa.URL) -> None:
        import psycopg
        self._lost = psycopg.OperationalError
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        try:
            self.conn = psycopg.connect(plain, autocommit=True, connect_timeout=5)
            self.conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.OperationalError as exc:
            raise DatabaseError(f"the team database is out of reach: {exc}") from None

    def wait(self, timeout: float) -> set[str]:
        """The tables changed: waits up to `timeout` for the first word, then gathers
        what arrives with it. A lost connection raises DatabaseError."""
        try:
            changed = {n.payload for n in self.conn.notifies(timeout=timeout, stop_after=1)}
            if changed:
                changed |= {n.payload for n in self.conn.notifies(timeout=0.05)}
        except self._lost as exc:
            raise DatabaseError(f"the team database went out of reach: {exc}") from None
        return changed

    def close(self) -> None:
        self.conn.close()


def _row_rules(conn: Connection) -> None:
    team = groups(conn)
    agent, supervisor, owner = _quoted_groups(conn, team)
    literal = team["supervisor"].replace("'", "''")
    is_supervisor = f"pg_has_role(current_user, '{literal}', 'MEMBER')"
    rules = {
        "credit": [
            f"CREATE POLICY read ON credit FOR SELECT TO {agent} USING (true)",
            # Your own credit (approved_by only when you are a supervisor approving it
            # yourself; a reversal of someone else's approved credit only as a
            # supervisor), or, as a supervisor, an agent's request you approve. Inside the
            # subquery the new row is `credit.…`: a bare `reverses` would be original's.
            f"""CREATE POLICY give ON credit FOR INSERT TO {agent} WITH CHECK (
                (staff = current_user
                 AND (approved_by IS NULL OR (approved_by = current_user AND {is_supervisor}))
                 AND (reverses IS NULL OR {is_supervisor} OR NOT EXISTS (
                      SELECT 1 FROM credit AS original WHERE original.id = credit.reverses
                      AND original.approved_by IS NOT NULL
                      AND original.approved_by <> current_user)))
                OR (approved_by = current_user AND reverses IS NULL AND {is_supervisor}))""",
        ],
        "approval_request": [
            f"CREATE POLICY read ON approval_request FOR SELECT TO {agent} USING (true)",
            f"""CREATE POLICY ask ON approval_request FOR INSERT TO {agent}
                WITH CHECK (requested_by = current_user)""",
            f"""CREATE POLICY decide ON approval_request FOR UPDATE TO {supervisor}
                USING (requested_by <> current_user) WITH CHECK (decided_by = current_user)""",
        ],
        "issue_claim": [
            f"CREATE POLICY read ON issue_claim FOR SELECT TO {agent} USING (true)",
            f"""CREATE POLICY own ON issue_claim FOR ALL TO {agent}
                USING (login = current_user) WITH CHECK (login = current_user)""",
        ],
        "policy_draft": [
            f"CREATE POLICY read ON policy_draft FOR SELECT TO {agent} USING (true)",
            f"""CREATE POLICY propose ON policy_draft FOR INSERT TO {agent}
                WITH CHECK (created_by = current_user)""",
            # Withdrawn by its author, or by a supervisor; made current by an owner only.
            f"""CREATE POLICY withdraw ON policy_draft FOR UPDATE TO {agent}
                USING (created_by = current_user OR {is_supervisor})
                WITH CHECK (withdrawn_by = current_user AND applied_as IS NULL)""",
            f"""CREATE POLICY apply ON policy_draft FOR UPDATE TO {owner}
                USING (true) WITH CHECK (applied_by = current_user)""",
        ],
        "security_event": [
            f"CREATE POLICY read ON security_event FOR SELECT TO {supervisor} USING (true)",
            f"""CREATE POLICY write ON security_event FOR INSERT TO {agent}
                WITH CHECK (actor = current_user OR actor = 'SellerDesk')""",
            f"""CREATE POLICY prune ON security_event FOR DELETE TO {agent}
                USING (at < now() AT TIME ZONE 'UTC' - interval '365 days')""",
        ],
    }
    for table, policies in rules.items():
        conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        for name in conn.execute(sa.text("SELECT policyname FROM pg_policies "
                                         "WHERE tablename = :t"), {"t": table}).scalars():
            conn.exec_driver_sql(f"DROP POLICY {_quoted(conn, name)} ON {table}")
        for policy in policies:
            conn.exec_driver_sql(policy)


def add_login(conn: Connection, *, name: str, role: str, password: str | None) -> None:
    """A PostgreSQL login for one person, a member of their role's group (an existing
    login changes group)."""
    login = _quoted(conn, name)
    exists = conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                          {"n": name}).first()
    if not exists:
        conn.exec_driver_sql(f"CREATE ROLE {login} LOGIN")
    if password:
        # Hashed here by libpq (SCRAM), so the password itself never reaches the server
        # or its logs; ALTER ROLE takes no bound parameters, hence the quoted literal.
        pgconn = conn.connection.driver_connection.pgconn
        verifier = pgconn.encrypt_password(password.encode(), name.encode(),
                                           b"scram-sha-256").decode()
        conn.exec_driver_sql(f"ALTER ROLE {login} PASSWORD '{verifier.replace(chr(39), '')}'")
    for group in _quoted_groups(conn):
        conn.exec_driver_sql(f"REVOKE {group} FROM {login}")
    conn.exec_driver_sql(f"GRANT {_quoted(conn, groups(conn)[role])} TO {login}")
    # An owner adds colleagues, which takes creating logins. (Not for the login running
    # this, which already may: a role may not change its own attributes.)
    if name != current_login(conn):
        conn.exec_driver_sql(f"ALTER ROLE {login} {'' if role == 'owner' else 'NO'}CREATEROLE")


def login_role(conn: Connection, name: str) -> str | None:
    """The team role the login holds (the highest), or None."""
    team = groups(conn)
    for role in reversed(ROLES):
        if conn.execute(sa.text("SELECT pg_has_role(:n, :g, 'MEMBER')"),
                        {"n": name, "g": team[role]}).scalar():
            return role
    return None
