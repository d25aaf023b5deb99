"""The schema as `Base.metadata.create_all` made it before migrations: library, guild settings, alerts.

Revision ID: 0001
Revises:
Create Date: 2026-03-20

The tables are written out here, frozen, rather than taken from the models (which move on). Tables
are created only where missing, so a database made by `create_all` before migrations existed (no
alembic_version table) is adopted by this revision as it is, and one made by an older version of
the bot gets the tables it lacks.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _tables() -> sa.MetaData:
    m = sa.MetaData()
    tz = sa.DateTime(timezone=True)
    sa.Table(
        "articles", m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("source", sa.String(2000), nullable=False),
        sa.Column("url", sa.String(2000)),
        sa.Column("category", sa.String(200)),
        sa.Column("author", sa.String(300)),
        sa.Column("published", sa.Date),
        sa.Column("added_at", tz, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("breaking", sa.Boolean, nullable=False),
        sa.UniqueConstraint("guild_id", "content_hash", name="uq_article_guild_hash"),
    )
    sa.Table(
        "passages", m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
    )
    sa.Table(
        "quotes", m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("passage_id", sa.Integer, sa.ForeignKey("passages.id", ondelete="SET NULL")),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("speaker", sa.String(300)),
        sa.Column("canonical", sa.String(300)),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("is_person", sa.Boolean, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Index("ix_quotes_canonical", "canonical"),
    )
    sa.Table(
        "guild_settings", m,
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("admin_role_id", sa.BigInteger),
        sa.Column("alert_channel_id", sa.BigInteger),
        sa.Column("alert_role_id", sa.BigInteger),
        sa.Column("updated_at", tz, nullable=False),
    )
    sa.Table(
        "library_meta", m,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    sa.Table(
        "alert_feeds", m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("title", sa.String(500)),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("added_by", sa.BigInteger),
        sa.Column("added_at", tz, nullable=False),
        sa.Column("primed", sa.Boolean, nullable=False),
        sa.Column("etag", sa.String(500)),
        sa.Column("last_modified", sa.String(100)),
        sa.Column("last_polled_at", tz),
        sa.Column("last_success_at", tz),
        sa.Column("next_poll_at", tz, index=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("failure_reported", sa.Boolean, nullable=False),
        sa.UniqueConstraint("guild_id", "url", name="uq_feed_guild_url"),
    )
    sa.Table(
        "alert_items", m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("alert_feeds.id", ondelete="CASCADE"), index=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("ident", sa.String(2100), nullable=False),
        sa.Column("item_key", sa.String(64), nullable=False, index=True),
        sa.Column("link_key", sa.String(64), index=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("link", sa.String(2000)),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("published", tz),
        sa.Column("category", sa.String(200)),
        sa.Column("breaking", sa.Boolean, nullable=False),
        sa.Column("article_id", sa.Integer),
        sa.Column("seen_at", tz, nullable=False),
        sa.Column("at_priming", sa.Boolean, nullable=False),
        sa.UniqueConstraint("feed_id", "item_key", name="uq_item_feed_key"),
    )
    sa.Table(
        "alert_outbox", m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("alert_items.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("item_key", sa.String(64), nullable=False),
        sa.Column("target", sa.String(64), nullable=False, index=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("channel_id", sa.BigInteger),
        sa.Column("user_id", sa.BigInteger),
        sa.Column("mention_role", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("nonce", sa.String(25), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("attempted_at", tz),
        sa.Column("next_try_at", tz),
        sa.Column("delivered_at", tz),
        sa.Column("message_id", sa.String(40)),
        sa.Column("last_error", sa.Text),
        sa.UniqueConstraint("item_key", "target", name="uq_outbox_item_target"),
    )
    sa.Table(
        "alert_keywords", m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("keywords", sa.String(500), nullable=False),
        sa.Column("created_at", tz, nullable=False),
        sa.UniqueConstraint("guild_id", "user_id", name="uq_keywords_guild_user"),
    )
    sa.Table(
        "alert_target_health", m,
        sa.Column("target", sa.String(64), primary_key=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("since", tz, nullable=False),
        sa.Column("retry_at", tz),
        sa.Column("reported", sa.Boolean, nullable=False),
    )
    return m


def upgrade() -> None:
    _tables().create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    _tables().drop_all(op.get_bind(), checkfirst=True)
