"""Press sheets for cards (gang sheets) and the jobs on them

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sheets",
        sa.Column("id", sa.String(length=40), primary_key=True),
        sa.Column("brand", sa.String(length=40), nullable=False),
        sa.Column("printer", sa.String(length=80), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reason_code", sa.String(length=60), nullable=True),
        sa.Column("cards", sa.Integer(), nullable=False),
        sa.Column("sheets", sa.Integer(), nullable=True),
        sa.Column("per_sheet", sa.JSON(), nullable=True),
        sa.Column("paper_use", sa.JSON(), nullable=True),
        sa.Column("file_key", sa.String(length=300), nullable=True),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_sheets_brand_state", "sheets", ["brand", "state"])
    op.create_table(
        "sheet_jobs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("sheet_id", sa.String(length=40), sa.ForeignKey("sheets.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("job_id", sa.String(length=40), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.UniqueConstraint("sheet_id", "job_id", name="uq_sheet_job"),
        # one active sheet per job: `active` is True while the sheet is building/ready, NULL after
        sa.UniqueConstraint("job_id", "active", name="uq_sheet_job_active"),
    )
    op.create_table(
        "sheet_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("sheet_id", sa.String(length=40), sa.ForeignKey("sheets.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("sheet_id", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("sheet_id")
    op.drop_table("sheet_events")
    op.drop_table("sheet_jobs")
    op.drop_index("ix_sheets_brand_state", table_name="sheets")
    op.drop_table("sheets")
