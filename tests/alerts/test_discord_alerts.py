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
from tests.alerts.conftest import Clock, FeedServer, make_service

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
    assert "--breaking" not in (await bot.library.store.article_bodies([stored.id]))[stored.id]


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
