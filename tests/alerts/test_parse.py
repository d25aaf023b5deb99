"""Feed parsing, item identity and breaking-news detection: pure functions on the real data files."""

from __future__ import annotations

import pytest

from bot.alerts.parse import (
    FeedParseError, canonical_link, feed_ttl, html_to_text, is_breaking, item_identity, parse_feed, to_new_items,
)
from tests.alerts.conftest import DATA

BASE = "http://127.0.0.1:9"


def load(name: str) -> bytes:
    return (DATA / name).read_text(encoding="utf-8").replace("{base}", BASE).encode()


def test_rss_items_oldest_first_with_categories_dates_and_summary_text() -> None:
    items = to_new_items(parse_feed(load("harbour-rss-2.xml"), "application/rss+xml", BASE + "/feed"), BASE + "/feed", "all")
    assert [i.title for i in items] == [
        "BREAKING: Kessel Bridge reopens after emergency repairs", "Storm warning lifted for the northern coast",
        "Council approves new harbour ferry timetable", "Library extends weekend opening hours",
        "Chemical plant fire forces evacuation of Eastside",
    ]
    fire = items[-1]
    assert fire.category == "Breaking News" and fire.breaking
    assert fire.published is not None and fire.published.isoformat() == "2026-03-02T11:20:00+00:00"
    assert "<p>" not in fire.summary and "fire chief Maren Osei" in fire.summary
    assert fire.link == BASE + "/news/eastside-plant-fire"
    assert [i.breaking for i in items] == [True, False, False, False, True]  # title "BREAKING:" and tag


def test_atom_entries_use_content_and_tags() -> None:
    parsed = parse_feed(load("vale-atom-2.xml"), "application/atom+xml", BASE + "/vale.atom")
    assert parsed.title == "Vale Valley Wire"
    items = to_new_items(parsed, BASE + "/vale.atom", "all")
    spill = items[-1]
    assert spill.ident == "guid:tag:valewire.test,2026:entry-42"
    assert spill.breaking and "dam manager Tomas Rieke" in spill.summary


def test_breaking_feed_mode_makes_every_item_breaking() -> None:
    items = to_new_items(parse_feed(load("vale-atom-1.xml")), BASE + "/vale.atom", "breaking")
    assert items and all(i.breaking for i in items)


@pytest.mark.parametrize(("title", "tags", "expected"), [
    ("BREAKING: Port closed", [], True),
    ("Breaking News - Minister resigns", [], True),
    ("[Breaking] Quake hits coast", [], True),
    ("Just in: results delayed", [], True),
    ("Breaking the silence on pay", [], False),  # a word in a headline, not a label
    ("Bakery wins award", ["Breaking News"], True),
    ("Bakery wins award", ["Food", "Local"], False),
])
def test_breaking_detection(title: str, tags: list[str], expected: bool) -> None:
    assert is_breaking(title, tags) is expected


def test_identity_prefers_guid_then_canonical_link_then_hash() -> None:
    feed = "http://feeds.test/a"
    assert item_identity("tag:x,2026:1", "http://x.test/a", "T", feed)[0] == "guid:tag:x,2026:1"
    # A bare guid is only unique inside its feed.
    assert item_identity("1001", None, "T", feed)[0] == "guid:http://feeds.test/a#1001"
    assert item_identity("1001", None, "T", "http://other.test/")[1] != item_identity("1001", None, "T", feed)[1]
    plain = item_identity(None, "http://x.test/news/a", "T", feed)
    tracked = item_identity(None, "HTTP://X.test:80/news/a?utm_source=rss&utm_medium=x#top", "T changed", feed)
    assert plain[0] == "link:http://x.test/news/a" and plain[1] == tracked[1]
    bare = item_identity(None, None, "Title  Only", feed)
    assert bare[0].startswith("hash:") and bare[1] == item_identity(None, None, "title only", feed)[1]


def test_canonical_link_keeps_meaningful_query() -> None:
    assert canonical_link("https://x.test/story?id=7&utm_campaign=z") == "https://x.test/story?id=7"


def test_malformed_and_html_documents_are_refused() -> None:
    with pytest.raises(FeedParseError):
        parse_feed(load("malformed.xml"), "application/rss+xml")
    with pytest.raises(FeedParseError):
        parse_feed(load("not-a-feed.html"), "text/html")


def test_html_to_text_keeps_paragraphs_and_drops_scripts() -> None:
    assert html_to_text("<p>One &amp; two.</p><script>x()</script><p>Three</p>") == "One & two.\n\nThree"


def test_feed_ttl_reads_ttl_minutes_then_the_syndication_period() -> None:
    assert feed_ttl({"ttl": "45"}) == 2700.0
    assert feed_ttl({"ttl": " 15 ", "sy_updateperiod": "daily"}) == 900.0  # <ttl> first
    assert feed_ttl({"sy_updateperiod": "Hourly", "sy_updatefrequency": "4"}) == 900.0
    assert feed_ttl({"sy_updateperiod": "daily"}) == 86400.0  # frequency defaults to once
    assert feed_ttl({"sy_updateperiod": "weekly", "sy_updatefrequency": "0"}) == 7 * 86400.0
    for silent in ({}, {"ttl": "0"}, {"ttl": "-5"}, {"ttl": "soon"}, {"ttl": "\u0664\u0665"},
                   {"sy_updateperiod": "fortnightly"}, {"ttl": None}):
        assert feed_ttl(silent) is None, silent
    assert feed_ttl({"ttl": "9" * 40}) == 999_999_999 * 60.0  # absurd, and capped by the poller
