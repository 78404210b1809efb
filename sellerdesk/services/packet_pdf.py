"""The dispute packet's PDF, laid out with reportlab (no GUI needed: the command line
makes packets too). Latin text is set in Helvetica; a line with Japanese or other text
outside Windows-1252 in a CID font every PDF reader carries, so nothing prints as boxes."""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from sellerdesk.services.evidence import size_text

if TYPE_CHECKING:
    from sellerdesk.services.dispute import Packet

CJK = "HeiseiKakuGo-W5"
_STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_STYLES["BodyText"], fontSize=9, leading=11.5)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.5, leading=9.5)
H1, H2 = _STYLES["Title"], _STYLES["Heading2"]
GRID = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
])


# Signs outside Windows-1252 that have a plain equivalent; the rest goes to the CID font.
_PLAIN = str.maketrans({"→": "->", "←": "<-", "≤": "<=", "≥": ">=", "−": "-", "✓": "v"})


def _p(text: object, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph, its Latin runs in the style's font and other runs (Japanese) in the
    CID font: one font for the whole line would print ¥ as a backslash (JIS)."""
    text = ("" if text is None else str(text)).translate(_PLAIN)
    runs: list[tuple[bool, str]] = []
    for char in text:
        latin = _latin(char)
        if runs and runs[-1][0] == latin:
            runs[-1] = (latin, runs[-1][1] + char)
        else:
            runs.append((latin, char))
    if any(not latin for latin, _ in runs) and CJK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))
    markup = "".join(escape(run) if latin else f'<font face="{CJK}">{escape(run)}</font>'
                     for latin, run in runs)
    return Paragraph(markup.replace("\n", "<br/>"), style)


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
        story += [Spacer(1, 2 * mm), _p("Timeline", _STYLES["Heading4"]),
                  _table(["When", "Who", "What", "Details"],
                         [[f"{e.at:%Y-%m-%d %H:%M}", e.actor, e.kind.replace("_", " "), e.text]
                          for e in f.timeline], [27, 25, 25, 103])]
        if f.messages:
            story += [Spacer(1, 2 * mm), _p("Messages noted", _STYLES["Heading4"]),
                      _table(["When", "From", "What was said"],
                             [[f"{e.at:%Y-%m-%d %H:%M}",
                               "buyer" if e.kind == "buyer_message" else f"{e.actor} (seller)",
                               e.text] for e in f.messages], [27, 30, 123])]
        if f.credits:
            rows = []
            for c in f.credits:
                rows.append([c.credit_id, f"{c.created_at:%Y-%m-%d %H:%M}",
                             c.kind.replace("_", " ") + (f" (reverses {c.reverses})"
                                                         if c.reverses else ""),
                             c.amount.display(), c.staff + (f", approved by {c.approved_by}"
                                                            if c.approved_by else ""),
                             c.policy_version or "—", c.entry_hash])
            story += [Spacer(1, 2 * mm), _p("Credits (from the ledger)", _STYLES["Heading4"]),
                      _table(["#", "When", "Kind", "Amount", "Given by", "Policy", "Entry hash"],
                             rows, [8, 24, 26, 18, 30, 12, 62])]
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
            story += [Spacer(1, 2 * mm), _p("Evidence", _STYLES["Heading4"]),
                      _table(["File", "Type", "Size", "Attached", "SHA-256"],
                             [[e.name, e.media_type, size_text(e.size),
                               f"{e.added_at:%Y-%m-%d} {e.added_by}", e.sha256]
                              for e in f.evidence], [40, 24, 15, 30, 71])]
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
