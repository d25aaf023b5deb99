"""Feeds, their items, the delivery outbox and alert subscriptions: tables and queries.

The tables live on the library's `Base`; the migrations (bot/store/migrations/) make them with the rest. Every
function here takes the Store's `sessions` (an async_sessionmaker) and hands back plain records.

Delivery states of an outbox row (one row per (item, target), never two):

    pending   --send-->  attempted  --Discord accepted-->  delivered
       ^                     |
       +-- refused (4xx) ----+            (5xx / timeout: stays attempted: we do not know;
                                           the next try looks for the message before resending)
    pending/attempted older than the stale limit -> expired;  target no longer configured -> cancelled
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import (
    BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, delete, func, or_, select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import SHARED_GUILD, Base, GuildSettings, utcnow
from bot.store.records import possible_id

PENDING, ATTEMPTED, DELIVERED, EXPIRED, CANCELLED = "pending", "attempted", "delivered", "expired", "cancelled"
OPEN_STATES = (PENDING, ATTEMPTED)
MODES = ("all", "breaking")
KEYS_PER_QUERY = 500  # keys looked up in one IN (...) list (old SQLite builds allow 999 parameters)


def aware(dt: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; everything here is UTC."""
    if dt is None:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=timezone.utc)


# --------------------------------------------------------------------------------------------- tables


class Feed(Base):
    __tablename__ = "alert_feeds"
    __table_args__ = (UniqueConstraint("guild_id", "url", name="uq_feed_guild_url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, default=SHARED_GUILD, index=True)
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(String(500), default=None)
    mode: Mapped[str] = mapped_column(String(16), default="all")  # "all" or "breaking" (every item is breaking)
    added_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    primed: Mapped[bool] = mapped_column(Boolean, default=False)  # first successful poll done (items seen, none posted)
    etag: Mapped[str | None] = mapped_column(String(500), default=None)
    last_modified: Mapped[str | None] = mapped_column(String(100), default=None)
    last_polled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    next_poll_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None, index=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # in a row
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    failure_reported: Mapped[bool] = mapped_column(Boolean, default=False)


class FeedItem(Base):
    """An item seen in a feed (kept for good: a feed that drops and re-lists an item is not news),
    or an article an admin flagged as breaking (feed_id NULL)."""

    __tablename__ = "alert_items"
    __table_args__ = (UniqueConstraint("feed_id", "item_key", name="uq_item_feed_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("alert_feeds.id", ondelete="CASCADE"), default=None, index=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, default=SHARED_GUILD)
    ident: Mapped[str] = mapped_column(String(2100))  # "guid:…", "link:…", "hash:…" or "article:N"
    item_key: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of ident
    link_key: Mapped[str | None] = mapped_column(String(64), default=None, index=True)  # sha256 of canonical link
    title: Mapped[str] = mapped_column(String(500))
    link: Mapped[str | None] = mapped_column(String(2000), default=None)
    summary: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    category: Mapped[str | None] = mapped_column(String(200), default=None)
    breaking: Mapped[bool] = mapped_column(Boolean, default=False)
    article_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)  # no FK: removing an article keeps history
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    at_priming: Mapped[bool] = mapped_column(Boolean, default=False)  # already in the feed when it was added


class Delivery(Base):
    """The outbox: one row per (item, target); the unique key is what makes a post happen once."""

    __tablename__ = "alert_outbox"
    __table_args__ = (UniqueConstraint("item_key", "target", name="uq_outbox_item_target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("alert_items.id", ondelete="CASCADE"), index=True)
    item_key: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(64), index=True)  # "console", "channel:<id>", "dm:<user id>"
    guild_id: Mapped[int] = mapped_column(BigInteger, default=SHARED_GUILD)
    channel_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    user_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    mention_role: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    nonce: Mapped[str] = mapped_column(String(25), default=lambda: secrets.token_hex(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attempted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    next_try_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    message_id: Mapped[str | None] = mapped_column(String(40), default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)


class KeywordSubscription(Base):
    __tablename__ = "alert_keywords"
    __table_args__ = (UniqueConstraint("guild_id", "user_id", name="uq_keywords_guild_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    keywords: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TargetHealth(Base):
    """A delivery target the bot lost access to: reported once, retried later, configuration kept."""

    __tablename__ = "alert_target_health"

    target: Mapped[str] = mapped_column(String(64), primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, default=SHARED_GUILD)
    error: Mapped[str] = mapped_column(Text)
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    reported: Mapped[bool] = mapped_column(Boolean, default=False)


# --------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class FeedRecord:
    id: int
    guild_id: int
    url: str
    title: str | None
    mode: str
    primed: bool
    etag: str | None
    last_modified: str | None
    last_polled_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime | None
    failures: int
    last_error: str | None
    failure_reported: bool
    items: int = 0

    @property
    def name(self) -> str:
        return self.title or self.url


@dataclass(frozen=True)
class ItemRecord:
    id: int
    feed_id: int | None
    guild_id: int
    ident: str
    item_key: str
    title: str
    link: str | None
    summary: str
    published: datetime | None
    category: str | None
    breaking: bool
    article_id: int | None


@dataclass(frozen=True)
class DeliveryRecord:
    id: int
    item: ItemRecord
    target: str
    guild_id: int
    channel_id: int | None
    user_id: int | None
    mention_role: bool
    state: str
    nonce: str
    attempts: int
    attempted_at: datetime | None
    created_at: datetime | None
    message_id: str | None = None
    last_error: str | None = None

    @property
    def ref(self) -> str:
        """A short mark of the item put in each post, to recognise it in a channel's history."""
        return self.item.item_key[:12]


@dataclass(frozen=True)
class Target:
    """Where an item should go: the key of the outbox row and what the sink needs to send it."""

    key: str
    guild_id: int = SHARED_GUILD
    channel_id: int | None = None
    user_id: int | None = None
    mention_role: bool = True


@dataclass
class NewItem:
    """An item as read from a feed, before it is stored."""

    ident: str
    item_key: str
    link_key: str | None
    title: str
    link: str | None
    summary: str
    published: datetime | None
    category: str | None
    breaking: bool
    article_id: int | None = None


def _feed(f: Feed, items: int = 0) -> FeedRecord:
    return FeedRecord(f.id, f.guild_id, f.url, f.title, f.mode, f.primed, f.etag, f.last_modified,
                      aware(f.last_polled_at), aware(f.last_success_at), aware(f.next_poll_at), f.failures,
                      f.last_error, f.failure_reported, items)


def _item(i: FeedItem) -> ItemRecord:
    return ItemRecord(i.id, i.feed_id, i.guild_id, i.ident, i.item_key, i.title, i.link, i.summary,
                      aware(i.published), i.category, i.breaking, i.article_id)


def _delivery(d: Delivery, i: FeedItem) -> DeliveryRecord:
    return DeliveryRecord(d.id, _item(i), d.target, d.guild_id, d.channel_id, d.user_id, d.mention_role, d.state,
                          d.nonce, d.attempts, aware(d.attempted_at), aware(d.created_at), d.message_id, d.last_error)


class FeedExists(Exception):
    """The server already has this feed."""

    def __init__(self, feed: FeedRecord) -> None:
        super().__init__(f"feed #{feed.id} already has that address")
        self.feed = feed


# --------------------------------------------------------------------------------------------- queries


class FeedStore:
    """Every query of the alerts feature. Takes the Store's sessions; returns plain records."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    # feeds ------------------------------------------------------------------------------------

    async def add_feed(self, guild_id: int, url: str, mode: str = "all", added_by: int | None = None) -> FeedRecord:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        async with self.sessions() as s:
            existing = await s.scalar(select(Feed).where(Feed.guild_id == guild_id, Feed.url == url))
            if existing is not None:
                raise FeedExists(_feed(existing))
            feed = Feed(guild_id=guild_id, url=url, mode=mode, added_by=added_by)
            s.add(feed)
            try:
                await s.commit()
            except IntegrityError:
                await s.rollback()
                existing = await s.scalar(select(Feed).where(Feed.guild_id == guild_id, Feed.url == url))
                raise FeedExists(_feed(existing)) from None
            return _feed(feed)

    async def get_feed(self, feed_id: int, guild_id: int | None = None) -> FeedRecord | None:
        if not possible_id(feed_id):
            return None
        async with self.sessions() as s:
            feed = await s.get(Feed, feed_id)
            if feed is None or (guild_id is not None and feed.guild_id != guild_id):
                return None
            return _feed(feed)

    async def list_feeds(self, guild_id: int | None = None) -> list[FeedRecord]:
        """A server's feeds (None: all), with how many items each has shown so far."""
        async with self.sessions() as s:
            query = select(Feed).order_by(Feed.id)
            if guild_id is not None:
                query = query.where(Feed.guild_id == guild_id)
            feeds = list(await s.scalars(query))
            counts = dict((await s.execute(
                select(FeedItem.feed_id, func.count()).where(FeedItem.feed_id.in_([f.id for f in feeds]))
                .group_by(FeedItem.feed_id)
            )).all()) if feeds else {}
            return [_feed(f, counts.get(f.id, 0)) for f in feeds]

    async def remove_feed(self, feed_id: int, guild_id: int | None = None) -> FeedRecord | None:
        if not possible_id(feed_id):
            return None
        async with self.sessions() as s, s.begin():
            feed = await s.get(Feed, feed_id)
            if feed is None or (guild_id is not None and feed.guild_id != guild_id):
                return None
            record = _feed(feed)
            item_ids = select(FeedItem.id).where(FeedItem.feed_id == feed_id)
            await s.execute(delete(Delivery).where(Delivery.item_id.in_(item_ids)))
            await s.execute(delete(FeedItem).where(FeedItem.feed_id == feed_id))
            await s.delete(feed)
            return record

    async def due_feeds(self, now: datetime, guild_id: int | None = None,
                        claim_for: timedelta | None = timedelta(minutes=5)) -> list[FeedRecord]:
        """Feeds whose time has come, claimed: their next poll is moved `claim_for` ahead (record_poll
        then sets the real one), so processes sharing the database do not poll the same feed at once;
        a process that dies mid-poll leaves the feed due again when the claim runs out."""
        due = or_(Feed.next_poll_at.is_(None), Feed.next_poll_at <= now)
        async with self.sessions() as s, s.begin():
            query = select(Feed).where(due).order_by(Feed.id)
            if guild_id is not None:
                query = query.where(Feed.guild_id == guild_id)
            feeds = list(await s.scalars(query))
            if claim_for is None or not feeds:
                return [_feed(f) for f in feeds]
            # The condition again in the UPDATE: of two processes, only one finds each row still due.
            claimed = set(await s.scalars(
                update(Feed).where(Feed.id.in_([f.id for f in feeds]), due)
                .values(next_poll_at=now + claim_for).returning(Feed.id)
                .execution_options(synchronize_session=False)
            ))
            return [_feed(f) for f in feeds if f.id in claimed]

    async def record_poll(
        self, feed_id: int, now: datetime, next_poll_at: datetime, *, error: str | None = None,
        etag: str | None = None, last_modified: str | None = None, title: str | None = None,
    ) -> FeedRecord | None:
        """After a poll: a success resets the failure count; a failure adds one and keeps the error."""
        async with self.sessions() as s, s.begin():
            feed = await s.get(Feed, feed_id)
            if feed is None:  # removed while polling
                return None
            feed.last_polled_at = now
            feed.next_poll_at = next_poll_at
            if error is None:
                feed.failures = 0
                feed.last_error = None
                feed.failure_reported = False
                feed.last_success_at = now
                if etag is not None or last_modified is not None:
                    feed.etag, feed.last_modified = etag, last_modified
                if title and not feed.title:
                    feed.title = title[:500]
            else:
                feed.failures += 1
                feed.last_error = error[:1000]
            return _feed(feed)

    async def mark_failure_reported(self, feed_id: int) -> None:
        async with self.sessions() as s, s.begin():
            await s.execute(update(Feed).where(Feed.id == feed_id).values(failure_reported=True))

    async def unreported_failures(self, threshold: int) -> list[FeedRecord]:
        async with self.sessions() as s:
            rows = await s.scalars(select(Feed).where(Feed.failures >= threshold, Feed.failure_reported.is_(False))
                                  .order_by(Feed.id))
            return [_feed(f) for f in rows]

    # items -------------------------------------------------------------------------------------

    async def known_keys(self, feed_id: int, item_keys: Iterable[str],
                         link_keys: Iterable[str | None] = ()) -> tuple[set[str], set[str]]:
        """Which of these item keys and link keys this feed has shown before."""
        # Only the keys in hand: a feed's seen items are kept for good, so reading all of them on
        # every poll would cost more each day (a year of a busy feed is ~20,000 rows every 5 minutes).
        items, links = sorted(set(item_keys)), sorted({k for k in link_keys if k})
        seen_items: set[str] = set()
        seen_links: set[str] = set()
        async with self.sessions() as s:
            for column, keys, seen in ((FeedItem.item_key, items, seen_items), (FeedItem.link_key, links, seen_links)):
                for i in range(0, len(keys), KEYS_PER_QUERY):
                    seen.update(await s.scalars(select(column).where(
                        FeedItem.feed_id == feed_id, column.in_(keys[i:i + KEYS_PER_QUERY]))))
        return seen_items, seen_links

    async def prime_feed(self, feed_id: int, guild_id: int, items: Sequence[NewItem]) -> int:
        """The first poll of a feed: its current items are recorded as seen and nothing is posted."""
        try:
            async with self.sessions() as s, s.begin():
                feed = await s.get(Feed, feed_id)
                if feed is None:
                    return 0
                count = 0
                for item in items:
                    count += await self._insert_item(s, feed_id, guild_id, item, at_priming=True) is not None
                feed.primed = True
                return count
        except IntegrityError:  # another process primed it at the same moment
            return 0

    async def add_item(self, feed_id: int | None, guild_id: int, item: NewItem,
                       targets: Iterable[Target]) -> ItemRecord | None:
        """Record a new item and its outbox rows in one transaction (None: already known)."""
        try:
            async with self.sessions() as s, s.begin():
                if feed_id is not None and await s.get(Feed, feed_id) is None:
                    return None
                row = await self._insert_item(s, feed_id, guild_id, item, at_priming=False)
                if row is None:
                    return None
                await self._enqueue(s, row, targets)
                return _item(row)
        except IntegrityError:
            # Another process recorded this item (or queued it for a target) first: the unique keys
            # rolled this whole item back, so nothing is queued twice; it is not new here.
            return None

    async def _insert_item(self, s: AsyncSession, feed_id: int | None, guild_id: int, item: NewItem,
                           at_priming: bool) -> FeedItem | None:
        query = select(FeedItem.id).where(FeedItem.item_key == item.item_key)
        query = query.where(FeedItem.feed_id == feed_id) if feed_id is not None else query.where(FeedItem.feed_id.is_(None))
        if await s.scalar(query) is not None:
            return None
        row = FeedItem(
            feed_id=feed_id, guild_id=guild_id, ident=item.ident[:2100], item_key=item.item_key, link_key=item.link_key,
            title=item.title[:500] or "Untitled", link=item.link, summary=item.summary, published=item.published,
            category=item.category, breaking=item.breaking, article_id=item.article_id, at_priming=at_priming,
        )
        s.add(row)
        await s.flush()
        return row

    async def _enqueue(self, s: AsyncSession, item: FeedItem, targets: Iterable[Target]) -> int:
        targets = {t.key: t for t in targets}
        if not targets:
            return 0
        known = set(await s.scalars(select(Delivery.target).where(
            Delivery.item_key == item.item_key, Delivery.target.in_(list(targets)))))
        added = 0
        for t in targets.values():
            if t.key in known:
                continue  # this item already went (or is going) there: the once-only rule
            s.add(Delivery(item_id=item.id, item_key=item.item_key, target=t.key, guild_id=t.guild_id,
                           channel_id=t.channel_id, user_id=t.user_id, mention_role=t.mention_role, state=PENDING,
                           nonce=secrets.token_hex(10), attempts=0, created_at=utcnow()))
            added += 1
        await s.flush()  # a racing writer's row trips the unique key here and rolls the whole item back
        return added

    async def enqueue(self, item_id: int, targets: Iterable[Target]) -> int:
        """Queue an item already recorded for more targets (a backfill, a flag); known pairs are skipped."""
        targets = list(targets)
        for attempt in range(3):
            try:
                async with self.sessions() as s, s.begin():
                    item = await s.get(FeedItem, item_id)
                    if item is None:
                        return 0
                    return await self._enqueue(s, item, targets)
            except IntegrityError:  # another process queued one of these pairs meanwhile: look again
                if attempt == 2:
                    raise
        return 0

    async def newest_items(self, feed_id: int, limit: int) -> list[ItemRecord]:
        async with self.sessions() as s:
            rows = await s.scalars(
                select(FeedItem).where(FeedItem.feed_id == feed_id)
                .order_by(FeedItem.published.desc().nulls_last(), FeedItem.id.desc()).limit(limit)
            )
            return [_item(i) for i in rows]

    async def item_for_article(self, article_id: int) -> ItemRecord | None:
        async with self.sessions() as s:
            row = await s.scalar(select(FeedItem).where(FeedItem.article_id == article_id).order_by(FeedItem.id).limit(1))
            return _item(row) if row else None

    async def set_item_breaking(self, item_id: int) -> None:
        async with self.sessions() as s, s.begin():
            await s.execute(update(FeedItem).where(FeedItem.id == item_id).values(breaking=True))

    async def manual_item(self, guild_id: int, item: NewItem) -> ItemRecord:
        """The alert item of an article flagged by hand (one per article and server)."""
        async with self.sessions() as s, s.begin():
            row = await s.scalar(select(FeedItem).where(FeedItem.feed_id.is_(None), FeedItem.item_key == item.item_key))
            if row is None:
                row = await self._insert_item(s, None, guild_id, item, at_priming=False)
            return _item(row)

    # outbox ------------------------------------------------------------------------------------

    async def open_deliveries(self, prefixes: Sequence[str], now: datetime, limit: int = 500) -> list[DeliveryRecord]:
        """Pending and attempted rows whose target starts with one of prefixes and whose time has come, oldest first."""
        async with self.sessions() as s:
            rows = (await s.execute(
                select(Delivery, FeedItem).join(FeedItem, FeedItem.id == Delivery.item_id)
                .where(Delivery.state.in_(OPEN_STATES),
                       or_(*[Delivery.target.startswith(p) for p in prefixes]),
                       or_(Delivery.next_try_at.is_(None), Delivery.next_try_at <= now))
                .order_by(FeedItem.published.asc().nulls_last(), Delivery.id).limit(limit)
            )).all()
            return [_delivery(d, i) for d, i in rows]

    async def mark_attempted(self, delivery_id: int, now: datetime, *, expect: tuple[str, int] | None = None,
                             lease: timedelta | None = None) -> bool:
        """Claim a row for sending: `attempted`, one more attempt. With expect=(state, attempts) as read,
        only if nobody changed the row since (compare-and-set: of two processes draining at once, one
        wins, the other gets False and skips it). lease: the row is not due for anyone else until then,
        so a send in flight is not taken for a crashed one; a process that dies leaves it due afterwards."""
        query = update(Delivery).where(Delivery.id == delivery_id)
        if expect is not None:
            query = query.where(Delivery.state == expect[0], Delivery.attempts == expect[1])
        values: dict[str, object] = {"state": ATTEMPTED, "attempted_at": now, "attempts": Delivery.attempts + 1}
        if lease is not None:
            values["next_try_at"] = now + lease
        async with self.sessions() as s, s.begin():
            result = await s.execute(query.values(**values).execution_options(synchronize_session=False))
            return result.rowcount == 1

    async def mark_delivered(self, delivery_id: int, now: datetime, message_id: str | None) -> None:
        async with self.sessions() as s, s.begin():
            await s.execute(update(Delivery).where(Delivery.id == delivery_id).values(
                state=DELIVERED, delivered_at=now, message_id=message_id, last_error=None, next_try_at=None))

    async def mark_retry(self, delivery_id: int, error: str, next_try_at: datetime | None, *, sent_maybe: bool) -> None:
        """Not delivered: back to pending when Discord refused it, left attempted when it may have gone out."""
        async with self.sessions() as s, s.begin():
            values: dict[str, object] = {"last_error": error[:1000], "next_try_at": next_try_at}
            if not sent_maybe:
                values["state"] = PENDING
            await s.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values))

    async def close_delivery(self, delivery_id: int, state: str, reason: str) -> None:
        async with self.sessions() as s, s.begin():
            await s.execute(update(Delivery).where(Delivery.id == delivery_id).values(state=state, last_error=reason[:1000]))

    async def delivery_counts(self, target_prefix: str | None = None) -> dict[str, int]:
        async with self.sessions() as s:
            query = select(Delivery.state, func.count()).group_by(Delivery.state)
            if target_prefix:
                query = query.where(Delivery.target.startswith(target_prefix))
            return {state: int(n) for state, n in (await s.execute(query)).all()}

    async def deliveries_of(self, target: str) -> list[DeliveryRecord]:
        async with self.sessions() as s:
            rows = (await s.execute(
                select(Delivery, FeedItem).join(FeedItem, FeedItem.id == Delivery.item_id)
                .where(Delivery.target == target).order_by(Delivery.id)
            )).all()
            return [_delivery(d, i) for d, i in rows]

    # targets ------------------------------------------------------------------------------------

    async def alert_channels(self, guild_id: int | None = None) -> list[tuple[int, int]]:
        """(guild id, alert channel id) of every server that set one (or of one server)."""
        async with self.sessions() as s:
            query = select(GuildSettings.guild_id, GuildSettings.alert_channel_id).where(
                GuildSettings.alert_channel_id.is_not(None)).order_by(GuildSettings.guild_id)
            if guild_id is not None:
                query = query.where(GuildSettings.guild_id == guild_id)
            return [(int(g), int(c)) for g, c in (await s.execute(query)).all()]

    async def set_keywords(self, guild_id: int, user_id: int, keywords: str | None) -> None:
        async with self.sessions() as s, s.begin():
            row = await s.scalar(select(KeywordSubscription).where(
                KeywordSubscription.guild_id == guild_id, KeywordSubscription.user_id == user_id))
            if keywords is None:
                if row is not None:
                    await s.delete(row)
                return
            if row is None:
                s.add(KeywordSubscription(guild_id=guild_id, user_id=user_id, keywords=keywords[:500]))
            else:
                row.keywords = keywords[:500]

    async def keywords(self, guild_id: int | None = None) -> list[tuple[int, int, str]]:
        """(guild id, user id, keywords) of keyword subscriptions (of one server, or all)."""
        async with self.sessions() as s:
            query = select(KeywordSubscription.guild_id, KeywordSubscription.user_id,
                           KeywordSubscription.keywords).order_by(KeywordSubscription.id)
            if guild_id is not None:
                query = query.where(KeywordSubscription.guild_id == guild_id)
            return [(int(g), int(u), k) for g, u, k in (await s.execute(query)).all()]

    # target health --------------------------------------------------------------------------------

    async def target_lost(self, target: str, guild_id: int, error: str, retry_at: datetime) -> bool:
        """Record that a target refused us; True when this is news (not yet reported)."""
        async with self.sessions() as s, s.begin():
            row = await s.get(TargetHealth, target)
            if row is None:
                s.add(TargetHealth(target=target, guild_id=guild_id, error=error[:1000], retry_at=retry_at))
                return True
            row.error, row.retry_at = error[:1000], retry_at
            return not row.reported

    async def mark_target_reported(self, target: str) -> None:
        async with self.sessions() as s, s.begin():
            await s.execute(update(TargetHealth).where(TargetHealth.target == target).values(reported=True))

    async def target_ok(self, target: str) -> None:
        async with self.sessions() as s, s.begin():
            await s.execute(delete(TargetHealth).where(TargetHealth.target == target))

    async def blocked_targets(self, now: datetime) -> set[str]:
        """Targets lost recently enough that we should not try them yet."""
        async with self.sessions() as s:
            rows = await s.scalars(select(TargetHealth.target).where(TargetHealth.retry_at > now))
            return set(rows)

    async def target_problems(self, guild_id: int) -> list[tuple[str, str, datetime]]:
        async with self.sessions() as s:
            rows = (await s.execute(select(TargetHealth.target, TargetHealth.error, TargetHealth.since)
                                    .where(TargetHealth.guild_id == guild_id).order_by(TargetHealth.target))).all()
            return [(t, e, aware(since)) for t, e, since in rows]


def later(now: datetime, seconds: float) -> datetime:
    return now + timedelta(seconds=seconds)
