"""Buyer references: a keyed hash of the buyer's relay e-mail or a handle staff type, so
the desk can count a buyer's issues and credits without storing who the buyer is."""

from __future__ import annotations

import hashlib
import hmac


def normalise_handle(handle: str) -> str:
    """The same buyer typed twice gives the same reference: case and blanks do not count."""
    return " ".join(handle.split()).casefold()


def buyer_reference(key: bytes, handle: str) -> str:
    if len(key) < 16:
        raise ValueError("the buyer-reference key is too short")
    text = normalise_handle(handle)
    if not text:
        raise ValueError("a buyer reference needs some text")
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
