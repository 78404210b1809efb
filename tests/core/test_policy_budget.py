"""The policy's [budget] (issue #26): how it is read, what a bad one is told, and how a
suggestion that would cross a line is flagged — given the desk's standing as a value."""

from decimal import Decimal

import pytest

from sellerdesk.core.issues import IssueType
from sellerdesk.core.money import Money
from sellerdesk.core.policy import (
    OVER_BUDGET,
    BudgetStanding,
    IssueFacts,
    PolicyError,
    parse_policy,
    suggest,
)
from tests.core.test_policy import BASE, BOOK, DEFAULT, order

DAMAGED = '[rules.damaged]\nbasis = "affected_items"\npercent = 30\n'   # 7.50 on BOOK
ISSUE = IssueFacts(IssueType.DAMAGED, affected=(("BOOK", 1),))


def usd(text: str) -> Money:
    return Money.parse(text, "USD")


def test_a_budget_is_read_with_its_lines_per_marketplace():
    policy = parse_policy(BASE + DAMAGED + """
[budget]
window_days = 28
share_of_sales = { US = 0.02, DE = 0.015 }
agent_credit_share = 0.4
agent_min_issues = 5
""")
    budget = policy.budget
    assert (budget.window_days, budget.agent_credit_share, budget.agent_min_issues) == (
        28, Decimal("0.4"), 5)
    assert (budget.sales_line("US"), budget.sales_line("DE"), budget.sales_line("UK")) == (
        Decimal("0.02"), Decimal("0.015"), None)


def test_one_share_of_sales_applies_to_every_marketplace_and_defaults_are_documented():
    budget = parse_policy(BASE + "[budget]\nshare_of_sales = 0.03\n").budget
    assert (budget.sales_line("JP"), budget.window_days, budget.agent_credit_share,
            budget.agent_min_issues) == (Decimal("0.03"), 30, None, 10)


def test_no_budget_section_means_no_budget_and_the_shipped_policy_sets_none():
    assert parse_policy(BASE).budget is None
    assert parse_policy(DEFAULT.read_text(encoding="utf-8")).budget is None


def test_the_shipped_policys_commented_example_is_a_valid_budget():
    """The example in default.toml, uncommented, is what a seller would turn on."""
    lines = DEFAULT.read_text(encoding="utf-8").splitlines()
    start = lines.index("# [budget]")
    example = []
    for line in lines[start:]:
        if not line.startswith("# "):
            break
        example.append(line[2:])
    budget = parse_policy(BASE + "\n".join(example) + "\n").budget
    assert budget.sales_line("DE") == Decimal("0.015")
    assert budget.agent_credit_share == Decimal("0.4")


@pytest.mark.parametrize(("body", "message"), [
    ("", r"column 'budget': sets no line; give share_of_sales .* or agent_credit_share"),
    ("share_of_sales = { XX = 0.02 }",
     r"column 'budget\.share_of_sales\.XX': unknown marketplace 'XX'; known: US, CA"),
    ("share_of_sales = 1.5", r"column 'budget\.share_of_sales': must be at most 1, not 1\.5"),
    ("share_of_sales = { US = -0.1 }", r"column 'budget\.share_of_sales\.US': must be at least 0"),
    ("share_of_sales = {}", r"column 'budget\.share_of_sales': is an empty table"),
    ("share_of_sales = 0.02\nwindow_days = 0",
     r"column 'budget\.window_days': must be a number of days from 1 to 365, not 0"),
    ("share_of_sales = 0.02\nwindow_days = 30.5",
     r"column 'budget\.window_days': must be a whole number"),
    ('agent_credit_share = "lots"', r"column 'budget\.agent_credit_share': 'lots' is not a number"),
    ("agent_credit_share = 0.4\nagent_min_issues = 0",
     r"column 'budget\.agent_min_issues': must be at least 1, not 0"),
    ("share_of_sales = 0.02\nper_agent = 3",
     r"column 'budget\.per_agent': unknown key 'per_agent'"),
])
def test_a_bad_budget_names_the_field_and_its_line(body, message):
    text = BASE + DAMAGED + "[budget]\n" + body + "\n"
    with pytest.raises(PolicyError, match=message) as caught:
        parse_policy(text, source="mine.toml")
    assert "mine.toml" in str(caught.value)
    budget_line = text.splitlines().index("[budget]") + 1
    assert caught.value.line >= budget_line


def standing(*, credits="0", sales="1000.00", agent=None, issues=0, credited=0,
             market="US"):
    return BudgetStanding(market, usd(credits), usd(sales), agent, issues, credited)


def test_a_suggestion_crossing_the_share_of_sales_needs_approval_and_says_why():
    policy = parse_policy(BASE + DAMAGED + "[budget]\nshare_of_sales = { US = 0.02 }\n")
    under = suggest(policy, order=BOOK, issue=ISSUE, budget=standing(credits="12.50"))
    assert (under.needs_approval, under.flags) == (False, ())     # 20.00 of 1000: 2 %
    over = suggest(policy, order=BOOK, issue=ISSUE, budget=standing(credits="12.51"))
    assert str(over.amount) == "7.50"                             # the amount is unchanged
    assert (over.needs_approval, over.flags) == (True, (OVER_BUDGET,))
    assert over.explanation[-1] == (
        "credits on US in the last 30 days would reach 2 % of sales with this one (20.01 "
        "of 1000.00 USD), above the budget of 2 %: needs approval")


def test_the_same_suggestion_without_a_budget_or_a_standing_is_as_before():
    plain = parse_policy(BASE + DAMAGED)
    budgeted = parse_policy(BASE + DAMAGED + "[budget]\nshare_of_sales = 0.001\n")
    before = suggest(plain, order=BOOK, issue=ISSUE, budget=standing(credits="999"))
    unmeasured = suggest(budgeted, order=BOOK, issue=ISSUE)
    assert before == suggest(plain, order=BOOK, issue=ISSUE)
    assert unmeasured.flags == ()
    assert not unmeasured.needs_approval


def test_a_marketplace_without_a_line_or_without_sales():
    policy = parse_policy(BASE + DAMAGED + "[budget]\nshare_of_sales = { DE = 0.02 }\n")
    assert suggest(policy, order=BOOK, issue=ISSUE,
                   budget=standing(credits="900")).flags == ()        # US has no line
    everywhere = parse_policy(BASE + DAMAGED + "[budget]\nshare_of_sales = 0.5\n")
    s = suggest(everywhere, order=BOOK, issue=ISSUE, budget=standing(sales="0"))
    assert s.needs_approval
    assert s.explanation[-1] == ("US has no sales in the last 30 days to measure credits "
                                 "against (budget 50 % of sales): needs approval")


def test_an_agent_over_their_credit_share_needs_approval_once_they_have_enough_issues():
    policy = parse_policy(BASE + DAMAGED + "[budget]\nagent_credit_share = 0.4\n"
                                           "agent_min_issues = 5\n")
    # 1 of 3 before, 2 of 4 with this one: above 40 %, but 4 issues are too few to judge
    few = suggest(policy, order=BOOK, issue=ISSUE,
                  budget=standing(agent="Ben", issues=3, credited=1))
    assert not few.needs_approval
    # 1 of 4 before, 2 of 5 with this one: 40 %, on the line, not over it
    on_line = suggest(policy, order=BOOK, issue=ISSUE,
                      budget=standing(agent="Ben", issues=4, credited=1))
    assert not on_line.needs_approval
    over = suggest(policy, order=BOOK, issue=ISSUE,
                   budget=standing(agent="Ben", issues=4, credited=2))
    assert (over.needs_approval, over.flags) == (True, (OVER_BUDGET,))
    assert over.explanation[-1] == (
        "Ben's issues ending in a credit in the last 30 days would reach 60 % with this one "
        "(3 of 5), above the budget of 40 %: needs approval")


def test_an_issue_decided_by_hand_still_needs_approval_past_a_line():
    """No amount is suggested, but whatever staff give by hand crosses the line too."""
    by_hand = BASE.replace('name = "Test policy"', 'name = "Test policy"\nby_hand = ["damaged"]')
    policy = parse_policy(by_hand + "[budget]\nshare_of_sales = 0.01\n")
    s = suggest(policy, order=BOOK, issue=ISSUE, budget=standing(credits="10.01"))
    assert s.amount.minor == 0
    assert s.needs_approval
    assert s.flags == ("by_hand", OVER_BUDGET)


def test_a_standing_in_another_currency_is_never_compared():
    """A marketplace has one currency; a standing measured in another is not added to."""
    policy = parse_policy(BASE + DAMAGED + "[budget]\nshare_of_sales = 0.001\n")
    euro_order = order(("BOOK", 1, "24.99", "0"), currency="EUR", market="DE")
    s = suggest(policy, order=euro_order, issue=ISSUE,
                budget=standing(credits="999", market="DE"))     # USD figures
    assert s.flags == ()
