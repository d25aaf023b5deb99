"""Each article body's date analysis (sentences, parsed time expressions and their tenses), stored so
questions need not run the date rules over every article they read for the first time.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

Existing articles are filled in here, a batch at a time, with the same function as new ones; after
a change of the rules, `python -m bot db reanalyse` refreshes them (stale ones are ignored meanwhile).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.nlp.timex import stored_analysis

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("time_analysis", sa.Text, nullable=True))
    conn = op.get_bind()
    articles = sa.table("articles", sa.column("id", sa.Integer), sa.column("body", sa.Text),
                        sa.column("time_analysis", sa.Text))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(articles.c.id, articles.c.body).where(articles.c.id > last).order_by(articles.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        conn.execute(
            articles.update().where(articles.c.id == sa.bindparam("aid")),
            [{"aid": r.id, "time_analysis": stored_analysis(r.body)} for r in rows],
        )
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("time_analysis")
