"""File › Sync with Amazon (F9) and Settings › Amazon SP-API, against the stand-in for
Amazon: credentials asked for when missing, kept in the keyring (or said to last the
session only), and the account of what came in shown at the end."""

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring
from PySide6.QtCore import Qt

from sellerdesk.services.amazon import api as amazon_api
from sellerdesk.ui.dialogs.settings_dialog import SAVED
from tests.helpers.amazon_standin import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, AmazonStandIn
from tests.helpers.sync_documents import US_ORDER, documents


@pytest.fixture
def standin(monkeypatch):
    with AmazonStandIn(documents=documents(), polls_before_done=0) as server:
        monkeypatch.setenv(amazon_api.ENDPOINT_VARIABLE, server.url)
        yield server


def fill(dialog, client_id=CLIENT_ID, secret=CLIENT_SECRET, token=REFRESH_TOKEN):
    dialog.client_id.setText(client_id)
    dialog.client_secret.setText(secret)
    dialog.refresh_token.setText(token)


def test_sync_asks_for_credentials_then_brings_in_orders_and_reports(qtbot, desk_window,
                                                                     standin):
    assert desk_window.sync_with_amazon() is None          # nothing saved yet: Settings
    dialog = desk_window.work_tabs.dialog
    assert dialog.isVisible()
    assert dialog.tabs.tabText(0) == "Amazon SP-API"
    assert "Kept in the OS keyring (MemoryKeyring)" in dialog.storage_label.text()
    assert dialog.chosen_marketplaces() == ["US"]
    fill(dialog)
    assert dialog.save()
    assert keyring.get_password("SellerDesk", "sp-api-refresh-token") == REFRESH_TOKEN
    assert desk_window.statusBar().currentMessage() == "Settings saved"

    before = desk_window.orders_model.rowCount()
    with qtbot.waitSignal(desk_window.task_finished, timeout=30_000) as finished:
        desk_window.sync_action.trigger()
    assert finished.args[0].ok, finished.args[0].summary()
    text = desk_window.message_box.text()
    assert text.startswith("Synced with Amazon:\n• Orders (US): 1 new, 0 updated")
    assert "• Returns report, US: 1 return (1 new, 0 imported before)" in text
    desk_window.message_box.close()
    assert desk_window.orders_model.rowCount() == before + 1
    desk_window.show_order(US_ORDER)
    assert "Return" in [row[1] for row in desk_window.detail_view.activity_rows()]


def test_saved_secrets_are_never_shown_and_a_blank_keeps_them(qtbot, desk_window):
    amazon_api.save_credentials(amazon_api.Credentials(CLIENT_ID, CLIENT_SECRET,
                                                       REFRESH_TOKEN))
    dialog = desk_window.work_tabs.edit_settings()
    assert (dialog.client_secret.text(), dialog.client_secret.placeholderText()) == ("", SAVED)
    assert dialog.refresh_token.echoMode() == dialog.refresh_token.EchoMode.Password
    dialog.client_id.setText("amzn1.application-oa2-client.other")
    for row in range(dialog.markets.count()):            # UK as well as US
        item = dialog.markets.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == "UK":
            item.setCheckState(Qt.CheckState.Checked)
    assert dialog.save()
    assert amazon_api.load_credentials() == amazon_api.Credentials(
        "amzn1.application-oa2-client.other", CLIENT_SECRET, REFRESH_TOKEN)
    again = desk_window.work_tabs.edit_settings()
    assert again.chosen_marketplaces() == ["US", "UK"]
    again.forget()
    assert amazon_api.load_credentials() is None
    assert again.client_secret.placeholderText() != SAVED
    again.close()


def test_without_a_keyring_the_page_says_the_session_keeps_them(qtbot, desk_window, tmp_path):
    keyring.set_keyring(NoKeyring())
    dialog = desk_window.work_tabs.edit_settings()
    assert dialog.storage_label.text().startswith(
        "No OS keyring works on this computer: SellerDesk keeps the credentials for this "
        "session only (never on disk)")
    fill(dialog)
    assert dialog.save()
    assert desk_window.statusBar().currentMessage() == (
        "Settings saved; the credentials last until SellerDesk closes (no OS keyring)")
    assert amazon_api.load_credentials().refresh_token == REFRESH_TOKEN
    shot = desk_window.work_tabs.edit_settings()
    image = tmp_path / "settings.png"
    assert shot.grab().save(str(image))
    assert image.stat().st_size > 10_000
    shot.close()


def test_incomplete_credentials_are_refused_in_the_dialog(qtbot, desk_window):
    dialog = desk_window.work_tabs.edit_settings()
    fill(dialog, token="")
    assert not dialog.save()
    assert dialog.error_label.text() == ("The SP-API credentials are incomplete: the refresh "
                                         "token is missing.")
    assert dialog.isVisible()
    dialog.close()
