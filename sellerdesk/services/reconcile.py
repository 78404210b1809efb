"""The ledger squared with the settlements: each credit with the refund Amazon paid for
it and the fee it kept, the credits no settlement has paid yet, and refunds SellerDesk
never gave (made in Seller Central by hand, or for a credit reversed here)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from sellerdesk.core.adjustments import feed_kind
from sellerdesk.core.money import Money
from sellerdesk.core.settlement import (
    CreditDue,
    Match,
    Reconciliation,
    Refund,
    reconcile,
    totals_text,
)
from sellerdesk.store import credits as ledger_store
from sellerdesk.store import settlements as settlement_store
from sellerdesk.store.engine import reading


def reconciliation(engine: Engine) -> Reconciliation:
    """Credits Amazon pays as refunds (not replacements or codes), never reversed."""
    with reading(engine) as conn:
        credits = ledger_store.all_credits(conn)
        paid = settlement_store.refunds(conn)
    reversed_ids = {c.reverses for c in credits if c.reverses is not None}
    due = [CreditDue(c.credit_id, c.order_id, c.amount, c.created_at.date()) for c in credits
           if c.reverses is None and c.credit_id not in reversed_ids
           and feed_kind(c.kind) is None]
    return reconcile(due, paid)


def as_json(result: Reconciliation) -> dict[str, Any]:
    def refund(r: Refund) -> dict[str, Any]:
        return {"settlement_id": r.settlement_id, "order_id": r.order_id,
                "adjustment_id": r.adjustment_id, "posted": r.posted.isoformat(),
                "refunded": str(r.refunded), "fee_kept": str(r.fee_kept),
                "currency": r.refunded.currency, "credit_ids": list(r.credit_ids)}

    def match(m: Match) -> dict[str, Any]:
        return {"order_id": m.order_id, "linked_by": m.linked_by,
                "credit_ids": [c.credit_id for c in m.credits], "credited": str(m.credited),
                "refunded": str(m.refunded), "fee_kept": str(m.fee_kept),
                "difference": str(m.difference), "currency": m.credited.currency,
                "refunds": [refund(r) for r in m.refunds]}

    def per_currency(amounts: list[Money]) -> dict[str, str]:
        totals: dict[str, Money] = {}
        for amount in amounts:
            totals[amount.currency] = totals.get(amount.currency,
                                                 Money.zero(amount.currency)) + amount
        return {currency: str(total) for currency, total in sorted(totals.items())}

    def mismatch(m: Match) -> dict[str, Any]:
        return {"order_id": m.order_id, "linked_by": m.linked_by,
                "credit_ids": [c.credit_id for c in m.credits],
                "credited": per_currency([c.amount for c in m.credits]),
                "refunded": per_currency([r.refunded for r in m.refunds]),
                "reason": "different currencies", "refunds": [refund(r) for r in m.refunds]}

    return {"matched": [match(m) for m in result.matched],
            "mismatched": [mismatch(m) for m in result.mismatched],
            "credits_unpaid": [{"credit_id": c.credit_id, "order_id": c.order_id,
                                "amount": str(c.amount), "currency": c.amount.currency,
                                "given_on": c.given_on.isoformat()}
                               for c in result.credits_unpaid],
            "refunds_unclaimed": [refund(r) for r in result.refunds_unclaimed],
            "fees_kept": {cur: str(m) for cur, m in sorted(result.fees_kept().items())}}


def fees_kept_text(result: Reconciliation) -> str:
    """The refund administration fees Amazon kept, per currency ("" when none)."""
    return ", ".join(m.display() for m in result.fees_kept().values() if m.minor)


def summary(result: Reconciliation) -> list[str]:
    """Lines for a person: one per match, credit waiting and refund unexplained."""
    lines = []
    for m in result.matched:
        ids = ", ".join(str(c.credit_id) for c in m.credits)
        paid = (f"paid {m.refunded.display()}" if not m.difference.minor else
                f"Amazon paid {m.refunded.display()}, "
                f"{'more' if m.difference.minor > 0 else 'less'} than given")
        fee = f"; refund fee kept {m.fee_kept.display()}" if m.fee_kept.minor else ""
        lines.append(f"order {m.order_id}: credit {ids} ({m.credited.display()}) {paid}{fee} "
                     f"[{'by feed id' if m.linked_by == 'feed id' else 'same order'}]")
    for m in result.mismatched:
        ids = ", ".join(str(c.credit_id) for c in m.credits)
        settlements = ", ".join(sorted({r.settlement_id for r in m.refunds}))
        lines.append(f"order {m.order_id}: credit {ids} "
                     f"({totals_text(c.amount for c in m.credits)}) does not match the refund "
                     f"of {totals_text(r.refunded for r in m.refunds)} (settlement "
                     f"{settlements}): different currencies, so they are not compared; check "
                     "the refund in Seller Central "
                     f"[{'by feed id' if m.linked_by == 'feed id' else 'same order'}]")
    for c in result.credits_unpaid:
        lines.append(f"order {c.order_id}: credit {c.credit_id} ({c.amount.display()}, "
                     f"given {c.given_on}) — no refund in a settlement yet")
    for r in result.refunds_unclaimed:
        lines.append(f"order {r.order_id}: refund of {r.refunded.display()} on {r.posted} "
                     f"(settlement {r.settlement_id}) — no credit in SellerDesk")
    return lines
