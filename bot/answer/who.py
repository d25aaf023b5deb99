"""`who said <words>`: find the quotation, name its speaker, cite the article."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.answer.match import THRESHOLDS
from bot.answer.models import Answer, ArticleRef, Hit
from bot.nlp.tokens import query_terms
from bot.store.records import QuoteRecord

if TYPE_CHECKING:
    from bot.answer.core import Answerer

CANDIDATES = 20


async def answer_who(ctx: Answerer, question: str, text: str, guild_id: int | None) -> Answer:
    """The speaker of the words: quotations first, then passages with a quotation in them."""
    terms = query_terms(text)
    threshold = THRESHOLDS["who"]
    hits = await ctx.index.search("quotes", terms, CANDIDATES, guild_id)
    quotes = await ctx.store.quotes([i for i, _ in hits])
    scored: list[tuple[QuoteRecord, float, float]] = []
    for qid, score in hits:
        q = quotes.get(qid)
        if q is not None and q.canonical:
            scored.append((q, ctx.coverage(terms, q.text), score))
    scored.sort(key=lambda r: (-round(r[1], 6), -r[2]))
    if scored and scored[0][1] >= threshold:
        best_cov = scored[0][1]
        same = [q for q, cov, _ in scored if cov >= best_cov - 1e-6]
        return _who_answer(question, same)
    # No quotation matches: a passage may still carry the words, with a speaker in it.
    for record, cov, _ in (await ctx.best_passages(terms, guild_id))[:3]:
        if cov < threshold:
            break
        inside = [q for q in await ctx.store.article_quotes(record.article.id)
                  if q.canonical and q.passage_id == record.id]
        if inside:
            return _who_answer(question, inside[:1])
        return Answer(question, "who", False, "I found the words, but not who said them.",
                      passage=record.text, article=ArticleRef.of(record.article))
    return Answer(question, "who", False, "I couldn't find anyone saying that in the library.")


def _who_answer(question: str, quotes: list[QuoteRecord]) -> Answer:
    speakers: list[str] = []
    for q in quotes:
        if q.canonical not in speakers:
            speakers.append(q.canonical)  # type: ignore[arg-type]
    first = quotes[0]
    name = speakers[0] if len(speakers) == 1 else ", ".join(speakers[:-1]) + " and " + speakers[-1]
    return Answer(
        question, "who", True, name,
        passage=first.passage_text or first.text,
        article=ArticleRef.of(first.article),
        hits=[Hit(q.text, ArticleRef.of(q.article), q.canonical) for q in quotes[:5]],
        details={"speakers": speakers, "quote": first.text, "speaker_as_named": first.speaker,
                 "method": first.method, "is_person": first.is_person},
    )

