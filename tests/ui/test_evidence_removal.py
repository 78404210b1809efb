"""A file dropped on an issue by mistake, taken back in the window within its minute:
Remove on its row, or Undo attach right after the drop; the timeline says it came and
went, the dispute packet leaves it out; after the minute the Remove is gone."""

import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from PySide6.QtCore import Qt

from sellerdesk.core.issues import IssueType
from sellerdesk.services.dispute import export_dispute
from sellerdesk.services.evidence import evidence_on
from sellerdesk.services.issues import add_issue
from tests.helpers.window_actions import write_under_way
from tests.ui.conftest import ORDER
from tests.ui.test_evidence_out import drop

CLICK = Qt.MouseButton.LeftButton
# A timestamp, not an aware datetime: time_machine would set TZ to the datetime's zone.
DROPPED = datetime(2026, 10, 3, 9, 30, tzinfo=UTC).timestamp()


@pytest.fixture
def clock():
    with time_machine.travel(DROPPED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def pane(desk_window, clock):
    engine = desk_window.database.engine
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
    desk_window.work_tabs.refresh()
    desk_window.work_tabs.show_issue(issue.issue_id)
    return desk_window.work_tabs.issues.pane


def photo(tmp_path, name, data=b"\xff\xd8 photo"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_dropped_file_removed_within_the_minute_is_on_the_timeline_as_removed(
        qtbot, desk_window, pane, clock, tmp_path):
    drop(pane, [photo(tmp_path, "cat.jpg", b"\xff\xd8 my cat"),
                photo(tmp_path, "box.jpg", b"\xff\xd8 the box")])
    cat, box = evidence_on(desk_window.database.engine, [pane.detail.issue.issue_id])
    assert set(pane.remove_buttons) == {cat.evidence_id, box.evidence_id}
    assert pane.remove_buttons[cat.evidence_id].isVisible()
    clock.shift(timedelta(seconds=40))
    qtbot.mouseClick(pane.remove_buttons[cat.evidence_id], CLICK)
    qtbot.waitUntil(lambda: pane.evidence_names() == ["box.jpg"])
    when, who, what, text = pane.timeline_rows()[-1]
    assert (when, who, what) == (f"{datetime.fromtimestamp(DROPPED + 40):%Y-%m-%d %H:%M}",
                                 "Ana", "Evidence removed")
    assert text == (f"Removed evidence cat.jpg (sha256 {cat.sha256[:12]}…) added by Ana at "
                    "2026-10-03 09:30:00 UTC, removed by Ana")
    export_dispute(desk_window.database.engine, ORDER, tmp_path / "packet.zip")
    with zipfile.ZipFile(tmp_path / "packet.zip") as archive:
        evidence = [n for n in archive.namelist() if n.startswith("evidence/")]
    assert evidence == ["evidence/01-box.jpg"]


def test_undo_attach_takes_back_what_the_drop_put_on(qtbot, pane, tmp_path):
    drop(pane, [photo(tmp_path, "a.jpg", b"\xff\xd8 a"), photo(tmp_path, "b.pdf", b"%PDF b")])
    assert pane.undo_bar.isVisible()
    assert pane.attached_label.text() == "Attached a.jpg, b.pdf."
    qtbot.mouseClick(pane.undo_button, CLICK)
    qtbot.waitUntil(lambda: pane.evidence_names() == [])
    assert not pane.undo_bar.isVisible()
    assert [row[2] for row in pane.timeline_rows()[-2:]] == ["Evidence removed"] * 2


def test_after_the_minute_the_remove_is_gone_and_a_late_one_is_refused(
        qtbot, pane, clock, tmp_path):
    drop(pane, [photo(tmp_path, "cat.jpg")])
    [evidence_id] = pane.remove_buttons
    clock.shift(timedelta(seconds=61))
    qtbot.waitUntil(lambda: not pane.remove_buttons)     # looked at each second
    assert not pane.undo_bar.isVisible()
    assert pane.evidence_names() == ["cat.jpg"]
    pane.remove([evidence_id])          # a click that came as the minute ended
    qtbot.waitUntil(pane.error_label.isVisible)
    attached = datetime.fromtimestamp(DROPPED)          # the desk's own zone
    assert pane.error_label.text() == ("Evidence can be removed only within a minute of "
                                       f"attaching it; this was attached at "
                                       f"{attached:%H:%M}.")
    assert pane.evidence_names() == ["cat.jpg"]


def test_a_removal_waits_for_the_write_under_way(qtbot, desk_window, pane, tmp_path):
    drop(pane, [photo(tmp_path, "cat.jpg")])
    [evidence_id] = pane.remove_buttons
    with write_under_way(qtbot, desk_window.operations):
        assert not pane.remove_buttons[evidence_id].isEnabled()
        pane.remove([evidence_id])
        assert pane.error_label.text() == ("Not removed: Importing more.txt is under way; "
                                           "this waits until it is done. Do it again then.")
    qtbot.waitUntil(lambda: pane.remove_buttons[evidence_id].isEnabled())
    qtbot.mouseClick(pane.remove_buttons[evidence_id], CLICK)
    qtbot.waitUntil(lambda: pane.evidence_names() == [])
