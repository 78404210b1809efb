"""Settings › Mail against the session's real Dovecot and SMTP server: a good connection
is checked off the GUI thread and says what it checked, a wrong password says so in one
sentence in the error colour, and saving says where the password went and keeps the
account to be read back."""

from dataclasses import replace

import keyring
import pytest
from PySide6.QtCore import Qt

from sellerdesk.services.mail import account as mail_accounts
from sellerdesk.ui.formatting import error_style
from tests.helpers.staffing import hire
from tests.helpers.window_actions import log_damaged_book


@pytest.fixture
def page(qtbot, desk_window):
    dialog = desk_window.work_tabs.edit_settings()
    dialog.tabs.setCurrentWidget(dialog.mail_page)
    yield dialog.mail_page
    dialog.close()


def fill(qtbot, page, account, password):
    for field, text in ((page.imap_host, account.imap_host), (page.smtp_host, account.smtp_host),
                        (page.login_field, account.login), (page.address_field, account.address),
                        (page.password_field, password)):
        field.clear()
        qtbot.keyClicks(field, text)
    page.imap_port.setValue(account.imap_port)
    page.smtp_port.setValue(account.smtp_port)


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_check_connection_says_what_it_checked(qtbot, page, mail_account, mail_user):
    fill(qtbot, page, mail_account, mail_user.password)
    click(qtbot, page.check_button)
    assert not page.check_button.isEnabled()         # no second check while one runs
    qtbot.waitUntil(lambda: page.check_button.isEnabled(), timeout=30_000)
    lines = page.result_label.text().splitlines()
    assert lines == [
        f"IMAP: signed in to {mail_account.imap_host}:{mail_account.imap_port} as "
        f"{mail_user.login}, over TLS.",
        "Folder INBOX: 0 messages.",
        "Sent folder Sent: 0 messages.",
        f"SMTP: {mail_account.smtp_host}:{mail_account.smtp_port} accepts mail from "
        f"{mail_user.address}, signed in as {mail_user.login} over TLS."]
    assert page.result_label.styleSheet() == ""
    assert page.folders_label.text().startswith("The server has: ")
    assert "INBOX" in page.folders_label.text()


def test_a_wrong_password_is_said_in_one_sentence(qtbot, page, mail_account, mail_user):
    fill(qtbot, page, mail_account, "not the password")
    click(qtbot, page.check_button)
    qtbot.waitUntil(lambda: page.check_button.isEnabled(), timeout=30_000)
    text = page.result_label.text()
    assert text.startswith(f"The IMAP server at {mail_account.imap_host}:"
                           f"{mail_account.imap_port} refused the login {mail_user.login}")
    assert "not the password" not in text
    assert page.result_label.styleSheet() == error_style()


def test_saving_says_where_the_password_went_and_the_account_is_read_back(
        qtbot, page, desk_window, mail_account, mail_user):
    fill(qtbot, page, mail_account, mail_user.password)
    page.folders_field.setText("INBOX, Amazon")
    click(qtbot, page.save_button)
    assert page.result_label.text().endswith(
        "The mailbox password is kept in the OS keyring (MemoryKeyring); never in the "
        "database, a log or an export.")
    assert keyring.get_password("SellerDesk", "mail-password") == mail_user.password
    kept = mail_accounts.mail_account(desk_window.database.engine)
    assert kept == replace(mail_account, folders=("INBOX", "Amazon"))
    assert page.password_field.text() == ""
    assert page.password_field.placeholderText() == "saved — leave blank to keep it"
    assert desk_window.statusBar().currentMessage().startswith(f"Mailbox {mail_user.login} saved")


def test_presets_fill_the_hosts_and_microsoft_asks_for_oauth(qtbot, page):
    page.preset_box.setCurrentText("Microsoft 365")
    page.preset_box.activated.emit(page.preset_box.currentIndex())
    assert (page.imap_host.text(), page.imap_port.value()) == ("outlook.office365.com", 993)
    assert (page.smtp_host.text(), page.smtp_port.value()) == ("smtp.office365.com", 587)
    assert page.sign_in_box.currentText() == "OAuth 2.0 — Microsoft"
    assert page.client_id_field.isVisible()
    assert page.sign_in_button.isVisible()
    assert not page.password_field.isVisible()
    page.preset_box.setCurrentText("Gmail")
    page.preset_box.activated.emit(page.preset_box.currentIndex())
    assert page.imap_host.text() == "imap.gmail.com"
    assert page.client_secret_field.isVisible()


def test_an_agent_may_look_but_not_connect_the_mailbox(qtbot, desk_window, mail_account,
                                                      mail_user):
    engine = desk_window.database.engine
    log_damaged_book(desk_window)              # Ana, the first at the desk, is its owner
    hire(engine, "Cleo")
    desk_window.work_tabs.refresh()
    desk_window.staff_box.setCurrentText("Cleo")
    dialog = desk_window.work_tabs.edit_settings()
    page = dialog.mail_page
    fill(qtbot, page, mail_account, mail_user.password)
    click(qtbot, page.save_button)
    assert page.result_label.text() == (
        "Cleo is not a supervisor or owner here; the mailbox serves the whole desk, so one "
        "of them connects it")
    assert page.result_label.styleSheet() == error_style()
    assert mail_accounts.mail_account(engine) is None
    assert keyring.get_password("SellerDesk", "mail-password") is None
    dialog.close()
