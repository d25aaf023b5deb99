"""`who said` answer rules over small articles of our own: ties, negation, several speakers,
sentences versus quotations, and words that only the rest of an article holds."""

from __future__ import annotations

from bot.render import PARAPHRASE_NOTE
from bot.render.embeds import answer_embed
from bot.render.text import render_text

RIVER = """The Kelby river was closed in March. Anglers have stayed away since the spill.

"The trout population has not recovered and it will not recover this decade," said Dr. Hana Pirell, a biologist at Kelby University.

Farmers on the lower bank were angrier. "Somebody poisoned this river and nobody has paid for it," said Owen Tully, who keeps sheep near the weir.

The council said in a statement that the river would reopen to boats in June."""

DEPOT = """Workers at the Marsh Lane bus depot began a strike on Monday over pay.

Union organiser Pavla Reyes said the drivers were ready to stay out "until the last day of the summer if that is what it takes."

Depot manager Colin Abbot said the dispute was "regrettable" and that talks would continue.

Regional analyst Imogen Strand predicted that the drivers would stay on the old rota through the summer."""

CHOIRS = """Two choirs sang at the Harbour Hall on Saturday.

"It was long overdue," said Rita Vance, who runs the Northgate choir, of the hall's new organ.

"Honestly, it was long overdue," said Piet Lomax of the Southgate singers, who have waited a decade for the hall to reopen."""


async def _ask(library, text: str, question: str):
    await library.add_text("Test story", text)
    return await library.ask(question)


async def test_negated_sentence_names_nobody(library) -> None:
    answer = await _ask(library, RIVER, "!who said the trout population has recovered")
    assert not answer.found, answer


async def test_the_same_words_from_two_people_name_both(library) -> None:
    answer = await _ask(library, CHOIRS, "!who said it was long overdue")
    assert answer.found
    assert "Rita Vance" in answer.answer and "Piet Lomax" in answer.answer
    assert answer.details["speakers"] == ["Rita Vance", "Piet Lomax"]


async def test_equal_quotations_are_told_apart_by_their_sentences(library) -> None:
    answer = await _ask(library, CHOIRS, "!who said long overdue of the hall's new organ")
    assert answer.found and answer.answer == "Rita Vance"


async def test_a_sentence_holding_all_the_words_beats_a_weaker_quotation(library) -> None:
    answer = await _ask(library, DEPOT, "!who said the drivers were ready to stay out until the summer")
    assert answer.found and answer.answer == "Pavla Reyes", answer


async def test_words_found_only_around_a_sentence_are_not_its_words(library) -> None:
    # "anglers" and "closed" are elsewhere in the story; the sentence naming Owen Tully only has "weir"
    answer = await _ask(library, RIVER, "!who said anglers will close the weir")
    assert not answer.found, answer


async def test_interview_answer_names_the_interviewee(library) -> None:
    text = """Marta Vell, 58, has kept the lighthouse at Skerra Point for twenty years. We met in the lamp room.

Do you ever get lonely out here?

Never. I have the gulls and the radio, and the supply boat comes on Thursdays.

What will you do when the light is automated?

I will grow potatoes and complain about the weather, like my father did.

Would you change anything about your years here?

Only the stairs. There are 212 of them and my knees have counted every one.

The light will be automated next spring."""
    answer = await _ask(library, text, "!who said my knees have counted every one")
    assert answer.found and answer.answer == "Marta Vell", answer


async def test_the_company_named_before_is_the_speaker(library) -> None:
    text = ("Staff at the Orlin Foods plant in Dunwich walked out on Tuesday.\n\n"
            "Orlin Foods said the walkout was unnecessary. The company described its pay offer as "
            "\"generous, fair and final.\"")
    answer = await _ask(library, text, "!who said generous, fair and final")
    assert answer.found and answer.answer == "Orlin Foods", answer


REPAIRS = "\n\n".join(
    f'"Fixing the {thing} was long overdue," said {name}.'
    for thing, name in [("roof", "Ana Bell"), ("bridge", "Tomas Reyes"), ("clock", "Ida Moor"), ("pier", "Sam Okoro"),
                        ("organ", "Lea Brandt"), ("road", "Yusuf Kaya"), ("well", "Nora Quist")])


async def test_words_many_people_said_name_a_few_and_ask_for_more(library) -> None:
    answer = await _ask(library, REPAIRS, "!who said long overdue")
    assert answer.found
    speakers = answer.details["speakers"]
    assert sorted(speakers) == sorted(["Ana Bell", "Tomas Reyes", "Ida Moor", "Sam Okoro", "Lea Brandt",
                                       "Yusuf Kaya", "Nora Quist"])
    assert answer.answer.startswith(f"7 people said this, among them {', '.join(speakers[:5])}:"), answer.answer
    assert not any(name in answer.answer for name in speakers[5:]) and "more of the words" in answer.answer


async def test_common_words_must_be_said_as_a_phrase(library) -> None:
    text = ('"Is it what we wanted? No," said Tom Bale, the club secretary.\n\n'
            '"We lost, and that is it," said Mara Quist.')
    # Both quotations hold "it", "is" and "what" or most of them; neither holds "it is what it is".
    assert not (await _ask(library, text, "!who said it is what it is")).found
    answer = await library.ask("!who said that is it")
    assert answer.found and answer.answer == "Mara Quist", answer


RESCUE = """Climbers were warned about the ridge last winter. Volunteers pay for their own kit, and the government pays nothing.

Kelby Mountain Rescue Team said in a statement that it would publish its own hazard notes online from December.

"The ridge is safe in summer," said Nora Fenwick, who guides walkers there."""


async def test_words_of_the_speakers_name_are_not_what_was_said(library) -> None:
    # "mountain", "rescue" and "team" are the speaker's name, not the words of the statement
    answer = await _ask(library, RESCUE, "!who said the government should pay mountain rescue teams")
    assert not answer.found, answer
    answer = await library.ask("!who said it would publish its own hazard notes online")
    assert answer.found and answer.answer == "Kelby Mountain Rescue Team", answer


async def test_a_phrase_of_mostly_common_words_is_found_among_many_short_quotations(library) -> None:
    # "thought" is the question's only content word; twenty-five shorter quotations hold it, and
    # BM25 ranks them above the long one that holds the whole phrase.
    others = "\n\n".join(f'"I thought it was over," said Runner Number{n}.' for n in range(25))
    await library.add_text("Race", others)
    text = ('"I saw the keeper come off his line and, honestly, I just thought, why not, and the ball went in off '
            'the post after what felt like an age," said Callum Breen, who scored from forty yards.')
    answer = await _ask(library, text, "!who said I just thought, why not")
    assert answer.found and answer.answer == "Callum Breen", answer


async def test_a_contraction_in_the_question_is_its_plain_words(library) -> None:
    text = ('"Inflation is heading in the right direction, but we are not yet at the point where the job is '
            'done," said Tomas Ekberg, the bank\'s governor.')
    answer = await _ask(library, text, "!who said inflation was going the right way but the job wasn't done yet")
    assert answer.found and answer.answer == "Tomas Ekberg", answer


async def test_the_question_verb_of_saying_is_the_attributions_not_the_quotations(library) -> None:
    # "apologised" and "promised" sit beside the quotation, never inside it
    text = ('Zoo director Imre Baska said: "We are truly sorry for the alarm this has caused." Keepers found '
            'the otter under a bench.\n\nThe council leader promised that the zoo would be inspected again.')
    answer = await _ask(library, text, "!who apologised for the alarm the otter caused")
    assert answer.found and answer.answer == "Imre Baska", answer
    answer = await library.ask("!who promised the zoo would be inspected again")
    assert answer.found and answer.answer == "The council leader", answer


async def test_a_paraphrase_only_one_quotation_comes_near_is_answered(library) -> None:
    # "wished she had bought more shares in the pub" holds under the threshold of "I wish I'd bought
    # more", but no one else's words come near; the same question worded away from every quotation
    # still finds no one
    text = ('The Anchor reopened last night as a community pub after 400 villagers bought shares.\n\n'
            '"I put in fifty pounds at the start. Now I have seen the place, I wish I had bought more," said '
            'Rhian Tudor, a retired postmistress.\n\n'
            'The brewery said it was "delighted" to supply the village.')
    answer = await _ask(library, text, "!who said she wished she had bought more shares in the pub")
    assert answer.found and answer.answer == "Rhian Tudor", answer
    answer = await library.ask("!who said the brewery should have kept the pub open")
    assert not answer.found, answer


async def test_another_figure_is_another_count(library) -> None:
    # The question's figure is what it recalls: a sentence with its other words counting something
    # else does not say it, whether quoted as said or reported.
    story = ("More than 140,000 people voted early, a record for the city, the commission said.\n\n"
             '"A record 9,000 runners finished the course," said race director Lina Farrow.')
    answer = await _ask(library, story, "!who said a record 18,000 people voted")
    assert not answer.found, answer
    answer = await library.ask("!who said a record 140,000 people voted")
    assert answer.found and answer.answer == "the commission", answer
    answer = await library.ask("!who said a record 9,000 runners finished")
    assert answer.found and answer.answer == "Lina Farrow", answer
    # a year may be written "last year" in the story: it is not held against it
    answer = await library.ask("!who said 2023 had a record 9,000 runners finishing the course")
    assert answer.found and answer.answer == "Lina Farrow", answer


async def test_words_said_of_something_the_question_does_not_name_are_not_its(library) -> None:
    # The question names a leopard the lynx's story never mentions: the lynx's keeper did not say it.
    story = ("Dr Anton Feld said Biscuit, a lynx who came to Brackenmoor from a European breeding "
             "programme in 2021, would be kept off display.")
    await library.add_text("Test story", story)
    reader = library.store.reader
    for library.store.reader in (reader, None):  # the worker thread's reads, and the store's (PostgreSQL's)
        answer = await library.ask("!who said Taskan came to the zoo through a European breeding programme")
        assert not answer.found, answer
        answer = await library.ask("!who said Biscuit came to the zoo through a European breeding programme")
        assert answer.found and answer.answer == "Anton Feld", answer
        # a name's other forms count ("Europe's" for "European"); calendar words are no names
        answer = await library.ask("!who said Biscuit came on Monday from Europe's breeding programme")
        assert answer.found and answer.answer == "Anton Feld", answer
    library.store.reader = reader


async def test_a_quotation_recalled_in_other_words_is_found(library) -> None:
    story = ('"The corrosion is irritating but entirely curable," said Professor Alan Whitcombe.\n\n'
             'Gemma Holt said the fault was "a disgrace". "A zoo in the middle of a city carries a special '
             'responsibility," said Colin Brandt.')
    await library.add_text("Bridge story", story)
    answer = await library.ask("!who said the corrosion was annoying but could be completely cured")
    assert answer.found and answer.answer == "Alan Whitcombe", answer
    assert answer.details["paraphrase"] is True
    # the reply says so, on Discord and in the console, so the reader checks the quotation
    assert PARAPHRASE_NOTE in answer_embed(answer).description and PARAPHRASE_NOTE in render_text(answer)
    direct = await library.ask("!who said the corrosion is irritating")
    assert direct.found and PARAPHRASE_NOTE not in render_text(direct) + answer_embed(direct).description
    answer = await library.ask("!who said a city centre zoo has a special duty")
    assert answer.found and answer.answer == "Colin Brandt", answer
    # words the quotation holds neither as asked nor otherwise are still not it
    answer = await library.ask("!who said the corrosion was annoying but the paint was completely dry")
    assert not answer.found, answer


async def test_the_same_words_recalled_otherwise_name_everyone_who_said_them(library) -> None:
    story = ('His barrister, Naomi Fairbairn, said he had "always intended to repay every penny".\n\n'
             'Anita Khaleel, for his co-defendant, told the court: "He always intended to repay every penny, '
             'and he is utterly ashamed."')
    answer = await _ask(library, story, "!who said he always meant to repay every penny")
    assert answer.found and answer.details["speakers"] == ["Naomi Fairbairn", "Anita Khaleel"], answer
