"""`when <event>`: find the passage about the event and the time expression that dates it.

Search (BM25 top 20, kept when coverage passes the threshold; near misses are read again with
stems, "fallen" for "falling") finds the articles. Within each, every sentence offers its time
expressions, since the dated sentence often words the event differently from the question or
sits beside the passage search found. Each expression is scored by
bot.nlp.timex.rank_time_expressions: how closely the event's words attach to it (words that
single the event out of its article weigh most), whether its clause agrees with the question's
tense, whether it dates a saying or a comparison rather than the event. The sentence's coverage
(stems; words found elsewhere in the article count half) adds a little, so a date beside the
event's own words wins over a date in a better-covered sentence about something else.
An article can only date an event it names: a content word of the question that occurs nowhere
in the article ("when will X adopt the euro" against an article without "adopt") rules it out,
except words that only frame the time (start, end, take place, next, first, ...).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.answer.match import THRESHOLDS
from bot.answer.models import Answer, ArticleRef
from bot.nlp.timex import (
    TimeExpression, WhenQuestion, analyse_question, choose_from_ranked, plain_verbs, rank_following,
    rank_time_expressions, release_evicted, seed_analyses, sentence_coverage, sentence_coverage_at_most,
    sentence_coverages, title_and_body_lack,
)
from bot.nlp.tokens import query_terms
from bot.store.records import PassageRecord

if TYPE_CHECKING:
    from bot.answer.core import Answerer
    from bot.store.fastread import PassageReader

# How much the passage's coverage counts next to the expression's own score.
COVERAGE_WEIGHT = 0.3
# Passages further than this below the best coverage are not considered.
COVERAGE_MARGIN = 0.45
# Passages this close to the best coverage may lend their event to the sentences after them.
FOLLOW_MARGIN = 0.2
# Passages this far below the threshold are read again with stems before being given up.
NEAR_MISS = 0.15
# Search leaves out passages that cannot cover this much (their article's words are not all read):
# every use of its passages below (the near misses, _candidates, the articles read) keeps only those
# covering at least this, and leaving the others out changes neither the coverage nor the order of
# any kept (a stable sort of the rest).
FLOOR = THRESHOLDS["when"] - NEAR_MISS
# An expression whose event words barely attach to it (rank_time_expressions' score: the weighted
# share of them near it) dates nothing: on the eval sets all five winners below 0.05 were wrong,
# three of them for events the article never dates; the lowest right one scored 0.051.
MIN_ATTACHMENT = 0.045
# The event's sentence and a neighbouring dated one are quoted together up to this length.
MAX_JOINED_PASSAGE = 900
# How far below the best a later article's date may score and still be the answer to a question
# about what is to come (_better).
RECENCY_MARGIN = 0.05

NOT_FOUND = "I couldn't find that event in the library."


# Each article's stored passages (its sentences, as import cut them) as (start, end) in its body:
# their texts are cut only for the sentence an answer quotes.
Bounds = dict[int, list[tuple[int, int]]]


def _pick(pool: list[tuple[PassageRecord, float]], bodies: dict[int, str], bounds: Bounds, terms: list[str],
          question: WhenQuestion, weights: dict[str, float]) -> tuple[PassageRecord, TimeExpression] | None:
    """The best dated sentence of the articles the candidate passages come from.

    Search finds the articles; within each, every sentence is read again with stems and
    prefixes ("died" for "die", "piloted" for "pilot", "floated" for "float"), since the dated
    sentence often words the event differently from the question, or sits next to the passage
    that search found."""
    articles: dict[int, PassageRecord] = {}
    for record, _cov in pool:
        articles.setdefault(record.article.id, record)
    best: tuple[float, PassageRecord, str, list] | None = None
    for record in articles.values():
        title, body = record.article.title or "", bodies.get(record.article.id) or record.text
        if title_and_body_lack(title, body, terms, question):
            continue
        published = record.article.published
        aid = record.article.id
        stored = bounds.get(aid) if aid in bodies else None  # the stored passages: split_passages(body)
        spans = stored or [(record.start, record.end)]  # (else the passage alone, its text as found)
        covs = sentence_coverages(body, title, spans, terms, weights)
        top = max(covs)
        ranked_all = rank_time_expressions(body, (0, len(body)), terms, published, question, weights)
        where = {}
        for score, e in ranked_all:
            i = next((k for k, (a, b) in enumerate(spans) if a <= e.start < b), None)
            if i is not None:
                where.setdefault(i, []).append((score, e))
        options = [(ranked[0][0] + COVERAGE_WEIGHT * covs[i], i, ranked) for i, ranked in where.items()
                   if covs[i] >= THRESHOLDS["when"]  # a sentence must cover the event as a passage must
                   and ranked[0][0] >= MIN_ATTACHMENT]
        for i, span in enumerate(spans):
            if i in where or covs[i] < top - FOLLOW_MARGIN:
                continue
            # The sentence naming the event gives no date: the next sentences may ("The cut
            # will apply from June 1").
            ranked = rank_following(body, span, terms, published, question, weights)
            if ranked and ranked[0][0] >= MIN_ATTACHMENT:
                options.append((ranked[0][0] + COVERAGE_WEIGHT * covs[i], i, ranked))
        for score, i, ranked in options:
            if best is None or _better(question, score, record, best[0], best[1]):
                a, b = spans[i]
                text = bodies[aid][a:b] if stored else record.text
                best = (score, PassageRecord(record.id, record.article, -1, text, a, b), body, ranked)
    if best is None:
        return None
    _, record, body, ranked = best
    return record, choose_from_ranked(body, ranked, record.article.published, question)


def _better(question: WhenQuestion, score: float, record: PassageRecord, best: float, holder: PassageRecord) -> bool:
    """Whether a dated sentence beats the best so far. For "when is/will …", the later article's
    wins within RECENCY_MARGIN: the later report is the one a reader means (last June's parents'
    meeting is not the one to come)."""
    new, old = record.article.published, holder.article.published
    if question.tense in ("future", "present") and new is not None and old is not None and new != old:
        return score >= best - RECENCY_MARGIN if new > old else score > best + RECENCY_MARGIN
    return score > best


def _candidates(found: list[tuple[PassageRecord, float, float]], bodies: dict[int, str], terms: list[str],
                weights: dict[str, float], words: dict[int, str]) -> list[tuple[PassageRecord, float]]:
    """The passages covering the event, best first; near misses need their article's body in bodies
    and its stored word list in words."""
    candidates = []
    for record, cov, _ in found:
        aid, title = record.article.id, record.article.title or ""
        body = bodies.get(aid, "")
        if FLOOR <= cov < THRESHOLDS["when"] and body:
            # Search matches words as written; "fallen" for "falling" or "died" for "die" may
            # still make the passage cover the event. Stems of the whole body cost ~0.7 ms: a
            # bound from the sentence and the word list first rules most near misses out.
            span = (record.start, record.end)
            bound = sentence_coverage_at_most(body, title, span, terms, weights, words[aid]) if aid in words else None
            if bound is None or bound >= THRESHOLDS["when"]:
                cov = max(cov, sentence_coverage(body, title, span, terms, weights))
        if cov >= THRESHOLDS["when"]:
            candidates.append((record, cov))
    candidates.sort(key=lambda c: -c[1])
    return candidates


def _pool(candidates: list[tuple[PassageRecord, float]]) -> list[tuple[PassageRecord, float]]:
    """The candidates close enough to the best one for _pick to read their articles (best first)."""
    best_cov = candidates[0][1]
    pool = []
    for record, cov in candidates:
        if cov < best_cov - COVERAGE_MARGIN:
            break
        pool.append((record, cov))
    return pool


def _seed(pool: list[tuple[PassageRecord, float]], bodies: dict[int, str], analyses: dict[int, str | None]) -> None:
    """Let _pick's first reading of each pool article take the date analysis stored with it."""
    ids = dict.fromkeys(record.article.id for record, _ in pool)
    seed_analyses((bodies[i], analyses[i]) for i in ids if i in bodies and i in analyses)


def _candidates_and_pick(found: list[tuple[PassageRecord, float, float]], bodies: dict[int, str],
                         words: dict[int, str], bounds: Bounds, terms: list[str],
                         question: WhenQuestion, weights: dict[str, float], analyses: dict[int, str | None]
                         ) -> tuple[list[tuple[PassageRecord, float]], tuple[PassageRecord, TimeExpression] | None]:
    """The passages covering the event, best first, and _pick's choice among their articles (CPU
    work on article texts: run it off the event loop)."""
    candidates = _candidates(found, bodies, terms, weights, words)
    if not candidates:
        return [], None
    pool = _pool(candidates)
    _seed(pool, bodies, analyses)
    return candidates, _pick(pool, bodies, bounds, terms, question, weights)


def _passage_with(body: str, spans: Sequence[tuple[int, int]], record: PassageRecord,
                  expr: TimeExpression) -> str:
    """The passage the answer rests on: the event's sentence, and the dated sentence (one of the
    article's stored sentences, spans in body) when the date came from a neighbour ("The reduction
    will apply from June 1")."""
    if not body or record.start <= expr.start < record.end:
        return record.text
    dated = next(((a, b) for a, b in spans if a <= expr.start < b), None)
    if dated is None:
        return record.text
    start, end = min(record.start, dated[0]), max(record.end, dated[1])
    if end - start <= MAX_JOINED_PASSAGE:
        return re.sub(r"\s*\n\s*", " ", body[start:end])
    return body[dated[0]:dated[1]]


async def answer_when(ctx: Answerer, question: str, text: str, guild_id: int | None) -> Answer:
    """The time expression dating the event, from the passage that describes it."""
    reader = ctx.store.reader
    if reader is not None:
        # The question is read in the worker too: on the event loop it ran cold after the last
        # answer's work, at twice the cost (~0.1 ms), before the thread hop.
        answer = await asyncio.to_thread(_answer_blocking, ctx, reader, question, text, guild_id)
        _release_after_reply()
        return answer
    text, terms, weights, asked = _read_question(ctx, text)
    found, words = await ctx.passages_and_words(terms, guild_id, floor=FLOOR, weights=[weights[t] for t in terms])
    # Every article that may be read again below (its body, date analysis and sentences).
    near = [r.article.id for r, cov, _ in found if cov >= FLOOR]
    if not near:
        return Answer(question, "when", False, NOT_FOUND)
    analysed = await ctx.store.article_analyses(near)
    bodies = {i: body for i, (body, _) in analysed.items()}
    bounds = await ctx.store.passage_bounds(near)
    analyses = {i: analysis for i, (_, analysis) in analysed.items()}
    candidates, picked = await asyncio.to_thread(
        _candidates_and_pick, found, bodies, words, bounds, terms, asked, weights, analyses)
    _release_after_reply()
    return _answer(question, candidates, picked, bodies, bounds)


def _release_after_reply() -> None:
    """Free the article analyses this answer pushed out of the cache once the event loop has handed
    the answer on (freeing them took ~0.1-0.25 ms of a ~3 ms answer)."""
    asyncio.get_running_loop().call_soon(release_evicted)


def _read_question(ctx: Answerer, text: str) -> tuple[str, list[str], dict[str, float], WhenQuestion]:
    """The question's text with phrasal verbs made plain, its search terms and their weights, and
    what its wording asks (tense, aspect)."""
    text = plain_verbs(text)
    terms = query_terms(text)
    return text, terms, dict(zip(terms, ctx.weights(terms))), analyse_question(text)


def _answer_blocking(ctx: Answerer, reader: PassageReader, question: str, text: str,
                     guild_id: int | None) -> Answer:
    """answer_when in one worker thread (each thread hop waits for a core), reading only what is
    judged: the bodies of near misses and of the pool's articles, and the pool's sentences."""
    text, terms, weights, asked = _read_question(ctx, text)
    if not terms:  # (nothing to search for: what the search would find)
        return Answer(question, "when", False, NOT_FOUND)
    found, words = ctx.passages_and_words_blocking(reader, terms, guild_id, floor=FLOOR,
                                                   weights=[weights[t] for t in terms])  # (ctx.weights(terms))
    misses = [r.article.id for r, cov, _ in found if FLOOR <= cov < THRESHOLDS["when"]]
    analysed = reader.article_analyses(misses)
    bodies = {i: body for i, (body, _) in analysed.items()}
    candidates = _candidates(found, bodies, terms, weights, words)
    if not candidates:
        return _answer(question, [], None, bodies, {})
    pool = _pool(candidates)
    articles = list(dict.fromkeys(record.article.id for record, _ in pool))
    analysed.update(reader.article_analyses([i for i in articles if i not in bodies]))
    bodies.update((i, body) for i, (body, _) in analysed.items())
    _seed(pool, bodies, {i: analysis for i, (_, analysis) in analysed.items()})
    bounds = reader.passage_bounds(articles)
    return _answer(question, candidates, _pick(pool, bodies, bounds, terms, asked, weights), bodies, bounds)


def _answer(question: str, candidates: list[tuple[PassageRecord, float]],
            picked: tuple[PassageRecord, TimeExpression] | None, bodies: dict[int, str],
            bounds: Bounds) -> Answer:
    """The reply to the question from the passages found and _pick's choice among them."""
    if not candidates:
        return Answer(question, "when", False, NOT_FOUND)
    if picked is not None:
        record, expr = picked
        return Answer(
            question, "when", True, expr.text, date=expr.iso,
            passage=_passage_with(bodies.get(record.article.id) or "", bounds.get(record.article.id, []),
                                  record, expr),
            article=ArticleRef.of(record.article),
            details={"expression": expr.text, "value": expr.value, "granularity": expr.granularity,
                     "kind": expr.kind},
        )
    record = candidates[0][0]
    return Answer(question, "when", False, "No date found for that in the text.",
                  passage=record.text, article=ArticleRef.of(record.article))
