"""The database schema: articles, their passages and quotations."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

SHARED_GUILD = 0  # articles every server sees: the bundled corpus and command-line imports


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("guild_id", "content_hash", name="uq_article_guild_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, default=SHARED_GUILD, index=True)
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(2000))
    url: Mapped[str | None] = mapped_column(String(2000), default=None)
    category: Mapped[str | None] = mapped_column(String(200), default=None)
    author: Mapped[str | None] = mapped_column(String(300), default=None)
    published: Mapped[date | None] = mapped_column(Date, default=None)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    breaking: Mapped[bool] = mapped_column(Boolean, default=False)
    # The distinct words of title and body, space-separated (bot.nlp.tokens.word_list): every
    # question checks its candidates' articles for words the passage lacks, and tokenising whole
    # bodies per question cost more than the search itself.
    vocabulary: Mapped[str | None] = mapped_column(Text, default=None)
    # What the date rules read off the body whatever its date (bot.nlp.timex.saved_analysis),
    # stamped with the rules' version: re-parsing each new article a question reads cost ~1.5 ms.
    time_analysis: Mapped[str | None] = mapped_column(Text, default=None)

    passages: Mapped[list[Passage]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="Passage.seq"
    )
    quotes: Mapped[list[QuoteRow]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="QuoteRow.start"
    )


class Passage(Base):
    __tablename__ = "passages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)

    article: Mapped[Article] = relationship(back_populates="passages")


class QuoteRow(Base):
    __tablename__ = "quotes"
    __table_args__ = (Index("ix_quotes_canonical", "canonical"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    passage_id: Mapped[int | None] = mapped_column(ForeignKey("passages.id", ondelete="SET NULL"), default=None)
    text: Mapped[str] = mapped_column(Text)
    speaker: Mapped[str | None] = mapped_column(String(300), default=None)
    canonical: Mapped[str | None] = mapped_column(String(300), default=None)
    method: Mapped[str] = mapped_column(String(40))
    is_person: Mapped[bool] = mapped_column(Boolean, default=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)

    article: Mapped[Article] = relationship(back_populates="quotes")
    passage: Mapped[Passage | None] = relationship()


class GuildSettings(Base):
    """Per-server configuration (Discord ids are 64-bit, hence BigInteger)."""

    __tablename__ = "guild_settings"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    admin_role_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    alert_channel_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    alert_role_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class LibraryMeta(Base):
    """Small facts about the library as a whole, e.g. its generation (bumped by every add/remove)."""

    __tablename__ = "library_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class LibraryChange(Base):
    """One article added or removed by the change that made the library's generation `generation`:
    how a process sharing the database with others brings its own search index up to date."""

    __tablename__ = "library_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, index=True)
    article_id: Mapped[int] = mapped_column(Integer)  # no foreign key: a removal outlives its article
    action: Mapped[str] = mapped_column(String(8))  # "add" or "remove"
