"""Mail shaped like what Amazon sends a seller, as raw RFC 5322 bytes (EmailMessage,
policy SMTP: CRLF line ends, as a server stores them).

Where the shapes come from (modelled on public examples, never copied):
- Buyer-Seller Messaging relay mail: Amazon forwards each buyer message from the buyer's
  anonymised alias at marketplace.<the marketplace's domain> (…@marketplace.amazon.de),
  subject "Inquiry from Amazon customer <first name> (Order: <id>)" or "Message from Amazon
  customer …", the buyer's words between "------------- Message: -------------" and
  "------------- End message -------------", a plain and an HTML part, attachments (up to
  10 MB each on Amazon's side) beside them. Seller Central's "Buyer-Seller Messages" help
  pages (G200389080, G200383320) and sellers' posts on the Seller Forums describe it.
- Notifications (A-to-z claim, its information request, chargeback, return request,
  negative feedback, claim decision): from amazon.<tld> no-reply addresses with the order id
  in the subject; the wording of each is declared, with its source, in
  sellerdesk/core/mail/notifications.py's table, which these builders follow.
- Japanese mail in ISO-2022-JP (the traditional mail charset, subject as RFC 2047 B
  words in the same charset) and in Shift_JIS (base64 body, as Windows mailers send it);
  German mail in quoted-printable UTF-8, umlauts and all.

Every builder takes `authentication=`: None adds no Authentication-Results header, "pass"
adds one saying the receiving server verified Amazon's DKIM signature, DMARC and SPF, and
"fail" one saying the signature did not verify.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime
from hashlib import sha256

from sellerdesk.core.marketplaces import by_code

SELLER = "support@brightside-home.example"
# message_id=WITHOUT_MESSAGE_ID leaves the header out; None (the default) makes one from the
# mail's own content, so two different mails never share an id and one mail built twice does
WITHOUT_MESSAGE_ID = ""
# A fixed moment (mail dates in tests are never compared against "now").
SENT_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def relay_address(marketplace: str = "US", alias: str = "9xk2hq7w4tzb3rm") -> str:
    """A buyer's anonymised Buyer-Seller Messaging alias on that marketplace."""
    return f"{alias}@marketplace.{by_code(marketplace).sales_channel.lower()}"


def amazon_domain(marketplace: str) -> str:
    return by_code(marketplace).sales_channel.lower()


def authentication_results(domain: str, result: str, *, server: str = "mx.brightside-home.example"
                           ) -> str:
    """The header a receiving server adds (RFC 8601), as Gmail and Dovecot/Rspamd write it."""
    if result == "pass":
        return (f"{server}; dkim=pass header.i=@{domain} header.s=rjs3j6rlkkfxvfck "
                f"header.b=Yq4Jx9b0; spf=pass (domain of bounces.{domain} designates "
                f"54.240.13.10 as permitted sender) smtp.mailfrom=bounces.{domain}; "
                f"dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from={domain}")
    if result == "fail":
        return (f"{server}; dkim=fail (body hash did not verify) header.i=@{domain} "
                f"header.s=rjs3j6rlkkfxvfck header.b=Yq4Jx9b0; spf=softfail smtp.mailfrom="
                f"{domain}; dmarc=fail (p=QUARANTINE dis=QUARANTINE) header.from={domain}")
    return f"{server}; {result}"


# policy.SMTP, but headers set raw (set_raw) are written as given, never refolded into UTF-8
_POLICY = policy.SMTP.clone(refold_source="none")


def _envelope(*, sender: str, sender_name: str, subject: str, sent_at: datetime,
              message_id: str | None, in_reply_to: str | None = None,
              references: tuple[str, ...] = (), authentication: str | None = None,
              to: str = SELLER, header_charset: str | None = None,
              content: str = "") -> EmailMessage:
    message = EmailMessage(policy=_POLICY)
    if header_charset:
        # Japanese mailers write RFC 2047 words in the body's charset (ISO-2022-JP),
        # which policy.SMTP would re-encode as UTF-8: set_raw keeps them as written.
        name = Header(sender_name, header_charset).encode() if sender_name else ""
        message.set_raw("From", f"{name} <{sender}>" if name else sender)
        message.set_raw("Subject", Header(subject, header_charset).encode(linesep="\r\n"))
    else:
        message["From"] = f"{sender_name} <{sender}>" if sender_name else sender
        message["Subject"] = subject
    message["To"] = to
    message["Date"] = format_datetime(sent_at)
    if message_id is None:
        made_from = "\0".join((sender, subject, sent_at.isoformat(), content,
                               in_reply_to or "", *references))
        message_id = f"{sha256(made_from.encode()).hexdigest()[:24]}@email.amazon.com"
    if message_id != WITHOUT_MESSAGE_ID:
        message["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        message["References"] = " ".join(f"<{r}>" for r in references)
    if authentication:
        message["Authentication-Results"] = authentication_results(
            sender.rpartition("@")[2].removeprefix("marketplace."), authentication)
    return message


def _set_text(message: EmailMessage, text: str, html: str | None, charset: str) -> None:
    charset = charset.lower()
    cte = {"iso-2022-jp": "7bit", "shift_jis": "base64"}.get(charset, "quoted-printable")
    if charset in ("iso-2022-jp", "shift_jis"):
        # set_content only encodes str as UTF-8; Japanese charsets go in as bytes. Windows
        # mailers label cp932 (with ①, ㈱) as Shift_JIS, so "shift_jis" is written as cp932.
        codec = "cp932" if charset == "shift_jis" else charset
        message.set_content(text.encode(codec), maintype="text", subtype="plain", cte=cte)
        message.set_param("charset", charset.upper() if charset == "iso-2022-jp" else "Shift_JIS")
    else:
        message.set_content(text, charset=charset, cte=cte)
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")


def _html(text: str) -> str:
    escaped = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    paragraphs = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in escaped.split("\n\n"))
    return ("<html><head><style>p{font-family:Arial}</style></head><body>"
            f"<table><tr><td>{paragraphs}</td></tr></table></body></html>")


# Buyer-Seller Messaging relay wording per language (modelled on relay mail sellers have
# posted on the Seller Forums; the German and Japanese lines on the same mail in those stores)
_RELAY = {
    "en": ("Inquiry from Amazon customer {buyer} (Order: {order})",
           "------------- Message: -------------",
           "------------- End message -------------",
           "For Your Information: To help arrive at a resolution, we encourage you to "
           "respond within 24 hours."),
    "de": ("Anfrage von Amazon-Kunde {buyer} (Bestellung: {order})",
           "------------- Nachricht: -------------",
           "------------- Ende der Nachricht -------------",
           "Zu Ihrer Information: Bitte antworten Sie innerhalb von 24 Stunden."),
    "ja": ("Amazonのお客様 {buyer} からのお問い合わせ (注文番号: {order})",
           "------------- メッセージ: -------------",
           "------------- メッセージの終わり -------------",
           "ご参考: 24時間以内にご返信ください。"),
}
_LANGUAGE = {"DE": "de", "JP": "ja"}


def buyer_message(order_id: str | None, marketplace: str = "US", *,
                  text: str = "The lamp arrived with the shade cracked. What can you do?",
                  photo: bytes | None = None, photo_name: str = "IMG_2041.jpg",
                  message_id: str | None = None,
                  in_reply_to: str | None = None, references: tuple[str, ...] = (),
                  charset: str = "utf-8", sent_at: datetime = SENT_AT,
                  sender: str | None = None, buyer: str = "Jane",
                  subject: str | None = None, html: bool = True,
                  authentication: str | None = None) -> bytes:
    """A buyer's message as Amazon's relay delivers it to the seller. `charset` is the
    plain part's (iso-2022-jp and shift_jis make Japanese mail without the HTML part, as
    Japanese mailers send it)."""
    language = _LANGUAGE.get(marketplace, "en")
    subject_form, start, end, footer = _RELAY[language]
    if subject is None:
        subject = subject_form.format(buyer=buyer, order=order_id or "").replace(
            " (Order: )", "").replace(" (Bestellung: )", "").replace(" (注文番号: )", "")
    japanese = charset.lower() in ("iso-2022-jp", "shift_jis")
    message = _envelope(sender=sender or relay_address(marketplace), sender_name=buyer,
                        subject=subject, sent_at=sent_at, message_id=message_id,
                        in_reply_to=in_reply_to, references=references,
                        authentication=authentication,
                        header_charset="iso-2022-jp" if japanese else None,
                        content=text + (sha256(photo).hexdigest() if photo else ""))
    body = f"{start}\n\n{text}\n\n{end}\n\n{footer}\n"
    _set_text(message, body, None if japanese or not html else _html(body), charset)
    if photo is not None:
        message.add_attachment(photo, maintype="image", subtype="jpeg", filename=photo_name)
    return message.as_bytes()


def html_only(order_id: str, *, sender: str | None = None,
              message_id: str = "html-only-1@email.amazon.com") -> bytes:
    """A relay message with only an HTML part (what Amazon's mobile app sends through)."""
    message = _envelope(sender=sender or relay_address("UK"), sender_name="Tom",
                        subject=f"Message from Amazon customer Tom (Order: {order_id})",
                        sent_at=SENT_AT, message_id=message_id)
    message.set_content(
        "<html><head><title>x</title><style>.a{color:red}</style></head><body>"
        "<div>------------- Message: -------------</div>"
        "<p>Hello,<br>the kettle&nbsp;leaks &amp; the lid won&#39;t close.</p>"
        "<ul><li>bought 1 March</li><li>used twice</li></ul>"
        "<script>track()</script>"
        "<div>------------- End message -------------</div></body></html>",
        subtype="html", charset="utf-8")
    return message.as_bytes()


def notification(*, marketplace: str, subject: str, text: str, sender: str | None = None,
                 sender_name: str = "Amazon", sent_at: datetime = SENT_AT,
                 message_id: str | None = None, authentication: str | None = None,
                 charset: str = "utf-8") -> bytes:
    """An Amazon notification: a no-reply sender at the marketplace's domain, the order in
    the subject, a plain and an HTML part (ISO-2022-JP plain only for Japanese)."""
    japanese = charset.lower() in ("iso-2022-jp", "shift_jis")
    message = _envelope(
        sender=sender or f"seller-notification@{amazon_domain(marketplace)}",
        sender_name=sender_name, subject=subject, sent_at=sent_at,
        message_id=message_id,
        authentication=authentication, header_charset="iso-2022-jp" if japanese else None,
        content=text)
    _set_text(message, text, None if japanese else _html(text), charset)
    return message.as_bytes()


def atoz_claim(order_id: str, marketplace: str = "US", **options) -> bytes:
    # Modelled on Seller Central's "About A-to-z Guarantee claims" (27951): the claim is
    # announced by email to the claims notification address, the seller represents their side.
    texts = {
        "US": (f"A-to-z Guarantee claim filed for order {order_id}",
               f"A buyer has filed an A-to-z Guarantee claim for order {order_id}.\n\n"
               "Claim reason: Item not received\nClaim amount: $42.00\n\n"
               "Please respond to this claim in Seller Central (Performance > A-to-z "
               "Guarantee Claims)."),
        "DE": (f"A-bis-z-Garantieantrag für Bestellung {order_id}",
               f"Ein Käufer hat einen A-bis-z-Garantieantrag für Bestellung {order_id} "
               "gestellt.\n\nGrund: Artikel nicht erhalten\nBetrag: 42,00 €\n\n"
               "Bitte nehmen Sie in Seller Central (Kundenzufriedenheit > "
               "A-bis-z-Garantieanträge) Stellung."),
        "JP": (f"Amazonマーケットプレイス保証の申請がありました (注文番号: {order_id})",
               f"注文番号 {order_id} について、購入者様がAmazonマーケットプレイス保証を"
               "申請しました。\n\n申請理由: 商品未着\n申請金額: ￥4,200\n\n"
               "セラーセントラルでご回答ください。"),
    }
    subject, text = texts.get(marketplace, texts["US"])
    options.setdefault("sender", f"atoz-guarantee-no-reply@{amazon_domain(marketplace)}")
    return notification(marketplace=marketplace, subject=subject, text=text,
                        **_japanese(marketplace, options))


def atoz_info_request(order_id: str, marketplace: str = "US", *,
                      respond_by: str = "March 4, 2026", **options) -> bytes:
    # Modelled on "Respond to an A-to-z Guarantee claim notification" (G1781): Amazon emails
    # a request for more information, unanswered within 48 hours the claim is granted.
    texts = {
        "US": (f"Additional information required for A-to-z Guarantee claim on order {order_id}",
               f"We need more information about order {order_id} to decide the buyer's "
               "A-to-z Guarantee claim: shipping method, tracking number and carrier.\n\n"
               f"Please respond by {respond_by}. If you do not respond within 48 hours, "
               "the claim will be granted in favor of the buyer."),
        "DE": (f"Weitere Informationen zum A-bis-z-Garantieantrag für Bestellung {order_id} "
               "erforderlich",
               f"Wir benötigen weitere Informationen zu Bestellung {order_id}.\n\n"
               f"Bitte antworten Sie bis zum {respond_by}. Wenn Sie nicht innerhalb von 48 "
               "Stunden antworten, wird der Antrag zugunsten des Käufers genehmigt."),
    }
    subject, text = texts.get(marketplace, texts["US"])
    options.setdefault("sender", f"atoz-guarantee-no-reply@{amazon_domain(marketplace)}")
    return notification(marketplace=marketplace, subject=subject, text=text,
                        **options)


def chargeback(order_id: str, marketplace: str = "US", **options) -> bytes:
    # Modelled on "Respond to a chargeback claim" (G202145040): Amazon emails the seller for
    # the transaction's details; respond within seven calendar days of the email's date.
    texts = {
        "US": (f"Chargeback Notification - Order {order_id}",
               f"The buyer's credit card issuer has told us that the buyer disputes the "
               f"charge for order {order_id}.\n\nReason: Merchandise not received\n\n"
               "You must respond within seven calendar days of the date of this email, "
               "or we may debit your account."),
        "DE": (f"Rückbuchungsbenachrichtigung – Bestellung {order_id}",
               f"Der Kartenherausgeber des Käufers hat uns mitgeteilt, dass der Käufer die "
               f"Belastung für Bestellung {order_id} anficht.\n\nBitte antworten Sie innerhalb "
               "von sieben Kalendertagen ab dem Datum dieser E-Mail."),
        "JP": (f"チャージバックのお知らせ (注文番号: {order_id})",
               f"注文番号 {order_id} について、購入者様のクレジットカード会社から"
               "チャージバックの申請がありました。\n\nこのEメールの日付から7暦日以内にご回答ください。"),
    }
    subject, text = texts.get(marketplace, texts["US"])
    options.setdefault("sender", f"cb-seller-notification@{amazon_domain(marketplace)}")
    return notification(marketplace=marketplace, subject=subject, text=text,
                        **_japanese(marketplace, options))


def return_request(order_id: str, marketplace: str = "US", **options) -> bytes:
    # Modelled on Amazon's "Return authorization notification" mail and the Manage Returns
    # help pages (69126: "Rücksendeantrag"): the buyer asks to return an item.
    texts = {
        "US": (f"Return authorization notification for Order # {order_id}",
               f"The buyer has requested a return of the following item from order "
               f"{order_id}.\n\nItem: Brass Desk Lamp\nReturn reason: Item arrived damaged\n\n"
               "You can review the request in Manage Returns."),
        "UK": (f"Return authorisation notification for Order # {order_id}",
               f"The customer has requested a return from order {order_id}.\n\n"
               "Return reason: No longer needed"),
        "DE": (f"Rücksendeanfrage für Bestellung {order_id}",
               f"Der Käufer möchte einen Artikel aus Bestellung {order_id} zurücksenden.\n\n"
               "Grund: Artikel beschädigt\n\nSie können die Anfrage unter "
               "„Rücksendungen verwalten“ prüfen."),
        "JP": (f"返品リクエストのお知らせ (注文番号: {order_id})",
               f"注文番号 {order_id} の購入者様から返品リクエストがありました。\n\n"
               "返品理由: 商品の破損"),
    }
    subject, text = texts.get(marketplace, texts["US"])
    options.setdefault("sender", f"return@{amazon_domain(marketplace)}")
    return notification(marketplace=marketplace, subject=subject, text=text,
                        **_japanese(marketplace, options))


def negative_feedback(order_id: str, marketplace: str = "US", **options) -> bytes:
    # Modelled on the feedback notification sellers quote on the Seller Forums ("You've
    # received negative feedback") and Feedback Manager's fields (rating, comment, order).
    texts = {
        "US": ("You've received negative feedback",
               f"A buyer left feedback for order {order_id}.\n\nRating: 1 out of 5\n"
               "Comments: Arrived broken, seller slow to answer."),
        "UK": ("You've received negative feedback",
               f"A customer left feedback for order {order_id}.\n\nRating: 2 out of 5"),
        "DE": ("Sie haben eine negative Bewertung erhalten",
               f"Ein Käufer hat eine Bewertung für Bestellung {order_id} abgegeben.\n\n"
               "Bewertung: 1 von 5\nKommentar: Kam kaputt an."),
        "JP": ("低い評価が投稿されました",
               f"注文番号 {order_id} について、購入者様から評価が投稿されました。\n\n評価: 1"),
    }
    subject, text = texts.get(marketplace, texts["US"])
    options.setdefault("sender", f"feedback-notification@{amazon_domain(marketplace)}")
    return notification(marketplace=marketplace, subject=subject, text=text,
                        **_japanese(marketplace, options))


def atoz_decision(order_id: str, marketplace: str = "US", *, granted: bool = True,
                  **options) -> bytes:
    # Modelled on "About A-to-z Guarantee claims" (27951) and the appeal page (202041210):
    # Amazon tells the seller the claim was granted (debited, 30 days to appeal) or denied.
    if marketplace == "DE":
        outcome = "stattgegeben" if granted else "abgelehnt"
        subject = f"Entscheidung zum A-bis-z-Garantieantrag für Bestellung {order_id}: {outcome}"
        text = (f"Dem A-bis-z-Garantieantrag für Bestellung {order_id} wurde {outcome}.")
    else:
        outcome = "granted" if granted else "denied"
        subject = f"A-to-z Guarantee claim {outcome} for order {order_id}"
        text = (f"The A-to-z Guarantee claim for order {order_id} has been {outcome}."
                + (" The claim amount has been debited from your account. You have 30 "
                   "calendar days to appeal." if granted else ""))
    options.setdefault("sender", f"atoz-guarantee-no-reply@{amazon_domain(marketplace)}")
    return notification(marketplace=marketplace, subject=subject, text=text,
                        **options)


def _japanese(marketplace: str, options: dict) -> dict:
    if marketplace == "JP":
        options.setdefault("charset", "iso-2022-jp")
    return options

