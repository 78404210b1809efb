"""The seller's written policy, edited in the app: checked as it is typed (the error names
the key and line, and the line is marked), tried on a real order before it is saved, and
saved as a new version. Import and export read and write the TOML file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontDatabase, QKeySequence, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import InputError, KnownError
from sellerdesk.core.issues import IssueType, Severity
from sellerdesk.core.policy import IssueFacts, parse_policy
from sellerdesk.services import policies
from sellerdesk.services.desk import try_policy
from sellerdesk.store.engine import reading
from sellerdesk.store.orders import get_order
from sellerdesk.ui.formatting import ERROR_STYLE

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

TOML_FILTER = "Policy files (*.toml);;All files (*)"
_ERROR_LINE = QColor("#fde2e4")


class PolicyEditor(QDialog):
    saved = Signal(int)   # the new version

    def __init__(self, engine: Engine, staff: str, order_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.setWindowTitle("Courtesy-credit policy")
        self.resize(1100, 720)
        _, policy = policies.show_policy(engine)
        latest = policies.policy_versions(engine)[0]
        self.version_label = QLabel()
        self._show_version(latest)

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
        splitter.addWidget(editor)
        splitter.addWidget(try_box)
        splitter.setSizes([640, 460])

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("&Save as new version",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
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
        self.check()

    def _show_version(self, info) -> None:
        self.version_label.setText(
            f"In use: version {info.version}, “{info.name}”, saved by {info.created_by} "
            f"on {info.created_at:%Y-%m-%d %H:%M} UTC")

    # -- checking --------------------------------------------------------------------
    def check(self) -> bool:
        """Validate what is typed; mark the bad line. Returns whether it is valid."""
        text = self.text_edit.toPlainText()
        try:
            policy = parse_policy(text, source="policy")
        except InputError as exc:
            self.check_label.setStyleSheet(ERROR_STYLE)
            self.check_label.setText(f"✗ {exc}")
            self._mark_line(exc.line)
            self.save_button.setEnabled(False)
            self.export_button.setEnabled(False)
            self.result_label.setText("—")
            self.explanation_label.setText("Fix the policy to try it.")
            return False
        self._mark_line(None)
        self.check_label.setStyleSheet("color: #2e7d32;")
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
        selection.format.setBackground(_ERROR_LINE)
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
        self.result_label.setText(f"{s.amount.display()} · {s.remedy.label}")
        flags = " · ".join(f.replace("_", " ") for f in s.flags)
        self.explanation_label.setText("\n".join(s.explanation)
                                       + (f"\nFlags: {flags}" if flags else ""))

    # -- saving, import, export -----------------------------------------------------------
    def save(self) -> None:
        if not self.check():
            return
        try:
            version, _ = policies.save_policy(self.engine, self.text_edit.toPlainText(),
                                              by=self.staff, source="policy")
        except KnownError as exc:
            self._say(str(exc), error=True)
            return
        self._saved_text = self.text_edit.toPlainText()
        self._show_version(policies.policy_versions(self.engine)[0])
        self.check()
        self._say(f"Saved as version {version}: new suggestions use it from now on.")
        self.saved.emit(version)

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
        self.status_label.setStyleSheet(ERROR_STYLE if error else "")
        self.status_label.setText(text)
