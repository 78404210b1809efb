"""The only door to the OS keyring. When no keyring works (a headless Linux box, a
locked keychain), secrets are kept in memory for this session only — never written to
a file — and `persistent` says so, so the window can tell the user."""

from __future__ import annotations

import logging
import secrets as random_source

import keyring
from keyring.errors import KeyringError

SERVICE = "SellerDesk"
log = logging.getLogger(__name__)
_session: dict[str, str] = {}


def backend_name() -> str:
    return type(keyring.get_keyring()).__name__


def get_secret(name: str) -> tuple[str | None, bool]:
    """(value, persistent). Keyring failures fall back to this session's memory."""
    try:
        value = keyring.get_password(SERVICE, name)
    except (KeyringError, RuntimeError) as exc:
        log.warning("OS keyring unavailable (%s); keeping secrets for this session only",
                    type(exc).__name__)
        return _session.get(name), False
    return (value if value is not None else _session.get(name)), name not in _session


def set_secret(name: str, value: str) -> bool:
    """Store a secret; returns True when the OS keyring holds it, False when only memory."""
    try:
        keyring.set_password(SERVICE, name, value)
    except (KeyringError, RuntimeError) as exc:
        log.warning("OS keyring unavailable (%s); keeping secrets for this session only",
                    type(exc).__name__)
        _session[name] = value
        return False
    _session.pop(name, None)
    return True


def buyer_reference_key() -> tuple[bytes, bool]:
    """The HMAC key for buyer references, made on first use. (key, persistent)"""
    value, persistent = get_secret("buyer-reference-key")
    if value is None:
        value = random_source.token_hex(32)
        persistent = set_secret("buyer-reference-key", value)
    return bytes.fromhex(value), persistent
