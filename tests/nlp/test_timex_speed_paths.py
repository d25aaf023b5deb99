"""The shortcuts bot.nlp.timex takes for speed give exactly what the plain definitions give."""

from __future__ import annotations

import random
import re
from bisect import bisect_right
from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import bot.nlp.timex as timex
import bot.nlp.tokens as tokens
from bot.nlp.tokens import normalize_quotes

CORPUS = sorted((Path(__file__).resolve().parents[2] / "corpus").glob("*.txt"))
# Pieces that trip slicing up: possessives, curly quotes, capital sigma (its lower case depends on
# the next letter), characters whose lower case is longer ("İ"), abbreviations, line breaks.
PIECES = ["the", "ship's", "s", "'s", "’s", " ", "  ", "\n", "\n\n", ". ", "Mr.", "ΣΊΣΥΦΟΣ", "Σ",
          "İstanbul", "ß", "“Quoted”", "‘single’", "«x»", "voted", "closing", "reopened", "U.S.", "a_b",
          "2016", "March 15", "on Tuesday", "died", "1,500", "naïve", "x's", "market", "Mayor", "SHIP'S"]


def _reference_tokens(text: str, lo: int, hi: int) -> list[tuple[int, str]]:
    norm = normalize_quotes(text[lo:hi]).lower()
    return [(lo + m.start(), timex._stem(m.group())) for m in re.finditer(r"[^\W_]+", norm)
            if not (m.group() == "s" and m.start() > 0 and norm[m.start() - 1] == "'")]


def _reference_stem_set(text: str) -> frozenset[str]:
    return frozenset(timex._stem(m.group()) for m in re.finditer(r"[^\W_]+", normalize_quotes(text).lower()))


def _texts(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(PIECES) + rnd.choice(["", " ", "\n"]) for _ in range(rnd.randrange(1, 20)))
            for _ in range(n)]


def test_normalize_quotes_maps_every_quote_character_as_the_table_says():
    every = "".join(map(chr, tokens._QUOTE_MAP)) + "é“x”İ"
    for text in _texts(200) + [p.read_text() for p in CORPUS[:5]] + ["", "plain ascii", every, every * 3]:
        assert normalize_quotes(text) == text.translate(tokens._QUOTE_MAP)
    assert normalize_quotes("“It’s”") == "\"It's\""


def test_tokens_of_every_slice_match_tokenising_the_slice():
    for text in _texts(30):
        for lo in range(len(text) + 1):
            for hi in range(lo, len(text) + 2):
                expected = _reference_tokens(text, lo, hi)
                assert timex._tokens(text, lo, hi) == expected, (text, lo, hi)
                assert timex._text(text).spans_stems([(lo, hi)]) == [frozenset(x for _, x in expected)]


def _reference_plain(t: timex._Text, lo: int, hi: int) -> tuple[int, int] | None:
    """One span at a time, by bisection of the word lists: what _plain_many does with numpy."""
    low, starts, ends, stems, poss, _, whole = t.words
    if not whole or lo < 0 or hi <= lo:
        return None
    i0, i1 = bisect_right(starts, lo - 1), bisect_right(starts, hi - 1)
    if i0 and ends[i0 - 1] > lo or i1 and ends[i1 - 1] > hi:
        return None
    p0, p1 = bisect_right(poss, i0 - 1), bisect_right(poss, i1 - 1)
    if any(starts[k] > lo for k in poss[p0:p1]):
        return None
    return i0, i1


def test_spans_are_judged_together_as_one_by_one():
    for text in _texts(60) + ["", "x", "'s"]:
        t = timex._Text(text)
        spans = [(lo, hi) for lo in range(-1, len(text) + 2) for hi in range(lo - 1, len(text) + 3)]
        assert t._plain_many(spans) == [_reference_plain(t, lo, hi) for lo, hi in spans], text
        expected = [frozenset(x for _, x in t.slice_tokens(lo, hi)) for lo, hi in spans]
        assert t.spans_stems(spans) == expected, text
        assert t.spans_stems(spans[::-1]) == expected[::-1]  # (remembered)
    assert timex._Text("a b")._plain_many([]) == []


def test_sentence_stems_and_vocabulary():
    for text in _texts(200) + [p.read_text() for p in CORPUS[:5]]:
        t = timex._text(text)
        assert t.stems == [{x for _, x in _reference_tokens(text, a, b)} for a, b in t.sentences]
        assert t.vocab == _reference_stem_set(text)
        held = frozenset().union(*t.stems)
        assert t.match_vocab == (t.vocab if held <= t.vocab else held)
        assert [t.spans_stems([sp])[0] for sp in t.sentences] == t.stems


def _both(text: str) -> list[timex._Text]:
    """The text analysed by the rules, and read back from its saved analysis (arrays, no word lists)."""
    return [timex._Text("".join(text)), timex._Text("".join(text), timex.saved_analysis(text))]


def _terms_of(text: str) -> list[str]:
    words = sorted(_reference_stem_set(text))
    return sorted(set(words[:12] + [w[:k] for w in words[:12] for k in (3, 4, 5)] + ["reopen", "closing", "x", "zzz"]))


def test_each_terms_sentences_are_those_whose_stems_meet_its_matches():
    for text in _texts(150) + [p.read_text() for p in CORPUS[:4]]:
        for t in _both(text):
            stems = [frozenset(x for _, x in _reference_tokens(text, a, b)) for a, b in t.sentences]
            terms = _terms_of(text)
            for term, row in zip(terms, t.terms_sentences(terms)):
                hits = timex._matching(term, t.vocab)
                assert row.tolist() == [not hits.isdisjoint(st) for st in stems], (text, term)
            assert [t.sentence_tokens(i) for i in range(len(t.sentences))] == [
                _reference_tokens(text, a, b) for a, b in t.sentences]


def test_sentence_coverages_are_the_per_span_sums():
    rnd = random.Random(3)
    for text in _texts(120) + [p.read_text() for p in CORPUS[:4]]:
        for t in _both(text):
            timex._TEXTS.pop(text, None)
            timex._keep(t)
            terms = rnd.sample(_terms_of(text), 4)
            weights = {x: rnd.choice([0.5, 1.0, 2.25, 7.1]) for x in terms}
            spans = list(t.sentences) + [(lo, lo + rnd.randrange(0, 30)) for lo in rnd.sample(range(len(text) + 1), 3)]
            rnd.shuffle(spans)
            present = {x for x in terms if any(timex._matching(x, v) for v in timex._line_stem_sets("T\n" + text))}
            expected = []
            for lo, hi in spans:  # the definition: each span's stems against each term's matches, in order
                here = frozenset(x for _, x in _reference_tokens(text, lo, hi))
                got = 0.0
                for x in terms:
                    if not timex._matching(x, t.vocab).isdisjoint(here):
                        got += weights[x]
                    elif x in present:
                        got += 0.5 * weights[x]
                expected.append(got / sum(weights[x] for x in terms))
            assert timex.sentence_coverages(text, "T", spans, terms, weights) == expected, (text, spans)
            own = timex._own_matches(text, tuple(terms))
            rows = t.terms_sentences(terms)
            assert own == [frozenset(x for x, row in zip(terms, rows) if row[i]) for i in range(len(t.sentences))]
    timex._TEXTS.clear()


@pytest.mark.parametrize("path", CORPUS[:6], ids=lambda p: p.stem)
def test_a_saved_article_answers_without_word_lists(path, monkeypatch):
    body = path.read_text()
    terms = sorted(_reference_stem_set(body))[::9][:5]
    question = timex.analyse_question("when did " + " ".join(terms))

    def reading() -> tuple:
        spans = timex._text(body).sentences
        return (timex.rank_time_expressions(body, (0, len(body)), terms, date(2024, 5, 1), question),
                timex.sentence_coverages(body, "T", spans, terms), timex.article_lacks("T\n" + body, terms, question))

    monkeypatch.setattr(timex, "_TEXTS", {})
    expected = reading()
    monkeypatch.setattr(timex, "_TEXTS", {})
    timex.seed_analyses([(body, timex.saved_analysis(body))])

    def fail(*_a: object) -> None:
        raise AssertionError("the word lists were made")

    if None not in timex._text(body)._sentence_rows():  # (a sentence cutting a word takes the lists)
        monkeypatch.setattr(timex, "_table_of", fail)
        monkeypatch.setattr(timex, "_tokenise", fail)
    assert reading() == expected


def test_title_and_body_stem_sets_unite_to_the_whole():
    for body in _texts(100):
        for title in ("Σ", "AΣ", "Title", "two\nlines", ""):
            whole = title + "\n" + body
            assert frozenset().union(*timex._line_stem_sets(whole)) == _reference_stem_set(whole)


@pytest.mark.parametrize("path", CORPUS[:3], ids=lambda p: p.stem)
def test_matching_is_term_match_over_the_vocabulary(path):
    vocab = timex._text(path.read_text()).vocab
    words = sorted(vocab)
    terms = words + [w[:k] for w in words for k in (1, 3, 4, 5)] + [
        "reopen", "reopened", "resume", "restart", "closed", "shutdown", "pause", "die", "s", "a"]
    for term in terms:
        assert timex._matching(term, vocab) == frozenset(x for x in vocab if timex._term_match(term, x)), term


@pytest.mark.parametrize("path", CORPUS[:8], ids=lambda p: p.stem)
def test_month_windows_skipped_only_when_they_cannot_match(path, monkeypatch):
    norm = normalize_quotes(path.read_text())
    fast = [(a.start, a.end, a.tag, a.p) for a in timex._atoms(norm)]
    monkeypatch.setattr(timex, "_with_month", lambda text, spans: spans)
    assert fast == [(a.start, a.end, a.tag, a.p) for a in timex._atoms(norm)]


def test_expressions_resolved_per_date_from_one_parse():
    text = CORPUS[0].read_text()
    for published in (None, date(2023, 3, 8), date(2020, 2, 29), None, date(2023, 3, 8)):
        copy = "".join(text)  # an equal string the cache has not seen
        fresh = timex._Text(copy).expressions(published)
        assert timex.find_time_expressions(text, published) == fresh


_STEMMY = st.text(alphabet="aeorstcdlnpgiu", min_size=1, max_size=9)


@settings(max_examples=400, deadline=None)
@given(_STEMMY | st.sampled_from(["reopened", "resume", "restarting", "closed", "die", "s"]),
       st.frozensets(_STEMMY | st.sampled_from(["clos", "shut", "suspend", "halt", "paus", "reopen", "a"]),
                     max_size=12))
def test_matching_a_few_stems_is_term_match_over_them(term, stems):
    stems = frozenset(timex._stem(x) for x in stems) | stems
    assert sorted(timex._matched_among(term, stems)) == sorted(x for x in stems if timex._term_match(term, x))
    for x in stems:  # each stem alone
        assert timex._matched_among(term, {x}) == ([x] if timex._term_match(term, x) else [])
    t = timex._stem(term)
    near = [t[:k] for k in range(1, len(t) + 1)] + [t + end for end in ("s", "ed", "ing", "x", "abcde")]
    for x in near:  # its prefixes and extensions: where the length rules decide
        assert timex._matched_among(term, [x]) == ([x] if timex._term_match(term, x) else [])
        both = stems | {x}
        assert sorted(timex._matched_among(term, both)) == sorted(y for y in both if timex._term_match(term, y))


@settings(max_examples=400, deadline=None)
@given(_STEMMY | st.sampled_from(["reopened", "resume", "restarting", "closed", "die", "s", "hit", "postpone", ""]),
       st.frozensets(_STEMMY | st.sampled_from(["clos", "shut", "suspend", "halt", "paus", "reopen", "a", "struck",
                                                "delay"]), max_size=12))
def test_whether_any_stem_matches_is_whether_matched_among_lists_one(term, stems):
    stems = frozenset(timex._stem(x) for x in stems) | stems
    t = timex._stem(term)
    for more in ([], [t[:k] for k in range(1, len(t) + 1)], [t + "s", t + "ing", t + "x"]):
        both = stems | set(more)
        assert timex._meets_any(term, both, "\n" + "\n".join(both)) == bool(timex._matched_among(term, both))


def test_a_span_stem_set_is_its_tokens_stems():
    for text in _texts(150, seed=11):
        for lo in range(0, len(text) + 1, 3):
            for hi in range(lo, len(text) + 2, 5):
                assert timex._span_stems(text, lo, hi) == frozenset(x for _, x in timex._norm_tokens(text, lo, hi))


_CLAUSE_PIECES = ["and", "AND", "But", "then", "later", "will", "voted", "went", "after", "Before", "since",
                  "ſince", "whıle", "while", "because", "although", "once", "upon", "When", "leaving", "it",
                  "the", "was", "said", "Said", "told", "announced", "on", ",", ";", "—", "(", " ", "  ", "\n",
                  "Mr.", "x", "İ", "ſ", "K"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_CLAUSE_PIECES), max_size=14).map(" ".join))
@example('upon leaving')
@example('ſince it was')
@example('and then went')
@example('Mr. X ſaid on')
@example('When leaving, he was')
@example('whereas the x was')
@example('once it was')
@example('officials announced late')
def test_clause_words_are_counted_as_the_patterns_count_them(gap: str):
    for rx, words in ((timex._COORDINATION, timex._COORDINATION_WORDS),
                      (timex._SUBORDINATE, timex._SUBORDINATE_WORDS)):
        assert timex._matches(rx, gap, words) == len(rx.findall(gap)), (rx.pattern[:30], gap)
    assert sum(map(gap.count, timex._BREAKS)) == len(re.findall(r"[,;:()—–]", gap))
    e = timex.TimeExpression("Monday", len(gap) + 1, len(gap) + 7, None, "relative", "day", None)
    text = gap + " Monday."
    m = timex._SPEECH_BEFORE.search(normalize_quotes(text[:e.start]))
    expected = bool(m) and not timex._NOT_SPEECH_GAP.search(m.group(1))
    assert timex._speech_attached(text, (0, len(text)), e) == expected


_TENSE_PIECES = ["The vote", "will", "would", "was", "were", "said", "had", "has", "been", "closed", "remain",
                 "expected to", "is due to", "plays", "on 7 December", "on Tuesday", "in 2019", "last week",
                 "next month", "until Friday", "from June 3 to June 9", ", ", ". ", "\n", "that", "for", "the",
                 "announced", "did", "Mr.", "ſaid", "WILL"]


def _tense_texts() -> list[str]:
    rnd = random.Random(5)
    made = [" ".join(rnd.choice(_TENSE_PIECES) for _ in range(rnd.randrange(1, 30))) for _ in range(300)]
    return made + [p.read_text() for p in CORPUS]


def test_the_tense_ranking_reads_is_the_rules_tense():
    plain = 0
    for text in _tense_texts():
        for t in _both(text):
            for k, (a, tense) in enumerate(t.parsed):
                plain += tense in timex._PLAIN_TENSES
                here = t.atom_sentences()[k]
                # the sentence it was parsed in, and the same sentence cut by a span (rank_following's)
                for sent in {here, (max(here[0], a.start - 5), here[1]), (here[0], min(here[1], a.end + 3))}:
                    assert t.tense(k, sent) == timex._tense(t.norm, sent, a.start, a.end), (text, a, sent)
    assert plain  # (stored as "will" or "did": told apart from what _tense says)


def test_closeness_looked_up_in_the_vocabulary_is_closeness_tested_stem_by_stem():
    for path in CORPUS:
        body = path.read_text()
        t = timex._text(body)
        terms = _terms_of(body)[::3] + ["reopen", "close", "vote", "said"]
        for e in t.expressions(date(2024, 5, 1)):
            i = bisect_right(t.starts, e.start) - 1
            toks = t.sentence_tokens(i)
            sentence_terms = sorted({x for _, x in toks})[:8] + terms
            expected = timex._closeness(e, t.norm, toks, sentence_terms)
            assert timex._closeness(e, t.norm, toks, sentence_terms, t.match_vocab) == expected
            # a vocabulary missing a stem of the sentence: tested stem by stem as before
            assert timex._closeness(e, t.norm, toks, sentence_terms, frozenset(["zzz"])) == expected


def _reference_carry(t: timex._Text, terms: tuple[str, ...]) -> list:
    """The carry of every sentence, as the whole article was once read for it."""
    own = timex._own_matches(t.text, terms)
    out: list = [None] * len(t.sentences)
    for i in range(1, len(t.sentences)):
        a, b = t.sentences[i - 1]
        if "\n" in t.norm[a:b] or not own[i - 1]:
            continue
        m = timex._ANAPHORIC_SUBJECT.match(t.norm, t.sentences[i][0]) or timex._CONJ_PRONOUN.match(
            t.norm, t.sentences[i][0])
        if m and (m.group("pron") or m.group("det") in timex._PERSONAL
                  or timex._event_anaphor(m.group("head"), list(terms))):
            out[i] = (own[i - 1] - own[i], m.start("head") if m.group("head") else m.start("pron"))
    return out


def test_each_sentences_carry_is_read_as_for_the_whole_article():
    carried = 0
    for path in CORPUS:
        body = path.read_text()
        t = timex._text(body)
        for terms in (tuple(_terms_of(body)[::4]), ("it", "they", "vote", "reduction", "died"), ()):
            expected = _reference_carry(t, terms)
            assert [timex._carry_at(t, terms, i) for i in range(len(t.sentences))] == expected, path.stem
            carried += sum(x is not None for x in expected)
    assert carried


def test_texts_pushed_out_of_the_cache_wait_for_release_and_stay_bounded(monkeypatch):
    monkeypatch.setattr(timex, "_TEXTS", {})
    monkeypatch.setattr(timex, "_EVICTED", [])
    oldest = timex._text("Text number 0 was written on Monday.")
    for k in range(1, timex._TEXTS_MAX + 3):
        timex._text(f"Text number {k} was written on Monday.")
    assert len(timex._TEXTS) == timex._TEXTS_MAX
    assert len(timex._EVICTED) == 3 and timex._EVICTED[0] is oldest  # the oldest went first
    assert timex.release_evicted() == 3 and timex._EVICTED == []
    # where nobody releases them (an import worker), they are freed at once past the bound
    for k in range(timex._EVICTED_MAX * 3):
        timex._text(f"Another text {k} was written on Friday.")
    assert 0 < len(timex._EVICTED) <= timex._EVICTED_MAX
