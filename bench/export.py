"""Evidence out (issue #5): a dispute packet for an order with 20 timeline events and 5
evidence files (target ≤ 1 s); a 100,000-entry ledger to XLSX (≤ 5 s) and CSV (≤ 1 s);
`verify` of 100,000 entries (≤ 1 s).

Baselines in the same run: the packet's files zipped as they are (the least a packet
costs); the same ledger rows fetched with sqlite3 and written by csv.writer or handed to
the XLSX writer as they are; for verify, the file read by its format's plain reader
(csv, json, calamine) and SHA-256 over each entry's JSON, with no checking.
Quick: a 10,000-entry ledger, one run each (three for the packet). Full mode takes about
35 s, quick about 5 s.
Run: python -m bench.export [--quick] [--entries N] [--runs N]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import sqlite3
import statistics
import zipfile
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from python_calamine import CalamineWorkbook
from rustpy_xlsxwriter import FastExcel

from bench.data import OUT, scratch_copy, timed
from bench.table import Row, markdown_table
from sellerdesk.core.issues import IssueType
from sellerdesk.core.ledger import GENESIS, entry_hash
from sellerdesk.services import follow_up
from sellerdesk.services.clock import now
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.database import open_database
from sellerdesk.services.dispute import export_dispute
from sellerdesk.services.evidence import attach_evidence
from sellerdesk.services.issues import add_issue
from sellerdesk.services.ledger_files import export_ledger, verify_file
from sellerdesk.store.credits import entry_of
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.tables import CREDITS, ISSUES


def fill_ledger(engine, order_ids: list[str], entries: int, rng: random.Random) -> None:
    """Bulk-made issues and hash-chained credits (giving one credit is measured elsewhere)."""
    start = now() - timedelta(days=400)
    issues = [{"order_id": rng.choice(order_ids), "type": "damaged", "severity": "moderate",
               "status": "resolved", "affected": "", "days_late": 0, "buyer_ref": None,
               "notes": "", "assignee": "", "resolution": "", "buyer_response": "",
               "created_by": "bench", "created_at": start, "updated_at": start}
              for _ in range(2_000)]
    with writing(engine) as conn:
        conn.execute(ISSUES.insert(), issues)
        issue_rows = conn.execute(sa.select(ISSUES.c.id, ISSUES.c.order_id)).all()
        last = conn.execute(sa.select(CREDITS.c.id, CREDITS.c.entry_hash)
                            .order_by(CREDITS.c.id.desc()).limit(1)).first()
        credit_id, prev = (last.id, last.entry_hash) if last else (0, GENESIS)
        rows = []
        for n in range(entries):
            issue = rng.choice(issue_rows)
            credit_id += 1
            row = {"id": credit_id, "created_at": start + timedelta(minutes=5 * n),
                   "issue_id": issue.id, "order_id": issue.order_id,
                   "kind": "courtesy_credit", "amount_minor": rng.randrange(100, 5_000),
                   "currency": "USD", "reverses": None, "reason": rng.choice(("", "as agreed")),
                   "staff": "bench", "approved_by": None, "policy_version": None,
                   "suggested_minor": None, "expires_on": None, "explanation": "",
                   "prev_hash": prev}
            prev = row["entry_hash"] = entry_hash(prev, entry_of(row))
            rows.append(row)
        conn.execute(CREDITS.insert(), rows)


def packet_order(engine, order_id: str, folder: Path) -> None:
    """An issue with 20 timeline events and 5 evidence files of phone-photo size."""
    issue = add_issue(engine, order_id=order_id, issue_type=IssueType.DAMAGED,
                      note="arrived crushed", staff="bench")
    for n in range(8):
        follow_up.note_buyer_message(engine, issue_id=issue.issue_id, staff="bench",
                                     text=f"Message {n}: the box was crushed on one side")
        follow_up.note_reply(engine, issue_id=issue.issue_id, staff="bench",
                             text=f"Reply {n}: sorry, we are looking into it")
    issue_credit(engine, issue_id=issue.issue_id, staff="bench")
    rng = random.Random(5)
    for n in range(5):
        photo = folder / f"photo-{n}.jpg"
        photo.write_bytes(b"\xff\xd8\xff" + rng.randbytes(2_500_000))
        attach_evidence(engine, issue_id=issue.issue_id, path=photo, staff="bench")


def zip_floor(files: list[Path], target: Path) -> None:
    with zipfile.ZipFile(target, "w") as archive:
        for path in files:
            archive.write(path, path.name, compress_type=zipfile.ZIP_STORED)


def raw_rows(db_path: Path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT * FROM credit ORDER BY id").fetchall()
    finally:
        conn.close()


def csv_floor(db_path: Path, target: Path) -> None:
    with open(target, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(raw_rows(db_path))


def xlsx_floor(db_path: Path, target: Path) -> None:
    names = [f"c{n}" for n in range(len(CREDITS.c))]
    records = (dict(zip(names, (None if v is None else str(v) for v in row), strict=True))
               for row in raw_rows(db_path))
    FastExcel(str(target)).sheet("Sheet1", records).save()


def hash_floor(path: Path) -> None:
    """The file read by the plainest reader of its format, then SHA-256 over each entry's
    JSON: what any check of the file must at least do."""
    if path.suffix == ".json":
        with open(path, encoding="utf-8") as f:
            entries = json.load(f)["entries"]
    elif path.suffix == ".csv":
        with open(path, encoding="utf-8", newline="") as f:
            entries = list(csv.reader(f))
    else:
        entries = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    for entry in entries:
        hashlib.sha256(json.dumps(entry, sort_keys=True).encode()).hexdigest()


def best(fn, runs: int) -> float:
    return min(timed(fn, runs))


def measure(quick: bool, *, entries: int | None = None, runs: int | None = None) -> list[Row]:
    entries = entries or (10_000 if quick else 100_000)
    runs = runs or (1 if quick else 3)
    db_path = scratch_copy(5_000 if quick else 20_000, "export-bench.sqlite3")
    work = OUT / "export-bench"
    for stale in (work.glob("*") if work.exists() else ()):
        stale.unlink()
    work.mkdir(exist_ok=True)
    os.environ.setdefault("SELLERDESK_STAFF", "bench")
    rng = random.Random(7)
    table = []
    with open_database(str(db_path)) as db:
        engine = db.engine
        with reading(engine) as conn:
            order_ids = conn.execute(sa.text("SELECT order_id FROM orders")).scalars().all()
        order_id = order_ids[0]
        packet_order(engine, order_id, work)
        fill_ledger(engine, order_ids, entries, rng)
        photos = sorted(work.glob("photo-*.jpg"))

        def packet() -> None:
            target = work / "packet.zip"
            target.unlink(missing_ok=True)
            export_dispute(engine, order_id, target)

        ours = statistics.median(timed(packet, runs * 3))
        base = best(lambda: zip_floor(photos, work / "floor.zip"), runs * 3)
        table.append(Row(
            f"dispute packet: 20 timeline events, 5 × 2.5 MB photos, {entries:,}-entry ledger "
            "(`bench.export`)",
            f"{ours:.2f} s median of {runs * 3} (the photos zipped alone: {base:.3f} s)",
            "≤ 1 s"))
        for suffix, floor, target, baseline in (
                (".csv", csv_floor, "≤ 1 s", "sqlite3 rows + `csv.writer`"),
                (".xlsx", xlsx_floor, "≤ 5 s",
                 "the same rows handed to the XLSX writer as they are")):
            ours = best(lambda s=suffix: export_ledger(engine, work / f"ledger{s}"), runs)
            base = best(lambda f=floor, s=suffix: f(db_path, work / f"floor{s}"), runs)
            table.append(Row(f"ledger of {entries + 1:,} entries to {suffix[1:].upper()}",
                             f"{ours:.2f} s ({baseline}: {base:.2f} s), best of {runs}",
                             target))
        export_ledger(engine, work / "ledger.json")
        for suffix in (".json", ".csv", ".xlsx"):
            check = verify_file(work / f"ledger{suffix}")
            assert check.ok, check.summary()
            ours = best(lambda s=suffix: verify_file(work / f"ledger{s}"), runs)
            base = best(lambda s=suffix: hash_floor(work / f"ledger{s}"), runs)
            table.append(Row(
                f"`verify` of {check.entries:,} entries: {suffix[1:].upper()}",
                f"{ours:.2f} s (the file read by its format's plain reader and every entry "
                f"hashed, nothing checked: {base:.2f} s), best of {runs}", "≤ 1 s"))
    for leftover in work.glob("*"):
        leftover.unlink()
    db_path.unlink()
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--entries", type=int)
    parser.add_argument("--runs", type=int)
    args = parser.parse_args()
    print(markdown_table(measure(args.quick, entries=args.entries, runs=args.runs)))


if __name__ == "__main__":
    main()
