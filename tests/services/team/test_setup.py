"""Team mode on the session's real PostgreSQL 15: `team init` and `team add-user`, each
person working as their own login, and the database itself refusing what a role may not
do — even to SQL typed past the window."""

import pytest
import sqlalchemy as sa

from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import IssueType
from sellerdesk.services.at_desk import DeskError
from sellerdesk.services.credits import decide_approval, issue_credit, reverse_credit, verify_ledger
from sellerdesk.services.database import open_database
from sellerdesk.services.issues import add_issue, list_issues, order_activity
from sellerdesk.services.policies import default_policy_text, save_policy
from sellerdesk.services.protection.security_log import security_events
from sellerdesk.services.team.setup import (
    TeamError,
    TeamMember,
    add_user,
    team_init,
    team_members,
)
from sellerdesk.store import team as team_store
from sellerdesk.store.engine import NotAllowed
from tests.helpers.teams import ORDER, as_login, make_team

pytestmark = pytest.mark.postgres


@pytest.fixture
def team(postgres, tmp_path):
    """A team database: the owner (the cluster's superuser), agent ana, supervisor mara."""
    url, _ = make_team(postgres, tmp_path, ana={"role": "agent", "limits": "USD 10"},
                       mara={"role": "supervisor"})
    owner = TeamMember("sellerdesk", "owner")
    logins = {}
    for name in ("ana", "mara"):
        logins[name] = open_database(as_login(url, name))
    yield url, owner, logins
    for login in logins.values():
        login.close()


def test_team_init_makes_the_owner_and_is_safe_to_run_again(team):
    url, owner, _ = team
    assert owner.role == "owner"
    db, again = team_init(url)
    with db:
        assert again.name == owner.name
        assert [(m.name, m.role, m.as_json()["limits"]) for m in team_members(db.engine)] == [
            ("ana", "agent", {"USD": "10"}), ("mara", "supervisor", {}),
            (owner.name, "owner", {})]


def test_who_did_what_is_the_login_not_a_typed_name(team):
    _, _, logins = team
    engine = logins["ana"].engine
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                           staff="Mallory")
    assert issue.created_by == "ana"
    credit = issue_credit(engine, issue_id=issue.issue_id, amount="5.00",
                               reason="sorry", staff="Mallory")
    [entry] = [c for c in order_activity(engine, ORDER).credits]
    assert (entry.credit_id, entry.staff) == (credit.credit_id, "ana")


def test_an_agent_may_not_change_the_policy_or_read_the_security_log(team):
    _, _, logins = team
    engine = logins["ana"].engine
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
    issue_credit(engine, issue_id=issue.issue_id, amount="5.00", reason="sorry")
    with pytest.raises(NotAllowed, match="permission denied for table security_event"):
        security_events(engine)
    with pytest.raises(KnownError, match="supervisor"):
        save_policy(engine, default_policy_text(), by="ana", source="test")
    with engine.begin() as conn, pytest.raises(sa.exc.ProgrammingError,
                                               match="permission denied"):
        conn.execute(sa.text("INSERT INTO policy_version (name, text, created_at, "
                             "created_by) VALUES ('mine', 'x', now(), 'ana')"))
    mara = logins["mara"].engine
    assert save_policy(mara, default_policy_text(), by="mara", source="test")[0] == 2
    # ana's credit is logged as her login; a supervisor reads it (and her own save)
    assert [(e.actor, e.action) for e in security_events(mara)] == [
        ("mara", "policy_saved"), ("ana", "credit_given")]


def test_nobody_approves_their_own_request_and_agents_approve_nothing(team):
    _, _, logins = team
    ana, mara = logins["ana"].engine, logins["mara"].engine
    issue = add_issue(ana, order_id=ORDER, issue_type=IssueType.DAMAGED)
    asked = issue_credit(ana, issue_id=issue.issue_id, amount="25.00", reason="big")
    assert asked.pending                            # above ana's limit of 10
    with pytest.raises(DeskError, match="ana is an agent"):
        decide_approval(ana, approval_id=asked.approval_id, approve=True)
    with ana.begin() as conn, pytest.raises(sa.exc.ProgrammingError,
                                            match="permission denied"):
        conn.execute(sa.text("UPDATE approval_request SET status = 'approved', "
                             "decided_by = 'ana'"))
    with ana.begin() as conn, pytest.raises(sa.exc.ProgrammingError,
                                            match="row-level security"):
        conn.execute(sa.text(
            "INSERT INTO credit (id, created_at, issue_id, order_id, kind, amount_minor, "
            "currency, reason, staff, approved_by, explanation, prev_hash, entry_hash) "
            "VALUES (99, now(), :i, :o, 'courtesy_credit', 2500, 'USD', '', 'ana', 'mara', "
            "'', 'x', 'y')"), {"i": issue.issue_id, "o": ORDER})

    own = add_issue(mara, order_id=ORDER, issue_type=IssueType.WRONG_ITEM)
    mine = issue_credit(mara, issue_id=own.issue_id, amount="1.00", reason="small")
    assert not mine.pending
    with mara.begin() as conn:          # her own requests are not hers to decide
        ana_request = conn.execute(sa.text(
            "UPDATE approval_request SET decided_by = 'mara' WHERE requested_by = 'mara'"))
        assert ana_request.rowcount == 0
    given = decide_approval(mara, approval_id=asked.approval_id, approve=True)
    [credit] = [c for c in order_activity(mara, ORDER).credits
                if c.credit_id == given.credit_id]
    assert (credit.staff, credit.approved_by) == ("ana", "mara")
    assert verify_ledger(mara).ok

    with pytest.raises(DeskError, match="approved by mara; only a supervisor"):
        reverse_credit(ana, credit_id=given.credit_id, reason="oops")
    with ana.begin() as conn, pytest.raises(sa.exc.ProgrammingError,
                                            match="row-level security"):
        conn.execute(sa.text(
            "INSERT INTO credit (id, created_at, issue_id, order_id, kind, amount_minor, "
            "currency, reverses, reason, staff, explanation, prev_hash, entry_hash) "
            "VALUES (98, now(), :i, :o, 'courtesy_credit', -2500, 'USD', :r, 'oops', 'ana', "
            "'', 'x', 'z')"), {"i": issue.issue_id, "o": ORDER, "r": given.credit_id})


def test_a_login_not_on_the_team_is_told_how_to_join(team, postgres):
    url, _, _ = team
    with open_database(url) as owner_db, owner_db.engine.begin() as conn:
        agent = team_store.groups(conn)["agent"]
        conn.exec_driver_sql(f'CREATE ROLE eve LOGIN IN ROLE "{agent}"')
    with open_database(as_login(url, "eve")) as eve, pytest.raises(
            DeskError, match="the login eve is not on this team; ask the owner"):
        add_issue(eve.engine, order_id=ORDER, issue_type=IssueType.DAMAGED)


def test_only_an_owner_adds_colleagues_and_names_are_checked(team):
    _, _, logins = team
    with pytest.raises(TeamError, match="mara is not an owner"):
        add_user(logins["mara"].engine, "sam", role="agent")
    with pytest.raises(TeamError, match="lower-case letters, digits and _"):
        add_user(logins["mara"].engine, "Robert'); DROP TABLE", role="agent")


def test_team_mode_needs_postgresql(sqlite_url):
    with pytest.raises(TeamError, match="team mode needs a PostgreSQL database"):
        team_init(sqlite_url)


def test_the_command_line_sets_up_a_team(postgres, capsys):
    import json

    from sellerdesk.cli import main
    url = postgres.new_database()
    assert main(["team", "init", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["owner"] == {"name": "sellerdesk",
                                                            "role": "owner", "limits": {}}
    assert main(["--db", url, "team", "add-user", "sam", "--role", "agent", "--limit",
                 "USD=15", "--limit", "JPY=1500"]) == 0
    assert ("sam can now log in as an agent (approval limits JPY 1500, USD 15)"
            in capsys.readouterr().out)
    assert main(["--db", url, "team", "add-user", "Sam Lee", "--role", "agent"]) == 1
    assert "a login name is lower-case letters" in capsys.readouterr().err


def test_a_single_desk_moves_into_a_team_database_whole(postgres, sqlite_url, tmp_path):
    from sellerdesk.services.demo.build import build_demo
    from sellerdesk.services.protection.personal_data import buyer_details
    from sellerdesk.services.team.setup import migrate_from
    from sellerdesk.store.engine import reading
    with open_database(sqlite_url) as desk_db:
        build_demo(desk_db.engine, orders=400)
        with reading(desk_db.engine) as conn:
            before = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                      for t in ("orders", "order_item", "issue", "timeline_event", "credit",
                                "policy_version", "personal_data", "staff")}
        head = verify_ledger(desk_db.engine)
        sealed = [i.issue_id for i in list_issues(desk_db.engine)
                  if not buyer_details(desk_db.engine, i.issue_id).empty]
    url = postgres.new_database()
    db, _ = team_init(url)
    with db:
        seen = []
        moved = migrate_from(db.engine, sqlite_url, progress=lambda f, _t: seen.append(f))
        assert seen[-1] == 1.0
        assert moved.rows["orders"] == before["orders"] == 400
        assert moved.rows["credit"] == before["credit"] > 0
        assert moved.rows["issue"] == before["issue"]
        assert set(moved.checksums) >= {"orders", "issue", "credit", "personal_data"}
        assert moved.ledger == head.summary()
        assert "every table's checksum matches" in moved.summary()
        with reading(db.engine) as conn:
            after = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                     for t in before}
        assert after == before | {"staff": before["staff"] + 1}     # + the team's owner
        assert verify_ledger(db.engine).head == head.head
        with reading(db.engine) as conn:         # the planner knows what came in
            assert conn.exec_driver_sql(
                "SELECT reltuples FROM pg_class WHERE relname = 'credit'").scalar() > 0
        if sealed:                        # same computer, same keyring: still readable
            assert buyer_details(db.engine, sealed[0]).values
        add_user(db.engine, "ana", role="owner")
        with pytest.raises(TeamError, match="empty team database only"):
            migrate_from(db.engine, sqlite_url)
    with open_database(as_login(url, "ana")) as ana:   # work goes on where it stopped
        [first, *_] = list_issues(ana.engine)
        given = issue_credit(ana.engine, issue_id=first.issue_id, amount="0.50",
                                  reason="after the move")
        assert given.credit_id == before["credit"] + 1
        assert verify_ledger(ana.engine).ok


def test_two_teams_on_one_server_share_nothing(team, postgres):
    """Roles belong to the whole server: each team's groups carry its database's name,
    and only its own logins may connect."""
    url, _, logins = team
    other = postgres.new_database()
    db, _ = team_init(other)
    with db:
        add_user(db.engine, "bo", role="supervisor")
    with open_database(other) as owner_db, owner_db.engine.begin() as conn:
        names = set(team_store.groups(conn).values())
    with logins["ana"].engine.begin() as conn:
        assert names.isdisjoint(team_store.groups(conn).values())
    with pytest.raises(KnownError, match="ana may not connect to the database test_"):
        open_database(as_login(other, "ana"))
    with open_database(as_login(other, "bo")) as bo:
        assert list_issues(bo.engine) == []
    with pytest.raises(KnownError, match="bo may not connect"):
        open_database(as_login(url, "bo"))


def test_an_issue_held_open_lapses_when_not_renewed(team, sqlite_database):
    from sellerdesk.services import claims
    _, _, logins = team
    ana, mara = logins["ana"].engine, logins["mara"].engine
    issue = add_issue(ana, order_id=ORDER, issue_type=IssueType.DAMAGED)
    claims.hold_issue(ana, issue.issue_id)
    [taken] = claims.taken_by_others(mara)[issue.issue_id]
    assert taken.login == "ana"
    assert claims.taken_by_others(ana) == {}            # nobody else has it
    with mara.begin() as conn:                           # mara cannot move ana's hold
        moved = conn.execute(sa.text("UPDATE issue_claim SET seen_at = seen_at - "
                                     "interval '1 hour'"))
        assert moved.rowcount == 0
    claims.renew_hold(ana)
    with ana.begin() as conn:                            # a laptop closed four minutes ago
        conn.execute(sa.text("UPDATE issue_claim SET seen_at = seen_at - "
                             "interval '4 minutes'"))
    assert claims.taken_by_others(mara) == {}
    claims.renew_hold(ana)                               # opened again: taken again
    assert list(claims.taken_by_others(mara)) == [issue.issue_id]
    claims.hold_issue(sqlite_database.engine, 1)         # a single desk keeps nothing
    assert claims.taken_by_others(sqlite_database.engine) == {}


def test_the_demo_is_refused_on_a_team_database(team):
    from sellerdesk.services.demo.build import build_demo
    _, _, logins = team
    with pytest.raises(KnownError, match="a team database cannot hold"):
        build_demo(logins["mara"].engine, orders=10)
    assert len(list_issues(logins["mara"].engine)) == 0
