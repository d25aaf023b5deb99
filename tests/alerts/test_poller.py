"""The real poller and outbox against a real SQLite file and a real feed server on 127.0.0.1."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from bot.alerts.console import ConsoleSink
from bot.alerts.outbox import DeliveryError
from bot.store.feeds import ATTEMPTED, DELIVERED, PENDING, DeliveryRecord
from tests.alerts.conftest import DATA, Clock, FeedServer, make_service

GUILD_A, GUILD_B = 1_111_111_111_111_111_111, 2_222_222_222_222_222_222  # 64-bit Discord ids
NEWS_A, NEWS_B = 9_111_111_111_111_111_111, 9_222_222_222_222_222_222


class MemorySink:
    """A stand-in for Discord's channels (the real DiscordSink is tested with dpytest): records posts,
    and fails on request the way Discord can."""

    prefixes = ("channel:",)

    def __init__(self, cap: int | None = None) -> None:
        self.cap = cap
        self.posts: list[tuple[str, str]] = []  # (target, item ident)
        self.fail_next: DeliveryError | None = None
        self.lost_reports: list[str] = []

    async def send(self, d: DeliveryRecord) -> str | None:
        if self.fail_next is not None:
            exc, self.fail_next = self.fail_next, None
            raise exc
        self.posts.append((d.target, d.item.ident))
        return f"m{len(self.posts)}"

    async def find_sent(self, d: DeliveryRecord) -> str | None:
        return next((f"m{i + 1}" for i, p in enumerate(self.posts) if p == (d.target, d.item.ident)), None)

    async def still_wanted(self, d: DeliveryRecord) -> bool:
        return True

    async def report_lost(self, d: DeliveryRecord, error: str) -> bool:
        self.lost_reports.append(f"{d.target}: {error}")
        return True


def console() -> tuple[ConsoleSink, io.StringIO]:
    out = io.StringIO()
    return ConsoleSink(out, as_json=True), out


def posts(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def test_first_poll_posts_nothing_then_each_new_item_once(alerts_library, feed_server: FeedServer, clock: Clock) -> None:
    service = make_service(alerts_library, clock)
    url = feed_server.serve("/harbour.xml", "harbour-rss-1.xml")
    await service.add_feed(0, url, check=False)
    sink, out = console()

    first = await service.poll([sink], force=True)
    assert [o.status for o in first.outcomes] == ["primed"] and first.outcomes[0].seen == 3
    assert out.getvalue() == ""  # the current items are history, not news

    feed_server.serve("/harbour.xml", "harbour-rss-2.xml")
    await service.poll([sink], force=True)
    got = posts(out)
    assert [p["title"] for p in got] == ["Library extends weekend opening hours",
                                         "Chemical plant fire forces evacuation of Eastside"]
    assert got[1] == {"feed": 1, "item": "guid:" + url + "#hcc-1005", "title": got[1]["title"],
                      "link": feed_server.base + "/news/eastside-plant-fire",
                      "published": "2026-03-02T11:20:00+00:00", "breaking": True}
    assert got[0]["breaking"] is False

    out.truncate(0), out.seek(0)
    again = await service.poll([sink], force=True)
    assert out.getvalue() == ""
    assert again.outcomes[0].status == "unchanged"
    # The third request was conditional and the server answered 304 (no body to parse).
    assert feed_server.hits("/harbour.xml")[-1].get("If-None-Match")
    assert feed_server.not_modified == ["/harbour.xml"]


async def test_new_items_are_articles_of_the_feeds_server_and_answerable_at_once(alerts_library, feed_server, clock) -> None:
    service = make_service(alerts_library, clock)
    await service.add_feed(GUILD_A, feed_server.serve("/harbour.xml", "harbour-rss-1.xml"))  # primes now
    feed_server.serve("/harbour.xml", "harbour-rss-2.xml")
    await service.poll(force=True)

    answer = await alerts_library.ask("who said everyone within two kilometres must leave now", GUILD_A)
    assert answer.found and "Maren Osei" in answer.answer
    assert answer.article.category == "Breaking News"
    assert answer.article.url == feed_server.base + "/news/eastside-plant-fire"
    # Another server does not see this server's feed articles.
    other = await alerts_library.ask("who said everyone within two kilometres must leave now", GUILD_B)
    assert not other.found or "Maren Osei" not in (other.answer or "")
    # The items already in the feed when it was added are searchable too (they are just not posted).
    ferry = await alerts_library.ask("who said the new timetable answers what passengers asked us for", GUILD_A)
    assert ferry.found and "Ines Varga" in ferry.answer


async def test_breaking_item_goes_once_to_each_subscribed_channel_and_not_to_others(alerts_library, feed_server, clock) -> None:
    service = make_service(alerts_library, clock)
    await alerts_library.store.update_guild_config(GUILD_A, alert_channel_id=NEWS_A)
    await alerts_library.store.update_guild_config(GUILD_B, alert_channel_id=NEWS_B)
    url = feed_server.serve("/vale.atom", "vale-atom-1.xml", content_type="application/atom+xml")
    await service.add_feed(GUILD_A, url)
    await service.add_feed(GUILD_B, url)
    sink = MemorySink()
    feed_server.serve("/vale.atom", "vale-atom-2.xml", content_type="application/atom+xml")
    for _ in range(3):
        await service.poll([sink], force=True)
    spill = "guid:tag:valewire.test,2026:entry-42"
    assert sorted(sink.posts) == sorted([(f"channel:{NEWS_A}", spill), (f"channel:{NEWS_B}", spill)])


async def test_rewritten_pubdates_and_tracking_links_do_not_repost(alerts_library, feed_server, clock) -> None:
    service = make_service(alerts_library, clock)
    feed_server.serve("/harbour.xml", "harbour-rss-2.xml")
    await service.add_feed(0, feed_server.base + "/harbour.xml", check=False)
    sink, out = console()
    await service.poll([sink], force=True)
    feed_server.serve("/harbour.xml", "harbour-rss-2-redated.xml")  # every pubDate moved, utm_ on every link
    result = await service.poll([sink], force=True)
    assert result.outcomes[0].status == "unchanged" and out.getvalue() == ""


async def test_feed_that_drops_its_guids_does_not_repost(alerts_library, feed_server, clock) -> None:
    service = make_service(alerts_library, clock)
    with_guids = (DATA / "harbour-rss-1.xml").read_text()
    without = "\n".join(line for line in with_guids.splitlines() if "<guid" not in line)
    feed_server.serve("/h.xml", text=with_guids)
    await service.add_feed(0, feed_server.base + "/h.xml", check=False)
    sink, out = console()
    await service.poll([sink], force=True)
    feed_server.serve("/h.xml", text=without)  # a CMS migration: items now named by their links only
    await service.poll([sink], force=True)
    assert out.getvalue() == ""


async def test_failing_feeds_do_not_cost_other_feeds_their_items(alerts_library, feed_server, clock) -> None:
    service = make_service(alerts_library, clock, timeout=0.5)
    await alerts_library.store.update_guild_config(GUILD_A, alert_channel_id=NEWS_A)
    good = feed_server.serve("/good.xml", "harbour-rss-1.xml")
    bad = {
        "/500.xml": dict(status=500), "/slow.xml": dict(file="vale-atom-1.xml", delay=3.0),
        "/malformed.xml": dict(file="malformed.xml"), "/huge.xml": dict(stream_bytes=50_000_000),
        "/page.html": dict(file="not-a-feed.html", content_type="text/html"),
    }
    for path in bad:
        feed_server.serve(path, "vale-atom-1.xml")  # readable while being added
        await service.add_feed(GUILD_A, feed_server.base + path)
    await service.add_feed(GUILD_A, good)
    for path, route in bad.items():
        feed_server.serve(path, **route)
    feed_server.serve("/good.xml", "harbour-rss-2.xml")
    sink = MemorySink()

    result = await service.poll([sink], force=True)
    by_url = {o.feed.url.rsplit("/", 1)[1]: o for o in result.outcomes}
    assert by_url["good.xml"].status == "new"
    assert sink.posts == [(f"channel:{NEWS_A}", "guid:" + good + "#hcc-1005")]
    errors = {name: o.error for name, o in by_url.items() if o.status == "failed"}
    assert set(errors) == {"500.xml", "slow.xml", "malformed.xml", "huge.xml", "page.html"}
    assert "500" in errors["500.xml"] and "timed out" in errors["slow.xml"]
    assert "too large" in errors["huge.xml"] and "feed" in errors["malformed.xml"]

    # Failing feeds back off, keep their error and are never removed; fixed, they resume.
    feeds = {f.url.rsplit("/", 1)[1]: f for f in await service.list_feeds(GUILD_A)}
    assert len(feeds) == 6 and feeds["500.xml"].failures == 1 and "500" in feeds["500.xml"].last_error
    for _ in range(3):
        clock.advance(90)  # past each backoff (10, 20, 40 minutes)
        await service.poll([sink], guild_id=GUILD_A)
    feeds = {f.url.rsplit("/", 1)[1]: f for f in await service.list_feeds(GUILD_A)}
    assert feeds["500.xml"].failures == 4
    gap = feeds["500.xml"].next_poll_at - feeds["500.xml"].last_polled_at
    assert timedelta(minutes=10) < gap <= timedelta(hours=6)  # backed off, capped
    assert [f.id for f in await service.failures_to_report()] == sorted(f.id for n, f in feeds.items() if n != "good.xml")
    feed_server.serve("/500.xml", "vale-atom-2.xml", content_type="application/atom+xml")
    clock.advance(3 * 60)
    await service.poll([sink], guild_id=GUILD_A)
    assert (f"channel:{NEWS_A}", "guid:tag:valewire.test,2026:entry-42") in sink.posts
    assert (await service.store.get_feed(feeds["500.xml"].id)).failures == 0


async def test_a_refused_send_leaves_the_item_for_the_next_round(alerts_library, feed_server, clock) -> None:
    service = make_service(alerts_library, clock)
    await alerts_library.store.update_guild_config(GUILD_A, alert_channel_id=NEWS_A)
    await service.add_feed(GUILD_A, feed_server.serve("/h.xml", "harbour-rss-1.xml"))
    feed_server.serve("/h.xml", "harbour-rss-2.xml")
    sink = MemorySink()
    sink.fail_next = DeliveryError("Discord error 400", sent_maybe=False)
    await service.poll([sink], force=True)
    assert sink.posts == []
    [row] = await service.store.deliveries_of(f"channel:{NEWS_A}")
    assert row.state == PENDING
    await service.deliver([sink])
    assert len(sink.posts) == 1
    await service.deliver([sink])
    assert len(sink.posts) == 1
    assert (await service.store.deliveries_of(f"channel:{NEWS_A}"))[0].state == DELIVERED


async def test_an_ambiguous_error_is_checked_before_resending(alerts_library, feed_server, clock) -> None:
    """A 5xx after Discord may have taken the post: the next round looks for it instead of posting again."""
    service = make_service(alerts_library, clock)
    await alerts_library.store.update_guild_config(GUILD_A, alert_channel_id=NEWS_A)
    await service.add_feed(GUILD_A, feed_server.serve("/h.xml", "harbour-rss-1.xml"))
    feed_server.serve("/h.xml", "harbour-rss-2.xml")

    class AcceptedThenFailed(MemorySink):
        async def send(self, d: DeliveryRecord) -> str | None:
            await super().send(d)  # Discord stored it ...
            raise DeliveryError("Discord error 503", sent_maybe=True)  # ... and then the answer was lost

    sink = AcceptedThenFailed()
    await service.poll([sink], force=True)
    [row] = await service.store.deliveries_of(f"channel:{NEWS_A}")
    assert row.state == ATTEMPTED and len(sink.posts) == 1
    await service.deliver([_reuse(sink)])  # the next round (or a restarted bot) sends normally
    assert len(sink.posts) == 1
    assert (await service.store.deliveries_of(f"channel:{NEWS_A}"))[0].state == DELIVERED


def _reuse(sink: MemorySink) -> MemorySink:
    """A well-behaved sink that sees the same channel as sink."""
    plain = MemorySink()
    plain.posts = sink.posts
    return plain


async def test_a_burst_is_spread_over_rounds(alerts_library, feed_server, clock) -> None:
    service = make_service(alerts_library, clock)
    await alerts_library.store.update_guild_config(GUILD_A, alert_channel_id=NEWS_A)
    await service.add_feed(GUILD_A, feed_server.serve("/v.atom", "vale-atom-1.xml", content_type="application/atom+xml"),
                           mode="breaking")
    feed_server.serve("/h.xml", "harbour-rss-1.xml")
    await service.add_feed(GUILD_A, feed_server.base + "/h.xml", mode="breaking")
    feed_server.serve("/h.xml", "harbour-rss-2.xml")
    feed_server.serve("/v.atom", "vale-atom-2.xml", content_type="application/atom+xml")
    sink = MemorySink(cap=2)
    await service.poll([sink], force=True)  # 3 new items for one channel
    assert len(sink.posts) == 2
    await service.deliver([sink])
    assert len(sink.posts) == 3 and len(set(sink.posts)) == 3
    await service.deliver([sink])
    assert len(sink.posts) == 3


async def test_old_items_appearing_late_are_recorded_but_not_announced(alerts_library, feed_server, clock) -> None:
    service = make_service(alerts_library, clock)
    await alerts_library.store.update_guild_config(GUILD_A, alert_channel_id=NEWS_A)
    await service.add_feed(GUILD_A, feed_server.serve("/h.xml", "harbour-rss-1.xml"))
    feed_server.serve("/h.xml", "harbour-rss-2.xml")
    clock.advance(5 * 24 * 60)  # the bot was down for days
    sink = MemorySink()
    await service.poll([sink], force=True)
    assert sink.posts == []
    answer = await alerts_library.ask("who said everyone within two kilometres must leave now", GUILD_A)
    assert answer.found  # still in the library


async def test_backfill_posts_the_newest_items_on_request_once(alerts_library, feed_server, clock) -> None:
    service = make_service(alerts_library, clock)
    await alerts_library.store.update_guild_config(GUILD_A, alert_channel_id=NEWS_A)
    feed, _ = await service.add_feed(GUILD_A, feed_server.serve("/h.xml", "harbour-rss-1.xml"))
    sink = MemorySink()
    assert await service.backfill(feed.id, GUILD_A, 2) == 2
    await service.deliver([sink])
    assert [ident for _t, ident in sink.posts] == [f"guid:{feed.url}#hcc-1002", f"guid:{feed.url}#hcc-1003"]
    assert await service.backfill(feed.id, GUILD_A, 2) == 0  # already posted there


async def test_lost_channel_is_reported_once_and_keeps_configuration(alerts_library, feed_server, clock) -> None:
    service = make_service(alerts_library, clock)
    await alerts_library.store.update_guild_config(GUILD_A, alert_channel_id=NEWS_A)
    await service.add_feed(GUILD_A, feed_server.serve("/h.xml", "harbour-rss-1.xml"), mode="breaking")
    feed_server.serve("/h.xml", "harbour-rss-2.xml")
    sink = MemorySink()
    sink.fail_next = DeliveryError("no access (403: Missing Access)", target_lost=True)
    await service.poll([sink], force=True)
    sink.fail_next = DeliveryError("no access (403: Missing Access)", target_lost=True)
    clock.advance(20)
    await service.deliver([sink])
    assert sink.posts == [] and sink.lost_reports == [f"channel:{NEWS_A}: no access (403: Missing Access)"]
    assert (await alerts_library.store.guild_config(GUILD_A)).alert_channel_id == NEWS_A
    await service.deliver([sink])  # paused: not hammering a channel we cannot reach
    assert sink.posts == []
    clock.advance(20)  # access restored; the waiting alerts go out, each once
    await service.deliver([sink])
    assert len(sink.posts) == 2 and len(set(sink.posts)) == 2
    assert await service.store.target_problems(GUILD_A) == []


async def test_a_server_asking_to_wait_is_left_alone_until_then(alerts_library, feed_server: FeedServer,
                                                                clock: Clock) -> None:
    service = make_service(alerts_library, clock)
    urls = {}
    for name in ("busy", "down", "broken"):
        feed_server.serve(f"/{name}.xml", "harbour-rss-1.xml")
        urls[name] = feed_server.base + f"/{name}.xml"
        await service.add_feed(GUILD_A, urls[name])
    feed_server.serve("/busy.xml", status=429, headers={"Retry-After": "3600"})
    feed_server.serve("/down.xml", status=503, headers={"Retry-After": "Fri, 31 Dec 2100 23:59:59 GMT"})
    feed_server.serve("/broken.xml", status=500, headers={"Retry-After": "3600"})  # only 429 and 503 mean it
    result = await service.poll([MemorySink()], guild_id=GUILD_A, force=True)
    assert {o.feed.url: o.status for o in result.outcomes} == {u: "failed" for u in urls.values()}
    feeds = {f.url.rsplit("/", 1)[1][:-4]: f for f in await service.list_feeds(GUILD_A)}
    gaps = {name: f.next_poll_at - f.last_polled_at for name, f in feeds.items()}
    assert gaps == {"busy": timedelta(hours=1), "down": timedelta(hours=6), "broken": timedelta(minutes=10)}
    assert "429" in feeds["busy"].last_error and "503" in feeds["down"].last_error

    asked = {name: len(feed_server.hits(f"/{name}.xml")) for name in urls}
    clock.advance(30)
    await service.poll([MemorySink()], guild_id=GUILD_A)  # only the 500 feed is due again
    assert {name: len(feed_server.hits(f"/{name}.xml")) - asked[name] for name in urls} == {
        "busy": 0, "down": 0, "broken": 1}
    feed_server.serve("/busy.xml", "harbour-rss-2.xml")
    clock.advance(31)
    await service.poll([MemorySink()], guild_id=GUILD_A)
    assert len(feed_server.hits("/busy.xml")) == asked["busy"] + 1
    assert (await service.store.get_feed(feeds["busy"].id)).failures == 0


def _rss(extra: str, namespaces: str = "") -> str:
    return (f'<?xml version="1.0"?><rss version="2.0"{namespaces}><channel><title>Quay Gazette</title>{extra}'
            '<item><title>Night market returns to the quay</title><link>{base}/market</link>'
            '<guid>qg-1</guid></item></channel></rss>')


async def test_a_feeds_own_ttl_spaces_its_polls_up_to_an_hour(alerts_library, feed_server: FeedServer,
                                                              clock: Clock) -> None:
    service = make_service(alerts_library, clock)
    sy = ' xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"'
    texts = {
        "ttl45": _rss("<ttl>45</ttl>"),
        "ttl5": _rss("<ttl>5</ttl>"),  # sooner than we poll anyway
        "daily": _rss("<ttl>1440</ttl>"),  # capped: a breaking item must not wait a day
        "sy": _rss("<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>3</sy:updateFrequency>", sy),
        "bad": _rss("<ttl>soon</ttl><sy:updatePeriod>fortnightly</sy:updatePeriod>", sy),
    }
    for name, text in texts.items():
        feed_server.serve(f"/{name}.xml", text=text)
        await service.add_feed(GUILD_A, feed_server.base + f"/{name}.xml")

    def gaps(feeds) -> dict[str, timedelta]:  # noqa: ANN001
        return {f.url.rsplit("/", 1)[1][:-4]: f.next_poll_at - f.last_polled_at for f in feeds}

    expected = {"ttl45": timedelta(minutes=45), "ttl5": timedelta(minutes=10), "daily": timedelta(hours=1),
                "sy": timedelta(minutes=20), "bad": timedelta(minutes=10)}
    assert gaps(await service.list_feeds(GUILD_A)) == expected  # the first read already follows it
    clock.advance(60)
    result = await service.poll([MemorySink()], guild_id=GUILD_A)  # all due; each answers 304 now
    assert sorted(feed_server.not_modified) == sorted(f"/{name}.xml" for name in texts)
    assert {o.status for o in result.outcomes} == {"unchanged"}
    assert gaps(await service.list_feeds(GUILD_A)) == expected  # unchanged documents keep their spacing
    clock.advance(15)
    before = len(feed_server.requests)
    await service.poll([MemorySink()], guild_id=GUILD_A)
    assert sorted(p for p, _ in feed_server.requests[before:]) == ["/bad.xml", "/ttl5.xml"]


async def test_a_poll_looks_up_only_the_keys_of_the_items_in_hand(alerts_library, feed_server, clock) -> None:
    """Seen items are kept for good, so a poll must not read them all: known_keys answers for the keys
    asked about (in lists longer than one query's), and still finds what the feed showed before."""
    from bot.alerts.parse import item_identity
    from bot.store.feeds import KEYS_PER_QUERY, FeedStore, NewItem

    service = make_service(alerts_library, clock)
    feed_server.serve("/h.xml", "harbour-rss-1.xml")
    feed, _ = await service.add_feed(0, feed_server.base + "/h.xml", check=False)
    await service.poll([console()[0]], force=True)  # primes the feed: its items are seen
    store = FeedStore(alerts_library.store.sessions)
    shown = await store.newest_items(feed.id, 100)
    assert shown
    old = []
    for n in range(KEYS_PER_QUERY + 20):  # more seen items than one IN (...) list holds
        ident, key, link_key = item_identity(f"old-{n}", f"https://example.org/old/{n}", f"Old {n}", feed.url)
        old.append(NewItem(ident, key, link_key, f"Old {n}", f"https://example.org/old/{n}", "", None, None, False))
    for item in old:
        assert await store.add_item(feed.id, 0, item, []) is not None

    asked = [i.item_key for i in old] + [i.item_key for i in shown] + ["0" * 64]
    links = [i.link_key for i in old[:3]] + [None, "f" * 64]
    keys, link_keys = await store.known_keys(feed.id, asked, links)
    assert keys == set(asked) - {"0" * 64}
    assert link_keys == {i.link_key for i in old[:3]}
    assert await store.known_keys(feed.id, [shown[0].item_key], []) == ({shown[0].item_key}, set())
    assert await store.known_keys(feed.id + 1, asked, links) == (set(), set())  # another feed's items are not this one's
    assert await store.known_keys(feed.id, [], []) == (set(), set())
