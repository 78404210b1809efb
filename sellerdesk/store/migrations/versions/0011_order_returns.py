"""Returns from the Returns report and the FBA customer returns report.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ORDER_ID = sa.String(32).with_variant(sa.String(32, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "order_return",
        sa.Column("order_id", ORDER_ID, primary_key=True),
        sa.Column("source", sa.String(16), primary_key=True),
        sa.Column("return_key", sa.String(160), primary_key=True),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(100), nullable=False),
        sa.Column("status", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("refunded_minor", sa.BigInteger(), nullable=True),
        sa.Column("atoz_claim", sa.Boolean(), nullable=False),
        sa.Column("file", sa.String(255), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("order_return")
