"""bot.answer.synonyms: the words a paraphrase may use for a question's word."""

from __future__ import annotations

from bot.answer.synonyms import synonyms


def test_a_word_has_its_groups_words_in_any_form() -> None:
    assert "irritating" in synonyms("annoying")
    assert "entirely" in synonyms("completely")
    assert "statutory" in synonyms("legal")
    assert "agriculture" in synonyms("farming")
    assert "heal" in synonyms("cured") and "staff" in synonyms("workers")  # an inflected form finds its group


def test_no_word_stands_for_itself_or_for_another_part_of_speech() -> None:
    for word in ("completely", "annoying", "workers", "people"):
        assert word not in synonyms(word)
    # "completely" is not "complete" (as in "finish the work")
    assert "finish" not in synonyms("completely") and "conclude" not in synonyms("completely")


def test_most_words_have_none() -> None:
    assert synonyms("the") == () and synonyms("phosphate") == () and synonyms("xqzv") == ()
