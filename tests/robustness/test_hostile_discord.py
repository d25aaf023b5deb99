"""The Discord layer under hostile commands (dpytest: real discord.py objects, fake HTTP): no reply ever
carries a live @everyone/@here or role ping, every send disables mentions, every message and embed stays
within Discord's limits, and odd numbers get a usage line, not "something went wrong"."""

from __future__ import annotations

import re
from typing import Any

import discord
import discord.ext.test as dpytest
import pytest_asyncio
from discord.ext.test import backend as dpy_backend

from bot.client import create_bot
from bot.library import Library
from tests.discord_helpers import record_sends, start_test_bot

MANAGE = discord.Permissions(manage_guild=True).value
LIVE_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d{17,20}>")  # what Discord renders as a mention


@pytest_asyncio.fixture
async def bot(library: Library):
    b = create_bot(settings=library.settings, library=library)
    await start_test_bot(b)
    dpytest.configure(b, guilds=["Newsroom"], text_channels=["general"], members=["editor"])
    config = dpytest.get_config()
    editors = dpy_backend.make_role("Editors", config.guilds[0], permissions=MANAGE)
    await dpytest.add_role(config.members[0], editors)
    record_sends(b)
    await dpytest.empty_queue()
    yield b
    await dpytest.empty_queue()


def check_payload(payload: dict[str, Any]) -> None:
    assert payload.get("allowed_mentions") == {"parse": []}, payload.get("allowed_mentions")
    content = payload.get("content") or ""
    assert len(content) <= 2000
    assert not LIVE_MENTION.search(content), content
    embeds = payload.get("embeds") or []
    assert len(embeds) <= 10
    total = 0
    for e in embeds:
        title, description = e.get("title") or "", e.get("description") or ""
        footer = (e.get("footer") or {}).get("text") or ""
        assert len(title) <= 256 and len(description) <= 4096 and len(footer) <= 2048
        total += len(title) + len(description) + len(footer)
        for text in (title, description, footer):
            assert not LIVE_MENTION.search(text), text
    assert total <= 6000


HOSTILE = [
    "!search @everyone", "!search @here meeting", "!who said {role} ```", "!quotes @everyone",
    "!when {member}", "!search ```js\nalert(1)```", "!search " + "x" * 3000,
    "!who said \u202e\u200b\u2066 mission", "!search '; DROP TABLE articles; --", "!article 99999999999999999999999",
    "!article ²", "!articles 99999999999999999999999", "!remove 99999999999999999999999", "!breaking 99999999999999999999999",
    "!add @everyone | “@everyone, the meeting moved,” said {role} at the town hall on Monday.",
    "!search meeting moved", "!articles", "!article 2", "!add {member} | " + "The ferry runs late, the captain said. " * 150,
    "!search ferry runs late captain",
]


async def test_hostile_commands_never_ping_and_stay_in_limits(bot) -> None:  # noqa: ANN001
    config = dpytest.get_config()
    for content in HOSTILE:
        try:
            # (dpytest cannot build a message mentioning an unknown user or role, so real ones are named)
            role = next(r for r in config.guilds[0].roles if r.name == "Editors")
            await dpytest.message(content.replace("{member}", config.members[0].mention).replace("{role}", role.mention),
                                  channel=config.channels[0], member=config.members[0])
        except discord.ext.commands.CommandError:
            pass  # dpytest re-raises after the bot's own error handler has answered
    replies = []
    while not dpytest.sent_queue.empty():
        replies.append(dpytest.sent_queue.get_nowait())
    assert len(bot.sent_payloads) >= len(HOSTILE) - 2
    for payload in bot.sent_payloads:
        check_payload(payload)
    texts = [m.content or "" for m in replies] + [e.description or "" for m in replies for e in m.embeds]
    assert not any("Something went wrong" in t for t in texts), texts
    assert not any(m.mention_everyone for m in replies)
    assert any("too large to be an id" in t or "no article" in t.lower() for t in texts)
    assert any("everyone" in t and "@everyone" not in t for t in texts)  # shown, escaped
