"""The reply guard: what a reply to a buyer must not say, checked before it is sent and
when a template is saved.

Amazon prohibits offering a refund or any other compensation in exchange for feedback or
a review, and asking a buyer to change or remove their feedback or review — even after
the issue is resolved. The rule here is deliberately simple, so staff can predict it:

  A sentence is REFUSED when it names feedback or a review (feedback, review, rating,
  stars; Bewertung, avis, recensione, valoración, beoordeling, omdöme, opinia, 評価, …)
  together with any of
    - compensation (refund, credit, voucher, discount, free…; Erstattung, Gutschein,
      remboursement, rimborso, reembolso, terugbetaling, återbetalning, zwrot, 返金, …),
    - changing or removing it (remove, delete, change, update, revise, withdraw…;
      entfernen, ändern, supprimer, modificare, eliminar, verwijderen, ta bort, usunąć,
      削除, 変更, …), or
    - a trade or a set rating ("in exchange", "in return", "5 stars"; im Gegenzug,
      en échange, a cambio, in ruil, w zamian, 引き換え, 星5, …).

"We welcome your feedback about the product" names feedback alone and passes; "Thank you
for your feedback, we have refunded you" names both in one sentence and is refused —
write them as separate sentences, or leave feedback out of a reply that carries money.
Every supported language's words are looked for in every reply, whatever its language,
so a reply half in English to an Amazon.de buyer is checked as strictly. A sentence ends
at . ! ? (followed by a space or the end), 。！？, or a blank line; "7.50" does not end one.

WARNINGS (shown, and sent only once staff confirm): links and email addresses, which
Amazon removes from buyer messages, and a reply that reads as another language than the
marketplace's (counted by each language's common words; Japanese by its kana).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sellerdesk.core.errors import KnownError
from sellerdesk.core.marketplaces import BY_CODE
from sellerdesk.core.reply_languages import LANGUAGES

# Each entry is a regular expression matched at the start of a word (lower-cased text);
# a leading \w* lets a compound match (Produktbewertung, Rückerstattung).
_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        # "review" alone is also a verb ("we will review your refund"): the noun only.
        "feedback": (r"feedback", r"reviews\b", r"(?:your|a|my|product|seller|positive|"
                     r"negative|good|better|\d[ -]?star|five[ -]star)\s+review", r"rating",
                     r"stars?\b", r"rate us"),
        "compensation": (r"refund", r"reimburs", r"credit", r"compensat", r"money back",
                         r"voucher", r"gift", r"discount", r"coupon", r"free\b", r"cash ?back",
                         r"rebate"),
        "change": (r"remov", r"delet", r"chang", r"updat", r"revis", r"edit", r"withdraw",
                   r"retract", r"amend", r"modif", r"reconsider", r"adjust", r"improv",
                   r"raise", r"take\s+(?:it\s+)?down"),
        "trade": (r"in exchange", r"in return", r"\d[ -]?stars?\b", r"five[ -]stars?\b"),
    },
    "de": {
        "feedback": (r"\w*bewertung", r"bewert", r"\w*rezension", r"feedback", r"sterne\b"),
        "compensation": (r"\w*erstatt", r"\w*gutschrift", r"\w*gutschein", r"entschädig",
                         r"rabatt", r"kostenlos", r"gratis", r"geld zurück", r"preisnachlass",
                         r"vergütung", r"kulanz"),
        "change": (r"entfern", r"\w*lösch", r"änder", r"geänder", r"abänder", r"zurückzu?zieh",
                   r"zurückzu?nehm", r"aktualisier", r"überarbeit", r"anpass", r"korrigier",
                   r"überdenk"),
        "trade": (r"im gegenzug", r"\d[ -]?sterne", r"fünf sterne"),
    },
    "fr": {
        "feedback": (r"avis\b", r"évaluation", r"commentaire", r"étoiles?\b", r"feedback"),
        "compensation": (r"rembours", r"crédit", r"compens", r"dédommag", r"bon d['’]achat",
                         r"réduction", r"remise", r"geste commercial", r"gratuit",
                         r"code promo"),
        "change": (r"supprim", r"retir", r"modifi", r"chang", r"mett\w* à jour",
                   r"mise à jour", r"revoir", r"révis", r"corrig", r"enlev"),
        "trade": (r"en échange", r"en contrepartie", r"\d[ -]?étoiles", r"cinq étoiles"),
    },
    "it": {
        "feedback": (r"recension", r"feedback", r"valutazion", r"stelle\b", r"giudizi"),
        "compensation": (r"rimbors", r"credito", r"risarc", r"indennizz", r"buono", r"sconto",
                         r"gratuit", r"omaggio", r"coupon"),
        "change": (r"rimuov", r"rimozion", r"elimin", r"cancell", r"modific", r"cambi",
                   r"aggiorn", r"ritir", r"rived", r"correg"),
        "trade": (r"in cambio", r"\d[ -]?stelle", r"cinque stelle"),
    },
    "es": {
        "feedback": (r"valoraci", r"reseña", r"opini[oó]n", r"comentario", r"calificaci",
                     r"puntuaci", r"estrellas?\b", r"feedback"),
        "compensation": (r"reembols", r"compens", r"indemniz", r"crédito", r"cupón",
                         r"descuento", r"gratis", r"gratuit", r"vale\b", r"bonifica"),
        "change": (r"elimin", r"borr", r"retir", r"modifi", r"cambi", r"actualic", r"actualiz",
                   r"edit", r"corrij", r"corrig", r"quit"),
        "trade": (r"a cambio", r"\d[ -]?estrellas", r"cinco estrellas"),
    },
    "nl": {
        # as in English, "review" only as a noun: Dutch buyers write "uw review"
        "feedback": (r"\w*beoordeling", r"(?:uw|je|een|de)\s+review", r"recensie",
                     r"feedback", r"sterren\b"),
        "compensation": (r"\w*terugbetal", r"\w*vergoed", r"restitutie", r"tegoed", r"korting",
                         r"gratis", r"compensatie", r"cadeaubon", r"geld terug"),
        "change": (r"verwijder", r"wijzig", r"aanpass", r"bijwerk", r"intrek", r"verander",
                   r"herzie"),
        "trade": (r"in ruil", r"\d[ -]?sterren", r"vijf sterren"),
    },
    "sv": {
        "feedback": (r"omdöme", r"recension", r"betyg", r"feedback", r"stjärn"),
        "compensation": (r"återbetal", r"\w*ersättning", r"kompens", r"kredit", r"rabatt",
                         r"gratis", r"presentkort", r"tillgodo", r"pengarna tillbaka"),
        "change": (r"ta bort", r"tar bort", r"tas bort", r"radera", r"ändra", r"uppdatera",
                   r"återkalla", r"redigera", r"justera"),
        "trade": (r"i utbyte", r"i gengäld", r"\d[ -]?stjärn", r"fem stjärn"),
    },
    "pl": {
        "feedback": (r"opini", r"ocen", r"recenzj", r"komentarz", r"feedback", r"gwiazd"),
        "compensation": (r"zwrot", r"zwróc", r"rekompens", r"odszkodow", r"rabat", r"zniżk",
                         r"kupon", r"bon\b", r"gratis", r"za darmo", r"bezpłat", r"upust",
                         r"kredyt"),
        "change": (r"usun", r"usuwa", r"zmieni", r"zmian", r"zaktualiz", r"aktualiz", r"edyt",
                   r"wycofa", r"popraw"),
        "trade": (r"w zamian", r"\d[ -]?gwiazd", r"pięć gwiazd"),
    },
    "pt": {
        "feedback": (r"avalia", r"coment[aá]rio", r"opini", r"resenha", r"feedback",
                     r"estrelas?\b"),
        "compensation": (r"reembols", r"crédito", r"compens", r"desconto", r"cupom",
                         r"grátis", r"gratuit", r"vale\b", r"brinde", r"indeniz"),
        "change": (r"remov", r"exclu", r"apag", r"alter", r"atualiz", r"mud", r"edit",
                   r"retir", r"corrig"),
        "trade": (r"em troca", r"\d[ -]?estrelas", r"cinco estrelas"),
    },
    "tr": {
        "feedback": (r"değerlendirme", r"yorum", r"geri bildirim", r"puan", r"yıldız",
                     r"feedback"),
        "compensation": (r"iade", r"geri ödeme", r"indirim", r"kupon", r"hediye", r"ücretsiz",
                         r"tazminat", r"telafi"),
        "change": (r"kaldır", r"sil", r"değiştir", r"güncelle", r"düzelt", r"geri çek"),
        "trade": (r"karşılığında", r"\d[ -]?yıldız", r"beş yıldız"),
    },
}
# Japanese has no spaces between words: its words are found anywhere in the sentence.
_JAPANESE = {
    "feedback": ("評価", "レビュー", "フィードバック", "口コミ", "クチコミ", "星", "★"),
    "compensation": ("返金", "補償", "割引", "クーポン", "ギフト", "無料", "値引", "謝礼",
                     "ポイント"),
    "change": ("削除", "変更", "取り消", "取消", "修正", "撤回", "更新", "書き換", "書き直",
               "見直"),
    "trade": ("引き換え", "引換", "見返り", "星5", "星５", "★5", "5つ星", "５つ星", "五つ星"),
}


def _pattern(kind: str) -> re.Pattern[str]:
    parts = [rf"(?<!\w)(?:{word})" for words in _WORDS.values() for word in words[kind]]
    parts += [re.escape(word) for word in _JAPANESE[kind]]
    return re.compile("|".join(parts))


_FEEDBACK, _COMPENSATION, _CHANGE, _TRADE = (
    _pattern(kind) for kind in ("feedback", "compensation", "change", "trade"))

_LINK = re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>\"”»」]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A sentence ends at . ! ? before a space or the end (not inside 7.50 or a web address),
# at 。！？, or at a blank line; closing quotes and brackets stay with it. In a template, a
# line of placeholders alone ("$offer $delivery") is sentences of its own once filled in.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’»」)]*(?=\s|$)|[。！？]+[」』）)]*|\n[ \t]*\n"
                           r"|(?m:^[ \t]*(?:\$\{?\w+\}?[ \t]*)+\n)")


class WordingRefused(KnownError):
    """A template (or reply) saying what Amazon does not allow a seller to say."""


@dataclass(frozen=True, slots=True)
class Finding:
    sentence: str      # as the reply has it, on one line
    why: str
    line: int          # where the sentence starts, counting from 1


@dataclass(frozen=True, slots=True)
class GuardResult:
    refusals: tuple[Finding, ...]    # block sending
    warnings: tuple[Finding, ...]    # shown; sent only once staff confirm

    @property
    def clean(self) -> bool:
        return not self.refusals and not self.warnings


def sentences(text: str) -> list[tuple[str, int]]:
    """Each sentence of `text` on one line, with the line it starts on."""
    found: list[tuple[str, int]] = []
    start = 0
    for end in [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        piece = text[start:end]
        if piece.strip():
            first = start + len(piece) - len(piece.lstrip())
            found.append((" ".join(piece.split()), text.count("\n", 0, first) + 1))
        start = end
    return found


def _lower(text: str) -> str:
    # Turkish capital İ lower-cases to i plus a combining dot, which no word here has.
    return text.replace("İ", "i").lower()


def refusal(sentence: str) -> str | None:
    """Why this one sentence may not be sent, or None."""
    lowered = _lower(sentence)
    feedback = _found(_FEEDBACK, lowered)
    if feedback is None:
        return None
    if match := _found(_COMPENSATION, lowered):
        return (f"it ties compensation (“{match}”) to feedback or a review (“{feedback}”), "
                "which Amazon prohibits")
    if match := _found(_CHANGE, lowered):
        return (f"it asks for feedback or a review (“{feedback}”) to be changed or removed "
                f"(“{match}”), which Amazon prohibits")
    if match := _found(_TRADE, lowered):
        return (f"it asks for feedback or a review (“{feedback}”) in return for something or "
                f"with a set rating (“{match}”), which Amazon prohibits")
    return None


def _found(pattern: re.Pattern[str], text: str) -> str | None:
    """The first word `pattern` finds, whole ("erstattung", not the stem "erstatt"), so
    staff see which word tripped the guard. Japanese has no word ends: its match alone."""
    match = pattern.search(text)
    if match is None:
        return None
    end = match.end()
    while end < len(text) and text[end].isalpha() and ord(text[end]) < 0x3000:
        end += 1
    return text[match.start():end].strip()


def _own_words() -> dict[str, frozenset[str]]:
    """Each language's common words that no other language here shares ("que" is French,
    Spanish and Portuguese, so it tells none of them apart)."""
    every = [w for language in LANGUAGES.values() for w in language.words]
    return {code: frozenset(w for w in language.words if every.count(w) == 1)
            for code, language in LANGUAGES.items() if language.words}


_OWN_WORDS = _own_words()


def looks_like(text: str) -> str | None:
    """The language `text` reads as, when that is clear: Japanese by its kana, the others
    by how many of the common words only that language uses appear (at least 4, and twice
    as many as the runner-up's). None when the text is too short or mixed to tell."""
    kana = sum(1 for c in text if "\u3040" <= c <= "\u30ff")
    if kana >= 5:
        return "ja"
    words = re.findall(r"[^\W\d_]+", _lower(text))
    counts = sorted(((sum(w in own for w in words), code) for code, own in _OWN_WORDS.items()),
                    reverse=True)
    (best, code), (second, _) = counts[0], counts[1]
    return code if best >= 4 and best >= 2 * second else None


def check_reply(text: str, language: str, *, marketplace: str | None = None) -> GuardResult:
    """What stops `text` going to the buyer (refusals) and what staff should look at first
    (warnings). `language` is the one the buyer's marketplace reads; `marketplace` (its
    code) names it in the wrong-language warning."""
    refusals, warnings = [], []
    for sentence, line in sentences(text):
        why = refusal(sentence)
        if why:
            refusals.append(Finding(sentence, why, line))
        for link in (raw.rstrip(".,;:!?)") for raw in _LINK.findall(sentence)):
            warnings.append(Finding(sentence, f"Amazon removes links from messages to buyers: "
                                              f"the buyer will not see {link}", line))
        for address in _EMAIL.findall(sentence):
            warnings.append(Finding(sentence, f"Amazon removes email addresses from messages to "
                                              f"buyers: the buyer will not see {address}", line))
    found = looks_like(text)
    if found is not None and found != language and language in LANGUAGES:
        wanted, read = LANGUAGES[language].name, LANGUAGES[found].name
        market = BY_CODE.get((marketplace or "").upper())
        where = (f"the buyer's marketplace ({market.sales_channel}) replies in {wanted}"
                 if market else f"it should be in {wanted}")
        warnings.append(Finding("", f"This reply looks {read}; {where}.", 1))
    return GuardResult(tuple(refusals), tuple(warnings))


def refuse_wording(text: str) -> None:
    """Raise WordingRefused, naming the line and the sentence, when a template (or any
    text) says what the guard refuses."""
    for sentence, line in sentences(text):
        why = refusal(sentence)
        if why:
            raise WordingRefused(f"line {line}: “{_short(sentence)}” — {why}")


def _short(sentence: str, limit: int = 120) -> str:
    return sentence if len(sentence) <= limit else sentence[:limit - 1].rstrip() + "…"
