"""The reply to a buyer, drafted from the desk's template in the buyer's language. The
template is plain text with $placeholders (Python's string.Template), so a seller can edit
it without code; the sentences that fill them come from core.reply_languages.

Money and dates in a reply are written for the marketplace's locale with Babel (CLDR), never
through the process locale, which Qt sets from the desktop: an Amazon.de buyer reads
"7,50 €" and "5. Januar 2027" on any desk. English keeps the desk's own forms ("$7.50",
"05 January 2027"), which existing desks' replies have always used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from string import Template

from babel.dates import format_date
from babel.numbers import format_currency

from sellerdesk.core.english_dates import long_date
from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import IssueType, Remedy
from sellerdesk.core.money import Money
from sellerdesk.core.reply_languages import (
    ENGLISH,
    LANGUAGES,
    ReplyLanguage,
    reply_language,
    reply_locale,
)

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

DEFAULT_TEMPLATE = ENGLISH.template
DEFAULT_TEMPLATES = {code: language.template for code, language in LANGUAGES.items()}


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
    marketplace: str = "US"   # the order's: the reply's language and how it writes money

    @property
    def language(self) -> str:
        return reply_language(self.marketplace)


def money_text(amount: Money, marketplace: str = "US") -> str:
    """An amount as the buyer's marketplace writes it: "$7.50", "7,50 €", "￥750"."""
    if reply_language(marketplace) == "en":
        return amount.display()
    return format_currency(amount.amount, amount.currency, locale=reply_locale(marketplace))


def date_text(day: date, marketplace: str = "US") -> str:
    """A date as a letter on the buyer's marketplace writes it: "5. Januar 2027"."""
    if reply_language(marketplace) == "en":
        return long_date(day)
    return format_date(day, "long", locale=reply_locale(marketplace))


def offer_sentence(remedy: Remedy, amount: Money | None, expires_on: date | None,
                   marketplace: str = "US") -> str:
    words = LANGUAGES[reply_language(marketplace)]
    if remedy is Remedy.NONE:
        return words.looking_into
    return words.offer_sentence.format(
        offer=offer_text(remedy, amount, expires_on, marketplace))


def offer_text(remedy: Remedy, amount: Money | None, expires_on: date | None,
               marketplace: str = "US") -> str:
    words = LANGUAGES[reply_language(marketplace)]
    money = money_text(amount, marketplace) if amount is not None else ""
    until = words.until.format(date=date_text(expires_on, marketplace)) if expires_on else ""
    return words.offers[remedy].format(money=money, until=until)


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
    words = LANGUAGES[facts.language]
    names = _join(facts.products, words) or words.no_product
    several = len([t for t in facts.products if t.strip()]) > 1
    items = words.items[several].format(names=names) if facts.products else names
    values = {
        "order_id": facts.order_id,
        "product": names,
        "problem": words.problems[facts.issue_type][several].format(items=items, names=names),
        "offer": offer_sentence(facts.remedy, facts.amount, facts.expires_on, facts.marketplace),
        "delivery": words.delivery[facts.remedy],
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


def _join(titles: tuple[str, ...], words: ReplyLanguage = ENGLISH) -> str:
    names = [words.quoted.format(title=short_title(t)) for t in titles if t.strip()]
    if len(names) <= 1:
        return "".join(names)
    return words.separator.join(names[:-1]) + words.and_word + names[-1]
