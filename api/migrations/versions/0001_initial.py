"""Schools, scenario versions, solve jobs, rota versions and publications.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE_JOB_SQL = "status IN ('queued', 'running')"


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "schools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        _when("created_at"),
        sa.Column("feed_token", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_schools"),
        sa.UniqueConstraint("slug", name="uq_schools_slug"),
        sa.UniqueConstraint("feed_token", name="uq_schools_feed_token"),
    )
    op.create_table(
        "scenario_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        _when("submitted_at"),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scenario_versions"),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_scenario_versions_school_id_schools", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("school_id", "number", name="uq_scenario_versions_school_id_number"),
    )
    op.create_table(
        "rota_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("scenario_version_id", sa.Integer(), nullable=False),
        _when("created_at"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("objective", sa.Integer(), nullable=False),
        sa.Column("rota_json", sa.Text(), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rota_versions"),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_rota_versions_school_id_schools", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["scenario_version_id"],
            ["scenario_versions.id"],
            name="fk_rota_versions_scenario_version_id_scenario_versions",
        ),
        sa.UniqueConstraint("school_id", "number", name="uq_rota_versions_school_id_number"),
    )
    op.create_table(
        "solve_jobs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("scenario_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("phase", sa.String(32), nullable=True),
        sa.Column("best_objective", sa.Float(), nullable=True),
        sa.Column("bound", sa.Float(), nullable=True),
        sa.Column("elapsed_seconds", sa.Float(), nullable=False),
        sa.Column("time_limit_seconds", sa.Float(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("rota_version_id", sa.Integer(), nullable=True),
        _when("created_at"),
        _when("started_at", nullable=True),
        _when("finished_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_solve_jobs"),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_solve_jobs_school_id_schools", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["scenario_version_id"],
            ["scenario_versions.id"],
            name="fk_solve_jobs_scenario_version_id_scenario_versions",
        ),
        sa.ForeignKeyConstraint(
            ["rota_version_id"], ["rota_versions.id"], name="fk_solve_jobs_rota_version_id_rota_versions"
        ),
    )
    # At most one queued or running job per school, whatever the application does.
    op.create_index(
        "uq_solve_jobs_active_school",
        "solve_jobs",
        ["school_id"],
        unique=True,
        sqlite_where=sa.text(ACTIVE_JOB_SQL),
        postgresql_where=sa.text(ACTIVE_JOB_SQL),
    )
    op.create_index("ix_solve_jobs_status", "solve_jobs", ["status"])
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("rota_version_id", sa.Integer(), nullable=False),
        _when("published_at"),
        sa.PrimaryKeyConstraint("id", name="pk_publications"),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_publications_school_id_schools", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["rota_version_id"], ["rota_versions.id"], name="fk_publications_rota_version_id_rota_versions"
        ),
    )
    op.create_index("ix_publications_school_latest", "publications", ["school_id", "id"])


def downgrade() -> None:
    op.drop_table("publications")
    op.drop_index("ix_solve_jobs_status", table_name="solve_jobs")
    op.drop_index("uq_solve_jobs_active_school", table_name="solve_jobs")
    op.drop_table("solve_jobs")
    op.drop_table("rota_versions")
    op.drop_table("scenario_versions")
    op.drop_table("schools")
