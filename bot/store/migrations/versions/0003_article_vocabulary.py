"""Each article's distinct words (title and body), stored so questions need not re-tokenise bodies.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Existing articles are filled in here, a batch at a time, with the same tokeniser as new ones.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.nlp.tokens import article_text, word_list

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("vocabulary", sa.Text, nullable=True))
    conn = op.get_bind()
    articles = sa.table("articles", sa.column("id", sa.Integer), sa.column("title", sa.String),
                        sa.column("body", sa.Text), sa.column("vocabulary", sa.Text))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(articles.c.id, articles.c.title, articles.c.body)
            .where(articles.c.id > last).order_by(articles.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        conn.execute(
            articles.update().where(articles.c.id == sa.bindparam("aid")),
            [{"aid": r.id, "vocabulary": word_list(article_text(r.title, r.body))} for r in rows],
        )
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("vocabulary")
