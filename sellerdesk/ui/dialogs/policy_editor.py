"""The seller's written policy, edited in the app: checked as it is typed (the error names
the key and line, and the line is marked), tried on a real order before it is saved, and
saved as a new version. Import and export read and write the TOML file. The Versions tab
lists every saved version, shows what changed between any two, and makes an old one
current again (as a new version). Closing with edits not saved asks first."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QKeySequence, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import InputError, KnownError
from sellerdesk.core.issues import IssueType, Severity
from sellerdesk.core.policy import BY_HAND, IssueFacts
from sellerdesk.services import policies, policy_drafts
from sellerdesk.services.suggestions import try_policy
from sellerdesk.store.engine import reading
from sellerdesk.store.orders import get_order
from sellerdesk.ui.dialogs.ask import confirm
from sellerdesk.ui.dialogs.backtest_panel import BacktestPanel
from sellerdesk.ui.dialogs.drafts_panel import DraftsPanel, ask_draft_note
from sellerdesk.ui.formatting import (
    ERROR_BACKGROUND,
    GOOD,
    error_style,
    local_time,
    tone_color,
    tone_name,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

TOML_FILTER = "Policy files (*.toml);;All files (*)"
TITLE = "Courtesy-credit policy"
VERSION_HEADERS = ("Version", "Saved by", "Saved", "Name", "Note")


class PolicyEditor(QDialog):
    saved = Signal(int)   # the new version
    open_issue = Signal(int)   # an issue the Backtest tab lists, to show in the window

    def __init__(self, engine: Engine, staff: str, order_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.setWindowTitle(TITLE)
        self.setObjectName("policy_editor")    # its size and place are kept under this
        self.resize(1100, 720)
        _, policy = policies.ensure_active_policy(engine)
        # What the desk has logged changes rarely and slowly; asked once, not per keystroke
        # (the save asks again, inside its own transaction).
        self._in_use = policies.issue_types_in_use(engine)
        self.question: QMessageBox | None = None    # the last question asked, for tests
        self.version_label = QLabel()
        # It ends with the why an owner gave, of any length: wrapped, it never widens
        # the editor past the screen.
        self.version_label.setWordWrap(True)

        self.text_edit = QPlainTextEdit(policy.text)
        self.text_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.check_label = QLabel()
        self.check_label.setWordWrap(True)
        self.check_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.version_label)
        editor_layout.addWidget(self.text_edit, 1)
        editor_layout.addWidget(self.check_label)
        self.pages = QTabWidget()
        self.pages.addTab(editor, "&Policy")
        self.pages.addTab(self._versions_page(), "&Versions")
        # Drafts: saved unapplied for review, backtested against the policy in force.
        self.drafts = DraftsPanel(engine, staff)
        self.pages.addTab(self.drafts, "&Drafts")
        self.drafts.open_in_editor.connect(self._open_draft)
        self.drafts.applied.connect(self._draft_applied)
        self.finished.connect(self.drafts.close_down)
        # The Backtest tab: the text as typed (or a version, or a file) on past issues.
        self.backtest = BacktestPanel(engine, self.text_edit.toPlainText)
        self.pages.addTab(self.backtest, "Bac&ktest")
        self.text_edit.textChanged.connect(self.backtest.draft_edited)
        self.backtest.open_issue.connect(self.open_issue)
        self.saved.connect(lambda _version: self.backtest.fill_sources())
        self.finished.connect(self.backtest.close_down)

        # -- try it ------------------------------------------------------------------
        self.order_edit = QLineEdit(order_id or "")
        self.order_edit.setPlaceholderText("an order id from this desk")
        self.item_box = QComboBox()
        self.quantity_box = QSpinBox()
        self.quantity_box.setRange(0, 999)
        self.quantity_box.setValue(1)
        self.type_box = QComboBox()
        for kind in IssueType:
            self.type_box.addItem(kind.label, kind.value)
        self.type_box.setCurrentIndex(self.type_box.findData(IssueType.DAMAGED.value))
        self.severity_box = QComboBox()
        for severity in Severity:
            self.severity_box.addItem(severity.value.capitalize(), severity.value)
        self.severity_box.setCurrentIndex(self.severity_box.findData(Severity.MODERATE.value))
        self.days_late = QSpinBox()
        self.days_late.setRange(0, 365)
        self.days_late.setSuffix(" days")
        self.buyer_edit = QLineEdit()
        self.buyer_edit.setPlaceholderText("optional: counts the buyer's history")
        self.result_label = QLabel()
        font = self.result_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.result_label.setFont(font)
        self.explanation_label = QLabel()
        self.explanation_label.setWordWrap(True)
        self.explanation_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        try_form = QFormLayout()
        try_form.addRow("&Order:", self.order_edit)
        item_row = QHBoxLayout()
        item_row.addWidget(self.quantity_box)
        item_row.addWidget(QLabel("×"))
        item_row.addWidget(self.item_box, 1)
        try_form.addRow("Affected:", item_row)
        try_form.addRow("Issue &type:", self.type_box)
        try_form.addRow("&Severity:", self.severity_box)
        try_form.addRow("Days &late:", self.days_late)
        try_form.addRow("&Buyer:", self.buyer_edit)
        try_box = QGroupBox("Try it — the suggestion with the policy as typed")
        try_layout = QVBoxLayout(try_box)
        try_layout.addLayout(try_form)
        try_layout.addWidget(self.result_label)
        try_layout.addWidget(self.explanation_label, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.pages)
        splitter.addWidget(try_box)
        splitter.setSizes([640, 460])
        # The backtest's tables and chart take the whole width; Try it is back beside the
        # other tabs.
        self.pages.currentChanged.connect(
            lambda _index: try_box.setVisible(self.pages.currentWidget() is not self.backtest))

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("&Save as new version",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.draft_button = self.buttons.addButton("Save as dra&ft…",
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.draft_button.clicked.connect(self.ask_save_draft)
        self.import_button = self.buttons.addButton("&Import…",
                                                    QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button = self.buttons.addButton("&Export…",
                                                    QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.save_button.clicked.connect(self.save)
        self.import_button.clicked.connect(self.choose_import)
        self.export_button.clicked.connect(self.choose_export)
        self.buttons.rejected.connect(self.reject)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)

        self._saved_text = policy.text
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.check)
        self.text_edit.textChanged.connect(self._debounce.start)
        self.order_edit.editingFinished.connect(self._load_items)
        for box in (self.item_box, self.type_box, self.severity_box):
            box.currentIndexChanged.connect(self.try_it)
        for spin in (self.quantity_box, self.days_late):
            spin.valueChanged.connect(self.try_it)
        self.buyer_edit.editingFinished.connect(self.try_it)
        self._load_items()
        self._show_versions()
        self.check()

    def _show_version(self, info: policies.PolicyVersionInfo) -> None:
        self.version_label.setText(
            f"In use: version {info.version}, “{info.name}”, saved by {info.created_by} "
            f"on {local_time(info.created_at)}" + (f" ({info.note})" if info.note else ""))

    # -- versions --------------------------------------------------------------------
    def _versions_page(self) -> QWidget:
        self.versions_table = QTableWidget(0, len(VERSION_HEADERS))
        self.versions_table.setHorizontalHeaderLabels(VERSION_HEADERS)
        self.versions_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.versions_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.versions_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.versions_table.verticalHeader().hide()
        self.versions_table.setTabKeyNavigation(False)     # arrows pick one; Tab goes on
        self.versions_table.horizontalHeader().setStretchLastSection(True)
        self.versions_table.itemSelectionChanged.connect(self._version_selected)
        self.restore_button = QPushButton("&Make this version current again")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.ask_restore)
        self.from_box, self.to_box = QComboBox(), QComboBox()
        for box in (self.from_box, self.to_box):
            box.currentIndexChanged.connect(self.show_diff)
        compare = QHBoxLayout()
        compare.addWidget(QLabel("Changes from"))
        compare.addWidget(self.from_box)
        compare.addWidget(QLabel("to"))
        compare.addWidget(self.to_box)
        compare.addStretch(1)
        self.diff_view = QPlainTextEdit()
        self.diff_view.setReadOnly(True)
        self.diff_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.diff_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.versions_table, 1)
        layout.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(compare)
        layout.addWidget(self.diff_view, 2)
        return page

    def _show_versions(self) -> None:
        self.versions = policies.policy_versions(self.engine)     # newest first
        self._show_version(self.versions[0])
        self.versions_table.blockSignals(True)
        self.versions_table.setRowCount(len(self.versions))
        for row, info in enumerate(self.versions):
            note = ", ".join(part for part in ("in use" if row == 0 else "", info.note) if part)
            cells = (str(info.version), info.created_by, local_time(info.created_at),
                     info.name, note)
            for column, text in enumerate(cells):
                self.versions_table.setItem(row, column, QTableWidgetItem(text))
        self.versions_table.clearSelection()
        self.versions_table.blockSignals(False)
        self.versions_table.resizeColumnsToContents()
        for box in (self.from_box, self.to_box):
            box.blockSignals(True)
            box.clear()
            for info in self.versions:
                box.addItem(f"version {info.version}", info.version)
            box.blockSignals(False)
        # What the version in use changed, until another pair is chosen.
        self.to_box.setCurrentIndex(0)
        self.from_box.setCurrentIndex(min(1, len(self.versions) - 1))
        self.restore_button.setEnabled(False)
        self.show_diff()

    def version_rows(self) -> list[list[str]]:
        """The versions list as a person reads it (for tests and screen readers)."""
        table = self.versions_table
        return [[table.item(r, c).text() for c in range(table.columnCount())]
                for r in range(table.rowCount())]

    def select_version(self, version: int) -> None:
        row = next(i for i, info in enumerate(self.versions) if info.version == version)
        self.versions_table.selectRow(row)

    def selected_version(self) -> int | None:
        rows = self.versions_table.selectionModel().selectedRows()
        return self.versions[rows[0].row()].version if rows else None

    def _version_selected(self) -> None:
        """A chosen version shows what it changed; any other than the one in use may be
        made current again."""
        version = self.selected_version()
        if version is None:
            self.restore_button.setEnabled(False)
            return
        row = next(i for i, info in enumerate(self.versions) if info.version == version)
        self.restore_button.setEnabled(row != 0)
        self.restore_button.setText(f"&Make version {version} current again")
        self.to_box.setCurrentIndex(row)
        self.from_box.setCurrentIndex(min(row + 1, len(self.versions) - 1))

    def show_diff(self) -> None:
        older, newer = self.from_box.currentData(), self.to_box.currentData()
        if older is None or newer is None:
            self.diff_view.setPlainText("")
            return
        try:
            diff = policies.policy_diff(self.engine, older, newer)
        except KnownError as exc:
            self.diff_view.setPlainText(str(exc))
            return
        self.diff_view.setPlainText(
            diff or f"Version {older} and version {newer} are the same text.")

    def ask_restore(self) -> QMessageBox | None:
        version = self.selected_version()
        if version is None:
            return None
        text = (f"Make version {version} the policy in use again? It is saved as version "
                f"{self.versions[0].version + 1}, restored from version {version}; no "
                "saved version is changed or removed.")
        if self.has_unsaved_edits():
            text += "\n\nThe edits in the editor that are not saved are discarded."
        self.question = confirm(self, TITLE, text, f"&Restore version {version}",
                                lambda: self.restore(version))
        return self.question

    def restore(self, version: int) -> bool:
        try:
            new_version, policy = policies.restore_policy(self.engine, version, by=self.staff)
        except KnownError as exc:
            self._say(str(exc), error=True)
            return False
        self._saved_text = policy.text
        self.text_edit.setPlainText(policy.text)
        self._show_versions()
        self.check()
        self._say(f"Version {version} is in use again, as version {new_version}: new "
                  "suggestions use it from now on.")
        self.saved.emit(new_version)
        return True

    # -- checking --------------------------------------------------------------------
    def check(self) -> bool:
        """Validate what is typed; mark the bad line. Returns whether it is valid."""
        text = self.text_edit.toPlainText()
        try:
            policy = policies.check_policy(text, in_use=self._in_use)
        except InputError as exc:
            self.check_label.setStyleSheet(error_style())
            self.check_label.setText(f"✗ {exc}")
            self._mark_line(exc.line)
            self.save_button.setEnabled(False)
            self.export_button.setEnabled(False)
            self.result_label.setText("—")
            self.explanation_label.setText("Fix the policy to try it.")
            return False
        self._mark_line(None)
        self.check_label.setStyleSheet(f"color: {tone_name(GOOD)};")
        unchanged = text == self._saved_text
        self.check_label.setText(f"✓ Valid: “{policy.name}”"
                                 + (" — as saved" if unchanged else " — not saved yet"))
        self.save_button.setEnabled(not unchanged)
        self.export_button.setEnabled(True)
        self.try_it()
        return True

    def _mark_line(self, line: int | None) -> None:
        if line is None:
            self.text_edit.setExtraSelections([])
            return
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(tone_color(ERROR_BACKGROUND))
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        block = self.text_edit.document().findBlockByLineNumber(line - 1)
        cursor = QTextCursor(block)
        selection.cursor = cursor
        self.text_edit.setExtraSelections([selection])

    def error_line(self) -> int | None:
        """The line marked as wrong, 1-based (for tests and screen readers)."""
        marks = self.text_edit.extraSelections()
        return marks[0].cursor.blockNumber() + 1 if marks else None

    # -- trying ------------------------------------------------------------------------
    def _load_items(self) -> None:
        order_id = self.order_edit.text().strip()
        self.item_box.blockSignals(True)
        self.item_box.clear()
        order = None
        if order_id:
            with reading(self.engine) as conn:
                order = get_order(conn, order_id=order_id)
        for item in order.items if order else ():
            self.item_box.addItem(f"{item.sku} — {item.title[:40]} ({item.quantity} ordered)",
                                  item.sku)
        self.item_box.blockSignals(False)
        self.try_it()

    def try_it(self) -> None:
        order_id = self.order_edit.text().strip()
        if not order_id:
            self.result_label.setText("—")
            self.explanation_label.setText("Type an order id to try the policy on it.")
            return
        kind = IssueType(self.type_box.currentData())
        sku = self.item_box.currentData()
        affected = ((sku, self.quantity_box.value()),) if sku and self.quantity_box.value() \
            else ()
        facts = IssueFacts(kind, Severity(self.severity_box.currentData()), affected,
                           self.days_late.value() if kind is IssueType.LATE_DELIVERY else 0)
        try:
            s = try_policy(self.engine, self.text_edit.toPlainText(), order_id=order_id,
                           facts=facts, buyer=self.buyer_edit.text() or None)
        except KnownError as exc:
            self.result_label.setText("—")
            self.explanation_label.setText(str(exc))
            return
        self.result_label.setText("Decided by hand" if BY_HAND in s.flags
                                  else f"{s.amount.display()} · {s.remedy.label}")
        flags = " · ".join(f.replace("_", " ") for f in s.flags)
        self.explanation_label.setText("\n".join(s.explanation)
                                       + (f"\nFlags: {flags}" if flags else ""))

    # -- saving, import, export -----------------------------------------------------------
    def save(self) -> bool:
        if not self.check():
            return False
        try:
            version, _ = policies.save_policy(self.engine, self.text_edit.toPlainText(),
                                              by=self.staff, source="policy")
        except KnownError as exc:
            self._say(str(exc), error=True)
            return False
        self._saved_text = self.text_edit.toPlainText()
        self._show_versions()
        self.check()
        self._say(f"Saved as version {version}: new suggestions use it from now on.")
        self.saved.emit(version)
        return True

    # -- drafts (reviewed changes) -----------------------------------------------------
    def ask_save_draft(self) -> QWidget | None:
        """Keep the text as typed as a draft, unapplied, with a note for its reviewers."""
        if not self.check():
            return None
        text = self.text_edit.toPlainText()
        self.question = ask_draft_note(self, lambda note: self.save_draft(text, note))
        return self.question

    def save_draft(self, text: str, note: str) -> bool:
        try:
            draft = policy_drafts.save_draft(self.engine, text, note=note, by=self.staff,
                                             source="the draft")
        except KnownError as exc:
            self._say(str(exc), error=True)
            return False
        self.drafts.refresh(select=draft.id)
        self.pages.setCurrentWidget(self.drafts)
        self._say(f"Saved as draft {draft.id}: nothing changes until an owner makes it "
                  "current.")
        return True

    def _open_draft(self, text: str) -> None:
        self.text_edit.setPlainText(text)
        self.pages.setCurrentIndex(0)
        self.check()

    def _draft_applied(self, version: int) -> None:
        # As after a restore, the editor holds the policy now in force, unless it holds
        # edits kept nowhere else: those stay, "not saved yet" against the new version.
        typed = self.has_unsaved_edits()
        self._saved_text = policies.policy_version_text(self.engine, version)
        if not typed:
            self.text_edit.setPlainText(self._saved_text)
        self._show_versions()
        self.check()
        self.saved.emit(version)

    # -- closing -------------------------------------------------------------------------
    def has_unsaved_edits(self) -> bool:
        """Edits kept nowhere: a text saved as an open draft is kept, if not in force."""
        text = self.text_edit.toPlainText()
        return text != self._saved_text and not any(
            d.state == "open" and d.text == text for d in self.drafts.drafts)

    def reject(self) -> None:
        """Escape, Close and the window's ✕ all end here: edits not saved are asked
        about first, never dropped without a word."""
        if not self.has_unsaved_edits():
            super().reject()
            return
        self.ask_unsaved()

    def ask_unsaved(self) -> QMessageBox:
        buttons = QMessageBox.StandardButton
        if self.check():
            text = "The policy has edits that are not saved. Save them as a new version?"
            offered = buttons.Save | buttons.Discard | buttons.Cancel
        else:   # nothing to save: say why, and offer only to drop the edits or go back
            text = (f"The policy as typed cannot be saved: {self.check_label.text()[2:]}\n\n"
                    "Discard the edits?")
            offered = buttons.Discard | buttons.Cancel
        box = QMessageBox(QMessageBox.Icon.Question, TITLE, text, offered, self)
        # Cancel, not Save, is the default: a new version governs every suggestion from
        # then on, too much for an Enter meant for something else.
        box.setDefaultButton(buttons.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self._unsaved_answered(box.standardButton(button)))
        box.open()
        self.question = box
        return box

    def _unsaved_answered(self, answer: QMessageBox.StandardButton) -> None:
        if answer == QMessageBox.StandardButton.Save:
            if self.save():
                self.done(QDialog.DialogCode.Accepted)
        elif answer == QMessageBox.StandardButton.Discard:
            super().reject()

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a policy", str(Path.home()),
                                              TOML_FILTER)
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> bool:
        """Load a TOML file into the editor; it is saved only when the user says so."""
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            self._say(f"Cannot read {path.name}: "
                      f"{'not UTF-8 text' if isinstance(exc, UnicodeDecodeError) else exc}",
                      error=True)
            return False
        self.text_edit.setPlainText(text)
        valid = self.check()
        self._say(f"Loaded {path.name}. " + ("Save it to make it the desk's policy."
                                             if valid else "Fix the marked line, then save."),
                  error=not valid)
        return True

    def choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the policy",
                                              str(Path.home() / "policy.toml"), TOML_FILTER)
        if path:
            self.export_file(Path(path))

    def export_file(self, path: Path) -> bool:
        if not self.check():
            return False
        try:
            policies.write_policy_file(path, self.text_edit.toPlainText())
        except KnownError as exc:
            self._say(str(exc), error=True)
            return False
        self._say(f"Exported to {path}.")
        return True

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status_label.setStyleSheet(error_style() if error else "")
        self.status_label.setText(text)
