"""Solve jobs keep how they ended, as the application service says it (the same outcome `rota`
prints), and which stages the time limit cut short.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("solve_jobs") as batch:
        batch.add_column(sa.Column("outcome", sa.String(32), nullable=True))
        batch.add_column(sa.Column("cut_short", sa.String(128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("solve_jobs") as batch:
        batch.drop_column("cut_short")
        batch.drop_column("outcome")
