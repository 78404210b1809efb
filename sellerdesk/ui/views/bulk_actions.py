"""What the Queue and the Issues tab do to the rows selected (Shift/Ctrl+click, Shift+arrows,
Ctrl+A): assign them to me (A) or to someone (Shift+A), set their status (S), note the
reply to each as sent outside the desk (N), export them as shown to a CSV file (E) — from
the keys, read on the table alone, or its right-click menu. Nothing here touches money:
credits, approvals and rejections are given one issue at a time, each with its
confirmation.

Each write goes through ui/operations, off the GUI thread and in turn with the window's
other writes, is one transaction (all or nothing) and says what it did in the status bar.
Keys that act on one item (Enter, R, M, C, J/K) stay with the item in hand, the table's
current row, not the first one selected."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
)
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QTableView, QWidget

from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import IssueStatus
from sellerdesk.services.files import write_csv
from sellerdesk.services.staff_admin import list_staff
from sellerdesk.ui.dialogs.ask import ask_choice, ask_text
from sellerdesk.ui.operations import Operations, bulk
from sellerdesk.ui.record_table import cell_text

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from sellerdesk.services.follow_up import BulkOutcome

NOBODY_CHOICE = "— nobody —"
SENT_TEXT = "Replied from Seller Central"
_NO_KEYS = Qt.KeyboardModifier.NoModifier
_SHIFT = Qt.KeyboardModifier.ShiftModifier


def shown_columns(table: QTableView) -> list[int]:
    """The columns as the table shows them: in their order on screen, hidden ones out."""
    header = table.horizontalHeader()
    columns = [header.logicalIndex(visual) for visual in range(header.count())]
    return [column for column in columns if not header.isSectionHidden(column)]


def selected_rows(table: QTableView) -> list[int]:
    """The rows selected, top to bottom as shown."""
    model = table.selectionModel()
    return sorted(index.row() for index in model.selectedRows()) if model else []


class BulkActions(QObject):
    """The actions on a table's selection. `issue_ids(rows)` says which issues the rows
    are (a queue row may be a request or a code on an issue: its issue); `done` hears a
    sentence for the status bar and is told when something was written."""

    def __init__(self, table: QTableView, engine: Engine, staff: Callable[[], str],
                 operations: Operations, *, issue_ids: Callable[[list[int]], list[int]],
                 said: Callable[[str], object], changed: Callable[[], object],
                 noun: str = "issues") -> None:
        super().__init__(table)
        self.table, self.engine, self.staff, self.operations = table, engine, staff, operations
        self.issue_ids, self.said, self.changed, self.noun = issue_ids, said, changed, noun
        self.question: QWidget | None = None     # the last question asked, for tests
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

        def act(text: str, key: str, slot: Callable[[], object], tip: str) -> QAction:
            # The key is shown in the menu's key column ("\t"), not set as a shortcut: it
            # is read on the table alone (never while typing) by the view's key filter.
            action = QAction(f"{text}\t{key}", self)
            action.setToolTip(f"{tip} ({key})")
            action.triggered.connect(slot)
            return action
        self.assign_me_action = act("Assign to &me", "A", self.assign_to_me,
                                    "Assign the selected issues to me")
        self.assign_action = act("Assign &to…", "Shift+A", self.choose_assignee,
                                 "Assign the selected issues to a colleague, or to nobody")
        self.status_action = act("Set &status…", "S", self.choose_status,
                                 "Set the status of the selected issues; those with work "
                                 "still owed are not closed or resolved")
        self.sent_action = act("Note reply as s&ent…", "N", self.ask_sent,
                               "The reply to each selected buyer went out outside the desk "
                               "(from Seller Central): stop their reply clocks")
        self.export_action = act("E&xport selected…", "E", self.choose_export,
                                 f"Write the selected {noun} to a CSV file, as shown")
        self.keys: dict[tuple[Qt.Key, Qt.KeyboardModifier], Callable[[], object]] = {
            (Qt.Key.Key_A, _NO_KEYS): self.assign_to_me,
            (Qt.Key.Key_A, _SHIFT): self.choose_assignee,
            (Qt.Key.Key_S, _NO_KEYS): self.choose_status,
            (Qt.Key.Key_N, _NO_KEYS): self.ask_sent,
            (Qt.Key.Key_E, _NO_KEYS): self.choose_export,
        }
        table.row_menu.add_row_actions(self.actions())
        # A right-click inside the selection keeps it (as a mail client does): the menu's
        # actions are for all of it. The row menu makes the row clicked the only one
        # selected, so the selection is read first and put back after.
        table.customContextMenuRequested.disconnect(table.row_menu.show_at)
        table.customContextMenuRequested.connect(self._menu_at)

    def actions(self) -> list[QAction]:
        return [self.assign_me_action, self.assign_action, self.status_action,
                self.sent_action, self.export_action]

    def key_pressed(self, event: QKeyEvent) -> bool:
        """Act on a key pressed on the table; False when it is not one of ours."""
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        action = self.keys.get((Qt.Key(event.key()), modifiers))
        if action is None:
            return False
        action()
        return True

    # -- the selection ------------------------------------------------------------------
    def _menu_at(self, position: QPoint) -> None:
        index, model = self.table.indexAt(position), self.table.selectionModel()
        inside = index.isValid() and model.isRowSelected(index.row(), QModelIndex())
        kept = model.selection()
        self.table.row_menu.show_at(position)
        if inside:
            model.select(kept, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            model.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)

    def chosen(self) -> list[int]:
        """The issues the selected rows are, each once, top to bottom."""
        return list(dict.fromkeys(self.issue_ids(selected_rows(self.table))))

    def _ready(self, verb: str, asked_about: list[int] | None = None) -> list[int]:
        """The issues to act on (those a question was asked about, else the selection),
        or [] having said why there are none, or why it waits."""
        chosen = self.chosen() if asked_about is None else asked_about
        if not chosen:
            self.said(f"Select the {self.noun} to {verb} first")
            return []
        if self.operations.busy:      # the pane's rule: a write waits for the one under way
            self.said(f"Not done: {self.operations.busy} Do it again then.")
            return []
        return chosen

    def _finished(self, done: str) -> Callable[[BulkOutcome], None]:
        def finished(outcome: BulkOutcome) -> None:
            self.said(outcome.sentence(done))
            if outcome.changed:
                self.changed()
        return finished

    def _failed(self, error: Exception) -> None:
        # A bug is told by the window as well (Operations reports it): here only a
        # refusal's own sentence is said, with nothing written.
        if isinstance(error, KnownError):
            self.said(f"Nothing was changed: {error}")

    # -- the actions ----------------------------------------------------------------------
    def assign_to_me(self) -> None:
        me = self.staff().strip()
        if not me:
            # An empty name would leave every selected issue to nobody.
            self.said("Not assigned: say who is at the desk first (toolbar).")
            return
        self.assign(me)

    # A question's answer acts on the issues it asked about: the list may be read again
    # while it waits (a colleague's change, the Queue's minute) and select another row.
    def choose_assignee(self) -> QWidget | None:
        chosen = self._ready("assign")
        if not chosen:
            return None
        names = [member.name for member in list_staff(self.engine)]
        self.question = ask_choice(
            self.table, "Assign", f"Assign the {len(chosen)} selected to:",
            [*names, NOBODY_CHOICE],
            lambda name: self.assign("" if name == NOBODY_CHOICE else name, chosen))
        return self.question

    def assign(self, name: str, issue_ids: list[int] | None = None) -> None:
        chosen = self._ready("assign", issue_ids)
        if chosen:
            bulk.assign_many(self.operations, self.engine, issue_ids=chosen, assignee=name,
                             staff=self.staff(),
                             done=self._finished(f"assigned to {name}" if name
                                                 else "left to nobody"),
                             failed=self._failed)

    def choose_status(self) -> QWidget | None:
        chosen = self._ready("set the status of")
        if not chosen:
            return None
        by_label = {status.label: status for status in IssueStatus}
        self.question = ask_choice(
            self.table, "Set status", f"Status for the {len(chosen)} selected:",
            list(by_label), lambda label: self.set_status(by_label[label], chosen))
        return self.question

    def set_status(self, status: IssueStatus, issue_ids: list[int] | None = None) -> None:
        chosen = self._ready("set the status of", issue_ids)
        if chosen:
            bulk.set_status_many(self.operations, self.engine, issue_ids=chosen,
                                 status=status, staff=self.staff(),
                                 done=self._finished(f"set to {status.label.lower()}"),
                                 failed=self._failed)

    def ask_sent(self) -> QWidget | None:
        chosen = self._ready("note the replies of")
        if not chosen:
            return None
        self.question = ask_text(
            self.table, "Note reply as sent",
            f"The reply went out to the {len(chosen)} selected buyers outside the "
            "desk. What was sent (a summary is enough, for each issue's timeline):",
            lambda text: self.note_sent(text, chosen), text=SENT_TEXT)
        return self.question

    def note_sent(self, text: str, issue_ids: list[int] | None = None) -> None:
        chosen = self._ready("note the replies of", issue_ids)
        if chosen:
            bulk.note_sent_many(self.operations, self.engine, issue_ids=chosen, text=text,
                                staff=self.staff(), done=self._finished("noted as replied"),
                                failed=self._failed)

    # -- export -------------------------------------------------------------------------
    def choose_export(self) -> QFileDialog | None:
        if not selected_rows(self.table):
            self.said(f"Select the {self.noun} to export first")
            return None
        dialog = QFileDialog(self.table, f"Export the selected {self.noun}",
                             str(Path.home() / f"SellerDesk {self.noun}.csv"),
                             "CSV files (*.csv)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda name: self.export(Path(name)))
        self.question = dialog
        dialog.open()
        return dialog

    def export(self, path: Path) -> int:
        """The selected rows as the table shows them (its columns, in their order, hidden
        ones out), headers first; how many rows were written."""
        model, columns = self.table.model(), shown_columns(self.table)
        rows = [[str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in columns]]
        rows += [[cell_text(model.index(row, c)) for c in columns]
                 for row in selected_rows(self.table)]
        try:
            count = write_csv(path, rows)
        except KnownError as exc:
            self.said(str(exc))
            return 0
        self.said(f"{count} {self.noun if count != 1 else self.noun.rstrip('s')} "
                  f"written to {path}")
        return count


def keep_selected(table: QTableView, key_of: Callable[[object], object], keys: list,
                  current: object) -> bool:
    """After the list is read again: the rows of `keys` selected and `current`'s row the
    one in hand, as before the read. False when `current` is no longer listed (then
    nothing is selected here)."""
    model, selection_model = table.model(), table.selectionModel()
    rows = {key_of(record): row for row, record in enumerate(model.records())}
    if current not in rows:
        return False
    wanted = sorted({rows[key] for key in keys if key in rows} | {rows[current]})
    if table.currentIndex().row() == rows[current] and selected_rows(table) == wanted:
        return True           # the model kept them (it knows its records by identity)
    selection, last = QItemSelection(), model.columnCount() - 1
    for row in wanted:
        selection.select(model.index(row, 0), model.index(row, last))
    flag = QItemSelectionModel.SelectionFlag
    selection_model.setCurrentIndex(model.index(rows[current], 0), flag.NoUpdate)
    selection_model.select(selection, flag.ClearAndSelect)
    return True
