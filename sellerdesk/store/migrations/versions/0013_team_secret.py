"""Team mode: the keys a team shares (sealed with the team key), and who has which
issue open.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_secret",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "issue_claim",
        sa.Column("login", sa.String(100), primary_key=True),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issue.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("issue_claim")
    op.drop_table("team_secret")
