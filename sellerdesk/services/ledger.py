"""The ledger as staff read it: every credit with the running total of its currency, and
the promotional credits that lapse soon so the buyer can be reminded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.engine import Engine

from sellerdesk.core.adjustments import FeedMark, feed_kind
from sellerdesk.core.issues import Remedy
from sellerdesk.core.money import Money
from sellerdesk.core.records import CreditRecord
from sellerdesk.services.clock import now
from sellerdesk.store import adjustments as feed_store
from sellerdesk.store import credits as ledger_store
from sellerdesk.store.engine import reading

LAPSING_WITHIN = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class LedgerLine:
    credit: CreditRecord
    running_total: Money        # this currency's total up to and including this entry
    reversed_by: int | None     # the entry that reversed this one
    sent: FeedMark | None = None    # the Order Adjustment feed it went to Amazon in

    @property
    def amazon(self) -> str:
        """Where the credit stands with Amazon: sent in a feed, waiting for one, or not
        something a feed carries."""
        if self.sent is not None:
            return f"sent {self.sent.exported_at:%Y-%m-%d}"
        if self.credit.reverses is not None or feed_kind(self.credit.kind) is not None:
            return "—"
        return "not sent (reversed)" if self.reversed_by is not None else "to send"


def ledger_lines(engine: Engine) -> list[LedgerLine]:
    """Oldest first, as the chain runs."""
    with reading(engine) as conn:
        credits = ledger_store.all_credits(conn)
        sent = feed_store.feed_marks(conn)
    reversed_by = {c.reverses: c.credit_id for c in credits if c.reverses is not None}
    totals: dict[str, Money] = {}
    lines = []
    for credit in credits:
        currency = credit.amount.currency
        totals[currency] = totals.get(currency, Money.zero(currency)) + credit.amount
        lines.append(LedgerLine(credit, totals[currency], reversed_by.get(credit.credit_id),
                                sent.get(credit.credit_id)))
    return lines


def totals_by_currency(lines: list[LedgerLine]) -> dict[str, Money]:
    totals: dict[str, Money] = {}
    for line in lines:
        totals[line.credit.amount.currency] = line.running_total
    return dict(sorted(totals.items()))


def lapsing_promotions(engine: Engine, *, within: timedelta = LAPSING_WITHIN,
                       today: date | None = None,
                       lines: list[LedgerLine] | None = None) -> list[CreditRecord]:
    """Promotional credits still standing whose code expires between today and `within`
    from now, soonest first. Pass `lines` already read to save reading the ledger again."""
    today = today or now().date()
    lines = ledger_lines(engine) if lines is None else lines
    return sorted((line.credit for line in lines
                   if line.credit.kind == Remedy.PROMOTIONAL_CREDIT.value
                   and line.credit.reverses is None and line.reversed_by is None
                   and line.credit.expires_on is not None
                   and today <= line.credit.expires_on <= today + within),
                  key=lambda c: (c.expires_on, c.credit_id))
