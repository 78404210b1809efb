"""The Queue tab, worked from the keyboard as an agent works it: the window opens on it,
the reply owed comes before the code about to lapse, J/K move, Enter opens, A takes the
issue, C opens the credit dialog — which gives nothing until its confirmation."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from sellerdesk.core.issues import IssueType, Remedy
from sellerdesk.services import follow_up
from sellerdesk.services.credits import issue_credit, reverse_credit
from sellerdesk.services.issues import add_issue
from sellerdesk.services.ledger import ledger_lines
from sellerdesk.services.policies import save_policy
from sellerdesk.services.shipped_policy import default_policy_text
from sellerdesk.ui.dialogs.issue_dialog import IssueDialog
from sellerdesk.ui.models.queue_model import queue_model
from sellerdesk.ui.views.queue_view import QueueView
from sellerdesk.ui.views.work_tabs import ISSUES_TAB, METRICS_TAB, QUEUE_TAB
from tests.helpers.staffing import hire
from tests.ui.conftest import ORDER, give_credit


@pytest.fixture
def moment():
    """Now, held still two days after the test order was placed: the rows' words are
    read at one instant, on any day the suite runs."""
    at = datetime(2026, 10, 3, 10, 0, tzinfo=UTC)
    with time_machine.travel(at, tick=False):
        yield at.replace(tzinfo=None)


@pytest.fixture
def queued(desk_window, moment):
    """A buyer waiting for a reply, and a promotional code (on an issue already answered)
    that lapses in three days."""
    engine = desk_window.database.engine
    owed = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                     affected=(("BOOK", 1),))
    coded = add_issue(engine, order_id=ORDER, issue_type=IssueType.LATE_DELIVERY, days_late=2)
    issue_credit(engine, issue_id=coded.issue_id, kind=Remedy.PROMOTIONAL_CREDIT,
                 amount="5.00", reason="a code for next time",
                 expires_on=moment.date() + timedelta(days=3))
    follow_up.note_reply(engine, issue_id=coded.issue_id, text="A code for your next order.")
    desk_window.work_tabs.refresh()
    return owed.issue_id, coded.issue_id


def test_the_queue_model_passes_qtmodeltester(qtmodeltester, desk_window, queued):
    model = queue_model()
    model.set_records(desk_window.work_tabs.queue.model.records())
    qtmodeltester.check(model, force_py=True)


def test_an_empty_queue_says_so(desk_window):
    view = desk_window.work_tabs.queue
    assert desk_window.tabs.currentIndex() == QUEUE_TAB      # home, nothing remembered
    assert view.empty_label.isVisible()
    assert view.empty_label.text() == "Nothing needs you now."
    assert desk_window.tabs.tabText(QUEUE_TAB) == "&Queue"


def test_the_reply_owed_comes_before_the_code_about_to_lapse(desk_window, queued, moment):
    owed, coded = queued
    view = desk_window.work_tabs.queue
    assert not view.empty_label.isVisible()
    assert view.model.column_texts(1) == [
        "Reply to the buyer; resolve before the buyer may file an A-to-z claim",
        f"Remind the buyer: the $5.00 promotional code lapses on "
        f"{(moment.date() + timedelta(days=3)).isoformat()}"]
    assert view.model.column_texts(3) == [str(owed), f"{coded} (credit 1)"]
    assert view.when_texts()[0] == "1 d 0 h left"
    assert desk_window.tabs.tabText(QUEUE_TAB) == "&Queue (2)"
    # A day and a half on, the reply is overdue: said in words, not in colour alone.
    with time_machine.travel(moment + timedelta(hours=36), tick=False):
        view.refresh()
        assert view.when_texts()[0] == "overdue 12 h 00 min"
        assert desk_window.work_tabs.urgent == 1


def test_keys_move_open_and_assign(qtbot, desk_window, queued):
    owed, _coded = queued
    view = desk_window.work_tabs.queue
    urgent = []
    desk_window.work_tabs.urgent_changed.connect(urgent.append)
    table = view.table
    qtbot.keyClick(table, Qt.Key.Key_J)
    assert view.selected().credit_id == 1
    qtbot.keyClick(table, Qt.Key.Key_J)                    # the last row stays the last
    assert view.selected().credit_id == 1
    qtbot.keyClick(table, Qt.Key.Key_K)
    assert view.selected().issue_id == owed
    qtbot.keyClick(table, Qt.Key.Key_A)          # written in the background, then said
    qtbot.waitUntil(lambda: desk_window.statusBar().currentMessage()
                    == "1 issue assigned to Ana")
    assert follow_up.issue_detail(desk_window.database.engine, owed).issue.assignee == "Ana"
    assert view.model.column_texts(4)[0] == "Ana"
    assert view.selected().issue_id == owed               # still in hand after the re-read
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert desk_window.tabs.currentIndex() == ISSUES_TAB
    assert desk_window.work_tabs.issues.pane.detail.issue.issue_id == owed
    assert urgent == []                                   # nothing due within two hours


def test_c_opens_the_credit_dialog_which_gives_nothing_until_confirmed(qtbot, desk_window,
                                                                        queued):
    owed, _coded = queued
    engine = desk_window.database.engine
    view = desk_window.work_tabs.queue
    qtbot.keyClick(view.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert desk_window.work_tabs.dialog is None           # Ctrl+C is not C
    qtbot.keyClick(view.table, Qt.Key.Key_C)
    dialog = desk_window.work_tabs.dialog
    assert isinstance(dialog, IssueDialog)
    assert dialog.isVisible()
    assert len(ledger_lines(engine)) == 1                 # the code only: nothing given yet
    qtbot.mouseClick(dialog.give_button, Qt.MouseButton.LeftButton)
    assert isinstance(dialog.question, QMessageBox)
    assert dialog.question.isVisible()
    assert len(ledger_lines(engine)) == 1                 # asked, not given
    dialog.question.reject()
    assert len(ledger_lines(engine)) == 1
    give_credit(qtbot, dialog)
    lines = ledger_lines(engine)
    assert [line.credit.issue_id for line in lines] == [_coded, owed]
    # The credit met the 48-hour clock: only the reply is owed on the issue now.
    assert view.model.column_texts(1)[0] == "Reply to the buyer"


def test_the_when_column_shows_its_longest_words_whole(desk_window, queued, moment):
    """At the window's first size the When column holds "overdue 19 h 08 min" and its
    margins: it was cut to "overdue 19 h 08 …" at 1366×768."""
    view = desk_window.work_tabs.queue
    with time_machine.travel(moment + timedelta(hours=24 + 19, minutes=8), tick=False):
        view.refresh()
        [words] = view.when_texts()[:1]
    assert words == "overdue 19 h 08 min"
    margins = 2 * (view.table.style().pixelMetric(
        view.table.style().PixelMetric.PM_FocusFrameHMargin, None, view.table) + 1)
    needed = view.table.fontMetrics().horizontalAdvance(words) + margins
    assert view.table.columnWidth(0) >= needed


BUDGET_WORDS = "Amazon.com: credits 8.6 % of sales, budget 5 % — over budget"


def test_a_budget_line_crossed_warns_the_supervisor_and_opens_metrics(qtbot, desk_window,
                                                                      moment):
    """Ana owns the desk: 5.00 of credits on 57.98 of sales (8.6 %) is over a 5 % line,
    and her queue says so until the credit is reversed. Ben, an agent, is not told."""
    engine = desk_window.database.engine
    hire(engine, "Ben")
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                      affected=(("BOOK", 1),))
    given = issue_credit(engine, issue_id=issue.issue_id, amount="5.00", reason="agreed")
    save_policy(engine, default_policy_text() + "\n[budget]\nwindow_days = 60\n"
                "share_of_sales = 0.05\n", by="Ana", source="budget.toml")
    view = desk_window.work_tabs.queue
    view.refresh()
    assert BUDGET_WORDS in view.model.column_texts(1)
    row = view.model.column_texts(1).index(BUDGET_WORDS)
    assert view.model.column_texts(0)[row] == "—"              # no clock runs on it

    agents = QueueView(engine, lambda: "Ben")
    qtbot.addWidget(agents)
    assert agents.model.column_texts(1) == ["Reply to the buyer"]   # read, without it

    view.table.selectRow(row)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert desk_window.tabs.currentIndex() == METRICS_TAB

    reverse_credit(engine, credit_id=given.credit_id, reason="sent back", staff="Ana")
    view.refresh()
    assert not any("budget" in words for words in view.model.column_texts(1))


def test_the_queue_is_read_again_for_whoever_comes_to_the_desk(qtbot, desk_window, moment):
    """The Queue is the person's own: when Ben, an agent, takes the desk from Ana, the
    owner, the budget line she was told of leaves it at once, not at the next minute."""
    engine = desk_window.database.engine
    hire(engine, "Ben")
    desk_window.at_desk_box.load()
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                      affected=(("BOOK", 1),))
    issue_credit(engine, issue_id=issue.issue_id, amount="5.00", reason="agreed")
    save_policy(engine, default_policy_text() + "\n[budget]\nwindow_days = 60\n"
                "share_of_sales = 0.05\n", by="Ana", source="budget.toml")
    view = desk_window.work_tabs.queue
    view.refresh()
    assert BUDGET_WORDS in view.model.column_texts(1)
    desk_window.staff_box.setCurrentText("Ben")
    assert desk_window.staff == "Ben"
    assert BUDGET_WORDS not in view.model.column_texts(1)
