"""The concession budget's actual figures (the policy's [budget], core.policy.Budget):
credits as a share of sales per marketplace, and each agent's share of issues that ended
in a credit, over the budget's rolling window — ending today, whole days (UTC), the same
days for the credits as for the sales.

`standing_in` measures them for one suggestion (services.suggestions hands the result to
core.policy.suggest, which decides); `budget_report` measures everything, for
`sellerdesk policy budget` and the window, off the GUI thread (`progress`, `cancelled`).
Shares are worked out per marketplace in its own currency: currencies are never added."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.errors import Cancelled
from sellerdesk.core.marketplaces import BY_CODE
from sellerdesk.core.metrics import window
from sellerdesk.core.money import Money
from sellerdesk.core.orders import Order
from sellerdesk.core.policy import Budget, BudgetStanding
from sellerdesk.services.clock import now
from sellerdesk.services.policies import ensure_active_policy_in
from sellerdesk.store import budget as budget_store
from sellerdesk.store.engine import reading
from sellerdesk.store.orders import day_bounds

Progress = Callable[[float, str], None]


def _no_progress(fraction: float, message: str) -> None:
    """Nobody is watching (the command line)."""


def _never() -> bool:
    return False


def standing_in(conn: Connection, budget: Budget, *, order: Order, agent: str | None,
                excluding_issue: int | None) -> BudgetStanding:
    """Where the desk stands against `budget` before a suggestion on `order` for an issue
    `agent` handles: the order's marketplace's credits and sales in the order's currency,
    and the agent's other issues in the window (not `excluding_issue`)."""
    first, last = window(now().date(), budget.window_days)
    low, high = day_bounds(first, last)
    key = (order.marketplace, order.currency)
    credits = budget_store.credits_by_marketplace(conn, low=low, high=high,
                                                  marketplace=order.marketplace).get(key, 0)
    sales = budget_store.sales_by_marketplace(conn, first=first, last=last,
                                              marketplace=order.marketplace).get(key, 0)
    issues = credited = 0
    if agent and budget.agent_credit_share is not None:
        issues, credited = budget_store.issues_by_agent(
            conn, low=low, high=high, agent=agent,
            excluding_issue=excluding_issue).get(agent, (0, 0))
    return BudgetStanding(order.marketplace, Money.from_minor(credits, order.currency),
                          Money.from_minor(sales, order.currency), agent, issues, credited)


# -- the report ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MarketplaceFigures:
    marketplace: str
    credits: Money                 # net of reversals, in the marketplace's currency
    sales: Money
    line: Decimal | None           # the policy's share_of_sales for it, if any

    @property
    def share(self) -> Decimal | None:
        """Credits ÷ sales; None without sales."""
        if self.sales.minor <= 0:
            return None
        return Decimal(self.credits.minor) / Decimal(self.sales.minor)

    @property
    def over(self) -> bool:
        if self.line is None:
            return False
        share = self.share
        return self.credits.minor > 0 if share is None else share > self.line

    @property
    def name(self) -> str:
        """"Amazon.de"; the code itself for a marketplace SellerDesk does not know."""
        known = BY_CODE.get(self.marketplace.upper())
        return known.sales_channel if known else self.marketplace

    def sentence(self) -> str:
        """The figure against its line in words: "Amazon.de: credits 3.4 % of sales,
        budget 2 % — over budget"."""
        share = self.share
        figure = (f"credits {self.credits.display()} with no sales" if share is None
                  else f"credits {share_text(share)} of sales")
        line = "no budget line" if self.line is None else f"budget {share_text(self.line)}"
        return f"{self.name}: {figure}, {line}{' — over budget' if self.over else ''}"


@dataclass(frozen=True, slots=True)
class AgentFigures:
    agent: str
    issues: int
    credited: int
    line: Decimal | None
    least: int                     # issues before the line applies

    @property
    def share(self) -> Decimal:
        return Decimal(self.credited) / self.issues if self.issues else Decimal(0)

    @property
    def over(self) -> bool:
        return (self.line is not None and self.issues >= self.least
                and self.share > self.line)

    @property
    def judged(self) -> bool:
        """Enough issues in the window for the line to apply."""
        return self.issues >= self.least

    def sentence(self) -> str:
        """"Ben: 3 of 4 issues ended in a credit (75 %), budget 40 % — over budget", or
        too few issues to judge."""
        figure = (f"{self.agent}: {self.credited} of {self.issues} "
                  f"issue{'' if self.issues == 1 else 's'} ended in a credit "
                  f"({share_text(self.share)})")
        if self.line is None:
            return f"{figure}, no budget line"
        if not self.judged:
            return f"{figure} — too few to judge (the budget applies from {self.least} issues)"
        return (f"{figure}, budget {share_text(self.line)}"
                f"{' — over budget' if self.over else ''}")


@dataclass(frozen=True, slots=True)
class BudgetReport:
    as_of: date
    window_start: date
    window_end: date
    policy_version: int
    budget: Budget | None          # None: the policy in force sets no budget
    marketplaces: list[MarketplaceFigures] = field(default_factory=list)
    agents: list[AgentFigures] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        def share(value: Decimal | None) -> str | None:
            return None if value is None else f"{value:.4f}"
        b = self.budget
        return {
            "as_of": self.as_of.isoformat(), "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(), "policy_version": self.policy_version,
            "has_budget": b is not None,
            "marketplaces": [{"marketplace": m.marketplace, "currency": m.credits.currency,
                              "credits": str(m.credits), "sales": str(m.sales),
                              "share": share(m.share), "line": share(m.line), "over": m.over}
                             for m in self.marketplaces],
            "agents": [{"agent": a.agent, "issues": a.issues, "credited": a.credited,
                        "share": share(a.share), "line": share(a.line),
                        "min_issues": a.least, "over": a.over} for a in self.agents],
        }

    @property
    def days(self) -> int:
        return (self.window_end - self.window_start).days + 1

    def crossed(self) -> list[MarketplaceFigures | AgentFigures]:
        """The lines crossed, marketplaces first."""
        return [f for f in (*self.marketplaces, *self.agents) if f.over]

    def lines(self) -> list[str]:
        """The report as a person reads it."""
        days = (self.window_end - self.window_start).days + 1
        head = (f"Concession budget of policy version {self.policy_version}, the last {days} "
                f"days ({self.window_start} to {self.window_end})")
        out = [head if self.budget else
               f"Policy version {self.policy_version} sets no budget ([budget]); the figures "
               f"of the last {days} days ({self.window_start} to {self.window_end}):"]
        if not self.marketplaces and not self.agents:
            out.append("No sales, credits or issues in the window.")
            return out
        for m in self.marketplaces:
            share = "no sales" if m.share is None else f"{_percent(m.share)} of sales"
            line = "" if m.line is None else f"; budget {_percent(m.line)}"
            mark = "  OVER BUDGET" if m.over else ""
            out.append(f"  {m.marketplace:<3} credits {m.credits.display()} of sales "
                       f"{m.sales.display()}: {share}{line}{mark}")
        for a in self.agents:
            line = ""
            if a.line is not None:
                line = (f"; budget {_percent(a.line)}" if a.issues >= a.least
                        else f"; budget applies from {a.least} issues")
            mark = "  OVER BUDGET" if a.over else ""
            out.append(f"  {a.agent}: {a.credited} of {a.issues} issues ended in a credit "
                       f"({_percent(a.share)}){line}{mark}")
        return out


def _percent(share: Decimal) -> str:
    return f"{share * 100:.1f} %"


def share_text(share: Decimal) -> str:
    """0.034 → "3.4 %", 0.02 → "2 %", 0.0125 → "1.3 %": one decimal at most, as a
    person says a share."""
    text = f"{share * 100:.1f}"
    return f"{text.removesuffix('.0')} %"


def budget_report(engine: Engine, *, as_of: date | None = None,
                  progress: Progress = _no_progress,
                  cancelled: Callable[[], bool] = _never) -> BudgetReport:
    """The budget's actual figures against the policy in force. Without a [budget], the
    same figures over a 30-day window, so the window can show them and offer the lines."""
    progress(0.0, "Reading the policy in force")
    with reading(engine) as conn:
        return budget_report_in(conn, as_of=as_of or now().date(), progress=progress,
                                cancelled=cancelled)


def budget_report_in(conn: Connection, *, as_of: date, progress: Progress = _no_progress,
                     cancelled: Callable[[], bool] = _never) -> BudgetReport:
    """budget_report inside a reading the caller holds (the work queue's)."""
    version, policy = ensure_active_policy_in(conn)
    budget = policy.budget
    first, last = window(as_of, (budget or Budget()).window_days)
    low, high = day_bounds(first, last)
    progress(0.2, "Adding up credits and sales per marketplace")
    credits = budget_store.credits_by_marketplace(conn, low=low, high=high)
    sales = budget_store.sales_by_marketplace(conn, first=first, last=last)
    if cancelled():
        raise Cancelled("The budget report")
    progress(0.6, "Counting each agent's issues and credits")
    agents = budget_store.issues_by_agent(conn, low=low, high=high)
    markets = [MarketplaceFigures(m, Money.from_minor(credits.get((m, c), 0), c),
                                  Money.from_minor(sales.get((m, c), 0), c),
                                  budget.sales_line(m) if budget else None)
               for m, c in sorted(set(credits) | set(sales))]
    people = [AgentFigures(name, issues, credited,
                           budget.agent_credit_share if budget else None,
                           budget.agent_min_issues if budget else Budget().agent_min_issues)
              for name, (issues, credited) in sorted(agents.items())]
    progress(1.0, "Done")
    return BudgetReport(as_of, first, last, version, budget, markets, people)


# The work queue is read after every change and each minute; measuring the budget takes
# longer than the rest of the queue on a big desk. What it found is kept for a minute, and
# measured again at once when the policy, the day, or the credits and issues written change
# (a credit or its reversal puts a line over or back under).
CROSSED_FRESH_FOR = timedelta(minutes=1)
_crossed_seen: WeakKeyDictionary[Engine, tuple[tuple, datetime, list]] = WeakKeyDictionary()


def budget_crossed_in(conn: Connection, *, at: datetime) -> list[MarketplaceFigures
                                                                  | AgentFigures]:
    """The budget lines the desk is over at `at` (naive UTC), for the work queue: nothing
    is measured when the policy in force sets no [budget] (the policy is parsed once per
    version)."""
    version, policy = ensure_active_policy_in(conn)
    if policy.budget is None:
        return []
    marks = (version, at.date(), budget_store.latest_ids(conn))
    seen = _crossed_seen.get(conn.engine)
    if seen is not None and seen[0] == marks and timedelta(0) <= at - seen[1] < CROSSED_FRESH_FOR:
        return seen[2]
    crossed = budget_report_in(conn, as_of=at.date()).crossed()
    _crossed_seen[conn.engine] = (marks, at, crossed)
    return crossed
