"""The library's search indexes (passages and quotations), kept in step with the store."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import Sequence
from itertools import chain
from pathlib import Path

import numpy as np

from bot.index.bm25 import BM25Index, IndexFileError
from bot.nlp.tokens import tokenize
from bot.store.records import IndexRow
from bot.store.repo import Store

KINDS = ("passages", "quotes")
# Indexes this small are searched again for any score when nothing scores above zero (see
# search_blocking); in larger ones a word's idf is zero only if it is in exactly half the documents.
TINY_INDEX = 64
SAVED_FORMAT = 1  # bump when the files below change shape

log = logging.getLogger(__name__)


def _group_by_article(by_article: dict[int, dict[str, list[int]]], kind: str,
                      docs: np.ndarray, articles: np.ndarray) -> None:
    """Add each article's doc ids of one kind, in file order, to by_article (new articles in order
    of first appearance): what appending pair by pair did, without a Python step per passage."""
    if docs.shape != articles.shape or docs.ndim != 1:
        raise ValueError("doc and article maps differ in shape")
    if not len(docs):
        return
    order = np.argsort(articles, kind="stable")
    grouped = articles[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    ends = np.r_[starts[1:], len(grouped)]
    first_seen = np.argsort(order[starts], kind="stable")  # runs by first appearance in the file
    flat = docs[order].tolist()
    keys, starts, ends = grouped[starts].tolist(), starts.tolist(), ends.tolist()
    for r in first_seen.tolist():
        entry = by_article.get(keys[r])
        if entry is None:
            entry = by_article[keys[r]] = {k: [] for k in KINDS}
        entry[kind].extend(flat[starts[r]:ends[r]])


class LibraryIndex:
    """BM25 over passages and over quotation texts; servers map to index groups."""

    def __init__(self) -> None:
        self.indexes = {kind: BM25Index() for kind in KINDS}
        self._groups: dict[int, int] = {0: 0}  # guild id -> small group number
        self._by_article: dict[int, dict[str, list[int]]] = {}
        self._lock = threading.Lock()  # guards the bookkeeping above; BM25Index guards itself
        self.loaded_from: Path | None = None  # the saved index this one was read from, if any

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

    @classmethod
    async def open(cls, store: Store, directory: Path | None) -> LibraryIndex:
        """The saved index if it matches the store's generation, else one rebuilt from the store."""
        generation = await store.generation()
        if directory is not None:
            try:
                index = await asyncio.to_thread(cls.load, directory, generation)
                index.loaded_from = directory
                log.info("index loaded from %s (%d passages)", directory, index.size())
                return index
            except IndexFileError as exc:
                log.debug("rebuilding the index: %s", exc)
        index = cls()
        await index.build(store)
        if directory is not None:
            await asyncio.to_thread(index.save, directory, generation)
        return index

    def save(self, directory: Path, generation: int) -> None:
        """Write both indexes and the id maps; meta.json last, so a torn save reads as stale."""
        directory.mkdir(parents=True, exist_ok=True)
        meta = directory / "meta.json"
        meta.unlink(missing_ok=True)
        with self._lock:
            maps = {}
            articles = np.fromiter(self._by_article.keys(), dtype=np.int64, count=len(self._by_article))
            for kind in KINDS:
                # Straight into arrays: a (doc, article) tuple per passage was ~100 MB at a million.
                lists = [ids[kind] for ids in self._by_article.values()]
                counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
                maps[f"{kind}_doc"] = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
                maps[f"{kind}_article"] = np.repeat(articles, counts)
            maps["guilds"] = np.array(list(self._groups.items()), dtype=np.int64).reshape(-1, 2)
        for kind in KINDS:
            self.indexes[kind].save(directory / f"{kind}.npz")
        tmp = directory / "maps.tmp.npz"
        np.savez(tmp, **maps)
        os.replace(tmp, directory / "maps.npz")
        meta.write_text(json.dumps({"format": SAVED_FORMAT, "generation": generation}))

    @classmethod
    def load(cls, directory: Path, generation: int) -> LibraryIndex:
        """Read a saved index; IndexFileError if it is missing, corrupt, another format or stale."""
        try:
            meta = json.loads((directory / "meta.json").read_text())
        except (OSError, ValueError) as exc:
            raise IndexFileError(f"no usable meta.json in {directory}") from exc
        if meta.get("format") != SAVED_FORMAT:
            raise IndexFileError(f"saved index format {meta.get('format')} is not {SAVED_FORMAT}")
        if meta.get("generation") != generation:
            raise IndexFileError(f"saved index is of generation {meta.get('generation')}, the library of {generation}")
        index = cls()
        for kind in KINDS:
            index.indexes[kind] = BM25Index.load(directory / f"{kind}.npz")
        try:
            with np.load(directory / "maps.npz", allow_pickle=False) as maps:
                index._groups = {int(g): int(n) for g, n in maps["guilds"].tolist()}
                for kind in KINDS:
                    _group_by_article(index._by_article, kind, maps[f"{kind}_doc"], maps[f"{kind}_article"])
        except (OSError, ValueError, KeyError) as exc:
            raise IndexFileError(f"corrupt maps.npz in {directory}") from exc
        if len(index.indexes["passages"]) != sum(len(v["passages"]) for v in index._by_article.values()):
            raise IndexFileError("saved index and its maps disagree")
        return index

    async def build(self, store: Store) -> None:
        """Load every passage and quotation from the store; tokenising runs in a worker thread."""
        for kind, source in (("passages", store.iter_passage_rows), ("quotes", store.iter_quote_rows)):
            async for batch in source():
                await asyncio.to_thread(self._add_rows, kind, batch)

    async def add_article(self, store: Store, article_id: int) -> None:
        """Index one stored article in place, reading it from the store."""
        passages, quotes = await store.index_rows_for(article_id)
        await self.add_rows(passages, quotes)

    async def add_rows(self, passages: Sequence[IndexRow], quotes: Sequence[IndexRow]) -> None:
        """Index stored passages and quotations in place (tokenising in a worker thread)."""
        if passages or quotes:
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
        return await asyncio.to_thread(self.search_blocking, kind, terms, k, guild_id)

    def search_blocking(self, kind: str, terms: Sequence[str], k: int, guild_id: int | None) -> list[tuple[int, float]]:
        """The same search for callers already in a worker thread."""
        if not terms:
            return []
        index, groups = self.indexes[kind], self.groups_for(guild_id)
        hits = index.top_k(list(terms), k, groups)
        if not hits and len(index) <= TINY_INDEX:
            # In a library of a few documents BM25's idf is zero or below for a word in half of them
            # or more (one quotation of one: every word), so nothing scores above zero and a new
            # server's first article would answer nothing: there, any document holding a word counts.
            hits = index.top_k(list(terms), k, groups, positive=False)
        return hits

    def idf(self, term: str) -> float:
        return self.indexes["passages"].idf(term)

    def size(self, kind: str = "passages") -> int:
        return len(self.indexes[kind])
