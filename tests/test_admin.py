"""Curating from Discord: add (text, files, URLs), remove with a confirm button, the admin role,
servers kept apart, cooldowns, long answers and the buttons under answers.

Prefix commands go through dpytest (real discord.py objects, fake HTTP). Slash commands and button
presses go through real discord.Interaction objects fed to the bot's own dispatch
(`tree._call`, `ConnectionState.parse_interaction_create`), with only the webhook adapter recorded.
Attachments: dpytest makes an Attachment whose url is a local path, and its fake HTTP's
`get_from_cdn` reads that path, so `Attachment.read()` runs unchanged — no stub needed.
URLs: pages come from tests/webserver.py on 127.0.0.1, reachable because NEWSBOT_ALLOW_PRIVATE_URLS=1.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import discord
import discord.ext.test as dpytest
import pytest
import pytest_asyncio
from discord.ext import commands
from discord.ext.test import backend as dpy_backend
from discord.ext.test import factories as dpy_facts
from discord.ext.test import runner as dpytest_runner

from bot.answer.models import Answer, ArticleRef, Hit
from bot.client import article_autocomplete, create_bot
from bot.ingest import fetch as fetch_module
from bot.library import Library
from bot.render.embeds import DESCRIPTION_MAX, EMBED_TOTAL_MAX, answer_embeds, embed_batches
from bot.settings import load_settings
from tests.discord_helpers import (
    Adapter, _new_id, _settle, adapter_text, invoke_slash, make_interaction, record_sends, slash, start_test_bot,
)
from tests.test_fetch import ARTICLE_HTML
from tests.webserver import LocalWebServer, web_server  # noqa: F401 - fixture

MANAGE = discord.Permissions(manage_guild=True).value


@pytest.fixture
def settings(tmp_path: Path, seed_corpus: Path, monkeypatch: pytest.MonkeyPatch):
    """As in conftest, but read from the environment the way `run` does, with private URLs allowed."""
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "1")
    return load_settings(env_file=None, db=str(tmp_path / "newsbot.db"), corpus_dir=seed_corpus)


class Server:
    """One dpytest guild: its channel, an editor (Manage Server through a role) and a reader."""

    def __init__(self, guild: discord.Guild, channel: discord.TextChannel, editor: discord.Member,
                 reader: discord.Member) -> None:
        self.guild, self.channel, self.editor, self.reader = guild, channel, editor, reader


@pytest_asyncio.fixture
async def bot(library: Library):
    b = create_bot(settings=library.settings, library=library)
    await start_test_bot(b)
    dpytest.configure(b, guilds=["Newsroom", "Rival"], text_channels=["general"], voice_channels=0,
                      members=["editor", "reader"])
    config = dpytest.get_config()
    servers = []
    for i, guild in enumerate(config.guilds):
        editors = dpy_backend.make_role("Editors", guild, permissions=MANAGE)
        editor, reader = config.members[2 * i], config.members[2 * i + 1]
        await dpytest.add_role(editor, editors)
        servers.append(Server(guild, config.channels[i], editor, reader))
    b.servers = servers  # type: ignore[attr-defined]
    record_sends(b)
    await dpytest.empty_queue()
    yield b
    for view in list(b._connection._view_store._synced_message_views.values()) + list(
            getattr(b._connection._view_store, "_views", {}).get(None, {}).values()):
        stop = getattr(view, "stop", None) or getattr(getattr(view, "view", None), "stop", None)
        if stop:
            stop()
    await dpytest.empty_queue()


@pytest.fixture
def newsroom(bot) -> Server:  # noqa: ANN001
    return bot.servers[0]


@pytest.fixture
def rival(bot) -> Server:  # noqa: ANN001
    return bot.servers[1]


def drain() -> list[discord.Message]:
    """Every message the bot sent since the last drain, oldest first."""
    out = []
    while not dpytest.sent_queue.empty():
        out.append(dpytest.sent_queue.get_nowait())
    return out


async def say(content: str, server: Server, member: discord.Member | None = None,
              attachments: list[Path] | None = None) -> list[discord.Message]:
    await dpytest.message(content, channel=server.channel, member=member or server.editor,
                          attachments=[str(p) for p in attachments or []])
    return drain()


def text_of(messages: list[discord.Message]) -> str:
    return "\n".join(m.content or "" for m in messages)


def embeds_of(messages: list[discord.Message]) -> list[discord.Embed]:
    return [e for m in messages for e in m.embeds]


def custom_id(components: list[dict[str, Any]], label_part: str) -> str:
    for row in components:
        for item in row.get("components", []):
            if label_part in (item.get("label") or ""):
                return item["custom_id"]
    raise AssertionError(f"no button with {label_part!r} in {components}")


async def press(bot, server: Server, member: discord.Member, button_id: str,  # noqa: ANN001
                message: discord.Message | None = None) -> Adapter:
    """A button press as the gateway delivers it: an INTERACTION_CREATE of type 3 (component)."""
    payload: dict[str, Any] = {
        "id": _new_id(), "application_id": str(bot.user.id), "type": 3, "token": "test-token", "version": 1,
        "channel_id": str(server.channel.id), "guild_id": str(server.guild.id),
        "channel": {"id": str(server.channel.id), "type": 0, "name": server.channel.name,
                    "guild_id": str(server.guild.id), "position": 0, "permission_overwrites": []},
        "member": {"user": {"id": str(member.id), "username": member.name, "discriminator": "0001", "avatar": None},
                   "roles": [str(r.id) for r in member.roles[1:]], "permissions": str(member.guild_permissions.value),
                   "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False, "mute": False, "flags": 0},
        "app_permissions": str(discord.Permissions.all().value), "locale": "en-US", "guild_locale": "en-US",
        "entitlements": [], "authorizing_integration_owners": {}, "attachment_size_limit": 10_485_760,
        "data": {"custom_id": button_id, "component_type": 2},
    }
    if message is not None:
        payload["message"] = dpy_facts.dict_from_message(message)
    adapter = Adapter(server.channel)
    from discord.webhook.async_ import async_context

    token = async_context.set(adapter)  # type: ignore[arg-type]
    try:
        bot._connection.parse_interaction_create(payload)
        await _settle()
    finally:
        async_context.reset(token)
    return adapter


PASTED = "Bridge shut for repairs | The Harbour Bridge will shut on Monday for repairs, the council said on Friday."


# -- adding: text ------------------------------------------------------------------------------

async def test_add_pasted_text_is_answerable_at_once(bot, newsroom: Server, library: Library) -> None:  # noqa: ANN001
    reply = text_of(await say(f"!add {PASTED}", newsroom))
    assert "✅ added #" in reply and "'Bridge shut for repairs'" in reply
    assert "(no date, no category, 1 passage, " in reply
    answer = embeds_of(await say("!search harbour bridge shut repairs", newsroom, newsroom.reader))[0]
    assert "Bridge shut for repairs" in answer.description


async def test_add_usage_when_nothing_given(bot, newsroom: Server) -> None:  # noqa: ANN001
    assert text_of(await say("!add just some words", newsroom)).startswith("Usage: `!add <url>`")
    assert text_of(await say("!add", newsroom)).startswith("Usage:")
    assert text_of(await say("!add | no title", newsroom)).startswith("Usage:")


async def test_duplicates_are_reported(bot, newsroom: Server) -> None:  # noqa: ANN001
    first = text_of(await say(f"!add {PASTED}", newsroom))
    article_id = first.split("#", 1)[1].split(" ", 1)[0]
    again = text_of(await say(f"!add {PASTED.replace('Monday', 'Monday')}   ", newsroom))
    assert f"duplicate of #{article_id}" in again
    # Case, quote style and spacing are folded before comparing.
    folded = text_of(await say("!add Other title | THE HARBOUR BRIDGE  will shut on Monday for repairs, "
                               "the council said on Friday.", newsroom))
    assert f"duplicate of #{article_id}" in folded


async def test_reply_never_pings(bot, newsroom: Server) -> None:  # noqa: ANN001
    messages = await say("!add @everyone party at noon | The party for @everyone starts at noon in the hall, "
                         "organisers said.", newsroom)
    assert "@everyone" not in messages[0].content  # escaped
    assert bot.sent_payloads[-1]["allowed_mentions"] == {"parse": []}


# -- permissions: prefix and slash ----------------------------------------------------------------

async def test_reader_may_not_add_or_remove_prefix(bot, newsroom: Server, library: Library) -> None:  # noqa: ANN001
    before = await library.store.count_articles()
    with pytest.raises(commands.MissingPermissions):
        await dpytest.message(f"!add {PASTED}", channel=newsroom.channel, member=newsroom.reader)
    assert "Manage Server" in text_of(drain())
    with pytest.raises(commands.MissingPermissions):
        await dpytest.message("!remove 1", channel=newsroom.channel, member=newsroom.reader)
    assert "Manage Server" in text_of(drain())
    assert await library.store.count_articles() == before


async def test_reader_may_not_add_slash_editor_may(bot, newsroom: Server, library: Library) -> None:  # noqa: ANN001
    denied = await slash(bot, newsroom, newsroom.reader, "add", {"text": PASTED})
    assert "Manage Server" in adapter_text(denied)
    assert denied.responses[0]["data"]["flags"] == 64  # ephemeral
    assert [type(e) for e in denied.errors] == [commands.MissingPermissions]
    assert await library.store.count_articles(newsroom.guild.id) == 1  # the seed only
    granted = await slash(bot, newsroom, newsroom.editor, "add", {"text": PASTED})
    assert granted.responses[0]["type"] == 5  # deferred first: fetching can take a while
    assert "✅ added #" in adapter_text(granted)
    assert await library.store.count_articles(newsroom.guild.id) == 2


async def test_admin_role_grants_curating_on_both_sides(bot, newsroom: Server, library: Library) -> None:  # noqa: ANN001
    helpers = dpy_backend.make_role("Helpers", newsroom.guild, permissions=0)
    await dpytest.add_role(newsroom.reader, helpers)
    with pytest.raises(commands.MissingPermissions):
        await dpytest.message(f"!add {PASTED}", channel=newsroom.channel, member=newsroom.reader)
    drain()
    # Only Manage Server may name the role; the role itself may not.
    with pytest.raises(commands.MissingPermissions):
        await dpytest.message(f"!admin role {helpers.mention}", channel=newsroom.channel, member=newsroom.reader)
    drain()
    reply = text_of(await say(f"!admin role {helpers.mention}", newsroom))
    assert "may now add and remove" in reply
    assert (await library.store.guild_config(newsroom.guild.id)).admin_role_id == helpers.id
    assert "✅ added" in text_of(await say(f"!add {PASTED}", newsroom, newsroom.reader))
    other = await slash(bot, newsroom, newsroom.reader, "add", {"text": "Ferry late | The morning ferry ran "
                                                                "forty minutes late on Tuesday, the operator said."})
    assert "✅ added" in adapter_text(other)
    with pytest.raises(commands.MissingPermissions):  # the role may curate, not hand out the role
        await dpytest.message("!admin norole", channel=newsroom.channel, member=newsroom.reader)
    drain()
    await say("!admin norole", newsroom)
    with pytest.raises(commands.MissingPermissions):
        await dpytest.message(f"!add {PASTED}", channel=newsroom.channel, member=newsroom.reader)
    drain()


async def test_admin_commands_refused_in_dms(bot, newsroom: Server) -> None:  # noqa: ANN001
    from bot.client import error_message

    assert error_message(commands.NoPrivateMessage(), "!", None) == "That only works in a server."
    assert bot.get_command("add").checks  # guild_only + the admin check are on the command itself


# -- servers kept apart ---------------------------------------------------------------------------

QUOTED = ("Lighthouse keeper retires | “The lamp never once went dark on my watch,” said Edda Mornvik, "
          "who kept the Skerry Point light for thirty years.")


async def test_two_servers_cannot_see_or_remove_each_others_articles(
    bot, newsroom: Server, rival: Server, library: Library,  # noqa: ANN001
) -> None:
    reply = text_of(await say(f"!add {QUOTED}", newsroom))
    article_id = int(reply.split("#", 1)[1].split(" ", 1)[0])

    # The newsroom sees it in every kind of answer.
    assert embeds_of(await say("!who said the lamp never once went dark", newsroom, newsroom.reader))[0].title \
        == "Edda Mornvik"
    assert embeds_of(await say(f"!article {article_id}", newsroom, newsroom.reader))[0].title == "Lighthouse keeper retires"

    # The rival server sees none of it.
    who = embeds_of(await say("!who said the lamp never once went dark", rival, rival.reader))[0]
    assert "Edda" not in (who.title or "") + (who.description or "")
    assert embeds_of(await say(f"!article {article_id}", rival, rival.reader))[0].title == f"There is no article #{article_id}."
    assert "Lighthouse" not in str(embeds_of(await say("!articles", rival, rival.reader))[0].to_dict())
    assert embeds_of(await say("!quotes Edda Mornvik", rival, rival.reader))[0].title.startswith("I have no quotations")
    assert embeds_of(await say("!stats", rival, rival.reader))[0].title.startswith("1 articles")

    # Nor can its admins remove it, by prefix or slash.
    assert f"This server has no article #{article_id}" in text_of(await say(f"!remove {article_id}", rival))
    assert "no article" in adapter_text(await slash(bot, rival, rival.editor, "remove", {"article_id": article_id}))
    assert await library.store.get_article(article_id) is not None

    # The same text added in the rival server is its own article, not a duplicate of the newsroom's.
    again = text_of(await say(f"!add {QUOTED}", rival))
    assert "✅ added" in again and f"#{article_id} " not in again

    # Neither server can remove the shared corpus.
    shared_id = (await library.store.list_articles(0, 0, 100))[-1].id
    assert "shared library" in text_of(await say(f"!remove {shared_id}", newsroom))


async def test_remove_autocomplete_offers_only_own_articles(bot, newsroom: Server, rival: Server) -> None:  # noqa: ANN001
    await say(f"!add {QUOTED}", newsroom)
    await say(f"!add {PASTED}", rival)
    interaction = make_interaction(bot, newsroom.editor, newsroom.channel, "remove", {"article_id": 0})
    own = await article_autocomplete(interaction, "", own_only=True)
    assert [c.name.split(" ", 1)[1] for c in own] == ["Lighthouse keeper retires"]
    assert await article_autocomplete(interaction, "bridge", own_only=True) == []
    visible = await article_autocomplete(interaction, "", own_only=False)
    assert {c.name.split(" ", 1)[1] for c in visible} == {"Lighthouse keeper retires",
                                                          "Vladimir Putin Orders Russian Troops Withdrawal from Syria"}
    by_id = await article_autocomplete(interaction, f"#{own[0].value}", own_only=True)
    assert [c.value for c in by_id] == [own[0].value]


# -- remove with a confirm button ------------------------------------------------------------------

async def _added_id(server: Server, text: str = QUOTED) -> int:
    reply = text_of(await say(f"!add {text}", server))
    return int(reply.split("#", 1)[1].split(" ", 1)[0])


async def test_remove_then_ask(bot, newsroom: Server, library: Library) -> None:  # noqa: ANN001
    article_id = await _added_id(newsroom)
    prompt = (await say(f"!remove {article_id}", newsroom))[0]
    assert prompt.content.startswith(f"Remove #{article_id} 'Lighthouse keeper retires'")
    components = bot.sent_payloads[-1]["components"]
    assert await library.store.get_article(article_id) is not None  # nothing happens before the press

    # Someone else pressing does nothing.
    other = await press(bot, newsroom, newsroom.reader, custom_id(components, "Remove"), prompt)
    assert "Only the person who asked" in adapter_text(other)
    assert await library.store.get_article(article_id) is not None

    done = await press(bot, newsroom, newsroom.editor, custom_id(components, "Remove"), prompt)
    assert done.responses[0]["type"] == 7  # the prompt is edited in place
    assert f"Removed #{article_id}" in adapter_text(done)
    assert done.responses[0]["data"]["components"] == []  # buttons gone
    assert await library.store.get_article(article_id) is None

    who = embeds_of(await say("!who said the lamp never once went dark", newsroom, newsroom.reader))[0]
    assert "Edda" not in (who.title or "")
    assert f"There is no article #{article_id}" in embeds_of(await say(f"!article {article_id}", newsroom))[0].title


async def test_remove_cancel_keeps_the_article(bot, newsroom: Server, library: Library) -> None:  # noqa: ANN001
    article_id = await _added_id(newsroom)
    prompt = (await say(f"!remove {article_id}", newsroom))[0]
    cancelled = await press(bot, newsroom, newsroom.editor, custom_id(bot.sent_payloads[-1]["components"], "Cancel"), prompt)
    assert "nothing was removed" in adapter_text(cancelled)
    assert await library.store.get_article(article_id) is not None


async def test_slash_remove_with_confirm(bot, newsroom: Server, library: Library) -> None:  # noqa: ANN001
    article_id = await _added_id(newsroom)
    asked = await slash(bot, newsroom, newsroom.editor, "remove", {"article_id": article_id})
    components = asked.responses[0]["data"]["components"]
    done = await press(bot, newsroom, newsroom.editor, custom_id(components, "Remove"))
    assert f"Removed #{article_id}" in adapter_text(done)
    assert await library.store.get_article(article_id) is None
    denied = await slash(bot, newsroom, newsroom.reader, "remove", {"article_id": article_id})
    assert "Manage Server" in adapter_text(denied)


# -- adding: URLs from a local server ---------------------------------------------------------------

async def test_add_url_stores_the_page_with_its_metadata(bot, newsroom: Server, web_server: LocalWebServer) -> None:  # noqa: ANN001,F811
    url = web_server.page("/bridge", ARTICLE_HTML)
    reply = text_of(await say(f"!add <{url}>", newsroom))
    assert "✅ added #" in reply
    assert "'Harbour bridge reopens after repairs'" in reply
    assert "2024-03-18, Transport" in reply
    answer = embeds_of(await say("!who said we finished two days ahead of schedule", newsroom, newsroom.reader))[0]
    assert answer.title == "Tomas Verhoeven"
    assert answer.url == url  # the source link
    assert "duplicate of #" in text_of(await say(f"!add {url}", newsroom))


async def test_add_urls_that_are_not_articles(bot, newsroom: Server, web_server: LocalWebServer) -> None:  # noqa: ANN001,F811
    web_server.page("/photo.png", b"\x89PNG\r\n\x1a\n" + bytes(256), content_type="image/png")
    web_server.stream("/huge", 20_000_000)
    web_server.page("/index", "<html><body><ul>" + "".join(f"<li><a href='/{i}'>Item {i}</a></li>" for i in range(20))
                    + "</ul></body></html>")
    reply = text_of(await say(f"!add {web_server.url('/missing')} {web_server.url('/photo.png')} "
                              f"{web_server.url('/huge')} {web_server.url('/index')}", newsroom))
    lines = reply.splitlines()
    assert len(lines) == 4
    assert "answered 404" in lines[0]
    assert "not a web page (image/png)" in lines[1]
    assert "too large" in lines[2]
    assert "not an article" in lines[3]


async def test_add_url_refused_with_the_guard_on(bot, newsroom: Server, library: Library,  # noqa: ANN001
                                                 web_server: LocalWebServer, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    library.settings = dataclasses.replace(library.settings, allow_private_urls=False)
    url = web_server.page("/bridge", ARTICLE_HTML)
    reply = text_of(await say(f"!add {url}", newsroom))
    assert "refused" in reply and "private or local address" in reply
    # Let only the first server's address through: the redirect's hop to 127.0.0.2 is still checked.
    with LocalWebServer("127.0.0.2") as inner:
        inner.page("/bridge", ARTICLE_HTML)
        web_server.redirect("/go", inner.url("/bridge"))
        real = fetch_module.address_blocked
        monkeypatch.setattr(fetch_module, "address_blocked", lambda a: a != "127.0.0.1" and real(a))
        reply = text_of(await say(f"!add {web_server.url('/go')}", newsroom))
        assert "refused" in reply and "127.0.0.2" in reply
        assert inner.requests == []
    assert web_server.requests == ["/go"]


async def test_slash_add_url(bot, newsroom: Server, web_server: LocalWebServer) -> None:  # noqa: ANN001,F811
    url = web_server.page("/bridge", ARTICLE_HTML)
    adapter = await slash(bot, newsroom, newsroom.editor, "add", {"text": url})
    assert "'Harbour bridge reopens after repairs'" in adapter_text(adapter)


# -- adding: attachments ----------------------------------------------------------------------------

async def test_attachments_of_each_kind(bot, newsroom: Server, tmp_path: Path) -> None:  # noqa: ANN001
    files = {
        "ferry.txt": "---\ntitle: Ferry timetable changes\npublished: 2024-10-01\ncategory: Transport\n---\n"
                     "The winter ferry timetable starts on 1 November, the harbour office said on Friday.",
        "notes.md": "# Library reopens\n\nThe town library reopened on Saturday after a month of renovation, "
                    "the mayor said.",
        "bridge.html": ARTICLE_HTML,
        "latin1.txt": "Café closes\n\nThe old café on the square closed for good on Sunday.".encode("latin-1"),
        "empty.txt": "",
        "scan.pdf": b"%PDF-1.4 \x00\x01",
    }
    paths = []
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        paths.append(path)
    lines = text_of(await say("!add", newsroom, attachments=paths)).splitlines()
    assert len(lines) == 6
    assert "'Ferry timetable changes' (2024-10-01, Transport" in lines[0]
    assert "'Library reopens'" in lines[1] and lines[1].startswith("✅")
    assert "'Harbour bridge reopens after repairs' (2024-03-18, Transport" in lines[2]
    assert "latin1.txt: not UTF-8" in lines[3]
    assert "empty.txt: empty file" in lines[4]
    assert "scan.pdf: unsupported file type .pdf" in lines[5]
    # The same file again is a duplicate.
    assert "duplicate of #" in text_of(await say("!add", newsroom, attachments=[paths[0]]))


# -- query commands: cooldown, long answers, buttons, help -----------------------------------------

async def test_query_cooldown_has_a_friendly_line(bot, newsroom: Server) -> None:  # noqa: ANN001
    for _ in range(5):
        await say("!search naval base", newsroom, newsroom.reader)
    with pytest.raises(commands.CommandOnCooldown):
        await dpytest.message("!search naval base", channel=newsroom.channel, member=newsroom.reader)
    line = text_of(drain())
    assert line.startswith("Easy there: try again in") and "Traceback" not in line
    # Per user: someone else is not slowed down.
    assert embeds_of(await say("!search naval base", newsroom, newsroom.editor))


def test_a_10000_character_answer_is_split_within_limits() -> None:
    ref = ArticleRef(1, "Long article", "x.txt", "https://example.org/long")
    hits = [Hit(f"Quotation number {i}: " + "word " * 60, ref, "Ada Lindqvist") for i in range(30)]
    answer = Answer("quotes Ada", "quotes", True, "Ada Lindqvist", passage="p " * 40, article=ref, hits=hits)
    embeds = answer_embeds(answer)
    text = "\n".join(e.description for e in embeds)
    assert len(text) > 10_000
    assert len(embeds) >= 3
    assert all(len(e.description) <= DESCRIPTION_MAX and len(e) <= EMBED_TOTAL_MAX for e in embeds)
    for i in range(30):
        assert f"Quotation number {i}:" in text  # nothing dropped
    batches = embed_batches(embeds)
    assert all(sum(len(e) for e in batch) <= EMBED_TOTAL_MAX and len(batch) <= 10 for batch in batches)
    assert [e for b in batches for e in b] == embeds
    assert embeds[0].title == "Ada Lindqvist" and embeds[0].url == "https://example.org/long"
    assert embeds[-1].footer.text == "Source: https://example.org/long"


async def test_long_answer_arrives_in_several_messages(bot, newsroom: Server, library: Library) -> None:  # noqa: ANN001
    body = " ".join(f"“Point number {i} of the plan is {'very ' * 25}important to all of us,” said Ada Lindqvist."
                    for i in range(40))
    await library.add_text("Plan explained", body, newsroom.guild.id)
    messages = await say("!quotes Ada Lindqvist", newsroom, newsroom.reader)
    embeds = embeds_of(messages)
    assert len(embeds) >= 2
    assert all(sum(len(e) for e in m.embeds) <= EMBED_TOTAL_MAX for m in messages)
    assert all(len(e.description) <= DESCRIPTION_MAX for e in embeds)


async def test_who_said_offers_more_quotes(bot, newsroom: Server) -> None:  # noqa: ANN001
    message = (await say("!who said the mission has been accomplished", newsroom, newsroom.reader))[0]
    components = bot.sent_payloads[-1]["components"]
    button = custom_id(components, "More quotes by Vladimir Putin")
    more = await press(bot, newsroom, newsroom.reader, button, message)
    response = more.responses[0]
    assert response["type"] == 4 and response["data"]["flags"] == 64  # a reply only the presser sees
    assert response["data"]["embeds"][0]["title"] == "Vladimir Putin"
    assert response["data"]["embeds"][0]["description"].count("\n") >= 1


async def test_articles_pages_with_buttons(bot, newsroom: Server, library: Library) -> None:  # noqa: ANN001
    for i in range(12):
        await library.add_text(f"Notice {i}", f"Notice number {i} was posted on the board by the clerk.", newsroom.guild.id)
    message = (await say("!articles", newsroom, newsroom.reader))[0]
    assert message.embeds[0].title == "13 articles (page 1 of 2)"
    assert "Notice 11" in message.embeds[0].description  # newest first
    components = bot.sent_payloads[-1]["components"]
    older = await press(bot, newsroom, newsroom.reader, custom_id(components, "Older"), message)
    page2 = older.responses[0]["data"]
    assert page2["embeds"][0]["title"] == "13 articles (page 2 of 2)"
    assert "Vladimir Putin Orders" in page2["embeds"][0]["description"]
    buttons = {b["label"]: b.get("disabled", False) for b in page2["components"][0]["components"]}
    assert buttons["Older ▶"] is True and buttons["◀ Newer"] is False


async def test_help_lists_admin_commands(bot, newsroom: Server) -> None:  # noqa: ANN001
    embed = embeds_of(await say("!help", newsroom, newsroom.reader))[0]
    for usage in ("!who said", "!when", "!add <url>", "!remove <id>", "!admin role"):
        assert usage in embed.description


async def test_slash_add_with_attached_files(bot, newsroom: Server, tmp_path: Path) -> None:  # noqa: ANN001
    page = tmp_path / "bridge.html"
    page.write_text(ARTICLE_HTML, encoding="utf-8")
    note = tmp_path / "ferry.txt"
    note.write_text("Ferry service resumes\n\nThe island ferry sails again on Monday, the operator said.\n")
    junk = tmp_path / "photo.png"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    interaction = make_interaction(bot, newsroom.editor, newsroom.channel, "add")
    # Attachment options as Discord sends them: ids in options, the files under resolved.
    files = {"file": page, "file3": note, "file5": junk}
    interaction.data["options"] = [  # type: ignore[index]
        {"name": name, "type": 11, "value": str(4240 + n)} for n, name in enumerate(files)]
    interaction.data["resolved"] = {"attachments": {  # type: ignore[index]
        str(4240 + n): {"id": str(4240 + n), "filename": path.name, "size": path.stat().st_size, "url": str(path),
                        "proxy_url": str(path)} for n, path in enumerate(files.values())}}
    adapter = Adapter(newsroom.channel)
    from discord.webhook.async_ import async_context

    token = async_context.set(adapter)  # type: ignore[arg-type]
    try:
        await invoke_slash(bot, interaction)
        await dpytest_runner.run_all_events()
    finally:
        async_context.reset(token)
    lines = [line for line in adapter_text(adapter).splitlines() if line]  # (the deferral has no text)
    assert len(lines) == 3, lines
    assert "'Harbour bridge reopens after repairs' (2024-03-18, Transport" in lines[0]
    assert "Ferry service resumes" in lines[1] and "added" in lines[1]
    assert "photo.png" in lines[2] and "unsupported file type .png" in lines[2]
    titles = {a.title for a in await bot.library.store.list_articles(newsroom.guild.id, 0, 10)}
    assert {"Harbour bridge reopens after repairs", "Ferry service resumes"} <= titles


async def test_bot_opens_and_disposes_its_own_library(settings, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """setup_hook opens the library and loads the cogs; close() disposes the database engine."""
    from sqlalchemy.ext.asyncio import AsyncEngine

    disposed: list[bool] = []
    real_dispose = AsyncEngine.dispose

    async def spy(self, *args, **kwargs):  # noqa: ANN001,ANN202
        disposed.append(True)
        return await real_dispose(self, *args, **kwargs)

    monkeypatch.setattr(AsyncEngine, "dispose", spy)
    b = create_bot(settings=settings)
    await b._async_setup_hook()
    await b.setup_hook()
    assert b.library is not None and {"Ask", "Admin"} <= set(b.cogs)
    assert {"add", "remove", "admin", "who", "article"} <= {c.name for c in b.tree.get_commands()}
    assert await b.library.store.count_articles() == 1  # the corpus, imported into the empty library
    await b.close()
    assert disposed
