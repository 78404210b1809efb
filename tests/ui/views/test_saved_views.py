"""Saved views on the Queue and the Issues tab: each built-in view shows its rows; a view a
person names keeps its filters and its sort, and the next start (a new view over the same
desk and window.ini) shows it again with its rows in that order; a name already saved is
replaced only once the person says so; a saved view can be deleted."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from sellerdesk.core.issues import IssueType
from sellerdesk.services import follow_up
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.issues import add_issue
from sellerdesk.ui.settings import window_settings
from sellerdesk.ui.views.issues_view import IssuesView
from sellerdesk.ui.views.queue_view import QueueView
from tests.helpers.staffing import hire
from tests.ui.conftest import ORDER

ISSUE_NUMBER = 0          # the Issues table's "#" column
QUEUE_ISSUE = 3           # the Queue table's "Issue" column


NOW = datetime(2026, 10, 3, 10, 0, tzinfo=UTC)   # held still: overdue or not by the same minute


@pytest.fixture
def desk(desk_window):
    """Ana's issue and nobody's, both a day and more past their reply; a fresh one of
    nobody's; Ben's, with his credit waiting for Ana's approval."""
    with time_machine.travel(NOW, tick=False):
        yield four_issues(desk_window)


def four_issues(desk_window) -> dict[str, int]:
    engine = desk_window.database.engine
    hire(engine, "Ben", limits="USD 4")
    with time_machine.travel(NOW - timedelta(hours=30), tick=False):
        late_mine = add_issue(engine, order_id=ORDER, issue_type=IssueType.LATE_DELIVERY,
                              days_late=2).issue_id
        late_nobodys = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                                 affected=(("BOOK", 1),)).issue_id
    follow_up.assign(engine, issue_id=late_mine, assignee="Ana")
    fresh = add_issue(engine, order_id=ORDER, issue_type=IssueType.WRONG_ITEM,
                      affected=(("MUG", 1),)).issue_id
    bens = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                     affected=(("MUG", 1),), staff="Ben").issue_id
    follow_up.assign(engine, issue_id=bens, assignee="Ben")
    assert issue_credit(engine, issue_id=bens, staff="Ben").pending
    desk_window.work_tabs.refresh()
    return {"late_mine": late_mine, "late_nobodys": late_nobodys, "fresh": fresh,
            "bens": bens}


def shown_issues(view) -> list[str]:
    return view.model.column_texts(ISSUE_NUMBER)


def test_each_built_in_view_of_the_issues(desk_window, desk):
    view = desk_window.work_tabs.issues
    ids = {name: str(number) for name, number in desk.items()}
    assert view.views.chosen == "Open and awaiting buyer"     # as a new desk opens
    expected = {
        "Everything": ["bens", "fresh", "late_nobodys", "late_mine"],
        "Mine": ["late_mine"],
        "Unassigned": ["fresh", "late_nobodys"],
        "Overdue": ["late_nobodys", "late_mine"],
        "Waiting for approval": ["bens"],
    }
    for name, names in expected.items():
        view.views.choose(name)
        assert view.views.chosen == name
        assert shown_issues(view) == [ids[n] for n in names], name
    assert view.assignee_box.currentText() == "Anyone"
    assert view.approval_box.isChecked()
    assert not view.views.delete_button.isEnabled()          # SellerDesk's own: kept


def test_each_built_in_view_of_the_queue(desk_window, desk):
    view = desk_window.work_tabs.queue
    assert view.views.chosen == "Everything"
    everything = view.model.column_texts(QUEUE_ISSUE)
    assert len(everything) == 5          # four issues, and Ben's request for approval
    expected = {
        "Mine": [f"{desk['late_mine']}"],
        "Unassigned": [f"{desk['late_nobodys']}", f"{desk['fresh']}"],
        "Overdue": [f"{desk['late_mine']}", f"{desk['late_nobodys']}"],
        "Waiting for approval": [f"{desk['bens']} (request 1)"],
    }
    for name, issues in expected.items():
        view.views.choose(name)
        assert view.model.column_texts(QUEUE_ISSUE) == issues, name
        assert view.count_label.text() == f"{len(issues)} of 5 items"
    assert desk_window.tabs.tabText(1) == "&Queue (5)"     # the title counts the whole queue


def test_a_view_with_its_sort_is_saved_and_found_again_at_the_next_start(qtbot, desk_window,
                                                                        desk):
    engine = desk_window.database.engine
    view = desk_window.work_tabs.issues
    view.views.choose("Everything")
    view.table.sortByColumn(ISSUE_NUMBER, Qt.SortOrder.AscendingOrder)   # a header click
    oldest_first = sorted(shown_issues(view), key=int)
    assert shown_issues(view) == oldest_first
    qtbot.mouseClick(view.views.save_button, Qt.MouseButton.LeftButton)
    view.views.question.setTextValue("  Oldest   first ")
    view.views.question.accept()
    assert view.views.chosen == "Oldest first"
    assert desk_window.statusBar().currentMessage() == "View “Oldest first” saved"
    view.views.choose("Mine")                   # a built-in view has no sort of its own
    assert shown_issues(view) == [str(desk["late_mine"])]
    view.views.choose("Oldest first")
    assert shown_issues(view) == oldest_first

    restarted = IssuesView(engine, lambda: "Ana")          # the next start
    qtbot.addWidget(restarted)
    assert restarted.views.chosen == "Oldest first"
    assert restarted.status_box.currentText() == "All statuses"
    assert shown_issues(restarted) == oldest_first
    header = restarted.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        ISSUE_NUMBER, Qt.SortOrder.AscendingOrder)
    assert restarted.views.delete_button.isEnabled()


def test_the_queue_keeps_a_view_and_its_sort_across_a_restart(qtbot, desk_window, desk):
    view = desk_window.work_tabs.queue
    view.views.choose("Unassigned")
    view.table.sortByColumn(QUEUE_ISSUE, Qt.SortOrder.DescendingOrder)
    assert view.model.column_texts(QUEUE_ISSUE) == [f"{desk['fresh']}",
                                                    f"{desk['late_nobodys']}"]
    restarted = QueueView(desk_window.database.engine, lambda: "Ana")
    qtbot.addWidget(restarted)
    assert restarted.views.chosen == "Unassigned"
    assert restarted.who_box.currentText() == "Nobody's"
    assert restarted.model.column_texts(QUEUE_ISSUE) == [f"{desk['fresh']}",
                                                         f"{desk['late_nobodys']}"]


def test_a_name_already_saved_is_replaced_once_the_person_says_so(qtbot, desk_window, desk):
    view = desk_window.work_tabs.issues
    views = view.views
    views.choose("Overdue")
    views.save_as("Late ones")
    views.choose("Waiting for approval")
    views.save_as("Late ones")
    box = views.question
    assert isinstance(box, QMessageBox)
    assert box.text() == ("A view called “Late ones” is saved already. Replace it with "
                          "these filters and this sort?")
    box.reject()                                      # Cancel: the first stays
    views.choose("Late ones")
    assert (view.overdue_box.isChecked(), view.approval_box.isChecked()) == (True, False)
    views.choose("Waiting for approval")
    views.save_as("Late ones")
    (replace,) = [b for b in views.question.buttons() if b.text() == "Replace"]
    qtbot.mouseClick(replace, Qt.MouseButton.LeftButton)
    views.choose("Late ones")
    assert (view.overdue_box.isChecked(), view.approval_box.isChecked()) == (False, True)
    views.save_as("Mine")                              # SellerDesk's own: never replaced
    assert "one of SellerDesk's own views" in views.question.text()
    views.question.accept()
    assert [views.view_box.itemText(n) for n in range(views.view_box.count())][-1] \
        == "Late ones"

    qtbot.mouseClick(views.delete_button, Qt.MouseButton.LeftButton)
    assert views.chosen == "Open and awaiting buyer"
    assert "Late ones" not in [views.view_box.itemText(n)
                               for n in range(views.view_box.count())]
    settings = window_settings()
    settings.beginGroup("views/issues/saved")
    assert settings.childKeys() == []                  # gone from window.ini too
    assert desk_window.statusBar().currentMessage() == "View “Late ones” deleted"
