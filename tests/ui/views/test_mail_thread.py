"""The mail on an issue, in the issue pane's Mail tab (ui/views/mail_thread.py): read from
the session's real Dovecot into a real desk, and replies sent through its real SMTP
server — what a person reads of each: kind, time, sender, subject, body as written, and
whether a reply left."""

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from sellerdesk.core.errors import KnownError
from sellerdesk.services.issues import list_issues
from sellerdesk.services.mail.account import save_mail_account
from sellerdesk.services.mail.inbox import PURGED, MailView
from sellerdesk.services.mail.outbox import send_checked
from sellerdesk.services.mail.sync import sync_mailbox
from sellerdesk.ui.formatting import GOOD, dark_palette, local_time
from sellerdesk.ui.views.mail_thread import MailCard
from sellerdesk.ui.views.work_tabs import ISSUES_TAB
from tests.helpers import amazon_mail
from tests.ui.conftest import ORDER

WORDS = "The lamp arrived with the shade cracked. <b>Not bold</b> & not a link."
REPLY = "Hello,\n\nWe are sorry the shade cracked. A replacement is on its way."


def open_mail_tab(qtbot, pane) -> None:
    """Click the pane's Mail tab, as a person does."""
    bar = pane.history_tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert pane.mail_thread.isVisible()


@pytest.fixture
def mailed_desk(desk_window, dovecot, mail_user, mail_account):
    """The desk connected to the session's servers, a buyer's message read in."""
    engine = desk_window.database.engine
    save_mail_account(engine, mail_account, password=mail_user.password)
    dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
        ORDER, text=WORDS, photo=b"\xff\xd8\xff\xe0 a photo", message_id="first@relay",
        subject="Inquiry from Amazon customer Jane <Jane@example> (Order: " + ORDER + ")"))
    sync_mailbox(engine)
    desk_window.refresh()                 # as the window does after a fetch
    [issue] = list_issues(engine)
    return desk_window, issue.issue_id


def test_the_issue_pane_shows_the_buyers_mail_as_written(qtbot, mailed_desk):
    window, issue_id = mailed_desk
    window.work_tabs.show_issue(issue_id)
    pane = window.work_tabs.issues.pane
    assert window.tabs.currentIndex() == ISSUES_TAB
    assert pane.history_tabs.tabText(1) == "Mail (1)"
    open_mail_tab(qtbot, pane)
    [card] = pane.mail_thread.cards
    assert card.isVisible()
    assert card.kind_label.text() == "Buyer's message"
    assert card.heading_label.text() == (f"{local_time(amazon_mail.SENT_AT.replace(tzinfo=None))}"
                                         f" · {card.mail.sender}")
    assert amazon_mail.relay_address("US") in card.heading_label.text()
    # Subject and body as the buyer wrote them: plain text, never read as HTML.
    assert card.subject_label.text() == ("Inquiry from Amazon customer Jane <Jane@example> "
                                         f"(Order: {ORDER})")
    assert card.subject_label.textFormat() == card.subject_label.textFormat().PlainText
    assert WORDS in card.body_text()      # "<b>" still there: shown, not obeyed
    assert card.note_label.text() == "1 attachment"
    assert not card.state_label.isVisible()
    # The timeline is still there, one click away, and says the buyer wrote.
    assert pane.history_tabs.tabText(0) == "Timeline"
    assert any(row[2] == "Buyer wrote" for row in pane.timeline_rows())


def test_a_reply_sent_shows_sent(qtbot, mailed_desk, smtp_server):
    window, issue_id = mailed_desk
    window.work_tabs.show_issue(issue_id)
    pane = window.work_tabs.issues.pane
    send_checked(window.database.engine, issue_id=issue_id, text=REPLY, staff="Ana")
    window.refresh()                      # the open issue's mail is read again
    assert pane.history_tabs.tabText(1) == "Mail (2)"
    open_mail_tab(qtbot, pane)
    buyer, sent = pane.mail_thread.cards
    assert [c.kind_label.text() for c in (buyer, sent)] == ["Buyer's message", "Reply"]
    assert sent.state_label.text() == "Sent"
    assert sent.state_label.isVisible()
    assert sent.body_text().rstrip() == REPLY
    assert sent.heading_label.text().endswith(
        f" · by Ana · to {amazon_mail.relay_address('US')}")
    assert len(smtp_server.received) == 1
    assert GOOD.light in sent.state_label.styleSheet()
    # The desktop turns dark while the desk runs: the state is drawn in the dark tone.
    app = QApplication.instance()
    light = app.palette()
    app.setPalette(dark_palette())
    try:
        qtbot.waitUntil(lambda: GOOD.dark in pane.mail_thread.cards[1].state_label.styleSheet())
    finally:
        app.setPalette(light)


def test_a_reply_the_server_refused_says_why(qtbot, mailed_desk, smtp_server, mail_account,
                                             monkeypatch):
    window, issue_id = mailed_desk
    engine = window.database.engine
    window.work_tabs.show_issue(issue_id)
    pane = window.work_tabs.issues.pane
    # The real server, taking no mail over 100 bytes for this test: it answers MAIL FROM
    # with 552, as a provider over its size limit does.
    monkeypatch.setitem(smtp_server._controller.SMTP_kwargs, "data_size_limit", 100)
    with pytest.raises(KnownError):
        send_checked(engine, issue_id=issue_id, text=REPLY, staff="Ana")
    window.refresh()
    open_mail_tab(qtbot, pane)
    _buyer, refused = pane.mail_thread.cards
    assert refused.kind_label.text() == "Reply"
    where = f"{mail_account.smtp_host}:{mail_account.smtp_port}"
    assert refused.state_label.text() == (f"Not sent: the mail server {where} refused to "
                                          f"send as {mail_account.address}; the reply was "
                                          "not sent")
    assert refused.state_label.isVisible()
    assert refused.body_text().rstrip() == REPLY     # the words kept, to send again
    assert smtp_server.received == []


def test_an_issue_without_mail_says_where_mail_comes_from(desk_window):
    from sellerdesk.core.issues import IssueType, Severity
    from sellerdesk.services.issues import add_issue
    engine = desk_window.database.engine
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                      severity=Severity.MODERATE, affected=(("BOOK", 1),), days_late=0,
                      buyer=None, note="", staff="Ana")
    desk_window.work_tabs.refresh()
    desk_window.work_tabs.show_issue(issue.issue_id)
    pane = desk_window.work_tabs.issues.pane
    assert pane.history_tabs.tabText(1) == "Mail"
    assert pane.mail_thread.cards == []
    assert "Settings › Mail" in pane.mail_thread.empty_label.text()


def _mail(**changes) -> MailView:
    """A mail as services.mail.inbox hands it to the window."""
    mail = MailView(mail_id=7, direction="in", kind="atoz_claim",
                    written_at=amazon_mail.SENT_AT.replace(tzinfo=None), order_id=ORDER,
                    issue_id=1, subject="A-to-z claim", sender="Amazon <atoz@amazon.com>",
                    body="The buyer filed a claim.", attachments=0, trusted=True, note="",
                    state="", by="mailbox")
    return dataclasses.replace(mail, **changes)


def test_a_mail_whose_seal_will_not_open_says_why_instead_of_its_body(qtbot):
    card = MailCard(_mail(subject="", sender="", body="",
                          unreadable="mail 7's body was sealed with key 3, not on this desk"))
    qtbot.addWidget(card)
    assert card.body_view is None
    assert card.body_text() == ("The mail cannot be read here: mail 7's body was sealed "
                                "with key 3, not on this desk")
    assert card.kind_label.text() == "A-to-z claim"


def test_a_purged_mail_says_so(qtbot):
    card = MailCard(_mail(subject=PURGED, sender=PURGED, body=PURGED))
    qtbot.addWidget(card)
    assert card.body_view is None
    assert card.body_text() == ("The mail's words were purged with the buyer's personal "
                                "data (retention period over).")
