"""The tables declared in SQLAlchemy Core on METADATA, the one metadata every table is on
(tables.py declares the others as SQLModel classes there; Alembic, the team copy and the
schema test read it whole): the imported orders — orders, their items, the per-day
summary — and the policy's saved versions.

Why Core and not SQLModel for these: quick commands read orders (`sellerdesk order
list`) or import them into a new desk, which stores the shipped policy as version 1, and
SQLModel, pydantic and the ORM they bring, with the table classes built on them, take
about 200 ms to import here — most of the 250 ms a whole listing may take — where
SQLAlchemy Core takes 150. These tables are only ever written and read through Core
anyway (bulk imports by executemany, pages of orders by select, a version appended), so
nothing of SQLModel's is lost. Each column is as SQLModel made it (types, NOT NULL,
Python-side defaults); the migrations test compares the lot with the migrated schema."""

from __future__ import annotations

import sqlalchemy as sa

METADATA = sa.MetaData()

# Amazon order ids are ASCII; binary ordering on PostgreSQL makes prefix searches
# use the primary-key index whatever the server's locale.
ORDER_ID = sa.String(32).with_variant(sa.String(32, collation="C"), "postgresql")


def _text(name: str, length: int, **kw) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=False, **kw)


def _minor(name: str, **kw) -> sa.Column:
    """An amount in the currency's minor unit (cents, yen)."""
    return sa.Column(name, sa.BigInteger, nullable=False, **kw)


ORDERS = sa.Table(
    "orders", METADATA,                        # ORDER is an SQL keyword
    sa.Column("order_id", ORDER_ID, primary_key=True),
    _text("merchant_order_id", 64, default=""),
    sa.Column("purchase_date", sa.DateTime(), nullable=False),
    sa.Column("last_updated", sa.DateTime(), nullable=False),
    _text("status", 32),
    _text("marketplace", 8),
    _text("sales_channel", 64, default=""),
    _text("channel", 3),                       # AFN | MFN
    _text("currency", 3),
    _text("ship_service_level", 64, default=""),
    _text("ship_country", 8, default=""),
    sa.Column("is_business", sa.Boolean(), nullable=False, default=False),
    sa.Column("units", sa.Integer(), nullable=False, default=0),
    _text("first_title", 500, default=""),
    _minor("items_minor", default=0),
    _minor("shipping_minor", default=0),
    _minor("tax_minor", default=0),
    _minor("discount_minor", default=0),
    _minor("total_minor", default=0),
    # One index per column the orders list sorts by, ending in the order id (the
    # tie-breaker): the first screen of a sort on a million orders is read from the index
    # in a few milliseconds, where a sort of the whole table took half a second.
    sa.Index("ix_orders_purchase_date", "purchase_date", "order_id"),
    sa.Index("ix_orders_marketplace", "marketplace", "order_id"),
    sa.Index("ix_orders_channel", "channel", "order_id"),
    sa.Index("ix_orders_status", "status", "order_id"),
    sa.Index("ix_orders_units", "units", "order_id"),
    sa.Index("ix_orders_total", "currency", "total_minor", "order_id"),
    sa.Index("ix_orders_product", "first_title", "order_id"),
)

# Orders placed per day (UTC), marketplace, channel and currency, and their total: kept
# by every order write (`store.orders.refresh_order_days`) so that a window is summed
# from a few rows.
ORDER_DAYS = sa.Table(
    "order_day", METADATA,
    sa.Column("day", sa.Date(), primary_key=True),
    _text("marketplace", 8, primary_key=True),
    _text("channel", 3, primary_key=True),
    _text("currency", 3, primary_key=True),
    sa.Column("orders", sa.Integer(), nullable=False),
    _minor("total_minor"),
)

# One row of the All Orders report. The report has no item id, so an item is known by
# its order and its place in that order (`line`, from 0).
ORDER_ITEMS = sa.Table(
    "order_item", METADATA,
    sa.Column("order_id", ORDER_ID, sa.ForeignKey("orders.order_id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("line", sa.Integer(), primary_key=True),
    _text("sku", 64),
    _text("asin", 16, default=""),
    _text("title", 500, default=""),
    _text("status", 32, default=""),
    sa.Column("quantity", sa.Integer(), nullable=False, default=0),
    _minor("item_price_minor", default=0),
    _minor("shipping_price_minor", default=0),
    _minor("item_tax_minor", default=0),
    _minor("shipping_tax_minor", default=0),
    _minor("promotion_minor", default=0),
    sa.Index("ix_order_item_sku", "sku"),
    sa.Index("ix_order_item_asin", "asin"),
)

# Every saved policy, never edited: a suggestion names the version it used.
POLICY_VERSIONS = sa.Table(
    "policy_version", METADATA,
    sa.Column("id", sa.Integer(), primary_key=True),      # the version number
    _text("name", 200),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    _text("created_by", 100),
    # An old version made current again is saved anew, never rewritten; this names it.
    sa.Column("restored_from", sa.Integer(), nullable=True),
    # Why it was made current (a draft's reason, given by the owner who applied it);
    # NULL for versions saved directly, and for those from before anyone was asked.
    sa.Column("why", sa.Text(), nullable=True),
)

# A policy saved unapplied, with a note, for review and backtest; an owner applies it (a
# new version) or someone withdraws it. Never deleted: the review is part of the history.
POLICY_DRAFTS = sa.Table(
    "policy_draft", METADATA,
    sa.Column("id", sa.Integer(), primary_key=True),
    _text("name", 200),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    _text("created_by", 100),
    # The version in force when it was saved: applied over a later one, it would quietly
    # undo that one's changes, so the apply asks first.
    sa.Column("based_on", sa.Integer(), sa.ForeignKey("policy_version.id"), nullable=False),
    sa.Column("applied_as", sa.Integer(), sa.ForeignKey("policy_version.id"), nullable=True),
    sa.Column("applied_by", sa.String(100), nullable=True),
    sa.Column("applied_at", sa.DateTime(), nullable=True),
    sa.Column("withdrawn_by", sa.String(100), nullable=True),
    sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
)
