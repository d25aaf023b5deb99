"""The Discord layer with real discord.py objects; dpytest stands in for Discord's HTTP API only."""

from __future__ import annotations


import discord.ext.test as dpytest
import pytest
import pytest_asyncio
from discord.ext import commands

from bot.client import create_bot
from tests.discord_helpers import invoke_slash, make_interaction, record_sends, recording_adapter, start_test_bot


@pytest_asyncio.fixture
async def bot(library):
    """The same bot `run` starts, with the test library, wired to dpytest's fake Discord."""
    b = create_bot(settings=library.settings, library=library)
    await start_test_bot(b)
    dpytest.configure(b, guilds=["Newsroom"], text_channels=["general"], members=["reader"])
    record_sends(b)
    yield b
    await dpytest.empty_queue()


async def test_prefix_who_said_replies_with_an_embed(bot: commands.Bot) -> None:
    await dpytest.message("!who said the mission has been accomplished")
    embed = dpytest.get_embed()
    assert embed.title == "Vladimir Putin"
    assert "accomplished" in embed.description
    assert "Vladimir Putin Orders Russian Troops Withdrawal from Syria" in embed.description


async def test_prefix_when_replies_with_expression_as_title(bot: commands.Bot) -> None:
    await dpytest.message("!when did Russia begin its air strikes")
    embed = dpytest.get_embed()
    assert embed.title.startswith("September 15")
    assert "air strikes" in embed.description


async def test_usage_error_is_a_short_line_not_a_traceback(bot: commands.Bot) -> None:
    with pytest.raises(commands.MissingRequiredArgument):  # dpytest re-raises after the handler ran
        await dpytest.message("!when")
    message = dpytest.get_message()
    assert message.content.startswith("Usage:")
    assert "Traceback" not in message.content


async def test_everyone_in_article_text_does_not_mention(bot: commands.Bot, library) -> None:
    await library.add_text("Town hall notice", "“Hey @everyone, the meeting moved to the library,” said Mayor Ada Lindqvist.")
    await dpytest.message("!search meeting moved library")
    message = dpytest.get_message()
    embed = message.embeds[0]
    assert "@everyone" not in embed.description  # escaped with a zero-width space
    assert "everyone" in embed.description
    assert not message.mention_everyone
    assert bot.sent_payloads[-1]["allowed_mentions"] == {"parse": []}


async def test_slash_when_replies_with_an_embed(bot: commands.Bot) -> None:
    config = dpytest.get_config()
    interaction = make_interaction(bot, config.members[0], config.channels[0], "when",
                                   {"event": "did Russia begin its air strikes"})
    with recording_adapter() as adapter:
        await invoke_slash(bot, interaction)
    embeds = adapter.embeds()
    assert len(embeds) == 1
    assert embeds[0].title.startswith("September 15")
    assert adapter.responses[0]["data"]["allowed_mentions"] == {"parse": []}


async def test_slash_who_said_subcommand(bot: commands.Bot) -> None:
    config = dpytest.get_config()
    interaction = make_interaction(bot, config.members[0], config.channels[0], "who",
                                   {"words": "we will have to see exactly what Russia's intentions are"},
                                   subcommand="said")
    with recording_adapter() as adapter:
        await invoke_slash(bot, interaction)
    assert adapter.embeds()[0].title == "Josh Earnest"


def test_expected_errors_are_recognised_however_deeply_discord_wraps_them() -> None:
    """A slash command's error reaches the handler as HybridCommandError(CommandInvokeError(error))."""
    from discord import app_commands

    from bot.client import error_message
    from bot.library import StorageError

    async def feed_list(interaction: discord.Interaction) -> None: ...

    command = app_commands.Command(name="list", description="the feeds", callback=feed_list)
    locked = StorageError("the database is busy (locked by another writer)")
    for error in (commands.CommandInvokeError(locked),
                  commands.HybridCommandError(app_commands.CommandInvokeError(command, locked))):
        assert error_message(error, "!", None) == f"Sorry: {locked}."
    too_big = commands.HybridCommandError(app_commands.CommandInvokeError(command, OverflowError("int too big")))
    assert error_message(too_big, "!", None) == "That number is too large to be an id."
    bug = commands.HybridCommandError(app_commands.CommandInvokeError(command, KeyError("x")))
    assert error_message(bug, "!", None) is None  # a bug is logged, not explained
