"""The orders list sorts by any column and searches words in any order.

- An index per sortable column, each ending in the order id (the tie-breaker), so the
  first screen after a sort is read from an index; the marketplace index gains the id.
- Full-text search over each order's id, merchant id and its items' SKUs, ASINs and
  titles, accents ignored:
  - SQLite: an FTS5 table (unicode61, diacritics removed) whose rowid is the order's
    rowid, kept in step by the order import (store.orders.refresh_order_search);
  - PostgreSQL: a GIN index on each item's words, folded by `sellerdesk_fold` (lower
    case, the accents of the marketplaces' languages taken off by `translate`: no
    extension needed, so it works on any server the team may have). PostgreSQL keeps
    that index up itself.
  Both are built here for the orders already stored, inside the migration's transaction.

Revision ID: 0017
Revises: 0016
"""

import unicodedata

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

SORT_INDEXES = {
    "ix_orders_channel": ["channel", "order_id"],
    "ix_orders_status": ["status", "order_id"],
    "ix_orders_units": ["units", "order_id"],
    "ix_orders_total": ["currency", "total_minor", "order_id"],
    "ix_orders_product": ["first_title", "order_id"],
}

# The words an order is found by, as store.orders writes them (a migration never follows
# later code: a copy).
SQLITE_WORDS = (
    "o.order_id || ' ' || o.merchant_order_id || ' ' || coalesce(("
    "SELECT group_concat(i.sku || ' ' || i.asin || ' ' || i.title, ' ') "
    "FROM order_item i WHERE i.order_id = o.order_id), '')"
)

# Letters with accents in the marketplaces' languages, and what each folds to; those
# that Unicode does not decompose (ł, ø, ı, đ) are given by hand.
_ACCENTED = ("àáâãäåāăąçćčďèéêëēėęěğìíîïīįıłñńňòóôõöøōőŕřśšşșťțùúûüūůűųýÿźżžđ"
             "ÀÁÂÃÄÅĀĂĄÇĆČĎÈÉÊËĒĖĘĚĞÌÍÎÏĪĮİŁÑŃŇÒÓÔÕÖØŌŐŔŘŚŠŞȘŤȚÙÚÛÜŪŮŰŲÝŸŹŻŽĐ")
_BY_HAND = {"ł": "l", "ø": "o", "ı": "i", "đ": "d", "Ł": "l", "Ø": "o", "İ": "i", "Đ": "d"}


def _folded(letter: str) -> str:
    if letter in _BY_HAND:
        return _BY_HAND[letter]
    return unicodedata.normalize("NFD", letter)[0].lower()


FOLD_FUNCTION = (
    "CREATE FUNCTION sellerdesk_fold(words text) RETURNS text LANGUAGE sql IMMUTABLE "
    "STRICT PARALLEL SAFE AS $$ SELECT lower(translate(words, "
    f"'{_ACCENTED}', '{''.join(map(_folded, _ACCENTED))}')) $$"
)
PG_WORDS_INDEX = (
    "CREATE INDEX ix_order_item_words ON order_item USING gin "
    "(to_tsvector('simple'::regconfig, sellerdesk_fold(sku || ' ' || asin || ' ' || title)))"
)


def upgrade() -> None:
    op.drop_index("ix_orders_marketplace", "orders")
    op.create_index("ix_orders_marketplace", "orders", ["marketplace", "order_id"])
    for name, columns in SORT_INDEXES.items():
        op.create_index(name, "orders", columns)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE order_search USING fts5(words, "
                   "tokenize = 'unicode61 remove_diacritics 2', detail = none, "
                   "columnsize = 0)")  # no per-row sizes: nothing ranks, and it writes 20 % faster
        op.execute(f"INSERT INTO order_search (rowid, words) SELECT o.rowid, {SQLITE_WORDS} "
                   "FROM orders o")
    else:
        op.execute(FOLD_FUNCTION)
        op.execute(PG_WORDS_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE order_search")
    else:
        op.execute("DROP INDEX ix_order_item_words")
        op.execute("DROP FUNCTION sellerdesk_fold(text)")
    for name in SORT_INDEXES:
        op.drop_index(name, "orders")
    op.drop_index("ix_orders_marketplace", "orders")
    op.create_index("ix_orders_marketplace", "orders", ["marketplace"])
