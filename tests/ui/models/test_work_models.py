"""The Issues list as a person at the desk uses it: its clocks sort by the moment behind
the words, the sort outlives the list being read again (the issue in hand stays
selected), and at 1366×768 the columns that matter fit beside the issue pane."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from PySide6.QtCore import Qt

from sellerdesk.core.issues import IssueType
from sellerdesk.services import follow_up
from sellerdesk.services.issues import add_issue
from sellerdesk.ui.main_window import FRAME_ALLOWANCE
from sellerdesk.ui.models.work_models import ISSUE_REPLY_COLUMN
from sellerdesk.ui.views.work_tabs import ISSUES_TAB
from tests.helpers.headers import click_header
from tests.ui.conftest import ORDER


@pytest.fixture
def moment():
    at = datetime(2026, 10, 3, 10, 0, tzinfo=UTC)
    with time_machine.travel(at, tick=False):
        yield at.replace(tzinfo=None)


@pytest.fixture
def issues(desk_window, moment):
    """Three issues on the Issues tab: one logged 23 hours ago (its reply due within the
    hour), one logged now (due in a day), one answered already (no reply owed)."""
    engine = desk_window.database.engine
    with time_machine.travel(moment - timedelta(hours=23), tick=False):
        older = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
    newer = add_issue(engine, order_id=ORDER, issue_type=IssueType.LATE_DELIVERY, days_late=1)
    answered = add_issue(engine, order_id=ORDER, issue_type=IssueType.WRONG_ITEM)
    follow_up.note_reply(engine, issue_id=answered.issue_id, text="A new one is on its way.")
    view = desk_window.work_tabs.issues
    view.refresh()
    desk_window.tabs.setCurrentIndex(ISSUES_TAB)
    return view, (older.issue_id, newer.issue_id, answered.issue_id)


def test_the_reply_clock_sorts_by_time_left_not_by_its_words(qtbot, issues):
    view, _ = issues
    click_header(qtbot, view.table, ISSUE_REPLY_COLUMN)
    # As text, "1 d 0 h left" would come before "1 h 00 min left".
    assert view.model.column_texts(ISSUE_REPLY_COLUMN) == [
        "1 h 00 min left", "1 d 0 h left", "—"]
    click_header(qtbot, view.table, ISSUE_REPLY_COLUMN)
    assert view.model.column_texts(ISSUE_REPLY_COLUMN) == [
        "1 d 0 h left", "1 h 00 min left", "—"]      # no clock is last either way


def test_a_list_read_again_keeps_its_sort_and_the_issue_in_hand(qtbot, desk_window, issues):
    view, (older, newer, answered) = issues
    assert view.model.column_texts(0) == [str(answered), str(newer), str(older)]  # newest first
    click_header(qtbot, view.table, 0)
    assert view.model.column_texts(0) == [str(older), str(newer), str(answered)]
    view.select_issue(newer)
    later = add_issue(view.engine, order_id=ORDER, issue_type=IssueType.OTHER)
    view.refresh()                     # as it is read again when anything is saved
    assert view.model.column_texts(0) == [str(older), str(newer), str(answered),
                                          str(later.issue_id)]
    (row,) = view.table.selectionModel().selectedRows()
    assert row.data() == str(newer)
    assert view.pane.detail.issue.issue_id == newer


def test_the_columns_that_matter_fit_at_1366_by_768(qtbot, desk_window, issues):
    view, _ = issues
    # The size the window opens at on a 1366×768 screen (MainWindow.__init__).
    desk_window.resize(min(1280, 1366 - FRAME_ALLOWANCE), 768 - FRAME_ALLOWANCE)
    qtbot.waitUntil(lambda: view.table.viewport().width() < 900)
    table, header = view.table, view.table.horizontalHeader()
    titles = {table.model().headerData(c, Qt.Orientation.Horizontal): c
              for c in range(header.count())}
    for title in ("#", "Order", "Issue", "Status", "Reply", "Next deadline"):
        column = titles[title]
        assert not header.isSectionHidden(column), title
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        assert right <= table.viewport().width(), f"{title} runs off the table"
        assert header.sectionSize(column) >= table.sizeHintForColumn(column), (
            f"{title} cuts its text short")
