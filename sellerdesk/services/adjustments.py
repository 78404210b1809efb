"""The credits not yet sent to Amazon, as an Order Adjustment feed to upload in Seller
Central (core.adjustments), and which credits went in which feed.

Writing the feed and marking its credits happen together: the marks are written in a
transaction that commits only after the file is in place, and a failed commit removes
the file, so a credit is never refunded twice nor silently left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.adjustments import (
    Adjustment,
    FeedMark,
    NotForFeed,
    allocate,
    feed_kind,
    feed_xml,
)
from sellerdesk.core.errors import KnownError
from sellerdesk.core.money import Money
from sellerdesk.core.records import CreditRecord
from sellerdesk.services.at_desk import at_desk_or_add_first_owner
from sellerdesk.services.clock import now
from sellerdesk.services.files import written_whole
from sellerdesk.services.protection import security_log
from sellerdesk.store import adjustments as feed_store
from sellerdesk.store import credits as ledger_store
from sellerdesk.store import issues as issue_store
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.orders import get_order

SUFFIX = ".xml"


@dataclass(slots=True)
class FeedPlan:
    """What the next feed would hold, and the credits that cannot go in it yet."""
    adjustments: list[Adjustment] = field(default_factory=list)
    held: list[tuple[int, str]] = field(default_factory=list)     # (credit id, why)

    @property
    def marketplaces(self) -> list[str]:
        return sorted({a.marketplace for a in self.adjustments})

    def only(self, marketplace: str | None) -> FeedPlan:
        if marketplace is None:
            return self
        return FeedPlan([a for a in self.adjustments if a.marketplace == marketplace],
                        self.held)

    def totals(self) -> dict[str, Money]:
        totals: dict[str, Money] = {}
        for adjustment in self.adjustments:
            for item in adjustment.items:
                money = item.total
                totals[money.currency] = totals.get(money.currency,
                                                    Money.zero(money.currency)) + money
        return dict(sorted(totals.items()))


@dataclass(frozen=True, slots=True)
class FeedResult:
    path: Path
    credit_ids: list[int]
    totals: dict[str, Money]
    held: list[tuple[int, str]]

    def as_json(self) -> dict[str, object]:
        return {"file": str(self.path), "credits": self.credit_ids,
                "totals": {c: str(m) for c, m in self.totals.items()},
                "held": [{"credit_id": c, "reason": r} for c, r in self.held]}

    def describe(self) -> str:
        totals = ", ".join(m.display() for m in self.totals.values())
        lines = [f"Wrote {len(self.credit_ids)} credit(s) ({totals}) to {self.path}: upload "
                 "it in Seller Central under Orders › Upload order related files › "
                 "Order Adjustment."]
        lines += [f"Held back credit {c}: {why}" for c, why in self.held]
        return "\n".join(lines)


def _feed_credits(credits: list[CreditRecord]) -> list[CreditRecord]:
    """Credits that belong in a feed: refund kinds, not a reversal, not reversed."""
    reversed_ids = {c.reverses for c in credits if c.reverses is not None}
    return [c for c in credits
            if c.reverses is None and c.credit_id not in reversed_ids
            and feed_kind(c.kind) is None]


def plan_in(conn: Connection) -> FeedPlan:
    """Each order's feed credits are spread over its items oldest first, those already
    sent included, so a new credit only has room an earlier one did not take."""
    marks = feed_store.feed_marks(conn)
    by_order: dict[str, list[CreditRecord]] = {}
    for credit in _feed_credits(ledger_store.all_credits(conn)):
        by_order.setdefault(credit.order_id, []).append(credit)
    pending_orders = [o for o, cs in by_order.items()
                      if any(c.credit_id not in marks for c in cs)]
    codes = feed_store.item_codes(conn, order_ids=pending_orders)
    plan = FeedPlan()
    for order_id in pending_orders:
        order = get_order(conn, order_id=order_id)
        taken: dict[str, Money] = {}
        for credit in by_order[order_id]:
            sent = credit.credit_id in marks
            if order is None:
                if not sent:
                    plan.held.append((credit.credit_id, f"order {order_id} is not on record"))
                continue
            issue = issue_store.get_issue(conn, issue_id=credit.issue_id)
            affected = issue.affected if issue else ()
            try:
                adjustment = allocate(credit.credit_id, credit.kind, credit.amount, order,
                                      affected, codes.get(order_id, {}), taken)
            except NotForFeed as why:
                if not sent:
                    plan.held.append((credit.credit_id, str(why)))
                continue
            for item in adjustment.items:
                taken[item.sku] = taken.get(item.sku, Money.zero(order.currency)) + item.total
            if not sent:
                plan.adjustments.append(adjustment)
    plan.adjustments.sort(key=lambda a: a.credit_id)
    plan.held.sort()
    return plan


def feed_plan(engine: Engine) -> FeedPlan:
    with reading(engine) as conn:
        return plan_in(conn)


def feed_marks(engine: Engine) -> dict[int, FeedMark]:
    with reading(engine) as conn:
        return feed_store.feed_marks(conn)


def export_adjustments(engine: Engine, path: Path, *, marketplace: str | None = None,
                       staff: str | None = None) -> FeedResult:
    """Write the feed of every credit not yet sent on one marketplace's orders and mark
    them sent, together or not at all. A feed is uploaded to one marketplace, so credits
    on several need `marketplace`. Nothing to send is an error that says why, and leaves
    no file."""
    path = Path(path)
    if path.suffix.lower() != SUFFIX:
        raise KnownError(f"{path.name}: an Order Adjustment feed is written as XML "
                         f"(end the name in {SUFFIX})")
    written = False
    try:
        with writing(engine) as conn:
            member = at_desk_or_add_first_owner(conn, staff)
            plan = plan_in(conn).only(marketplace)
            if marketplace is None and len(plan.marketplaces) > 1:
                raise KnownError("Seller Central takes a feed per marketplace, and credits "
                                 f"wait on orders in {', '.join(plan.marketplaces)}: "
                                 "choose one (--marketplace "
                                 f"{plan.marketplaces[0]}).")
            if not plan.adjustments:
                held = "".join(f"\n  credit {c}: {why}" for c, why in plan.held)
                where = f" on {marketplace} orders" if marketplace else ""
                raise KnownError(f"No credits to send to Amazon{where}: every refund "
                                 "credit is already in a feed" + (
                                     f", except these held back:{held}" if held else "."))
            ids = [a.credit_id for a in plan.adjustments]
            feed_store.mark_exported(conn, credit_ids=ids, feed=path.name, at=now(),
                                     by=member.name)
            security_log.record(conn, "export", f"Order Adjustment feed, {len(ids)} "
                                f"credit(s), to {path}", actor=member.name)
            with written_whole(path) as partial:
                partial.write_bytes(feed_xml(plan.adjustments))
            written = True
    except BaseException:
        if written:      # the marks did not commit: a feed nobody recorded must not stay
            path.unlink(missing_ok=True)
        raise
    return FeedResult(path, ids, plan.totals(), plan.held)


def record_item_codes(engine: Engine, codes: list[tuple[str, str, str]]) -> int:
    """Amazon's order-item codes as (order id, SKU, code): from a settlement report or
    the Orders API, and the demo."""
    with writing(engine) as conn:
        return feed_store.put_item_codes(conn, codes=codes)
