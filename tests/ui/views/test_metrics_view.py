"""The Metrics tab offscreen: the rate a person reads, the chart drawn with a real font,
and the PDF and PNG exports read back."""

from datetime import date
from unicodedata import normalize

import pypdf
import pytest
from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics, QImage

from sellerdesk.core.metrics import DefectKind
from sellerdesk.services import metrics
from sellerdesk.ui.views.work_tabs import METRICS_TAB
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
    text = " ".join(normalize("NFKC", pypdf.PdfReader(pdf).pages[0].extract_text()).split())
    assert "Order Defect Rate as of" in text
    assert "Fulfilled by Amazon (AFN) 100.00 %" in text
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
