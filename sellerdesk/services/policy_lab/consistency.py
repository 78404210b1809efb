"""Are alike cases decided alike? The consistency report over the credits given in a date
range: each agent's amounts against the policy's suggestion and against colleagues, and
the outliers a supervisor reads as a coaching list, each with the issues behind it.

Definitions (also printed with the report, so it can be checked by hand):
- a case is a credit given in the range (not a reversal), by the staff member who wrote it;
  it is *compared* with the policy when a suggestion above zero was recorded with it, and
  *overridden* up or down when the amount given differs from that suggestion;
- like-for-like cases share issue type, severity, currency and basis band. The basis is
  the affected items' value (unit price × quantity; the whole order's items when none are
  named), in bands whose upper edge is 1.5× the lower — …, 10–15, 15–22.50, 22.50–33.75, …
  in the currency's units — so alike cases differ in basis by less than half;
- an agent's deviation from colleagues is, over their cases that have colleagues' cases
  in the same group, the mean of (amount − the colleagues' median) ÷ that median.
Outliers (an agent is judged on at least MIN_CASES compared cases):
- overrides up (down): an agent whose rate of upward (downward) overrides is at least
  twice the median rate of the other judged agents, with at least MIN_OVERRIDES of them;
- above (below) colleagues: a mean deviation of +25 % (−25 %) or more over at least
  MIN_CASES cases with colleagues;
- an issue type where overrides are the norm: more than half of at least MIN_CASES
  compared cases overridden.
Ratios are of minor units within one currency; amounts are never added across currencies.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from functools import cache
from statistics import median
from typing import Any, NamedTuple

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import Cancelled, KnownError
from sellerdesk.core.money import MINOR_UNITS, Money
from sellerdesk.core.records import parse_affected
from sellerdesk.services.clock import now
from sellerdesk.store import consistency as consistency_store
from sellerdesk.store.engine import reading
from sellerdesk.store.orders import day_bounds

Progress = Callable[[float, str], None]

DEFAULT_DAYS = 30            # without --from: the last 30 days
MIN_CASES = 5
MIN_OVERRIDES = 3
TIMES_THE_MEDIAN = Decimal(2)
COLLEAGUE_GAP = Decimal("0.25")
NORM = Decimal("0.5")
BAND = Decimal("1.5")
_LOWEST, _HIGHEST = -20, 80       # 1.5 ** -20 ≈ 0.0003 to 1.5 ** 80 ≈ 1.3e14 units


class RangeError(KnownError):
    """A date range that cannot be reported on."""


class Case(NamedTuple):      # a tuple: tens of thousands are made per report
    credit_id: int
    issue_id: int
    agent: str
    issue_type: str
    severity: str
    currency: str
    amount: int                      # minor units, as everything here: cheap to compare
    suggested: int | None            # None: nothing suggested to compare with
    band: int | None                 # None: no basis (no item prices)
    group: tuple[str, str, str, int | None]   # (issue type, severity, currency, band)

    @property
    def change(self) -> Decimal:
        """(given − suggested) ÷ suggested, for a compared case."""
        assert self.suggested
        return Decimal(self.amount - self.suggested) / self.suggested


@dataclass(frozen=True, slots=True)
class AgentConsistency:
    agent: str
    cases: int
    compared: int
    up: tuple[int, ...]              # the issue of each case given more than suggested
    down: tuple[int, ...]
    mean_up: Decimal | None          # mean (given − suggested) ÷ suggested, upward ones
    mean_down: Decimal | None
    departure: dict[str, Money]      # Σ (given − suggested) per currency
    vs_colleagues: Decimal | None
    with_colleagues: int             # cases that had colleagues' cases to compare with
    above_colleagues: tuple[int, ...]
    below_colleagues: tuple[int, ...]

    def rate(self, ids: tuple[int, ...]) -> Decimal:
        return Decimal(len(ids)) / self.compared if self.compared else Decimal(0)


@dataclass(frozen=True, slots=True)
class TypeConsistency:
    issue_type: str
    compared: int
    overridden: tuple[int, ...]

    @property
    def rate(self) -> Decimal:
        return Decimal(len(self.overridden)) / self.compared if self.compared else Decimal(0)


@dataclass(frozen=True, slots=True)
class Outlier:
    kind: str      # overrides_up | overrides_down | above_colleagues | below_colleagues | type_norm
    subject: str   # the agent, or the issue type
    text: str
    issue_ids: tuple[int, ...]

    def __post_init__(self) -> None:   # each issue named once, however many credits it had
        object.__setattr__(self, "issue_ids", tuple(sorted(set(self.issue_ids))))


@dataclass(frozen=True, slots=True)
class ConsistencyReport:
    start: date
    end: date
    cases: int
    compared: int
    agents: list[AgentConsistency] = field(default_factory=list)
    issue_types: list[TypeConsistency] = field(default_factory=list)
    outliers: list[Outlier] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.cases == 0

    def as_json(self) -> dict[str, Any]:
        def ratio(value: Decimal | None) -> str | None:
            return None if value is None else f"{value:.4f}"
        return {
            "from": self.start.isoformat(), "to": self.end.isoformat(), "cases": self.cases,
            "compared": self.compared, "empty": self.empty,
            "message": self.lines()[0],
            "rules": {"min_cases": MIN_CASES, "min_overrides": MIN_OVERRIDES,
                      "times_the_median": str(TIMES_THE_MEDIAN),
                      "colleague_gap": str(COLLEAGUE_GAP), "type_norm": str(NORM),
                      "basis_band": str(BAND)},
            "agents": [{"agent": a.agent, "cases": a.cases, "compared": a.compared,
                        "overrides_up": len(a.up), "overrides_down": len(a.down),
                        "up_rate": ratio(a.rate(a.up)), "down_rate": ratio(a.rate(a.down)),
                        "override_rate": ratio(a.rate(a.up + a.down)),
                        "mean_up": ratio(a.mean_up), "mean_down": ratio(a.mean_down),
                        "departure": {c: str(m) for c, m in sorted(a.departure.items())},
                        "vs_colleagues": ratio(a.vs_colleagues),
                        "cases_with_colleagues": a.with_colleagues} for a in self.agents],
            "issue_types": [{"issue_type": t.issue_type, "compared": t.compared,
                             "overridden": len(t.overridden), "override_rate": ratio(t.rate)}
                            for t in self.issue_types],
            "outliers": [{"kind": o.kind, "subject": o.subject, "text": o.text,
                          "issue_ids": list(o.issue_ids)} for o in self.outliers],
        }

    def lines(self) -> list[str]:
        span = f"from {self.start} to {self.end}"
        if self.empty:
            return [f"No credits were given {span}: there is nothing to compare."]
        out = [f"{self.cases} credit{'s' if self.cases != 1 else ''} given {span}, "
               f"{self.compared} with a suggestion to compare with."]
        for a in self.agents:
            vs = ("" if a.vs_colleagues is None
                  else f"; {_signed(a.vs_colleagues)} vs colleagues over {a.with_colleagues}")
            out.append(f"  {a.agent}: {a.cases} cases, {len(a.up)} above and {len(a.down)} "
                       f"below the suggestion of {a.compared}{vs}")
        out.append("Outliers:" if self.outliers else "No outliers.")
        out += [f"  {o.text} Issues {_ids(o.issue_ids)}." for o in self.outliers]
        return out


def _percent(value: Decimal) -> str:
    return f"{value * 100:.0f} %"


def _signed(value: Decimal) -> str:
    return f"{'+' if value >= 0 else '−'}{abs(value) * 100:.0f} %"


def _ids(ids: tuple[int, ...]) -> str:
    return ", ".join(str(i) for i in ids)


def _never() -> bool:
    return False


def consistency_report(engine: Engine, *, start: date | None = None, end: date | None = None,
                       progress: Progress = lambda fraction, message: None,
                       cancelled: Callable[[], bool] = _never) -> ConsistencyReport:
    """The report over the credits given from `start` to `end` (whole days, UTC; by
    default the last 30 days to today)."""
    end = end or now().date()
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise RangeError(f"the range starts on {start}, after it ends on {end}")
    low, high = day_bounds(start, end)
    progress(0.0, "Reading the credits in the range")
    with reading(engine) as conn:
        cases = _cases(consistency_store.credit_cases(conn, low=low, high=high),
                       consistency_store.lines_of_affected(conn, low=low, high=high),
                       cancelled)
    progress(0.6, "Comparing alike cases")
    report = _compare(start, end, cases)
    progress(1.0, "Done")
    return report


def _cases(rows: Iterable[consistency_store.CaseRow],
           lines: Iterable[consistency_store.LineRow],
           cancelled: Callable[[], bool]) -> list[Case]:
    """The cases oldest credit first (the order every mean is summed in), each in its
    basis band. Both streams come in credit order, so each credit's lines are taken off
    `lines` as its row comes."""
    pending = iter(lines)
    line_row = next(pending, None)
    wanted: dict[str, tuple[tuple[str, int], ...] | None] = {}   # few distinct lists
    groups: dict[tuple, tuple] = {}      # one tuple per group, not one per case
    cases = []
    for (credit_id, issue_id, staff, currency, amount, suggested, issue_type, severity,
         affected, items_total) in rows:
        if len(cases) % 5000 == 0 and cancelled():
            raise Cancelled("The consistency report")
        if affected:
            its_lines = []
            while line_row is not None and line_row[0] <= credit_id:
                if line_row[0] == credit_id:
                    its_lines.append(line_row[1:])
                line_row = next(pending, None)
            if affected not in wanted:
                wanted[affected] = _parsed(affected)
            basis = _affected_value(wanted[affected], its_lines)
        else:
            basis = int(items_total)
        band = _band(basis, currency)
        group = (issue_type, severity, currency, band)
        cases.append(Case(credit_id, issue_id, staff, issue_type, severity, currency,
                          int(amount), suggested or None, band,
                          groups.setdefault(group, group)))
    if cancelled():
        raise Cancelled("The consistency report")
    return cases


def _parsed(affected: str) -> tuple[tuple[str, int], ...] | None:
    try:
        return parse_affected(affected)
    except ValueError:
        return None


def _affected_value(wanted: tuple[tuple[str, int], ...] | None,
                    lines: Iterable[tuple[int, str, int, int]]) -> int:
    """The affected items' value in minor units: unit price (the line's price ÷ its
    quantity, rounded half-up as the policy rounds it) × quantity; a SKU on two lines is
    priced by the later line. Nothing when the list cannot be read."""
    if wanted is None:
        return 0
    last: dict[str, tuple[int, int, int]] = {}      # sku → (line, quantity, price)
    for line, sku, quantity, price in lines:
        if sku not in last or line > last[sku][0]:
            last[sku] = (line, quantity, price)
    value = 0
    for sku, count in wanted:
        if sku in last:
            _, quantity, price = last[sku]
            value += ((2 * price + quantity) // (2 * quantity) if quantity > 0
                      else price) * count
    return value


@cache
def _edges(currency: str) -> tuple[int, ...]:
    """The bands' lower edges in minor units, 1.5 ** k units for k from _LOWEST up (rounded
    up: a whole number of minor units is at or above an edge exactly when at or above it
    rounded up)."""
    scale = Decimal(10) ** MINOR_UNITS.get(currency, 2)
    return tuple(int((BAND ** k * scale).to_integral_value(rounding=ROUND_CEILING))
                 for k in range(_LOWEST, _HIGHEST))


def _band(basis: int, currency: str) -> int | None:
    """The band whose lower edge, 1.5 ** band units of the currency, is the highest at or
    below the basis."""
    if basis <= 0:
        return None
    return bisect_right(_edges(currency), basis) - 1 + _LOWEST


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def _compare(start: date, end: date, cases: list[Case]) -> ConsistencyReport:
    by_agent: dict[str, list[Case]] = defaultdict(list)
    by_group: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for case in cases:
        by_agent[case.agent].append(case)
        if case.band is not None:
            by_group[case.group][case.agent].append(case.amount)
    # each agent's colleagues' median in each group, worked out once per group and agent
    # from the group's amounts sorted once, less the agent's own
    middles: dict[str, dict[tuple, Decimal]] = defaultdict(dict)   # agent → group → median
    for group, amounts in by_group.items():
        everyone = sorted(a for found in amounts.values() for a in found)
        for name, found in amounts.items():
            if len(found) < len(everyone):
                middle = Decimal(_median_without(everyone, sorted(found)))
                if middle > 0:           # nothing to measure a departure against at 0
                    middles[name][group] = middle
    agents = [_agent(name, mine, middles[name]) for name, mine in sorted(by_agent.items())]
    kinds: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        if case.suggested is not None:
            kinds[case.issue_type].append(case)
    types = [TypeConsistency(kind, len(found),
                             tuple(sorted(c.issue_id for c in found
                                          if c.amount != c.suggested)))
             for kind, found in sorted(kinds.items())]
    compared = sum(a.compared for a in agents)
    return ConsistencyReport(start, end, len(cases), compared, agents, types,
                             _outliers(agents, types))


def _median_without(everyone: list[int], mine: list[int]) -> int | float:
    """statistics.median of `everyone` (sorted) less `mine` (sorted, drawn from it),
    without building the rest: each middle value is found by bisecting."""
    n = len(everyone) - len(mine)

    def nth(k: int) -> int:        # the k-th smallest (from 0) of the rest
        lo, hi = 0, len(everyone) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            value = everyone[mid]
            if bisect_right(everyone, value) - bisect_right(mine, value) > k:
                hi = mid
            else:
                lo = mid + 1
        return everyone[lo]

    if n % 2:
        return nth(n // 2)
    return (nth(n // 2 - 1) + nth(n // 2)) / 2       # as statistics.median does


def _agent(name: str, mine: list[Case],
           middles: dict[tuple, Decimal]) -> AgentConsistency:
    """One agent's figures; `middles` holds, per group, the colleagues' median where it
    is above zero (a case without a basis band is in no group)."""
    compared = 0
    up: list[Case] = []
    down: list[Case] = []
    gaps: dict[str, int] = defaultdict(int)         # per currency: never added across
    deviations: list[Decimal] = []
    above: set[int] = set()
    below: set[int] = set()
    for c in mine:                                  # one pass: it runs once per case
        if (suggested := c.suggested) is not None:
            compared += 1
            if c.amount > suggested:
                up.append(c)
            elif c.amount < suggested:
                down.append(c)
            gaps[c.currency] += c.amount - suggested
        if (middle := middles.get(c.group)) is not None:
            deviation = (c.amount - middle) / middle
            deviations.append(deviation)
            if deviation > 0:
                above.add(c.issue_id)
            elif deviation < 0:
                below.add(c.issue_id)
    return AgentConsistency(
        agent=name, cases=len(mine), compared=compared,
        up=tuple(sorted(c.issue_id for c in up)),
        down=tuple(sorted(c.issue_id for c in down)),
        mean_up=_mean([c.change for c in up]), mean_down=_mean([c.change for c in down]),
        departure={code: Money.from_minor(gap, code) for code, gap in gaps.items()},
        vs_colleagues=_mean(deviations), with_colleagues=len(deviations),
        above_colleagues=tuple(sorted(above)), below_colleagues=tuple(sorted(below)))


def _outliers(agents: list[AgentConsistency],
              types: list[TypeConsistency]) -> list[Outlier]:
    found: list[Outlier] = []
    judged = [a for a in agents if a.compared >= MIN_CASES]
    for a in judged:
        others = [b for b in judged if b is not a]
        if not others:
            break
        for kind, word, ids, mean in (("overrides_up", "more", a.up, a.mean_up),
                                      ("overrides_down", "less", a.down, a.mean_down)):
            theirs = Decimal(median([b.rate(b.up if kind == "overrides_up" else b.down)
                                     for b in others]))
            mine = a.rate(ids)
            if len(ids) >= MIN_OVERRIDES and mine >= TIMES_THE_MEDIAN * theirs:
                found.append(Outlier(kind, a.agent, (
                    f"{a.agent} gave {word} than the policy suggested in {len(ids)} of "
                    f"{a.compared} cases ({_percent(mine)}), against a median of "
                    f"{_percent(theirs)} among colleagues; {_signed(mean or Decimal(0))} "
                    "on average when they did."), ids))
    for a in agents:
        if a.vs_colleagues is None or a.with_colleagues < MIN_CASES:
            continue
        if abs(a.vs_colleagues) >= COLLEAGUE_GAP:
            above = a.vs_colleagues > 0
            found.append(Outlier(
                "above_colleagues" if above else "below_colleagues", a.agent,
                f"{a.agent} gave {_signed(a.vs_colleagues)} against colleagues in alike "
                f"cases (same issue type, severity, currency and basis band), over "
                f"{a.with_colleagues} cases.",
                a.above_colleagues if above else a.below_colleagues))
    for t in types:
        if t.compared >= MIN_CASES and t.rate > NORM:
            found.append(Outlier("type_norm", t.issue_type, (
                f"{t.issue_type}: {len(t.overridden)} of {t.compared} credits "
                f"({_percent(t.rate)}) departed from the policy's suggestion — the rule may "
                "no longer fit these cases."), t.overridden))
    return found
