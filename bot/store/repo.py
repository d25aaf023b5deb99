"""The store: every query the bot makes, behind async methods that return plain records."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import Executor

from sqlalchemy import String, bindparam, cast, delete, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from bot.ingest.records import QUOTE_RULES_VERSION, PreparedArticle
from bot.nlp.timex import analysed_by_these_rules, analysis_is_current, stored_analysis
from bot.nlp.tokens import article_text, word_list
from bot.store.db import create_schema, make_engine, make_sessionmaker
from bot.store.fastread import PassageReader, sqlite_path
from bot.store.models import (
    SHARED_GUILD, Article, GuildSettings, LibraryChange, LibraryMeta, Passage, QuoteRow, utcnow,
)
from bot.store.records import (
    AddResult, ArticleInfo, GuildConfig, IndexRow, PassageRecord, QuoteRecord, possible_id,
)


def _info(a: Article, passages: int = 0, quotes: int = 0) -> ArticleInfo:
    return ArticleInfo(
        id=a.id, guild_id=a.guild_id, title=a.title, source=a.source, url=a.url, category=a.category,
        author=a.author, published=a.published, added_at=a.added_at, breaking=a.breaking,
        passages=passages, quotes=quotes,
    )


_ARTICLE_COLUMNS = ("id", "guild_id", "title", "source", "url", "category", "author", "published", "added_at",
                    "breaking")


def _visible(guild_id: int | None):  # noqa: ANN202 - SQL expression
    """Rows a server may see: the shared library plus its own (None: everything, for operators)."""
    if guild_id is None:
        return True
    return Article.guild_id.in_({SHARED_GUILD, guild_id})


# library_meta key: the quotation rules every stored quotation is known to be current with.
QUOTE_RULES = "quote_rules"
# library_meta key: every logged change of this generation or older has been deleted (see _prune_changes).
PRUNED_THROUGH = "changes_pruned_through"
# The change log keeps at least this many of its newest rows; a process further behind rebuilds its
# index from the store rather than apply that many changes one by one.
KEEP_CHANGES = 50_000
# How often (in generations) a writer trims the log.
PRUNE_EVERY = 256


async def bump_generation(s, added: Iterable[int] = (), removed: Iterable[int] = ()) -> int:  # noqa: ANN001
    """Count a change to the library and log the articles it added and removed; returns the new generation.

    A saved index is valid only for the generation it saw; other processes sharing the database
    read the log to bring their indexes up to date. The generation row is locked (FOR UPDATE on a
    server database) until the transaction commits, so generations follow commit order."""
    row = await s.get(LibraryMeta, "generation", with_for_update=True)
    if row is None or row.value == 0:
        # The library's first change: if it adds the first articles, every stored quotation is these rules'.
        added = list(added)
        if QUOTE_RULES_VERSION is not None and await s.get(LibraryMeta, QUOTE_RULES) is None and await s.scalar(
                select(Article.id).where(Article.id.not_in(added)).limit(1)) is None:
            s.add(LibraryMeta(key=QUOTE_RULES, value=QUOTE_RULES_VERSION))
    if row is None:
        row = LibraryMeta(key="generation", value=1)
        s.add(row)
    else:
        row.value += 1
    generation = row.value
    changes = [{"generation": generation, "article_id": a, "action": "add"} for a in added]
    changes += [{"generation": generation, "article_id": a, "action": "remove"} for a in removed]
    if changes:
        await s.execute(insert(LibraryChange), changes)
    if generation % PRUNE_EVERY == 0:
        await _prune_changes(s)
    return generation


async def _prune_changes(s) -> None:  # noqa: ANN001 - a session
    """Delete the change log's oldest generations, keeping at least its KEEP_CHANGES newest rows, and
    record how far it was cut (in the transaction holding the generation row, so no writer logs meanwhile)."""
    cut = await s.scalar(select(LibraryChange.generation).order_by(LibraryChange.id.desc())
                         .offset(KEEP_CHANGES).limit(1))
    if cut is None:
        return
    await s.execute(delete(LibraryChange).where(LibraryChange.generation <= cut))
    row = await s.get(LibraryMeta, PRUNED_THROUGH)
    if row is None:
        s.add(LibraryMeta(key=PRUNED_THROUGH, value=cut))
    else:
        row.value = max(row.value, cut)


async def _owned(s, article_id: int, guild_id: int | None) -> Article | None:  # noqa: ANN001 - a session
    """The article if the caller owns it (guild None: an operator, who owns everything)."""
    if not possible_id(article_id):
        return None
    query = select(Article).where(Article.id == article_id)
    if guild_id is not None:
        query = query.where(Article.guild_id == guild_id)
    return await s.scalar(query)


def _refreshed_analyses(rows: list[tuple[int, str, str | None]]) -> list[dict]:
    """A new analysis for each (id, body, stored analysis) whose stored one is not current."""
    return [{"aid": aid, "analysis": stored_analysis(body)}
            for aid, body, saved in rows if not analysis_is_current(saved, body)]


class Store:
    """Async access to the library; one per process, shared by every caller."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = make_sessionmaker(self.engine)
        path = sqlite_path(url)
        self.reader: PassageReader | None = PassageReader(path) if path else None
        self.own_generations: set[int] = set()  # generations this process's writes made (see changes_since)

    @classmethod
    async def open(cls, url: str) -> Store:
        store = cls(url)
        await create_schema(store.engine)
        return store

    async def close(self) -> None:
        await self.engine.dispose()

    async def generation(self) -> int:
        """How many times the library has changed; 0 for a new one."""
        async with self.sessions() as s:
            row = await s.get(LibraryMeta, "generation")
            return row.value if row else 0

    async def changes_since(self, generation: int) -> tuple[int, list[tuple[int, int, str]] | None]:
        """The library's generation now and the (generation, article id, "add"/"remove") changes made
        after `generation`, oldest first: what another process did since this one last looked. None
        instead of the changes when the log no longer reaches back that far (see KEEP_CHANGES)."""
        async with self.sessions() as s:
            current = int(await s.scalar(select(LibraryMeta.value).where(LibraryMeta.key == "generation")) or 0)
            if current <= generation:
                return current, []
            rows = (await s.execute(
                select(LibraryChange.generation, LibraryChange.article_id, LibraryChange.action)
                .where(LibraryChange.generation > generation, LibraryChange.generation <= current)
                .order_by(LibraryChange.generation, LibraryChange.id)
            )).all()
            # Read after the rows: a cut committed before them shows here (a later one left them whole).
            pruned = await s.scalar(select(LibraryMeta.value).where(LibraryMeta.key == PRUNED_THROUGH))
            if pruned is not None and generation < pruned:
                return current, None
            return current, [(int(g), int(a), str(act)) for g, a, act in rows]

    async def find_duplicate(self, content_hash: str, guild_id: int) -> ArticleInfo | None:
        """The article with this text that the server already sees, if any."""
        async with self.sessions() as s:
            row = await s.scalar(
                select(Article).where(Article.content_hash == content_hash, _visible(guild_id)).order_by(Article.id).limit(1)
            )
            return _info(row) if row else None

    async def add_articles(
        self, items: Sequence[PreparedArticle], guild_id: int = SHARED_GUILD
    ) -> list[AddResult]:
        """Store a batch in one transaction; texts already present (or twice in the batch) are duplicates.

        Plain bulk INSERT ... RETURNING rather than the ORM unit of work: bulk import runs through here."""
        if not items:
            return []
        async with self.sessions() as s, s.begin():
            known: dict[str, ArticleInfo] = {
                a.content_hash: _info(a)
                for a in await s.scalars(select(Article).where(
                    Article.content_hash.in_({p.content_hash for p in items}), _visible(guild_id)
                ))
            }
            fresh: dict[str, PreparedArticle] = {}
            for prepared in items:
                if prepared.content_hash not in known:
                    fresh.setdefault(prepared.content_hash, prepared)
            stored = await self._insert(s, list(fresh.values()), guild_id) if fresh else {}
            generation = await bump_generation(s, added=[r.article.id for r in stored.values()]) if fresh else None
        if generation is not None:
            self.own_generations.add(generation)
        results: list[AddResult] = []
        announced: set[str] = set()
        for prepared in items:
            h = prepared.content_hash
            if h in stored and h not in announced:
                announced.add(h)  # the first of the batch is the stored one
                results.append(stored[h])
            else:
                results.append(AddResult(None, known.get(h) or stored[h].article))
        return results

    @staticmethod
    async def _insert(s, items: list[PreparedArticle], guild_id: int) -> dict[str, AddResult]:  # noqa: ANN001
        now = utcnow()
        article_rows = [
            {"guild_id": guild_id, "title": p.draft.title, "body": p.draft.body, "source": p.draft.source,
             "url": p.draft.url, "category": p.draft.category, "author": p.draft.author,
             "published": p.draft.published, "added_at": now, "content_hash": p.content_hash,
             "breaking": p.draft.breaking, "vocabulary": p.vocabulary or None, "time_analysis": p.time_analysis}
            for p in items
        ]
        article_ids = list(await s.scalars(
            insert(Article).returning(Article.id, sort_by_parameter_order=True), article_rows
        ))
        passage_rows = [
            {"article_id": aid, "seq": i, "text": sp.text, "start": sp.start, "end": sp.end}
            for aid, p in zip(article_ids, items) for i, sp in enumerate(p.passages)
        ]
        # executemany without RETURNING is one multi-row statement; the ids are read back after,
        # ordered as inserted (RETURNING in parameter order would make SQLite go row by row).
        # Core on the session's connection: the ORM's bulk path cost twice as much per row.
        conn = await s.connection()
        if passage_rows:
            await conn.execute(Passage.__table__.insert(), passage_rows)
        passage_ids = list(await s.scalars(
            select(Passage.id).where(Passage.article_id.in_(article_ids)).order_by(Passage.article_id, Passage.seq)
        ))
        order = sorted(range(len(article_ids)), key=lambda i: article_ids[i])
        starts, offset = {}, 0
        for i in order:
            starts[article_ids[i]] = offset
            offset += len(items[i].passages)
        quote_rows = []
        per_article: list[tuple[list[int], int]] = []
        for aid, p in zip(article_ids, items):
            pids = passage_ids[starts[aid]: starts[aid] + len(p.passages)]
            per_article.append((pids, len(quote_rows)))
            quote_rows += [
                {"article_id": aid, "passage_id": pids[i] if i is not None else None, "text": q.text,
                 "speaker": q.speaker, "canonical": q.canonical, "method": q.method, "is_person": q.is_person,
                 "start": q.start, "end": q.end}
                for q, i in p.quotes
            ]
        quote_ids: list[int] = []
        if quote_rows and s.get_bind().dialect.name != "sqlite":
            # A server database returns the ids in parameter order from batched multi-row INSERTs.
            quote_ids = list(await s.scalars(
                insert(QuoteRow).returning(QuoteRow.id, sort_by_parameter_order=True), quote_rows))
        elif quote_rows:
            await conn.execute(QuoteRow.__table__.insert(), quote_rows)
            stored = {aid: [] for aid in article_ids}
            for qid, aid in (await s.execute(
                select(QuoteRow.id, QuoteRow.article_id).where(QuoteRow.article_id.in_(article_ids))
                .order_by(QuoteRow.id)
            )).all():
                stored[aid].append(qid)
            quote_ids = [qid for aid in article_ids for qid in stored[aid]]
        out: dict[str, AddResult] = {}
        for (aid, p, row), (pids, q0) in zip(zip(article_ids, items, article_rows), per_article):
            info = ArticleInfo(id=aid, **{k: row[k] for k in _ARTICLE_COLUMNS if k != "id"},
                               passages=len(p.passages), quotes=len(p.quotes))
            out[p.content_hash] = AddResult(info, passage_ids=tuple(pids),
                                            quote_ids=tuple(quote_ids[q0: q0 + len(p.quotes)]))
        return out

    async def add_article(self, prepared: PreparedArticle, guild_id: int = SHARED_GUILD) -> AddResult:
        try:
            return (await self.add_articles([prepared], guild_id))[0]
        except IntegrityError:
            # Another writer stored the same text between our check and our insert.
            dup = await self.find_duplicate(prepared.content_hash, guild_id)
            return AddResult(None, dup)

    async def remove_article(self, article_id: int, guild_id: int | None = None) -> ArticleInfo | None:
        """Delete an article the caller owns (guild None: any); returns what was removed."""
        async with self.sessions() as s, s.begin():
            article = await _owned(s, article_id, guild_id)
            if article is None:
                return None
            info = _info(article)
            await s.execute(delete(QuoteRow).where(QuoteRow.article_id == article_id))
            await s.execute(delete(Passage).where(Passage.article_id == article_id))
            await s.delete(article)
            generation = await bump_generation(s, removed=[article_id])
        self.own_generations.add(generation)
        if self.reader is not None:
            self.reader.forget([article_id])
        return info

    async def set_breaking(self, article_id: int, value: bool = True, guild_id: int | None = None) -> ArticleInfo | None:
        """Flag (or unflag) an article the caller owns (guild None: any) as breaking news."""
        async with self.sessions() as s, s.begin():
            article = await _owned(s, article_id, guild_id)
            if article is None:
                return None
            article.breaking = value
            info = _info(article)
        if self.reader is not None:
            self.reader.forget([article_id])
        return info

    async def get_article(self, article_id: int, guild_id: int | None = None) -> tuple[ArticleInfo, str] | None:
        """An article the caller may see, with its body."""
        if not possible_id(article_id):
            return None
        async with self.sessions() as s:
            article = await s.scalar(select(Article).where(Article.id == article_id, _visible(guild_id)))
            if article is None:
                return None
            counts = await self._counts(s, [article.id])
            return _info(article, *counts.get(article.id, (0, 0))), article.body

    async def _counts(self, s, ids: Iterable[int]) -> dict[int, tuple[int, int]]:  # noqa: ANN001
        ids = list(ids)
        if not ids:
            return {}
        passages = dict(
            (await s.execute(
                select(Passage.article_id, func.count()).where(Passage.article_id.in_(ids)).group_by(Passage.article_id)
            )).all()
        )
        quotes = dict(
            (await s.execute(
                select(QuoteRow.article_id, func.count()).where(QuoteRow.article_id.in_(ids)).group_by(QuoteRow.article_id)
            )).all()
        )
        return {i: (passages.get(i, 0), quotes.get(i, 0)) for i in ids}

    async def list_articles(self, guild_id: int | None = None, offset: int = 0, limit: int = 10) -> list[ArticleInfo]:
        """Newest first (by added time, then id)."""
        async with self.sessions() as s:
            rows = list(await s.scalars(
                select(Article).where(_visible(guild_id))
                .order_by(Article.added_at.desc(), Article.id.desc()).offset(offset).limit(limit)
            ))
            counts = await self._counts(s, [a.id for a in rows])
            return [_info(a, *counts.get(a.id, (0, 0))) for a in rows]

    async def article_choices(self, guild_id: int | None, text: str = "", own_only: bool = False,
                              limit: int = 25) -> list[ArticleInfo]:
        """Articles whose id starts with text or whose title holds it, newest first (for autocomplete).
        own_only: only the server's own articles (what its admins may remove), not the shared library."""
        text = text.strip().lstrip("#")
        query = select(Article).where(_visible(guild_id) if not own_only or guild_id is None
                                      else Article.guild_id == guild_id)
        if text:
            pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(or_(
                cast(Article.id, String).like(f"{pattern}%", escape="\\"),
                Article.title.ilike(f"%{pattern}%", escape="\\"),
            ))
        async with self.sessions() as s:
            rows = await s.scalars(query.order_by(Article.added_at.desc(), Article.id.desc()).limit(limit))
            return [_info(a) for a in rows]

    async def count_articles(self, guild_id: int | None = None) -> int:
        async with self.sessions() as s:
            return int(await s.scalar(select(func.count()).select_from(Article).where(_visible(guild_id))) or 0)

    async def stats(self, guild_id: int | None = None) -> dict[str, int]:
        """Counts of what a server sees."""
        async with self.sessions() as s:
            ids = select(Article.id).where(_visible(guild_id))
            articles = await s.scalar(select(func.count()).select_from(Article).where(_visible(guild_id)))
            passages = await s.scalar(select(func.count()).select_from(Passage).where(Passage.article_id.in_(ids)))
            quotes = await s.scalar(select(func.count()).select_from(QuoteRow).where(QuoteRow.article_id.in_(ids)))
            speakers = await s.scalar(
                select(func.count(func.distinct(QuoteRow.canonical))).where(QuoteRow.article_id.in_(ids))
            )
            own = 0
            if guild_id is not None:
                own = await s.scalar(select(func.count()).select_from(Article).where(Article.guild_id == guild_id))
            return {"articles": int(articles or 0), "passages": int(passages or 0), "quotes": int(quotes or 0),
                    "speakers": int(speakers or 0), "server_articles": int(own or 0)}

    async def _passages(self, where, order=()) -> list[PassageRecord]:  # noqa: ANN001 - SQL expressions
        """Passages with their articles, in one plain query (this is on every question's path)."""
        columns = [getattr(Article, c) for c in _ARTICLE_COLUMNS]
        query = (
            select(Passage.id, Passage.seq, Passage.text, Passage.start, Passage.end, *columns)
            .join(Article, Passage.article_id == Article.id).where(where).order_by(*order)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [PassageRecord(row[0], ArticleInfo(**dict(zip(_ARTICLE_COLUMNS, row[5:]))), row[1], row[2], row[3], row[4])
                for row in rows]

    async def passages(self, ids: Sequence[int]) -> dict[int, PassageRecord]:
        if not ids:
            return {}
        return {p.id: p for p in await self._passages(Passage.id.in_(ids))}

    async def article_vocabularies(self, ids: Iterable[int]) -> dict[int, str]:
        """Each article's stored word list (bot.nlp.tokens.word_list of its title and body), for
        judging a passage in its context; made from the text where a row lacks it."""
        ids = list(set(ids))
        if not ids:
            return {}
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(Article.id, Article.vocabulary).where(Article.id.in_(ids)))).all()
            lacking = [r[0] for r in rows if r[1] is None]
            texts = (await conn.execute(select(Article.id, Article.title, Article.body)
                                        .where(Article.id.in_(lacking)))).all() if lacking else []
        out = {r[0]: r[1] for r in rows if r[1] is not None}
        out.update({r[0]: word_list(article_text(r[1], r[2])) for r in texts})
        return out

    async def passages_and_vocabularies(self, ids: Sequence[int]) -> tuple[dict[int, PassageRecord], dict[int, str]]:
        """passages(ids), and article_vocabularies of their articles."""
        records = await self.passages(ids)
        return records, await self.article_vocabularies({r.article.id for r in records.values()})

    async def article_passages(self, article_id: int) -> list[PassageRecord]:
        async with self.sessions() as s:
            article = await s.scalar(
                select(Article).where(Article.id == article_id).options(selectinload(Article.passages))
            )
            if article is None:
                return []
            info = _info(article)
            return [PassageRecord(p.id, info, p.seq, p.text, p.start, p.end) for p in article.passages]

    async def passage_bounds(self, article_ids: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
        """Where each passage of each article starts and ends in its body, in order (a passage's
        text is body[start:end], as import cut it)."""
        ids = list(set(article_ids))
        out: dict[int, list[tuple[int, int]]] = {}
        if ids:
            query = (select(Passage.article_id, Passage.start, Passage.end).where(Passage.article_id.in_(ids))
                     .order_by(Passage.article_id, Passage.seq))
            async with self.engine.connect() as conn:
                for aid, start, end in (await conn.execute(query)).all():
                    out.setdefault(aid, []).append((start, end))
        return out

    async def article_analyses(self, ids: Iterable[int]) -> dict[int, tuple[str, str | None]]:
        """Each article's body with its stored date analysis (bot.nlp.timex.saved_analysis; None if missing)."""
        ids = list(set(ids))
        if not ids:
            return {}
        query = select(Article.id, Article.body, Article.time_analysis).where(Article.id.in_(ids))
        async with self.engine.connect() as conn:
            return {r[0]: (r[1], r[2]) for r in (await conn.execute(query)).all()}

    async def time_analyses_stale(self) -> bool:
        """Whether the oldest or the newest article lacks a date analysis made by these rules: two
        rows, so start-up can say cheaply that `db reanalyse` would help (a whole scan would read
        every body's overflow pages)."""
        async with self.engine.connect() as conn:
            ends = [(await conn.execute(select(Article.time_analysis).order_by(order).limit(1))).first()
                    for order in (Article.id, Article.id.desc())]
        return any(row is not None and not analysed_by_these_rules(row[0]) for row in ends)

    async def quotes_stale(self) -> bool:
        """Whether stored quotations may be another version of the quotation rules' (after an upgrade
        changed them): `db requote` would find them again. False when the rules' version is unknown."""
        if QUOTE_RULES_VERSION is None:
            return False
        async with self.sessions() as s:
            row = await s.get(LibraryMeta, QUOTE_RULES)
            if row is not None:
                return row.value != QUOTE_RULES_VERSION
            return await s.scalar(select(Article.id).limit(1)) is not None  # stored before versions were

    async def mark_quotes_current(self) -> None:
        """Record that every stored quotation is what these rules find (after a whole requote)."""
        if QUOTE_RULES_VERSION is None:
            return
        async with self.sessions() as s, s.begin():
            row = await s.get(LibraryMeta, QUOTE_RULES, with_for_update=True)
            if row is None:
                s.add(LibraryMeta(key=QUOTE_RULES, value=QUOTE_RULES_VERSION))
            else:
                row.value = QUOTE_RULES_VERSION

    async def refresh_time_analyses(self, batch: int = 500,
                                    on_batch: Callable[[int, int], None] | None = None,
                                    executor: Executor | None = None) -> tuple[int, int]:
        """Store a current date analysis for every article whose one is missing or was made by other
        rules (after a change of bot/nlp/timex.py): (articles refreshed, articles read). The rules run
        in `executor` (default: the event loop's worker threads)."""
        table = Article.__table__
        write = table.update().where(table.c.id == bindparam("aid")).values(time_analysis=bindparam("analysis"))
        last = refreshed = read = 0
        while True:
            async with self.engine.connect() as conn:
                rows = (await conn.execute(
                    select(Article.id, Article.body, Article.time_analysis)
                    .where(Article.id > last).order_by(Article.id).limit(batch))).all()
            if not rows:
                return refreshed, read
            last, read = rows[-1][0], read + len(rows)
            # CPU work (checking an analysis ~0.2 ms, making one ~1.5 ms): off the event loop; one write a batch.
            params = await asyncio.get_running_loop().run_in_executor(
                executor, _refreshed_analyses, [tuple(r) for r in rows])
            if params:
                async with self.engine.begin() as conn:
                    await conn.execute(write, params)
                refreshed += len(params)
            if on_batch is not None:
                on_batch(refreshed, read)

    def _quote_records(self, rows) -> list[QuoteRecord]:  # noqa: ANN001
        return [
            QuoteRecord(q.id, _info(q.article), q.passage_id, q.passage.text if q.passage else None, q.text,
                        q.speaker, q.canonical, q.method, q.is_person, q.start, q.end)
            for q in rows
        ]

    async def quotes(self, ids: Sequence[int]) -> dict[int, QuoteRecord]:
        if not ids:
            return {}
        async with self.sessions() as s:
            rows = await s.scalars(
                select(QuoteRow).where(QuoteRow.id.in_(ids))
                .options(selectinload(QuoteRow.article), selectinload(QuoteRow.passage))
            )
            return {q.id: q for q in self._quote_records(rows)}

    async def article_quotes(self, article_id: int) -> list[QuoteRecord]:
        async with self.sessions() as s:
            rows = await s.scalars(
                select(QuoteRow).where(QuoteRow.article_id == article_id).order_by(QuoteRow.start, QuoteRow.id)
                .options(selectinload(QuoteRow.article), selectinload(QuoteRow.passage))
            )
            return self._quote_records(rows)

    async def quotes_by_speakers(self, names: Iterable[str], guild_id: int | None = None, limit: int = 50) -> list[QuoteRecord]:
        """Quotations whose canonical speaker is one of names, newest articles first."""
        names = list(names)
        if not names:
            return []
        async with self.sessions() as s:
            rows = await s.scalars(
                select(QuoteRow).join(Article).where(QuoteRow.canonical.in_(names), _visible(guild_id))
                .order_by(Article.added_at.desc(), Article.id.desc(), QuoteRow.start, QuoteRow.id).limit(limit)
                .options(selectinload(QuoteRow.article), selectinload(QuoteRow.passage))
            )
            return self._quote_records(rows)

    async def speakers(self, guild_id: int | None = None) -> list[str]:
        """Every canonical speaker name the server can see."""
        async with self.sessions() as s:
            rows = await s.scalars(
                select(QuoteRow.canonical).join(Article)
                .where(QuoteRow.canonical.is_not(None), _visible(guild_id)).distinct().order_by(QuoteRow.canonical)
            )
            return [r for r in rows if r]

    async def iter_passage_rows(self, batch: int = 20_000) -> AsyncIterator[list[IndexRow]]:
        """All passages for the index, in id order, a batch at a time (bounded memory)."""
        async for rows in self._iter_rows(Passage, batch):
            yield rows

    async def iter_quote_rows(self, batch: int = 20_000) -> AsyncIterator[list[IndexRow]]:
        async for rows in self._iter_rows(QuoteRow, batch):
            yield rows

    async def _iter_rows(self, model, batch: int) -> AsyncIterator[list[IndexRow]]:  # noqa: ANN001
        last = 0
        while True:
            async with self.sessions() as s:
                result = await s.execute(
                    select(model.id, model.article_id, Article.guild_id, model.text).join(Article)
                    .where(model.id > last).order_by(model.id).limit(batch)
                )
                rows = [IndexRow(*r) for r in result.all()]
            if not rows:
                return
            last = rows[-1].id
            yield rows

    async def index_rows_for(self, article_id: int) -> tuple[list[IndexRow], list[IndexRow]]:
        """Passages and quotations of one article, for an in-place index update."""
        async with self.sessions() as s:
            out = []
            for model in (Passage, QuoteRow):
                result = await s.execute(
                    select(model.id, model.article_id, Article.guild_id, model.text).join(Article)
                    .where(model.article_id == article_id).order_by(model.id)
                )
                out.append([IndexRow(*r) for r in result.all()])
            return out[0], out[1]

    async def guild_config(self, guild_id: int) -> GuildConfig:
        """A server's settings (defaults when it has none yet)."""
        async with self.sessions() as s:
            row = await s.get(GuildSettings, guild_id)
            if row is None:
                return GuildConfig(guild_id)
            return GuildConfig(guild_id, row.admin_role_id, row.alert_channel_id, row.alert_role_id)

    async def update_guild_config(self, guild_id: int, **fields: int | None) -> GuildConfig:
        """Set some of a server's settings (admin_role_id, alert_channel_id, alert_role_id)."""
        async with self.sessions() as s, s.begin():
            row = await s.get(GuildSettings, guild_id)
            if row is None:
                row = GuildSettings(guild_id=guild_id)
                s.add(row)
            for name, value in fields.items():
                if name not in ("admin_role_id", "alert_channel_id", "alert_role_id"):
                    raise ValueError(f"unknown guild setting {name}")
                setattr(row, name, value)
        return await self.guild_config(guild_id)
