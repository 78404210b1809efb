import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.errors import InputError
from sellerdesk.services.report_reader import (
    detect_encoding,
    open_report,
    parse_minor,
    parse_quantity,
    parse_timestamp,
)


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
