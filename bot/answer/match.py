"""How well a passage covers a question: the idf-weighted share of the question's words it holds."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Protocol, cast

from bot.nlp.tokens import STOPWORDS, spaced_words, tokenize

# Share of the question's weight a passage must hold to count as an answer, per command.
THRESHOLDS = {"who": 0.6, "when": 0.5, "search": 0.5}
# A word found only elsewhere in the article (its title, other sentences) counts this much:
# users name the story ("the Belmora runoff") while the dated sentence says "the runoff".
CONTEXT_WEIGHT = 0.5
MIN_PREFIX = 4
# Endings two forms of a word may differ by past the prefix rule ("signing"/"signed" share "sign",
# "owed"/"owes"/"owe" share "owe"); a shared stem has MIN_PREFIX letters, or three ending in "e"
# (so "new" is not "news") but not "ee", and is no stop word (so "she" is not "shed").
_ENDINGS = ("ing", "es", "ed", "s", "e", "d")
# Every word that can match another shares its first GROUP_PREFIX letters with it, but for the
# irregular forms of a verb.
GROUP_PREFIX = 3
# Irregular verbs, the verb and its past forms: "knew" is "known" ("ministers knew since the summer"
# for "Ministers have known since the summer"); _present_forms adds "knows" and "knowing".
_IRREGULAR_VERBS = """
begin began begun | break broke broken | bring brought | build built | buy bought | catch caught
choose chose chosen | come came | draw drew drawn | drink drank drunk | drive drove driven
eat ate eaten | fall fell fallen | feel felt | fight fought | find found | fly flew flown
forget forgot forgotten | freeze froze frozen | get got gotten | give gave given | go went gone
grow grew grown | hear heard | hide hid hidden | hold held | keep kept | know knew known | lead led
leave left | lend lent | lose lost | make made | mean meant | meet met | pay paid | ride rode ridden
ring rang rung | rise rose risen | run ran | seek sought | sell sold | send sent | shake shook shaken
shoot shot | sing sang sung | sink sank sunk | sit sat | sleep slept | speak spoke spoken | spend spent
stand stood | steal stole stolen | stick stuck | strike struck | swear swore sworn | swim swam swum
take took taken | teach taught | tear tore torn | tell told | think thought | throw threw thrown
understand understood | wake woke woken | wear wore worn | weep wept | win won | withdraw withdrew withdrawn
write wrote written
"""


def _present_forms(verb: str) -> list[str]:
    """The -s and -ing forms of a verb of _IRREGULAR_VERBS: "takes", "taking"; "runs", "running"."""
    if verb in _DOUBLING:
        return [verb + "s", verb + verb[-1] + "ing"]
    if verb == "go":
        return ["goes", "going"]
    return [verb + "s", (verb[:-1] if verb.endswith("e") and not verb.endswith("ee") else verb) + "ing"]


_DOUBLING = frozenset("begin forget get run sit swim win".split())


def _irregular_forms() -> dict[str, frozenset[str]]:
    """Each irregular form and the other forms of its verb (the first word of each line is the verb)."""
    forms: dict[str, frozenset[str]] = {}
    for line in _IRREGULAR_VERBS.replace("\n", "|").split("|"):
        if words := line.split():
            family = frozenset(words + _present_forms(words[0]))
            for form in family:
                forms[form] = forms.get(form, frozenset()) | (family - {form})
    return forms


_FORMS = _irregular_forms()

# Candidates searched for a phrase of common words: BM25 ranks them by their words, not by the
# phrase, and most candidates hold the words apart.
PHRASE_CANDIDATES = 100


def same_word(a: str, b: str) -> bool:
    """Exact, one a prefix of the other ("touch"/"touched", "meet"/"meeting"), two endings of one
    stem ("signing"/"signed", "taking"/"take"), or two forms of an irregular verb ("knew"/"known")."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= MIN_PREFIX and long_.startswith(short) and len(long_) - len(short) <= 4:
        return True
    if a[:GROUP_PREFIX] == b[:GROUP_PREFIX] and not stems(a).isdisjoint(stems(b)):
        return True
    return b in _FORMS.get(a, ())


@lru_cache(maxsize=1 << 16)
def stems(word: str) -> frozenset[str]:
    """The word and what it is with one of _ENDINGS off, where that leaves a stem (see _ENDINGS);
    -ing may have taken an "e" off ("taking": "take")."""
    out = [word[:-len(end)] for end in _ENDINGS if word.endswith(end)]
    if word.endswith("ing"):
        out.append(word[:-3] + "e")
    return frozenset(s for s in [word, *out] if (len(s) >= MIN_PREFIX or _short_stem(s)) and s not in STOPWORDS)


def _short_stem(s: str) -> bool:
    """A three-letter stem ending in "e" ("owe", "use", "die"), but not "ee" ("feed" is not "fee")."""
    return len(s) == GROUP_PREFIX and s[-1] == "e" and s[-2] != "e"


def by_prefix(terms: Iterable[str]) -> dict[str, list[str]]:
    """Terms grouped by their first GROUP_PREFIX letters: same_word(t, w) can hold only for the terms
    under w[:GROUP_PREFIX], since equal words, a word and its extension, and two forms of one stem share
    them; an irregular verb's form is also put under each of its other forms' letters."""
    groups: dict[str, list[str]] = {}
    for t in terms:
        for key in dict.fromkeys([t[:GROUP_PREFIX], *(f[:GROUP_PREFIX] for f in sorted(_FORMS.get(t, ())))]):
            groups.setdefault(key, []).append(t)  # ("went" under "go" too)
    return groups


class Vocabulary:
    """The words of a text, with a cheap check for inflected forms."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = set(words)
        self._text: str | None = None  # the words space-joined, made on the first inexact lookup

    @classmethod
    def of(cls, text: str) -> Vocabulary:
        return cls(tokenize(text))

    def __contains__(self, term: str) -> bool:
        if term in self.words:
            return True
        if self._text is None:
            self._text = f" {' '.join(self.words)} "
        return _inflected_in(term, self._text)


class Words(Protocol):
    def __contains__(self, term: str) -> bool: ...


class StoredWords:
    """An article's stored word list (bot.nlp.tokens.word_list), checked as a Vocabulary of the same
    words would check it, without building the Vocabulary; each term is looked up once."""

    def __init__(self, word_list: str) -> None:
        self._text = f" {word_list} "
        self._seen: dict[str, bool] = {}  # several candidate passages share an article

    def __contains__(self, term: str) -> bool:
        hit = self._seen.get(term)
        if hit is None:
            hit = self._seen[term] = _inflected_in(term, self._text)
        return hit

    def has(self, term: str, probe: str, spaced: str) -> bool:
        """term in self for a term without spaces, given _probes(term) (coverages makes them once for
        all its candidates); its shortcut for the word itself would misread a term holding a space."""
        hit = self._seen.get(term)
        if hit is None:
            text = self._text
            if probe == spaced:  # (_probes gives an _exact_only term as itself between spaces, twice)
                hit = probe in text
            else:
                at = text.find(probe)
                hit = at >= 0 and (text.startswith(spaced, at + 1) or _found_from(term, probe, text, at))
            if not hit and term in _FORMS:
                hit = _other_form_in(term, text)
            self._seen[term] = hit
        return hit


def _inflected_in(term: str, text: str) -> bool:
    """Whether the space-delimited words of text hold a w with same_word(term, w).

    Every such w starts with _probe(term) (it is the term, an extension of it, a prefix at most four
    letters shorter, or another form of one of its stems), so one substring search finds every
    candidate word: scanning the text once per term, not once per possible prefix."""
    if _exact_only(term):
        hit = f" {term} " in text  # short words match only as written
    else:
        probe = _probe(term)
        hit = _found_from(term, probe, text, text.find(probe))
    return hit or (term in _FORMS and _other_form_in(term, text))


def _other_form_in(term: str, text: str) -> bool:
    """Whether the space-delimited words of text hold another form of an irregular verb ("known" for "knew")."""
    return any(f" {form} " in text for form in _FORMS[term])


def _exact_only(term: str) -> bool:
    """Whether only the term itself matches it past its irregular forms: a short word with no stem
    ("cat", not "owe")."""
    return len(term) < MIN_PREFIX and not stems(term)


def _probe(term: str) -> str:
    """What every word w with a stem or extension in common with the term starts with, space-led: the
    longest prefix of the term that its stems share (less a stem's final "e"), or its first
    max(MIN_PREFIX, len - 4) letters if shorter (terms that are not _exact_only)."""
    # a word may share a stem ending in "e" with the term without it: "taking" for "take"
    return " " + term[:min([max(MIN_PREFIX, len(term) - 4),
                            *(min(_shared(term, s), len(s) - s.endswith("e")) for s in stems(term))])]


def _shared(a: str, b: str) -> int:
    """How many letters a and b begin with in common."""
    if a.startswith(b):  # (most stems of a word are)
        return len(b)
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _probes(term: str) -> tuple[str, str]:
    """What _inflected_in looks for in a space-joined word list: the probe every matching word starts
    with and the term followed by a space (the most frequent match); a short term: itself between spaces."""
    if _exact_only(term):
        return f" {term} ", f" {term} "
    return _probe(term), f"{term} "


def _found_from(term: str, probe: str, text: str, at: int) -> bool:
    """_inflected_in's scan of text from at, the first place probe was found (-1: none)."""
    while at >= 0:
        end = text.find(" ", at + 1)
        if same_word(term, text[at + 1:end]):
            return True
        at = text.find(probe, end)
    return False


def common_words_only(terms: Sequence[str]) -> bool:
    """Whether the terms are all stop words: query_terms' fallback for a question of common words
    ("The Who", "it is what it is"), which only the words as a phrase can match."""
    return bool(terms) and all(t in STOPWORDS for t in terms)


def candidates_for(terms: Sequence[str], k: int, words: Sequence[str] = ()) -> int:
    """How many candidates to search for: more for a phrase of common words (see PHRASE_CANDIDATES),
    or for words (the question's, stop words included) mostly common ("I just thought, why not"
    searches "thought" alone, which many short passages hold: the phrase tells them apart)."""
    if common_words_only(terms) or 2 * len(terms) < len(words):
        return max(k, PHRASE_CANDIDATES)
    return k


def holds_phrase(terms: Sequence[str], words: Sequence[str]) -> bool:
    """Whether the words hold the terms as one unbroken run, in order."""
    n = len(terms)
    if not n:
        return False
    first, run = terms[0], list(terms)
    return any(w == first and list(words[i:i + n]) == run for i, w in enumerate(words))


def term_weights(terms: Sequence[str], idf: Callable[[str], float], n_docs: int) -> list[float]:
    """Each term's weight: its idf; unknown terms weigh as the rarest; common ones still a little."""
    rare = math.log(n_docs + 0.5) - math.log(0.5) if n_docs else 1.0
    return [max(idf(t) or rare, 0.05 * rare) for t in terms]


def coverage(
    terms: Sequence[str], text: str | Vocabulary, idf: Callable[[str], float], n_docs: int,
    context: Words | None = None, weights: Sequence[float] | None = None,
) -> float:
    """Weighted fraction of terms present in text (terms only in context count CONTEXT_WEIGHT);
    ``weights`` are term_weights(terms, idf, n_docs) when the caller has them already.

    Terms that are all stop words are a phrase: 1.0 if the text holds them in order and unbroken,
    else 0.0 (words of that kind are in nearly every text, so anything less matches anything)."""
    if not terms:
        return 0.0
    if isinstance(text, str) and common_words_only(terms):
        return 1.0 if holds_phrase(terms, tokenize(text)) else 0.0
    vocab = text if isinstance(text, Vocabulary) else Vocabulary.of(text)
    total = got = 0.0
    for term, weight in zip(terms, weights if weights is not None else term_weights(terms, idf, n_docs)):
        total += weight
        if term in vocab:
            got += weight
        elif context is not None and term in context:
            got += CONTEXT_WEIGHT * weight
    return got / total if total else 0.0


def coverages(terms: Sequence[str], texts: Sequence[str], contexts: Sequence[Words | None],
              weights: Sequence[float]) -> list[float]:
    """[coverage(terms, t, idf, n_docs, c, weights) for t, c in zip(texts, contexts)]: the same floats
    (the same additions in the same order) for a question's ~20 candidate passages, with each text
    tokenised once into a string of its words (no Vocabulary, no set) and each term's probe made once."""
    return cast(list[float], coverages_at_least(terms, texts, contexts, weights, None))  # (no floor: no None)


def coverages_at_least(terms: Sequence[str], texts: Sequence[str], contexts: Sequence[Words | None],
                       weights: Sequence[float], floor: float | None) -> list[float | None]:
    """coverages, but None for a text whose coverage is certainly below floor: its context is not asked
    about its other terms once even their all being there could not lift it to floor (asking an
    article's word list is most of ranking's cost, and most candidates miss a question's threshold)."""
    if len(texts) != len(contexts):
        raise ValueError(f"{len(texts)} texts but {len(contexts)} contexts")
    if common_words_only(terms):
        return [1.0 if holds_phrase(terms, tokenize(t)) else 0.0 for t in texts]
    if any(not t or " " in t for t in terms):
        # Such a term may or may not match by the order of a Vocabulary's words: take coverage's answer.
        return [coverage(terms, t, _no_idf, 0, c, weights) for t, c in zip(texts, contexts)]
    pairs = list(zip(terms, weights))
    total = 0.0
    for _, weight in pairs:
        total += weight
    if not terms or not total:
        return [0.0] * len(texts)
    # A term (no spaces) is in a text's Vocabulary exactly when _inflected_in finds it among the
    # text's words joined by spaces, in any order and with repeats.
    joined = [spaced_words(t) for t in texts]
    looks = [_probes(term) for term, _ in pairs]
    in_texts = [_in_texts(term, probe, spaced, joined) for (term, _), (probe, spaced) in zip(pairs, looks)]
    limit = _limit(pairs, total, floor)
    bounds = None if limit is None else _bounds(pairs, in_texts, total, len(texts))
    asking: list[Words | None] = list(contexts)
    gots = [0.0] * len(texts)
    for (term, weight), (probe, spaced), found in zip(pairs, looks, in_texts):
        half = CONTEXT_WEIGHT * weight  # term by term: each text still adds its terms in order
        for i, in_text in enumerate(found):
            if in_text:
                gots[i] += weight
            elif (context := asking[i]) is not None:
                if context.has(term, probe, spaced) if type(context) is StoredWords else term in context:
                    gots[i] += half
                elif bounds is not None:
                    bounds[i] -= half
                    if bounds[i] < limit:
                        asking[i] = _NOWHERE  # (below floor whatever the rest: not asked again)
    if bounds is None:
        return [got / total for got in gots]
    return [None if bound < limit else got / total for got, bound in zip(gots, bounds)]


def _in_texts(term: str, probe: str, spaced: str, joined: list[str]) -> list[bool]:
    """Whether each text (its words between spaces) holds the term, given _probes(term)."""
    if _exact_only(term):
        found = [probe in words for words in joined]
    else:
        # The first candidate is most often the word itself: checked without a call.
        found = [at >= 0 and (words.startswith(spaced, at + 1) or _found_from(term, probe, words, at))
                 for words, at in zip(joined, [words.find(probe) for words in joined])]
    if term in _FORMS:
        found = [hit or _other_form_in(term, words) for hit, words in zip(found, joined)]
    return found


def _limit(pairs: list[tuple[str, float]], total: float, floor: float | None) -> float | None:
    """The weight a text must be able to reach to cover floor of total, less a margin for rounding;
    None (no bound) without a floor or where a term weighs nothing or less (a miss could raise it)."""
    if floor is None or not math.isfinite(total) or not all(weight > 0 for _, weight in pairs):
        return None
    # The bound, the weight got and total are float sums and differences of at most 2 * len(pairs) + 3
    # numbers, each at most total: each is within (2 * len(pairs) + 3) * 2**-53 * total of its exact
    # value, far inside the margin for any question (under a million terms).
    return (floor - 1e-9) * total


def _bounds(pairs: list[tuple[str, float]], in_texts: list[list[bool]], total: float, n: int) -> list[float]:
    """The most weight each of n texts can get: its terms', and CONTEXT_WEIGHT of the others' (until
    its context is asked about one and lacks it, which takes that off)."""
    held = [0.0] * n
    for (_, weight), found in zip(pairs, in_texts):
        held = [h + weight if hit else h for h, hit in zip(held, found)]
    return [CONTEXT_WEIGHT * total + (1 - CONTEXT_WEIGHT) * h for h in held]


class _Nowhere:
    """A context that holds no term: what a text below floor is asked instead of its own."""

    def __contains__(self, term: str) -> bool:
        return False


_NOWHERE = _Nowhere()


def _no_idf(term: str) -> float:
    raise AssertionError("coverages gives coverage the weights: it never asks for an idf")
