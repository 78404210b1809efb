"""What the desk recognises in the seller's mail: a buyer's message through Amazon's relay,
and Amazon's notices that start or stop a clock (an A-to-z claim and its request for
information, a chargeback, a return request, negative feedback, a claim decision).

Everything recognised is declared once, in NOTICES: a row per kind and wording, with the
domains Amazon sends it from, the subject that names it, and where a due date is written.
Adding a marketplace's wording is one row (and one sample in the tests, which go over the
table itself). Mail no row recognises is "unsorted", never dropped.

Whether a mail may move a clock is decided apart from what it looks like: the sending
domain must be one Amazon sends that mail from (never the display name, which anyone may
write), and when the receiving server added Authentication-Results, they must show Amazon's
DKIM signature or DMARC passing, and no failure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sellerdesk.core.english_dates import MONTHS
from sellerdesk.core.mail.parsing import (
    MailMessage,
    is_amazon_domain,
    relay_marketplace,
)
from sellerdesk.core.marketplaces import BY_CODE, MARKETPLACES, Marketplace

KINDS = ("buyer_message", "atoz_claim", "atoz_info_request", "chargeback_notice",
         "return_request", "negative_feedback", "atoz_decision")
UNSORTED = "unsorted"


def _domains(*codes: str) -> tuple[str, ...]:
    return tuple(BY_CODE[code].sales_channel.lower() for code in codes)


# Where English-language notices come from: the English-speaking stores' own domains
ENGLISH = _domains("US", "UK", "CA", "AU", "IN", "SG", "AE")
GERMAN = _domains("DE")
JAPANESE = _domains("JP")
# Buyer-Seller Messaging relays each buyer's mail from marketplace.<store's domain>
RELAYS = tuple(f"marketplace.{m.sales_channel.lower()}" for m in MARKETPLACES)


@dataclass(frozen=True, slots=True)
class Notice:
    name: str                  # unique: the row's key (the tests hold a sample per name)
    kind: str                  # one of KINDS
    language: str              # the wording's language: en, de, ja
    senders: tuple[str, ...]   # the domains this mail may come from (exactly these)
    subject: re.Pattern[str] | None  # None: recognised by its sender alone (relay mail)
    source: str                # where the wording comes from
    clock: timedelta | None = None  # the time to answer, from the mail's Date
    due: re.Pattern[str] | None = None  # a body pattern with (?P<date>…): "respond by …"
    # claim decisions: the subject (or body) says which; (?P<granted>…) or (?P<denied>…)
    decision: re.Pattern[str] | None = None


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_EN_DATE = r"(?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})"
_DE_DATE = r"(?P<date>\d{1,2}\. ?[A-Za-zäÄ]+ \d{4}|\d{1,2}\.\d{1,2}\.\d{4})"
_JA_DATE = r"(?P<date>\d{4}年\d{1,2}月\d{1,2}日)"

# Order matters: the first row whose subject matches wins, so the narrower wordings (an
# information request, a decision) come before the claim they are about.
NOTICES: tuple[Notice, ...] = (
    Notice("atoz_info_request/en", "atoz_info_request", "en", ENGLISH,
           _re(r"\binformation (?:required|requested|needed)\b.*\bA-to-z\b"),
           "Seller Central help G1781 'Respond to an A-to-z Guarantee claim notification' "
           "(US, UK, AU): Amazon emails a request for more information; unanswered within "
           "48 hours the claim is granted. Subject modelled on it.",
           clock=timedelta(hours=48), due=_re(r"respond by " + _EN_DATE)),
    Notice("atoz_info_request/de", "atoz_info_request", "de", GERMAN,
           _re(r"\bWeitere Informationen\b.*\bA-bis-z"),
           "Seller Central help 1781 in German ('Anforderung weiterer Informationen … "
           "innerhalb von 48 Stunden'); subject modelled on it.",
           clock=timedelta(hours=48), due=_re(r"bis (?:zum )?" + _DE_DATE)),
    Notice("atoz_decision/en", "atoz_decision", "en", ENGLISH,
           _re(r"\bA-to-z Guarantee claim\b.*\b(?:granted|denied|decision)\b"),
           "Seller Central help 27951 'About A-to-z Guarantee claims' and the appeal page "
           "202041210: a granted claim is debited, 30 days to appeal; modelled on them.",
           decision=_re(r"\b(?:(?P<granted>granted)|(?P<denied>denied))\b")),
    Notice("atoz_decision/de", "atoz_decision", "de", GERMAN,
           _re(r"\bEntscheidung\b.*\bA-bis-z-Garantieantrag"),
           "Seller Central help 202041210 in German ('Wenn dem Antrag eines Käufers "
           "stattgegeben wird …'); subject modelled on it.",
           decision=_re(r"(?:(?P<granted>stattgegeben|genehmigt)|(?P<denied>abgelehnt))")),
    Notice("atoz_claim/en", "atoz_claim", "en", ENGLISH,
           _re(r"\bA-to-z Guarantee claim\b"),
           "Seller Central help 27951 'About A-to-z Guarantee claims': the claim is "
           "emailed to the claims notification address; subject modelled on sellers' "
           "forum posts ('A-to-z Guarantee claim filed for order …')."),
    Notice("atoz_claim/de", "atoz_claim", "de", GERMAN,
           _re(r"\bA-bis-z-Garantieantrag"),
           "Seller Central help 27951 in German ('A-bis-z-Garantieanträge'); modelled."),
    Notice("atoz_claim/ja", "atoz_claim", "ja", JAPANESE,
           _re(r"Amazonマーケットプレイス保証.*申請"),
           "Seller Central JP help G27951 'Amazonマーケットプレイス保証申請について'; modelled."),
    Notice("chargeback_notice/en", "chargeback_notice", "en", ENGLISH,
           _re(r"\bchargeback\b"),
           "Seller Central help G202145040 'Respond to a chargeback claim': Amazon emails "
           "the seller, who must respond within seven calendar days of the email's date; "
           "subject as sellers quote it ('Chargeback Notification').",
           clock=timedelta(days=7)),
    Notice("chargeback_notice/de", "chargeback_notice", "de", GERMAN,
           _re(r"\bRückbuchung"),
           "Seller Central help 202145040 in German (Rückbuchungen, sieben Kalendertage); "
           "modelled.", clock=timedelta(days=7)),
    Notice("chargeback_notice/ja", "chargeback_notice", "ja", JAPANESE,
           _re(r"チャージバック"),
           "Seller Central JP help on chargebacks (チャージバック, 7暦日以内); modelled.",
           clock=timedelta(days=7)),
    Notice("return_request/en", "return_request", "en", ENGLISH,
           _re(r"\bReturn (?:authori[sz]ation|request)\b"),
           "Amazon's 'Return authorization notification for Order #' mail (Manage Returns, "
           "help 69126) as sellers quote it; UK spelling 'authorisation' too."),
    Notice("return_request/de", "return_request", "de", GERMAN,
           _re(r"\bRücksende(?:anfrage|antrag|genehmigung)"),
           "Seller Central help 69126 in German ('Rücksendeantrag'); sellers quote "
           "'Rücksendeanfrage'; modelled."),
    Notice("return_request/ja", "return_request", "ja", JAPANESE,
           _re(r"返品リクエスト"),
           "Seller Central JP help 201725690 '返品リクエストを処理する'; modelled."),
    Notice("negative_feedback/en", "negative_feedback", "en", ENGLISH,
           _re(r"\byou(?:'|’)ve received (?:a )?negative (?:seller )?feedback\b"),
           "The feedback notification sellers quote on the Seller Forums ('You've received "
           "negative feedback'); modelled."),
    Notice("negative_feedback/de", "negative_feedback", "de", GERMAN,
           _re(r"\bnegative Bewertung erhalten\b"),
           "German wording of the same notification, modelled on it."),
    Notice("negative_feedback/ja", "negative_feedback", "ja", JAPANESE,
           _re(r"(?:低い|悪い)評価"),
           "Japanese wording of the same notification, modelled on it."),
    Notice("buyer_message", "buyer_message", "any", RELAYS, None,
           "Buyer-Seller Messaging (help G200389080, G200383320): every buyer message is "
           "relayed from an anonymised alias at marketplace.<store's domain>; recognised by "
           "that sender, whatever the subject."),
)


@dataclass(frozen=True, slots=True)
class Classified:
    kind: str                  # one of KINDS, or "unsorted"
    order_id: str | None       # the first order id in subject, then body
    trusted: bool              # may move a clock or record a defect
    why_not: str               # one sentence when not trusted, else ""
    marketplace: Marketplace | None = None  # from the relay or the Amazon sending domain
    decision: str | None = None   # atoz_decision: "granted" or "denied" (None: unclear)
    due: datetime | None = None   # naive UTC: the mail's Date plus the row's clock
    due_date: date | None = None  # a date the mail itself names ("respond by …"), as written
    notice: str | None = None     # the NOTICES row's name that recognised it


def classify(message: MailMessage) -> Classified:
    domain = message.sender_domain
    notice = _recognise(message, domain)
    trusted, why_not = _trust(message, domain, notice)
    order_id = message.order_ids[0] if message.order_ids else None
    marketplace = relay_marketplace(message.sender) or _BY_DOMAIN.get(domain)
    if notice is None:
        return Classified(UNSORTED, order_id, trusted, why_not, marketplace)
    due = (message.sent_at + notice.clock
           if notice.clock is not None and message.sent_at is not None else None)
    return Classified(notice.kind, order_id, trusted, why_not, marketplace,
                      decision=_decision(notice, message),
                      due=due, due_date=_due_date(notice, message), notice=notice.name)


_BY_DOMAIN = {m.sales_channel.lower(): m for m in MARKETPLACES}


def _recognise(message: MailMessage, domain: str) -> Notice | None:
    # A row that sender may send comes first: a buyer's mail through the relay whose
    # subject reads like a notice ("Return request …", "Re: chargeback") is the buyer's
    # message, with its reply clock — not a notice from the wrong domain, left in Unsorted.
    # Only when no row fits the sender does the subject alone name what it pretends to be.
    for from_its_sender in (True, False):
        for notice in NOTICES:
            if from_its_sender and domain not in notice.senders:
                continue
            if notice.subject is None:
                if domain in notice.senders:
                    return notice
            elif notice.subject.search(message.subject):
                return notice
    return None


def _decision(notice: Notice, message: MailMessage) -> str | None:
    if notice.decision is None:
        return None
    for text in (message.subject, message.text):
        match = notice.decision.search(text)
        if match:
            return "granted" if match.group("granted") else "denied"
    return None


def _due_date(notice: Notice, message: MailMessage) -> date | None:
    if notice.due is None:
        return None
    match = notice.due.search(message.text)
    return _read_date(match.group("date"), notice.language) if match else None


_MONTH_NUMBERS = {
    "en": {name.lower(): n for n, name in enumerate(MONTHS, 1)}
    | {name[:3].lower(): n for n, name in enumerate(MONTHS, 1)},
    "de": {name: n for n, name in enumerate(
        ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
         "september", "oktober", "november", "dezember"), 1)},
}


def _read_date(text: str, language: str) -> date | None:
    """'March 4, 2026', '4 March 2026', '4. März 2026', '04.03.2026', '2026年3月4日'."""
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    words = re.findall(r"[^\W\d_]+", text.replace("年", " ").replace("月", " ")
                       .replace("日", " "))
    try:
        if language == "ja" or (len(numbers) == 3 and not words):
            if language == "ja":
                return date(numbers[0], numbers[1], numbers[2])
            return date(numbers[2], numbers[1], numbers[0])  # 04.03.2026
        month = _MONTH_NUMBERS.get(language, {}).get(words[0].lower().rstrip(".")) \
            if words else None
        if month is None or len(numbers) != 2:
            return None
        return date(numbers[1], month, numbers[0])
    except ValueError:
        return None


# --- trust -----------------------------------------------------------------------------

def _trust(message: MailMessage, domain: str, notice: Notice | None) -> tuple[bool, str]:
    if not domain:
        return False, "The mail names no sender address."
    if notice is not None and domain not in notice.senders:
        return False, (f"It comes from {domain}, not from a domain Amazon sends this "
                       f"{notice.kind.replace('_', ' ')} from; the sender's name proves nothing.")
    if notice is None and not is_amazon_domain(domain):
        return False, f"It comes from {domain}, which is not Amazon's."
    if not message.authentication:
        return True, ""
    return _authenticated(message.authentication)


_COMMENT = re.compile(r"\([^()]*\)")
_RESULT = re.compile(r"^\s*([a-z0-9_-]+)\s*=\s*([a-z]+)", re.IGNORECASE)
_PROPERTY = re.compile(r"\b([a-z0-9_-]+)\.([a-z0-9_-]+)\s*=\s*(\"[^\"]*\"|[^\s;]+)",
                       re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Result:
    method: str      # dkim, spf, dmarc, arc, …
    result: str      # pass, fail, none, softfail, …
    domain: str      # the domain the result is about (header.d/header.i/header.from/mailfrom)


def read_authentication_results(header: str) -> tuple[_Result, ...]:
    """The method results in one Authentication-Results header (RFC 8601), comments
    dropped; the leading authserv-id is skipped."""
    text = header
    while _COMMENT.search(text):
        text = _COMMENT.sub(" ", text)
    results = []
    for clause in text.split(";")[1:]:
        found = _RESULT.match(clause)
        if not found:
            continue
        properties = {f"{p.lower()}.{n.lower()}": v.strip('"')
                      for p, n, v in _PROPERTY.findall(clause)}
        domain = (properties.get("header.d") or properties.get("header.i")
                  or properties.get("header.from") or properties.get("smtp.mailfrom")
                  or properties.get("smtp.helo") or "")
        results.append(_Result(found.group(1).lower(), found.group(2).lower(),
                               domain.rpartition("@")[2].lower()))
    return tuple(results)


def _authenticated(headers: tuple[str, ...]) -> tuple[bool, str]:
    """Only the topmost header is the seller's own server speaking (RFC 8601 §5: a server
    adds its own above what came in), so a pass must be there; a failure anywhere is
    enough to distrust the mail, since a forger gains nothing by adding one."""
    every = [result for header in headers for result in read_authentication_results(header)]
    top = read_authentication_results(headers[0])
    dmarc_passed = any(r.method == "dmarc" and r.result == "pass" for r in top)
    for result in every:
        if result.method in ("dkim", "dmarc") and result.result == "fail":
            label = "DKIM signature" if result.method == "dkim" else "DMARC check"
            return False, (f"The receiving server says the {label} for "
                           f"{result.domain or 'the sender'} failed.")
        # SPF fails on every forwarded mail; DMARC passing (through DKIM) outweighs it
        if result.method == "spf" and result.result == "fail" and not dmarc_passed:
            return False, (f"The receiving server says SPF failed for "
                           f"{result.domain or 'the sender'}.")
    for result in top:
        if result.result == "pass" and result.method in ("dkim", "dmarc", "spf") \
                and is_amazon_domain(result.domain):
            return True, ""
    said = ", ".join(f"{r.method}={r.result}" for r in top) or "nothing it could read"
    return False, f"The receiving server found no Amazon signature on it ({said})."
