"""The Metrics report's words and figures, built from a dashboard as the tab shows it:
money per currency as the app writes it, the parts of the ODR with their rates, the
week-by-week line, and Amazon's numbers beside SellerDesk's — and no instructions."""

from datetime import date, datetime
from decimal import Decimal

from sellerdesk.core.metrics import AmazonOdr, CreditEffect, DefectCounts, OrderDefectRate
from sellerdesk.core.money import Money
from sellerdesk.services.metrics import AmazonComparison, CreditSummary, Dashboard
from sellerdesk.services.metrics_report import build_report

AS_OF = date(2026, 3, 1)


def a_dashboard() -> Dashboard:
    odr = OrderDefectRate(date(2026, 1, 1), AS_OF,
                          mfn=DefectCounts(orders=200, orders_with_defects=3,
                                           negative_feedback=2, atoz_claims=1),
                          afn=DefectCounts(orders=100))
    credits = CreditSummary(
        count=4, totals={"EUR": Money(Decimal("1234.50"), "EUR"),
                         "JPY": Money(Decimal("700"), "JPY")},
        share_of_sales={"EUR": 0.012, "JPY": 0.0031}, by_issue_type={"damaged": 3,
                                                                      "late_delivery": 1},
        by_sku={"MUG": 4}, by_staff={"Ana": 4}, overridden=1, override_share=0.25,
        override_mean_change=-0.2)
    amazon = AmazonOdr("DE", "MFN", date(2026, 1, 1), AS_OF, rate=0.02, status="Bad",
                       orders=210, orders_with_defects=4, negative_feedback=3, atoz_claims=1,
                       chargebacks=0)
    return Dashboard(AS_OF, odr, Decimal("0.01"), credits, CreditEffect(4, 0, 6, 1),
                     late_replies=2, overdue_replies=0, missed={"atoz_contact": 1},
                     amazon=[AmazonComparison(amazon, odr.mfn, date(2026, 1, 1), AS_OF,
                                              ["Amazon 2.00 %, SellerDesk 1.50 %."])])


def test_the_report_holds_the_figures_money_and_line_of_the_dashboard():
    line = [(date(2026, 2, 22), DefectCounts(orders=0)),       # no orders: no point
            (AS_OF, DefectCounts(orders=300, orders_with_defects=3))]
    report = build_report(a_dashboard(), line, store="Lumen Home",
                          generated=datetime(2026, 3, 1, 9, 30))
    assert report.title == "Account metrics — Lumen Home"
    assert report.facts == ["As of 2026-03-01: orders placed 2026-01-01 to 2026-03-01 "
                            "(60 days)", "Amazon's target: below 1.00 %"]
    figures = {row[0]: row[1:] for row in report.figures.rows}
    assert figures["All orders"] == ("300", "3", "1.00 %", "at or over target",
                                     "2 (0.67 %)", "1 (0.33 %)", "0 (0.00 %)")
    assert figures["Seller-fulfilled (MFN)"][2:4] == ("1.50 %", "at or over target")
    assert figures["Fulfilled by Amazon (AFN)"][2:4] == ("0.00 %", "below target")
    assert report.chart.points == [(AS_OF, 0.01)]
    assert report.chart.target == 0.01
    tables = {table.title: table for table in report.tables}
    money = tables["Credits given in the window, per currency (net of reversals)"]
    assert money.rows == [("EUR", "€1,234.50", "1.20 %"), ("JPY", "¥700", "0.31 %")]
    assert "1 (25.00 % of credits with a suggestion), on average -20 % from it" in money.note
    assert tables["Credits by issue type"].rows == [("damaged", "3"), ("late delivery", "1")]
    effect = tables["What the credits did (issues logged in the window)"]
    assert effect.rows == [("Credited", "4", "0", "0.00 %"),
                           ("Not credited", "6", "1", "16.67 %")]
    assert ("Resolve before the buyer may file an A-to-z claim", "1") in tables[
        "Deadlines missed in the window"].rows
    beside = tables["Amazon's own ODR beside SellerDesk's (seller performance report)"]
    assert beside.rows == [
        ("DE MFN, 2026-01-01 to 2026-03-01", "Amazon", "2.00 %", "210", "4", "3", "1", "0"),
        ("", "SellerDesk", "1.50 %", "200", "3", "2", "1", "0")]
    assert not any(word in report.text() for word in ("Click", "Export", "Import", "›"))


def test_a_desk_without_credits_or_a_name_says_none():
    empty = Dashboard(AS_OF, OrderDefectRate(date(2026, 1, 1), AS_OF), Decimal("0.01"),
                      CreditSummary(), CreditEffect(0, 0, 0, 0), 0, 0)
    report = build_report(empty, [], store="", generated=datetime(2026, 3, 1, 9, 30))
    assert report.title == "Account metrics"
    assert report.figures.rows[0][1:5] == ("0", "0", "0.00 %", "no orders")
    assert report.chart.points == []
    assert report.tables[0].rows == [("—", "none", "—")]
    assert report.tables[-1].rows[0][0] == "none imported"
