"""Issues, suggestions and the ledger, through the services, on SQLite and PostgreSQL."""

import pytest
import sqlalchemy as sa

from sellerdesk.core.issues import IssueType, Remedy, Severity
from sellerdesk.services.at_desk import DeskError
from sellerdesk.services.credits import (
    decide_approval,
    issue_credit,
    pending_approvals,
    reverse_credit,
    verify_ledger,
)
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from sellerdesk.services.policies import ensure_active_policy, save_policy
from sellerdesk.services.suggestions import suggest_for_issue
from tests.helpers.reports import row, write
from tests.helpers.staffing import hire

ORDER = "114-3941689-8772232"


@pytest.fixture
def engine(database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    report = write(tmp_path / "orders.txt", [
        row(ORDER, sku="BOOK", price="24.99", shipping="3.99"),
        row(ORDER, sku="MUG", price="29.00", quantity=2),
        row("114-0000000-0000002", sku="MUG", price="14.50"),
    ])
    import_orders(database.engine, report)
    return database.engine


def count(engine, table):
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()


def test_log_an_issue_and_get_the_default_policys_suggestion(engine):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                           affected=(("BOOK", 1),), note="corner crushed")
    assert (issue.status.value, issue.created_by) == ("open", "Ana")
    s = suggest_for_issue(engine, issue.issue_id)
    assert s.as_json(issue.issue_id) == {
        "issue_id": issue.issue_id, "amount": "7.50", "currency": "USD",
        "remedy": "courtesy_credit", "policy_version": 1, "needs_approval": False, "flags": [],
        "explanation": ["damaged: 30 % of 1 × 24.99 = 7.50"]}


def test_give_the_suggested_credit_then_reverse_it(engine):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                           affected=(("BOOK", 1),))
    given = issue_credit(engine, issue_id=issue.issue_id)
    assert (given.credit_id, str(given.amount), given.kind) == (1, "7.50",
                                                                 Remedy.COURTESY_CREDIT)
    assert len(given.entry_hash) == 64
    undone = reverse_credit(engine, credit_id=1, reason="buyer returned the book")
    assert (undone.credit_id, str(undone.amount)) == (2, "-7.50")
    check = verify_ledger(engine)
    assert check.ok
    assert check.entries == 2
    with pytest.raises(DeskError, match="credit 1 was already reversed by credit 2"):
        reverse_credit(engine, credit_id=1, reason="again")
    with pytest.raises(DeskError, match="credit 2 is itself a reversal"):
        reverse_credit(engine, credit_id=2, reason="undo the undo")


def test_another_amount_needs_a_reason(engine):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                           affected=(("BOOK", 1),))
    with pytest.raises(DeskError, match=r"giving \$5\.00 instead of the suggested \$7\.50 "
                                        "needs a written reason"):
        issue_credit(engine, issue_id=issue.issue_id, amount="5")
    given = issue_credit(engine, issue_id=issue.issue_id, amount="5",
                              reason="buyer asked for less")
    assert str(given.amount) == "5.00"


@pytest.mark.parametrize(("amount", "message"), [
    ("7.505", "has more decimals than USD allows"),
    ("-1", "cannot be negative"),
    ("0", "a credit of zero gives nothing"),
    ("80.00", r"\$80\.00 is more than is left on order 114-3941689-8772232 \(\$57\.98\)"),
    ("seven", "is not an amount"),
])
def test_bad_amounts_change_nothing(engine, amount, message):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                           affected=(("BOOK", 1),))
    with pytest.raises(DeskError, match=message):
        issue_credit(engine, issue_id=issue.issue_id, amount=amount, reason="test")
    assert count(engine, "credit") == 0
    assert count(engine, "approval_request") == 0


def test_unknown_order_issue_and_sku(engine):
    with pytest.raises(DeskError, match="no order '999-0000000-0000000'"):
        add_issue(engine, order_id="999-0000000-0000000", issue_type=IssueType.OTHER)
    with pytest.raises(DeskError, match="has no item with SKU 'LAMP' \\(it has BOOK, MUG\\)"):
        add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                       affected=(("LAMP", 1),))
    with pytest.raises(DeskError, match="has only 2 × MUG, not 3"):
        add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                       affected=(("MUG", 3),))
    with pytest.raises(DeskError, match="no issue 42"):
        issue_credit(engine, issue_id=42)
    assert count(engine, "issue") == 0


def test_above_the_approval_limit_an_agent_asks_a_supervisor(engine, monkeypatch):
    add_issue(engine, order_id="114-0000000-0000002", issue_type=IssueType.OTHER,
                   staff="Owner Olga")  # the first person at the desk owns it
    hire(engine, "Ana", owner="Owner Olga")   # Olga adds Ana, with Olga's PIN
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.MISSING_ITEM,
                           affected=(("MUG", 2),), staff="Ana")
    s = suggest_for_issue(engine, issue.issue_id)
    assert str(s.amount) == "28.99"          # 100 % of 29.00, capped at half the order
    assert s.needs_approval                  # above the USD 25 limit
    asked = issue_credit(engine, issue_id=issue.issue_id, staff="Ana")
    assert asked.pending
    assert asked.as_json()["status"] == "pending_approval"
    assert count(engine, "credit") == 0
    given = issue_credit(engine, issue_id=issue.issue_id, staff="Owner Olga")
    assert given.credit_id == 1


def test_repeat_buyer_guard_and_buyer_reference_is_not_the_buyer(engine):
    handle = "jane.doe@marketplace.amazon.com"
    ids = []
    for _ in range(3):
        issue = add_issue(engine, order_id="114-0000000-0000002",
                               issue_type=IssueType.BILLING_ERROR, buyer=handle)
        ids.append(issue.issue_id)
    for issue_id in ids[:2]:
        issue_credit(engine, issue_id=issue_id)
    third = suggest_for_issue(engine, ids[2])
    assert "repeat_buyer" in third.flags
    assert third.needs_approval
    reverse_credit(engine, credit_id=2, reason="charged twice by mistake")
    # a reversed credit (and the reversal) no longer counts against the buyer
    assert "repeat_buyer" not in suggest_for_issue(engine, ids[2]).flags
    with engine.connect() as conn:
        refs = conn.execute(sa.text("SELECT DISTINCT buyer_ref FROM issue")).scalars().all()
    assert len(refs) == 1
    assert "jane" not in refs[0]
    assert len(refs[0]) == 64


def test_policy_versions(engine, tmp_path):
    version, policy = ensure_active_policy(engine)
    assert (version, policy.name) == (1, "Courtesy-credit policy")
    text = policy.text.replace("percent = 30", "percent = 40")
    assert save_policy(engine, text, by="Ana", source="edited")[0] == 2
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                           affected=(("BOOK", 1),), severity=Severity.MODERATE)
    s = suggest_for_issue(engine, issue.issue_id)
    assert (str(s.amount), s.policy_version) == ("10.00", 2)


def test_the_ledger_chain_holds_across_many_credits(engine):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.OTHER)
    for n in range(1, 6):
        issue_credit(engine, issue_id=issue.issue_id, amount=f"{n}.00", reason="test",
                          kind=Remedy.COURTESY_CREDIT)
    assert verify_ledger(engine).entries == 5
    with engine.begin() as conn:  # someone edits the file behind SellerDesk's back
        conn.execute(sa.text("DROP TRIGGER IF EXISTS credit_no_update"
                             + (" ON credit" if conn.dialect.name == "postgresql" else "")))
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("DROP TRIGGER credit_no_change ON credit"))
        conn.execute(sa.text("UPDATE credit SET amount_minor = 900 WHERE id = 3"))
    check = verify_ledger(engine)
    assert check.summary().startswith("ledger altered at entry 3 (credit 3)")


def test_a_supervisor_approves_or_rejects_but_never_their_own(engine):
    add_issue(engine, order_id="114-0000000-0000002", issue_type=IssueType.OTHER,
                   staff="Owner Olga")
    for agent in ("Ana", "Ben"):
        hire(engine, agent, owner="Owner Olga")
    first = add_issue(engine, order_id=ORDER, issue_type=IssueType.MISSING_ITEM,
                           affected=(("MUG", 2),), staff="Ana")
    asked = issue_credit(engine, issue_id=first.issue_id, staff="Ana")
    assert [p.approval_id for p in pending_approvals(engine)] == [asked.approval_id]
    with pytest.raises(DeskError, match="Ana is an agent; only a supervisor or owner"):
        decide_approval(engine, approval_id=asked.approval_id, approve=True, staff="Ana")
    given = decide_approval(engine, approval_id=asked.approval_id, approve=True,
                                 staff="Owner Olga")
    assert (given.credit_id, str(given.amount)) == (1, "28.99")
    with pytest.raises(DeskError, match="was already approved by Owner Olga"):
        decide_approval(engine, approval_id=asked.approval_id, approve=False,
                             comment="no", staff="Owner Olga")
    assert pending_approvals(engine) == []

    second = add_issue(engine, order_id="114-0000000-0000002",
                            issue_type=IssueType.MISSING_ITEM, staff="Owner Olga")
    own = issue_credit(engine, issue_id=second.issue_id, amount="14", reason="goodwill",
                            staff="Ben")  # past the policy's half-order cap: a request
    assert own.pending
    with pytest.raises(DeskError, match="a rejection needs a comment"):
        decide_approval(engine, approval_id=own.approval_id, approve=False,
                             staff="Owner Olga")
    assert decide_approval(engine, approval_id=own.approval_id, approve=False,
                                comment="too much for a $14.50 mug", staff="Owner Olga") is None
    assert count(engine, "credit") == 1
