"""A sealed value opens only in its own cell with its own key; anything else — a flipped
bit, a value moved between rows or columns, a cut-off envelope, another key — fails with
a sentence, never with another plaintext."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.sealing import (
    SealBroken,
    cell,
    is_envelope,
    key_id_of,
    new_key,
    seal,
    unseal,
)

KEY = new_key()
KEYS = {7: KEY}
HERE = cell("personal_data", "name", 42)


def test_a_sealed_value_opens_in_its_cell_and_hides_its_text():
    sealed = seal(KEY, 7, HERE, "Jane Doe, 1 Canary Wharf")
    assert is_envelope(sealed)
    assert key_id_of(sealed) == 7
    assert b"Jane" not in sealed
    assert b"Canary" not in sealed
    assert unseal(KEYS, HERE, sealed) == "Jane Doe, 1 Canary Wharf"
    assert seal(KEY, 7, HERE, "Jane") != seal(KEY, 7, HERE, "Jane")   # fresh nonce each time


@given(st.data())
def test_every_flipped_bit_is_refused(data):
    sealed = bytearray(seal(KEY, 7, HERE, "jane@example.com"))
    bit = data.draw(st.integers(0, len(sealed) * 8 - 1))
    sealed[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(SealBroken) as refused:
        unseal(KEYS, HERE, bytes(sealed), what="the buyer's e-mail on issue 42")
    assert "the buyer's e-mail on issue 42" in str(refused.value) or "damaged" in str(
        refused.value)


@pytest.mark.parametrize("elsewhere", [
    cell("personal_data", "name", 43),            # another row
    cell("personal_data", "email", 42),           # another column
    cell("issue", "name", 42),                    # another table
])
def test_a_value_moved_to_another_cell_does_not_open(elsewhere):
    sealed = seal(KEY, 7, HERE, "Jane Doe")
    with pytest.raises(SealBroken, match="altered or moved from another record"):
        unseal(KEYS, elsewhere, sealed)


def test_another_key_or_a_missing_key_is_said_plainly():
    sealed = seal(KEY, 7, HERE, "Jane Doe")
    with pytest.raises(SealBroken, match="altered or moved"):
        unseal({7: new_key()}, HERE, sealed)
    with pytest.raises(SealBroken, match="key 7, which is not in this computer's keyring"):
        unseal({8: KEY}, HERE, sealed)


@pytest.mark.parametrize("damage", [b"", b"SD1", b"plain text, never sealed",
                                    b"SD2" + b"\0" * 40])
def test_what_is_not_an_envelope_is_damaged(damage):
    with pytest.raises(SealBroken, match="damaged"):
        unseal(KEYS, HERE, damage)


def test_a_cut_off_envelope_is_refused():
    sealed = seal(KEY, 7, HERE, "Jane Doe")
    for length in range(len(sealed)):
        with pytest.raises(SealBroken):
            unseal(KEYS, HERE, sealed[:length])
