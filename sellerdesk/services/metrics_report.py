"""What the Metrics report says, as plain text in tables: the same Dashboard the Metrics
tab shows, laid out for paper. The ui draws it (ui/views/metrics_pdf.py); nothing here
knows about pages, and nothing in it tells a reader what to click."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.engine import Engine

from sellerdesk.core.deadlines import BY_CLOCK
from sellerdesk.core.metrics import DefectCounts, percent
from sellerdesk.services.clock import now
from sellerdesk.services.follow_up import store_name
from sellerdesk.services.metrics import Dashboard, dashboard, odr_line


@dataclass(frozen=True, slots=True)
class ReportTable:
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    numeric: frozenset[int] = frozenset()    # columns of figures, set right-aligned
    note: str = ""                            # a sentence under the table


@dataclass(frozen=True, slots=True)
class OdrLine:
    """The ODR week by week (a rate as a fraction per week's end), and the target."""
    title: str
    points: list[tuple[date, float]]
    target: float


@dataclass(frozen=True, slots=True)
class MetricsReport:
    title: str
    facts: list[str]                 # the lines under the title: date, window, target
    generated: datetime              # the desk's clock (UTC, naive) when it was made
    figures: ReportTable
    chart: OdrLine
    tables: list[ReportTable] = field(default_factory=list)

    def text(self) -> str:
        """Everything the report says, in reading order (what a PDF's text holds)."""
        lines = [self.title, *self.facts, self.figures.title, " ".join(self.figures.columns)]
        lines += [" ".join(row) for row in self.figures.rows]
        for table in self.tables:
            lines += [table.title, " ".join(table.columns)]
            lines += [" ".join(row) for row in table.rows]
            lines += [table.note] if table.note else []
        return "\n".join(lines)


def metrics_report(engine: Engine, *, as_of: date) -> MetricsReport:
    board = dashboard(engine, as_of=as_of)
    return build_report(board, odr_line(engine, as_of=board.as_of),
                        store=store_name(engine), generated=now())


def build_report(board: Dashboard, line: list[tuple[date, DefectCounts]], *, store: str,
                 generated: datetime) -> MetricsReport:
    odr, target = board.odr, float(board.target)
    return MetricsReport(
        title=f"Account metrics — {store}" if store else "Account metrics",
        facts=[f"As of {board.as_of}: orders placed {odr.window_start} to {odr.window_end} "
               f"({(odr.window_end - odr.window_start).days + 1} days)",
               f"Amazon's target: below {percent(target)}"],
        generated=generated,
        figures=_figures(board),
        chart=OdrLine("ODR week by week over the year (the 60 days ending each week)",
                      [(at, counts.rate) for at, counts in line if counts.orders], target),
        tables=[*_credit_tables(board), _effect(board), _deadlines(board), _amazon(board)])


def _figures(board: Dashboard) -> ReportTable:
    target = float(board.target)

    def row(name: str, c: DefectCounts) -> tuple[str, ...]:
        def part(count: int) -> str:
            return f"{count:,} ({percent(c.part_rate(count))})"
        verdict = ("no orders" if not c.orders else
                   "below target" if c.rate < target else "at or over target")
        return (name, f"{c.orders:,}", f"{c.orders_with_defects:,}", percent(c.rate),
                verdict, part(c.negative_feedback), part(c.atoz_claims), part(c.chargebacks))
    odr = board.odr
    return ReportTable(
        "Order Defect Rate and its three parts",
        ("Orders", "Placed", "With a defect", "ODR", f"Against {percent(target)}",
         "Negative feedback", "A-to-z claims", "Chargebacks"),
        [row("All orders", odr.all), row("Seller-fulfilled (MFN)", odr.mfn),
         row("Fulfilled by Amazon (AFN)", odr.afn)],
        numeric=frozenset({1, 2, 3, 5, 6, 7}),
        note="An order with several defects counts once in its ODR and once in each part.")


def _credit_tables(board: Dashboard) -> list[ReportTable]:
    c = board.credits
    money = ReportTable(
        "Credits given in the window, per currency (net of reversals)",
        ("Currency", "Net credited", "Share of sales"),
        [(currency, total.display(), percent(c.share_of_sales.get(currency)))
         for currency, total in c.totals.items()] or [("—", "none", "—")],
        numeric=frozenset({1, 2}),
        note=(f"{c.count:,} credits given. Overrides of the suggestion: {c.overridden:,} "
              f"({percent(c.override_share)} of credits with a suggestion), on average "
              f"{c.override_mean_change * 100:+.0f} % from it."))
    groups = [ReportTable(title, (heading, "Credits"),
                          [(name.replace("_", " "), f"{n:,}") for name, n in counts.items()]
                          or [("none", "0")], numeric=frozenset({1}))
              for title, heading, counts in (
                  ("Credits by issue type", "Issue type", c.by_issue_type),
                  ("Credits by SKU (top 10)", "SKU", c.by_sku),
                  ("Credits by staff member", "Staff member", c.by_staff))]
    return [money, *groups]


def _effect(board: Dashboard) -> ReportTable:
    e = board.effect
    avoided = e.defects_avoided
    note = ("Estimated defects avoided: not enough history to compare yet."
            if avoided is None else
            f"Estimated defects avoided: {avoided:.1f} — an estimate from this desk's own "
            f"history; ODR without credits ≈ {percent(e.odr_without_credits(board.odr.all))}.")
    return ReportTable(
        "What the credits did (issues logged in the window)",
        ("Issues", "Count", "Became a defect", "Defect rate"),
        [("Credited", f"{e.credited:,}", f"{e.credited_with_defect:,}",
          percent(e.rate_with_credit)),
         ("Not credited", f"{e.uncredited:,}", f"{e.uncredited_with_defect:,}",
          percent(e.rate_without_credit))],
        numeric=frozenset({1, 2, 3}), note=note)


def _deadlines(board: Dashboard) -> ReportTable:
    rows = [("Replies sent after the 24 hours", f"{board.late_replies:,}"),
            ("Buyer messages waiting past 24 hours", f"{board.overdue_replies:,}")]
    rows += [(BY_CLOCK[key].label, f"{count:,}") for key, count in board.missed.items()]
    return ReportTable("Deadlines missed in the window", ("Deadline", "Missed"), rows,
                       numeric=frozenset({1}))


def _amazon(board: Dashboard) -> ReportTable:
    def counted(value: int | None) -> str:
        return "—" if value is None else f"{value:,}"
    rows = []
    for a in board.amazon:
        theirs, ours = a.amazon, a.ours
        where = f"{theirs.marketplace} {theirs.channel}, {a.window_start} to {a.window_end}"
        rows.append((where, "Amazon", percent(theirs.rate), counted(theirs.orders),
                     counted(theirs.orders_with_defects), counted(theirs.negative_feedback),
                     counted(theirs.atoz_claims), counted(theirs.chargebacks)))
        rows.append(("", "SellerDesk", percent(ours.rate), f"{ours.orders:,}",
                     f"{ours.orders_with_defects:,}", f"{ours.negative_feedback:,}",
                     f"{ours.atoz_claims:,}", f"{ours.chargebacks:,}"))
    return ReportTable(
        "Amazon's own ODR beside SellerDesk's (seller performance report)",
        ("Marketplace and window", "Counted by", "ODR", "Orders", "With a defect",
         "Negative feedback", "A-to-z claims", "Chargebacks"),
        rows or [("none imported", "", "", "", "", "", "", "")],
        numeric=frozenset({2, 3, 4, 5, 6, 7}))
