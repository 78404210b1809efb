"""The date filter opens on today, with ranges a desk asks for, dated by the desk's clock."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from PySide6.QtCore import QDate, QPoint, Qt

from sellerdesk.ui.views.filter_bar import FilterBar

# A timestamp, not an aware datetime: time_machine would set TZ to the datetime's zone,
# and the desk's local day (Kiritimati's is a day ahead of UTC's) would not be tested.
NOW = datetime(2026, 3, 15, 12, tzinfo=UTC)     # a Sunday, mid-month
PINNED = NOW.timestamp()


@pytest.fixture
def bar(qtbot):
    widget = FilterBar()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def choose(qtbot, bar, label: str):
    """Pick a range from the list as a person does (the box, then the item)."""
    index = bar.preset_box.findText(label)
    assert index >= 0, label
    with qtbot.waitSignal(bar.filter_changed) as changed:
        bar.preset_box.setCurrentIndex(index)
        bar.preset_box.activated.emit(index)
    return changed.args[0]


@pytest.mark.parametrize(("label", "days_back", "from_first_of_month"), [
    ("Today", 0, False),
    ("Last 7 days", 6, False),
    ("Last 30 days", 29, False),
    ("Last 60 days", 59, False),
    ("The ODR window (60 days)", 59, False),
    ("This month", None, True),
])
def test_a_range_sets_both_dates_from_the_desks_clock(qtbot, bar, label, days_back,
                                                      from_first_of_month):
    today = NOW.astimezone().date()          # the desk's local day at the pinned time
    with time_machine.travel(PINNED, tick=False):
        flt = choose(qtbot, bar, label)
    first = today.replace(day=1) if from_first_of_month else today - timedelta(days=days_back)
    assert (flt.date_from, flt.date_to) == (first, today)
    assert bar.date_from.date() == QDate(first)
    assert bar.date_to.date() == QDate(today)
    assert bar.date_from.text() == first.isoformat()


def test_any_date_clears_the_range(qtbot, bar):
    with time_machine.travel(PINNED, tick=False):
        choose(qtbot, bar, "Last 7 days")
        flt = choose(qtbot, bar, "Any date")
    assert (flt.date_from, flt.date_to) == (None, None)
    assert bar.date_from.text() == "Any"


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # a popup
def test_the_calendar_opens_on_today_not_january_2000(qtbot, bar):
    today = NOW.astimezone().date()
    assert bar.date_from.text() == "Any"            # no limit until one is chosen
    edit = bar.date_from
    with time_machine.travel(PINNED, tick=False):      # click its drop-down arrow
        qtbot.mouseClick(edit, Qt.MouseButton.LeftButton,
                         pos=QPoint(edit.width() - 8, edit.height() // 2))
        calendar = edit.calendarWidget()
        qtbot.waitUntil(calendar.isVisible)
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year, today.month)
    calendar.window().close()


def test_clear_resets_the_range(qtbot, bar):
    with time_machine.travel(PINNED, tick=False):
        choose(qtbot, bar, "Today")
    bar.clear()
    assert bar.preset_box.currentText() == "Any date"
    assert bar.current_filter().date_from is None
