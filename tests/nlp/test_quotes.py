"""Quotations and speakers: the seed article, then one test per attribution form."""

from pathlib import Path

import pytest

from bot.nlp.quotes import METHODS, Quote, extract_quotes, name_matches

SEED = Path(__file__).resolve().parents[2] / "corpus" / "putin-syria-withdrawal.txt"


def seed_body() -> str:
    """The seed article without its breadcrumb line and duplicated title."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    content = [i for i, line in enumerate(lines) if line.strip()]
    return "\n".join(lines[content[1] + 1:]).strip("\n")


def quote_with(quotes: list[Quote], words: str) -> Quote:
    """The quote whose text contains words."""
    found = [q for q in quotes if words in q.text]
    assert found, f"no quote containing {words!r} in {[q.text for q in quotes]}"
    return found[0]


def only(body: str) -> Quote:
    quotes = extract_quotes(body)
    assert len(quotes) == 1, quotes
    return quotes[0]


def check(q: Quote, canonical: str | None, method: str, is_person: bool = True) -> None:
    assert (q.canonical, q.method, q.is_person) == (canonical, method, is_person), q


# ------------------------------------------------------------------------------------------
# The seed article

@pytest.fixture(scope="module")
def seed() -> list[Quote]:
    return extract_quotes(seed_body())


def test_seed_offsets_match_text(seed):
    body = seed_body()
    assert seed and all(body[q.start:q.end] == q.text for q in seed)
    assert all(q.method in METHODS for q in seed)


def test_seed_quote_after_attribution(seed):
    q = quote_with(seed, "has been accomplished")
    check(q, "Vladimir Putin", "after")
    assert q.text.startswith("I consider the mission")


def test_seed_unattributed_paragraph_continues_putin(seed):
    check(quote_with(seed, "I am therefore ordering"), "Vladimir Putin", "continuation")


def test_seed_pronoun_partial_quote(seed):
    q = quote_with(seed, "from land, air and sea")
    assert q.canonical == "Vladimir Putin" and q.method in ("pronoun", "partial")
    assert q.speaker == "He"


def test_seed_partial_quotes_in_reported_speech(seed):
    check(quote_with(seed, "stabilize the legitimate authority"), "Vladimir Putin", "partial")
    check(quote_with(seed, "create conditions for a political compromise"), "Vladimir Putin", "partial")


def test_seed_the_statement_is_its_issuers_and_no_person(seed):
    # "his office said in a statement he had agreed …" / "…, the statement said."
    check(quote_with(seed, "in accordance with the situation"), "Bashar al-Assad's office", "after", False)


def test_seed_apposition_after_inverted_said(seed):
    q = quote_with(seed, "positive push")
    check(q, "Salim al-Muslat", "after")
    assert q.speaker.startswith("Salim al-Muslat, spokesman for")


def test_seed_title_stripped(seed):
    q = quote_with(seed, "Russia’s intentions")
    check(q, "Josh Earnest", "after")
    assert q.speaker == "White House spokesman Josh Earnest"


def test_seed_reported_speech(seed):
    check(quote_with(seed, "Hmeimim air base"), "Vladimir Putin", "reported")
    check(quote_with(seed, "largely achieved its objectives"), "Vladimir Putin", "reported")


def test_seed_his_office_is_assads_office(seed):
    q = quote_with(seed, "he had agreed to the move")
    check(q, "Bashar al-Assad's office", "reported", False)
    assert q.speaker == "his office"


def test_seed_officials_quoted_by_reuters(seed):
    q = quote_with(seed, "no advance warning")
    check(q, "US officials", "reported")
    assert q.text.startswith("Washington had received")


def test_seed_scare_quote_and_scraping_glitch_give_no_speaker(seed):
    assert not [q for q in seed if q.text == "main part"]
    assert all("rebels" not in (q.speaker or "") for q in seed)
    assert {q.canonical for q in seed} == {
        "Vladimir Putin", "Bashar al-Assad's office", "Salim al-Muslat",
        "Josh Earnest", "US officials", "Western powers"}


def test_seed_complaint_is_reported_speech(seed):
    q = quote_with(seed, "the raids hit political opponents")
    check(q, "Western powers", "reported", False)


# ------------------------------------------------------------------------------------------
# Attribution forms

def test_after_subject_verb():
    q = only('"The ships cannot leave," harbour master Anna Kovacs said.')
    check(q, "Anna Kovacs", "after")
    assert q.text == "The ships cannot leave"


def test_after_inverted_said_x():
    check(only('"The talks will resume next week," said Foreign Minister Sergei Lavrov.'),
          "Sergei Lavrov", "after")


def test_after_told_reporters():
    q = only('"We have nothing to hide," Interior Minister Rachel Okafor told reporters.')
    check(q, "Rachel Okafor", "after")
    assert q.speaker == "Interior Minister Rachel Okafor"


def test_before_with_colon():
    check(only('Prime Minister Theresa May said: "We will not be intimidated."'),
          "Theresa May", "before")


def test_before_with_comma():
    check(only('The mayor, Luis Ortega, said, "The water is safe to drink."'), "Luis Ortega", "before")


def test_before_with_adverbial_and_listener():
    q = only('Mr Lavrov told reporters in Moscow on Friday: "There is no alternative to dialogue."')
    check(q, "Lavrov", "before")
    assert q.speaker == "Mr Lavrov"


def test_reported_with_that():
    q = only("Sen. Mitch McConnell warned that the bill would not pass the Senate.")
    check(q, "Mitch McConnell", "reported")
    assert q.text == "the bill would not pass the Senate"


def test_two_reported_clauses_in_one_sentence():
    quotes = extract_quotes("The company said it expects sales to recover next year, while "
                            "analysts warned that margins would shrink.")
    assert [(q.canonical, q.text) for q in quotes] == [
        ("The company", "it expects sales to recover next year"),
        ("analysts", "margins would shrink")]


def test_party_state_tag_is_an_apposition():
    q = only('Sen. Rand Paul, R-Ky., called the bill "a monstrosity" on Thursday.')
    check(q, "Rand Paul", "partial")


def test_reported_without_that():
    q = only("The central bank governor, Elena Marsh, said inflation had peaked in the spring.")
    check(q, "Elena Marsh", "reported")
    assert q.text == "inflation had peaked in the spring"


def test_reported_clause_with_a_short_past_tense_verb():
    q = only("Another neighbour, retired postman Keith Orley, said drivers regularly used the lane as a shortcut.")
    check(q, "Keith Orley", "reported")
    assert q.text == "drivers regularly used the lane as a shortcut"


def test_the_statement_speaks_for_whoever_issued_it():
    body = ("In a statement released through the police, Dana Roe's family described her as \"a fearless "
            "sister\".\n\n"
            "\"She lit up every room,\" the statement said.\n\n"
            "Kelby Police said in a statement that officers were supporting the family. \"We understand the "
            "upset this has caused,\" the statement said.")
    quotes = extract_quotes(body)
    assert quote_with(quotes, "lit up every room").canonical == "Dana Roe's family"
    assert quote_with(quotes, "upset this has caused").canonical == "Kelby Police"


def test_a_statement_introduced_long_before_is_only_the_statement():
    body = ("Kelby Police said in a statement that officers were at the scene.\n\n"
            "The road stayed shut all day.\n\nBuses were diverted.\n\n"
            "\"We thank the public,\" the statement said.")
    assert quote_with(extract_quotes(body), "thank the public").canonical == "the statement"


def test_according_to_between_two_clauses_covers_the_one_before():
    q = only("Eggs were laid in late April, according to the trust, and both birds shared the incubation.")
    check(q, "the trust", "reported", False)
    assert q.text == "Eggs were laid in late April"


def test_a_quotation_after_a_parenthetical_source_and_but_is_that_source():
    q = only('Conduct in corridors was calm, the report found, but "low-level disruption goes unchallenged".')
    check(q, "the report", "partial", False)


def test_according_to_after_a_short_fronted_adverbial():
    q = only("A year on, according to the charity Harbour Aid Network, fewer than a third of families have been "
             "rehoused.")
    assert (q.canonical, q.text) == ("Harbour Aid Network", "fewer than a third of families have been rehoused")


def test_the_charity_is_the_charity_named_before():
    quotes = extract_quotes("The Kelby Trust said the families were angry.\n\nThe charity said it would appeal.")
    assert [q.canonical for q in quotes] == ["The Kelby Trust", "The Kelby Trust"]


def test_a_participle_describing_a_person_is_no_verb():
    # "retired" before "electrician" describes him; he, not the mayor, is who "he" is next
    for intro in ("Retired electrician Gus Ferreira waited by the phone.",
                  "Not everyone has gone. One of them, retired electrician Gus Ferreira, spoke to us by phone."):
        quotes = extract_quotes("Mayor Leonard Bask has defended the order.\n\n"
                                f"{intro} \u201cI stayed in 2009 and the house is still standing,\u201d he said.")
        assert quotes[-1].canonical == "Gus Ferreira", intro


def test_the_charity_is_the_charity_a_speaker_works_for():
    # Named only inside a speaker's title; "the company" is not the charity.
    quotes = extract_quotes("Ana Roe, director of the charity Open Doors, said the figures were shameful. "
                            "Kelda Mills is the housing firm that built the estate.\n\n"
                            "The charity said its helpline calls had doubled. The company said it would not comment.")
    assert [q.canonical for q in quotes] == ["Ana Roe", "Open Doors", "The company"]


def test_a_business_typed_at_a_sentence_start_is_what_the_airline_means():
    # "Rival carrier Oskarsjet" is a business though the article is dropped; "the airline" names it,
    # not the airline named a paragraph earlier
    quotes = extract_quotes("Bellmont Airways said it had cancelled 90 flights.\n\n"
                            "Rival carrier Oskarsjet Air said it had grounded every flight. In a statement, the "
                            "airline called the walkout \u201ca hammer blow to families\u201d.")
    q = quote_with(quotes, "hammer blow")
    assert (q.method, q.canonical) == ("partial", "Oskarsjet Air")


def test_a_participle_of_saying_with_that_and_no_comma_reports_the_subject():
    q = only("The Green Alliance's agent, Petra Lusk, wrote to the council claiming that nine ballot boxes "
             "were sealed late.")
    assert (q.method, q.canonical, q.text) == ("reported", "Petra Lusk", "nine ballot boxes were sealed late")


def test_a_pledge_with_that_is_reported_speech_and_without_it_is_not():
    q = only("The board's chair, Ruth Amari, has promised that the youth budget will be protected.")
    assert (q.canonical, q.text) == ("Ruth Amari", "the youth budget will be protected")
    assert extract_quotes("The board's chair, Ruth Amari, has promised a review of the youth budget.") == []


def test_a_name_after_an_opening_phrase_without_a_comma_is_the_subject():
    q = only("After the count Gwen Tarrant thanked her volunteers and vowed to \u201cfight for every bus route\u201d.")
    assert (q.method, q.canonical) == ("partial", "Gwen Tarrant")


def test_a_frame_set_inside_a_reported_clause_keeps_the_clause_whole():
    q = only("Moira Dane lost her husband in May. Their two sons, she said, would now grow up without him.")
    assert (q.canonical, q.text) == ("Moira Dane", "Their two sons, she said, would now grow up without him")
    q = only("Anya Brill opened the case for the Crown.\n\nHe moved \u00a34,000 so that no transfer was flagged, she "
             "told the court, and then deleted the emails.")
    assert q.canonical == "Anya Brill" and q.text.startswith("He moved \u00a34,000 so that no transfer was flagged")
    q = only("Dr Ines Kolar cautioned, however, that the early readings could be wrong.")
    assert (q.canonical, q.text) == ("Ines Kolar", "the early readings could be wrong")


@pytest.mark.parametrize("body, words, speaker", [
    pytest.param("Walter Penhale, 70, died in the fire.\n\nMr Penhale\u2019s widow, Ruth, wrote to the court. "
                 "\u201cHe was my whole life,\u201d she wrote.\n\nMrs Penhale said her husband had planned to sail "
                 "to Norway in the spring.", ["my whole life", "sail to Norway"], "Ruth Penhale",
                 id="a relative named by a first name takes the family name before (Mrs Penhale is the widow)"),
    pytest.param("Sales fell, chief executive Oona Brisk told staff. Bonuses would be cut, she said.\n\n"
                 "Profit will fall by a third, finance chief Tamas Grell said on a call with analysts. He said the "
                 "savings would reach $90 million a year.", ["Profit will fall", "savings would reach"], "Tamas Grell",
                 id="he is never the woman speaking before him; on a call with analysts ends his frame"),
    pytest.param("Forecaster Carys Rhys warned that more rain was coming. Engineer Tom Bell said two roads were "
                 "shut. \u201cThe ground is saturated,\u201d she said.", "ground is saturated", "Carys Rhys",
                 id="a family name that is also a first name tells no gender"),
    pytest.param("Minister Oren Vance said the talks would resume.\n\nAnother passenger, retired engineer Idris "
                 "Malloy, was more patient. He said the controllers deserved a pay rise.",
                 "deserved a pay rise", "Idris Malloy", id="an agent noun before a name makes it the subject"),
    pytest.param("Her coach, Ivo Brandt, said the plan had worked.\n\nIn the women\u2019s race Tamsin Orr, 31, "
                 "finished a minute clear of the field. She said: \u201cThe hill nearly broke me.\u201d",
                 "nearly broke me", "Tamsin Orr", id="a name after an opening phrase with no comma is the subject"),
    pytest.param("Student leader Maya Brill said the cut was wrong.\n\nDean of Libraries Ruth Okafor wrote that "
                 "night use had fallen. \u201cWe cannot justify it,\u201d she wrote.",
                 "cannot justify", "Ruth Okafor", id="Dean before a full name is a title, not a man's name"),
    pytest.param("Ines Caro has made her quietest record.\n\nOn the evidence of Harbour Psalms, the wait was worth "
                 "it. Where her 2019 debut, Salt Lanterns, buried her voice, this album does not.\n\n"
                 "\u201cPeople ask if it is about the sea,\u201d she said.",
                 "about the sea", "Ines Caro", id="an album after debut or after of is nobody"),
    pytest.param("\u201cWe did it,\u201d said chair Ada Penrose.\n\nThe running of the pub has been handed to Nell "
                 "Carver, 34, who grew up in the village. \u201cIt will not be a gastropub,\u201d she told the Gazette.",
                 "gastropub", "Nell Carver", id="a person introduced with an age is the next she"),
    pytest.param("The shed was burnt on Sunday 2 June.\n\n\u201cIt hurt,\u201d said Ada Quill.\n\nJune Tallis, 82, "
                 "potted tomatoes all day. The turnout, she said, had \u201crestored my faith\u201d.",
                 "restored my faith", "June Tallis", id="a month met alone before is still a first name"),
    pytest.param("\u201cHe is the heart of the club,\u201d said coach Ivan Roth.\n\nOur old captain, Pavel Sim, "
                 "never shouted. When Ivan gave me the armband, he told me a captain should speak last.",
                 "should speak last", "Ivan Roth", id="the subject of a fronted when-clause is the he after it"),
])
def test_the_speaker_is_the_person_the_story_means(body: str, words: str | list[str], speaker: str) -> None:
    quotes = extract_quotes(body)
    for each in [words] if isinstance(words, str) else words:
        assert quote_with(quotes, each).canonical.endswith(speaker), each


def test_a_business_typed_and_named_is_one_company():
    quotes = extract_quotes("Scooter maker Harlow Mobility Co. will open a yard in Tennby.\n\n"
                            "The company said on Tuesday that the yard would employ 200 people.")
    assert quotes[0].canonical.rstrip(".") == "Harlow Mobility Co"


def test_the_office_is_the_office_described_before():
    quotes = extract_quotes("Schools will stay shut until Monday, the district education office said.\n\n"
                            "The office said every classroom would be checked for smoke damage first.")
    assert [q.canonical for q in quotes] == ["the district education office"] * 2
    quotes = extract_quotes("The Data Standards Office said on Monday that it had opened an inquiry.\n\n"
                            "The office said it was deeply concerned by the delay.")
    assert quotes[-1].canonical == "The Data Standards Office"


def test_said_on_its_website_that_is_reported_speech():
    for where in ("on its Facebook page", "on its website", "on their social media accounts"):
        q = only(f"The department said {where} that residents should boil tap water.")
        assert (q.canonical, q.text) == ("The department", "residents should boil tap water"), where


def test_reported_with_attribution_at_the_end():
    q = only("The strikes hit military targets only, the ministry said.")
    check(q, "the ministry", "reported", False)
    assert q.text == "The strikes hit military targets only"


def test_reported_after_said_in_a_statement():
    q = only("The ministry said in a statement that the strikes had hit military targets only.")
    check(q, "The ministry", "reported", False)
    assert q.text == "the strikes had hit military targets only"


def test_reported_after_told_the_bbc():
    q = only("Defence analyst Paul Hendry told the BBC the convoy had turned back.")
    check(q, "Paul Hendry", "reported")
    assert q.text == "the convoy had turned back"


def test_according_to_before_quote():
    check(only('According to Dr. Jane Smith, "the virus is spreading faster than expected."'),
          "Jane Smith", "according_to")


def test_according_to_after_quote():
    check(only('"The virus is spreading faster than expected," according to Dr. Jane Smith.'),
          "Jane Smith", "according_to")


def test_according_to_without_quote_marks_is_reported():
    q = only("More than 300 people were detained, according to the interior ministry.")
    check(q, "the interior ministry", "reported", False)


def test_dash_attribution():
    q = only('"The virus is spreading faster than expected" – Dr Jane Smith, chief medical officer')
    check(q, "Jane Smith", "dash")
    assert q.speaker == "Dr Jane Smith, chief medical officer"


def test_em_dash_attribution_with_straight_quotes():
    check(only('"Never again." \u2014 Senator Tom Hadley'), "Tom Hadley", "dash")


@pytest.mark.parametrize("verb", [
    "added", "warned", "insisted", "wrote", "tweeted", "stated", "explained", "declared", "noted",
    "argued", "claimed", "announced", "replied", "continued", "urged", "says", "asked",
    "said in a statement", "told the BBC", "said on Tuesday", "told reporters on Monday",
])
def test_speech_verbs_after_quote(verb):
    q = only(f'"The decision is final," Chancellor Ingrid Falk {verb}.')
    check(q, "Ingrid Falk", "after")


@pytest.mark.parametrize("verb", ["added", "warned", "insisted", "wrote", "declared", "argued"])
def test_speech_verbs_inverted(verb):
    check(only(f'"The decision is final," {verb} Chancellor Ingrid Falk.'), "Ingrid Falk", "after")


def test_question_quote_inverted():
    check(only('"Why now?" asked Senator Elizabeth Warren.'), "Elizabeth Warren", "after")


# ------------------------------------------------------------------------------------------
# Titles and appositions

@pytest.mark.parametrize("speaker, canonical", [
    ("White House spokesman Josh Earnest", "Josh Earnest"),
    ("President Bashar al-Assad", "Bashar al-Assad"),
    ("Russian President Vladimir Putin", "Vladimir Putin"),
    ("Dr. Jane Smith", "Jane Smith"),
    ("Sen. Mitch McConnell", "Mitch McConnell"),
    ("Chief Executive Officer Tim Cook", "Tim Cook"),
    ("UN Secretary-General Antonio Guterres", "Antonio Guterres"),
    ("Kremlin spokesman Dmitry Peskov", "Dmitry Peskov"),
    ("Bank of England Governor Mark Carney", "Mark Carney"),
    ("US Secretary of State Antony Blinken", "Antony Blinken"),
    ("Former US President Barack Obama", "Barack Obama"),
    ("Anna Petrova of Chatham House", "Anna Petrova"),
    ("The BBC's Jeremy Bowen", "Jeremy Bowen"),
    ("Dean Marguerite Osei-Bonsu", "Marguerite Osei-Bonsu"),
    # a title word that is also a first name, before a family name alone, is the first name
    ("Dean Fairclough", "Dean Fairclough"),
    ("Sheriff Dean Hollis", "Dean Hollis"),
])
def test_titles_are_stripped(speaker, canonical):
    q = only(f'"We expect a long night," said {speaker}.')
    check(q, canonical, "after")
    assert q.speaker == speaker


def test_role_apposition_before_name():
    q = only('"Prices will keep rising," the company\'s chief executive, Mary Barra, said.')
    check(q, "Mary Barra", "after")
    assert q.speaker == "the company's chief executive, Mary Barra"


def test_role_apposition_before_name_inverted():
    check(only('"Prices will keep rising," said the company\'s chief executive, Mary Barra.'),
          "Mary Barra", "after")


@pytest.mark.parametrize("introduced", [
    "The Reverend Canon Ruth Penhale, vicar of St Aldhelm's, spoke at the vigil.",
    "Ruth Penhale, chair of the parish council, spoke at the vigil.",
])
def test_a_bare_role_of_something_after_a_name_is_what_the_role_refers_back_to(introduced):
    # "X, vicar of St Aldhelm's," gives X the role without "the" or "a": "the vicar" later is X
    quotes = extract_quotes(f'{introduced} Nobody had expected the crowd.\n\n'
                            f'"We will rebuild the hall together," the {"vicar" if "vicar" in introduced else "chair"} said.')
    check(quotes[-1], "Ruth Penhale", "after")


def test_a_speaker_described_by_a_who_clause_is_the_noun_not_the_clause():
    body = ("The head was suspended last week. But the parents who gathered at the school gates at 3.15pm on "
            "Tuesday told a different story, saying the governors had shut them out of every meeting.")
    q = quote_with(extract_quotes(body), "shut them out")
    assert (q.canonical, q.method) == ("the parents", "reported"), q
    # not the clause's last noun either ("the gates"), however short the clause
    body = ("Several senators who voted against the resolution said they sympathised with its aims but "
            "feared for the budget talks.")
    q = quote_with(extract_quotes(body), "sympathised with its aims")
    assert (q.canonical, q.method) == ("Several senators", "reported"), q


def test_a_builders_name_ending_in_homes_is_an_organisation_not_the_next_she():
    # "developer Castlegate Homes" is a company: "She" after it is the inspector
    body = ("In a letter published yesterday, inspector Maria Tolland allowed an appeal by developer Castlegate "
            "Homes against the council's refusal. "
            'She concluded that the "pressing need" for housing outweighed the harm.')
    q = next(q for q in extract_quotes(body) if q.text == "pressing need")
    assert q.canonical == "Maria Tolland", q


def test_a_water_utility_is_the_company_that_speaks_after_it():
    # "Westmere Water" is a company (as Thames Water is), not a Mr Water: "the company" is it.
    body = ("Westmere Water rejected the study's central conclusion. In a statement issued on Monday, the "
            'company said the research "relies on a limited number of sampling points".')
    q = quote_with(extract_quotes(body), "sampling points")
    assert q.canonical == "Westmere Water", q


def test_a_name_described_by_which_is_the_company_that_speaks_after_it():
    # "Pendry's, which has made biscuits …": a thing, not a person, and what "the company" means;
    # named as in full before ("Pendry's Biscuits"), or as written ("Sainsbury's" keeps its 's)
    body = ("The winners work the night shift at Pendry's Biscuits in Wrenfield.\n\n"
            "Bosses at Pendry's, which has made biscuits in the town for a century, joined the celebrations. "
            'In a statement, the company said it was "absolutely delighted" for them.')
    assert quote_with(extract_quotes(body), "absolutely delighted").canonical == "Pendry's Biscuits"
    body = ("Staff at Harlowe's, which employs 300 people, were told on Monday. "
            'The company said the decision was "painful".')
    assert quote_with(extract_quotes(body), "painful").canonical == "Harlowe's"
    # a town "which has" a population is no company
    body = ('Staff at Leeds, which has a population of 800,000, were told. The company said it was "painful".')
    assert quote_with(extract_quotes(body), "painful").canonical != "Leeds"


def test_her_husband_is_the_man_named_with_her_as_a_pair():
    body = ("The newlyweds, Chloe Barraclough and Tomasz Lindqvist, were at the wedding breakfast.\n\n"
            '"I thought it was a joke," Ms Barraclough said.\n\n'
            'Her husband said the party would "carry on at the Plough Inn tonight".')
    assert quote_with(extract_quotes(body), "carry on").canonical == "Tomasz Lindqvist"
    # with no pair named, "her husband" stays hers
    body = ('Chloe Barraclough was at the breakfast. "It was a joke," she said. '
            'Her husband said the party would "carry on at the Plough Inn tonight".')
    assert quote_with(extract_quotes(body), "carry on").canonical == "Chloe Barraclough's husband"
    # two people named together who are not a couple are not each other's spouse
    body = ("The councillors, Chloe Barraclough and Tomasz Lindqvist, were at the meeting.\n\n"
            '"I thought it was a joke," Ms Barraclough said.\n\n'
            'Her husband said the party would "carry on at the Plough Inn tonight".')
    assert quote_with(extract_quotes(body), "carry on").canonical == "Chloe Barraclough's husband"


def test_a_campaign_named_by_what_it_asks_is_one_name():
    body = ("The animal welfare group Free the Wild said the escape proved that large predators should "
            "not be kept in urban zoos.")
    assert quote_with(extract_quotes(body), "large predators").canonical == "Free the Wild"
    assert quote_with(extract_quotes("Save the Children said the plan was badly flawed."),
                      "badly flawed").canonical == "Save the Children"
    # "the" after another capitalised word still ends a name
    assert quote_with(extract_quotes("Bristol the company said it was closing its doors."),
                      "closing its doors").canonical != "Bristol the company"


def test_name_with_role_apposition_after():
    q = only('"We cannot accept this," said Salim al-Muslat, a spokesman for the High Negotiations '
             'Committee, adding that the group would consult its members.')
    check(q, "Salim al-Muslat", "after")
    assert q.speaker == "Salim al-Muslat, a spokesman for the High Negotiations Committee"


def test_apposition_with_age_and_relative_clause():
    q = only('"We\'ve lost everything," said Maria Lopez, 62, whose house was destroyed.')
    check(q, "Maria Lopez", "after")


def test_a_role_at_a_named_place_is_an_apposition_of_the_name_before_it():
    for body, method in (("Nadia Ferro, Brantley Port's harbour master, said the quay had been shut for six hours.",
                          "reported"),
                         ('Nadia Ferro, Brantley Port\u2019s harbour master, said: "We shut the quay."', "before")):
        check(only(body), "Nadia Ferro", method)


def test_an_outgoing_office_holder_is_the_subject_pronouns_refer_to():
    body = ('"We lost," the deputy leader told supporters.\n\n'
            "Outgoing mayor Desmond Hale, who announced in February that he would stand down, did not appear. "
            'In a statement, his office said he had "served with pride".')
    assert quote_with(extract_quotes(body), "served with pride").canonical == "Desmond Hale's office"


def test_a_false_title_before_a_name_leaves_the_name_the_subject():
    body = ('"Terriers are built for holes," Dr Ines Tarrant said.\n\n'
            "Within hours of the dog's disappearance, neighbour Lorna Achterberg set up an online group. "
            "She said it had grown to more than 1,400 members by the time he was found.")
    assert quote_with(extract_quotes(body), "1,400 members").canonical == "Lorna Achterberg"


def test_a_relative_is_a_person_though_the_first_name_was_met_alone():
    body = ("They never gave up on Alfie.\n\n"
            '"I had to pull over," Megan Hollis said. "We had started to prepare for the worst," she said.\n\n'
            "Dr Gareth Pennock examined the dog.\n\n"
            'Alfie Hollis, who had put up posters, was matter-of-fact. "He smells like a bonfire," he said.')
    assert quote_with(extract_quotes(body), "bonfire").canonical == "Alfie Hollis"


def test_a_role_nobody_was_introduced_with_is_the_one_who_spoke_last():
    body = ("Tomas Reyne, 61, conceded shortly after 11pm. He said he had telephoned Ilse Brook to congratulate her.\n\n"
            '"The people have spoken," the deputy mayor told supporters.')
    assert quote_with(extract_quotes(body), "people have spoken").canonical == "Tomas Reyne"


@pytest.mark.parametrize("body", [
    # the judge is not the defendant who spoke before
    'Carl Penn told the court he was sorry.\n\n"You showed no remorse," the judge said.',
    # nobody spoke in this paragraph or the one before
    'Tomas Reyne said he had called Ilse Brook.\n\nThe count went on.\n\nTurnout was high.\n\n'
    '"The people have spoken," the deputy mayor told supporters.',
    # the last speaker was introduced with another role
    'Club captain Ed Marr said the pitch was heavy.\n\n"We never settled," the coach said.',
])
def test_a_role_stays_itself_when_the_last_speaker_cannot_be_it(body):
    q = extract_quotes(body)[-1]
    assert q.canonical.startswith("the "), q


def test_the_barrister_is_the_barrister_who_spoke_last():
    body = ("Owen Treharne, defending, said his client had been drinking heavily. Carl Penn had \"lost sight of "
            "who he was\", the barrister said.")
    assert quote_with(extract_quotes(body), "lost sight").canonical == "Owen Treharne"


def test_said_no_one_had_is_reported_speech_and_an_occupation_is_an_epithet():
    body = ("Dora Callow, 74, who takes the bus twice a week, said no one had told her what would replace it.\n\n"
            '"I don\'t drive," the retired school cook said.')
    quotes = extract_quotes(body)
    assert quote_with(quotes, "no one had told her").canonical == "Dora Callow"
    assert quote_with(quotes, "don't drive").canonical == "Dora Callow"
    assert not extract_quotes("Asked who was to blame, he said no one.")


def test_a_pronoun_with_no_subject_before_it_names_the_person_mentioned():
    body = ("When Edna Marsh stepped onto the slipway on Saturday, a brass band struck up.\n\n"
            '"My legs nearly gave up," she said.')
    assert quote_with(extract_quotes(body), "legs nearly").canonical == "Edna Marsh"


def test_a_mention_inside_reported_speech_does_not_become_the_topic():
    body = ('"I used to complain about every hill," Edna Marsh said.\n\n'
            "Her son, Colin Marsh, admitted the family had been nervous when she first announced the plan.\n\n"
            '"My first reaction was disbelief," the 44-year-old said.')
    assert quote_with(extract_quotes(body), "first reaction").canonical == "Colin Marsh"


def test_the_name_after_an_inverted_was_is_the_subject_pronouns_refer_to():
    body = ("A spokesperson for Pinloop said the company disagreed with the ruling.\n\n"
            "Among those affected was Rhian Dawe, a childminder from Eastfold, who had used the app.\n\n"
            '"I have deleted the app," she said.')
    assert quote_with(extract_quotes(body), "deleted the app").canonical == "Rhian Dawe"


def test_said_about_a_number_is_reported_speech():
    q = only("The official said about 600 detainees would be freed by each side.")
    assert q.text == "about 600 detainees would be freed by each side"
    assert not extract_quotes("He said about the plan that it was late.")


def test_said_at_least_or_more_than_a_figure_is_reported_speech():
    q = only("Mr Ferris said at least £340,000 had gone towards buying a villa on the Algarve.")
    assert (q.speaker, q.text) == ("Mr Ferris", "at least £340,000 had gone towards buying a villa on the Algarve")
    q = only("The chief constable said more than 200 calls were made before noon.")
    assert q.text == "more than 200 calls were made before noon"
    # a place or a time after "said at" is no reported clause
    assert all(not q.text.startswith("at ") for q in extract_quotes("He said at the meeting that he was tired."))
    assert not extract_quotes("Mr Ferris said at least that much.")


def test_cllr_is_a_councillor_title():
    body = ('Ward councillor Bernard Ashe said he would write to the highways department. '
            '"We cannot wait for another tragedy," Cllr Ashe said.')
    assert quote_with(extract_quotes(body), "another tragedy").canonical == "Bernard Ashe"


def test_subject_with_apposition_before_verb():
    body = "Jane Doe, 34, a nurse from Leeds, said she had waited six hours for an ambulance."
    check(only(body), "Jane Doe", "reported")


def test_bare_name_beside_a_role_is_a_person():
    body = ('"We\'re not leaving," said Pablo Ruiz.\n\n'
            '"There\'s nowhere else to go," his wife, Carmen, added.')
    check(quote_with(extract_quotes(body), "nowhere else"), "Carmen", "after")


def test_spokesman_for_someone_is_not_that_someone():
    q = only('"The prime minister is confident," a spokesman for Prime Minister Theresa May said.')
    assert q.canonical == "a spokesman for Prime Minister Theresa May" and q.is_person


@pytest.mark.parametrize("later, speaker", [
    ('"I could not breathe," Mrs Vance said.', "Nadia Vance"),
    ('"I could not breathe," Nadia said.', "Nadia"),  # nothing says she took his name
])
def test_his_wife_named_in_apposition_shares_his_name_when_the_story_calls_her_mrs(later, speaker):
    body = ("Tom Vance set off on Friday. When he had not returned, his wife, Nadia, called the police.\n\n"
            "His wife said she had not slept. " + later)
    quotes = extract_quotes(body)
    assert [quote_with(quotes, w).canonical for w in ("not slept", "breathe")] == [speaker, speaker]


def test_words_run_into_a_sentence_are_not_said_by_the_clause_after_them():
    body = ('The chair, Ada Penrose, told the board that residents had "stopped believing a single word" '
            'the company said. "We are listening," the company said.')
    quotes = extract_quotes(body)
    assert quote_with(quotes, "single word").canonical != "the company"  # what the company said, not who
    assert quote_with(quotes, "listening").canonical == "the company"


@pytest.mark.parametrize("before, speaker", [
    ("The Harbour Board said the ferry would sail on Monday.", "a spokeswoman for the Harbour Board"),
    ("The Harbour Board said the ferry would sail.\n\nIt had been late all week.", "a spokeswoman for the Harbour Board"),
    ("Anna Reed said the ferry would sail on Monday.", "a spokeswoman"),  # a person's: whose, it does not say
    ("The Harbour Board said the ferry would sail. Captain Ivo Lund said it was ready.", "a spokeswoman"),
])
def test_an_unnamed_spokesperson_speaks_for_the_organisation_that_just_spoke(before, speaker):
    quotes = extract_quotes(before + ' "The delay was regrettable," a spokeswoman said. "We are sorry," the spokeswoman added.')
    assert [q.canonical for q in quotes if "regrettable" in q.text or "sorry" in q.text] == [speaker, speaker]


# ------------------------------------------------------------------------------------------
# Pronouns, surnames and continuations

def test_pronoun_he_refers_to_previous_speaker():
    body = ('Foreign Minister Sergei Lavrov said the talks had stalled.\n\n'
            '"We are not optimistic," he said.')
    check(quote_with(extract_quotes(body), "not optimistic"), "Sergei Lavrov", "pronoun")


def test_pronoun_she_prefers_a_woman():
    body = ('Chancellor Angela Merkel met President Emmanuel Macron in Paris on Monday.\n\n'
            '"Europe must stand together," she said.')
    check(only(body), "Angela Merkel", "pronoun")


def test_pronoun_he_skips_a_woman():
    body = ('"We will decide soon," said Ms Ingrid Falk. Her deputy, Tomas Berg, disagreed.\n\n'
            '"There is no rush," he said.')
    check(quote_with(extract_quotes(body), "no rush"), "Tomas Berg", "pronoun")


def test_pronoun_refers_to_sentence_subject():
    body = 'Judge Marcus Reed adjourned the hearing. "I need more time," he told the court.'
    check(only(body), "Marcus Reed", "pronoun")


def test_pronoun_they_refers_to_plural_speaker():
    body = 'Police said two men had been arrested. "The investigation is ongoing," they said.'
    q = quote_with(extract_quotes(body), "ongoing")
    check(q, "Police", "pronoun", False)


def test_pronoun_it_refers_to_organisation():
    body = 'Apple said on Thursday it would cut prices. "We listen to customers," it said.'
    check(quote_with(extract_quotes(body), "listen"), "Apple", "pronoun", False)


def test_pronoun_without_antecedent_has_no_canonical():
    q = only('"No comment," he said.')
    assert (q.speaker, q.canonical, q.method) == ("he", None, "pronoun")


def test_surname_maps_to_full_name():
    body = ('Dmitry Peskov said talks were under way.\n\n'
            '"We see progress," Peskov added.')
    q = quote_with(extract_quotes(body), "progress")
    check(q, "Dmitry Peskov", "after")
    assert q.speaker == "Peskov"


def test_mr_surname_maps_to_full_name():
    body = ('Russian President Vladimir Putin spoke on Tuesday.\n\n'
            '"We see progress," Mr. Putin said.')
    q = only(body)
    check(q, "Vladimir Putin", "after")
    assert q.speaker == "Mr. Putin"


def test_surname_after_apposition_introduction():
    body = ('Josh Earnest, the White House press secretary, said the US would respond. '
            '"We will respond at a time of our choosing," Earnest added.')
    quotes = extract_quotes(body)
    check(quote_with(quotes, "our choosing"), "Josh Earnest", "after")
    check(quote_with(quotes, "would respond"), "Josh Earnest", "reported")


def test_continuation_paragraph():
    body = ('"Russia has been very clear," Kremlin spokesman Dmitry Peskov said.\n\n'
            '"We do not interfere in the affairs of other states."\n\n'
            'The ministry did not comment.\n\n'
            '"This is a strange story."')
    quotes = extract_quotes(body)
    check(quote_with(quotes, "do not interfere"), "Dmitry Peskov", "continuation")
    check(quote_with(quotes, "strange story"), None, "unattributed")


def test_continuation_within_paragraph():
    q = quote_with(extract_quotes('"Russia has been very clear," Kremlin spokesman Dmitry Peskov '
                                  'said. "We do not interfere."'), "interfere")
    check(q, "Dmitry Peskov", "continuation")


def test_quote_following_reported_speech_continues_speaker():
    body = ('Jane Doe, 34, said she had waited six hours.\n\n'
            '"It was chaos. Nobody knew what was happening."')
    check(quote_with(extract_quotes(body), "chaos"), "Jane Doe", "continuation")


def test_colon_paragraph_introduces_next_quote():
    body = 'In a televised address, President Ana Ruiz said:\n\n"We will rebuild every home."'
    check(only(body), "Ana Ruiz", "before")


def test_second_speaker_in_dialogue():
    body = '"We want peace," one protester said. "We want our jobs back," said another.'
    check(quote_with(extract_quotes(body), "peace"), "one protester", "after")


# ------------------------------------------------------------------------------------------
# Quote marks

def test_multi_paragraph_quote_attributed_in_first_paragraph():
    body = ('"We will rebuild," Mayor Anne Hidalgo said. "It will take years, but we will rebuild.\n\n'
            '"Nobody should doubt our resolve."')
    quotes = extract_quotes(body)
    assert len(quotes) == 3
    check(quotes[0], "Anne Hidalgo", "after")
    check(quotes[1], "Anne Hidalgo", "continuation")
    check(quotes[2], "Anne Hidalgo", "continuation")
    assert quotes[1].text == "It will take years, but we will rebuild."


def test_multi_paragraph_quote_attributed_in_last_paragraph():
    body = ('The minister was asked about the cuts.\n\n'
            '\u201cWe have no choice. The money is gone.\n\n'
            '\u201cIt will hurt,\u201d said Finance Minister Olga Brandt.')
    quotes = extract_quotes(body)
    check(quote_with(quotes, "money is gone"), "Olga Brandt", "continuation")
    check(quote_with(quotes, "It will hurt"), "Olga Brandt", "after")


def test_nested_single_quotes_belong_to_outer_quote():
    body = '\u201cHe told me, \u2018Don\u2019t come back,\u2019 and I never did,\u201d said resident Ahmed Hassan.'
    q = only(body)
    check(q, "Ahmed Hassan", "after")
    assert q.text == "He told me, \u2018Don\u2019t come back,\u2019 and I never did"


def test_nested_straight_single_quotes():
    q = only('"They said \'wait\' and we waited," said farmer Joseph Mensah.')
    check(q, "Joseph Mensah", "after")
    assert q.text == "They said 'wait' and we waited"


def test_apostrophes_are_not_quote_marks():
    body = '\u201cI don\u2019t know what \u201990s music they\u2019re playing at Russia\u2019s bases,\u201d she said.'
    q = only(body)
    assert q.text == "I don\u2019t know what \u201990s music they\u2019re playing at Russia\u2019s bases"


def test_curly_and_straight_quotes_agree():
    straight = '"We will have to see what happens," said White House spokesman Josh Earnest.'
    curly = straight.replace('"', "\u201c", 1).replace('"', "\u201d", 1)
    a, b = only(straight), only(curly)
    assert (a.text, a.start, a.canonical, a.method) == (b.text, b.start, b.canonical, b.method)


def test_single_quote_marks_when_no_double_marks():
    body = "\u2018We are ready,\u2019 said coach Lena Ivanova. \u2018The players aren\u2019t afraid.\u2019"
    quotes = extract_quotes(body)
    check(quotes[0], "Lena Ivanova", "after")
    assert quotes[1].text == "The players aren\u2019t afraid."


def test_unclosed_quote_runs_to_paragraph_end():
    body = '"It\'s a disaster for us," said trader Omar Khalil. "Nobody is buying.'
    quotes = extract_quotes(body)
    assert quotes[1].text == "Nobody is buying."
    check(quotes[1], "Omar Khalil", "continuation")


# ------------------------------------------------------------------------------------------
# Partial quotes and quotes without a speaker

def test_partial_quote_inside_reported_speech():
    q = only('Former US President Barack Obama told CNN the deal was "a historic step forward".')
    check(q, "Barack Obama", "partial")


def test_partial_quote_with_attribution_at_the_end():
    q = only('The plant was run as "a private fiefdom" for years, prosecutors said.')
    assert (q.canonical, q.method) == ("prosecutors", "partial")


def test_partial_quote_after_called():
    check(only('Residents called the blast "a deafening roar".'), "Residents", "partial")


def test_partial_quotes_share_the_speaker():
    body = 'Mr Obama said the plan would "create jobs" and "cut emissions" within a decade.'
    quotes = extract_quotes(body)
    assert [q.canonical for q in quotes] == ["Obama", "Obama"]
    assert {q.method for q in quotes} == {"partial"}


def test_short_scare_quote_is_skipped():
    assert extract_quotes('The troops began withdrawing the "main part" of the force.') == []


def test_long_quote_without_speaker_is_unattributed():
    q = only('The banner read "no peace without justice for the victims".')
    assert (q.speaker, q.canonical, q.method) == (None, None, "unattributed")


def test_non_person_speakers():
    body = ('"All targets were destroyed," the defence ministry said in a statement.\n\n'
            '"This is not the end," a spokesperson for the company said.\n\n'
            'The report said the company had "systematically ignored" warnings.')
    quotes = extract_quotes(body)
    check(quote_with(quotes, "targets"), "the defence ministry", "after", False)
    check(quote_with(quotes, "not the end"), "a spokesperson for the company", "after", True)
    check(quote_with(quotes, "ignored"), "The report", "partial", False)


def test_organisation_with_article_is_not_a_person():
    q = only("The United States says it will not recognise the vote.")
    check(q, "The United States", "reported", False)


def test_possessive_named_office():
    body = ('President Bashar al-Assad returned to Damascus.\n\n'
            'Assad\'s office said the meeting had been "constructive".')
    check(only(body), "Bashar al-Assad's office", "partial", False)


@pytest.mark.parametrize("body", [
    "The claims were rejected by the court. He was told to leave the country.",
    "It is said to be the largest deal in the company's history.",
    "The minister said nothing.",
    "She wrote a book about the war in 2010.",
    "The company announced a new chief executive on Monday.",
    "Russia began its campaign in September, recapturing territory from rebels.Vladimir Putin "
    "orders Russian troops withdrawal from Syria",
])
def test_narrative_without_speech(body):
    assert extract_quotes(body) == []


def test_empty_body():
    assert extract_quotes("") == [] and extract_quotes("\n\n") == []


def test_offsets_hold_on_mixed_text():
    body = ('Chancellor Olaf Scholz, speaking after talks, said he was "optimistic".\n\n'
            '\u201cWe\u2019re close,\u201d he said. \u201cVery close.\n\n'
            '\u201cBut not there yet.\u201d\n\n'
            'Analysts said the move was largely symbolic, adding that "nothing changes".')
    quotes = extract_quotes(body)
    assert len(quotes) >= 5
    for q in quotes:
        assert body[q.start:q.end] == q.text
    assert quotes == sorted(quotes, key=lambda q: q.start)


# ------------------------------------------------------------------------------------------
# News attribution conventions (one test per phenomenon, on made-up sentences)

def test_that_clause_may_open_with_no_or_a_preposition():
    q = only("Governor Ann Patel insisted that no schools would close this winter.")
    check(q, "Ann Patel", "reported")
    assert q.text == "no schools would close this winter"
    q = only("Mr. Ortiz noted that for every bus withdrawn, two new ones would enter service.")
    check(q, "Ortiz", "reported")
    assert q.text.startswith("for every bus withdrawn")


def test_noted_introduces_reported_speech():
    q = only("The harbour master, Ines Duarte, noted the channel had been dredged in April.")
    check(q, "Ines Duarte", "reported")


def test_the_judge_refers_to_the_named_judge():
    body = ('Judge Helen Ward said the case was unusual.\n\n'
            '"You abused the trust of every voter in this town," the judge told Carter.')
    check(quote_with(extract_quotes(body), "abused the trust"), "Helen Ward", "after")


def test_the_role_refers_to_person_introduced_with_that_role():
    body = ("The club's coach, Pavel Novak, spoke after the match.\n\n"
            '"We were simply not good enough today," the coach said.')
    check(quote_with(extract_quotes(body), "not good enough"), "Pavel Novak", "after")


def test_the_role_refers_to_the_unnamed_one_introduced_before():
    body = ('A spokesman for Fenlow Water said crews had found the burst main shortly after midnight.\n\n'
            '"We expect supplies to return to every home by this evening," the spokesman said.')
    q = quote_with(extract_quotes(body), "supplies to return")
    assert (q.canonical, q.method) == ("A spokesman for Fenlow Water", "after"), q


def test_the_role_takes_the_latest_unnamed_one_with_that_role():
    body = ('A spokeswoman for the council said the road would stay shut. A spokesman for the police '
            'said officers were directing traffic.\n\n'
            '"Please avoid the area until further notice," the spokeswoman said.')
    q = quote_with(extract_quotes(body), "avoid the area")
    assert q.canonical == "A spokeswoman for the council", q


def test_an_age_epithet_with_a_noun_is_the_person_named_before():
    body = ('Tomasz Berec has mended nets on the quay at Kellock for forty years.\n\n'
            '"The boats are bigger now, but the knots are the same," the 63-year-old net-maker said, '
            'pulling a length of twine tight.\n\n'
            'The harbour master, Ruth Ainslie, said the quay would be rebuilt next year.\n\n'
            '"I will believe it when I see it," the 63-year-old fisherman from Kellock told us.')
    quotes = extract_quotes(body)
    assert quote_with(quotes, "knots are the same").canonical == "Tomasz Berec"
    assert quote_with(quotes, "believe it when").canonical == "Tomasz Berec"


def test_a_person_fronted_with_for_is_the_topic_her_pronouns_name():
    body = ('Pia Lund was 19 when she first heard the ringing.\n\n'
            'Dr. Hanna Reyes, an audiologist, said such cases were rising. "We see it every week," she said.\n\n'
            'For Lund, the first year was the hardest. She stopped going to concerts and, by her own account, '
            'became "afraid of quiet rooms."\n\n'
            '"I thought it would never stop," she said.')
    quotes = extract_quotes(body)
    assert quote_with(quotes, "every week").canonical == "Hanna Reyes"
    assert quote_with(quotes, "never stop").canonical == "Pia Lund"


def test_a_person_after_for_inside_a_sentence_is_no_topic():
    body = ('Dr. Hanna Reyes said the clinic had a long waiting list. She has asked the board for more staff.\n\n'
            'The board said it would find money for Pia Lund, the new nurse, next year.\n\n'
            '"We cannot wait that long," she said.')
    assert quote_with(extract_quotes(body), "cannot wait").canonical == "Hanna Reyes"


def test_the_role_without_a_named_holder_stays_a_description():
    q = only('"We were simply not good enough today," the coach said.')
    assert q.canonical == "the coach" and q.method == "after"


def test_title_of_a_place_then_the_name():
    q = only('"Our prayers are with the families tonight." \u2014 the Archbishop of Calder, Simon Reyes')
    check(q, "Simon Reyes", "dash")


def test_title_of_a_place_before_the_name_without_comma():
    q = only('Mayor of Fenwick Laura Stein said, "The bridge will reopen on Friday."')
    check(q, "Laura Stein", "before")


def test_organisation_name_containing_and():
    q = only('"Keep away from the cliffs this weekend." \u2014 Northshore Coastguard and Rescue, on Facebook')
    check(q, "Northshore Coastguard and Rescue", "dash", False)
    assert q.speaker == "Northshore Coastguard and Rescue"


@pytest.mark.parametrize(("sentence", "speaker", "is_person"), [
    ("A spokesman for the Department for Transport and Roads said the bridge was safe.",
     "A spokesman for the Department for Transport and Roads", True),
    ("The Department for Transport and Roads said the bridge was safe.", "The Department for Transport and Roads", False),
    ('"The bridge is safe," said a spokeswoman for Kelby Fire and Rescue.', "a spokeswoman for Kelby Fire and Rescue", True),
    ("The Food and Drug Administration said the drug was safe.", "The Food and Drug Administration", False),
])
def test_an_institution_named_with_and_is_one_speaker(sentence: str, speaker: str, is_person: bool) -> None:
    q = only(sentence)
    assert (q.canonical, q.is_person) == (speaker, is_person), q


def test_and_between_a_place_and_a_titled_person_joins_nothing():
    q = only("The fans sang in the stands of Rovers Park and Mayor Ana Ruiz said the club had earned it.")
    assert q.canonical == "Ana Ruiz", q


def test_organisation_name_with_ampersand_is_not_a_person():
    q = only('"The offer undervalues the business badly," Harlow & Finch said in a statement.')
    assert q.canonical == "Harlow & Finch" and not q.is_person


def test_name_before_a_role_noun_is_attributive():
    body = ('Kelso beat Brackley Harriers 3-0 on Sunday.\n\n'
            'Brackley manager Susan Reid said her players had "run out of legs". '
            '"We will learn from this and come back stronger," she said.')
    check(quote_with(extract_quotes(body), "learn from this"), "Susan Reid", "pronoun")


def test_caption_of_a_post_belongs_to_the_poster():
    q = only('The museum shared a photo of the empty plinth on Instagram, captioned "Gone for cleaning."')
    check(q, "The museum", "before", False)
    q = only('A neighbour, Priya Shah, posted a clip of the flooded road with the caption: '
             '"So much for the school run."')
    check(q, "Priya Shah", "before")


def test_according_to_with_relative_clause_covers_partial_quote():
    q = only("According to Leo Brandt, who leads the union of airline pilots, the new rota was "
             '"simply unworkable" and had to be withdrawn.')
    check(q, "Leo Brandt", "according_to")


def test_according_to_with_relative_clause_reported():
    q = only("According to Leo Brandt, who leads the union of airline pilots, the new rota had to be withdrawn.")
    check(q, "Leo Brandt", "reported")
    assert q.text == "the new rota had to be withdrawn"


def test_commitment_verb_inside_reported_clause_keeps_outer_speaker():
    q = only('A statement released by the organisers said both teams had agreed to '
             '"respect the result" and to shake hands after the game.')
    assert q.canonical.startswith("A statement") and not q.is_person and q.method == "partial"


def test_definite_common_noun_organisation_as_subject():
    q = only("The brewery insisted that its water supply had never been contaminated.")
    check(q, "The brewery", "reported", False)


def test_person_of_the_named_group():
    q = only('Marta Quiroga of the tenants group Fair Rents Now said, "Nobody can afford these increases."')
    check(q, "Marta Quiroga", "before")


def test_numbered_definite_subject():
    q = only('"We are delighted to join forces at last," the two companies said in a joint statement.')
    assert q.canonical == "the two companies" and q.method == "after" and not q.is_person


def test_holder_of_a_title_of_a_place_is_a_person():
    q = only("The Archbishop of Wells said the church would open its doors to anyone left homeless.")
    assert q.canonical == "The Archbishop of Wells" and q.is_person


def test_organisation_in_a_title_does_not_refer_to_the_title_holder():
    body = ("Treasury Secretary Ann Cole met bankers on Monday.\n\n"
            "The treasury said the meeting had been productive.")
    q = quote_with(extract_quotes(body), "productive")
    assert q.canonical == "The treasury" and not q.is_person


# ------------------------------------------------------------------------------------------
# name_matches

@pytest.mark.parametrize("query, canonical", [
    ("putin", "Vladimir Putin"),
    ("Vladimir Putin", "Vladimir Putin"),
    ("VLADIMIR PUTIN", "Vladimir Putin"),
    ("President Putin", "Vladimir Putin"),
    ("Mr. Putin", "Vladimir Putin"),
    ("Putin's", "Vladimir Putin"),
    ("al-Muslat", "Salim al-Muslat"),
    ("Muslat", "Salim al-Muslat"),
    ("salim muslat", "Salim al-Muslat"),
    ("Earnest", "Josh Earnest"),
    ("Assad", "Bashar al-Assad"),
    ("Bashar Assad", "Bashar al-Assad"),
    ("Erdogan", "Recep Tayyip Erdo\u011fan"),
    ("statement", "the statement"),
    ("Xi", "Xi Jinping"),
])
def test_name_matches(query, canonical):
    assert name_matches(query, canonical)


@pytest.mark.parametrize("query, canonical", [
    ("putin", "Josh Earnest"),
    ("Josh Putin", "Josh Earnest"),
    ("Assad", "Bashar al-Assad's office"),
    ("", "Vladimir Putin"),
    ("Vladimir Putinov", "Vladimir Putin"),
    ("Earnest Josh", "Josh Earnest"),
])
def test_name_does_not_match(query, canonical):
    assert not name_matches(query, canonical)


# ------------------------------------------------------------------------------------------
# Findings, relative clauses, coordinated predicates, posts and documents

def test_finding_verb_closing_a_sentence_names_the_document():
    q = only("Shoreline erosion has doubled since 2010 along the north coast, the agency's study found.")
    check(q, "the agency's study", "reported", is_person=False)
    assert q.text.startswith("Shoreline erosion has doubled")


def test_finding_verb_with_that_is_reported_speech():
    check(only("A survey found that three in four tenants had waited a year for repairs."),
          "A survey", "reported", is_person=False)


def test_finding_verb_without_a_clause_reports_nothing():
    assert extract_quotes("Police found the van abandoned near the quarry on Sunday.") == []


def test_according_to_leading_a_sentence_with_a_clause_after_the_comma():
    q = only("According to the weather service, the rainfall fell by half between May and August, "
             "and reservoirs are now low.")
    check(q, "the weather service", "reported", is_person=False)
    assert q.text.startswith("the rainfall fell by half")


def test_according_to_followed_by_an_apposition():
    q = only("Ticket sales fell 12% last month, according to industry tracker Boxline, the steepest drop in a decade.")
    assert "Boxline" in q.canonical and q.text == "Ticket sales fell 12% last month"


def test_relative_who_said_names_the_apposed_person():
    body = ("The award was collected by her son, Peter Vance, who said his mother "
            "\"would have laughed at the fuss\".")
    check(only(body), "Peter Vance", "partial")


def test_relative_who_asked_whether_is_a_reported_question():
    q = only("The chair gave the floor to Dr Amal Reyes, the member for Eastfield, who asked whether "
             "the levy would apply to small charities.")
    check(q, "Amal Reyes", "reported")
    assert q.text.startswith("whether the levy")


def test_relative_which_said_after_according_to():
    body = "Staff will get a pay rise, according to the Nurses' Union, which said it would \"watch every payslip\"."
    check(quote_with(extract_quotes(body), "watch every payslip"), "the Nurses' Union", "partial", is_person=False)


def test_thousands_separator_does_not_split_a_speaker_phrase():
    body = ("Outside the court, the Tenants Association, which represents about 4,500 households, "
            "said the ruling was \"a gift to landlords\".")
    check(only(body), "the Tenants Association", "partial", is_person=False)


def test_coordinated_predicate_shares_the_subject_of_a_post():
    body = ("Lena Ortiz skipped the press conference but posted on Instagram after the match: "
            "\"Heads up, we go again on Saturday.\"")
    check(only(body), "Lena Ortiz", "before")


def test_coordinated_predicate_shares_a_document_subject():
    body = ("The inspectors' 2021 report praised the staff but warned that the building "
            "\"will not survive another winter without repairs\".")
    q = quote_with(extract_quotes(body), "another winter")
    assert q.method == "partial" and "report" in q.canonical and not q.is_person


def test_pronoun_in_a_subordinate_clause_names_the_sentence_subject():
    body = "Brightline first flagged the problem in May, when it delayed two launches and said orders had dropped by a third."
    q = only(body)
    assert (q.canonical, q.text) == ("Brightline", "orders had dropped by a third")


def test_colon_after_adverbials_introduces_the_quote():
    body = "Shortly before midnight, the mayor, Ines Colbert, wrote on Facebook after the vote: \"We lost tonight, but not the argument.\""
    check(only(body), "Ines Colbert", "before")


def test_role_then_name_is_the_subject_a_later_pronoun_means():
    body = ("\"I just hit it and hoped,\" Dan Walker said.\n\n"
            "Rovers manager Tom Ellery was less impressed. Asked about the penalty, he said: "
            "\"That was never a foul in a hundred years.\"")
    check(quote_with(extract_quotes(body), "never a foul"), "Tom Ellery", "pronoun")


def test_role_ending_in_a_name_is_not_an_apposition():
    body = ("The next morning, the novelist Grace Oyelaran, who has 80,000 followers, posted: "
            "\"Libraries are not a luxury, they are the floor.\"")
    check(only(body), "Grace Oyelaran", "before")


def test_apposition_with_a_preposition_still_describes_the_name():
    body = "Harriet Vale, the MP for Ashby and Coleford West, said: \"The people here were promised a bypass.\""
    check(only(body), "Harriet Vale", "before")


def test_introductory_adverbial_is_not_the_speaker():
    body = "On Monday, the Harbour Traders Guild, which has 300 members, said the plan was \"a slow death for the quay\"."
    check(only(body), "the Harbour Traders Guild", "partial", is_person=False)


# ------------------------------------------------------------------------------------------
# Obituaries and features: pronoun chains, birth names, titles, asides

OBITUARY = """Agathe Rimbaud, the painter whose harbour scenes hang in a dozen museums, has died. She was 91.

Her death was announced by her son, Luc Rimbaud, who said she had died "with a brush still in her hand".

Born Agathe Moreau in Lyon in 1931, she left for Paris at 17 with, as she liked to say, "one coat and a great deal of nerve".

She recalled in a 1998 radio interview that a gallery owner had told her to paint smaller.

"A stubborn genius who paints like weather." – Harold Pike, The Morning Star

She married the sculptor Henri Vasse in 1960, and she later wrote in her memoir, Salt Light, that she had "hated every opening night".

"I painted what I could not say," she wrote. Her son has said the memoir was "kind to a fault"."""


@pytest.fixture(scope="module")
def obituary() -> list[Quote]:
    return extract_quotes(OBITUARY)


def test_obituary_relative_speaker(obituary):
    check(quote_with(obituary, "brush still"), "Luc Rimbaud", "partial")


def test_obituary_birth_name_is_not_a_speaker(obituary):
    assert all(q.canonical != "Born Agathe Moreau" for q in obituary)
    assert quote_with(obituary, "gallery owner").canonical == "Agathe Rimbaud"


def test_obituary_as_she_liked_to_say(obituary):
    assert quote_with(obituary, "great deal of nerve").canonical == "Agathe Rimbaud"


def test_obituary_event_noun_pair_is_an_adverbial(obituary):
    assert quote_with(obituary, "gallery owner").text == "a gallery owner had told her to paint smaller"


def test_obituary_pronoun_chain_skips_a_critic_and_a_book_title(obituary):
    assert quote_with(obituary, "hated every opening").canonical == "Agathe Rimbaud"
    assert quote_with(obituary, "I painted what").canonical == "Agathe Rimbaud"


def test_obituary_her_son_is_the_son_named_before(obituary):
    check(quote_with(obituary, "kind to a fault"), "Luc Rimbaud", "partial")


def test_product_named_after_its_brand_is_not_a_person():
    body = ("Lumo, the photo app, launched a paid tier in May.\n\n"
            "Lumo Plus charged $4 a month for extra storage.\n\n"
            "\"It was a mistake and we are sorry for it,\" she wrote.")
    assert quote_with(extract_quotes(body), "mistake").canonical is None


def test_dateline_in_capitals_is_not_a_person():
    body = ("HARBOUR CITY (AP) — The Gulls won again.\n\n"
            "\"We never stopped running out there,\" she said.")
    assert quote_with(extract_quotes(body), "never stopped").canonical is None


def test_document_written_by_a_person_is_theirs():
    body = ("Edith Hale, 80, lived alone on the top floor.\n\n"
            "A note written by Mrs Hale hours before the fire read: \"The alarm is beeping again, please come.\"")
    check(quote_with(extract_quotes(body), "alarm is beeping"), "Edith Hale", "before")


def test_went_on_to_say():
    body = ("The club said on Friday that the manager would stay in his post. It went on to say that he had "
            "\"the full backing of the board and the owners\".")
    q = quote_with(extract_quotes(body), "full backing")
    assert (q.canonical, q.is_person) == ("The club", False)


def test_participle_after_the_subject_is_not_part_of_it():
    q = only("A study published in March showed that river otters had returned to every county.")
    assert q.canonical == "A study" and not q.is_person


# ------------------------------------------------------------------------------------------
# Newsroom layouts: Q&A interviews, tabloid names and reaction boxes, organisation anaphors

INTERVIEW = """Tomasz Brell: 'The sea taught me to wait'

Tomasz Brell, 61, spent three decades as a ferry engineer before he published his first collection of poems. We met at his allotment outside Dunmore, where he grows leeks and writes in a shed.

You started writing at fifty. Why so late?

I was busy fixing engines. Poetry seemed like something other people did. My father used to say, "A man with a spanner has no time for rhymes," and I believed him for forty years.

Was your wife surprised?

Not at all. She found a notebook of mine and sent it to a magazine without telling me. I was furious for a week.

What are you reading now?

Mostly seed catalogues, honestly. I am a slow reader and I like it that way.

Low Water is published by Firth Press on 3 May.

His editor at Firth Press, Nadia Oduya, said the first printing had already sold out."""


@pytest.fixture(scope="module")
def interview() -> list[Quote]:
    return extract_quotes(INTERVIEW)


def test_interview_answers_belong_to_the_interviewee(interview):
    for words in ("busy fixing engines", "sent it to a magazine", "slow reader"):
        q = quote_with(interview, words)
        assert (q.canonical, q.method) == ("Tomasz Brell", "interview"), q


def test_interview_questions_and_outro_are_not_answers(interview):
    assert not [q for q in interview if "Why so late" in q.text or "Was your wife" in q.text]
    assert not [q for q in interview if "published by Firth Press on" in q.text]
    assert quote_with(interview, "first printing").canonical == "Nadia Oduya"


def test_interview_quote_inside_an_answer_keeps_its_own_speaker(interview):
    q = quote_with(interview, "A man with a spanner")
    assert q.canonical != "Nadia Oduya"


def test_the_interviewee_is_not_someone_the_questions_talk_about():
    body = ("Two years ago Mara Quell was playing cellos in a hotel lobby. Her debut album is out on Friday. "
            "Her producer, Jonas Ebbe, who recorded it in a boathouse, says she \"plays like the tide is "
            "coming in\".\n\n"
            "**Why a boathouse?**\n\n"
            "It was free, and nobody could hear us. I slept on the jetty most nights.\n\n"
            "**Jonas says you play like the tide is coming in. Do you agree?**\n\n"
            "Jonas says a lot of things. But I did grow up by the sea, so maybe he's right.\n\n"
            "**Were you nervous about the first show?**\n\n"
            "Very. Our drummer, Piet Hol, grinned at me and said, \"If they leave, we play louder.\" "
            "They stayed until the very end.")
    quotes = extract_quotes(body)
    for words in ("slept on the jetty", "Jonas says a lot of things", "They stayed"):
        q = quote_with(quotes, words)
        assert (q.canonical, q.method) == ("Mara Quell", "interview"), q
    # The sentence quoting someone else is not hers; its quotation is not hers either.
    assert not [q for q in quotes if "grinned at me" in q.text]
    assert quote_with(quotes, "we play louder").canonical != "Mara Quell"


def test_the_interviewee_may_be_addressed_by_name_in_the_questions():
    body = ("Mara Quell's debut album is out on Friday. Her producer, Jonas Ebbe, says she \"plays like the tide "
            "is coming in\".\n\n"
            "Mara, why a boathouse?\n\n"
            "It was free, and nobody could hear us. I slept on the jetty most nights.\n\n"
            "Were you nervous about the first show?\n\n"
            "Very. I could not eat for two days before it.\n\n"
            "And what comes next for you, Mara?\n\n"
            "A long sleep, and then I will write again.")
    quotes = extract_quotes(body)
    for words in ("slept on the jetty", "could not eat", "long sleep"):
        q = quote_with(quotes, words)
        assert (q.canonical, q.method) == ("Mara Quell", "interview"), q


def test_we_spoke_to_a_surname_two_people_share_is_the_one_the_story_opened_with():
    body = ("Tove Lindgren was 12 when she first swam the strait. She attempts the crossing again on Saturday.\n\n"
            "Her father, Anders Lindgren, a ferry engineer, said he had never pushed her.\n\n"
            "We spoke to Lindgren after training on Thursday.\n\n"
            "**Are you nervous?**\n\n"
            "Not really. I have trained for this since March.\n\n"
            "**Who got you here?**\n\n"
            "My dad has never swum a length in his life, but he has never missed one of my swims.\n\n"
            "**And after Saturday?**\n\n"
            "I will sleep for a week.")
    q = quote_with(extract_quotes(body), "never missed one of my swims")
    assert (q.canonical, q.method) == ("Tove Lindgren", "interview"), q


def test_the_interviewee_is_the_one_the_introduction_says_we_spoke_to():
    # His successor is named more often in the introduction; "We spoke to Ferris" says who answers.
    body = ("After 30 years at the helm, Owen Ferris hands the ferry to his mate on Sunday. Nia Bract, who takes "
            "over, said she was ready. Bract has crewed with him since 2012, and Bract will skipper the first "
            "sailing on Monday. We spoke to Ferris on Wednesday on the quay.\n\n"
            "**What do you remember of your first crossing?**\n\n"
            "Mostly that I was seasick. My dad, Emrys, had warned me. The one thing he did say, and he said it "
            "often, was: \u201cNever sail angry, and never sail tired.\u201d I\u2019ve told every new deckhand "
            "that, and they laugh.\n\n"
            "**Who is the best sailor you have known?**\n\n"
            "Nia is the best sailor I\u2019ve worked with, and I mean that.\n\n"
            "**What will you do now?**\n\n"
            "I will learn to fish properly, which my wife finds very funny.")
    quotes = extract_quotes(body)
    for words in ("Mostly that I was seasick", "best sailor", "learn to fish"):
        q = quote_with(quotes, words)
        assert (q.canonical, q.method) == ("Owen Ferris", "interview"), q
    # the father named in apposition is who "he" is; the interviewee's "I've" is nobody's name
    assert quote_with(quotes, "Never sail angry").canonical == "Emrys"
    assert not [q for q in quotes if q.speaker and q.speaker.startswith("I")]


def test_a_labelled_q_and_a_to_the_one_who_spoke_to_us_with_others_reported_in_the_answers():
    # Questions labelled "Q:" need not say "you"; the harbour board's chair is named first, but the
    # one who "spoke to us" answers; an answer saying what someone else named said is theirs.
    body = ("The board's chair, Alun Prydderch, called the new pier \u201ca gift to the town\u201d. Maren Tosh, its "
            "harbourmaster since 2018, spoke to us on Friday in the old weigh house.\n\n"
            "Q: Why did the work take three winters?\n\n"
            "A: The piles went down further than anyone had drawn them. Our engineer, Tam Ruddock, looked at "
            "the old ones and said: \u2018Another winter on these and you\u2019d have lost the lot.\u2019 I lost a lot of "
            "sleep over that.\n\n"
            "Q: Was it worth the money?\n\n"
            "A: Councillor Ivy Denholm wrote to the Herald that a pier was a folly the town could not afford. "
            "I think the boats coming back answer her.\n\n"
            "Q: What happens in the spring?\n\n"
            "A: The ferry to Inchmorran starts again in April, and I will be on the first one.")
    quotes = extract_quotes(body)
    for words in ("piles went down", "boats coming back", "ferry to Inchmorran"):
        q = quote_with(quotes, words)
        assert (q.canonical, q.method) == ("Maren Tosh", "interview"), q
    q = quote_with(quotes, "a folly the town")
    assert (q.canonical, q.method) == ("Ivy Denholm", "reported"), q
    # single quote marks in an answer (the story's own are double) are the named engineer's words
    q = quote_with(quotes, "Another winter on these")
    assert (q.canonical, q.method, q.text) == ("Tam Ruddock", "before", "Another winter on these and you\u2019d have lost the lot"), q
    assert not [q for q in quotes if "Councillor" in q.text]


def test_question_paragraphs_in_an_ordinary_story_are_not_an_interview():
    body = ("Will the bridge reopen by summer?\n\n"
            "Engineers have not said. The council expects a report in May.\n\n"
            "\"We are not guessing,\" said council leader Amy Ross.")
    quotes = extract_quotes(body)
    assert not [q for q in quotes if q.method == "interview"]


def test_nickname_in_quotes_is_part_of_the_name():
    body = ('Welsh champion Rhys "The Rocket" Pellow beat his rival on Saturday. '
            'Pellow said: "I told you I would win."')
    q = quote_with(extract_quotes(body), "I told you")
    assert q.canonical == "Rhys Pellow"
    assert not [q for q in extract_quotes(body) if q.text == "The Rocket"]


def test_tabloid_name_in_capitals_leads_the_story():
    body = ('DANNY "THE DRILL" OKORO smashed the course record at Fenmoor yesterday - then told '
            'his critics: "Write that down."\n\n'
            'The 31-year-old plumber from Gask could not hide his delight.\n\n'
            'Okoro fumed: "They said I was finished. I am not finished.\n\n'
            '"I have been doing this since I was nine."\n\n'
            'His coach Marie Lund told us: "He works harder than anyone."\n\n'
            'Asked what he would buy, he joked: "A new kettle."')
    quotes = extract_quotes(body)
    assert quote_with(quotes, "Write that down").canonical == "Danny Okoro"
    assert quote_with(quotes, "I am not finished").canonical == "Danny Okoro"
    assert quote_with(quotes, "since I was nine").canonical == "Danny Okoro"
    assert quote_with(quotes, "works harder").canonical == "Marie Lund"
    assert quote_with(quotes, "new kettle").canonical == "Danny Okoro"


def test_reaction_box_lines():
    body = ("Fans queued for hours outside the arena.\n\n"
            "WHAT THEY SAID\n\n"
            '"I have never heard a crowd like it." - referee Tom Hale\n\n'
            'Okafor: "We were lucky and I know it."\n\n'
            'ANNA PRYCE: "Best night of my life."')
    quotes = extract_quotes(body)
    assert quote_with(quotes, "crowd like it").canonical == "Tom Hale"
    assert quote_with(quotes, "lucky and I know").canonical == "Okafor"
    assert quote_with(quotes, "Best night").canonical.lower() == "anna pryce"


def test_participle_adding_keeps_the_sentence_subject():
    body = ('Former champion Gail Roper praised the young team. '
            'But the veteran warned them not to celebrate too soon, adding: "Titles are won in May."')
    assert quote_with(extract_quotes(body), "Titles are won").canonical == "Gail Roper"


def test_epithet_in_object_position_is_the_other_person():
    body = ('Lena Marsh knocked Carla Diaz out of the open on Sunday.\n\n'
            'The cheeky Scot then mocked the Spanish star, who had called her "a club player on a good day" last week.')
    assert quote_with(extract_quotes(body), "club player").canonical == "Carla Diaz"


def test_the_company_is_the_company_named_before():
    body = ("Workers at the Ostend plant walked out on Monday. Harlan Steelworks said the strike was "
            "unlawful. The company described its pay offer as \"generous, final and above inflation.\"")
    q = quote_with(extract_quotes(body), "generous, final")
    assert (q.canonical, q.is_person) == ("Harlan Steelworks", False)


@pytest.mark.parametrize(("sentence", "speaker", "clause"), [
    ("According to the port's operations manager, Ilse Varga, 14 sailings have been cancelled.",
     "Ilse Varga", "14 sailings have been cancelled"),
    ("The tour sold out within an hour, according to her label, Harrow Lane Records.",
     "Harrow Lane Records", "The tour sold out within an hour"),
    ("According to police, Tom Hale was arrested on Monday.", "police", "Tom Hale was arrested on Monday"),
])
def test_according_to_a_role_and_its_name_is_the_named_one(sentence: str, speaker: str, clause: str) -> None:
    q = only(sentence)
    assert (q.canonical, q.text) == (speaker, clause), q


def test_a_name_with_its_apposition_is_the_subject_of_coordinated_verbs():
    q = only('Piet Hol, our drummer, grinned at me before the show and said, "If they leave, we play louder."')
    assert (q.canonical, q.method) == ("Piet Hol", "before"), q


def test_the_name_a_subject_is_called_by_is_who_she_is():
    body = ('"We slept in the vestry," said Mara Quell.\n\n'
            'The chapel\'s owner, a retired organist called Hilda Marr, brought us soup at lunchtime. '
            'She told me one of the takes was "a bit too pleased with itself".')
    assert quote_with(extract_quotes(body), "too pleased").canonical == "Hilda Marr"


def test_according_to_at_the_end_covers_the_last_coordinated_clause():
    q = only("Her album is out on Friday, and the tour that follows it sold out in an hour, according to her label.")
    assert (q.canonical, q.text) == ("her label", "the tour that follows it sold out in an hour"), q


@pytest.mark.parametrize(("sentence", "speaker", "words"), [
    ('The agency Norpress quoted government spokeswoman Ilse Varga as saying the deal proved that "patience '
     'pays in the end".', "Ilse Varga", "patience pays in the end"),
    ("The paper quoted Tom Hale as saying the talks had failed.", "Tom Hale", "the talks had failed"),
])
def test_quoted_as_saying_names_the_one_quoted(sentence: str, speaker: str, words: str) -> None:
    q = only(sentence)
    assert (q.canonical, q.text) == (speaker, words), q


def test_a_comma_and_saying_gives_the_words_to_the_sentence_subject():
    body = ('Rovers manager Ada Kell was delighted.\n\n'
            'The 51-year-old singled out her goalkeeper for praise, saying the youngster had "hands like buckets".')
    assert quote_with(extract_quotes(body), "hands like buckets").canonical == "Ada Kell"
    q = only("The minister defended the plan, saying it would create 2,000 jobs by 2027.")
    assert (q.canonical, q.text) == ("The minister", "it would create 2,000 jobs by 2027"), q


def test_an_organisation_introduced_by_what_it_is_is_named_by_its_name():
    q = only("Ferry operator Brevik Ferries said all sailings were cancelled.")
    assert (q.canonical, q.is_person) == ("Brevik Ferries", False), q


def test_the_company_is_the_one_named_in_the_sentence_before():
    body = ('Halden Rail said the line would stay shut until noon.\n\n'
            'Brevik Ferries has cancelled all sailings to the islands. In a statement, the company said the '
            'decision had been taken "with the heaviest of hearts".')
    q = quote_with(extract_quotes(body), "heaviest of hearts")
    assert (q.canonical, q.is_person) == ("Brevik Ferries", False), q


def test_live_blog_lines_name_their_subjects_past_the_time_stamp():
    body = ('10:05 - Transport Commissioner Ruth Amadi has spoken to reporters at the depot.\n\n'
            '"Passengers deserve far better than this," the commissioner said.\n\n'
            '10:40 - Union organiser Dev Patel arrived at the depot an hour later.\n\n'
            '"Our members have been out since dawn," he said.')
    quotes = extract_quotes(body)
    assert quote_with(quotes, "deserve far better").canonical == "Ruth Amadi"
    assert quote_with(quotes, "out since dawn").canonical == "Dev Patel"


def test_a_quotation_a_verb_takes_as_object_inside_reported_speech_is_the_reporters():
    # "added" with no comma or colon before the quotation is "added to the budget", not speech
    quotes = extract_quotes("Kelby Council opened the bridge on Monday.\n\nIn a statement, the council said the "
                            "delay had added \u201cless than four per cent\u201d to the budget.")
    assert [(q.text, q.canonical) for q in quotes] == [("less than four per cent", "Kelby Council")]


def test_a_live_blog_entry_time_is_not_part_of_what_was_said():
    quotes = extract_quotes("17:21 \u2014 Schools across the district will stay shut until Monday, the education "
                            "office has confirmed.")
    assert [q.text for q in quotes] == ["Schools across the district will stay shut until Monday"]


def test_the_company_stays_unresolved_when_two_companies_spoke():
    body = ("Harlan Steelworks said the strike was unlawful. Brodie Metals said it would not take sides. "
            "The company described the talks as \"going nowhere fast.\"")
    q = quote_with(extract_quotes(body), "going nowhere")
    assert q.canonical == "The company"


def test_quote_after_a_narrative_sentence_about_a_speaker():
    body = ("One senior diplomat, speaking on condition of anonymity, was less polite. "
            "\"They came with nothing and they will leave with nothing.\"")
    q = quote_with(extract_quotes(body), "came with nothing")
    assert q.canonical == "One senior diplomat"


def test_quote_after_a_narrative_sentence_about_a_thing_is_unattributed():
    body = ("The bridge was closed in March. \"Nobody has told us when it will open again.\"")
    assert quote_with(extract_quotes(body), "Nobody has told").canonical is None


def test_asked_intro_keeps_the_name_as_subject():
    body = ("Tolu Crewe told MPs the plan would go ahead. Kamal Holt, who chairs the parents' group, "
            "said: \"We will fight it.\"\n\n"
            "Asked whether she expected a fight, Crewe smiled. \"Bring it on,\" she said. "
            "\"We have the votes for this.\"")
    q = quote_with(extract_quotes(body), "We have the votes")
    assert q.canonical == "Tolu Crewe"


def test_pronoun_clause_before_an_apposition_keeps_the_subject():
    body = ("Ida Koenig is a painter. She lives in Bremen with her husband, the potter Jurgen Weil, "
            "and a dog she calls \"my harshest critic by far\".")
    assert quote_with(extract_quotes(body), "harshest critic").canonical == "Ida Koenig"


def test_mr_picks_the_man_among_namesakes():
    body = ("Walter Greer, 80, sings bass. Dr. Sam Lyle studies the choir.\n\n"
            "\"It is not a cure,\" Dr. Lyle said.\n\n"
            "Tova Greer, who has been married to Walter for 50 years, joined too.\n\n"
            "\"I only come for the biscuits,\" she said.\n\n"
            "Mr. Greer has been told about the concert. Each time, he is delighted.\n\n"
            "\"A concert?\" he said. \"Somebody should tell me what we are singing.\"")
    assert quote_with(extract_quotes(body), "what we are singing").canonical == "Walter Greer"


def test_partial_quote_in_sentence_after_reported_speech_continues():
    body = ("The bats' call is unusual, the researchers wrote. It is quiet and unbroken, "
            "\"more like a hum than a series of clicks.\"")
    q = quote_with(extract_quotes(body), "more like a hum")
    assert q.canonical == "the researchers"


def test_live_blog_line_with_time_and_name():
    body = ("Crews are still on the hillside.\n\n"
            '14:05 BST - Fire chief Dana Ruiz: "We are moving the line back half a mile."')
    assert quote_with(extract_quotes(body), "moving the line").canonical == "Dana Ruiz"


def test_transcript_lines_belong_to_their_labels():
    body = ("The exchange in court was brief.\n\n"
            "JUDGE HALE: Do you understand the charge?\n\n"
            "MORROW: I do, your honour. I have read every page of it.\n\n"
            "JUDGE HALE: Then we will proceed after lunch.\n\n"
            "Update: the hearing resumed at 2pm.")
    quotes = extract_quotes(body)
    assert quote_with(quotes, "read every page").canonical.lower() == "morrow"
    assert quote_with(quotes, "proceed after lunch").canonical.lower() == "hale"
    assert not [q for q in quotes if "resumed" in q.text]


def test_a_single_label_is_not_a_transcript():
    body = "Note: the figures exclude overtime.\n\nPrices rose by 3% in May, officials said."
    assert not [q for q in extract_quotes(body) if "figures" in q.text]


def test_the_former_postman_with_a_relative_clause_is_the_person_named_before():
    body = ('"I nearly dropped my flask," Mr Pellow said.\n\n'
            "The former postman, who has logged every moth he has caught since 1990, said he had waited "
            "a lifetime for the species to turn up.")
    q = quote_with(extract_quotes(body), "waited a lifetime")
    assert (q.method, q.canonical) == ("reported", "Pellow")


@pytest.mark.parametrize("head", ["authority", "regulator", "watchdog"])
def test_a_public_body_anaphor_names_the_one_acronym_named_before(head):
    body = ("The MFSA said it had been told of the fault in March. Tomas Ekberg, the regulator's head of food "
            "standards, said it was watching closely.\n\n"
            f"According to Dunmore Foods, refunds are available in shops. The {head} said that one in five "
            "recalled jars was never returned.")
    q = quote_with(extract_quotes(body), "one in five")
    assert q.canonical == "The MFSA" and not q.is_person


def test_a_partial_quote_in_a_finding_reported_by_someone_is_theirs():
    body = ('"The count was slow but clean," said Ines Varga, the head of the observers. She added that her '
            'team had found "no sign at all" that the recount had changed the result.')
    q = quote_with(extract_quotes(body), "no sign at all")
    assert (q.method, q.canonical) == ("partial", "Ines Varga")


def test_reported_speech_after_a_quotation_in_the_same_sentence_has_its_own_speaker():
    body = ('Sam Orme, the club secretary, called the ruling "a kick in the teeth", and the league said in a '
            'statement that it would review the fixture list next month.')
    quotes = extract_quotes(body)
    assert quote_with(quotes, "kick in the teeth").canonical == "Sam Orme"
    q = quote_with(quotes, "review the fixture list")
    assert (q.method, q.canonical) == ("reported", "the league")


def test_a_name_then_read_and_told_me_shares_its_subject():
    body = ('Her agent, Corin Vasse, saw it first.\n\n'
            'Corin read the proofs and told me the ending was "a door left swinging": lovely, she said, but wrong.')
    q = quote_with(extract_quotes(body), "door left swinging")
    assert (q.method, q.canonical) == ("partial", "Corin Vasse")
    # "read" elsewhere is as often a participle: a statement read to the court is still hers
    body = ('In a statement read to the court by Mr Hale, Mrs Penrose, a retired nurse, said she had trusted him.\n\n'
            '"He called me Nana," she said.')
    assert quote_with(extract_quotes(body), "called me Nana").canonical == "Penrose"


def test_used_to_say_is_habitual_speech_and_a_relative_is_who_he_is():
    body = ('My grandfather, Tobias Renn, kept bees for fifty years.\n\n'
            'I never listened. He used to say, "A hive forgives nothing," and I laughed.')
    q = quote_with(extract_quotes(body), "hive forgives")
    assert (q.method, q.canonical) == ("pronoun", "Tobias Renn")
    body = ('My producer, Lars Otten, was patient.\n\n'
            'My mum drove me to every audition. She used to say, "Sing it like you owe them money."')
    assert quote_with(extract_quotes(body), "owe them money").canonical == "My mum"
