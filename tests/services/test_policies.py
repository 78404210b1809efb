"""Saving, restoring and comparing policy versions, on SQLite and PostgreSQL: a policy
that leaves out what the desk needs is never saved, and nothing saved is rewritten."""

from datetime import datetime

import pytest

from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import IssueType
from sellerdesk.core.policy import PolicyError
from sellerdesk.services import policies, staff_admin
from sellerdesk.services.clock import pinned
from sellerdesk.services.demo.build import build_demo
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from sellerdesk.services.protection.security_log import security_events
from sellerdesk.store import policy_versions as policy_store
from sellerdesk.store.engine import writing
from tests.helpers.reports import row, write
from tests.helpers.staffing import owner_at_work

ORDER = "114-3941689-8772232"
BY_HAND_LINE = 'by_hand = ["technical", "other"]'


@pytest.fixture
def engine(database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    import_orders(database.engine, write(tmp_path / "orders.txt", [
        row(ORDER, sku="BOOK", price="24.99", shipping="3.99")]))
    return database.engine


def edited(percent: str) -> str:
    return policies.default_policy_text().replace("percent = 30", f"percent = {percent}", 1)


def test_an_emptied_policy_is_not_saved(engine):
    policies.ensure_policy(engine)
    with pytest.raises(PolicyError, match="column 'severity': is missing"):
        policies.save_policy(engine, "", by="Ana", source="policy")
    assert [v.version for v in policies.policy_versions(engine)] == [1]


def test_a_type_the_desk_has_logged_needs_a_rule_or_by_hand(engine):
    without = policies.default_policy_text().replace(BY_HAND_LINE, 'by_hand = ["other"]')
    owner_at_work(engine)
    assert policies.save_policy(engine, without, by="Ana", source="mine.toml")[0] == 2
    add_issue(engine, order_id=ORDER, issue_type=IssueType.TECHNICAL)
    with pytest.raises(PolicyError) as error:
        policies.save_policy(engine, without + "\n# again\n", by="Ana", source="mine.toml")
    assert str(error.value).startswith(
        "mine.toml, column 'rules.technical': is missing, and this desk has technical "
        "issues logged")
    assert policies.save_policy(engine, policies.default_policy_text(), by="Ana",
                                source="mine.toml")[0] == 3


def test_the_demo_desks_policy_is_complete(sqlite_database):
    build_demo(sqlite_database.engine, orders=60)
    in_use = policies.issue_types_in_use(sqlite_database.engine)
    assert len(in_use) > 3                               # the demo logs issues of many types
    _, policy = policies.ensure_active_policy(sqlite_database.engine)
    policies.check_policy(policy.text, in_use=in_use)


def test_restoring_an_old_version_saves_a_new_one_and_logs_it(engine):
    policies.ensure_policy(engine)
    with pinned(datetime(2026, 3, 1, 12)):
        policies.save_policy(engine, edited("40"), by="Ana", source="policy")
    with pinned(datetime(2026, 3, 2, 9, 30)):
        assert policies.restore_policy(engine, 1, by="Ana")[0] == 3
    versions = policies.policy_versions(engine)
    assert [(v.version, v.created_by, v.created_at, v.note) for v in versions] == [
        (3, "Ana", datetime(2026, 3, 2, 9, 30), "restored from version 1"),
        (2, "Ana", datetime(2026, 3, 1, 12), ""),
        (1, "SellerDesk", versions[2].created_at, ""),
    ]
    assert policies.ensure_active_policy(engine)[1].text == policies.policy_version_text(engine, 1)
    assert "percent = 40" in policies.policy_version_text(engine, 2)     # not rewritten
    assert [(e.action, e.detail) for e in security_events(engine)] == [
        ("policy_restored", "policy version 3 restored from version 1 (Courtesy-credit policy)"),
        ("policy_saved", "policy version 2 (Courtesy-credit policy)")]
    with pytest.raises(KnownError, match=r"Version 1 is the policy in use already \(as "
                                         r"version 3\)\."):
        policies.restore_policy(engine, 1, by="Ana")
    with pytest.raises(KnownError, match=r"There is no policy version 9\."):
        policies.restore_policy(engine, 9, by="Ana")


def test_an_agent_may_not_restore_and_an_emptied_version_stays_in_the_past(engine):
    policies.ensure_policy(engine)
    with writing(engine) as conn:       # as a version saved before saves were checked
        policy_store.add_policy_version(conn, name="Emptied", text="", by="Ana",
                                        now=datetime(2026, 3, 1))
    policies.save_policy(engine, edited("40"), by="Ana", source="policy")
    owner_at_work(engine)
    staff_admin.save_staff(engine, name="Ana", role="owner")
    staff_admin.save_staff(engine, name="Ben", role="agent", staff="Ana")
    with pytest.raises(KnownError, match="Ben is not a supervisor or owner here"):
        policies.restore_policy(engine, 1, by="Ben")
    with pytest.raises(PolicyError, match="policy version 2, column 'severity': is missing"):
        policies.restore_policy(engine, 2, by="Ana")
    assert policies.restore_policy(engine, 1, by="Ana")[0] == 4


def test_diff_between_two_versions(engine):
    policies.ensure_policy(engine)
    policies.save_policy(engine, edited("40"), by="Ana", source="policy")
    diff = policies.policy_diff(engine, 1, 2).splitlines()
    assert diff[:2] == ["--- version 1", "+++ version 2"]
    assert [line for line in diff if line[:1] in "+-" and line[1:2] not in "+-"] == [
        "-percent = 30", "+percent = 40"]
    assert policies.policy_diff(engine, 2, 2) == ""
