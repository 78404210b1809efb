"""The reply template: what a seller can write in it and what the buyer reads."""

from datetime import date

import pytest

from sellerdesk.core.issues import IssueType, Remedy
from sellerdesk.core.money import Money
from sellerdesk.core.reply import (
    DEFAULT_TEMPLATE,
    ReplyFacts,
    TemplateError,
    check_template,
    draft_reply,
    offer_text,
    short_title,
)


def test_the_default_template_reads_as_a_letter():
    facts = ReplyFacts("114-3941689-8772232", IssueType.LATE_DELIVERY,
                       ("Brass Desk Lamp, 40 cm",), Remedy.PARTIAL_REFUND,
                       Money.parse("5", "GBP"), staff="Ana", store="Brightside Home")
    assert draft_reply(DEFAULT_TEMPLATE, facts) == (
        "Hello,\n\n"
        "Thank you for getting in touch about your order 114-3941689-8772232. We are sorry "
        "that your “Brass Desk Lamp” arrived later than promised.\n\n"
        "To put this right we are offering you a partial refund of £5.00. Amazon returns it "
        "to your original payment method; it usually shows within 3–5 business days.\n\n"
        "If there is anything else we can do, just reply to this message.\n\n"
        "Kind regards,\nAna\nBrightside Home\n")


@pytest.mark.parametrize(("remedy", "expected"), [
    (Remedy.COURTESY_CREDIT, "a courtesy credit of ¥900"),
    (Remedy.FULL_REFUND, "a full refund of ¥900"),
    (Remedy.RETURN_SHIPPING, "a refund of ¥900 for the return shipping"),
    (Remedy.REPLACEMENT, "a replacement at no cost to you"),
    (Remedy.PROMOTIONAL_CREDIT,
     "a promotional credit of ¥900 for your next purchase, valid until 31 January 2027"),
])
def test_every_kind_of_offer_is_said_plainly(remedy, expected):
    assert offer_text(remedy, Money.parse("900", "JPY"), date(2027, 1, 31)) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("Total: $ 5", r"line 1: a \$ must start a placeholder"),
    ("Hello\n$order_id\nDear $buyer", r"line 3: \$buyer is not a placeholder"),
])
def test_a_template_the_desk_cannot_fill_is_refused_with_its_line(text, message):
    with pytest.raises(TemplateError, match=message):
        check_template(text)


def test_a_dollar_sign_is_written_twice():
    facts = ReplyFacts("1", IssueType.OTHER, ())
    assert draft_reply("Costs $$5 on $order_id", facts) == "Costs $5 on 1\n"


def test_long_amazon_titles_are_shortened_as_people_say_them():
    assert short_title("Ceramic Mug, 12 oz, Blue") == "Ceramic Mug"
    assert short_title("Lamp - Brass (Warm White)") == "Lamp"
    assert len(short_title("x" * 200)) == 60
