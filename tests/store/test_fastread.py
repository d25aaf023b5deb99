"""The worker-thread reader (raw sqlite3) and the async store answer the same reads with the same
records, so questions are answered alike on SQLite and on a server database."""

from __future__ import annotations

import asyncio

from bot.ingest.records import ArticleDraft, prepare
from bot.nlp.passages import split_passages
from bot.nlp.timex import saved_analysis
from bot.nlp.tokens import article_text, word_list
from bot.settings import Settings
from bot.library import Library
from bot.store.fastread import PassageReader, sqlite_path
from tests.store.helpers import url_of

ARTICLES = [
    ("Harbour bridge shuts", "\u201cThe harbour bridge will shut on Monday,\u201d said engineer Mara Lind. "
     "Repairs take a week.\n\nShe said: \u201cFerries will run every hour.\u201d Traffic resumes Friday."),
    ("Ferry strike ends", "Crews walked out on Tuesday. \u201cWe are back at work,\u201d union leader "
     "Tom Okafor told reporters. Services resume at noon."),
]


async def test_the_reader_returns_what_the_store_returns(tmp_path) -> None:  # noqa: ANN001
    db = str(tmp_path / "reads.db")
    library = await Library.open(Settings(db=db, corpus_dir=tmp_path / "none", index_path="none"))
    try:
        added = [await library.add_text(title, body) for title, body in ARTICLES]
        store = library.store
        reader = PassageReader(sqlite_path(url_of(db)))
        article_ids = [r.article.id for r in added]
        passage_ids = [p for r in added for p in await _passage_ids(store, r.article.id)]
        quote_ids = [q.id for aid in article_ids for q in await store.article_quotes(aid)]
        assert len(passage_ids) >= 6 and len(quote_ids) >= 3

        assert await asyncio.to_thread(reader.passages, passage_ids) == await store.passages(passage_ids)
        assert await asyncio.to_thread(reader.quotes, quote_ids) == await store.quotes(quote_ids)
        for aid in article_ids:
            assert await asyncio.to_thread(reader.article_quotes, aid) == await store.article_quotes(aid)
        bounds = await store.passage_bounds(article_ids + [max(article_ids) + 1])
        assert await asyncio.to_thread(reader.passage_bounds, article_ids + [max(article_ids) + 1]) == bounds
        for aid, (_, body) in zip(article_ids, ARTICLES):
            stored = await store.article_passages(aid)
            assert bounds[aid] == [(p.start, p.end) for p in stored]
            assert [body[a:b] for a, b in bounds[aid]] == [p.text for p in stored]  # a passage is its body's slice
            assert [p.text for p in stored] == [s.text for s in split_passages(body)]
        assert set(bounds) == set(article_ids)
        analysed = await store.article_analyses(article_ids + [max(article_ids) + 1])
        assert await asyncio.to_thread(reader.article_analyses, article_ids + [max(article_ids) + 1]) == analysed
        assert analysed == {aid: (body, saved_analysis(body)) for aid, (_, body) in zip(article_ids, ARTICLES)}
        words = await store.article_vocabularies(article_ids)
        assert await asyncio.to_thread(reader.article_vocabularies, article_ids) == words
        assert words[article_ids[1]] == word_list(article_text(*ARTICLES[1]))
        assert "okafor" in words[article_ids[1]].split() and "harbour" not in words[article_ids[1]].split()
        assert await asyncio.to_thread(reader.quotes, [max(quote_ids) + 100]) == {}
        # Passages with their articles' words in one read: what the two reads give.
        some = passage_ids[::2] + [max(passage_ids) + 100]
        records = await store.passages(some)
        both = (records, await store.article_vocabularies({r.article.id for r in records.values()}))
        assert set(both[1]) == set(article_ids)
        assert await store.passages_and_vocabularies(some) == both
        assert await asyncio.to_thread(reader.passages_and_vocabularies, some) == both
        assert await asyncio.to_thread(reader.passages_and_vocabularies, []) == ({}, {})
    finally:
        await library.close()


async def test_an_article_stored_without_its_words_gets_them_from_its_text(tmp_path) -> None:  # noqa: ANN001
    """Rows written before the words were stored (or by another tool) are read from their text."""
    db = str(tmp_path / "old.db")
    library = await Library.open(Settings(db=db, corpus_dir=tmp_path / "none", index_path="none"))
    try:
        prepared = prepare(ArticleDraft(title=ARTICLES[0][0], body=ARTICLES[0][1], source="x.txt"))
        prepared.vocabulary = ""  # stored as NULL
        prepared.time_analysis = None  # as a row written before revision 4 or by another tool
        (result,) = await library.store.add_articles([prepared])
        aid = result.article.id
        reader = PassageReader(sqlite_path(url_of(db)))
        expected = word_list(article_text(*ARTICLES[0]))
        assert await library.store.article_vocabularies([aid]) == {aid: expected}
        assert await asyncio.to_thread(reader.article_vocabularies, [aid]) == {aid: expected}
        passages = await library.store.passages(await _passage_ids(library.store, aid))
        assert (await asyncio.to_thread(reader.passages_and_vocabularies, list(passages)))[1] == {aid: expected}
        unanalysed = {aid: (ARTICLES[0][1], None)}
        assert await library.store.article_analyses([aid]) == unanalysed
        assert await asyncio.to_thread(reader.article_analyses, [aid]) == unanalysed
    finally:
        await library.close()


async def _passage_ids(store, article_id: int) -> list[int]:  # noqa: ANN001
    return [p.id for p in await store.article_passages(article_id)]


async def test_remembered_articles_follow_removals_flags_and_other_processes(tmp_path) -> None:  # noqa: ANN001
    """The reader remembers article infos; an id freed by a removal comes back as another article
    (SQLite hands out the largest rowid + 1 again), and its records must name the new one."""
    db = str(tmp_path / "reads.db")
    settings = Settings(db=db, corpus_dir=tmp_path / "none", index_path="none")
    library = await Library.open(settings)
    other = await Library.open(settings)  # a second process on the same database
    try:
        reader = library.store.reader
        assert reader is not None
        # BM25 needs a few documents before a word can score above zero (rank_bm25's idf).
        for n, place in enumerate(["Arden", "Bellmoor", "Corwick"]):
            await library.add_text(f"{place} budget passes", f"\u201cThe budget is balanced,\u201d said mayor "
                                   f"Ana Vell{n} of {place}. The council voted on Thursday.")
        first = (await library.add_text(*ARTICLES[0])).article
        pid = (await _passage_ids(library.store, first.id))[0]
        assert (await asyncio.to_thread(reader.passages, [pid]))[pid].article.title == ARTICLES[0][0]

        await library.store.set_breaking(first.id)
        assert (await asyncio.to_thread(reader.passages, [pid]))[pid].article.breaking

        await library.remove(first.id)
        assert await asyncio.to_thread(reader.passages, [pid]) == {}
        second = (await library.add_text(*ARTICLES[1])).article
        assert second.id == first.id  # the id came back
        quotes = await asyncio.to_thread(reader.article_quotes, second.id)
        assert quotes and {q.article.title for q in quotes} == {ARTICLES[1][0]}

        # Another process frees the id and reuses it; this one learns of it at its next sync.
        await other.remove(second.id)
        third = (await other.add_text("Lighthouse keeper retires", "\u201cThe lamp never went dark,\u201d "
                                      "said keeper Edda Mornvik on Sunday.")).article
        assert third.id == first.id
        await library.sync()
        quotes = await asyncio.to_thread(reader.article_quotes, third.id)
        assert quotes and {q.article.title for q in quotes} == {"Lighthouse keeper retires"}
        answer = await library.ask("!who said the lamp never went dark")
        assert answer.answer == "Edda Mornvik" and answer.article.title == "Lighthouse keeper retires"
    finally:
        await other.close()
        await library.close()


async def test_start_up_remembers_every_article_so_no_question_reads_article_rows(
        tmp_path, monkeypatch) -> None:  # noqa: ANN001
    import bot.store.fastread as fastread

    settings = Settings(db=str(tmp_path / "warm.db"), corpus_dir=tmp_path / "none", index_path="none")
    library = await Library.open(settings)
    ids = [(await library.add_text(title, body)).article.id for title, body in ARTICLES]
    await library.close()

    library = await Library.open(settings)  # start-up reads every article's details once
    try:
        reader, store = library.store.reader, library.store
        assert reader is not None and set(reader._articles) == set(ids)
        passage_ids = [p for aid in ids for p in await _passage_ids(store, aid)]
        expected = await store.passages(passage_ids)

        def no_article_rows(row):  # noqa: ANN001, ANN202
            raise AssertionError("an article row was read for a question")

        monkeypatch.setattr(fastread, "_info", no_article_rows)
        assert await asyncio.to_thread(reader.passages, passage_ids) == expected
        answer = await library.ask("!who said we are back at work")
        assert answer.answer == "Tom Okafor" and answer.article.title == ARTICLES[1][0]

        # A change while the details are being read: they are dropped, not remembered half-stale.
        def forgets_meanwhile(row):  # noqa: ANN001, ANN202
            reader.forget([row[0]])
            return fastread.ArticleInfo(*row[:7], None, None, bool(row[9]))

        monkeypatch.setattr(fastread, "_info", forgets_meanwhile)
        remembered = dict(reader._articles)
        assert await asyncio.to_thread(reader.preload) == 0
        assert reader._articles.keys() <= remembered.keys()
    finally:
        await library.close()


async def test_the_mapped_reader_sees_the_file_grow_and_mapping_can_be_turned_off(
        tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """NEWSBOT_SQLITE_MMAP_MB maps the file into memory (0: plain reads); either way rows written
    after the reader opened (and checkpointed into a bigger file) are read back alike."""
    db = str(tmp_path / "mapped.db")
    library = await Library.open(Settings(db=db, corpus_dir=tmp_path / "none", index_path="none"))
    try:
        first = (await library.add_text(*ARTICLES[0])).article.id
        readers = {}
        for setting, expected in (("64", 64 * 2**20), ("0", 0), ("lots", 2**30), ("inf", 2**30), ("-5", 0)):
            monkeypatch.setenv("NEWSBOT_SQLITE_MMAP_MB", setting)
            reader = readers[setting] = PassageReader(sqlite_path(url_of(db)))
            pragma = await asyncio.to_thread(lambda r=reader: r._connection().execute("PRAGMA mmap_size").fetchone())
            assert pragma[0] == expected
            assert await asyncio.to_thread(reader.article_vocabularies, [first]) == {
                first: word_list(article_text(*ARTICLES[0]))}
        # Enough articles to grow the file well past its first size, then a checkpoint writes them in.
        ids = [first]
        for n in range(40):
            ids.append((await library.add_text(f"{ARTICLES[1][0]} {n}",
                                               f"{ARTICLES[1][1]} Day {n}. " + "Filler words. " * 200)).article.id)
        async with library.store.engine.begin() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        analysed = await library.store.article_analyses(ids)
        assert len(analysed) == 41
        for reader in readers.values():
            assert await asyncio.to_thread(reader.article_analyses, ids) == analysed
    finally:
        await library.close()
