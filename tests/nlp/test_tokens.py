"""The tokeniser's fast paths agree with its general definition, and tokens are what queries rely on."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlp.tokens import _tokenize_any, query_terms, tokenize

# Letters, digits and the punctuation that decides tokens: apostrophes (possessives), underscores
# (not word characters), every other printable ASCII character, curly quotes (a text is ASCII once
# they are straightened) and characters that keep it non-ASCII (an accent, a ligature NFKC splits).
TEXT = st.text(alphabet=string.printable + "'s_\u2018\u2019\u201c\u201d\u00e9\ufb01", max_size=80)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_fast_paths_match_the_general_tokeniser(text: str) -> None:
    assert tokenize(text) == _tokenize_any(text)


def test_tokens_drop_case_punctuation_and_possessives() -> None:
    assert tokenize("Putin's troops_left SYRIA, on 14-03-2016.") == [
        "putin", "troops", "left", "syria", "on", "14", "03", "2016"]
    assert tokenize("it's Mr. O'Neil's") == ["it", "mr", "o", "neil"]


def test_non_ascii_text_is_normalised() -> None:
    assert tokenize("Putin\u2019s ﬁnal café") == ["putin", "final", "café"]  # curly apostrophe, ligature


def test_query_terms_fall_back_to_stop_words() -> None:
    assert query_terms("who said the mission is over") == ["mission"]
    assert query_terms("the will") == ["the", "will"]


def test_contractions_and_around_are_common_words() -> None:
    # "wasn't" is "was not": its pieces are no more a question's content than "was" and "not" are
    assert query_terms("the job wasn't finished, we didn't stop") == ["job", "finished", "stop"]
    assert query_terms("arrested at around 7am") == ["arrested", "7am"]
    assert query_terms("they won the cup but won't celebrate") == ["won", "cup", "celebrate"]
