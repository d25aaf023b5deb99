"""The library's change log (which articles each generation added or removed), so every process
sharing the database can bring its search index up to date; an index for looking items up by article.

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-20

The generation row is created here too (at its current value, or 0), so concurrent first writers on
a server database lock one existing row instead of racing to insert it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "library_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("generation", sa.BigInteger, nullable=False),
        sa.Column("article_id", sa.Integer, nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
    )
    op.create_index("ix_library_changes_generation", "library_changes", ["generation"])
    op.create_index("ix_alert_items_article_id", "alert_items", ["article_id"])
    op.execute(
        "INSERT INTO library_meta (key, value) SELECT 'generation', 0 "
        "WHERE NOT EXISTS (SELECT 1 FROM library_meta WHERE key = 'generation')"
    )


def downgrade() -> None:
    op.drop_index("ix_alert_items_article_id", table_name="alert_items")
    op.drop_index("ix_library_changes_generation", table_name="library_changes")
    op.drop_table("library_changes")
