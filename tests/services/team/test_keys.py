"""A team's shared keys on the real PostgreSQL cluster: each colleague's computer has its
own keyring (a fresh in-memory keyring stands in for another computer), the team key
passes from the owner once, and from then on every desk computes the same buyer
reference and reads what another desk sealed; without the team key a desk reads nothing.
Joining from a computer: the password checked by the server over TCP, kept in the
keyring, never in a file."""

import json

import keyring
import pytest
import sqlalchemy as sa

from sellerdesk.core.issues import IssueType
from sellerdesk.services.database import open_database
from sellerdesk.services.issues import add_issue
from sellerdesk.services.paths import chosen_database, default_database, team_file
from sellerdesk.services.protection import shared_keys
from sellerdesk.services.protection.personal_data import buyer_details
from sellerdesk.services.team.connection import JoinError, join_team, leave_team
from sellerdesk.store.engine import DatabaseError, NotAllowed, reading
from tests.helpers.memory_keyring import MemoryKeyring
from tests.helpers.teams import ORDER, make_team

pytestmark = pytest.mark.postgres


@pytest.fixture
def team(postgres, tmp_path):
    return make_team(postgres, tmp_path, ana={"role": "agent", "password": "ana's secret"},
                     mara={"role": "supervisor"})


def another_computer() -> None:
    keyring.set_keyring(MemoryKeyring())


def test_every_desk_shares_buyer_references_and_details_through_the_team_key(team):
    url, key = team
    owners_keyring = keyring.get_keyring()
    assert len((key or "").replace("-", "")) == 52
    another_computer()                                   # ana's computer: no team key yet
    with open_database(url.replace("sellerdesk@", "ana@")) as ana:
        with pytest.raises(shared_keys.TeamKeyMissing, match="Enter it in Settings › Team"):
            add_issue(ana.engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                           buyer="jo@example.com")
        with pytest.raises(shared_keys.TeamKeyMissing, match="52 letters"):
            shared_keys.enter_team_key(ana.engine, "not-a-key")
        wrong = shared_keys.key_text(bytes(32))
        with pytest.raises(shared_keys.TeamKeyMissing, match="not this team's"):
            shared_keys.enter_team_key(ana.engine, wrong)
        shared_keys.enter_team_key(ana.engine, key.lower().replace("-", " "))
        hers = add_issue(ana.engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                              buyer="jo@example.com",
                              buyer_details={"name": "Jo Buyer", "email": "jo@example.com"})
    keyring.set_keyring(owners_keyring)                  # back at the owner's computer
    with open_database(url.replace("sellerdesk@", "mara@")) as mara:
        again = add_issue(mara.engine, order_id=ORDER, issue_type=IssueType.LATE_DELIVERY,
                               days_late=3, buyer="  JO@example.com ")
        assert again.buyer_ref == hers.buyer_ref        # the repeat-buyer guard sees both
        assert buyer_details(mara.engine, hers.issue_id).values == {
            "name": "Jo Buyer", "email": "jo@example.com"}
        with reading(mara.engine) as conn:
            stored = b"".join(bytes(v) for v in conn.execute(sa.text(
                "SELECT sealed FROM team_secret")).scalars())
        held = keyring.get_keyring().secrets           # no key is stored in the clear
        assert not any(v.encode() in stored for v in held.values() if len(v) > 20)
    another_computer()                                   # a copy of the database alone
    with open_database(url) as copy:
        shown = buyer_details(copy.engine, hers.issue_id)
        assert not shown.values
        assert "does not hold the team key" in shown.unreadable["name"]


def test_a_colleague_joins_with_a_password_the_server_checks(team, postgres):
    url, key = team
    database = sa.make_url(url).database
    another_computer()
    over_tcp = postgres.tcp_url(database, "ana")
    with pytest.raises(NotAllowed, match="did not accept the password for ana"):
        join_team(over_tcp, password="guess")
    with pytest.raises(NotAllowed, match="which the login ana may not do: the team's owner"):
        join_team(postgres.url("postgres").replace("sellerdesk@", "ana@"))
    with pytest.raises(JoinError, match="is not a team database"):
        join_team(postgres.url("postgres"))
    with pytest.raises(JoinError, match="a team database is on PostgreSQL"):
        join_team("sqlite:///x.db")
    assert not team_file().exists()                      # nothing kept from the failures
    assert chosen_database(None) == str(default_database())

    joined = join_team(over_tcp, password="ana's secret", team_key=key)
    assert (joined.login, joined.role, joined.has_team_key) == ("ana", "agent", True)
    assert "as ana, an agent; the team key is in this computer's keyring" in joined.summary()
    saved = json.loads(team_file().read_text())
    assert saved == {"url": over_tcp.replace("postgresql://", "postgresql+psycopg://")}
    assert "secret" not in team_file().read_text()
    assert "ana's secret" in keyring.get_keyring().secrets.values()
    with open_database(chosen_database(None)) as db:     # next start: no password asked
        issue = add_issue(db.engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
        assert issue.created_by == "ana"

    leave_team()
    assert chosen_database(None) == str(default_database())
    assert "ana's secret" not in keyring.get_keyring().secrets.values()
    with pytest.raises(NotAllowed, match="did not accept the password"):
        open_database(over_tcp)


def test_an_unreachable_server_is_said_in_a_sentence(postgres):
    with pytest.raises(DatabaseError, match=r"is out of reach \(the server is not running"):
        open_database(f"postgresql+psycopg://ana@127.0.0.1:{postgres.port + 1}/x")


def test_the_command_line_joins_and_shows_the_team_key(team, postgres, capsys, monkeypatch):
    import io

    from sellerdesk.cli import main
    url, key = team
    assert main(["--db", url, "team", "key"]) == 0
    assert capsys.readouterr().out.strip() == key
    another_computer()
    over_tcp = postgres.tcp_url(sa.make_url(url).database, "ana")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"ana's secret\n{key}\n"))
    assert main(["team", "join", over_tcp, "--stdin"]) == 0
    assert "This computer now works on" in capsys.readouterr().out
    assert main(["issue", "list"]) == 0                # the joined database, by default
    assert main(["team", "leave"]) == 0
    assert "its own file again" in capsys.readouterr().out
