"""Amazon's notices recognised from the one table (NOTICES), a sample for each row, and
trust decided by the sending domain and the receiving server's authentication results,
never by the display name."""

from datetime import date, datetime

import pytest

from sellerdesk.core.mail import parse_message
from sellerdesk.core.mail.notifications import KINDS, NOTICES, classify
from tests.helpers import amazon_mail

ORDER = "114-3941689-8772232"

# A sample per row of NOTICES, keyed by the row's name: a row added without a sample
# fails test_each_row_recognises_its_sample.
SAMPLES = {
    "atoz_info_request/en": lambda **o: amazon_mail.atoz_info_request(ORDER, "US", **o),
    "atoz_info_request/de": lambda **o: amazon_mail.atoz_info_request(
        ORDER, "DE", respond_by="4. März 2026", **o),
    "atoz_decision/en": lambda **o: amazon_mail.atoz_decision(ORDER, "UK", granted=True, **o),
    "atoz_decision/de": lambda **o: amazon_mail.atoz_decision(ORDER, "DE", granted=False, **o),
    "atoz_claim/en": lambda **o: amazon_mail.atoz_claim(ORDER, "US", **o),
    "atoz_claim/de": lambda **o: amazon_mail.atoz_claim(ORDER, "DE", **o),
    "atoz_claim/ja": lambda **o: amazon_mail.atoz_claim(ORDER, "JP", **o),
    "chargeback_notice/en": lambda **o: amazon_mail.chargeback(ORDER, "US", **o),
    "chargeback_notice/de": lambda **o: amazon_mail.chargeback(ORDER, "DE", **o),
    "chargeback_notice/ja": lambda **o: amazon_mail.chargeback(ORDER, "JP", **o),
    "return_request/en": lambda **o: amazon_mail.return_request(ORDER, "UK", **o),
    "return_request/de": lambda **o: amazon_mail.return_request(ORDER, "DE", **o),
    "return_request/ja": lambda **o: amazon_mail.return_request(ORDER, "JP", **o),
    "negative_feedback/en": lambda **o: amazon_mail.negative_feedback(ORDER, "US", **o),
    "negative_feedback/de": lambda **o: amazon_mail.negative_feedback(ORDER, "DE", **o),
    "negative_feedback/ja": lambda **o: amazon_mail.negative_feedback(ORDER, "JP", **o),
    "buyer_message": lambda **o: amazon_mail.buyer_message(ORDER, "DE", **o),
}


def test_the_table_names_each_row_once_and_only_known_kinds():
    names = [notice.name for notice in NOTICES]
    assert len(names) == len(set(names))
    assert {notice.kind for notice in NOTICES} == set(KINDS)
    assert all(notice.source for notice in NOTICES)


@pytest.mark.parametrize("notice", NOTICES, ids=lambda notice: notice.name)
@pytest.mark.parametrize("authentication", [None, "pass"])
def test_each_row_recognises_its_sample(notice, authentication):
    classified = classify(parse_message(SAMPLES[notice.name](authentication=authentication)))
    assert (classified.kind, classified.notice) == (notice.kind, notice.name)
    assert classified.order_id == ORDER
    assert (classified.trusted, classified.why_not) == (True, "")


def test_a_chargeback_gives_seven_days_from_the_mail():
    classified = classify(parse_message(amazon_mail.chargeback(
        ORDER, "US", sent_at=datetime(2026, 3, 2, 22, 15, tzinfo=amazon_mail.UTC))))
    assert classified.due == datetime(2026, 3, 9, 22, 15)


def test_an_information_request_gives_48_hours_and_the_date_it_names():
    english = classify(parse_message(amazon_mail.atoz_info_request(ORDER, "US")))
    assert (english.kind, english.due, english.due_date) == (
        "atoz_info_request", datetime(2026, 3, 4, 9, 30), date(2026, 3, 4))
    german = classify(parse_message(amazon_mail.atoz_info_request(
        "302-1234567-1234567", "DE", respond_by="4. März 2026")))
    assert (german.kind, german.due_date, german.order_id) == (
        "atoz_info_request", date(2026, 3, 4), "302-1234567-1234567")
    assert german.marketplace.code == "DE"


@pytest.mark.parametrize(("marketplace", "granted"), [
    ("US", True), ("US", False), ("DE", True), ("DE", False)])
def test_a_claim_decision_says_whether_it_was_granted(marketplace, granted):
    classified = classify(parse_message(
        amazon_mail.atoz_decision(ORDER, marketplace, granted=granted)))
    assert classified.kind == "atoz_decision"
    assert classified.decision == ("granted" if granted else "denied")


def test_a_buyer_message_is_known_by_its_relay_sender_whatever_the_subject():
    classified = classify(parse_message(amazon_mail.buyer_message(
        None, "JP", subject="Re: 返品について", text="まだ届いていません。")))
    assert (classified.kind, classified.order_id, classified.trusted) == (
        "buyer_message", None, True)
    assert classified.marketplace.code == "JP"


def test_an_amazon_name_on_another_domain_is_not_trusted():
    raw = amazon_mail.atoz_claim(ORDER, "US", sender="amazon@evil.example",
                                 sender_name="Amazon")
    classified = classify(parse_message(raw))
    assert classified.kind == "atoz_claim"  # it looks like one: a person should see it
    assert classified.trusted is False
    assert classified.why_not == ("It comes from evil.example, not from a domain Amazon "
                                  "sends this atoz claim from; the sender's name proves "
                                  "nothing.")


@pytest.mark.parametrize("sender", [
    "seller-notification@amazon.com.evil.example",
    "seller-notification@evil-amazon.com",
    "seller-notification@amazonses.com",
    "seller-notification@amazon.xyz",
    "seller-notification@amazon.de",               # not where English notices come from
])
def test_lookalike_and_wrong_domains_are_not_trusted(sender):
    classified = classify(parse_message(amazon_mail.chargeback(ORDER, "US", sender=sender)))
    assert classified.kind == "chargeback_notice"
    assert classified.trusted is False
    assert sender.rpartition("@")[2] in classified.why_not


def test_a_relay_lookalike_is_no_buyer_message():
    raw = amazon_mail.buyer_message(ORDER, sender="abc@marketplace.amazon.com.evil.example")
    classified = classify(parse_message(raw))
    assert (classified.kind, classified.trusted) == ("unsorted", False)


def test_a_failed_dkim_signature_makes_amazon_mail_untrusted():
    classified = classify(parse_message(
        amazon_mail.negative_feedback(ORDER, "US", authentication="fail")))
    assert classified.kind == "negative_feedback"
    assert classified.trusted is False
    assert classified.why_not == ("The receiving server says the DKIM signature for "
                                  "amazon.com failed.")


@pytest.mark.parametrize(("header", "why_not"), [
    ("mx.example; dkim=none; spf=none smtp.mailfrom=amazon.com",
     "The receiving server found no Amazon signature on it (dkim=none, spf=none)."),
    ("mx.example; dkim=pass header.d=amazonses.com; spf=pass smtp.mailfrom=amazonses.com",
     "The receiving server found no Amazon signature on it (dkim=pass, spf=pass)."),
    ("mx.example; dmarc=fail (p=REJECT) header.from=amazon.com",
     "The receiving server says the DMARC check for amazon.com failed."),
    ("mx.example; spf=fail smtp.mailfrom=amazon.com",
     "The receiving server says SPF failed for amazon.com."),
])
def test_authentication_results_without_amazon_passing_are_not_trusted(header, why_not):
    raw = amazon_mail.return_request(ORDER, "US").replace(
        b"To: ", f"Authentication-Results: {header}\r\nTo: ".encode(), 1)
    classified = classify(parse_message(raw))
    assert (classified.trusted, classified.why_not) == (False, why_not)


def test_a_forged_pass_below_the_servers_own_header_does_not_count():
    # The seller's server adds its header on top; a sender can write anything below it
    raw = amazon_mail.atoz_claim(ORDER, "US").replace(
        b"To: ",
        b"Authentication-Results: mx.brightside-home.example; dkim=none; spf=none\r\n"
        b"Authentication-Results: mx.brightside-home.example; dkim=pass header.d=amazon.com;"
        b" dmarc=pass header.from=amazon.com\r\nTo: ", 1)
    classified = classify(parse_message(raw))
    assert classified.trusted is False
    assert classified.why_not == ("The receiving server found no Amazon signature on it "
                                  "(dkim=none, spf=none).")


def test_forwarded_amazon_mail_passes_on_dmarc_though_spf_failed():
    raw = amazon_mail.chargeback(ORDER, "US").replace(
        b"To: ",
        b"Authentication-Results: mx.brightside-home.example; dkim=pass (2048-bit key)"
        b" header.i=@amazon.com; spf=fail smtp.mailfrom=amazon.com;"
        b" dmarc=pass header.from=amazon.com\r\nTo: ", 1)
    assert classify(parse_message(raw)).trusted is True


def test_mail_no_row_knows_is_unsorted_with_its_order_id():
    from_amazon = classify(parse_message(amazon_mail.notification(
        marketplace="US", subject=f"Your order {ORDER} has shipped", text="On its way.")))
    assert (from_amazon.kind, from_amazon.order_id, from_amazon.trusted) == (
        "unsorted", ORDER, True)
    stranger = classify(parse_message(amazon_mail.notification(
        marketplace="US", subject=f"About {ORDER}", text="Hi",
        sender="someone@mail.example")))
    assert (stranger.kind, stranger.order_id, stranger.trusted) == ("unsorted", ORDER, False)
    assert stranger.why_not == "It comes from mail.example, which is not Amazon's."


@pytest.mark.parametrize("subject", [
    f"Return request for order {ORDER}", f"Re: chargeback on order {ORDER}",
    f"Rücksendeanfrage zur Bestellung {ORDER}"])
def test_a_buyers_relayed_message_whose_subject_reads_like_a_notice_is_the_buyers(subject):
    """Through the relay, the subject is the buyer's (or Amazon's return request sent
    from the relay): it was taken for a notice from the wrong domain, untrusted, and left
    in Unsorted — no reply clock started."""
    classified = classify(parse_message(amazon_mail.buyer_message(ORDER, "DE",
                                                                  subject=subject)))
    assert (classified.kind, classified.trusted, classified.order_id) == (
        "buyer_message", True, ORDER)     # a buyer's message: it moves no notice's clock


def test_a_stranger_using_a_notices_subject_is_still_named_and_not_trusted():
    classified = classify(parse_message(amazon_mail.chargeback(
        ORDER, "US", sender="chargebacks@amazon-payments.example")))
    assert (classified.kind, classified.trusted) == ("chargeback_notice", False)
