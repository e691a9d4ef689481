"""create notes and jobs

Revision ID: 0001
Revises:
Create Date: 2024-01-01
"""
import sqlalchemy as sa
from alembic import context, op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="queued"),
        sa.Column("processed_at", sa.DateTime(timezone=True)),
    )
    # recognisable in release-command logs (tests grep for it); not in `--sql` output
    if not context.is_offline_mode():
        print("example-app migration 0001: created tables notes and jobs", flush=True)


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_table("notes")
