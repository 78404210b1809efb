"""The backtest: what a draft policy would have suggested on the issues logged in a date
range, beside what was given and what the policy in force then suggested.

Each issue is replayed through core.policy.suggest itself, fed the situation as it stood
when the desk decided it — the moment of its first credit or approval request (that is
when the recorded suggestion was worked out, by services.suggestions), or, for an issue
never decided, the moment it was logged:
- the order and its items (orders are not versioned; an import refreshes them);
- the buyer's credits and other issues within the policy's buyer window up to then,
  credits reversed before then not counted (as store.issues.buyer_history counts them);
- already given on the order: the ledger's entries on it before then, net of reversals
  written before then, plus what returns the desk knew of then refunded outside the
  ledger (services.suggestions.given_on_order). The draft column is given the same
  actual ledger, not the draft's own earlier suggestions on the order: what staff gave
  was the amount the order really had, the draft cannot know what staff would have
  given under it, and so a draft equal to the policy then gives back the recorded
  suggestion to the cent (the property test holds it to that);
- the policy then: the version recorded on the issue's credit or request, else the
  version saved last before that moment (or the first one, if the issue is older);
- approval: what suggest() says, from the policy's approval_above and its guards. Staff
  members' personal limits are not versioned (store.staff keeps only today's), and they
  bound a person, not a policy: the backtest leaves them out and says so.

Everything is read in a few queries over the window (store.backtest), then worked out in
memory; amounts are kept in minor units per currency and never added across currencies.
The work reports progress(fraction, message) and stops when cancelled() says so, so the
window can run it off the GUI thread.

It comes in two parts, so an editor can replay a draft as it is typed: prepare_backtest
reads a range and replays the policy then (the heavy part, once per range), and
replay_draft replays a draft over that — given the previous replay, only the issues whose
inputs the edit changed. backtest() is the two in turn. Both can run in a worker thread;
a prepared backtest may be replayed from several at once."""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import Cancelled, KnownError
from sellerdesk.core.issues import IssueType, Severity
from sellerdesk.core.money import Money, minor_text
from sellerdesk.core.orders import Channel, Order, OrderId, OrderItem
from sellerdesk.core.policy import (
    CAPPED,
    NO_RULE,
    BuyerHistory,
    IssueFacts,
    Policy,
    Suggestion,
    parse_policy,
    suggest,
)
from sellerdesk.core.records import parse_affected
from sellerdesk.core.returns import REFUND_KINDS
from sellerdesk.services.clock import now
from sellerdesk.services.issues import UNCHECKED_BUYER
from sellerdesk.services.policy_lab.estimate import EffectModel, Estimate, fit_effect
from sellerdesk.services.shipped_policy import default_policy_text
from sellerdesk.store import backtest as store
from sellerdesk.store.engine import reading
from sellerdesk.store.metrics import sales_by_currency
from sellerdesk.store.orders import day_bounds

Progress = Callable[[float, str], None]
DEFAULT_DAYS = 90
_READING_SHARE = 0.3        # of the progress bar: the reading; the rest is the replay
_STEP = 500                 # issues between two progress reports (and cancel checks)

METHOD = ("Each issue is replayed through the policy engine with the order, the buyer's "
          "history and what the order had been given as they stood when the desk decided "
          "it (its first credit or approval request, else when it was logged). The draft "
          "is given the credits actually given before, not its own earlier suggestions. "
          "Approval follows the policy's approval_above and guards; staff members' "
          "personal limits are not kept over time and are left out.")


class BacktestError(KnownError):
    """A backtest that cannot run (a date range the wrong way round)."""


# -- the result ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class IssueOutcome:
    """One issue: what was given, what the policy then suggested, what the draft does."""
    issue_id: int
    order_id: str
    logged_at: datetime
    decided_at: datetime
    issue_type: str
    severity: str
    marketplace: str
    sku: str                       # the affected SKUs ("+"-joined), or the order's
    agent: str
    currency: str
    given: Money                   # credits on the issue, net of reversals
    recorded: Money | None         # the suggestion written on its credit or request
    then_version: int | None
    then: Suggestion | None
    draft: Suggestion | None
    note: str = ""                 # why a column is missing, in a sentence

    @property
    def without_rule(self) -> bool:
        return self.draft is not None and NO_RULE in self.draft.flags

    def as_json(self) -> dict[str, Any]:
        def amount(s: Suggestion | None) -> str | None:
            return None if s is None else str(s.amount)
        return {
            "issue_id": self.issue_id, "order_id": self.order_id,
            "logged_at": self.logged_at.isoformat() + "Z",
            "decided_at": self.decided_at.isoformat() + "Z",
            "type": self.issue_type, "severity": self.severity,
            "marketplace": self.marketplace, "sku": self.sku, "agent": self.agent,
            "currency": self.currency, "given": str(self.given),
            "recorded_suggestion": None if self.recorded is None else str(self.recorded),
            "suggested_then": amount(self.then), "then_version": self.then_version,
            "then_needs_approval": bool(self.then and self.then.needs_approval),
            "draft": amount(self.draft),
            "draft_needs_approval": bool(self.draft and self.draft.needs_approval),
            "draft_flags": list(self.draft.flags) if self.draft else [],
            "draft_explanation": list(self.draft.explanation) if self.draft else [],
            "without_rule": self.without_rule, "note": self.note,
        }


@dataclass(slots=True)
class Costs:
    """Issues and amounts (minor units) in one currency."""
    issues: int = 0
    given: int = 0
    then: int = 0
    draft: int = 0

    def add(self, outcome: IssueOutcome) -> None:
        self.count(*_minors(outcome))

    def count(self, given: int, then: int, draft: int) -> None:
        self.issues += 1
        self.given += given
        self.then += then
        self.draft += draft

    def as_json(self, currency: str) -> dict[str, Any]:
        return {"issues": self.issues, "given": minor_text(self.given, currency),
                "suggested_then": minor_text(self.then, currency),
                "draft": minor_text(self.draft, currency)}


def _minors(outcome: IssueOutcome) -> tuple[int, int, int]:
    """Given, then and draft in minor units (a missing column counts 0)."""
    return (outcome.given.minor,
            0 if outcome.then is None else outcome.then.amount.minor,
            0 if outcome.draft is None else outcome.draft.amount.minor)


def _share(part: int, whole: int) -> float | None:
    """A rate between 0 and 1 for JSON, from exact minor units of one currency."""
    return None if whole <= 0 else float(Decimal(part) / Decimal(whole))


@dataclass(slots=True)
class Backtest:
    start: date
    end: date
    policy_name: str
    outcomes: list[IssueOutcome]
    sales: dict[str, int]          # per currency, minor units, orders placed in the range
    totals: dict[str, Costs] = field(default_factory=dict)
    breakdowns: dict[str, dict[str, dict[str, Costs]]] = field(default_factory=dict)
    weekly: dict[str, dict[date, Costs]] = field(default_factory=dict)
    # What it was replayed from and under: replay_draft(previous=) reuses what an edit
    # left alone. Not part of the result (not compared, not in the JSON).
    prepared: PreparedBacktest | None = field(default=None, repr=False, compare=False)
    draft_policy: Policy | None = field(default=None, repr=False, compare=False)
    # The estimated effect on defects and the ODR (services.policy_lab.estimate), from
    # the prepared range's model; None when replayed without one.
    estimate: Estimate | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        by = {"issue_type": lambda o: o.issue_type, "sku": lambda o: o.sku,
              "marketplace": lambda o: o.marketplace, "agent": lambda o: o.agent}
        self.breakdowns = {name: defaultdict(lambda: defaultdict(Costs)) for name in by}
        totals: dict[str, Costs] = defaultdict(Costs)
        weekly: dict[str, dict[date, Costs]] = defaultdict(dict)
        weeks = _weeks(self.start, self.end)
        for outcome in self.outcomes:
            # Worked out once, not once per table the outcome is counted in (six).
            minors = _minors(outcome)
            totals[outcome.currency].count(*minors)
            for name, key in by.items():
                self.breakdowns[name][key(outcome)][outcome.currency].count(*minors)
            series = weekly[outcome.currency]
            if not series:
                series.update((week, Costs()) for week in weeks)
            series[_week_of(outcome.logged_at.date())].count(*minors)
        self.totals = dict(sorted(totals.items()))
        self.weekly = dict(sorted(weekly.items()))
        if self.estimate is None and self.prepared is not None and \
                self.prepared.effect is not None:
            self.estimate = self.prepared.effect.estimate(self)

    @property
    def empty(self) -> bool:
        return not self.outcomes

    @property
    def message(self) -> str:
        if self.empty:
            return f"No issues were logged from {self.start} to {self.end}; nothing to compare."
        return ""

    def approvals(self) -> dict[str, int]:
        return {"then": sum(1 for o in self.outcomes if o.then and o.then.needs_approval),
                "draft": sum(1 for o in self.outcomes if o.draft and o.draft.needs_approval)}

    def caps_hit(self) -> dict[str, int]:
        return {"then": sum(1 for o in self.outcomes if o.then and CAPPED in o.then.flags),
                "draft": sum(1 for o in self.outcomes if o.draft and CAPPED in o.draft.flags)}

    def without_rule(self) -> list[IssueOutcome]:
        return [o for o in self.outcomes if o.without_rule]

    def problems(self) -> list[IssueOutcome]:
        return [o for o in self.outcomes if o.note]

    def shares(self, currency: str) -> dict[str, float | None]:
        """Each column's cost as a share of the range's sales in this one currency."""
        costs, sales = self.totals[currency], self.sales.get(currency, 0)
        return {"given": _share(costs.given, sales), "suggested_then": _share(costs.then, sales),
                "draft": _share(costs.draft, sales)}

    def as_json(self) -> dict[str, Any]:
        def table(costs: dict[str, Costs]) -> dict[str, Any]:
            return {c: v.as_json(c) for c, v in sorted(costs.items())}
        return {
            "from": self.start.isoformat(), "to": self.end.isoformat(),
            "policy": self.policy_name, "message": self.message,
            "issues": [o.as_json() for o in self.outcomes],
            "totals": {c: {**v.as_json(c), "sales": minor_text(self.sales.get(c, 0), c),
                           "share_of_sales": self.shares(c)}
                       for c, v in self.totals.items()},
            **{f"by_{name}": {key: table(costs) for key, costs in sorted(groups.items())}
               for name, groups in self.breakdowns.items()},
            "approvals": self.approvals(), "caps_hit": self.caps_hit(),
            "without_rule": [{"issue_id": o.issue_id, "type": o.issue_type}
                             for o in self.without_rule()],
            "problems": [{"issue_id": o.issue_id, "reason": o.note} for o in self.problems()],
            "weekly": {c: [{"week": week.isoformat(), **costs.as_json(c)}
                           for week, costs in series.items()]
                       for c, series in self.weekly.items()},
            "method": METHOD,
            "estimate": self.estimate.as_json() if self.estimate is not None else None,
        }


def _week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())      # weeks start on Monday (ISO 8601)


def _weeks(start: date, end: date) -> list[date]:
    first, last = _week_of(start), _week_of(end)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


# -- the desk's history, indexed ---------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Cutoff:
    """What existed when an issue was decided: entries before its first credit (by the
    ledger's order, exact even when two share a timestamp), or up to a moment in time."""
    at: datetime
    credit_id: int | None = None

    def before(self, credit: store.CreditRow) -> bool:
        if self.credit_id is not None:
            return credit.credit_id < self.credit_id
        return credit.created_at <= self.at


class _History:
    def __init__(self, credits: Iterable[store.CreditRow], buyer_issues: list[store.BuyerIssueRow],
                 returns: list[store.ReturnRow]) -> None:
        unique = {c.credit_id: c for c in credits}
        ordered = [unique[k] for k in sorted(unique)]
        self.on_order: dict[str, list[store.CreditRow]] = defaultdict(list)
        self.on_issue: dict[int, list[store.CreditRow]] = defaultdict(list)
        self.of_buyer: dict[str, list[store.CreditRow]] = defaultdict(list)
        self.reversed_by: dict[int, store.CreditRow] = {}
        for credit in ordered:
            self.on_order[credit.order_id].append(credit)
            self.on_issue[credit.issue_id].append(credit)
            if credit.reverses is not None:
                self.reversed_by[credit.reverses] = credit
            elif credit.buyer_ref and credit.amount_minor > 0:
                self.of_buyer[credit.buyer_ref].append(credit)
        issues: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
        for row in buyer_issues:
            issues[row.buyer_ref].append((row.created_at, row.issue_id))
        # Tuples of times, which the garbage collector stops following (lists it never does).
        self.issue_times = {b: tuple(sorted(t for t, _ in rows)) for b, rows in issues.items()}
        self.returns: dict[str, list[store.ReturnRow]] = defaultdict(list)
        for r in returns:
            self.returns[r.order_id].append(r)

    def given_on_order(self, order: Order, cut: _Cutoff) -> Money:
        total = refunds = 0
        for credit in self.on_order.get(order.order_id, ()):
            if cut.before(credit):
                total += credit.amount_minor
                if credit.kind in REFUND_KINDS:
                    refunds += credit.amount_minor
        # What returns refunded beyond the ledger's refunds (core.returns.refunded_outside).
        outside = sum(r.refunded_minor for r in self.returns.get(order.order_id, ())
                      if r.currency == order.currency and r.imported_at <= cut.at)
        return _money(total + max(outside - refunds, 0), order.currency)

    def buyer(self, buyer_ref: str | None, cut: _Cutoff, window_days: int,
              logged_at: datetime) -> BuyerHistory:
        if buyer_ref == UNCHECKED_BUYER:
            return _UNCHECKED
        if not buyer_ref:
            return _NO_BUYER
        since = cut.at - timedelta(days=window_days)
        credits = 0
        for credit in self.of_buyer.get(buyer_ref, ()):
            if credit.created_at >= since and cut.before(credit):
                undone = self.reversed_by.get(credit.credit_id)
                if undone is None or not cut.before(undone):
                    credits += 1
        times = self.issue_times.get(buyer_ref, ())
        # Other issues: the buyer's logged from `since` up to the moment, less this one.
        others = bisect_right(times, cut.at) - bisect_left(times, since)
        if since <= logged_at <= cut.at:
            others -= 1
        found = _HISTORIES.get((credits, others))
        if found is None:
            found = _HISTORIES[credits, others] = BuyerHistory(
                credits_in_window=credits, other_issues_in_window=others)
        return found


# Frozen, and the same few values over and over: one object each, not one per issue (a
# prepared backtest keeps 50,000, which the garbage collector walks in every full pass).
_UNCHECKED, _NO_BUYER = BuyerHistory(checked=False), BuyerHistory()
_HISTORIES: dict[tuple[int, int], BuyerHistory] = {}


def _money(minor: int, currency: str) -> Money:
    """Money.from_minor, with the shared zero for nothing (most issues' given so far)."""
    return Money.zero(currency) if minor == 0 else Money.from_minor(minor, currency)


_MEMBERS: dict[type, dict[Any, Any]] = {}


def _member(kind: type, value: Any) -> Any:
    """kind(value) for a str enum by a dict look-up: calling an Enum costs microseconds,
    and a backtest calls three per issue. A value not found is called as before, so one
    that is no member raises the same ValueError."""
    members = _MEMBERS.get(kind)
    if members is None:
        members = _MEMBERS[kind] = {m.value: m for m in kind}
    found = members.get(value) if type(value) is str else None
    return found if found is not None else kind(value)


def _orders(heads: list[tuple], lines: Iterable[tuple]) -> dict[str, Order]:
    items: dict[str, list[OrderItem]] = defaultdict(list)
    currency = {h[0]: h[3] for h in heads}
    # Money is immutable: one object per distinct amount (most taxes, promotions and
    # shipping are a few values) — a fifth of the objects, which the reading made and
    # the garbage collector walked through over and over during the replay.
    # Per currency, by minor units: found without a call or a key tuple (600,000 look-ups).
    made: dict[str, dict[int, Money]] = defaultdict(dict)

    def money(minor: int, known: dict[int, Money], cur: str) -> Money:
        found = known[minor] = Money.from_minor(minor, cur)
        return found

    for order_id, _line, sku, asin, quantity, price, ship, tax, ship_tax, promo in lines:
        cur = currency[order_id]
        known = made[cur]           # a Money is never false: `or` makes only what is new
        items[order_id].append(OrderItem(
            sku=sku, asin=asin, title="", quantity=quantity,
            item_price=known.get(price) or money(price, known, cur),
            shipping_price=known.get(ship) or money(ship, known, cur),
            item_tax=known.get(tax) or money(tax, known, cur),
            shipping_tax=known.get(ship_tax) or money(ship_tax, known, cur),
            promotion_discount=known.get(promo) or money(promo, known, cur)))
    return {order_id: Order(
        order_id=OrderId(order_id), merchant_order_id="", purchase_date=purchased,
        last_updated=purchased, status=status, marketplace=marketplace, sales_channel="",
        channel=_member(Channel, channel), currency=cur, ship_service_level="", ship_country="",
        is_business=bool(business), items=tuple(items.get(order_id, ())))
        for order_id, marketplace, channel, cur, business, purchased, status in heads}


class _Versions:
    """Every saved policy version, parsed once, and which was in force when."""

    def __init__(self, rows: list[tuple[int, datetime, str]]) -> None:
        self.rows = rows
        self.times = [at for _, at, _ in rows]
        self.parsed: dict[int | None, Policy | str] = {}

    def policy(self, version: int | None) -> Policy | str:
        """The version's policy, or the sentence saying why it no longer reads."""
        if version not in self.parsed:
            text = next((t for v, _, t in self.rows if v == version), None)
            if version is None:
                text = default_policy_text()
            self.parsed[version] = (f"policy version {version} is not saved on this desk"
                                    if text is None else _read_version(version, text))
        return self.parsed[version]

    def in_force(self, at: datetime) -> int | None:
        """The version saved last at or before `at`; an issue older than every version
        was decided by the first (the desk stores one on its first suggestion)."""
        if not self.rows:
            return None
        where = bisect_right(self.times, at)
        return self.rows[max(where - 1, 0)][0]

    def window_days(self) -> list[int]:
        return [p.buyer_window_days for p in map(self.policy, [v for v, _, _ in self.rows])
                if isinstance(p, Policy)]


@lru_cache(maxsize=64)
def _read_version(version: int | None, text: str) -> Policy | str:
    """A saved version never changes: parsed once per process (a millisecond each), not
    per backtest, which the editor reruns as the draft is typed. Frozen either way."""
    try:
        return parse_policy(text, source=f"policy version {version}")
    except KnownError as exc:           # a version older code saved and this one refuses
        return str(exc)


def backtest_file(engine: Engine, path: Path, *, start: date, end: date,
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> Backtest:
    """backtest() of a draft kept in a file (`sellerdesk policy backtest FILE`); a file
    that is not a policy is an InputError naming it, its line and its key."""
    from sellerdesk.services.policies import read_policy_file
    return backtest(engine, read_policy_file(path), start=start, end=end, progress=progress,
                    cancelled=cancelled, source=Path(path).name)


# -- the backtest -----------------------------------------------------------------------
def default_range(today: date | None = None) -> tuple[date, date]:
    """The last 90 days, by the desk's clock."""
    end = today or now().date()
    return end - timedelta(days=DEFAULT_DAYS - 1), end


def backtest(engine: Engine, policy_text: str, *, start: date, end: date,
             progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
             source: str = "the draft policy") -> Backtest:
    """Replay the issues logged from `start` to `end` (whole UTC days) under a draft.
    A draft that does not read raises its PolicyError (file, line, key); an issue the
    draft has no rule for, or cannot be worked out for, is reported on that issue."""
    if end < start:
        raise BacktestError(f"the range runs backwards: {start} is after {end}")
    draft = parse_policy(policy_text, source=source)   # before reading: a typo fails fast
    report = progress or (lambda fraction, message: None)
    prepared = prepare_backtest(engine, start=start, end=end, cancelled=cancelled,
                                progress=lambda f, m: report(f * _PREPARED_SHARE, m),
                                buyer_window_days=draft.buyer_window_days)
    return _replay_all(prepared, draft, None, cancelled,
                       lambda f, m: report(_PREPARED_SHARE + (1 - _PREPARED_SHARE) * f, m))


_PREPARED_SHARE = 0.7       # of backtest()'s progress bar: the reading and the policy then


@dataclass(slots=True)
class _Case:
    """One issue's situation and the policy then's suggestion: all that does not depend
    on the draft. `early` is the outcome of an issue that cannot be replayed at all.
    Plain fields, no closure: 50,000 of these live while the editor is open, and each
    object more is one more the garbage collector walks in every full collection."""
    issue: store.IssueRow
    cut_at: datetime                   # the _Cutoff, kept as its two values (one object
    cut_credit: int | None             # fewer each for the collector to walk)
    agent: str
    given: Money
    recorded: Money | None
    version: int | None
    early: IssueOutcome | None = None
    order: Order | None = None
    facts: IssueFacts | None = None
    sku: str = ""
    given_before: Money | None = None
    then: Suggestion | None = None
    then_text: str | None = None        # the policy then's text, when it read
    then_notes: tuple[str, ...] = ()
    then_as_draft: Suggestion | None = None

    @property
    def cut(self) -> _Cutoff:
        return _Cutoff(self.cut_at, self.cut_credit)

    def outcome(self, then: Suggestion | None, drafted: Suggestion | None, note: str,
                sku: str = "", marketplace: str = "") -> IssueOutcome:
        issue = self.issue
        return IssueOutcome(
            issue.issue_id, issue.order_id, issue.created_at, self.cut_at, issue.issue_type,
            issue.severity, marketplace, sku, self.agent, self.given.currency, self.given,
            self.recorded, self.version, then, drafted, note)


@dataclass(slots=True, eq=False)
class PreparedBacktest:
    """The issues of a date range as the desk met them, read once, with what the policy
    then suggested on each: a draft is replayed over it (replay_draft) as often as it is
    edited, without reading again. A draft whose buyer window reaches further back than
    what was read makes replay_draft read the older history (the rest is kept)."""
    start: date
    end: date
    sales: dict[str, int]
    cases: list[_Case]
    engine: Engine
    low: datetime = field(repr=False, default=datetime.min)
    high: datetime = field(repr=False, default=datetime.min)
    history: _History | None = field(repr=False, default=None)
    window_days: int = 0                # the longest buyer window read for
    # BuyerHistory per (case index, buyer window): the same for every draft of a window.
    buyers: dict[tuple[int, int], BuyerHistory] = field(repr=False, default_factory=dict)
    lock: threading.Lock = field(repr=False, default_factory=threading.Lock)
    # What the estimate of the effect on the ODR needs that no draft changes.
    effect: EffectModel | None = field(repr=False, default=None)

    def buyer(self, index: int, days: int, case: _Case | None = None) -> BuyerHistory:
        found = self.buyers.get((index, days))
        if found is None:
            case = case or self.cases[index]
            assert self.history is not None
            found = self.buyers[index, days] = self.history.buyer(
                case.issue.buyer_ref, case.cut, days, case.issue.created_at)
        return found

    def cover(self, days: int) -> None:
        """Read the buyers' history back far enough for a buyer window of `days`."""
        with self.lock:
            if days <= self.window_days:
                return
            since = self.low - timedelta(days=days)
            with reading(self.engine) as conn:
                if conn.dialect.name == "postgresql":
                    conn.execution_options(isolation_level="REPEATABLE READ")
                self.history = _History(
                    [*store.credits_on_window_orders(conn, low=self.low, high=self.high),
                     *store.credits_since(conn, since=since)],
                    store.buyer_issues(conn, since=since),
                    store.refunded_returns(conn, low=self.low, high=self.high))
            self.window_days = days


def prepare_backtest(engine: Engine, *, start: date, end: date,
                     progress: Progress | None = None,
                     cancelled: Callable[[], bool] | None = None,
                     buyer_window_days: int = 0) -> PreparedBacktest:
    """Read the issues logged from `start` to `end` (whole UTC days) and everything they
    met, and replay each under the policy in force then: the heavy part of a backtest,
    done once per range. `buyer_window_days`: read the buyers' history back that far at
    least (the versions' own windows, and a year, are read anyway)."""
    if end < start:
        raise BacktestError(f"the range runs backwards: {start} is after {end}")
    report = progress or (lambda fraction, message: None)
    stop = cancelled or (lambda: False)
    low, high = day_bounds(start, end)
    report(0.0, "Reading the issues…")
    with reading(engine) as conn:
        if conn.dialect.name == "postgresql":
            # One snapshot for every query below, as a single SQLite read has.
            conn.execution_options(isolation_level="REPEATABLE READ")
        versions = _Versions(store.policy_versions_with_text(conn))
        # A year (the default buyer window) is read even when the versions' are shorter,
        # so a draft typed with the default window needs no second reading.
        longest = max([buyer_window_days, _YEAR, *versions.window_days()])
        since = low - timedelta(days=longest)
        issues = store.issues_between(conn, low=low, high=high)
        sales = sales_by_currency(conn, start=start, end=end)
        if not issues:
            report(1.0, "No issues in the range")
            return PreparedBacktest(start, end, sales, [], engine, low, high,
                                    effect=fit_effect(conn, start=start, end=end, placed={}))
        orders = _orders(store.order_heads(conn, low=low, high=high),
                         store.order_lines(conn, low=low, high=high))
        effect = fit_effect(conn, start=start, end=end,
                            placed={k: o.purchase_date for k, o in orders.items()})
        history = _History([*store.credits_on_window_orders(conn, low=low, high=high),
                            *store.credits_since(conn, since=since)],
                           store.buyer_issues(conn, since=since),
                           store.refunded_returns(conn, low=low, high=high))
        requests: dict[int, store.RequestRow] = {}
        for request in store.requests_for_window(conn, low=low, high=high):
            requests.setdefault(request.issue_id, request)
    prepared = PreparedBacktest(start, end, sales, [], engine, low, high, history, longest,
                                effect=effect)
    if stop():
        raise Cancelled("The backtest")
    report(_READING_SHARE, f"Replaying {len(issues):,} issues under the policy then…")
    for done, issue in enumerate(issues, 1):
        prepared.cases.append(_prepare(prepared, issue, orders.get(issue.order_id),
                                       requests.get(issue.issue_id), versions))
        if done % _STEP == 0:
            if stop():
                raise Cancelled("The backtest")
            report(_READING_SHARE + (1 - _READING_SHARE) * done / len(issues),
                   f"Replayed {done:,} of {len(issues):,} issues under the policy then")
    report(1.0, f"Read {len(issues):,} issues")
    return prepared


_YEAR = 365


def _prepare(prepared: PreparedBacktest, issue: store.IssueRow, order: Order | None,
             request: store.RequestRow | None, versions: _Versions) -> _Case:
    history = prepared.history
    assert history is not None
    credits = history.on_issue.get(issue.issue_id, [])
    first = next((c for c in credits if c.reverses is None), None)
    # The decision: the first credit or request, whichever came first.
    if request is not None and (first is None or request.requested_at <= first.created_at):
        cut, recorded_minor, version = (_Cutoff(request.requested_at), request.suggested_minor,
                                        request.policy_version)
        agent = request.requested_by
    elif first is not None:
        cut, recorded_minor, version = (_Cutoff(first.created_at, first.credit_id),
                                        first.suggested_minor, first.policy_version)
        agent = first.staff
    else:
        cut, recorded_minor, version, agent = _Cutoff(issue.created_at), None, None, ""
    if version is None:
        version = versions.in_force(cut.at)
    agent = agent or issue.assignee or issue.created_by
    currency = order.currency if order else (credits[0].currency if credits else "")
    given = _money(sum(c.amount_minor for c in credits), currency) if currency \
        else Money.zero("USD")
    recorded = None if recorded_minor is None else Money.from_minor(recorded_minor,
                                                                    given.currency)
    case = _Case(issue, cut.at, cut.credit_id, agent, given, recorded, version)
    if order is None:
        case.early = case.outcome(None, None,
                                  f"order {issue.order_id} is not on this desk any more")
        return case
    try:
        facts = IssueFacts(_member(IssueType, issue.issue_type),
                           _member(Severity, issue.severity),
                           parse_affected(issue.affected), issue.days_late)
    except ValueError as exc:
        case.early = case.outcome(None, None, f"the issue's details do not read: {exc}",
                                  marketplace=order.marketplace)
        return case
    skus = sorted({sku for sku, _ in facts.affected} or {i.sku for i in order.items})
    case.order, case.facts, case.sku = order, facts, "+".join(skus)
    case.given_before = history.given_on_order(order, cut)
    then_policy = versions.policy(version)
    if isinstance(then_policy, str):
        case.then_notes = (f"the policy then: {then_policy}",)
        return case
    case.then_text = then_policy.text
    index = len(prepared.cases)
    try:
        case.then = suggest(then_policy, order=order, issue=facts,
                            history=prepared.buyer(index, then_policy.buyer_window_days, case),
                            already_given=case.given_before, policy_version=version)
    except ValueError as exc:        # an affected SKU the order no longer has
        case.then_notes = (f"the policy then: {exc}",)
    return case


def replay_draft(prepared: PreparedBacktest, policy_text: str, *,
                 source: str = "the draft policy", previous: Backtest | None = None,
                 progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None) -> Backtest:
    """The backtest of a draft over prepared issues. A draft that does not read raises its
    PolicyError. With `previous`, the last Backtest of these same prepared issues, an
    issue whose inputs the edit left alone keeps its outcome: inputs compared as parsed
    parts (its type's rule and by_hand, the modifiers that can touch its type, and every
    part that touches all: severity, caps, guards, buyer window, rounding, budget, name),
    not as text, so the result is the one a replay from scratch gives."""
    draft = parse_policy(policy_text, source=source)
    return _replay_all(prepared, draft, previous, cancelled, progress)


_PER_TYPE = frozenset({"text", "rules", "by_hand", "modifiers"})


def _inputs(policy: Policy) -> Callable[[IssueType], tuple[str, ...]]:
    """What of the policy an issue of a type is worked out from, as text to compare
    (repr keeps 30 and 30.0 apart: told apart is only ever a replay too many)."""
    common = repr(tuple(getattr(policy, f.name) for f in fields(Policy)
                        if f.name not in _PER_TYPE))

    def of(kind: IssueType) -> tuple[str, ...]:
        return (common, repr(policy.rule_for(kind)), repr(kind in policy.by_hand),
                repr(tuple(m for m in policy.modifiers
                           if not m.issue_types or kind in m.issue_types)))
    return of


def _replay_all(prepared: PreparedBacktest, draft: Policy, previous: Backtest | None,
                cancelled: Callable[[], bool] | None,
                progress: Progress | None) -> Backtest:
    report = progress or (lambda fraction, message: None)
    stop = cancelled or (lambda: False)
    cases = prepared.cases
    if not cases:
        report(1.0, "No issues in the range")
        return Backtest(prepared.start, prepared.end, draft.name, [], prepared.sales,
                        prepared=prepared, draft_policy=draft)
    if draft.buyer_window_days > prepared.window_days:
        report(0.0, "Reading the buyers' earlier history…")
        prepared.cover(draft.buyer_window_days)
    unchanged: dict[IssueType, bool] = {}
    if previous is not None and previous.prepared is prepared and \
            previous.draft_policy is not None:
        before, now_ = _inputs(previous.draft_policy), _inputs(draft)
        unchanged = {kind: before(kind) == now_(kind) for kind in IssueType}
    report(0.0, f"Replaying {len(cases):,} issues under the draft…")
    outcomes = []
    for index, case in enumerate(cases):
        if case.early is not None:
            outcomes.append(case.early)
        elif unchanged and unchanged[case.facts.issue_type]:
            outcomes.append(previous.outcomes[index])
        else:
            outcomes.append(_replay_draft_on(prepared, index, case, draft))
        if (index + 1) % _STEP == 0:
            if stop():
                raise Cancelled("The backtest")
            report((index + 1) / len(cases),
                   f"Replayed {index + 1:,} of {len(cases):,} issues")
    report(1.0, f"Replayed {len(cases):,} issues")
    return Backtest(prepared.start, prepared.end, draft.name, outcomes, prepared.sales,
                    prepared=prepared, draft_policy=draft)


def _replay_draft_on(prepared: PreparedBacktest, index: int, case: _Case,
                     draft: Policy) -> IssueOutcome:
    notes = case.then_notes
    if case.then is not None and case.then_text == draft.text:
        # The draft unchanged from the version then (the common case while a draft is
        # being typed from the current one) suggests the same: suggest() is the replay's
        # whole cost. The draft's own suggestion carries no version number.
        if case.then_as_draft is None:
            then = case.then
            case.then_as_draft = Suggestion(then.amount, then.remedy, then.needs_approval,
                                            then.flags, then.explanation, None, then.cap)
        drafted = case.then_as_draft
    else:
        try:
            drafted = suggest(draft, order=case.order, issue=case.facts,
                              history=prepared.buyer(index, draft.buyer_window_days, case),
                              already_given=case.given_before, policy_version=None)
        except ValueError as exc:        # an affected SKU the order no longer has
            drafted = None
            notes = (*notes, f"the draft: {exc}")
    return case.outcome(case.then, drafted, "; ".join(notes) if notes else "", case.sku,
                        case.order.marketplace)
