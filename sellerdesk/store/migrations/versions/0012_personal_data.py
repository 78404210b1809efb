"""Buyer personal data, sealed per cell, and the security log.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "personal_data",
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issue.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("field", sa.String(16), primary_key=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.BigInteger(), nullable=False),
        sa.Column("entered_by", sa.String(100), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_personal_data_key", "personal_data", ["key_id"])
    op.create_table(
        "security_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_security_event_at", "security_event", ["at"])
    op.add_column("issue", sa.Column("personal_data_purged_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("issue") as batch:
        batch.drop_column("personal_data_purged_at")
    op.drop_index("ix_security_event_at", "security_event")
    op.drop_table("security_event")
    op.drop_index("ix_personal_data_key", "personal_data")
    op.drop_table("personal_data")
