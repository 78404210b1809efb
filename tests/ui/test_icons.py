"""The toolbar's and menus' icons (Lucide, drawn in the palette's text colour) and the
tips every action carries."""

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QColor, QIcon, QPalette
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton

from sellerdesk.ui import main_window
from sellerdesk.ui.dialogs.shortcuts_dialog import action_name, keys_text
from sellerdesk.ui.icons import icon, icon_folder
from sellerdesk.ui.views import tray


def inked(pixmap) -> list[QColor]:
    """The colours of the pixels an icon drew (its strokes' cores, not their soft edges)."""
    image = pixmap.toImage()
    return [image.pixelColor(x, y) for x in range(image.width())
            for y in range(image.height()) if image.pixelColor(x, y).alpha() == 255]


def test_an_icon_is_drawn_sharp_at_150_percent_in_the_palette_s_text_colour(qapp):
    pixmap = icon("refresh-cw").pixmap(QSize(16, 16), 1.5)
    assert (pixmap.width(), pixmap.height()) == (24, 24)     # drawn at 24, not stretched
    assert pixmap.devicePixelRatio() == 1.5
    text = qapp.palette().color(QPalette.ColorRole.ButtonText)
    assert inked(pixmap)
    assert {c.rgb() for c in inked(pixmap)} == {text.rgb()}


def test_icons_follow_a_dark_palette_set_while_the_window_is_open(qapp):
    shown = icon("search")
    light = qapp.palette()
    dark = QPalette(light)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        dark.setColor(group, QPalette.ColorRole.Window, QColor("#202020"))
        dark.setColor(group, QPalette.ColorRole.ButtonText, QColor("#f0f0f0"))
    qapp.setPalette(dark)
    try:
        assert {c.rgb() for c in inked(shown.pixmap(QSize(16, 16), 1.0))} \
            == {QColor("#f0f0f0").rgb()}
    finally:
        qapp.setPalette(light)
    # …and a disabled action's icon is the palette's greyed text, not its normal one.
    greyed = light.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    assert {c.rgb() for c in inked(shown.pixmap(QSize(16, 16), 1.0, QIcon.Mode.Disabled))} \
        == {greyed.rgb()}


def test_the_toolbar_and_menus_show_an_icon_for_each_main_action(window):
    toolbar = window.findChild(QToolBar, "main_toolbar")
    buttons = {action_name(a): toolbar.widgetForAction(a) for a in toolbar.actions()
               if a.text()}
    for name in ("Import report", "Sync with Amazon", "Refresh", "New issue", "Staff"):
        button = buttons[name]
        assert isinstance(button, QToolButton)
        assert not button.icon().isNull(), name
        assert not button.icon().pixmap(QSize(16, 16)).isNull(), name
    for act in (window.reply_action, window.policy_action, window.settings_action,
                window.export_ledger_action, window.backup_action, window.restore_action,
                window.dispute_action, window.find_action, window.copy_action,
                window.shortcuts_action, window.quit_action, window.cancel_action,
                *window.tab_actions):
        assert not act.icon().isNull(), act.text()


def test_only_the_icons_used_are_shipped_with_their_licence():
    shipped = {path.stem for path in icon_folder().glob("*.svg")}
    assert (icon_folder() / "LICENSE").read_text().startswith("ISC License")
    assert "lucide-static" in (icon_folder() / "README.md").read_text()
    source = "".join(Path(module.__file__).read_text() for module in (main_window, tray))
    assert {name for name in shipped if f'"{name}"' not in source} == set()


def menu_and_toolbar_actions(window) -> list[QAction]:
    found: list[QAction] = []

    def walk(menu: QMenu) -> None:
        for act in menu.actions():
            if act.menu() is not None:
                walk(act.menu())
            elif not act.isSeparator():
                found.append(act)

    for top in window.menuBar().actions():
        walk(top.menu())
    toolbar = window.findChild(QToolBar, "main_toolbar")
    found += [a for a in toolbar.actions() if a.text() and a not in found]
    return found


def test_every_menu_and_toolbar_action_has_a_tip_that_says_more_than_its_name(window):
    actions = menu_and_toolbar_actions(window)
    assert len(actions) >= 35
    for act in actions:
        tip = act.toolTip()
        assert tip, act.text()
        assert tip != action_name(act), act.text()
        if act.shortcuts():
            assert tip.endswith(f"({keys_text(act)})"), act.text()
    assert window.quit_action.toolTip().startswith("Close SellerDesk")
    assert window.tab_actions[2].toolTip() == "Go to the Issues tab (Ctrl+3)"
