"""Window state kept between runs, in an INI file beside the other config (not the
registry), so it is easy to find, back up or delete."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from sellerdesk.services.paths import config_dir


def window_settings() -> QSettings:
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)
