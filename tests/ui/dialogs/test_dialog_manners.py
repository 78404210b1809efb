"""Every dialog of SellerDesk, opened on the demo desk with the content a person meets:
it fits the smallest supported screen (1920×1080 at 150 %, 1280×720 logical pixels, less
the window frame and a task bar), and Tab walks it as it is laid out — top to bottom, left
to right, the buttons last — leaving a notes field rather than typing a tab into it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from sellerdesk.services.follow_up import issue_detail
from sellerdesk.services.issues import list_issues
from sellerdesk.services.protection.personal_data import buyer_details
from sellerdesk.ui.dialogs.ask import ask_choice, ask_text
from sellerdesk.ui.dialogs.buyer_details import BuyerDetailsDialog
from sellerdesk.ui.dialogs.pin_dialog import ask_pin

# 1280×720 less a title bar, borders and a task bar.
ROOM_WIDE, ROOM_HIGH = 1260, 680


def an_issue(window) -> int:
    """The demo's issue on the order with the most items (the fullest items table)."""
    engine = window.database.engine
    issues = list_issues(engine)[:12]
    return max(issues, key=lambda i: len(issue_detail(engine, i.issue_id).order.items)).issue_id


def an_order(window) -> str:
    return issue_detail(window.database.engine, an_issue(window)).order.order_id


def new_issue(window) -> QDialog:
    window.show_order(an_order(window))
    dialog = window.new_issue()
    dialog.buyer_form.setChecked(True)      # the tallest it gets: the details unfolded
    return dialog


def buyer_details_dialog(window) -> QDialog:
    engine, issue_id = window.database.engine, an_issue(window)
    detail = issue_detail(engine, issue_id)
    dialog = BuyerDetailsDialog(engine, issue_id, detail.order.purchase_date,
                                buyer_details(engine, issue_id), "Ana", window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


OPENERS: dict[str, Callable[..., QDialog]] = {
    "issue_dialog": new_issue,
    "issue_dialog_credit": lambda w: w.work_tabs.give_credit(an_issue(w)),
    "policy_editor": lambda w: w.work_tabs.edit_policy(an_order(w)),
    "settings_dialog": lambda w: w.work_tabs.edit_settings(
        "Sync now needs your SP-API app's credentials: add them here, then sync again."),
    "staff_dialog": lambda w: w.work_tabs.manage_staff(),
    "reply_dialog": lambda w: w.work_tabs.draft_reply(an_issue(w)),
    "template_dialog": lambda w: w.work_tabs.edit_template(),
    "message_dialog": lambda w: w.work_tabs.note_message(an_issue(w)),
    "dispute_dialog": lambda w: w.work_tabs.dispute_packet(an_order(w)),
    "adjustments_dialog": lambda w: w.work_tabs.adjustment_feed(),
    "reconcile_dialog": lambda w: w.work_tabs.settlements(),
    "facts_dialog": lambda w: w.work_tabs.edit_facts(),
    "buyer_details_dialog": buyer_details_dialog,
    "security_log_dialog": lambda w: w.work_tabs.security_log(),
    "consistency_dialog": lambda w: w.work_tabs.consistency_report(),
    "pin_dialog": lambda w: ask_pin(w, w.database.engine, "Ana", first=True,
                                    why="Acting as a supervisor needs Ana's PIN.",
                                    then=lambda: None),
    "shortcuts_dialog": lambda w: w.show_shortcuts(),
    "ask_lines": lambda w: ask_text(w, "Reverse credit 4", "Why is it being taken back?",
                                    lambda _text: None, multiline=True),
    "ask_line": lambda w: ask_text(w, "A-to-z claim", "A note for the timeline (optional):",
                                   lambda _text: None),
    "ask_choice": lambda w: ask_choice(w, "Sync now", "Which marketplace?", ["UK", "DE", "US"],
                                       lambda _text: None),
}
# Where Tab types a tab: the policy is TOML, indented by hand.
TAB_TYPES_HERE = {"policy_editor": "text_edit"}


@pytest.fixture(params=list(OPENERS))
def dialog(request, qtbot, window) -> QDialog:
    opened = OPENERS[request.param](window)
    qtbot.waitExposed(opened)
    yield opened
    opened.close()


def test_every_dialog_fits_the_smallest_screen(dialog):
    needs = dialog.minimumSize().expandedTo(dialog.minimumSizeHint())
    assert needs.width() <= ROOM_WIDE, (dialog.objectName(), needs)
    assert needs.height() <= ROOM_HIGH, (dialog.objectName(), needs)


def test_every_dialog_has_the_name_its_size_is_kept_under(dialog):
    assert dialog.objectName() in ({*OPENERS} - {"issue_dialog_credit"})


# -- Tab -----------------------------------------------------------------------------------
def box(widget: QWidget, dialog: QDialog) -> QRect:
    return QRect(widget.mapTo(dialog, QPoint(0, 0)), widget.size())


def in_rows(widgets: list[QWidget], dialog: QDialog) -> list[QWidget]:
    """Rows from the top (a widget whose top is above the middle of the row's first
    widget is in that row: a button beside a taller field), each read from the left."""
    rows: list[list[QWidget]] = []
    row_middle = -1
    for widget in sorted(widgets, key=lambda w: (box(w, dialog).top(), box(w, dialog).left())):
        if rows and box(widget, dialog).top() < row_middle:
            rows[-1].append(widget)
        else:
            rows.append([widget])
            row_middle = box(widget, dialog).center().y()
    return [w for row in rows
            for w in sorted(row, key=lambda w: (box(w, dialog).left(), box(w, dialog).top()))]


def side_pane(widget: QWidget, dialog: QDialog) -> QWidget:
    """The pane of a side-by-side splitter the widget is in (read whole, as a column),
    or the widget itself."""
    pane, parent = widget, widget.parentWidget()
    while parent is not None and parent is not dialog:
        if isinstance(parent, QSplitter) and parent.orientation() == Qt.Orientation.Horizontal:
            return pane
        pane, parent = parent, parent.parentWidget()
    return widget


def visual_order(widgets: list[QWidget], dialog: QDialog) -> list[QWidget]:
    """Reading order: rows from the top, and a splitter's side-by-side panes each read
    whole, left pane first."""
    panes: dict[QWidget, list[QWidget]] = {}
    for widget in widgets:
        panes.setdefault(side_pane(widget, dialog), []).append(widget)
    return [w for pane in in_rows(list(panes), dialog) for w in in_rows(panes[pane], dialog)]


def tab_walk(qtbot, dialog: QDialog, skip: QWidget | None) -> list[QWidget]:
    """From the first widget Tab reaches, Tab round the dialog once; the widgets in turn.
    Tab does not leave `skip` (it types there): the walk steps over it as Ctrl+Tab would."""
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    start = dialog.nextInFocusChain()
    while not (start.focusPolicy() & Qt.FocusPolicy.TabFocus and start.isVisible()
               and start.isEnabled()) or start.focusProxy() is not None:
        start = start.nextInFocusChain()
    start.setFocus(Qt.FocusReason.TabFocusReason)
    walked = [QApplication.focusWidget()]
    for _ in range(80):
        here = QApplication.focusWidget()
        if here is skip:
            dialog.focusNextChild()
        else:
            qtbot.keyClick(here, Qt.Key.Key_Tab)
        if isinstance(here, QDateTimeEdit):      # Tab steps through its fields, then on
            for _ in range(here.sectionCount() - 1):
                if QApplication.focusWidget() is here:
                    qtbot.keyClick(here, Qt.Key.Key_Tab)
        there = QApplication.focusWidget()
        assert there is not here, f"Tab stays in {type(here).__name__} {here.objectName()}"
        if there is walked[0]:
            return walked
        walked.append(there)
    raise AssertionError("Tab never came back round")


def tab_pages(dialog: QDialog) -> list[tuple[QTabWidget | None, int]]:
    tabs = dialog.findChild(QTabWidget)
    return [(tabs, index) for index in range(tabs.count())] if tabs else [(None, 0)]


def test_tab_walks_every_dialog_as_it_is_laid_out_and_reaches_the_buttons(qtbot, dialog):
    skip = getattr(dialog, TAB_TYPES_HERE.get(dialog.objectName(), ""), None)
    for tabs, index in tab_pages(dialog):
        if tabs is not None:
            tabs.setCurrentIndex(index)
        walked = tab_walk(qtbot, dialog, skip)
        first = visual_order(walked, dialog)[0]
        turn = walked.index(first)               # read the round from the top-left one
        walked = walked[turn:] + walked[:turn]
        assert [describe(w) for w in walked] == [describe(w) for w in
                                                 visual_order(walked, dialog)], \
            (dialog.objectName(), index)
        buttons = [b for b in dialog.findChildren(QAbstractButton)
                   if isinstance(b.parentWidget(), QDialogButtonBox)
                   and b.isVisible() and b.isEnabled()]
        assert buttons, dialog.objectName()
        assert set(buttons) <= set(walked), dialog.objectName()
        assert isinstance(walked[-1].parentWidget(), QDialogButtonBox), \
            (dialog.objectName(), describe(walked[-1]))


def describe(widget: QWidget) -> str:
    text = widget.text() if hasattr(widget, "text") and callable(widget.text) else ""
    return f"{type(widget).__name__}({text if isinstance(text, str) else ''})"


def test_tab_leaves_every_notes_field(qtbot, dialog):
    prose = [edit for edit in [*dialog.findChildren(QPlainTextEdit),
                               *dialog.findChildren(QTextEdit)]
             if not edit.isReadOnly()
             and edit is not getattr(dialog, TAB_TYPES_HERE.get(dialog.objectName(), ""), None)]
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    for tabs, index in tab_pages(dialog):
        if tabs is not None:
            tabs.setCurrentIndex(index)
        for edit in (e for e in prose if e.isVisible() and e.isEnabled()):
            before = edit.toPlainText()
            edit.setFocus()
            qtbot.keyClick(edit, Qt.Key.Key_Tab)
            assert QApplication.focusWidget() is not edit, dialog.objectName()
            assert edit.toPlainText() == before
