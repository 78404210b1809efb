"""Buyer personal data on issues: sealed per cell, shown back, refused when moved or
altered, purged on time from every file SellerDesk keeps, re-sealed by a key rotation —
and a thousand canary buyers leave no trace anywhere once purged."""

import json
import logging
import zipfile
from datetime import date
from pathlib import Path

import keyring
import pytest
import sqlalchemy as sa
from keyring.backends.fail import Keyring as NoKeyring
from pypdf import PdfReader

from sellerdesk.core.issues import IssueStatus, IssueType
from sellerdesk.services import follow_up
from sellerdesk.services.credits import issue_credit, verify_ledger
from sellerdesk.services.dispute import export_dispute
from sellerdesk.services.evidence import attach_evidence
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from sellerdesk.services.ledger_files import export_ledger
from sellerdesk.services.protection import backups, data_keys, secrets
from sellerdesk.services.protection.personal_data import (
    PersonalDataError,
    buyer_details,
    finish_rotation,
    retention,
    rotate_key,
    set_buyer_details,
    set_retention,
)
from sellerdesk.services.protection.purge import purge_personal_data
from sellerdesk.services.protection.security_log import security_events
from sellerdesk.store.tables import PERSONAL_DATA
from tests.helpers.reports import row, write

OLD, NEW = "114-0000001-0000001", "114-0000002-0000002"
JANE = {"name": "Jane CanaryDoe", "email": "jane.canary@example.com",
        "address": "1 Canary Wharf\nLondon E14"}


@pytest.fixture
def engine(database, tmp_path):
    write(tmp_path / "orders.txt", [row(OLD, date="2026-09-01T10:00:00+00:00", price="40.00"),
                                    row(NEW, date="2026-11-10T10:00:00+00:00", price="40.00")])
    import_orders(database.engine, tmp_path / "orders.txt")
    return database.engine


def _issue(engine, order_id, details=JANE):
    return add_issue(engine, order_id=order_id, issue_type=IssueType.DAMAGED,
                          staff="Ana", buyer_details=details).issue_id


def _raw_cells(engine):
    with engine.connect() as conn:
        return {(r.issue_id, r.field): bytes(r.sealed) for r in conn.execute(
            sa.text("SELECT issue_id, field, sealed FROM personal_data"))}


def test_details_are_sealed_in_the_database_and_read_back(engine):
    issue_id = _issue(engine, OLD)
    cells = _raw_cells(engine)
    assert set(cells) == {(issue_id, "name"), (issue_id, "email"), (issue_id, "address")}
    assert not any(b"Canary" in v or b"canary" in v for v in cells.values())
    details = buyer_details(engine, issue_id)
    assert details.values == JANE
    assert details.purge_on == date(2026, 10, 1)             # 30 days after the order
    assert "Canary" not in repr(details)
    detail_text = json.dumps([e.detail for e in security_events(engine)])
    assert "Canary" not in detail_text


def test_a_cell_swapped_between_rows_or_columns_shows_an_error_not_the_other_buyer(engine):
    first = _issue(engine, OLD)
    second = _issue(engine, NEW, {"name": "Bob Other", "email": "bob@example.com"})
    cells = _raw_cells(engine)
    with engine.begin() as conn:
        update = sa.text("UPDATE personal_data SET sealed = :v WHERE issue_id = :i AND "
                         "field = :f")
        conn.execute(update, {"v": cells[(second, "name")], "i": first, "f": "name"})
        conn.execute(update, {"v": cells[(second, "name")], "i": second, "f": "email"})
    shown = buyer_details(engine, first)
    assert "name" not in shown.values
    assert shown.values["email"] == JANE["email"]
    assert "altered or moved from another record" in shown.unreadable["name"]
    other = buyer_details(engine, second)
    assert other.values == {"name": "Bob Other"}
    assert "the buyer's e-mail on issue" in other.unreadable["email"]


def test_plaintext_can_never_be_stored_in_the_sealed_column(engine):
    issue_id = _issue(engine, OLD, {"name": "x"})
    plain = PERSONAL_DATA.update().values(sealed=b"Jane Doe").where(
        PERSONAL_DATA.c.issue_id == issue_id)
    with engine.begin() as conn, pytest.raises(sa.exc.StatementError, match="only a sealed"):
        conn.execute(plain)


def test_details_are_changed_and_cleared_and_the_timeline_never_repeats_them(engine):
    issue_id = _issue(engine, NEW)
    set_buyer_details(engine, issue_id, {"name": "Janet CanaryDoe", "address": ""},
                      staff="Ana")
    assert buyer_details(engine, issue_id).values == {"name": "Janet CanaryDoe",
                                                      "email": JANE["email"]}
    from sellerdesk.services.follow_up import issue_detail
    texts = " ".join(e.text for e in issue_detail(engine, issue_id).timeline)
    assert "buyer details changed: name, address" in texts
    events = len(issue_detail(engine, issue_id).timeline)
    set_buyer_details(engine, issue_id, {"name": "Janet CanaryDoe ", "address": ""})
    assert len(issue_detail(engine, issue_id).timeline) == events    # nothing changed
    assert "Canary" not in texts
    with pytest.raises(PersonalDataError, match="no buyer detail called phone"):
        set_buyer_details(engine, issue_id, {"phone": "555"})


def test_the_purge_takes_what_is_due_and_leaves_the_record(engine, tmp_path):
    old, new = _issue(engine, OLD), _issue(engine, NEW)
    credit = issue_credit(engine, issue_id=old, staff="Ana")
    photo = tmp_path / "box.jpg"
    photo.write_bytes(b"\xff\xd8photo")
    attach_evidence(engine, issue_id=old, path=photo, staff="Ana")

    dry = purge_personal_data(engine, as_of=date(2026, 10, 1), dry_run=True, staff="Ana")
    assert (dry.issue_ids, dry.cells) == ([old], 3)
    assert "would be purged" in dry.summary()
    assert buyer_details(engine, old).values == JANE               # a dry run changes nothing
    assert purge_personal_data(engine, as_of=date(2026, 9, 30)).issue_ids == []  # not yet due

    report = purge_personal_data(engine, as_of=date(2026, 10, 1), staff="Ana")
    assert (report.issue_ids, report.cells) == ([old], 3)
    gone = buyer_details(engine, old)
    assert gone.empty
    assert gone.purged_at is not None
    assert buyer_details(engine, new).values == JANE
    assert verify_ledger(engine).ok
    from sellerdesk.services.follow_up import issue_detail
    kept = issue_detail(engine, old)
    assert kept.issue.issue_id == old
    assert kept.credits[0].credit_id == credit.credit_id
    assert any("personal data purged (30 days after the order)" in e.text
               for e in kept.timeline)
    assert next(e.action for e in security_events(engine)) == "purge"
    with pytest.raises(PersonalDataError, match="purged"):
        set_buyer_details(engine, old, {"name": "again"})


def test_a_dispute_packet_has_the_details_only_when_asked(engine, tmp_path):
    _issue(engine, OLD)
    plain = export_dispute(engine, OLD, tmp_path / "plain.zip")
    full = export_dispute(engine, OLD, tmp_path / "full.zip", personal_data=True)
    texts = []
    for result in (plain, full):
        with zipfile.ZipFile(result.path) as archive, archive.open("packet.pdf") as pdf:
            texts.append(" ".join(p.extract_text() for p in PdfReader(pdf).pages))
    assert "Jane CanaryDoe" not in texts[0]
    assert "Buyer personal data: not included." in texts[0]
    assert "Buyer: Jane CanaryDoe; jane.canary@example.com; 1 Canary Wharf" in texts[1]
    exports = [e.detail for e in security_events(engine) if e.action == "export"]
    assert exports[0].endswith("full.zip, with personal data")
    assert exports[1].endswith("plain.zip")


def test_the_retention_period_is_a_setting(engine):
    issue_id = _issue(engine, NEW)                         # ordered 2026-11-10
    assert retention(engine) == 30
    assert buyer_details(engine, issue_id).purge_on == date(2026, 12, 10)
    set_retention(engine, 7, staff="Olivia")
    assert buyer_details(engine, issue_id).purge_on == date(2026, 11, 17)
    assert purge_personal_data(engine, as_of=date(2026, 11, 17)).issue_ids == [issue_id]
    assert [e.detail for e in security_events(engine)][:2] == [
        "3 detail(s) on 1 issue(s), as of 2026-11-17, retention 7 days",
        "30 → 7 days after the order"]
    for wrong in (0, 5000):
        with pytest.raises(PersonalDataError, match="1 to 3650 days"):
            set_retention(engine, wrong)


def test_key_rotation_reseals_every_cell_and_drops_the_old_key(engine):
    ids = [_issue(engine, OLD) for _ in range(3)]
    before = data_keys.ensure_key_set(engine)
    cells = _raw_cells(engine)
    report = rotate_key(engine, staff="Olivia")
    after = data_keys.ensure_key_set(engine)
    assert report.resealed == 9
    assert not report.unreadable
    assert after.current != before.current
    assert list(after.keys) == [after.current]
    assert all(new != cells[k] for k, new in _raw_cells(engine).items())
    assert all(buyer_details(engine, i).values == JANE for i in ids)
    stored = json.loads(keyring.get_password("SellerDesk", data_keys.SECRET))
    assert before.keys[before.current].hex() not in json.dumps(stored)
    assert security_events(engine)[0].action == "key_rotated"


def test_a_rotation_cut_short_after_the_new_key_is_finished_next_time(engine):
    issue_id = _issue(engine, OLD)
    data_keys.start_rotation(engine)               # the new key is saved; no cell uses it yet
    assert data_keys.ensure_key_set(engine).rotating
    assert buyer_details(engine, issue_id).values == JANE      # the old key still opens
    report = finish_rotation(engine)
    assert report.resealed == 3
    assert not data_keys.ensure_key_set(engine).rotating
    assert buyer_details(engine, issue_id).values == JANE


@pytest.mark.parametrize("with_keyring", [True, False], ids=["keyring", "no-keyring"])
def test_the_data_key_never_reaches_a_file(engine, monkeypatch, private_home, tmp_path,
                                           with_keyring):
    if not with_keyring:
        keyring.set_keyring(NoKeyring())
    issue_id = _issue(engine, NEW)
    assert secrets.keyring_available() is with_keyring
    assert buyer_details(engine, issue_id).values == JANE
    rotate_key(engine)                      # two keys, the old one retired
    keys = data_keys.ensure_key_set(engine)
    if engine.dialect.name == "sqlite":
        backups.make_backup(engine, tmp_path / "copy.sqlite3")
        backups.daily_backup(engine)
    written = [p for p in [*private_home.rglob("*"), *tmp_path.rglob("*")] if p.is_file()]
    assert written
    for path in written:
        data = path.read_bytes()
        for key in keys.keys.values():
            assert key not in data, path
            assert key.hex().encode() not in data, path
    if with_keyring:
        return
    # The next session has no key: the details are said to be unreadable, not wrong.
    monkeypatch.setattr(secrets, "_session", {})
    shown = buyer_details(engine, issue_id)
    assert not shown.values
    assert "not in this computer's keyring" in shown.unreadable["name"]


def _every_byte(*roots: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for root in roots for p in root.rglob("*") if p.is_file()]


def test_notes_messages_and_evidence_go_with_the_details_and_the_record_stays(engine,
                                                                             tmp_path):
    from sellerdesk.services.evidence import evidence_on, stored_file
    issue = add_issue(engine, order_id=OLD, issue_type=IssueType.DAMAGED, staff="Ana",
                           note="Jane CanaryDoe rang from 1 Canary Wharf")
    kept_on_new = _issue(engine, NEW, details={})
    credit = issue_credit(engine, issue_id=issue.issue_id, staff="Ana")
    follow_up.note_buyer_message(engine, issue_id=issue.issue_id, staff="Ana",
                                 text="Hi, Jane CanaryDoe here, the box was crushed")
    follow_up.set_status(engine, issue_id=issue.issue_id, status=IssueStatus.CLOSED,
                         note="Jane CanaryDoe is happy", staff="Ana")
    photo = tmp_path / "jane-canarydoe-label.jpg"
    photo.write_bytes(b"\xff\xd8 label: Jane CanaryDoe, 1 Canary Wharf")
    attached = attach_evidence(engine, issue_id=issue.issue_id, path=photo, staff="Ana")
    same_photo_elsewhere = attach_evidence(engine, issue_id=kept_on_new, path=photo, staff="Ana")

    dry = purge_personal_data(engine, as_of=date(2026, 10, 1), dry_run=True, staff="Ana")
    assert (dry.issue_ids, dry.cells, dry.texts, dry.files) == ([issue.issue_id], 0, 3, 1)
    report = purge_personal_data(engine, as_of=date(2026, 10, 1), staff="Ana")
    assert (report.issue_ids, report.texts, report.files) == ([issue.issue_id], 3, 1)
    assert report.summary().startswith("0 buyer detail(s) on 1 issue(s) purged, with 3 "
                                       "note(s) or message(s) and 1 evidence file(s)")

    from sellerdesk.services.follow_up import issue_detail
    kept = issue_detail(engine, issue.issue_id)
    assert kept.issue.notes == ""
    texts = [(e.kind, e.text) for e in kept.timeline]
    assert ("buyer_message", "(purged with the buyer's personal data)") in texts
    assert ("status", "Open → Closed") in [(k, t) for k, t in texts if k == "status"][-1:]
    assert ("evidence", "(evidence file purged with the buyer's personal data)") in texts
    assert not any("Canary" in text or "canary" in text for _, text in texts)
    assert evidence_on(engine, [issue.issue_id]) == []
    # the same photo attached to an issue not yet due stays, for that issue
    assert evidence_on(engine, [kept_on_new]) == [same_photo_elsewhere]
    assert stored_file(engine, attached.sha256).exists()
    assert kept.credits[0].credit_id == credit.credit_id
    assert verify_ledger(engine).ok
    assert purge_personal_data(engine, as_of=date(2026, 10, 1)).issue_ids == []   # done


def test_a_purged_evidence_file_leaves_the_store(engine, tmp_path):
    from sellerdesk.services.evidence import stored_file
    issue_id = _issue(engine, OLD)
    photo = tmp_path / "label.jpg"
    photo.write_bytes(b"\xff\xd8 a parcel label")
    attached = attach_evidence(engine, issue_id=issue_id, path=photo, staff="Ana")
    assert stored_file(engine, attached.sha256).exists()
    purge_personal_data(engine, as_of=date(2026, 10, 1), staff="Ana")
    assert not stored_file(engine, attached.sha256).exists()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM evidence_chunk").scalar() == 0


def test_a_thousand_canary_buyers_leave_no_trace_once_purged(sqlite_database, tmp_path,
                                                             private_home, caplog):
    """Entered, exported, backed up, logged at DEBUG, then purged: afterwards no marker and
    no ciphertext is in the database file, its WAL, the backups, the log or the exports."""
    engine = sqlite_database.engine
    orders = [f"114-{n:07d}-0000001" for n in range(1000)]
    write(tmp_path / "orders.txt", [row(o, date="2026-09-01T10:00:00+00:00") for o in orders])
    import_orders(engine, tmp_path / "orders.txt")
    log_file = tmp_path / "sellerdesk.log"
    handler = logging.FileHandler(log_file)
    logging.getLogger().addHandler(handler)
    caplog.set_level(logging.DEBUG)
    typed: list[str] = []
    try:
        markers = []
        for n, order_id in enumerate(orders):
            marker = f"CANARY{n:04d}Q"
            markers.append(marker)
            issue = add_issue(
                engine, order_id=order_id, issue_type=IssueType.DAMAGED, staff="Ana",
                buyer=f"{marker}@relay.example",
                note=f"{marker}-NOTE called about it" if n % 250 == 7 else "",
                buyer_details={"name": f"{marker} Buyer", "email": f"{marker}@example.com",
                               "address": f"{n} {marker} Street"})
            if n % 100 == 0:
                issue_credit(engine, issue_id=issue.issue_id, staff="Ana")
            if n % 250 == 7:     # typed into a note, said in a message, seen in a photo
                follow_up.note_buyer_message(engine, issue_id=issue.issue_id, staff="Ana",
                                             text=f"{marker}-MESSAGE wrote again")
                photo = tmp_path / "outside" / f"photo-{n}.jpg"
                photo.parent.mkdir(exist_ok=True)
                photo.write_bytes(b"\xff\xd8" + f"{marker}-PHOTO label".encode() * 50)
                attach_evidence(engine, issue_id=issue.issue_id, path=photo, staff="Ana")
                photo.unlink()           # the seller's own copy is theirs to keep or not
                typed.append(marker)
        ciphertexts = list(_raw_cells(engine).values())
        assert len(ciphertexts) == 3000
        exports = tmp_path / "exports"
        exports.mkdir()
        export_ledger(engine, exports / "ledger.csv")
        export_dispute(engine, orders[0], exports / "packet.zip")
        backups.make_backup(engine, tmp_path / "elsewhere.sqlite3")
        backups.daily_backup(engine)
        report = purge_personal_data(engine, as_of=date(2026, 11, 23), staff="Ana")
        assert report.cells == 3000
        assert len(report.backups) == 2
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    files = _every_byte(private_home, tmp_path)
    names = {p.name for p, _ in files}
    assert {"desk.sqlite3", "elsewhere.sqlite3", "sellerdesk.log", "ledger.csv",
            "packet.zip"} <= names
    assert any(n.startswith("sellerdesk-") for n in names)        # the daily backup
    assert len(typed) == 4
    for path, data in files:
        for marker in (markers[0], markers[499], markers[999], *typed):
            assert marker.encode() not in data, (marker, path)
        assert not any(c in data for c in ciphertexts[::97]), path
    with sqlite_database.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM personal_data").scalar() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM issue").scalar() == 1000
    assert "CANARY" not in caplog.text
