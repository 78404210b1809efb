"""Trust at a single desk, clicked through in the window: the At the desk box picks from
the staff only; a supervisor is picked with their PIN; wrong PINs wait; an approval after
15 idle minutes asks again; nobody decides their own request. And where no keyring
works, the sealed key file's passphrase is asked at start."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import keyring
import pytest
import time_machine
from keyring.backends.fail import Keyring as NoKeyring

from sellerdesk.core.issues import IssueType
from sellerdesk.services import staff_admin
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.database import open_database
from sellerdesk.services.issues import add_issue, list_issues
from sellerdesk.services.protection import key_file, pins, secrets
from sellerdesk.ui.main_window import MainWindow
from sellerdesk.ui.views.work_tabs import APPROVALS_TAB
from tests.helpers.staffing import hire, owner_at_work
from tests.helpers.window_actions import CLICK, give_pin, log_damaged_book, write_under_way
from tests.ui.conftest import ORDER

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
MARA_PIN = "1357-mara"


def ask_for_credit(engine, staff="Ben", amount="8"):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                      affected=(("MUG", 1),), staff=staff)
    return issue_credit(engine, issue_id=issue.issue_id, amount=amount,
                        reason="the whole mug", staff=staff)


@pytest.fixture
def staffed(desk_window):
    """Ana (owner), Ben (agent, USD 4 of his own), Mara (supervisor, her PIN set); nobody's
    PIN given in this window yet; Ben at the desk with a request waiting."""
    engine = desk_window.database.engine
    with time_machine.travel(START, tick=False):
        log_damaged_book(desk_window)
        hire(engine, "Ben", limits="USD 4")
        hire(engine, "Mara", "supervisor")
        staff_admin.give_pin(engine, "Ana", "2468-test")
        pins.reset_pin(engine, "Mara", MARA_PIN, by="Ana")
        asked = ask_for_credit(engine)
    pins.drop_elevation(engine)
    desk_window.work_tabs.refresh()
    desk_window.staff_box.setCurrentText("Ben")
    desk_window.tabs.setCurrentIndex(APPROVALS_TAB)
    assert asked.pending
    return desk_window


def test_the_box_picks_from_the_staff_and_never_makes_anyone(staffed):
    box = staffed.staff_box
    assert not box.isEditable()
    assert [box.itemText(i) for i in range(box.count())] == ["Ana", "Ben", "Mara"]
    assert staffed.role_label.text().strip() == "agent, limits USD 4"


def test_an_agent_cannot_pick_the_supervisor_without_her_pin(qtbot, staffed):
    view = staffed.work_tabs.approvals
    assert not view.approve_button.isEnabled()          # Ben is an agent
    with time_machine.travel(START + timedelta(hours=1), tick=False) as clock:
        staffed.staff_box.setCurrentText("Mara")
        dialog = staffed.pin_dialog
        assert dialog.isVisible()
        assert "Acting as Mara needs Mara's PIN." in dialog.intro_label.text()
        assert staffed.staff_box.currentText() == "Ben"     # not Mara until her PIN is given
        for attempt in range(1, 5):
            qtbot.keyClicks(dialog.pin_edit, f"000{attempt}")
            qtbot.mouseClick(dialog.ok_button, CLICK)
            assert dialog.error_label.text() == "that is not Mara's PIN"
        qtbot.keyClicks(dialog.pin_edit, "0005")
        qtbot.mouseClick(dialog.ok_button, CLICK)
        assert dialog.error_label.text() == ("that is not Mara's PIN; after 5 wrong tries, "
                                             "wait 30 s before the next")
        qtbot.keyClicks(dialog.pin_edit, MARA_PIN)         # the 6th try waits, right or not
        qtbot.mouseClick(dialog.ok_button, CLICK)
        assert dialog.error_label.text() == ("5 wrong PINs in a row for Mara: wait 30 s "
                                             "before trying again")
        assert staffed.staff_box.currentText() == "Ben"
        assert not view.approve_button.isEnabled()
        clock.shift(timedelta(seconds=31))
        qtbot.keyClicks(dialog.pin_edit, MARA_PIN)
        qtbot.mouseClick(dialog.ok_button, CLICK)
        assert not dialog.isVisible()
        assert staffed.staff_box.currentText() == "Mara"
        assert staffed.role_label.text().strip() == "supervisor"
        with qtbot.waitSignal(view.decided):       # decided off the GUI thread
            qtbot.mouseClick(view.approve_button, CLICK)
    assert view.model.rowCount() == 0
    assert "Approved: credit 1, $8.00" in staffed.statusBar().currentMessage()
    assert staffed.work_tabs.ledger.model.column_texts(8) == ["Mara"]


@contextmanager
def pin_asked_again_to_approve(qtbot, window):
    """Mara at the desk with her PIN given, 16 idle minutes, then Approve: the refusal
    came back and the PIN dialog asks for it again (the clock stays pinned inside)."""
    view = window.work_tabs.approvals
    with time_machine.travel(START + timedelta(hours=1), tick=False) as clock:
        window.staff_box.setCurrentText("Mara")
        give_pin(window.pin_dialog, MARA_PIN)
        clock.shift(timedelta(minutes=16))
        qtbot.mouseClick(view.approve_button, CLICK)
        qtbot.waitUntil(lambda: view.pin_dialog is not None)
        yield view


def test_an_approval_after_fifteen_idle_minutes_asks_the_pin_again(qtbot, staffed):
    with pin_asked_again_to_approve(qtbot, staffed) as view:
        assert view.model.rowCount() == 1                   # nothing decided yet
        assert view.pin_dialog.isVisible()
        assert "Deciding request 1 needs Mara's PIN" in view.pin_dialog.intro_label.text()
        with qtbot.waitSignal(view.decided):
            give_pin(view.pin_dialog, MARA_PIN)
    assert view.model.rowCount() == 0


def test_a_pin_given_after_an_import_began_lets_the_decision_wait_for_it(qtbot, staffed):
    """The PIN dialog is open when an import starts (the watched folder's): the decision
    cannot start then, so it is not decided, says why, and can be made once it is done."""
    with pin_asked_again_to_approve(qtbot, staffed) as view:
        with write_under_way(qtbot, staffed.operations):
            give_pin(view.pin_dialog, MARA_PIN)
            assert view.error_label.text() == ("Importing more.txt is under way; this "
                                               "waits until it is done.")
            assert not view.approve_button.isEnabled()
            assert view.model.rowCount() == 1
        assert view.approve_button.isEnabled()
        with qtbot.waitSignal(view.decided):
            qtbot.mouseClick(view.approve_button, CLICK)
    assert view.model.rowCount() == 0


def test_nobody_decides_their_own_request_even_with_the_right_pin(qtbot, staffed):
    engine = staffed.database.engine
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        owner_at_work(engine)
        staff_admin.save_staff(engine, name="Ben", role="supervisor", staff="Ana")
        pins.drop_elevation(engine)
        staffed.work_tabs.refresh()
        staffed.staff_box.setCurrentText("Mara")
        give_pin(staffed.pin_dialog, MARA_PIN)
        staffed.staff_box.setCurrentText("Ben")           # promoted: no PIN yet, so he sets one
        dialog = staffed.pin_dialog
        assert "Ben has no PIN yet. Choose one" in dialog.intro_label.text()
        give_pin(dialog, "9753-ben")
    assert staffed.staff_box.currentText() == "Ben"
    assert not pins.is_elevated(engine, "Mara")          # her PIN went when she left the desk
    view = staffed.work_tabs.approvals
    assert not view.approve_button.isEnabled()
    assert view.refused_label.text() == ("You cannot decide this one: nobody may approve or "
                                         "reject their own request.")


def test_a_deactivated_person_cannot_be_picked(qtbot, staffed):
    engine = staffed.database.engine
    staffed.staff_box.setCurrentText("Ana")
    give_pin(staffed.pin_dialog, "2468-test")
    dialog = staffed.work_tabs.manage_staff()
    dialog.table.selectRow(1)                               # Ben
    qtbot.mouseClick(dialog.active_button, CLICK)
    assert dialog.rows()[1] == ["Ben", "agent", "USD 4", "deactivated"]
    box = staffed.staff_box
    assert [box.itemText(i) for i in range(box.count())] == ["Ana", "Mara"]
    assert list_issues(engine)[0].created_by == "Ben"   # his history stays


@pytest.fixture
def no_keyring():
    keyring.set_keyring(NoKeyring())


def test_without_a_keyring_the_key_file_passphrase_is_asked_at_start(qtbot, sqlite_url,
                                                                     no_keyring, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    key_file.create_key_file("a long enough passphrase")
    monkeypatch.setattr(secrets, "_sealed", [None])         # as at the next start
    open_database(sqlite_url).close()
    win = MainWindow(sqlite_url)
    qtbot.addWidget(win)
    win.show()
    assert win.open_database()
    asked = win.passphrase_dialog
    assert asked.isVisible()
    asked.reject()                                          # Cancel: on without buyer history
    assert win.keyring_label.isVisible()
    assert win.keyring_label.text() == "Buyer history not checked: the key file is locked"
    win.ask_passphrase()
    win.passphrase_dialog.setTextValue("not it at all")
    win.passphrase_dialog.accept()
    assert "that passphrase does not open" in win.passphrase_dialog.labelText()
    win.passphrase_dialog.setTextValue("a long enough passphrase")
    win.passphrase_dialog.accept()
    assert not win.keyring_label.isVisible()
    assert key_file.is_open()
    win.close()


def test_settings_offers_to_make_a_key_file(qtbot, desk_window, no_keyring):
    dialog = desk_window.work_tabs.edit_settings()
    page = dialog.key_file_page
    page.show_state()
    assert "there is no key file" in page.state_label.text()
    qtbot.keyClicks(page.passphrase_edit, "a long enough passphrase")
    qtbot.keyClicks(page.again_edit, "a long enough passphrase")
    qtbot.mouseClick(page.create_button, CLICK)
    assert key_file.path().exists()
    assert "(open)" in page.state_label.text()
    assert not page.create_button.isVisible()
