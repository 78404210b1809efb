"""Who may do what on a team database, role by role, on the real PostgreSQL cluster.

Each action is tried as an agent, a supervisor and an owner (none of them the server's
superuser), first the way the window does it and then, where a window would never
offer it, as SQL typed past the app: the database refuses, not only the window."""

import pytest
import sqlalchemy as sa

from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import IssueType
from sellerdesk.services.credits import decide_approval, issue_credit, reverse_credit, verify_ledger
from sellerdesk.services.database import open_database
from sellerdesk.services.dispute import export_dispute
from sellerdesk.services.evidence import attach_evidence
from sellerdesk.services.issues import add_issue
from sellerdesk.services.policies import default_policy_text, save_policy
from sellerdesk.services.protection.security_log import security_events
from sellerdesk.services.team.setup import add_user
from tests.helpers.teams import ORDER, as_login, make_team

pytestmark = pytest.mark.postgres
ROLES = {"agent": "ana", "supervisor": "mara", "owner": "olga"}


def _issue(engine) -> int:
    return add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED).issue_id


def _request_by_ben(team) -> int:
    """An approval request by another agent (above ben's limit of 1)."""
    asked = issue_credit(team["ben"], issue_id=_issue(team["ben"]), amount="5.00",
                              reason="big")
    assert asked.pending
    return asked.approval_id


def _credit_approved_by_sue(team) -> int:
    """A credit a supervisor (sue) approved."""
    given = decide_approval(team["sue"], approval_id=_request_by_ben(team), approve=True)
    return given.credit_id


def _attached(me, team) -> str:
    """A file attached to an issue (anyone may attach); its SHA-256."""
    photo = team["folder"] / "photo.jpg"
    photo.write_bytes(b"a photo of the damage")
    return attach_evidence(me, issue_id=_issue(me), path=photo).sha256


def _raw(engine, sql: str, **params) -> None:
    with engine.begin() as conn:
        result = conn.execute(sa.text(sql), params)
        if result.rowcount == 0:                 # row rules hide the row: refused too
            raise PermissionError("no row may be changed")


ACTIONS = {
    "log an issue": lambda me, team: _issue(me),
    "give a credit within the limit": lambda me, team: issue_credit(
        me, issue_id=_issue(me), amount="0.50", reason="sorry"),
    "approve a colleague's request": lambda me, team: decide_approval(
        me, approval_id=_request_by_ben(team), approve=True),
    "approve one's own request": lambda me, team: decide_approval(
        me, approval_id=issue_credit(me, issue_id=_issue(me), amount="15.00",
                                          reason="above my limit").approval_id, approve=True),
    "reverse a credit a supervisor approved": lambda me, team: reverse_credit(
        me, credit_id=_credit_approved_by_sue(team), reason="mistake"),
    "change the policy": lambda me, team: save_policy(
        me, default_policy_text(), by="me", source="test"),
    "read the security log": lambda me, team: security_events(me),
    "export a dispute packet": lambda me, team: export_dispute(
        me, ORDER, team["folder"] / f"packet-{_issue(me)}.zip"),
    "add a colleague": lambda me, team: add_user(me, "zed", role="agent"),
    "SQL: change a credit in the ledger": lambda me, team: _raw(
        me, "UPDATE credit SET amount_minor = 1 WHERE id = :i",
        i=_credit_approved_by_sue(team)),
    "SQL: delete a credit from the ledger": lambda me, team: _raw(
        me, "DELETE FROM credit WHERE id = :i", i=_credit_approved_by_sue(team)),
    "SQL: delete the security log": lambda me, team: _raw(me, "DELETE FROM security_event"),
    "SQL: change an attached file": lambda me, team: _raw(
        me, "UPDATE evidence_chunk SET data = 'x' WHERE sha256 = :s", s=_attached(me, team)),
    "SQL: make oneself owner": lambda me, team: _raw(
        me, "UPDATE staff SET role = 'owner' WHERE name = current_user"),
}
ALLOWED = {
    "agent": {"log an issue", "give a credit within the limit", "export a dispute packet"},
    "supervisor": {"log an issue", "give a credit within the limit",
                   "approve a colleague's request", "reverse a credit a supervisor approved",
                   "change the policy", "read the security log", "export a dispute packet"},
    "owner": {"log an issue", "give a credit within the limit",
              "approve a colleague's request", "reverse a credit a supervisor approved",
              "change the policy", "read the security log", "export a dispute packet",
              "add a colleague",
              "SQL: make oneself owner"},     # an owner already is one
}


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_may_do_what_it_may_and_nothing_else(role, postgres, tmp_path):
    # Everyone has a limit of 10, so a credit of 15 is a request by anyone.
    url, _ = make_team(postgres, tmp_path, ana={"role": "agent", "limits": "USD 10"},
                       ben={"role": "agent", "limits": "USD 1"},
                       mara={"role": "supervisor", "limits": "USD 10"},
                       sue={"role": "supervisor"}, olga={"role": "owner", "limits": "USD 10"})
    logins = {name: open_database(as_login(url, name))
              for name in ("ana", "ben", "mara", "sue", "olga")}
    team = {name: db.engine for name, db in logins.items()} | {"folder": tmp_path}
    me = team[ROLES[role]]
    done, refused = set(), {}
    try:
        for action, attempt in ACTIONS.items():
            try:
                attempt(me, team)
            except (KnownError, sa.exc.ProgrammingError, PermissionError) as exc:
                refused[action] = str(exc).splitlines()[0]
            else:
                done.add(action)
        assert done == ALLOWED[role], refused
        assert verify_ledger(team["olga"]).ok      # and the chain is whole after all
        for action, reason in refused.items():          # each refusal says why
            assert reason, action
    finally:
        for db in logins.values():
            db.close()
