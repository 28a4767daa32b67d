"""Reruns: a job's kind and rerun parameters; a rota version's base version and changes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode: SQLite cannot add a foreign key to an existing table, so it copies the table
    # (partial index included); PostgreSQL gets plain ALTER TABLE statements.
    with op.batch_alter_table("rota_versions") as batch:
        batch.add_column(sa.Column("based_on_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("changes_json", sa.Text(), nullable=True))
        batch.create_foreign_key(
            "fk_rota_versions_based_on_id_rota_versions", "rota_versions", ["based_on_id"], ["id"]
        )
    with op.batch_alter_table("solve_jobs") as batch:
        # Every job stored before reruns existed is a solve.
        batch.add_column(sa.Column("kind", sa.String(8), server_default="solve", nullable=False))
        batch.add_column(sa.Column("rerun_of_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rerun_today", sa.Date(), nullable=True))
        batch.add_column(sa.Column("rerun_freeze", sa.Date(), nullable=True))
        batch.add_column(sa.Column("rerun_notice_days", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_solve_jobs_rerun_of_id_rota_versions", "rota_versions", ["rerun_of_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("solve_jobs") as batch:
        batch.drop_constraint("fk_solve_jobs_rerun_of_id_rota_versions", type_="foreignkey")
        for column in ("rerun_notice_days", "rerun_freeze", "rerun_today", "rerun_of_id", "kind"):
            batch.drop_column(column)
    with op.batch_alter_table("rota_versions") as batch:
        batch.drop_constraint("fk_rota_versions_based_on_id_rota_versions", type_="foreignkey")
        batch.drop_column("changes_json")
        batch.drop_column("based_on_id")
