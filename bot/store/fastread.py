"""A blocking read path for the one query on every question's path, for use inside worker threads.

aiosqlite hops to its own thread four times per query (cursor, execute, fetch, close); at
hundreds of thousands of passages that costs more than the search itself. Worker threads that
already run the index search read passages through their own read-only sqlite3 connection in
the same hop. Other databases go through the async store instead.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.engine import make_url

from bot.store.records import ArticleInfo, PassageRecord

_ARTICLE = "a.id, a.guild_id, a.title, a.source, a.url, a.category, a.author, a.published, a.added_at, a.breaking"


def sqlite_path(url: str) -> str | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return parsed.database


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class PassageReader:
    """Reads passages with their articles through a per-thread read-only connection."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            self._local.conn = conn
        return conn

    def passages(self, ids: Sequence[int]) -> dict[int, PassageRecord]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._connection().execute(
            f"SELECT p.id, p.seq, p.text, p.start, p.\"end\", {_ARTICLE} FROM passages p "
            f"JOIN articles a ON a.id = p.article_id WHERE p.id IN ({marks})",
            list(ids),
        ).fetchall()
        out = {}
        for r in rows:
            info = ArticleInfo(r[5], r[6], r[7], r[8], r[9], r[10], r[11], _date(r[12]), _datetime(r[13]), bool(r[14]))
            out[r[0]] = PassageRecord(r[0], info, r[1], r[2], r[3], r[4])
        return out
