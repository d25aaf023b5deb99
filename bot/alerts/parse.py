"""Feed documents -> items: feedparser for RSS/Atom, plus item identity and breaking-news detection.

Pure functions (no I/O); `parse_feed` is CPU work, so callers run it in a thread.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import feedparser

from bot.store.feeds import NewItem

MAX_ITEMS = 200  # newest items taken from one feed document; news feeds carry 10-100, a 50,000-item dump is not news
SUMMARY_CHARS = 20_000  # a summary longer than this is a full article inlined; the library keeps it whole up to here

# A title that announces itself: "BREAKING: …", "Breaking News - …", "JUST IN: …", "[Breaking] …".
_LABEL = r"(?:breaking(?:\s+news)?|just\s+in|news\s+alert|urgent)"
_BREAKING_TITLE = re.compile(rf"^\s*(?:[\[(]\s*{_LABEL}\s*[\])]|{_LABEL}\s*[:\-–—|])", re.IGNORECASE)
_BREAKING_TAG = re.compile(r"\bbreaking\b|\bjust\s+in\b|\bnews\s+alert\b", re.IGNORECASE)
_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid|ocid)$", re.IGNORECASE)


class FeedParseError(Exception):
    """A document that is not an RSS or Atom feed; the message says why, for the feed list."""


@dataclass
class ParsedItem:
    guid: str | None
    title: str
    link: str | None
    summary: str
    published: datetime | None
    categories: list[str] = field(default_factory=list)


@dataclass
class ParsedFeed:
    title: str | None
    items: list[ParsedItem]
    warning: str | None = None  # feedparser tolerated a problem ("bozo") but found items
    ttl: float | None = None  # seconds the feed asks readers to wait between reads (<ttl>, sy:updatePeriod)


_PERIODS = {"hourly": 3600.0, "daily": 86400.0, "weekly": 7 * 86400.0, "monthly": 30 * 86400.0,
            "yearly": 365 * 86400.0}


def feed_ttl(feed: dict) -> float | None:
    """How long, in seconds, a feed asks to be cached: RSS 2.0's <ttl> (minutes), else the syndication
    module's updatePeriod divided by updateFrequency; None when it says nothing usable."""
    ttl = str(feed.get("ttl") or "").strip()
    if ttl.isascii() and ttl.isdigit():
        return int(ttl[:9]) * 60.0 or None
    period = _PERIODS.get(str(feed.get("sy_updateperiod") or "").strip().lower())
    if period is None:
        return None
    frequency = str(feed.get("sy_updatefrequency") or "1").strip()
    times = int(frequency[:9]) if frequency.isascii() and frequency.isdigit() else 1
    return period / times if times > 0 else period


def is_breaking(title: str, categories: list[str] | tuple[str, ...] = (), feed_mode: str = "all") -> bool:
    """Breaking when the feed is a breaking feed, a tag says so ("Breaking News"), or the title does ("BREAKING:")."""
    if feed_mode == "breaking":
        return True
    if any(_BREAKING_TAG.search(c or "") for c in categories):
        return True
    return bool(_BREAKING_TITLE.match(title or ""))


class _Text(HTMLParser):
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:  # noqa: ANN001
        if tag in {"script", "style"}:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable text of an HTML fragment: tags dropped, paragraphs kept as blank-line breaks."""
    if "<" not in html and "&" not in html:
        text = html
    else:
        parser = _Text()
        parser.feed(html)
        parser.close()
        text = "".join(parser.parts)
    paragraphs = [re.sub(r"[ \t\r\f\v\n]+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def canonical_link(link: str | None) -> str | None:
    """A link with the fragment, tracking parameters and case of scheme/host removed, so a feed that
    decorates its links differently from poll to poll still names the same item."""
    if not link:
        return None
    link = link.strip()
    try:
        parts = urlsplit(link)
    except ValueError:
        return link
    if not parts.scheme or not parts.netloc:
        return link
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not _TRACKING_PARAMS.match(k)])
    path = parts.path or "/"
    netloc = parts.netloc.lower()
    if (parts.scheme.lower(), netloc.rsplit(":", 1)[-1]) in {("http", "80"), ("https", "443")}:
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def item_identity(guid: str | None, link: str | None, title: str, feed_url: str) -> tuple[str, str, str | None]:
    """(ident, item key, link key) of an item: the feed's guid, else its canonical link, else a hash of
    title + link. Dates never enter it, so a feed that rewrites pubDate does not make new items.
    A guid that is not a URL/URN ("1234") is only unique inside its feed, so it is scoped by the feed."""
    canon = canonical_link(link)
    link_key = _digest(canon) if canon else None
    guid = (guid or "").strip()
    if guid:
        globally_unique = "://" in guid or guid.lower().startswith(("urn:", "tag:"))
        ident = f"guid:{guid}" if globally_unique else f"guid:{feed_url}#{guid}"
    elif canon:
        ident = f"link:{canon}"
    else:
        folded = re.sub(r"\s+", " ", title).strip().lower()
        ident = "hash:" + _digest(folded + "\n" + (link or ""))[:32]
    return ident, _digest(ident), link_key


def _when(entry) -> datetime | None:  # noqa: ANN001 - feedparser's dict
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def _summary(entry) -> str:  # noqa: ANN001
    html = ""
    for content in entry.get("content") or []:
        if content.get("value") and len(content["value"]) > len(html):
            html = content["value"]
    summary = entry.get("summary") or ""
    if len(summary) > len(html):
        html = summary
    return html_to_text(html)[:SUMMARY_CHARS]


def parse_feed(body: bytes, content_type: str | None = None, url: str = "") -> ParsedFeed:
    """Items of an RSS or Atom document, in document order; FeedParseError when it is neither."""
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    version = parsed.get("version") or ""
    entries = parsed.get("entries") or []
    warning = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        warning = f"{type(exc).__name__}: {exc}" if exc else "malformed feed"
        if not entries:
            raise FeedParseError(f"not a valid RSS/Atom feed ({warning})"[:300])
    elif not version and not entries:
        raise FeedParseError("not an RSS or Atom feed")
    items = []
    for entry in entries:
        title = html_to_text(entry.get("title") or "").replace("\n\n", " ").strip()
        link = entry.get("link") or None
        if link and url:
            link = urljoin(url, link)
        categories = [t.get("term") or t.get("label") or "" for t in entry.get("tags") or []]
        categories = [c.strip() for c in categories if c and c.strip()]
        items.append(ParsedItem(entry.get("id") or None, title or (link or "Untitled"), link,
                                _summary(entry), _when(entry), categories))
    feed = parsed.get("feed") or {}
    feed_title = html_to_text(feed.get("title") or "").strip() or None
    return ParsedFeed(feed_title, items, warning, feed_ttl(feed))


def to_new_items(parsed: ParsedFeed, feed_url: str, feed_mode: str) -> list[NewItem]:
    """Feed items as records, oldest first, without duplicates inside the document."""
    out: list[NewItem] = []
    seen: set[str] = set()
    for p in parsed.items:
        ident, key, link_key = item_identity(p.guid, p.link, p.title, feed_url)
        if key in seen:
            continue
        seen.add(key)
        category = next((c for c in p.categories), None)
        out.append(NewItem(ident, key, link_key, p.title, p.link, p.summary, p.published,
                           category[:200] if category else None, is_breaking(p.title, p.categories, feed_mode)))
    # Feeds list newest first; post oldest first. Undated items keep document order (reversed).
    order = {id(item): i for i, item in enumerate(reversed(out))}
    epoch = datetime.min.replace(tzinfo=timezone.utc)
    out.sort(key=lambda it: (it.published or epoch, order[id(it)]))
    return out[-MAX_ITEMS:]  # the newest: each would become an article and perhaps a post
