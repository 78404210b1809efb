"""Evidence named as Linux and macOS allow but Windows refuses (`a:b?.png`, `CON.txt`,
`x.`) goes into a dispute packet, as a folder and as a zip, under names every desktop
keeps; the manifest says which file each was and its SHA-256."""

import hashlib
import json
import re
import zipfile

import pytest

from sellerdesk.core.file_names import MAX_LENGTH, windows_safe
from sellerdesk.core.issues import IssueType
from sellerdesk.services.dispute import export_dispute
from sellerdesk.services.evidence import attach_evidence
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from tests.helpers.reports import row, write

ORDER = "114-3941689-8772232"
# Two of them clean to the same name (a_b_.png); the folder and zip must keep both.
NAMES = ["a:b?.png", "a|b*.png", "CON.txt", "x.", "report. ", "nul.tar.gz"]

# Windows' rules, written out here rather than taken from the code under test.
REFUSED = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)),
           *(f"LPT{n}" for n in range(1, 10))}


def windows_accepts(name: str) -> bool:
    return (name != "" and not REFUSED.search(name) and not name.endswith((".", " "))
            and name.split(".", 1)[0].rstrip(" ").upper() not in DEVICES)


@pytest.fixture
def packet_input(database, tmp_path, monkeypatch):
    """An order with one issue carrying the awkwardly named files: (engine, {name: bytes})."""
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    engine = database.engine
    import_orders(engine, write(tmp_path / "o.txt", [row(ORDER)]))
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
    originals = {}
    for n, name in enumerate(NAMES):
        source = tmp_path / "attached" / name
        source.parent.mkdir(exist_ok=True)
        source.write_bytes(f"evidence {n}: {name}".encode() * 20)
        attach_evidence(engine, issue_id=issue.issue_id, path=source)
        originals[name] = source.read_bytes()
    return engine, originals


def check_packet(files: dict[str, bytes], originals: dict[str, bytes]) -> None:
    """Every name Windows accepts, no two the same to Windows (which ignores case), and
    the manifest maps each evidence file to its original name and its bytes' SHA-256."""
    for path in files:
        assert all(windows_accepts(part) for part in path.split("/")), path
    assert len({path.lower() for path in files}) == len(files)
    manifest = json.loads(files["manifest.json"])
    evidence = [e for e in manifest["files"] if e["path"].startswith("evidence/")]
    assert sorted(e["original_name"] for e in evidence) == sorted(NAMES)
    for entry in evidence:
        data = files[entry["path"]]
        assert data == originals[entry["original_name"]]
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["size"] == len(data)
    assert {e["path"] for e in manifest["files"]} == set(files) - {"manifest.json"}


def test_a_packet_written_as_a_folder_has_only_names_windows_accepts(packet_input, tmp_path):
    engine, originals = packet_input
    export_dispute(engine, ORDER, tmp_path / "packet")
    written = {p.relative_to(tmp_path / "packet").as_posix(): p.read_bytes()
               for p in (tmp_path / "packet").rglob("*") if p.is_file()}
    check_packet(written, originals)
    assert sorted(p for p in written if p.startswith("evidence/")) == [
        "evidence/01-a_b_.png", "evidence/02-a_b_.png", "evidence/03-_CON.txt",
        "evidence/04-x", "evidence/05-report", "evidence/06-_nul.tar.gz"]


def test_a_packet_written_as_a_zip_has_only_names_windows_accepts(packet_input, tmp_path):
    engine, originals = packet_input
    export_dispute(engine, ORDER, tmp_path / "packet.zip")
    with zipfile.ZipFile(tmp_path / "packet.zip") as archive:
        written = {name: archive.read(name) for name in archive.namelist()}
    check_packet(written, originals)


@pytest.mark.parametrize(("name", "cleaned"), [
    ("a:b?.png", "a_b_.png"),
    ('<>:"/\\|?*.txt', "_________.txt"),
    ("tab\there\x01.txt", "tab_here_.txt"),
    ("x.", "x"),
    ("notes . . ", "notes"),
    ("CON.txt", "_CON.txt"),
    ("con .tar.gz", "_con .tar.gz"),       # Windows ignores the space before the dot too
    ("LPT9", "_LPT9"),
    ("COM¹.log", "_COM¹.log"),
    ("CONSOLE.txt", "CONSOLE.txt"),        # only the device names themselves
    ("COM10.txt", "COM10.txt"),
    ("...", "_"),
    ("photo.jpg", "photo.jpg"),
])
def test_a_name_is_cleaned_as_windows_needs(name, cleaned):
    assert windows_safe(name) == cleaned


def test_a_long_name_is_shortened_before_its_extension():
    stem = "the box as it arrived, photographed " * 10
    cleaned = windows_safe(stem + ".jpeg")
    assert MAX_LENGTH - 5 < len(cleaned) <= MAX_LENGTH
    assert cleaned.endswith(".jpeg")
    assert stem.startswith(cleaned.removesuffix(".jpeg"))
    assert windows_accepts(cleaned)


def test_evidence_opens_under_a_name_windows_keeps_in_owner_only_folders(packet_input,
                                                                           tmp_path):
    """The copy a viewer opens carries a name every desktop keeps; the evidence store and
    that copy's folder are the owner's alone, whatever the process's umask."""
    import os
    import stat

    from sellerdesk.services.evidence import evidence_on, viewable_copy
    from sellerdesk.services.evidence_files import store_dir
    engine, _ = packet_input
    old = os.umask(0)
    try:
        record = next(r for r in evidence_on(engine, [1]) if r.name == "a:b?.png")
        opened = viewable_copy(engine, record)
    finally:
        os.umask(old)
    assert opened.name == "a_b_.png"
    for folder in (opened.parent, store_dir(engine)):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
