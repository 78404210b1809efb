"""The dispute packet for one order, made in the background, and the summary ready to paste
into Amazon's response box."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.services.dispute import RESPONSE_BOX, PacketResult, describe, export_dispute
from sellerdesk.ui.dialogs.save_location import add_path_row, default_folder
from sellerdesk.ui.formatting import error_style
from sellerdesk.ui.tasks import Task

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

class DisputeDialog(QDialog):
    exported = Signal(str)       # a line for the status bar

    def __init__(self, engine: Engine, order_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.order_id = engine, order_id
        self.task: Task | None = None
        self.result: PacketResult | None = None
        self.setWindowTitle(f"Dispute packet — order {order_id}")
        self.setObjectName("dispute_dialog")   # its size and place are kept under this
        self.resize(640, 520)
        intro = QLabel("For an A-to-z claim or a chargeback: a PDF of the order, its issues, "
                       "messages and credits with their hashes; the evidence files; a "
                       "manifest of SHA-256s; and a summary for Amazon's response box.")
        intro.setWordWrap(True)

        self.zip_button = QRadioButton("One .&zip file")
        self.folder_button = QRadioButton("A new &folder")
        self.zip_button.setChecked(True)
        shape = QButtonGroup(self)
        shape.addButton(self.zip_button)
        shape.addButton(self.folder_button)
        self.zip_button.toggled.connect(self._shape_changed)
        shape_row = QHBoxLayout()
        shape_row.addWidget(self.zip_button)
        shape_row.addWidget(self.folder_button)
        shape_row.addStretch(1)
        self.path_edit = QLineEdit(str(default_folder() / f"Dispute {order_id}.zip"))
        self.personal_box = QCheckBox("Include the buyer's &personal data (the packet says so "
                                      "on its first page)")
        form = QFormLayout()
        form.addRow("Save as:", shape_row)
        add_path_row(form, "&Where:", self.path_edit, self.browse)
        form.addRow("", self.personal_box)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)      # busy: a packet takes about a second
        self.progress.hide()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label = QLabel("Summary for Amazon's response box:")
        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setReadOnly(True)
        self.summary_edit.setTabChangesFocus(True)     # Tab goes on to the buttons
        self.summary_edit.setPlaceholderText("Appears here once the packet is written.")

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("&Export",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.copy_button = self.buttons.addButton("&Copy summary",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.show_button = self.buttons.addButton("&Show files",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.setDefault(True)
        self.copy_button.setEnabled(False)
        self.show_button.setEnabled(False)
        self.export_button.clicked.connect(self.export)
        self.copy_button.clicked.connect(self.copy_summary)
        self.show_button.clicked.connect(self.show_files)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.summary_edit, 1)
        layout.addWidget(self.buttons)

    # -- choosing where --------------------------------------------------------------
    def target(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def _shape_changed(self, as_zip: bool) -> None:
        path = self.target()
        self.path_edit.setText(str(path.with_suffix(".zip") if as_zip else
                                   path.with_suffix("") if path.suffix == ".zip" else path))

    def browse(self) -> None:
        if self.zip_button.isChecked():
            name, _ = QFileDialog.getSaveFileName(self, "Save the dispute packet",
                                                  str(self.target()), "Zip archive (*.zip)")
        else:
            name, _ = QFileDialog.getSaveFileName(self, "Folder to create for the packet",
                                                  str(self.target()))
        if name:
            self.path_edit.setText(name)

    # -- making it ---------------------------------------------------------------------
    def export(self) -> Task | None:
        path = self.target()
        if not path.name:
            self._say("Say where to save the packet.", error=True)
            return None
        if self.zip_button.isChecked() and path.suffix.lower() != ".zip":
            path = path.with_name(path.name + ".zip")
        personal = self.personal_box.isChecked()
        engine, order_id = self.engine, self.order_id
        task = Task(lambda _progress, _cancelled: export_dispute(engine, order_id, path,
                                                                 personal_data=personal), self)
        task.succeeded.connect(self._done)
        task.failed.connect(self._failed)
        self.export_button.setEnabled(False)
        self.progress.show()
        self._say("Writing the packet…")
        self.task = task
        task.start()
        return task

    def _done(self, result: PacketResult) -> None:
        self.progress.hide()
        self.export_button.setEnabled(True)
        self.result = result
        self._say(describe(result) + ". Send the evidence files through Buyer-Seller "
                  "Messages; paste the summary below into Amazon's response box.")
        self.summary_edit.setPlainText(result.summary)
        self.summary_label.setText(f"Summary for Amazon's response box "
                                   f"({len(result.summary):,} of {RESPONSE_BOX:,} characters):")
        self.copy_button.setEnabled(True)
        self.show_button.setEnabled(True)
        self.exported.emit(f"Dispute packet for order {self.order_id} written to "
                           f"{result.path}")

    def _failed(self, error: Exception) -> None:
        self.progress.hide()
        self.export_button.setEnabled(True)
        text = str(error) if isinstance(error, KnownError) else (
            f"Something went wrong inside SellerDesk ({type(error).__name__}: {error}); "
            "no packet was left behind.")
        self._say(text, error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_label.setStyleSheet(error_style() if error else "")
        self.message_label.setText(text)

    def copy_summary(self) -> None:
        QGuiApplication.clipboard().setText(self.summary_edit.toPlainText())
        self._say("Summary copied: paste it into Amazon's response box.")

    def show_files(self) -> None:
        if self.result is not None:
            where = self.result.path if self.result.path.is_dir() else self.result.path.parent
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(where)))
