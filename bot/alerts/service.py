"""The alerts feature in one object, shared by the Discord cog and the command line."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

from bot.alerts.outbox import Outbox, Sink
from bot.alerts.poller import Fetch, FullText, PollOutcome, Poller
from bot.ingest.fetch import fetch_url
from bot.store.feeds import MODES, DeliveryRecord, FeedExists, FeedRecord, FeedStore, NewItem, Target
from bot.store.models import SHARED_GUILD, utcnow
from bot.store.records import ArticleInfo

log = logging.getLogger(__name__)

FAIL_REPORT_AFTER = 3  # failures in a row before a feed is reported to its server


class AlertsError(Exception):
    """A request the alerts feature refuses; the message is for the user."""


@dataclass
class Round:
    """One poll-and-deliver round."""

    outcomes: list[PollOutcome] = field(default_factory=list)
    delivered: list[DeliveryRecord] = field(default_factory=list)

    @property
    def failed(self) -> list[PollOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def _default_full_text(allow_private: bool) -> FullText | None:
    try:
        from bot.ingest.web import fetch_article
    except ImportError:
        return None

    async def full_text(url: str):  # noqa: ANN202
        return await fetch_article(url, allow_private=allow_private, timeout=10.0)

    return full_text


def check_feed_url(url: str) -> str:
    url = url.strip().strip("<>")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AlertsError("A feed address starts with http:// or https://.")
    if len(url) > 2000:
        raise AlertsError("That address is too long.")
    return url


class Alerts:
    def __init__(
        self, library, *, fetch: Fetch = fetch_url, full_text: FullText | None | str = "default",  # noqa: ANN001
        clock: Callable[[], datetime] = utcnow, fail_report_after: int = FAIL_REPORT_AFTER,
        poller_options: dict | None = None, outbox_options: dict | None = None,
    ) -> None:
        self.library = library
        self.store = FeedStore(library.store.sessions)
        allow_private = library.settings.allow_private_urls
        if full_text == "default":
            full_text = _default_full_text(allow_private)
        self.clock = clock
        self.poller = Poller(library, self.store, allow_private=allow_private, fetch=fetch,
                             full_text=full_text, clock=clock, **(poller_options or {}))
        self.outbox = Outbox(self.store, clock, **(outbox_options or {}))
        self.fail_report_after = fail_report_after

    # feeds --------------------------------------------------------------------------------------

    async def add_feed(self, guild_id: int, url: str, mode: str = "all", added_by: int | None = None,
                       check: bool = True) -> tuple[FeedRecord, PollOutcome | None]:
        """Add a feed. check: fetch it now, record its current items as seen (posting none) and refuse
        an address that is not a readable feed; else the first poll does that."""
        url = check_feed_url(url)
        if mode not in MODES:
            raise AlertsError(f"The mode is `breaking` or `all`, not `{mode}`.")
        try:
            feed = await self.store.add_feed(guild_id, url, mode, added_by)
        except FeedExists as exc:
            raise AlertsError(f"This server already has that feed (#{exc.feed.id}).") from None
        if not check:
            return feed, None
        outcome = await self.poller.poll_feed(feed)
        if outcome.status == "failed":
            await self.store.remove_feed(feed.id)
            raise AlertsError(f"Could not read that feed: {outcome.error}")
        return outcome.feed, outcome

    async def remove_feed(self, feed_id: int, guild_id: int) -> FeedRecord | None:
        return await self.store.remove_feed(feed_id, guild_id)

    async def list_feeds(self, guild_id: int | None) -> list[FeedRecord]:
        return await self.store.list_feeds(guild_id)

    async def backfill(self, feed_id: int, guild_id: int, n: int) -> int:
        """Queue the feed's newest n items for the server's alert channel (and the console for shared
        feeds), without the role mention; items already posted there are skipped. Returns how many."""
        feed = await self.store.get_feed(feed_id, guild_id)
        if feed is None:
            raise AlertsError(f"This server has no feed #{feed_id}.")
        targets = await self._backfill_targets(guild_id)
        if not targets:
            raise AlertsError("Set an alert channel first: `alerts channel #channel`.")
        queued = 0
        for item in reversed(await self.store.newest_items(feed_id, max(1, min(n, 25)))):  # oldest first
            queued += await self.store.enqueue(item.id, targets)
        return queued

    async def _backfill_targets(self, guild_id: int) -> list[Target]:
        if guild_id == SHARED_GUILD:
            return [Target("console")]
        return [Target(f"channel:{c}", g, channel_id=c, mention_role=False)
                for g, c in await self.store.alert_channels(guild_id)]

    # breaking by hand --------------------------------------------------------------------------------

    async def flag_breaking(self, article_id: int, guild_id: int) -> tuple[ArticleInfo, int]:
        """Mark an article breaking and queue its alert for the server's alert channel.
        Returns the article and how many alerts were queued (0: it had been posted there already)."""
        found = await self.library.store.get_article(article_id, guild_id)
        if found is None:
            raise AlertsError(f"This server has no article #{article_id}.")
        info, body = found
        if info.guild_id == guild_id:  # a shared article's flag is the operator's to set
            await self.library.store.set_breaking(article_id, True, guild_id)
        targets = [Target(f"channel:{c}", g, channel_id=c) for g, c in await self.store.alert_channels(guild_id)]
        item = await self.store.item_for_article(article_id)
        if item is not None:  # it came from a feed: the same item key, so a post already made is not repeated
            await self.store.set_item_breaking(item.id)
        else:
            ident = f"article:{article_id}"
            published = (datetime(info.published.year, info.published.month, info.published.day, tzinfo=timezone.utc)
                         if info.published else None)
            item = await self.store.manual_item(guild_id, NewItem(
                ident, hashlib.sha256(ident.encode()).hexdigest(), None, info.title, info.url, body[:2000],
                published, info.category, True, article_id))
        queued = await self.store.enqueue(item.id, targets) if targets else 0
        return info, queued

    # rounds ---------------------------------------------------------------------------------------

    async def poll(self, sinks: Sequence[Sink] = (), guild_id: int | None = None, force: bool = False) -> Round:
        """Poll due feeds (force: every feed), then deliver what is due to each sink."""
        result = Round(await self.poller.poll_due(guild_id, force))
        result.delivered = await self.deliver(sinks)
        return result

    async def deliver(self, sinks: Sequence[Sink]) -> list[DeliveryRecord]:
        out: list[DeliveryRecord] = []
        for sink in sinks:
            out += await self.outbox.drain(sink)
        return out

    async def failures_to_report(self) -> list[FeedRecord]:
        """Feeds that failed `fail_report_after` times in a row and have not been reported yet."""
        return await self.store.unreported_failures(self.fail_report_after)

    async def failure_reported(self, feed_id: int) -> None:
        await self.store.mark_failure_reported(feed_id)
