"""The reply dialog: the reply drafted in the buyer's language, and the guard that stops
wording Amazon prohibits and asks twice before a reply with warnings goes out."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox

from sellerdesk.core.issues import IssueType
from sellerdesk.services import follow_up
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from sellerdesk.ui.dialogs.reply_dialog import ReplyDialog
from tests.helpers.reports import row, write

CLICK = Qt.MouseButton.LeftButton
DE_ORDER = "302-5555555-5555555"
REFUSED = "Wenn Sie Ihre Bewertung entfernen, erstatten wir Ihnen den Betrag."


@pytest.fixture
def german_issue(sqlite_database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    engine = sqlite_database.engine
    import_orders(engine, write(tmp_path / "de.txt", [
        row(DE_ORDER, sku="LAMP", title="Messing-Schreibtischlampe, 40 cm", price="59.00",
            currency="EUR", channel="Amazon.de")]))
    issue = add_issue(engine, order_id=DE_ORDER, issue_type=IssueType.DAMAGED,
                      affected=(("LAMP", 1),))
    return engine, issue.issue_id


@pytest.fixture
def dialog(qtbot, german_issue):
    engine, issue_id = german_issue
    shown = ReplyDialog(engine, issue_id, "Ana")
    qtbot.addWidget(shown)
    shown.show()
    return shown


def replies(dialog):
    return [e.text for e in follow_up.issue_detail(dialog.engine, dialog.issue_id).timeline
            if e.kind in ("reply", "reply_late")]


def test_an_amazon_de_buyer_gets_a_german_draft_and_it_is_noted(qtbot, dialog):
    assert dialog.language_label.text() == "Reply in German (Amazon.de)"
    draft = dialog.text_edit.toPlainText()
    assert draft.startswith("Guten Tag,\n\nvielen Dank für Ihre Nachricht")
    assert "der Artikel „Messing-Schreibtischlampe“ beschädigt angekommen ist" in draft
    with qtbot.waitSignal(dialog.replied):
        qtbot.mouseClick(dialog.send_button, CLICK)
    assert not dialog.isVisible()
    assert replies(dialog) == [draft.strip()]
    assert QGuiApplication.clipboard().text() == draft


def test_a_reply_that_trades_a_refund_for_feedback_is_not_sent(qtbot, dialog):
    dialog.text_edit.setPlainText(f"Guten Tag,\n\n{REFUSED}\n\nMit freundlichen Grüßen")
    qtbot.mouseClick(dialog.send_button, CLICK)
    assert dialog.isVisible()
    assert dialog.error_label.text().startswith(f"Not sent. Line 3: “{REFUSED}” — it ties "
                                                "compensation (“erstatten”) to feedback")
    assert not dialog.send_anyway.isVisible()      # a refusal cannot be overridden
    qtbot.mouseClick(dialog.copy_button, CLICK)     # nor copied out to paste by hand
    assert dialog.error_label.text().startswith("Not sent. Line 3:")
    assert replies(dialog) == []


def test_a_reply_in_english_to_a_german_buyer_needs_a_second_deliberate_click(qtbot, dialog):
    english = ("Hello,\n\nThank you for your message about your order. We are sorry that the "
               "lamp arrived damaged. We will write again within 24 hours.\n\nKind regards")
    dialog.text_edit.setPlainText(english)
    qtbot.mouseClick(dialog.send_button, CLICK)
    assert dialog.isVisible()
    assert dialog.error_label.text() == ("This reply looks English; the buyer's marketplace "
                                         "(Amazon.de) replies in German.")
    assert dialog.send_anyway.isVisible()
    assert replies(dialog) == []

    qtbot.mouseClick(dialog.send_anyway, CLICK)
    assert dialog.send_anyway.isChecked()
    qtbot.keyClicks(dialog.text_edit, " ")         # editing asks again
    assert not dialog.send_anyway.isChecked()
    qtbot.mouseClick(dialog.send_button, CLICK)
    assert replies(dialog) == []

    qtbot.mouseClick(dialog.send_anyway, CLICK)
    with qtbot.waitSignal(dialog.replied):
        qtbot.mouseClick(dialog.send_button, CLICK)
    assert replies(dialog) == [dialog.text_edit.toPlainText().strip()]


def test_a_link_is_shown_before_the_reply_goes(qtbot, dialog):
    dialog.text_edit.setPlainText(dialog.text_edit.toPlainText()
                                  + "\nAnleitung: https://brightside.example/hilfe\n")
    qtbot.mouseClick(dialog.send_button, CLICK)
    assert "Amazon removes links from messages to buyers: the buyer will not see " \
           "https://brightside.example/hilfe." in dialog.error_label.text()
    assert replies(dialog) == []


def test_each_language_s_template_is_edited_in_the_template_dialog(qtbot, dialog):
    qtbot.mouseClick(dialog.template_button, CLICK)
    templates = dialog.template_dialog
    qtbot.waitUntil(templates.isVisible)
    assert templates.language_box.currentText() == "German"
    assert templates.text_edit.toPlainText().startswith("Guten Tag,")
    save = templates.buttons.button(QDialogButtonBox.StandardButton.Save)

    templates.text_edit.setPlainText(f"Hallo!\n$problem\n{REFUSED}\n$staff")
    qtbot.waitUntil(lambda: not save.isEnabled())
    assert templates.error_label.text().startswith(f"line 3: “{REFUSED}” — it ties")

    templates.language_box.setCurrentIndex(templates.language_box.findText("French"))
    assert templates.text_edit.toPlainText().startswith("Bonjour,")
    templates.text_edit.setPlainText("Bonjour,\n\nNous sommes désolés que $problem.\n$staff")
    templates.language_box.setCurrentIndex(templates.language_box.findText("German"))
    assert templates.text_edit.toPlainText().startswith("Hallo!\n")   # kept, not lost
    templates.text_edit.setPlainText("Hallo! Es tut uns leid, dass $problem.\n$staff")
    qtbot.waitUntil(save.isEnabled)
    qtbot.mouseClick(save, CLICK)

    assert dialog.text_edit.toPlainText() == (
        "Hallo! Es tut uns leid, dass der Artikel „Messing-Schreibtischlampe“ beschädigt "
        "angekommen ist.\nAna\n")
    assert follow_up.reply_template(dialog.engine, "fr").startswith(
        "Bonjour,\n\nNous sommes désolés que $problem.")
    assert follow_up.reply_template(dialog.engine).startswith("Hello,")   # English untouched


# -- sent by e-mail, through the desk's mailbox (#25) ------------------------------------
@pytest.fixture
def mailed_issue(sqlite_database, tmp_path, monkeypatch, mail_account, mail_user, dovecot):
    """An Amazon.de buyer's mail read from the real Dovecot into an issue, on a desk
    whose mailbox is connected."""
    import time_machine

    from sellerdesk.services.mail.account import save_mail_account
    from sellerdesk.services.mail.sync import sync_mailbox
    from tests.helpers import amazon_mail
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    engine = sqlite_database.engine
    import_orders(engine, write(tmp_path / "de.txt", [
        row(DE_ORDER, sku="LAMP", title="Messing-Schreibtischlampe, 40 cm", price="59.00",
            currency="EUR", channel="Amazon.de")]))
    with time_machine.travel(amazon_mail.SENT_AT + timedelta(hours=1), tick=False):
        save_mail_account(engine, mail_account, password=mail_user.password)
        dovecot.deliver(mail_user.login, amazon_mail.buyer_message(
            DE_ORDER, marketplace="DE", text="Die Lampe kam zerbrochen an."))
        sync_mailbox(engine)
    return engine, 1


def mail_dialog(qtbot, engine, issue_id):
    shown = ReplyDialog(engine, issue_id, "Ana")
    qtbot.addWidget(shown)
    shown.show()
    return shown


def test_send_mails_the_german_reply_and_the_clock_stops(qtbot, mailed_issue, smtp_server):
    engine, issue_id = mailed_issue
    dialog = mail_dialog(qtbot, engine, issue_id)
    assert dialog.mail_button.isVisible()
    assert dialog.mail_button.text() == "&Send"
    draft = dialog.text_edit.toPlainText()
    with qtbot.waitSignal(dialog.replied, timeout=20_000):
        qtbot.mouseClick(dialog.mail_button, CLICK)
    assert not dialog.isVisible()
    [arrived] = smtp_server.received
    mail = message_from_bytes(arrived.raw, policy=policy.default)
    assert mail.get_content().replace("\r\n", "\n").strip() == draft.strip()
    assert draft.startswith("Guten Tag,")
    detail = follow_up.issue_detail(engine, issue_id)
    assert detail.issue.reply_due_at is None
    assert [e.text for e in detail.timeline if e.kind in ("reply", "reply_late")] == [
        f"Sent by e-mail (mail {dialog.sent.mail_id})"]


def test_a_send_that_fails_keeps_the_reply_and_says_why(qtbot, mailed_issue, mail_account,
                                                        mail_user, smtp_server):
    import dataclasses

    from sellerdesk.services.mail.account import save_mail_account
    from tests.helpers.mail_servers import free_port
    engine, issue_id = mailed_issue
    gone = dataclasses.replace(mail_account, smtp_port=free_port())
    save_mail_account(engine, gone, password=mail_user.password)
    dialog = mail_dialog(qtbot, engine, issue_id)
    dialog.text_edit.setPlainText("Guten Tag,\n\nein Ersatz ist unterwegs.\n\nMit freundlichen "
                                  "Grüßen")
    qtbot.mouseClick(dialog.mail_button, CLICK)
    qtbot.waitUntil(lambda: dialog.sending is None, timeout=20_000)
    assert dialog.isVisible()
    assert dialog.error_label.text() == (f"Nothing answers at localhost:{gone.smtp_port}: the "
                                         "SMTP server is down or the port is wrong. Your reply "
                                         "is kept here.")
    assert dialog.text_edit.toPlainText().startswith("Guten Tag,\n\nein Ersatz")
    assert follow_up.issue_detail(engine, issue_id).issue.reply_due_at is not None
    assert smtp_server.received == []


def test_without_a_mailbox_only_the_clipboard_is_offered(qtbot, dialog):
    assert not dialog.mail_button.isVisible()
    assert dialog.send_button.isVisible()


def test_no_response_needed_stops_the_clock_and_sends_nothing(qtbot, dialog):
    assert follow_up.issue_detail(dialog.engine, dialog.issue_id).issue.reply_due_at
    clipboard_before = QGuiApplication.clipboard().text()
    with qtbot.waitSignal(dialog.replied):
        qtbot.mouseClick(dialog.no_reply_button, CLICK)
    detail = follow_up.issue_detail(dialog.engine, dialog.issue_id)
    assert detail.issue.reply_due_at is None
    assert detail.timeline[-1].text == "No response needed"
    assert replies(dialog) == []
    assert QGuiApplication.clipboard().text() == clipboard_before


def test_escape_on_an_edited_reply_asks_and_keep_editing_keeps_it(qtbot, dialog):
    dialog.text_edit.appendPlainText("Wir senden Ihnen heute eine neue Lampe.")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    question = dialog.question
    assert question is not None
    assert question.isVisible()
    assert question.text() == f"Your reply on issue {dialog.issue_id} is not saved. Discard it?"
    qtbot.keyClick(question, Qt.Key.Key_Return)          # Enter is Keep editing
    assert dialog.isVisible()
    assert "heute eine neue Lampe" in dialog.text_edit.toPlainText()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    discard = next(b for b in dialog.question.buttons() if b.text() == "Discard")
    qtbot.mouseClick(discard, CLICK)
    assert not dialog.isVisible()
    assert replies(dialog) == []


def test_escape_on_the_draft_as_drafted_closes_without_asking(qtbot, dialog):
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.question is None
    assert not dialog.isVisible()


def test_a_message_being_noted_is_not_lost_to_escape(qtbot, german_issue):
    from sellerdesk.ui.dialogs.message_dialog import MessageDialog
    engine, issue_id = german_issue
    shown = MessageDialog(engine, issue_id, "Ana")
    qtbot.addWidget(shown)
    shown.show()
    qtbot.keyClicks(shown.text_edit, "Die Lampe kam zerbrochen an")
    qtbot.keyClick(shown, Qt.Key.Key_Escape)
    assert shown.isVisible()
    question = shown.question
    qtbot.keyClick(question, Qt.Key.Key_Escape)          # Escape on the question keeps too
    # QTest sends keys with no event loop between them; a person's next key comes after
    # the loop has deleted the closed question, so the test waits for that too.
    qtbot.waitUntil(lambda: not shiboken6.isValid(question))
    assert shown.isVisible()
    assert shown.text_edit.toPlainText() == "Die Lampe kam zerbrochen an"
    shown.text_edit.clear()
    qtbot.keyClick(shown, Qt.Key.Key_Escape)             # nothing typed: it just closes
    assert not shown.isVisible()
