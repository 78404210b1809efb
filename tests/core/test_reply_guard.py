"""The reply guard: wording Amazon prohibits is refused with its sentence, in every
language the desk writes; links, email addresses and a reply in the wrong language are
warned about."""

import pytest

from sellerdesk.core.reply_guard import WordingRefused, check_reply, refuse_wording, sentences


@pytest.mark.parametrize(("language", "sentence"), [
    ("en", "If you remove your feedback we will refund you."),
    ("en", "We will send you a gift card in exchange for a 5-star review."),
    ("en", "Please update your review once we refund the order."),
    ("en", "Would you consider changing your rating now that the problem is solved?"),
    ("en", "In return for five stars we would be grateful."),
    ("de", "Wenn Sie Ihre Bewertung entfernen, erhalten Sie eine Erstattung."),
    ("de", "Könnten Sie Ihre Produktbewertung bitte ändern?"),
    ("de", "Nach der Gutschrift würden wir uns über eine geänderte Rezension freuen."),
    ("fr", "Si vous supprimez votre avis, nous vous remboursons."),
    ("fr", "Pourriez-vous modifier votre évaluation après le remboursement ?"),
    ("it", "Se rimuove la recensione, Le rimborsiamo l'intero importo."),
    ("it", "Le chiediamo di aggiornare il Suo feedback."),
    ("es", "Si elimina su valoración, le reembolsamos el pedido."),
    ("es", "Le agradeceríamos que cambiara su reseña."),
    ("es", "Le damos un descuento a cambio de su opinión."),
    ("nl", "Als u uw beoordeling verwijdert, krijgt u geld terug."),
    ("nl", "Wilt u uw review aanpassen?"),
    ("sv", "Om du tar bort ditt omdöme får du en återbetalning."),
    ("sv", "Kan du ändra din recension?"),
    ("pl", "Jeśli usuną Państwo opinię, zwrócimy pieniądze."),
    ("pl", "Prosimy o zmianę oceny w zamian za rabat."),
    ("pl", "Czy mogliby Państwo zaktualizować recenzję?"),
    ("ja", "評価を削除していただければ返金いたします。"),
    ("ja", "レビューの変更をお願いできますでしょうか。"),
    ("ja", "星5のレビューと引き換えにクーポンをお送りします。"),
    ("pt", "Se remover a sua avaliação, faremos o reembolso."),
    ("tr", "Değerlendirmenizi kaldırırsanız iade yapacağız."),
])
def test_wording_that_ties_money_to_feedback_is_refused_with_its_sentence(language, sentence):
    text = f"Hello,\n\nThank you.\n{sentence}\n\nKind regards"
    result = check_reply(text, language)
    [refused] = result.refusals
    assert refused.sentence == sentence
    assert refused.line == 4
    assert "Amazon prohibits" in refused.why


@pytest.mark.parametrize(("language", "sentence"), [
    ("en", "We welcome your feedback about the product."),
    ("en", "We will review your refund request today."),
    ("en", "Amazon returns the refund of $7.50 to your card."),
    ("de", "Wir freuen uns über Ihr Feedback zum Produkt."),
    ("de", "Die Erstattung von 7,50 € ist veranlasst."),
    ("fr", "Nous vous remboursons 7,50 € aujourd’hui."),
    ("it", "Il rimborso è stato emesso."),
    ("es", "Su opinión sobre el producto nos ayuda a mejorarlo."),
    ("nl", "We horen graag wat u van het product vindt."),
    ("sv", "Återbetalningen syns inom 3–5 arbetsdagar."),
    ("pl", "Zwrot pieniędzy będzie widoczny w ciągu 3–5 dni."),
    ("ja", "ご意見をお聞かせいただけますと幸いです。"),
])
def test_a_plain_mention_of_feedback_or_money_passes(language, sentence):
    assert check_reply(sentence, language).refusals == ()


def test_feedback_and_money_in_separate_sentences_pass():
    text = "We have issued a refund of $7.50. We welcome your feedback about the product."
    assert check_reply(text, "en").refusals == ()


def test_a_price_with_a_decimal_point_does_not_end_the_sentence():
    text = "A refund of $7.50 follows if you remove your feedback."
    assert [s for s, _ in sentences(text)] == [text]
    [refused] = check_reply(text, "en").refusals
    assert refused.sentence == text


def test_links_and_email_addresses_are_warned_about_not_refused():
    text = ("Instructions are at https://brightside.example/help. Or write to "
            "help@brightside.example or see www.brightside.example.")
    result = check_reply(text, "en")
    assert result.refusals == ()
    assert [w.why for w in result.warnings] == [
        "Amazon removes links from messages to buyers: the buyer will not see "
        "https://brightside.example/help",
        "Amazon removes links from messages to buyers: the buyer will not see "
        "www.brightside.example",
        "Amazon removes email addresses from messages to buyers: the buyer will not see "
        "help@brightside.example",
    ]


def test_an_english_reply_to_an_amazon_de_buyer_is_flagged():
    text = ("Hello, thank you for your message about your order. We are sorry that the lamp "
            "arrived damaged. We will write again within 24 hours.")
    [warning] = check_reply(text, "de", marketplace="DE").warnings
    assert warning.why == ("This reply looks English; the buyer's marketplace (Amazon.de) "
                           "replies in German.")


def test_a_german_reply_to_an_amazon_co_jp_buyer_is_flagged():
    text = "Guten Tag, vielen Dank für Ihre Nachricht. Wir prüfen, was mit der Lampe war."
    [warning] = check_reply(text, "ja", marketplace="JP").warnings
    assert warning.why == ("This reply looks German; the buyer's marketplace (Amazon.co.jp) "
                           "replies in Japanese.")


def test_a_short_reply_is_not_guessed_at():
    assert check_reply("Thanks!", "de", marketplace="DE").warnings == ()


def test_a_template_with_refused_wording_names_its_line_and_sentence():
    template = ("Hello,\n\n$problem.\nOnce the refund arrives, please update your review\n"
                "to say so.\n\n$staff")
    with pytest.raises(WordingRefused, match=(
            r"^line 4: “Once the refund arrives, please update your review to say so\.” — "
            r"it ties compensation \(“refund”\) to feedback or a review \(“your review”\)")):
        refuse_wording(template)
