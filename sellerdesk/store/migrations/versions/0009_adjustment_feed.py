"""Order Adjustment feeds: Amazon's order-item codes, and which credits went in a feed.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ORDER_ID = sa.String(32).with_variant(sa.String(32, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "amazon_item_code",
        sa.Column("order_id", ORDER_ID, primary_key=True),
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("item_code", sa.String(32), nullable=False),
    )
    op.create_table(
        "credit_export",
        sa.Column("credit_id", sa.Integer(), sa.ForeignKey("credit.id"), primary_key=True),
        sa.Column("feed", sa.String(255), nullable=False),
        sa.Column("exported_at", sa.DateTime(), nullable=False),
        sa.Column("exported_by", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("credit_export")
    op.drop_table("amazon_item_code")
