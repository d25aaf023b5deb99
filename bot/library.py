"""The core the front ends share: ingest -> store -> index -> answer, with no Discord in it."""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import aclosing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError, OperationalError

from bot.answer.core import Answerer
from bot.answer.models import Answer
from bot.index.search import LibraryIndex
from bot.ingest.files import iter_article_files, parse_article_text, decode, read_article_file
from bot.ingest.records import ArticleDraft, IngestError, PreparedArticle, prepare
from bot.ingest.fetch import FetchError, Resolver
from bot.settings import Settings
from bot.store.models import SHARED_GUILD
from bot.store.records import AddResult, ArticleInfo, IndexRow
from bot.store.repo import Store
from bot.store.requote import RequoteBatch, requote_batch

log = logging.getLogger(__name__)

IMPORT_BATCH = 200  # articles per database transaction during bulk import
PROCESS_POOL_MIN_FILES = 50  # below this, starting worker processes costs more than it saves
PREPARE_CHUNK = 10  # files per worker task: fewer round trips between processes
PREPARED_AHEAD = 2 * IMPORT_BATCH  # files prepared (or being prepared) ahead of the store: bounds memory
ASK_CONCURRENCY = 4  # questions answered at once; the rest queue, so a burst cannot stall the event loop
REQUOTE_BATCH = 200  # articles per `db requote` step (one transaction)
REANALYSE_BATCH = 50  # articles per background refresh step (~75 ms of the worker's CPU, one write)


_heap_frozen = False


def freeze_heap() -> None:
    """Take every object alive now (modules, the open library, its index) out of the cyclic garbage
    collector's reach. A full collection then scans only what was allocated since: without this, one
    walks the whole start-up heap, holding the GIL — and the event loop — for 100-200 ms."""
    global _heap_frozen
    gc.collect()
    gc.freeze()
    _heap_frozen = True


class StorageError(Exception):
    """The database refused a write (locked by another program, disk full, read-only); nothing was
    stored and what was stored before is untouched. The message is for the user."""


@contextmanager
def _storage_errors() -> Iterator[None]:
    """Turn the database's operational errors into a StorageError with a plain reason."""
    try:
        yield
    except OperationalError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        if "locked" in detail or "busy" in detail:
            reason = "the database is busy (another program holds its lock); nothing was stored, try again"
        elif "full" in detail:
            reason = "the database or disk is full; nothing was stored"
        else:
            reason = f"the database refused the change ({detail}); nothing was stored"
        log.warning("database write failed: %s", detail)
        raise StorageError(reason) from None


@dataclass(frozen=True)
class ImportReport:
    """What became of one input: added, duplicate or skipped (with the reason)."""

    source: str
    status: str
    article: ArticleInfo | None = None
    reason: str | None = None

    def line(self) -> str:
        if self.status == "added" and self.article:
            a = self.article
            return f"added #{a.id} {a.title!r} ({a.passages} passages, {a.quotes} quotes)"
        if self.status == "duplicate" and self.article:
            return f"skipped {self.source}: duplicate of #{self.article.id} {self.article.title!r}"
        return f"skipped {self.source}: {self.reason}"

    def summary(self) -> str:
        """line() with the date and category of an added article, for replies to people."""
        if self.status == "added" and self.article:
            a = self.article
            facts = [str(a.published) if a.published else "no date", a.category or "no category",
                     f"{a.passages} passage{'s' * (a.passages != 1)}", f"{a.quotes} quote{'s' * (a.quotes != 1)}"]
            return f"added #{a.id} {a.title!r} ({', '.join(facts)})"
        return self.line()


def _lower_priority() -> None:
    """Worker-process initializer: yield the CPU to the bot's own work (questions come first)."""
    try:
        os.nice(10)
    except (AttributeError, OSError):  # no nice() here (Windows): run at normal priority
        pass


def _prepare_file(path: Path) -> PreparedArticle | IngestError:
    try:
        return prepare(read_article_file(path))
    except IngestError as exc:
        return exc


def _prepare_chunk(paths: list[Path]) -> list[PreparedArticle | IngestError]:
    return [_prepare_file(path) for path in paths]


async def _prepared_files(paths: list[Path]) -> AsyncIterator[tuple[Path, PreparedArticle | IngestError]]:
    """Each file prepared off the event loop, in order: in worker processes for a bulk import
    (quotation rules are CPU-bound, so threads would share one core), a bounded number ahead."""
    if len(paths) < PROCESS_POOL_MIN_FILES:
        for path in paths:
            yield path, await asyncio.to_thread(_prepare_file, path)
        return
    loop = asyncio.get_running_loop()
    workers = max(1, min(os.cpu_count() or 1, 8))
    context = multiprocessing.get_context("forkserver")
    chunks = [paths[i:i + PREPARE_CHUNK] for i in range(0, len(paths), PREPARE_CHUNK)]
    # A feeder task keeps the workers busy while the caller stores what came back: submitting in
    # step with the caller left the pool idle through every database write.
    slots = asyncio.Semaphore(max(2 * workers, PREPARED_AHEAD // PREPARE_CHUNK))
    ready: asyncio.Queue = asyncio.Queue()  # (chunk, future), then None; or the feeder's error
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)

    async def feed() -> None:
        try:
            for chunk in chunks:
                await slots.acquire()
                ready.put_nowait((chunk, loop.run_in_executor(pool, _prepare_chunk, chunk)))
            ready.put_nowait(None)
        except Exception as exc:  # e.g. a broken pool: the reader raises it rather than waiting forever
            ready.put_nowait(exc)

    feeder = asyncio.create_task(feed(), name="newsbot-import-feeder")
    try:
        while (item := await ready.get()) is not None:
            if isinstance(item, Exception):
                raise item
            chunk, future = item
            outcomes = await future
            slots.release()
            for path, outcome in zip(chunk, outcomes):
                yield path, outcome
    finally:
        feeder.cancel()
        while not ready.empty():  # stopped early: what was submitted ahead is not wanted
            item = ready.get_nowait()
            if isinstance(item, tuple):
                item[1].cancel()
        await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)


class Library:
    """One per process: owns the store and the index and keeps them in step."""

    def __init__(self, store: Store, index: LibraryIndex, settings: Settings) -> None:
        self.store = store
        self.index = index
        self.settings = settings
        self.answerer = Answerer(store, index, settings.prefix)
        self._write_lock = asyncio.Lock()  # one writer at a time keeps store and index in the same order
        self._ask_slots = asyncio.Semaphore(ASK_CONCURRENCY)
        # One article prepared at a time (bulk imports use worker processes): quotation rules are pure-Python
        # CPU, and every extra thread running them holds the GIL the event loop needs to answer.
        self._prepare_slot = asyncio.Semaphore(1)
        self._saved_generation = -1
        self._synced_generation = 0  # the index holds every change up to this generation (see sync)
        self._sync_task: asyncio.Task | None = None
        self._reanalysis_task: asyncio.Task | None = None

    @classmethod
    async def open(cls, settings: Settings) -> Library:
        """Open the database, create the schema and build the index from it."""
        store = await Store.open(settings.db_url)
        if await store.time_analyses_stale():
            log.warning("articles' stored date analyses were made by other date rules (or are missing): "
                        "answers stay right but `when` is slower until they are refreshed: a running bot "
                        "does it in the background (NEWSBOT_REANALYSE), or run `python -m bot db reanalyse`")
        before = await store.generation()  # the index holds at least this; sync() re-applies anything later
        index = await LibraryIndex.open(store, settings.index_dir)
        if store.reader is not None:
            await asyncio.to_thread(store.reader.preload)
        library = cls(store, index, settings)
        library._saved_generation = await store.generation()
        if not _heap_frozen:  # once per process: the first library opened is the one a bot or CLI keeps
            freeze_heap()
        library._synced_generation = before
        return library

    async def sync(self) -> int:
        """Bring the index up to date with articles other processes sharing the database added or
        removed (cheap when nothing changed: one row read). Returns how many articles it re-indexed."""
        async with self._write_lock:
            return await self._sync_locked()

    async def _sync_locked(self) -> int:
        generation, changes = await self.store.changes_since(self._synced_generation)
        own = self.store.own_generations
        if changes is None:
            return await self._rebuild_index(generation)
        latest: dict[int, str] = {}  # article id -> its last action, in order of first appearance
        for g, article_id, action in changes:
            if g not in own:  # this process's own writes are in the index already
                latest[article_id] = action
        if latest and self.store.reader is not None:
            self.store.reader.forget(latest)  # (an id another process freed may come back as a new article)
        for article_id, action in latest.items():
            # Re-read an added article whole (an index built while it was being written may hold part of it).
            await self.index.remove_article(article_id)
            if action == "add":
                await self.index.add_article(self.store, article_id)
        if latest:
            log.info("index synced to generation %d: %d articles changed elsewhere", generation, len(latest))
        self._mark_synced(generation)
        return len(latest)

    def _mark_synced(self, generation: int) -> None:
        """The index now holds every change up to generation: this process's own writes up to it need no
        remembering."""
        own = self.store.own_generations
        own.difference_update({g for g in own if g <= generation})
        self._synced_generation = max(self._synced_generation, generation)

    async def _rebuild_index(self, generation: int) -> int:
        """Replace the index with one built from the store: this process is further behind than the
        change log reaches (a question in flight finishes on the old one). Returns the articles indexed."""
        log.info("index too far behind the change log (generation %d, library %d): rebuilding it",
                 self._synced_generation, generation)
        index = LibraryIndex()
        await index.build(self.store)
        self.index = self.answerer.index = index
        if self.store.reader is not None:
            self.store.reader.forget()
        self._mark_synced(generation)
        return await self.store.count_articles()

    def start_sync(self, interval: float) -> asyncio.Task:
        """Sync the index every `interval` seconds in the background until close()."""
        async def loop() -> None:
            while True:
                await asyncio.sleep(interval)
                try:
                    await self.sync()
                except Exception:  # the database is away for a moment: try again next time (cancelling is no Exception)
                    log.warning("index sync failed; retrying in %.0fs", interval, exc_info=True)

        if self._sync_task is None or self._sync_task.done():
            self._sync_task = asyncio.create_task(loop(), name="newsbot-index-sync")
        return self._sync_task

    def start_reanalysis(self) -> asyncio.Task:
        """Refresh in the background what older rules stored (after an upgrade changed them): stale
        date analyses, so `when` is fast again without `db reanalyse`, then quotations, so speakers
        follow the new rules without `db requote`. The task's result is how many date analyses it
        refreshed."""
        async def run() -> int:
            dates, quotes = await self.store.time_analyses_stale(), await self.store.quotes_stale()
            if not (dates or quotes):
                return 0
            # A process of its own at low priority: the rules are pure-Python CPU, and a thread running
            # them would hold the GIL that the event loop and the questions' threads need.
            pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"),
                                       initializer=_lower_priority)
            refreshed = 0
            try:
                # Started from a thread: starting the worker (and the fork server) blocks for ~50 ms.
                await asyncio.to_thread(lambda: pool.submit(int).result())
                if dates:
                    log.info("refreshing stale date analyses in the background")
                    refreshed, read = await self.store.refresh_time_analyses(REANALYSE_BATCH, executor=pool)
                    log.info("refreshed the date analyses of %d of %d articles", refreshed, read)
                if quotes:
                    log.info("finding quotations again with the current rules, in the background")
                    report = await self.requote(REANALYSE_BATCH, executor=pool)
                    log.info("requoted %d articles: %d quotations have another speaker, %d articles' "
                             "quotations changed", report.read, report.speakers_changed, len(report.replaced))
            except Exception:  # the database went away, a worker died: the commands can finish the job
                log.warning("refreshing what older rules stored stopped; `python -m bot db reanalyse` and "
                            "`db requote` finish it", exc_info=True)
            finally:
                await asyncio.shield(asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True))
            return refreshed

        if self._reanalysis_task is None or self._reanalysis_task.done():
            self._reanalysis_task = asyncio.create_task(run(), name="newsbot-reanalysis")
        return self._reanalysis_task

    async def requote(self, batch: int = REQUOTE_BATCH, on_batch: Callable[[RequoteBatch], None] | None = None,
                      executor: Executor | None = None) -> RequoteBatch:
        """Find every article's quotations again with the current rules (after an upgrade changed
        them; the rules run in `executor`) and re-index the articles whose quotations changed;
        returns the totals."""
        total, after = RequoteBatch(), 0
        while True:
            step = await requote_batch(self.store, after, batch, executor)
            if not step.read:
                await self.store.mark_quotes_current()
                return total
            if step.replaced:
                async with self._write_lock:  # (as every change of the index)
                    if self.store.reader is not None:
                        self.store.reader.forget(step.replaced)  # (their quotation counts changed)
                    for article_id in step.replaced:
                        await self.index.remove_article(article_id)
                        await self.index.add_article(self.store, article_id)
            after = step.last_id
            total.last_id, total.read = step.last_id, total.read + step.read
            total.speakers_changed += step.speakers_changed
            total.replaced += step.replaced
            total.failed += step.failed
            if on_batch is not None:
                on_batch(total)

    async def save_index(self) -> None:
        """Save the index beside the database if the library changed since the last save."""
        directory = self.settings.index_dir
        if directory is None:
            return
        async with self._write_lock:
            # Label the saved index with a generation it is known to hold, other processes' changes included.
            await self._sync_locked()
            generation = self._synced_generation
            if generation != self._saved_generation:
                await asyncio.to_thread(self.index.save, directory, generation)
                self._saved_generation = generation

    async def close(self) -> None:
        for name in ("_sync_task", "_reanalysis_task"):
            task = getattr(self, name)
            if task is not None:
                task.cancel()
                try:
                    await task
                except (asyncio.CancelledError, Exception):
                    pass
                setattr(self, name, None)
        try:
            await self.save_index()
        finally:
            await self.store.close()

    async def ask(self, question: str, guild_id: int | None = None) -> Answer:
        async with self._ask_slots:
            return await self.answerer.ask(question, guild_id)

    async def is_empty(self) -> bool:
        return await self.store.count_articles() == 0

    async def ensure_corpus(self) -> list[ImportReport]:
        """Import the bundled corpus into an empty library, so a fresh clone can answer at once."""
        if not await self.is_empty() or not self.settings.corpus_dir.is_dir():
            return []
        return await self.import_paths([self.settings.corpus_dir])

    async def _store_batch(self, batch: list[tuple[str, PreparedArticle]], guild_id: int) -> list[ImportReport]:
        async with self._write_lock:
            try:
                results = await self.store.add_articles([p for _, p in batch], guild_id)
            except IntegrityError:
                # Another process sharing the database stored one of these texts meanwhile: now it is a
                # known duplicate, and the rest of the batch goes in.
                results = await self.store.add_articles([p for _, p in batch], guild_id)
            passages: list[IndexRow] = []
            quotes: list[IndexRow] = []
            for (_, prepared), result in zip(batch, results):
                if result.article is None:
                    continue
                aid = result.article.id
                passages += [IndexRow(i, aid, guild_id, span.text)
                             for i, span in zip(result.passage_ids, prepared.passages)]
                quotes += [IndexRow(i, aid, guild_id, q.text) for i, (q, _) in zip(result.quote_ids, prepared.quotes)]
            await self.index.add_rows(passages, quotes)  # the stored texts, without reading them back
        return [self._report(source, r) for (source, _), r in zip(batch, results)]

    @staticmethod
    def _report(source: str, result: AddResult) -> ImportReport:
        if result.article is not None:
            return ImportReport(source, "added", result.article)
        return ImportReport(source, "duplicate", result.duplicate_of)

    async def import_paths(
        self, paths: Iterable[Path], guild_id: int = SHARED_GUILD,
        on_report: Callable[[ImportReport], None] | None = None,
    ) -> list[ImportReport]:
        """Import files and folders in batches; a bad file is reported and the rest go on."""
        reports: list[ImportReport] = []
        batch: list[tuple[str, PreparedArticle]] = []

        def emit(items: list[ImportReport]) -> None:
            reports.extend(items)
            if on_report:
                for item in items:
                    on_report(item)

        prepared = _prepared_files(list(iter_article_files(list(paths))))
        async with aclosing(prepared):  # a failed write stops the workers now, not at garbage collection
            async for path, outcome in prepared:
                if isinstance(outcome, IngestError):
                    emit([ImportReport(str(path), "skipped", reason=str(outcome))])
                    continue
                batch.append((str(path), outcome))
                if len(batch) >= IMPORT_BATCH:
                    with _storage_errors():
                        emit(await self._store_batch(batch, guild_id))
                    batch = []
        if batch:
            with _storage_errors():
                emit(await self._store_batch(batch, guild_id))
        await self.save_index()  # a bulk import is worth keeping even if the process dies later
        return reports

    async def add_draft(self, draft: ArticleDraft, guild_id: int = SHARED_GUILD) -> ImportReport:
        """Prepare, store and index one article; it is answerable when this returns."""
        try:
            async with self._prepare_slot:
                prepared = await asyncio.to_thread(prepare, draft)
        except IngestError as exc:
            return ImportReport(draft.source, "skipped", reason=str(exc))
        try:
            with _storage_errors():
                return (await self._store_batch([(draft.source, prepared)], guild_id))[0]
        except StorageError as exc:
            return ImportReport(draft.source, "skipped", reason=str(exc))

    async def add_file_bytes(self, name: str, data: bytes, guild_id: int = SHARED_GUILD) -> ImportReport:
        """An uploaded .txt/.md file, imported like the corpus files."""
        suffix = Path(name).suffix.lower()
        if suffix in {".html", ".htm"}:
            return await self.add_html_bytes(name, data, guild_id)
        if suffix not in {".txt", ".md", ".markdown"}:
            return ImportReport(name, "skipped", reason=f"unsupported file type {suffix or '(none)'}; use .txt, .md or .html")
        try:
            draft = await asyncio.to_thread(lambda: parse_article_text(decode(data, name), name))
        except IngestError as exc:
            return ImportReport(name, "skipped", reason=str(exc))
        return await self.add_draft(draft, guild_id)

    async def add_html_bytes(self, name: str, data: bytes, guild_id: int = SHARED_GUILD,
                             url: str | None = None) -> ImportReport:
        """A saved web page (an uploaded .html file), read with the same extractor as fetched pages."""
        from bot.ingest.web import html_to_draft

        try:
            draft = await asyncio.to_thread(html_to_draft, data, name, url)
        except IngestError as exc:
            return ImportReport(name, "skipped", reason=str(exc))
        return await self.add_draft(draft, guild_id)

    async def add_url(self, url: str, guild_id: int = SHARED_GUILD, *, resolver: Resolver | None = None) -> ImportReport:
        """Fetch a page through the address guard (NEWSBOT_ALLOW_PRIVATE_URLS lifts it), extract and add it."""
        from bot.ingest.web import fetch_article

        try:
            draft = await fetch_article(url, allow_private=self.settings.allow_private_urls, resolver=resolver)
        except (FetchError, IngestError) as exc:
            return ImportReport(url, "skipped", reason=str(exc))
        return await self.add_draft(draft, guild_id)

    async def add_text(self, title: str, text: str, guild_id: int = SHARED_GUILD, source: str = "pasted") -> ImportReport:
        """A short item pasted as `title | text`."""
        return await self.add_draft(ArticleDraft(title=title, body=text, source=source), guild_id)

    async def remove(self, article_id: int, guild_id: int | None = None) -> ArticleInfo | None:
        """Remove an article the caller owns; the index follows before this returns."""
        async with self._write_lock:
            with _storage_errors():
                removed = await self.store.remove_article(article_id, guild_id)
            if removed is not None:
                await self.index.remove_article(article_id)
        return removed
