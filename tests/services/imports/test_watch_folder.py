"""A watched folder: a report saved there is imported once its download has finished and
moved to Imported/; a file SellerDesk cannot import is moved to Not imported/ with a note
saying why; nothing is imported twice, nothing is overwritten."""

import json
import os

from sellerdesk.cli import main
from sellerdesk.services.imports.watch_folder import import_watched, ready_files
from sellerdesk.services.issues import order_activity
from tests.helpers.reports import FBA, fba, report, row, write

ORDER = "114-0000000-0000001"


def test_a_file_is_ready_once_it_stops_changing(tmp_path):
    growing = tmp_path / "All Orders.txt"
    growing.write_bytes(b"amazon-order-id\tpurchase-date\r\n")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "All Orders.txt.crdownload").write_text("x")    # a browser's partial file
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "empty.txt").write_bytes(b"")
    ready, seen = ready_files(tmp_path, {})
    assert ready == []                                   # first look: nothing is known yet
    with growing.open("ab") as f:
        f.write(b"114-1\t2026-10-01\r\n")
    os.utime(growing, ns=(1, 2))
    ready, seen = ready_files(tmp_path, seen)
    assert ready == []                                   # it changed since the last look
    ready, seen = ready_files(tmp_path, seen)
    assert ready == [growing]
    assert sorted(seen) == ["All Orders.txt", "empty.txt"]
    assert ready_files(tmp_path / "gone", seen) == ([], {})


def test_imported_files_move_aside_and_refused_ones_say_why(database, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    orders = write(inbox / "All Orders.txt", [row(ORDER, sku="MUG")])
    outcome = import_watched(database.engine, orders)
    assert outcome.ok
    assert outcome.moved_to == inbox / "Imported" / "All Orders.txt"
    assert outcome.summary().startswith("All Orders.txt: 1 row, 1 order")
    assert not orders.exists()

    again = write(inbox / "All Orders.txt", [row(ORDER, sku="MUG")])   # saved once more
    assert import_watched(database.engine, again).moved_to.name == "All Orders (2).txt"

    notes = inbox / "notes.txt"
    notes.write_text("call the carrier on Monday\n")
    refused = import_watched(database.engine, notes)
    assert (refused.ok, refused.tell) == (False, True)
    assert refused.summary() == ("notes.txt was not imported: it is not a Seller Central "
                                 "report SellerDesk reads (moved to “Not imported”, with a "
                                 "note)")
    why = (inbox / "Not imported" / "notes.txt.why.txt").read_text()
    assert why.startswith("notes.txt was not imported into SellerDesk:\n")

    bad = report(inbox / "fba.txt", FBA, [fba(ORDER, "LPN1", **{"return-date": "31.31.2026"})])
    refused = import_watched(database.engine, bad)
    assert "line 2, column 'return-date'" in refused.text
    assert (inbox / "Not imported" / "fba.txt").exists()


def test_a_file_that_cannot_be_moved_stays_imported_and_moves_later(database, tmp_path):
    """On Windows, Excel holding the report open makes the move fail (PermissionError)
    after the import committed. Here the move fails for real another way: "Imported" is a
    file, so no folder can be made there. Nothing is raised, the import stands, the file
    waits, and the next look moves it without importing anything twice."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    blocker = inbox / "Imported"
    blocker.write_text("not a folder")
    orders = write(inbox / "All Orders.txt", [row(ORDER, sku="MUG")])
    held = import_watched(database.engine, orders)
    assert (held.ok, held.tell, held.moved_to) == (True, False, orders)
    assert held.text.endswith("left where it is for now: it could not be moved (another "
                              "program may have it open); it is moved at the next look")
    assert orders.exists()
    blocker.unlink()                                     # Excel let go of it
    moved = import_watched(database.engine, orders)
    assert moved.moved_to == inbox / "Imported" / "All Orders.txt"
    assert held.text.startswith("All Orders.txt: 1 row, 1 order added, 0 updated — ")
    assert moved.text == "All Orders.txt: 1 row, 0 orders added, 1 updated"   # nothing twice


def test_the_command_line_watches_once(database, tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write(inbox / "All Orders.txt", [row(ORDER, sku="MUG")])
    report(inbox / "FBA returns.txt", FBA, [fba(ORDER, "LPN1")])
    assert main(["watch", str(inbox), "--once", "--every", "0.2", "--db", database.location,
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted((o["file"], o["kind"], o["imported"]) for o in out) == [
        ("All Orders.txt", "orders", True), ("FBA returns.txt", "fba-returns", True)]
    assert sorted(p.name for p in (inbox / "Imported").iterdir()) == [
        "All Orders.txt", "FBA returns.txt"]
    assert len(order_activity(database.engine, ORDER).returns) == 1
    (inbox / "junk.txt").write_text("nothing\tuseful\n")
    assert main(["watch", str(inbox), "--once", "--every", "0.2", "--db",
                 database.location]) == 1
    assert capsys.readouterr().out.startswith("junk.txt was not imported: it is not a "
                                              "Seller Central report SellerDesk reads")
    assert main(["watch", str(tmp_path / "nowhere"), "--once", "--db", database.location]) == 1
