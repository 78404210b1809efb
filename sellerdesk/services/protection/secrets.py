"""The only door to the OS keyring. When no keyring works (a headless Linux box, a
locked keychain), secrets are kept in memory for this session only — never written to
a file in clear — and `keyring_available()` says so, so the window and the CLI can tell
the user. The desk's own keys can then live in a key file sealed with a passphrase
(services.protection.key_file), once it is open: `use_sealed_store`."""

from __future__ import annotations

import logging

import keyring
from keyring.backends import fail, null
from keyring.errors import KeyringError, PasswordDeleteError

SERVICE = "SellerDesk"
NO_KEYRING = ("No OS keyring is available: SellerDesk keeps secrets for this session "
              "only (never on disk in clear), so saved credentials and the buyer details "
              "typed on issues last until it closes, and buyer history is not checked "
              "(each suggestion for a named buyer needs approval). To keep the desk's keys "
              "across restarts, make a key file sealed with a passphrase: Settings › Key "
              "file, or sellerdesk key-file create.")
log = logging.getLogger(__name__)
_session: dict[str, str] = {}
_broken: list[str] = []  # the keyring error seen, once: no retry, one warning per process
_sealed: list = [None]   # the open key file (services.protection.key_file.SealedKeys), if any


def _failed(exc: Exception) -> None:
    if not _broken:
        _broken.append(type(exc).__name__)
        log.warning("%s (%s)", NO_KEYRING, type(exc).__name__)


def keyring_available() -> bool:
    return not _broken


def check_keyring() -> bool:
    """Ask the keyring once, at start, so the window can say at once when there is none
    (a backend that only pretends — keyring's fail and null ones — counts as none)."""
    if _broken:
        return False
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        _failed(RuntimeError(type(backend).__module__))
        return False
    try:
        keyring.get_password(SERVICE, "probe")
    except (KeyringError, RuntimeError) as exc:
        _failed(exc)
    return not _broken


def backend_name() -> str:
    return "this session's memory" if _broken else type(keyring.get_keyring()).__name__


def use_sealed_store(store) -> None:
    """Where no keyring works: keep the secrets `store` holds in it (the open key file)."""
    _sealed[0] = store


def sealed_store():
    return _sealed[0]


def _in_sealed(name: str):
    store = _sealed[0]
    return store if _broken and store is not None and store.holds(name) else None


def kept_beyond_session(name: str) -> bool:
    """Whether a secret set now would outlive this process (keyring, or open key file)."""
    return check_keyring() or _in_sealed(name) is not None


def get_secret(name: str) -> str | None:
    store = _in_sealed(name)
    if store is not None:
        return store.get(name)
    if name in _session or _broken:
        return _session.get(name)
    try:
        return keyring.get_password(SERVICE, name)
    except (KeyringError, RuntimeError) as exc:
        _failed(exc)
        return None


def set_secret(name: str, value: str) -> bool:
    """Store a secret; True when the OS keyring holds it, False when only this session."""
    if not _broken:
        try:
            keyring.set_password(SERVICE, name, value)
            if keyring.get_password(SERVICE, name) == value:
                return True
            # A keyring that takes a secret and forgets it (keyring's null backend, a
            # locked store that drops writes) would lose the key to buyer data.
            _failed(RuntimeError("the keyring did not keep a secret"))
        except (KeyringError, RuntimeError) as exc:
            _failed(exc)
    store = _in_sealed(name)
    if store is not None:
        store.put(name, value)
        return True
    _session[name] = value
    return False


def delete_secret(name: str) -> None:
    """Forget a secret, from this session, the key file and the keyring."""
    _session.pop(name, None)
    store = _in_sealed(name)
    if store is not None:
        store.delete(name)
    if not _broken:
        try:
            keyring.delete_password(SERVICE, name)
        except PasswordDeleteError:
            pass                                    # there was none
        except (KeyringError, RuntimeError) as exc:
            _failed(exc)
