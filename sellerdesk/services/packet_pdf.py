"""The dispute packet's PDF, laid out with reportlab (no GUI needed: the command line
makes packets too). Latin text is set in Helvetica; Japanese in BIZ UDPGothic, a subset
shipped in resources/fonts (OFL) whose glyphs are embedded, so it prints in any reader
with or without a Japanese font. A character the subset lacks falls back to a CID font
the reader must supply (not embedded), as all Japanese text once did."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.core.orders import Order
from sellerdesk.core.records import CreditRecord, EvidenceRecord, IssueRecord, TimelineEntry
from sellerdesk.services.evidence import size_text
from sellerdesk.services.paths import resources_dir
from sellerdesk.services.protection.personal_data import BuyerDetails

JAPANESE = "BIZUDPGothic"           # embedded, from resources/fonts
JAPANESE_FILE = "BIZUDPGothic-Regular.ttf"
CJK = "HeiseiKakuGo-W5"             # the reader's own, for what the subset lacks
_STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_STYLES["BodyText"], fontSize=9, leading=11.5)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.5, leading=9.5)
H1 = _STYLES["Title"]
# A heading never ends a page alone: an issue's heading goes with the line under it,
# and a table's heading with the table's first rows (_headed_table).
H2 = ParagraphStyle("h2", parent=_STYLES["Heading2"], keepWithNext=1)
H4 = _STYLES["Heading4"]
WIDTH = A4[0] - 30 * mm             # the frame: A4 less 15 mm margins each side
GRID = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
])


# What the PDF shows, gathered by services.dispute: the renderer owns its input, so the
# two never import each other.
MESSAGE_KINDS = frozenset({"buyer_message", "reply", "reply_late"})


@dataclass(frozen=True, slots=True)
class IssueFile:
    issue: IssueRecord
    timeline: list[TimelineEntry]
    credits: list[CreditRecord]
    evidence: list[EvidenceRecord]
    # A message that came or went by mail has its words kept apart from the timeline
    # (sealed with the mail): the words the Messages table shows, by the timeline line's
    # text, which names the mail.
    words: dict[str, str] = field(default_factory=dict)

    @property
    def messages(self) -> list[TimelineEntry]:
        return [TimelineEntry(e.at, e.actor, e.kind, self.words.get(e.text, e.text))
                for e in self.timeline if e.kind in MESSAGE_KINDS]


@dataclass(frozen=True, slots=True)
class Packet:
    """Everything the packet shows, read in one transaction."""
    order: Order
    issues: list[IssueFile]
    explanations: dict[int, str]     # credit id → how its suggestion was worked out
    ledger_entries: int
    ledger_head: str                 # the last entry's hash: ties the packet to an export
    ledger_intact: bool              # this order's credits match their hashes and links
    made_at: datetime
    personal_data: bool
    buyers: dict[int, BuyerDetails] = field(default_factory=dict)  # only when personal_data

    @property
    def evidence(self) -> list[EvidenceRecord]:
        return [e for f in self.issues for e in f.evidence]

    @property
    def credits(self) -> list[CreditRecord]:
        return [c for f in self.issues for c in f.credits]



# Signs outside Windows-1252 that have a plain equivalent; the rest goes to the CID font.
_PLAIN = str.maketrans({"→": "->", "←": "<-", "≤": "<=", "≥": ">=", "−": "-", "✓": "v"})


def _p(text: object, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph, its Latin runs in the style's font and other runs (Japanese) in the
    embedded font: one font for the whole line would print ¥ as a backslash (JIS)."""
    text = ("" if text is None else str(text)).translate(_PLAIN)
    runs: list[tuple[str | None, str]] = []
    for char in text:
        face = _face(char)
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + char)
        else:
            runs.append((face, char))
    if any(face == CJK for face, _ in runs) and CJK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))
    markup = "".join(escape(run) if face is None else f'<font face="{face}">{escape(run)}</font>'
                     for face, run in runs)
    return Paragraph(markup.replace("\n", "<br/>"), style)


def _face(char: str) -> str | None:
    """None for the style's own (Latin) font, else the font that has the character."""
    if _latin(char):
        return None
    return JAPANESE if ord(char) in _japanese_glyphs() else CJK


@cache
def _japanese_glyphs() -> frozenset[int]:
    """Registers the embedded Japanese font (once) and gives the characters it has."""
    path = resources_dir() / "fonts" / JAPANESE_FILE
    try:
        font = TTFont(JAPANESE, str(path))
    except (OSError, TTFError) as exc:
        raise KnownError(f"cannot read the Japanese font {path} ({exc}): install SellerDesk "
                         "again") from None
    pdfmetrics.registerFont(font)
    return frozenset(font.face.charToGlyph)


def _latin(char: str) -> bool:
    try:
        char.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


def _table(header: list[str], rows: list[list[object]], widths: list[float],
           style: ParagraphStyle = SMALL) -> Table:
    cells = [[_p(h, style) for h in header]] + [[_p(c, style) for c in r] for r in rows]
    table = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(GRID)
    return table


def _headed_table(title: str, header: list[str], rows: list[list[object]],
                  widths: list[float]) -> list:
    """A heading and its table, moved to the next page together unless the heading, the
    table's header and its first row fit on this one."""
    heading = _p(title, H4)
    start = _table(header, rows[:1], widths)
    room = (2 * mm + H4.spaceBefore + heading.wrap(WIDTH, A4[1])[1] + H4.spaceAfter
            + start.wrap(WIDTH, A4[1])[1])
    return [CondPageBreak(room), Spacer(1, 2 * mm), heading, _table(header, rows, widths)]


def render(packet: Packet) -> bytes:
    buffer = BytesIO()
    order = packet.order
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm,
                            title=f"Dispute packet, order {order.order_id}",
                            author="SellerDesk")
    story: list = [
        _p(f"Dispute packet — order {order.order_id}", H1),
        _p(f"Made by SellerDesk on {packet.made_at:%Y-%m-%d %H:%M} UTC. Times are UTC."),
        _p("Buyer personal data: INCLUDED — keep this file under Amazon's Data Protection "
           "Policy." if packet.personal_data else
           "Buyer personal data: not included."),
        _p(f"Credit ledger: {packet.ledger_entries:,} "
           f"entr{'y' if packet.ledger_entries == 1 else 'ies'}, last hash "
           f"{packet.ledger_head[:16]}…; this order's credits "
           + ("match their hashes and the entries before them (verified intact)"
              if packet.ledger_intact else "DO NOT match their hashes — see sellerdesk verify")
           + " when this packet was made."),
        Spacer(1, 4 * mm), _p("Order", H2),
        _table(["Order", "Placed", "Marketplace", "Fulfilment", "Status", "Total"],
               [[order.order_id, f"{order.purchase_date:%Y-%m-%d %H:%M}",
                 order.sales_channel or order.marketplace, order.channel.value, order.status,
                 order.total.display()]], [38, 28, 30, 22, 24, 38]),
        Spacer(1, 3 * mm),
        _table(["SKU", "ASIN", "Product", "Qty", "Price", "Shipping", "Tax", "Discount"],
               [[i.sku, i.asin, i.title, i.quantity, i.item_price.display(),
                 i.shipping_price.display(), (i.item_tax + i.shipping_tax).display(),
                 i.promotion_discount.display()] for i in order.items],
               [24, 22, 54, 9, 19, 19, 17, 16]),
    ]
    if packet.personal_data:
        story += [Spacer(1, 3 * mm),
                  _p(f"Ship to country: {order.ship_country or 'not given'}; business "
                     f"order: {'yes' if order.is_business else 'no'}.")]
    for f in packet.issues:
        issue = f.issue
        story += [Spacer(1, 4 * mm), _p(f"Issue {issue.issue_id}: {issue.issue_type.label}", H2),
                  _p(f"Logged {issue.created_at:%Y-%m-%d %H:%M} by {issue.created_by}; "
                     f"severity {issue.severity.value}; status {issue.status.label}"
                     + (f"; affected {', '.join(f'{s} × {q}' for s, q in issue.affected)}"
                        if issue.affected else "") + "."),
                  ]
        if issue.notes:
            story.append(_p(f"Notes: {issue.notes}"))
        buyer = packet.buyers.get(issue.issue_id)
        if buyer is not None and buyer.values:
            story.append(_p("Buyer: " + "; ".join(buyer.values[name] for name in
                                                   ("name", "email", "address")
                                                   if name in buyer.values)))
        story += _headed_table("Timeline", ["When", "Who", "What", "Details"],
                               [[f"{e.at:%Y-%m-%d %H:%M}", e.actor, e.kind.replace("_", " "),
                                 e.text] for e in f.timeline], [27, 25, 25, 103])
        if f.messages:
            story += _headed_table(
                "Messages noted", ["When", "From", "What was said"],
                [[f"{e.at:%Y-%m-%d %H:%M}",
                  "buyer" if e.kind == "buyer_message" else f"{e.actor} (seller)", e.text]
                 for e in f.messages], [27, 30, 123])
        if f.credits:
            # Who gave it, not who approved it: approval is the desk's own control.
            rows = [[c.credit_id, f"{c.created_at:%Y-%m-%d %H:%M}",
                     c.kind.replace("_", " ") + (f" (reverses {c.reverses})"
                                                 if c.reverses else ""),
                     c.amount.display(), c.staff, c.policy_version or "—", c.entry_hash]
                    for c in f.credits]
            story += _headed_table(
                "Credits (from the ledger)",
                ["#", "When", "Kind", "Amount", "Given by", "Policy", "Entry hash"],
                rows, [8, 24, 26, 18, 30, 12, 62])
            for c in f.credits:
                explanation = packet.explanations.get(c.credit_id, "")
                if explanation:
                    story.append(KeepTogether([
                        Spacer(1, 2 * mm),
                        _p(f"How credit {c.credit_id} was worked out (policy version "
                           f"{c.policy_version or '—'}, suggested "
                           f"{c.suggested.display() if c.suggested else '—'}):", SMALL),
                        _p(explanation, SMALL)]))
        if f.evidence:
            story += _headed_table("Evidence", ["File", "Type", "Size", "Attached", "SHA-256"],
                                   [[e.name, e.media_type, size_text(e.size),
                                     f"{e.added_at:%Y-%m-%d} {e.added_by}", e.sha256]
                                    for e in f.evidence], [40, 24, 15, 30, 71])
    doc.build(story, onFirstPage=_footer(order.order_id), onLaterPages=_footer(order.order_id))
    return buffer.getvalue()


def _footer(order_id: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(15 * mm, 8 * mm, f"SellerDesk dispute packet — order {order_id}")
        canvas.drawRightString(A4[0] - 15 * mm, 8 * mm, f"page {doc.page}")
        canvas.restoreState()
    return draw
