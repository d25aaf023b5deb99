"""Answers as plain data: what every front end (Discord, console, CLI, eval) renders."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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
            "article": asdict(self.article) if self.article else None,
            "hits": [asdict(h) for h in self.hits],
            **self.details,
        }
