"""The Metrics tab: the account's Order Defect Rate as of a chosen date against Amazon's
1 % target, its line over a year, what the credits cost and what they seem to have done,
the concession budget's lines beside the actual figures, and Amazon's own numbers beside
ours. Exported as PDF or PNG for a weekly review."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDate, QMargins, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPageSize, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.metrics import DefectCounts, percent
from sellerdesk.services.clock import now
from sellerdesk.services.follow_up import store_name
from sellerdesk.services.metrics import Dashboard, dashboard, odr_line
from sellerdesk.services.metrics_report import build_report
from sellerdesk.services.policy_lab.budget import (
    AgentFigures,
    BudgetReport,
    MarketplaceFigures,
    budget_report,
)
from sellerdesk.ui.formatting import BAD, GOOD, MUTED, is_dark, tone_color, tone_name
from sellerdesk.ui.views.metrics_pdf import A4, LETTER, default_page_size, write_report_pdf

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

PAPERS = {"A4": A4, "Letter": LETTER}
PNG_FILTER = "PNG image of the page (*.png)"


def _label(text: str = "", *, wrap: bool = True, style: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if style:
        label.setStyleSheet(style)
    return label


class RateCard(QFrame):
    """One channel's ODR, large, green under the target and red at or over it."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = _label(title, style="font-weight: bold")
        self.rate = _label(style="font-size: 22pt")
        self.detail = _label()
        layout = QVBoxLayout(self)
        for widget in (self.title, self.rate, self.detail):
            layout.addWidget(widget)

    def show_counts(self, counts: DefectCounts, target: float) -> None:
        colour = tone_name(GOOD if counts.rate < target else BAD)
        self.rate.setText(percent(counts.rate))
        self.rate.setStyleSheet(f"font-size: 22pt; color: {colour}")
        self.detail.setText(
            f"{counts.orders_with_defects:,} of {counts.orders:,} orders\n"
            f"feedback {counts.negative_feedback} · claims {counts.atoz_claims} · "
            f"chargebacks {counts.chargebacks}")


class BudgetBar(QWidget):
    """One actual figure against its budget line: a bar as long as the share, green under
    the line and red over it (grey when too few to judge), and the line drawn across it
    in the text's colour. The words beside it say the same, so the colour is never the
    only sign."""

    def __init__(self, figures: MarketplaceFigures | AgentFigures, scale: Decimal) -> None:
        super().__init__()
        self.figures = figures
        self.share: Decimal | None = figures.share
        self.line: Decimal | None = figures.line
        self.scale = scale                     # the share the bar's full width stands for
        judged = not isinstance(figures, AgentFigures) or figures.judged
        self.tone = BAD if figures.over else (GOOD if judged else MUTED)
        self.setToolTip(figures.sentence())
        self.setAccessibleName(figures.sentence())
        self.setMinimumSize(160, self.fontMetrics().height() + 6)

    def sizeHint(self) -> QSize:
        return QSize(260, self.fontMetrics().height() + 6)

    def x_of(self, share: Decimal) -> float:
        """Where a share falls across the bar, in pixels from its left."""
        width = self.width() - 2
        return 1 + width * float(min(share / self.scale, Decimal(1))) if self.scale else 1

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        track = QRectF(0.5, 3.5, self.width() - 1, self.height() - 7)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRect(track)
        if self.share:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(tone_color(self.tone, palette))
            painter.drawRect(QRectF(track.left() + 0.5, track.top() + 0.5,
                                    self.x_of(self.share) - track.left() - 0.5,
                                    track.height() - 1))
        if self.line is not None:
            x = round(self.x_of(self.line)) + 0.5
            painter.setPen(QPen(palette.color(QPalette.ColorRole.WindowText), 2))
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.end()


def _scale(figures: list[MarketplaceFigures] | list[AgentFigures]) -> Decimal:
    """The share a bar's full width stands for: the largest figure or line, with room
    beyond it so the line never sits on the edge."""
    top = max([f.share or Decimal(0) for f in figures] + [f.line or Decimal(0) for f in figures]
              + [Decimal("0.001")])
    return min(top * Decimal("1.25"), Decimal(1)) if top <= 1 else top


class BudgetBox(QGroupBox):
    """The policy's concession budget: per marketplace, credits as a share of sales, and
    per agent, the share of their issues ending in a credit — each in words and as a bar
    with its line. Without a [budget], one quiet line says how to set one."""

    def __init__(self) -> None:
        super().__init__("Concession budget")
        self.report: BudgetReport | None = None
        self.summary_label = _label()
        self.rows = QGridLayout()
        self.rows.setColumnStretch(0, 3)
        self.rows.setColumnStretch(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addLayout(self.rows)

    def show_report(self, report: BudgetReport) -> None:
        self.report = report
        while self.rows.count():
            taken = self.rows.takeAt(0)
            if taken is not None and taken.widget() is not None:
                taken.widget().deleteLater()
        budget = report.budget
        if budget is None:
            self.summary_label.setText(
                f"The policy in force (version {report.policy_version}) sets no concession "
                "budget. To set one, add a [budget] section in the policy editor "
                "(Desk → Policy…, Ctrl+Shift+P).")
            self.summary_label.setStyleSheet("color: palette(placeholder-text);")
            return
        self.summary_label.setStyleSheet("")
        crossed = len(report.crossed())
        self.summary_label.setText(
            f"Policy version {report.policy_version}, the last {report.days} days "
            f"({report.window_start} to {report.window_end}): "
            + (f"{crossed} line{'' if crossed == 1 else 's'} crossed." if crossed
               else "every figure is under its line."))
        row = 0
        for title, figures, none_set in (
                ("Credits as a share of sales, per marketplace",
                 [m for m in report.marketplaces if m.line is not None],
                 "The budget sets no share of sales for the marketplaces sold on."),
                ("Issues ending in a credit, per agent", list(report.agents)
                 if budget.agent_credit_share is not None else [],
                 "The budget sets no share per agent." if budget.agent_credit_share is None
                 else "No agent handled an issue in the window.")):
            self.rows.addWidget(_label(title, style="font-weight: bold"), row, 0, 1, 2)
            row += 1
            if not figures:
                self.rows.addWidget(_label(none_set), row, 0, 1, 2)
                row += 1
                continue
            scale = _scale(figures)
            for each in figures:
                words = _label(each.sentence(),
                               style="font-weight: bold" if each.over else "")
                self.rows.addWidget(words, row, 0)
                self.rows.addWidget(BudgetBar(each, scale), row, 1)
                row += 1
        self.rows.addWidget(_label("Each bar is the actual figure, from 0; the upright line "
                                   "across it is the budget.",
                                   style="color: palette(placeholder-text);"), row, 0, 1, 2)

    def sentences(self) -> list[str]:
        """Every line of words the box shows, top to bottom."""
        texts = [self.summary_label.text()]
        for index in range(self.rows.count()):
            widget = self.rows.itemAt(index).widget()
            if isinstance(widget, QLabel):
                texts.append(widget.text())
        return texts

    def bars(self) -> list[BudgetBar]:
        found = (self.rows.itemAt(i).widget() for i in range(self.rows.count()))
        return [widget for widget in found if isinstance(widget, BudgetBar)]


class MetricsView(QWidget):
    said = Signal(str)

    def __init__(self, engine: Engine, staff: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.board: Dashboard | None = None
        self.budget: BudgetReport | None = None
        self.line: list[tuple[date, DefectCounts]] = []   # the chart's weeks, as drawn
        self.as_of_edit = QDateEdit()
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("yyyy-MM-dd")
        self.as_of_edit.setDate(_qdate(now().date()))
        self.as_of_edit.setToolTip("The day the metrics are computed for: the 60-day window "
                                   "ends on it")
        self.as_of_edit.dateChanged.connect(self.refresh)
        self.export_button = QPushButton("&Export…")
        self.export_button.setToolTip("Save a report of these figures for the weekly review: "
                                      "a PDF for A4 or Letter paper, or this page as PNG")
        self.export_button.clicked.connect(self.choose_export)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("As of"))
        bar.addWidget(self.as_of_edit)
        bar.addStretch(1)
        bar.addWidget(self.export_button)

        self.page = QWidget()          # what is exported
        self.page.setAutoFillBackground(True)
        self.heading = _label(style="font-size: 13pt; font-weight: bold")
        self.cards = {name: RateCard(title) for name, title in (
            ("all", "All orders"), ("mfn", "Seller-fulfilled (MFN)"),
            ("afn", "Fulfilled by Amazon (AFN)"))}
        cards = QHBoxLayout()
        for card in self.cards.values():
            cards.addWidget(card)
        self.chart = QChart()
        # Qt's charts draw on white whatever the palette: a dark desk gets the dark theme.
        self.chart.setTheme(QChart.ChartTheme.ChartThemeDark if is_dark()
                            else QChart.ChartTheme.ChartThemeLight)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(260)
        self.credits_label = _label()
        self.breakdown_labels = [_label() for _ in range(3)]
        self.effect_label = _label()
        self.deadlines_label = _label()
        self.amazon_label = _label()
        credits_box = QGroupBox("Credits in the window")
        grid = QGridLayout(credits_box)
        grid.addWidget(self.credits_label, 0, 0, 1, 3)
        for column, label in enumerate(self.breakdown_labels):
            label.setAlignment(Qt.AlignmentFlag.AlignTop)
            grid.addWidget(label, 1, column)
        effect_box = QGroupBox("What the credits did (issues logged in the window)")
        QVBoxLayout(effect_box).addWidget(self.effect_label)
        deadlines_box = QGroupBox("Deadlines missed")
        QVBoxLayout(deadlines_box).addWidget(self.deadlines_label)
        amazon_box = QGroupBox("Amazon's own numbers (seller performance report)")
        QVBoxLayout(amazon_box).addWidget(self.amazon_label)
        lower = QHBoxLayout()
        lower.addWidget(effect_box, 1)
        lower.addWidget(deadlines_box, 1)
        self.budget_box = BudgetBox()

        page = QVBoxLayout(self.page)
        page.addWidget(self.heading)
        page.addLayout(cards)
        page.addWidget(self.chart_view)
        page.addWidget(credits_box)
        page.addWidget(self.budget_box)
        page.addLayout(lower)
        page.addWidget(amazon_box)
        page.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)

    # -- the numbers -----------------------------------------------------------------------
    def as_of(self) -> date:
        return self.as_of_edit.date().toPython()

    def refresh(self) -> None:
        board = dashboard(self.engine, as_of=self.as_of())
        line = odr_line(self.engine, as_of=board.as_of)
        self.board, self.line = board, line
        target = float(board.target)
        odr = board.odr
        self.heading.setText(f"Order Defect Rate as of {board.as_of} — orders placed "
                             f"{odr.window_start} to {odr.window_end}, target below "
                             f"{percent(target)}")
        for name, counts in (("all", odr.all), ("mfn", odr.mfn), ("afn", odr.afn)):
            self.cards[name].show_counts(counts, target)
        self._draw_line(line, target)
        self._show_credits(board)
        self.budget = budget_report(self.engine, as_of=board.as_of)
        self.budget_box.show_report(self.budget)

    def _draw_line(self, line, target: float) -> None:
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        chart.setTitle("ODR over the year, week by week (60-day window ending each week)")
        rates, goal = QLineSeries(), QLineSeries()
        rates.setName("Order Defect Rate")
        goal.setName(f"Amazon's target ({percent(target)})")
        for at, counts in line:
            if not counts.orders:
                continue          # no orders in that window: no rate, not a zero
            msecs = datetime.combine(at, time()).timestamp() * 1000
            rates.append(msecs, counts.rate * 100)
            goal.append(msecs, target * 100)
        goal.setPen(QPen(tone_color(BAD), 1.5, Qt.PenStyle.DashLine))
        chart.addSeries(rates)
        chart.addSeries(goal)
        x_axis = QDateTimeAxis()
        x_axis.setFormat("d MMM yy")
        x_axis.setTickCount(7)
        y_axis = QValueAxis()
        y_axis.setLabelFormat("%.1f %%")
        top = max([counts.rate * 100 for _, counts in line] + [target * 100])
        y_axis.setRange(0, top * 1.2)
        y_axis.applyNiceNumbers()
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for series in (rates, goal):
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)

    def _show_credits(self, board: Dashboard) -> None:
        c, e = board.credits, board.effect
        totals = ", ".join(f"{m.display()} ({percent(c.share_of_sales.get(cur))} of sales)"
                           for cur, m in c.totals.items()) or "none"
        self.credits_label.setText(
            f"{c.count} credits given — net {totals}\n"
            f"Overrides of the suggestion: {c.overridden} ({percent(c.override_share)} of credits "
            f"with a suggestion), on average {c.override_mean_change * 100:+.0f} % from it")
        for label, (title, counts) in zip(self.breakdown_labels, (
                ("By issue type", c.by_issue_type), ("By SKU (top 10)", c.by_sku),
                ("By staff member", c.by_staff)), strict=True):
            rows = "\n".join(f"{name.replace('_', ' ')}: {n}" for name, n in counts.items())
            label.setText(f"{title}\n{rows or '—'}")
        avoided = e.defects_avoided
        estimate = ("Estimated defects avoided: not enough history to compare yet"
                    if avoided is None else
                    f"Estimated defects avoided: {avoided:.1f} — an estimate from this desk's "
                    f"own history; ODR without credits ≈ "
                    f"{percent(e.odr_without_credits(board.odr.all))}")
        self.effect_label.setText(
            f"Issues credited: {e.credited}, of which {e.credited_with_defect} became a "
            f"defect ({percent(e.rate_with_credit)})\n"
            f"Issues not credited: {e.uncredited}, of which {e.uncredited_with_defect} became "
            f"a defect ({percent(e.rate_without_credit)})\n{estimate}")
        self.deadlines_label.setText("\n".join([
            f"Replies sent after the 24 hours: {board.late_replies}",
            f"Buyer messages waiting past 24 hours now: {board.overdue_replies}",
            *board.missed_lines()]))
        self.amazon_label.setText("\n".join(
            f"{a.amazon.marketplace} {a.amazon.channel}, {a.window_start} to {a.window_end}: "
            + " ".join(a.explanation) for a in board.amazon)
            or "None imported yet: File → Import report… takes Amazon's seller performance "
               "report (JSON).")

    # -- export ----------------------------------------------------------------------------
    def choose_export(self) -> None:
        """The save dialog offers the PDF on A4 and on Letter, the reader's usual paper
        first, and the page as PNG."""
        stem = f"sellerdesk-metrics-{self.as_of()}"
        papers = sorted(PAPERS.items(), key=lambda item: item[1] != default_page_size())
        filters = [*(f"PDF report, {name} (*.pdf)" for name, _ in papers), PNG_FILTER]
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export the metrics", str(Path.home() / f"{stem}.pdf"), ";;".join(filters),
            filters[0])
        if path:
            if not Path(path).suffix:
                path += ".png" if chosen == PNG_FILTER else ".pdf"
            page_size = next((size for name, size in PAPERS.items() if f", {name} " in chosen),
                             None)
            try:
                self.export(Path(path), page_size=page_size)
            except (OSError, ValueError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                QMessageBox.warning(self, "Export the metrics",
                                    f"Nothing was saved: cannot write {path} ({reason}).")

    def export(self, path: Path, *, page_size: QPageSize.PageSizeId | None = None) -> Path:
        """Write the report as PDF (on `page_size`, else the locale's usual paper) or the
        page as PNG, under a temporary name first so an interrupted export never leaves
        half a file."""
        if self.board is None:
            self.refresh()
        kind = path.suffix.lower()
        if kind not in (".pdf", ".png"):
            raise ValueError(f"{path.name}: export as .pdf or .png")
        handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=kind,
                                             dir=path.parent)
        os.close(handle)
        try:
            if kind == ".png":
                if not self.page.grab().save(temporary, "PNG"):
                    raise OSError(f"cannot write {path.name}")
            else:
                self._write_pdf(temporary, page_size or default_page_size())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.said.emit(f"Metrics exported to {path}")
        return path

    def _write_pdf(self, target: str, page_size: QPageSize.PageSizeId) -> None:
        """The figures, chart and tables of the Dashboard on screen, laid out for paper."""
        assert self.board is not None
        report = build_report(self.board, self.line, store=store_name(self.engine),
                              generated=now())
        write_report_pdf(report, target, page_size=page_size)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
