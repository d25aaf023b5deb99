"""A blocking read path for the queries on every question's path, for use inside worker threads.

aiosqlite hops to its own thread four times per query (cursor, execute, fetch, close) and the ORM
adds a millisecond more; at hundreds of thousands of passages that costs more than the search
itself. Worker threads that already run the index search read passages, quotations and article
words through their own read-only sqlite3 connection in the same hop. Each method has a twin of
the same name and result on bot.store.repo.Store, which other databases go through.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy.engine import make_url

from bot.nlp.tokens import article_text, word_list
from bot.store.records import ArticleInfo, PassageRecord, QuoteRecord

_ARTICLE = "a.id, a.guild_id, a.title, a.source, a.url, a.category, a.author, a.published, a.added_at, a.breaking"


def sqlite_path(url: str) -> str | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return parsed.database


def mmap_bytes() -> int:
    """How much of the SQLite file the readers map into memory: NEWSBOT_SQLITE_MMAP_MB (default 1024)."""
    # Each question reads a few dozen scattered rows of a file too big for SQLite's own cache; mapped,
    # a page is a memory access instead of a read() (~35% faster reads). 0 turns it off, as it should
    # be on a network file system: a file cut short under a mapping kills the process (SIGBUS).
    try:
        return max(0, int(float(os.environ.get("NEWSBOT_SQLITE_MMAP_MB", "1024")) * 2**20))
    except (ValueError, OverflowError):  # not a number, or infinite
        return 2**30


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class PassageReader:
    """Reads passages with their articles through a per-thread read-only connection."""

    MAX_ARTICLES = 100_000  # ArticleInfos remembered (~400 bytes each); past it the memory starts over

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        # Every record carries its ArticleInfo, and reading an article row costs more than the
        # passage itself: its metadata sits after the body, in the row's overflow pages. The store
        # forgets an article here when it removes it or changes its flag, and so does the index
        # sync for other processes' changes (a flag another process changes shows late here: no
        # answer shows it).
        self._articles: dict[int, ArticleInfo] = {}
        self._forgotten = 0  # bumped by forget(): a read that began before must not remember its rows
        self._lock = threading.Lock()

    def forget(self, article_ids: Iterable[int] | None = None) -> None:
        """Drop remembered articles (all when None): they changed or went away."""
        with self._lock:
            self._forgotten += 1
            if article_ids is None:
                self._articles = {}
            else:
                for article_id in article_ids:
                    self._articles.pop(article_id, None)

    def preload(self) -> int:
        """Remember the details of the newest MAX_ARTICLES articles now (~16 us an article, at start-up),
        so no question pays for reading an article row; returns how many."""
        epoch = self._forgotten
        rows = self._connection().execute(
            f"SELECT {_ARTICLE} FROM articles a ORDER BY a.id DESC LIMIT ?", (self.MAX_ARTICLES,)).fetchall()
        read = {r[0]: _info(r) for r in rows}
        with self._lock:
            if epoch != self._forgotten:  # something changed meanwhile: keep only what is remembered
                return 0
            read.update(self._articles)  # (read since: as fresh)
            self._articles = read
        return len(read)

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            conn.execute(f"PRAGMA mmap_size = {mmap_bytes()}")
            self._local.conn = conn
        return conn

    def _infos(self, ids: Iterable[int]) -> dict[int, ArticleInfo]:
        """The articles' infos, remembered or read (in one query); ids with no article are left out."""
        known, epoch = self._articles, self._forgotten
        wanted = set(ids)
        missing = [i for i in wanted if i not in known]
        if not missing:
            return {i: known[i] for i in wanted}
        rows = self._connection().execute(
            f"SELECT {_ARTICLE} FROM articles a WHERE a.id IN ({','.join('?' * len(missing))})", missing,
        ).fetchall()
        read = {r[0]: _info(r) for r in rows}
        with self._lock:
            if epoch == self._forgotten:
                if len(self._articles) + len(read) > self.MAX_ARTICLES:
                    self._articles = {}
                self._articles.update(read)
        return {i: known[i] if i in known else read[i] for i in wanted if i in known or i in read}

    def _passages(self, where: str, params: list, order: str = "") -> list[PassageRecord]:
        rows = self._connection().execute(
            f"SELECT p.id, p.seq, p.text, p.start, p.\"end\", p.article_id FROM passages p WHERE {where} {order}",
            params,
        ).fetchall()
        infos = self._infos(r[5] for r in rows)
        return [PassageRecord(r[0], infos[r[5]], r[1], r[2], r[3], r[4]) for r in rows if r[5] in infos]

    def passages(self, ids: Sequence[int]) -> dict[int, PassageRecord]:
        if not ids:
            return {}
        return {p.id: p for p in self._passages(f"p.id IN ({','.join('?' * len(ids))})", list(ids))}

    def passages_and_vocabularies(self, ids: Sequence[int]) -> tuple[dict[int, PassageRecord], dict[int, str]]:
        """passages(ids), and article_vocabularies of their articles, in one query: as a second
        query the word lists cost as much again as the passages (~0.1 ms a question)."""
        if not ids:
            return {}, {}
        rows = self._connection().execute(
            f"SELECT p.id, p.seq, p.text, p.start, p.\"end\", p.article_id, a.vocabulary, "
            f"CASE WHEN a.vocabulary IS NULL THEN a.title END, CASE WHEN a.vocabulary IS NULL THEN a.body END "
            f"FROM passages p JOIN articles a ON a.id = p.article_id WHERE p.id IN ({','.join('?' * len(ids))})",
            list(ids),
        ).fetchall()
        infos = self._infos(r[5] for r in rows)
        records: dict[int, PassageRecord] = {}
        words: dict[int, str] = {}
        for r in rows:
            aid = r[5]
            if aid in infos:
                records[r[0]] = PassageRecord(r[0], infos[aid], r[1], r[2], r[3], r[4])
                if aid not in words:  # (an article's word list comes once for each of its passages)
                    words[aid] = r[6] if r[6] is not None else word_list(article_text(r[7], r[8]))
        return records, words

    def passage_bounds(self, article_ids: Sequence[int]) -> dict[int, list[tuple[int, int]]]:
        """Where each passage of each article starts and ends in its body, in order (a passage's
        text is body[start:end], as import cut it)."""
        ids = list(set(article_ids))
        out: dict[int, list[tuple[int, int]]] = {}
        if ids:
            rows = self._connection().execute(
                f"SELECT article_id, start, \"end\" FROM passages "
                f"WHERE article_id IN ({','.join('?' * len(ids))}) ORDER BY article_id, seq", ids,
            ).fetchall()
            for aid, start, end in rows:
                out.setdefault(aid, []).append((start, end))
        return out

    def _quotes(self, where: str, params: list, order: str = "") -> list[QuoteRecord]:
        rows = self._connection().execute(
            f"SELECT q.id, q.passage_id, p.text, q.text, q.speaker, q.canonical, q.method, q.is_person, "
            f"q.start, q.\"end\", q.article_id FROM quotes q "
            f"LEFT JOIN passages p ON p.id = q.passage_id WHERE {where} {order}",
            params,
        ).fetchall()
        infos = self._infos(r[10] for r in rows)
        return [QuoteRecord(r[0], infos[r[10]], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), r[8], r[9])
                for r in rows if r[10] in infos]

    def quotes(self, ids: Sequence[int]) -> dict[int, QuoteRecord]:
        if not ids:
            return {}
        return {q.id: q for q in self._quotes(f"q.id IN ({','.join('?' * len(ids))})", list(ids))}

    def article_quotes(self, article_id: int) -> list[QuoteRecord]:
        return self._quotes("q.article_id = ?", [article_id], "ORDER BY q.start, q.id")

    def article_vocabularies(self, ids: Sequence[int]) -> dict[int, str]:
        """Each article's stored word list (bot.nlp.tokens.word_list of its title and body)."""
        ids = list(set(ids))
        if not ids:
            return {}
        rows = self._connection().execute(
            f"SELECT id, vocabulary, CASE WHEN vocabulary IS NULL THEN title END, "
            f"CASE WHEN vocabulary IS NULL THEN body END FROM articles WHERE id IN ({','.join('?' * len(ids))})",
            ids,
        ).fetchall()
        return {r[0]: r[1] if r[1] is not None else word_list(article_text(r[2], r[3])) for r in rows}

    def article_analyses(self, ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
        """Each article's body with its stored date analysis (bot.nlp.timex.saved_analysis; None if missing)."""
        ids = list(set(ids))
        if not ids:
            return {}
        rows = self._connection().execute(
            f"SELECT id, body, time_analysis FROM articles WHERE id IN ({','.join('?' * len(ids))})", ids).fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}


def _info(r: Sequence) -> ArticleInfo:
    """An ArticleInfo from the columns of _ARTICLE, in order."""
    return ArticleInfo(r[0], r[1], r[2], r[3], r[4], r[5], r[6], _date(r[7]), _datetime(r[8]), bool(r[9]))
