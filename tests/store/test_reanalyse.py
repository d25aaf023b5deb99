"""`python -m bot db reanalyse` stores a current date analysis for every article lacking one: after
a change of the date rules, stored analyses of the old rules are ignored until it runs."""

from __future__ import annotations

import asyncio
import multiprocessing

import sqlalchemy as sa

from bot.cli import main
from bot.ingest.records import ArticleDraft, prepare
from bot.nlp.timex import analysis_is_current, saved_analysis
from bot.store.db import make_engine
from bot.store.models import Article
from bot.store.repo import Store
from tests.store.helpers import url_of

BODIES = [
    "The council said the harbour bridge reopens on Monday. Traffic will resume at noon.",
    "Crews walked out on Tuesday, March 3, 2026. The strike ended two weeks later.",
    "The lander touched down in early 2024. A second mission is due next year.",
    "No date at all here.",
]


async def _setup(url: str) -> list[int]:
    store = await Store.open(url)
    try:
        results = await store.add_articles([prepare(ArticleDraft(title=f"T{i}", body=b, source=f"{i}.txt"))
                                            for i, b in enumerate(BODIES)])
        ids = [r.article.id for r in results]
        async with store.engine.begin() as conn:
            old = saved_analysis(BODIES[1]).replace(saved_analysis(BODIES[1]).split(":")[0], "0ld0ld0ld0ld", 1)
            for aid, value in zip(ids[:3], (None, old, saved_analysis(BODIES[2])[:-5])):  # missing, stale, cut short
                await conn.execute(sa.update(Article).where(Article.id == aid).values(time_analysis=value))
        return ids
    finally:
        await store.close()


async def _stored(url: str) -> dict[int, str | None]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return dict((await conn.execute(sa.select(Article.id, Article.time_analysis))).all())
    finally:
        await engine.dispose()


def test_reanalyse_refreshes_missing_stale_and_damaged_analyses(database: str, capsys) -> None:  # noqa: ANN001
    url = url_of(database)
    ids = asyncio.run(_setup(url))
    before = asyncio.run(_stored(url))
    assert [analysis_is_current(before[i], b) for i, b in zip(ids, BODIES)] == [False, False, False, True]

    assert main(["--db", database, "db", "reanalyse", "--batch", "2"]) == 0
    assert "reanalysed 3 of 4 articles" in capsys.readouterr().out
    after = asyncio.run(_stored(url))
    assert after == {i: saved_analysis(b) for i, b in zip(ids, BODIES)}
    assert after[ids[3]] == before[ids[3]]

    assert main(["--db", database, "db", "reanalyse"]) == 0
    assert "reanalysed 0 of 4 articles" in capsys.readouterr().out


async def test_when_answers_alike_with_stored_analyses_missing_or_used(database: str, tmp_path) -> None:  # noqa: ANN001
    """Both read paths (the worker-thread reader on SQLite, the async store elsewhere) seed the date
    rules' cache from the stored analyses and answer exactly as when the rules run themselves."""
    import json

    from bot.library import Library
    from bot.nlp import timex
    from bot.render.text import render_json
    from bot.settings import PROJECT_ROOT, Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("2023-03-08-estravia-central-bank-rate-hike.txt", "2023-03-14-corvan-lander-lunar-south-pole.txt"):
        (corpus / name).write_text((PROJECT_ROOT / "corpus" / name).read_text())
    questions = [json.loads(line)["q"] for line in (PROJECT_ROOT / "tests/eval/dev-a.jsonl").read_text().splitlines()
                 if line.strip() and json.loads(line)["q"].startswith("!when")]
    assert len(questions) >= 5
    library = await Library.open(Settings(db=database, corpus_dir=corpus,
                                          index_path=str(tmp_path / "index") if "://" in database else None))
    try:
        await library.ensure_corpus()

        async def answers() -> list[str]:
            timex._TEXTS.clear()
            return [render_json(await library.ask(q)) for q in questions]

        readers = [library.store.reader, None] if library.store.reader is not None else [None]
        seen = []
        for reader in readers:
            library.store.reader = reader
            seen.append(await answers())
        async with library.store.engine.begin() as conn:
            await conn.execute(sa.update(Article).values(time_analysis=None))
        seen.append(await answers())
        assert all(s == seen[-1] for s in seen)
        assert sum('"found": true' in a for a in seen[0]) >= 3
    finally:
        await library.close()


def test_start_up_says_when_stored_analyses_are_stale(database: str, caplog) -> None:  # noqa: ANN001
    """Two rows, the oldest and the newest article, tell start-up whether `db reanalyse` would help."""
    from bot.library import Library
    from bot.settings import Settings

    async def opened_warns(db: str) -> bool:
        caplog.clear()
        library = await Library.open(Settings(db=db, corpus_dir="none", index_path="none"))
        await library.close()
        return any("db reanalyse" in r.getMessage() for r in caplog.records)

    url = url_of(database)
    ids = asyncio.run(_setup(url))  # the oldest article has no analysis
    assert asyncio.run(opened_warns(database))
    assert main(["--db", database, "db", "reanalyse"]) == 0
    assert not asyncio.run(opened_warns(database))

    async def age_newest() -> None:
        engine = make_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.execute(sa.update(Article).where(Article.id == ids[-1])
                                   .values(time_analysis="0ld0ld0ld0ld:1:0:[]"))
        finally:
            await engine.dispose()

    asyncio.run(age_newest())
    assert asyncio.run(opened_warns(database))


def test_reanalysis_setting_is_on_unless_turned_off(monkeypatch) -> None:  # noqa: ANN001
    from bot.settings import load_settings

    for value, expected in (("", True), ("1", True), ("on", True), ("0", False), ("off", False), ("no", False)):
        monkeypatch.setenv("NEWSBOT_REANALYSE", value)
        assert load_settings(env_file=None).reanalyse is expected, value


def test_a_running_library_refreshes_stale_analyses_in_the_background(database: str) -> None:  # noqa: ANN001
    """After an upgrade that changed the date rules, a running bot brings every stored analysis up to
    date by itself (in a worker process), without `db reanalyse`; a library already current does nothing."""
    from bot.library import Library
    from bot.settings import Settings

    url = url_of(database)
    ids = asyncio.run(_setup(url))

    async def refresh() -> tuple[int, int]:
        library = await Library.open(Settings(db=database, corpus_dir="none", index_path="none"))
        try:
            task = library.start_reanalysis()
            assert library.start_reanalysis() is task  # one refresh at a time
            refreshed = await task
            again = await library.start_reanalysis()
            assert (await library.ask("!when did the strike end")).found
            return refreshed, again
        finally:
            await library.close()

    assert asyncio.run(refresh()) == (3, 0)
    assert asyncio.run(_stored(url)) == {i: saved_analysis(b) for i, b in zip(ids, BODIES)}


def test_closing_the_library_stops_a_refresh_and_leaves_no_damaged_analysis(database: str, capsys) -> None:  # noqa: ANN001
    """close() during a background refresh stops it between batches: every stored analysis is then either
    still missing or current, and `db reanalyse` finishes the rest."""
    from bot.library import REANALYSE_BATCH, Library
    from bot.settings import Settings

    url = url_of(database)
    bodies = [f"Ferry {i} left the harbour on Monday, March {i % 28 + 1}, 2026. It returns next week."
              for i in range(10 * REANALYSE_BATCH)]

    async def setup() -> None:
        store = await Store.open(url)
        try:
            await store.add_articles([prepare(ArticleDraft(title=f"F{i}", body=b, source=f"f{i}.txt"))
                                      for i, b in enumerate(bodies)])
            async with store.engine.begin() as conn:
                await conn.execute(sa.update(Article).values(time_analysis=None))
        finally:
            await store.close()

    workers: set[int] = set()

    async def stop_midway() -> None:
        library = await Library.open(Settings(db=database, corpus_dir="none", index_path="none"))
        try:
            task = library.start_reanalysis()
            for _ in range(600):  # until the first batch is written (the worker process starts first)
                workers.update(p.pid for p in multiprocessing.active_children())
                if any(v is not None for v in (await _stored(url)).values()) or task.done():
                    break
                await asyncio.sleep(0.1)
        finally:
            await library.close()
        assert task.done() and library._reanalysis_task is None
        assert not multiprocessing.active_children()  # the worker process ended with the library

    asyncio.run(setup())
    asyncio.run(stop_midway())
    stored = asyncio.run(_stored(url))
    by_id = dict(zip(sorted(stored), bodies))
    done = [i for i, v in stored.items() if v is not None]
    assert done and all(stored[i] == saved_analysis(by_id[i]) for i in done)
    assert workers  # the rules ran in a worker process, not in a thread of this one
    left = len(bodies) - len(done)
    assert left > 0  # stopped: ten batches of ~75 ms cannot all finish in the 0.1 s before close()
    capsys.readouterr()
    assert main(["--db", database, "db", "reanalyse"]) == 0
    assert f"reanalysed {left} of {len(bodies)} articles" in capsys.readouterr().out
    assert asyncio.run(_stored(url)) == {i: saved_analysis(b) for i, b in by_id.items()}


def test_a_set_up_bot_starts_the_refresh_unless_told_not_to(database: str, tmp_path) -> None:  # noqa: ANN001
    from bot.client import create_bot
    from bot.settings import Settings

    url = url_of(database)
    asyncio.run(_setup(url))

    async def set_up(reanalyse: bool) -> int | None:
        bot = create_bot(settings=Settings(db=database, corpus_dir=tmp_path / "none", index_path="none",
                                           sync_seconds=0, reanalyse=reanalyse))
        await bot._async_setup_hook()  # what login() does first
        await bot.setup_hook()
        try:
            task = bot.library._reanalysis_task
            return None if task is None else await task
        finally:
            await bot.close()

    assert asyncio.run(set_up(False)) is None
    assert asyncio.run(set_up(True)) == 3
