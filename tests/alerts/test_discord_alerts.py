"""The alerts cog end to end: real commands, the real poller, outbox and DiscordSink, dpytest's Discord."""

from __future__ import annotations

import sys

import discord
import discord.ext.test as dpytest
import discord.ext.test.backend as dback
import pytest
from discord.ext import commands
from discord.ext.test.backend import FakeRequest

from bot.store.feeds import ATTEMPTED, DELIVERED, FeedStore
from tests.alerts.conftest import DATA, Clock, FeedServer, make_service
from tests.discord_helpers import Adapter, adapter_text, slash

FIRE = "Chemical plant fire forces evacuation of Eastside"


def channel(guild: discord.Guild, name: str) -> discord.TextChannel:
    return discord.utils.get(guild.text_channels, name=name)


def member(guild: discord.Guild, name: str) -> discord.Member:
    return discord.utils.get(guild.members, name=name)


async def make_editor(guild: discord.Guild) -> discord.Member:
    role = dback.make_role("Editors", guild, permissions=discord.Permissions(manage_guild=True).value)
    editor = member(guild, "editor")
    await dpytest.add_role(editor, role)
    return guild.get_member(editor.id)


async def say(bot, guild: discord.Guild, text: str, who: str = "editor", where: str = "general") -> str:  # noqa: ANN001
    """Send a command as a member and return the bot's reply text."""
    await dpytest.empty_queue()  # alerts posted earlier are not the reply
    await dpytest.message(text, channel=channel(guild, where), member=member(guild, who))
    replies = []
    while not dpytest.runner.sent_queue.empty():
        replies.append(dpytest.get_message())
    return replies[-1].content  # the reply comes after any alert the command posted


def posts_in(bot, ch: discord.TextChannel) -> list[dict]:  # noqa: ANN001
    """What the bot sent to a channel, as the payloads Discord received."""
    return [p for p in bot.sent_payloads if p["channel_id"] == ch.id and p.get("embeds")]


async def setup_two_servers(bot, feed_server: FeedServer) -> tuple[list[discord.Guild], str]:  # noqa: ANN001
    guilds = list(dpytest.get_config().guilds)
    url = feed_server.serve("/harbour.xml", "harbour-rss-1.xml")
    for guild in guilds:
        await make_editor(guild)
        reply = await say(bot, guild, f"!alerts channel {channel(guild, 'news').mention}")
        assert "will be posted in" in reply
        reply = await say(bot, guild, f"!feed add {url}")
        assert reply.startswith("Added feed #") and "3 current items" in reply
    return guilds, url


async def test_breaking_item_reaches_both_servers_once_and_pings_only_the_role(discord_bot, feed_server, clock: Clock) -> None:
    bot = discord_bot
    (alpha, beta), _url = await setup_two_servers(bot, feed_server)
    assert "pinged" in await say(bot, alpha, "!subscribe", who="reader")
    role = discord.utils.get(alpha.roles, name="Breaking News")
    assert role is not None and role in member(alpha, "reader").roles

    await bot.alerts_cog.run_round()  # nothing new yet: adding a feed posts nothing
    assert posts_in(bot, channel(alpha, "news")) == [] and posts_in(bot, channel(beta, "news")) == []

    feed_server.serve("/harbour.xml", "harbour-rss-2.xml")
    clock.advance(11)
    await bot.alerts_cog.run_round()
    clock.advance(11)
    await bot.alerts_cog.run_round()  # and again: nothing is posted twice

    for guild in (alpha, beta):
        [post] = posts_in(bot, channel(guild, "news"))
        embed = discord.Embed.from_dict(post["embeds"][0])
        assert embed.title == FIRE and embed.url == feed_server.base + "/news/eastside-plant-fire"
        assert "fire chief Maren Osei" in embed.description and embed.timestamp is not None
        assert post["nonce"] and post["enforce_nonce"] is True
    alpha_post = posts_in(bot, channel(alpha, "news"))[0]
    assert alpha_post["content"] == role.mention
    assert alpha_post["allowed_mentions"] == {"parse": [], "roles": [role.id]}  # the role, nobody else
    assert "@everyone" not in discord.Embed.from_dict(alpha_post["embeds"][0]).description
    message = await channel(alpha, "news").fetch_message(int(
        (await FeedStore(bot.library.store.sessions).deliveries_of(f"channel:{channel(alpha, 'news').id}"))[0].message_id))
    assert message.role_mentions == [role] and not message.mention_everyone and message.mentions == []
    assert "content" not in posts_in(bot, channel(beta, "news"))[0] or posts_in(bot, channel(beta, "news"))[0]["content"] is None

    # The item is searchable in the server whose feed brought it.
    await dpytest.empty_queue()
    reply = await dpytest.message("!who said everyone within two kilometres must leave now",
                                  channel=channel(alpha, "general"), member=member(alpha, "reader"))
    assert "Maren Osei" in dpytest.get_embed().title
    assert reply


async def test_restart_between_sent_and_marked_does_not_post_twice(discord_bot, feed_server, clock, monkeypatch) -> None:
    bot = discord_bot
    (alpha, beta), _url = await setup_two_servers(bot, feed_server)
    feed_server.serve("/harbour.xml", "harbour-rss-2.xml")
    real_mark = FeedStore.mark_delivered

    async def crash(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        raise SystemExit("the process died right after Discord accepted the message")

    monkeypatch.setattr(FeedStore, "mark_delivered", crash)
    clock.advance(11)
    with pytest.raises(SystemExit):
        await bot.alerts_cog.service.poll([bot.alerts_cog.sink])
    monkeypatch.setattr(FeedStore, "mark_delivered", real_mark)
    store = FeedStore(bot.library.store.sessions)
    channels = [channel(g, "news") for g in (alpha, beta)]
    rows = {ch.id: (await store.deliveries_of(f"channel:{ch.id}"))[0] for ch in channels}
    crashed = next(ch for ch in channels if rows[ch.id].state == ATTEMPTED)  # the first one sent
    assert len(posts_in(bot, crashed)) == 1

    # "Restart": a new service and sink over the same database file, as a fresh process would have.
    from bot.cogs.alerts import Alerts as AlertsCog

    await bot.remove_cog("Alerts")
    restarted = AlertsCog(bot, make_service(bot.library, clock))
    await bot.add_cog(restarted)
    clock.advance(11)
    await restarted.run_round()
    await restarted.run_round()
    assert len(posts_in(bot, crashed)) == 1  # found in the channel's history, not sent again
    for ch in channels:  # and the other server, which the crash kept waiting, got its copy once
        assert [discord.Embed.from_dict(p["embeds"][0]).title for p in posts_in(bot, ch)] == [FIRE]
        [row] = await store.deliveries_of(f"channel:{ch.id}")
        assert row.state == DELIVERED and row.message_id


async def test_a_discord_error_leaves_the_item_for_the_next_round(discord_bot, feed_server, clock) -> None:
    bot = discord_bot
    (alpha, beta), _url = await setup_two_servers(bot, feed_server)
    feed_server.serve("/harbour.xml", "harbour-rss-2.xml")
    news = channel(alpha, "news")
    real_send = bot.http.send_message

    async def flaky(channel_id, *, params):  # noqa: ANN001
        channel = sys._getframe(1).f_locals.get("channel")  # noqa: F841 - dpytest reads its caller's frame
        if int(channel_id) == news.id:
            raise discord.DiscordServerError(FakeRequest(503, "Service Unavailable"), "upstream connect error")
        return await real_send(channel_id, params=params)

    bot.http.send_message = flaky
    clock.advance(11)
    await bot.alerts_cog.run_round()
    assert posts_in(bot, news) == [] and len(posts_in(bot, channel(beta, "news"))) == 1
    bot.http.send_message = real_send
    clock.advance(11)
    await bot.alerts_cog.run_round()
    clock.advance(11)
    await bot.alerts_cog.run_round()
    assert [discord.Embed.from_dict(p["embeds"][0]).title for p in posts_in(bot, news)] == [FIRE]
    assert len(posts_in(bot, channel(beta, "news"))) == 1


async def test_lost_channel_access_is_reported_and_settings_kept(discord_bot, feed_server, clock) -> None:
    bot = discord_bot
    (alpha, _beta), _url = await setup_two_servers(bot, feed_server)
    news = channel(alpha, "news")
    # (dpytest applies role overwrites, not member ones: take Send Messages from @everyone there)
    await dpytest.set_permission_overrides(alpha.default_role, news, send_messages=False)
    feed_server.serve("/harbour.xml", "harbour-rss-2.xml")
    clock.advance(11)
    await bot.alerts_cog.run_round()
    assert posts_in(bot, news) == []
    config = await bot.library.store.guild_config(alpha.id)
    assert config.alert_channel_id == news.id
    status = await say(bot, alpha, "!alerts")
    assert f"channel:{news.id}" in status and "403" in status
    await dpytest.set_permission_overrides(alpha.default_role, news, send_messages=True)
    clock.advance(20)
    await bot.alerts_cog.run_round()
    assert [discord.Embed.from_dict(p["embeds"][0]).title for p in posts_in(bot, news)] == [FIRE]


async def test_feed_list_remove_and_failure_reported_once(discord_bot, feed_server, clock) -> None:
    bot = discord_bot
    (alpha, _beta), url = await setup_two_servers(bot, feed_server)
    listing = await say(bot, alpha, "!feed list")
    assert "#1" in listing and "Harbour City Courier" in listing and "3 items" in listing
    feed_server.serve("/harbour.xml", status=500)
    for _ in range(4):
        clock.advance(90)
        await bot.alerts_cog.run_round()
    news = channel(alpha, "news")
    reports = [p["content"] for p in bot.sent_payloads if p["channel_id"] == news.id and "failed" in (p.get("content") or "")]
    assert len(reports) == 1 and "500" in reports[0] and url in reports[0]
    listing = await say(bot, alpha, "!feed list")
    assert "failing, 4 in a row" in listing and "500" in listing
    assert "Removed feed #1" in await say(bot, alpha, "!feed remove 1")
    assert "No feeds yet" in await say(bot, alpha, "!feed list")


async def test_only_managers_manage_feeds(discord_bot, feed_server) -> None:
    alpha = dpytest.get_config().guilds[0]
    with pytest.raises(commands.MissingPermissions):
        await dpytest.message(f"!feed add {feed_server.base}/x.xml", channel=channel(alpha, "general"),
                              member=member(alpha, "reader"))
    assert "Manage Server" in dpytest.get_message().content


async def test_add_refuses_what_is_not_a_feed(discord_bot, feed_server) -> None:
    alpha = dpytest.get_config().guilds[0]
    await make_editor(alpha)
    feed_server.serve("/page.html", "not-a-feed.html", content_type="text/html")
    reply = await say(discord_bot, alpha, f"!feed add {feed_server.base}/page.html")
    assert reply.startswith("Could not read that feed")
    assert "No feeds yet" in await say(discord_bot, alpha, "!feed list")


async def test_breaking_flag_by_hand_posts_once(discord_bot, feed_server) -> None:
    bot = discord_bot
    (alpha, _beta), _url = await setup_two_servers(bot, feed_server)
    report = await bot.library.add_text("Water main bursts on Quay Street",
                                        "Quay Street is closed after a water main burst, the council said.", alpha.id)
    article = report.article.id
    reply = await say(bot, alpha, f"!breaking {article}")
    assert "the alert is out" in reply
    reply = await say(bot, alpha, f"!breaking {article}")
    assert "posted there before" in reply
    news = channel(alpha, "news")
    assert [discord.Embed.from_dict(p["embeds"][0]).title for p in posts_in(bot, news)] == ["Water main bursts on Quay Street"]
    assert (await bot.library.store.get_article(article, alpha.id))[0].breaking


async def test_the_admin_role_may_flag_breaking_news_but_not_set_up_alerts(discord_bot, feed_server) -> None:
    """Curators announce breaking news as `!add … --breaking` does; channels and feeds stay with Manage Server."""
    bot = discord_bot
    (alpha, _beta), _url = await setup_two_servers(bot, feed_server)
    curators = dback.make_role("Curators", alpha)  # no permissions of its own
    await bot.library.store.update_guild_config(alpha.id, admin_role_id=curators.id)
    article = (await bot.library.add_text("Ferry cancelled", "The morning ferry is cancelled, the operator said.",
                                          alpha.id)).article.id
    with pytest.raises(commands.MissingPermissions):  # a reader without the role
        await dpytest.message(f"!breaking {article}", channel=channel(alpha, "general"), member=member(alpha, "reader"))
    assert "Manage Server" in dpytest.get_message().content
    assert not (await bot.library.store.get_article(article, alpha.id))[0].breaking
    await dpytest.add_role(member(alpha, "reader"), curators)
    assert "the alert is out" in await say(bot, alpha, f"!breaking {article}", who="reader")
    assert (await bot.library.store.get_article(article, alpha.id))[0].breaking
    with pytest.raises(commands.MissingPermissions):
        await dpytest.message(f"!feed add {feed_server.base}/x.xml", channel=channel(alpha, "general"),
                              member=member(alpha, "reader"))


async def test_add_with_breaking_flag_stores_and_announces_once(discord_bot, feed_server) -> None:
    bot = discord_bot
    (alpha, _beta), _url = await setup_two_servers(bot, feed_server)
    reply = await say(bot, alpha, "!add Gas leak shuts Mill Lane | Mill Lane is closed after a gas leak, police said. --breaking")
    assert "breaking-news alert sent" in reply
    news = channel(alpha, "news")
    assert [discord.Embed.from_dict(p["embeds"][0]).title for p in posts_in(bot, news)] == ["Gas leak shuts Mill Lane"]
    [listed] = (await bot.library.ask("!articles", alpha.id)).hits[:1]
    stored = (await bot.library.store.get_article(listed.article.id, alpha.id))[0]
    assert stored.breaking and stored.title == "Gas leak shuts Mill Lane"
    assert "--breaking" not in (await bot.library.store.get_article(stored.id))[1]


async def test_keyword_subscription_sends_a_dm(discord_bot, feed_server, clock) -> None:
    bot = discord_bot
    (alpha, _beta), _url = await setup_two_servers(bot, feed_server)
    reader = member(alpha, "reader")
    reply = await say(bot, alpha, "!subscribe library, ferry", who="reader")
    assert "DM you" in reply
    feed_server.serve("/harbour.xml", "harbour-rss-2.xml")
    clock.advance(11)
    await bot.alerts_cog.run_round()
    dm = reader.dm_channel
    assert dm is not None
    titles = [discord.Embed.from_dict(p["embeds"][0]).title for p in bot.sent_payloads if p["channel_id"] == dm.id]
    assert titles == ["Library extends weekend opening hours"]
    assert "Unsubscribed" in await say(bot, alpha, "!unsubscribe", who="reader")
    assert discord.utils.get(alpha.roles, name="Breaking News") not in member(alpha, "reader").roles


# -- the slash forms: real discord.Interaction objects through the bot's command tree -----------------

MAX_DISCORD_INT = 2**53  # the largest integer Discord accepts in a slash option


async def run(bot, guild: discord.Guild, command: str, options: dict | None = None, sub: str | None = None,  # noqa: ANN001
              who: str = "editor", where: str = "general") -> Adapter:
    """`/command [sub] options…` as a member; checks what every reply must hold: no ping, no traceback."""
    adapter = await slash(bot, channel(guild, where), member(guild, who), command, options, subcommand=sub)
    assert adapter.responses, f"/{command} {sub or ''} got no response"
    for response in adapter.responses:
        data = response.get("data") or {}
        if data.get("content"):
            # Nothing a reply shows (feed titles, role mentions) may ping anyone.
            assert data.get("allowed_mentions", {}).get("parse") == [], data
            assert not data["allowed_mentions"].get("roles") and not data["allowed_mentions"].get("users"), data
            assert "Traceback" not in data["content"]
    return adapter


def said(adapter: Adapter) -> str:
    return adapter_text(adapter).strip()


def refused(adapter: Adapter) -> bool:
    """The on_command_error refusal: one short line, seen only by the one who asked."""
    [response] = adapter.responses
    data = response["data"]
    return "Manage Server" in data["content"] and data.get("flags", 0) & 64 == 64 and len(data["content"]) < 120


async def state(bot, guild: discord.Guild) -> tuple:  # noqa: ANN001
    """Everything the alert commands can change in the store for one server."""
    service = bot.alerts_cog.service
    feeds = [(f.id, f.url, f.mode, f.items) for f in await service.list_feeds(guild.id)]
    config = await bot.library.store.guild_config(guild.id)
    flagged = [a.id for a in await bot.library.store.list_articles(guild.id, 0, 100) if a.breaking]
    queued = [(d.item.id, d.state) for ch in guild.text_channels for d in await service.store.deliveries_of(f"channel:{ch.id}")]
    return feeds, config.alert_channel_id, config.alert_role_id, await service.store.keywords(guild.id), flagged, queued


async def slash_setup(bot, guild: discord.Guild, url: str) -> int:  # noqa: ANN001
    """An editor sets the alert channel to #news and adds the feed, by slash; returns the feed's id."""
    await make_editor(guild)
    assert "will be posted in" in said(await run(bot, guild, "alerts", {"channel": channel(guild, "news")}, sub="channel"))
    assert said(await run(bot, guild, "feed", {"url": url}, sub="add")).startswith("Added feed #")
    [feed] = await bot.alerts_cog.service.list_feeds(guild.id)
    return feed.id


async def test_slash_feed_add_list_remove(discord_bot, feed_server) -> None:
    bot = discord_bot
    alpha, beta = dpytest.get_config().guilds[:2]
    await make_editor(alpha)
    url = feed_server.serve("/harbour.xml", "harbour-rss-1.xml")

    added = await run(bot, alpha, "feed", {"url": url}, sub="add")
    assert added.responses[0]["type"] == 5  # deferred first: fetching a feed may outlast Discord's 3 seconds
    [feed] = await bot.alerts_cog.service.list_feeds(alpha.id)
    assert (feed.url, feed.mode, feed.items, feed.guild_id) == (url, "all", 3, alpha.id)
    assert said(added).startswith(f"Added feed #{feed.id} **Harbour City Courier** (all). Its 3 current items")
    assert "set one with `/alerts channel" in said(added)  # no alert channel yet; the hint names the slash form
    assert len(feed_server.hits("/harbour.xml")) == 1
    assert await bot.alerts_cog.service.list_feeds(beta.id) == []
    assert posts_in(bot, channel(alpha, "news")) == []  # adding posts nothing

    vale = feed_server.serve("/vale.xml", "vale-atom-1.xml")
    assert "(breaking)" in said(await run(bot, alpha, "feed", {"url": vale, "mode": "BREAKING"}, sub="add"))
    listing = said(await run(bot, alpha, "feed", sub="list"))
    assert f"**#{feed.id}** [all] Harbour City Courier <{url}> — 3 items" in listing
    assert f"[breaking] Vale Valley Wire <{vale}> — 2 items" in listing

    removed = said(await run(bot, alpha, "feed", {"feed_id": feed.id}, sub="remove"))
    assert removed == f"Removed feed #{feed.id} Harbour City Courier."
    assert [f.url for f in await bot.alerts_cog.service.list_feeds(alpha.id)] == [vale]
    assert "Harbour" not in said(await run(bot, alpha, "feed", sub="list"))


async def test_slash_alerts_channel_status_and_off(discord_bot) -> None:
    bot = discord_bot
    alpha, beta = dpytest.get_config().guilds[:2]
    await make_editor(alpha)
    news = channel(alpha, "news")
    reply = said(await run(bot, alpha, "alerts", {"channel": news}, sub="channel"))
    assert reply == f"Breaking-news alerts will be posted in {news.mention}."
    assert (await bot.library.store.guild_config(alpha.id)).alert_channel_id == news.id
    assert (await bot.library.store.guild_config(beta.id)).alert_channel_id is None

    # Anyone may look: the status needs no permission.
    status = said(await run(bot, alpha, "alerts", sub="status", who="reader"))
    assert status.startswith(f"Alert channel: {news.mention}. Role: not created yet (`/subscribe`")

    assert said(await run(bot, alpha, "alerts", sub="off")).startswith("Alerts are off.")
    assert (await bot.library.store.guild_config(alpha.id)).alert_channel_id is None
    assert said(await run(bot, alpha, "alerts", sub="status")).startswith("Alert channel: not set.")


async def test_slash_alerts_channel_warns_when_the_bot_cannot_post_there(discord_bot) -> None:
    bot = discord_bot
    alpha = dpytest.get_config().guilds[0]
    await make_editor(alpha)
    news = channel(alpha, "news")
    await dpytest.set_permission_overrides(alpha.default_role, news, send_messages=False)
    reply = said(await run(bot, alpha, "alerts", {"channel": news}, sub="channel"))
    assert "I can't send embeds there yet" in reply
    assert (await bot.library.store.guild_config(alpha.id)).alert_channel_id == news.id  # kept, as `!` does


async def test_slash_subscribe_keywords_dm_and_unsubscribe(discord_bot, feed_server, clock) -> None:
    bot = discord_bot
    alpha, beta = dpytest.get_config().guilds[:2]
    await slash_setup(bot, alpha, feed_server.serve("/harbour.xml", "harbour-rss-1.xml"))
    reader = member(alpha, "reader")

    reply = said(await run(bot, alpha, "subscribe", {"keywords": "library, ferry"}, who="reader"))
    assert reply == "You'll be pinged (@Breaking News) for breaking news here. I'll also DM you new items matching: library, ferry."
    role = discord.utils.get(alpha.roles, name="Breaking News")
    assert role is not None and role.mentionable and role in member(alpha, "reader").roles
    assert (await bot.library.store.guild_config(alpha.id)).alert_role_id == role.id
    assert await bot.alerts_cog.service.store.keywords(alpha.id) == [(alpha.id, reader.id, "library, ferry")]
    assert await bot.alerts_cog.service.store.keywords(beta.id) == []

    # The status names the role without pinging it (run() checks the allowed mentions).
    assert role.mention in said(await run(bot, alpha, "alerts", sub="status", who="reader"))

    feed_server.serve("/harbour.xml", "harbour-rss-2.xml")
    clock.advance(11)
    await bot.alerts_cog.run_round()
    dm = member(alpha, "reader").dm_channel
    assert dm is not None
    assert [discord.Embed.from_dict(p["embeds"][0]).title for p in bot.sent_payloads
            if p["channel_id"] == dm.id] == ["Library extends weekend opening hours"]
    [post] = posts_in(bot, channel(alpha, "news"))
    assert post["content"] == role.mention  # the role the slash command handed out is the one pinged

    assert said(await run(bot, alpha, "unsubscribe", who="reader")) == "Unsubscribed: no more pings or keyword DMs."
    assert role not in member(alpha, "reader").roles
    assert await bot.alerts_cog.service.store.keywords(alpha.id) == []


async def test_slash_subscribe_without_keywords_only_gives_the_role(discord_bot) -> None:
    bot = discord_bot
    alpha = dpytest.get_config().guilds[0]
    assert said(await run(bot, alpha, "subscribe", who="reader")) == "You'll be pinged (@Breaking News) for breaking news here."
    assert discord.utils.get(alpha.roles, name="Breaking News") in member(alpha, "reader").roles
    assert await bot.alerts_cog.service.store.keywords(alpha.id) == []
    # Again: the same role, not a second one.
    await run(bot, alpha, "subscribe", who="reader")
    assert [r.name for r in alpha.roles].count("Breaking News") == 1


async def test_slash_breaking_posts_once(discord_bot, feed_server) -> None:
    bot = discord_bot
    alpha, beta = dpytest.get_config().guilds[:2]
    await slash_setup(bot, alpha, feed_server.serve("/harbour.xml", "harbour-rss-1.xml"))
    report = await bot.library.add_text("Water main bursts on Quay Street",
                                        "Quay Street is closed after a water main burst, the council said.", alpha.id)
    article = report.article.id
    flagged = await run(bot, alpha, "breaking", {"article_id": article})
    assert flagged.responses[0]["type"] == 5  # deferred first: the alert is posted before the reply
    first = said(flagged)
    assert first == f"#{article} Water main bursts on Quay Street is breaking news; the alert is out."
    again = said(await run(bot, alpha, "breaking", {"article_id": article}))
    assert again.endswith("no alert sent: it was posted there before.")
    news = channel(alpha, "news")
    assert [discord.Embed.from_dict(p["embeds"][0]).title for p in posts_in(bot, news)] == ["Water main bursts on Quay Street"]
    assert (await bot.library.store.get_article(article, alpha.id))[0].breaking

    # Another server neither sees the article nor can flag it.
    await make_editor(beta)
    assert said(await run(bot, beta, "breaking", {"article_id": article})) == f"This server has no article #{article}."


async def test_slash_breaking_without_an_alert_channel_says_so(discord_bot) -> None:
    bot = discord_bot
    alpha = dpytest.get_config().guilds[0]
    await make_editor(alpha)
    report = await bot.library.add_text("Gas leak shuts Mill Lane", "Mill Lane is closed after a gas leak, police said.", alpha.id)
    reply = said(await run(bot, alpha, "breaking", {"article_id": report.article.id}))
    assert reply.endswith("no alert sent: there is no alert channel (`/alerts channel #channel`).")
    assert (await bot.library.store.get_article(report.article.id, alpha.id))[0].breaking
    assert [p for p in bot.sent_payloads if p.get("embeds")] == []


async def test_slash_feed_backfill_caps_and_skips_what_was_posted(discord_bot, feed_server) -> None:
    bot = discord_bot
    alpha = dpytest.get_config().guilds[0]
    feed_id = await slash_setup(bot, alpha, feed_server.serve("/harbour.xml", "harbour-rss-1.xml"))
    news = channel(alpha, "news")
    reply = said(await run(bot, alpha, "feed", {"feed_id": feed_id, "count": 2}, sub="backfill"))
    assert reply == f"Posting 2 item(s) of feed #{feed_id} (items posted there before are skipped)."
    posted = posts_in(bot, news)
    assert [discord.Embed.from_dict(p["embeds"][0]).title for p in posted] == [
        "Storm warning lifted for the northern coast", "Council approves new harbour ferry timetable"]
    assert all(p.get("content") is None for p in posted)  # a backfill does not ping the role
    # A huge count is capped (the feed has 3 items); the two already posted are not posted again.
    reply = said(await run(bot, alpha, "feed", {"feed_id": feed_id, "count": MAX_DISCORD_INT}, sub="backfill"))
    assert reply.startswith(f"Posting 1 item(s) of feed #{feed_id}")
    assert len(posts_in(bot, news)) == 3


async def test_slash_manager_commands_refuse_members_without_manage_server(discord_bot, feed_server) -> None:
    bot = discord_bot
    alpha = dpytest.get_config().guilds[0]
    feed_id = await slash_setup(bot, alpha, feed_server.serve("/harbour.xml", "harbour-rss-1.xml"))
    vale = feed_server.serve("/vale.xml", "vale-atom-1.xml")
    article = (await bot.library.add_text("Gas leak shuts Mill Lane", "Mill Lane is closed after a gas leak.", alpha.id)).article.id
    before, hits, sent = await state(bot, alpha), len(feed_server.requests), len(bot.sent_payloads)
    for command, sub, options in [
        ("feed", "list", {}),
        ("feed", "add", {"url": vale}),
        ("feed", "remove", {"feed_id": feed_id}),
        ("feed", "backfill", {"feed_id": feed_id, "count": 3}),
        ("alerts", "channel", {"channel": channel(alpha, "general")}),
        ("alerts", "off", {}),
        ("breaking", None, {"article_id": article}),
    ]:
        adapter = await run(bot, alpha, command, options, sub=sub, who="reader")
        assert refused(adapter), (command, sub, adapter.responses)
        assert await state(bot, alpha) == before, (command, sub)
    assert len(feed_server.requests) == hits  # the feed was not even fetched
    assert len(bot.sent_payloads) == sent  # nothing posted anywhere
    # The same member may do what needs no permission.
    assert said(await run(bot, alpha, "alerts", sub="status", who="reader")).startswith("Alert channel: <#")


async def test_slash_permission_is_the_one_discord_resolved(discord_bot) -> None:
    """For a slash command the check reads the permissions Discord sent with the interaction."""
    bot = discord_bot
    alpha = dpytest.get_config().guilds[0]
    editor = await make_editor(alpha)
    news = channel(alpha, "news")
    await bot.library.store.update_guild_config(alpha.id, alert_channel_id=news.id)
    without = discord.Permissions(send_messages=True).value  # e.g. Manage Server taken away a moment ago
    adapter = await slash(bot, channel(alpha, "general"), editor, "alerts", subcommand="off", permissions=without)
    assert refused(adapter)
    assert (await bot.library.store.guild_config(alpha.id)).alert_channel_id == news.id
    administrator = discord.Permissions(administrator=True).value
    reader = member(alpha, "reader")
    adapter = await slash(bot, channel(alpha, "general"), reader, "alerts", subcommand="off", permissions=administrator)
    assert said(adapter).startswith("Alerts are off.")
    assert (await bot.library.store.guild_config(alpha.id)).alert_channel_id is None


async def test_slash_bad_input_gets_a_short_answer_and_changes_nothing(discord_bot, feed_server) -> None:
    bot = discord_bot
    alpha, beta = dpytest.get_config().guilds[:2]
    url = feed_server.serve("/harbour.xml", "harbour-rss-1.xml")
    feed_id = await slash_setup(bot, alpha, url)
    beta_feed = await slash_setup(bot, beta, url)
    page = feed_server.serve("/page.html", "not-a-feed.html", content_type="text/html")
    before, beta_before, sent = await state(bot, alpha), await state(bot, beta), len(bot.sent_payloads)

    cases = [
        ("feed", "remove", {"feed_id": 999}, "This server has no feed #999."),
        ("feed", "remove", {"feed_id": beta_feed}, f"This server has no feed #{beta_feed}."),  # another server's
        ("feed", "remove", {"feed_id": -1}, "This server has no feed #-1."),
        ("feed", "remove", {"feed_id": 2**31}, f"This server has no feed #{2**31}."),  # past a 32-bit id column
        ("feed", "remove", {"feed_id": MAX_DISCORD_INT}, f"This server has no feed #{MAX_DISCORD_INT}."),
        ("feed", "backfill", {"feed_id": MAX_DISCORD_INT}, f"This server has no feed #{MAX_DISCORD_INT}."),
        ("feed", "backfill", {"feed_id": beta_feed}, f"This server has no feed #{beta_feed}."),
        ("feed", "add", {"url": page}, "Could not read that feed"),
        ("feed", "add", {"url": "ftp://example.org/feed.xml"}, "A feed address starts with http:// or https://."),
        ("feed", "add", {"url": "not a url"}, "A feed address starts with http:// or https://."),
        ("feed", "add", {"url": "https://example.org/" + "a" * 2100}, "That address is too long."),
        ("feed", "add", {"url": url, "mode": "sometimes"}, "The mode is `breaking` or `all`, not `sometimes`."),
        ("feed", "add", {"url": url}, f"This server already has that feed (#{feed_id})."),
        ("breaking", None, {"article_id": 999_999}, "This server has no article #999999."),
        ("breaking", None, {"article_id": 2**31}, f"This server has no article #{2**31}."),
        ("breaking", None, {"article_id": MAX_DISCORD_INT}, f"This server has no article #{MAX_DISCORD_INT}."),
    ]
    for command, sub, options, expected in cases:
        adapter = await run(bot, alpha, command, options, sub=sub)
        reply = said(adapter)
        assert reply.startswith(expected) and len(reply) < 200, (command, sub, options, reply)
        assert adapter.errors == [], (command, sub, options, adapter.errors)  # answered, not failed
        assert await state(bot, alpha) == before, (command, sub, options)
    assert await state(bot, beta) == beta_before
    assert len(bot.sent_payloads) == sent
    assert len(feed_server.hits("/harbour.xml")) == 2  # the two setups: a duplicate is refused before fetching


async def test_slash_replies_escape_what_a_feed_says(discord_bot, feed_server) -> None:
    """A feed titled with mentions is shown escaped and, like every reply, with pings off."""
    bot = discord_bot
    alpha = dpytest.get_config().guilds[0]
    editor = await make_editor(alpha)
    role = editor.roles[-1]
    text = (DATA / "harbour-rss-1.xml").read_text(encoding="utf-8").replace(
        "<title>Harbour City Courier</title>", f"<title>@everyone &lt;@&amp;{role.id}&gt; Courier</title>", 1)
    url = feed_server.serve("/loud.xml", text=text)
    added = said(await run(bot, alpha, "feed", {"url": url}, sub="add"))
    listing = said(await run(bot, alpha, "feed", sub="list"))
    for reply in (added, listing):
        assert "Courier" in reply and "@everyone" not in reply and role.mention not in reply


async def test_prefix_forms_answer_huge_ids_the_same_way(discord_bot, feed_server) -> None:
    bot = discord_bot
    alpha = dpytest.get_config().guilds[0]
    await slash_setup(bot, alpha, feed_server.serve("/harbour.xml", "harbour-rss-1.xml"))
    before = await state(bot, alpha)
    for n in (2**31, 10**20):  # past PostgreSQL's integer column; past any database integer
        assert await say(bot, alpha, f"!feed remove {n}") == f"This server has no feed #{n}."
        assert await say(bot, alpha, f"!feed backfill {n}") == f"This server has no feed #{n}."
        assert await say(bot, alpha, f"!breaking {n}") == f"This server has no article #{n}."
    assert await state(bot, alpha) == before
