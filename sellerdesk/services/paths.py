"""Where SellerDesk keeps its files, per OS (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from sellerdesk import APP_NAME

DB_ENV = "SELLERDESK_DB"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_database() -> Path:
    return data_dir() / "sellerdesk.sqlite3"


def chosen_database(arg: str | None) -> str:
    """--db wins, then $SELLERDESK_DB, then the file in the user data directory."""
    return arg or os.environ.get(DB_ENV) or str(default_database())


def resources_dir() -> Path:
    """`resources/` beside the package in a checkout, or inside the PyInstaller bundle."""
    import sys
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"
