"""`who said <words>`: find the quotation, name its speaker, cite the article.

Order of evidence:

1. Quotations (and reported-speech clauses) ranked by coverage of the question's words, then by
   that of the sentence around them, then BM25.
   Unattributed quotations compete too: when the words are best matched by a quotation nobody is
   named for, a weaker match from someone else must not be passed off as the answer.
2. Otherwise the sentence (passage) holding the words; its speaker is the attributed quotation
   overlapping that sentence that shares most of the question's words (a partial quote inside
   reported speech: `X said the deal was "tough but fair"`).
3. When the same words were said by more than one person, all of them are named (past MAX_NAMED,
   counted, and a few named).
4. When nothing holds the words, quotations holding some of them in other words ("irritating but
   entirely curable" for "annoying but completely cured", bot.answer.synonyms), judged as in 1 but
   without the looser stand-out rule.

An answer's article must name what the question names ("Taskan"), and a figure the question gives
("18,000") must be in the answering sentence.

A sentence must hold enough of the words itself: words found only elsewhere in its article (a
story about closing stores) do not make its speaker say them, nor do words that are only its
speaker's name ("Glenaird Mountain Rescue Team said …" for "mountain rescue teams"). A sentence
holding far more of the words than the best quotation (`X said the union would stay out "until the
end of the year"`, where the quotation alone lacks "stay out") names its own speaker instead.

A best-matching quotation or sentence that negates the question's words ("has not recovered" for
"will recover") names nobody; weaker matches do not stand in for it.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot.answer.match import GROUP_PREFIX, THRESHOLDS, by_prefix, candidates_for, coverages, same_word
from bot.answer.models import Answer, ArticleRef, Hit
from bot.answer.synonyms import synonyms
from bot.nlp.quotes import name_matches
from bot.nlp.tokens import STOPWORDS, normalize_quotes, query_terms, tokenize
from bot.store.records import PassageRecord, QuoteRecord

if TYPE_CHECKING:
    from bot.answer.core import Answerer
    from bot.store.fastread import PassageReader

CANDIDATES = 20
PASSAGES = 5
# Speakers named in an answer; past this many the words are too common to tell who is meant.
MAX_NAMED = 5
TIE = 1e-6
# Consecutive question words may sit this many words apart and still be "the same words".
PHRASE_GAP = 1
# A negation this many words before a question word changes what is said ("has not recovered").
NEGATION_WINDOW = 2
# Share of the question's words a sentence must hold itself (not just its article) to be the one
# that says them: a story about closing stores does not make "we are in our stores" say "close stores".
OWN_WORDS = 0.5
# How much more of the question's words a sentence must hold than the best quotation for the
# sentence's own speaker to be preferred; and how much of a sentence's coverage may come from
# the rest of its article when it is compared with quotations.
SENTENCE_MARGIN = 0.25
CONTEXT_SLACK = 0.1
# Below the threshold, a quotation still answers when it holds this share of the question's words
# and every other speaker's holds STANDOUT less (_standing_out).
RELAXED = 0.45
STANDOUT = 0.22
NEGATORS = frozenset("not never t cannot".split())  # "nobody", "no" move about in paraphrase

# Capitalised words (a name's, or a sentence's first) and calendar words, which name no one.
_CAPITALISED = re.compile(r"(?<![\w'-])[A-Z][\w'-]*")
_CALENDAR = frozenset("january february march april may june july august september october november december "
                      "monday tuesday wednesday thursday friday saturday sunday".split())
NOT_FOUND = "I couldn't find anyone saying that in the library."
NO_SPEAKER = "I found the words, but not who said them."


async def answer_who(ctx: Answerer, question: str, text: str, guild_id: int | None) -> Answer:
    """The speaker of the words: quotations first, then the sentences that hold the words."""
    terms = query_terms(text)
    reader = ctx.store.reader
    if reader is not None and terms:
        # search, reads and judging in one worker-thread hop: each hop costs a thread switch
        return await asyncio.to_thread(_answer_blocking, ctx, reader, question, text, terms, guild_id)
    weights, k = ctx.weights(terms), candidates_for(terms, CANDIDATES)
    hits = await ctx.index.search("quotes", terms, _quote_candidates(terms, text), guild_id)
    scored = _scored_quotes(ctx, terms, weights, hits, await ctx.store.quotes([i for i, _ in hits]))
    passages = [] if _settled(terms, text, scored) else await ctx.best_passages(terms, guild_id, k)
    # the articles _from_passages may look inside (it takes at most PASSAGES above the threshold)
    wanted = {r.article.id for r, cov, _ in passages[:PASSAGES] if cov >= THRESHOLDS["who"]}
    article_quotes = {aid: await ctx.store.article_quotes(aid) for aid in wanted}
    answer = _decide(ctx, question, text, terms, weights, scored, passages, article_quotes.__getitem__)
    if not answer.found and (alts := _alternatives(terms)):
        hits = await ctx.index.search("quotes", _expanded(terms, alts), CANDIDATES, guild_id)
        answer = _paraphrased(ctx, question, text, terms, weights, alts, hits,
                              await ctx.store.quotes([i for i, _ in hits]), answer)
    if answer.found and answer.article is not None and (names := _names(text)):
        body = (await ctx.store.article_analyses([answer.article.id])).get(answer.article.id, ("", None))[0]
        return _about_the_names(question, names, answer, body)
    return answer


def _answer_blocking(ctx: Answerer, reader: PassageReader, question: str, text: str, terms: list[str],
                     guild_id: int | None) -> Answer:
    """answer_who inside a worker thread, reading through the store's blocking reader."""
    weights, k = ctx.weights(terms), candidates_for(terms, CANDIDATES)
    hits = ctx.index.search_blocking("quotes", terms, _quote_candidates(terms, text), guild_id)
    scored = _scored_quotes(ctx, terms, weights, hits, reader.quotes([i for i, _ in hits]))
    passages = [] if _settled(terms, text, scored) else ctx.best_passages_blocking(reader, terms, guild_id, k)
    answer = _decide(ctx, question, text, terms, weights, scored, passages, reader.article_quotes)
    if not answer.found and (alts := _alternatives(terms)):
        hits = ctx.index.search_blocking("quotes", _expanded(terms, alts), CANDIDATES, guild_id)
        answer = _paraphrased(ctx, question, text, terms, weights, alts, hits,
                              reader.quotes([i for i, _ in hits]), answer)
    if answer.found and answer.article is not None and (names := _names(text)):
        body = reader.article_analyses([answer.article.id]).get(answer.article.id, ("", None))[0]
        return _about_the_names(question, names, answer, body)
    return answer


def _alternatives(terms: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The question's words that a paraphrase may have put otherwise, with the words it may use."""
    return {t: alts for t in terms if (alts := synonyms(t))}


def _expanded(terms: Sequence[str], alts: dict[str, tuple[str, ...]]) -> list[str]:
    """The words to search quotations for: the question's and each one's alternatives."""
    return list(dict.fromkeys([*terms, *(a for t in terms for a in alts.get(t, ()))]))


def _paraphrased(ctx: Answerer, question: str, text: str, terms: Sequence[str], weights: Sequence[float],
                 alts: dict[str, tuple[str, ...]], hits: list[tuple[int, float]], quotes: dict[int, QuoteRecord],
                 unanswered: Answer) -> Answer:
    """The answer when a quotation holds the question's words only in other words ("irritating but
    entirely curable" for "annoying but completely cured"), judged as a quotation holding the
    question's own words is; else the answer without."""
    scored, asked = [], list(terms)
    for qid, score in hits:
        if (q := quotes.get(qid)) is not None:
            words = tokenize(q.text)
            put = [t if any(same_word(t, w) for w in words)
                   else next((a for a in alts.get(t, ()) if any(same_word(a, w) for w in words)), t) for t in terms]
            if put != asked:  # (the rest were judged with the question's words already)
                cov = ctx.coverage(put, q.text, weights=weights)
                if cov >= THRESHOLDS["who"]:  # (no paraphrase of a paraphrase: see _standing_out)
                    scored.append((q, cov, score))
    scored.sort(key=lambda r: (-round(r[1], 6), -r[2]))
    answer = _decide(ctx, question, text, terms, weights, scored, [], lambda _: [])
    if not answer.found:
        return unanswered
    answer.details["paraphrase"] = True
    return answer


def _names(text: str) -> list[str]:
    """The question's capitalised words that name someone or something ("Taskan", "Castlegate's"),
    lower-cased, without a possessive or contraction."""
    out = []
    for m in _CAPITALISED.finditer(normalize_quotes(text)):
        word = m.group().split("'")[0].lower()
        if len(word) >= 3 and word not in STOPWORDS and word not in _CALENDAR:
            out.append(word)
    return out


def _about_the_names(question: str, names: list[str], answer: Answer, body: str) -> Answer:
    """The answer, unless its article never names what the question names: "who said Taskan came
    to the zoo through a breeding scheme" is not answered by another zoo's lynx that did."""
    if answer.article is None:
        return answer
    # a name's first five letters begin a word of the article: "Europe" for "European"; the
    # article's word beginnings are read once, however many names a long question holds
    keys = {re.match(r"\w*", name).group()[:5] or name for name in names}  # ("al-Assad": "al")
    words = re.findall(r"\w+", f"{answer.article.title}\n{normalize_quotes(body)}".lower())
    lengths = {len(key) for key in keys}
    beginnings = {w[:k] for w in words for k in lengths if len(w) >= k}
    if keys <= beginnings:
        return answer
    return Answer(question, "who", False, NOT_FOUND)


def _quote_candidates(terms: Sequence[str], text: str) -> int:
    """Quotations to search for: more when the words are mostly common, since only quotations are
    then told apart by the words as said (_same_words); sentences are judged by coverage alone."""
    return candidates_for(terms, CANDIDATES, tokenize(text))


def _scored_quotes(ctx: Answerer, terms: Sequence[str], weights: Sequence[float], hits: list[tuple[int, float]],
                   quotes: dict[int, QuoteRecord]) -> list[tuple[QuoteRecord, float, float]]:
    """The found quotations with (record, coverage, bm25), best first."""
    found = [(q, score) for q, score in ((quotes.get(qid), score) for qid, score in hits) if q is not None]
    covered = coverages(terms, [q.text for q, _ in found], [None] * len(found), weights)
    scored = [(q, cov, score) for (q, score), cov in zip(found, covered)]
    # Equal quotations ("long overdue" said by two people) are told apart by their sentences: only
    # quotations tied on a coverage that can answer need theirs judged (below the threshold the
    # order is never read).
    ties = Counter(round(cov, 6) for _, cov, _ in scored)
    around = {q.id: ctx.coverage(terms, q.passage_text, weights=weights) for q, cov, _ in scored
              if q.passage_text and cov >= THRESHOLDS["who"] and ties[round(cov, 6)] > 1}
    scored.sort(key=lambda r: (-round(r[1], 6), -round(around.get(r[0].id, 0.0), 6), -r[2]))
    return scored


def _settled(terms: Sequence[str], text: str, scored: list[tuple[QuoteRecord, float, float]]) -> bool:
    """Whether the quotations alone decide the answer, so no sentence needs searching: an attributed
    best quotation that no sentence can beat by SENTENCE_MARGIN (coverage is at most 1)."""
    if not scored or scored[0][1] < THRESHOLDS["who"] or scored[0][1] + SENTENCE_MARGIN <= 1.0 + TIE:
        return False
    best_cov = scored[0][1]
    return any(q.canonical and _fits(terms, text, q) for q, cov, _ in scored if cov >= best_cov - TIE)


def _decide(ctx: Answerer, question: str, text: str, terms: Sequence[str], weights: Sequence[float],
            scored: list[tuple[QuoteRecord, float, float]], passages: list[tuple[PassageRecord, float, float]],
            article_quotes: Callable[[int], list[QuoteRecord]]) -> Answer:
    """The answer from the scored quotations and, unless they settle it, the candidate sentences."""
    threshold = THRESHOLDS["who"]
    unattributed: QuoteRecord | None = None
    if scored and scored[0][1] >= threshold:
        best_cov = scored[0][1]
        tied = [q for q, cov, _ in scored if cov >= best_cov - TIE]
        attributed = [q for q in tied if q.canonical and _fits(terms, text, q)]
        if attributed:
            # a sentence holding far more of the words names its own speaker: `X said the union would
            # stay out "until the end of the year"` beats another quotation sharing two of the words
            found, _ = _from_passages(ctx, terms, text, weights, max(threshold, best_cov + SENTENCE_MARGIN),
                                      passages, article_quotes)
            if found and not any(_same_speaker(found[0].canonical, q.canonical) for q in attributed):
                return _who_answer(question, found)
            return _who_answer(question, _same_words(tokenize(text), attributed))
        unattributed = tied[0]
    # No attributed quotation matches: a sentence may still carry the words, with a speaker in it.
    found, sentence = _from_passages(ctx, terms, text, weights, threshold, passages, article_quotes)
    if found:
        return _who_answer(question, found)
    if (alone := _standing_out(terms, text, scored)) is not None:
        return _who_answer(question, [alone])
    if sentence is not None:
        return Answer(question, "who", False, NO_SPEAKER, passage=sentence.text,
                      article=ArticleRef.of(sentence.article))
    if unattributed is not None:
        return Answer(question, "who", False, NO_SPEAKER, passage=unattributed.passage_text or unattributed.text,
                      article=ArticleRef.of(unattributed.article))
    return Answer(question, "who", False, NOT_FOUND)


def _standing_out(terms: Sequence[str], text: str, scored: list[tuple[QuoteRecord, float, float]]
                  ) -> QuoteRecord | None:
    """A quotation short of the threshold that no other speaker's comes near: a paraphrase ("I wish
    I'd bought more" for "she wished she had bought more shares") whose words only it holds."""
    attributed = [(q, cov) for q, cov, _ in scored if q.canonical]
    if not attributed or attributed[0][1] < RELAXED or not _fits(terms, text, attributed[0][0]):
        return None
    best, cov = attributed[0]
    rival = next((c for q, c in attributed[1:] if not _same_speaker(q.canonical, best.canonical)), 0.0)
    return best if cov - rival >= STANDOUT else None


def _from_passages(ctx: Answerer, terms: Sequence[str], text: str, weights: Sequence[float], threshold: float,
                   passages: list[tuple[PassageRecord, float, float]],
                   article_quotes: Callable[[int], list[QuoteRecord]]
                   ) -> tuple[list[QuoteRecord], PassageRecord | None]:
    """The attributed quotation in the best sentence holding the words (of ctx.best_passages'
    candidates); else that sentence alone."""
    candidates = [c for c in passages[:PASSAGES] if c[1] >= threshold]
    if not candidates:
        return [], None
    best_cov = candidates[0][1]
    for record, cov, _ in candidates:
        if cov < best_cov - TIE:
            break
        if _polarity_clash(terms, text, record.text):
            continue  # the sentence says the opposite
        if _other_figures(terms, record.text):
            continue  # "a record 18,000 people ran": "140,000 people voted …, a record" counts others
        if ctx.coverage(terms, record.text, weights=weights) < max(OWN_WORDS, threshold - CONTEXT_SLACK):
            continue  # the words are the article's, not this sentence's
        inside = [q for q in article_quotes(record.article.id)
                  if q.canonical and (q.passage_id == record.id or (q.start < record.end and q.end > record.start))]
        if inside and ctx.coverage(terms, _without_speakers(record.text, inside), weights=weights) < max(
                OWN_WORDS, threshold - CONTEXT_SLACK):
            continue  # the words are the speaker's name ("Glenaird Mountain Rescue Team said …"), not what was said
        if inside:
            # the quotation sharing most of the question's words; the earliest on a tie
            best = max(inside, key=lambda q: (round(ctx.coverage(terms, q.text, weights=weights), 6), -q.start))
            return [best], record
    return [], candidates[0][0]


def _fits(terms: Sequence[str], question: str, quote: QuoteRecord) -> bool:
    """Whether a quotation can be what the question recalls: it does not say the opposite, nor
    give another figure."""
    return not _polarity_clash(terms, question, quote.text) \
        and not _other_figures(terms, quote.passage_text or quote.text)


def _other_figures(terms: Sequence[str], text: str) -> bool:
    """Whether the question gives a figure the sentence lacks: a sentence of its other words about
    another count is about another thing."""
    # (a year may be asked as the article's "last year")
    figures = {t for t in terms if t.isdigit() and not (len(t) == 4 and t[:2] in ("19", "20"))}
    return bool(figures) and not figures <= set(tokenize(text))


def _without_speakers(text: str, quotes: list[QuoteRecord]) -> str:
    """The sentence with the speakers of its quotations, as named, taken out."""
    for q in quotes:
        if q.speaker and len(q.speaker) > 3:
            text = text.replace(q.speaker, " ")
    return text


def _negated(terms: Sequence[str], words: Sequence[str]) -> dict[str, bool]:
    """For each question word found in the words, whether a negation sits just before every occurrence."""
    found: dict[str, bool] = {}
    groups = by_prefix(terms)
    for k, word in enumerate(words):
        for term in groups.get(word[:GROUP_PREFIX], ()):
            if same_word(term, word):
                negated = any(w in NEGATORS for w in words[max(0, k - NEGATION_WINDOW):k])
                found[term] = found.get(term, True) and negated  # negated wherever it occurs
    return found


def _polarity_clash(terms: Sequence[str], question: str, text: str) -> bool:
    """Whether the text negates words the question asserts: "the beds will recover" is not what
    "the beds … have not recovered" says. (The reverse is left alone: "can't rebuild" may paraphrase
    "below the level at which it can rebuild".)"""
    asked, said = _negated(terms, tokenize(question)), _negated(terms, tokenize(text))
    return any(said[t] and not asked[t] for t in asked.keys() & said.keys())


def _same_words(words: Sequence[str], quotes: list[QuoteRecord]) -> list[QuoteRecord]:
    """Among equally matching quotations, those holding the question's words as said (in order,
    stop words included, at most PHRASE_GAP extra words between two of them), one per speaker.
    Several speakers mean the words were said by more than one person. When none holds them as asked
    (a paraphrase), the best is chosen with any others whose words are the same as its, or hold them."""
    sayers = [q for q in quotes if _says(words, q.text)]
    if not sayers and quotes:
        # none holds the words as asked (a paraphrase): the best, and the same words from others
        first = " ".join(tokenize(quotes[0].text))
        sayers = [q for q in quotes if (said := " ".join(tokenize(q.text))) in first or first in said]
    chosen: list[QuoteRecord] = []
    for q in sayers:
        if not any(_same_speaker(q.canonical, c.canonical) for c in chosen):
            chosen.append(q)
    return chosen


def _same_speaker(a: str | None, b: str | None) -> bool:
    """Whether two resolved speakers name the same person ("Putin" and "Vladimir Putin")."""
    if not a or not b:
        return False
    return a == b or name_matches(a, b) or name_matches(b, a)


def _says(terms: Sequence[str], text: str) -> bool:
    """Whether every question word occurs in the text, in order, as one stretch of words."""
    words = tokenize(text)
    if not terms:
        return False
    for begin, word in enumerate(words):
        if not same_word(terms[0], word):
            continue
        pos, ok = begin, True
        for term in terms[1:]:
            nxt = next((k for k in range(pos + 1, min(len(words), pos + 2 + PHRASE_GAP))
                        if same_word(term, words[k])), None)
            if nxt is None:
                ok = False
                break
            pos = nxt
        if ok:
            return True
    return False


def _who_answer(question: str, quotes: list[QuoteRecord]) -> Answer:
    speakers: list[str] = []
    for q in quotes:
        if q.canonical not in speakers:
            speakers.append(q.canonical)  # type: ignore[arg-type]
    first = quotes[0]
    if len(speakers) == 1:
        name = speakers[0]
    elif len(speakers) <= MAX_NAMED:
        name = f"More than one person said this: {', '.join(speakers[:-1])} and {speakers[-1]}"
    else:
        name = (f"{len(speakers)} people said this, among them {', '.join(speakers[:MAX_NAMED])}: "
                f"quote more of the words to tell them apart")
    return Answer(
        question, "who", True, name,
        passage=first.passage_text or first.text,
        article=ArticleRef.of(first.article),
        hits=[Hit(q.text, ArticleRef.of(q.article), q.canonical) for q in quotes[:5]],
        details={"speakers": speakers, "quote": first.text, "speaker_as_named": first.speaker,
                 "method": first.method, "is_person": first.is_person},
    )
