"""Help › Keyboard shortcuts (Ctrl+/): a cheat sheet like Gmail's or Zendesk's. It is read
from the window's menus each time it opens, so it lists what the keys do now and never
goes stale; the single keys of the Queue's and the Issues tab's tables, which belong to
the table rather than to an action, are short lists here."""

from __future__ import annotations

import html

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

# The keys on the rows selected, on the Queue's and the Issues tab's tables alike
# (ui/views/bulk_actions.py reads them there, never while typing).
SELECTION_KEYS = (
    ("Shift+↓ or Shift+↑", "Select the next or previous row too"),
    ("A", "Assign all the selected to me"),
    ("Shift+A", "Assign all the selected to someone, or to nobody"),
    ("S", "Set the status of all the selected"),
    ("N", "Note the replies to all the selected as sent"),
    ("E", "Export the selected rows to a CSV file"),
)
# The Queue tab's keys (ui/views/queue_view.py reads them on its table, never while
# typing): these act on the item in hand, the current row.
QUEUE_KEYS = (
    ("J or ↓", "Next item"),
    ("K or ↑", "Previous item"),
    ("Enter", "Open the item"),
    ("R", "Draft the reply"),
    ("M", "Note a message"),
    ("C", "Give a credit (asks to confirm)"),
    *SELECTION_KEYS,
)
ISSUES_KEYS = (
    ("↓ or ↑", "Next or previous issue (the pane beside shows it)"),
    *SELECTION_KEYS,
)

Group = tuple[str, list[tuple[str, str]]]


def keys_text(action: QAction) -> str:
    """"Ctrl+N", or "Ctrl+F or F3" for an action with several, as this platform writes
    them."""
    return " or ".join(s.toString(QKeySequence.SequenceFormat.NativeText)
                       for s in action.shortcuts())


def action_name(action: QAction) -> str:
    """The action's words without the mnemonic's & or the trailing …"""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")


def shortcut_groups(window: QMainWindow) -> list[Group]:
    """Each menu with the actions in it that have a key, in the menu bar's order; actions
    with a key that no menu lists (a toolbar's), under Other; the Queue's and the Issues
    tab's keys last."""
    groups: list[Group] = []
    listed: set[QAction] = set()

    def walk(menu: QMenu) -> list[tuple[str, str]]:
        rows = []
        for action in menu.actions():
            if action.menu() is not None:
                rows += walk(action.menu())
            elif not action.isSeparator() and action.shortcuts():
                listed.add(action)
                rows.append((keys_text(action), action_name(action)))
        return rows

    for top in window.menuBar().actions():
        if top.menu() is not None:
            rows = walk(top.menu())
            if rows:
                groups.append((action_name(top), rows))
    others = [(keys_text(a), action_name(a)) for a in window.findChildren(QAction)
              if a.shortcuts() and a not in listed and a.text()]
    if others:
        groups.append(("Other", others))
    groups.append(("Queue", list(QUEUE_KEYS)))
    groups.append(("Issues", list(ISSUES_KEYS)))
    return groups


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        self.setObjectName("shortcuts_dialog")   # its size and place are kept under this
        self.groups = shortcut_groups(window)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setHtml(self._html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(720, 560)

    def rows(self) -> list[tuple[str, str, str]]:
        """(group, keys, what they do), as listed."""
        return [(title, keys, name) for title, rows in self.groups for keys, name in rows]

    def _html(self) -> str:
        """Two columns of groups, each a table of keys and what they do; colours are the
        palette's (the browser's own text and background)."""
        def group(title: str, rows: list[tuple[str, str]]) -> str:
            lines = "".join(
                f'<tr><td style="padding: 2px 12px 2px 0"><b>{html.escape(keys)}</b></td>'
                f"<td>{html.escape(name)}</td></tr>" for keys, name in rows)
            return f"<h3>{html.escape(title)}</h3><table>{lines}</table>"
        half = (len(self.groups) + 1) // 2
        columns = [self.groups[:half], self.groups[half:]]
        cells = "".join(f'<td valign="top" width="50%">{"".join(group(*g) for g in column)}'
                        "</td>" for column in columns)
        return f'<table width="100%"><tr>{cells}</tr></table>'
