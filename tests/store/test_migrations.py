"""Schema changes go through Alembic: a fresh database, an old revision with rows, and a database
made by `create_all` before migrations existed all end up at the newest revision with nothing lost."""

from __future__ import annotations

import asyncio
import importlib.util
from datetime import date

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import bot.store.feeds  # noqa: F401 - the alerts tables
from bot.cli import main
from bot.library import Library
from bot.nlp.timex import _Text, analysis_is_current, saved_analysis
from bot.nlp.tokens import article_text, word_list
from bot.settings import Settings
from bot.store import migrate
from bot.store.db import make_engine
from bot.store.models import Base
from bot.store.repo import Store
from tests.store.helpers import T0, dump, url_of

REV1_TABLES = {"articles", "passages", "quotes", "guild_settings", "library_meta", "alert_feeds", "alert_items",
               "alert_outbox", "alert_keywords", "alert_target_health"}


def _initial_revision():  # noqa: ANN202 - the module of versions/0001_initial.py
    spec = importlib.util.spec_from_file_location("rev0001", migrate.MIGRATIONS_DIR / "versions" / "0001_initial.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _schema_diff(conn: sa.Connection) -> list:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


async def _diff(url: str) -> list:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_schema_diff)
    finally:
        await engine.dispose()


async def _indexes(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda c: {i["name"] for i in sa.inspect(c).get_indexes(table)})
    finally:
        await engine.dispose()


async def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: sa.inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def _insert_revision1_rows(url: str) -> None:
    """A small library as the first schema holds it, written through the tables as they are in the database."""
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            meta = sa.MetaData()
            await conn.run_sync(lambda c: meta.reflect(c, only=sorted(REV1_TABLES)))
            t = meta.tables
            body = "The council said the harbour bridge reopens on Monday. Traffic will resume at noon."
            await conn.execute(t["articles"].insert(), [
                {"id": 1, "guild_id": 0, "title": "Bridge reopens", "body": body, "source": "bridge.txt", "url": None,
                 "category": "Transport", "author": None, "published": date(2026, 3, 1), "added_at": T0,
                 "content_hash": "a" * 64, "breaking": False},
                {"id": 7, "guild_id": 1_234_567_890_123_456_789, "title": "Ferry strike", "body": "Crews walked out.",
                 "source": "pasted", "url": "https://example.com/ferry", "category": None, "author": "A. Writer",
                 "published": None, "added_at": T0, "content_hash": "b" * 64, "breaking": True},
            ])
            await conn.execute(t["passages"].insert(), [
                {"id": 1, "article_id": 1, "seq": 0, "text": "The council said the harbour bridge reopens on Monday.",
                 "start": 0, "end": 54},
                {"id": 2, "article_id": 1, "seq": 1, "text": "Traffic will resume at noon.", "start": 55, "end": 83},
                {"id": 3, "article_id": 7, "seq": 0, "text": "Crews walked out.", "start": 0, "end": 17},
            ])
            await conn.execute(t["quotes"].insert(), [
                {"id": 1, "article_id": 1, "passage_id": 1, "text": "the harbour bridge reopens on Monday",
                 "speaker": "The council", "canonical": "council", "method": "said", "is_person": False,
                 "start": 18, "end": 53},
            ])
            await conn.execute(t["guild_settings"].insert(), [
                {"guild_id": 1_234_567_890_123_456_789, "admin_role_id": 5, "alert_channel_id": 6,
                 "alert_role_id": None, "updated_at": T0}])
            await conn.execute(t["library_meta"].insert(), [{"key": "generation", "value": 2}])
            await conn.execute(t["alert_feeds"].insert(), [
                {"id": 3, "guild_id": 0, "url": "https://example.com/rss", "title": None, "mode": "all",
                 "added_by": None, "added_at": T0, "primed": True, "etag": None, "last_modified": None,
                 "last_polled_at": T0, "last_success_at": T0, "next_poll_at": T0, "failures": 0,
                 "last_error": None, "failure_reported": False}])
            await conn.execute(t["alert_items"].insert(), [
                {"id": 4, "feed_id": 3, "guild_id": 0, "ident": "guid:x", "item_key": "c" * 64, "link_key": None,
                 "title": "Bridge reopens", "link": None, "summary": "", "published": T0, "category": None,
                 "breaking": True, "article_id": 1, "seen_at": T0, "at_priming": False}])
            await conn.execute(t["alert_outbox"].insert(), [
                {"id": 5, "item_id": 4, "item_key": "c" * 64, "target": "console", "guild_id": 0, "channel_id": None,
                 "user_id": None, "mention_role": True, "state": "delivered", "nonce": "n" * 20, "attempts": 1,
                 "created_at": T0, "attempted_at": T0, "next_try_at": None, "delivered_at": T0,
                 "message_id": None, "last_error": None}])
            if conn.dialect.name == "postgresql":  # explicit ids: move the sequences on, as real inserts would have
                for name in ("articles", "passages", "quotes", "alert_feeds", "alert_items", "alert_outbox"):
                    await conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                               f"(SELECT MAX(id) FROM {name}))"))
    finally:
        await engine.dispose()


async def test_a_new_database_is_migrated_to_the_newest_revision_matching_the_models(database: str) -> None:
    url = url_of(database)
    store = await Store.open(url)  # start-up runs the migrations
    await store.close()
    engine = make_engine(url)
    try:
        assert await migrate.current_revision(engine) == migrate.head_revision() == "0004"
    finally:
        await engine.dispose()
    assert await _diff(url) == []  # the migrations make exactly the schema the models describe
    assert "ix_alert_items_article_id" in await _indexes(url, "alert_items")


async def test_upgrading_a_revision_1_database_keeps_every_row(database: str) -> None:
    url = url_of(database)
    engine = make_engine(url)
    try:
        assert await migrate.upgrade(engine, "0001") == (None, "0001")
    finally:
        await engine.dispose()
    assert await _tables(url) == REV1_TABLES | {"alembic_version"}  # no library_changes yet
    await _insert_revision1_rows(url)
    before = await dump(url, REV1_TABLES)
    assert sum(map(len, before.values())) == 11

    library = await Library.open(Settings(db=database, index_path="none"))  # start-up upgrades it
    try:
        after = await dump(url, REV1_TABLES)
        # revision 3 filled in each article's words, with the tokeniser new articles go through
        stored = [a.pop("vocabulary") for a in after["articles"]]
        assert stored == [word_list(article_text(a["title"], a["body"])) for a in before["articles"]]
        words = stored[0].split()
        assert {"bridge", "harbour", "reopens", "noon"} <= set(words) and words == sorted(set(words))
        # revision 4 filled in each body's date analysis, current for these rules and decoding to
        # what the rules find in the text
        analyses = [a.pop("time_analysis") for a in after["articles"]]
        assert analyses == [saved_analysis(a["body"]) for a in before["articles"]]
        for a, analysis in zip(before["articles"], analyses):
            assert analysis_is_current(analysis, a["body"])
            fresh, seeded = _Text(a["body"]), _Text(a["body"], analysis)
            assert (seeded.sentences, seeded.parsed) == (fresh.sentences, fresh.parsed)
        assert [e.text for e in _Text(before["articles"][0]["body"], analyses[0]).expressions(None)] == ["Monday"]
        assert after == before
        assert await library.store.generation() == 2
        assert (await library.ask("!search harbour bridge reopens")).found
        config = await library.store.guild_config(1_234_567_890_123_456_789)
        assert (config.admin_role_id, config.alert_channel_id) == (5, 6)
        added = await library.add_text("New after upgrade", "The ferry crews returned to work on Friday.")
        assert added.article.id == 8  # ids continue after the old rows (sequence/rowid)
        assert await library.store.generation() == 3
        assert await library.store.changes_since(2) == (3, [(3, 8, "add")])
    finally:
        await library.close()
    assert await _diff(url) == []


async def test_a_database_made_by_create_all_before_migrations_is_adopted(database: str) -> None:
    """No alembic_version table: the first revision finds its tables there and keeps them as they are."""
    url = url_of(database)
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: _initial_revision()._tables().create_all(c))
    finally:
        await engine.dispose()
    await _insert_revision1_rows(url)
    before = await dump(url, REV1_TABLES)
    store = await Store.open(url)
    try:
        assert await store.generation() == 2
    finally:
        await store.close()
    after = await dump(url, REV1_TABLES)
    assert all(a.pop("vocabulary") for a in after["articles"])
    assert [a.pop("time_analysis") for a in after["articles"]] == [saved_analysis(a["body"]) for a in before["articles"]]
    assert after == before
    assert await scalar_revision(url) == migrate.head_revision()
    assert await _diff(url) == []


async def test_an_older_database_without_the_alerts_tables_gets_them(tmp_path) -> None:  # noqa: ANN001
    url = url_of(str(tmp_path / "old.db"))
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            def library_only(c: sa.Connection) -> None:
                tables = _initial_revision()._tables()
                tables.create_all(c, tables=[tables.tables[n] for n in ("articles", "passages", "quotes",
                                                                          "guild_settings", "library_meta")])
            await conn.run_sync(library_only)
    finally:
        await engine.dispose()
    store = await Store.open(url)
    await store.close()
    assert await _diff(url) == []


async def scalar_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return await migrate.current_revision(engine)
    finally:
        await engine.dispose()


async def test_downgrade_to_base_and_up_again(database: str) -> None:
    url = url_of(database)
    engine = make_engine(url)
    try:
        await migrate.upgrade(engine)
        assert await migrate.downgrade(engine, "0001") == ("0004", "0001")
        assert await migrate.downgrade(engine, "base") == ("0001", None)
        assert await migrate.upgrade(engine) == (None, "0004")
    finally:
        await engine.dispose()
    assert await _diff(url) == []


async def test_processes_starting_together_migrate_the_database_once(database: str) -> None:
    url = url_of(database)
    engines = [make_engine(url) for _ in range(4)]
    try:
        results = await asyncio.gather(*(migrate.upgrade(e) for e in engines))
    finally:
        for e in engines:
            await e.dispose()
    assert sorted(results, key=str) == [("0004", "0004")] * 3 + [(None, "0004")]
    assert await _diff(url) == []


async def test_a_new_file_locked_while_it_turns_to_wal_is_tried_again(
        tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """A new file turning to WAL while another process holds its lock gets "database is locked" at
    once (here there is no busy wait at all); the connection tries again until the lock goes."""
    import sqlite3

    monkeypatch.setenv("NEWSBOT_DB_BUSY_TIMEOUT", "0")
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    asyncio.get_running_loop().call_later(0.3, holder.rollback)  # (while the connection is trying)
    engine = make_engine(url_of(str(path)))
    try:
        async with engine.connect() as conn:
            assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        await engine.dispose()
        holder.close()


def test_db_commands_upgrade_and_report_the_revision(tmp_path, capsys) -> None:  # noqa: ANN001
    db = str(tmp_path / "cli.db")
    assert main(["--db", db, "db", "current"]) == 0
    assert "(none)" in capsys.readouterr().out
    assert main(["--db", db, "db", "upgrade", "0001"]) == 0
    assert "upgraded (none) -> 0001" in capsys.readouterr().out
    assert main(["--db", db, "db", "upgrade"]) == 0
    assert "upgraded 0001 -> 0004" in capsys.readouterr().out
    assert main(["--db", db, "db", "current"]) == 0
    assert "0004 (newest 0004; up to date)" in capsys.readouterr().out


async def test_a_process_starting_while_another_migrates_waits_past_the_busy_timeout(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """A migration can take longer than the usual busy timeout (0003 fills in every article's words):
    a second process starting then waits for the lock instead of failing with "database is locked"."""
    import sqlite3
    import threading
    import time

    db = tmp_path / "busy.db"
    url = url_of(str(db))
    engine = make_engine(url)
    try:
        assert await migrate.upgrade(engine, "0002") == (None, "0002")
    finally:
        await engine.dispose()
    monkeypatch.setenv("NEWSBOT_DB_BUSY_TIMEOUT", "0.2")
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process holding the write lock, as a migration would
    released = threading.Timer(1.5, holder.rollback)
    released.start()
    engine = make_engine(url)
    started = time.perf_counter()
    try:
        assert await migrate.upgrade(engine) == ("0002", "0004")
        waited = time.perf_counter() - started
        async with engine.connect() as conn:  # the pooled connection has its usual timeout back
            assert (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar() == 200
    finally:
        released.join()
        holder.close()
        await engine.dispose()
    assert waited >= 1.0  # it waited for the lock, well past the 0.2 s busy timeout
