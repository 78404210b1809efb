"""Sealing a piece of buyer personal data with AES-256-GCM.

A sealed value is an envelope: `SD1` · key id (4 bytes) · nonce (12 bytes) · ciphertext
with its 16-byte tag. The cell it belongs to — table, column and row — is the associated
data, so a value copied into another row or column fails to open instead of showing the
wrong buyer's details; a flipped bit fails the tag. Opening never returns a plaintext the
key did not seal for that very cell.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sellerdesk.core.errors import KnownError

MAGIC = b"SD1"
KEY_BYTES = 32
_HEAD = struct.Struct(">3sI12s")          # magic, key id, nonce
_TAG_BYTES = 16


class SealBroken(KnownError):
    """A sealed value that does not open: damaged, moved from another cell, or sealed
    with a key this desk does not hold."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def cell(table: str, column: str, row: int | str) -> bytes:
    """The associated data naming one cell."""
    return f"sellerdesk|{table}|{column}|{row}".encode()


def is_envelope(value: object) -> bool:
    return (isinstance(value, bytes | bytearray | memoryview)
            and len(value) >= _HEAD.size + _TAG_BYTES and bytes(value[:3]) == MAGIC)


def key_id_of(envelope: bytes) -> int:
    return _HEAD.unpack_from(envelope)[1]


def seal(key: bytes, key_id: int, where: bytes, plaintext: str) -> bytes:
    nonce = os.urandom(12)  # random 96-bit nonces: safe for far more than 2**32 seals per key
    head = _HEAD.pack(MAGIC, key_id, nonce)
    return head + AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), head + where)


def unseal(keys: Mapping[int, bytes], where: bytes, envelope: bytes, *,
           what: str = "this value") -> str:
    envelope = bytes(envelope)
    if not is_envelope(envelope):
        raise SealBroken(f"{what} is damaged (not a sealed value); it cannot be read.")
    _magic, key_id, nonce = _HEAD.unpack_from(envelope)
    key = keys.get(key_id)
    if key is None:
        raise SealBroken(f"{what} was sealed with key {key_id}, which is not in this "
                         "computer's keyring (entered on another computer, or in a "
                         "session without a keyring); it cannot be read here.")
    try:
        plain = AESGCM(key).decrypt(nonce, envelope[_HEAD.size:],
                                    envelope[:_HEAD.size] + where)
    except InvalidTag:
        raise SealBroken(f"{what} does not open with its key: it was altered or moved from "
                         "another record. It is not shown.") from None
    return plain.decode("utf-8")
