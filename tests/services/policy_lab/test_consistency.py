"""The consistency report on a real desk (SQLite and PostgreSQL), and its commands: the
agent who gives more than the policy far more often than colleagues is named, with the
issues behind it; a range without credits says so."""

import json
from datetime import UTC, date, datetime
from statistics import median

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.cli import main
from sellerdesk.core.issues import IssueType
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.database import open_database
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from sellerdesk.services.policy_lab.consistency import (
    RangeError,
    _median_without,
    consistency_report,
)
from tests.helpers.reports import row, write
from tests.helpers.staffing import hire

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
ORDERS = [f"114-0000000-00001{n:02d}" for n in range(15)]     # a 24.99 book each: 7.50 due


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def coaching_desk(engine, tmp_path) -> dict[str, list[int]]:
    """Ben, Cara and Dan credit five damaged books each; Cara and Dan give the suggested
    7.50, Ben gives 10.00 on four of his. Returns each agent's issues."""
    import_orders(engine, write(tmp_path / "orders.txt", [
        row(order, sku="BOOK", price="24.99", date="2026-02-20T08:00:00+00:00")
        for order in ORDERS]))
    for name in ("Ben", "Cara", "Dan"):
        hire(engine, name)
    issues: dict[str, list[int]] = {}
    for n, order in enumerate(ORDERS):
        agent = ("Ben", "Cara", "Dan")[n // 5]
        issue = add_issue(engine, order_id=order, issue_type=IssueType.DAMAGED,
                          affected=(("BOOK", 1),), staff=agent).issue_id
        issues.setdefault(agent, []).append(issue)
        if agent == "Ben" and n < 4:
            issue_credit(engine, issue_id=issue, amount="10.00", reason="felt fair",
                         staff=agent)
        else:
            issue_credit(engine, issue_id=issue, staff=agent)
    return issues


def test_the_agent_who_overrides_upwards_most_is_named_with_the_issues(database, tmp_path,
                                                                         clock):
    issues = coaching_desk(database.engine, tmp_path)
    report = consistency_report(database.engine)
    bens = tuple(issues["Ben"][:4])
    assert (report.start, report.end, report.cases, report.compared) == (
        date(2026, 1, 31), date(2026, 3, 1), 15, 15)
    assert [(o.kind, o.subject, o.issue_ids) for o in report.outliers] == [
        ("overrides_up", "Ben", bens), ("above_colleagues", "Ben", bens)]
    assert report.outliers[0].text == (
        "Ben gave more than the policy suggested in 4 of 5 cases (80 %), against a median "
        "of 0 % among colleagues; +33 % on average when they did.")
    assert report.outliers[1].text == (
        "Ben gave +27 % against colleagues in alike cases (same issue type, severity, "
        "currency and basis band), over 5 cases.")
    ben = report.as_json()["agents"][0]
    assert (ben["agent"], ben["overrides_up"], ben["up_rate"], ben["departure"]) == (
        "Ben", 4, "0.8000", {"USD": "10.00"})
    assert report.as_json()["issue_types"] == [
        {"issue_type": "damaged", "compared": 15, "overridden": 4, "override_rate": "0.2667"}]


def test_a_range_without_credits_says_so(database, tmp_path, clock):
    coaching_desk(database.engine, tmp_path)
    report = consistency_report(database.engine, start=date(2026, 1, 1),
                                end=date(2026, 1, 31))
    assert report.empty
    assert report.lines() == ["No credits were given from 2026-01-01 to 2026-01-31: there "
                              "is nothing to compare."]
    assert report.as_json()["outliers"] == []
    with pytest.raises(RangeError, match="the range starts on 2026-02-02, after it ends on "
                                         "2026-02-01"):
        consistency_report(database.engine, start=date(2026, 2, 2), end=date(2026, 2, 1))


def test_the_commands_print_the_reports(capsys, sqlite_url, tmp_path, clock, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    with open_database(sqlite_url) as db:
        issues = coaching_desk(db.engine, tmp_path)
    assert main(["--db", sqlite_url, "policy", "consistency", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    first = out["outliers"][0]
    assert (first["kind"], first["subject"], first["issue_ids"]) == ("overrides_up", "Ben",
                                                                     issues["Ben"][:4])
    assert main(["--db", sqlite_url, "policy", "consistency", "--from", "2026-01-01",
                 "--to", "2026-01-31"]) == 0
    assert capsys.readouterr().out == ("No credits were given from 2026-01-01 to 2026-01-31: "
                                       "there is nothing to compare.\n")
    assert main(["--db", sqlite_url, "policy", "budget", "--json"]) == 0
    budget = json.loads(capsys.readouterr().out)
    assert (budget["has_budget"], budget["marketplaces"][0]["credits"],
            budget["marketplaces"][0]["sales"]) == (False, "122.50", "374.85")


@given(everyone=st.lists(st.integers(min_value=0, max_value=10**12), min_size=2),
       data=st.data())
def test_colleagues_median_is_the_median_of_the_others_amounts(everyone, data):
    """The report finds colleagues' medians by bisecting the group's sorted amounts rather
    than building each agent's 'others' list: it must be statistics.median of those."""
    everyone.sort()
    picked = data.draw(st.sets(st.integers(0, len(everyone) - 1), max_size=len(everyone) - 1))
    mine = sorted(everyone[n] for n in picked)
    others = [a for n, a in enumerate(everyone) if n not in picked]
    assert _median_without(everyone, mine) == median(others)


def test_cases_are_alike_by_the_value_of_the_items_named_or_else_the_order(database,
                                                                            tmp_path, clock):
    """Each order holds a 24.99 book and a 9.99 mug. Ben's issues name no items (basis:
    the order's 34.98), Cara's name both (34.98), Dan's the book alone (24.99, a lower
    band): Ben is compared with Cara only, and Dan with nobody."""
    orders = [f"114-0000000-00002{n:02d}" for n in range(15)]
    import_orders(database.engine, write(tmp_path / "orders.txt", [
        row(order, sku=sku, price=price, date="2026-02-20T08:00:00+00:00")
        for order in orders for sku, price in (("BOOK", "24.99"), ("MUG", "9.99"))]))
    for name in ("Ben", "Cara", "Dan"):
        hire(database.engine, name)
    for n, order in enumerate(orders):
        agent, named, amount = (("Ben", (), "10.00"), ("Cara", (("MUG", 1), ("BOOK", 1)), "8.00"),
                                ("Dan", (("BOOK", 1),), "8.00"))[n // 5]
        issue = add_issue(database.engine, order_id=order, issue_type=IssueType.DAMAGED,
                          affected=named, staff=agent).issue_id
        issue_credit(database.engine, issue_id=issue, amount=amount, reason="as agreed",
                     staff=agent)
    agents = {a["agent"]: a for a in consistency_report(database.engine).as_json()["agents"]}
    assert {name: (a["cases_with_colleagues"], a["vs_colleagues"])
            for name, a in agents.items()} == {
        "Ben": (5, "0.2500"), "Cara": (5, "-0.2000"), "Dan": (0, None)}
