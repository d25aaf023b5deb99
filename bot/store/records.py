"""Plain read-only records the store hands out, so nothing above it touches ORM sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

# Row ids are INTEGER columns: 32-bit on PostgreSQL, which fails a query comparing one with a larger
# number (SQLite just finds nothing). Ids typed by users beyond it name nothing and are not looked up.
MAX_ROW_ID = 2**31 - 1


def possible_id(row_id: int) -> bool:
    """Whether a stored row can have this id."""
    return 0 < row_id <= MAX_ROW_ID


@dataclass(frozen=True)
class ArticleInfo:
    id: int
    guild_id: int
    title: str
    source: str
    url: str | None
    category: str | None
    author: str | None
    published: date | None
    added_at: datetime | None
    breaking: bool
    passages: int = 0
    quotes: int = 0


@dataclass(frozen=True, init=False)
class PassageRecord:
    id: int
    article: ArticleInfo
    seq: int
    text: str
    start: int
    end: int

    def __init__(self, id: int, article: ArticleInfo, seq: int, text: str, start: int, end: int) -> None:
        # A frozen dataclass's own __init__ sets each field through object.__setattr__ (~1.3 µs a
        # record; a question reads ~20): the instance's dict takes them at once.
        self.__dict__.update(id=id, article=article, seq=seq, text=text, start=start, end=end)


@dataclass(frozen=True)
class QuoteRecord:
    id: int
    article: ArticleInfo
    passage_id: int | None
    passage_text: str | None
    text: str
    speaker: str | None
    canonical: str | None
    method: str
    is_person: bool
    start: int
    end: int


@dataclass(frozen=True)
class AddResult:
    """The outcome of storing one article: the new article, or the one it duplicates."""

    article: ArticleInfo | None
    duplicate_of: ArticleInfo | None = None
    passage_ids: tuple[int, ...] = ()  # in the article's passage order, for indexing without a re-read
    quote_ids: tuple[int, ...] = ()

    @property
    def added(self) -> bool:
        return self.article is not None


@dataclass(frozen=True)
class IndexRow:
    """What the search index needs of a passage or quotation."""

    id: int
    article_id: int
    guild_id: int
    text: str


@dataclass(frozen=True)
class GuildConfig:
    """A server's settings."""

    guild_id: int
    admin_role_id: int | None = None
    alert_channel_id: int | None = None
    alert_role_id: int | None = None
