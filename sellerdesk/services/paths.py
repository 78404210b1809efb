"""Where SellerDesk keeps its files, per OS (platformdirs), unless $SELLERDESK_HOME names
one folder for them all: its data/ and config/ then hold what the user's profile would.
That serves a trial that must not touch a real desk, a copy on a USB stick, and every
test — the XDG variables that move platformdirs' folders do so on Linux only, never on
macOS or Windows."""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

from sellerdesk import APP_NAME

DB_ENV = "SELLERDESK_DB"
HOME_ENV = "SELLERDESK_HOME"


def _home() -> Path | None:
    home = os.environ.get(HOME_ENV)
    return Path(home) if home else None


def data_dir() -> Path:
    home = _home()
    if home:
        return home / "data"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    home = _home()
    if home:
        return home / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def log_file() -> Path:
    """Where the windowed executable's output goes, having no console (__main__)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / "sellerdesk.log"


def default_database() -> Path:
    return data_dir() / "sellerdesk.sqlite3"


def team_file() -> Path:
    """The team database this computer joined (its URL, never the password)."""
    return config_dir() / "team.json"


def joined_team() -> str | None:
    try:
        return json.loads(team_file().read_text(encoding="utf-8")).get("url") or None
    except (OSError, ValueError, AttributeError):
        return None   # none joined, or a damaged file: the computer's own file then


def chosen_database(arg: str | None) -> str:
    """--db wins, then $SELLERDESK_DB, then the team database this computer joined, then
    the file in the user data directory."""
    return arg or os.environ.get(DB_ENV) or joined_team() or str(default_database())


def resources_dir() -> Path:
    """`resources/` beside the package in a checkout, or inside the PyInstaller bundle."""
    import sys
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"
