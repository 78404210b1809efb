"""Trust at a single desk, through the services on SQLite and PostgreSQL: staff are picked,
never made by a typo; a supervisor's or owner's act needs their PIN; wrong PINs wait;
approval limits are per currency; the security log says who gave a PIN and who guessed."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from sellerdesk.core.issues import IssueType
from sellerdesk.services import staff_admin
from sellerdesk.services.at_desk import DeskError, add_first_owner
from sellerdesk.services.credits import decide_approval, issue_credit
from sellerdesk.services.database import open_database
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue, list_issues
from sellerdesk.services.policies import default_policy_text, save_policy
from sellerdesk.services.protection import pins
from sellerdesk.services.protection.pins import PinNeeded, PinRefused
from sellerdesk.services.protection.security_log import security_events
from tests.helpers.reports import row, write

ORDER = "114-3941689-8772232"
JP_ORDER = "250-1111111-2222222"
START = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def engine(database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    report = write(tmp_path / "orders.txt", [
        row(ORDER, sku="MUG", price="29.00", quantity=2),
        row(JP_ORDER, sku="TEA", price="4000", currency="JPY", channel="Amazon.co.jp"),
    ])
    import_orders(database.engine, report)
    with time_machine.travel(START, tick=False):
        add_issue(database.engine, order_id=ORDER, issue_type=IssueType.OTHER)
        staff_admin.give_pin(database.engine, "Ana", "ana-2468")    # the owner's first PIN
        staff_admin.save_staff(database.engine, name="Ben", role="agent",
                               approval_limits="USD 15")
        staff_admin.save_staff(database.engine, name="Mara", role="supervisor")
    pins.drop_elevation(database.engine)
    return database.engine


def staff_rows(engine):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT name, role, pin_hash FROM staff ORDER BY name")).all()


def test_a_name_nobody_has_adds_nobody(engine):
    with pytest.raises(DeskError, match="nobody called 'Mra' works at this desk"):
        add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED, staff="Mra")
    assert [r.name for r in staff_rows(engine)] == ["Ana", "Ben", "Mara"]


def test_only_the_first_person_on_an_empty_desk_becomes_owner(database):
    with database.engine.begin() as conn:
        assert add_first_owner(conn, "Olga").role == "owner"
    with database.engine.begin() as conn, pytest.raises(DeskError, match="already has staff"):
        add_first_owner(conn, "Ivan")
    assert [m.name for m in staff_admin.list_staff(database.engine)] == ["Olga"]


def test_a_supervisor_decides_only_after_giving_their_pin(engine):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.MISSING_ITEM,
                           affected=(("MUG", 2),), staff="Ben")
    asked = issue_credit(engine, issue_id=issue.issue_id, amount="20",
                              reason="both mugs", staff="Ben")
    assert asked.pending                     # above Ben's USD 15
    with pytest.raises(PinNeeded, match=r"Mara's PIN .*has none yet and sets one"):
        decide_approval(engine, approval_id=asked.approval_id, approve=True,
                             staff="Mara")
    staff_admin.give_pin(engine, "Mara", "1357")          # Mara chooses her first PIN
    pins.drop_elevation(engine, "Mara")                   # someone else sat down
    with pytest.raises(PinRefused, match="that is not Mara's PIN"):
        pins.elevate(engine, "Mara", "1111")
    staff_admin.give_pin(engine, "Mara", "1357")
    given = decide_approval(engine, approval_id=asked.approval_id, approve=True,
                                 staff="Mara")
    assert given.credit_id == 1
    pin_hash = next(r.pin_hash for r in staff_rows(engine) if r.name == "Mara")
    assert pin_hash.startswith("scrypt$32768$8$1$")
    assert "1357" not in pin_hash
    assert [(e.actor, e.action) for e in security_events(engine)][:4] == [
        ("Mara", "credit_approved"), ("Mara", "pin_given"), ("Mara", "pin_wrong"),
        ("Mara", "pin_set")]


def test_own_request_stays_refused_with_the_right_pin(engine):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.MISSING_ITEM,
                           affected=(("MUG", 2),), staff="Ben")
    asked = issue_credit(engine, issue_id=issue.issue_id, amount="20",
                              reason="both mugs", staff="Ben")
    staff_admin.give_pin(engine, "Ana", "ana-2468")
    staff_admin.save_staff(engine, name="Ben", role="supervisor", staff="Ana")
    staff_admin.give_pin(engine, "Ben", "8642")
    with pytest.raises(DeskError, match="nobody may approve or reject their own request"):
        decide_approval(engine, approval_id=asked.approval_id, approve=True,
                             staff="Ben")


def test_wrong_pins_wait_longer_each_time_and_a_restart_resets_nothing(engine, db_url):
    staff_admin.give_pin(engine, "Mara", "1357")
    with time_machine.travel(START, tick=False) as clock:
        for attempt in range(1, 5):
            with pytest.raises(PinRefused, match=r"^that is not Mara's PIN$"):
                pins.elevate(engine, "Mara", f"000{attempt}")
        with pytest.raises(PinRefused, match="after 5 wrong tries, wait 30 s before the next"):
            pins.elevate(engine, "Mara", "0005")
        with pytest.raises(PinRefused, match="5 wrong PINs in a row for Mara: wait 30 s"):
            pins.elevate(engine, "Mara", "1357")          # the 6th try waits, even if right
        clock.shift(timedelta(seconds=31))
        with pytest.raises(PinRefused, match="wait 60 s before the next"):
            pins.elevate(engine, "Mara", "0006")
        restarted = open_database(db_url)               # a new process would read the same
        try:
            with pytest.raises(PinRefused, match="6 wrong PINs in a row for Mara: wait 60 s"):
                pins.elevate(restarted.engine, "Mara", "1357")
            clock.shift(timedelta(seconds=61))
            pins.elevate(restarted.engine, "Mara", "1357")
            assert pins.is_elevated(restarted.engine, "Mara")
        finally:
            restarted.engine.dispose()
    actions = [e.action for e in security_events(engine)]
    assert actions.count("pin_wrong") == 6     # the refused-while-waiting tries were not checked


def test_the_pin_lasts_until_fifteen_idle_minutes_pass(engine):
    with time_machine.travel(START, tick=False) as clock:
        staff_admin.give_pin(engine, "Ana", "ana-2468")
        clock.shift(timedelta(minutes=14))
        save_policy(engine, default_policy_text(), by="Ana", source="test")   # keeps it alive
        clock.shift(timedelta(minutes=14))
        staff_admin.save_staff(engine, name="Cleo", role="agent", staff="Ana")
        clock.shift(timedelta(minutes=16))
        with pytest.raises(PinNeeded, match="needs Ana's PIN"):
            staff_admin.save_staff(engine, name="Dev", role="agent", staff="Ana")
    assert [m.name for m in staff_admin.list_staff(engine)] == ["Ana", "Ben", "Cleo", "Mara"]


def test_agents_need_no_pin_and_only_an_owner_changes_staff(engine):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                           affected=(("MUG", 1),), staff="Ben")
    assert issue_credit(engine, issue_id=issue.issue_id, amount="5", reason="small",
                             staff="Ben").credit_id == 1
    staff_admin.give_pin(engine, "Mara", "1357")
    with pytest.raises(DeskError, match="Mara is a supervisor; only an owner adds staff"):
        staff_admin.save_staff(engine, name="Zed", role="owner", staff="Mara")


def test_a_deactivated_person_keeps_their_history_and_cannot_act(engine):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED, staff="Ben")
    staff_admin.give_pin(engine, "Ana", "ana-2468")
    staff_admin.set_active(engine, name="Ben", active=False, staff="Ana")
    with pytest.raises(DeskError, match="Ben was deactivated and can no longer act"):
        add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED, staff="Ben")
    assert list_issues(engine, order_id=ORDER)[0].created_by == "Ben"
    assert issue.created_by == "Ben"
    with pytest.raises(DeskError, match="Ana is the desk's only owner"):
        staff_admin.set_active(engine, name="Ana", active=False, staff="Ana")
    staff_admin.set_active(engine, name="Ben", active=True, staff="Ana")
    add_issue(engine, order_id=ORDER, issue_type=IssueType.OTHER, staff="Ben")


def test_approval_limits_are_per_currency(engine):
    """Ben's USD 15 is not ¥15: in yen he has no limit of his own, so the policy's
    approval_above (JPY 3000) alone decides there."""
    us = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                        affected=(("MUG", 2),), staff="Ben")
    asked = issue_credit(engine, issue_id=us.issue_id, amount="16", reason="both mugs",
                              staff="Ben")
    assert asked.pending                                   # above USD 15
    jp = add_issue(engine, order_id=JP_ORDER, issue_type=IssueType.DAMAGED,
                        staff="Ben")
    given = issue_credit(engine, issue_id=jp.issue_id, staff="Ben")
    assert (str(given.amount), given.pending) == ("1200", False)   # 30 % of ¥4,000, no yen limit
    with pytest.raises(DeskError, match="approval limits: 'USD fifteen': 'fifteen' is not a"):
        staff_admin.check_limits("USD fifteen")
    with pytest.raises(DeskError, match="'XYZ 5': XYZ is not a currency code"):
        staff_admin.check_limits("XYZ 5")
    assert staff_admin.check_limits("usd=15, 1500 JPY") == {"USD": 15, "JPY": 1500}
