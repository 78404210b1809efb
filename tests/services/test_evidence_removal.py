"""A file attached by mistake, taken back within the minute: out of the issue's evidence
and its dispute packet, on its timeline as removed, its record kept; after the minute it
stays. On a real SQLite file and on the real PostgreSQL cluster."""

import json
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from pypdf import PdfReader

from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import IssueType
from sellerdesk.services import follow_up
from sellerdesk.services.dispute import export_dispute
from sellerdesk.services.evidence import (
    attach_evidence,
    evidence_on,
    remove_evidence,
    stored_file,
)
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from sellerdesk.services.protection.purge import purge_personal_data
from sellerdesk.store.engine import reading
from sellerdesk.store.evidence import PURGED_FILE
from sellerdesk.store.tables import EVIDENCE
from tests.helpers.reports import row, write

ORDER = "114-3941689-8772232"
# A timestamp, not an aware datetime: time_machine would set TZ to the datetime's zone.
ATTACHED = datetime(2026, 10, 3, 9, 30, tzinfo=UTC)


@pytest.fixture
def engine(database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    import_orders(database.engine, write(tmp_path / "o.txt", [row(ORDER, price="40.00")]))
    return database.engine


def attached_at(engine, tmp_path, moment, name="wrong photo.jpg", data=b"\xff\xd8 a cat"):
    path = tmp_path / name
    path.write_bytes(data)
    with time_machine.travel(moment.timestamp(), tick=False):
        issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
        return attach_evidence(engine, issue_id=issue.issue_id, path=path, staff="Ana")


def test_a_file_removed_within_the_minute_leaves_the_evidence_and_the_packet(
        engine, tmp_path):
    slip = attached_at(engine, tmp_path, ATTACHED)
    box = tmp_path / "box.jpg"
    box.write_bytes(b"\xff\xd8 the crushed box")
    with time_machine.travel((ATTACHED + timedelta(seconds=20)).timestamp(), tick=False):
        kept = attach_evidence(engine, issue_id=slip.issue_id, path=box, staff="Ana")
    with time_machine.travel((ATTACHED + timedelta(seconds=59)).timestamp(), tick=False):
        removed = remove_evidence(engine, evidence_id=slip.evidence_id, staff="Ana")
    assert removed == slip
    assert evidence_on(engine, [slip.issue_id]) == [kept]
    last = follow_up.issue_detail(engine, slip.issue_id).timeline[-1]
    assert (last.kind, last.actor, last.at) == ("evidence_removed", "Ana",
                                                datetime(2026, 10, 3, 9, 30, 59))
    assert last.text == (f"Removed evidence wrong photo.jpg (sha256 {slip.sha256[:12]}…) "
                         "added by Ana at 2026-10-03 09:30:00 UTC, removed by Ana")
    with reading(engine) as conn:      # the attachment's record is kept, marked
        marked = conn.execute(sa.select(EVIDENCE.c.removed_at, EVIDENCE.c.removed_by)
                              .where(EVIDENCE.c.id == slip.evidence_id)).one()
    assert tuple(marked) == (datetime(2026, 10, 3, 9, 30, 59), "Ana")
    assert stored_file(engine, slip.sha256).exists()    # until the purge takes it

    export_dispute(engine, ORDER, tmp_path / "packet.zip")
    with zipfile.ZipFile(tmp_path / "packet.zip") as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        summary = archive.read("summary.txt").decode("utf-8")
        archive.extract("packet.pdf", tmp_path)
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "packet.pdf").pages)
    assert [n for n in names if n.startswith("evidence/")] == ["evidence/01-box.jpg"]
    assert slip.sha256 not in json.dumps(manifest)
    assert "wrong photo" not in summary
    assert "wrong photo" not in text
    assert "box.jpg" in text


def test_after_the_minute_the_file_stays_and_the_desk_says_when_it_came(engine, tmp_path):
    evidence = attached_at(engine, tmp_path, ATTACHED)
    with time_machine.travel((ATTACHED + timedelta(seconds=61)).timestamp(), tick=False), \
            pytest.raises(KnownError) as refused:
        remove_evidence(engine, evidence_id=evidence.evidence_id, staff="Ana")
    local = ATTACHED.astimezone()      # the desk's own zone, as the pane shows times
    assert str(refused.value) == ("Evidence can be removed only within a minute of attaching "
                                  f"it; this was attached at {local:%H:%M}.")
    assert evidence_on(engine, [evidence.issue_id]) == [evidence]
    assert follow_up.issue_detail(engine, evidence.issue_id).timeline[-1].kind == "evidence"


def test_a_removed_file_is_removed_once_and_can_be_attached_again(engine, tmp_path):
    evidence = attached_at(engine, tmp_path, ATTACHED)
    with time_machine.travel((ATTACHED + timedelta(seconds=5)).timestamp(), tick=False):
        remove_evidence(engine, evidence_id=evidence.evidence_id, staff="Ana")
        with pytest.raises(KnownError, match=r"wrong photo\.jpg was already removed from "
                                             rf"issue {evidence.issue_id} \("):
            remove_evidence(engine, evidence_id=evidence.evidence_id, staff="Ana")
        again = attach_evidence(engine, issue_id=evidence.issue_id,
                                path=tmp_path / "wrong photo.jpg", staff="Ana")
    assert again.evidence_id != evidence.evidence_id
    assert evidence_on(engine, [evidence.issue_id]) == [again]


def test_the_purge_takes_a_removed_file_and_its_name(engine, tmp_path):
    evidence = attached_at(engine, tmp_path, ATTACHED, name="Jane Roe label.jpg")
    with time_machine.travel((ATTACHED + timedelta(seconds=5)).timestamp(), tick=False):
        remove_evidence(engine, evidence_id=evidence.evidence_id, staff="Ana")
    with time_machine.travel((ATTACHED + timedelta(days=90)).timestamp(), tick=False):
        purge_personal_data(engine, as_of=date(2027, 1, 1), staff="Ana")
    texts = [e.text for e in follow_up.issue_detail(engine, evidence.issue_id).timeline]
    assert not any("Jane Roe" in text for text in texts)
    assert texts.count(PURGED_FILE) == 2           # its attaching and its removal
    assert not stored_file(engine, evidence.sha256).exists()
