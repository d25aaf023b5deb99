"""`python -m bot db requote` finds every stored article's quotations again with the current rules:
speakers change in place, changed quotations are replaced and re-indexed, in this process and in
every other process sharing the database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.cli import main
from bot.library import Library
from bot.nlp.tokens import query_terms
from bot.settings import Settings
from bot.store import requote
from bot.store.db import make_engine
from bot.store.models import LibraryMeta, QuoteRow
from bot.store.repo import QUOTE_RULES

WEAVER = ("Zahra Oumesk hangs her washing on a rope strung between a walnut tree and a tent pole.\n\n"
          "\u201cWe sleep under plastic and we wake up under plastic,\u201d the 54-year-old weaver told AFP.")
FERRY = ("\u201cThe night ferry will run again from May,\u201d said harbour master Ines Dahl on Tuesday.\n\n"
         "Passengers cheered. \u201cWe have waited two winters for this,\u201d said commuter Ola Brekke.")
PLAIN = "The bridge reopened on Monday after repairs to its deck."


def _settings(database: str, tmp_path: Path, name: str = "index") -> Settings:
    return Settings(db=database, corpus_dir=tmp_path / "no-corpus", index_path=str(tmp_path / name))


async def _library(database: str, tmp_path: Path) -> tuple[list[int], list[dict]]:
    """Three articles, stored as older rules might have left them: a stale speaker, a quotation
    missed and one found that is none. Returns the ids and the quotations as the rules find them now."""
    lib = await Library.open(_settings(database, tmp_path))
    try:
        ids = [(await lib.add_text(title, text)).article.id
               for title, text in (("Tents", WEAVER), ("Ferry", FERRY), ("Bridge", PLAIN))]
        now = await _quotes(lib.store.engine)
        async with lib.store.engine.begin() as conn:
            await conn.execute(sa.update(QuoteRow).where(QuoteRow.article_id == ids[0])
                               .values(speaker="the 54-year-old weaver", canonical="the 54-year-old weaver",
                                       is_person=False))
            await conn.execute(sa.delete(QuoteRow).where(QuoteRow.article_id == ids[1], QuoteRow.text.like("We have%")))
            await conn.execute(sa.insert(QuoteRow).values(article_id=ids[1], text="Passengers cheered", speaker="Ines Dahl",
                                                          canonical="Ines Dahl", method="after", is_person=True,
                                                          start=FERRY.index("Passengers"), end=FERRY.index(".", 80)))
        return ids, now
    finally:
        await lib.close()


async def _quotes(engine) -> list[dict]:  # noqa: ANN001
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.select(QuoteRow.article_id, QuoteRow.passage_id, QuoteRow.text, QuoteRow.speaker,
                                             QuoteRow.canonical, QuoteRow.method, QuoteRow.is_person, QuoteRow.start,
                                             QuoteRow.end).order_by(QuoteRow.article_id, QuoteRow.start))).all()
    return [dict(r._mapping) for r in rows]


async def _stored(database: str) -> list[dict]:
    engine = make_engine(Settings(db=database).db_url)
    try:
        return await _quotes(engine)
    finally:
        await engine.dispose()


def test_requote_restores_what_the_rules_find_now(database: str, tmp_path: Path, capsys,  # noqa: ANN001
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_INDEX_DIR", str(tmp_path / "index"))  # (the command's, as _settings' below)
    ids, now = asyncio.run(_library(database, tmp_path))
    assert asyncio.run(_stored(database)) != now
    capsys.readouterr()

    assert main(["--db", database, "db", "requote", "--batch", "2"]) == 0
    out = capsys.readouterr().out
    assert "requoted 3 articles: 1 quotations have another speaker, 1 articles' quotations changed" in out
    assert asyncio.run(_stored(database)) == now  # passage ids included

    async def ask() -> None:
        lib = await Library.open(_settings(database, tmp_path))  # the index the command saved
        try:
            words = "we have waited two winters for this"
            hits = await lib.index.search("quotes", query_terms(words), 5, None)
            async with lib.store.engine.connect() as conn:
                new_id = (await conn.execute(sa.select(QuoteRow.id).where(QuoteRow.text.like("We have%")))).scalar_one()
            assert hits and hits[0][0] == new_id
            assert (await lib.ask(f"!who said {words}")).answer == "Ola Brekke"
            assert (await lib.ask("!who said we sleep under plastic")).answer == "Zahra Oumesk"
            assert not await lib.index.search("quotes", ["passengers", "cheered"], 5, None)
        finally:
            await lib.close()

    asyncio.run(ask())
    assert main(["--db", database, "db", "requote"]) == 0
    assert "requoted 3 articles: 0 quotations have another speaker, 0 articles' quotations changed" in (
        capsys.readouterr().out)


async def test_another_process_re_indexes_what_requote_replaced(database: str, tmp_path: Path) -> None:
    ids, _ = await _library(database, tmp_path)
    a = await Library.open(_settings(database, tmp_path, "index-a"))
    b = await Library.open(_settings(database, tmp_path, "index-b"))
    try:
        report = await b.requote()
        assert (report.read, report.speakers_changed, report.replaced) == (3, 1, [ids[1]])
        terms = query_terms("we have waited two winters for this")
        assert await b.index.search("quotes", terms, 5, None)
        assert not await a.index.search("quotes", terms, 5, None)  # a has not looked yet
        assert await a.sync() == 1
        assert await a.index.search("quotes", terms, 5, None)
        assert not await a.index.search("quotes", ["passengers", "cheered"], 5, None)
        assert await b.sync() == 0  # its own change is in its index already
    finally:
        for lib in (a, b):
            await lib.close()


async def test_articles_the_rules_fail_on_keep_their_quotations(database: str, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ids, _ = await _library(database, tmp_path)
    before = await _stored(database)
    real = requote.find_quotes

    def failing(body: str, passages: list) -> list:  # noqa: ANN001
        if "Passengers" in body:
            raise RuntimeError("a rule bug")
        return real(body, passages)

    monkeypatch.setattr(requote, "find_quotes", failing)
    lib = await Library.open(_settings(database, tmp_path))
    try:
        report = await lib.requote(batch=1)
    finally:
        await lib.close()
    assert (report.read, report.failed, report.replaced, report.speakers_changed) == (3, 1, [], 1)
    after = await _stored(database)
    assert [q for q in after if q["article_id"] == ids[1]] == [q for q in before if q["article_id"] == ids[1]]


async def test_a_running_bot_finds_quotations_again_after_the_rules_changed(database: str, tmp_path: Path) -> None:
    ids, now = await _library(database, tmp_path)
    lib = await Library.open(_settings(database, tmp_path))
    try:
        # Imported by these rules: current, whatever was done to the rows behind the rules' back.
        assert not await lib.store.quotes_stale()
        async with lib.store.engine.begin() as conn:
            await conn.execute(sa.delete(LibraryMeta).where(LibraryMeta.key == QUOTE_RULES))
        assert await lib.store.quotes_stale()  # stored before rules had versions
        async with lib.store.engine.begin() as conn:
            await conn.execute(sa.insert(LibraryMeta).values(key=QUOTE_RULES, value=1))
        assert await lib.store.quotes_stale()  # stored by other rules
        await lib.start_reanalysis()
        assert not await lib.store.quotes_stale()
        assert await _quotes(lib.store.engine) == now
        assert (await lib.ask("!who said we have waited two winters for this")).answer == "Ola Brekke"
        assert (await lib.ask("!who said we sleep under plastic")).answer == "Zahra Oumesk"
    finally:
        await lib.close()
