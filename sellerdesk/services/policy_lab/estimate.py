"""The backtest's estimated effect on metrics (issue #26; PRODUCT.md §5): how many defects
a draft policy would have avoided or added over the range, and the ODR the range's
orders would have had — an estimate from the desk's own history, never a measurement.

The method, in plain words:
- the history: the issues logged in the range, or in the HISTORY_DAYS days up to its end
  when the range is shorter. For each, did a credit stand on it (net of reversals), and
  did a defect that counts (negative feedback, an A-to-z claim, a chargeback) follow on
  its order within FOLLOW_DAYS days, as the desk knows its defects today?
- per issue type, the rate of defects after issues credited and after issues not
  credited; a type with fewer than MIN_CASES issues in either group takes the rates of
  all types pooled, and when even the pool is that small there is no estimate (it says
  so and why);
- the draft changes which issues are credited: its suggestion above zero against what
  staff gave. An issue it would credit and staff did not adds (rate with − rate without)
  defects to the range; one the other way round adds the opposite. An issue the draft
  gives no suggestion for (no rule, or its order gone) is left as it was;
- the ODR the range would have had: (orders placed in the range with a counting defect
  + the change on the issues whose order was placed in the range) ÷ orders placed in the
  range, all channels, as PRODUCT.md §2 counts it;
- the uncertainty: a bootstrap of the history — RESAMPLES resamples of the issues within
  each type and credit group, with a fixed seed, so the same data always gives the same
  interval. Each group's resampled defect count is drawn from its binomial distribution,
  which is what resampling its issues with replacement gives, at a fraction of the cost.
  The interval covers the rates' uncertainty; what staff would really have done under
  the draft is not known and not in it.

It is an association in the desk's history — buyers who were credited may differ from
those who were not — not proof that a credit prevents a defect; the text says so.

Everything the draft does not change is worked out once per range (fit_effect, at the
backtest's preparation); EffectModel.estimate(backtest) is a sum over the changed issues
and the resamples, cheap enough to follow every edit of the draft."""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any, Protocol

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.metrics import percent
from sellerdesk.core.policy import NO_RULE
from sellerdesk.services.clock import now
from sellerdesk.store import estimate as store
from sellerdesk.store.engine import reading
from sellerdesk.store.orders import day_bounds

FOLLOW_DAYS = 60          # a defect this many days after an issue still "followed" it
# The history: the range's issues, and those of the days before it when the range is
# shorter than this. The range itself by default (90 days): reading it costs about as
# much as the backtest's own reading of the issues, where a year would read four times
# as many.
HISTORY_DAYS = 90
MIN_CASES = 20            # issues credited, and not credited, for a type's own rates
RESAMPLES = 1000
CONFIDENCE = 0.90
SEED = 26                 # fixed: the same data gives the same interval
POOLED = "all types"
_ZERO = Decimal(0)


class Replayed(Protocol):
    """What the estimate reads of a backtest (services.policy_lab.backtest.Backtest, which
    imports this module: named by its shape, not imported back)."""
    start: date
    end: date
    outcomes: list[Any]        # IssueOutcome: issue_id, issue_type, given, draft, without_rule

    @property
    def empty(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Rates:
    """Issues credited and not, and how many of each had a defect follow."""
    credited: int = 0
    credited_with_defect: int = 0
    uncredited: int = 0
    uncredited_with_defect: int = 0
    pooled: bool = False       # the type had too few issues: the pooled rates stand in

    @property
    def with_credit(self) -> float | None:
        return self.credited_with_defect / self.credited if self.credited else None

    @property
    def without_credit(self) -> float | None:
        return self.uncredited_with_defect / self.uncredited if self.uncredited else None

    @property
    def enough(self) -> bool:
        return self.credited >= MIN_CASES and self.uncredited >= MIN_CASES

    @property
    def difference(self) -> float:
        """Defects per issue a credit goes with: (rate with − rate without); below zero
        when credited issues were followed by fewer defects."""
        return (self.with_credit or 0.0) - (self.without_credit or 0.0)

    def __add__(self, other: Rates) -> Rates:
        return Rates(self.credited + other.credited,
                     self.credited_with_defect + other.credited_with_defect,
                     self.uncredited + other.uncredited,
                     self.uncredited_with_defect + other.uncredited_with_defect)

    def as_json(self) -> dict[str, Any]:
        return {"credited": self.credited, "credited_with_defect": self.credited_with_defect,
                "with_credit": self.with_credit, "not_credited": self.uncredited,
                "not_credited_with_defect": self.uncredited_with_defect,
                "without_credit": self.without_credit, "pooled": self.pooled}


def _interval(values: list[float]) -> tuple[float, float]:
    """The central CONFIDENCE share of the resampled values (percentile interval)."""
    ordered = sorted(values)
    tail = (1 - CONFIDENCE) / 2
    last = len(ordered) - 1
    return ordered[round(tail * last)], ordered[round((1 - tail) * last)]


def _issues(count: int) -> str:
    return "1 issue" if count == 1 else f"{count:,} issues"


def _defects(change: float) -> str:
    """A change in defects in words: "6.3 fewer", "0.8 more", "no change"."""
    if abs(change) < 0.05:
        return "no change in"
    return f"{abs(change):,.1f} {'fewer' if change < 0 else 'more'}"


@dataclass(frozen=True, slots=True)
class Estimate:
    """The estimated effect of a draft on the range's defects and ODR, or why there is
    none (`reason`)."""
    start: date
    end: date
    history_from: date
    defects_known_by: date
    newest_defect: date | None
    history: Rates                          # every type together: the sample
    rates: dict[str, Rates]                 # per type, and POOLED
    method: str
    reason: str = ""                        # set when there is no estimate
    newly_credited: int = 0
    no_longer_credited: int = 0
    not_estimated: int = 0                  # issues the draft gives no suggestion for
    defects_change: float = 0.0             # > 0: more defects under the draft
    defects_interval: tuple[float, float] = (0.0, 0.0)
    orders: int = 0
    orders_with_defects: int = 0
    odr_draft: float | None = None
    odr_interval: tuple[float, float] | None = None

    @property
    def available(self) -> bool:
        return not self.reason

    @property
    def odr(self) -> float | None:
        """The range's ODR as it was."""
        return self.orders_with_defects / self.orders if self.orders else None

    def as_json(self) -> dict[str, Any]:
        available = self.available
        return {
            "kind": "estimate", "available": available, "reason": self.reason,
            "method": self.method, "follow_days": FOLLOW_DAYS,
            "sample": {"from": self.history_from.isoformat(), "to": self.end.isoformat(),
                       "issues": self.history.credited + self.history.uncredited,
                       **self.history.as_json()},
            "defects_known_by": self.defects_known_by.isoformat(),
            "newest_defect": self.newest_defect.isoformat() if self.newest_defect else None,
            "rates": {name: r.as_json() for name, r in self.rates.items()},
            "changed": {"newly_credited": self.newly_credited,
                        "no_longer_credited": self.no_longer_credited,
                        "not_estimated": self.not_estimated},
            "defects_change": round(self.defects_change, 2) if available else None,
            "defects_interval": ([round(x, 2) for x in self.defects_interval]
                                 if available else None),
            "confidence": CONFIDENCE, "resamples": RESAMPLES, "seed": SEED,
            "odr": {"orders": self.orders, "orders_with_defects": self.orders_with_defects,
                    "actual": self.odr, "draft": self.odr_draft if available else None,
                    "interval": (list(self.odr_interval)
                                 if available and self.odr_interval else None)},
        }

    def summary(self) -> str:
        """One line: the change in defects and the ODR, with the interval and sample."""
        sample = (f"{self.history.credited + self.history.uncredited:,} issues in the "
                  f"desk's history")
        if not self.available:
            return f"Estimated effect on the ODR: none — {self.reason}"
        low, high = self.defects_interval
        odr = ""
        if self.odr is not None and self.odr_draft is not None and self.odr_interval:
            odr = (f"; ODR {percent(self.odr)} → about {percent(self.odr_draft)} "
                   f"({percent(self.odr_interval[0])} to {percent(self.odr_interval[1])})")
        return (f"Estimated effect (an estimate from {sample}, not a measurement): "
                f"{_defects(self.defects_change)} defects ({CONFIDENCE * 100:.0f} % interval "
                f"{_defects(low)} to {_defects(high)}){odr}.")

    def lines(self) -> list[str]:
        """What a person reads under the backtest: the estimate, its range, its sample,
        its method, and that it is an association."""
        head = ("Estimated effect on defects and the ODR (an estimate from the desk's own "
                "history, not a measurement):")
        h = self.history
        sample = (f"Sample: {h.credited + h.uncredited:,} issues logged from "
                  f"{self.history_from} to {self.end} ({h.credited:,} credited, "
                  f"{h.credited_with_defect:,} of them followed by a defect; "
                  f"{h.uncredited:,} not credited, {h.uncredited_with_defect:,} followed by "
                  f"a defect); defects as the desk knows them on {self.defects_known_by}"
                  + (f" (the newest recorded on {self.newest_defect})."
                     if self.newest_defect else " (none recorded)."))
        if not self.available:
            return [head, f"  No estimate: {self.reason}", f"  {sample}"]
        low, high = self.defects_interval
        changed = " and ".join(part for part in (
            self.newly_credited and f"credit {_issues(self.newly_credited)} that were not "
                                    "credited",
            self.no_longer_credited and f"not credit {_issues(self.no_longer_credited)} that "
                                        "were") if part)
        changed = (f"The draft would {changed}" if changed
                   else "The draft credits the same issues as were credited")
        lines = [head, f"  {changed}: {_defects(self.defects_change)} defects "
                       f"({CONFIDENCE * 100:.0f} % interval: {_defects(low)} to {_defects(high)})."]
        if self.odr is not None and self.odr_draft is not None and self.odr_interval:
            lines.append(f"  ODR of the {self.orders:,} orders placed in the range: "
                         f"{percent(self.odr)} as it was ({self.orders_with_defects:,} with a "
                         f"defect); about {percent(self.odr_draft)} under the draft "
                         f"({CONFIDENCE * 100:.0f} % interval {percent(self.odr_interval[0])} to "
                         f"{percent(self.odr_interval[1])}).")
        else:
            lines.append("  No orders were placed in the range: there is no ODR to show.")
        if self.not_estimated:
            lines.append(f"  {self.not_estimated:,} issues the draft gives no suggestion for "
                         "are left as they were.")
        return [*lines, f"  {sample}", f"  Method: {self.method}"]


@dataclass(frozen=True, slots=True)
class EffectModel:
    """What the estimate needs that no draft changes, read once per range."""
    start: date
    end: date
    history_from: date
    defects_known_by: date
    newest_defect: date | None
    rates: dict[str, Rates]                 # every type in the history, and POOLED
    placed_in_range: frozenset[str]         # the range's issues' orders placed in it
    orders: int
    orders_with_defects: int
    # per type with its own rates, and POOLED: (rate with − rate without) in each resample
    resampled: dict[str, tuple[float, ...]] = field(default_factory=dict)

    @property
    def history(self) -> Rates:
        return self.rates.get(POOLED, Rates())

    @property
    def reason(self) -> str:
        """Why there is no estimate ("" when there is one)."""
        h = self.history
        if h.enough:
            return ""
        return (f"too few issues to estimate from: {h.credited:,} credited and "
                f"{h.uncredited:,} not credited from {self.history_from} to {self.end}; "
                f"at least {MIN_CASES} of each are needed.")

    @property
    def method(self) -> str:
        return (f"For each issue type (all types pooled where a type has fewer than "
                f"{MIN_CASES} issues credited or not), the share of the desk's issues after "
                f"which a defect that counts followed on the order within {FOLLOW_DAYS} "
                "days, with a credit and without; each issue the draft would credit and "
                "staff did not, or the reverse, adds the difference. The interval is a "
                f"{CONFIDENCE * 100:.0f} % bootstrap interval ({RESAMPLES:,} resamples of those "
                f"issues, fixed seed {SEED}) of the rates alone, and the whole is an "
                "association in the desk's history, not proof that a credit prevents a "
                "defect.")

    def group(self, issue_type: str) -> str:
        rates = self.rates.get(issue_type)
        return issue_type if rates is not None and not rates.pooled else POOLED

    def estimate(self, backtest: Replayed) -> Estimate:
        """The draft's effect: a sum over the issues whose credit it changes."""
        if (backtest.start, backtest.end) != (self.start, self.end):
            raise ValueError(f"the model is for {self.start}..{self.end}, the backtest for "
                             f"{backtest.start}..{backtest.end}")
        # Per (issue type, draft credits it, order placed in the range): the issues whose
        # credit the draft changes — a tally in one pass, with nothing made per issue (the
        # editor works this out again on every edit, over up to 50,000 outcomes).
        tally: Counter[tuple[str, bool, bool]] = Counter()
        placed, zero = self.placed_in_range, _ZERO
        skipped = 0
        for outcome in backtest.outcomes:
            draft = outcome.draft
            if draft is None or NO_RULE in draft.flags:
                skipped += 1
            elif (draft.amount.amount > zero) is not (outcome.given.amount > zero):
                tally[outcome.issue_type, draft.amount.amount > zero,
                      outcome.order_id in placed] += 1
        net: Counter[str] = Counter()            # + credited by the draft only, − the reverse
        net_in_range: Counter[str] = Counter()
        newly = dropped = 0
        for (issue_type, would, in_range), count in tally.items():
            step, group = (count if would else -count), self.group(issue_type)
            newly, dropped = (newly + count, dropped) if would else (newly, dropped + count)
            net[group] += step
            if in_range:
                net_in_range[group] += step
        common = dict(start=self.start, end=self.end, history_from=self.history_from,
                      defects_known_by=self.defects_known_by,
                      newest_defect=self.newest_defect, history=self.history,
                      rates=self.rates, method=self.method, newly_credited=newly,
                      no_longer_credited=dropped, not_estimated=skipped,
                      orders=self.orders, orders_with_defects=self.orders_with_defects)
        if backtest.empty:
            return Estimate(**common, reason=f"no issues were logged from {self.start} to "
                                             f"{self.end}: nothing to estimate.")
        if self.reason:
            return Estimate(**common, reason=self.reason)
        change = sum(n * self.rates[g].difference for g, n in net.items())
        in_range = sum(n * self.rates[g].difference for g, n in net_in_range.items())
        changes = _resampled_sums(self.resampled, net)
        odr = odr_interval = None
        if self.orders:
            def rate(added: float) -> float:
                return min(max((self.orders_with_defects + added) / self.orders, 0.0), 1.0)
            odr = rate(in_range)
            odr_interval = tuple(map(rate, _interval(
                _resampled_sums(self.resampled, net_in_range))))
        return Estimate(**common, defects_change=change, defects_interval=_interval(changes),
                        odr_draft=odr, odr_interval=odr_interval)


def _resampled_sums(resampled: dict[str, tuple[float, ...]],
                    net: Counter[str]) -> list[float]:
    """In each resample: the change in defects, Σ net issues × (rate with − without)."""
    totals = [0.0] * RESAMPLES
    for group, n in net.items():
        if n:
            totals = [t + n * d for t, d in zip(totals, resampled[group], strict=True)]
    return totals


def fit_effect(source: Engine | Connection, *, start: date, end: date,
               as_of: date | None = None,
               placed: Mapping[str, datetime | str] | None = None) -> EffectModel:
    """Read the desk's history for the range from `start` to `end` and work out what no
    draft changes: the rates per type, their resamples and the range's orders. `source`
    is an engine, or a connection already reading (the backtest's, in one snapshot).
    `placed`: when each order of the range's issues was placed, if already read (the
    backtest has); otherwise it is read here."""
    as_of = as_of or now().date()
    history_from = min(start, end - timedelta(days=HISTORY_DAYS - 1))
    if isinstance(source, Engine):
        with reading(source) as conn:
            return _fit(conn, start, end, history_from, as_of, placed)
    return _fit(source, start, end, history_from, as_of, placed)


def _fit(conn: Connection, start: date, end: date, history_from: date, as_of: date,
         placed: Mapping[str, datetime | str] | None) -> EffectModel:
    low, high = day_bounds(start, end)
    cells = store.issue_history(conn, low=day_bounds(history_from, end)[0], high=high,
                                follow_days=FOLLOW_DAYS, as_of=as_of)
    if placed is None:
        placed_in_range = frozenset(store.orders_placed(conn, low=low, high=high))
    else:
        # SQLite's stored text is compared as SQLite compares it: ISO text orders as time
        text_low, text_high = str(low), str(high)
        placed_in_range = frozenset(
            order_id for order_id, at in placed.items()
            if (text_low <= at < text_high if isinstance(at, str) else low <= at < high))
    orders, with_defects = store.range_orders(conn, start=start, end=end, low=low, high=high,
                                              as_of=as_of)
    newest = store.newest_defect(conn)
    # (type, credited) → [issues, of which followed by a defect]
    strata: dict[tuple[str, bool], list[int]] = defaultdict(lambda: [0, 0])
    for cell in cells:
        strata[cell.issue_type, cell.credited] = [cell.issues, cell.followed]
    by_type: dict[str, Rates] = {}
    for issue_type in sorted({t for t, _ in strata}):
        (n_c, k_c), (n_u, k_u) = strata[issue_type, True], strata[issue_type, False]
        by_type[issue_type] = Rates(n_c, k_c, n_u, k_u)
    pooled = sum(by_type.values(), Rates())
    rates = {t: (r if r.enough else Rates(*_counts(r), pooled=True)) for t, r in by_type.items()}
    rates[POOLED] = pooled
    resampled = _bootstrap(strata, [t for t, r in rates.items() if t != POOLED and not r.pooled])
    return EffectModel(start, end, history_from, as_of, newest, rates, placed_in_range,
                       orders, with_defects, resampled)


def _counts(r: Rates) -> tuple[int, int, int, int]:
    return r.credited, r.credited_with_defect, r.uncredited, r.uncredited_with_defect


def _bootstrap(strata: dict[tuple[str, bool], list[int]],
               own: list[str]) -> dict[str, tuple[float, ...]]:
    """Per type with its own rates, and POOLED: (rate with − rate without) in each of
    RESAMPLES resamples of the history's issues within each (type, credited) stratum."""
    rng = random.Random(SEED)
    drawn = {key: _binomial_draws(n, k, rng) for key, (n, k) in sorted(strata.items())}
    empty = (0,) * RESAMPLES

    def rate(counts: list[tuple[int, ...]], issues: int) -> list[float]:
        followed = [sum(column) for column in zip(*counts, strict=True)] if counts else empty
        return [f / issues if issues else 0.0 for f in followed]

    def difference(types: list[str]) -> tuple[float, ...]:
        credited = [drawn[t, True] for t in types if (t, True) in drawn]
        uncredited = [drawn[t, False] for t in types if (t, False) in drawn]
        n_c = sum(strata[t, True][0] for t in types if (t, True) in strata)
        n_u = sum(strata[t, False][0] for t in types if (t, False) in strata)
        return tuple(w - wo for w, wo in zip(rate(credited, n_c), rate(uncredited, n_u),
                                               strict=True))
    result = {t: difference([t]) for t in own}
    result[POOLED] = difference(sorted({t for t, _ in strata}))
    return result


def _binomial_draws(n: int, k: int, rng: random.Random) -> tuple[int, ...]:
    """RESAMPLES draws of how many of `n` issues resampled with replacement had a defect,
    when `k` of them did: Binomial(n, k/n), drawn by inverting its distribution function
    over the part of it that holds any probability (±10 standard deviations)."""
    if k in (0, n):
        return (k,) * RESAMPLES
    p = k / n
    spread = 10 * math.sqrt(n * p * (1 - p)) + 2
    low, high = max(0, math.floor(k - spread)), min(n, math.ceil(k + spread))
    log_p, log_q, log_n = math.log(p), math.log1p(-p), math.lgamma(n + 1)
    weights = [math.exp(log_n - math.lgamma(j + 1) - math.lgamma(n - j + 1)
                        + j * log_p + (n - j) * log_q) for j in range(low, high + 1)]
    cumulative = list(accumulate(weights))
    total, last = cumulative[-1], len(cumulative) - 1
    return tuple(low + min(bisect_left(cumulative, rng.random() * total), last)
                 for _ in range(RESAMPLES))
