"""Where evidence files lie on this computer: a folder beside a SQLite database
(`<name>-evidence/`), or for a team database a cache in the data folder. Files are named
by their SHA-256 under a two-character folder.

Apart from services.evidence (which attaches and fetches them) because the purge deletes
them too, and the purge sits below the issues and credits that evidence.py builds on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from sellerdesk.services.paths import data_dir
from sellerdesk.store.engine import sqlite_path


def store_dir(engine: Engine) -> Path:
    database = sqlite_path(str(engine.url))
    if database is not None:
        return database.with_name(f"{database.stem}-evidence")
    url = engine.url
    return data_dir() / "team-evidence" / f"{url.host or 'local'}-{url.database or 'db'}"


def stored_file(engine: Engine, sha256: str) -> Path:
    return store_dir(engine) / sha256[:2] / sha256
