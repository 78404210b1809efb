"""Two desks on one team database: a credit given at one appears in the other's window
by itself, and a window whose connection drops says so and comes back on its own."""

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt

from sellerdesk.core.issues import IssueType
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.database import open_database
from sellerdesk.services.issues import add_issue, list_issues
from sellerdesk.ui.main_window import WINDOWS, MainWindow
from sellerdesk.ui.models.work_models import ISSUE_OPEN_BY_COLUMN
from tests.helpers.teams import ORDER, as_login, make_team

pytestmark = pytest.mark.postgres


@pytest.fixture
def team_window(qtbot, postgres, tmp_path):
    url, _ = make_team(postgres, tmp_path, ana={"role": "agent", "limits": "USD 50"})
    win = MainWindow(url)
    qtbot.addWidget(win)
    win.show()
    assert win.open_database()
    assert win.live is not None
    yield win, url.replace("sellerdesk@", "ana@", 1)
    win.close()


def test_a_credit_given_at_another_desk_appears_without_refresh(qtbot, team_window):
    window, ana_url = team_window
    assert window.staff == "sellerdesk"           # the login, not the OS user
    assert not window.staff_box.isEnabled()
    assert window.role_label.text().strip() == "owner"
    assert window.work_tabs.ledger.model.rowCount() == 0
    with open_database(ana_url) as ana:
        issue = add_issue(ana.engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
        issue_credit(ana.engine, issue_id=issue.issue_id, amount="4.00", reason="sorry")
    qtbot.waitUntil(lambda: window.work_tabs.ledger.model.rowCount() == 1, timeout=5_000)
    assert window.work_tabs.ledger.model.column_texts(7) == ["ana"]        # By: her login
    assert window.work_tabs.ledger.totals_label.text().startswith("<b>1 entry</b>")


def test_a_dropped_connection_is_said_and_mended_by_itself(qtbot, team_window):
    window, ana_url = team_window
    owner_url = ana_url.replace("ana@", "sellerdesk@", 1)
    with qtbot.waitSignal(window.live.reachable, timeout=10_000) as lost, \
            open_database(owner_url) as owner, owner.engine.begin() as conn:
        # the server drops the window's listening connection, as a restart would
        conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"))
    assert lost.args == [False]
    assert window.offline_label.isVisible()
    with qtbot.waitSignal(window.live.reachable, timeout=10_000) as back:
        pass
    assert back.args == [True]
    assert not window.offline_label.isVisible()
    assert "is back" in window.statusBar().currentMessage()


def test_settings_team_joins_a_team_and_goes_back_to_the_own_file(qtbot, desk_window,
                                                                  postgres, tmp_path):
    import keyring

    from sellerdesk.services.paths import default_database
    from tests.helpers.memory_keyring import MemoryKeyring
    url, key = make_team(postgres, tmp_path, ana={"role": "agent", "password": "s3cret"})
    keyring.set_keyring(MemoryKeyring())          # ana's own computer: no team key
    dialog = desk_window.work_tabs.edit_settings()
    page = dialog.team_page
    assert dialog.tabs.tabText(dialog.tabs.indexOf(page)) == "Team"
    assert "works on its own file" in page.where_label.text()
    assert not page.leave_button.isEnabled()
    page.url_field.setText(postgres.tcp_url(sa.make_url(url).database, "ana"))
    page.password_field.setText("wrong")
    page.join_button.click()
    assert "did not accept the password for ana" in page.result_label.text()
    assert dialog.isVisible()                     # nothing typed is lost
    page.password_field.setText("s3cret")
    page.key_field.setText(key)
    with qtbot.waitSignal(dialog.switch_database, timeout=5_000):
        page.join_button.click()
    team = next(w for w in WINDOWS if w is not desk_window)
    qtbot.addWidget(team)
    qtbot.waitUntil(lambda: team.database is not None, timeout=10_000)
    assert not desk_window.isVisible()
    assert team.staff == "ana"
    assert team.role_label.text().strip() == "agent"
    assert "ana" in team.location_label.text()
    assert "s3cret" not in team.location_label.text()
    again = team.work_tabs.edit_settings().team_page
    assert "signed in as <b>ana</b> (agent)" in again.where_label.text()
    assert "team key is in this computer's keyring" in again.key_label.text()
    with qtbot.waitSignal(again.switch_to, timeout=5_000) as switched:
        again.leave_button.click()
    assert switched.args == [str(default_database())]
    own = next(w for w in WINDOWS if w is not team)
    qtbot.addWidget(own)
    qtbot.waitUntil(lambda: own.database is not None, timeout=10_000)
    assert own.database.location == str(default_database())
    own.close()


def test_an_issue_a_colleague_has_open_shows_as_taken_by_them(qtbot, team_window):
    window, ana_url = team_window
    issue = add_issue(window.database.engine, order_id=ORDER,
                      issue_type=IssueType.DAMAGED)
    window.work_tabs.refresh()
    window.work_tabs.show_issue(issue.issue_id)
    pane = window.work_tabs.issues.pane
    assert pane.taken_label.isHidden()
    ana = MainWindow(ana_url)
    qtbot.addWidget(ana)
    ana.show()
    assert ana.open_database()
    ana.work_tabs.show_issue(issue.issue_id)                 # she opens it at her desk
    qtbot.waitUntil(lambda: pane.taken_label.isVisible(), timeout=5_000)
    assert "Taken: <b>ana</b> (since" in pane.taken_label.text()
    listed = window.work_tabs.issues                         # the list says so too
    assert not listed.table.isColumnHidden(ISSUE_OPEN_BY_COLUMN)
    qtbot.waitUntil(lambda: listed.model.column_texts(ISSUE_OPEN_BY_COLUMN) == ["ana"],
                    timeout=5_000)
    number = listed.model.index(0, 0)                   # the number where the eye starts
    assert number.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#a05a00"
    assert number.data(Qt.ItemDataRole.ToolTipRole).startswith("ana has had it open since")
    theirs = ana.work_tabs.issues.pane.taken_label          # and she sees the owner has it open
    assert theirs.isVisible()
    assert "Taken: <b>sellerdesk</b>" in theirs.text()
    with open_database(ana_url) as db, db.engine.begin() as conn:   # nor can she free it
        gone = conn.execute(sa.text("DELETE FROM issue_claim WHERE login = 'sellerdesk'"))
        assert gone.rowcount == 0
    ana.close()                                         # she is done: it is free again
    qtbot.waitUntil(lambda: pane.taken_label.isHidden(), timeout=5_000)
    qtbot.waitUntil(lambda: listed.model.column_texts(ISSUE_OPEN_BY_COLUMN) == [""],
                    timeout=5_000)
    # Nothing at her closed window can take it again: her listener, her hold's renewal and
    # her refresh still on its way have all stopped (not a second of waiting and hoping).
    assert ana.live.isFinished()
    assert not ana.work_tabs.issues.pane.renew.isActive()
    assert not ana._remote.isActive()
    window.work_tabs.refresh()
    assert pane.taken_label.isHidden()


@pytest.fixture
def own_cluster():
    """A cluster of this test's own, to stop and start without disturbing the others."""
    from tests.conftest import PostgresCluster
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.stop()


def test_a_server_restart_loses_nothing_typed(qtbot, own_cluster, tmp_path, monkeypatch):
    """The server stops while an issue is being typed: the window says it is offline,
    saving says the database is out of reach and keeps the dialog as typed; once the
    server is back the window says so by itself and the same click saves it."""
    from sellerdesk.core.issues import IssueType
    from tests.helpers.window_actions import choose
    monkeypatch.setattr("sellerdesk.ui.live.RETRY_SECONDS", 0.5)
    url, _ = make_team(own_cluster, tmp_path)
    window = MainWindow(url)
    qtbot.addWidget(window)
    window.show()
    assert window.open_database()
    window.show_order(ORDER)
    dialog = window.new_issue()
    choose(dialog.type_box, IssueType.DAMAGED)
    dialog.notes_edit.setPlainText("Box crushed; photo on its way")
    with qtbot.waitSignal(window.live.reachable, timeout=10_000) as lost:
        own_cluster.pause()
    assert lost.args == [False]
    assert window.offline_label.isVisible()
    dialog.save(give=False)             # off the GUI thread: the window stays alive
    qtbot.waitUntil(lambda: "is out of reach" in dialog.error_label.text(), timeout=15_000)
    assert dialog.isVisible()
    assert dialog.notes_edit.toPlainText() == "Box crushed; photo on its way"
    with qtbot.waitSignal(window.live.reachable, timeout=15_000) as back:
        own_cluster.resume()
    assert back.args == [True]
    assert not window.offline_label.isVisible()
    with qtbot.waitSignal(dialog.issue_logged, timeout=5_000):
        assert dialog.save(give=False)
    [issue] = list_issues(window.database.engine)
    assert issue.notes == "Box crushed; photo on its way"
    window.close()


def test_a_refusal_no_dialog_catches_reaches_the_status_bar(qtbot, desk_window, monkeypatch):
    import sys

    from sellerdesk.store.engine import DatabaseError
    from sellerdesk.ui.app import say_known_errors
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    say_known_errors()
    error = DatabaseError("The team database on desk-server is out of reach.")
    sys.excepthook(DatabaseError, error, None)
    assert desk_window.statusBar().currentMessage() == str(error)


def test_a_supervisors_approval_queue_fills_as_agents_ask(qtbot, postgres, tmp_path):
    url, _ = make_team(postgres, tmp_path, ana={"role": "agent", "limits": "USD 5"},
                       mara={"role": "supervisor"})
    window = MainWindow(as_login(url, "mara"))
    qtbot.addWidget(window)
    window.show()
    assert window.open_database()
    queue = window.work_tabs.approvals.model
    assert queue.rowCount() == 0
    with open_database(as_login(url, "ana")) as ana:
        issue = add_issue(ana.engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
        asked = issue_credit(ana.engine, issue_id=issue.issue_id, amount="20.00",
                             reason="the whole mug")
    assert asked.pending
    qtbot.waitUntil(lambda: queue.rowCount() == 1, timeout=5_000)
    [waiting] = queue.records()
    assert waiting.approval_id == asked.approval_id
    assert window.work_tabs.approvals.approve_button.isEnabled()
    window.close()
    agents = MainWindow(as_login(url, "ana"))          # ana sees it, and may not decide it
    qtbot.addWidget(agents)
    agents.show()
    assert agents.open_database()
    approvals = agents.work_tabs.approvals
    assert approvals.model.rowCount() == 1
    assert not approvals.approve_button.isEnabled()
    assert "ana is an agent; only a supervisor or owner" in approvals.refused_label.text()
    agents.close()
