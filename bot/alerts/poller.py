"""Polling feeds: fetch (conditional, capped, timed out), parse in a thread, record new items as
articles and queue their deliveries. Failing feeds back off; nothing here talks to Discord.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.alerts.parse import FeedParseError, parse_feed, to_new_items
from bot.ingest.fetch import FetchError, FetchResult, fetch_url
from bot.ingest.records import ArticleDraft
from bot.store.feeds import FeedRecord, FeedStore, ItemRecord, NewItem, Target
from bot.store.models import SHARED_GUILD, utcnow

log = logging.getLogger(__name__)

FEED_TYPES = (
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
    "application/x-rss+xml", "application/feed+xml", "text/plain", "text/html",  # misconfigured servers are common
)
POLL_INTERVAL = 10 * 60.0       # seconds between polls of a healthy feed
MAX_BACKOFF = 6 * 3600.0        # a failing feed is polled at most this rarely, never dropped
# A feed's <ttl> or sy:updatePeriod stretches its interval up to this: polite to its server, while
# a breaking item still reaches the channel within the hour.
MAX_TTL = 3600.0
FEED_TIMEOUT = 15.0
FEED_MAX_BYTES = 5_000_000      # big news feeds are ~1 MB
ALERT_MAX_AGE = timedelta(hours=48)  # a "new" item older than this is recorded and imported, not announced
FULL_TEXT_PER_POLL = 10         # article pages fetched per feed per poll; the rest keep the feed's summary
CONCURRENCY = 4

Fetch = Callable[..., Awaitable[FetchResult]]
FullText = Callable[[str], Awaitable[ArticleDraft]]


@dataclass
class PollOutcome:
    """What one poll of one feed did."""

    feed: FeedRecord
    status: str  # "primed" (first poll: items recorded, none posted), "new", "unchanged", "failed"
    new_items: list[ItemRecord] = field(default_factory=list)
    seen: int = 0
    error: str | None = None
    warning: str | None = None


def _header(headers: dict[str, str], name: str) -> str | None:
    name = name.lower()
    return next((v for k, v in headers.items() if k.lower() == name), None)


def keyword_terms(keywords: str) -> list[str]:
    """`ukraine, oil price` -> ["ukraine", "oil price"]; without commas each word is a keyword."""
    parts = keywords.split(",") if "," in keywords else keywords.split()
    return [p.strip().lower() for p in parts if p.strip()]


def matches_keywords(keywords: str, title: str, summary: str) -> bool:
    text = f"{title}\n{summary}".lower()
    return any(re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text) for term in keyword_terms(keywords))


class Router:
    """Who gets an item, decided from the database alone (so any process that finds an item queues it
    for every target, and each process delivers its own kind):

    - `console`: every item of a shared-library feed (guild 0), for `python -m bot feeds poll`;
    - `channel:<id>`: breaking items, to the alert channel of the feed's server (of every server that
      set one, for shared feeds), mentioning the alert role;
    - `dm:<user>`: items matching a member's `!subscribe <keywords>`.
    """

    def __init__(self, store: FeedStore) -> None:
        self.store = store

    async def targets(self, feed_guild: int, title: str, summary: str, breaking: bool,
                      alert: bool = True) -> list[Target]:
        scope = None if feed_guild == SHARED_GUILD else feed_guild
        out: list[Target] = []
        if feed_guild == SHARED_GUILD:
            out.append(Target("console"))
        if not alert:
            return out
        if breaking:
            for guild_id, channel_id in await self.store.alert_channels(scope):
                out.append(Target(f"channel:{channel_id}", guild_id, channel_id=channel_id))
        for guild_id, user_id, keywords in await self.store.keywords(scope):
            if matches_keywords(keywords, title, summary):
                out.append(Target(f"dm:{user_id}", guild_id, user_id=user_id, mention_role=False))
        return out


def _last_spacing(feed: FeedRecord) -> float | None:
    """Seconds between the feed's last successful poll and the next one it set (None after a failure)."""
    if feed.failures or feed.last_polled_at is None or feed.next_poll_at is None:
        return None
    return (feed.next_poll_at - feed.last_polled_at).total_seconds()


class Poller:
    def __init__(
        self, library, store: FeedStore, *, allow_private: bool = False, fetch: Fetch = fetch_url,  # noqa: ANN001
        full_text: FullText | None = None, clock: Callable[[], datetime] = utcnow,
        interval: float = POLL_INTERVAL, max_backoff: float = MAX_BACKOFF, timeout: float = FEED_TIMEOUT,
        max_bytes: int = FEED_MAX_BYTES, max_age: timedelta = ALERT_MAX_AGE, concurrency: int = CONCURRENCY,
        full_text_per_poll: int = FULL_TEXT_PER_POLL,
    ) -> None:
        self.library = library
        self.store = store
        self.router = Router(store)
        self.allow_private = allow_private
        self.fetch = fetch
        self.full_text = full_text
        self.clock = clock
        self.interval = interval
        self.max_backoff = max_backoff
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_age = max_age
        self.full_text_per_poll = full_text_per_poll
        self._semaphore = asyncio.Semaphore(concurrency)
        self._busy: set[int] = set()  # feeds being polled now (the loop and a command may overlap)

    async def poll_due(self, guild_id: int | None = None, force: bool = False) -> list[PollOutcome]:
        """Poll the feeds whose time has come (force: all of them), a few at a time; one feed's
        failure never stops the others."""
        feeds = await (self.store.list_feeds(guild_id) if force else self.store.due_feeds(self.clock(), guild_id))
        outcomes = await asyncio.gather(*(self._guarded(f) for f in feeds if f.id not in self._busy))
        return [o for o in outcomes if o is not None]

    async def _guarded(self, feed: FeedRecord) -> PollOutcome | None:
        if feed.id in self._busy:
            return None
        self._busy.add(feed.id)
        try:
            async with self._semaphore:
                return await self.poll_feed(feed)
        except Exception as exc:  # a bug in one feed's handling must not cost the others their items
            log.exception("polling feed #%s failed", feed.id)
            return await self._failed(feed, f"internal error ({type(exc).__name__})")
        finally:
            self._busy.discard(feed.id)

    def _next_poll(self, now: datetime, failures: int, ttl: float | None = None) -> datetime:
        if failures <= 0:
            return now + timedelta(seconds=max(self.interval, min(ttl or 0.0, MAX_TTL)))
        return now + timedelta(seconds=min(self.interval * 2 ** (failures - 1), self.max_backoff))

    async def _failed(self, feed: FeedRecord, error: str, retry_after: float | None = None) -> PollOutcome:
        now = self.clock()
        log.warning("feed #%s %s: %s", feed.id, feed.url, error)
        next_poll = self._next_poll(now, feed.failures + 1)
        if retry_after is not None:
            # A rate-limited or down server said when to come back: not sooner, but never later than
            # max_backoff, so a server asking for a year cannot silence its feed.
            next_poll = max(next_poll, now + timedelta(seconds=min(retry_after, self.max_backoff)))
        updated = await self.store.record_poll(feed.id, now, next_poll, error=error)
        return PollOutcome(updated or feed, "failed", error=error)

    async def poll_feed(self, feed: FeedRecord) -> PollOutcome:
        headers: dict[str, str] = {}
        if feed.primed:  # the first poll is unconditional: it must see every current item
            if feed.etag:
                headers["If-None-Match"] = feed.etag
            if feed.last_modified:
                headers["If-Modified-Since"] = feed.last_modified
        try:
            result = await self.fetch(feed.url, allow_private=self.allow_private, accept=FEED_TYPES,
                                      max_bytes=self.max_bytes, timeout=self.timeout, headers=headers)
        except FetchError as exc:
            return await self._failed(feed, str(exc), exc.retry_after)
        now = self.clock()
        if result.status == 304:
            # Unchanged: the document's <ttl> is not in hand, so keep the spacing it set last time.
            updated = await self.store.record_poll(feed.id, now, self._next_poll(now, 0, _last_spacing(feed)),
                                                   etag=feed.etag, last_modified=feed.last_modified)
            return PollOutcome(updated or feed, "unchanged")
        try:
            parsed = await asyncio.to_thread(parse_feed, result.body, result.content_type, result.url)
        except FeedParseError as exc:
            return await self._failed(feed, str(exc))
        items = to_new_items(parsed, feed.url, feed.mode)
        etag, modified = _header(result.headers, "ETag"), _header(result.headers, "Last-Modified")
        if not feed.primed:
            # The feed's current items are history: record them (and make them searchable), post nothing.
            for item in items:
                item.article_id = await self._import(feed, item, full=False)
            seen = await self.store.prime_feed(feed.id, feed.guild_id, items)
            updated = await self.store.record_poll(feed.id, now, self._next_poll(now, 0, parsed.ttl), etag=etag,
                                                   last_modified=modified, title=parsed.title)
            return PollOutcome(updated or feed, "primed", seen=seen, warning=parsed.warning)
        keys, link_keys = await self.store.known_keys(feed.id, [i.item_key for i in items], [i.link_key for i in items])
        fresh = [i for i in items if i.item_key not in keys and not (i.link_key and i.link_key in link_keys)]
        new: list[ItemRecord] = []
        for n, item in enumerate(fresh):
            item.article_id = await self._import(feed, item, full=n < self.full_text_per_poll)
            alert = item.published is None or now - item.published <= self.max_age
            targets = await self.router.targets(feed.guild_id, item.title, item.summary, item.breaking, alert)
            record = await self.store.add_item(feed.id, feed.guild_id, item, targets)
            if record is not None:
                new.append(record)
        updated = await self.store.record_poll(feed.id, now, self._next_poll(now, 0, parsed.ttl), etag=etag,
                                               last_modified=modified, title=parsed.title)
        return PollOutcome(updated or feed, "new" if new else "unchanged", new, warning=parsed.warning)

    async def _import(self, feed: FeedRecord, item: NewItem, full: bool) -> int | None:
        """The item as a library article of the feed's server: the page's text where it can be had,
        else the feed's summary. Returns the article id (a duplicate's id for a known text)."""
        body = item.summary
        author = None
        if full and self.full_text is not None and item.link:
            try:
                page = await asyncio.wait_for(self.full_text(item.link), timeout=self.timeout + 1)
                if len(page.body) > len(body):
                    body, author = page.body, page.author
            except Exception as exc:  # FetchError, IngestError, no extractor installed: the summary will do
                log.debug("full text of %s not used: %s", item.link, exc)
        draft = ArticleDraft(
            title=item.title, body=body or item.title, source=item.link or feed.url, category=item.category,
            published=item.published.date() if item.published else None, url=item.link, author=author,
            breaking=item.breaking,
        )
        try:
            report = await self.library.add_draft(draft, feed.guild_id)
        except Exception:
            log.exception("could not store item %r of feed #%s as an article", item.title, feed.id)
            return None
        return report.article.id if report.article is not None else None
