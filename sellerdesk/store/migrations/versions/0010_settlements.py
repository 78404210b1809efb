"""Settlement reports: each settlement's period and payout, and the refunds in it.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ORDER_ID = sa.String(32).with_variant(sa.String(32, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "settlement",
        sa.Column("settlement_id", sa.String(32), primary_key=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("deposit_date", sa.Date(), nullable=True),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("file", sa.String(255), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "settlement_refund",
        sa.Column("settlement_id", sa.String(32), sa.ForeignKey("settlement.settlement_id"),
                  primary_key=True),
        sa.Column("order_id", ORDER_ID, primary_key=True),
        sa.Column("adjustment_id", sa.String(64), primary_key=True),
        sa.Column("posted", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("refunded_minor", sa.BigInteger(), nullable=False),
        sa.Column("fee_kept_minor", sa.BigInteger(), nullable=False),
        sa.Column("fee_returned_minor", sa.BigInteger(), nullable=False),
        sa.Column("credit_ids", sa.String(255), nullable=False),
        sa.Column("transaction", sa.String(64), nullable=False),
    )
    op.create_index("ix_settlement_refund_order", "settlement_refund", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_settlement_refund_order", "settlement_refund")
    op.drop_table("settlement_refund")
    op.drop_table("settlement")
