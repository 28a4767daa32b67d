"""Solve jobs keep why no rota exists: the explainer's conflicts and suggestions as JSON.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch: SQLite cannot alter a table in place (adding a column works, dropping one does not).
    with op.batch_alter_table("solve_jobs") as batch:
        batch.add_column(sa.Column("explanation_json", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("solve_jobs") as batch:
        batch.drop_column("explanation_json")
