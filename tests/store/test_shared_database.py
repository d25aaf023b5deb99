"""Several bot processes on one database: each keeps its index in step with what the others add and
remove, and the alert outbox posts each (item, target) once however many processes poll at once.

Each "process" here is its own Library (engine, sessions, index) over the same database."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.library import Library
from bot.settings import Settings
from bot.store import repo
from bot.store.feeds import DELIVERED, DeliveryRecord, FeedStore, NewItem, Target
from tests.alerts.conftest import Clock, FeedServer, feed_server, make_service  # noqa: F401 - a fixture

QUESTION = "!who said the night ferry will run again from May"
TEXT = "\u201cThe night ferry will run again from May,\u201d said harbour master Ines Dahl on Tuesday."
GUILD, NEWS = 1_111_111_111_111_111_111, 9_111_111_111_111_111_111


async def _processes(database: str, corpus: Path, tmp_path: Path, n: int = 2) -> list[Library]:
    libraries = []
    for i in range(n):
        settings = Settings(db=database, corpus_dir=corpus, allow_private_urls=True,
                            index_path=str(tmp_path / f"index-{i}"))  # each process saves its own
        libraries.append(await Library.open(settings))
        if i == 0:
            await libraries[0].ensure_corpus()  # the seed article: a library of one text ranks nothing
    return libraries


async def test_a_process_picks_up_articles_another_added_and_removed(database: str, seed_corpus, tmp_path) -> None:  # noqa: ANN001
    a, b = await _processes(database, seed_corpus, tmp_path)
    try:
        added = await a.add_text("Ferry news", TEXT)
        assert (await a.ask(QUESTION)).found
        assert not (await b.ask(QUESTION)).found  # b's index has not seen it yet
        size = b.index.size()
        assert await b.sync() == 1
        answer = await b.ask(QUESTION)
        assert answer.found and answer.answer == "Ines Dahl" and answer.article.id == added.article.id
        assert b.index.size() == size + added.article.passages
        assert await b.sync() == 0  # nothing new: nothing done

        own = await b.add_text("Own note", "The museum opens late on Fridays, the curator said.")
        assert await b.sync() == 0  # its own add is in its index already, not added twice
        assert b.index.size() == size + added.article.passages + own.article.passages

        await a.remove(added.article.id)
        assert await b.sync() == 1
        assert not (await b.ask(QUESTION)).found
        assert await a.sync() == 1 and (await a.ask("!search museum opens late on Fridays")).found
    finally:
        for lib in (a, b):
            await lib.close()


async def test_a_process_behind_the_pruned_change_log_rebuilds_its_index(database: str, seed_corpus, tmp_path,  # noqa: ANN001
                                                                          monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(repo, "KEEP_CHANGES", 1)
    monkeypatch.setattr(repo, "PRUNE_EVERY", 1)
    a, b = await _processes(database, seed_corpus, tmp_path)
    try:
        gone = await a.add_text("Old note", "The museum opens late on Fridays, the curator said.")
        assert await b.sync() == 1 and (await b.ask("!search museum opens late on Fridays")).found
        added = await a.add_text("Ferry news", TEXT)
        await a.add_text("Other news", "The library will reopen in June after repairs, the council said.")
        await a.remove(gone.article.id)  # every change cut the log: b's last generation is no longer in it
        assert (await b.store.changes_since(b._synced_generation))[1] is None
        old_index = b.index
        assert await b.sync() == await a.store.count_articles()  # rebuilt from the store: every article
        assert b.index is not old_index and b.answerer.index is b.index
        answer = await b.ask(QUESTION)
        assert answer.found and answer.answer == "Ines Dahl" and answer.article.id == added.article.id
        assert not (await b.ask("!search museum opens late on Fridays")).found
        assert await b.sync() == 0  # in step again
    finally:
        for lib in (a, b):
            await lib.close()


async def test_two_processes_adding_the_same_text_at_once_store_it_once(database: str, seed_corpus, tmp_path) -> None:  # noqa: ANN001
    libraries = await _processes(database, seed_corpus, tmp_path, 3)
    try:
        reports = await asyncio.gather(*(lib.add_text("Ferry news", TEXT, GUILD) for lib in libraries))
        assert sorted(r.status for r in reports) == ["added", "duplicate", "duplicate"]
        added = next(r for r in reports if r.status == "added")
        assert all(r.article.id == added.article.id for r in reports)
    finally:
        for lib in libraries:
            await lib.close()


async def test_the_background_sync_notices_within_its_interval(database: str, seed_corpus, tmp_path) -> None:  # noqa: ANN001
    a, b = await _processes(database, seed_corpus, tmp_path)
    try:
        b.start_sync(0.05)
        await a.add_text("Ferry news", TEXT)
        for _ in range(100):
            if (await b.ask(QUESTION)).found:
                break
            await asyncio.sleep(0.05)
        assert (await b.ask(QUESTION)).found
    finally:
        for lib in (a, b):
            await lib.close()


async def test_a_saved_index_is_labelled_with_what_it_holds(database: str, seed_corpus, tmp_path) -> None:  # noqa: ANN001
    """b saves its index after a wrote: the label must cover a's article, or the next start would trust
    an index that lacks it."""
    a, b = await _processes(database, seed_corpus, tmp_path)
    await a.add_text("Ferry news", TEXT)
    await a.close()
    await b.close()  # saves (syncing first)
    again = await Library.open(b.settings)
    try:
        assert again.index.loaded_from is not None  # the saved index is current...
        assert (await again.ask(QUESTION)).found  # ...and holds the other process's article
    finally:
        await again.close()


class SlowSink:
    """A channel sink that takes a moment to post (a real network call does), recording every post."""

    prefixes = ("channel:",)
    cap = None

    def __init__(self, posts: list[tuple[str, str, str]], name: str) -> None:
        self.posts = posts
        self.name = name

    async def send(self, d: DeliveryRecord) -> str | None:
        await asyncio.sleep(0.01)
        self.posts.append((d.target, d.item.ident, self.name))
        return f"{self.name}-{len(self.posts)}"

    async def find_sent(self, d: DeliveryRecord) -> str | None:
        return next((f"{n}" for t, i, n in self.posts if (t, i) == (d.target, d.item.ident)), None)

    async def still_wanted(self, d: DeliveryRecord) -> bool:
        return True

    async def report_lost(self, d: DeliveryRecord, error: str) -> bool:
        return True


async def test_two_pollers_on_one_database_post_each_item_once(database: str, seed_corpus, tmp_path,
                                                               feed_server: FeedServer) -> None:  # noqa: ANN001
    a, b = await _processes(database, seed_corpus, tmp_path)
    try:
        clock = Clock()
        services = [make_service(lib, clock) for lib in (a, b)]
        await a.store.update_guild_config(GUILD, alert_channel_id=NEWS)
        url = feed_server.serve("/harbour.xml", "harbour-rss-1.xml")
        await services[0].add_feed(GUILD, url)  # primed: its current items are history
        feed_server.serve("/harbour.xml", "harbour-rss-2.xml")
        posts: list[tuple[str, str, str]] = []
        sinks = [SlowSink(posts, "a"), SlowSink(posts, "b")]
        fetched = len(feed_server.hits("/harbour.xml"))
        clock.advance(11)
        for _ in range(3):
            await asyncio.gather(*(s.poll([sink]) for s, sink in zip(services, sinks)))
        assert len(feed_server.hits("/harbour.xml")) == fetched + 1  # the due feed was claimed by one poller
        store = FeedStore(a.store.sessions)
        rows = await store.deliveries_of(f"channel:{NEWS}")
        assert rows and all(r.state == DELIVERED for r in rows)
        assert len(posts) == len(rows) == len({(t, i) for t, i, _ in posts})  # each (item, target) once

        # Both drain the same outbox at the same moment, many rows each time: still once each.
        items = []
        for n in range(20):
            item = await store.add_item(None, GUILD, NewItem(f"article:{n}", f"{n:064x}", None, f"Flash {n}", None,
                                                             "", clock(), None, True),
                                        [Target(f"channel:{NEWS}", GUILD, channel_id=NEWS),
                                         Target(f"channel:{NEWS + 1}", GUILD, channel_id=NEWS + 1)])
            items.append(item)
        posts.clear()
        await asyncio.gather(*(s.deliver([sink]) for s, sink in zip(services, sinks)),
                             *(s.deliver([sink]) for s, sink in zip(services, sinks)))
        assert len(posts) == 40 and len({(t, i) for t, i, _ in posts}) == 40
        assert {name for _, _, name in posts} <= {"a", "b"}
    finally:
        for lib in (a, b):
            await lib.close()


async def test_a_row_claimed_by_one_process_is_not_taken_by_another(database: str, seed_corpus, tmp_path) -> None:  # noqa: ANN001
    (a,) = await _processes(database, seed_corpus, tmp_path, 1)
    try:
        clock = Clock()
        store = FeedStore(a.store.sessions)
        await store.add_item(None, GUILD, NewItem("article:1", "1" * 64, None, "Flash", None, "", clock(), None, True),
                             [Target("console")])
        [row] = await store.open_deliveries(["console"], clock())
        assert await store.mark_attempted(row.id, clock(), expect=(row.state, row.attempts),
                                          lease=timedelta(minutes=2))
        # A second process read the row before the claim: its compare-and-set fails...
        assert not await store.mark_attempted(row.id, clock(), expect=(row.state, row.attempts))
        # ...and a process reading after the claim does not see the row while the send is in flight.
        assert await store.open_deliveries(["console"], clock() + timedelta(minutes=1)) == []
        # A process that died mid-send leaves it due again after the lease, for the look-before-resend path.
        [again] = await store.open_deliveries(["console"], clock() + timedelta(minutes=3))
        assert again.state == "attempted" and again.attempts == 1
    finally:
        await a.close()


async def test_due_feeds_are_claimed_once(database: str, seed_corpus, tmp_path) -> None:  # noqa: ANN001
    (a,) = await _processes(database, seed_corpus, tmp_path, 1)
    try:
        clock = Clock()
        store = FeedStore(a.store.sessions)
        feed = await store.add_feed(GUILD, "https://example.com/rss.xml")
        assert [f.id for f in await store.due_feeds(clock())] == [feed.id]
        assert await store.due_feeds(clock()) == []  # claimed for five minutes
        assert [f.id for f in await store.due_feeds(clock() + timedelta(minutes=6))] == [feed.id]
    finally:
        await a.close()
