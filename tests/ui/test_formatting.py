"""Colours that mean something (an error, overdue) stay readable under the desktop's
palette, light or dark: taken from a light/dark pair by the window's lightness, never a
red painted for a white background only."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget

from sellerdesk.ui.formatting import ERROR, is_dark
from sellerdesk.ui.labels import error_label
from sellerdesk.ui.models.records_model import WARNING_RED, Column, RecordsModel
from tests.helpers.palettes import application_palette, contrast, dark_palette

Role = QPalette.ColorRole
PALETTES = {"light": lambda: QApplication.style().standardPalette(), "dark": dark_palette}


def shown_colour(widget):
    """The text colour the widget paints with, once its style sheet is applied."""
    widget.ensurePolished()
    return widget.palette().color(Role.WindowText)


@pytest.mark.parametrize("name", PALETTES)
def test_an_error_label_reads_against_the_window(qtbot, name):
    with application_palette(PALETTES[name]()) as palette:
        assert is_dark() is (name == "dark")
        page = QWidget()
        qtbot.addWidget(page)
        label = error_label("The two PINs differ; type them again.")
        label.setParent(page)
        page.show()
        background = page.palette().color(Role.Window)
        assert background == palette.color(Role.Window)
        assert contrast(shown_colour(label), background) >= 4.5
        assert shown_colour(label).name() == (ERROR.dark if name == "dark" else ERROR.light)


@pytest.mark.parametrize("name", PALETTES)
def test_an_overdue_cell_reads_against_the_table(qtbot, name):
    with application_palette(PALETTES[name]()) as palette:
        model = RecordsModel([Column("Reply", str, tone=lambda _r: WARNING_RED)])
        model.set_records(["overdue 1 d 3 h"])
        brush = model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
        assert contrast(brush.color(), palette.color(Role.Base)) >= 4.5
        assert brush.color().name() == (ERROR.dark if name == "dark" else ERROR.light)


def test_the_window_s_warnings_read_under_a_dark_palette(qtbot, demo_db):
    from sellerdesk.ui.main_window import MainWindow
    with application_palette(dark_palette()) as palette:
        window = MainWindow(demo_db)
        qtbot.addWidget(window)
        window.show()
        for label in (window.offline_label, window.keyring_label):
            assert contrast(shown_colour(label), palette.color(Role.Window)) >= 4.5
        window.close()
