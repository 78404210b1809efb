"""Mail as a person reads it: one mail (`MailCard`) — what it is, when, from whom, its
subject and body, its attachments, and for a reply whether it left — and the conversation
on an issue (`MailThread`), oldest first.

Everything the mail itself says (sender, subject, body) is shown as plain text, never as
HTML: a buyer's "<b>" or an Amazon notice's markup is shown as written, and no link in a
mail is ever followed from here. A long body scrolls inside its card (at most
`BODY_LINES` lines high), so one long notice does not push the rest of the conversation
out of sight at 1366×768."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QTextOption
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.services.mail.inbox import PURGED, MailView
from sellerdesk.ui.formatting import ERROR, GOOD, MUTED, WARNING, Tone, local_time, tone_name

BODY_LINES = 10          # a body taller than this scrolls inside its card
STATES = {"sending": ("Sending…", WARNING), "sent": ("Sent", GOOD),
          "failed": ("Not sent", ERROR)}


def _plain(text: str = "", *, tone: Tone | None = None, bold: bool = False) -> QLabel:
    """A label that shows its text as written (a subject of "<b>hi</b>" stays so),
    selectable with the mouse and the keyboard, wrapping."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    if tone is not None:
        label.setStyleSheet(f"color: {tone_name(tone)};")
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def attachments_text(count: int) -> str:
    return "" if not count else f"{count} attachment{'' if count == 1 else 's'}"


def state_text(mail: MailView) -> str:
    """A reply's state in words: "Sent", "Sending…", "Not sent: <why>"; "" for mail in."""
    if mail.direction != "out" or mail.state not in STATES:
        return ""
    words = STATES[mail.state][0]
    return f"{words}: {mail.note}" if mail.state == "failed" and mail.note else words


class MailBody(QTextEdit):
    """A mail's body: plain text, read-only, selectable, as high as its lines up to
    BODY_LINES, then scrolling. Long words (a tracking link) wrap anywhere rather than
    widen the pane."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setPlainText(text)                  # never HTML, whatever the mail holds
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.document().documentLayout().documentSizeChanged.connect(lambda _size: self._fit())
        self._fit()

    def _fit(self) -> None:
        line = self.fontMetrics().lineSpacing()
        margins = int(self.document().documentMargin() * 2) + self.frameWidth() * 2
        wanted = int(self.document().size().height()) + self.frameWidth() * 2
        self.setFixedHeight(max(line + margins, min(wanted, line * BODY_LINES + margins)))


class MailCard(QFrame):
    """One mail: kind, time and sender on top (a reply's state on the right), then the
    subject, then the body — or why the body cannot be shown."""

    def __init__(self, mail: MailView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mail = mail
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(3)
        top = QHBoxLayout()
        self.kind_label = _plain(mail.label, bold=True)
        self.kind_label.setWordWrap(False)
        top.addWidget(self.kind_label)
        who = mail.sender
        if mail.direction == "out":      # a reply's sender is the desk: who sent it, to whom
            who = " · ".join(part for part in (
                f"by {mail.by}" if mail.by else "",
                f"to {mail.sender.strip('<>')}" if mail.sender else "") if part)
        self.heading_label = _plain(" · ".join(
            part for part in (local_time(mail.written_at), who) if part), tone=MUTED)
        top.addWidget(self.heading_label, 1)
        state, tone = state_text(mail), STATES.get(mail.state, ("", MUTED))[1]
        self.state_label = _plain(state, tone=tone, bold=True)
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.state_label.setVisible(bool(state))
        top.addWidget(self.state_label, 0 if len(state) < 30 else 1)
        layout.addLayout(top)
        self.subject_label = _plain(mail.subject or "(no subject)")
        font = self.subject_label.font()
        font.setWeight(QFont.Weight.DemiBold)
        self.subject_label.setFont(font)
        layout.addWidget(self.subject_label)
        self.body_view: MailBody | None = None
        if mail.unreadable:
            # The seal would not open (a key not on this desk, a damaged cell): say why,
            # never show the sealed bytes.
            self.body_label = _plain(f"The mail cannot be read here: {mail.unreadable}",
                                     tone=ERROR)
        elif mail.body == PURGED:
            self.body_label = _plain("The mail's words were purged with the buyer's "
                                     "personal data (retention period over).", tone=MUTED)
        else:
            self.body_label = None
            self.body_view = MailBody(mail.body or "(no text)")
            layout.addWidget(self.body_view)
        if self.body_label is not None:
            layout.addWidget(self.body_label)
        notes = [attachments_text(mail.attachments)]
        if mail.note and not (mail.direction == "out" and mail.state == "failed"):
            notes.append(mail.note)       # why it is unsorted, what was malformed, no copy
        self.note_label = _plain(" · ".join(n for n in notes if n), tone=MUTED)
        self.note_label.setVisible(bool(self.note_label.text()))
        layout.addWidget(self.note_label)

    def body_text(self) -> str:
        """What the card shows where the body goes."""
        return self.body_view.toPlainText() if self.body_view is not None \
            else self.body_label.text()


class MailThread(QScrollArea):
    """The mail on one issue, oldest first, the newest in sight. Shown again only when
    the mail or a reply's state changed: a refresh (after a save, each minute) leaves
    the reader where they were."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.cards: list[MailCard] = []
        self._shown: tuple | None = None
        self._mails: list[MailView] = []
        self._pinned = False
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._keep_newest_in_sight)
        bar.actionTriggered.connect(lambda _action: setattr(self, "_pinned", False))
        self.empty_label = QLabel("No mail on this issue. Mail from the buyer and Amazon's "
                                  "notices about its order arrive here once a mailbox is "
                                  "connected (Settings › Mail).")
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)
        self._build([])

    def show_mail(self, mails: Sequence[MailView]) -> None:
        seen = tuple((m.mail_id, m.state, m.note, m.body, m.unreadable) for m in mails)
        if seen == self._shown:
            return
        self._shown, self._mails = seen, list(mails)
        self._build(mails)

    def changeEvent(self, event: QEvent) -> None:
        """The desktop switched between light and dark: the cards' tones are drawn again
        in the new palette's colours."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._shown is not None:
            self._build(self._mails)

    def _keep_newest_in_sight(self, _low: int, high: int) -> None:
        """The newest mail, at the bottom, is the one to answer: kept in sight as the
        cards are laid out, until the reader scrolls."""
        if self._pinned:
            self.verticalScrollBar().setValue(high)

    def _build(self, mails: Sequence[MailView]) -> None:
        old = self.takeWidget()
        if old is not None:
            self.empty_label.setParent(None)     # kept for the next issue without mail
            old.deleteLater()
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 4, 4)
        self.cards = [MailCard(mail) for mail in mails]
        for card in self.cards:
            layout.addWidget(card)
        if not mails:
            layout.addWidget(self.empty_label)
        layout.addStretch(1)
        self._pinned = bool(mails)
        self.setWidget(page)
