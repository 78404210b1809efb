"""The account's metrics as of a date and what the credits did to them (PRODUCT.md §2,
§5), and recording defects by hand. Credit figures cover the same 60-day window as the
ODR: credits written and issues logged in it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.amazon_facts import fact
from sellerdesk.core.buyers import buyer_reference
from sellerdesk.core.deadlines import BY_CLOCK, CLOCKS, lengths
from sellerdesk.core.errors import KnownError
from sellerdesk.core.metrics import (
    STATUSES,
    AmazonOdr,
    CreditEffect,
    DefectCounts,
    DefectKind,
    OrderDefectRate,
    explain_difference,
    window,
)
from sellerdesk.core.money import Money
from sellerdesk.core.records import parse_affected
from sellerdesk.services.amazon_facts import overrides_in
from sellerdesk.services.clock import now
from sellerdesk.services.protection.shared_keys import (
    BuyerKeyUnavailable,
    ensure_buyer_reference_key,
)
from sellerdesk.services.staff import default_staff_name
from sellerdesk.store import amazon as amazon_store
from sellerdesk.store import defects as defect_store
from sellerdesk.store import metrics as metric_store
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.orders import day_bounds, get_order


class MetricsError(KnownError):
    """A defect or a metrics request the desk cannot take."""


# -- defects ------------------------------------------------------------------------------
def add_defect(engine: Engine, *, order_id: str, kind: DefectKind, status: str | None = None,
               on: date | None = None, rating: int | None = None,
               staff: str | None = None) -> bool:
    """Record a defect by hand (again: updates it). True when it is new."""
    status = status or STATUSES[kind][0]
    if status not in STATUSES[kind]:
        allowed = STATUSES[kind]
        raise MetricsError(f"the status of {kind.value} must be {', '.join(allowed[:-1])} or "
                           f"{allowed[-1]}, not {status!r}")
    if rating is not None and kind is not DefectKind.NEGATIVE_FEEDBACK:
        raise MetricsError("only feedback has a rating")
    if rating is not None and rating not in (1, 2):
        raise MetricsError(f"negative feedback is rated 1 or 2 stars, not {rating}")
    on = on or now().date()
    if on > now().date():
        raise MetricsError(f"the date {on} is in the future")
    with writing(engine) as conn:
        order = get_order(conn, order_id=order_id)
        if order is None:
            raise MetricsError(f"no order {order_id!r}: import the report that has it first")
        if on < order.purchase_date.date():
            raise MetricsError(f"the date {on} is before order {order_id} was placed "
                               f"({order.purchase_date:%Y-%m-%d})")
        return defect_store.put_defect(
            conn, order_id=order_id, kind=kind.value, status=status, on=on, rating=rating,
            rater_ref=None, source="manual", by=(staff or default_staff_name()), now=now())


def rater_references(engine: Engine) -> Callable[[str], str | None]:
    """The feedback report's Rater Email → the keyed hash kept instead (the key read
    once, when the first rater needs it)."""
    key: list[bytes] = []

    def reference(email: str) -> str | None:
        if not email.strip():
            return None
        if not key:
            try:
                key.append(ensure_buyer_reference_key(engine))
            except BuyerKeyUnavailable:
                return None      # the feedback counts; its rater stays unlinked
        return buyer_reference(key[0], email)
    return reference


# -- the dashboard --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CreditSummary:
    count: int = 0
    totals: dict[str, Money] = field(default_factory=dict)         # net of reversals
    share_of_sales: dict[str, float] = field(default_factory=dict)
    by_issue_type: dict[str, int] = field(default_factory=dict)
    by_sku: dict[str, int] = field(default_factory=dict)
    by_staff: dict[str, int] = field(default_factory=dict)
    overridden: int = 0            # given at another amount than suggested
    override_share: float = 0.0
    override_mean_change: float = 0.0   # mean of (given − suggested) ÷ suggested


@dataclass(frozen=True, slots=True)
class AmazonComparison:
    """Amazon's ODR for a marketplace and channel beside SellerDesk's for the same window."""
    amazon: AmazonOdr
    ours: DefectCounts
    window_start: date
    window_end: date
    explanation: list[str]

    def as_json(self) -> dict[str, Any]:
        a = self.amazon
        return {"marketplace": a.marketplace, "channel": a.channel,
                "window_start": self.window_start.isoformat(),
                "window_end": self.window_end.isoformat(),
                "amazon": {"rate": a.rate, "status": a.status, "orders": a.orders,
                           "orders_with_defects": a.orders_with_defects,
                           "negative_feedback": a.negative_feedback,
                           "atoz_claims": a.atoz_claims, "chargebacks": a.chargebacks},
                "sellerdesk": _counts_json(self.ours), "explanation": self.explanation}


@dataclass(frozen=True, slots=True)
class Dashboard:
    as_of: date
    odr: OrderDefectRate
    target: Decimal
    credits: CreditSummary
    effect: CreditEffect
    late_replies: int
    overdue_replies: int
    # Amazon's other clocks that fell due in the window and were missed, by clock key
    missed: dict[str, int] = field(default_factory=dict)
    amazon: list[AmazonComparison] = field(default_factory=list)

    def missed_lines(self) -> list[str]:
        """Each clock's misses in words, for the dashboard and the CLI."""
        return [f"{BY_CLOCK[key].label}: {count} missed" for key, count in self.missed.items()]

    def as_json(self) -> dict[str, Any]:
        everything = self.odr.all
        avoided = self.effect.defects_avoided
        implied = self.effect.odr_without_credits(everything)
        return {
            "as_of": self.as_of.isoformat(),
            "odr": {"window_start": self.odr.window_start.isoformat(),
                    "window_end": self.odr.window_end.isoformat(),
                    **_counts_json(everything), "target": float(self.target),
                    "mfn": _counts_json(self.odr.mfn), "afn": _counts_json(self.odr.afn)},
            "credits": {
                "count": self.credits.count,
                "totals": {c: str(m) for c, m in self.credits.totals.items()},
                "share_of_sales": self.credits.share_of_sales,
                "by_issue_type": self.credits.by_issue_type,
                "by_sku": self.credits.by_sku, "by_staff": self.credits.by_staff,
                "overrides": {"count": self.credits.overridden,
                              "share": self.credits.override_share,
                              "mean_change": self.credits.override_mean_change},
                "issues_credited": self.effect.credited,
                "issues_not_credited": self.effect.uncredited,
                "defect_rate_with_credit": self.effect.rate_with_credit,
                "defect_rate_without_credit": self.effect.rate_without_credit,
                "estimated_defects_avoided": (round(avoided, 2) if avoided is not None
                                              else None),
                "estimated_odr_without_credits": implied,
            },
            "deadlines_missed": {"replies_after_24h": self.late_replies,
                                 "replies_overdue_now": self.overdue_replies, **self.missed},
            "amazon": [c.as_json() for c in self.amazon],
        }


def _counts_json(c: DefectCounts) -> dict[str, Any]:
    return {"orders": c.orders, "orders_with_defects": c.orders_with_defects, "rate": c.rate,
            "negative_feedback": c.negative_feedback, "atoz_claims": c.atoz_claims,
            "chargebacks": c.chargebacks}


def dashboard(engine: Engine, *, as_of: date | None = None) -> Dashboard:
    as_of = as_of or now().date()
    with reading(engine) as conn:
        facts = overrides_in(conn)
        days = int(fact("odr_window_days", facts))
        start, end = window(as_of, days)
        counts = metric_store.defect_counts(conn, as_of=as_of, days=days)
        effect = metric_store.credit_effect(conn, start=start, end=end, as_of=as_of)
        net = metric_store.net_credits(conn, start=start, end=end)
        given = metric_store.credits_given(conn, start=start, end=end)
        sales = metric_store.sales_by_currency(conn, start=start, end=end)
        late, overdue = metric_store.late_replies(conn, start=start, end=end, now=now())
        missed = _deadlines_missed(conn, start, end, facts)
        amazon = _compare_with_amazon(conn, days)
    odr = OrderDefectRate(start, end, counts["MFN"], counts["AFN"])
    return Dashboard(as_of, odr, fact("odr_target", facts), _summarise(net, given, sales),
                     effect, late, overdue, missed, amazon)


def _deadlines_missed(conn: Connection, start: date, end: date,
                      facts: dict[str, Decimal]) -> dict[str, int]:
    """Amazon's clocks (besides the reply) that fell due in the window and were met late
    or not at all, per clock; every clock a seller must meet is listed, missed or not."""
    low, high = day_bounds(start, end)
    at = now()
    return {clock.key: metric_store.missed_clocks(conn, clock=clock.key,
                                                  lengths=lengths(clock, facts), low=low,
                                                  high=high, now=at)
            for clock in CLOCKS if clock.required}


def _compare_with_amazon(conn: Connection, days: int) -> list[AmazonComparison]:
    """Each marketplace's latest Amazon ODR beside SellerDesk's over Amazon's own window
    (or the usual window up to today when Amazon's report gives none)."""
    compared = []
    for amazon in amazon_store.latest_amazon_odr(conn):
        if amazon.window_start and amazon.window_end:
            start, end = amazon.window_start, amazon.window_end
        else:
            start, end = window(now().date(), days)
        ours = metric_store.defect_counts(conn, as_of=end, days=(end - start).days + 1,
                                          marketplace=amazon.marketplace)[amazon.channel]
        compared.append(AmazonComparison(amazon, ours, start, end,
                                         explain_difference(amazon, ours)))
    return compared


def _summarise(net: dict[str, int], groups: list[dict[str, Any]],
               sales: dict[str, int]) -> CreditSummary:
    by_type: Counter[str] = Counter()
    by_staff: Counter[str] = Counter()
    by_sku: Counter[str] = Counter()
    for g in groups:
        by_type[g["type"]] += g["count"]
        by_staff[g["staff"]] += g["count"]
        for sku, _quantity in parse_affected(g["affected"]) or (("(whole order)", 1),):
            by_sku[sku] += g["count"]
    count = sum(g["count"] for g in groups)
    compared = sum(g["compared"] for g in groups)
    overridden = sum(g["overridden"] for g in groups)
    change = sum(float(g["change"]) for g in groups)
    return CreditSummary(
        count=count,
        totals={c: Money.from_minor(m, c) for c, m in net.items()},
        share_of_sales={c: (m / sales[c] if sales.get(c) else 0.0) for c, m in net.items()},
        by_issue_type=dict(by_type.most_common()),
        by_sku=dict(by_sku.most_common(10)),
        by_staff=dict(by_staff.most_common()),
        overridden=overridden,
        override_share=overridden / compared if compared else 0.0,
        override_mean_change=change / overridden if overridden else 0.0)


def odr_line(engine: Engine, *, as_of: date | None = None,
             weeks: int = 52) -> list[tuple[date, DefectCounts]]:
    """ODR (all channels) week by week over the year up to `as_of`: the dashboard's line."""
    as_of = as_of or now().date()
    with reading(engine) as conn:
        return metric_store.odr_series(conn, first=as_of - timedelta(weeks=weeks), last=as_of,
                                       days=int(fact("odr_window_days",
                                                     overrides_in(conn))))
