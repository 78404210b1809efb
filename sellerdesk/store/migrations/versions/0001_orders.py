"""Orders and their items, from the All Orders report.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ORDER_ID = sa.String(32).with_variant(sa.String(32, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("order_id", ORDER_ID, primary_key=True),
        sa.Column("merchant_order_id", sa.String(64), nullable=False),
        sa.Column("purchase_date", sa.DateTime(), nullable=False),
        sa.Column("last_updated", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("marketplace", sa.String(8), nullable=False),
        sa.Column("sales_channel", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(3), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("ship_service_level", sa.String(64), nullable=False),
        sa.Column("ship_country", sa.String(8), nullable=False),
        sa.Column("is_business", sa.Boolean(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("first_title", sa.String(500), nullable=False),
        sa.Column("items_minor", sa.BigInteger(), nullable=False),
        sa.Column("shipping_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=False),
        sa.Column("discount_minor", sa.BigInteger(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_orders_purchase_date", "orders", ["purchase_date", "order_id"])
    op.create_index("ix_orders_marketplace", "orders", ["marketplace"])
    op.create_table(
        "order_item",
        sa.Column("order_id", ORDER_ID,
                  sa.ForeignKey("orders.order_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("line", sa.Integer(), primary_key=True),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("asin", sa.String(16), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("item_price_minor", sa.BigInteger(), nullable=False),
        sa.Column("shipping_price_minor", sa.BigInteger(), nullable=False),
        sa.Column("item_tax_minor", sa.BigInteger(), nullable=False),
        sa.Column("shipping_tax_minor", sa.BigInteger(), nullable=False),
        sa.Column("promotion_minor", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_order_item_sku", "order_item", ["sku"])
    op.create_index("ix_order_item_asin", "order_item", ["asin"])


def downgrade() -> None:
    op.drop_table("order_item")
    op.drop_table("orders")
