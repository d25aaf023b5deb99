"""Coverage's word checks: an article's stored word list matches inflected forms exactly as a
Vocabulary built from the same text does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answer.match import MIN_PREFIX, StoredWords, Vocabulary, by_prefix, same_word
from bot.nlp.tokens import word_list

# Short words from a small alphabet, so prefixes, extensions and near misses are common.
WORDS = st.text(alphabet="abrté1", min_size=1, max_size=10)


@settings(max_examples=400, deadline=None)
@given(st.lists(WORDS, max_size=30), st.lists(WORDS, min_size=1, max_size=10))
def test_stored_words_agree_with_a_vocabulary(words: list[str], terms: list[str]) -> None:
    text = " ".join(words)
    stored, vocab = StoredWords(word_list(text)), Vocabulary.of(text)
    for term in terms + [w.lower() for w in words]:
        assert (term in stored) == (term in vocab) == any(same_word(term, w) for w in vocab.words)


def test_inflected_forms_within_four_letters_match() -> None:
    stored = StoredWords(word_list("The bridge reopened; officials meet. A cat."))
    assert "reopen" in stored and "meeting" in stored and "officials" in stored
    assert "reopenedly" in stored and "reopenedagain" not in stored  # "reopened" plus five letters is too far
    assert "ca" not in stored and "cats" not in stored  # short words match only as written
    assert "bridges" in stored and "bri" not in stored


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=10), st.lists(WORDS, max_size=30))
def test_prefix_groups_hold_every_term_a_word_can_match(terms: list[str], words: list[str]) -> None:
    groups = by_prefix(terms)
    for w in words + terms:
        assert [t for t in terms if same_word(t, w)] == [t for t in groups.get(w[:MIN_PREFIX], []) if same_word(t, w)]
