"""The Metrics tab offscreen: the rate a person reads, the chart drawn with a real font,
and the exports read back: the PNG of the page, and the PDF report laid out on A4 or
Letter."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from unicodedata import normalize

import pypdf
import pytest
import time_machine
from PySide6.QtCore import QLocale
from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics, QImage

from sellerdesk.core.issues import IssueType
from sellerdesk.core.metrics import DefectKind
from sellerdesk.services import metrics
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.issues import add_issue
from sellerdesk.services.policies import save_policy
from sellerdesk.services.shipped_policy import default_policy_text
from sellerdesk.ui.views.metrics_pdf import A4, LETTER, default_page_size
from sellerdesk.ui.views.work_tabs import METRICS_TAB
from tests.helpers.staffing import hire
from tests.ui.conftest import ORDER


@pytest.fixture
def view(qtbot, desk_window):
    metrics.add_defect(desk_window.database.engine, order_id=ORDER,
                       kind=DefectKind.NEGATIVE_FEEDBACK, rating=1, on=date(2026, 10, 9))
    go = desk_window.tab_actions[METRICS_TAB]
    assert (go.text(), go.shortcut().toString()) == ("&Metrics", "Ctrl+6")
    go.trigger()
    assert desk_window.tabs.currentIndex() == METRICS_TAB
    view = desk_window.work_tabs.metrics
    # The day the figures are read for: the orders (1 October 2026) are in its 60 days,
    # whatever today is.
    view.as_of_edit.setDate(date(2026, 11, 15))
    return view


def test_the_tab_shows_the_rate_against_the_target(view):
    view.as_of_edit.setDate(date(2026, 11, 15))       # recomputes
    assert view.heading.text() == ("Order Defect Rate as of 2026-11-15 — orders placed "
                                   "2026-09-17 to 2026-11-15, target below 1.00 %")
    card = view.cards["afn"]
    assert card.rate.text() == "100.00 %"
    assert "#b3261e" in card.rate.styleSheet()           # over the target: red
    assert card.detail.text().startswith("1 of 1 orders\nfeedback 1")
    assert view.cards["mfn"].rate.text() == "0.00 %"
    rates, target = view.chart.series()
    assert [p.y() for p in rates.points()][-1] == 100.0
    assert {p.y() for p in target.points()} == {1.0}


def test_the_chart_is_drawn_with_a_real_font(view):
    """A missing font draws boxes without any error: check every font the chart uses
    resolves to an installed family that has each character it must draw."""
    chart = view.chart
    installed = set(QFontDatabase.families())
    labelled = [(chart.titleFont(), chart.title()), (chart.legend().font(),
                "Order Defect Rate Amazon's target (1.00 %)")]
    labelled += [(axis.labelsFont(), "0123456789.% JanFebMarAprMayJunJulAugSepOctNovDec")
                 for axis in chart.axes()]
    for font, text in labelled:
        assert QFontInfo(font).family() in installed
        glyphs = QFontMetrics(font)
        assert all(glyphs.inFontUcs4(ord(ch)) for ch in text if not ch.isspace()), text
    picture = view.chart_view.grab().toImage()
    top = [picture.pixelColor(x, y).lightness() for x in range(0, picture.width(), 2)
           for y in range(40)]
    assert min(top) < 128     # the dark title text was painted


def test_export_as_pdf_and_png(view, tmp_path):
    out = tmp_path / "review"
    out.mkdir()
    pdf = view.export(out / "weekly.pdf")
    # NFKC: the PDF keeps the font's "fi" ligature as one character
    text = " ".join(page_text(page) for page in pypdf.PdfReader(pdf).pages)
    assert "Order Defect Rate and its three parts" in text
    assert "Fulfilled by Amazon (AFN) 1 1 100.00 %" in text
    assert "Estimated defects avoided" in text
    png = view.export(out / "weekly.png")
    image = QImage(str(png))
    assert (image.width(), image.height()) == (view.page.width(), view.page.height())
    assert sorted(p.name for p in out.iterdir()) == ["weekly.pdf", "weekly.png"]


def test_a_failed_export_leaves_no_file(view, tmp_path):
    with pytest.raises(ValueError, match=r"weekly\.txt: export as \.pdf or \.png"):
        view.export(tmp_path / "weekly.txt")
    out = tmp_path / "review"
    out.mkdir()
    (out / "not a folder").write_text("")
    with pytest.raises(NotADirectoryError):
        view.export(out / "not a folder" / "weekly.pdf")
    assert [p.name for p in out.iterdir()] == ["not a folder"]


def page_text(page) -> str:
    """A page's words as a reader sees them: NFKC folds the font's "fi" ligature and the
    no-break space before a % sign."""
    return " ".join(normalize("NFKC", page.extract_text()).split())


@pytest.mark.parametrize(("paper", "points"), [(A4, (595, 842)), (LETTER, (612, 792))])
def test_the_pdf_is_a_report_laid_out_on_the_paper_chosen(view, tmp_path, paper, points):
    reader = pypdf.PdfReader(view.export(tmp_path / "weekly.pdf", page_size=paper))
    pages = reader.pages
    assert [tuple(round(float(n)) for n in page.mediabox[2:]) for page in pages] == (
        [points] * len(pages))
    texts = [page_text(page) for page in pages]
    assert texts[0].startswith("Account metrics")
    everything = " ".join(texts)
    # The figures the tab shows: each channel's rate and counts, against the target
    for name, label, orders in (("all", "All orders", 1), ("mfn", "Seller-fulfilled (MFN)", 0),
                                ("afn", "Fulfilled by Amazon (AFN)", 1)):
        rate = view.cards[name].rate.text()
        assert re.search(rf"{re.escape(label)} {orders} {orders} {re.escape(rate)} "
                         r"at or over target 1 \(100\.00 %\) 0 \(0\.00 %\) 0 \(0\.00 %\)"
                         if orders else
                         rf"{re.escape(label)} 0 0 {re.escape(rate)} no orders", everything)
    assert "As of 2026-11-15: orders placed 2026-09-17 to 2026-11-15 (60 days)" in texts[0]
    assert "Amazon's target (1.00 %)" in texts[0]              # the chart's legend
    assert "Estimated defects avoided" in everything
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text
        assert "Generated" in text
    # A report, not the screen: nothing to click, no menus, no buttons
    assert not re.search(r"Click|Export|Import report|→|›|…", everything)


def test_the_pdf_s_chart_is_drawn_as_lines_not_a_picture(view, tmp_path):
    reader = pypdf.PdfReader(view.export(tmp_path / "weekly.pdf", page_size=A4))
    for page in reader.pages:
        pictures = page["/Resources"].get("/XObject") or {}
        assert not [name for name, ref in pictures.items()
                    if ref.get_object().get("/Subtype") == "/Image"]
    drawn = reader.pages[0].get_contents().get_data().decode("latin-1")
    # The line, the target, the grid and the axes: paths moved to and drawn along
    assert len(re.findall(r" l\n", drawn)) >= 10
    assert len(re.findall(r" m\n", drawn)) >= 10


def test_every_line_of_the_pdf_is_inside_its_page_s_margins(view, tmp_path):
    reader = pypdf.PdfReader(view.export(tmp_path / "weekly.pdf", page_size=LETTER))
    for page in reader.pages:
        width, height = (float(n) for n in page.mediabox[2:])
        starts = []

        def seen(text, cm, tm, _font, _size, starts=starts):
            if text.strip():
                starts.append((cm[0] * tm[4] + cm[2] * tm[5] + cm[4],
                               cm[1] * tm[4] + cm[3] * tm[5] + cm[5], text))
        page.extract_text(visitor_text=seen)
        assert starts
        margin = 40       # 15 mm is 42.5 pt
        for x, y, text in starts:
            assert margin <= x <= width - margin, text
            assert margin <= y <= height - margin, text


@pytest.mark.parametrize(("language", "territory", "paper"), [
    (QLocale.Language.English, QLocale.Country.UnitedStates, LETTER),
    (QLocale.Language.French, QLocale.Country.Canada, LETTER),
    (QLocale.Language.English, QLocale.Country.UnitedKingdom, A4),
    (QLocale.Language.German, QLocale.Country.Germany, A4),
    (QLocale.Language.Japanese, QLocale.Country.Japan, A4)])
def test_the_paper_is_the_reader_s_usual_one(qapp, language, territory, paper):
    assert default_page_size(QLocale(language, territory)) == paper


@pytest.fixture
def credited(desk_window):
    """5.00 credited on 15 November 2026 on the order's 57.98 of sales (8.6 %), by Ben,
    an agent: his one issue in the window ended in a credit."""
    engine = desk_window.database.engine
    with time_machine.travel(datetime(2026, 11, 15, 12, tzinfo=UTC), tick=False):
        hire(engine, "Ben")
        issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                          affected=(("BOOK", 1),), staff="Ben")
        issue_credit(engine, issue_id=issue.issue_id, amount="5.00", reason="agreed",
                     staff="Ben")
        yield engine


def with_budget(engine, budget: str) -> None:
    save_policy(engine, default_policy_text() + "\n[budget]\nwindow_days = 60\n" + budget,
                by="Ana", source="budget.toml")


def bar_colours(qtbot, bar) -> tuple[str, str]:
    """The colour drawn inside the bar near its left end, and on the budget line, once
    the page has laid the bar out."""
    qtbot.waitUntil(lambda: bar.height() >= bar.sizeHint().height())
    image = bar.grab().toImage()
    middle = image.height() // 2
    return (image.pixelColor(4, middle).name(),
            image.pixelColor(round(bar.x_of(bar.line)), middle).name())


def test_the_budget_is_drawn_over_its_line_and_said_in_words(qtbot, view, credited):
    with_budget(credited, "share_of_sales = 0.05\nagent_credit_share = 0.5\n"
                "agent_min_issues = 1\n")
    view.refresh()
    box = view.budget_box
    assert box.sentences() == [
        "Policy version 2, the last 60 days (2026-09-17 to 2026-11-15): 2 lines crossed.",
        "Credits as a share of sales, per marketplace",
        "Amazon.com: credits 8.6 % of sales, budget 5 % — over budget",
        "Issues ending in a credit, per agent",
        "Ben: 1 of 1 issue ended in a credit (100 %), budget 50 % — over budget",
        "Each bar is the actual figure, from 0; the upright line across it is the budget."]
    sales, agent = box.bars()
    assert (sales.share.quantize(Decimal("0.001")), sales.line) == (Decimal("0.086"),
                                                                   Decimal("0.05"))
    # The bar runs past the line: the line sits inside the filled part.
    assert sales.x_of(sales.line) < sales.x_of(sales.share)
    assert bar_colours(qtbot, sales) == ("#b3261e", view.palette().windowText().color().name())
    assert bar_colours(qtbot, agent)[0] == "#b3261e"


def test_under_the_line_the_bar_is_green_and_short_of_it(qtbot, view, credited):
    with_budget(credited, "share_of_sales = 0.1\n")
    view.refresh()
    box = view.budget_box
    assert box.sentences()[:5] == [
        "Policy version 2, the last 60 days (2026-09-17 to 2026-11-15): every figure is "
        "under its line.",
        "Credits as a share of sales, per marketplace",
        "Amazon.com: credits 8.6 % of sales, budget 10 %",
        "Issues ending in a credit, per agent",
        "The budget sets no share per agent."]
    [sales] = box.bars()
    assert sales.x_of(sales.share) < sales.x_of(sales.line)
    assert bar_colours(qtbot, sales)[0] == "#1a7536"


def test_without_a_budget_one_quiet_line_says_how_to_set_one(view, credited):
    view.refresh()
    assert view.budget_box.sentences() == [
        "The policy in force (version 1) sets no concession budget. To set one, add a "
        "[budget] section in the policy editor (Desk → Policy…, Ctrl+Shift+P)."]
    assert view.budget_box.bars() == []
