import pytest

from sellerdesk.core.orders import Channel, OrderFilter, looks_like_order_id


@pytest.mark.parametrize("text", ["114", "114-", "114-3941689", "114-3941689-8772232", " 503-1"])
def test_order_id_prefixes_are_recognised(text):
    assert looks_like_order_id(text)


@pytest.mark.parametrize("text", ["mug", "BK-COOK-01", "B0C1K2L3M4", "1143-", "114-39416890"])
def test_other_text_is_not_an_order_id(text):
    assert not looks_like_order_id(text)


@pytest.mark.parametrize(("text", "channel"), [
    ("Amazon", Channel.AFN), ("Merchant", Channel.MFN), ("AFN", Channel.AFN), ("mfn", Channel.MFN),
])
def test_channel_from_report(text, channel):
    assert Channel.from_report(text) is channel


def test_unknown_channel():
    with pytest.raises(ValueError, match="neither Amazon nor Merchant"):
        Channel.from_report("Drone")


def test_empty_filter():
    assert OrderFilter().is_empty
    assert not OrderFilter(search="x").is_empty
