"""Amazon's numbers as a desk types them: rates in percent, whole days and hours, values
within reach of what Amazon has ever published."""

import re
from decimal import Decimal

import pytest

from sellerdesk.core.amazon_facts import BY_KEY, FACTS, checked, fact
from sellerdesk.core.errors import KnownError


@pytest.mark.parametrize(("key", "typed", "stored"), [
    ("odr_target", "1", Decimal("0.01")),
    ("odr_target", " 0,75 % ", Decimal("0.0075")),
    ("valid_tracking_target", "95", Decimal("0.95")),
    ("odr_window_days", "90", Decimal(90)),
    ("refund_after_return_days", "3", Decimal(3)),
    ("atoz_information_hours", "72", Decimal(72)),
    ("atoz_appeal_information_hours", "48", Decimal(48)),
])
def test_typed_values_are_stored_as_the_fact_reads_them(key, typed, stored):
    assert checked(key, typed) == stored
    assert fact(key, {key: checked(key, typed)}) == stored


@pytest.mark.parametrize(("key", "typed", "message"), [
    ("nope", "1", "no Amazon fact called 'nope'"),
    ("odr_target", "", "Order Defect Rate target (below): '' is not a number"),
    ("odr_target", "101", "Order Defect Rate target (below): 101 % is outside 0.1 % to 100 %"),
    ("odr_target", "NaN", "is outside"),
    ("odr_target", "Infinity", "is outside"),
    ("odr_window_days", "-60", "-60 days is outside 1 days to 365 days"),
    ("reply_hours", "24.5", "Reply to a buyer message: give whole hours"),
])
def test_slips_are_named(key, typed, message):
    with pytest.raises(KnownError, match=re.escape(message)):
        checked(key, typed)


def test_every_default_passes_its_own_check():
    for f in FACTS:
        shown = f"{(f.default * 100 if f.unit == 'rate' else f.default)}"
        assert checked(f.key, shown) == f.default


def test_the_information_request_clocks_and_their_sources():
    claim, appeal = (BY_KEY["atoz_information_hours"], BY_KEY["atoz_appeal_information_hours"])
    assert (claim.default, appeal.default) == (Decimal(48), Decimal(72))
    assert re.search(r"G1781 .* 48 hours", claim.source)
    assert re.search(r"G202041210 .* 72 hours", appeal.source)
