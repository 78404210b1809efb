"""Order queries. Reads return plain records from `core`; writes are bulk Core statements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sellerdesk.core.money import Money
from sellerdesk.core.orders import (
    Channel,
    Order,
    OrderFilter,
    OrderId,
    OrderItem,
    OrderOrdering,
    OrderSort,
    OrderSummary,
    looks_like_order_id,
    search_words,
)
from sellerdesk.store.core_tables import ORDER_DAYS, ORDER_ITEMS, ORDERS

o, i = ORDERS.c, ORDER_ITEMS.c
NO_FILTER = OrderFilter()

ORDER_COLUMNS = [c.name for c in ORDERS.columns]
ITEM_COLUMNS = [c.name for c in ORDER_ITEMS.columns]


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """Whole days as [first midnight, the midnight after the last day): how a range of
    dates is asked of the naive-UTC datetime columns."""
    return datetime.combine(first, time.min), datetime.combine(last + timedelta(days=1), time.min)


# -- writes -----------------------------------------------------------------------------
def upsert_statement(conn: Connection, table: sa.Table, keys: Sequence[str]):
    # The dialect's own module, imported when asked for: a desk on SQLite never loads
    # PostgreSQL's (and its asyncpg parts), which cost a command 20 ms to start.
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    insert = dialect_insert(table)
    updates = {c.name: insert.excluded[c.name] for c in table.columns if c.name not in keys}
    return insert.on_conflict_do_update(index_elements=list(keys), set_=updates)


def upsert_orders(conn: Connection, *, orders: Sequence[Sequence[Any]],
                  items: Sequence[Sequence[Any]]) -> None:
    """Insert or refresh orders and their items: rows are tuples in ORDER_COLUMNS and
    ITEM_COLUMNS order, written with one executemany each."""
    order_ids = [order[0] for order in orders]
    _forget_words(conn, order_ids)
    upsert_rows(conn, ORDERS, ("order_id",), orders)
    upsert_rows(conn, ORDER_ITEMS, ("order_id", "line"), items)
    _write_words(conn, order_ids)


def upsert_rows(conn: Connection, table: sa.Table, keys: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """Insert or refresh rows given as tuples in the table's column order, with one
    executemany (straight on the driver for SQLite, where it matters at a million rows)."""
    if not rows:
        return
    statement = upsert_statement(conn, table, keys)
    if conn.dialect.name == "sqlite":
        _executemany_sqlite(conn, table, statement, rows)
    else:
        names = [c.name for c in table.columns]
        conn.execute(statement, [dict(zip(names, r, strict=True)) for r in rows])


_COMPILED: dict[tuple[str, str], tuple[str, list[int]]] = {}


def sqlite_datetime(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores, made in C (a test holds them equal)."""
    return value.isoformat(" ", "microseconds")


def _executemany_sqlite(conn: Connection, table: sa.Table, statement,
                        rows: Sequence[Sequence[Any]]) -> None:
    """The compiled statement run straight on the driver: SQLAlchemy's per-row parameter
    handling costs more than SQLite's own insert at a million rows. Dates and datetimes
    are stored as the same text SQLAlchemy's own SQLite types write."""
    cached = _COMPILED.get((conn.dialect.name, table.name))
    if cached is None:
        compiled = statement.compile(dialect=conn.dialect)
        names = [c.name for c in table.columns]
        cached = (compiled.string, [names.index(key) for key in compiled.positiontup])
        _COMPILED[(conn.dialect.name, table.name)] = cached
    sql, order = cached
    times = [n for n, c in enumerate(table.columns) if isinstance(c.type, sa.DateTime)]
    days = [n for n, c in enumerate(table.columns) if isinstance(c.type, sa.Date)]
    if times or days:
        converted = []
        for r in rows:
            values = list(r)
            for n in times:
                values[n] = sqlite_datetime(values[n])
            for n in days:
                values[n] = None if values[n] is None else values[n].isoformat()
            converted.append(tuple(values))
        rows = converted
    if order != list(range(len(order))):
        rows = [tuple(r[n] for n in order) for r in rows]
    if not (isinstance(rows, list) and isinstance(rows[0], tuple)):
        rows = list(map(tuple, rows))     # the driver call takes a list of tuples only
    conn.exec_driver_sql(sql, rows)


# -- full-text search --------------------------------------------------------------------
# SQLite: the FTS5 table order_search (migrations 0017, 0020), one row per order, its words
# the order's ids and its items' SKUs, ASINs and titles; written here for the orders an
# import touched, in the import's transaction. PostgreSQL keeps its GIN index on the
# items' words itself.
#
# Its rowid is not the order's rowid but a key that sorts by the day of purchase: the day
# (UTC, counted from 1970) in the high bits, the order's rowid in the low 32. FTS5 hands
# matches out in rowid order and stops when asked, so the newest page of a search on a
# word a third of the orders hold reads a few hundred entries, not all 300,000 (measured
# at 1,000,000 orders: 4 ms, where matching them all and reading the date index took
# 39). The key holds whole days only, so that an order's neighbours in the key are mostly
# its neighbours in the file: FTS5 writes a key far from the last one slowly (keys with
# the second of purchase made the rebuild three times slower).
#
# The table keeps no copy of the words (content=''): a fifth less to write, the words
# being the orders' own. Such a table forgets a row only when told its words, so an
# order's words are forgotten before its rows change (`_forget_words`, from the rows as
# they stand, which are what was written) and written again after (`_write_words`): every
# write to an order's ids or items goes through this module.
_SQLITE_WORDS = (
    "o.order_id || ' ' || o.merchant_order_id || ' ' || coalesce(("
    "SELECT group_concat(i.sku || ' ' || i.asin || ' ' || i.title, ' ') "
    "FROM order_item i WHERE i.order_id = o.order_id), '')"
)
_SQLITE_KEY = "((CAST(strftime('%s', o.purchase_date) AS INTEGER) / 86400) << 32) | o.rowid"
_ROWID_BITS = 32
_ROWID_MASK = (1 << _ROWID_BITS) - 1
_PG_WORDS = "to_tsvector('simple', sellerdesk_fold(sku || ' ' || asin || ' ' || title))"
_DEFERRED = "sellerdesk_order_search_deferred"   # conn.info: bulk_load rebuilds it at the end


def _search_kept_here(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite" and not conn.info.get(_DEFERRED)


def _for_each_chunk(conn: Connection, sql: str, order_ids: Sequence[str]) -> None:
    """`sql` with `{marks}` for the ids, run 500 ids a statement."""
    for start in range(0, len(order_ids), 500):
        chunk = tuple(order_ids[start:start + 500])
        conn.exec_driver_sql(sql.format(marks=", ".join("?" * len(chunk))), chunk)


def _forget_words(conn: Connection, order_ids: Sequence[str]) -> None:
    if _search_kept_here(conn) and order_ids:
        _for_each_chunk(conn, "INSERT INTO order_search (order_search, rowid, words) "
                        f"SELECT 'delete', {_SQLITE_KEY}, {_SQLITE_WORDS} FROM orders o "
                        "WHERE o.order_id IN ({marks})", order_ids)


def _write_words(conn: Connection, order_ids: Sequence[str]) -> None:
    if _search_kept_here(conn) and order_ids:
        # In key order: FTS5 writes keys that only grow several times faster.
        _for_each_chunk(conn, f"INSERT INTO order_search (rowid, words) SELECT {_SQLITE_KEY}, "
                        f"{_SQLITE_WORDS} FROM orders o WHERE o.order_id IN ({{marks}}) "
                        "ORDER BY 1", order_ids)


def rebuild_order_search(conn: Connection) -> None:
    """Every order's words written again (after a bulk load, a restore)."""
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("INSERT INTO order_search (order_search) VALUES ('delete-all')")
    conn.exec_driver_sql(
        f"INSERT INTO order_search (rowid, words) SELECT key, words FROM (SELECT "
        f"{_SQLITE_KEY} AS key, {_SQLITE_WORDS} AS words FROM orders o) ORDER BY key")


def _fts_query(words: list[str]) -> str:
    """Every word, in any order, each whole unless it ends in a star. Whole words, not
    the last one as a beginning (as typed so far): at 1,000,000 orders a beginning made
    a search on common words 2 to 3 times slower (37 → 14 ms to count, 89 → 43 to list)."""
    return " ".join(f'"{w[:-1]}"*' if w.endswith("*") else f'"{w}"' for w in words)


def _tsquery(words: list[str]) -> str:
    return " & ".join(f"'{w[:-1]}':*" if w.endswith("*") else f"'{w}'" for w in words)


def _matching_keys(words: list[str], *keys_from: Any):
    """The orders' rowids whose words hold every one of these, from the search keys
    within the bounds given (SQL conditions on `rowid`)."""
    return sa.select(sa.literal_column(f"rowid & {_ROWID_MASK}")).select_from(
        sa.table("order_search")).where(
        sa.text("order_search MATCH :fts_query").bindparams(fts_query=_fts_query(words)),
        *keys_from)


def _matching_orders(conn: Connection, words: list[str], *, for_index_scan: bool = False):
    """A condition on orders: their words hold every one of these."""
    if conn.dialect.name == "sqlite":
        # "+rowid" keeps SQLite from looking each match up by rowid and sorting them all:
        # with many matches it reads the sort's index instead, in order, until a page is
        # full (measured at 1,000,000 orders and 300,000 matches: 45 ms, not 140).
        rowid = sa.literal_column("+orders.rowid" if for_index_scan else "orders.rowid")
        return rowid.in_(_matching_keys(words))
    matching_items = sa.select(i.order_id).where(
        sa.text(f"{_PG_WORDS} @@ to_tsquery('simple', sellerdesk_fold(:ts_query))")
        .bindparams(ts_query=_tsquery(words)))
    return o.order_id.in_(matching_items)


def _by_purchase_day(conn: Connection, words: list[str], *, descending: bool,
                     enough: int):
    """A condition on orders, for a page by purchase date among those matching: the
    matches on the days that hold the first `enough` of them in that direction (a day
    is taken whole: within it the keys are not in time order). None: nothing matches."""
    direction = "DESC" if descending else "ASC"
    edge = conn.exec_driver_sql(
        f"SELECT {'min' if descending else 'max'}(rowid) FROM (SELECT rowid FROM "
        f"order_search WHERE order_search MATCH ? ORDER BY rowid {direction} LIMIT ?)",
        (_fts_query(words), enough)).scalar_one()
    if edge is None:
        return None
    day_start = edge >> _ROWID_BITS << _ROWID_BITS
    bound = (sa.literal_column("rowid") >= day_start if descending
             else sa.literal_column("rowid") < day_start + (1 << _ROWID_BITS))
    return sa.literal_column("orders.rowid").in_(_matching_keys(words, bound))


def trim_items(conn: Connection, *, line_counts: list[dict[str, Any]]) -> None:
    """Drop items past each order's new item count (a re-imported order that lost lines)."""
    if not line_counts:
        return
    losing = _orders_losing_lines(conn, line_counts) if _search_kept_here(conn) else []
    _forget_words(conn, losing)      # rare: the lost lines' words go from the search too
    conn.execute(
        ORDER_ITEMS.delete().where(i.order_id == sa.bindparam("oid"),
                                   i.line >= sa.bindparam("n")),
        line_counts,
    )
    _write_words(conn, losing)


def _orders_losing_lines(conn: Connection, line_counts: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for start in range(0, len(line_counts), 400):
        chunk = line_counts[start:start + 400]
        pairs = ", ".join("(?, ?)" for _ in chunk)
        found += [oid for (oid,) in conn.exec_driver_sql(
            f"WITH kept(oid, n) AS (VALUES {pairs}) SELECT DISTINCT i.order_id FROM kept "
            "JOIN order_item i ON i.order_id = kept.oid AND i.line >= kept.n",
            tuple(value for count in chunk for value in (count["oid"], count["n"])))]
    return found


def refresh_totals(conn: Connection, *, order_ids: Sequence[str]) -> None:
    """Recompute an order's stored totals from its items (for orders whose rows were
    scattered through a report and so were not summed in one pass)."""
    for chunk_start in range(0, len(order_ids), 500):
        chunk = list(order_ids[chunk_start:chunk_start + 500])
        per = sa.select(i.order_id).where(i.order_id == o.order_id).correlate(ORDERS)

        def total(column, _per=per):
            summed = sa.func.coalesce(sa.func.sum(column), 0)
            return _per.with_only_columns(summed).scalar_subquery()

        conn.execute(
            ORDERS.update().where(o.order_id.in_(chunk)).values(
                units=total(i.quantity),
                items_minor=total(i.item_price_minor),
                shipping_minor=total(i.shipping_price_minor),
                tax_minor=total(i.item_tax_minor + i.shipping_tax_minor),
                discount_minor=total(i.promotion_minor),
            )
        )
        conn.execute(
            ORDERS.update().where(o.order_id.in_(chunk)).values(
                total_minor=o.items_minor + o.shipping_minor + o.tax_minor - o.discount_minor
            )
        )


def refresh_order_days(conn: Connection, *, first: date, last: date) -> None:
    """Recount the per-day summary for the days an order write touched, from the orders
    themselves (a re-imported order may have changed channel or total)."""
    day = sa.func.date(o.purchase_date)
    low, high = day_bounds(first, last)
    conn.execute(ORDER_DAYS.delete().where(ORDER_DAYS.c.day.between(first, last)))
    conn.execute(ORDER_DAYS.insert().from_select(
        ["day", "marketplace", "channel", "currency", "orders", "total_minor"],
        sa.select(day, o.marketplace, o.channel, o.currency, sa.func.count(),
                  sa.func.sum(o.total_minor))
        .where(o.purchase_date >= low, o.purchase_date < high)
        .group_by(day, o.marketplace, o.channel, o.currency)))


# An All Orders row takes about this many bytes: enough to guess a file's size in orders.
_BYTES_PER_ORDER = 2.5 * 250


@contextmanager
def bulk_load(conn: Connection, *, file_bytes: int) -> Iterator[None]:
    """Around a large import on SQLite (at least as many orders coming as are stored):
    the orders' and items' secondary indexes are dropped for the load and built again
    after, in the same transaction — SQLite builds an index from the finished table
    several times faster than it keeps one up through a million random inserts (measured:
    4.6 s → 3.4 s for 300,000 rows). An error rolls the drop back with everything else.
    PostgreSQL is left alone: DROP INDEX would lock every other desk out of the table."""
    if conn.dialect.name != "sqlite" or file_bytes / _BYTES_PER_ORDER < conn.execute(
            sa.select(sa.func.count()).select_from(ORDERS)).scalar_one():
        yield
        return
    indexes = [index for table in (ORDERS, ORDER_ITEMS) for index in table.indexes]
    for index in indexes:
        index.drop(conn)
    # The search words too are written once at the end, from the finished tables: a
    # million orders' in 6 s where batch by batch took longer (measured in the README).
    conn.info[_DEFERRED] = True
    try:
        yield
    finally:
        conn.info.pop(_DEFERRED, None)
    for index in indexes:
        index.create(conn)
    rebuild_order_search(conn)


def has_orders(conn: Connection) -> bool:
    return conn.execute(sa.select(o.order_id).limit(1)).first() is not None


def existing_order_ids(conn: Connection, *, order_ids: Sequence[str]) -> set[str]:
    """Which of these orders are already stored (500 ids a query)."""
    return set(purchase_dates(conn, order_ids=order_ids))


def purchase_dates(conn: Connection, *, order_ids: Sequence[str]) -> dict[str, datetime]:
    """When each of these orders (those stored) was placed, 500 ids a query."""
    found: dict[str, datetime] = {}
    for start in range(0, len(order_ids), 500):
        chunk = list(order_ids[start:start + 500])
        found.update((order_id, placed) for order_id, placed in conn.execute(
            sa.select(o.order_id, o.purchase_date).where(o.order_id.in_(chunk))))
    return found


# -- reads ------------------------------------------------------------------------------
def _prefix_upper(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _conditions(conn: Connection, flt: OrderFilter, *,
                for_index_scan: bool = False) -> list[Any]:
    where: list[Any] = []
    text = flt.search.strip()
    if text and looks_like_order_id(text):
        # Order ids are searched by prefix on the primary key: fast at millions of rows.
        where += [o.order_id >= text, o.order_id < _prefix_upper(text)]
    elif words := search_words(text):
        found = _matching_orders(conn, words, for_index_scan=for_index_scan)
        if conn.dialect.name == "sqlite":
            where.append(found)                # the merchant's id is among its words
        else:
            where.append(sa.or_(found, o.merchant_order_id == text))
    elif text:
        where.append(sa.false())   # nothing but punctuation: no word to find
    if flt.date_from is not None:
        where.append(o.purchase_date >= day_bounds(flt.date_from, flt.date_from)[0])
    if flt.date_to is not None:
        where.append(o.purchase_date < day_bounds(flt.date_to, flt.date_to)[1])
    if flt.statuses:
        where.append(o.status.in_(sorted(flt.statuses)))
    if flt.marketplaces:
        where.append(o.marketplace.in_(sorted(flt.marketplaces)))
    if flt.channel is not None:
        where.append(o.channel == flt.channel.value)
    return where


def count_orders(conn: Connection, *, flt: OrderFilter = NO_FILTER) -> int:
    words = _only_words(flt)
    if words and conn.dialect.name == "sqlite":
        # Counted in the full-text index alone (one row per order): 15 ms for 300,000
        # matches, where looking each order up took 90.
        return conn.exec_driver_sql("SELECT count(*) FROM order_search WHERE order_search "
                                    "MATCH ?", (_fts_query(words),)).scalar_one()
    query = sa.select(sa.func.count()).select_from(ORDERS).where(*_conditions(conn, flt))
    return conn.execute(query).scalar_one()


def _only_words(flt: OrderFilter) -> list[str]:
    """The words searched for when a search by words is the whole filter, else []."""
    text = flt.search.strip()
    if not text or looks_like_order_id(text) or flt != OrderFilter(search=flt.search):
        return []
    return search_words(text)


# Many matches: read the sort's index in order and keep the matching (a page is full
# after a few hundred rows); few: look the matches up and sort them.
_MANY_MATCHES = 20_000


def _many_matches(conn: Connection, words: list[str]) -> bool:
    if conn.dialect.name != "sqlite":
        return False
    return conn.exec_driver_sql(
        "SELECT count(*) FROM (SELECT rowid FROM order_search WHERE order_search MATCH ? "
        f"LIMIT {_MANY_MATCHES})", (_fts_query(words),)).scalar_one() >= _MANY_MATCHES


_SORT_COLUMNS: dict[OrderSort, tuple[Any, ...]] = {
    OrderSort.ORDER_ID: (),
    OrderSort.PURCHASED: (o.purchase_date,),
    OrderSort.MARKETPLACE: (o.marketplace,),
    OrderSort.CHANNEL: (o.channel,),
    OrderSort.STATUS: (o.status,),
    OrderSort.UNITS: (o.units,),
    OrderSort.TOTAL: (o.currency, o.total_minor),
    OrderSort.PRODUCT: (o.first_title,),
}
NEWEST_FIRST = OrderOrdering()


_SUMMARY_COLUMNS = (o.order_id, o.purchase_date, o.status, o.marketplace, o.channel,
                    o.currency, o.units, o.total_minor, o.first_title)


def list_orders(conn: Connection, *, flt: OrderFilter = NO_FILTER,
                ordering: OrderOrdering = NEWEST_FIRST, offset: int = 0,
                limit: int = 100) -> list[OrderSummary]:
    """A page of orders in this order (newest first unless asked), ties broken by the
    order id in the same direction so that pages neither skip nor repeat an order; the
    orders table asks for pages as it paints. Each sort has its index (core_tables)."""
    words = _only_words(flt)
    if words and conn.dialect.name == "sqlite" and ordering.key is OrderSort.PURCHASED:
        # By date: the days that hold the page, from the search's own order.
        where = _by_purchase_day(conn, words, descending=ordering.descending,
                                 enough=offset + limit)
        if where is None:
            return []
        conditions = [where]
    else:
        index_scan = bool(words) and _many_matches(conn, words)
        conditions = _conditions(conn, flt, for_index_scan=index_scan)
    keys = (*_SORT_COLUMNS[ordering.key], o.order_id)
    query = (
        sa.select(*_SUMMARY_COLUMNS)
        .where(*conditions)
        .order_by(*(k.desc() if ordering.descending else k.asc() for k in keys))
        .offset(offset)
        .limit(limit)
    )
    return [
        OrderSummary(
            order_id=OrderId(r.order_id), purchase_date=r.purchase_date, status=r.status,
            marketplace=r.marketplace, channel=Channel(r.channel), currency=r.currency,
            units=r.units, total=Money.from_minor(r.total_minor, r.currency),
            first_title=r.first_title,
        )
        for r in conn.execute(query)
    ]


def get_order(conn: Connection, *, order_id: str) -> Order | None:
    head = conn.execute(sa.select(ORDERS).where(o.order_id == order_id)).first()
    if head is None:
        return None
    cur = head.currency
    rows = conn.execute(sa.select(ORDER_ITEMS).where(i.order_id == order_id).order_by(i.line))
    items = tuple(
        OrderItem(
            sku=r.sku, asin=r.asin, title=r.title, quantity=r.quantity, status=r.status,
            item_price=Money.from_minor(r.item_price_minor, cur),
            shipping_price=Money.from_minor(r.shipping_price_minor, cur),
            item_tax=Money.from_minor(r.item_tax_minor, cur),
            shipping_tax=Money.from_minor(r.shipping_tax_minor, cur),
            promotion_discount=Money.from_minor(r.promotion_minor, cur),
        )
        for r in rows
    )
    return Order(
        order_id=OrderId(head.order_id), merchant_order_id=head.merchant_order_id,
        purchase_date=head.purchase_date, last_updated=head.last_updated, status=head.status,
        marketplace=head.marketplace, sales_channel=head.sales_channel,
        channel=Channel(head.channel), currency=cur,
        ship_service_level=head.ship_service_level, ship_country=head.ship_country,
        is_business=head.is_business, items=items,
    )


def distinct_values(conn: Connection, *, column: str) -> list[str]:
    """Statuses or marketplaces present, for the filter boxes."""
    col = o[column]
    return [v for (v,) in conn.execute(sa.select(col).distinct().order_by(col))]
