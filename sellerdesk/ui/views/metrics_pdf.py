"""The Metrics report on paper: services.metrics_report's tables and ODR line laid out on
A4 or Letter pages with QPainter into a QPdfWriter — text as text, the chart as vector
paths, in print colours (dark on white) whatever the desk's theme. Each page has the
report's name and date at the top and "Page n of m" with when it was made at the bottom.

Laid out first, drawn second: the footer's page count is known before page one is drawn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, QLocale, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
)

from sellerdesk.core.metrics import percent
from sellerdesk.services.metrics_report import MetricsReport, OdrLine, ReportTable
from sellerdesk.ui.formatting import BAD, local_time

A4 = QPageSize.PageSizeId.A4
LETTER = QPageSize.PageSizeId.Letter
# Where paper is Letter though QLocale's measurement system says metric (Canada, Mexico,
# the Philippines…); the United States is found by its measurement system.
LETTER_TERRITORIES = frozenset({
    QLocale.Country.Canada, QLocale.Country.Mexico, QLocale.Country.Philippines,
    QLocale.Country.Chile, QLocale.Country.Colombia, QLocale.Country.Venezuela})
RESOLUTION = 300              # device units per inch: fine enough for the chart's lines
MARGIN_MM = 15

# Print colours: dark on white paper, never the screen's palette.
INK = QColor("#1a1a1a")
GREY = QColor("#5f5f5f")
RULE = QColor("#9a9a9a")
GRID = QColor("#dddddd")
HEADER_FILL = QColor("#e8eef5")
LINE = QColor("#1f5fa8")
TARGET = QColor(BAD.light)


def default_page_size(locale: QLocale | None = None) -> QPageSize.PageSizeId:
    """Letter where the reader's locale uses it (the US and its neighbours), A4
    elsewhere."""
    locale = locale or QLocale()
    if (locale.measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem
            or locale.territory() in LETTER_TERRITORIES):
        return LETTER
    return A4


def write_report_pdf(report: MetricsReport, target: str, *,
                     page_size: QPageSize.PageSizeId) -> int:
    """Write the report to `target`; returns how many pages it took."""
    writer = QPdfWriter(target)
    writer.setTitle(report.title + " — " + report.facts[0])
    writer.setCreator("SellerDesk")
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(QPageLayout(QPageSize(page_size), QPageLayout.Orientation.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    painter = QPainter(writer)
    try:
        sheet = _Sheet(writer)
        pages = sheet.lay_out(report)
        for number, blocks in enumerate(pages, start=1):
            if number > 1:
                writer.newPage()
            sheet.draw_margins(painter, report, number, len(pages))
            for draw, y, height in blocks:
                draw(painter, QRectF(0, sheet.body_top + y, sheet.width, height))
    finally:
        painter.end()
    return len(pages)


Draw = Callable[[QPainter, QRectF], None]


@dataclass(slots=True)
class _Fonts:
    title: QFont
    body: QFont
    heading: QFont
    table: QFont
    table_bold: QFont
    small: QFont


class _Sheet:
    """The page's measures in device units, and the flow of blocks down the pages."""

    def __init__(self, writer: QPdfWriter) -> None:
        self.device = writer
        self.unit = writer.resolution() / 72          # device units per point
        area = writer.pageLayout().paintRectPixels(writer.resolution())
        self.width, self.height = float(area.width()), float(area.height())
        base = QGuiApplication.font().family()
        self.fonts = _Fonts(_font(base, 16, bold=True), _font(base, 9.5),
                            _font(base, 11.5, bold=True), _font(base, 8),
                            _font(base, 8, bold=True), _font(base, 7.5))
        self.margin_height = self.metrics(self.fonts.small).height() + self.pt(8)
        self.body_top = self.margin_height
        self.body_height = self.height - 2 * self.margin_height
        self.pages: list[list[tuple[Draw, float, float]]] = [[]]
        self.y = 0.0

    def pt(self, points: float) -> float:
        return points * self.unit

    def metrics(self, font: QFont) -> QFontMetricsF:
        return QFontMetricsF(font, self.device)

    # -- the flow ------------------------------------------------------------------------
    def room(self) -> float:
        return self.body_height - self.y

    def new_page(self) -> None:
        self.pages.append([])
        self.y = 0.0

    def place(self, draw: Draw, height: float, *, gap: float = 0.0) -> None:
        if self.y and gap + height > self.room():
            self.new_page()
        elif self.y:
            self.y += gap
        self.pages[-1].append((draw, self.y, height))
        self.y += height

    def lay_out(self, report: MetricsReport) -> list[list[tuple[Draw, float, float]]]:
        fonts = self.fonts
        self.place(*self.text(report.title, fonts.title))
        for line in report.facts:
            self.place(*self.text(line, fonts.body), gap=self.pt(2))
        self.place_table(report.figures)
        self.place(self.chart_drawer(report.chart), self.pt(230), gap=self.pt(16))
        for table in report.tables:
            self.place_table(table)
        return self.pages

    def text(self, text: str, font: QFont, colour: QColor = INK) -> tuple[Draw, float]:
        flags = int(Qt.TextFlag.TextWordWrap)
        text = _unbroken(text)
        height = self.metrics(font).boundingRect(
            QRectF(0, 0, self.width, 1e6), flags, text).height()

        def draw(painter: QPainter, rect: QRectF) -> None:
            painter.setFont(font)
            painter.setPen(colour)
            painter.drawText(rect, flags, text)
        return draw, height

    def place_table(self, table: ReportTable) -> None:
        """The heading, the table (its header again on each page it runs onto) and its
        note; the heading never ends a page without the table's first row."""
        heading, heading_height = self.text(table.title, self.fonts.heading)
        widths = self.column_widths(table)
        header = self.row_drawer(table, table.columns, widths, header=True)
        rows = [self.row_drawer(table, row, widths) for row in table.rows]
        gap = self.pt(16)
        first = heading_height + self.pt(4) + header[1] + (rows[0][1] if rows else 0)
        note = self.text(table.note, self.fonts.body, GREY) if table.note else None
        whole = (first + sum(height for _, height in rows[1:])
                 + (note[1] + self.pt(4) if note else 0))
        # A short table moves whole to the next page rather than leave a row or two behind.
        short = whole < self.body_height / 3
        if self.y and gap + (whole if short else first) > self.room():
            self.new_page()
        self.place(heading, heading_height, gap=gap)
        self.place(*header, gap=self.pt(4))
        for draw, height in rows:
            if height > self.room():
                self.new_page()
                self.place(*header)
            self.place(draw, height)
        if note:
            self.place(*note, gap=self.pt(4))

    def column_widths(self, table: ReportTable) -> list[float]:
        """Each column as wide as its widest cell; the first takes what is left over,
        and when they are too wide together each gives up room in proportion (its text
        then wraps)."""
        pad = self.pt(10)
        bold, plain = self.metrics(self.fonts.table_bold), self.metrics(self.fonts.table)
        natural = [max([bold.horizontalAdvance(word) for word in _unbroken(heading).split(" ")]
                       + [plain.horizontalAdvance(row[i]) for row in table.rows]) + pad
                   for i, heading in enumerate(table.columns)]
        wanted = [max(n, bold.horizontalAdvance(h) + pad)
                  for n, h in zip(natural, table.columns, strict=True)]
        if sum(wanted) <= self.width:
            wanted[0] += self.width - sum(wanted)
            return wanted
        spare = sum(wanted) - sum(natural)
        over = sum(wanted) - self.width
        if spare >= over:         # wrapping the headings is enough
            share = over / spare
            return [w - (w - n) * share for w, n in zip(wanted, natural, strict=True)]
        return [n * self.width / sum(natural) for n in natural]

    def row_drawer(self, table: ReportTable, cells: tuple[str, ...], widths: list[float],
                   *, header: bool = False) -> tuple[Draw, float]:
        font = self.fonts.table_bold if header else self.fonts.table
        cells = tuple(_unbroken(cell) for cell in cells)
        metrics = self.metrics(font)
        pad = self.pt(5)
        flags = int(Qt.TextFlag.TextWordWrap)
        height = max(metrics.boundingRect(QRectF(0, 0, w - 2 * pad, 1e6), flags, cell).height()
                     for cell, w in zip(cells, widths, strict=True)) + 2 * self.pt(2.5)

        def draw(painter: QPainter, rect: QRectF) -> None:
            if header:
                painter.fillRect(rect, HEADER_FILL)
            painter.setFont(font)
            x = rect.left()
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
                align = (Qt.AlignmentFlag.AlignRight if i in table.numeric
                         else Qt.AlignmentFlag.AlignLeft)
                painter.setPen(INK)
                painter.drawText(QRectF(x + pad, rect.top() + self.pt(2.5), w - 2 * pad,
                                        rect.height()), flags | int(align), cell)
                x += w
            painter.setPen(QPen(RULE, self.pt(0.4)))
            painter.drawLine(QPointF(rect.left(), rect.bottom()),
                             QPointF(rect.right(), rect.bottom()))
        return draw, height

    # -- the running head and foot --------------------------------------------------------
    def draw_margins(self, painter: QPainter, report: MetricsReport, number: int,
                     count: int) -> None:
        font = self.fonts.small
        line = self.metrics(font).height()
        painter.setFont(font)
        painter.setPen(GREY)
        top = QRectF(0, 0, self.width, line)
        painter.drawText(top, int(Qt.AlignmentFlag.AlignLeft), report.title)
        painter.drawText(top, int(Qt.AlignmentFlag.AlignRight), report.facts[0])
        bottom = QRectF(0, self.height - line, self.width, line)
        painter.drawText(bottom, int(Qt.AlignmentFlag.AlignLeft),
                         f"Generated {local_time(report.generated)} by SellerDesk")
        painter.drawText(bottom, int(Qt.AlignmentFlag.AlignRight), f"Page {number} of {count}")
        painter.setPen(QPen(RULE, self.pt(0.4)))
        painter.drawLine(QPointF(0, line + self.pt(3)), QPointF(self.width, line + self.pt(3)))
        painter.drawLine(QPointF(0, self.height - line - self.pt(3)),
                         QPointF(self.width, self.height - line - self.pt(3)))

    # -- the chart -------------------------------------------------------------------------
    def chart_drawer(self, chart: OdrLine) -> Draw:
        def draw(painter: QPainter, rect: QRectF) -> None:
            _draw_chart(painter, rect, chart, self)
        return draw


def _font(family: str, points: float, *, bold: bool = False) -> QFont:
    font = QFont(family)
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _nice_step(top: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 × a power of ten) giving about `ticks` steps to `top`."""
    raw = top / ticks
    power = 10.0 ** _floor_log10(raw)
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _floor_log10(value: float) -> int:
    exponent = 0
    while value >= 10:
        value, exponent = value / 10, exponent + 1
    while value < 1:
        value, exponent = value * 10, exponent - 1
    return exponent


def _months(first: date, last: date) -> list[date]:
    day = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    months = []
    while day <= last:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def _draw_chart(painter: QPainter, rect: QRectF, chart: OdrLine, sheet: _Sheet) -> None:
    """Title, axes, grid, the weekly ODR line and the target's dashed line, and a legend,
    each as text and paths."""
    pt = sheet.pt
    fonts = sheet.fonts
    small = sheet.metrics(fonts.small)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(fonts.heading)
    painter.setPen(INK)
    title_height = sheet.metrics(fonts.heading).height()
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), title_height),
                     int(Qt.AlignmentFlag.AlignLeft), chart.title)
    top_rate = max([rate for _, rate in chart.points] + [chart.target]) * 1.15
    step = _nice_step(top_rate * 100) / 100
    ticks = [step * i for i in range(int(top_rate / step) + 2)]
    ceiling = ticks[-1]
    label_width = max(small.horizontalAdvance(_rate_label(t, step)) for t in ticks)
    legend_height = small.height() + pt(6)
    plot = QRectF(rect.left() + label_width + pt(6), rect.top() + title_height + pt(8),
                  0, 0)
    plot.setRight(rect.right() - pt(4))
    plot.setBottom(rect.bottom() - legend_height - small.height() - pt(6))
    painter.setFont(fonts.small)
    for tick in ticks:
        y = plot.bottom() - tick / ceiling * plot.height()
        painter.setPen(QPen(GRID, pt(0.5)))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(GREY)
        painter.drawText(QRectF(rect.left(), y - small.height() / 2, label_width,
                                small.height()),
                         int(Qt.AlignmentFlag.AlignRight), _rate_label(tick, step))
    painter.setPen(QPen(RULE, pt(0.8)))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    painter.drawLine(plot.bottomLeft(), plot.topLeft())
    if not chart.points:
        painter.setPen(GREY)
        painter.drawText(plot, int(Qt.AlignmentFlag.AlignCenter),
                         "No orders in any week of the year")
    else:
        first, last = chart.points[0][0], chart.points[-1][0]
        span = max((last - first).days, 1)

        def x_of(day: date) -> float:
            return plot.left() + (day - first).days / span * plot.width()

        def y_of(rate: float) -> float:
            return plot.bottom() - rate / ceiling * plot.height()
        months = _months(first, last)
        label = max((small.horizontalAdvance(_month_label(m)) for m in months), default=0)
        every = 1
        while months and len(months) / every * (label + pt(6)) > plot.width():
            every += 1
        for month in months[::every]:
            x = x_of(month)
            painter.setPen(QPen(RULE, pt(0.5)))
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + pt(3)))
            painter.setPen(GREY)
            painter.drawText(QRectF(x - label, plot.bottom() + pt(4), 2 * label,
                                    small.height()),
                             int(Qt.AlignmentFlag.AlignHCenter), _month_label(month))
        target = QPen(TARGET, pt(1.2), Qt.PenStyle.DashLine)
        painter.setPen(target)
        painter.drawLine(QPointF(plot.left(), y_of(chart.target)),
                         QPointF(plot.right(), y_of(chart.target)))
        path = QPainterPath()
        path.moveTo(x_of(first), y_of(chart.points[0][1]))
        for day, rate in chart.points[1:]:
            path.lineTo(x_of(day), y_of(rate))
        painter.setPen(QPen(LINE, pt(1.6)))
        painter.drawPath(path)
    # The legend, under the axis labels
    y = rect.bottom() - small.height() / 2 - pt(1)
    x = plot.left()
    for pen, words in ((QPen(LINE, pt(1.6)), "Order Defect Rate"),
                       (QPen(TARGET, pt(1.2), Qt.PenStyle.DashLine),
                        f"Amazon's target ({percent(chart.target)})")):
        painter.setPen(pen)
        painter.drawLine(QPointF(x, y), QPointF(x + pt(18), y))
        painter.setPen(INK)
        width = small.horizontalAdvance(words)
        painter.drawText(QRectF(x + pt(22), y - small.height() / 2, width + pt(2),
                                small.height()), int(Qt.AlignmentFlag.AlignLeft), words)
        x += pt(22) + width + pt(18)


def _unbroken(text: str) -> str:
    """"1.00 %" never broken between the number and its sign at the end of a line."""
    return text.replace(" %", "\u00a0%")


def _rate_label(rate: float, step: float) -> str:
    """As many decimals as the step needs: 0 %, 0.5 %, 1.0 % — or 0 %, 2 %, 4 %."""
    digits = next((d for d in (0, 1, 2) if abs(round(step * 100, d) - step * 100) < 1e-9), 3)
    return f"{rate * 100:.{digits}f} %"


def _month_label(day: date) -> str:
    return QLocale().toString(QDate(day.year, day.month, day.day), "MMM yy")
