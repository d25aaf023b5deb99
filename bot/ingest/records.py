"""What ingest hands to the store: an article draft and its prepared passages and quotations."""

from __future__ import annotations

import hashlib
import logging
import re
import sys
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from bot.nlp import passages as _passages_module
from bot.nlp import quotes as _quotes_module
from bot.nlp.passages import Span, split_passages
from bot.nlp.quotes import Quote, extract_quotes
from bot.nlp.timex import stored_analysis
from bot.nlp.tokens import article_text, normalize_quotes, word_list

log = logging.getLogger(__name__)

MAX_BODY_CHARS = 500_000
# Longest sentence and paragraph searched for quotations; news prose stays far below both.
MAX_QUOTE_SENTENCE = 1_500
MAX_QUOTE_PARAGRAPH = 6_000
QUOTE_CHUNK = 3_000  # overlong paragraphs are read this much at a time  # a long feature is ~50k characters; more is a dump, not an article


class IngestError(Exception):
    """An input that cannot become an article; the message says why, for the user."""


@dataclass
class ArticleDraft:
    """An article as read from a file, page or feed, before it is stored."""

    title: str
    body: str
    source: str
    category: str | None = None
    published: date | None = None
    url: str | None = None
    author: str | None = None
    breaking: bool = False


@dataclass
class PreparedArticle:
    """A draft with its passages and quotations found; ready for the store."""

    draft: ArticleDraft
    content_hash: str
    passages: list[Span] = field(default_factory=list)
    quotes: list[tuple[Quote, int | None]] = field(default_factory=list)  # (quote, passage index)
    vocabulary: str = ""  # bot.nlp.tokens.word_list of title and body
    time_analysis: str | None = None  # bot.nlp.timex.stored_analysis of the body


def content_hash(body: str) -> str:
    """Hash of the text with quotes, case and white space folded, so re-imports are recognised."""
    folded = re.sub(r"\s+", " ", normalize_quotes(body)).strip().lower()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def passage_holding(offset: int, bounds: Iterable[tuple[int, int]]) -> int | None:
    """The index of the (start, end) span holding offset: the passage a quotation is stored under,
    at import and when quotations are found again."""
    return next((i for i, (start, end) in enumerate(bounds) if start <= offset < end), None)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = re.sub(r"\S", " ", text[start:end])
    return "".join(chars)


def find_quotes(body: str, passages: list[Span]) -> list[Quote]:
    """Quotations of the body, with run-on text kept from the attribution rules.

    The rules look around each speech verb within a paragraph, so a hostile paragraph of
    thousands of verbs would take minutes. Sentences longer than any news sentence are blanked
    (same length, so offsets hold); paragraphs longer than news paragraphs (pasted text that lost
    its breaks) are read in sentence-aligned chunks, losing only pronouns across chunk edges."""
    long_sentences = [(p.start, p.end) for p in passages if p.end - p.start > MAX_QUOTE_SENTENCE]
    long_paragraphs = []
    paragraph_start = 0
    for match in re.finditer(r"\n\s*\n|\Z", body):
        if match.start() - paragraph_start > MAX_QUOTE_PARAGRAPH:
            long_paragraphs.append((paragraph_start, match.start()))
        paragraph_start = match.end()
    if long_sentences:
        log.warning("skipping quotations in %d overlong sentences", len(long_sentences))
    text = _blank(body, long_sentences)
    if not long_paragraphs:
        return extract_quotes(text)
    quotes = extract_quotes(_blank(text, long_paragraphs))
    for p_start, p_end in long_paragraphs:
        inside = [s for s in passages if p_start <= s.start < p_end]
        chunk_start = p_start
        while inside:
            chunk = [inside.pop(0)]
            while inside and inside[0].end - chunk_start <= QUOTE_CHUNK:
                chunk.append(inside.pop(0))
            chunk_end = chunk[-1].end
            quotes += [replace(q, start=q.start + chunk_start, end=q.end + chunk_start)
                       for q in extract_quotes(text[chunk_start:chunk_end])]
            chunk_start = inside[0].start if inside else chunk_end
    return sorted(quotes, key=lambda q: q.start)


def _quote_rules_version() -> int | None:
    """A checksum of what stored quotations depend on: the source of the quotation and sentence
    modules and of this one (which runs them over a body), and the Python version behind the regexes;
    None without the source (nothing can then tell whether stored quotations are current)."""
    digest = zlib.crc32(f"{sys.version_info[:2]} {unicodedata.unidata_version}".encode())
    for path in (_quotes_module.__file__, _passages_module.__file__, __file__):
        try:
            digest = zlib.crc32(Path(path).read_bytes(), digest)
        except (OSError, TypeError):
            return None
    return digest


# Stored with the library once its quotations are known to be what these rules find: another value
# means an upgrade changed the rules, and `db requote` (or a running bot) finds them again.
QUOTE_RULES_VERSION = _quote_rules_version()


def prepare(draft: ArticleDraft) -> PreparedArticle:
    """Validate a draft and find its passages and quotations (CPU work: run it off the event loop)."""
    draft.title = re.sub(r"\s+", " ", draft.title).strip()[:500] or "Untitled"
    draft.body = draft.body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not draft.body:
        raise IngestError("no article text")
    if len(draft.body) > MAX_BODY_CHARS:
        raise IngestError(f"too large ({len(draft.body):,} characters; the limit is {MAX_BODY_CHARS:,})")
    passages = split_passages(draft.body)
    try:
        quotes = find_quotes(draft.body, passages)
    except Exception:  # a rule bug must not cost the user the article itself
        log.exception("quotation extraction failed for %r", draft.title)
        quotes = []
    bounds = [(p.start, p.end) for p in passages]
    with_passages = [(q, passage_holding(q.start, bounds)) for q in quotes]
    return PreparedArticle(draft, content_hash(draft.body), passages, with_passages,
                           word_list(article_text(draft.title, draft.body)), stored_analysis(draft.body))
