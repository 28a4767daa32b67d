"""Jobs on the task queue: how many times a job was started and may be (a queue job is retried
once when the worker running it dies), and the lease as ``timestamptz`` on PostgreSQL like every
other time (0005 made it a plain timestamp).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("solve_jobs") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("max_attempts", sa.Integer(), nullable=False, server_default="1"))
        if postgresql:
            batch.alter_column(
                "lease_until",
                type_=sa.DateTime(timezone=True),
                existing_type=sa.DateTime(),
                postgresql_using="lease_until AT TIME ZONE 'UTC'",
            )
    # Jobs that ran before: started once.
    op.execute("UPDATE solve_jobs SET attempts = 1 WHERE started_at IS NOT NULL")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("solve_jobs") as batch:
        if postgresql:
            batch.alter_column(
                "lease_until",
                type_=sa.DateTime(),
                existing_type=sa.DateTime(timezone=True),
                postgresql_using="lease_until AT TIME ZONE 'UTC'",
            )
        batch.drop_column("max_attempts")
        batch.drop_column("attempts")
