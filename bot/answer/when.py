"""`when <event>`: find the passage about the event and the time expression that dates it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.answer.match import THRESHOLDS
from bot.answer.models import Answer, ArticleRef
from bot.nlp.timex import choose_time_expression
from bot.nlp.tokens import query_terms

if TYPE_CHECKING:
    from bot.answer.core import Answerer


async def answer_when(ctx: Answerer, question: str, text: str, guild_id: int | None) -> Answer:
    """The time expression dating the event, from the passage that describes it."""
    terms = query_terms(text)
    candidates = [c for c in await ctx.best_passages(terms, guild_id) if c[1] >= THRESHOLDS["when"]]
    if not candidates:
        return Answer(question, "when", False, "I couldn't find that event in the library.")
    best_cov = candidates[0][1]
    for record, cov, _ in candidates:
        if cov < best_cov - 0.15:
            break
        body = await ctx.store.article_body(record.article.id) or record.text
        published = record.article.published
        expr = await asyncio.to_thread(
            choose_time_expression, body, (record.start, record.end), list(terms), published
        )
        if expr is not None:
            return Answer(
                question, "when", True, expr.text, date=expr.iso, passage=record.text,
                article=ArticleRef.of(record.article),
                details={"expression": expr.text, "value": expr.value, "granularity": expr.granularity,
                         "kind": expr.kind},
            )
    record = candidates[0][0]
    return Answer(question, "when", False, "No date found for that in the text.",
                  passage=record.text, article=ArticleRef.of(record.article))

