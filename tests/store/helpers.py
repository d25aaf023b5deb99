"""Shared by the storage tests: engines over the test's database, table dumps, a populated library."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy import text

from bot.settings import Settings
from bot.store.copy import normalise_row, read_rows, tables
from bot.store.db import make_engine

T0 = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=timezone.utc)
GUILD = 1_234_567_890_123_456_789  # a 64-bit Discord id


def url_of(db: str) -> str:
    return Settings(db=db).db_url


def _columns_present(conn: sa.Connection) -> dict[str, set[str]]:
    inspector = sa.inspect(conn)
    return {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}


async def dump(url: str, only: set[str] | None = None) -> dict[str, list[dict]]:
    """Every row of every table (or of `only`), in primary-key order, datetimes in UTC; only the
    columns the database has, so a database at an older revision can be dumped too."""
    engine = make_engine(url)
    out: dict[str, list[dict]] = {}
    try:
        async with engine.connect() as conn:
            present = await conn.run_sync(_columns_present)
            for table in tables():
                if only is not None and table.name not in only:
                    continue
                have = present.get(table.name, set())
                if not set(table.c.keys()) <= have:  # an older revision: read the columns it has
                    table = sa.Table(table.name, sa.MetaData(), *(
                        sa.Column(c.name, c.type, primary_key=c.primary_key) for c in table.columns if c.name in have))
                out[table.name] = [row async for batch in read_rows(conn, table, 500) for row in batch]
    finally:
        await engine.dispose()
    return out


async def scalar(url: str, sql: str) -> object:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text(sql))).scalar()
    finally:
        await engine.dispose()


async def populate(library) -> dict[str, int]:  # noqa: ANN001 - a bot.library.Library
    """Something in every table: articles (shared and a server's) with passages and quotes, a removed
    article, server settings, a feed with items, outbox rows in several states, keywords, target health."""
    from bot.store.feeds import DELIVERED, FeedStore, NewItem, Target

    store = library.store
    await library.ensure_corpus()
    own = await library.add_text("Harbour bridge reopens",
                                 "\u201cThe bridge is safe again,\u201d said engineer Mara Lind on Monday. "
                                 "Traffic resumes at noon.", GUILD)
    gone = await library.add_text("Rumour", "Nothing happened, the mayor said.")
    await library.remove(gone.article.id)
    await store.update_guild_config(GUILD, admin_role_id=55, alert_channel_id=66, alert_role_id=77)
    feeds = FeedStore(store.sessions)
    feed = await feeds.add_feed(GUILD, "https://example.com/rss.xml", "breaking", added_by=42)
    await feeds.record_poll(feed.id, T0, T0 + timedelta(minutes=10), etag='"abc"', last_modified="Mon, 02 Mar 2026",
                            title="Example feed")
    items = []
    for n in range(3):
        ident = f"guid:https://example.com/{n}"
        items.append(await feeds.add_item(feed.id, GUILD, NewItem(
            ident, f"{n:064x}", f"{n + 100:064x}", f"Item {n} \u2014 caf\u00e9", f"https://example.com/{n}",
            "Summary with \u201cquotes\u201d.", T0 - timedelta(hours=n), "Breaking News", n == 0,
            own.article.id if n == 0 else None,
        ), [Target(f"channel:{66}", GUILD, channel_id=66), Target("dm:88", GUILD, user_id=88, mention_role=False)]))
    rows = await feeds.deliveries_of("channel:66")
    await feeds.mark_attempted(rows[0].id, T0)
    await feeds.mark_delivered(rows[0].id, T0 + timedelta(seconds=3), "1234567890")
    await feeds.mark_attempted(rows[1].id, T0)
    await feeds.mark_retry(rows[1].id, "Discord error 503", T0 + timedelta(minutes=1), sent_maybe=True)
    assert (await feeds.deliveries_of("channel:66"))[0].state == DELIVERED
    await feeds.set_keywords(GUILD, 88, "bridge, ferry")
    await feeds.target_lost("channel:99", GUILD, "no access (403)", T0 + timedelta(minutes=15))
    return {"own": own.article.id, "removed": gone.article.id, "feed": feed.id, "items": len(items),
            "published_day": date(2026, 3, 2).toordinal()}


def comparable(tables_rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Rows normalised the same way whatever database they came from."""
    by_name = {t.name: t for t in tables()}
    return {name: [normalise_row(by_name[name], r) for r in rows] for name, rows in tables_rows.items()}
