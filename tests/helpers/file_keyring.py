"""A keyring kept in one JSON file, for the crash tests only: the child processes that are
killed and the test that checks after them must see the same keys. (The app never
writes a secret to a file; this stands in for the OS keyring, which outlives a process.)"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend

VARIABLE = "SELLERDESK_TEST_KEYRING"


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self, path: Path | str | None = None) -> None:
        super().__init__()
        self.path = Path(path or os.environ[VARIABLE])

    def _all(self) -> dict[str, str]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._all().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._all()
        data[f"{service}/{username}"] = password
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(data))
        with open(partial, "rb") as f:            # durable before it replaces the old one,
            os.fsync(f.fileno())                  # as an OS keyring's write is
        partial.replace(self.path)

    def delete_password(self, service: str, username: str) -> None:
        data = self._all()
        data.pop(f"{service}/{username}", None)
        self.path.write_text(json.dumps(data))
