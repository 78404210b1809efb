"""The pane beside the orders table: one order, its items and its totals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.orders import Order
from sellerdesk.core.returns import SOURCES

if TYPE_CHECKING:
    from sellerdesk.services.issues import OrderActivity
from sellerdesk.ui.formatting import local_time

ITEM_HEADERS = ("Product", "Qty", "Price", "Shipping", "Tax", "Promotion")
ACTIVITY_HEADERS = ("When", "What", "Details", "Status / amount", "By")
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class OrderDetailView(QStackedWidget):
    issue_activated = Signal(int)   # an issue's row double-clicked: follow it up

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(320)
        self.empty_label = QLabel("Select an order to see its items and totals.")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)
        self.addWidget(self.empty_label)

        page = QWidget()
        layout = QVBoxLayout(page)
        self.title_label = QLabel()
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title_label.setFont(font)
        layout.addWidget(self.title_label)

        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for name in ("Purchased", "Status", "Marketplace", "Fulfilment", "Ship service",
                     "Ship to", "Business order", "Last updated"):
            label = QLabel()
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[name] = label
            form.addRow(f"{name}:", label)
        layout.addLayout(form)

        self.items_table = QTableWidget(0, len(ITEM_HEADERS))
        self.items_table.setHorizontalHeaderLabels(ITEM_HEADERS)
        self.items_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.items_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items_table.verticalHeader().setVisible(False)
        header = self.items_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        self.items_table.setWordWrap(True)
        self.items_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.items_table, 1)

        self.totals_label = QLabel()
        self.totals_label.setAlignment(_RIGHT)
        self.totals_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.totals_label)

        heading = QHBoxLayout()
        self.activity_label = QLabel("<b>Issues and credits</b>")
        heading.addWidget(self.activity_label, 1)
        self.new_issue_button = QPushButton("New issue…")
        self.new_issue_button.setToolTip("Log a customer issue on this order (Ctrl+N)")
        heading.addWidget(self.new_issue_button)
        self.dispute_button = QPushButton("Dispute packet…")
        self.dispute_button.setToolTip("Evidence for an A-to-z claim or chargeback on this "
                                       "order: PDF, summary, files, manifest (Ctrl+Shift+D)")
        heading.addWidget(self.dispute_button)
        layout.addLayout(heading)
        self.activity_table = QTableWidget(0, len(ACTIVITY_HEADERS))
        self.activity_table.setHorizontalHeaderLabels(ACTIVITY_HEADERS)
        self.activity_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.activity_table.verticalHeader().setVisible(False)
        activity_header = self.activity_table.horizontalHeader()
        activity_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        activity_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.activity_table.setToolTip("Double-click an issue to follow it up")
        self.activity_table.cellDoubleClicked.connect(self._activated)
        layout.addWidget(self.activity_table, 1)
        self.addWidget(page)
        self.order: Order | None = None
        self._totals: list[tuple[str, str]] = []

    def show_activity(self, activity: OrderActivity) -> None:
        """The order's issues, the credits given on it and its returns, oldest first."""
        # (cells, amount on the right, issue id)
        rows: list[tuple[tuple[str, ...], bool, int | None]] = []
        for issue in sorted(activity.issues, key=lambda i: i.issue_id):
            rows.append(((local_time(issue.created_at), f"Issue {issue.issue_id}",
                          f"{issue.issue_type.label}, {issue.severity.value}",
                          issue.status.value.replace("_", " "), issue.created_by), False,
                         issue.issue_id))
        for credit in activity.credits:
            what = (f"reverses credit {credit.reverses}: {credit.reason}" if credit.reverses
                    else credit.kind.replace("_", " ").capitalize()
                    + (f" ({credit.reason})" if credit.reason else ""))
            rows.append(((local_time(credit.created_at), f"Credit {credit.credit_id}", what,
                          credit.amount.display(), credit.staff), True, credit.issue_id))
        for back in activity.returns:
            outcome = (f"refunded {back.refunded.display()}" if back.refunded is not None
                       else back.status.replace("_", " ").lower() or "—")
            rows.append(((back.requested_on.isoformat(), "Return", back.what, outcome,
                          SOURCES[back.source]), True, None))
        rows.sort(key=lambda r: r[0][0])
        self.activity_table.setRowCount(len(rows))
        for row, (cells, right, issue_id) in enumerate(rows):
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column == 3 and right:
                    cell.setTextAlignment(_RIGHT)
                cell.setData(Qt.ItemDataRole.UserRole, issue_id)
                self.activity_table.setItem(row, column, cell)
        given = activity.given(self.order.currency) if self.order else None
        title = "Issues, credits and returns" if activity.returns else "Issues and credits"
        self.activity_label.setText(
            f"<b>{title}</b>" + (f" — {given.display()} given on this order"
                                 if given is not None and activity.credits else ""))

    def _activated(self, row: int, column: int) -> None:
        """Every row, issue or credit, carries its issue's id."""
        issue_id = self.activity_table.item(row, column).data(Qt.ItemDataRole.UserRole)
        if issue_id is not None:
            self.issue_activated.emit(int(issue_id))

    def activity_rows(self) -> list[list[str]]:
        table = self.activity_table
        return [[table.item(r, c).text() for c in range(table.columnCount())]
                for r in range(table.rowCount())]

    def show_order(self, order: Order | None) -> None:
        self.order = order
        if order is None:
            self.setCurrentIndex(0)
            return
        self.title_label.setText(f"Order {order.order_id}")
        f = self.fields
        f["Purchased"].setText(local_time(order.purchase_date))
        f["Status"].setText(order.status)
        f["Marketplace"].setText(f"{order.marketplace} ({order.sales_channel or '—'}, "
                                 f"{order.currency})")
        f["Fulfilment"].setText(order.channel.label)
        f["Ship service"].setText(order.ship_service_level or "—")
        f["Ship to"].setText(order.ship_country or "—")
        f["Business order"].setText("Yes" if order.is_business else "No")
        f["Last updated"].setText(local_time(order.last_updated))

        table = self.items_table
        table.setRowCount(len(order.items))
        for row, item in enumerate(order.items):
            cells = (f"{item.title}\n{item.sku} · {item.asin or 'no ASIN'}"
                     + (f" · {item.status}" if item.status else ""),
                     str(item.quantity), item.item_price.display(),
                     item.shipping_price.display(), (item.item_tax + item.shipping_tax).display(),
                     item.promotion_discount.display() if item.promotion_discount.minor else "—")
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column >= 1:
                    cell.setTextAlignment(_RIGHT)
                table.setItem(row, column, cell)
        rows = [("Items", order.items_total.display()),
                ("Shipping", order.shipping_total.display()),
                ("Tax", order.tax_total.display())]
        if order.discount_total.minor:
            rows.append(("Promotions", f"−{order.discount_total.display()}"))
        rows.append(("Total", order.total.display()))
        self._totals = rows
        lines = "".join(f"<tr><td>{k}&nbsp;&nbsp;</td><td align='right'>{v}</td></tr>"
                        for k, v in rows[:-1])
        self.totals_label.setText(
            f"<table align='right'>{lines}<tr><td><b>Total</b>&nbsp;&nbsp;</td>"
            f"<td align='right'><b>{rows[-1][1]}</b></td></tr></table>")
        if not order.total.minor and order.status in ("Pending", "Cancelled"):
            self.totals_label.setText(f"<i>Amazon gives no prices for a {order.status.lower()} "
                                      "order.</i>")
        self.setCurrentIndex(1)

    def totals_text(self) -> str:
        """The totals as a person reads them, a line each."""
        return "\n".join(f"{label} {value}" for label, value in self._totals)
