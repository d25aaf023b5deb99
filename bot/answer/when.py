"""`when <event>`: find the passage about the event and the time expression that dates it.

Every candidate passage (BM25 top 20, kept when its coverage passes the threshold) offers its
time expressions, each scored by bot.nlp.timex.rank_time_expressions: how closely the event's
words attach to it (words that single the event out of its article weigh most), whether its
clause agrees with the question's tense, whether it dates a saying or a comparison rather than
the event. The passage's coverage adds a little, so a date beside the event's own words wins
over a date in a better-covered passage about something else.
An article can only date an event it names: a content word of the question that occurs nowhere
in the article ("when will X adopt the euro" against an article without "adopt") rules it out,
except words that only frame the time (start, end, take place, next, first, ...).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.answer.match import THRESHOLDS, term_weights
from bot.answer.models import Answer, ArticleRef
from bot.nlp.timex import (
    TimeExpression, WhenQuestion, analyse_question, article_lacks, choose_from_ranked,
    rank_following, rank_time_expressions,
)
from bot.nlp.tokens import query_terms

if TYPE_CHECKING:
    from bot.answer.core import Answerer
    from bot.store.records import PassageRecord

# How much the passage's coverage counts next to the expression's own score.
COVERAGE_WEIGHT = 0.3
# Passages further than this below the best coverage are not considered.
COVERAGE_MARGIN = 0.45
# Passages this close to the best coverage may lend their event to the sentences after them.
FOLLOW_MARGIN = 0.2


def _pick(candidates: list[tuple[PassageRecord, float, str, str]], terms: list[str],
          question: WhenQuestion, weights: dict[str, float]
          ) -> tuple[PassageRecord, TimeExpression] | None:
    lacking: dict[int, bool] = {}
    top_cov = candidates[0][1] if candidates else 0.0
    best: tuple[float, PassageRecord, str, list] | None = None
    for record, cov, title, body in candidates:
        aid = record.article.id
        if aid not in lacking:
            lacking[aid] = bool(article_lacks(title + "\n" + body, terms))
        if lacking[aid]:
            continue
        ranked = rank_time_expressions(body, (record.start, record.end), terms,
                                       record.article.published, question, weights)
        if not ranked and cov >= top_cov - FOLLOW_MARGIN:
            # The passage naming the event gives no date: the next sentences may ("The cut
            # will apply from June 1").
            ranked = rank_following(body, (record.start, record.end), terms,
                                    record.article.published, question, weights)
        if not ranked:
            continue
        score = ranked[0][0] + COVERAGE_WEIGHT * cov
        if best is None or score > best[0]:
            best = (score, record, body, ranked)
    if best is None:
        return None
    _, record, body, ranked = best
    return record, choose_from_ranked(body, ranked, record.article.published, question)


async def answer_when(ctx: Answerer, question: str, text: str, guild_id: int | None) -> Answer:
    """The time expression dating the event, from the passage that describes it."""
    terms = query_terms(text)
    candidates = [c for c in await ctx.best_passages(terms, guild_id) if c[1] >= THRESHOLDS["when"]]
    if not candidates:
        return Answer(question, "when", False, "I couldn't find that event in the library.")
    best_cov = candidates[0][1]
    pool = []
    bodies: dict[int, str] = {}
    for record, cov, _ in candidates:
        if cov < best_cov - COVERAGE_MARGIN:
            break
        aid = record.article.id
        if aid not in bodies:
            bodies[aid] = await ctx.store.article_body(aid) or ""
        pool.append((record, cov, record.article.title or "", bodies[aid] or record.text))
    weights = dict(zip(terms, term_weights(terms, ctx.index.idf, ctx.index.size())))
    picked = await asyncio.to_thread(_pick, pool, terms, analyse_question(text), weights)
    if picked is not None:
        record, expr = picked
        return Answer(
            question, "when", True, expr.text, date=expr.iso, passage=record.text,
            article=ArticleRef.of(record.article),
            details={"expression": expr.text, "value": expr.value, "granularity": expr.granularity,
                     "kind": expr.kind},
        )
    record = candidates[0][0]
    return Answer(question, "when", False, "No date found for that in the text.",
                  passage=record.text, article=ArticleRef.of(record.article))
