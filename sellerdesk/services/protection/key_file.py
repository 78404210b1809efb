"""Where no OS keyring works: the desk's keys kept across restarts in one file in the
app's data folder, sealed with a passphrase the user types at start — never in clear.

Without it (services.protection.secrets) those keys would live for one process: every start would
make a new buyer-reference key, each buyer's history would vanish, and the repeat-buyer
and serial-claimant guards would stop applying without a word. With it locked or absent,
services.protection.shared_keys refuses to make a throwaway key, and a suggestion for a named buyer
says their history could not be checked and needs approval.

The file: JSON with scrypt's parameters and salt, and the keys as AES-256-GCM ciphertext
of a JSON object (PyCA's primitives; the associated data names the format, so a file of
another kind never opens as this one). Written whole to a private temporary file and
moved into place, so a crash leaves the old file or the new one.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from sellerdesk.core.errors import KnownError
from sellerdesk.services.paths import data_dir
from sellerdesk.services.protection import data_keys, secrets, shared_keys

PASSPHRASE_ENV = "SELLERDESK_KEY_PASSPHRASE"
FILE_NAME = "desk-keys.sealed"
# The desk's own keys; credentials and passwords stay session-only as before.
HOLDS = (shared_keys.BUYER_REFERENCE, data_keys.SECRET)
SHORTEST_PASSPHRASE = 12
FORMAT = b"SellerDesk key file 1"
# Opening the file is once per start, so it can cost more than a PIN: 64 MiB.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**16, 8, 1
LOCKED = ("buyer history is not checked this session: no OS keyring works and the key "
          "file stays locked, so each suggestion for a named buyer needs approval")


class KeyFileError(KnownError):
    """The key file cannot be made or opened: a wrong passphrase, a damaged file."""


def path() -> Path:
    return data_dir() / FILE_NAME


def needed() -> bool:
    """No OS keyring works here (the only case where the key file is used)."""
    return not secrets.check_keyring()


def exists() -> bool:
    return path().exists()


def is_open() -> bool:
    return isinstance(secrets.sealed_store(), SealedKeys)


def state() -> str:
    if not needed():
        return f"The OS keyring ({secrets.backend_name()}) keeps the desk's keys."
    if is_open():
        return f"No OS keyring works; the desk's keys are kept in {path()} (open)."
    if exists():
        return f"No OS keyring works; {path()} is locked, so {LOCKED}."
    return ("No OS keyring works and there is no key file: the desk's keys last for this "
            "session only. Make one with `sellerdesk key-file create` or in Settings.")


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode())


class SealedKeys:
    """The open key file: what services.protection.secrets reads and writes instead of memory."""

    def __init__(self, file: Path, key: bytes, header: dict[str, object],
                 values: dict[str, str]) -> None:
        self.file, self._key, self._header, self._values = file, key, header, values
        self._lock = threading.Lock()

    def __repr__(self) -> str:   # never the keys
        return f"SealedKeys({self.file})"

    def holds(self, name: str) -> bool:
        return name in HOLDS

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def put(self, name: str, value: str) -> None:
        with self._lock:
            self._values[name] = value
            _write(self.file, self._key, self._header, self._values)

    def delete(self, name: str) -> None:
        with self._lock:
            if self._values.pop(name, None) is not None:
                _write(self.file, self._key, self._header, self._values)


def _write(file: Path, key: bytes, header: dict[str, object], values: dict[str, str]) -> None:
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, json.dumps(values).encode(), FORMAT)
    text = json.dumps({**header, "nonce": base64.b64encode(nonce).decode(),
                       "sealed": base64.b64encode(sealed).decode()})
    file.parent.mkdir(parents=True, exist_ok=True)
    partial = file.with_suffix(".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(file)


def create_key_file(passphrase: str, file: Path | None = None) -> Path:
    """Make the key file and keep the desk's keys in it from now on: those this session
    already holds go in, so what was logged since start stays linked to its buyers."""
    file = file or path()
    if not needed():
        raise KeyFileError(f"the OS keyring ({secrets.backend_name()}) already keeps the "
                           "desk's keys; a key file is only for computers without one")
    if file.exists():
        raise KeyFileError(f"{file} already exists; SellerDesk asks for its passphrase at "
                           "start (or reads $SELLERDESK_KEY_PASSPHRASE)")
    if len(passphrase) < SHORTEST_PASSPHRASE:
        raise KeyFileError(f"a key file's passphrase has at least {SHORTEST_PASSPHRASE} "
                           "characters (a few words are easier to remember)")
    salt = os.urandom(16)
    header: dict[str, object] = {"format": FORMAT.decode(), "kdf": "scrypt", "n": SCRYPT_N,
                                 "r": SCRYPT_R, "p": SCRYPT_P,
                                 "salt": base64.b64encode(salt).decode()}
    key = _key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    values = {name: value for name in HOLDS
              if (value := secrets.get_secret(name)) is not None}
    _write(file, key, header, values)
    secrets.use_sealed_store(SealedKeys(file, key, header, values))
    return file


def open_key_file(passphrase: str, file: Path | None = None) -> None:
    """Open the key file with its passphrase; from now on the desk's keys come from it."""
    file = file or path()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT.decode() or data.get("kdf") != "scrypt":
            raise ValueError("not a SellerDesk key file")
        salt, nonce, sealed = (base64.b64decode(data[k]) for k in ("salt", "nonce", "sealed"))
        n, r, p = int(data["n"]), int(data["r"]), int(data["p"])
    except FileNotFoundError:
        raise KeyFileError(f"there is no key file at {file}") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KeyFileError(f"{file} is not a SellerDesk key file or is damaged ({exc})") \
            from None
    key = _key(passphrase, salt, n, r, p)
    try:
        values = json.loads(AESGCM(key).decrypt(nonce, sealed, FORMAT))
    except InvalidTag:
        raise KeyFileError(f"that passphrase does not open {file}") from None
    header = {k: v for k, v in data.items() if k not in ("nonce", "sealed")}
    secrets.use_sealed_store(SealedKeys(file, key, header, values))
