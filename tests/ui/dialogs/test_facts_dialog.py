"""Desk → Amazon's numbers…: each fact with its default and source, edited in the table,
saved by a supervisor or the owner, and every view measuring against the new value."""

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from sellerdesk.core.amazon_facts import BY_KEY
from sellerdesk.services import amazon_facts, metrics
from sellerdesk.ui.views.work_tabs import ISSUES_TAB
from tests.helpers.staffing import hire, owner_at_work
from tests.helpers.window_actions import log_damaged_book

CLICK = Qt.MouseButton.LeftButton


def row_of(dialog, key):
    return [s.fact.key for s in dialog.settings].index(key)


def test_facts_show_their_defaults_and_sources(qtbot, desk_window):
    desk_window.facts_action.trigger()
    dialog = desk_window.work_tabs.dialog
    row = row_of(dialog, "odr_target")
    cells = [dialog.table.item(row, c).text() for c in range(5)]
    assert cells == ["Order Defect Rate target (below)", "1", "%", "1 %",
                     "Seller Central Help, “Order Defect Rate” (Account Health)"]
    assert dialog.table.rowCount() == len(BY_KEY)
    assert not dialog.table.item(row, 0).flags() & Qt.ItemFlag.ItemIsEditable
    assert dialog.table.item(row, 1).flags() & Qt.ItemFlag.ItemIsEditable


def test_a_new_deadline_moves_the_issue_pane_and_the_dashboard(qtbot, desk_window):
    engine = desk_window.database.engine
    issue_id = log_damaged_book(desk_window)           # Ana set the desk up: the owner
    owner_at_work(engine)                              # and gave her PIN
    desk_window.work_tabs.show_issue(issue_id)
    assert desk_window.tabs.currentIndex() == ISSUES_TAB
    pane = desk_window.work_tabs.issues.pane
    assert "Resolve before the buyer may file an A-to-z claim: 1 d 23 h" in (
        pane.deadlines_text())

    dialog = desk_window.work_tabs.edit_facts()
    dialog.set_value_text(row_of(dialog, "atoz_contact_hours"), "96")
    dialog.set_value_text(row_of(dialog, "odr_target"), "0.5")
    assert dialog.save()
    assert "Resolve before the buyer may file an A-to-z claim: 3 d 23 h" in (
        pane.deadlines_text())
    assert metrics.dashboard(engine).target == Decimal("0.005")
    assert dialog.table.item(row_of(dialog, "odr_target"), 1).font().bold()
    assert "Set by Ana" in dialog.table.item(row_of(dialog, "odr_target"), 1).toolTip()

    dialog.table.selectRow(row_of(dialog, "atoz_contact_hours"))
    qtbot.mouseClick(dialog.reset_button, CLICK)
    assert dialog.changes() == {"atoz_contact_hours": None}
    assert dialog.save()
    assert amazon_facts.overrides(engine) == {"odr_target": Decimal("0.005")}


@pytest.mark.parametrize(("typed", "message"), [
    ("abc", "Answer a chargeback, from Amazon's e-mail: 'abc' is not a number"),
    ("0", "Answer a chargeback, from Amazon's e-mail: 0 days is outside 1 days to 365 days"),
    ("7.5", "Answer a chargeback, from Amazon's e-mail: give whole days"),
])
def test_a_slip_is_named_and_nothing_is_saved(qtbot, desk_window, typed, message):
    log_damaged_book(desk_window)
    dialog = desk_window.work_tabs.edit_facts()
    dialog.set_value_text(row_of(dialog, "odr_window_days"), "30")   # fine on its own
    dialog.set_value_text(row_of(dialog, "chargeback_days"), typed)
    assert not dialog.save()
    assert dialog.error_label.text() == message
    assert amazon_facts.overrides(desk_window.database.engine) == {}


def test_an_agent_may_look_but_not_save(qtbot, desk_window):
    engine = desk_window.database.engine
    log_damaged_book(desk_window)
    hire(engine, "Cleo")
    desk_window.work_tabs.refresh()
    desk_window.staff_box.setCurrentText("Cleo")
    dialog = desk_window.work_tabs.edit_facts()
    dialog.set_value_text(row_of(dialog, "chargeback_days"), "10")
    assert not dialog.save()
    assert dialog.error_label.text() == (
        "Cleo is not a supervisor or owner here; Amazon's numbers bind the whole desk, so one "
        "of them changes them")
    assert amazon_facts.overrides(engine) == {}
