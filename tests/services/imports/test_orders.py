import multiprocessing
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from sellerdesk.core.errors import Cancelled, InputError, KnownError
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.store.core_tables import ORDER_ITEMS, ORDERS
from sellerdesk.store.engine import reading
from tests.conftest import AMAZON
from tests.helpers.reports import HEADER, row, write
from tests.helpers.stored_orders import order


def snapshot(engine) -> dict[str, list]:
    """Every row of every order table and their indexes (a large import on SQLite drops
    and rebuilds them), to prove a failed import changed nothing."""
    with reading(engine) as conn:
        found: dict[str, list] = {
            table: sorted(tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {table}"))
            for table in ("orders", "order_item")}
        found["indexes"] = sorted(index["name"] for table in ("orders", "order_item")
                                  for index in sa.inspect(conn).get_indexes(table))
    return found


@pytest.fixture(params=[False, True], ids=["in-process", "reading-process"])
def in_worker(request) -> bool:
    """Where the file is parsed: a large report is read in a second process."""
    return request.param


@pytest.fixture
def report(tmp_path) -> Path:
    return write(tmp_path / "All Orders.txt", [
        row("114-3941689-8772232", sku="BK-COOK-01", price="49.98", quantity=2, tax="3.50"),
        row("114-3941689-8772232", sku="MUG-CER-12", title="Ceramic Mug", price="14.50",
            promotion="-1.45"),
        row("203-1111111-2222222", channel="Amazon.co.uk", currency="GBP", price="19.99",
            fulfilment="Merchant", shipping="2.99", date="2026-10-02T09:00:00+00:00"),
        row("503-3333333-4444444", channel="Amazon.co.jp", currency="JPY", price="3700",
            title="家庭料理の一年", date="2026-10-03T01:00:00+09:00"),
    ])


def test_import_groups_items_into_orders(database, report, in_worker):
    result = import_orders(database.engine, report, in_worker=in_worker)
    assert result.as_json() == {"file": "All Orders.txt", "kind": "orders", "rows": 4,
                                "orders_added": 3, "orders_updated": 0, "skipped": []}
    us = order(database.engine, "114-3941689-8772232")
    assert [(i.sku, i.quantity, str(i.unit_price)) for i in us.items] == [
        ("BK-COOK-01", 2, "24.99"), ("MUG-CER-12", 1, "14.50")]
    assert (str(us.items_total), str(us.tax_total), str(us.discount_total), str(us.total)) == (
        "64.48", "3.50", "1.45", "66.53")
    uk = order(database.engine, "203-1111111-2222222")
    assert (uk.marketplace, uk.channel.value, uk.total.display()) == ("UK", "MFN", "£22.98")
    jp = order(database.engine, "503-3333333-4444444")
    assert (jp.total.display(), jp.items[0].title, str(jp.purchase_date)) == (
        "¥3,700", "家庭料理の一年", "2026-10-02 16:00:00")


def test_importing_the_same_file_twice_changes_nothing(database, report):
    import_orders(database.engine, report)
    before = snapshot(database.engine)
    again = import_orders(database.engine, report)
    assert (again.orders_added, again.orders_updated) == (0, 3)
    assert snapshot(database.engine) == before


def test_an_updated_report_updates_orders_in_place(database, report, tmp_path, in_worker):
    import_orders(database.engine, report)
    newer = write(tmp_path / "newer.txt", [
        row("114-3941689-8772232", sku="BK-COOK-01", price="49.98", quantity=2,
            status="Cancelled", updated="2026-10-05T00:00:00+00:00"),
        row("999-0000000-0000001", price="5.00"),
    ])
    result = import_orders(database.engine, newer, in_worker=in_worker)
    assert (result.orders_added, result.orders_updated) == (1, 1)
    us = order(database.engine, "114-3941689-8772232")
    assert us.status == "Cancelled"
    assert [i.sku for i in us.items] == ["BK-COOK-01"]  # the mug line is gone, not doubled
    assert str(us.total) == "49.98"
    assert len(snapshot(database.engine)["orders"]) == 4


def test_rows_of_one_order_scattered_through_the_file(database, tmp_path, in_worker):
    path = write(tmp_path / "scattered.txt", [
        row("114-0000000-0000001", sku="A", price="1.00"),
        row("114-0000000-0000002", sku="B", price="2.00"),
        row("114-0000000-0000001", sku="C", price="3.00"),
    ])
    import_orders(database.engine, path, in_worker=in_worker)
    first = order(database.engine, "114-0000000-0000001")
    assert [i.sku for i in first.items] == ["A", "C"]
    with reading(database.engine) as conn:
        stored = conn.exec_driver_sql(
            "SELECT total_minor, units FROM orders WHERE order_id = '114-0000000-0000001'").one()
    assert tuple(stored) == (400, 2)


def test_a_text_holding_a_nul_is_stored_whole_wherever_the_file_is_read(
        sqlite_database, tmp_path, in_worker):
    """A reading process hands its texts over joined on NUL; a UTF-16 report may hold
    one in a cell (in an 8-bit file a NUL is refused as damage), and that cell arrives
    as it was, with its neighbours in their own columns. (SQLite: PostgreSQL's text
    cannot hold a NUL at all.)"""
    path = write(tmp_path / "utf16.txt", [
        row("114-0000000-0000001", title="Mug\x00Blue", sku="MUG-1"),
        row("114-0000000-0000002", title="", sku="PLATE-2")], encoding="utf-16")
    import_orders(sqlite_database.engine, path, in_worker=in_worker)
    with reading(sqlite_database.engine) as conn:
        stored = conn.exec_driver_sql(
            "SELECT order_id, sku, title FROM order_item ORDER BY order_id").all()
    assert [tuple(r) for r in stored] == [("114-0000000-0000001", "MUG-1", "Mug\x00Blue"),
                                          ("114-0000000-0000002", "PLATE-2", "")]


def test_a_reimported_order_scattered_across_batches_keeps_exactly_its_lines(
        database, tmp_path, in_worker):
    scattered = "114-0000000-9999999"
    import_orders(database.engine, write(tmp_path / "first.txt", [
        row(scattered, sku=sku, price="1.00") for sku in ("A", "B", "C", "D")]))
    filler = [row(f"114-0000000-{n:07d}") for n in range(2_500)]   # more than a batch
    later = write(tmp_path / "later.txt", [row(scattered, sku="A", price="2.00"), *filler,
                                           row(scattered, sku="E", price="3.00")])
    result = import_orders(database.engine, later, in_worker=in_worker)
    assert (result.orders_added, result.orders_updated) == (2_500, 1)
    again = order(database.engine, scattered)
    assert [(i.sku, str(i.unit_price)) for i in again.items] == [("A", "2.00"), ("E", "3.00")]
    assert str(again.total) == "5.00"


def test_duplicate_rows_and_repeated_headers_are_skipped_and_listed(database, tmp_path, in_worker):
    r = row("114-0000000-0000001", sku="A")
    path = write(tmp_path / "dupes.txt", [r, r, dict(zip(HEADER, HEADER, strict=True))])
    result = import_orders(database.engine, path, in_worker=in_worker)
    assert result.rows == 1
    assert result.skipped == [{"line": 3, "reason": "the same row as line 2"},
                              {"line": 4, "reason": "the header line repeated"}]


def test_amazons_own_sample_file_with_only_header_rows(database):
    """Airbyte's fixture of the archived-orders report: a header repeated as data rows."""
    sample = AMAZON / "reports" / "airbyte_GET_FLAT_FILE_ARCHIVED_ORDERS_DATA_BY_ORDER_DATE.tsv"
    result = import_orders(database.engine, sample)
    assert result.rows == 0
    assert [s["reason"] for s in result.skipped] == ["the header line repeated"] * 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "cp932"])
def test_every_encoding_seller_central_writes(database, tmp_path, encoding):
    title = "家庭料理の一年：365のレシピ" if encoding == "cp932" else "Größe M – Crème brûlée"
    rows = [row(f"114-0000000-{n:07d}", title=title) for n in range(30)]
    path = write(tmp_path / "enc.txt", rows, encoding=encoding)
    import_orders(database.engine, path, marketplace="JP" if encoding == "cp932" else None)
    assert order(database.engine, "114-0000000-0000007").items[0].title == title


def test_unknown_columns_ignored_and_optional_columns_missing(database, tmp_path):
    header = ["sku", "quantity", "brand-new-amazon-column", "amazon-order-id", "purchase-date",
              "order-status", "fulfillment-channel", "currency", "item-price"]
    path = write(tmp_path / "lean.txt", [row(**{"brand-new-amazon-column": "x"})], header=header)
    result = import_orders(database.engine, path, marketplace="US")
    assert result.rows == 1
    assert order(database.engine, "114-3941689-8772232").total.display() == "$24.99"


def test_blank_prices_on_pending_orders_use_the_marketplace_currency(database, tmp_path):
    path = write(tmp_path / "pending.txt", [
        row(status="Pending", currency="", price="", tax="", shipping="", promotion="",
            channel="Amazon.de")])
    import_orders(database.engine, path)
    pending = order(database.engine, "114-3941689-8772232")
    assert (pending.currency, pending.total.display()) == ("EUR", "€0.00")


@pytest.mark.parametrize(("bad", "message"), [
    ({"item-price": "24,999.999"}, "line 3, column 'item-price': '24,999.999' has more decimals"),
    ({"item-price": "twelve"}, "line 3, column 'item-price': 'twelve' is not a number"),
    ({"purchase-date": "31/12/2026"}, "line 3, column 'purchase-date': '31/12/2026' is not a date"),
    ({"quantity": "1.5"}, "line 3, column 'quantity': '1.5' is not a whole number"),
    ({"currency": "XXX"}, "line 3, column 'currency': unknown currency 'XXX'"),
    ({"fulfillment-channel": "Drone"}, "line 3, column 'fulfillment-channel': 'Drone' is neither"),
    ({"sales-channel": "Non-Amazon", "currency": "USD"},
     "line 3, column 'sales-channel': unknown sales channel 'Non-Amazon'; pass --marketplace"),
    ({"amazon-order-id": " "}, "line 3, column 'amazon-order-id': the order id is empty"),
])
def test_bad_field_names_file_line_and_column_and_changes_nothing(database, report, tmp_path,
                                                                  bad, message):
    import_orders(database.engine, report)
    before = snapshot(database.engine)
    rows = [row("114-0000000-0000001"), row("114-0000000-0000002", **bad), row("114-0000000-3")]
    path = write(tmp_path / "bad.txt", rows)
    with pytest.raises(InputError) as error:
        import_orders(database.engine, path)
    assert str(error.value).startswith(f"bad.txt, {message}")
    assert snapshot(database.engine) == before


def test_a_truncated_download(database, tmp_path, in_worker):
    path = write(tmp_path / "cut.txt", [row("114-0000000-0000001"), row("114-0000000-0000002")])
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b"\tShipped\t")])  # cut inside the last line
    with pytest.raises(InputError, match=r"cut\.txt, line 3: the last line is cut short: "
                                         r"the file ends in the middle of it"):
        import_orders(database.engine, path, in_worker=in_worker)
    assert snapshot(database.engine) | {"indexes": []} == {"orders": [], "order_item": [],
                                                           "indexes": []}
    declared = {index.name for table in (ORDERS, ORDER_ITEMS) for index in table.indexes}
    assert declared <= set(snapshot(database.engine)["indexes"])   # rolled back with the rest


def test_a_file_that_switches_encoding_half_way(database, tmp_path, in_worker):
    rows = [row(f"114-0000000-{n:07d}", title="Größe" if n == 0 else "Mug")
            for n in range(20_000)]
    path = write(tmp_path / "mixed.txt", rows)      # UTF-8, its second line says so
    with open(path, "ab") as f:
        f.write("\t".join(row("114-9", title="Größe").get(c, "") for c in HEADER)
                .encode("cp1252") + b"\r\n")
    with pytest.raises(InputError, match=r"mixed\.txt, line 20002: this line is not valid "
                                         r"UTF-8 text \(the file mixes encodings"):
        import_orders(database.engine, path, in_worker=in_worker)
    assert snapshot(database.engine) | {"indexes": []} == {"orders": [], "order_item": [],
                                                           "indexes": []}
    declared = {index.name for table in (ORDERS, ORDER_ITEMS) for index in table.indexes}
    assert declared <= set(snapshot(database.engine)["indexes"])   # rolled back with the rest


@pytest.mark.parametrize(("sample", "what"), [
    ("airbyte_GET_SELLER_FEEDBACK_DATA.tsv", "a Seller Feedback report"),
    ("airbyte_GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE.tsv", "a Returns report"),
    ("airbyte_GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA.tsv", "an FBA customer returns report"),
    ("airbyte_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE.tsv", "a settlement report"),
])
def test_another_report_is_recognised(database, sample, what):
    with pytest.raises(InputError, match=f"line 1: this is {what}"):
        import_orders(database.engine, AMAZON / "reports" / sample)


def test_cancel_leaves_the_database_as_it_was(database, report, tmp_path, in_worker):
    import_orders(database.engine, report)
    before = snapshot(database.engine)
    big = write(tmp_path / "big.txt", [row(f"114-0000000-{n:07d}") for n in range(12_000)])
    seen = []
    with pytest.raises(Cancelled, match="The import was cancelled; nothing was changed"):
        import_orders(database.engine, big, progress=lambda f, m: seen.append(f),
                      cancelled=lambda: len(seen) >= 2, in_worker=in_worker)
    assert snapshot(database.engine) == before
    assert len(seen) == 2
    assert multiprocessing.active_children() == []   # the reading process was stopped


def test_a_bad_field_read_in_the_reading_process_reads_the_same(database, tmp_path):
    rows = [row(f"114-0000000-{n:07d}") for n in range(4_000)]
    rows[2_500]["item-price"] = "twelve"
    path = write(tmp_path / "bad.txt", rows)
    messages = set()
    for in_worker in (False, True):
        with pytest.raises(InputError) as error:
            import_orders(database.engine, path, in_worker=in_worker)
        messages.add(str(error.value))
    assert messages == {"bad.txt, line 2502, column 'item-price': 'twelve' is not a number"}
    assert snapshot(database.engine)["orders"] == []


def test_a_large_first_import_ends_with_every_index(database, tmp_path):
    empty = snapshot(database.engine)
    assert {"ix_orders_purchase_date", "ix_order_item_sku"} <= set(empty["indexes"])
    big = write(tmp_path / "big.txt", [row(f"114-0000000-{n:07d}", sku=f"SKU-{n % 7}")
                                       for n in range(3_000)])
    import_orders(database.engine, big)
    assert snapshot(database.engine)["indexes"] == empty["indexes"]
    with reading(database.engine) as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM order_item WHERE sku = 'SKU-3'"
                                    ).scalar() == sum(1 for n in range(3_000) if n % 7 == 3)


def test_progress_reaches_the_end(sqlite_database, tmp_path):
    path = write(tmp_path / "p.txt", [row(f"114-0000000-{n:07d}") for n in range(5_000)])
    seen: list[float] = []
    import_orders(sqlite_database.engine, path, progress=lambda f, m: seen.append(f))
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    assert len(seen) >= 3


def test_a_locked_database_fails_cleanly_and_changes_nothing(sqlite_url, report, monkeypatch):
    """Another program holds the write lock past the busy timeout: a clear error."""
    from sellerdesk.services.database import open_database
    monkeypatch.setattr("sellerdesk.store.engine.BUSY_TIMEOUT_MS", 150)
    db = open_database(sqlite_url)
    locker = sqlite3.connect(sqlite_url, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(KnownError, match="locked by another program"):
            import_orders(db.engine, report)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert snapshot(db.engine)["orders"] == snapshot(db.engine)["order_item"] == []
    assert import_orders(db.engine, report).orders_added == 3
