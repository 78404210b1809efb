"""The concession budget on a real desk (SQLite and PostgreSQL): a suggestion that would
cross a line says why and needs approval — so an agent's credit goes to Approvals, not
to the ledger — and `budget_report` shows each marketplace in its own currency."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from sellerdesk.core.issues import IssueType
from sellerdesk.services.credits import (
    issue_credit,
    pending_approvals,
    reverse_credit,
)
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from sellerdesk.services.policies import save_policy
from sellerdesk.services.policy_lab.budget import budget_report
from sellerdesk.services.shipped_policy import default_policy_text
from sellerdesk.services.suggestions import suggest_for_issue
from tests.helpers.reports import row, write
from tests.helpers.staffing import hire

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
PLACED = "2026-02-20T08:00:00+00:00"          # nine days before NOW: in a 30-day window
BOOKS = [f"114-0000000-00000{n:02d}" for n in range(1, 7)]   # a 24.99 book each
TV = "114-0000000-0000099"
DE = "302-0000000-0000001"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def engine(database, tmp_path, clock):
    """US sales of 1,000.00 USD (six books and a television), DE sales of 100.00 EUR; Ana
    owns the desk, Ben and Cara are agents without limits of their own."""
    report = write(tmp_path / "orders.txt", [
        *(row(order, sku="BOOK", price="24.99", date=PLACED) for order in BOOKS),
        row(TV, sku="TV", price="850.06", date=PLACED),
        row(DE, sku="BUCH", price="100.00", currency="EUR", channel="Amazon.de",
            date=PLACED),
    ])
    import_orders(database.engine, report)
    hire(database.engine, "Ben")
    hire(database.engine, "Cara")
    return database.engine


def with_budget(engine, budget: str) -> None:
    save_policy(engine, default_policy_text() + "\n[budget]\n" + budget, by="Ana",
                source="budget.toml")


def damaged(engine, order_id, sku="BOOK", staff="Ben"):
    return add_issue(engine, order_id=order_id, issue_type=IssueType.DAMAGED,
                     affected=((sku, 1),), staff=staff).issue_id


def ledger_size(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM credit")).scalar()


def test_a_credit_past_the_share_of_sales_goes_to_approvals_not_the_ledger(engine):
    earlier = damaged(engine, TV, sku="TV", staff="Ana")
    issue_credit(engine, issue_id=earlier, amount="15.00", reason="agreed on the phone",
                 staff="Ana")
    with_budget(engine, "share_of_sales = { US = 0.02 }\n")      # 20.00 of 1,000.00
    issue = damaged(engine, BOOKS[0])

    suggestion = suggest_for_issue(engine, issue)
    assert (str(suggestion.amount), suggestion.needs_approval) == ("7.50", True)
    assert suggestion.flags == ("over_budget",)
    assert suggestion.explanation[-1] == (
        "credits on US in the last 30 days would reach 2.25 % of sales with this one (22.50 "
        "of 1000.00 USD), above the budget of 2 %: needs approval")

    asked = issue_credit(engine, issue_id=issue, staff="Ben")    # Ben has no limit of his own
    assert asked.pending
    assert ledger_size(engine) == 1
    [request] = pending_approvals(engine)
    assert (request.issue_id, request.requested_by, str(request.amount)) == (issue, "Ben",
                                                                            "7.50")
    assert "above the budget of 2 %" in request.explanation


def test_a_reversed_credit_no_longer_counts_against_the_budget(engine):
    earlier = damaged(engine, TV, sku="TV", staff="Ana")
    issue_credit(engine, issue_id=earlier, amount="15.00", reason="agreed", staff="Ana")
    with_budget(engine, "share_of_sales = 0.02\n")
    issue = damaged(engine, BOOKS[0])
    assert suggest_for_issue(engine, issue).needs_approval
    reverse_credit(engine, credit_id=1, reason="the buyer sent it back", staff="Ana")
    assert not suggest_for_issue(engine, issue).needs_approval
    given = issue_credit(engine, issue_id=issue, staff="Ben")
    assert not given.pending


def test_the_window_rolls_credits_older_than_it_out(engine, clock, tmp_path):
    earlier = damaged(engine, TV, sku="TV", staff="Ana")
    issue_credit(engine, issue_id=earlier, amount="15.00", reason="agreed", staff="Ana")
    with_budget(engine, "window_days = 7\nshare_of_sales = 0.02\n")
    clock.move_to(NOW + timedelta(days=8))
    import_orders(engine, write(tmp_path / "later.txt", [
        row("114-0000000-0000100", sku="LAMP", price="1000.00",
            date=(NOW + timedelta(days=7)).isoformat())]))
    issue = damaged(engine, BOOKS[0])
    assert not suggest_for_issue(engine, issue).needs_approval    # 7.50 of 1,000.00


def test_an_agent_over_their_credit_share(engine):
    for order in BOOKS[:2]:
        issue_credit(engine, issue_id=damaged(engine, order), staff="Ben")
    damaged(engine, BOOKS[2])                                     # Ben: 2 of 3 credited
    with_budget(engine, "agent_credit_share = 0.4\nagent_min_issues = 3\n")

    bens = damaged(engine, BOOKS[3])
    suggestion = suggest_for_issue(engine, bens)
    assert suggestion.flags == ("over_budget",)
    assert suggestion.explanation[-1] == (
        "Ben's issues ending in a credit in the last 30 days would reach 75 % with this one "
        "(3 of 4), above the budget of 40 %: needs approval")
    assert issue_credit(engine, issue_id=bens, staff="Ben").pending

    caras = damaged(engine, BOOKS[4], staff="Cara")              # her first: too few to judge
    assert not suggest_for_issue(engine, caras).needs_approval

    report = budget_report(engine).as_json()
    assert report["has_budget"] is True
    assert report["agents"] == [
        {"agent": "Ben", "issues": 4, "credited": 2, "share": "0.5000", "line": "0.4000",
         "min_issues": 3, "over": True},
        {"agent": "Cara", "issues": 1, "credited": 0, "share": "0.0000", "line": "0.4000",
         "min_issues": 3, "over": False}]


def test_each_marketplace_is_measured_in_its_own_currency(engine):
    """DE's 10.00 EUR of credits is 10 % of its 100.00 EUR of sales: over a 5 % line,
    while US, with no credits, is not. Added to the US's dollars it would be under 1 %."""
    issue_credit(engine, issue_id=damaged(engine, DE, sku="BUCH", staff="Ana"),
                 amount="10.00", reason="agreed", staff="Ana")
    with_budget(engine, "share_of_sales = 0.05\n")

    report = budget_report(engine)
    assert report.as_json()["marketplaces"] == [
        {"marketplace": "DE", "currency": "EUR", "credits": "10.00", "sales": "100.00",
         "share": "0.1000", "line": "0.0500", "over": True},
        {"marketplace": "US", "currency": "USD", "credits": "0.00", "sales": "1000.00",
         "share": "0.0000", "line": "0.0500", "over": False}]
    assert report.lines()[1:3] == [
        "  DE  credits €10.00 of sales €100.00: 10.0 % of sales; budget 5.0 %  OVER BUDGET",
        "  US  credits $0.00 of sales $1,000.00: 0.0 % of sales; budget 5.0 %"]

    assert not suggest_for_issue(engine, damaged(engine, BOOKS[0])).needs_approval
    german = suggest_for_issue(engine, damaged(engine, DE, sku="BUCH"))
    assert german.flags == ("above_approval_limit", "over_budget")


def test_without_a_budget_the_report_shows_the_figures_and_says_so(engine):
    report = budget_report(engine)
    assert report.budget is None
    assert report.lines()[0] == (
        "Policy version 1 sets no budget ([budget]); the figures of the last 30 days "
        "(2026-01-31 to 2026-03-01):")
    assert [m["over"] for m in report.as_json()["marketplaces"]] == [False, False]


def test_an_issue_the_mailbox_opened_counts_for_no_agent_until_someone_takes_it(engine):
    """The mailbox logs the issues a buyer's mail opens (#25); it is not an agent, and an
    unassigned issue it opened is nobody's share yet."""
    from sellerdesk.core.issues import Severity
    from sellerdesk.services.follow_up import assign
    from sellerdesk.services.issues import open_issue
    from sellerdesk.store.engine import writing
    with writing(engine) as conn:
        issue_id = open_issue(conn, order_id=BOOKS[0], issue_type=IssueType.OTHER,
                              severity=Severity.MODERATE, affected=(), days_late=0,
                              buyer_ref=None, note="", actor="mailbox", at=NOW.replace(
                                  tzinfo=None))
    damaged(engine, BOOKS[1], staff="Ben")
    agents = {a["agent"]: a["issues"] for a in budget_report(engine).as_json()["agents"]}
    assert agents == {"Ben": 1}
    assign(engine, issue_id=issue_id, assignee="Cara", staff="Ana")
    agents = {a["agent"]: a["issues"] for a in budget_report(engine).as_json()["agents"]}
    assert agents == {"Ben": 1, "Cara": 1}
