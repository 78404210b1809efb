"""One email read as the desk needs it: sender, order, words, attachments, threading, and
what was malformed, from mail shaped like Amazon's (tests/helpers/amazon_mail.py) and from
hand-written broken mail."""

import base64
import hashlib
import os
import tracemalloc
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from sellerdesk.core.mail import parse_message, relay_marketplace
from sellerdesk.core.mail.parsing import html_to_text, order_ids_in
from tests.helpers import amazon_mail

ORDER = "114-3941689-8772232"


def test_a_buyer_message_with_a_photo_reads_as_the_desk_needs_it():
    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
    raw = amazon_mail.buyer_message(
        ORDER, "US", text="The shade arrived cracked, photo attached.", photo=photo,
        photo_name="Schaden – Foto ä.jpg", message_id="abc-1@email.amazon.com",
        sent_at=datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=-5))))
    message = parse_message(raw)
    assert message.message_id == "abc-1@email.amazon.com"
    assert message.sender == "9xk2hq7w4tzb3rm@marketplace.amazon.com"
    assert message.sender_name == "Jane"
    assert message.recipients == ("support@brightside-home.example",)
    assert message.subject == f"Inquiry from Amazon customer Jane (Order: {ORDER})"
    assert message.sent_at == datetime(2026, 3, 2, 14, 30)  # naive UTC
    assert "The shade arrived cracked, photo attached." in message.text
    assert "<p>" not in message.text  # the plain part, not the HTML alternative
    assert message.order_ids == (ORDER,)
    [attachment] = message.attachments
    # a non-ASCII name goes out RFC 2231-encoded (filename*=utf-8''…) and comes back whole
    assert b"filename*=utf-8''" in raw
    assert (attachment.name, attachment.content_type) == ("Schaden – Foto ä.jpg", "image/jpeg")
    assert attachment.data == photo
    assert message.defects == ()
    assert relay_marketplace(message.sender).code == "US"


def test_threading_headers_are_read_without_their_angle_brackets():
    raw = amazon_mail.buyer_message(
        ORDER, in_reply_to="reply-1@brightside-home.example",
        references=("first@email.amazon.com", "reply-1@brightside-home.example"))
    message = parse_message(raw)
    assert message.in_reply_to == "reply-1@brightside-home.example"
    assert message.references == ("first@email.amazon.com", "reply-1@brightside-home.example")


@pytest.mark.parametrize("charset", ["iso-2022-jp", "shift_jis"])
def test_japanese_mail_is_read_in_its_own_charset(charset):
    text = "ランプの笠が割れて届きました。交換をお願いします。"
    if charset == "shift_jis":
        text += "①"  # cp932 only: Windows mailers label it Shift_JIS all the same
    raw = amazon_mail.buyer_message("503-1234567-7654321", "JP", text=text, charset=charset,
                                    buyer="山田")
    assert text.encode("utf-8") not in raw  # really sent in the Japanese charset
    message = parse_message(raw)
    assert message.subject == ("Amazonのお客様 山田 からのお問い合わせ "
                               "(注文番号: 503-1234567-7654321)")
    assert message.sender_name == "山田"
    assert text in message.text
    assert message.order_ids == ("503-1234567-7654321",)
    assert message.defects == ()
    assert relay_marketplace(message.sender).code == "JP"


def test_quoted_printable_german_keeps_its_umlauts():
    raw = amazon_mail.return_request("302-1234567-1234567", "DE")
    assert b"Quoted-Printable" in raw or b"quoted-printable" in raw
    assert b"R=C3=BCcksendungen" in raw
    message = parse_message(raw)
    assert message.subject == "Rücksendeanfrage für Bestellung 302-1234567-1234567"
    assert "Der Käufer möchte einen Artikel aus Bestellung" in message.text
    assert "„Rücksendungen verwalten“ prüfen" in message.text


def test_html_only_mail_becomes_readable_text():
    message = parse_message(amazon_mail.html_only("202-1111111-2222222"))
    assert message.text == (
        "------------- Message: -------------\n\n"
        "Hello,\nthe kettle leaks & the lid won't close.\n\n"
        "- bought 1 March\n\n- used twice\n\n"
        "------------- End message -------------")
    assert "<html>" in message.html
    assert message.order_ids == ("202-1111111-2222222",)


def test_html_to_text_leaves_out_what_a_reader_never_sees():
    html = ("<html><head><title>Amazon</title><style>td{color:red}</style></head>"
            "<body><table><tr><td>Order</td><td>114-3941689-8772232</td></tr></table>"
            "<script>var x = '<p>';</script><p>Dear&nbsp;seller,<br/>please&#32;respond.</p>"
            "<img src='x.png' alt='Amazon logo'></body></html>")
    assert html_to_text(html) == (
        "Order 114-3941689-8772232\n\nDear seller,\nplease respond.\n\nAmazon logo")


def test_a_message_without_message_id_is_known_by_the_hash_of_its_bytes():
    raw = amazon_mail.buyer_message(ORDER, message_id=amazon_mail.WITHOUT_MESSAGE_ID)
    message = parse_message(raw)
    assert message.message_id == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert parse_message(raw).message_id == message.message_id
    assert "The message has no Message-ID; it is known by its SHA-256." in message.defects


MALFORMED = (
    b"From: Jane <9xk2hq7w4tzb3rm@marketplace.amazon.co.uk>\r\n"
    b"To: support@brightside-home.example\r\n"
    b"Subject: =?x-unknown-charset?B?SGVsbG8=?= Order 202-1111111-2222222\r\n"
    b"Date: 31 Febtober 2026 25:61\r\n"
    b"Message-ID: <broken-1@email.amazon.com>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    b"this header line has no colon\r\n"
    b"\r\n"
    b"--outer\r\n"
    b"Content-Type: text/plain; charset=klingon-8\r\n"
    b"\r\n"
    b"The parcel never came.\r\n"
    b"--outer\r\n"
    b"Content-Type: image/jpeg; name=\"photo.jpg\"\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"Content-Disposition: attachment; filename=\"photo.jpg\"\r\n"
    b"\r\n"
    b"/9j/4AAQ!!!SkZJRgABAQ\r\n"
)


def test_malformed_mime_is_kept_as_far_as_it_goes_and_said_in_words():
    message = parse_message(MALFORMED)  # never raises
    assert message.message_id == "broken-1@email.amazon.com"
    assert message.sender == "9xk2hq7w4tzb3rm@marketplace.amazon.co.uk"
    assert message.sent_at is None
    assert message.order_ids == ("202-1111111-2222222",)
    assert message.text == "The parcel never came."
    assert [a.name for a in message.attachments] == ["photo.jpg"]
    assert message.defects == (
        "The Subject header could not be decoded (unknown encoding: x-unknown-charset); "
        "it is kept as sent.",
        "The Date header '31 Febtober 2026 25:61' is not a date; the message has no time.",
        "The text/plain part names an unknown charset 'klingon-8'; it was read as UTF-8 or "
        "Shift_JIS.",
        "A header line has no colon; the body starts there.",
        "The multipart message ends without its closing boundary.",
        "A base64 part holds characters base64 does not use.",
        "A base64 part is wrongly padded.",
    )


@pytest.mark.parametrize("raw", [
    b"",
    b"\r\n\r\n",
    b"garbage without headers",
    b"Content-Type: multipart/mixed\r\n\r\nno boundary at all",
    b"Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n--b--\r\n",
    b"From: <>\r\nTo: ,,,@@@\r\nSubject: \xff\xfe\r\n\r\n\xff",
    b"Content-Type: text/plain; charset=\"utf-8\r\n\r\nunterminated quote",
    b"Content-Type: message/rfc822\r\n\r\nFrom: inner@example.com\r\n\r\ninner body",
    b"From: a@b.c\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@@",
])
def test_nothing_a_server_hands_over_makes_the_parser_raise(raw):
    message = parse_message(raw)
    assert message.message_id  # a message always has an id to be stored under


def test_a_date_without_a_zone_is_read_as_utc_and_said():
    raw = amazon_mail.buyer_message(ORDER).replace(
        b"Date: Mon, 02 Mar 2026 09:30:00 +0000", b"Date: Mon, 02 Mar 2026 09:30:00")
    message = parse_message(raw)
    assert message.sent_at == datetime(2026, 3, 2, 9, 30)
    assert "The Date header has no time zone; it was read as UTC." in message.defects


def test_a_message_without_a_date_has_no_time():
    raw = amazon_mail.buyer_message(ORDER).replace(
        b"Date: Mon, 02 Mar 2026 09:30:00 +0000\r\n", b"")
    assert parse_message(raw).sent_at is None


def test_a_japanese_date_comes_back_in_utc():
    raw = amazon_mail.buyer_message(
        ORDER, sent_at=datetime(2026, 3, 2, 8, 0, tzinfo=timezone(timedelta(hours=9))))
    assert parse_message(raw).sent_at == datetime(2026, 3, 1, 23, 0)


def test_order_ids_come_from_the_subject_first_then_the_body_each_once():
    assert order_ids_in("Order 302-7654321-1234567 and 114-3941689-8772232",
                        "see 114-3941689-8772232, also 028-1111111-2222222") == (
        "302-7654321-1234567", "114-3941689-8772232", "028-1111111-2222222")


@pytest.mark.parametrize("text", [
    "tracking 9114-3941689-8772232",      # a digit before
    "ref 114-3941689-87722321",           # a digit after
    "phone 49-114-3941689-8772232",       # part of a longer dashed run
    "id 114-3941689-8772232-7",
    "114-394168-8772232 114 3941689 8772232",  # wrong lengths and no dashes
    "١١٤-٣٩٤١٦٨٩-٨٧٧٢٢٣٢",                # Arabic-Indic digits are not Amazon's
])
def test_an_order_id_is_never_read_out_of_a_longer_number(text):
    assert order_ids_in(text) == ()


def test_full_width_digits_are_the_same_order_id():
    assert order_ids_in("注文番号：５０３－１２３４５６７－７６５４３２１") == (
        "503-1234567-7654321",)


@pytest.mark.parametrize(("domain", "code"), [
    ("marketplace.amazon.com", "US"), ("marketplace.amazon.co.uk", "UK"),
    ("marketplace.amazon.de", "DE"), ("marketplace.amazon.fr", "FR"),
    ("marketplace.amazon.it", "IT"), ("marketplace.amazon.es", "ES"),
    ("marketplace.amazon.nl", "NL"), ("marketplace.amazon.se", "SE"),
    ("marketplace.amazon.pl", "PL"), ("marketplace.amazon.co.jp", "JP"),
    ("marketplace.amazon.ca", "CA"), ("marketplace.amazon.com.au", "AU"),
    ("marketplace.amazon.in", "IN"), ("marketplace.amazon.com.mx", "MX"),
    ("MARKETPLACE.Amazon.DE", "DE"),
])
def test_a_relay_address_names_its_marketplace(domain, code):
    assert relay_marketplace(f"abc123xyz@{domain}").code == code


@pytest.mark.parametrize("address", [
    "abc123xyz@amazon.com", "abc@marketplace.amazon.evil.example",
    "abc@marketplace.amazon.com.evil.example", "marketplace.amazon.de@evil.example",
    "abc@evilmarketplace.amazon.de", "not an address",
])
def test_other_addresses_are_no_relay(address):
    assert relay_marketplace(address) is None


def test_attachment_names_in_rfc_2231_continuations_and_encoded_words():
    raw = (b"From: a@marketplace.amazon.de\r\nMessage-ID: <n@x>\r\n"
           b"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
           b"--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
           b"--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
           b"Content-Disposition: attachment;\r\n"
           b" filename*0*=utf-8''R%C3%BCcksende;\r\n filename*1*=schein%20Nr.%201.pdf\r\n"
           b"\r\nJVBERi0xLjQ=\r\n"
           b"--b\r\nContent-Type: image/png; name=\"=?ISO-2022-JP?B?GyRCPHVJVRsoQg==?=.png\"\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\niVBORw==\r\n"
           b"--b\r\nContent-Type: image/png; name=\"..\\\\..\\\\evil.png\"\r\n"
           b"Content-Disposition: attachment\r\n\r\nx\r\n"
           b"--b--\r\n")
    message = parse_message(raw)
    assert [(a.name, a.content_type, a.data) for a in message.attachments] == [
        ("Rücksendeschein Nr. 1.pdf", "application/pdf", b"%PDF-1.4"),
        ("受付.png", "image/png", b"\x89PNG"),
        ("evil.png", "image/png", b"x"),
    ]
    assert message.text == "see attached"


def test_an_unencoded_shift_jis_subject_is_read_all_the_same():
    raw = ("From: a@marketplace.amazon.co.jp\r\nSubject: 返品について 503-1234567-7654321\r\n"
           "Content-Type: text/plain; charset=Shift_JIS\r\n\r\n返品したいです\r\n").encode("cp932")
    message = parse_message(raw)
    assert message.subject == "返品について 503-1234567-7654321"
    assert message.text.strip() == "返品したいです"
    assert "The Subject header has unencoded 8-bit characters." in message.defects


def test_a_25_mb_attachment_comes_through_whole_without_being_copied_over_and_over():
    photo = os.urandom(25 * 1024 * 1024 + 1)  # +1: a padded last base64 line too
    raw = amazon_mail.buyer_message(ORDER, photo=photo, photo_name="big.jpg")
    tracemalloc.start()
    try:
        message = parse_message(raw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    [attachment] = message.attachments
    assert attachment.name == "big.jpg"
    assert attachment.data == photo
    assert message.order_ids == (ORDER,)
    assert message.defects == ()
    # the decoded photo once, and little else; the stdlib parser alone held about ten
    # times the photo (its base64 as half a million lines, then joined, then as bytes)
    assert peak < 1.5 * len(photo)


def test_long_base64_looking_lines_in_a_part_that_is_not_base64_stay_its_text():
    lines = "".join(f"{'QUJD' * 18}{n:04d}\r\n" for n in range(16_000))  # 1.2 MB
    raw = (b"From: a@marketplace.amazon.com\r\nMessage-ID: <t@x>\r\n"
           b"Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit"
           b"\r\n\r\n" + lines.encode())
    message = parse_message(raw)
    assert message.text == lines.replace("\r\n", "\n")


def test_a_big_attachment_inside_an_attached_message_is_kept_whole():
    photo = os.urandom(2 * 1024 * 1024)
    inner = amazon_mail.buyer_message(ORDER, photo=photo, photo_name="inner.jpg")
    outer = EmailMessage(policy=policy.SMTP)
    outer["From"] = "seller-notification@amazon.com"
    outer["Message-ID"] = "<outer@amazon.com>"
    outer.set_content("Forwarded for your records.")
    outer.add_attachment(message_from_bytes(inner, policy=policy.SMTP))
    message = parse_message(outer.as_bytes())
    [attached] = message.attachments
    assert attached.content_type == "message/rfc822"
    assert parse_message(attached.data).attachments[0].data == photo


def test_a_big_base64_body_with_a_short_first_line_decodes_whole():
    data = os.urandom(1_200_000)
    encoded = base64.b64encode(data).decode()
    lines = [encoded[:8]] + [encoded[i:i + 76] for i in range(8, len(encoded), 76)]
    raw = (b"From: a@marketplace.amazon.com\r\nMessage-ID: <s@x>\r\n"
           b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
           b"Content-Type: text/plain\r\n\r\nsee the file\r\n--b\r\n"
           b"Content-Type: application/octet-stream; name=scan.bin\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\n"
           + "\r\n".join(lines).encode() + b"\r\n--b--\r\n")
    message = parse_message(raw)
    assert [(a.name, a.data == data) for a in message.attachments] == [("scan.bin", True)]


def test_sample_mails_each_have_their_own_message_id_and_keep_it():
    # the sync is idempotent by Message-ID: two different sample mails must never share one
    first = parse_message(amazon_mail.buyer_message(ORDER, text="Where is it?"))
    again = parse_message(amazon_mail.buyer_message(ORDER, text="Where is it?"))
    other = parse_message(amazon_mail.buyer_message(ORDER, text="It came, thanks."))
    claims = {parse_message(amazon_mail.atoz_claim(order)).message_id
              for order in (ORDER, "302-1234567-1234567")}
    assert first.message_id == again.message_id != other.message_id
    assert len(claims) == 2
