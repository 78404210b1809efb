"""A policy version says which older version it makes current again (a restore is a new
version, so nothing saved before is rewritten).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("policy_version", sa.Column("restored_from", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("policy_version") as batch:
        batch.drop_column("restored_from")
