"""The store on each database: bulk adds read their ids back right, generations count every change
and log it, duplicates are caught even when two writers race."""

from __future__ import annotations

import asyncio

import pytest

from bot.ingest.records import ArticleDraft, prepare
from bot.library import Library
from bot.settings import Settings
from bot.store import repo
from bot.store.repo import Store
from tests.store.helpers import url_of


def _draft(n: int) -> ArticleDraft:
    body = (f"Officials in district {n} met on Monday. "
            f"\u201cWe will rebuild bridge number {n} by spring,\u201d said engineer Alex Number{n}. "
            f"\u201cThe money for road {n} is there,\u201d the mayor of town {n} said later. Work starts soon.")
    return ArticleDraft(title=f"District {n} plans", body=body, source=f"d{n}.txt")


async def test_bulk_add_hands_back_the_ids_of_the_rows_it_wrote(database: str) -> None:
    store = await Store.open(url_of(database))
    try:
        prepared = [prepare(_draft(n)) for n in range(30)]
        prepared.append(prepared[3])  # twice in one batch: stored once
        results = await store.add_articles(prepared, guild_id=7)
        assert sum(r.article is not None for r in results) == 30
        assert results[-1].article is None and results[-1].duplicate_of.id == results[3].article.id
        for p, result in zip(prepared[:30], results):
            stored = await store.article_passages(result.article.id)
            assert [s.id for s in stored] == list(result.passage_ids)
            assert [s.text for s in stored] == [span.text for span in p.passages]
            quotes = await store.quotes(result.quote_ids)
            assert len(p.quotes) == 2 and len(quotes) == 2
            for qid, (q, passage_index) in zip(result.quote_ids, p.quotes):
                row = quotes[qid]
                assert (row.text, row.canonical, row.article.id) == (q.text, q.canonical, result.article.id)
                assert row.passage_id == result.passage_ids[passage_index]
        again = await store.add_articles(prepared[:2], guild_id=7)
        assert [r.duplicate_of.id for r in again] == [results[0].article.id, results[1].article.id]
    finally:
        await store.close()


async def test_every_add_and_remove_is_a_generation_with_its_changes_logged(database: str) -> None:
    store = await Store.open(url_of(database))
    try:
        assert await store.generation() == 0
        first = await store.add_articles([prepare(_draft(1)), prepare(_draft(2))])
        second = await store.add_article(prepare(_draft(3)))
        await store.remove_article(first[0].article.id)
        a, b, c = first[0].article.id, first[1].article.id, second.article.id
        assert await store.changes_since(0) == (3, [(1, a, "add"), (1, b, "add"), (2, c, "add"), (3, a, "remove")])
        assert await store.changes_since(2) == (3, [(3, a, "remove")])
        assert await store.changes_since(3) == (3, [])
        assert store.own_generations == {1, 2, 3}
    finally:
        await store.close()


async def test_the_change_log_keeps_its_newest_rows_and_says_when_it_no_longer_reaches_back(
        database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repo, "KEEP_CHANGES", 2)
    monkeypatch.setattr(repo, "PRUNE_EVERY", 2)
    store = await Store.open(url_of(database))
    try:
        ids = [(await store.add_article(prepare(_draft(n)))).article.id for n in range(5)]
        # generation 4 cut the log: at least the 2 newest rows stay, whole generations go
        assert await store.changes_since(0) == (5, None)
        assert await store.changes_since(1) == (5, None)
        assert await store.changes_since(2) == (5, [(3, ids[2], "add"), (4, ids[3], "add"), (5, ids[4], "add")])
        assert await store.changes_since(5) == (5, [])
    finally:
        await store.close()


async def test_writers_racing_on_one_database_lose_no_generation_and_store_a_text_once(database: str) -> None:
    url = url_of(database)
    stores = [await Store.open(url) for _ in range(3)]
    try:
        drafts = [prepare(_draft(n)) for n in range(12)]
        results = await asyncio.gather(*(stores[n % 3].add_article(p) for n, p in enumerate(drafts)))
        assert all(r.article is not None for r in results)
        assert await stores[0].generation() == 12  # no lost update: the generation row is locked per change
        _, changes = await stores[0].changes_since(0)
        assert sorted(g for g, _a, _act in changes) == list(range(1, 13))
        same = prepare(_draft(99))
        raced = await asyncio.gather(*(s.add_article(same) for s in stores))
        added = [r for r in raced if r.article is not None]
        assert len(added) == 1  # the unique key decides; the others report the winner as the duplicate
        assert all(r.duplicate_of.id == added[0].article.id for r in raced if r.article is None)
        assert await stores[1].count_articles() == 13
    finally:
        for s in stores:
            await s.close()


async def test_orderings_are_the_same_on_every_database(database: str, seed_corpus) -> None:  # noqa: ANN001
    library = await Library.open(Settings(db=database, corpus_dir=seed_corpus, index_path="none"))
    try:
        await library.ensure_corpus()
        for n in range(3):
            await library.add_text(f"Note {n}", f"\u201cWe agree on point {n},\u201d said Vladimir Putin in Moscow.")
        listed = [a.id for a in await library.store.list_articles(limit=10)]
        assert listed == sorted(listed, reverse=True)
        answer = await library.ask("!quotes Putin")
        assert answer.found and answer.details["speakers"] == sorted(answer.details["speakers"])
        assert [a.id for a in await library.store.article_choices(None, "Note")] == sorted(listed[:3], reverse=True)
    finally:
        await library.close()


async def test_ids_past_the_integer_columns_name_nothing_on_every_database(database: str, seed_corpus) -> None:  # noqa: ANN001
    """PostgreSQL fails a query comparing its 32-bit id columns with a larger number; users type any."""
    from bot.alerts.service import Alerts, AlertsError
    from bot.store.records import MAX_ROW_ID

    library = await Library.open(Settings(db=database, corpus_dir=seed_corpus, index_path="none"))
    try:
        await library.ensure_corpus()
        before = await library.store.stats(None)
        for n in (MAX_ROW_ID + 1, 2**53, 2**63 - 1, 0, -1):
            assert await library.store.get_article(n) is None
            assert await library.remove(n) is None
            assert await library.store.set_breaking(n) is None
            assert (await library.ask(f"!article {n}")).answer.startswith(("There is no article", "Usage"))
            alerts = Alerts(library, full_text=None)
            assert await alerts.store.get_feed(n) is None and await alerts.remove_feed(n, 0) is None
            for action in (alerts.backfill(n, 0, 5), alerts.flag_breaking(n, 0)):
                try:
                    await action
                except AlertsError as exc:
                    assert str(exc).startswith("This server has no")
                else:
                    raise AssertionError(f"id {n} found something")
        assert await library.store.stats(None) == before
    finally:
        await library.close()
