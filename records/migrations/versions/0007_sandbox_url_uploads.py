"""Sandbox keys and orders (their feed events marked); uploads fetched from a URL (state, source, failure)

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None

NULLABLE_WHILE_FETCHING = (("sha256", sa.String(64)), ("storage_key", sa.String(300)), ("size", sa.Integer()),
                           ("content_type", sa.String(100)), ("format", sa.String(20)), ("width", sa.Integer()),
                           ("height", sa.Integer()), ("upright_width", sa.Integer()),
                           ("upright_height", sa.Integer()))


def upgrade() -> None:
    false = sa.false()
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sandbox", sa.Boolean(), nullable=False, server_default=false))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sandbox", sa.Boolean(), nullable=False, server_default=false))
    with op.batch_alter_table("feed_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sandbox", sa.Boolean(), nullable=False, server_default=false))
    with op.batch_alter_table("uploads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(10), nullable=False, server_default="ready"))
        batch_op.add_column(sa.Column("source_url", sa.String(2000), nullable=True))
        batch_op.add_column(sa.Column("failure_code", sa.String(60), nullable=True))
        batch_op.add_column(sa.Column("failure", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        for name, type_ in NULLABLE_WHILE_FETCHING:
            batch_op.alter_column(name, existing_type=type_, nullable=True)
        batch_op.drop_constraint("uq_upload_brand_sha256", type_="unique")
    # direct uploads stay one per (brand, sha256); a URL upload is its own record of the same content
    op.create_index("uq_upload_brand_sha256_direct", "uploads", ["brand", "sha256"], unique=True,
                    sqlite_where=sa.text("source_url IS NULL"), postgresql_where=sa.text("source_url IS NULL"))


def downgrade() -> None:
    op.execute("DELETE FROM uploads WHERE source_url IS NOT NULL")
    op.drop_index("uq_upload_brand_sha256_direct", table_name="uploads")
    with op.batch_alter_table("uploads", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_upload_brand_sha256", ["brand", "sha256"])
        for name, type_ in NULLABLE_WHILE_FETCHING:
            batch_op.alter_column(name, existing_type=type_, nullable=False)
        for name in ("updated_at", "failure", "failure_code", "source_url", "state"):
            batch_op.drop_column(name)
    for table in ("feed_events", "orders", "api_keys"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("sandbox")
