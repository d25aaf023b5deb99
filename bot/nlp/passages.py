"""Split an article body into sentence passages with their character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end with a full stop without ending the sentence.
_ABBREVIATIONS = frozenset("""
mr mrs ms dr prof gen sen rep gov lt col sgt capt cmdr adm maj st mt ft jr sr inc corp ltd co
no nos vs jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u a.m p.m e.g i.e
approx est dept univ rev fig
""".split())

# A sentence ends at . ! or ? (plus closing quotes/brackets), before white space and a capital,
# digit or opening quote.
_BOUNDARY = re.compile(r"""[.!?]+["'\u201d\u2019)\]]*(?=\s+["'\u201c\u2018(\[]?[A-Z0-9])""")
# Scraped pages glue a caption to the sentence before it: "rebels.Vladimir Putin orders ..."
_GLUED = re.compile(r"(?<=[a-z]{2})[.!?](?=[A-Z][a-z])")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Span:
    """A passage: its text and where it stands in the body."""

    text: str
    start: int
    end: int
    paragraph: int


def _is_abbreviation(text: str, dot: int) -> bool:
    # Only the word before the dot matters: search a short tail, not the whole paragraph again for
    # every full stop (that made long paragraphs quadratic). Abbreviations are far shorter than this.
    word = re.search(r"([\w.]+)$", text[max(0, dot - 64):dot])
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    # A lone capital ("J. K. Rowling") is an initial, not a sentence end.
    return token in _ABBREVIATIONS or (len(token) == 1 and text[dot - 1].isupper())


def _sentence_ends(paragraph: str) -> list[int]:
    ends = []
    for match in _BOUNDARY.finditer(paragraph):
        if match.group(0).startswith(".") and _is_abbreviation(paragraph, match.start()):
            continue
        ends.append(match.end())
    ends.extend(m.end() for m in _GLUED.finditer(paragraph))
    return sorted(set(ends))


def split_passages(body: str) -> list[Span]:
    """Sentences of the body, paragraph by paragraph, with offsets into body."""
    spans: list[Span] = []
    cursor = 0
    paragraphs = []
    for match in _PARAGRAPH.finditer(body):
        paragraphs.append((cursor, match.start()))
        cursor = match.end()
    paragraphs.append((cursor, len(body)))
    for number, (p_start, p_end) in enumerate(paragraphs):
        paragraph = body[p_start:p_end]
        start = 0
        for end in _sentence_ends(paragraph) + [len(paragraph)]:
            piece = paragraph[start:end]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                s = p_start + start + lead
                spans.append(Span(stripped, s, s + len(stripped), number))
            start = end
    return spans
