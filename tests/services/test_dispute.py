"""Evidence attached to issues and the dispute packet read back: the zip's manifest
hashes, the PDF's text, the summary that must fit Amazon's 2,000-character box."""

import hashlib
import io
import json
import re
import zipfile

import pytest
from pypdf import PdfReader

from sellerdesk.cli import main
from sellerdesk.core.errors import InputError, KnownError
from sellerdesk.core.issues import IssueType
from sellerdesk.services import follow_up, packet_pdf
from sellerdesk.services.credits import decide_approval, issue_credit
from sellerdesk.services.dispute import RESPONSE_BOX, export_dispute, gather
from sellerdesk.services.evidence import attach_evidence, stored_file
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from sellerdesk.services.policies import ensure_active_policy, save_policy
from sellerdesk.store import credits as ledger_store
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.tables import EVIDENCE_CHUNKS
from tests.helpers.reports import row, write
from tests.helpers.staffing import hire

ORDER, QUIET = "114-3941689-8772232", "114-0000000-0000002"


@pytest.fixture
def engine(database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    engine = database.engine
    import_orders(engine, write(tmp_path / "o.txt", [
        row(ORDER, sku="MUG-CER-12", title="Ceramic Mug 家庭", price="40.00"),
        row(QUIET, price="10.00")]))
    return engine


@pytest.fixture
def issue_id(engine, tmp_path):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
    follow_up.note_buyer_message(engine, issue_id=issue.issue_id,
                                 text="The mug arrived in pieces, photo attached")
    issue_credit(engine, issue_id=issue.issue_id)
    follow_up.note_reply(engine, issue_id=issue.issue_id, text="Sorry! A credit is on its way.")
    return issue.issue_id


def evidence_file(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_an_attached_file_is_stored_by_its_hash_and_on_the_timeline(engine, issue_id, tmp_path):
    photo = evidence_file(tmp_path, "box.jpg", b"\xff\xd8\xff photo bytes" * 100)
    record = attach_evidence(engine, issue_id=issue_id, path=photo)
    assert record.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert stored_file(engine, record.sha256).read_bytes() == photo.read_bytes()
    assert (record.name, record.media_type, record.added_by) == ("box.jpg", "image/jpeg", "Ana")
    timeline = follow_up.issue_detail(engine, issue_id).timeline
    assert timeline[-1].kind == "evidence"
    assert timeline[-1].text.startswith(f"box.jpg (1.5 KB, SHA-256 {record.sha256[:12]}")
    with pytest.raises(KnownError, match=r"box\.jpg is already on issue \d+ \(attached as "
                                         r"box\.jpg by Ana"):
        attach_evidence(engine, issue_id=issue_id, path=photo)
    with pytest.raises(InputError, match=r"nope\.png: no such file"):
        attach_evidence(engine, issue_id=issue_id, path=tmp_path / "nope.png")
    with pytest.raises(InputError, match="is empty"):
        attach_evidence(engine, issue_id=issue_id, path=evidence_file(tmp_path, "e.txt", b""))


def test_the_packet_holds_what_the_manifest_says(engine, issue_id, tmp_path):
    photo = evidence_file(tmp_path, "box.jpg", b"\xff\xd8\xff photo" * 50)
    page = evidence_file(tmp_path, "tracking.pdf", b"%PDF-1.4 tracking page")
    for path in (photo, page):
        attach_evidence(engine, issue_id=issue_id, path=path)
    result = export_dispute(engine, ORDER, tmp_path / "packet.zip")
    with zipfile.ZipFile(tmp_path / "packet.zip") as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        for entry in manifest["files"]:
            data = archive.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert len(data) == entry["size"]
        assert archive.read("evidence/01-box.jpg") == photo.read_bytes()
        assert archive.read("evidence/02-tracking.pdf") == page.read_bytes()
        summary = archive.read("summary.txt").decode("utf-8")
        text = pdf_text(archive.read("packet.pdf"))
    assert names == ["packet.pdf", "summary.txt", "evidence/01-box.jpg",
                     "evidence/02-tracking.pdf", "manifest.json"]
    assert sorted(e["path"] for e in manifest["files"]) == sorted(n for n in names
                                                                  if n != "manifest.json")
    assert (manifest["order_id"], manifest["personal_data"]) == (ORDER, False)
    assert summary == result.summary
    assert len(summary) <= RESPONSE_BOX
    assert summary.startswith(f"Order {ORDER} (Amazon.com), placed 2026-10-01, $40.00")
    # The desk knows the files are in the packet; nothing records that they were sent.
    assert ("Evidence files in this packet, to be sent through Buyer-Seller Messages: "
            "box.jpg; tracking.pdf.") in summary
    assert not re.search(r"(?<!to be )sent through", summary)
    with reading(engine) as conn:
        credit = ledger_store.credits_on_order(conn, order_id=ORDER)[0]
    assert f"ledger hash {credit.entry_hash[:16]}" in summary
    assert f"Dispute packet — order {ORDER}" in text
    assert "Buyer personal data: not included." in text
    assert "Credit ledger: 1 entry, last hash " in text
    assert ("this order's credits match their hashes and the entries before them "
            "(verified intact)") in " ".join(text.split())
    assert "MUG-CER-12" in text
    assert "The mug arrived in pieces, photo attached" in text
    assert "Sorry! A credit is on its way." in text
    flat = "".join(text.split())
    assert credit.entry_hash in flat                     # the whole hash, wrapped or not
    assert hashlib.sha256(photo.read_bytes()).hexdigest() in flat
    assert "Howcredit" in flat                           # the suggestion's workings
    assert "policyversion1" in flat


def test_personal_data_only_when_ticked_and_then_said_on_page_one(engine, issue_id, tmp_path):
    export_dispute(engine, ORDER, tmp_path / "with", personal_data=True)
    first = PdfReader(tmp_path / "with" / "packet.pdf").pages[0].extract_text()
    assert "Buyer personal data: INCLUDED" in first
    assert "Ship to country: US" in first
    manifest = json.loads((tmp_path / "with" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["personal_data"] is True
    export_dispute(engine, ORDER, tmp_path / "without")
    assert "Ship to country" not in pdf_text((tmp_path / "without" / "packet.pdf").read_bytes())


def test_a_long_case_still_fits_amazons_box(engine, issue_id, tmp_path):
    for n in range(8):
        follow_up.note_buyer_message(engine, issue_id=issue_id, text=f"message {n} " * 40)
        follow_up.note_reply(engine, issue_id=issue_id, text=f"reply {n} " * 40)
    for n in range(5):
        attach_evidence(engine, issue_id=issue_id, path=evidence_file(
            tmp_path, f"photo number {n} of the broken mug from the buyer.jpg", bytes([n]) * 99))
    for _ in range(6):
        more = add_issue(engine, order_id=ORDER, issue_type=IssueType.NOT_AS_DESCRIBED)
        issue_credit(engine, issue_id=more.issue_id, amount="0.50", reason="goodwill")
    result = export_dispute(engine, ORDER, tmp_path / "p.zip")
    assert len(follow_up.issue_detail(engine, issue_id).timeline) >= 20
    assert len(result.summary) <= RESPONSE_BOX
    assert "photo number 4 of the broken mug from the buyer.jpg" in result.summary
    assert result.summary.endswith("SHA-256 sums in manifest.json.")


def test_what_cannot_make_a_packet_says_so_and_leaves_nothing(engine, issue_id, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(KnownError, match=f"order {QUIET} has no issues logged"):
        export_dispute(engine, QUIET, out / "quiet.zip")
    with pytest.raises(KnownError, match="no order 999-0000000-0000000 in this database"):
        export_dispute(engine, "999-0000000-0000000", out / "none.zip")
    photo = attach_evidence(engine, issue_id=issue_id,
                            path=evidence_file(tmp_path, "box.jpg", b"photo"))
    stored_file(engine, photo.sha256).unlink()
    shared = engine.dialect.name == "postgresql"   # the database holds the file too
    if shared:                                     # (this desk's copy is then a cache)
        with writing(engine) as conn:
            conn.execute(EVIDENCE_CHUNKS.delete())
    with pytest.raises(KnownError, match=r"evidence file box\.jpg \(issue \d+\) is missing from "
                                         r"the (team's )?evidence store"):
        export_dispute(engine, ORDER, out / "p.zip")
    stored_file(engine, photo.sha256).write_bytes(b"photo!")
    if shared:
        with writing(engine) as conn:
            conn.execute(EVIDENCE_CHUNKS.insert(), {"sha256": photo.sha256, "seq": 0,
                                                    "data": b"photo!"})
    with pytest.raises(KnownError, match=r"evidence file box\.jpg \(issue \d+\) was changed"):
        export_dispute(engine, ORDER, out / "p.zip")
    stored_file(engine, photo.sha256).write_bytes(b"photo")
    with pytest.raises(KnownError, match=r"cannot write .*/no/such/folder/p\.zip"):
        export_dispute(engine, ORDER, out / "no" / "such" / "folder" / "p.zip")
    (out / "taken").mkdir()
    (out / "taken" / "x").write_text("mine")
    with pytest.raises(KnownError, match="exists and is not an empty folder"):
        export_dispute(engine, ORDER, out / "taken")
    assert sorted(p.name for p in out.iterdir()) == ["taken"]


def test_attach_and_export_from_the_command_line(engine, issue_id, db_url, tmp_path, capsys):
    photo = evidence_file(tmp_path, "box.jpg", b"photo")
    assert main(["--db", db_url, "issue", "attach", str(issue_id), str(photo)]) == 0
    assert capsys.readouterr().out == f"Attached box.jpg (5 bytes) to issue {issue_id}\n"
    assert main(["--db", db_url, "--json", "export", "dispute", ORDER,
                 str(tmp_path / "p.zip")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["files"] == ["packet.pdf", "summary.txt", "evidence/01-box.jpg",
                               "manifest.json"]
    assert main(["--db", db_url, "export", "dispute", QUIET, str(tmp_path / "q.zip")]) == 1
    assert "has no issues logged" in capsys.readouterr().err


def test_a_credit_altered_behind_the_desks_back_is_called_out(engine, issue_id, tmp_path):
    import sqlalchemy as sa
    other = add_issue(engine, order_id=QUIET, issue_type=IssueType.DAMAGED)
    issue_credit(engine, issue_id=other.issue_id)
    with engine.begin() as conn:  # someone edits the database file directly
        conn.execute(sa.text("DROP TRIGGER IF EXISTS credit_no_update"
                             + (" ON credit" if conn.dialect.name == "postgresql" else "")))
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("DROP TRIGGER credit_no_change ON credit"))
        conn.execute(sa.text("UPDATE credit SET amount_minor = 100 WHERE id = 1"))
    export_dispute(engine, ORDER, tmp_path / "p.zip")
    with zipfile.ZipFile(tmp_path / "p.zip") as archive:
        text = pdf_text(archive.read("packet.pdf"))
    assert ("this order's credits DO NOT match their hashes — see sellerdesk verify"
            in " ".join(text.split()))
    export_dispute(engine, QUIET, tmp_path / "q.zip")   # its entry links to the bad one's hash
    with zipfile.ZipFile(tmp_path / "q.zip") as archive:
        text = " ".join(pdf_text(archive.read("packet.pdf")).split())
    assert "match their hashes and the entries before them" in text


def fonts_of(data: bytes) -> dict[str, bool]:
    """Each font the PDF uses, by its name, and whether the PDF carries its glyphs."""
    fonts = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            described = font.get("/FontDescriptor")
            if font["/Subtype"] == "/Type0":
                described = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = described.get_object() if described is not None else {}
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in
                                                ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


def test_the_packet_keeps_the_desks_approval_workings_to_itself(engine, tmp_path):
    """Amazon sees what was given, when and why, not the desk's approval limits, who asked
    whom, or a supervisor's comment."""
    _, policy = ensure_active_policy(engine)
    hire(engine, "Bo")                                  # Ana is first at the desk: its owner
    save_policy(engine, policy.text.replace("approval_above = { USD = 25",
                                            "approval_above = { USD = 10"),
                by="Ana", source="edited")
    damaged = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
    asked = issue_credit(engine, issue_id=damaged.issue_id, staff="Bo")    # an agent
    assert asked.pending
    decide_approval(engine, approval_id=asked.approval_id, approve=True,
                    comment="fine this once, over Bo's limit", staff="Ana")
    other = add_issue(engine, order_id=ORDER, issue_type=IssueType.NOT_AS_DESCRIBED)
    refused = issue_credit(engine, issue_id=other.issue_id, amount="15", reason="goodwill",
                           staff="Bo")
    decide_approval(engine, approval_id=refused.approval_id, approve=False,
                    comment="too generous", staff="Ana")
    follow_up.assign(engine, issue_id=other.issue_id, assignee="Bo")
    result = export_dispute(engine, ORDER, tmp_path / "p")
    text = " ".join(pdf_text((tmp_path / "p" / "packet.pdf").read_bytes()).split())

    for internal in ("approv", "supervisor", "$10.00", "over Bo's limit", "too generous",
                     "assigned to", "awaits", "suggested courtesy credit"):
        assert internal not in text.lower(), internal
        assert internal not in result.summary.lower(), internal
    assert "credit Courtesy credit $12.00 (credit 1)" in text     # the approval, as given
    assert "damaged: 30 % of 1 × 40.00 = 12.00" in text           # the why, in policy terms
    assert "How credit 1 was worked out (policy version 2, suggested $12.00)" in text
    assert re.search(r"1 \d{4}-\d\d-\d\d \d\d:\d\d courtesy credit \$12\.00 Bo 2 ", text)


def test_a_heading_never_ends_a_page_alone(engine, tmp_path):
    """However much stands above it, the heading 'Messages noted' shares its page with
    the first message (and 'Timeline' with the first line of it)."""
    orders = [f"114-0000000-1{n:06d}" for n in range(22)]
    import_orders(engine, write(tmp_path / "more.txt", [row(o) for o in orders]))
    first = "First message, " + "which goes on and on " * 20     # a tall first row
    for padding, order in enumerate(orders):
        issue = add_issue(engine, order_id=order, issue_type=IssueType.DAMAGED,
                          note="\n".join(["more notes"] * 3 * padding))
        follow_up.note_buyer_message(engine, issue_id=issue.issue_id, text=first)
        pages = [page.extract_text()
                 for page in PdfReader(io.BytesIO(packet_pdf.render(gather(engine, order))))
                 .pages]
        for heading, below in (("Messages noted", "First message"), ("Timeline", "logged")):
            page = next(p for p in pages if heading in p)
            assert below in page.split(heading, 1)[1], (heading, 3 * padding)


def test_japanese_prints_in_an_embedded_font(engine, tmp_path):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                      note="梱包が潰れていた（箱の角）")
    follow_up.note_buyer_message(engine, issue_id=issue.issue_id,
                                 text="マグカップの取っ手が割れていました①。返品したいです。")
    export_dispute(engine, ORDER, tmp_path / "p")
    data = (tmp_path / "p" / "packet.pdf").read_bytes()
    flat = "".join(pdf_text(data).split())
    for japanese in ("CeramicMug家庭", "梱包が潰れていた（箱の角）",
                     "マグカップの取っ手が割れていました①。返品したいです。"):
        assert japanese in flat
    fonts = fonts_of(data)
    standard = {name for name in fonts if name.startswith("/Helvetica")}
    assert any(name.endswith("+BIZUDPGothic-Regular") for name in fonts)
    assert all(fonts[name] for name in fonts.keys() - standard), fonts   # every glyph carried


def test_a_character_the_font_lacks_still_goes_out(engine, tmp_path):
    """A rare kanji (JIS level 2) is left to the reader's Japanese font, as before, while
    the rest of the line keeps the embedded one."""
    add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED, note="憂鬱な箱")
    data = packet_pdf.render(gather(engine, ORDER))
    assert "憂鬱な箱" in "".join(pdf_text(data).split())
    fonts = fonts_of(data)
    assert fonts["/HeiseiKakuGo-W5"] is False
    assert any(name.endswith("+BIZUDPGothic-Regular") and embedded
               for name, embedded in fonts.items())
