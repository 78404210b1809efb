"""The orders' search words (SQLite) are found newest first without reading every match.

The FTS5 table order_search is made again:
- its rowid becomes a key that sorts by the day of purchase: the day (UTC, counted from
  1970) above the order's rowid in the low 32 bits, so a search's newest page reads a
  few hundred entries in key order instead of every match (store.orders explains);
- it keeps no copy of the words (content=''): the words are the orders' own, and a fifth
  less is written. store.orders forgets an order's words before its rows change.

PostgreSQL's search (a GIN index on the items) is unchanged.

Revision ID: 0020
Revises: 0019
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# The words and the key as store.orders writes them (a migration never follows later
# code: a copy).
SQLITE_WORDS = (
    "o.order_id || ' ' || o.merchant_order_id || ' ' || coalesce(("
    "SELECT group_concat(i.sku || ' ' || i.asin || ' ' || i.title, ' ') "
    "FROM order_item i WHERE i.order_id = o.order_id), '')"
)
SQLITE_KEY = "((CAST(strftime('%s', o.purchase_date) AS INTEGER) / 86400) << 32) | o.rowid"
_TOKENIZER = "tokenize = 'unicode61 remove_diacritics 2', detail = none, columnsize = 0"


def _remake(options: str, key: str, order: str) -> None:
    op.execute("DROP TABLE order_search")
    op.execute(f"CREATE VIRTUAL TABLE order_search USING fts5(words, {_TOKENIZER}{options})")
    op.execute(f"INSERT INTO order_search (rowid, words) SELECT key, words FROM (SELECT "
               f"{key} AS key, {SQLITE_WORDS} AS words FROM orders o) ORDER BY {order}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _remake(", content = ''", SQLITE_KEY, "key")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _remake("", "o.rowid", "key")
