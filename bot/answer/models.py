"""Answers as plain data: what every front end (Discord, console, CLI, eval) renders."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from bot.store.records import ArticleInfo


@dataclass(frozen=True)
class ArticleRef:
    """The article an answer cites."""

    id: int
    title: str
    source: str
    url: str | None = None
    published: str | None = None
    category: str | None = None

    @classmethod
    def of(cls, info: ArticleInfo) -> ArticleRef:
        return cls(info.id, info.title, info.source, info.url,
                   info.published.isoformat() if info.published else None, info.category)


@dataclass(frozen=True)
class Hit:
    """One supporting item of a list answer (a search result, a quotation, an article)."""

    text: str
    article: ArticleRef | None
    label: str | None = None  # speaker, score or id, whatever the list is about
    score: float | None = None


@dataclass
class Answer:
    """A reply to one question; `answer` is its headline (speaker, expression, or a plain message)."""

    question: str
    command: str
    found: bool
    answer: str
    date: str | None = None
    passage: str | None = None
    article: ArticleRef | None = None
    hits: list[Hit] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The `ask --json` object: the contract fields first, then the extras."""
        return {
            "question": self.question,
            "command": self.command,
            "found": self.found,
            "answer": self.answer,
            "date": self.date,
            "passage": self.passage,
            "article": _as_dict(self.article) if self.article else None,
            "hits": [_as_dict(h) for h in self.hits],
            **self.details,
        }


_FIELDS: dict[type, tuple[str, ...]] = {}


def _as_dict(record: ArticleRef | Hit) -> dict[str, Any]:
    """dataclasses.asdict of a record: the same dict without its deep copy of every value (a few
    microseconds a field, on every rendered answer), needless as the values are immutable: strings,
    numbers, None, and a Hit's ArticleRef (itself made a dict)."""
    names = _FIELDS.get(type(record))
    if names is None:
        names = _FIELDS[type(record)] = tuple(f.name for f in fields(record))
    out = {name: getattr(record, name) for name in names}
    if isinstance(record, Hit) and record.article is not None:
        out["article"] = _as_dict(record.article)
    return out
