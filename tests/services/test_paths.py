"""Where SellerDesk keeps its files: $SELLERDESK_HOME moves them on every OS, where the
XDG variables move platformdirs' folders on Linux alone."""

from sellerdesk.services import paths


def test_sellerdesk_home_holds_the_data_and_config_folders(tmp_path, monkeypatch):
    elsewhere = tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(elsewhere / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(elsewhere / "config"))
    monkeypatch.setenv("SELLERDESK_HOME", str(tmp_path / "stick"))
    assert paths.data_dir() == tmp_path / "stick" / "data"
    assert paths.config_dir() == tmp_path / "stick" / "config"
    assert paths.default_database() == tmp_path / "stick" / "data" / "sellerdesk.sqlite3"
    assert paths.team_file() == tmp_path / "stick" / "config" / "team.json"


def test_without_it_the_platforms_folders_are_used(monkeypatch):
    monkeypatch.delenv("SELLERDESK_HOME")
    assert paths.data_dir().name == "SellerDesk"        # platformdirs' folder for the app
    assert paths.config_dir().name == "SellerDesk"

