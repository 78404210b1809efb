"""The policy engine against cases worked out by hand (PRODUCT.md §4)."""

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from sellerdesk.core.issues import IssueType, Remedy, Severity
from sellerdesk.core.money import Money
from sellerdesk.core.orders import Channel, Order, OrderId, OrderItem
from sellerdesk.core.policy import (
    BuyerHistory,
    IssueFacts,
    PolicyError,
    parse_complete_policy,
    parse_policy,
    suggest,
)

DEFAULT = Path(__file__).resolve().parents[2] / "resources" / "policies" / "default.toml"

BASE = """
[policy]
name = "Test policy"
[severity]
minor = 0.5
moderate = 1.0
major = 1.5
"""


def order(*items, currency="USD", business=False, channel=Channel.AFN, market="US"):
    """items: (sku, quantity, line price, shipping)."""
    def m(text):
        return Money.parse(text, currency)
    return Order(
        order_id=OrderId("114-0000000-0000001"), merchant_order_id="",
        purchase_date=datetime(2026, 10, 1), last_updated=datetime(2026, 10, 1),
        status="Shipped", marketplace=market, sales_channel="", channel=channel,
        currency=currency, ship_service_level="", ship_country="", is_business=business,
        items=tuple(OrderItem(sku=sku, asin="", title=sku, quantity=q, item_price=m(price),
                              shipping_price=m(ship), item_tax=m("0"), shipping_tax=m("0"),
                              promotion_discount=m("0")) for sku, q, price, ship in items),
    )


BOOK = order(("BOOK", 1, "24.99", "3.99"), ("MUG", 2, "29.00", "0"))  # items 53.99, ship 3.99


def run(policy_text, the_order=BOOK, **facts):
    history = facts.pop("history", BuyerHistory())
    given = facts.pop("given", None)
    issue = IssueFacts(**facts)
    return suggest(parse_policy(policy_text), order=the_order, issue=issue, history=history,
                   already_given=Money.parse(given, the_order.currency) if given else None)


def test_damaged_item_is_percent_of_unit_price_times_quantity():
    s = run(BASE + '[rules.damaged]\nbasis = "affected_items"\npercent = 30\n',
            issue_type=IssueType.DAMAGED, affected=(("BOOK", 1),))
    assert str(s.amount) == "7.50"
    assert s.explanation == ("damaged: 30 % of 1 × 24.99 = 7.50",)
    assert (s.remedy, s.needs_approval, s.flags) == (Remedy.COURTESY_CREDIT, False, ())


def test_affected_items_across_skus_and_quantities():
    s = run(BASE + "[rules.missing_item]\npercent = 100\n", issue_type=IssueType.MISSING_ITEM,
            affected=(("BOOK", 1), ("MUG", 2)))
    assert s.explanation == ("missing_item: 100 % of 1 × 24.99 + 2 × 14.50 = 53.99",)


@pytest.mark.parametrize(("basis", "line"), [
    ("items", "other: 10 % of items 53.99 = 5.40"),
    ("order", "other: 10 % of order 57.98 (items + shipping) = 5.80"),
    ("shipping", "other: 10 % of shipping 3.99 = 0.40"),
])
def test_bases(basis, line):
    s = run(BASE + f'[rules.other]\nbasis = "{basis}"\npercent = 10\n',
            issue_type=IssueType.OTHER)
    assert s.explanation == (line,)


def test_late_delivery_shipping_plus_days_capped_by_rule_max():
    policy = BASE + """
[rules.late_delivery]
basis = "shipping"
percent = 100
per_day_late = { USD = 1, JPY = 100 }
max = { USD = 10, JPY = 1200 }
"""
    s = run(policy, issue_type=IssueType.LATE_DELIVERY, days_late=3)
    assert s.explanation == ("late_delivery: 100 % of shipping 3.99 = 3.99",
                             "late_delivery: plus 3 days late × 1 = 6.99")
    s = run(policy, issue_type=IssueType.LATE_DELIVERY, days_late=9)
    assert s.explanation[-1] == "late_delivery: limited to the rule's maximum: 10.00"
    assert str(s.amount) == "10.00"


def test_severity_multiplies_and_says_so():
    policy = BASE + "[rules.damaged]\npercent = 30\n"
    major = run(policy, issue_type=IssueType.DAMAGED, affected=(("BOOK", 1),),
                severity=Severity.MAJOR)
    assert major.explanation == ("damaged: 30 % of 1 × 24.99 = 7.50",
                                 "major severity × 1.5 = 11.25")
    minor = run(policy, issue_type=IssueType.DAMAGED, affected=(("BOOK", 1),),
                severity=Severity.MINOR)
    assert str(minor.amount) == "3.75"


def test_modifiers_repeat_issue_business_and_declared():
    policy = BASE + """
[guards]
repeat_issue_percent = 20
business_order_percent = -10
[modifiers.fba_goodwill]
percent = 5
channel = "AFN"
[modifiers.uk_only]
percent = 50
marketplaces = ["UK"]
[rules.damaged]
percent = 30
"""
    biz = order(("BOOK", 1, "24.99", "3.99"), business=True)
    s = run(policy, biz, issue_type=IssueType.DAMAGED,
            history=BuyerHistory(other_issues_in_window=1))
    assert s.explanation == (
        "damaged: 30 % of 1 × 24.99 = 7.50",
        "another issue from this buyer in the last 365 days: +20 % = 9.00",
        "business order: −10 % = 8.10",
        "fba goodwill: +5 % = 8.51",   # 8.505 rounds half-up
    )
    assert s.flags == ("repeat_issue",)


def test_caps_share_of_order_with_credits_already_given():
    policy = BASE + "[limits]\nmax_share_of_order = 0.5\n[rules.missing_item]\npercent = 100\n"
    s = run(policy, issue_type=IssueType.MISSING_ITEM, affected=(("MUG", 2),), given="10.00")
    # half of 57.98 = 28.99, less 10.00 already given = 18.99
    assert s.explanation[-1] == "capped at 50 % of order (28.99, 10.00 already given): 18.99"
    assert str(s.amount) == "18.99"
    assert s.flags == ("capped",)


def test_caps_per_order_maximum_in_the_orders_currency():
    policy = BASE + "[limits]\nmax_per_order = { USD = 20, GBP = 15 }\n[rules.missing_item]\n"
    s = run(policy, issue_type=IssueType.MISSING_ITEM, affected=(("MUG", 2),))
    assert s.explanation[-1] == "capped at the per-order maximum (20.00): 20.00"


def test_nothing_beyond_what_is_left_of_the_order():
    policy = BASE + "[rules.missing_item]\n"
    s = run(policy, issue_type=IssueType.MISSING_ITEM, given="57.98")
    assert str(s.amount) == "0.00"
    assert s.flags == ("capped", "nothing_left")
    assert s.explanation[-1] == ("capped at what is left of the order total (57.98, "
                                 "57.98 already given): nothing left to give on this order")


def test_jpy_has_no_decimals():
    policy = BASE + "[rules.damaged]\npercent = 30\n"
    yen = order(("CUP", 1, "1499", "0"), currency="JPY", market="JP")
    s = run(policy, yen, issue_type=IssueType.DAMAGED, severity=Severity.MAJOR)
    # 30 % of 1499 = 449.7 → 450; × 1.5 = 675
    assert s.explanation == ("damaged: 30 % of 1 × 1499 = 450", "major severity × 1.5 = 675")
    assert s.as_json()["amount"] == "675"


def test_a_three_decimal_currency():
    policy = BASE + "[rules.damaged]\npercent = 33\n"
    dinar = order(("LAMP", 1, "12.345", "0"), currency="KWD")
    s = run(policy, dinar, issue_type=IssueType.DAMAGED)
    assert s.explanation == ("damaged: 33 % of 1 × 12.345 = 4.074",)  # 4.07385 → 4.074


def test_round_to_a_step_never_undoes_a_cap():
    text = BASE.replace('name = "Test policy"', 'name = "Test policy"\nround_to = "0.50"')
    s = run(text + "[rules.damaged]\npercent = 30\n", issue_type=IssueType.DAMAGED,
            affected=(("BOOK", 1),), severity=Severity.MAJOR)
    assert s.explanation[-1] == "rounded to a step of 0.5: 11.50"   # 11.25 → 11.50, half-up
    capped = run(text + "[limits]\nmax_per_order = 11.3\n[rules.damaged]\npercent = 30\n",
                 issue_type=IssueType.DAMAGED, affected=(("BOOK", 1),), severity=Severity.MAJOR)
    # 11.25 is under the 11.30 cap, but stepping up to 11.50 would pass it: step down
    assert str(capped.amount) == "11.00"


def test_guards_repeat_buyer_and_approval_limit():
    policy = BASE + """
[limits]
approval_above = { USD = 25 }
[guards]
buyer_max_credits = 2
[rules.missing_item]
"""
    s = run(policy, issue_type=IssueType.MISSING_ITEM, affected=(("BOOK", 1),),
            history=BuyerHistory(credits_in_window=2))
    assert s.needs_approval
    assert s.flags == ("repeat_buyer",)
    assert s.explanation[-1] == ("this buyer had 2 credits in the last 365 days (limit 2): "
                                 "needs approval")
    big = run(policy, issue_type=IssueType.MISSING_ITEM, affected=(("MUG", 2),))
    assert big.needs_approval
    assert big.explanation[-1] == "above the approval limit of 25.00: needs a supervisor's approval"
    gbp = order(("BOOK", 1, "9.99", "0"), currency="GBP", market="UK")
    unset = run(policy, gbp, issue_type=IssueType.MISSING_ITEM)
    assert unset.needs_approval  # no GBP limit: safest is to ask
    assert unset.explanation[-1] == "the policy sets no approval limit for GBP: needs approval"


def test_replacement_comes_before_money():
    s = run(BASE + '[rules.wrong_item]\nremedy = "replacement"\npercent = 10\n',
            issue_type=IssueType.WRONG_ITEM, affected=(("BOOK", 1),))
    assert s.remedy is Remedy.REPLACEMENT
    assert s.explanation[-1] == ("wrong_item: the policy offers a replacement first; 2.50 if "
                                 "the buyer prefers money")


def test_an_issue_type_without_a_rule_says_so():
    s = run(BASE, issue_type=IssueType.TECHNICAL)
    assert (str(s.amount), s.remedy, s.flags) == ("0.00", Remedy.NONE, ("no_rule",))
    assert s.explanation == ("technical: “Test policy” has no rule for this issue type; "
                             "decide by hand.",)


def test_flat_rule_and_min():
    flat = run(BASE + '[rules.billing_error]\nbasis = "flat"\nflat = { USD = 5 }\n',
               issue_type=IssueType.BILLING_ERROR)
    assert flat.explanation == ("billing_error: flat 5.00",)
    low = run(BASE + '[rules.seller_error]\nbasis = "shipping"\npercent = 10\nmin = 3\n',
              issue_type=IssueType.SELLER_ERROR)
    assert low.explanation == ("seller_error: 10 % of shipping 3.99 = 0.40",
                               "seller_error: raised to the rule's minimum: 3.00")


def test_the_default_policy_parses_and_gives_sensible_amounts():
    policy = parse_policy(DEFAULT.read_text())
    s = suggest(policy, order=BOOK, issue=IssueFacts(IssueType.DAMAGED, affected=(("BOOK", 1),)))
    assert str(s.amount) == "7.50"
    assert {r.issue_type for r in policy.rules} >= {IssueType.LATE_DELIVERY, IssueType.DAMAGED,
                                                     IssueType.WRONG_ITEM}


# -- bad policies: the key and the line -----------------------------------------------
@pytest.mark.parametrize(("text", "message"), [
    (BASE + "[rules.damaged]\npercentt = 30\n",
     "policy.toml, line 9, column 'rules.damaged.percentt': unknown key 'percentt'"),
    (BASE + "[rules.dented]\npercent = 30\n",
     "policy.toml, line 8, column 'rules.dented': unknown issue type 'dented'"),
    (BASE + '[rules.damaged]\nbasis = "box"\n',
     "policy.toml, line 9, column 'rules.damaged.basis': must be one of affected_items"),
    (BASE + "[limits]\nmax_per_order = { USD = 50, XYZ = 3 }\n",
     "policy.toml, line 9, column 'limits.max_per_order.XYZ': unknown currency 'XYZ'"),
    (BASE + "[limits]\nmax_share_of_order = 1.5\n",
     "policy.toml, line 9, column 'limits.max_share_of_order': must be at most 1"),
    (BASE + "[rules.damaged]\npercent = -5\n",
     "policy.toml, line 9, column 'rules.damaged.percent': must be at least 0"),
    (BASE + "[rules.damaged]\nper_day_late = 1\n",
     "policy.toml, line 9, column 'rules.damaged.per_day_late': only applies to late_delivery"),
    (BASE + "[gaurds]\nbuyer_max_credits = 2\n",
     "policy.toml, line 8, column 'gaurds': unknown key 'gaurds'"),
    (BASE + "[rules.damaged]\npercent = \n",
     "policy.toml, line 9: not valid TOML"),
])
def test_a_bad_policy_names_key_and_line(text, message):
    with pytest.raises(PolicyError) as error:
        parse_policy(text)
    assert str(error.value).startswith(message)


def test_amounts_are_decimals_not_floats():
    policy = parse_policy(BASE + "[limits]\nmax_share_of_order = 0.1\n")
    assert policy.max_share_of_order == Decimal("0.1")


def test_policy_numbers_never_pass_through_a_float():
    policy = parse_policy(BASE + "[limits]\nmax_per_order = { CAD = 1.3, USD = 0.1 }\n")
    assert policy.max_per_order.get("USD") == Decimal("0.1")
    assert policy.max_per_order.get("CAD") == Decimal("1.3")


# -- a policy fit to be saved: nothing left out ---------------------------------------
COMPLETE = BASE + """[limits]
max_share_of_order = 0.5
[rules.damaged]
percent = 30
[rules.late_delivery]
basis = "shipping"
[rules.missing_item]
[rules.wrong_item]
remedy = "replacement"
[rules.not_as_described]
percent = 25
[rules.defective]
percent = 50
"""


def test_the_default_policy_is_complete_for_every_issue_type():
    parse_complete_policy(DEFAULT.read_text(), in_use=list(IssueType))


@pytest.mark.parametrize(("text", "message"), [
    ("", "policy.toml, column 'severity': is missing; the policy needs a [severity] table"),
    ("\n \n", "policy.toml, column 'severity': is missing"),
    (COMPLETE.replace("major = 1.5\n", ""),
     "policy.toml, line 4, column 'severity.major': is missing; give a multiplier for each "
     "of minor, moderate and major"),
    (COMPLETE.replace("[limits]\nmax_share_of_order = 0.5\n", ""),
     "policy.toml, column 'limits': is missing or empty; give max_share_of_order, "
     "max_per_order or approval_above"),
    (COMPLETE.replace("max_share_of_order = 0.5\n", ""),
     "policy.toml, line 8, column 'limits': is missing or empty"),
    (COMPLETE.replace("[rules.defective]\npercent = 50\n", ""),
     "policy.toml, column 'rules.defective': is missing, and every desk meets defective "
     "issues; write [rules.defective], or add \"defective\" to by_hand in [policy] to "
     "decide them by hand"),
])
def test_a_policy_that_leaves_out_what_a_desk_needs_is_refused(text, message):
    parse_policy(text)                      # a draft may leave things out, and be tried
    with pytest.raises(PolicyError) as error:
        parse_complete_policy(text)
    assert str(error.value).startswith(message)


def test_an_issue_type_the_desk_has_logged_needs_a_rule_or_by_hand():
    parse_complete_policy(COMPLETE)
    with pytest.raises(PolicyError) as error:
        parse_complete_policy(COMPLETE, in_use={IssueType.TECHNICAL})
    assert str(error.value).startswith("policy.toml, column 'rules.technical': is missing, "
                                       "and this desk has technical issues logged")
    by_hand = COMPLETE.replace("[severity]", 'by_hand = ["technical"]\n[severity]')
    parse_complete_policy(by_hand, in_use={IssueType.TECHNICAL})


def test_by_hand_is_said_in_so_many_words_and_explained():
    text = BASE.replace('name = "Test policy"', 'name = "Test policy"\nby_hand = ["technical"]')
    s = run(text, issue_type=IssueType.TECHNICAL)
    assert (str(s.amount), s.remedy, s.flags) == ("0.00", Remedy.NONE, ("by_hand",))
    assert s.explanation == ("technical: decided by hand (policy says so).",)
    assert run(text, issue_type=IssueType.OTHER).flags == ("no_rule",)   # not said: no rule


@pytest.mark.parametrize(("by_hand", "extra", "message"), [
    ('"technical"', "", "line 4, column 'policy.by_hand': must be a list of issue types"),
    ('["technicle"]', "", "line 4, column 'policy.by_hand': unknown issue type 'technicle'"),
    ('["damaged"]', "[rules.damaged]\npercent = 30\n",
     "line 9, column 'rules.damaged': damaged is also in [policy] by_hand"),
])
def test_a_bad_by_hand_list_names_key_and_line(by_hand, extra, message):
    text = BASE.replace('name = "Test policy"', f'name = "Test policy"\nby_hand = {by_hand}')
    with pytest.raises(PolicyError) as error:
        parse_policy(text + extra)
    assert message in str(error.value)
