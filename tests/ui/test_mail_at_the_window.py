"""Buyer messages arrive by themselves while the window is open: the window watches the
connected mailbox (ui/mail_watch.py, IMAP IDLE on the session's real Dovecot), fetches a
mail delivered there onto the desk without anyone clicking, says so in its status bar,
and stops the watch's thread when it closes."""

import threading
from datetime import UTC, datetime

import pytest
import time_machine

from sellerdesk.services.database import open_database
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import list_issues
from sellerdesk.services.mail.account import save_mail_account
from sellerdesk.ui.main_window import MainWindow
from tests.helpers import amazon_mail
from tests.helpers.reports import row, write

ORDER = "114-3941689-8772232"
# After the order, and after the sample mail's own time (amazon_mail.SENT_AT).
MOMENT = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
WATCH = "SellerDesk mail watch"


@pytest.fixture
def mail_desk(sqlite_url, tmp_path, mail_account, mail_user):
    """A desk with one order and the session's mailbox connected (password in the keyring)."""
    report = write(tmp_path / "orders.txt", [
        row(ORDER, sku="LAMP", title="Desk lamp", price="39.99",
            date="2026-02-20T08:13:02+00:00")])
    with open_database(sqlite_url) as db:
        import_orders(db.engine, report)
        save_mail_account(db.engine, mail_account, password=mail_user.password)
    return sqlite_url


def watch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == WATCH]


def test_a_buyers_mail_reaches_the_queue_by_itself_and_closing_stops_the_watch(
        qtbot, mail_desk, dovecot, mail_user):
    # Ticking: IDLE waits on real time passing, and so do pytest-qt's waits.
    with time_machine.travel(MOMENT, tick=True):
        window = MainWindow(mail_desk)
        qtbot.addWidget(window)
        window.show()
        assert window.open_database()
        # The first fetch reads the (empty) mailbox by itself and says when.
        qtbot.waitUntil(lambda: window.mail_label.text().startswith("Mail: last fetched"),
                        timeout=30_000)
        assert window.mail_label.isVisible()
        assert len(watch_threads()) == 1
        queue = window.work_tabs.queue
        assert queue.model.rowCount() == 0

        dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
            ORDER, text="The lamp arrived with the shade cracked."))
        # Nobody clicks: IDLE says the mail came, the window fetches it and reads again.
        qtbot.waitUntil(lambda: queue.model.rowCount() == 1, timeout=30_000)
        assert window.mail_label.text() == "Mail: 1 new"
        assert "1 new mail; 1 on issues (1 new)." in window.mail_label.toolTip()
        [issue] = list_issues(window.database.engine)
        assert issue.order_id == ORDER
        assert window.message_box is None          # background news: no box

        window.close()
        assert window.mail_watch.thread is None
        assert watch_threads() == []


def test_a_mailbox_that_refuses_the_sign_in_is_said_in_the_status_bar_not_a_box(
        qtbot, sqlite_url, mail_account):
    with open_database(sqlite_url) as db:
        save_mail_account(db.engine, mail_account, password="not the password")
    with time_machine.travel(MOMENT, tick=True):
        window = MainWindow(sqlite_url)
        qtbot.addWidget(window)
        window.show()
        assert window.open_database()
        qtbot.waitUntil(lambda: "refused the login" in window.mail_label.toolTip(),
                        timeout=30_000)
        assert window.mail_label.text().startswith("Mail: The IMAP server at")
        assert "refused the login" in window.statusBar().currentMessage()
        assert window.message_box is None
        window.close()
        assert watch_threads() == []


def test_fetch_mail_now_reads_the_mailbox_when_asked(qtbot, mail_desk, dovecot, mail_user):
    with time_machine.travel(MOMENT, tick=True):
        window = MainWindow(mail_desk, interactive=False)     # no watch: only when asked
        qtbot.addWidget(window)
        window.show()
        assert window.open_database()
        assert watch_threads() == []
        dovecot.deliver(mail_user.login, amazon_mail.buyer_message(ORDER))
        assert window.fetch_mail_action.toolTip().endswith("(Ctrl+Shift+M)")
        window.fetch_mail_action.trigger()
        qtbot.waitUntil(lambda: window.work_tabs.queue.model.rowCount() == 1, timeout=30_000)
        assert window.mail_label.text() == "Mail: 1 new"
        window.close()
