"""Web pages -> article drafts: trafilatura finds the article text and its title, date, author and
category in the page; `fetch_article` puts the safe fetcher in front of it.

No Discord and no database here. Extraction is CPU work: callers run `html_to_draft` off the event
loop (`fetch_article` does so itself).
"""

from __future__ import annotations

import asyncio
import logging
import re
import warnings

from bot.ingest.fetch import FetchResult, Resolver, fetch_url
from bot.ingest.files import decode, parse_article_text, parse_date
from bot.ingest.records import ArticleDraft, IngestError

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
PAGE_TYPES = (*HTML_TYPES, "text/plain")
MAX_PAGE_BYTES = 5_000_000   # a heavy news page is ~1-2 MB of HTML
MIN_ARTICLE_CHARS = 80       # less than a couple of sentences is a stub, a list or an error page
FETCH_TIMEOUT = 15.0


def _decode_html(data: bytes | str, charset: str | None) -> str | bytes:
    """Text for the declared charset; without one, the bytes go to trafilatura, which sniffs <meta charset>."""
    if isinstance(data, str):
        return data
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong header: let trafilatura detect it
    return data


def _paragraphs(text: str, title: str | None) -> str:
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if lines and title and lines[0].casefold() == title.strip().casefold():
        lines = lines[1:]  # trafilatura repeats the headline as the first line
    return "\n\n".join(lines)


def html_to_draft(data: bytes | str, source: str, url: str | None = None, charset: str | None = None) -> ArticleDraft:
    """The article in an HTML page, with its metadata; IngestError when the page holds no article."""
    import trafilatura  # slow to import (lxml, htmldate); only pages need it

    if isinstance(data, bytes):
        if not data.strip():
            raise IngestError("empty page")
        if len(data) > MAX_PAGE_BYTES:
            raise IngestError(f"too large ({len(data):,} bytes; the limit is {MAX_PAGE_BYTES:,})")
        if b"\x00" in data[:8192]:
            raise IngestError("not a web page (binary content)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lxml's FutureWarnings from inside trafilatura
        try:
            doc = trafilatura.bare_extraction(
                _decode_html(data, charset), url=url, with_metadata=True, include_comments=False,
                include_tables=False, include_images=False, include_links=False, favor_precision=True,
                date_extraction_params={"extensive_search": False, "original_date": True},
            )
        except Exception as exc:  # a parser failure on hostile HTML is the page's problem, not ours
            log.info("trafilatura failed on %s: %s", source, exc)
            raise IngestError("unreadable page (the HTML could not be parsed)") from None
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    title = (getattr(doc, "title", None) or "").strip() if doc is not None else ""
    body = _paragraphs(text, title)
    if len(body) < MIN_ARTICLE_CHARS:
        raise IngestError("not an article (no article text found on the page)")
    categories = getattr(doc, "categories", None) or []
    if isinstance(categories, str):
        categories = [c for c in re.split(r"[,;]", categories) if c.strip()]
    author = (getattr(doc, "author", None) or "").strip() or None
    return ArticleDraft(
        title=title or (url or source),
        body=body,
        source=url or source,
        category=categories[0].strip()[:200] if categories else None,
        published=parse_date(getattr(doc, "date", None)),
        url=url,
        author=author[:300] if author else None,
    )


def page_to_draft(page: FetchResult) -> ArticleDraft:
    """A fetched page (HTML or plain text) as a draft."""
    if page.content_type == "text/plain":
        raw = page.body
        if page.charset and page.charset.lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii", "ascii"):
            try:
                raw = page.body.decode(page.charset).encode("utf-8")
            except (LookupError, UnicodeDecodeError):
                raise IngestError(f"unreadable text (not {page.charset} as the server says)") from None
        draft = parse_article_text(decode(raw, page.url), page.url)
        draft.url = draft.url or page.url
        draft.source = draft.url
        return draft
    return html_to_draft(page.body, page.url, url=page.url, charset=page.charset)


async def fetch_article(
    url: str, *, allow_private: bool = False, resolver: Resolver | None = None,
    max_bytes: int = MAX_PAGE_BYTES, timeout: float = FETCH_TIMEOUT,
) -> ArticleDraft:
    """Fetch url through the guard and extract its article; FetchError or IngestError says why not."""
    page = await fetch_url(url, allow_private=allow_private, accept=PAGE_TYPES, max_bytes=max_bytes,
                           timeout=timeout, resolver=resolver)
    return await asyncio.to_thread(page_to_draft, page)
