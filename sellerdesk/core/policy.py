"""The seller's courtesy-credit policy (PRODUCT.md §4): parsed from TOML, validated, and
applied by one pure function that explains every step it takes.

Every intermediate amount is rounded half-up to the currency's minor unit, so each
explanation line can be checked by hand and the lines add up to the suggestion.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation, getcontext
from typing import Any

from sellerdesk.core.errors import InputError
from sellerdesk.core.issues import IssueType, Remedy, Severity
from sellerdesk.core.marketplaces import BY_CODE as MARKETPLACES
from sellerdesk.core.money import (
    _FAST_HIGH,
    _FAST_LOW,
    _FAST_PRECISION,
    MINOR_UNITS,
    Money,
    _exact,
    _quantum,
    minor_units,
)
from sellerdesk.core.orders import Channel, Order

BASES = ("affected_items", "items", "order", "shipping", "flat")
RULE_REMEDIES = (Remedy.COURTESY_CREDIT, Remedy.PARTIAL_REFUND, Remedy.RETURN_SHIPPING,
                 Remedy.REPLACEMENT, Remedy.FULL_REFUND, Remedy.PROMOTIONAL_CREDIT)

# The issue types every desk meets: a policy that is saved must say what to do for each
# (a rule, or "by hand" in so many words), even before the first one is logged.
COMMON_ISSUE_TYPES = (IssueType.DAMAGED, IssueType.LATE_DELIVERY, IssueType.MISSING_ITEM,
                      IssueType.WRONG_ITEM, IssueType.NOT_AS_DESCRIBED, IssueType.DEFECTIVE)

# Flags a suggestion can carry (the JSON contract's "flags").
NO_RULE = "no_rule"
BY_HAND = "by_hand"                # the policy says this issue type is decided by hand
REPEAT_BUYER = "repeat_buyer"      # buyer_max_credits reached in the buyer window
REPEAT_ISSUE = "repeat_issue"      # another issue from this buyer in the window
CAPPED = "capped"                  # a cap lowered the amount
NOTHING_LEFT = "nothing_left"      # the caps leave nothing to give on this order
ABOVE_APPROVAL = "above_approval_limit"
BUYER_UNCHECKED = "buyer_history_unchecked"   # a buyer was named but their history unread
REPLACEMENT_FIRST = "replacement_first"
OVER_BUDGET = "over_budget"        # a [budget] line would be crossed: needs approval


_ONE = Decimal(1)


class PolicyError(InputError):
    """A policy document that cannot be used: names the key and line."""


# -- the policy as data ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Amount:
    """A number in the order's currency, or a table of numbers per currency."""
    default: Decimal | None = None
    per_currency: tuple[tuple[str, Decimal], ...] = ()

    def get(self, currency: str) -> Decimal | None:
        for code, value in self.per_currency:
            if code == currency:
                return value
        return self.default


@dataclass(frozen=True, slots=True)
class Rule:
    issue_type: IssueType
    basis: str = "affected_items"
    percent: Decimal = Decimal(100)
    flat: Amount | None = None
    per_day_late: Amount | None = None
    min: Amount | None = None
    max: Amount | None = None
    remedy: Remedy = Remedy.COURTESY_CREDIT


@dataclass(frozen=True, slots=True)
class Modifier:
    """A modifier the seller declares: +/- percent when all its conditions hold."""
    name: str
    percent: Decimal
    channel: Channel | None = None
    marketplaces: tuple[str, ...] = ()
    issue_types: tuple[IssueType, ...] = ()
    business_only: bool = False


@dataclass(frozen=True, slots=True)
class Budget:
    """The concession budget ([budget]): lines the desk's giving should stay under, over a
    rolling window of `window_days` days ending today.

    - `share_of_sales`: credits (net of reversals) written in the window on a
      marketplace's orders, as a share of that marketplace's sales in the window (orders
      placed, their totals), both in the marketplace's currency — never summed across
      currencies. A number applies to every marketplace; a table names each one
      (`{ US = 0.02, DE = 0.015 }`) and the others have no line.
    - `agent_credit_share`: of the issues an agent handled in the window (the assignee,
      or who logged it while nobody is assigned), the share that ended in a credit (net
      of reversals above zero). It applies once the agent has `agent_min_issues` issues
      in the window (10 unless set), so a new agent's first credits do not trip it.

    A suggestion that would cross a line — counting its own amount, and its own issue as
    credited — is flagged `over_budget`, says why, and needs approval. The figures are
    measured by the desk (services.policy_lab.budget) and handed to suggest() as a
    BudgetStanding; without one, the budget is not checked."""
    window_days: int = 30
    share_of_sales: Decimal | None = None                  # every marketplace
    share_by_marketplace: tuple[tuple[str, Decimal], ...] = ()
    agent_credit_share: Decimal | None = None
    agent_min_issues: int = 10

    def sales_line(self, marketplace: str) -> Decimal | None:
        for code, share in self.share_by_marketplace:
            if code == marketplace:
                return share
        return self.share_of_sales if not self.share_by_marketplace else None


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    text: str                                   # the document as the seller wrote it
    severity: tuple[tuple[Severity, Decimal], ...]
    rules: tuple[Rule, ...]
    modifiers: tuple[Modifier, ...] = ()
    round_to: Amount | None = None              # None: the currency's minor unit
    max_share_of_order: Decimal | None = None
    max_per_order: Amount | None = None
    approval_above: Amount | None = None
    buyer_window_days: int = 365
    buyer_max_credits: int | None = None
    repeat_issue_percent: Decimal = Decimal(0)
    business_order_percent: Decimal = Decimal(0)
    by_hand: tuple[IssueType, ...] = ()         # types the seller decides by hand, on purpose
    budget: Budget | None = None                # no [budget]: no budget is checked

    def rule_for(self, issue_type: IssueType) -> Rule | None:
        for rule in self.rules:         # a loop, not next(generator): twice a suggestion
            if rule.issue_type == issue_type:
                return rule
        return None

    def multiplier(self, severity: Severity) -> Decimal:
        # The last pair for a level wins, as dict(self.severity) had it; no dict per call.
        for level, factor in reversed(self.severity):
            if level == severity:
                return factor
        return _ONE


# -- parsing -----------------------------------------------------------------------------
_SCHEMA: dict[str, set[str]] = {
    "policy": {"name", "rounding", "round_to", "description", "by_hand"},
    "severity": {s.value for s in Severity},
    "limits": {"max_share_of_order", "max_per_order", "approval_above"},
    "guards": {"buyer_window_days", "buyer_max_credits", "repeat_issue_percent",
               "business_order_percent"},
    "budget": {"window_days", "share_of_sales", "agent_credit_share", "agent_min_issues"},
}
_RULE_KEYS = {"basis", "percent", "flat", "per_day_late", "min", "max", "remedy", "note"}
_MODIFIER_KEYS = {"percent", "channel", "marketplaces", "issue_types", "business_only", "note"}


class _Reader:
    """Reads values out of the parsed document, raising PolicyError with the line."""

    def __init__(self, text: str, source: str) -> None:
        self.text, self.source = text, source
        self.lines = text.splitlines()

    def fail(self, path: tuple[str, ...], message: str) -> PolicyError:
        return PolicyError(message, file=self.source, line=self.line_of(path),
                           column=".".join(path))

    def line_of(self, path: tuple[str, ...]) -> int | None:
        """The line where a key is set: its table header, then `key =` inside it."""
        table, key = path[:-1], path[-1]
        current: tuple[str, ...] = ()
        header_line = None
        for number, raw in enumerate(self.lines, start=1):
            line = raw.strip()
            header = re.match(r"^\[\s*([^\]]+?)\s*\]", line)
            if header:
                current = tuple(p.strip().strip('"') for p in header.group(1).split("."))
                if current == path:
                    header_line = number
                continue
            if current == table and re.match(rf'^"?{re.escape(key)}"?\s*=', line):
                return number
            # a key of an inline table: `max = {{ USD = 10 }}` names its parent's line
            if len(table) >= 1 and current == table[:-1] and \
                    re.match(rf'^"?{re.escape(table[-1])}"?\s*=', line) and key in line:
                return number
        return header_line

    def number(self, value: Any, path: tuple[str, ...], *, minimum: Decimal | None = None,
               maximum: Decimal | None = None) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
            raise self.fail(path, f"must be a number, not {_kind(value)}")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise self.fail(path, f"{value!r} is not a number") from None
        if not number.is_finite():
            raise self.fail(path, f"{value!r} is not a number")
        if minimum is not None and number < minimum:
            raise self.fail(path, f"must be at least {minimum}, not {number}")
        if maximum is not None and number > maximum:
            raise self.fail(path, f"must be at most {maximum}, not {number}")
        return number

    def whole(self, value: Any, path: tuple[str, ...]) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(path, f"must be a whole number of 0 or more, not {value!r}")
        return value

    def amount(self, value: Any, path: tuple[str, ...]) -> Amount:
        if isinstance(value, dict):
            pairs = []
            for code, number in value.items():
                if code not in MINOR_UNITS:
                    raise self.fail((*path, code), f"unknown currency {code!r}")
                pairs.append((code, self.number(number, (*path, code), minimum=Decimal(0))))
            return Amount(per_currency=tuple(pairs))
        return Amount(default=self.number(value, path, minimum=Decimal(0)))

    def table(self, document: dict[str, Any], name: str) -> dict[str, Any]:
        value = document.get(name, {})
        if not isinstance(value, dict):
            raise self.fail((name,), f"must be a table ([{name}]), not {_kind(value)}")
        return value

    def known_keys(self, table: dict[str, Any], allowed: set[str],
                   path: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                raise self.fail((*path, key),
                                f"unknown key {key!r}; allowed here: {', '.join(sorted(allowed))}")


_TOO_DEEP = "its tables or lists are nested far deeper than a policy's: this is not a policy"


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), type(value).__name__)


def parse_policy(text: str, *, source: str = "policy.toml") -> Policy:
    """Parse and validate a policy document; every error names the key and line.

    A document may leave things out here (a draft being tried, a version saved long ago
    must still be read); a policy the desk is to work by passes parse_complete_policy."""
    return _parse(text, source)[0]


def parse_complete_policy(text: str, *, source: str = "policy.toml",
                          in_use: Iterable[IssueType] = ()) -> Policy:
    """A policy fit to be saved: valid, and with nothing left out that would turn every
    suggestion into nothing — all three severities, a [limits] table, and a rule for
    each common issue type and each type in `in_use` (those logged on this desk), unless
    [policy] by_hand names it. An empty document fails here, naming what is missing."""
    policy, document, r = _parse(text, source)
    severity = document.get("severity")
    if severity is None:
        raise r.fail(("severity",), "is missing; the policy needs a [severity] table with "
                                    "minor, moderate and major multipliers")
    for level in Severity:
        if level.value not in severity:
            raise PolicyError("is missing; give a multiplier for each of minor, moderate and "
                              "major (1.0 leaves the amount as it is)", file=source,
                              line=r.line_of(("severity",)), column=f"severity.{level.value}")
    limits = document.get("limits")
    if not limits:
        raise r.fail(("limits",), "is missing or empty; give max_share_of_order, "
                                  "max_per_order or approval_above, so no order gets more "
                                  "than meant")
    used = set(in_use)
    for kind in IssueType:
        if kind not in used and kind not in COMMON_ISSUE_TYPES:
            continue
        if policy.rule_for(kind) is None and kind not in policy.by_hand:
            why = (f"every desk meets {kind.value} issues" if kind in COMMON_ISSUE_TYPES
                   else f"this desk has {kind.value} issues logged")
            raise r.fail(("rules", kind.value),
                         f"is missing, and {why}; write [rules.{kind.value}], or add "
                         f"\"{kind.value}\" to by_hand in [policy] to decide them by hand")
    return policy


def _parse(text: str, source: str) -> tuple[Policy, dict[str, Any], _Reader]:
    try:
        document = tomllib.loads(text, parse_float=Decimal)  # amounts never pass a float
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        raise PolicyError(f"not valid TOML ({exc})", file=source,
                          line=int(match.group(1)) if match else None) from None
    except RecursionError:
        raise PolicyError(_TOO_DEEP, file=source) from None
    except ValueError:          # an integer past Python's 4,300 digits
        raise PolicyError("a number in it is thousands of digits long: no policy has one",
                          file=source) from None
    # Nesting deeper than any policy's (rules.damaged.max.USD is four) would only meet
    # Python's recursion limit later, in a message showing a value: refused here.
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > 16:
            raise PolicyError(_TOO_DEEP, file=source)
        inner = value.values() if isinstance(value, dict) else value
        stack.extend((v, depth + 1) for v in inner if isinstance(v, dict | list))
    r = _Reader(text, source)
    r.known_keys(document, {*_SCHEMA, "rules", "modifiers"}, ())
    for section, keys in _SCHEMA.items():
        r.known_keys(r.table(document, section), keys, (section,))

    head = r.table(document, "policy")
    name = head.get("name", "Courtesy-credit policy")
    if not isinstance(name, str) or not name.strip():
        raise r.fail(("policy", "name"), "must be the policy's name as text")
    rounding = head.get("rounding", "minor")
    if rounding != "minor":
        raise r.fail(("policy", "rounding"),
                     f'must be "minor" (use round_to for a step), not {rounding!r}')
    round_to = r.amount(head["round_to"], ("policy", "round_to")) if "round_to" in head else None
    by_hand = _by_hand(r, head.get("by_hand", []))

    severity = r.table(document, "severity")
    multipliers = tuple(
        (s, r.number(severity.get(s.value, 1), ("severity", s.value), minimum=Decimal(0)))
        for s in Severity)

    limits = r.table(document, "limits")
    share = (r.number(limits["max_share_of_order"], ("limits", "max_share_of_order"),
                      minimum=Decimal(0), maximum=Decimal(1))
             if "max_share_of_order" in limits else None)

    guards = r.table(document, "guards")
    rules = []
    for issue_type, body in r.table(document, "rules").items():
        rules.append(_rule(r, issue_type, body))
        if rules[-1].issue_type in by_hand:
            raise r.fail(("rules", issue_type),
                         f"{issue_type} is also in [policy] by_hand; a type is decided by "
                         "its rule or by hand, not both")
    modifiers = []
    for name_, body in r.table(document, "modifiers").items():
        modifiers.append(_modifier(r, name_, body))

    def optional_amount(table: dict[str, Any], key: str, section: str) -> Amount | None:
        return r.amount(table[key], (section, key)) if key in table else None

    return Policy(
        name=name.strip(), text=text, severity=multipliers, rules=tuple(rules), by_hand=by_hand,
        modifiers=tuple(modifiers), round_to=round_to, max_share_of_order=share,
        max_per_order=optional_amount(limits, "max_per_order", "limits"),
        approval_above=optional_amount(limits, "approval_above", "limits"),
        buyer_window_days=r.whole(guards.get("buyer_window_days", 365),
                                  ("guards", "buyer_window_days")),
        buyer_max_credits=(r.whole(guards["buyer_max_credits"], ("guards", "buyer_max_credits"))
                           if "buyer_max_credits" in guards else None),
        repeat_issue_percent=r.number(guards.get("repeat_issue_percent", 0),
                                      ("guards", "repeat_issue_percent"),
                                      minimum=Decimal(-100)),
        business_order_percent=r.number(guards.get("business_order_percent", 0),
                                        ("guards", "business_order_percent"),
                                        minimum=Decimal(-100)),
        budget=_budget(r, document),
    ), document, r


def _budget(r: _Reader, document: dict[str, Any]) -> Budget | None:
    if "budget" not in document:
        return None
    body = r.table(document, "budget")
    if "share_of_sales" not in body and "agent_credit_share" not in body:
        raise r.fail(("budget",), "sets no line; give share_of_sales (such as "
                                  "{ US = 0.02 }) or agent_credit_share (such as 0.4)")
    days = r.whole(body.get("window_days", 30), ("budget", "window_days"))
    if not 1 <= days <= 365:
        raise r.fail(("budget", "window_days"),
                     f"must be a number of days from 1 to 365, not {days}")
    share, by_marketplace = None, []
    nothing, everything = Decimal(0), Decimal(1)
    value = body.get("share_of_sales")
    if isinstance(value, dict):
        if not value:
            raise r.fail(("budget", "share_of_sales"),
                         "is an empty table; name a marketplace such as { US = 0.02 }")
        for code, number in value.items():
            if code not in MARKETPLACES:
                known = ", ".join(MARKETPLACES)
                raise r.fail(("budget", "share_of_sales", code),
                             f"unknown marketplace {code!r}; known: {known}")
            by_marketplace.append((code, r.number(number, ("budget", "share_of_sales", code),
                                                  minimum=nothing, maximum=everything)))
    elif value is not None:
        share = r.number(value, ("budget", "share_of_sales"), minimum=nothing, maximum=everything)
    agent_share = (r.number(body["agent_credit_share"], ("budget", "agent_credit_share"),
                            minimum=nothing, maximum=everything)
                   if "agent_credit_share" in body else None)
    least = r.whole(body.get("agent_min_issues", 10), ("budget", "agent_min_issues"))
    if least < 1:
        raise r.fail(("budget", "agent_min_issues"), "must be at least 1, not 0")
    return Budget(window_days=days, share_of_sales=share,
                  share_by_marketplace=tuple(by_marketplace), agent_credit_share=agent_share,
                  agent_min_issues=least)


def _by_hand(r: _Reader, value: Any) -> tuple[IssueType, ...]:
    path = ("policy", "by_hand")
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise r.fail(path, 'must be a list of issue types such as ["technical", "other"]')
    kinds = []
    for text in value:
        try:
            kinds.append(IssueType(text))
        except ValueError:
            known = ", ".join(t.value for t in IssueType)
            raise r.fail(path, f"unknown issue type {text!r}; known: {known}") from None
    return tuple(kinds)


def _rule(r: _Reader, issue_type: str, body: Any) -> Rule:
    path = ("rules", issue_type)
    try:
        kind = IssueType(issue_type)
    except ValueError:
        known = ", ".join(t.value for t in IssueType)
        raise r.fail(path, f"unknown issue type {issue_type!r}; known: {known}") from None
    if not isinstance(body, dict):
        raise r.fail(path, f"must be a table ([rules.{issue_type}]), not {_kind(body)}")
    r.known_keys(body, _RULE_KEYS, path)
    basis = body.get("basis", "affected_items")
    if basis not in BASES:
        raise r.fail((*path, "basis"), f"must be one of {', '.join(BASES)}, not {basis!r}")
    remedy_text = body.get("remedy", Remedy.COURTESY_CREDIT.value)
    try:
        remedy = Remedy(remedy_text)
        if remedy not in RULE_REMEDIES:
            raise ValueError(remedy_text)
    except ValueError:
        allowed = ", ".join(x.value for x in RULE_REMEDIES)
        raise r.fail((*path, "remedy"), f"must be one of {allowed}, not {remedy_text!r}") from None
    if "per_day_late" in body and kind is not IssueType.LATE_DELIVERY:
        raise r.fail((*path, "per_day_late"), "only applies to late_delivery")
    if basis == "flat" and "flat" not in body:
        raise r.fail((*path, "flat"), 'a rule with basis = "flat" needs a flat amount')

    def amount(key: str) -> Amount | None:
        return r.amount(body[key], (*path, key)) if key in body else None

    return Rule(
        issue_type=kind, basis=basis,
        percent=r.number(body.get("percent", 100), (*path, "percent"), minimum=Decimal(0)),
        flat=amount("flat"), per_day_late=amount("per_day_late"), min=amount("min"),
        max=amount("max"), remedy=remedy,
    )


def _modifier(r: _Reader, name: str, body: Any) -> Modifier:
    path = ("modifiers", name)
    if not isinstance(body, dict):
        raise r.fail(path, f"must be a table ([modifiers.{name}]), not {_kind(body)}")
    r.known_keys(body, _MODIFIER_KEYS, path)
    if "percent" not in body:
        raise r.fail((*path, "percent"), "a modifier needs a percent")
    channel = body.get("channel")
    if channel is not None and channel not in ("AFN", "MFN"):
        raise r.fail((*path, "channel"), f'must be "AFN" or "MFN", not {channel!r}')
    types = body.get("issue_types", [])
    try:
        issue_types = tuple(IssueType(t) for t in types)
    except (ValueError, TypeError):
        raise r.fail((*path, "issue_types"), f"unknown issue type in {types!r}") from None
    markets = body.get("marketplaces", [])
    if not isinstance(markets, list) or not all(isinstance(m, str) for m in markets):
        raise r.fail((*path, "marketplaces"), 'must be a list such as ["US", "UK"]')
    return Modifier(
        name=name, percent=r.number(body["percent"], (*path, "percent"), minimum=Decimal(-100)),
        channel=Channel(channel) if channel else None,
        marketplaces=tuple(m.upper() for m in markets), issue_types=issue_types,
        business_only=bool(body.get("business_only", False)),
    )


# -- applying it -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class IssueFacts:
    """What staff entered about the issue."""
    issue_type: IssueType
    severity: Severity = Severity.MODERATE
    affected: tuple[tuple[str, int], ...] = ()   # (sku, quantity); empty: the whole order
    days_late: int = 0


@dataclass(frozen=True, slots=True)
class BuyerHistory:
    """The same buyer (by keyed reference) within the policy's buyer window. `checked`
    is False when a buyer was named but the key to find their history was not at hand:
    the guards cannot tell, so the suggestion needs approval (never fails open)."""
    credits_in_window: int = 0
    other_issues_in_window: int = 0
    checked: bool = True


@dataclass(frozen=True, slots=True)
class BudgetStanding:
    """Where the desk stands against the policy's [budget], measured by the desk over the
    budget's window (services.policy_lab.budget) before this suggestion: the credits and
    sales of the order's marketplace in the order's currency, and the issues the issue's
    handler had, not counting this one."""
    marketplace: str
    credits: Money                 # net of reversals, written in the window
    sales: Money                   # orders placed in the window, their totals
    agent: str | None = None
    agent_issues: int = 0          # the agent's other issues in the window
    agent_credited: int = 0        # of those, ended in a credit


@dataclass(frozen=True, slots=True)
class Suggestion:
    amount: Money
    remedy: Remedy
    needs_approval: bool
    flags: tuple[str, ...]
    explanation: tuple[str, ...]
    policy_version: int | None = None
    cap: Money | None = None  # the most that may still be given on this order

    def as_json(self, issue_id: int | None = None) -> dict[str, Any]:
        return {"issue_id": issue_id, "amount": str(self.amount),
                "currency": self.amount.currency, "remedy": self.remedy.value,
                "policy_version": self.policy_version, "needs_approval": self.needs_approval,
                "flags": list(self.flags), "explanation": list(self.explanation)}


def _num(value: Decimal) -> str:
    """30 → "30", 12.50 → "12.5", 1.5 → "1.5"."""
    return f"{value.normalize():f}"


@dataclass(slots=True)
class _Working:
    """The amount being worked out, kept as the Decimal Money.rounded would hold (made
    into Money once, at the end: a backtest works out 100,000 suggestions, and the Money
    of each step was much of the cost), with the lines and flags so far."""
    currency: str
    value: Decimal                  # at the currency's minor unit
    quantum: Decimal
    digits: int
    lines: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def set(self, value: Decimal, line: str) -> None:
        new = value.quantize(self.quantum, rounding=ROUND_HALF_UP)   # as Money.rounded
        if not new.is_finite():
            Money(new, self.currency)           # refused, as Money.rounded refused it
        if new != self.value:
            self.value = new
            self.lines.append(line.format(amount=self.text(new)))

    def text(self, value: Decimal) -> str:
        """As str(Money) writes it: "7.50", "700"."""
        return f"{value:.{self.digits}f}"

    @property
    def amount(self) -> Money:
        return _exact(self.value, self.currency)

    def flag(self, name: str) -> None:
        if name not in self.flags:
            self.flags.append(name)


def suggest(policy: Policy, *, order: Order, issue: IssueFacts,
            history: BuyerHistory = BuyerHistory(),  # frozen: safe to share as a default
            already_given: Money | None = None, policy_version: int | None = None,
            budget: BudgetStanding | None = None) -> Suggestion:
    """The courtesy credit the policy suggests for this issue, with one explanation line
    per step that shaped it. `already_given` is what this order has had so far (credits
    and refunds, net of reversals), in the order's currency. With `budget` (the desk's
    standing against the policy's [budget]), a suggestion that would cross a line needs
    approval and says which."""
    made = _by_rules(policy, order=order, issue=issue, history=history,
                     already_given=already_given, policy_version=policy_version)
    if policy.budget is None or budget is None:
        return made
    crossed = _budget_lines(policy.budget, budget, made.amount)
    if not crossed:
        return made
    flags = made.flags if OVER_BUDGET in made.flags else (*made.flags, OVER_BUDGET)
    return replace(made, needs_approval=True, flags=flags,
                   explanation=(*made.explanation, *crossed))


def _budget_lines(budget: Budget, standing: BudgetStanding, amount: Money) -> list[str]:
    """One line per budget line this suggestion would cross. A decision by hand (no rule,
    by_hand) suggests nothing yet still counts: whatever is given then crosses too."""
    lines = []
    days = f"the last {budget.window_days} days"
    line = budget.sales_line(standing.marketplace)
    if line is not None and amount.currency == standing.credits.currency:
        after = standing.credits + amount
        if standing.sales.minor <= 0:
            if after.minor > 0:
                lines.append(f"{standing.marketplace} has no sales in {days} to measure "
                             f"credits against (budget {_percent_text(line)} of sales): "
                             "needs approval")
        elif Decimal(after.minor) / Decimal(standing.sales.minor) > line:
            share = Decimal(after.minor) / Decimal(standing.sales.minor)
            lines.append(f"credits on {standing.marketplace} in {days} would reach "
                         f"{_percent_text(share)} of sales with this one ({after} of "
                         f"{standing.sales} {after.currency}), above the budget of "
                         f"{_percent_text(line)}: needs approval")
    agent_line = budget.agent_credit_share
    if agent_line is not None and standing.agent:
        issues, credited = standing.agent_issues + 1, standing.agent_credited + 1
        if issues >= budget.agent_min_issues and Decimal(credited) / issues > agent_line:
            lines.append(f"{standing.agent}'s issues ending in a credit in {days} would "
                         f"reach {_percent_text(Decimal(credited) / issues)} with this one "
                         f"({credited} of {issues}), above the budget of "
                         f"{_percent_text(agent_line)}: needs approval")
    return lines


def _percent_text(share: Decimal) -> str:
    """0.0231 → "2.31 %" (two decimals at most, trailing zeros dropped)."""
    return f"{_num((share * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))} %"


def _by_rules(policy: Policy, *, order: Order, issue: IssueFacts, history: BuyerHistory,
              already_given: Money | None, policy_version: int | None) -> Suggestion:
    currency = order.currency
    given = already_given if already_given is not None else Money.zero(currency)
    kind = issue.issue_type.value
    if issue.issue_type in policy.by_hand:
        return Suggestion(Money.zero(currency), Remedy.NONE, False, (BY_HAND,),
                          (f"{kind}: decided by hand (policy says so).",), policy_version)
    rule = policy.rule_for(issue.issue_type)
    if rule is None:
        return Suggestion(
            Money.zero(currency), Remedy.NONE, False, (NO_RULE,),
            (f"{kind}: “{policy.name}” has no rule for this issue type; decide by hand.",),
            policy_version)

    w = _Working(currency, Money.zero(currency).amount, _quantum(currency),
                 minor_units(currency))
    # 1. the rule
    if rule.basis != "flat":
        basis, basis_text = _basis(rule.basis, order, issue)
        w.set(basis.amount * rule.percent / 100,
              f"{kind}: {_num(rule.percent)} % of {basis_text} = {{amount}}")
        if w.value == 0 and not w.lines:
            w.lines.append(f"{kind}: {_num(rule.percent)} % of {basis_text} = "
                           f"{w.text(w.value)}")
    if rule.flat is not None:
        flat = rule.flat.get(currency)
        if flat is None:
            w.lines.append(f"{kind}: the flat amount has no value for {currency}; none added")
        elif rule.basis == "flat":
            w.set(flat, f"{kind}: flat {{amount}}")
        else:
            w.set(w.value + flat, f"{kind}: plus flat {_num(flat)} = {{amount}}")
    if rule.per_day_late is not None and issue.days_late > 0:
        per_day = rule.per_day_late.get(currency)
        if per_day is None:
            w.lines.append(f"{kind}: no per-day amount for {currency}; none added")
        else:
            extra = Money.rounded(per_day * issue.days_late, currency)
            w.set(w.value + extra.amount,
                  f"{kind}: plus {issue.days_late} day{'s' if issue.days_late != 1 else ''} "
                  f"late × {_num(per_day)} = {{amount}}")
    low = rule.min.get(currency) if rule.min else None
    if low is not None and w.value < low:
        w.set(low, f"{kind}: raised to the rule's minimum: {{amount}}")
    high = rule.max.get(currency) if rule.max else None
    if high is not None and w.value > high:
        w.set(high, f"{kind}: limited to the rule's maximum: {{amount}}")

    # 2. severity
    factor = policy.multiplier(issue.severity)
    w.set(w.value * factor,
          f"{issue.severity.value} severity × {_num(factor)} = {{amount}}")

    # 3. modifiers
    if history.other_issues_in_window and policy.repeat_issue_percent:
        w.flag(REPEAT_ISSUE)
        _percent(w, policy.repeat_issue_percent,
                 f"another issue from this buyer in the last {policy.buyer_window_days} days")
    if order.is_business and policy.business_order_percent:
        _percent(w, policy.business_order_percent, "business order")
    for modifier in policy.modifiers:
        if _applies(modifier, order, issue):
            _percent(w, modifier.percent, modifier.name.replace("_", " "))

    # 4. caps on the order as a whole
    cap, cap_said = _cap(policy, order, given)
    if w.value > cap.amount:             # cap is in the order's currency, as w is
        cap_text = cap_said()
        w.flag(CAPPED)
        if cap.minor <= 0:
            w.flag(NOTHING_LEFT)
            w.value = Money.zero(currency).amount
            w.lines.append(f"capped at {cap_text}: nothing left to give on this order")
        else:
            w.set(cap.amount, f"capped at {cap_text}: {{amount}}")

    # 5. rounding to a step
    step = policy.round_to.get(currency) if policy.round_to else None
    if step and step > 0 and w.value != 0:
        stepped = (w.value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        if stepped > cap.amount:  # rounding must not undo a cap
            stepped = (w.value / step).quantize(Decimal(1), rounding=ROUND_FLOOR) * step
        w.set(stepped, f"rounded to a step of {_num(step)}: {{amount}}")

    # 6. guards
    needs_approval = False
    if not history.checked:
        w.flag(BUYER_UNCHECKED)
        needs_approval = True
        w.lines.append("buyer history could not be checked (the key for buyer references "
                       "is not open here): needs approval")
    if policy.buyer_max_credits is not None and \
            history.credits_in_window >= policy.buyer_max_credits:
        w.flag(REPEAT_BUYER)
        needs_approval = True
        w.lines.append(f"this buyer had {history.credits_in_window} credit"
                       f"{'s' if history.credits_in_window != 1 else ''} in the last "
                       f"{policy.buyer_window_days} days (limit {policy.buyer_max_credits}): "
                       "needs approval")
    limit = policy.approval_above.get(currency) if policy.approval_above else None
    if policy.approval_above is not None and limit is None and w.value != 0:
        needs_approval = True
        w.flag(ABOVE_APPROVAL)
        w.lines.append(f"the policy sets no approval limit for {currency}: needs approval")
    elif limit is not None and w.value > limit:
        needs_approval = True
        w.flag(ABOVE_APPROVAL)
        w.lines.append(f"above the approval limit of {Money.rounded(limit, currency)}: "
                       "needs a supervisor's approval")
    remedy = rule.remedy
    if remedy is Remedy.REPLACEMENT:
        w.flag(REPLACEMENT_FIRST)
        w.lines.append(f"{kind}: the policy offers a replacement first; {w.text(w.value)} "
                       "if the buyer prefers money")
    return Suggestion(w.amount, remedy, needs_approval, tuple(w.flags), tuple(w.lines),
                      policy_version, cap)


def _basis(basis: str, order: Order, issue: IssueFacts) -> tuple[Money, str]:
    if basis == "affected_items":
        return _affected_basis(order, issue)
    if basis == "items":
        return order.items_total, f"items {order.items_total}"
    if basis == "order":
        whole = order.items_total + order.shipping_total
        return whole, f"order {whole} (items + shipping)"
    return order.shipping_total, f"shipping {order.shipping_total}"


def _affected_basis(order: Order, issue: IssueFacts) -> tuple[Money, str]:
    """Σ quantity × unit price of the affected items, each rounded half-up, and the sum
    as text ("1 × 24.99 + 2 × 14.50"). The arithmetic of OrderItem.unit_price,
    Money.times and Money's sum done on the Decimals (a backtest does it 100,000 times
    and Money objects were most of its cost). Money's checks stay where they could
    fail: a sum outside the range that needs none, another currency on an item, a
    narrowed decimal context (then it is Money's own arithmetic, as before). Valid
    Money is never NaN, so neither is a unit price or a line here."""
    currency = order.currency
    items = order.items
    wanted = issue.affected or tuple((i.sku, i.quantity) for i in items)
    quantum, digits = _quantum(currency), minor_units(currency)
    fast = getcontext().prec >= _FAST_PRECISION
    total, parts = Money.zero(currency).amount, []
    for sku, quantity in wanted:
        for item in items:
            if item.sku == sku:
                break
        else:
            raise ValueError(f"order {order.order_id} has no item with SKU {sku!r}")
        price = item.item_price
        if not fast or price.currency != currency:
            unit_money = item.unit_price
            total = (Money(total, currency) + unit_money.times(quantity)).amount
            parts.append(f"{quantity} × {unit_money}")
            continue
        unit = price.amount if item.quantity <= 0 else (
            price.amount / item.quantity).quantize(quantum, rounding=ROUND_HALF_UP)
        line = (unit * Decimal(quantity)).quantize(quantum, rounding=ROUND_HALF_UP)
        total = total + line
        if not _FAST_LOW < total < _FAST_HIGH:
            total = Money(total, currency).amount      # the check each sum had
        parts.append(f"{quantity} × {unit:.{digits}f}")
    return _exact(total, currency), " + ".join(parts)


def _percent(w: _Working, percent: Decimal, reason: str) -> None:
    sign = "+" if percent > 0 else "−"
    w.set(w.value * (100 + percent) / 100,
          f"{reason}: {sign}{_num(abs(percent))} % = {{amount}}")


def _applies(modifier: Modifier, order: Order, issue: IssueFacts) -> bool:
    return ((modifier.channel is None or order.channel == modifier.channel)
            and (not modifier.marketplaces or order.marketplace in modifier.marketplaces)
            and (not modifier.issue_types or issue.issue_type in modifier.issue_types)
            and (not modifier.business_only or order.is_business))


def _cap(policy: Policy, order: Order, given: Money) -> tuple[Money, Callable[[], str]]:
    """The most that may still be given on this order, and what says the cap that sets
    it — worded only when a suggestion meets it, not three times on every call. Of caps
    that tie, the first (share, per-order maximum, order total) sets it. What is left
    under each is compared as Decimals; only the lowest is made into Money (by Money's
    own subtraction, as every one was), in a backtest's 100,000 calls."""
    currency = order.currency
    caps: list[tuple[Money, str]] = []
    lowest: Decimal | None = None
    chosen = 0
    if policy.max_share_of_order is not None:
        caps.append((Money.rounded((order.items_total + order.shipping_total).amount
                                   * policy.max_share_of_order, currency), "share"))
        lowest = _left(caps[-1][0], given)
    most = policy.max_per_order.get(currency) if policy.max_per_order else None
    if most is not None:
        caps.append((Money.rounded(most, currency), "most"))
        left = _left(caps[-1][0], given)
        if lowest is None or left < lowest:
            lowest, chosen = left, len(caps) - 1
    caps.append((order.total, "total"))
    left = _left(caps[-1][0], given)
    if lowest is None or left < lowest:
        chosen = len(caps) - 1
    value, kind = caps[chosen]

    def said() -> str:
        already = f", {given} already given" if given.minor else ""
        if kind == "share":
            return (f"{_num(policy.max_share_of_order * 100)} % of order "
                    f"({value}{already})")
        if kind == "most":
            return f"the per-order maximum ({value}{already})"
        return f"what is left of the order total ({value}{already})"
    # Less nothing given (the shared zero), the cap is the amount itself, to the exponent
    # (each is at the minor unit or finer): one Money fewer per suggestion, kept by every
    # Suggestion a backtest holds.
    return (value if given is Money.zero(currency) else value - given), said


def _left(value: Money, given: Money) -> Decimal:
    """(value - given).amount, without making the Money where Money would check nothing;
    where it would (another currency, a difference out of the safe range, a narrowed
    context), by Money's own subtraction, which raises as it always did."""
    if value.currency == given.currency and getcontext().prec >= _FAST_PRECISION:
        amount = value.amount - given.amount
        if _FAST_LOW < amount < _FAST_HIGH:
            return amount
    return (value - given).amount
