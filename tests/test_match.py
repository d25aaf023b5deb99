"""Coverage's word checks: an article's stored word list matches inflected forms exactly as a
Vocabulary built from the same text does; coverages gives exactly the floats coverage gives."""

from __future__ import annotations

import os

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.answer.core import Answerer
from bot.answer.match import (
    GROUP_PREFIX, PHRASE_CANDIDATES, StoredWords, Vocabulary, Words, _inflected_in, _probes, _shared,
    by_prefix, candidates_for, common_words_only, coverage, coverages, coverages_at_least, same_word, term_weights,
)
from bot.nlp.tokens import STOPWORDS, tokenize, word_list
from bot.store.records import ArticleInfo, PassageRecord

# Short words from a small alphabet, so prefixes, extensions and near misses are common.
# "s", "d", "i", "n", "g" and "e" make _ENDINGS, so forms of one stem are common too.
WORDS = st.text(alphabet="abrtésdign1", min_size=1, max_size=10)


@settings(max_examples=400, deadline=None)
@given(st.lists(WORDS, max_size=30), st.lists(WORDS, min_size=1, max_size=10))
def test_stored_words_agree_with_a_vocabulary(words: list[str], terms: list[str]) -> None:
    text = " ".join(words)
    stored, vocab = StoredWords(word_list(text)), Vocabulary.of(text)
    for term in terms + [w.lower() for w in words]:
        assert (term in stored) == (term in vocab) == any(same_word(term, w) for w in vocab.words)


@given(WORDS, WORDS)
def test_shared_letters_are_the_common_prefix(a: str, b: str) -> None:
    assert _shared(a, b) == _shared(b, a) == len(os.path.commonprefix([a, b]))
    assert _shared(a + b, a) == len(a)


def test_inflected_forms_within_four_letters_match() -> None:
    stored = StoredWords(word_list("The bridge reopened; officials meet. A cat."))
    assert "reopen" in stored and "meeting" in stored and "officials" in stored
    assert "reopenedly" in stored and "reopenedagain" not in stored  # "reopened" plus five letters is too far
    assert "ca" not in stored and "cats" not in stored  # short words match only as written
    assert "bridges" in stored and "bri" not in stored


def test_two_endings_of_one_stem_match() -> None:
    text = "Signed at dawn, I owe him. She fed news of a seed; the bus uses cats."
    stored, vocab = StoredWords(word_list(text)), Vocabulary.of(text)
    for term, hit in [("signing", True), ("owed", True), ("owes", True), ("used", True), ("use", True),
                      ("new", False), ("seeing", False), ("shed", False), ("cat", False), ("sign", True)]:
        assert (term in stored) == (term in vocab) == hit, term
        assert _inflected_in(term, f" {word_list(text)} ") == hit, term
    assert same_word("owed", "owe") and same_word("signing", "signed") and not same_word("feed", "fees")


def test_forms_of_an_irregular_verb_and_ing_for_e_match() -> None:
    text = "Ministers have known since the summer. She is taking over. He went home and ran."
    stored, vocab = StoredWords(word_list(text)), Vocabulary.of(text)
    for term, hit in [("knew", True), ("know", True), ("take", True), ("took", True), ("go", True),
                      ("run", True), ("gone", True), ("knit", False), ("tak", False), ("win", False)]:
        assert (term in stored) == (term in vocab) == hit, term
        assert stored.has(term, *_probes(term)) == hit, term
    terms = ["knew", "go", "tak"]
    assert coverages(terms, [text], [None], [1.0, 1.0, 1.0]) == [2 / 3]
    groups = by_prefix(terms)
    for w in tokenize(text):
        assert [t for t in terms if same_word(t, w)] == [t for t in groups.get(w[:GROUP_PREFIX], []) if same_word(t, w)]


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=10), st.lists(WORDS, max_size=30))
def test_prefix_groups_hold_every_term_a_word_can_match(terms: list[str], words: list[str]) -> None:
    groups = by_prefix(terms)
    for w in words + terms:
        assert [t for t in terms if same_word(t, w)] == [t for t in groups.get(w[:GROUP_PREFIX], []) if same_word(t, w)]


# -- coverages: the batch form of coverage that ranks a question's candidate passages ----------------

# Separators that tokenize drops or splits on, and non-ASCII text (its other tokenising path).
SEPARATORS = st.sampled_from([" ", " ", ", ", ". ", "'s ", "’s ", "\n", "—", " “", "” ", "-"])
WEIGHTS = st.floats(min_value=-3, max_value=8, allow_nan=False, allow_infinity=False)
SUFFIXES = st.text(alphabet="abrtésdign1", max_size=6)  # up to six letters: past same_word's four


@st.composite
def _families(draw: st.DrawFn) -> list[str]:
    """Words in families, each a stem and cuts of one ending ("reop", "reopen", "reopenedly"): every
    word of a family is a prefix of the longer ones, by one letter to nine."""
    words = []
    for stem, ending in draw(st.lists(st.tuples(st.text(alphabet="abrtésdign1", min_size=1, max_size=6),
                                                st.text(alphabet="abrtésdign1", max_size=9)), min_size=1, max_size=4)):
        words += [stem + ending[:k] for k in draw(st.lists(st.integers(0, len(ending)), min_size=1, max_size=3))]
    return words


@st.composite
def _term(draw: st.DrawFn, words: list[str]) -> str:
    """A question word: a text's word as written, cut short (to any length, so under MIN_PREFIX too),
    extended, capitalised (tokens never are), or unrelated."""
    word = draw(st.sampled_from(words))
    how = draw(st.sampled_from(["same", "cut", "cut", "extend", "upper", "other"]))
    if how == "cut":
        return word[:max(1, len(word) - draw(st.integers(1, 6)))]
    if how == "extend":
        return word + draw(SUFFIXES)
    return word if how == "same" else word.upper() if how == "upper" else draw(WORDS)


@st.composite
def _batches(draw: st.DrawFn, odd_terms: bool = False) -> tuple:
    """terms, texts, articles, context specs (None, an article's index, or a title), weights. Contexts are
    specs, so coverage and coverages each get their own StoredWords: neither sees the other's cached answers."""
    pool = draw(_families())

    def text() -> st.SearchStrategy[str]:
        part = st.tuples(st.sampled_from(pool).map(lambda w: w.capitalize() if len(w) % 3 == 0 else w), SEPARATORS)
        return st.lists(part, max_size=10).map(lambda ps: "".join(w + s for w, s in ps))

    texts = draw(st.lists(text(), max_size=8))
    terms = draw(st.lists(_term(pool), max_size=6))
    if odd_terms:  # empty terms and terms with spaces, which coverages hands to coverage
        a, b = draw(st.sampled_from(pool)), draw(st.sampled_from(pool))
        odd = draw(st.sampled_from(["", " ", f"{a[0]} {b[0]}", f"{a} {b}", f"{a}  "]))  # "x y": order of the words
        terms.insert(draw(st.integers(0, len(terms))), odd)
    # Articles: a stored word list (sorted, as word_list makes it), or any space-separated string.
    articles = draw(st.lists(st.one_of(text().map(word_list), st.lists(st.sampled_from(pool)).map(" ".join)),
                             min_size=1, max_size=3))
    specs = draw(st.lists(st.one_of(st.none(), st.integers(0, len(articles) - 1), text().map(lambda t: ("title", t))),
                          min_size=len(texts), max_size=len(texts)))
    n_weights = draw(st.sampled_from([len(terms), len(terms), max(0, len(terms) - 1), len(terms) + 1]))
    weights = draw(st.lists(st.one_of(WEIGHTS, st.sampled_from([0.0, -0.0, 1.0, 0.1, 0.2, 0.3, 0.7, 2.3])),
                               min_size=n_weights, max_size=n_weights))
    return terms, texts, articles, specs, weights


def _contexts(articles: list[str], specs: list) -> tuple[list[Words | None], list[StoredWords]]:
    stored = [StoredWords(a) for a in articles]  # shared by the texts of one article, as in _rank_passages
    return [None if s is None else stored[s] if isinstance(s, int) else Vocabulary.of(s[1]) for s in specs], stored


def _check_batch(terms: list[str], texts: list[str], articles: list[str], specs: list, weights: list[float]) -> None:
    one, _ = _contexts(articles, specs)
    expected = [coverage(terms, t, _never, 0, c, weights) for t, c in zip(texts, one)]
    batch, stored = _contexts(articles, specs)
    assert coverages(terms, texts, batch, weights) == expected
    for sw, article in zip(stored, articles):  # what coverages cached is what StoredWords would answer
        assert all(hit == _inflected_in(term, f" {article} ") for term, hit in sw._seen.items())


def _never(term: str) -> float:
    raise AssertionError("weights are given: no idf is needed")


@settings(max_examples=300, deadline=None)
@given(_batches())
def test_coverages_are_coverage_one_by_one(batch: tuple) -> None:
    _check_batch(*batch)


@settings(max_examples=100, deadline=None)
@given(_batches(odd_terms=True))
def test_coverages_with_empty_or_spaced_terms_are_coverage_one_by_one(batch: tuple) -> None:
    _check_batch(*batch)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_coverages_check_inflections_as_same_word_does(data: st.DataObject) -> None:
    # Few words a text, so one near miss (a prefix five letters short) is not hidden by a match; unit
    # weights, so each coverage is exactly (terms in the text + half those only in its context) / terms.
    pool = data.draw(_families())
    few = st.lists(st.sampled_from(pool), max_size=3)
    pairs = data.draw(st.lists(st.tuples(few, st.one_of(st.none(), few)), max_size=6))
    texts, articles = [t for t, _ in pairs], [a for _, a in pairs]
    terms = data.draw(st.lists(_term(pool), max_size=6))
    assume(not common_words_only(terms))  # ("a", "be", "at": a phrase, below)
    contexts = [None if a is None else StoredWords(" ".join(a)) for a in articles]
    got = coverages(terms, [" ".join(t) for t in texts], contexts, [1.0] * len(terms))

    def holds(term: str, words: list[str] | None) -> bool:
        return words is not None and any(same_word(term, w) for w in words)

    assert got == [(sum(1.0 if holds(term, text) else 0.5 if holds(term, article) else 0.0 for term in terms)
                    / len(terms) if terms else 0.0) for text, article in zip(texts, articles)]


@settings(max_examples=300, deadline=None)
@given(_batches(), st.one_of(st.floats(0, 1.1), st.sampled_from([0.35, 0.5, 0.6])), st.booleans())
def test_coverages_at_least_leave_out_only_what_is_below_the_floor(batch: tuple, floor: float, positive: bool) -> None:
    terms, texts, articles, specs, weights = batch
    if positive:  # (search's weights are idfs, all positive: only then can a miss not raise a coverage)
        weights = [abs(w) + 0.01 for w in weights]
    exact = coverages(terms, texts, _contexts(articles, specs)[0], weights)
    got = coverages_at_least(terms, texts, _contexts(articles, specs)[0], weights, floor)
    assert [e if g is None else g for g, e in zip(got, exact)] == exact  # the same floats where given
    assert all(e < floor for g, e in zip(got, exact) if g is None)
    assert None not in coverages_at_least(terms, texts, _contexts(articles, specs)[0], weights, None)


def test_coverages_at_least_stop_asking_once_the_floor_is_out_of_reach() -> None:
    article = StoredWords(word_list("Officials met at the harbour. The cat sat."))
    terms = ["ferry", "strike", "harbour", "officials"]
    # The text holds no term: once "ferry" and "strike" miss the article too, the other two at half
    # weight (1.0 of 4) cannot reach 0.35, so "harbour" and "officials" are never looked up.
    assert coverages_at_least(terms, ["The cat"], [article], [1.0] * 4, 0.35) == [None]
    assert set(article._seen) == {"ferry", "strike"}
    assert coverages(terms, ["The cat"], [StoredWords(word_list("Officials met at the harbour."))], [1.0] * 4) == [0.25]
    # Held up to floor: exact; a weight of zero or less (a miss could raise the coverage): no floor.
    assert coverages_at_least(terms, ["The ferry strike"], [article], [1.0] * 4, 0.35) == [(1.0 + 1.0 + 0.5 + 0.5) / 4]
    assert coverages_at_least(terms, ["The cat"], [article], [1.0, 1.0, 1.0, 0.0], 0.35) == [(0.5 + 0.0) / 3]


def test_coverages_examples() -> None:
    article = StoredWords(word_list("The Belmora runoff: officials reopened the bridge. A cat."))
    texts = ["Officials will reopen it", "The cat sat", "Nothing here", ""]
    terms, weights = ["reopened", "cat", "belmora", "bridgeworks"], [2.0, 1.0, 4.0, 1.0]
    # "reopen" in the text; "cat" as written; "belmora" from the article at half weight; "bridgeworks"
    # is "bridge" plus five letters, too far.
    assert coverages(terms, texts, [article, article, None, article], weights) == [
        (2.0 + 0.5 + 2.0) / 8, (1.0 + 1.0 + 2.0) / 8, 0.0, (1.0 + 0.5 + 2.0) / 8]
    # The same additions in the same order: (0.1 + 0.2) + 0.3 is not 0.1 + (0.2 + 0.3), nor 0.3 + 0.2 + 0.1.
    assert coverages(["aaaa", "bbbb", "cccc", "dddd"], ["aaaa bbbb cccc"], [None], [0.1, 0.2, 0.3, 0.4]) == [
        (0.1 + 0.2 + 0.3) / (0.1 + 0.2 + 0.3 + 0.4)] != [(0.3 + 0.2 + 0.1) / (0.1 + 0.2 + 0.3 + 0.4)]
    assert coverages([], texts, [None] * 4, []) == [0.0] * 4
    assert coverages(terms, [], [], weights) == []


COMMON = sorted(STOPWORDS)[:12]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(COMMON), min_size=1, max_size=4),
       st.lists(st.lists(st.sampled_from(COMMON + ["Tide", "tides"]), max_size=12), max_size=6))
def test_common_words_cover_a_text_only_as_a_phrase(terms: list[str], texts: list[list[str]]) -> None:
    joined = [" ".join(words) for words in texts]
    # In order and unbroken, or not at all; the article around a text does not count.
    expected = [1.0 if any(tokenize(t)[i:i + len(terms)] == terms for i in range(len(tokenize(t)))) else 0.0
                for t in joined]
    contexts = [StoredWords(word_list(" ".join(COMMON)))] * len(joined)
    assert coverages(terms, joined, contexts, [1.0] * len(terms)) == expected
    assert [coverage(terms, t, _never, 0, c, [1.0] * len(terms)) for t, c in zip(joined, contexts)] == expected


def test_common_words_examples() -> None:
    texts = ["Tickets for The Who went fast", "The man who sang", "Who is the best", "the, who"]
    assert coverages(["the", "who"], texts, [None] * 4, [1.0, 1.0]) == [1.0, 0.0, 0.0, 1.0]
    assert not common_words_only(["the", "tide"]) and not common_words_only([])
    assert coverages(["the", "tide"], ["the tide", "tide"], [None, None], [1.0, 1.0]) == [1.0, 0.5]
    assert candidates_for(["the", "who"], 10) == PHRASE_CANDIDATES and candidates_for(["tide"], 10) == 10
    # one content word among five: the phrase matters; two among four: the words do
    assert candidates_for(["thought"], 10, "i just thought why not".split()) == PHRASE_CANDIDATES
    assert candidates_for(["tide", "turned"], 10, "the tide has turned".split()) == 10


def test_coverages_need_a_context_per_text() -> None:
    with pytest.raises(ValueError):
        coverages(["cat"], ["a cat", "a dog"], [None], [1.0])


class _Index:
    """The two things ranking asks of the index: idf and size."""

    idf = {"belmora": 3.1, "runoff": 2.7, "reopened": 1.3}.get

    @staticmethod
    def size(kind: str = "passages") -> int:
        return 1000


@pytest.mark.parametrize("context", ["article", "title"])
def test_ranking_gives_each_passage_its_coverage(context: str) -> None:
    def article(i: int, title: str) -> ArticleInfo:
        return ArticleInfo(i, 1, title, "test", None, None, None, None, None, False)

    records = {1: PassageRecord(1, article(10, "Belmora runoff"), 0, "Officials reopen the bridge.", 0, 27),
               2: PassageRecord(2, article(10, "Belmora runoff"), 1, "The runoff is set for May.", 28, 54),
               3: PassageRecord(3, article(20, "Weather"), 0, "Rain, then the Belmora bridges.", 0, 31)}
    words = {10: word_list("Belmora runoff\nOfficials reopen the bridge. The runoff is set for May."),
             20: word_list("Weather\nRain, then the Belmora bridges.")} if context == "article" else {}
    terms, hits = ["belmora", "runoff", "reopened", "bridge"], [(1, 2.0), (2, 5.0), (3, 1.0), (4, 9.0)]
    answerer = Answerer(None, _Index())  # type: ignore[arg-type]  # ranking reads neither store nor index files
    ranked = answerer._rank_passages(terms, hits, records, words, context)
    weights = term_weights(terms, _Index.idf, 1000)

    def judge(r: PassageRecord) -> Words:
        return StoredWords(words[r.article.id]) if context == "article" else Vocabulary.of(r.article.title)

    expected = [(r, coverage(terms, r.text, _never, 0, judge(r), weights), score)
                for r, score in ((records[i], s) for i, s in hits if i in records)]
    assert ranked == sorted(expected, key=lambda e: (-round(e[1], 6), -e[2]))
    assert len({cov for _, cov, _ in ranked}) == 3  # the coverages differ, so the order is theirs
    for floor in (0.0, 0.2, 0.35, 0.5, 0.9):  # with a floor: those reaching it, as before; maybe others below
        floored = answerer._rank_passages(terms, hits, records, words, context, floor)
        assert [e for e in floored if e[1] >= floor] == [e for e in ranked if e[1] >= floor]
        assert all(e in ranked for e in floored)
    # passage 2 (0.59 in its article, 0.29 with its title) cannot reach 0.6 once "reopened" and "bridge" miss
    assert [r.id for r, _, _ in answerer._rank_passages(terms, hits, records, words, context, 0.6)] == [1, 3]
    # The question's weights, when its caller has them, are the ones it would take from the index.
    assert answerer._rank_passages(terms, hits, records, words, context, None, weights) == ranked
    assert answerer._rank_passages(terms, hits, records, words, context, None, [1.0] * 4) != ranked


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Ship's", "ship", "s", "'s", "’s", "it's", "O'Neill", "1,500", "U.S.", "a_b", "—",
                                 "“Quoted”", "naïve", "ÉCOLE", "Σ", "  ", " ", "\n", ",", ".", "x-y", "voted"]),
                max_size=12).map(" ".join))
def test_spaced_words_are_the_tokens(text: str) -> None:
    """coverages' words of a text: tokenize's, space-delimited (one space or more) and space-led."""
    from bot.nlp.tokens import spaced_words

    spaced = spaced_words(text)
    assert spaced.split() == tokenize(text) and spaced.startswith(" ") and spaced.endswith(" ")
