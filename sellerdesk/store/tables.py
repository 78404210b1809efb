"""Every table, in one place. Amounts are integers of the currency's minor unit (exact on
SQLite and PostgreSQL alike); datetimes are naive UTC."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Amazon order ids are ASCII; binary ordering on PostgreSQL makes prefix searches
# use the primary-key index whatever the server's locale.
ORDER_ID = sa.String(32).with_variant(sa.String(32, collation="C"), "postgresql")


class Order(SQLModel, table=True):
    __tablename__ = "orders"  # ORDER is an SQL keyword
    __table_args__ = (
        sa.Index("ix_orders_purchase_date", "purchase_date", "order_id"),
        sa.Index("ix_orders_marketplace", "marketplace"),
    )

    order_id: str = Field(sa_type=ORDER_ID, primary_key=True)
    merchant_order_id: str = Field(default="", max_length=64)
    purchase_date: datetime = Field(sa_type=sa.DateTime())
    last_updated: datetime = Field(sa_type=sa.DateTime())
    status: str = Field(max_length=32)
    marketplace: str = Field(max_length=8)
    sales_channel: str = Field(default="", max_length=64)
    channel: str = Field(max_length=3)          # AFN | MFN
    currency: str = Field(max_length=3)
    ship_service_level: str = Field(default="", max_length=64)
    ship_country: str = Field(default="", max_length=8)
    is_business: bool = False
    units: int = 0
    first_title: str = Field(default="", max_length=500)
    items_minor: int = Field(default=0, sa_type=sa.BigInteger)
    shipping_minor: int = Field(default=0, sa_type=sa.BigInteger)
    tax_minor: int = Field(default=0, sa_type=sa.BigInteger)
    discount_minor: int = Field(default=0, sa_type=sa.BigInteger)
    total_minor: int = Field(default=0, sa_type=sa.BigInteger)


class OrderItem(SQLModel, table=True):
    """One row of the All Orders report. The report has no item id, so an item is known
    by its order and its place in that order (`line`, from 0)."""
    __tablename__ = "order_item"
    __table_args__ = (
        sa.Index("ix_order_item_sku", "sku"),
        sa.Index("ix_order_item_asin", "asin"),
    )

    order_id: str = Field(
        sa_column=sa.Column(ORDER_ID, sa.ForeignKey("orders.order_id", ondelete="CASCADE"),
                            primary_key=True),
    )
    line: int = Field(primary_key=True)
    sku: str = Field(max_length=64)
    asin: str = Field(default="", max_length=16)
    title: str = Field(default="", max_length=500)
    status: str = Field(default="", max_length=32)
    quantity: int = 0
    item_price_minor: int = Field(default=0, sa_type=sa.BigInteger)
    shipping_price_minor: int = Field(default=0, sa_type=sa.BigInteger)
    item_tax_minor: int = Field(default=0, sa_type=sa.BigInteger)
    shipping_tax_minor: int = Field(default=0, sa_type=sa.BigInteger)
    promotion_minor: int = Field(default=0, sa_type=sa.BigInteger)


metadata = SQLModel.metadata
ORDERS = Order.__table__
ORDER_ITEMS = OrderItem.__table__
