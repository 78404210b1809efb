"""The reply to a buyer, drafted from the desk's template. The template is plain text
with $placeholders (Python's string.Template), so a seller can edit it without code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from string import Template

from sellerdesk.core.english_dates import long_date
from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import IssueType, Remedy
from sellerdesk.core.money import Money

PLACEHOLDERS = {
    "order_id": "the Amazon order id",
    "product": "the affected products, or the order's first product",
    "problem": "what went wrong, e.g. “the lamp arrived damaged”",
    "offer": "the offer as a sentence, e.g. “To put this right we are offering you a "
             "courtesy credit of $7.50.”",
    "delivery": "how the offer reaches the buyer",
    "staff": "who is at the desk",
    "store": "the store's name (Desk → Reply template…)",
}

DEFAULT_TEMPLATE = """\
Hello,

Thank you for getting in touch about your order $order_id. We are sorry that $problem.

$offer $delivery

If there is anything else we can do, just reply to this message.

Kind regards,
$staff
$store
"""

_PROBLEMS = {
    IssueType.LATE_DELIVERY: "{product} arrived later than promised",
    IssueType.DAMAGED: "{product} arrived damaged",
    IssueType.WRONG_ITEM: "you received another item instead of {product}",
    IssueType.MISSING_ITEM: "{product} {was} missing from your parcel",
    IssueType.NOT_AS_DESCRIBED: "{product} {was} not as described",
    IssueType.DEFECTIVE: "{product} {does} not work as it should",
    IssueType.BILLING_ERROR: "you were charged the wrong amount for {product}",
    IssueType.SELLER_ERROR: "we let you down with {product}",
    IssueType.TECHNICAL: "something went wrong while ordering {product}",
    IssueType.OTHER: "your order of {product} did not go as it should",
}

_BACK_TO_CARD = ("Amazon returns it to your original payment method; it usually shows "
                 "within 3–5 business days.")
_DELIVERY = {
    Remedy.COURTESY_CREDIT: _BACK_TO_CARD,
    Remedy.PARTIAL_REFUND: _BACK_TO_CARD,
    Remedy.RETURN_SHIPPING: _BACK_TO_CARD,
    Remedy.FULL_REFUND: _BACK_TO_CARD,
    Remedy.REPLACEMENT: ("We will send the replacement within 2 business days and share "
                         "its tracking number here."),
    Remedy.PROMOTIONAL_CREDIT: ("We will send you the code in this conversation; enter it at "
                                "checkout."),
    Remedy.NONE: "We will write again within 24 hours with what we can do.",
}


class TemplateError(KnownError):
    """A reply template that cannot be filled in."""


@dataclass(frozen=True, slots=True)
class ReplyFacts:
    order_id: str
    issue_type: IssueType
    products: tuple[str, ...]
    remedy: Remedy = Remedy.NONE
    amount: Money | None = None
    expires_on: date | None = None
    staff: str = ""
    store: str = ""


def offer_sentence(remedy: Remedy, amount: Money | None, expires_on: date | None) -> str:
    if remedy is Remedy.NONE:
        return "We are looking into what happened."
    return f"To put this right we are offering you {offer_text(remedy, amount, expires_on)}."


def offer_text(remedy: Remedy, amount: Money | None, expires_on: date | None) -> str:
    money = amount.display() if amount is not None else ""
    if remedy is Remedy.REPLACEMENT:
        return "a replacement at no cost to you"
    if remedy is Remedy.PROMOTIONAL_CREDIT:
        until = f", valid until {long_date(expires_on)}" if expires_on else ""
        return f"a promotional credit of {money} for your next purchase{until}"
    if remedy is Remedy.RETURN_SHIPPING:
        return f"a refund of {money} for the return shipping"
    return f"{'an' if remedy.label[0] in 'AEIOU' else 'a'} {remedy.label.lower()} of {money}"


def check_template(text: str) -> None:
    """Refuse a template with a placeholder the desk cannot fill, naming it and its line."""
    template = Template(text)
    if not template.is_valid():
        line = _line_of_bad_dollar(text)
        raise TemplateError(f"line {line}: a $ must start a placeholder like $order_id "
                            "(write $$ for a dollar sign)")
    unknown = [name for name in template.get_identifiers() if name not in PLACEHOLDERS]
    if unknown:
        line = next(n for n, row in enumerate(text.splitlines(), 1) if unknown[0] in row)
        raise TemplateError(f"line {line}: ${unknown[0]} is not a placeholder; use one of "
                            + ", ".join(f"${name}" for name in PLACEHOLDERS))


def _line_of_bad_dollar(text: str) -> int:
    for number, row in enumerate(text.splitlines(), 1):
        if not Template(row).is_valid():
            return number
    return 1


def draft_reply(template: str, facts: ReplyFacts) -> str:
    check_template(template)
    product = _join(facts.products) or "your order"
    several = len([t for t in facts.products if t.strip()]) > 1
    values = {
        "order_id": facts.order_id,
        "product": product,
        "problem": _PROBLEMS[facts.issue_type].format(
            product=product, was="were" if several else "was", does="do" if several else "does"),
        "offer": offer_sentence(facts.remedy, facts.amount, facts.expires_on),
        "delivery": _DELIVERY[facts.remedy],
        "staff": facts.staff,
        "store": facts.store,
    }
    return Template(template).substitute(values).rstrip() + "\n"


def short_title(title: str, limit: int = 60) -> str:
    """An Amazon title as a person says it: up to its first comma, dash or bar."""
    for stop in (",", " - ", " – ", " | ", " ("):
        title = title.split(stop, 1)[0]
    title = title.strip()
    return title if len(title) <= limit else title[:limit - 1].rstrip() + "…"


def _join(titles: tuple[str, ...]) -> str:
    names = [f"your “{short_title(t)}”" for t in titles if t.strip()]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
