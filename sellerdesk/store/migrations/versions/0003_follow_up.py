"""Following an issue up: when the buyer's next reply is due, and the desk's own settings
(the reply template first).

Revision ID: 0003
Revises: 0002
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("issue", sa.Column("reply_due_at", sa.DateTime(), nullable=True))
    op.create_index("ix_issue_reply_due", "issue", ["reply_due_at"])
    # An open issue logged before this revision is a buyer contact nobody has noted a
    # reply to: its 24 hours ran from when it was logged.
    issue = sa.table("issue", sa.column("id", sa.Integer), sa.column("status", sa.String),
                     sa.column("created_at", sa.DateTime), sa.column("reply_due_at", sa.DateTime))
    bind = op.get_bind()
    for row in bind.execute(sa.select(issue.c.id, issue.c.created_at)
                            .where(issue.c.status == "open")).all():
        bind.execute(issue.update().where(issue.c.id == row.id)
                     .values(reply_due_at=row.created_at + timedelta(hours=24)))
    op.create_table(
        "desk_setting",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("desk_setting")
    op.drop_index("ix_issue_reply_due", "issue")
    with op.batch_alter_table("issue") as batch:
        batch.drop_column("reply_due_at")
