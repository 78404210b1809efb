"""Replies in the buyer's language: which language each marketplace reads, and the letter
a buyer there gets, with its money and dates written as that marketplace writes them."""

from datetime import date

import pytest

from sellerdesk.core.issues import IssueType, Remedy
from sellerdesk.core.money import Money
from sellerdesk.core.reply import DEFAULT_TEMPLATES, ReplyFacts, draft_reply, offer_text
from sellerdesk.core.reply_guard import check_reply, looks_like
from sellerdesk.core.reply_languages import LANGUAGES, reply_language, reply_locale

ORDER = "302-1234567-1234567"


@pytest.mark.parametrize(("marketplace", "language"), [
    ("US", "en"), ("UK", "en"), ("CA", "en"), ("AU", "en"), ("IN", "en"), ("SG", "en"),
    ("AE", "en"), ("SA", "en"), ("DE", "de"), ("FR", "fr"), ("IT", "it"), ("ES", "es"),
    ("MX", "es"), ("NL", "nl"), ("BE", "nl"), ("SE", "sv"), ("PL", "pl"), ("JP", "ja"),
    ("BR", "pt"), ("TR", "tr"), ("de", "de"), ("XX", "en"),
])
def test_each_marketplace_has_its_reply_language(marketplace, language):
    assert reply_language(marketplace) == language


def test_mexico_writes_money_as_mexico_does_and_spain_as_spain_does():
    assert reply_locale("MX") == "es_MX"
    assert reply_locale("ES") == "es_ES"
    assert offer_text(Remedy.FULL_REFUND, Money.parse("7.50", "MXN"), None, "MX") == (
        "un reembolso completo de $7.50")
    assert offer_text(Remedy.FULL_REFUND, Money.parse("7.50", "EUR"), None, "ES") == (
        "un reembolso completo de 7,50\xa0€")


def facts(marketplace, currency, amount="7.50", remedy=Remedy.PARTIAL_REFUND,
          issue_type=IssueType.DAMAGED, products=("Brass Desk Lamp, 40 cm",), expires=None):
    return ReplyFacts(ORDER, issue_type, products, remedy, Money.parse(amount, currency),
                      expires, staff="Ana", store="Brightside Home", marketplace=marketplace)


def draft(reply_facts):
    return draft_reply(DEFAULT_TEMPLATES[reply_facts.language], reply_facts)


def test_an_amazon_de_buyer_reads_german_with_german_money():
    assert draft(facts("DE", "EUR")) == (
        "Guten Tag,\n\n"
        f"vielen Dank für Ihre Nachricht zu Ihrer Bestellung {ORDER}. Es tut uns leid, dass "
        "der Artikel „Brass Desk Lamp“ beschädigt angekommen ist.\n\n"
        "Um das wiedergutzumachen, erhalten Sie von uns eine Teilerstattung von 7,50\xa0€. "
        "Amazon erstattet den Betrag auf Ihre ursprüngliche Zahlungsart; er ist in der Regel "
        "innerhalb von 3–5 Werktagen sichtbar.\n\n"
        "Wenn wir sonst noch etwas für Sie tun können, antworten Sie einfach auf diese "
        "Nachricht.\n\n"
        "Mit freundlichen Grüßen\nAna\nBrightside Home\n")


def test_a_german_promotional_credit_names_its_last_day_in_german():
    text = draft(facts("DE", "EUR", remedy=Remedy.PROMOTIONAL_CREDIT,
                       expires=date(2027, 1, 5), products=("Lamp", "Mug")))
    assert "die Artikel „Lamp“ und „Mug“ beschädigt angekommen sind" in text
    assert ("einen Aktionsgutschein über 7,50\xa0€ für Ihren nächsten Einkauf, gültig bis "
            "zum 5. Januar 2027.") in text
    assert "Wir senden Ihnen den Code in dieser Unterhaltung" in text


def test_an_amazon_co_jp_buyer_reads_japanese_with_yen_and_a_japanese_date():
    text = draft(facts("JP", "JPY", amount="750", remedy=Remedy.PROMOTIONAL_CREDIT,
                       expires=date(2027, 1, 5)))
    assert "「Brass Desk Lamp」が破損した状態で届いてしまい、大変申し訳ございません。" in text
    assert "￥750分のプロモーションクレジット（2027年1月5日まで有効）をご提案いたします。" in text
    assert f"ご注文（{ORDER}）" in text


@pytest.mark.parametrize(("marketplace", "currency", "expected"), [
    ("FR", "EUR", "nous vous proposons un remboursement partiel de 7,50\xa0€."),
    ("IT", "EUR", "Le offriamo un rimborso parziale di 7,50\xa0€."),
    ("ES", "EUR", "le ofrecemos un reembolso parcial de 7,50\xa0€."),
    ("NL", "EUR", "krijgt u van ons een gedeeltelijke terugbetaling van €\xa07,50."),
    ("SE", "SEK", "erbjuder vi dig en delvis återbetalning på 7,50\xa0kr."),
    ("PL", "PLN", "proponujemy częściowy zwrot pieniędzy w wysokości 7,50\xa0zł."),
    ("BR", "BRL", "oferecemos um reembolso parcial de R$\xa07,50."),
    ("TR", "TRY", "size ₺7,50 tutarında kısmi bir iade sunuyoruz."),
])
def test_every_language_offers_money_as_its_marketplace_writes_it(marketplace, currency,
                                                                   expected):
    assert expected in draft(facts(marketplace, currency))


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_language_says_every_problem_and_every_offer(code):
    words = LANGUAGES[code]
    assert set(words.problems) == set(IssueType)
    assert set(words.delivery) == set(Remedy)
    assert set(words.offers) == set(Remedy) - {Remedy.NONE}


@pytest.mark.parametrize("marketplace", ["US", "DE", "FR", "IT", "ES", "NL", "SE", "PL", "JP",
                                         "BR", "TR"])
@pytest.mark.parametrize("issue_type", list(IssueType))
@pytest.mark.parametrize("remedy", list(Remedy))
def test_every_default_draft_passes_the_guard_and_reads_as_its_language(marketplace,
                                                                        issue_type, remedy):
    reply_facts = facts(marketplace, "EUR", remedy=remedy, issue_type=issue_type,
                        expires=date(2027, 3, 1), products=("Lamp", "Mug"))
    text = draft(reply_facts)
    assert "{" not in text
    assert "$" not in text.replace("$7.50", "")
    result = check_reply(text, reply_facts.language, marketplace=marketplace)
    assert result.clean, result
    assert looks_like(text) == reply_facts.language
