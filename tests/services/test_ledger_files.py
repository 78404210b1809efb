"""The ledger exported as CSV, XLSX and JSON and checked again later: read back cell by cell,
and a thousand tampered copies (an edited field, a deleted row, two rows swapped, a file
cut short) each reported by `verify`, while untouched exports always pass."""

import csv
import json
import random

import openpyxl
import pytest

from sellerdesk.cli import main
from sellerdesk.core.errors import InputError, KnownError
from sellerdesk.core.issues import IssueType
from sellerdesk.core.ledger import CHAIN_FIELDS
from sellerdesk.services.credits import issue_credit, reverse_credit
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from sellerdesk.services.ledger_files import export_ledger, verify_file
from sellerdesk.store import credits as ledger_store
from sellerdesk.store.engine import reading
from tests.helpers.reports import row, write


@pytest.fixture
def engine(sqlite_database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    engine = sqlite_database.engine
    orders = [f"114-0000000-{n:07d}" for n in range(6)]
    import_orders(engine, write(tmp_path / "o.txt", [row(o, price="40.00") for o in orders]))
    for n, order in enumerate(orders):
        issue = add_issue(engine, order_id=order, issue_type=IssueType.DAMAGED)
        credit = issue_credit(engine, issue_id=issue.issue_id, amount=f"{n + 1}.50",
                              reason="café, naïve — a reason with “quotes”, and commas")
        if n % 3 == 0:
            reverse_credit(engine, credit_id=credit.credit_id, reason="given twice")
    return engine


def stored(engine):
    with reading(engine) as conn:
        return list(ledger_store.ledger(conn))


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_an_export_reads_back_entry_for_entry_and_verifies(engine, tmp_path, suffix):
    path = tmp_path / f"ledger{suffix}"
    assert export_ledger(engine, path) == 8
    if suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["entries"] == stored(engine)
        assert (data["count"], data["last_hash"]) == (8, stored(engine)[-1]["entry_hash"])
        lines = path.read_text(encoding="utf-8").splitlines()
        assert [json.loads(line.rstrip(",")) for line in lines[2:-1]] == stored(engine)
    else:
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        assert rows[0] == list(CHAIN_FIELDS)
        assert rows[1][CHAIN_FIELDS.index("reason")] == ("café, naïve — a reason with "
                                                         "“quotes”, and commas")
        assert [r[CHAIN_FIELDS.index("entry_hash")] for r in rows[1:-1]] == [
            e["entry_hash"] for e in stored(engine)]
        assert rows[-1] == ["#end-of-ledger", "8", stored(engine)[-1]["entry_hash"]]
    check = verify_file(path)
    assert (check.ok, check.entries) == (True, 8)
    assert list(tmp_path.glob(".*partial")) == []


def tampered(rng: random.Random, text: str, suffix: str) -> tuple[str, str]:
    """One random change to an exported ledger, and what it was."""
    if suffix == ".json":
        data = json.loads(text)
        entries = data["entries"]
    else:
        lines = text.splitlines(keepends=True)
        entries = list(csv.reader(lines[1:-1]))
    how = rng.choice(("edit", "delete", "swap", "cut"))
    if how == "cut":
        keep = rng.randrange(len(text) // 2, len(text) - 1)
        return text[:keep], how
    n = rng.randrange(len(entries))
    if how == "edit":
        if suffix == ".json":
            field = rng.choice(CHAIN_FIELDS)
            old = entries[n][field]
            entries[n][field] = (old + 1 if isinstance(old, int) else
                                 "x" if old is None else old + "x")
        else:
            column = rng.randrange(len(CHAIN_FIELDS))
            entries[n][column] = entries[n][column] + "1"
    elif how == "delete":
        del entries[n]
    else:
        m = rng.choice([i for i in range(len(entries)) if i != n])
        entries[n], entries[m] = entries[m], entries[n]
    if suffix == ".json":
        return json.dumps(data), how
    body = []
    for entry in entries:
        out = []
        csv.writer(_Lines(out)).writerow(entry)
        body.append("".join(out))
    return lines[0] + "".join(body) + lines[-1], how


class _Lines:
    def __init__(self, out):
        self.out = out

    def write(self, text):
        self.out.append(text)


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_every_tampered_copy_is_reported(engine, tmp_path, suffix):
    path = tmp_path / f"ledger{suffix}"
    export_ledger(engine, path)
    original = path.read_text(encoding="utf-8")
    rng = random.Random(suffix)
    kinds = set()
    for attempt in range(500):
        changed, how = tampered(rng, original, suffix)
        kinds.add(how)
        copy = tmp_path / f"copy{suffix}"
        copy.write_text(changed, encoding="utf-8")
        if how == "cut":
            try:
                check = verify_file(copy)
            except InputError:
                continue            # cut mid-entry: "not readable JSON (cut short?)"
        else:
            check = verify_file(copy)
        assert not check.ok, (attempt, how, changed)
        assert check.reason
    assert kinds == {"edit", "delete", "swap", "cut"}
    assert verify_file(path).ok


def test_the_spreadsheet_reads_back_cell_for_cell_as_text(engine, tmp_path):
    path = tmp_path / "ledger.xlsx"
    assert export_ledger(engine, path) == 8
    sheet = openpyxl.load_workbook(path)["Ledger"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == list(CHAIN_FIELDS)
    entries = stored(engine)
    for cells, entry in zip(rows[1:-1], entries, strict=True):
        assert cells == [None if entry[n] is None else str(entry[n]) for n in CHAIN_FIELDS]
    assert {c.data_type for r in sheet.iter_rows(min_row=2) for c in r if c.value} == {"s"}
    assert rows[-1][:3] == ["#end-of-ledger", "8", entries[-1]["entry_hash"]]
    assert sheet.freeze_panes == "A2"       # the header stays in view
    assert verify_file(path).ok


AWKWARD = ["=SUM(A1:A9)", "double  space", "two\nlines", "tab\there", "+44 20 7946 0000",
           "0012", "<b>&amp;</b>", "日本語の理由", "1e5", "TRUE"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_awkward_text_comes_back_as_written(engine, tmp_path, suffix):
    issue = add_issue(engine, order_id="114-0000000-0000001", issue_type=IssueType.WRONG_ITEM)
    for reason in AWKWARD:
        issue_credit(engine, issue_id=issue.issue_id, amount="0.01", reason=reason)
    path = tmp_path / f"ledger{suffix}"
    assert export_ledger(engine, path) == 18
    assert verify_file(path).ok
    if suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path)["Ledger"]
        column = CHAIN_FIELDS.index("reason") + 1
        cells = [sheet.cell(r, column) for r in range(10, 20)]
        assert [c.value for c in cells] == AWKWARD
        assert {c.data_type for c in cells} == {"s"}      # text, never a formula
    elif suffix == ".csv":
        text = path.read_text(encoding="utf-8")
        count = text.rstrip().rsplit(",", 2)[1]
        path.write_text(text.replace(f",{count},", ",１８,"), encoding="utf-8")
        assert verify_file(path).reason == ("the file's end mark was edited (its count is not "
                                            "a number)")


def spreadsheet_tampered(rng: random.Random, source, target) -> str:
    """One random change made as a person in Excel would make it; returns what it was."""
    book = openpyxl.load_workbook(source)
    sheet = book["Ledger"]
    last = sheet.max_row - 1                # the rows 2..last are entries
    how = rng.choice(("edit", "number", "delete", "swap", "cut"))
    n = rng.randrange(2, last + 1)
    if how == "edit":
        cell = sheet.cell(n, rng.randrange(1, len(CHAIN_FIELDS) + 1))
        cell.value = (cell.value or "") + "1"
    elif how == "number":                   # an amount retyped: 24.50 becomes 24.5
        cell = sheet.cell(n, CHAIN_FIELDS.index("amount") + 1)
        cell.value = float(cell.value) + 0.25
    elif how == "delete":
        sheet.delete_rows(n)
    elif how == "swap":
        m = rng.choice([i for i in range(2, last + 1) if i != n])
        for column in range(1, len(CHAIN_FIELDS) + 1):
            a, b = sheet.cell(n, column), sheet.cell(m, column)
            a.value, b.value = b.value, a.value
    else:
        sheet.delete_rows(rng.randrange(2, last + 2), sheet.max_row)
    book.save(target)
    return how


def test_every_tampered_spreadsheet_is_reported(engine, tmp_path):
    path = tmp_path / "ledger.xlsx"
    export_ledger(engine, path)
    rng = random.Random(7)
    kinds = set()
    for attempt in range(150):
        copy = tmp_path / "copy.xlsx"
        how = spreadsheet_tampered(rng, path, copy)
        kinds.add(how)
        check = verify_file(copy)
        assert not check.ok, (attempt, how)
    assert kinds == {"edit", "number", "delete", "swap", "cut"}
    book = openpyxl.load_workbook(path)     # opened and saved untouched, ids typed as numbers
    sheet = book["Ledger"]
    for r in range(2, sheet.max_row):
        sheet.cell(r, 1).value = int(sheet.cell(r, 1).value)
    book.save(tmp_path / "resaved.xlsx")
    assert verify_file(tmp_path / "resaved.xlsx").ok
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(path.read_bytes()[:2_000])
    with pytest.raises(InputError, match=r"cut\.xlsx: not a readable XLSX workbook"):
        verify_file(cut)
    other = openpyxl.Workbook()
    other.active.title = "Sales"
    other.save(tmp_path / "sales.xlsx")
    with pytest.raises(InputError, match=r"sales\.xlsx: not a SellerDesk ledger export \(no "
                                         r"sheet named 'Ledger'\)"):
        verify_file(tmp_path / "sales.xlsx")


def test_what_is_not_a_ledger_gets_one_message_and_nothing_is_left_behind(engine, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    other = tmp_path / "bank.csv"
    other.write_text("date,amount\n2026-10-01,5.00\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bank\.csv, line 1: not a SellerDesk ledger export "
                                         r"\(the header should be credit_id,.*no 'credit_id'"):
        verify_file(other)
    stray = tmp_path / "stray.json"
    stray.write_text('{"orders": []}', encoding="utf-8")
    with pytest.raises(InputError, match=r"stray\.json: not a SellerDesk ledger export"):
        verify_file(stray)
    huge = tmp_path / "huge.csv"
    huge.write_text(",".join(CHAIN_FIELDS) + "\n1,\"" + "x" * 200_000 + "\"\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"huge\.csv, line 2: not readable CSV \(field larger"):
        verify_file(huge)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\xff\xd8\xff\xe0 not text")
    with pytest.raises(InputError, match="not UTF-8 text"):
        verify_file(binary)
    with pytest.raises(KnownError,
                       match=r"ledger\.xls: a ledger file ends in \.csv, \.xlsx or \.json"):
        export_ledger(engine, tmp_path / "ledger.xls")
    with pytest.raises(KnownError, match=r"cannot write .*/missing/ledger\.csv"):
        export_ledger(engine, tmp_path / "missing" / "ledger.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bank.csv", "huge.csv", "photo.csv",
                                                          "stray.json"]


def test_export_and_verify_from_the_command_line(engine, sqlite_url, tmp_path, capsys):
    path = tmp_path / "ledger.csv"
    assert main(["--db", sqlite_url, "export", "ledger", str(path)]) == 0
    assert capsys.readouterr().out == f"Wrote 8 ledger entries to {path}\n"
    assert main(["verify", str(path)]) == 0
    assert capsys.readouterr().out == "ledger intact: 8 entries, every hash matches\n"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3] + lines[4:]), encoding="utf-8")   # entry 3 removed
    assert main(["--json", "verify", str(path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert (report["ok"], report["first_bad"], report["credit_id"]) == (False, 3, 4)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("deep.json", '{"format": "sellerdesk-ledger", "entries": ' + "[" * 5000 + "]" * 5000 + "}",
     "deep.json: not a SellerDesk ledger export (its JSON is nested thousands of levels "
     "deep)"),
    ("long.json", '{"format": "sellerdesk-ledger", "version": 1, "count": ' + "9" * 5000
     + ', "last_hash": "", "entries": []}',
     "long.json: not a SellerDesk ledger export (it holds a number thousands of digits long)"),
])
def test_a_structure_no_export_has_gets_one_message(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        verify_file(path)
    assert str(error.value) == message


def test_an_end_mark_thousands_of_digits_long_is_reported_not_raised(engine, tmp_path):
    path = tmp_path / "ledger.csv"
    export_ledger(engine, path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    mark = lines[-1].split(",")
    lines[-1] = ",".join([mark[0], "9" * 5000, mark[2]])
    path.write_text("".join(lines), encoding="utf-8")
    check = verify_file(path)       # int() of 5,000 digits would raise ValueError
    assert (check.ok, check.reason) == (False, "the file's end mark was edited (its count "
                                               "is not a number)")
