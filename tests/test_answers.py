"""The core's answers on the seed article: who said, when, search, and plain refusals."""

from __future__ import annotations

import asyncio
import json
from datetime import date

import pytest

import bot.nlp.timex as timex
from bot.evaluate import is_correct
from bot.settings import PROJECT_ROOT

SEED_QUESTIONS = [
    json.loads(line)
    for line in (PROJECT_ROOT / "tests" / "eval" / "seed-questions.jsonl").read_text().splitlines()
    if line.strip()
]


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("!who said the mission … has been accomplished", "Vladimir Putin"),
        ("!who said mission accomplished", "Vladimir Putin"),
        ("who said we will have to see exactly what Russia's intentions are", "Josh Earnest"),
        ("!who said if there is seriousness in implementing the withdrawal", "Salim al-Muslat"),
    ],
)
async def test_who_said_names_the_speaker_and_cites_the_article(library, question: str, speaker: str) -> None:
    answer = await library.ask(question)
    assert answer.command == "who"
    assert answer.found, answer
    assert answer.answer == speaker
    assert answer.article is not None
    assert answer.article.title == "Vladimir Putin Orders Russian Troops Withdrawal from Syria"
    assert answer.passage and any(w in answer.passage.lower() for w in question.lower().split()[-3:])


async def test_when_air_strikes_began(library) -> None:
    answer = await library.ask("!when did Russia begin its air strikes")
    assert answer.found
    assert answer.answer == "September 15"
    assert answer.date is None  # no year: the seed has no published date
    assert "air strikes" in answer.passage


async def test_when_frees_the_analyses_it_pushed_out_once_its_answer_is_out(library, monkeypatch) -> None:
    # Freeing an evicted analysis is left to the event loop's next turn, after the answer is handed on.
    monkeypatch.setattr(timex, "_EVICTED", [timex._Text("An old article of 2001.")])
    answer = await library.ask("!when did Russia begin its air strikes")
    assert answer.found
    assert len(timex._EVICTED) >= 1  # (not while answering)
    await asyncio.sleep(0)
    assert timex._EVICTED == []


async def test_when_withdrawal_starts(library) -> None:
    answer = await library.ask("!when will the withdrawal start")
    assert answer.found
    assert "March 15" in answer.answer or "tomorrow" in answer.answer


@pytest.mark.parametrize("item", SEED_QUESTIONS, ids=[q["q"][:50] for q in SEED_QUESTIONS])
async def test_seed_evaluation_questions(library, item: dict) -> None:
    answer = await library.ask(item["q"])
    ok, why = is_correct(item, answer)
    assert ok, f"{why}: got {answer.answer!r} date {answer.date!r} from {answer.passage!r}"


async def test_search_returns_passages_with_their_article(library) -> None:
    answer = await library.ask("!search naval base Tartus")
    assert answer.found
    assert "Tartus" in answer.hits[0].text
    assert answer.hits[0].article.id == answer.article.id


@pytest.mark.parametrize(
    "question",
    ["!who said the ceasefire in Aleppo has collapsed", "!search quarterly earnings of Apple",
     "!when was the Syrian presidential election held"],
)
async def test_no_good_match_is_said_plainly(library, question: str) -> None:
    answer = await library.ask(question)
    assert not answer.found
    assert answer.answer


@pytest.mark.parametrize(
    ("question", "expect"),
    [("!who said", "Usage"), ("!frobnicate x", "don't know"), ("!" + "x" * 5000, "too long"),
     ("!article 9999", "no article"), ("!article abc", "Usage"), ("!", "Which command"), ("", "Which command"),
     ("!`x`", "don't know the command `'x'`"), ("!search the", "too common"), ("!who said it", "too common"),
     ("!when is it", "Which event")],
)
async def test_bad_input_gets_a_short_message(library, question: str, expect: str) -> None:
    answer = await library.ask(question)
    assert not answer.found
    assert expect in answer.answer
    assert len(answer.answer) < 200


async def test_common_words_are_searched_as_a_phrase(library) -> None:
    await library.add_text("Gig", "Tickets for The Who sold out in an hour on Friday.\n\n"
                                  "The promoter who booked the hall said the queue started at dawn.\n\n"
                                  "Who plays next year is not known, the promoter said.")
    answer = await library.ask("!search the who")
    assert answer.found
    assert [h.text for h in answer.hits] == ["Tickets for The Who sold out in an hour on Friday."]
    assert not (await library.ask("!search who the")).found  # the words, but not in that order


async def test_quotes_by_any_form_of_the_name(library) -> None:
    for name in ("Putin", "vladimir putin"):
        answer = await library.ask(f"!quotes {name}")
        assert answer.found
        assert answer.details["speakers"] == ["Vladimir Putin"]
        assert any("accomplished" in h.text for h in answer.hits)


async def test_articles_article_and_stats(library) -> None:
    listing = await library.ask("!articles")
    assert listing.found and listing.details["total"] == 1
    article_id = listing.hits[0].article.id
    shown = await library.ask(f"!article {article_id}")
    assert shown.found and shown.answer.startswith("Vladimir Putin Orders")
    assert any(h.label == "Josh Earnest" for h in shown.hits)
    stats = await library.ask("!stats")
    assert stats.details["stats"]["articles"] == 1
    assert stats.details["stats"]["quotes"] >= 5


async def test_removed_article_is_no_longer_answered(library) -> None:
    listing = await library.ask("!articles")
    removed = await library.remove(listing.hits[0].article.id)
    assert removed is not None
    answer = await library.ask("!who said mission accomplished")
    assert not answer.found


def test_when_quotes_the_dated_neighbour_sentence_with_the_event() -> None:
    from bot.answer.when import _passage_with
    from bot.nlp.passages import split_passages
    from bot.nlp.timex import find_time_expressions
    from bot.store.records import ArticleInfo, PassageRecord

    body = ("The harbour board agreed on a new berthing levy for cruise ships. "
            "The charge will apply from June 1, the board said.\n\nOperators were not consulted.")
    info = ArticleInfo(1, 0, "Levy", "levy.txt", None, None, None, date(2024, 5, 6), None, False)
    event = PassageRecord(1, info, 0, body[:65], 0, 65)
    sentences = [(sp.start, sp.end) for sp in split_passages(body)]
    expr = next(e for e in find_time_expressions(body, date(2024, 5, 6)) if "June" in e.text)
    passage = _passage_with(body, sentences, event, expr)
    assert passage.startswith("The harbour board agreed") and passage.endswith("the board said.")
    assert _passage_with(body, sentences, PassageRecord(2, info, 1, body[66:116], 66, 116), expr) == body[66:116]
    assert _passage_with(body, [], event, expr) == event.text  # no sentence holds the date: the event's alone


def _pick_in(body: str, question: str, published: date) -> str | None:
    """The time expression _pick takes from one article for a question (None: no date)."""
    from bot.answer.when import _pick
    from bot.nlp.passages import split_passages
    from bot.nlp.timex import analyse_question
    from bot.nlp.tokens import query_terms
    from bot.store.records import ArticleInfo, PassageRecord

    info = ArticleInfo(1, 0, "Crane returns", "crane.txt", None, None, None, published, None, False)
    passages = split_passages(body)
    first = PassageRecord(1, info, 0, passages[0].text, passages[0].start, passages[0].end)
    terms = query_terms(question)
    picked = _pick([(first, 1.0)], {1: body}, {1: [(sp.start, sp.end) for sp in passages]}, terms, analyse_question(question),
                   dict.fromkeys(terms, 1.0))
    return None if picked is None else picked[1].text


def test_a_date_the_event_words_barely_reach_is_no_answer() -> None:
    body = ("A common crane has nested on Fenwick Moss, the first pair in the county for a century.\n\n"
            "The Holm family has farmed at Fenwick Moss for four generations.\n\n"
            "The first sign came at about 5am on 12 May, when a walker on the path heard the call, the family said.")
    published = date(2024, 7, 1)
    assert _pick_in(body, "did the Holm family start farming at Fenwick Moss", published) is None
    assert _pick_in(body, "did a walker first hear the crane call", published) == "5am on 12 May"


async def test_what_is_to_come_is_dated_by_the_later_report(library) -> None:
    # two schools' inspections, each with a parents' meeting worded alike: "when is …" means the
    # meeting the later report announces
    from bot.ingest.records import ArticleDraft

    for published, school, day in ((date(2025, 11, 14), "Larkfield", "next Tuesday, 18 November"),
                                   (date(2025, 6, 12), "Ostley", "Monday")):
        body = (f"{school} Academy has been rated inadequate after an inspection in May.\n\n"
                f"A meeting for parents about the inspection will be held in the school hall on {day} at 6pm.")
        await library.add_draft(ArticleDraft(title=f"{school} rated inadequate", body=body, source="test",
                                             published=published))
    answer = await library.ask("!when is the parents' meeting about the inspection")
    assert answer.found and answer.date == "2025-11-18", answer


def test_answer_json_is_what_dataclasses_asdict_gives() -> None:
    """to_json skips asdict's deep copies: the same dict, nested article included."""
    from dataclasses import asdict

    from bot.answer.models import Answer, ArticleRef, Hit

    ref = ArticleRef(7, "Title", "a.txt", None, "2024-05-01", "World")
    answer = Answer("!search x", "search", True, "2 passages found", passage="p", article=ref,
                    hits=[Hit("one", ref, "0.5", 0.5), Hit("two", None)], details={"page": 1})
    expected = {**asdict(answer), "hits": [asdict(h) for h in answer.hits]}
    del expected["details"]
    assert answer.to_json() == {**expected, "page": 1}
    assert list(answer.to_json()) == ["question", "command", "found", "answer", "date", "passage", "article",
                                      "hits", "page"]


@pytest.mark.parametrize("body, question, expected", [
    ("A chariot burial lies under a sheep field near Kelby.\n\nThe find, made on 2 March by a team from Kelby "
     "University, is the third of its kind.", "did the team discover the chariot burial", "2 March"),
    ("Rivers are at record lows.\n\nThe minister said she would convene the national drought group next Monday.",
     "is the minister meeting the drought group", "next Monday"),
    ("The ward will close.\n\nHis MP said he would raise the closure in the Commons next Tuesday.",
     "will the MP raise the ward closure in parliament", "next Tuesday"),
    ("The Anchor was shut for three years.\n\nIt reopened last night, and the first pint was pulled at six.",
     "did the Anchor open its doors again", "last night"),
])
def test_an_article_wording_the_event_its_own_way_is_still_read(body: str, question: str, expected: str) -> None:
    # "discover" is met by "the find", "meeting" by "convene", "parliament" by "the Commons", and
    # "open its doors again" is asked as "reopen"; else the article lacks a word and is passed over
    from bot.nlp.timex import plain_verbs

    assert _pick_in(body, plain_verbs(question), date(2016, 3, 16)) == expected
