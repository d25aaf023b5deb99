"""`python -m bot db copy --to URL`: a whole library moves to another database, every row and id kept."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.ingest.records import QUOTE_RULES_VERSION
from bot.library import Library
from bot.settings import Settings
from bot.store.copy import CopyError, copy_library, tables
from tests.store.databases import create_pg_database, drop_pg_database
from tests.store.helpers import comparable, dump, populate, url_of

QUESTION = "!who said the bridge is safe again"


@pytest.fixture
async def source(tmp_path, seed_corpus):  # noqa: ANN001, ANN201
    """A SQLite library with rows in every table; yields its settings."""
    settings = Settings(db=str(tmp_path / "source.db"), corpus_dir=seed_corpus)
    library = await Library.open(settings)
    facts = await populate(library)
    await library.close()  # saves the index beside the file
    return settings, facts


async def _answers(settings: Settings) -> tuple[str, int | None, int]:
    library = await Library.open(settings)
    try:
        answer = await library.ask(QUESTION, 1_234_567_890_123_456_789)
        return answer.answer, answer.article.id if answer.article else None, await library.store.generation()
    finally:
        await library.close()


async def test_every_table_holds_rows_to_copy(source) -> None:  # noqa: ANN001
    settings, _ = source
    rows = await dump(settings.db_url)
    assert set(rows) == {t.name for t in tables()}
    assert all(rows[name] for name in rows), [name for name in rows if not rows[name]]


async def test_sqlite_to_sqlite_copies_every_row_with_its_id(source, tmp_path) -> None:  # noqa: ANN001
    settings, facts = source
    target = Settings(db=str(tmp_path / "target.db"), corpus_dir=settings.corpus_dir)
    report = await copy_library(settings.db_url, target.db_url)
    before, after = await dump(settings.db_url), await dump(target.db_url)
    assert comparable(after) == comparable(before)
    assert report.rows == {name: len(rows) for name, rows in before.items()}
    assert report.index_copied and (tmp_path / "target.db.index" / "meta.json").is_file()

    answer, article_id, generation = await _answers(target)
    assert answer == "Mara Lind" and article_id == facts["own"]
    assert generation == await _generation(settings)
    library = await Library.open(target)  # the copied saved index is current there, so it is loaded
    try:
        assert library.index.loaded_from == tmp_path / "target.db.index"
        added = await library.add_text("After the move", "The ferry crews returned to work on Friday.")
        assert added.article.id > max(r["id"] for r in before["articles"])
    finally:
        await library.close()


async def _generation(settings: Settings) -> int:
    library = await Library.open(settings)
    try:
        return await library.store.generation()
    finally:
        await library.close()


async def test_copy_refuses_a_target_that_holds_a_library(source, tmp_path) -> None:  # noqa: ANN001
    settings, _ = source
    target = url_of(str(tmp_path / "busy.db"))
    await copy_library(settings.db_url, target)
    before = await dump(target)
    with pytest.raises(CopyError, match="already holds data"):
        await copy_library(settings.db_url, target)
    assert await dump(target) == before
    with pytest.raises(CopyError, match="same database"):
        await copy_library(settings.db_url, settings.db_url)


async def test_sqlite_to_postgres_and_back_loses_nothing(source, tmp_path) -> None:  # noqa: ANN001
    settings, facts = source
    pg = create_pg_database()
    try:
        await copy_library(settings.db_url, pg)
        original = comparable(await dump(settings.db_url))
        assert comparable(await dump(pg)) == original

        on_pg = Settings(db=pg, corpus_dir=settings.corpus_dir, index_path="none")
        answer, article_id, generation = await _answers(on_pg)
        assert (answer, article_id) == ("Mara Lind", facts["own"])
        assert generation == original["library_meta"][0]["value"]
        # The sequences were moved past the copied ids: new rows get fresh ids, nothing collides.
        library = await Library.open(on_pg)
        try:
            added = await library.add_text("Written on PostgreSQL", "The ferry crews returned to work on Friday.")
            assert added.article.id == max(r["id"] for r in original["articles"]) + 1
            from bot.store.feeds import FeedStore

            feed = await FeedStore(library.store.sessions).add_feed(0, "https://example.com/other.xml")
            assert feed.id == max(r["id"] for r in original["alert_feeds"]) + 1
        finally:
            await library.close()

        back = Settings(db=str(tmp_path / "back.db"), corpus_dir=settings.corpus_dir)
        await copy_library(pg, back.db_url)
        assert comparable(await dump(back.db_url)) == comparable(await dump(pg))
        returned = comparable(await dump(back.db_url))
        for name, rows in original.items():  # everything that went out came back, plus what was added on PostgreSQL
            if name != "library_meta":
                assert rows == [r for r in returned[name] if r in rows], name
        assert len(returned["articles"]) == len(original["articles"]) + 1
        assert returned["library_meta"] == [{"key": "generation", "value": generation + 1},
                                            {"key": "quote_rules", "value": QUOTE_RULES_VERSION}]
        answer, article_id, _ = await _answers(back)
        assert (answer, article_id) == ("Mara Lind", facts["own"])
    finally:
        drop_pg_database(pg)


def test_db_copy_command(tmp_path, seed_corpus, capsys) -> None:  # noqa: ANN001
    db = str(tmp_path / "cli.db")
    assert main(["--db", db, "--corpus", str(seed_corpus), "ask", "!stats"]) == 0  # imports the seed article
    capsys.readouterr()
    assert main(["--db", db, "db", "copy", "--to", str(tmp_path / "copy.db")]) == 0
    out = capsys.readouterr().out
    assert "articles: 1 rows" in out and "copied" in out
    assert main(["--db", db, "db", "copy", "--to", str(tmp_path / "copy.db")]) == 1
    assert "already holds data" in capsys.readouterr().err
