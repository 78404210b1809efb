import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.errors import InputError
from sellerdesk.services.imports import kinds
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.imports.report_reader import (
    SNIFF_BYTES,
    detect_encoding,
    open_report,
    parse_minor,
    parse_quantity,
    parse_timestamp,
)
from sellerdesk.store.engine import reading
from tests.helpers.reports import HEADER, base_files, row, write
from tests.helpers.stored_orders import order


@pytest.mark.parametrize(("text", "digits", "minor"), [
    ("24.99", 2, 2499), ("24.9", 2, 2490), ("24", 2, 2400), ("-5.00", 2, -500), ("", 2, 0),
    ("1,234.50", 2, 123450), ("1.234,50", 2, 123450), ("24,99", 2, 2499), ("1,234", 0, 1234),
    ("700", 0, 700), ("1.235", 3, 1235), (".5", 2, 50), (" 3.10 ", 2, 310), ("24.990", 2, 2499),
])
def test_parse_minor(text, digits, minor):
    assert parse_minor(text, digits) == minor


@pytest.mark.parametrize(("text", "message"), [
    ("abc", "not a number"), ("24.999", "more decimals"), ("1.2.3", "not a number"),
    ("12a", "not a number"), ("-", "not a number"), ("700.5", "more decimals"),
])
def test_parse_minor_refuses(text, message):
    digits = 0 if text == "700.5" else 2
    with pytest.raises(ValueError, match=message):
        parse_minor(text, digits)


@given(st.integers(min_value=-10**12, max_value=10**12), st.sampled_from([0, 2, 3]))
def test_parse_minor_reads_what_we_write(minor, digits):
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**digits)
    text = f"{sign}{whole}.{frac:0{digits}d}" if digits else f"{sign}{whole}"
    assert parse_minor(text, digits) == minor


def test_an_amount_or_quantity_past_belief_is_a_damaged_cell():
    assert parse_minor("999999999999.99", 2) == 99_999_999_999_999
    for text in ("1000000000001", "-1000000000000.01", "9" * 40):
        with pytest.raises(ValueError, match="too large to be an amount"):
            parse_minor(text, 2)
    assert parse_quantity("100000") == 100_000
    with pytest.raises(ValueError, match="too many items for one row"):
        parse_quantity("100001")


def test_timestamps_become_naive_utc():
    assert str(parse_timestamp("2026-10-01T08:13:02+00:00")) == "2026-10-01 08:13:02"
    assert str(parse_timestamp("2026-10-01T01:13:02-07:00")) == "2026-10-01 08:13:02"
    assert str(parse_timestamp("2026-10-01T08:13:02Z")) == "2026-10-01 08:13:02"


@pytest.mark.parametrize(("text", "encoding", "expected"), [
    ("Das Kochjahr: Rezepte für Zuhause – Größe M", "utf-8", "utf-8"),
    ("Das Kochjahr: Rezepte für Zuhause – Größe M", "utf-8-sig", "utf-8-sig"),
    ("Das Kochjahr: Rezepte für Zuhause – Größe M, Crème brûlée", "cp1252", "cp1252"),
    ("家庭料理の一年：365のレシピ　陶器マグカップ　ブルー", "cp932", "cp932"),
])
def test_detect_encoding(text, encoding, expected):
    data = ("amazon-order-id\tproduct-name\n" + f"114-1\t{text}\n" * 20).encode(encoding)
    assert detect_encoding(data) == expected


def test_columns_by_name_in_any_order_and_case(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("SKU\tunknown-new-column\tAmazon-Order-Id\nA\tx\t114-1\n")
    with open_report(path) as report:
        columns = report.columns(["amazon-order-id", "sku"], ["asin"])
        rows = list(report.rows())
    assert columns == {"amazon-order-id": 2, "sku": 0}
    assert rows == [(2, ["A", "x", "114-1"])]


def test_missing_required_column_is_named(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("amazon-order-id\tsku\n114-1\tA\n")
    with open_report(path) as report, pytest.raises(InputError) as error:
        report.columns(["amazon-order-id", "sku", "quantity"])
    assert str(error.value) == (
        "r.txt, line 1, column 'quantity': the header has no 'quantity' column")


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"),
    (b"   \n\n", "the file is empty"),
    (b"PK\x03\x04rest of a zip", "this is a ZIP or XLSX file"),
    (b"%PDF-1.7 ...", "this is a PDF file"),
    (b"\x00\x01\x02\x03binary", "binary file"),
    (b"amazon-order-id,sku,quantity\n114-1,A,1\n", "the header has no tabs"),
])
def test_files_that_are_not_reports(tmp_path, content, message):
    path = tmp_path / "upload.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        open_report(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        open_report(tmp_path / "gone.txt")


# -- damaged files, read through the real importers: refused on the damaged line ---------
ROWS = [row(f"114-0000000-{n:07d}", sku=f"SKU-{n}", title=f"Title {n}") for n in range(1, 9)]


def damaged(tmp_path, change, *, rows=ROWS, encoding="utf-8") -> Path:
    """The report with `change` made to its lines (lines[0] is the header, lines[5] is
    line 6), written back with Amazon's CR LF."""
    path = write(tmp_path / "bad.txt", rows, encoding=encoding)
    lines = path.read_bytes().split(b"\r\n")
    change(lines)
    path.write_bytes(b"\r\n".join(lines))
    return path


def refused(database, path) -> str:
    with pytest.raises(InputError) as error:
        import_orders(database.engine, path)
    with reading(database.engine) as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM orders").scalar() == 0
    return str(error.value)


def _set(lines, n, value):
    lines[n] = value


@pytest.mark.parametrize(("change", "message"), [
    (lambda lines: _set(lines, 5, lines[5].replace(b"\t", b"", 1)),
     "line 6: the row has 31 fields but the header has 32: a tab is missing, or the line "
     "was broken in two"),
    (lambda lines: _set(lines, 5, lines[5].replace(b"\t", b"\t\t", 1)),
     "line 6: the row has 33 fields but the header has 32: it has a tab too many"),
    (lambda lines: _set(lines, 5, lines[5].replace(b"\tTitle 5\t", b"\tTitle\t5\t")),
     "line 6: the row has 33 fields"),
    (lambda lines: _set(lines, 5, lines[5].replace(b"\tShipped\t", b"\tShipped\r\n", 1)),
     "line 6: the row has 5 fields but the header has 32: a tab is missing, or the line "
     "was broken in two"),
    (lambda lines: _set(lines, 8, lines[8][:-3]) or lines.pop(),   # cut inside the last field
     "line 9: the last line is cut short: the file ends in the middle of it"),
])
def test_a_row_that_does_not_line_up_with_the_header_is_refused(database, tmp_path, change,
                                                                 message):
    assert refused(database, damaged(tmp_path, change)).startswith(f"bad.txt, {message}")


@pytest.mark.parametrize("kind", ["feedback", "returns", "fba-returns", "settlement"])
@pytest.mark.parametrize("tabs", [b"", b"\t\t"], ids=["a tab lost", "a tab added"])
def test_every_report_refuses_a_row_that_does_not_line_up(database, tmp_path, kind, tabs,
                                                          monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    import_orders(database.engine, base_files(tmp_path)["orders"][0])
    path, marketplace = base_files(tmp_path)[kind]
    lines = path.read_bytes().split(b"\r\n")
    width = lines[0].count(b"\t") + 1
    lines[2] = lines[2].replace(b"\t", tabs, 1)
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(InputError) as error:
        kinds.import_report(database.engine, path, kind=kind, marketplace=marketplace)
    fields = width - 1 if not tabs else width + 1
    assert str(error.value).startswith(
        f"{path.name}, line 3: the row has {fields} fields but the header has {width}")


def test_a_quote_is_a_character_not_the_start_of_a_quoted_field(database, tmp_path):
    rows = [dict(r) for r in ROWS]
    rows[1]["product-name"] = '"Title 2'        # a quote the CSV rules would take all of
    rows[3]["product-name"] = 'Title 4 "12 in"'  # lines 3 to 5 into, as one field
    import_orders(database.engine, write(tmp_path / "quoted.txt", rows))
    titles = [order(database.engine, r["amazon-order-id"]).items[0].title for r in rows]
    assert titles == [r["product-name"] for r in rows]


NOT_UTF8 = "this line is not valid UTF-8 text (the file mixes encodings"


@pytest.mark.parametrize(("damage", "message"), [
    (codecs.BOM_UTF16_LE, NOT_UTF8),
    (b"\xed\xa0\x80", NOT_UTF8),                            # a surrogate, UTF-8 encoded
    ("Größe".encode("cp1252"), NOT_UTF8),                   # a line in Windows-1252
    ("Mug".encode("utf-16-le"), "this line has a NUL byte"),  # a line in UTF-16
], ids=["UTF-16 BOM", "surrogate", "Windows-1252", "UTF-16"])
def test_text_in_another_encoding_is_named_on_its_line_not_the_headers(database, tmp_path,
                                                                       damage, message):
    rows = [dict(r) for r in ROWS]
    rows[0]["product-name"] = "Größe M – Tasse"   # UTF-8 beyond doubt
    path = damaged(tmp_path, lambda lines: _set(lines, 5, lines[5] + damage), rows=rows)
    assert refused(database, path).startswith(f"bad.txt, line 6: {message}")


@pytest.mark.parametrize("damage", [codecs.BOM_UTF16_LE, b"\xed\xa0\x80"])
def test_damage_in_a_plain_ascii_file_is_named_on_its_line(database, tmp_path, damage):
    path = damaged(tmp_path, lambda lines: _set(lines, 5, lines[5] + damage))
    assert refused(database, path).startswith(f"bad.txt, line 6: {NOT_UTF8}")


@pytest.mark.parametrize("damage", [
    codecs.BOM_UTF16_LE, b"\xed\xa0\x80", "Größe – £5".encode()])
def test_a_windows_1252_file_with_a_line_in_another_encoding_is_refused(database, tmp_path,
                                                                       damage):
    rows = [dict(r, **{"product-name": "Größe M – Tasse"}) for r in ROWS]
    path = damaged(tmp_path, lambda lines: _set(lines, 5, lines[5] + damage), rows=rows,
                   encoding="cp1252")
    assert refused(database, path).startswith(
        "bad.txt, line 6: this line is not Windows-1252 text like the lines before it")


def many(count: int, **values) -> list[dict[str, str]]:
    """More rows than the first 256 KiB the encoding is guessed from."""
    return [row(f"114-{n // 10**7:07d}-{n % 10**7:07d}", **values) for n in range(count)]


def test_a_windows_1252_file_plain_ascii_for_its_first_thousand_lines(database, tmp_path):
    rows = [*many(1_500), row("114-9999999-0000001", title="Größe M – Tasse, £5")]
    import_orders(database.engine, write(tmp_path / "eu.txt", rows, encoding="cp1252"))
    title = order(database.engine, "114-9999999-0000001").items[0].title
    assert title == "Größe M – Tasse, £5"


def test_a_windows_1252_line_late_in_a_utf8_file_is_refused(database, tmp_path):
    rows = [row("114-9999999-0000000", title="Größe"), *many(1_500)]
    path = write(tmp_path / "late.txt", rows)
    with open(path, "ab") as f:
        f.write("\t".join(row("114-9999999-0000001", title="Größe").get(c, "")
                          for c in HEADER).encode("cp1252") + b"\r\n")
    assert refused(database, path).startswith(
        "late.txt, line 1503: this line is not valid UTF-8 text")


@pytest.mark.parametrize("at", [3, 1_400], ids=["in the first 256 KiB", "past them"])
def test_a_nul_byte_anywhere_is_refused_on_its_line(database, tmp_path, at):
    path = write(tmp_path / "nul.txt", many(1_500))
    lines = path.read_bytes().split(b"\r\n")
    lines[at - 1] = lines[at - 1].replace(b"Shipped", b"Ship\x00ped", 1)
    path.write_bytes(b"\r\n".join(lines))
    assert path.stat().st_size > SNIFF_BYTES
    message = refused(database, path)
    assert message.startswith(f"nul.txt, line {at}: "), message
    assert "NUL byte" in message


@pytest.mark.parametrize(("cell", "value", "message"), [
    ("quantity", "1_0", "'1_0' is not a whole number"),
    ("quantity", "٣", "'٣' is not a whole number"),
    ("quantity", "+5", "'+5' is not a whole number"),
    ("item-price", "２４.９９", "'２４.９９' is not a number"),
    ("item-price", "1,0,0.00", "'1,0,0.00' is not a number"),
    ("item-price", "9" * 5000, "is too large to be an amount"),   # past int()'s own limit
    ("purchase-date", "0001-01-01T00:00:00+01:00", "is not a date and time"),
])
def test_numbers_and_dates_not_as_amazon_writes_them(database, tmp_path, cell, value,
                                                     message):
    rows = [dict(r) for r in ROWS]
    rows[2] = {**rows[2], cell: value, "last-updated-date": "2026-10-01T08:13:02+00:00"}
    text = refused(database, write(tmp_path / "bad.txt", rows))
    assert text.startswith(f"bad.txt, line 4, column '{cell}': "), text
    assert message in text


@pytest.mark.parametrize(("kind", "line", "column", "value", "message"), [
    ("settlement", 4, "amount", "1e3", "'1e3' is not an amount"),
    ("settlement", 4, "amount", "-１０.００", "is not an amount"),
    ("settlement", 4, "posted-date-time", "２０２６-10-05 10:00:00 UTC", "is not a date"),
    ("returns", 3, "Return quantity", "1_0", "'1_0' is not a quantity of items"),
    ("returns", 3, "Refunded Amount", "３０.００", "is not a number"),
    ("returns", 3, "Return request date", "1٥-Oct-2026", "is not a date"),
    ("fba-returns", 3, "quantity", "1_0", "'1_0' is not a quantity of items"),
    ("feedback", 3, "Date", "１0/02/26", "is not a date written M/D/YY"),
])
def test_every_report_reads_numbers_and_dates_only_as_amazon_writes_them(
        database, tmp_path, kind, line, column, value, message, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    import_orders(database.engine, base_files(tmp_path)["orders"][0])
    path, marketplace = base_files(tmp_path)[kind]
    lines = path.read_bytes().decode().split("\r\n")
    cells = lines[line - 1].split("\t")
    cells[lines[0].split("\t").index(column)] = value
    lines[line - 1] = "\t".join(cells)
    path.write_bytes("\r\n".join(lines).encode())
    with pytest.raises(InputError) as error:
        kinds.import_report(database.engine, path, kind=kind, marketplace=marketplace)
    assert str(error.value).startswith(f"{path.name}, line {line}, column '{column}': ")
    assert message in str(error.value)
