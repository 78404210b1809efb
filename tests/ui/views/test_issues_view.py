"""Amazon's deadlines in the Issues tab: the next one in the list, all of them in the
pane, events recorded from the pane's menu, and a warning under two hours."""

from datetime import timedelta

import time_machine
from PySide6.QtCore import Qt

from sellerdesk.core.deadlines import EVENTS
from sellerdesk.core.issues import IssueStatus, IssueType
from sellerdesk.services import follow_up
from sellerdesk.services.issues import add_issue
from sellerdesk.ui.models.work_models import ISSUE_DEADLINE_COLUMN
from sellerdesk.ui.views.work_tabs import ISSUES_TAB
from tests.helpers.window_actions import write_under_way
from tests.ui.conftest import ORDER


def test_a_reply_under_two_hours_away_warns_once(qtbot, desk_window):
    engine = desk_window.database.engine
    with time_machine.travel(timedelta(hours=-23), tick=False):
        issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
    view = desk_window.work_tabs.issues
    with qtbot.waitSignal(view.deadline_near) as near:
        desk_window.work_tabs.refresh()
    assert near.args[0].startswith(f"Issue {issue.issue_id}: reply to the buyer — 59 min")
    assert view.deadline_label.text().startswith(f"⚠ Issue {issue.issue_id}: reply to the "
                                                 "buyer — 59 min")
    assert desk_window.statusBar().currentMessage().startswith("⚠ Issue")
    cell = view.model.index(0, ISSUE_DEADLINE_COLUMN)
    assert cell.data().startswith("Reply: 59 min left")
    assert cell.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#a05a00"
    assert view.warn_of_deadlines() == []          # said once, not every half minute


def test_the_pane_lists_deadlines_and_records_amazons_request(qtbot, desk_window):
    engine = desk_window.database.engine
    with time_machine.travel(timedelta(hours=-50), tick=False):
        issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.NOT_AS_DESCRIBED)
        follow_up.record_event(engine, issue_id=issue.issue_id, kind="return_received")
    desk_window.work_tabs.refresh()
    desk_window.tabs.setCurrentIndex(ISSUES_TAB)
    view = desk_window.work_tabs.issues
    view.status_box.setCurrentIndex(view.status_box.findData(None))
    assert view.select_issue(issue.issue_id)
    pane = view.pane
    text = pane.deadlines_text()
    assert '<b style="color:#b00020">Resolve before the buyer may file an A-to-z claim: ' \
           'overdue 2 h 00 min</b>' in text
    assert "Refund the return:" in text
    [request] = [a for a in pane.record_menu.actions()
                 if a.text() == "Amazon asked for information on an A-to-z claim"]
    request.trigger()
    pane.question.setTextValue("case 1234")
    pane.question.accept()
    assert pane.detail.issue.status is IssueStatus.ESCALATED_ATOZ
    assert pane.timeline_rows()[-2][2:] == ["A-to-z request", "Amazon asked for information "
                                            "on an A-to-z claim: case 1234"]
    text = pane.deadlines_text()
    assert "Answer Amazon's A-to-z information request: 1 d 23 h" in text   # 48 h
    assert ('<span style="color:#666666">Resolve before the buyer may file an A-to-z claim: '
            'done late</span>') in text
    [appeal] = [a for a in pane.record_menu.actions()
                if a.text() == "Amazon asked for information on the A-to-z appeal"]
    appeal.trigger()
    pane.question.setTextValue("")
    pane.question.accept()
    assert pane.timeline_rows()[-1][2] == "Appeal request"
    assert ("Answer Amazon's information request on the appeal: 2 d 23 h"   # 72 h
            in pane.deadlines_text())


def test_a_note_answered_after_another_write_began_is_not_lost(qtbot, desk_window):
    """The note is typed when the watched folder's import begins: nothing is recorded
    behind it, the pane says so (not that it waits), and the note is offered again."""
    issue = add_issue(desk_window.database.engine, order_id=ORDER,
                      issue_type=IssueType.NOT_AS_DESCRIBED)
    desk_window.work_tabs.show_issue(issue.issue_id)
    pane = desk_window.work_tabs.issues.pane
    [arrived] = [a for a in pane.record_menu.actions() if a.text() == EVENTS["return_received"]]
    arrived.trigger()
    with write_under_way(qtbot, desk_window.operations):
        pane.question.setTextValue("tracking 1Z999")
        pane.question.accept()
        assert pane.error_label.text() == ("Not saved: Importing more.txt is under way; this "
                                           "waits until it is done. Do it again then.")
        assert "Return arrived" not in [r[2] for r in pane.timeline_rows()]
    arrived.trigger()
    assert pane.question.textValue() == "tracking 1Z999"
    pane.question.accept()
    assert pane.timeline_rows()[-1][2:] == ["Return arrived",
                                            f"{EVENTS['return_received']}: tracking 1Z999"]


def test_an_issue_opened_after_a_write_ended_can_be_changed(qtbot, desk_window):
    """Housekeeping's purge runs as the window opens, before any issue is in the pane: the
    first issue opened after it ends can be assigned, given a status and noted on (its
    controls stayed greyed out for the rest of the day)."""
    issue = add_issue(desk_window.database.engine, order_id=ORDER,
                      issue_type=IssueType.DAMAGED)
    pane = desk_window.work_tabs.issues.pane
    assert pane.detail is None
    with write_under_way(qtbot, desk_window.operations):
        qtbot.waitUntil(lambda: not pane.status_box.isEnabled())
    desk_window.work_tabs.show_issue(issue.issue_id)
    for control in (pane.status_box, pane.assignee_box, pane.message_button,
                    pane.reply_button, pane.credit_button, pane.record_button,
                    pane.attach_button):
        assert control.isEnabled(), control.text() if hasattr(control, "text") else control


def test_the_pane_fits_beside_the_list_in_a_1366_by_768_window(qtbot, window):
    """The window a 1366×768 laptop opens (1280×696 inside the frame, and the same in
    logical pixels at 150 % on 1920×1080): the issue pane's buttons wrap onto a second
    line rather than run off its right edge behind a horizontal scroll bar."""
    window.resize(1280, 696)
    view = window.work_tabs.issues
    window.work_tabs.show_issue(view.model.records()[0].issue.issue_id)
    area = view.splitter.widget(1)
    qtbot.waitUntil(lambda: area.viewport().width() > 0 and view.pane.isVisible())
    assert area.horizontalScrollBar().maximum() == 0
    pane = view.pane
    right = area.viewport().width()
    for control in (pane.order_button, pane.dispute_button, pane.assignee_box,
                    *pane.answer_buttons.values(), pane.attach_button, pane.buyer_button):
        corner = control.mapTo(pane, control.rect().bottomRight())
        assert corner.x() <= right, control
