"""A few weeks of a demo desk, written through the desk's own services with the clock
pinned to when each thing happened: issues logged, credits given (some above the policy,
waiting for a supervisor), replies sent — most within the 24 hours, a few late — buyers
answering, follow-up messages, a promotional code about to lapse, one credit reversed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import Engine

from sellerdesk.core.issues import BuyerResponse, IssueType, Remedy, Severity
from sellerdesk.core.marketplaces import by_code, format_report_date
from sellerdesk.core.metrics import DefectKind
from sellerdesk.core.orders import OrderFilter, OrderSummary
from sellerdesk.services import follow_up, staff_admin
from sellerdesk.services.adjustments import record_item_codes
from sellerdesk.services.at_desk import DeskError
from sellerdesk.services.clock import now, pinned
from sellerdesk.services.credits import decide_approval, issue_credit, reverse_credit
from sellerdesk.services.imports.feedback import import_feedback
from sellerdesk.services.imports.settlement import import_settlement
from sellerdesk.services.issues import add_issue, list_issues
from sellerdesk.services.metrics import add_defect
from sellerdesk.services.protection import pins
from sellerdesk.services.reconcile import reconciliation
from sellerdesk.services.suggestions import suggest_for_issue
from sellerdesk.store.engine import reading
from sellerdesk.store.orders import get_order, list_orders

STAFF = ("Olivia Owner", "Sam Agent", "Priya Agent", "Mara Supervisor")
# The made-up owner's and supervisor's PIN (README): a demo shows PINs at work, and its
# data is no one's, so a PIN everyone knows guards nothing real.
DEMO_PIN = "1234"
ITEM_ISSUES = {IssueType.DAMAGED, IssueType.WRONG_ITEM, IssueType.MISSING_ITEM,
               IssueType.NOT_AS_DESCRIBED, IssueType.DEFECTIVE}
ISSUE_MIX = [  # (type, severity, weight)
    (IssueType.LATE_DELIVERY, Severity.MINOR, 20), (IssueType.DAMAGED, Severity.MODERATE, 20),
    (IssueType.DAMAGED, Severity.MAJOR, 5), (IssueType.WRONG_ITEM, Severity.MODERATE, 8),
    (IssueType.MISSING_ITEM, Severity.MODERATE, 6), (IssueType.DEFECTIVE, Severity.MAJOR, 6),
    (IssueType.NOT_AS_DESCRIBED, Severity.MINOR, 6), (IssueType.BILLING_ERROR, Severity.MINOR, 3),
    (IssueType.SELLER_ERROR, Severity.MODERATE, 4), (IssueType.OTHER, Severity.MINOR, 2),
]
BUYER_LINES = ("Any update on this?", "The replacement has not arrived either.",
               "Thanks, but I would rather have a refund.", "Can you confirm the amount?")
DESK_OPENED_DAYS_AGO = 28


def add_demo_issues(engine: Engine, orders: int, *, seed: int = 11) -> None:
    """About one order in 25 has an issue, logged over the last four weeks."""
    if list_issues(engine):
        return  # demo issues are already there
    rng = random.Random(seed)
    with reading(engine) as conn:
        shipped = [o for o in list_orders(conn, limit=orders) if o.status == "Shipped"]
    if len(shipped) < 2:
        return
    end = now()
    start = end - timedelta(days=DESK_OPENED_DAYS_AGO)
    # The desk's first issue is on an order bought before the desk opened (the newest
    # list first): an issue never comes before its order. A demo of only new orders
    # opens its desk an hour after the oldest.
    opened_on = next((o for o in shipped if o.purchase_date <= start - timedelta(days=1)),
                     shipped[-1])
    start = max(start, opened_on.purchase_date + timedelta(hours=1))
    with pinned(start):
        staff_admin.give_pin(engine, STAFF[0], DEMO_PIN)   # the first one owns the desk
        add_issue(engine, order_id=opened_on.order_id, issue_type=IssueType.OTHER,
                       note="Demo desk opened", staff=STAFF[0])
        for name, role in ((STAFF[3], "supervisor"), (STAFF[1], "agent"), (STAFF[2], "agent")):
            staff_admin.save_staff(engine, name=name, role=role, staff=STAFF[0])
        staff_admin.give_pin(engine, STAFF[3], DEMO_PIN)

    buyers = [f"demo-buyer-{n}@marketplace.amazon.com" for n in range(max(len(shipped) // 40, 3))]
    picked = rng.sample(shipped[1:], min(len(shipped) - 1, max(orders // 25, 4)))
    logged = sorted((_logged_at(rng, order, start, end), order) for order in picked)
    credits: list[int] = []
    promotion_given = False
    for at, order in logged:
        story = _Story(engine, rng, order, at, end, buyers)
        credit = story.unfold(promotion=not promotion_given)
        story.maybe_defect(credited=credit is not None)
        if credit is not None and not story.promotion:
            credits.append(credit)   # the promotional code stays, to lapse soon
        promotion_given = promotion_given or story.promotion
    if credits:   # now, after everything else: the ledger's times only move forward
        _pin_given(engine, STAFF[0])
        reverse_credit(engine, credit_id=credits[0], staff=STAFF[0],
                            reason="buyer returned the item for a full refund instead")
    _add_item_codes(engine, rng, [order.order_id for _, order in logged])
    pins.drop_elevation(engine)        # whoever opens the demo gives the PIN themselves


def _pin_given(engine: Engine, name: str) -> None:
    """The demo's owner or supervisor acts (weeks of pinned time apart: PINs lapse)."""
    pins.elevate(engine, name, DEMO_PIN)


def _add_item_codes(engine: Engine, rng: random.Random, order_ids: list[str]) -> None:
    """Amazon's 14-digit order-item codes, as a settlement report would bring them, for
    the orders at the desk: their credits can then go in an Order Adjustment feed."""
    with reading(engine) as conn:
        orders = [get_order(conn, order_id=order_id) for order_id in order_ids]
    record_item_codes(engine, [(order.order_id, item.sku, str(rng.randrange(10**13, 10**14)))
                               for order in orders if order for item in order.items])


SETTLEMENT_COLUMNS = (
    "settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date",
    "total-amount", "currency", "transaction-type", "order-id", "adjustment-id",
    "marketplace-name", "amount-type", "amount-description", "amount", "posted-date-time",
    "merchant-adjustment-item-id", "sku")


def add_demo_settlement(engine: Engine, folder: Path, *, seed: int = 13) -> None:
    """Last fortnight's US settlement, written as Amazon writes the flat file V2 and
    imported through the real importer: most credits older than a week paid back (one for
    less than was given), each refund with its administration fee, and one refund made in
    Seller Central by hand that SellerDesk never gave."""
    rng = random.Random(seed)
    end = now() - timedelta(days=2)
    waiting = [c for c in reconciliation(engine).credits_unpaid
               if c.amount.currency == "USD" and c.given_on < (end - timedelta(days=7)).date()]
    if not waiting:
        return
    stamp = "%Y-%m-%d %H:%M:%S UTC"
    rows = [{"settlement-id": "23581321345", "settlement-start-date":
             (end - timedelta(days=14)).strftime(stamp), "settlement-end-date":
             end.strftime(stamp), "deposit-date": (end + timedelta(days=2)).strftime(stamp),
             "total-amount": f"{rng.randrange(150_000, 400_000) / 100:.2f}", "currency": "USD"}]

    def refund(order_id: str, n: int, amount: Decimal, posted: datetime) -> None:
        fee = min(Decimal("5.00"), (amount * Decimal("0.03")).quantize(Decimal("0.01")))
        for kind, what, value in (("ItemPrice", "Principal", -amount),
                                  ("ItemFees", "RefundCommission", -fee)):
            rows.append({"settlement-id": "23581321345", "transaction-type": "Refund",
                         "order-id": order_id, "adjustment-id": f"DEMO-{n}",
                         "marketplace-name": "Amazon.com", "amount-type": kind,
                         "amount-description": what, "amount": f"{value:.2f}",
                         "posted-date-time": posted.strftime(stamp), "sku": ""})

    paid = waiting[: max(1, len(waiting) * 3 // 4)]
    for n, credit in enumerate(paid):
        amount = credit.amount.amount - (Decimal("1.00") if n == 1 else 0)
        refund(credit.order_id, n, amount,
               datetime.combine(credit.given_on, datetime.min.time()) + timedelta(days=3))
    with reading(engine) as conn:
        spare = next(o for o in list_orders(conn, flt=OrderFilter(), limit=500)
                     if o.currency == "USD" and o.order_id not in {c.order_id for c in waiting})
    refund(spare.order_id, len(paid), Decimal("9.99"), end - timedelta(days=5))
    path = folder / "Settlement 23581321345.txt"
    path.write_text("\r\n".join(["\t".join(SETTLEMENT_COLUMNS)] + [
        "\t".join(row.get(c, "") for c in SETTLEMENT_COLUMNS) for row in rows]) + "\r\n",
        encoding="utf-8")
    import_settlement(engine, path, staff=STAFF[0])


def add_demo_feedback(engine: Engine, folder: Path, *, seed: int = 12) -> None:
    """Feedback from before the desk opened, one report per marketplace written in its own
    date format and imported through the real importer: a few negative ratings that put
    the ODR near Amazon's 1 % target, and happy ones that do not count."""
    rng = random.Random(seed)
    before = now() - timedelta(days=DESK_OPENED_DAYS_AGO + 7)
    with reading(engine) as conn:
        older = [o for o in list_orders(conn, flt=OrderFilter(date_to=before.date()),
                                        limit=100_000) if o.status == "Shipped"]
    rated = rng.sample(older, min(len(older), len(older) // 40))
    by_market: dict[str, list[OrderSummary]] = {}
    for order in rated:
        by_market.setdefault(order.marketplace, []).append(order)
    for code, orders in sorted(by_market.items()):
        market = by_code(code)
        lines = ["Date\tRating\tComments\tYour Response\tOrder ID\tRater Email"]
        for n, order in enumerate(orders):
            left = order.purchase_date + timedelta(days=rng.randint(4, 12))
            stars = rng.choice("12") if n % 2 == 0 else rng.choice("45")
            lines.append("\t".join((format_report_date(left.date(), market.feedback_dates),
                                    stars, "", "", order.order_id,
                                    f"demo-rater-{code}-{n}@marketplace.amazon.com")))
        path = folder / f"Feedback {code}.txt"
        path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
        import_feedback(engine, path, marketplace=code, staff=STAFF[0])


def _logged_at(rng: random.Random, order: OrderSummary, start: datetime,
               end: datetime) -> datetime:
    earliest = max(start + timedelta(hours=1), order.purchase_date + timedelta(days=2))
    if earliest >= end:
        earliest = end - timedelta(hours=2)
    span = (end - earliest).total_seconds()
    return earliest + timedelta(seconds=rng.uniform(0, span * 0.995))


class _Story:
    """What happens to one issue, step by step, each at its own time."""

    def __init__(self, engine: Engine, rng: random.Random, order: OrderSummary,
                 at: datetime, end: datetime, buyers: list[str]) -> None:
        self.engine, self.rng, self.order, self.at, self.end = engine, rng, order, at, end
        self.buyers = buyers
        self.promotion = False
        self.offered = False     # a credit given or asked for: the buyer may answer it

    def _one_item(self) -> tuple[tuple[str, int], ...]:
        """The item a damaged, wrong or missing-item complaint is about."""
        with reading(self.engine) as conn:
            order = get_order(conn, order_id=self.order.order_id)
        return ((self.rng.choice(order.items).sku, 1),) if order and order.items else ()

    def _shipping_details(self, kind: IssueType) -> dict[str, str] | None:
        """A made-up name and address on some wrong- or missing-item issues, where a
        replacement is sent: personal data for the purge to find. Its own random source,
        so the rest of the demo is the same with or without it."""
        own = random.Random(self.order.order_id)
        if kind not in (IssueType.WRONG_ITEM, IssueType.MISSING_ITEM) or own.random() < 0.4:
            return None
        n = own.randint(1, 999)
        return {"name": f"Demo Buyer {n}", "address": f"{n} Example Street, Springfield"}

    def _when(self, hours: float) -> datetime | None:
        """`hours` after the issue was logged, if that moment has already come."""
        moment = self.at + timedelta(hours=hours)
        return moment if moment < self.end else None

    def unfold(self, *, promotion: bool) -> int | None:
        rng, engine = self.rng, self.engine
        kind, severity, _ = rng.choices(ISSUE_MIX, weights=[w for *_, w in ISSUE_MIX])[0]
        agent = rng.choice(STAFF[1:3])
        with pinned(self.at):
            issue = add_issue(
                engine, order_id=self.order.order_id, issue_type=kind, severity=severity,
                affected=self._one_item() if kind in ITEM_ISSUES else (),
                days_late=rng.randint(1, 6) if kind is IssueType.LATE_DELIVERY else 0,
                buyer=rng.choice(self.buyers) if rng.random() < 0.5 else None, staff=agent,
                buyer_details=self._shipping_details(kind))
        issue_id = issue.issue_id
        if rng.random() < 0.3:
            with pinned(self.at + timedelta(minutes=5)):
                follow_up.assign(engine, issue_id=issue_id, assignee=agent, staff=agent)
        credit_id = self._credit(issue_id, agent, promotion)
        reply_after = rng.choice((0.5, 1, 2, 3, 5, 8, 14, 20, 30))  # a few miss the 24 hours
        replied = self._when(reply_after)
        if replied is None:
            return credit_id   # still waiting for its reply
        with pinned(replied):
            follow_up.note_reply(engine, issue_id=issue_id, staff=agent, text=(
                follow_up.draft_reply_for(engine, issue_id, staff=agent)))
        answered = self._when(reply_after + rng.uniform(6, 60))
        if answered is None:
            return credit_id
        roll = rng.random()
        with pinned(answered):
            if roll < 0.12 or not self.offered:     # nothing offered: nothing to accept
                follow_up.note_buyer_message(engine, issue_id=issue_id,
                                             text=rng.choice(BUYER_LINES), staff=agent)
            else:
                response = (BuyerResponse.ACCEPTED if roll < 0.8 else BuyerResponse.DECLINED
                            if roll < 0.88 else BuyerResponse.NO_ANSWER)
                follow_up.record_response(engine, issue_id=issue_id, response=response,
                                          staff=agent)
        return credit_id

    def maybe_defect(self, *, credited: bool) -> None:
        """Some unhappy buyers go on to leave negative feedback or claim A-to-z — far
        fewer of those who were given a credit, which is the story the metrics tell."""
        rng = self.rng
        if rng.random() >= (0.06 if credited else 0.3):
            return
        moment = self._when(rng.uniform(24, 24 * 8))
        if moment is None:
            return
        kind = DefectKind.NEGATIVE_FEEDBACK if rng.random() < 0.7 else DefectKind.ATOZ_CLAIM
        status = ("active" if kind is DefectKind.NEGATIVE_FEEDBACK
                  else rng.choice(("open", "granted", "denied")))
        with pinned(moment):
            add_defect(self.engine, order_id=self.order.order_id, kind=kind, status=status,
                       rating=rng.choice((1, 2)) if kind is DefectKind.NEGATIVE_FEEDBACK
                       else None, staff=STAFF[0])

    def _credit(self, issue_id: int, agent: str, promotion: bool) -> int | None:
        rng, engine = self.rng, self.engine
        roll = rng.random()
        moment = self._when(rng.uniform(0.2, 2))
        if moment is None or roll >= 0.75:
            return None  # answered without money
        try:
            with pinned(moment):
                if promotion and self.order.currency == "USD":
                    self.promotion = True
                    expires = (self.end + timedelta(days=rng.randint(4, 12))).date()
                    _pin_given(engine, STAFF[0])
                    outcome = issue_credit(engine, issue_id=issue_id, staff=STAFF[0],
                                                kind=Remedy.PROMOTIONAL_CREDIT,
                                                expires_on=expires)
                elif roll < 0.62:
                    outcome = issue_credit(engine, issue_id=issue_id, staff=agent)
                else:
                    suggested = suggest_for_issue(engine, issue_id).amount
                    if suggested.minor < 2:
                        return None
                    _pin_given(engine, STAFF[0])
                    outcome = issue_credit(
                        engine, issue_id=issue_id, staff=STAFF[0],
                        kind=Remedy.COURTESY_CREDIT, amount=str(suggested.times(Decimal("0.8"))),
                        reason="buyer was happy with less")
        except DeskError:
            return None  # e.g. nothing left to give on that order
        self.offered = True
        if outcome.pending and rng.random() < 0.5:
            decided = self._when(rng.uniform(2, 20))
            if decided is not None:
                with pinned(decided):
                    _pin_given(engine, STAFF[3])
                    approved = decide_approval(
                        engine, approval_id=outcome.approval_id, approve=True,
                        comment="fair, given the damage", staff=STAFF[3])
                return approved.credit_id if approved else None
        return outcome.credit_id
