"""Breaking-news alerts: feeds per server, an alert channel and role, keyword DMs, and the poll loop.

The feature lives in bot/alerts/ (Discord-free); this cog is the Discord end: commands, the
`tasks.loop` that polls, and `DiscordSink`, which posts outbox rows to channels and DMs.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

import aiohttp
import discord
from discord.ext import commands, tasks

from bot.alerts.outbox import DeliveryError
from bot.alerts.service import Alerts as AlertsService, AlertsError, Round
from bot.client import NewsBot, guild_key, library_admin_only
from bot.render.embeds import clip, safe
from bot.store.feeds import DeliveryRecord, FeedRecord
from bot.store.models import SHARED_GUILD

log = logging.getLogger(__name__)

ROLE_NAME = "Breaking News"
POLL_SECONDS = 60.0        # how often the loop looks for due feeds (each feed has its own interval)
PER_CHANNEL_CAP = 5        # posts per channel per round; a burst waits for the next rounds
HISTORY_LOOKBACK = 50      # messages searched for an alert that may have gone out before a crash
BREAKING_COLOUR = discord.Colour.red()
NEWS_COLOUR = discord.Colour.blurple()


def _first_lines(text: str, limit: int = 350) -> str:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return clip(" ".join(paragraphs[:2]), limit) if paragraphs else ""


def _http_url(url: str | None) -> str | None:
    if url and urlsplit(url).scheme in ("http", "https") and len(url) <= 2000:
        return url
    return None


def alert_embed(d: DeliveryRecord) -> discord.Embed:
    """Title linking to the source, the first lines, the published time; a footer with the item's
    reference, by which a post is recognised in the channel's history after a crash."""
    item = d.item
    embed = discord.Embed(
        title=clip(safe(item.title), 256), url=_http_url(item.link), description=safe(_first_lines(item.summary)),
        colour=BREAKING_COLOUR if item.breaking else NEWS_COLOUR, timestamp=item.published,
    )
    embed.set_author(name="Breaking News" if item.breaking else "News")
    host = urlsplit(item.link).netloc if item.link else ""
    footer = " · ".join(x for x in (safe(item.category or ""), host) if x)
    embed.set_footer(text=clip(f"{footer} · ref {d.ref}" if footer else f"ref {d.ref}", 2048))
    return embed


class DiscordSink:
    """Posts outbox rows `channel:<id>` (mentioning the server's alert role, and only it) and `dm:<id>`."""

    prefixes = ("channel:", "dm:")

    def __init__(self, bot: NewsBot, cap: int | None = PER_CHANNEL_CAP) -> None:
        self.bot = bot
        self.cap = cap

    @property
    def store(self):  # noqa: ANN201
        assert self.bot.library is not None
        return self.bot.library.store

    async def _destination(self, d: DeliveryRecord) -> discord.abc.Messageable:
        try:
            if d.channel_id is not None:
                channel = self.bot.get_channel(d.channel_id) or await self.bot.fetch_channel(d.channel_id)
                if not isinstance(channel, discord.abc.Messageable):
                    raise DeliveryError("the alert channel is not a text channel", target_lost=True)
                return channel  # type: ignore[return-value]
            assert d.user_id is not None
            user = self.bot.get_user(d.user_id) or await self.bot.fetch_user(d.user_id)
            return user.dm_channel or await user.create_dm()
        except (discord.NotFound, discord.Forbidden) as exc:
            raise DeliveryError(f"no access ({exc.status} {exc.text or 'forbidden'})".strip(), target_lost=True) from None
        except discord.HTTPException as exc:
            raise DeliveryError(f"Discord error {exc.status}", sent_maybe=False) from None

    async def still_wanted(self, d: DeliveryRecord) -> bool:
        if d.channel_id is None:
            return True
        config = await self.store.guild_config(d.guild_id)
        return config.alert_channel_id == d.channel_id

    async def send(self, d: DeliveryRecord) -> str | None:
        destination = await self._destination(d)
        content, mentions = None, discord.AllowedMentions.none()
        if d.channel_id is not None and d.mention_role:
            config = await self.store.guild_config(d.guild_id)
            if config.alert_role_id:
                content = f"<@&{config.alert_role_id}>"
                # The alert role and nobody else: no @everyone, no users, even if the text names them.
                mentions = discord.AllowedMentions(everyone=False, users=False, replied_user=False,
                                                   roles=[discord.Object(config.alert_role_id)])
        try:
            message = await destination.send(content, embed=alert_embed(d), allowed_mentions=mentions, nonce=d.nonce)
        except (discord.Forbidden, discord.NotFound) as exc:
            raise DeliveryError(f"no access ({exc.status}: {exc.text or 'forbidden'})", target_lost=True) from None
        except discord.HTTPException as exc:
            if exc.status == 429:
                raise DeliveryError("rate limited", retry_after=getattr(exc, "retry_after", None)) from None
            # A 5xx may have been accepted before it failed; a 4xx was refused.
            raise DeliveryError(f"Discord error {exc.status}: {exc.text or ''}".strip(),
                                sent_maybe=exc.status >= 500) from None
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            raise DeliveryError(f"connection problem ({type(exc).__name__})", sent_maybe=True) from None
        return str(message.id)

    async def find_sent(self, d: DeliveryRecord) -> str | None:
        destination = await self._destination(d)
        me = self.bot.user.id if self.bot.user else None
        mark = f"ref {d.ref}"
        async for message in destination.history(limit=HISTORY_LOOKBACK):
            if message.author.id == me and any(mark in (e.footer.text or "") for e in message.embeds):
                return str(message.id)
        return None

    async def report_lost(self, d: DeliveryRecord, error: str) -> bool:
        """Tell a server's admins (system channel, else the owner by DM) that alerts cannot be posted."""
        if d.channel_id is None:
            return False  # a member who closed their DMs: nothing to tell anyone
        guild = self.bot.get_guild(d.guild_id)
        if guild is None:
            return False
        text = (f"I can't post breaking-news alerts in <#{d.channel_id}> any more ({error}). Your alert "
                f"settings are kept and waiting alerts will go out once I can: give me Send Messages and "
                f"Embed Links there, or pick another channel with `{self.bot.settings.prefix}alerts channel #channel`.")
        candidates: list[discord.abc.Messageable] = []
        system = guild.system_channel
        if system is not None and system.id != d.channel_id and system.permissions_for(guild.me).send_messages:
            candidates.append(system)
        if guild.owner is not None:
            candidates.append(guild.owner)
        for where in candidates:
            try:
                await where.send(text, allowed_mentions=discord.AllowedMentions.none())
                return True
            except discord.HTTPException:
                continue
        return False


def _manager(ctx: commands.Context) -> bool:
    if ctx.guild is None:
        raise commands.NoPrivateMessage()
    if ctx.permissions.manage_guild or ctx.permissions.administrator:  # channel-aware, same for `!` and `/`
        return True
    raise commands.MissingPermissions(["manage_guild"])


manager_only = commands.check(_manager)


def _ago(feed: FeedRecord) -> str:
    if feed.last_success_at is None:
        return "never read"
    return f"read {discord.utils.format_dt(feed.last_success_at, 'R')}"


class Alerts(commands.Cog):
    """Breaking-news alerts from RSS/Atom feeds."""

    def __init__(self, bot: NewsBot, service: AlertsService | None = None) -> None:
        self.bot = bot
        assert bot.library is not None
        self.service = service or AlertsService(bot.library)
        self.sink = DiscordSink(bot)

    async def cog_unload(self) -> None:
        self.poll_loop.cancel()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if not self.poll_loop.is_running():
            self.poll_loop.start()

    @tasks.loop(seconds=POLL_SECONDS)
    async def poll_loop(self) -> None:
        await self.run_round()

    async def run_round(self) -> Round:
        """Poll due feeds, deliver due alerts, report feeds that keep failing. Never raises: the loop must live."""
        result = Round()
        try:
            result = await self.service.poll([self.sink])
        except Exception:
            log.exception("alerts round failed")
        try:
            await self.report_failures()
        except Exception:
            log.exception("reporting failing feeds failed")
        return result

    async def report_failures(self) -> None:
        for feed in await self.service.failures_to_report():
            text = (f"⚠️ Feed #{feed.id} <{feed.url}> has failed {feed.failures} times in a row: "
                    f"{feed.last_error}. It stays in `{self.bot.settings.prefix}feed list`; I keep trying, less often.")
            channel = None
            if feed.guild_id != SHARED_GUILD:
                config = await self.service.library.store.guild_config(feed.guild_id)
                channel = self.bot.get_channel(config.alert_channel_id) if config.alert_channel_id else None
            if channel is None:
                log.warning("feed #%s (guild %s) is failing: %s", feed.id, feed.guild_id, feed.last_error)
                await self.service.failure_reported(feed.id)
                continue
            try:
                await channel.send(safe(text), allowed_mentions=discord.AllowedMentions.none())  # type: ignore[union-attr]
            except discord.HTTPException as exc:
                log.warning("could not report failing feed #%s: %s", feed.id, exc)
                continue  # try again next round
            await self.service.failure_reported(feed.id)

    async def announce(self, article_id: int, guild_id: int) -> int:
        """Flag an article as breaking and post its alert now (for `!breaking`, and for `!add … --breaking`
        via `bot.get_cog("Alerts").announce(id, guild)`). Returns how many alerts were queued (0: none
        due, e.g. already posted). Raises AlertsError for an article the server does not see."""
        _info, queued = await self.service.flag_breaking(article_id, guild_id)
        if queued:
            await self.service.deliver([self.sink])
        return queued

    async def _say(self, ctx: commands.Context, text: str) -> None:
        await ctx.send(clip(text, 2000), allowed_mentions=discord.AllowedMentions.none())

    # feeds -------------------------------------------------------------------------------------------

    @commands.hybrid_group(name="feed", invoke_without_command=True)
    @manager_only
    async def feed(self, ctx: commands.Context) -> None:
        """This server's feeds, their state and last error (Manage Server)."""
        feeds = await self.service.list_feeds(guild_key(ctx.guild))
        if not feeds:
            await self._say(ctx, f"No feeds yet. Add one: `{ctx.clean_prefix}feed add <url> [breaking|all]`.")
            return
        lines = []
        for f in feeds:
            line = f"**#{f.id}** [{f.mode}] {safe(f.title or f.url)} <{f.url}> — {f.items} items, {_ago(f)}"
            if f.failures:
                line += f"\n  ⚠️ failing, {f.failures} in a row: {safe(f.last_error or '?')}"
            lines.append(line)
        await self._say(ctx, "\n".join(lines))

    @feed.command(name="list")
    @manager_only
    async def feed_list(self, ctx: commands.Context) -> None:
        """This server's feeds, their state and last error."""
        await self.feed(ctx)

    @feed.command(name="add")
    @manager_only
    async def feed_add(self, ctx: commands.Context, url: str, mode: str = "all") -> None:
        """Add an RSS/Atom feed; mode `breaking` makes every item breaking news. Nothing old is posted."""
        await ctx.defer()
        try:
            feed, outcome = await self.service.add_feed(guild_key(ctx.guild), url, mode.lower(), ctx.author.id)
        except AlertsError as exc:
            await self._say(ctx, str(exc))
            return
        config = await self.service.library.store.guild_config(guild_key(ctx.guild))
        where = (f"<#{config.alert_channel_id}>" if config.alert_channel_id
                 else f"the alert channel (set one with `{ctx.clean_prefix}alerts channel #channel`)")
        what = "Every new item" if feed.mode == "breaking" else "New breaking items"
        seen = outcome.seen if outcome else 0
        await self._say(ctx, f"Added feed #{feed.id} **{safe(feed.title or feed.url)}** ({feed.mode}). Its {seen} "
                             f"current items are recorded and searchable, not posted. {what} will be posted in {where}.")

    @feed.command(name="remove")
    @manager_only
    async def feed_remove(self, ctx: commands.Context, feed_id: int) -> None:
        """Stop following a feed (its articles stay in the library)."""
        removed = await self.service.remove_feed(feed_id, guild_key(ctx.guild))
        if removed is None:
            await self._say(ctx, f"This server has no feed #{feed_id}.")
            return
        await self._say(ctx, f"Removed feed #{removed.id} {safe(removed.name)}.")

    @feed.command(name="backfill")
    @manager_only
    async def feed_backfill(self, ctx: commands.Context, feed_id: int, count: int = 5) -> None:
        """Post a feed's newest items (up to 25) to the alert channel, on request."""
        try:
            queued = await self.service.backfill(feed_id, guild_key(ctx.guild), count)
        except AlertsError as exc:
            await self._say(ctx, str(exc))
            return
        await self._say(ctx, f"Posting {queued} item(s) of feed #{feed_id} (items posted there before are skipped).")
        await self.service.deliver([self.sink])

    # alert channel, role and subscriptions --------------------------------------------------------------

    @commands.hybrid_group(name="alerts", invoke_without_command=True, fallback="status")
    async def alerts(self, ctx: commands.Context) -> None:
        """Where this server's breaking-news alerts go."""
        if ctx.guild is None:
            raise commands.NoPrivateMessage()
        config = await self.service.library.store.guild_config(ctx.guild.id)
        channel = f"<#{config.alert_channel_id}>" if config.alert_channel_id else "not set"
        role = f"<@&{config.alert_role_id}>" if config.alert_role_id else "not created yet"
        lines = [f"Alert channel: {channel}. Role: {role} (`{ctx.clean_prefix}subscribe` to get it)."]
        for target, error, since in await self.service.store.target_problems(ctx.guild.id):
            lines.append(f"⚠️ {target}: {safe(error)} (since {discord.utils.format_dt(since, 'R')})")
        await self._say(ctx, "\n".join(lines))

    @alerts.command(name="channel")
    @manager_only
    async def alerts_channel(self, ctx: commands.Context, channel: discord.TextChannel) -> None:
        """Post this server's breaking-news alerts in a channel (Manage Server)."""
        assert ctx.guild is not None
        perms = channel.permissions_for(ctx.guild.me)
        await self.service.library.store.update_guild_config(ctx.guild.id, alert_channel_id=channel.id)
        await self.service.store.target_ok(f"channel:{channel.id}")
        warning = ""
        if not (perms.send_messages and perms.embed_links):
            warning = " ⚠️ I can't send embeds there yet: give me Send Messages and Embed Links in that channel."
        await self._say(ctx, f"Breaking-news alerts will be posted in {channel.mention}.{warning}")

    @alerts.command(name="off")
    @manager_only
    async def alerts_off(self, ctx: commands.Context) -> None:
        """Stop posting alerts (feeds keep filling the library)."""
        assert ctx.guild is not None
        await self.service.library.store.update_guild_config(ctx.guild.id, alert_channel_id=None)
        await self._say(ctx, "Alerts are off. Turn them on with `alerts channel #channel`.")

    async def _alert_role(self, guild: discord.Guild, create: bool) -> discord.Role | None:
        store = self.service.library.store
        config = await store.guild_config(guild.id)
        role = guild.get_role(config.alert_role_id) if config.alert_role_id else None
        if role is None:
            role = discord.utils.get(guild.roles, name=ROLE_NAME)
        if role is None and create:
            role = await guild.create_role(name=ROLE_NAME, mentionable=True,
                                           reason="Members who asked to be pinged for breaking news")
        if role is not None and role.id != config.alert_role_id:
            await store.update_guild_config(guild.id, alert_role_id=role.id)
        return role

    @commands.hybrid_command(name="subscribe")
    @commands.guild_only()
    async def subscribe(self, ctx: commands.Context, *, keywords: str = "") -> None:
        """Get the Breaking News role (pinged by each alert); with keywords, also a DM for items that match."""
        assert ctx.guild is not None and isinstance(ctx.author, discord.Member)
        try:
            role = await self._alert_role(ctx.guild, create=True)
            if role is not None and role not in ctx.author.roles:
                await ctx.author.add_roles(role, reason="!subscribe")
        except discord.Forbidden:
            await self._say(ctx, "I need the Manage Roles permission (and a role above Breaking News) to do that.")
            return
        text = f"You'll be pinged (@{ROLE_NAME}) for breaking news here."
        if keywords.strip():
            await self.service.store.set_keywords(ctx.guild.id, ctx.author.id, keywords.strip())
            text += f" I'll also DM you new items matching: {safe(keywords.strip())}."
        await self._say(ctx, text)

    @commands.hybrid_command(name="unsubscribe")
    @commands.guild_only()
    async def unsubscribe(self, ctx: commands.Context) -> None:
        """Drop the Breaking News role and any keyword DMs."""
        assert ctx.guild is not None and isinstance(ctx.author, discord.Member)
        await self.service.store.set_keywords(ctx.guild.id, ctx.author.id, None)
        role = await self._alert_role(ctx.guild, create=False)
        try:
            if role is not None and role in ctx.author.roles:
                await ctx.author.remove_roles(role, reason="!unsubscribe")
        except discord.Forbidden:
            await self._say(ctx, "Keyword DMs stopped, but I can't take the role back: I need Manage Roles.")
            return
        await self._say(ctx, "Unsubscribed: no more pings or keyword DMs.")

    @commands.hybrid_command(name="breaking")
    @library_admin_only()
    async def breaking(self, ctx: commands.Context, article_id: int) -> None:
        """Flag an article as breaking news and alert the server (Manage Server or the admin role)."""
        # Curators may announce by adding an article (`!add … --breaking`): flagging one they added is
        # the same act. Where alerts go and which feeds count stay with Manage Server.
        await ctx.defer()  # posting the alert first can take longer than a slash reply may wait
        try:
            info = (await self.service.library.store.get_article(article_id, guild_key(ctx.guild)) or (None,))[0]
            queued = await self.announce(article_id, guild_key(ctx.guild))
        except AlertsError as exc:
            await self._say(ctx, str(exc))
            return
        assert info is not None
        if queued:
            await self._say(ctx, f"#{info.id} {safe(info.title)} is breaking news; the alert is out.")
        else:
            config = await self.service.library.store.guild_config(guild_key(ctx.guild))
            why = ("it was posted there before" if config.alert_channel_id
                   else f"there is no alert channel (`{ctx.clean_prefix}alerts channel #channel`)")
            await self._say(ctx, f"#{info.id} {safe(info.title)} is flagged as breaking; no alert sent: {why}.")


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Alerts(bot))
