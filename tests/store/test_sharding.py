"""Running as shards: settings from the environment, an AutoShardedBot when they are given, and a bot
that keeps its index in step with the shared database once it is set up."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord.ext import commands

from bot.client import NewsBot, ShardedNewsBot, create_bot
from bot.settings import Settings, load_settings


def _env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for key in ("NEWSBOT_SHARD_IDS", "NEWSBOT_SHARD_COUNT", "NEWSBOT_SYNC_SECONDS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in values.items():
        monkeypatch.setenv(key, value)


def test_shard_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch)
    plain = load_settings(env_file=None)
    assert (plain.shard_ids, plain.shard_count, plain.sharded, plain.sync_seconds) == (None, None, False, 5.0)
    _env(monkeypatch, NEWSBOT_SHARD_IDS="0, 2-3", NEWSBOT_SHARD_COUNT="4", NEWSBOT_SYNC_SECONDS="1.5")
    sharded = load_settings(env_file=None)
    assert (sharded.shard_ids, sharded.shard_count, sharded.sharded, sharded.sync_seconds) == ((0, 2, 3), 4, True, 1.5)
    _env(monkeypatch, NEWSBOT_SHARD_IDS="1")
    with pytest.raises(ValueError, match="NEWSBOT_SHARD_COUNT"):
        load_settings(env_file=None)
    _env(monkeypatch, NEWSBOT_SHARD_IDS="2", NEWSBOT_SHARD_COUNT="2")
    with pytest.raises(ValueError, match="below"):
        load_settings(env_file=None)


def test_shard_settings_make_an_auto_sharded_bot(tmp_path) -> None:  # noqa: ANN001
    bot = create_bot(settings=Settings(db=str(tmp_path / "a.db"), shard_ids=(1,), shard_count=2))
    assert isinstance(bot, ShardedNewsBot) and isinstance(bot, commands.AutoShardedBot)
    assert (bot.shard_ids, bot.shard_count) == ([1], 2)
    assert isinstance(bot.intents, discord.Intents) and bot.intents.message_content
    every = create_bot(settings=Settings(db=str(tmp_path / "a.db"), shard_count=3))
    assert isinstance(every, commands.AutoShardedBot) and every.shard_ids is None and every.shard_count == 3
    plain = create_bot(settings=Settings(db=str(tmp_path / "a.db")))
    assert type(plain) is NewsBot and not isinstance(plain, commands.AutoShardedBot)


async def test_a_set_up_bot_follows_what_other_processes_add(database: str, seed_corpus, tmp_path) -> None:  # noqa: ANN001
    from bot.library import Library

    settings = Settings(db=database, corpus_dir=seed_corpus, index_path="none", sync_seconds=0.05,
                        shard_ids=(0,), shard_count=2)
    bot = create_bot(settings=settings)
    await bot._async_setup_hook()  # what login() does first
    await bot.setup_hook()  # opens the library (importing the seed corpus) and starts the sync
    other = await Library.open(Settings(db=database, corpus_dir=seed_corpus, index_path="none"))
    try:
        assert bot.library is not None and bot.library._sync_task is not None
        await other.add_text("Ferry news", "\u201cThe night ferry will run again from May,\u201d said harbour "
                                           "master Ines Dahl on Tuesday.")
        question = "!who said the night ferry will run again from May"
        for _ in range(100):
            if (await bot.library.ask(question)).found:
                break
            await asyncio.sleep(0.05)
        assert (await bot.library.ask(question)).answer == "Ines Dahl"
    finally:
        await other.close()
        await bot.close()
    assert bot.library._sync_task is None  # stopped with the bot
