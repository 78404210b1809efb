"""The languages a reply to a buyer is written in: which one each marketplace reads, and
every sentence the desk's template fills in ($problem, $offer, $delivery), per language.

Amazon relays a reply to the buyer as it is written, so it must be in the language the
buyer shops in. A marketplace not listed here (SA, EG: Arabic, which the desk does not
write yet) reads English, as Amazon's own English pages there do.

The wording keeps to what a seller can promise: Amazon, not the seller, moves a refund
to the buyer's payment method, so a reply says how long that usually takes and no more.
Each language addresses the buyer as its customer service usually does (Sie, vous, Lei,
usted, u, Państwo; du in Swedish, where the formal form reads as cold).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sellerdesk.core.issues import IssueType, Remedy

# The marketplace's language and the locale its dates and money are written in (CLDR, via
# Babel). Belgium (Amazon.com.be) shows both Dutch and French; Dutch is the language of
# the larger share of its buyers (Flanders); a French-speaking buyer there is answered in
# Dutch unless staff rewrite the draft (the language check then warns, and lets it go).
_BY_MARKETPLACE: dict[str, tuple[str, str]] = {
    "US": ("en", "en_US"), "UK": ("en", "en_GB"), "CA": ("en", "en_CA"),
    "AU": ("en", "en_AU"), "IN": ("en", "en_IN"), "SG": ("en", "en_SG"),
    "AE": ("en", "en_AE"), "SA": ("en", "en_US"), "EG": ("en", "en_US"),
    "DE": ("de", "de_DE"), "FR": ("fr", "fr_FR"), "IT": ("it", "it_IT"),
    "ES": ("es", "es_ES"), "MX": ("es", "es_MX"), "NL": ("nl", "nl_NL"),
    "BE": ("nl", "nl_BE"), "SE": ("sv", "sv_SE"), "PL": ("pl", "pl_PL"),
    "JP": ("ja", "ja_JP"), "BR": ("pt", "pt_BR"), "TR": ("tr", "tr_TR"),
}
_DEFAULT = ("en", "en_US")


def reply_language(marketplace: str) -> str:
    """The language a buyer on this marketplace is answered in: "de" for DE, "en" for
    US and for any marketplace without a language of its own here."""
    return _BY_MARKETPLACE.get(marketplace.strip().upper(), _DEFAULT)[0]


def reply_locale(marketplace: str) -> str:
    """The CLDR locale a reply's dates and money are written in: "de_DE", "es_MX"."""
    return _BY_MARKETPLACE.get(marketplace.strip().upper(), _DEFAULT)[1]


@dataclass(frozen=True, slots=True)
class ReplyLanguage:
    """Everything the drafted reply says in one language. A problem is (one item, several
    items); `{items}` is the affected items with their article ("der Artikel „Lampe“"),
    `{names}` the titles alone ("„Lampe“ und „Becher“")."""
    code: str
    name: str                       # in English, as the desk's menus are
    template: str
    problems: dict[IssueType, tuple[str, str]]
    offers: dict[Remedy, str]       # {money}; the promotional credit also {until}
    until: str                      # {date}
    offer_sentence: str             # {offer}
    looking_into: str               # the $offer when nothing is offered yet
    delivery: dict[Remedy, str]
    quoted: str                     # one title: "„{title}“"
    items: tuple[str, str]          # {names} with the article: one item, several
    and_word: str
    no_product: str                 # an order without items (never from a report)
    separator: str = ", "           # between titles before the last
    offer_glue: str = " "           # between $offer and $delivery in the default template
    words: frozenset[str] = field(default_factory=frozenset)  # common words, to recognise it


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _same(text: str) -> tuple[str, str]:
    return (text, text)


def _back_to_card(text: str) -> dict[Remedy, str]:
    return {Remedy.COURTESY_CREDIT: text, Remedy.PARTIAL_REFUND: text,
            Remedy.RETURN_SHIPPING: text, Remedy.FULL_REFUND: text}


ENGLISH = ReplyLanguage(
    code="en", name="English",
    template="""\
Hello,

Thank you for getting in touch about your order $order_id. We are sorry that $problem.

$offer $delivery

If there is anything else we can do, just reply to this message.

Kind regards,
$staff
$store
""",
    problems={
        IssueType.LATE_DELIVERY: _same("{items} arrived later than promised"),
        IssueType.DAMAGED: _same("{items} arrived damaged"),
        IssueType.WRONG_ITEM: _same("you received another item instead of {names}"),
        IssueType.MISSING_ITEM: ("{items} was missing from your parcel",
                                 "{items} were missing from your parcel"),
        IssueType.NOT_AS_DESCRIBED: ("{items} was not as described",
                                     "{items} were not as described"),
        IssueType.DEFECTIVE: ("{items} does not work as it should",
                              "{items} do not work as it should"),
        IssueType.BILLING_ERROR: _same("you were charged the wrong amount for {names}"),
        IssueType.SELLER_ERROR: _same("we let you down with {names}"),
        IssueType.TECHNICAL: _same("something went wrong while ordering {names}"),
        IssueType.OTHER: _same("your order of {names} did not go as it should"),
    },
    offers={
        Remedy.COURTESY_CREDIT: "a courtesy credit of {money}",
        Remedy.PARTIAL_REFUND: "a partial refund of {money}",
        Remedy.FULL_REFUND: "a full refund of {money}",
        Remedy.RETURN_SHIPPING: "a refund of {money} for the return shipping",
        Remedy.REPLACEMENT: "a replacement at no cost to you",
        Remedy.PROMOTIONAL_CREDIT: "a promotional credit of {money} for your next purchase{until}",
    },
    until=", valid until {date}",
    offer_sentence="To put this right we are offering you {offer}.",
    looking_into="We are looking into what happened.",
    delivery={
        **_back_to_card("Amazon returns it to your original payment method; it usually shows "
                        "within 3–5 business days."),
        Remedy.REPLACEMENT: ("We will send the replacement within 2 business days and share "
                             "its tracking number here."),
        Remedy.PROMOTIONAL_CREDIT: ("We will send you the code in this conversation; enter "
                                    "it at checkout."),
        Remedy.NONE: "We will write again within 24 hours with what we can do.",
    },
    quoted="your “{title}”", items=_same("{names}"), and_word=" and ", no_product="your order",
    words=_words("the and you your we our to of is for with this that are be it please "
                    "thank thanks sorry order if what will can"),
)

GERMAN = ReplyLanguage(
    code="de", name="German",
    template="""\
Guten Tag,

vielen Dank für Ihre Nachricht zu Ihrer Bestellung $order_id. Es tut uns leid, dass $problem.

$offer $delivery

Wenn wir sonst noch etwas für Sie tun können, antworten Sie einfach auf diese Nachricht.

Mit freundlichen Grüßen
$staff
$store
""",
    problems={
        IssueType.LATE_DELIVERY: ("{items} später als zugesagt angekommen ist",
                                  "{items} später als zugesagt angekommen sind"),
        IssueType.DAMAGED: ("{items} beschädigt angekommen ist",
                            "{items} beschädigt angekommen sind"),
        IssueType.WRONG_ITEM: ("Sie statt {names} einen anderen Artikel erhalten haben",
                               "Sie statt {names} andere Artikel erhalten haben"),
        IssueType.MISSING_ITEM: ("{items} in Ihrem Paket gefehlt hat",
                                 "{items} in Ihrem Paket gefehlt haben"),
        IssueType.NOT_AS_DESCRIBED: ("{items} nicht der Beschreibung entsprochen hat",
                                     "{items} nicht der Beschreibung entsprochen haben"),
        IssueType.DEFECTIVE: ("{items} nicht richtig funktioniert",
                              "{items} nicht richtig funktionieren"),
        IssueType.BILLING_ERROR: _same("Ihnen für {names} ein falscher Betrag berechnet wurde"),
        IssueType.SELLER_ERROR: _same("wir Sie mit {names} enttäuscht haben"),
        IssueType.TECHNICAL: _same("bei der Bestellung von {names} etwas schiefgelaufen ist"),
        IssueType.OTHER: _same("bei Ihrer Bestellung von {names} nicht alles wie erwartet "
                               "gelaufen ist"),
    },
    offers={
        Remedy.COURTESY_CREDIT: "eine Kulanzerstattung von {money}",
        Remedy.PARTIAL_REFUND: "eine Teilerstattung von {money}",
        Remedy.FULL_REFUND: "eine vollständige Erstattung von {money}",
        Remedy.RETURN_SHIPPING: "eine Erstattung der Rücksendekosten von {money}",
        Remedy.REPLACEMENT: "einen kostenlosen Ersatzartikel",
        Remedy.PROMOTIONAL_CREDIT: ("einen Aktionsgutschein über {money} für Ihren nächsten "
                                    "Einkauf{until}"),
    },
    until=", gültig bis zum {date}",
    offer_sentence="Um das wiedergutzumachen, erhalten Sie von uns {offer}.",
    looking_into="Wir prüfen gerade, was passiert ist.",
    delivery={
        **_back_to_card("Amazon erstattet den Betrag auf Ihre ursprüngliche Zahlungsart; er "
                        "ist in der Regel innerhalb von 3–5 Werktagen sichtbar."),
        Remedy.REPLACEMENT: ("Wir versenden den Ersatz innerhalb von 2 Werktagen und teilen "
                             "Ihnen die Sendungsnummer hier mit."),
        Remedy.PROMOTIONAL_CREDIT: ("Wir senden Ihnen den Code in dieser Unterhaltung; geben "
                                    "Sie ihn an der Kasse ein."),
        Remedy.NONE: "Wir melden uns innerhalb von 24 Stunden mit einem Lösungsvorschlag.",
    },
    quoted="„{title}“", items=("der Artikel {names}", "die Artikel {names}"),
    and_word=" und ", no_product="Ihre Bestellung",
    words=_words("der die das und ist nicht sie ihre ihr ihnen wir uns mit für von zu den "
                    "dem ein eine einen bitte vielen dank bestellung auf sich"),
)

FRENCH = ReplyLanguage(
    code="fr", name="French",
    template="""\
Bonjour,

Merci de nous avoir contactés au sujet de votre commande $order_id. \
Nous sommes désolés que $problem.

$offer $delivery

Si nous pouvons faire autre chose pour vous, il vous suffit de répondre à ce message.

Cordialement,
$staff
$store
""",
    problems={
        IssueType.LATE_DELIVERY: ("{items} soit arrivé plus tard que prévu",
                                  "{items} soient arrivés plus tard que prévu"),
        IssueType.DAMAGED: ("{items} soit arrivé endommagé",
                            "{items} soient arrivés endommagés"),
        IssueType.WRONG_ITEM: ("vous ayez reçu un autre article à la place de {names}",
                               "vous ayez reçu d’autres articles à la place de {names}"),
        IssueType.MISSING_ITEM: ("{items} ne se soit pas trouvé dans votre colis",
                                 "{items} ne se soient pas trouvés dans votre colis"),
        IssueType.NOT_AS_DESCRIBED: ("{items} ne corresponde pas à sa description",
                                     "{items} ne correspondent pas à leur description"),
        IssueType.DEFECTIVE: ("{items} ne fonctionne pas correctement",
                              "{items} ne fonctionnent pas correctement"),
        IssueType.BILLING_ERROR: _same("un montant erroné vous ait été facturé pour {names}"),
        IssueType.SELLER_ERROR: _same("notre service n’ait pas été à la hauteur pour {names}"),
        IssueType.TECHNICAL: _same("un problème soit survenu lors de la commande de {names}"),
        IssueType.OTHER: _same("votre commande de {names} ne se soit pas déroulée comme "
                               "prévu"),
    },
    offers={
        Remedy.COURTESY_CREDIT: "un geste commercial de {money}",
        Remedy.PARTIAL_REFUND: "un remboursement partiel de {money}",
        Remedy.FULL_REFUND: "un remboursement intégral de {money}",
        Remedy.RETURN_SHIPPING: "le remboursement des frais de retour, soit {money}",
        Remedy.REPLACEMENT: "un article de remplacement sans frais pour vous",
        Remedy.PROMOTIONAL_CREDIT: ("un crédit promotionnel de {money} pour votre prochain "
                                    "achat{until}"),
    },
    until=", valable jusqu’au {date}",
    offer_sentence="Pour y remédier, nous vous proposons {offer}.",
    looking_into="Nous examinons ce qui s’est passé.",
    delivery={
        **_back_to_card("Amazon le reverse sur votre moyen de paiement d’origine\u00a0; il "
                        "apparaît généralement sous 3 à 5 jours ouvrés."),
        Remedy.REPLACEMENT: ("Nous expédierons le remplacement sous 2 jours ouvrés et vous "
                             "communiquerons ici son numéro de suivi."),
        Remedy.PROMOTIONAL_CREDIT: ("Nous vous enverrons le code dans cette conversation\u00a0; "
                                    "saisissez-le lors du paiement."),
        Remedy.NONE: "Nous reviendrons vers vous sous 24 heures avec une solution.",
    },
    quoted="«\u00a0{title}\u00a0»", items=("votre article {names}", "vos articles {names}"),
    and_word=" et ", no_product="votre commande",
    words=_words("le la les et est vous votre vos nous pour avec une des du pas que merci "
                    "commande sur ce au"),
)

ITALIAN = ReplyLanguage(
    code="it", name="Italian",
    template="""\
Gentile cliente,

grazie per averci contattato in merito al Suo ordine $order_id. Ci dispiace che $problem.

$offer $delivery

Se possiamo fare altro per Lei, risponda semplicemente a questo messaggio.

Cordiali saluti,
$staff
$store
""",
    problems={
        IssueType.LATE_DELIVERY: ("{items} sia arrivato più tardi del previsto",
                                  "{items} siano arrivati più tardi del previsto"),
        IssueType.DAMAGED: ("{items} sia arrivato danneggiato",
                            "{items} siano arrivati danneggiati"),
        IssueType.WRONG_ITEM: ("abbia ricevuto un altro articolo al posto di {names}",
                               "abbia ricevuto altri articoli al posto di {names}"),
        IssueType.MISSING_ITEM: ("{items} mancasse dal pacco", "{items} mancassero dal pacco"),
        IssueType.NOT_AS_DESCRIBED: ("{items} non corrispondesse alla descrizione",
                                     "{items} non corrispondessero alla descrizione"),
        IssueType.DEFECTIVE: ("{items} non funzioni come dovrebbe",
                              "{items} non funzionino come dovrebbero"),
        IssueType.BILLING_ERROR: _same("Le sia stato addebitato un importo errato per {names}"),
        IssueType.SELLER_ERROR: _same("non siamo stati all’altezza con {names}"),
        IssueType.TECHNICAL: _same("qualcosa sia andato storto durante l’ordine di {names}"),
        IssueType.OTHER: _same("il Suo ordine di {names} non sia andato come previsto"),
    },
    offers={
        Remedy.COURTESY_CREDIT: "un rimborso di cortesia di {money}",
        Remedy.PARTIAL_REFUND: "un rimborso parziale di {money}",
        Remedy.FULL_REFUND: "un rimborso completo di {money}",
        Remedy.RETURN_SHIPPING: "il rimborso delle spese di reso, pari a {money}",
        Remedy.REPLACEMENT: "un articolo sostitutivo senza costi per Lei",
        Remedy.PROMOTIONAL_CREDIT: ("un credito promozionale di {money} per il Suo prossimo "
                                    "acquisto{until}"),
    },
    until=", valido fino al {date}",
    offer_sentence="Per rimediare, Le offriamo {offer}.",
    looking_into="Stiamo verificando cosa è successo.",
    delivery={
        **_back_to_card("Amazon lo accredita sul metodo di pagamento originale; di solito è "
                        "visibile entro 3–5 giorni lavorativi."),
        Remedy.REPLACEMENT: ("Spediremo l’articolo sostitutivo entro 2 giorni lavorativi e Le "
                             "comunicheremo qui il numero di tracciamento."),
        Remedy.PROMOTIONAL_CREDIT: ("Le invieremo il codice in questa conversazione; lo "
                                    "inserisca al momento del pagamento."),
        Remedy.NONE: "Le scriveremo di nuovo entro 24 ore con una soluzione.",
    },
    quoted="«{title}»", items=("il Suo articolo {names}", "i Suoi articoli {names}"),
    and_word=" e ", no_product="il Suo ordine",
    words=_words("il lo gli e è non per con una del della che suo sua ordine grazie ci "
                    "siamo questo lei le"),
)

SPANISH = ReplyLanguage(
    code="es", name="Spanish",
    template="""\
Hola:

Gracias por ponerse en contacto con nosotros sobre su pedido $order_id. Lamentamos que $problem.

$offer $delivery

Si podemos ayudarle en algo más, simplemente responda a este mensaje.

Atentamente,
$staff
$store
""",
    problems={
        IssueType.LATE_DELIVERY: ("{items} haya llegado más tarde de lo previsto",
                                  "{items} hayan llegado más tarde de lo previsto"),
        IssueType.DAMAGED: ("{items} haya llegado dañado", "{items} hayan llegado dañados"),
        IssueType.WRONG_ITEM: ("haya recibido otro artículo en lugar de {names}",
                               "haya recibido otros artículos en lugar de {names}"),
        IssueType.MISSING_ITEM: ("{items} no estuviera en su paquete",
                                 "{items} no estuvieran en su paquete"),
        IssueType.NOT_AS_DESCRIBED: ("{items} no se corresponda con la descripción",
                                     "{items} no se correspondan con la descripción"),
        IssueType.DEFECTIVE: ("{items} no funcione correctamente",
                              "{items} no funcionen correctamente"),
        IssueType.BILLING_ERROR: _same("se le haya cobrado un importe incorrecto por {names}"),
        IssueType.SELLER_ERROR: _same("no hayamos estado a la altura con {names}"),
        IssueType.TECHNICAL: _same("algo haya salido mal al pedir {names}"),
        IssueType.OTHER: _same("su pedido de {names} no haya ido como debía"),
    },
    offers={
        Remedy.COURTESY_CREDIT: "un reembolso de cortesía de {money}",
        Remedy.PARTIAL_REFUND: "un reembolso parcial de {money}",
        Remedy.FULL_REFUND: "un reembolso completo de {money}",
        Remedy.RETURN_SHIPPING: "un reembolso de {money} por los gastos de envío de la devolución",
        Remedy.REPLACEMENT: "un artículo de sustitución sin coste para usted",
        Remedy.PROMOTIONAL_CREDIT: ("un crédito promocional de {money} para su próxima "
                                    "compra{until}"),
    },
    until=", válido hasta el {date}",
    offer_sentence="Para solucionarlo, le ofrecemos {offer}.",
    looking_into="Estamos revisando lo ocurrido.",
    delivery={
        **_back_to_card("Amazon lo devuelve a su método de pago original; suele aparecer en "
                        "un plazo de 3 a 5 días hábiles."),
        Remedy.REPLACEMENT: ("Enviaremos el artículo de sustitución en un plazo de 2 días "
                             "hábiles y le indicaremos aquí el número de seguimiento."),
        Remedy.PROMOTIONAL_CREDIT: ("Le enviaremos el código en esta conversación; "
                                    "introdúzcalo al finalizar la compra."),
        Remedy.NONE: "Le escribiremos de nuevo en un plazo de 24 horas con una solución.",
    },
    quoted="«{title}»", items=("su artículo {names}", "sus artículos {names}"),
    and_word=" y ", no_product="su pedido",
    words=_words("el los las y es no por con una del que su sus pedido gracias le para "
                    "usted lo este nosotros más mensaje podemos algo muy hemos está también "
                    "pero ayudarle"),
)

DUTCH = ReplyLanguage(
    code="nl", name="Dutch",
    template="""\
Beste klant,

Bedankt voor uw bericht over uw bestelling $order_id. Het spijt ons dat $problem.

$offer $delivery

Kunnen we nog iets anders voor u doen? Beantwoord dan gewoon dit bericht.

Met vriendelijke groet,
$staff
$store
""",
    problems={
        IssueType.LATE_DELIVERY: ("{items} later is aangekomen dan beloofd",
                                  "{items} later zijn aangekomen dan beloofd"),
        IssueType.DAMAGED: ("{items} beschadigd is aangekomen",
                            "{items} beschadigd zijn aangekomen"),
        IssueType.WRONG_ITEM: ("u een ander artikel hebt ontvangen in plaats van {names}",
                               "u andere artikelen hebt ontvangen in plaats van {names}"),
        IssueType.MISSING_ITEM: ("{items} in uw pakket ontbrak",
                                 "{items} in uw pakket ontbraken"),
        IssueType.NOT_AS_DESCRIBED: ("{items} niet overeenkwam met de beschrijving",
                                     "{items} niet overeenkwamen met de beschrijving"),
        IssueType.DEFECTIVE: ("{items} niet goed werkt", "{items} niet goed werken"),
        IssueType.BILLING_ERROR: _same("u een verkeerd bedrag in rekening is gebracht voor "
                                       "{names}"),
        IssueType.SELLER_ERROR: _same("we u hebben teleurgesteld met {names}"),
        IssueType.TECHNICAL: _same("er iets misging bij het bestellen van {names}"),
        IssueType.OTHER: _same("uw bestelling van {names} niet is verlopen zoals het hoort"),
    },
    offers={
        Remedy.COURTESY_CREDIT: "een coulancevergoeding van {money}",
        Remedy.PARTIAL_REFUND: "een gedeeltelijke terugbetaling van {money}",
        Remedy.FULL_REFUND: "een volledige terugbetaling van {money}",
        Remedy.RETURN_SHIPPING: "een vergoeding van {money} voor de retourzendkosten",
        Remedy.REPLACEMENT: "kosteloos een vervangend artikel",
        Remedy.PROMOTIONAL_CREDIT: ("een promotietegoed van {money} voor uw volgende "
                                    "aankoop{until}"),
    },
    until=", geldig tot en met {date}",
    offer_sentence="Om dit goed te maken, krijgt u van ons {offer}.",
    looking_into="We zoeken uit wat er is gebeurd.",
    delivery={
        **_back_to_card("Amazon betaalt het bedrag terug via uw oorspronkelijke betaalmethode; "
                        "het is meestal binnen 3–5 werkdagen zichtbaar."),
        Remedy.REPLACEMENT: ("We versturen het vervangende artikel binnen 2 werkdagen en "
                             "delen de trackingcode hier met u."),
        Remedy.PROMOTIONAL_CREDIT: ("We sturen u de code in dit gesprek; vul deze in bij het "
                                    "afrekenen."),
        Remedy.NONE: "We nemen binnen 24 uur opnieuw contact met u op met een oplossing.",
    },
    quoted="“{title}”", items=("uw artikel {names}", "uw artikelen {names}"),
    and_word=" en ", no_product="uw bestelling",
    words=_words("de het een en is niet u uw we wij met voor van dat bestelling bedankt "
                    "dit er ons"),
)

SWEDISH = ReplyLanguage(
    code="sv", name="Swedish",
    template="""\
Hej,

Tack för att du hörde av dig om din beställning $order_id. Vi beklagar att $problem.

$offer $delivery

Om det är något mer vi kan hjälpa till med är det bara att svara på det här meddelandet.

Vänliga hälsningar
$staff
$store
""",
    problems={
        IssueType.LATE_DELIVERY: _same("{items} kom fram senare än utlovat"),
        IssueType.DAMAGED: ("{items} kom fram skadad", "{items} kom fram skadade"),
        IssueType.WRONG_ITEM: ("du fick en annan vara i stället för {names}",
                               "du fick andra varor i stället för {names}"),
        IssueType.MISSING_ITEM: _same("{items} saknades i ditt paket"),
        IssueType.NOT_AS_DESCRIBED: _same("{items} inte stämde med beskrivningen"),
        IssueType.DEFECTIVE: ("{items} inte fungerar som den ska",
                              "{items} inte fungerar som de ska"),
        IssueType.BILLING_ERROR: _same("du debiterades fel belopp för {names}"),
        IssueType.SELLER_ERROR: _same("vi inte levde upp till dina förväntningar med {names}"),
        IssueType.TECHNICAL: _same("något gick fel när du beställde {names}"),
        IssueType.OTHER: _same("din beställning av {names} inte blev som den skulle"),
    },
    offers={
        Remedy.COURTESY_CREDIT: "en goodwillersättning på {money}",
        Remedy.PARTIAL_REFUND: "en delvis återbetalning på {money}",
        Remedy.FULL_REFUND: "en fullständig återbetalning på {money}",
        Remedy.RETURN_SHIPPING: "en återbetalning på {money} för returfrakten",
        Remedy.REPLACEMENT: "en ersättningsvara utan kostnad för dig",
        Remedy.PROMOTIONAL_CREDIT: "en kampanjkredit på {money} för ditt nästa köp{until}",
    },
    until=", giltig till och med {date}",
    offer_sentence="För att rätta till det erbjuder vi dig {offer}.",
    looking_into="Vi undersöker vad som har hänt.",
    delivery={
        **_back_to_card("Amazon betalar tillbaka beloppet till ditt ursprungliga "
                        "betalningssätt; det syns oftast inom 3–5 arbetsdagar."),
        Remedy.REPLACEMENT: ("Vi skickar ersättningsvaran inom 2 arbetsdagar och delar "
                             "spårningsnumret här."),
        Remedy.PROMOTIONAL_CREDIT: ("Vi skickar koden till dig i den här konversationen; "
                                    "ange den i kassan."),
        Remedy.NONE: "Vi hör av oss igen inom 24 timmar med vad vi kan göra.",
    },
    quoted="”{title}”", items=("din vara {names}", "dina varor {names}"),
    and_word=" och ", no_product="din beställning",
    words=_words("och är att det en ett du din dig vi för med inte på av tack beställning "
                    "som till här"),
)

POLISH = ReplyLanguage(
    code="pl", name="Polish",
    template="""\
Dzień dobry,

dziękujemy za wiadomość w sprawie zamówienia $order_id. Przykro nam, że $problem.

$offer $delivery

Jeśli możemy pomóc w czymś jeszcze, wystarczy odpowiedzieć na tę wiadomość.

Z poważaniem
$staff
$store
""",
    problems={
        IssueType.LATE_DELIVERY: ("{items} dotarł później, niż obiecaliśmy",
                                  "{items} dotarły później, niż obiecaliśmy"),
        IssueType.DAMAGED: ("{items} dotarł uszkodzony", "{items} dotarły uszkodzone"),
        IssueType.WRONG_ITEM: ("otrzymali Państwo inny produkt zamiast {names}",
                               "otrzymali Państwo inne produkty zamiast {names}"),
        IssueType.MISSING_ITEM: ("{items} nie znalazł się w paczce",
                                 "{items} nie znalazły się w paczce"),
        IssueType.NOT_AS_DESCRIBED: ("{items} nie odpowiadał opisowi",
                                     "{items} nie odpowiadały opisowi"),
        IssueType.DEFECTIVE: ("{items} nie działa prawidłowo",
                              "{items} nie działają prawidłowo"),
        IssueType.BILLING_ERROR: _same("pobrano od Państwa nieprawidłową kwotę za {names}"),
        IssueType.SELLER_ERROR: _same("zawiedliśmy Państwa w sprawie {names}"),
        IssueType.TECHNICAL: _same("coś poszło nie tak podczas zamawiania {names}"),
        IssueType.OTHER: _same("zamówienie {names} nie przebiegło tak, jak powinno"),
    },
    offers={
        Remedy.COURTESY_CREDIT: "zwrot w geście dobrej woli w wysokości {money}",
        Remedy.PARTIAL_REFUND: "częściowy zwrot pieniędzy w wysokości {money}",
        Remedy.FULL_REFUND: "pełny zwrot pieniędzy w wysokości {money}",
        Remedy.RETURN_SHIPPING: "zwrot kosztów odesłania w wysokości {money}",
        Remedy.REPLACEMENT: "bezpłatny produkt zastępczy",
        Remedy.PROMOTIONAL_CREDIT: ("kredyt promocyjny w wysokości {money} na kolejne "
                                    "zakupy{until}"),
    },
    until=", ważny do {date}",
    offer_sentence="Aby to naprawić, proponujemy {offer}.",
    looking_into="Sprawdzamy, co się stało.",
    delivery={
        **_back_to_card("Amazon zwraca kwotę na pierwotną metodę płatności; zwykle jest "
                        "widoczna w ciągu 3–5 dni roboczych."),
        Remedy.REPLACEMENT: ("Wyślemy produkt zastępczy w ciągu 2 dni roboczych i podamy "
                             "tutaj numer przesyłki."),
        Remedy.PROMOTIONAL_CREDIT: ("Kod prześlemy w tej rozmowie; wystarczy wpisać go przy "
                                    "składaniu zamówienia."),
        Remedy.NONE: "Odezwiemy się w ciągu 24 godzin z propozycją rozwiązania.",
    },
    quoted="„{title}”", items=("produkt {names}", "produkty {names}"),
    and_word=" i ", no_product="zamówienie",
    words=_words("i w na nie się że do z jest za to dziękujemy zamówienia państwa prosimy "
                    "nam tak co"),
)

JAPANESE = ReplyLanguage(
    code="ja", name="Japanese",
    template="""\
お客様

ご注文（$order_id）についてご連絡いただき、誠にありがとうございます。$problem、大変申し訳ございません。

$offer$delivery

ほかにご不明な点がございましたら、このメッセージにご返信ください。

今後ともよろしくお願いいたします。
$staff
$store
""",
    problems={
        IssueType.LATE_DELIVERY: _same("{names}のお届けが予定より遅れてしまい"),
        IssueType.DAMAGED: _same("{names}が破損した状態で届いてしまい"),
        IssueType.WRONG_ITEM: _same("{names}ではなく別の商品が届いてしまい"),
        IssueType.MISSING_ITEM: _same("{names}がお荷物に入っておらず"),
        IssueType.NOT_AS_DESCRIBED: _same("{names}が商品説明と異なっており"),
        IssueType.DEFECTIVE: _same("{names}が正常に動作せず"),
        IssueType.BILLING_ERROR: _same("{names}のご請求金額に誤りがあり"),
        IssueType.SELLER_ERROR: _same("{names}の件でご期待に沿えず"),
        IssueType.TECHNICAL: _same("{names}のご注文の際に問題が発生してしまい"),
        IssueType.OTHER: _same("{names}のご注文で行き届かない点があり"),
    },
    offers={
        Remedy.COURTESY_CREDIT: "{money}のお詫びの返金",
        Remedy.PARTIAL_REFUND: "{money}の一部返金",
        Remedy.FULL_REFUND: "{money}の全額返金",
        Remedy.RETURN_SHIPPING: "返送料{money}の返金",
        Remedy.REPLACEMENT: "代替品の無料発送",
        Remedy.PROMOTIONAL_CREDIT: ("次回のお買い物にご利用いただける{money}分の"
                                    "プロモーションクレジット{until}"),
    },
    until="（{date}まで有効）",
    offer_sentence="お詫びとして、{offer}をご提案いたします。",
    looking_into="現在、状況を確認しております。",
    delivery={
        **_back_to_card("返金はAmazonを通じて元のお支払い方法に行われ、"
                        "通常3～5営業日以内に反映されます。"),
        Remedy.REPLACEMENT: "代替品は2営業日以内に発送し、追跡番号をこちらでお知らせいたします。",
        Remedy.PROMOTIONAL_CREDIT: ("コードはこのメッセージでお送りしますので、"
                                    "ご注文手続きの際にご入力ください。"),
        Remedy.NONE: "24時間以内に改めてご連絡いたします。",
    },
    quoted="「{title}」", items=_same("{names}"), and_word="と", no_product="ご注文の商品",
    separator="、", offer_glue="",
)

PORTUGUESE = ReplyLanguage(
    code="pt", name="Portuguese",
    template="""\
Olá,

Obrigado por entrar em contato sobre o seu pedido $order_id. Lamentamos que $problem.

$offer $delivery

Se pudermos ajudar em algo mais, basta responder a esta mensagem.

Atenciosamente,
$staff
$store
""",
    problems={
        IssueType.LATE_DELIVERY: ("{items} tenha chegado depois do prazo prometido",
                                  "{items} tenham chegado depois do prazo prometido"),
        IssueType.DAMAGED: ("{items} tenha chegado danificado",
                            "{items} tenham chegado danificados"),
        IssueType.WRONG_ITEM: ("você tenha recebido outro produto no lugar de {names}",
                               "você tenha recebido outros produtos no lugar de {names}"),
        IssueType.MISSING_ITEM: ("{items} não estivesse no seu pacote",
                                 "{items} não estivessem no seu pacote"),
        IssueType.NOT_AS_DESCRIBED: ("{items} não corresponda à descrição",
                                     "{items} não correspondam à descrição"),
        IssueType.DEFECTIVE: ("{items} não funcione como deveria",
                              "{items} não funcionem como deveriam"),
        IssueType.BILLING_ERROR: _same("você tenha sido cobrado com um valor incorreto por "
                                       "{names}"),
        IssueType.SELLER_ERROR: _same("não tenhamos atendido às suas expectativas com {names}"),
        IssueType.TECHNICAL: _same("algo tenha dado errado ao pedir {names}"),
        IssueType.OTHER: _same("o seu pedido de {names} não tenha corrido como deveria"),
    },
    offers={
        Remedy.COURTESY_CREDIT: "um reembolso de cortesia de {money}",
        Remedy.PARTIAL_REFUND: "um reembolso parcial de {money}",
        Remedy.FULL_REFUND: "um reembolso integral de {money}",
        Remedy.RETURN_SHIPPING: "um reembolso de {money} pelo frete de devolução",
        Remedy.REPLACEMENT: "um produto de substituição sem custo para você",
        Remedy.PROMOTIONAL_CREDIT: ("um crédito promocional de {money} para a sua próxima "
                                    "compra{until}"),
    },
    until=", válido até {date}",
    offer_sentence="Para resolver, oferecemos {offer}.",
    looking_into="Estamos verificando o que aconteceu.",
    delivery={
        **_back_to_card("A Amazon devolve o valor para a forma de pagamento original; "
                        "normalmente ele aparece em 3 a 5 dias úteis."),
        Remedy.REPLACEMENT: ("Enviaremos o produto de substituição em até 2 dias úteis e "
                             "informaremos o código de rastreamento aqui."),
        Remedy.PROMOTIONAL_CREDIT: ("Enviaremos o código nesta conversa; basta inseri-lo ao "
                                    "finalizar a compra."),
        Remedy.NONE: "Voltaremos a escrever em até 24 horas com o que podemos fazer.",
    },
    quoted="“{title}”", items=("o seu produto {names}", "os seus produtos {names}"),
    and_word=" e ", no_product="o seu pedido",
    words=_words("o os as e é não por com uma do da que seu sua pedido obrigado você para "
                    "em esta"),
)

TURKISH = ReplyLanguage(
    code="tr", name="Turkish",
    template="""\
Merhaba,

$order_id numaralı siparişiniz hakkında bize yazdığınız için teşekkür ederiz. Çok üzgünüz, $problem.

$offer $delivery

Yardımcı olabileceğimiz başka bir konu varsa bu mesajı yanıtlamanız yeterli.

Saygılarımızla,
$staff
$store
""",
    # A title takes no suffix ("“Lamba” adlı ürününüz"): Turkish endings follow the
    # title's last vowel, which a template cannot know.
    problems={
        IssueType.LATE_DELIVERY: _same("{items} söz verilenden geç ulaştı"),
        IssueType.DAMAGED: _same("{items} hasarlı ulaştı"),
        IssueType.WRONG_ITEM: _same("{names} yerine size başka bir ürün gönderildi"),
        IssueType.MISSING_ITEM: _same("{items} paketinizde eksikti"),
        IssueType.NOT_AS_DESCRIBED: _same("{items} açıklamada belirtildiği gibi değildi"),
        IssueType.DEFECTIVE: _same("{items} düzgün çalışmıyor"),
        IssueType.BILLING_ERROR: _same("{names} için sizden yanlış tutar tahsil edildi"),
        IssueType.SELLER_ERROR: _same("{names} konusunda beklentinizi karşılayamadık"),
        IssueType.TECHNICAL: _same("{names} siparişi sırasında bir sorun oluştu"),
        IssueType.OTHER: _same("{names} siparişiniz olması gerektiği gibi ilerlemedi"),
    },
    offers={
        Remedy.COURTESY_CREDIT: "{money} tutarında bir iyi niyet iadesi",
        Remedy.PARTIAL_REFUND: "{money} tutarında kısmi bir iade",
        Remedy.FULL_REFUND: "{money} tutarında tam iade",
        Remedy.RETURN_SHIPPING: "iade kargo ücreti için {money} tutarında bir geri ödeme",
        Remedy.REPLACEMENT: "ücretsiz bir yedek ürün",
        Remedy.PROMOTIONAL_CREDIT: ("bir sonraki alışverişiniz için {money} tutarında bir "
                                    "promosyon kredisi{until}"),
    },
    until=" ({date} tarihine kadar geçerli)",
    offer_sentence="Bunu telafi etmek adına size {offer} sunuyoruz.",
    looking_into="Neler olduğunu inceliyoruz.",
    delivery={
        **_back_to_card("Amazon tutarı orijinal ödeme yönteminize iade eder; genellikle 3–5 "
                        "iş günü içinde görünür."),
        Remedy.REPLACEMENT: ("Yedek ürünü 2 iş günü içinde göndereceğiz ve kargo takip "
                             "numarasını burada paylaşacağız."),
        Remedy.PROMOTIONAL_CREDIT: ("Kodu bu yazışmada göndereceğiz; ödeme sırasında girmeniz "
                                    "yeterli."),
        Remedy.NONE: "24 saat içinde neler yapabileceğimizi size tekrar yazacağız.",
    },
    quoted="“{title}”", items=("{names} adlı ürününüz", "{names} adlı ürünleriniz"),
    and_word=" ve ", no_product="siparişiniz",
    words=_words("ve bir bu için ile siparişiniz teşekkür size değil çok olarak bize "
                    "ederiz"),
)

LANGUAGES: dict[str, ReplyLanguage] = {language.code: language for language in (
    ENGLISH, GERMAN, FRENCH, ITALIAN, SPANISH, DUTCH, SWEDISH, POLISH, JAPANESE, PORTUGUESE,
    TURKISH)}


def language(code: str) -> ReplyLanguage:
    try:
        return LANGUAGES[code]
    except KeyError:
        known = ", ".join(LANGUAGES)
        raise ValueError(f"no reply language {code!r} (known: {known})") from None
