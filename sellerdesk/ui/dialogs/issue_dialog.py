"""Log a customer issue on an order and give the credit the policy suggests — or another
amount, with a reason. The suggestion follows every field as it is filled in.

Money moves only when someone means it: Enter logs the issue (or does nothing, on an
issue already logged); giving a credit is its own button, then a confirmation that names
the amount, order and buyer (Cancel is its default), then a few seconds in which Undo
takes it back before anything is written — the way a mail client offers Undo Send."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import IssueType, Remedy, Severity
from sellerdesk.core.marketplaces import decimal_mark
from sellerdesk.core.money import Money, MoneyError, parse_typed
from sellerdesk.core.orders import Order
from sellerdesk.core.policy import BY_HAND, IssueFacts, Suggestion
from sellerdesk.core.records import IssueRecord
from sellerdesk.services.clock import now
from sellerdesk.ui.dialogs.ask import ask_to_discard, confirm
from sellerdesk.ui.dialogs.buyer_details import BuyerDetailsForm
from sellerdesk.ui.formatting import WARNING, error_style, tone_name
from sellerdesk.ui.labels import error_label
from sellerdesk.ui.operations import Operations
from sellerdesk.ui.operations.records import CreditChosen, IssueTyped, Saved, save_issue
from sellerdesk.ui.scrolling import scrolling_body
from sellerdesk.ui.tasks import Task

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

CREDIT_KINDS = [k for k in Remedy if k is not Remedy.NONE]
UNDO_SECONDS = 5     # between the confirmation and the ledger: time to take it back
TICK_MS = 1000       # the countdown's second (tests shorten it)


class IssueDialog(QDialog):
    issue_logged = Signal(int, object)  # issue id, the credit outcome or None

    def __init__(self, engine: Engine, order: Order, staff: str,
                 parent: QWidget | None = None, *, issue: IssueRecord | None = None,
                 operations: Operations | None = None) -> None:
        """A new issue on the order; or, given `issue`, a credit on one already logged.
        `operations`: the window's, so a save waits its turn behind an import (a dialog
        of its own, in tests, has its own)."""
        super().__init__(parent)
        self.engine, self.order, self.staff = engine, order, staff
        self.operations = operations or Operations(self)
        self.saving: Task | None = None        # the save under way, off the GUI thread
        self.suggestion: Suggestion | None = None
        self.logged_issue: int | None = issue.issue_id if issue else None
        self.buyer_kept = bool(issue and issue.buyer_ref)   # a logged buyer, as a keyed hash
        self.setWindowTitle(f"Credit on issue {issue.issue_id}, order {order.order_id}" if issue
                            else f"New issue on order {order.order_id}")
        self.setObjectName("issue_dialog")     # its size and place are kept under this
        self.setMinimumWidth(640)

        self.type_box = QComboBox()
        for kind in IssueType:
            self.type_box.addItem(kind.label, kind)
        self.type_box.setCurrentIndex(self.type_box.findData(IssueType.DAMAGED))
        self.severity_box = QComboBox()
        for severity in Severity:
            self.severity_box.addItem(severity.value.capitalize(), severity)
        self.severity_box.setCurrentIndex(self.severity_box.findData(Severity.MODERATE))
        self.days_late = QSpinBox()
        self.days_late.setRange(0, 365)
        self.days_late.setSuffix(" days")
        self.buyer_edit = QLineEdit()
        self.buyer_edit.setPlaceholderText("relay e-mail or a handle — kept only as a keyed hash")
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setPlaceholderText("What the buyer said, what was checked")
        self.notes_edit.setMaximumHeight(70)
        self.notes_edit.setTabChangesFocus(True)       # Tab goes on to the next field

        self.items_table = QTableWidget(len(order.items), 3)
        self.items_table.setHorizontalHeaderLabels(["Affected item", "Ordered", "Affected"])
        self.items_table.verticalHeader().setVisible(False)
        self.items_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.items_table.setTabKeyNavigation(False)    # Tab goes on to its counts, then on
        header = self.items_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.quantity_boxes: list[QSpinBox] = []
        for row, item in enumerate(order.items):
            name = QTableWidgetItem(f"{item.title}\n{item.sku} · {item.unit_price.display()} each")
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.items_table.setItem(row, 0, name)
            ordered = QTableWidgetItem(str(item.quantity))
            ordered.setFlags(Qt.ItemFlag.ItemIsEnabled)
            ordered.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.items_table.setItem(row, 1, ordered)
            box = QSpinBox()
            box.setRange(0, item.quantity)
            box.setValue(item.quantity if len(order.items) == 1 else 0)
            box.valueChanged.connect(self._changed)
            self.quantity_boxes.append(box)
            self.items_table.setCellWidget(row, 2, box)
        self.items_table.resizeRowsToContents()
        self.items_table.setMaximumHeight(40 + 44 * min(len(order.items), 4))

        form = QFormLayout()
        form.addRow("Issue &type:", self.type_box)
        form.addRow("&Severity:", self.severity_box)
        form.addRow("Days &late:", self.days_late)
        form.addRow("&Buyer:", self.buyer_edit)
        form.addRow("&Notes:", self.notes_edit)

        # -- the suggestion and the credit ---------------------------------------------
        self.suggestion_label = QLabel()
        font = self.suggestion_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.suggestion_label.setFont(font)
        self.remedy_label = QLabel()
        self.flags_label = QLabel()
        self.flags_label.setStyleSheet(f"color: {tone_name(WARNING)};")
        self.explanation_label = QLabel()
        self.explanation_label.setWordWrap(True)
        self.explanation_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.amount_edit = QLineEdit()
        self.amount_edit.setMaximumWidth(120)
        self.kind_box = QComboBox()
        for kind in CREDIT_KINDS:
            self.kind_box.addItem(kind.label, kind)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("needed when the amount differs from the suggestion")
        # The desk's clock, not Qt's: the dates a person sees follow the one the desk keeps.
        self.expires_edit = QDateEdit(QDate(now().date() + timedelta(days=90)))
        self.expires_edit.setCalendarPopup(True)
        self.expires_edit.setDisplayFormat("yyyy-MM-dd")
        self.error_label = error_label()
        # Checked as it is typed: the reason an amount cannot be given shows right there.
        self.amount_note = QLabel()
        self.amount_note.setWordWrap(True)
        self.decimal_marks = "".join(dict.fromkeys(
            "." + QLocale().decimalPoint() + decimal_mark(order.marketplace)))
        self.left = Money.zero(order.currency)    # what is left of the order to give

        top = QHBoxLayout()
        top.addWidget(self.suggestion_label)
        top.addWidget(self.remedy_label, 1)
        credit_form = QFormLayout()
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.amount_edit)
        self.amount_edit.setToolTip("Digits and one decimal mark ("
                                    + " or ".join(self.decimal_marks) + ")")
        amount_row.addWidget(QLabel(order.currency))
        amount_row.addWidget(self.kind_box, 1)
        amount_label = QLabel("&Amount:")       # a row of several: the label needs a buddy
        amount_label.setBuddy(self.amount_edit)
        credit_form.addRow(amount_label, amount_row)
        credit_form.addRow("", self.amount_note)
        credit_form.addRow("&Reason:", self.reason_edit)
        credit_form.addRow("E&xpires:", self.expires_edit)
        suggestion_box = QGroupBox("Suggested by the policy")
        box_layout = QVBoxLayout(suggestion_box)
        box_layout.addLayout(top)
        box_layout.addWidget(self.flags_label)
        box_layout.addWidget(self.explanation_label)
        box_layout.addLayout(credit_form)

        # Enter logs the issue, never gives money: "Log issue" is the only default button,
        # and no other button takes Enter when it has the focus (autoDefault off).
        self.buttons = QDialogButtonBox()
        self.log_button = self.buttons.addButton("&Log issue",
                                                 QDialogButtonBox.ButtonRole.AcceptRole)
        self.give_button = self.buttons.addButton("Log issue and give &credit…",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        for button in (self.give_button, cancel):
            button.setAutoDefault(False)
        self.log_button.setDefault(True)
        self.give_button.clicked.connect(self.ask_to_give)
        self.log_button.clicked.connect(lambda: self.save(give=False))
        self.buttons.rejected.connect(self.reject)
        self.operations.changed.connect(self._operations_changed)
        self.question = None       # the confirmation, while it is open

        # Between the confirmation and the ledger: Undo (Enter or Escape) takes it back.
        self.undo_bar = QWidget()
        undo_row = QHBoxLayout(self.undo_bar)
        undo_row.setContentsMargins(0, 0, 0, 0)
        self.undo_label = QLabel()
        self.undo_button = QPushButton("&Undo")
        self.undo_button.setAutoDefault(False)  # the default only while the countdown runs
        self.undo_button.clicked.connect(self.undo)
        undo_row.addWidget(self.undo_label, 1)
        undo_row.addWidget(self.undo_button)
        self.undo_bar.hide()
        self._countdown = QTimer(self)
        self._countdown.timeout.connect(self._tick)
        self._seconds_left = 0
        self._pending: tuple[str, Remedy] | None = None

        self.buyer_form = BuyerDetailsForm(engine, order.purchase_date)
        self.buyer_form.setCheckable(True)      # folded away until the case needs it
        self.buyer_form.setChecked(False)
        self.buyer_form.toggled.connect(self.buyer_form.fold)
        self.buyer_form.fold(False)

        # What is typed scrolls on a small screen (the buyer's details unfolded make it
        # taller than 1280×720 has room for); what is said and the buttons stay in view.
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(form)
        body_layout.addWidget(self.items_table)
        body_layout.addWidget(self.buyer_form)
        body_layout.addWidget(suggestion_box)
        body_layout.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling_body(body), 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.undo_bar)
        # Why Log and Give wait: another write (an import from the watched folder) is
        # under way. Plain grey, not an error: nothing is wrong, and nothing is lost.
        self.busy_label = QLabel()
        self.busy_label.setWordWrap(True)
        self.busy_label.setStyleSheet("color: palette(placeholder-text);")
        self.busy_label.hide()
        layout.addWidget(self.busy_label)
        layout.addWidget(self.buttons)

        self._debounce = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(self.refresh_suggestion)
        for signal in (self.type_box.currentIndexChanged, self.severity_box.currentIndexChanged,
                       self.days_late.valueChanged):
            signal.connect(self._changed)
        self.buyer_edit.textChanged.connect(self._debounce.start)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self.kind_box.currentIndexChanged.connect(self._amount_changed)
        self.amount_edit.textChanged.connect(self._amount_changed)
        self.reason_edit.textChanged.connect(self._amount_changed)
        if issue is not None:
            self._show_logged(issue)
        self._changed()
        self._kind_changed()

    def _show_logged(self, issue: IssueRecord) -> None:
        """The issue as it was logged: shown, not editable; only the credit is chosen."""
        self.type_box.setCurrentIndex(self.type_box.findData(issue.issue_type))
        self.severity_box.setCurrentIndex(self.severity_box.findData(issue.severity))
        self.days_late.setValue(issue.days_late)
        affected = dict(issue.affected)
        for item, box in zip(self.order.items, self.quantity_boxes, strict=True):
            box.setValue(affected.get(item.sku, 0))
        self.notes_edit.setPlainText(issue.notes)
        self.buyer_edit.setPlaceholderText("kept as a keyed hash" if issue.buyer_ref
                                           else "no buyer reference")
        self._lock_logged()
        self.give_button.setText("Give &credit…")
        self.log_button.hide()
        self.log_button.setDefault(False)   # nothing to log: Enter does nothing here
        self.buyer_form.hide()

    # -- what the user sees ------------------------------------------------------------
    def explanation_text(self) -> str:
        return self.explanation_label.text()

    # Qt hands StrEnum data back as plain text: turn it back into the enum.
    def issue_type(self) -> IssueType:
        return IssueType(self.type_box.currentData())

    def credit_kind(self) -> Remedy:
        return Remedy(self.kind_box.currentData())

    def facts(self) -> IssueFacts:
        kind = self.issue_type()
        affected = tuple((item.sku, box.value()) for item, box
                         in zip(self.order.items, self.quantity_boxes, strict=True)
                         if box.value() > 0)
        return IssueFacts(kind, Severity(self.severity_box.currentData()), affected,
                          self.days_late.value() if kind is IssueType.LATE_DELIVERY else 0)

    def _changed(self) -> None:
        self.days_late.setEnabled(self.issue_type() is IssueType.LATE_DELIVERY)
        self.refresh_suggestion()

    def refresh_suggestion(self) -> None:
        from sellerdesk.services.suggestions import (
            left_on_order,
            preview_suggestion,
            suggest_for_issue,
        )
        try:
            if self.logged_issue is not None:   # what the credit will be checked against
                s = suggest_for_issue(self.engine, self.logged_issue)
            else:
                s = preview_suggestion(self.engine, order_id=self.order.order_id,
                                       facts=self.facts(), buyer=self.buyer_edit.text())
            self.left = left_on_order(self.engine, self.order.order_id)
        except KnownError as exc:
            self.error_label.setText(str(exc))
            return
        self.suggestion = s
        by_hand = BY_HAND in s.flags
        self.suggestion_label.setText("By hand" if by_hand else s.amount.display())
        self.remedy_label.setText(
            "the policy leaves this type to you: type what to give, and why" if by_hand
            else s.remedy.label + (" — needs a supervisor's approval"
                                   if s.needs_approval else ""))
        self.flags_label.setText(" · ".join(f.replace("_", " ") for f in s.flags))
        self.flags_label.setVisible(bool(s.flags))
        self.explanation_label.setText("\n".join(s.explanation)
                                       + f"\n(policy version {s.policy_version})")
        self.amount_edit.setText("" if by_hand else str(s.amount))
        kind = s.remedy if s.remedy in CREDIT_KINDS else Remedy.COURTESY_CREDIT
        self.kind_box.setCurrentIndex(self.kind_box.findData(kind))
        self.error_label.clear()
        self._amount_changed()

    def _kind_changed(self) -> None:
        promotional = self.credit_kind() is Remedy.PROMOTIONAL_CREDIT
        self.expires_edit.setEnabled(promotional)

    # -- the amount, checked as it is typed ------------------------------------------
    def amount(self) -> Money:
        """The typed amount; MoneyError says why it cannot be given."""
        value = parse_typed(self.amount_edit.text(), self.order.currency,
                            decimal_marks=self.decimal_marks)
        if value.minor == 0 and self.credit_kind() is not Remedy.REPLACEMENT:
            raise MoneyError("a credit of zero gives nothing; choose an amount")
        if value > self.left:
            raise MoneyError(f"more than is left on this order "
                             f"({max(self.left, Money.zero(value.currency)).display()})")
        return value

    def over_cap(self, value: Money) -> bool:
        """Past the policy's caps on the order: given only with a supervisor's approval
        (the service decides the same way)."""
        cap = self.suggestion.cap if self.suggestion is not None else None
        return cap is not None and value > cap

    def overrides(self) -> bool:
        """The typed amount is not the suggestion (so a reason is needed)."""
        try:
            return self.suggestion is not None and self.amount() != self.suggestion.amount
        except MoneyError:
            return False

    def amount_problem(self) -> str:
        """Why the credit cannot be given as it stands ("" when it can)."""
        try:
            self.amount()
        except MoneyError as exc:
            return str(exc)
        if self.overrides() and not self.reason_edit.text().strip():
            return "another amount than suggested needs a reason"
        return ""

    def _amount_changed(self) -> None:
        problem = self.amount_problem()
        note = problem
        if not problem and self.over_cap(self.amount()):
            note = (f"over the policy's cap ({self.suggestion.cap.display()}): it will wait "
                    "for a supervisor's approval")
        self.amount_note.setText(note)
        self.amount_note.setStyleSheet(error_style() if problem else "")
        self.amount_note.setVisible(bool(note))
        self.give_button.setEnabled(not problem and self._pending is None
                                    and not self.operations.busy and self.saving is None)
        self.reason_edit.setPlaceholderText(
            "why another amount? (required)" if self.overrides()
            else "needed when the amount differs from the suggestion")

    # -- giving: a button, a confirmation, then a few seconds to undo --------------------
    def ask_to_give(self) -> QWidget | None:
        """The confirmation, naming amount, currency, order and buyer; Cancel is its
        default, so Enter there gives nothing either."""
        problem = self.amount_problem()
        if problem:
            self.amount_note.setText(problem)
            self.amount_edit.setFocus()
            return None
        value, kind = self.amount(), self.credit_kind()
        waits = self.suggestion is not None and (self.suggestion.needs_approval
                                                 or self.over_cap(value))
        buyer = self.buyer_edit.text().strip()
        to = (f"the buyer {buyer}" if buyer else
              "the buyer (kept as a keyed reference)" if self.buyer_kept
              else "the buyer of this order")
        deed = "Ask a supervisor to approve" if waits else "Give"
        text = (f"{deed} {kind.label.lower()} of {value.display()} ({value.currency}) "
                f"on order {self.order.order_id}, to {to}?")
        if self.logged_issue is None:
            text = "The issue is logged, then:\n" + text
        self.question = confirm(self, "Give a credit?" if not waits else "Ask for approval?",
                                text, f"{deed} {value.display()}",
                                lambda: self._start_countdown(str(value.amount), kind))
        return self.question

    def _start_countdown(self, amount: str, kind: Remedy) -> None:
        self._pending = (amount, kind)
        self._seconds_left = UNDO_SECONDS
        for widget in self._inputs():
            widget.setEnabled(False)
        self.undo_bar.show()
        self.undo_button.setDefault(True)       # Enter now takes it back, never forward
        self.undo_button.setFocus()
        self._show_countdown()
        self._countdown.start(TICK_MS)

    def _show_countdown(self, when: str = "") -> None:
        amount, kind = self._pending or ("", Remedy.NONE)
        value = Money.parse(amount, self.order.currency)
        self.undo_label.setText(f"Giving {value.display()} ({kind.label.lower()}) on order "
                                f"{self.order.order_id} "
                                + (when or f"in {self._seconds_left} s…"))

    def _tick(self) -> None:
        self._seconds_left -= 1
        if self._seconds_left > 0:
            self._show_countdown()
            return
        self._countdown.stop()
        self.save(give=True)

    def undo(self) -> None:
        """Take back a credit confirmed but not yet written: nothing is saved."""
        if self._pending is None:
            return
        self._countdown.stop()
        self._pending = None
        self.undo_bar.hide()
        self.undo_button.setDefault(False)
        self.log_button.setDefault(self.logged_issue is None)
        self._enable_inputs()
        self.error_label.setText("Undone: no credit was given.")

    def reject(self) -> None:
        if self.saving is not None:     # written in a moment: its outcome is shown here
            return
        if self._pending is not None:   # Escape during the countdown is Undo, not Close
            self.undo()
            return
        if self.logged_issue is None and self._typed():
            self.question = ask_to_discard(self, f"The issue on order {self.order.order_id}",
                                           lambda: QDialog.reject(self))
            return
        super().reject()

    def _typed(self) -> bool:
        """Words a person typed that an issue not yet logged would lose; the choices in
        the boxes are not counted, they are put back in a moment."""
        buyer = self.buyer_form.details() if self.buyer_form.isChecked() else {}
        return any(text.strip() for text in (
            self.notes_edit.toPlainText(), self.buyer_edit.text(), self.reason_edit.text(),
            *buyer.values()))

    def _inputs(self) -> list[QWidget]:
        return [self.type_box, self.severity_box, self.days_late, self.buyer_edit,
                self.notes_edit, self.items_table, self.buyer_form, self.amount_edit,
                self.kind_box, self.reason_edit, self.expires_edit, self.give_button,
                self.log_button]

    def _lock_logged(self) -> None:
        for widget in (self.type_box, self.severity_box, self.days_late, self.buyer_edit,
                       self.notes_edit, self.items_table, self.buyer_form):
            widget.setEnabled(False)  # the issue is saved as it was

    # -- saving --------------------------------------------------------------------------
    def save(self, *, give: bool) -> Task | None:
        """Log the issue; with `give`, write the credit confirmed and not undone. The
        write runs off the GUI thread (`issue_logged` says when it is done); until then
        nothing can be changed. On a refusal everything typed is kept."""
        if give and self._pending is None:
            raise RuntimeError("a credit is written only after its confirmation")
        if self.saving is not None:
            return None                 # a second Enter while the first save runs
        if self.operations.busy:
            # An import is writing. Keep everything; a confirmed credit stays pending,
            # Undo still takes it back, and it is given the moment the import ends.
            self.error_label.setText(self.operations.busy)
            if self._pending is not None:
                self._show_countdown("once it is done…")
            self._show_busy()
            return None
        pending, self._pending = self._pending, None
        self.undo_bar.hide()
        credit = None
        if pending is not None:
            amount, kind = pending
            credit = CreditChosen(
                amount=Decimal(amount), kind=kind,
                reason=self.reason_edit.text() if self.overrides() else "",
                expires_on=(self.expires_edit.date().toPython()
                            if kind is Remedy.PROMOTIONAL_CREDIT else None))
        issue = None
        if self.logged_issue is None:
            facts = self.facts()
            issue = IssueTyped(order_id=self.order.order_id, issue_type=facts.issue_type,
                               severity=facts.severity, affected=facts.affected,
                               days_late=facts.days_late,
                               buyer=self.buyer_edit.text() or None,
                               note=self.notes_edit.toPlainText(),
                               buyer_details=self.buyer_form.details()
                               if self.buyer_form.isChecked() else None)
        for widget in self._inputs():
            widget.setEnabled(False)
        self.error_label.clear()
        self.setCursor(Qt.CursorShape.BusyCursor)   # until the outcome is back
        self.saving = save_issue(self.operations, self.engine, staff=self.staff,
                                 issue_id=self.logged_issue, issue=issue, credit=credit,
                                 done=self._saved, failed=self._not_saved)
        return self.saving

    def _saved(self, saved: Saved) -> None:
        self.saving = None
        self.unsetCursor()
        self.error_label.clear()
        if self.logged_issue is None:
            self.logged_issue = saved.issue_id
            self._lock_logged()
        if saved.credit_refused:
            # The issue is logged; the credit was refused. Say so and keep the dialog.
            self.error_label.setText(f"Issue {saved.issue_id} is logged, but the credit "
                                     f"was not given: {saved.credit_refused}")
            self.issue_logged.emit(saved.issue_id, None)
            self.log_button.hide()
            self.log_button.setDefault(False)
            self._enable_inputs()
            return
        self.issue_logged.emit(saved.issue_id, saved.outcome)
        self.accept()

    def _not_saved(self, error: Exception) -> None:
        """Nothing was written: everything typed stays, to change or try again. A bug
        is told by the window too; here it only must not leave the dialog locked."""
        self.saving = None
        self.unsetCursor()
        self.error_label.setText(str(error) if isinstance(error, KnownError) else
                                 f"Not saved: something went wrong inside SellerDesk "
                                 f"({type(error).__name__}: {error}).")
        self._enable_inputs()

    def _show_busy(self) -> None:
        """While another write runs, Log and Give wait, with the reason on them."""
        busy = self.operations.busy
        if self.saving is None and self._pending is None:
            self.log_button.setEnabled(not busy)
            self._amount_changed()              # Give: also whether the amount will do
        for button in (self.log_button, self.give_button):
            button.setToolTip(busy)
        self.busy_label.setText(busy and busy + " What you type here is kept.")
        self.busy_label.setVisible(bool(busy) and self.saving is None)
        if not busy and self.error_label.text().endswith("waits until it is done."):
            self.error_label.clear()

    def _operations_changed(self) -> None:
        self._show_busy()
        if (not self.operations.busy and self._pending is not None
                and not self._countdown.isActive() and self.saving is None):
            self.save(give=True)        # confirmed, not undone, held for the import

    def _enable_inputs(self) -> None:
        """Everything that may still change, editable again (after Undo or a refusal)."""
        for widget in self._inputs():
            widget.setEnabled(True)
        if self.logged_issue is not None:
            self._lock_logged()
        self.days_late.setEnabled(self.logged_issue is None
                                  and self.issue_type() is IssueType.LATE_DELIVERY)
        self.expires_edit.setEnabled(self.credit_kind() is Remedy.PROMOTIONAL_CREDIT)
        self._show_busy()
