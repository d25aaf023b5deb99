"""The library's search indexes (passages and quotations), kept in step with the store."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

from bot.index.bm25 import BM25Index
from bot.nlp.tokens import tokenize
from bot.store.records import IndexRow
from bot.store.repo import Store

KINDS = ("passages", "quotes")


class LibraryIndex:
    """BM25 over passages and over quotation texts; servers map to index groups."""

    def __init__(self) -> None:
        self.indexes = {kind: BM25Index() for kind in KINDS}
        self._groups: dict[int, int] = {0: 0}  # guild id -> small group number
        self._by_article: dict[int, dict[str, list[int]]] = {}
        self._lock = threading.Lock()  # guards the bookkeeping above; BM25Index guards itself

    def _group(self, guild_id: int) -> int:
        with self._lock:
            return self._groups.setdefault(guild_id, len(self._groups))

    def _add_rows(self, kind: str, rows: Sequence[IndexRow]) -> None:
        if not rows:
            return
        docs = [tokenize(r.text) for r in rows]
        groups = [self._group(r.guild_id) for r in rows]
        self.indexes[kind].add([r.id for r in rows], docs, groups)
        with self._lock:
            for r in rows:
                self._by_article.setdefault(r.article_id, {k: [] for k in KINDS})[kind].append(r.id)

    async def build(self, store: Store) -> None:
        """Load every passage and quotation from the store; tokenising runs in a worker thread."""
        for kind, source in (("passages", store.iter_passage_rows), ("quotes", store.iter_quote_rows)):
            async for batch in source():
                await asyncio.to_thread(self._add_rows, kind, batch)

    async def add_article(self, store: Store, article_id: int) -> None:
        """Index one stored article in place."""
        passages, quotes = await store.index_rows_for(article_id)
        await asyncio.to_thread(self._add_article_rows, passages, quotes)

    def _add_article_rows(self, passages: Sequence[IndexRow], quotes: Sequence[IndexRow]) -> None:
        self._add_rows("passages", passages)
        self._add_rows("quotes", quotes)

    async def remove_article(self, article_id: int) -> None:
        await asyncio.to_thread(self._remove, article_id)

    def _remove(self, article_id: int) -> None:
        with self._lock:
            ids = self._by_article.pop(article_id, None)
        if ids:
            for kind in KINDS:
                self.indexes[kind].remove(ids[kind])

    def groups_for(self, guild_id: int | None) -> list[int] | None:
        """Index groups a server may search: the shared library and its own (None: all)."""
        if guild_id is None:
            return None
        with self._lock:
            own = self._groups.get(guild_id)
        return [0] if own is None else [0, own]

    async def search(self, kind: str, terms: Sequence[str], k: int, guild_id: int | None) -> list[tuple[int, float]]:
        """Best k (id, score) of the kind for the query terms, as BM25Okapi ranks them."""
        if not terms:
            return []
        return await asyncio.to_thread(self.indexes[kind].top_k, list(terms), k, self.groups_for(guild_id))

    def idf(self, term: str) -> float:
        return self.indexes["passages"].idf(term)

    def size(self, kind: str = "passages") -> int:
        return len(self.indexes[kind])
