"""A body's stored date analysis (bot.nlp.timex.saved_analysis) reads back as exactly what the rules
compute, is ignored when made by other rules, from another text or damaged, and the word tokens'
ASCII fast path finds what the Unicode regex finds."""

from __future__ import annotations

import hashlib
import string
import sys
import unicodedata
from datetime import date
from itertools import accumulate
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bot.nlp.timex as timex
import bot.nlp.tokens as tokens

CORPUS = sorted((Path(__file__).resolve().parents[2] / "corpus").glob("*.txt"))
DATES = (None, date(2023, 3, 8), date(2020, 2, 29), date(2026, 12, 31))
# Date-dense pieces: every form of the rules, ranges, relative years, tense markers, odd numbers.
DATE_PIECES = [
    "March 15", "15 March 2024", "Sept. 30 last year", "between June 3 and June 9", "from 2019 to 2021",
    "2019-2021", "until Friday", "since May", "on Tuesday", "last week", "next month", "the coming year",
    "two weeks ago", "3.5 years ago", "1e3", "99999999999999999999999 years ago", "9999 years ago", "a decade later",
    "the next day", "that morning", "three-year", "six-month-long", "Q3 2025", "the first quarter of next year",
    "in the 1990s", "the '80s", "mid-2020s", "500 BC", "AD 79", "Christmas Day 2024", "on Christmas",
    "New Year's Eve", "spring 2023", "last summer", "today", "yesterday morning", "the weekend",
    "2024-02-29", "2023-02-29", "12/25/2024", "early 2024", "the end of March 2025", "for 14 years",
    "will", "was", "said", "is expected to", "had", "has been", "Mr.", "U.S.", ", ", ". ", "\n", " ", "  ",
    "and", "to", "The", "talks", "ı", "ſ", "“", "’s", "Σ", "İstanbul", "20s", "May", "March", "fall",
]

texts = st.lists(st.sampled_from(DATE_PIECES), max_size=40).map(" ".join)


def _fresh(text: str) -> timex._Text:
    return timex._Text("".join(text))  # an equal string no cache has seen


def _same(a: timex._Text, b: timex._Text) -> None:
    # repr as well: == takes 2.0 for 2 and True for 1, which could change what an answer prints
    assert a.sentences == b.sentences and repr(a.sentences) == repr(b.sentences)
    assert a.parsed == b.parsed and repr(a.parsed) == repr(b.parsed)
    assert a.words == b.words and a.stems == b.stems
    for published in DATES:
        assert _outcome(a, published) == _outcome(b, published)


def _outcome(t: timex._Text, published: date | None) -> object:
    try:
        return t.expressions(published)
    except (ValueError, OverflowError) as exc:  # (dates beyond the calendar: "9999 years ago")
        return type(exc), str(exc)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_the_corpus_reads_back_what_the_rules_compute(path: Path) -> None:
    body = path.read_text()
    saved = timex.saved_analysis(body)
    assert timex.analysis_is_current(saved, body)
    assert len(saved) < 2 * len(body)  # (tokens and stems are most of it)
    _same(timex._Text(body, saved), _fresh(body))


@settings(max_examples=300, deadline=None)
@given(texts)
def test_random_date_dense_texts_read_back_what_the_rules_compute(text: str) -> None:
    saved = timex.saved_analysis(text)
    seeded = timex._Text(text, saved)
    _same(seeded, _fresh(text))
    assert seeded._saved is None  # it was read back, not damaged


def test_a_saved_analysis_is_used_instead_of_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    body = CORPUS[0].read_text()
    saved, fresh = timex.saved_analysis(body), _fresh(body)
    expected, words, stems = fresh.expressions(date(2023, 3, 8)), fresh.words, fresh.stems
    assert expected

    def fail(*_a: object) -> None:
        raise AssertionError("the rules ran")

    monkeypatch.setattr(timex, "_atoms", fail)
    monkeypatch.setattr(timex, "_sentence_bounds", fail)
    monkeypatch.setattr(timex, "_tense", fail)
    monkeypatch.setattr(timex, "_tokenise", fail)
    seeded = timex._Text(body, saved)
    assert seeded.expressions(date(2023, 3, 8)) == expected
    assert seeded.words == words and seeded.stems == stems


def test_a_read_back_vocabulary_joins_its_stems_as_the_rules_would(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in CORPUS[:4]:
        body = path.read_text()
        seeded, fresh = timex._Text(body, timex.saved_analysis(body)), _fresh(body)
        assert type(seeded.vocab) is timex._Vocab and seeded.vocab == fresh.vocab
        expected = {prefix: sorted(timex._starting(fresh.vocab, prefix)) for prefix in ("a", "re", "clos", "x", "q")}
        assert sorted(timex._joined(seeded.vocab).split("\n")) == sorted(timex._joined_anew(fresh.vocab).split("\n"))
        with monkeypatch.context() as m:
            m.setattr(timex, "_joined_anew", None)  # (the stored stems, not the set joined again)
            assert {prefix: sorted(timex._starting(seeded.vocab, prefix)) for prefix in expected} == expected


def test_other_rules_other_texts_and_damage_are_ignored() -> None:
    body, other = CORPUS[0].read_text(), CORPUS[1].read_text()
    saved = timex.saved_analysis(body)
    version = timex.ANALYSIS_VERSION
    head, rest = saved[:saved.index("[")], saved[saved.index("["):]
    damaged = [
        "0" * len(version) + saved[len(version):],  # other rules
        timex.saved_analysis(other),  # another text's
        saved[:-1], saved[:-40], head, head + "[]", head + "{}", head + "[[0,5],[[1,2,\"nope\",{}],\"\"]]",
        head + "[[0,5],[[1,2,\"date\",{},\"x\"],\"\"]]", head + "[[0,5],[[1,2,\"date\",{}],\"later\"]]",
        head + "[[0,\"5\"],[]]", head + "[[[0,5,6]],[]]", head + rest.replace("[", "{", 1), "", "garbage",
        *_damaged_tokens(saved),
    ]
    for bad in damaged:
        assert not timex.analysis_is_current(bad, body), bad[:60]
        _same(timex._Text(body, bad), _fresh(body))


def _damaged_tokens(saved: str) -> list[str]:
    """The analysis with its token part (a header in the JSON, the stems and digits after it) changed
    in ways a decoder must notice."""
    import json

    head = saved[:saved.index("[")]
    (bounds, parsed, (n, size_width, id_width, checksum)), end = json.JSONDecoder().raw_decode(saved, len(head))
    tail = saved[end:]
    cut = tail.rindex("\n") + 1
    joined, digits = tail[:cut], tail[cut:]
    again = lambda header, rest=tail: head + json.dumps([bounds, parsed, header]) + rest  # noqa: E731
    # well-formed, with the checksum of what it holds: only the checks of its structure can tell
    packed = lambda stems, codes: again([n, size_width, id_width, timex._checksum(stems + codes)], stems + codes)  # noqa: E731
    last = joined[1:-1].split("\n")[-1]
    flipped = digits[:len(digits) // 2] + chr(ord(digits[len(digits) // 2]) ^ 1) + digits[len(digits) // 2 + 1:]
    return [
        again([n, size_width, id_width, checksum], tail[:-8]),  # cut short
        again([n, size_width, id_width, checksum], joined + flipped),  # a digit changed
        again([n, size_width, id_width, checksum], joined[:-2] + chr(ord(joined[-2]) ^ 1) + "\n" + digits),  # a stem changed
        again([n, size_width, id_width, checksum ^ 1]),
        again([n + 1, size_width, id_width, checksum]), again([-1, size_width, id_width, checksum]),
        again([n, 0, id_width, checksum]), again([n, size_width, 7, checksum]), again([n, 1.0, id_width, checksum]),
        again([str(n), size_width, id_width, checksum]), again([n, size_width, id_width, str(checksum)]),
        again([n, size_width, id_width]), again([n, size_width, id_width, checksum, checksum]),
        packed(joined, digits[:n]),  # arrays cut
        packed(joined, digits + "?"),  # a digit too many
        packed(joined, digits[:-1] + "\x7f"),  # not a digit
        packed(joined, digits[:-1] + ">"),  # below the digits: a wrapped byte
        packed(joined, digits[:-1] + "é"),  # not ASCII
        packed(joined[:-len(last) - 1], digits),  # the last stem cut: ids point past it
        packed(joined + "zzzz\n", digits),  # a stem no word has: not the vocabulary
        packed(joined + last + "\n", digits),  # a stem twice
        packed(joined[1:], digits),  # no line break before the first stem
        packed("", digits), packed("\n", digits),  # no stems
        again([n, size_width, id_width, checksum], ""),  # nothing after the JSON
        head + json.dumps([bounds, parsed]),  # no tokens
    ]


def test_a_text_without_words_stores_and_reads_back_none() -> None:
    for text in ("", "  ", "...\n--"):
        saved = timex.saved_analysis(text)
        assert timex.analysis_is_current(saved, text)
        _same(timex._Text(text, saved), _fresh(text))
        assert not timex.analysis_is_current(saved + "zz\n", text)  # a stem where there are no words


def test_long_numbers_take_more_digits() -> None:
    """Gaps, lengths and ids past 63 (one digit) and 4095 (two) read back as they were."""
    text = "x" * 70 + " " * 5000 + " ".join(f"w{k}q" for k in range(4200))
    saved = timex.saved_analysis(text)
    (*_, (_, size_width, id_width, _)), _ = __import__("json").JSONDecoder().raw_decode(saved, saved.index("["))
    assert (size_width, id_width) == (3, 3) and timex.analysis_is_current(saved, text)
    _same(timex._Text(text, saved), _fresh(text))


def test_the_version_hashes_the_rules_source() -> None:
    digest = hashlib.sha256(f"{sys.version_info[:2]} {unicodedata.unidata_version}".encode())
    digest.update(Path(timex.__file__).read_bytes())
    digest.update(Path(tokens.__file__).read_bytes())
    assert timex.ANALYSIS_VERSION == digest.hexdigest()[:12]
    assert timex.saved_analysis("x").startswith(timex.ANALYSIS_VERSION + ":")


def test_seeding_keeps_the_cache_bounded_and_cached_texts_as_they_are(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timex, "_TEXTS", {})
    bodies = [f"{p.read_text()}\n{i}" for i, p in enumerate(CORPUS * 2)][:timex._TEXTS_MAX + 10]
    kept = timex._text(bodies[0])
    timex.seed_analyses([(b, timex.saved_analysis(b)) for b in bodies[:3]])
    assert timex._TEXTS[bodies[0]] is kept and len(timex._TEXTS) == 3  # already cached: not replaced
    timex.seed_analyses([(b, timex.saved_analysis(b)) for b in bodies])
    assert len(timex._TEXTS) == timex._TEXTS_MAX
    assert all(timex._TEXTS[b]._saved is not None for b in bodies[-timex._TEXTS_MAX:])
    timex.seed_analyses([("stale body", "0ld:" + timex.saved_analysis("stale body")), ("none", None)])
    assert "stale body" not in timex._TEXTS and "none" not in timex._TEXTS
    for b in bodies[-3:]:
        _same(timex._text(b), _fresh(b))


def _reference_words(low: str) -> tuple[list[int], list[int], list[str]]:
    parts = timex._WORD_SPLIT.split(low)
    offsets = list(accumulate(map(len, parts), initial=0))
    return offsets[1:-1:2], offsets[2:-1:2], parts[1::2]


def _reference_words_tuple(text: str) -> tuple:
    """_Text.words as computed before its fast paths."""
    norm = tokens.normalize_quotes(text)
    low = norm.lower()
    starts, ends, words = _reference_words(low)
    stem_of = {w: timex._stem(w) for w in set(words)}
    poss = [k for k, w in enumerate(words) if w == "s" and starts[k] > 0 and low[starts[k] - 1] == "'"]
    whole = len(low) == len(norm) and "\u03a3" not in norm
    return low, starts, ends, [stem_of[w] for w in words], poss, frozenset(stem_of.values()), whole


WORDY = st.text(alphabet=string.printable + "'''_ssSΣσςéÉİıſK\u2019\u2018\u201c\u00a0ß\ufb01٣", max_size=120)


@settings(max_examples=1000, deadline=None)
@given(WORDY)
def test_word_tokens_take_the_ascii_path_where_the_regex_would_find_the_same(text: str) -> None:
    assert _fresh(text).words == _reference_words_tuple(text)
    low = text.lower()
    if low.isascii():
        assert timex._ascii_words(low) == _reference_words(low)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["ship's", "'s", "s", "it's", "x_y", "_", "a1", "42", "Σ", "ΑΣ", "naïve",
                                 "don't", "'", "s'", " ", "\n", ".", "O'Neil's"]), max_size=30).map("".join))
def test_word_tokens_of_possessives_digits_and_underscores(text: str) -> None:
    assert _fresh(text).words == _reference_words_tuple(text)


def _reference_stem(word: str) -> str:
    """_stem before its shortcut for words no suffix can apply to."""
    word = timex._IRREGULAR.get(word, word)
    for suffix in ("ing", "ies", "ied", "ed", "es", "al", "s", "e"):
        if not word.endswith(suffix) or len(word) - len(suffix) < 3:
            continue
        if suffix == "s" and word.endswith(("ss", "us", "is")):
            continue
        stem = word[: -len(suffix)]
        if suffix in ("ies", "ied"):
            stem += "y"
        elif suffix in ("ing", "ed") and len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            stem = stem[:-1]
        return stem.removesuffix("e") if len(stem) > 3 else stem
    return word


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="abcdegilnsuyz1é", max_size=9) | st.sampled_from(sorted(timex._IRREGULAR)))
def test_stem_shortcut_matches_the_suffix_rules(word: str) -> None:
    assert timex._stem.__wrapped__(word) == _reference_stem(word)


def test_a_text_the_rules_fail_on_is_stored_without_an_analysis(monkeypatch) -> None:  # noqa: ANN001
    """An import, the migration and `db reanalyse` go on past one bad article."""
    def broken(text: str) -> str:
        raise RuntimeError("a rule bug")

    monkeypatch.setattr(timex, "saved_analysis", broken)
    assert timex.stored_analysis("It opened on Monday.") is None
