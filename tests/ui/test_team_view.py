"""Two desks on one team database: a credit given at one appears in the other's window
by itself, and a window whose connection drops says so and comes back on its own."""

import pytest
import sqlalchemy as sa

from sellerdesk.core.issues import IssueType
from sellerdesk.services import desk
from sellerdesk.services.database import open_database
from sellerdesk.services.import_orders import import_orders
from sellerdesk.services.team import add_user, team_init
from sellerdesk.ui.main_window import MainWindow
from tests.reports import row, write

pytestmark = pytest.mark.postgres
ORDER = "114-3941689-8772232"


@pytest.fixture
def team_window(qtbot, postgres, tmp_path):
    url = postgres.new_database()
    db, _ = team_init(url)
    with db:
        write(tmp_path / "orders.txt", [row(ORDER, price="80.00")])
        import_orders(db.engine, tmp_path / "orders.txt")
        add_user(db.engine, "ana", role="agent", limit="50")
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
    assert window.desk.ledger.model.rowCount() == 0
    with open_database(ana_url) as ana:
        issue = desk.add_issue(ana.engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
        desk.issue_credit(ana.engine, issue_id=issue.issue_id, amount="4.00", reason="sorry")
    qtbot.waitUntil(lambda: window.desk.ledger.model.rowCount() == 1, timeout=5_000)
    assert window.desk.ledger.model.column_texts(7) == ["ana"]        # By: her login


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
