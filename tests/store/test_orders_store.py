from datetime import date, datetime

import pytest

from sellerdesk.core.orders import Channel, OrderFilter, OrderOrdering, OrderSort
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.orders import (
    ITEM_COLUMNS,
    ORDER_COLUMNS,
    count_orders,
    get_order,
    list_orders,
    refresh_totals,
    trim_items,
    upsert_orders,
)


def head(order_id, *, day=1, market="US", currency="USD", channel="AFN", status="Shipped",
         total=2499):
    return as_row(ORDER_COLUMNS, {
        "order_id": order_id, "merchant_order_id": "", "purchase_date": datetime(2026, 10, day, 12),
        "last_updated": datetime(2026, 10, day, 13), "status": status, "marketplace": market,
        "sales_channel": "", "channel": channel, "currency": currency, "ship_service_level": "",
        "ship_country": "", "is_business": False, "units": 1, "first_title": "Mug",
        "items_minor": total, "shipping_minor": 0, "tax_minor": 0, "discount_minor": 0,
        "total_minor": total,
    })


def item(order_id, line=0, *, sku="MUG-1", title="Ceramic Mug", price=2499, asin="B0MUG00001"):
    return as_row(ITEM_COLUMNS, {
        "order_id": order_id, "line": line, "sku": sku, "asin": asin, "title": title,
        "status": "Shipped", "quantity": 1, "item_price_minor": price, "shipping_price_minor": 0,
        "item_tax_minor": 0, "shipping_tax_minor": 0, "promotion_minor": 0})


def as_row(columns, values):
    assert set(values) == set(columns)
    return tuple(values[c] for c in columns)


@pytest.fixture
def engine(database):
    orders = [
        head("114-0000001-0000001", day=1),
        head("114-0000002-0000002", day=2, channel="MFN"),
        head("203-0000003-0000003", day=3, market="UK", currency="GBP", status="Cancelled"),
        head("503-0000004-0000004", day=4, market="JP", currency="JPY", total=3700),
    ]
    items = [item(o[0], price=o[ORDER_COLUMNS.index("items_minor")]) for o in orders]
    items[2] = item("203-0000003-0000003", sku="LAMP-LED", title="LED Desk Lamp 100% brighter",
                    asin="B0LAMP0001")
    with writing(database.engine) as conn:
        upsert_orders(conn, orders=orders, items=items)
    return database.engine


def ids(engine, **kwargs):
    with reading(engine) as conn:
        return [o.order_id for o in list_orders(conn, flt=OrderFilter(**kwargs))]


def test_newest_first(engine):
    assert ids(engine) == ["503-0000004-0000004", "203-0000003-0000003",
                           "114-0000002-0000002", "114-0000001-0000001"]


@pytest.mark.parametrize(("search", "expected"), [
    ("114-", ["114-0000002-0000002", "114-0000001-0000001"]),
    ("114-0000001", ["114-0000001-0000001"]),
    ("5", ["503-0000004-0000004"]),
    ("LAMP", ["203-0000003-0000003"]),            # SKU prefix
    ("b0lamp0001", ["203-0000003-0000003"]),      # ASIN, any case
    ("desk lamp", ["203-0000003-0000003"]),       # words of the title, any case
    ("lamp desk", ["203-0000003-0000003"]),       # in any order
    ("LED-LAMP", ["203-0000003-0000003"]),        # the SKU's parts, in any order
    ("lamp mug", []),                             # every word, not any
    ("desk la", []),                              # words are whole…
    ("desk la*", ["203-0000003-0000003"]),        # …unless a star says it is a beginning
    ("100%", ["203-0000003-0000003"]),            # LIKE wildcards are literal
    ("_", []),
    ("nothing like it", []),
])
def test_search(engine, search, expected):
    assert ids(engine, search=search) == expected


def test_filters(engine):
    assert ids(engine, marketplaces=frozenset({"UK", "JP"})) == ["503-0000004-0000004",
                                                                 "203-0000003-0000003"]
    assert ids(engine, channel=Channel.MFN) == ["114-0000002-0000002"]
    assert ids(engine, statuses=frozenset({"Cancelled"})) == ["203-0000003-0000003"]
    # the date range includes both ends
    assert ids(engine, date_from=date(2026, 10, 2), date_to=date(2026, 10, 3)) == [
        "203-0000003-0000003", "114-0000002-0000002"]
    with reading(engine) as conn:
        assert count_orders(conn, flt=OrderFilter(search="114-")) == 2
        assert count_orders(conn) == 4


def test_pages(engine):
    with reading(engine) as conn:
        first = list_orders(conn, offset=0, limit=3)
        rest = list_orders(conn, offset=3, limit=3)
    assert len(first) == 3
    assert [o.order_id for o in rest] == ["114-0000001-0000001"]


def test_get_order_with_money_in_its_currency(engine):
    with reading(engine) as conn:
        order = get_order(conn, order_id="503-0000004-0000004")
        missing = get_order(conn, order_id="999-0000000-0000000")
    assert missing is None
    assert order.total.display() == "¥3,700"
    assert [i.sku for i in order.items] == ["MUG-1"]


def test_upsert_updates_in_place_and_trims_lost_items(engine):
    with writing(engine) as conn:
        upsert_orders(conn, orders=[head("114-0000001-0000001", status="Cancelled")],
                      items=[item("114-0000001-0000001", 0, sku="NEW-SKU"),
                             item("114-0000001-0000001", 1, sku="SECOND")])
        trim_items(conn, line_counts=[{"oid": "114-0000001-0000001", "n": 1}])
        refresh_totals(conn, order_ids=["114-0000001-0000001"])
    with reading(engine) as conn:
        order = get_order(conn, order_id="114-0000001-0000001")
        assert count_orders(conn) == 4
    assert order.status == "Cancelled"
    assert [i.sku for i in order.items] == ["NEW-SKU"]
    assert order.total.display() == "$24.99"


def test_deleting_an_order_takes_its_items(engine):
    """Foreign keys are enforced on both backends (SQLite needs the pragma)."""
    with writing(engine) as conn:
        conn.exec_driver_sql("DELETE FROM orders WHERE order_id = '114-0000001-0000001'")
        left = conn.exec_driver_sql(
            "SELECT count(*) FROM order_item WHERE order_id = '114-0000001-0000001'").scalar()
    assert left == 0


def test_bulk_writes_store_datetimes_as_sqlalchemy_does():
    import sqlalchemy as sa
    from sqlalchemy.dialects import sqlite

    from sellerdesk.store.orders import sqlite_datetime
    dialect = sqlite.dialect()
    process = sa.DateTime().dialect_impl(dialect).bind_processor(dialect)
    for value in (datetime(2026, 10, 1, 8, 13, 2), datetime(1999, 1, 2, 3, 4, 5, 678),
                  datetime(2026, 12, 31, 23, 59, 59, 999999)):
        assert sqlite_datetime(value) == process(value)


def test_search_ignores_accents_both_ways(database):
    orders = [head("114-0000001-0000001", day=1), head("114-0000002-0000002", day=2)]
    items = [item(orders[0][0], title="Café Crème Mug, Speckled"),
             item(orders[1][0], sku="TEA-SET", title="Cafe Creme Tea Set")]
    with writing(database.engine) as conn:
        upsert_orders(conn, orders=orders, items=items)
    both = ["114-0000002-0000002", "114-0000001-0000001"]
    assert ids(database.engine, search="cafe creme") == both
    assert ids(database.engine, search="CAFÉ crème") == both
    assert ids(database.engine, search="crème mug") == ["114-0000001-0000001"]
    with reading(database.engine) as conn:
        assert count_orders(conn, flt=OrderFilter(search="creme cafe")) == 2


def test_search_follows_an_order_written_again(engine):
    """A re-imported order is found by its new words and no longer by those it lost."""
    order = head("203-0000003-0000003", day=3, market="UK", currency="GBP")
    with writing(engine) as conn:
        upsert_orders(conn, orders=[order], items=[item(order[0], sku="TOTE-1",
                                                        title="Canvas Tote Bag")])
        trim_items(conn, line_counts=[{"oid": order[0], "n": 1}])
    assert ids(engine, search="desk lamp") == []
    assert ids(engine, search="tote canvas") == ["203-0000003-0000003"]
    two_lines = [item(order[0], 0, sku="TOTE-1", title="Canvas Tote Bag"),
                 item(order[0], 1, sku="SOCK-3", title="Wool Socks")]
    with writing(engine) as conn:
        upsert_orders(conn, orders=[order], items=two_lines)
    assert ids(engine, search="socks") == ["203-0000003-0000003"]
    with writing(engine) as conn:
        trim_items(conn, line_counts=[{"oid": order[0], "n": 1}])   # the socks are gone
    assert ids(engine, search="socks") == []
    assert ids(engine, search="tote") == ["203-0000003-0000003"]


def _sorted(engine, key, descending, **kwargs):
    with reading(engine) as conn:
        return [o.order_id for o in list_orders(conn, flt=OrderFilter(**kwargs),
                                                ordering=OrderOrdering(key, descending))]


@pytest.mark.parametrize(("key", "ascending"), [
    (OrderSort.ORDER_ID, ["114-0000001-0000001", "114-0000002-0000002",
                          "203-0000003-0000003", "503-0000004-0000004"]),
    (OrderSort.PURCHASED, ["114-0000001-0000001", "114-0000002-0000002",
                           "203-0000003-0000003", "503-0000004-0000004"]),
    (OrderSort.MARKETPLACE, ["503-0000004-0000004", "203-0000003-0000003",    # JP, UK, US
                             "114-0000001-0000001", "114-0000002-0000002"]),
    (OrderSort.CHANNEL, ["114-0000001-0000001", "203-0000003-0000003",
                         "503-0000004-0000004", "114-0000002-0000002"]),    # AFN…, MFN
    (OrderSort.STATUS, ["203-0000003-0000003", "114-0000001-0000001",
                        "114-0000002-0000002", "503-0000004-0000004"]),    # Cancelled first
    (OrderSort.TOTAL, ["203-0000003-0000003", "503-0000004-0000004",      # GBP, JPY, USD
                       "114-0000001-0000001", "114-0000002-0000002"]),
])
def test_every_column_sorts_both_ways_ties_by_order_id(engine, key, ascending):
    assert _sorted(engine, key, False) == ascending
    assert _sorted(engine, key, True) == ascending[::-1]


def test_a_sort_pages_through_ties_without_skipping_or_repeating(database):
    orders = [head(f"114-0000000-{n:07d}", day=1 + n % 3, status="Shipped" if n % 2 else
                   "Pending") for n in range(25)]
    with writing(database.engine) as conn:
        upsert_orders(conn, orders=orders, items=[item(o[0]) for o in orders])
    ordering = OrderOrdering(OrderSort.STATUS, descending=True)
    with reading(database.engine) as conn:
        pages = [list_orders(conn, ordering=ordering, offset=n, limit=7)
                 for n in range(0, 25, 7)]
    seen = [o.order_id for page in pages for o in page]
    assert sorted(seen) == sorted(o[0] for o in orders)
    assert [o.status for o in pages[0][:1]] == ["Shipped"]
    assert seen[:2] == ["114-0000000-0000023", "114-0000000-0000021"]


def test_a_search_by_words_sorts_as_asked(engine):
    with writing(engine) as conn:
        extra = head("114-0000005-0000005", day=5, total=100)
        upsert_orders(conn, orders=[extra], items=[item(extra[0], title="Blue Mug")])
    assert _sorted(engine, OrderSort.TOTAL, False, search="mug") == [
        "503-0000004-0000004", "114-0000005-0000005", "114-0000001-0000001",
        "114-0000002-0000002"]


def test_many_matches_are_read_in_the_sorts_order(engine, monkeypatch):
    """Past a number of matches SQLite reads the sort's index rather than sorting every
    match: the same orders come back, in the same order."""
    few = _sorted(engine, OrderSort.MARKETPLACE, True, search="mug")
    monkeypatch.setattr("sellerdesk.store.orders._MANY_MATCHES", 2)
    assert _sorted(engine, OrderSort.MARKETPLACE, True, search="mug") == few == [
        "114-0000002-0000002", "114-0000001-0000001", "503-0000004-0000004"]


def _dated(order_id, when):
    row = dict(zip(ORDER_COLUMNS, head(order_id), strict=True))
    row.update(purchase_date=when, last_updated=when)
    return as_row(ORDER_COLUMNS, row)


def _pages(engine, search, descending, size):
    found, offset = [], 0
    with reading(engine) as conn:
        while page := list_orders(conn, flt=OrderFilter(search=search), offset=offset,
                                  limit=size,
                                  ordering=OrderOrdering(OrderSort.PURCHASED, descending)):
            found += [o.order_id for o in page]
            offset += size
    return found


@pytest.mark.parametrize("descending", [True, False])
def test_a_search_pages_through_its_matches_by_purchase_date(database, descending):
    """The search's keys sort by day only, and orders are written in no particular order:
    each page, in either direction, still holds the next matches by the minute they were
    bought, ties by order id, none skipped or repeated."""
    import random
    shuffle = random.Random(24)
    orders, lamps = [], []
    for n in range(60):
        when = datetime(2026, 10, 1 + n % 5, (7 * n) % 24, n % 3)   # same minutes recur
        order_id = f"114-{n:07d}-{n:07d}"
        lamp = n % 3 != 1
        orders.append((_dated(order_id, when), item(
            order_id, sku="LAMP-LED" if lamp else "MUG-1",
            title="LED Desk Lamp" if lamp else "Ceramic Mug")))
        if lamp:
            lamps.append((when, order_id))
    shuffle.shuffle(orders)
    with writing(database.engine) as conn:
        for order, line in orders:       # one order a write: rowids in shuffled order
            upsert_orders(conn, orders=[order], items=[line])
    expected = [order_id for _, order_id in sorted(lamps, reverse=descending)]
    for size in (1, 7, 100):
        assert _pages(database.engine, "lamp desk", descending, size) == expected
    assert _pages(database.engine, "teapot", descending, 7) == []


def test_the_search_words_follow_orders_written_again_on_another_day(database):
    """Orders re-imported with another purchase day, other items, fewer lines: the words
    are forgotten as they were written and written as they are, so each word finds
    exactly the orders whose rows hold it now."""
    import random
    shuffle = random.Random(7)
    words = ["lamp", "mug", "tote", "socks", "kettle"]
    held: dict[str, set[str]] = {}
    for round_ in range(6):
        with writing(database.engine) as conn:
            for n in shuffle.sample(range(20), 12):
                order_id = f"114-{n:07d}-0000000"
                chosen = shuffle.sample(words, shuffle.randint(1, 3))
                when = datetime(2026, 10, shuffle.randint(1, 28), shuffle.randint(0, 23))
                lines = [item(order_id, line, sku=f"S-{word}", title=f"Blue {word}")
                         for line, word in enumerate(chosen)]
                upsert_orders(conn, orders=[_dated(order_id, when)], items=lines)
                kept = shuffle.randint(1, len(chosen)) if round_ else len(chosen)
                trim_items(conn, line_counts=[{"oid": order_id, "n": kept}])
                held[order_id] = set(chosen[:kept])
    for word in words:
        expected = {order_id for order_id, have in held.items() if word in have}
        assert set(ids(database.engine, search=word)) == expected, word
        with reading(database.engine) as conn:
            assert count_orders(conn, flt=OrderFilter(search=word)) == len(expected)
