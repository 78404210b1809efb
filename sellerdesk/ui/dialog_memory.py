"""Every dialog of SellerDesk opens where and as large as it was last closed, once, for all
of them: an event filter on the application watches each QDialog that has an objectName
(the project's dialogs name themselves; Qt's message boxes and file dialogs do not and are
left to Qt), puts back its rectangle from window.ini ("dialogs/<name>") as it is first
shown, and keeps it as it is hidden or closed.

A kept rectangle is only a wish: a laptop taken off its big monitor, or a screen set to a
lower resolution, must not open a dialog out of reach or larger than the screen. So what is
put back is fitted onto the screen it was on, or, when that screen is gone, onto the screen
of the window the dialog belongs to, and never larger than that screen's free area (less
the window frame around it). A dialog with nothing kept is fitted the same way, so one
that asks for more than a 1280×720 screen has still opens whole."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import (
    QApplication,
    QColorDialog,
    QDialog,
    QFileDialog,
    QFontDialog,
    QMessageBox,
    QProgressDialog,
)

from sellerdesk.ui.settings import window_settings
from sellerdesk.ui.tab_order import buttons_in_reading_order

GROUP = "dialogs"
RESTORED = "sellerdesk_geometry_restored"   # a dynamic property: put back once, on first show
# Qt's own dialogs, sized by Qt for what they say; a name given to one of them by code
# elsewhere must not make it remember a size meant for another message.
LEFT_TO_QT = (QMessageBox, QFileDialog, QProgressDialog, QColorDialog, QFontDialog)
# A window frame not yet known (the dialog is not on screen when it is fitted): about a
# title bar and thin borders, as most window managers draw them.
USUAL_FRAME = QMargins(4, 30, 4, 4)


def remembered(widget: QObject) -> bool:
    return (isinstance(widget, QDialog) and not isinstance(widget, LEFT_TO_QT)
            and bool(widget.objectName()) and widget.isWindow())


def setting_key(dialog: QDialog) -> str:
    return f"{GROUP}/{dialog.objectName()}"


def frame_of(dialog: QDialog) -> QMargins:
    """The window frame around the dialog: its parent window's (the same window manager
    draws both), or a usual one before any window of the app is on screen."""
    for window in (dialog, dialog.parentWidget().window() if dialog.parentWidget() else None):
        if window is not None and window.isVisible():
            outer, inner = window.frameGeometry(), window.geometry()
            frame = QMargins(inner.left() - outer.left(), inner.top() - outer.top(),
                             outer.right() - inner.right(), outer.bottom() - inner.bottom())
            if frame != QMargins(0, 0, 0, 0):
                return frame
    return USUAL_FRAME if QGuiApplication.platformName() not in ("offscreen", "minimal") \
        else QMargins(0, 0, 0, 0)


def home_screen(dialog: QDialog) -> QScreen:
    """The screen of the window the dialog belongs to (the main window), else its own."""
    parent = dialog.parentWidget()
    screen = parent.window().screen() if parent is not None else dialog.screen()
    return screen or QGuiApplication.primaryScreen()


def screen_holding(rect: QRect) -> QScreen | None:
    """The screen a rectangle's centre is on (where a person would look for it), if any
    screen still is there."""
    centre = rect.center()
    return next((s for s in QGuiApplication.screens()
                 if s.availableGeometry().contains(centre)), None)


def fitted(rect: QRect, area: QRect, frame: QMargins) -> QRect:
    """`rect` (a dialog's inner rectangle) no larger than `area` less the frame, and moved
    as little as it takes for the dialog and its frame to be inside `area`."""
    room = area.marginsRemoved(frame)
    size = rect.size().boundedTo(room.size())
    left = min(max(rect.left(), room.left()), room.left() + room.width() - size.width())
    top = min(max(rect.top(), room.top()), room.top() + room.height() - size.height())
    return QRect(QPoint(left, top), size)


def restore_geometry(dialog: QDialog) -> None:
    """Called as the dialog is about to be shown, before QDialog's own showEvent: a dialog
    not moved here is then centred over its window by Qt, as it would be anyway."""
    kept = window_settings().value(setting_key(dialog))
    kept = kept if isinstance(kept, QRect) and kept.isValid() else None
    frame = frame_of(dialog)
    screen = screen_holding(kept) if kept is not None else None
    if screen is not None:
        wanted = QRect(kept)
        # Not below what the dialog's layout needs, unless the screen has not even that.
        wanted.setSize(wanted.size().expandedTo(dialog.minimumSizeHint()))
        dialog.setGeometry(fitted(wanted, screen.availableGeometry(), frame))
        return
    # Nothing kept, or its screen is gone: the size kept, or as large as the dialog asks
    # to be (Qt opens a window at most two thirds of the screen high, which scrolled the
    # issue dialog's fields on any laptop), no larger than the window's screen.
    size = kept.size() if kept is not None else dialog.size().expandedTo(dialog.sizeHint())
    room = home_screen(dialog).availableGeometry().marginsRemoved(frame).size()
    dialog.resize(size.expandedTo(dialog.minimumSizeHint()).boundedTo(room))


def keep_on_screen(dialog: QDialog) -> None:
    """Once Qt has placed the dialog and its frame is known: moved, and if need be made
    smaller, until dialog and frame are inside its screen's free area. Qt centres a
    dialog over its window and clamps it with a frame it guesses; where the guess was
    short (a frame not drawn yet when the dialog was sized), an edge fell off the screen."""
    if not dialog.isVisible() or dialog.screen() is None:
        return
    outer, inner = dialog.frameGeometry(), dialog.geometry()
    area = dialog.screen().availableGeometry()
    if area.contains(outer):
        return
    frame = QMargins(inner.left() - outer.left(), inner.top() - outer.top(),
                     outer.right() - inner.right(), outer.bottom() - inner.bottom())
    dialog.setGeometry(fitted(inner, area, frame))


def save_geometry(dialog: QDialog) -> None:
    rect = dialog.normalGeometry()
    if not rect.isValid():
        rect = dialog.geometry()
    settings = window_settings()
    settings.setValue(setting_key(dialog), rect)
    settings.sync()


class DialogMemory(QObject):
    """The filter itself; `install_dialog_memory` puts one on the application."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.Show, QEvent.Type.Hide) and remembered(watched):
            if kind == QEvent.Type.Show:
                if not watched.property(RESTORED):
                    watched.setProperty(RESTORED, True)
                    restore_geometry(watched)
                    QTimer.singleShot(0, watched, lambda dialog=watched: keep_on_screen(dialog))
                    # Once the dialog is whole, and for every dialog as here: Tab through
                    # its buttons as they are laid out.
                    buttons_in_reading_order(watched)
            elif watched.property(RESTORED) and not event.spontaneous():
                # Not a hide the window system did (minimising): the dialog is put away.
                save_geometry(watched)
        return False


def install_dialog_memory(app: QApplication) -> DialogMemory:
    """Once per application; a second call gives back the one installed."""
    memory = app.findChild(DialogMemory)
    if memory is None:
        memory = DialogMemory(app)
        app.installEventFilter(memory)
    return memory

