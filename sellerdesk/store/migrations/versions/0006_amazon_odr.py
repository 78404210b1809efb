"""Amazon's own Order Defect Rate, as its seller performance report gives it, to show
beside SellerDesk's. One row per marketplace, channel and reporting window.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "amazon_odr",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("marketplace", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(3), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=True),
        sa.Column("window_end", sa.Date(), nullable=True),
        sa.Column("rate", sa.Float(), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=True),
        sa.Column("orders_with_defects", sa.Integer(), nullable=True),
        sa.Column("negative_feedback", sa.Integer(), nullable=True),
        sa.Column("atoz_claims", sa.Integer(), nullable=True),
        sa.Column("chargebacks", sa.Integer(), nullable=True),
        sa.Column("account_status", sa.String(32), nullable=False),
        sa.Column("file", sa.String(255), nullable=False),
        sa.Column("imported_by", sa.String(100), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_amazon_odr_imported", "amazon_odr", ["imported_at"])


def downgrade() -> None:
    op.drop_index("ix_amazon_odr_imported", "amazon_odr")
    op.drop_table("amazon_odr")
