"""Settings › Team: which database this computer works on, joining a team database (its
URL, the login's password kept in the OS keyring, the team key from the owner) and going
back to the computer's own file. Joining or leaving reopens the window on the other
database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.services.paths import default_database, joined_team
from sellerdesk.services.protection import shared_keys
from sellerdesk.services.team.connection import join_team, leave_team
from sellerdesk.services.team.setup import signed_in, team_members
from sellerdesk.store.engine import location
from sellerdesk.ui.formatting import error_style

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

QUIET = "color: palette(mid);"


class TeamPage(QWidget):
    switch_to = Signal(str)           # the database to reopen the window on
    said = Signal(str)

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.login = signed_in(engine)
        joined = joined_team()
        self.where_label = QLabel(self._where())
        self.where_label.setWordWrap(True)
        intro = QLabel(
            "A team shares one PostgreSQL database, each person with their own login. "
            "The owner sets it up (sellerdesk team init) and adds colleagues "
            "(sellerdesk team add-user); each colleague joins here once.")
        intro.setWordWrap(True)
        intro.setStyleSheet(QUIET)
        self.url_field = QLineEdit(joined or "")
        self.url_field.setPlaceholderText("postgresql://ana@desk-server/sellerdesk")
        self.password_field = QLineEdit()
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_field.setPlaceholderText("kept in the OS keyring" if joined else "")
        self.key_field = QLineEdit()
        self.key_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_field.setPlaceholderText("XXXX-XXXX-… from the owner, once")
        self.key_label = QLabel()
        self.key_label.setWordWrap(True)
        self.join_button = QPushButton("&Connect")
        self.join_button.setDefault(False)
        self.join_button.setAutoDefault(False)
        self.join_button.clicked.connect(self.join)
        self.leave_button = QPushButton("Use this computer's own &file")
        self.leave_button.setAutoDefault(False)
        self.leave_button.setEnabled(bool(joined))
        self.leave_button.clicked.connect(self.leave)
        self.copy_button = QPushButton("Copy the team &key")
        self.copy_button.setAutoDefault(False)
        self.copy_button.setToolTip("To hand to a colleague once, as you would a password")
        self.copy_button.clicked.connect(self.copy_key)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.join_button)
        buttons.addWidget(self.leave_button)
        buttons.addStretch(1)
        form = QFormLayout()
        form.addRow("Team database &URL:", self.url_field)
        form.addRow("&Password:", self.password_field)
        form.addRow("Team &key:", self.key_field)
        form.addRow("", self.key_label)
        form.addRow("", self.copy_button)
        form.addRow("", buttons)
        form.addRow("", self.result_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where_label)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addStretch(1)
        self._show_key()

    def _where(self) -> str:
        here = location(self.engine)
        if self.login is None:
            return f"This computer works on its own file: <b>{here}</b>."
        role = next((m.role for m in team_members(self.engine) if m.name == self.login), "?")
        return (f"This computer works on the team database <b>{here}</b>, signed in as "
                f"<b>{self.login}</b> ({role}).")

    def _show_key(self) -> None:
        held = self.login is not None and shared_keys.team_key_text(self.engine) is not None
        self.copy_button.setVisible(held)
        if self.login is None:
            self.key_label.setText("")
        elif held:
            self.key_label.setText("The team key is in this computer's keyring: buyer "
                                   "details typed at any desk can be read here.")
            self.key_label.setStyleSheet(QUIET)
        else:
            self.key_label.setText("This computer does not hold the team key: buyer details "
                                   "cannot be read or typed here until it is entered above.")
            self.key_label.setStyleSheet(error_style())

    def join(self) -> None:
        url = self.url_field.text().strip()
        if not url:
            self.result_label.setText("Type the team database's URL (the owner has it).")
            self.result_label.setStyleSheet(error_style())
            self.url_field.setFocus()
            return
        try:
            joined = join_team(url, password=self.password_field.text(),
                               team_key=self.key_field.text())
        except KnownError as exc:
            self.result_label.setText(str(exc))
            self.result_label.setStyleSheet(error_style())
            return
        self.password_field.clear()
        self.key_field.clear()
        self.result_label.setText(joined.summary())
        self.result_label.setStyleSheet("")
        self.said.emit(joined.summary())
        self.switch_to.emit(joined_team() or url)

    def leave(self) -> None:
        leave_team()
        self.said.emit("This computer works on its own file again")
        self.switch_to.emit(str(default_database()))

    def copy_key(self) -> None:
        key = shared_keys.team_key_text(self.engine)
        if key:
            QGuiApplication.clipboard().setText(key)
            self.result_label.setText("The team key is on the clipboard.")
            self.result_label.setStyleSheet("")
