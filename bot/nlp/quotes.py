"""Quotations and their speakers, found with rules over the article text.

Approach: hand-written rules over one pass of the body, no parser and no per-sentence model
(pysbd over a whole article costs milliseconds per paragraph; these regexes handle thousands of
sentences a second). Steps:

1. Quote marks are paired per paragraph. Only double marks delimit quotations (so nested
   single quotes and apostrophes such as "Russia's" or "'90s" stay inside); a body without any
   double marks falls back to single marks. A paragraph left open whose successor re-opens with a
   mark is a multi-paragraph quotation: each paragraph's part is its own ``Quote`` (offsets must
   map to plain text), all parts sharing one speaker.
2. Quote contents are masked, so sentences are split (abbreviation-aware, and "rebels.Vladimir"
   splits) and speech frames ("<subject> said", "said <subject>") are found in narrative only.
3. Each quotation is attributed, in this order: words right after it ("…," X said / said X /
   – X / according to X), words right before it (X said: "…"), a frame earlier in its sentence
   with words between (partial quote), a sibling quote in the same sentence, a frame ending the
   sentence ("… "…" of Y, X said"), an attributed quote earlier in the paragraph (for a quote
   starting a sentence), the other parts of a multi-paragraph quotation, and finally the last
   speaker of the previous paragraph for a paragraph that opens with a quote ("continuation").
4. Sentences without quote marks yield reported speech ("X said (that) <clause>",
   "<clause>, X said", "according to X, <clause>", "<clause>, according to X, the …") when the
   clause has a finite verb ("according to <role>, <Name>, …" and "…, according to her label,
   <Name>" name the name); findings ("…, the report found", "a survey found that …") and
   reported questions ("asked whether …") count too, "police found the van" does not.

Subjects not right before the verb: a relative pronoun's antecedent ("her son, Luc Rimbaud, who
said", "according to the union, which said"; noted as a mention, not the sentence's topic), the
subject shared by coordinated predicates ("X skipped the press conference but posted: "…"", "the
report rated … but warned that"), a pronoun in a subordinate clause naming the sentence's subject
("Granmark warned …, when it … and said"), the author of a document ("a note written by X … read:"),
and a parenthetical aside ("…, as she liked to say, "…"", ""…", as one resident put it").

Speakers: subjects are read backwards from the verb to a clause boundary; titles and
appositions are stripped to the person ("Russian President Vladimir Putin" -> "Vladimir Putin",
"the company's chief executive, Mary Barra" -> "Mary Barra"); surnames and "Mr Putin" map to the
full name seen earlier; he/she/they/it resolve to the latest compatible speaker or sentence
subject (gender from titles, role nouns and a list of common first names); a name is a subject at
a sentence's start, after a role ("Foxes coach Ray Castellano"), an introductory phrase or "and",
not after a verb ("married the drummer X"); every "he"/"she" in narrative re-mentions the person it
resolves to, so the topic of an obituary stays the referent across quotes from others; "his office" becomes
"<person>'s office"; "the judge" / "the coach" refer back to the person introduced with that role
("Judge Martin Hale", "the club's coach, Pavel Novak"), and "the spokeswoman" to the unnamed one
introduced before ("A spokeswoman for Skerrylink"), and "the statement" to whoever issued one in that
paragraph or the one before ("Wexmoor Police said in a statement …"). Non-person speakers keep their words
("the statement", "the ministry", "US officials", "the railroad" before a verb only people and
organisations do) with ``is_person`` False for organisations and documents. Name runs: "the Bishop
of Tanbridge" is a title of a place, not a name; "Dunmere manager" modifies a role; "Jenna Ruiz of
the advocacy group Walk Port Marren" names Ruiz; "Fire and Rescue" / "Harlow & Finch" are one
organisation, and so are "the Department for Farming and Rural Affairs" and "the Food and Drug
Administration" (an institution word in the run; not "Rovers Park and Mayor Ana Ruiz"). A person
fronted as the topic ("For Nakamura-Dunn, the first months were the worst. She …") is who the
pronouns after it name. Not persons: "Born Odile Fontaine" (a participle), "her album, Low Tide Hours" (a
title), "Murmur Boost" after "Murmur" alone (a product of a brand), "HARLAN BAY" (a dateline),
"in Tollcross Bay" (a place); "9,000" is one word. Captions ("posted a photo captioned "…"") belong to the poster; "According to X,
who …," covers the sentence; a commitment ("had agreed to "…"") inside a reported clause keeps
the reporting speaker.

Layouts: a Q&A interview (three or more short question paragraphs, mostly to "you", each followed
by first-person answer paragraphs) gives every answer sentence to the person the introduction is
about, or whom the questions address ("Mara, why …?"), never one they only name ("Ansel says you
…"); sentences holding someone else's quotation are not the interviewee's ("interview"); a transcript ("MORROW: I do, your honour.", two lines or more with the same
label, or three, mostly in the first or second person) to the labelled speaker; a reaction box or
live-blog line ("Okafor: "…"", "14:05 - Fire chief Dana Ruiz: "…"", ""…" - referee Tom Hale") to
its name. Tabloid style: a quoted nickname between the words of a name (KYLE "THE HAMMER"
BRANNIGAN) is part of the name and no quotation, a capitalised name opening the story before a verb
is a person (canonical in title case), any "-ed" verb before a colon introduces a quotation ("Okoro
fumed: "…""), a dash joins predicates that share the subject ("… last night - then told his rival:
"…""), ", adding: "…"" and ", saying the youngster had "…"" keep the sentence's speaker, and an epithet ("the veteran", "the Dutch
star", "the 29-year-old", "the 54-year-old weaver") stands for the story's current topic as a
subject (of its clause or of a speech verb: ""…," the veteran said") and for the latest other
person elsewhere; an age once given for someone ("the 63-year-old") names them again. "The
company" / "the miner" / "the council" stand for the one fitting organisation that spoke in the
last paragraphs, or the one named in the sentence before ("Brevik Ferries has cancelled … the
company said"); a live blog's time stamp ("10:20 - ") is no part of a line's sentence. A quotation
right after a narrative sentence of
the same paragraph continues its reported speech ("…, the researchers wrote. It is quieter,
"more like …"") or, opening its sentence, is the words of that sentence's subject when a person
("One former minister, speaking on condition of anonymity, was blunter. "…"", "lead"). "Mr. Greer"
is not Mrs Greer; "she would say" and "Asked whether …, Crewe smiled" keep their subjects.

Known limits: unattributed quotes of three words or fewer (scare quotes) are dropped; a lone
capitalised word never introduced as a person ("Apple said") is treated as an organisation;
coordinated speakers ("Smith and Jones said") keep the whole phrase as canonical; present-tense
reported clauses without an auxiliary ("says the plan works") are not emitted as reported speech.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from bot.nlp.tokens import normalize_quotes


@dataclass(frozen=True)
class Quote:
    """One quotation (or reported-speech clause) and who said it."""

    text: str            # the words quoted, without the quote marks (reported speech: the clause)
    start: int           # character offset of the quoted words in the body (inclusive)
    end: int             # character offset (exclusive); body[start:end] == text
    speaker: str | None  # the speaker as named at the attribution ("White House spokesman Josh Earnest", "he")
    canonical: str | None  # the resolved speaker: "Josh Earnest"; "Vladimir Putin" for "he"/"Putin"
    method: str          # how it was attributed: see METHODS
    is_person: bool = True  # False for "the statement", "the ministry" and other non-person speakers


METHODS = (
    "after",         # "…," X said / "…," said X / "…," X told reporters
    "before",        # X said: "…" / X said, "…"
    "reported",      # X said that … / X said Russia … (no quote marks)
    "according_to",  # according to X, "…"
    "dash",          # "…" – X
    "pronoun",       # "…," he said  (resolved to the person named before)
    "continuation",  # an unattributed quotation paragraph continuing the previous speaker
    "partial",       # a partial quote inside reported speech: X said Russia aimed to "…"
    "lead",          # a quotation after a sentence about its speaker: X was blunter. "…"
    "interview",     # an answer in a Q&A interview, by the interviewee
    "unattributed",  # no speaker found
)

# ---------------------------------------------------------------------------------------------
# Word lists

def _words(text: str) -> frozenset[str]:
    """A word list from whitespace-separated text."""
    return frozenset(text.split())


# Verbs that introduce or close a quotation.
_SPEECH_VERBS = _words("""
said says say added adds told tells warned warns insisted insists wrote writes tweeted tweets
posted stated explained explains asked asks declared declares noted argued argues claimed
announced announces replied replies continued continues urged urges admitted admits acknowledged
acknowledges conceded concedes confirmed confirms responded responds remarked observed commented
recalled recalls suggested suggests predicted cautioned stressed stresses emphasised emphasized
maintained maintains contended countered complained lamented boasted vowed pledged promised
threatened demanded alleged reported revealed disclosed estimated concluded joked quipped shouted
yelled screamed whispered cried exclaimed wondered recounted testified assured reiterated affirmed
asserted indicated signalled signaled mused answered repeated charged objected protested retorted
snapped agreed fumed raged blasted slammed gushed beamed confessed raved roared sighed laughed
chuckled grinned sobbed hissed teased vented scoffed sniped""")
# Verbs that take a reported clause ("X said the war was over").
_REPORT_VERBS = _words("""
said says say added adds told tells warned warns insisted insists wrote writes tweeted stated
explained explains declared noted argued argues claimed announced confirmed acknowledged admitted
conceded maintained stressed suggested predicted reported revealed disclosed estimated alleged
asserted indicated reiterated recalled cautioned countered complained contended concluded
emphasised emphasized testified agreed replied responded assured noted observed remarked
commented confessed""")
# Verbs whose object can be a partial quote ("called the move "a mistake"").
_PARTIAL_VERBS = _REPORT_VERBS | _words("""
called calls described describes dubbed labelled labeled branded termed denounced condemned
praised hailed criticised criticized accused urged urges asked promised vowed pledged demanded
threatened""")
# Verbs only people and organisations do, so "the <any noun>" before them is a speaker.
_HUMAN_VERBS = _words("""said says insisted insists told tells added argued stressed admitted
acknowledged replied responded countered maintained contended complained vowed pledged promised
declared conceded""")
_DEFINITE = _words("the its his her their")
_NUMBERS = _words("two three four five six seven eight nine ten both")
# Verbs of posting whose object can carry a caption ("posted a photo captioned "…"").
_POST_VERBS = _words("posted posts shared shares published publishes uploaded tweeted wrote")
# Verbs that can open an inverted attribution ("…," said X); "told" cannot.
_INVERTED_VERBS = _SPEECH_VERBS - _words("told tells posted reported read reads")
_VERB_WORDS = _SPEECH_VERBS | _PARTIAL_VERBS | _POST_VERBS

# Phrasal speech verbs: "It went on to say that …".
_PHRASAL_VERBS = frozenset({"went on to say", "went on to add", "goes on to say", "goes on to add"})
_SPEECH_VERBS |= _PHRASAL_VERBS | _words("read reads")  # "A note taped to the door read: "…""
_REPORT_VERBS |= _PHRASAL_VERBS
_PARTIAL_VERBS |= _PHRASAL_VERBS
# Verbs of findings: "…, the report found." / "A survey found that …" (not "police found the car").
_FINDING_VERBS = _words("found finds showed shows")
# A sentence adverb set off after the verb: "She cautioned, however, that …".
_ASIDE_RE = re.compile(r"\s*,\s*(?:however|though|also|too|again|instead|meanwhile|nonetheless|nevertheless|"
                       r"moreover|in fact|of course|once again)\s*,\s*")
# Verbs of commitment report a clause only with "that": "has promised that the budget will be protected"
# (not "promised a review").
_PLEDGE_VERBS = _words("promised promises pledged pledges vowed vows")
# Verbs of reported questions: "asked whether the minister would …".
_QUESTION_VERBS = _words("asked asks wondered wonders queried queries questioned")
_VERB_RE = re.compile(r"\b(?:pointed out|"
                      + "|".join(sorted(_SPEECH_VERBS | _PARTIAL_VERBS | _POST_VERBS | _FINDING_VERBS,
                                        key=len, reverse=True)) + r")\b")
_PRE_ADVERBS = _words("""has have had also later then previously earlier again once reportedly long
always never first finally eventually still
separately further recently subsequently initially simply publicly privately flatly firmly
repeatedly quickly angrily calmly bluntly simply ever often usually sometimes would will could might
may should can must""")

_PRE_ADVERBS_RE = re.compile(r"(?:\s+(?:" + "|".join(sorted(_PRE_ADVERBS)) + r"))+\s*$")
_PRONOUNS = _words("he she they it")
_POSSESSIVE_PRONOUNS = {"his": "M", "her": "F", "its": None, "their": None}
_DETERMINERS = _words("""the a an his her its their this that these those one two three four five
six seven eight nine ten several many some other another both most all few each any no our""")
_PREPOSITIONS = _words("of for at in from with to on by near inside within among under over across")
_BLOCKERS = _words("""is are was were be been being has have had do does did will would can could
should may might must shall not never no that which who whom whose because if when while although
though since as so but or nor than where whether there him them us me i we you what how why
it's don't won't can't isn't wasn't didn't""")
# Words opening an introductory adverbial ("Outside Parliament, the association said …").
_INTRO_WORDS = _words("""outside inside after before during earlier later meanwhile however separately
elsewhere asked since until despite following amid last this yesterday today tonight overnight
afterwards instead still""")
# Prepositions that open a sentence's scene-setting phrase ("In the women's race Kowalczyk-Reyes …").
_OPENING_PREPOSITIONS = _words("in at on after during before")
# Participles opening a sentence before a name ("Born Odile Fontaine in 1936, she …").
_PARTICIPLES = _words("born raised educated based named known married elected appointed trained "
                      "nicknamed dubbed christened")
_CAP_STOP = _BLOCKERS | _DETERMINERS | _PREPOSITIONS | _words("""he she they it and however meanwhile
earlier later separately instead still yet now today yesterday tonight also then after before
during speaking asked writing referring responding addressing commenting talking answering
reacting appearing testifying according under despite amid unlike like just even only here
monday tuesday wednesday thursday friday saturday sunday""") - _words("a") | _PARTICIPLES
_PARTICLES = _words("al el ul bin ibn bint de da di du del della der den van von la le dos das ter ten st")

# Title words stripped from the front of a name ("Russian President Vladimir Putin").
_TITLES = _words("""president vice prime minister secretary chancellor senator sen rep representative
governor gov mayor general gen lt lieutenant col colonel captain capt sgt sergeant admiral adm
major maj judge justice dr doctor prof professor mr mrs ms miss mx sir dame lord lady king queen
prince princess pope cardinal bishop archbishop rev reverend canon rabbi imam sheikh ayatollah emir
chairman chairwoman chair director commissioner ambassador envoy spokesman spokeswoman spokesperson
ceo cfo coo cto chief executive officer founder coach manager deputy attorney speaker leader
inspector superintendent supt detective det constable agent premier crown supreme marshal
president-elect treasurer councillor councilman councilwoman alderman assemblyman assemblywoman
congressman congresswoman mp mep sheriff head dean patriarch father brother sister minister-president
state defense defence treasury health commerce energy agriculture labor labour transportation
transport education interior homeland security foreign affairs finance economy trade culture staff
environment housing veterans industry justice opposition former acting interim senior outgoing incoming reigning
majority minority whip house.speaker cmdr commander brig brigadier hon sec cllr""")
# Words that make a capitalised run an organisation or place rather than a person.
_ORG_WORDS = _words("""ministry department committee council party group inc ltd llc plc corp
corporation company co bank university agency office commission organization organisation
association union court army navy force forces police service times news post institute
foundation fund house kremlin pentagon reuters afp bbc cnn ap nato un eu government administration
parliament congress senate assembly cabinet authority authorities board bureau centre center
club team league federation network channel airlines airways motors group holdings partners
capital trust church campaign movement front alliance coalition command guard guards embassy
consulate mission program programme project hospital school college academy society tribunal
press media journal agency white states kingdom republic emirates nations city county
province region island islands korea arabia zealand africa america europe asia valley street
square airport station fire rescue ambulance coastguard lifeboat lifeboats paramedics emergency
rovers athletic wanderers albion rangers fc afc
road avenue creek falls sound harbour harbor beach heights springs baths foods systems library libraries
museum gallery zoo theatre theater orchestra philharmonic
homes properties estates construction housing
heating mobility minerals mining mines metals resources energy petroleum oil steel steelworks
chemicals pharmaceuticals logistics shipping securities investments insurance brewery brewing
industries enterprises technologies labs software telecom airline rail railway railways trains ferries buses
coaches water""")
# Lower-case heads of speaker phrases; persons and non-persons.
_PERSON_NOUNS = _words("""spokesman spokeswoman spokesperson spokespeople official minister president
leader officer analyst expert witness resident source diplomat lawmaker senator representative
lawyer attorney prosecutor judge doctor man woman men women people person worker employee
executive chief director chairman chairwoman chair head manager founder owner aide adviser
advisor negotiator commander general soldier militant activist campaigner protester demonstrator
critic supporter opponent voter member researcher scientist economist professor teacher student
parent mother father son daughter wife husband friend neighbour neighbor victim survivor passenger
journalist reporter correspondent editor author investigator inspector detective agent envoy
ambassador mediator observer monitor rebel fighter insider colleague counterpart governor mayor
secretary counsel lobbyist strategist pollster coach player fan organiser organizer medic nurse
paramedic rescuer firefighter farmer trader investor banker dealer consultant partner delegate
premier chancellor king queen prince princess pope cleric imam priest bishop archbishop duke
duchess earl baroness baron dean rabbi vicar pastor police-officer
policeman policewoman relative relatives staffer staff clerk guard pilot driver owner chief commissioner
captain barrister solicitor""")
_SPOKES = _words("spokesman spokeswoman spokesperson")
_AGENT_ENDINGS = ("eer", "er", "or", "ist", "ian")
_NOT_AGENTS = _words("""summer winter quarter number river water order border corner center centre letter
paper chapter register theater theatre meter metre october november december september""")
# Roles that are most often someone other than the story's protagonist: "the judge" in a
# defendant's story is not the defendant.
_OTHER_PARTY_ROLES = _words("""judge magistrate coroner prosecutor sheriff officer detective inspector
constable police policeman policewoman doctor paramedic nurse medic referee umpire reporter journalist
correspondent interviewer witness victim spokesman spokeswoman spokesperson""")
# Epithets that stand for a person named before ("the veteran", "the Dutch star", "the 29-year-old").
_EPITHET_NOUNS = _words("""veteran star superstar champion pundit rookie youngster teenager newcomer legend
striker midfielder defender goalkeeper keeper winger forward skipper boss gaffer jockey boxer
singer actor actress musician rapper comedian presenter frontman frontwoman scot scotsman scotswoman
welshman welshwoman irishman irishwoman englishman englishwoman dutchman frenchman brit aussie kiwi
bricklayer plumber grandfather grandmother pensioner mum dad cook chef baker butcher builder carpenter
electrician mechanic cleaner shopkeeper landlord landlady tenant walker climber cyclist runner swimmer
sailor fisherman fisherwoman shepherd gardener artist painter sculptor poet novelist photographer
postman postwoman milkman birdwatcher pianist composer widow widower""")
_PERSON_NOUNS |= _EPITHET_NOUNS
_THING_NOUNS = _words("""statement charity ministry office government administration company firm group police
department agency army military navy embassy committee council court report letter document
filing indictment complaint lawsuit study survey poll release memo notice website post tweet
message announcement communique declaration resolution authorities organisation organization
union party campaign coalition alliance bank board commission regulator watchdog club team
league federation association foundation institute university hospital school service channel
network newspaper broadcaster station media presidency palace cabinet parliament congress
senate assembly secretariat delegation airline carrier manufacturer maker retailer operator
corporation startup giant utility insurer lender brand spokesman's kremlin ruling verdict
judgment order decree text note account statement's command headquarters prosecutors' unit
force forces""")
# "the company" may stand for any business named before; "the council" only for a council.
_BUSINESS_ANAPHORS = _words("""company firm business retailer miner lender bank insurer carrier airline
operator manufacturer maker producer developer chain giant brand startup brewer brewery publisher
broadcaster supermarket grocer utility supplier group conglomerate automaker carmaker chipmaker charity""")
_COMMERCE = _BUSINESS_ANAPHORS - _words("charity")
# "the regulator" stands for the public body named before, which news copy often names by its initials
# alone ("The RVSA said …"): an acronym is such a body, a business is not.
_PUBLIC_ANAPHORS = _words("""authority regulator watchdog agency inspectorate""")
_ORG_ANAPHORS = _BUSINESS_ANAPHORS | _PUBLIC_ANAPHORS | _words("""council union university charity club
federation association league ministry department board trust hospital school college institute society
office""")
_PUBLIC_ORG_WORDS = _words("""ministry department council committee union university police court agency
commission government parliament party office authority service army school hospital""")
_PLURAL_PERSON = _words("""people men women police authorities staff officials""")
_FEMALE = _words("""mrs ms miss madam dame lady queen princess spokeswoman chairwoman woman mother
daughter wife sister actress businesswoman congresswoman councilwoman assemblywoman policewoman
mary jane sarah angela theresa hillary nancy elizabeth ursula kamala maria anna ann anne emma
olivia sophie laura julia catherine kate karen linda susan lisa jennifer michelle jacinda christine
marine nicola liz priti rachel janet amy elena natalia olga fatima aisha margaret helen patricia
barbara jessica emily hannah claire caroline amanda rebecca victoria alice grace ruth nikki
giorgia kristalina christine yulia
grandmother granddaughter niece aunt widow girl girlfriend bride heiress
abigail ada adele agnes aileen alexandra alison amanda amelia andrea angela anita annabel annie
antonia audrey ava beatrice bella  beth  betty beverley bridget brenda bronwen camilla
carla carmen carol carole caroline carolyn cassandra cecilia celia charlotte cheryl chloe cindy
clara claudia colette cora cynthia daisy dana daphne deborah debbie denise diana diane dolores
donna doris dorothy edith eileen eleanor elaine eliza ella ellen eloise elsie emilia erica esther
eva evelyn fiona florence frances freya gabriela gemma georgia gillian gloria gwen harriet hazel
heather heidi hilary holly ida  ingrid irene iris isabel isabella isla jacqueline jade
jasmine jean jeanette jenna jenny jill joan joanna jocelyn josephine joy joyce judith judy julie
 justine katherine kathleen kathryn katie kayla kelly  lara leah lena leila lilian lily
 lorraine louise lucia lucy lydia lynn mabel madeleine maggie marcia margot maria marian
marianne marie marilyn marjorie marion martha maureen maxine megan melanie melissa mia mildred
miriam molly monica muriel nadia naomi natalie nina nora norma olive paula pauline penelope
 phoebe phyllis pippa polly priya rebekah regina rita roberta rosa rosalind rose rosemary
rosie ruby sabrina sally samantha sandra selina shanice sharon sheila shirley  sonia sophia
stella stephanie suzanne sylvia tamara tanya teresa tessa tina tracy  valerie vanessa vera
veronica violet virginia vivian wendy winifred yasmin yvonne zara zoe """)
_MALE = _words("""mr sir lord king prince spokesman chairman man father son husband brother actor
businessman congressman councilman assemblyman policeman john james michael david robert william
joe donald barack vladimir josh tim mitch boris emmanuel george richard thomas charles daniel
paul mark peter andrew steven kevin brian jeff jeffrey elon bill ahmed mohammed muhammad ali
sergei dmitry recep benjamin rishi keir olaf justin narendra bashar salim ivan alexei hassan
xi jinping abdullah omar tony gordon nick matt chris jim bob frank jack harry henry
grandfather grandson nephew uncle widower boy boyfriend groom
aaron adam adrian alan albert alexander alfred alistair andre angus anthony archie arthur barry
ben bernard billy bradley brendan bruce bryan callum calvin carl cedric clive colin conor craig
dale damian dan darren dean declan dennis derek desmond dominic douglas duncan dylan eamon edgar
edmund edward edwin eli  eric ernest eugene evan felix  fergus francis fred frederick
gareth gary gavin geoffrey gerald gerard gilbert glen glenn graham grant gregory guy harold harvey
hugh hugo ian isaac ivor jacob jake jason jeremy jerome joel jonah jonathan joseph joshua julian
keith ken kenneth kieran kyle lance larry lawrence lee leo leonard lewis liam lionel louis luke
malcolm marcus martin matthew maurice max miles  mohamed neil neville nigel noah norman oliver
oscar owen patrick percy philip ralph randall ray raymond reginald  rhys roger ronald rory
ross roy rupert russell ryan samuel scott sean seamus sebastian shane simon stanley stephen stuart
terence terry theodore timothy toby tom trevor victor vincent wallace walter warren wayne 
wesley wilfred willis zachary""")

_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_CALENDAR_RE = re.compile(rf"(?:{_DAYS}|{_MONTHS})\.?")
_EVENT_NOUNS = ("statement|interview|conference|briefing|meeting|speech|address|post|tweet|"
                "letter|email|remarks|message|video|report|filing|release|broadcast|hearing|"
                "session|summit|rally|appearance|op-ed|column|blog|podcast|call|note|memo|"
                "documentary|debate|radio|television|broadcast|program|programme|show")
# Adverbials allowed between a speech verb and its clause or quote ("said in a statement on Tuesday:").
_ADVERBIAL_RE = re.compile(
    r"\s*,?\s*(?:"
    rf"(?:in|during|at|via|through|on|after|before)\s+(?:a|an|the|his|her|its|their|this|that|one)\s+"
    rf"(?:[\w'-]+\s+){{0,3}}?(?:{_EVENT_NOUNS})s?(?:\s+(?:{_EVENT_NOUNS})s?)?"  # "a 1998 radio interview"
    r"(?:\s+(?:with|to|on|at|in|for|from|by)\s+(?:the\s+)?[A-Z][\w.'&-]*(?:\s+(?:of\s+)?[A-Z][\w.'&-]*)*"
    r"|\s+(?:with|to)\s+(?:analysts|investors|reporters|journalists|shareholders|staff|employees|members|"
    r"supporters|parents|residents|students|workers))?"  # "on a call with analysts"
    rf"|(?:on|late\s+on|early\s+on|earlier\s+on|last|this|late|early|next)\s+(?:{_DAYS}|week|month|year|"
    r"night|morning|afternoon|evening|weekend|Twitter|X|Facebook|Instagram|Telegram|TikTok|YouTube|"
    r"LinkedIn|Truth Social|social media|state television|state TV|television|TV|radio)"
    r"(?:\s+(?:night|morning|afternoon|evening))?"
    rf"|on\s+(?:{_MONTHS})\.?\s+\d{{1,2}}(?:,\s+\d{{4}})?"
    rf"|in\s+(?:{_MONTHS})\.?(?:\s+\d{{4}})?"
    r"|earlier|later|previously|yesterday|today|tonight|recently|again|also|repeatedly|separately|"
    r"publicly|privately|then|now|afterwards|bluntly|flatly|simply|once"
    r"|to\s+(?:reporters|journalists|the\s+press|the\s+media|lawmakers|supporters|parliament|"
    r"[A-Z][\w.'&-]*(?:\s+[A-Z][\w.'&-]*)*)"
    r"|in\s+(?:the\s+)?[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?"
    r"|on\s+(?:its|his|her|their|the)\s+(?:official\s+)?(?:website|web\s+site|blog|social\s+media(?:\s+"
    r"(?:accounts?|pages?|channels?))?|(?:Facebook|Instagram|Twitter|X|TikTok|YouTube|LinkedIn)\s+"
    r"(?:page|account|feed|channel))"
    r"|in\s+(?:a|an)\s+(?:televised|written|emailed|joint|brief|short|long|separate|video|"
    r"radio|TV|phone|telephone|exclusive)\s+[\w-]+"
    r")\b\s*,?")
# A document introduced with its author: "A letter signed by Jo Marsh said", "a text from Kim read".
_DOC_AUTHOR_RE = re.compile(
    r"\s*(?i:an?|the|one|his|her|their)\s+(?:[\w'-]+\s+){0,2}?(?:message|text|letter|note|email|e-mail|post|"
    r"tweet|card|memo|sign|placard|banner|poster|caption|voicemail)s?\s+"
    r"(?:(?:that\s+|which\s+)?(?:was\s+)?(?:sent|written|posted|signed|penned|left|shared|published)\s+)?"
    r"(?:by|from)\s+((?:(?:Mr|Mrs|Ms|Dr|Miss)\.?\s+)?[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*)"
    r"(?:\s+[a-z][\w-]*){0,4}?(?:\s+[A-Z0-9][\w-]*)?\s*,?\s*$")
_PLACE_PREPOSITIONS = _words("in at near inside within across outside around throughout")
# A work, venue or product noun right before a capitalised run names it: "her album, Low Tide Hours".
_WORK_BEFORE_RE = re.compile(
    r"\b(?:album|book|memoir|novel|film|movie|song|single|record|play|musical|opera|show|series|"
    r"documentary|podcast|ship|vessel|yacht|horse|restaurant|pub|cafe|café|shop|store|brand|app|"
    r"product|newspaper|magazine|programme|program|hotel|painting|poem|essay|column|collection|"
    r"exhibition|autobiography|biography|debut|follow-up|sequel|EP|LP|titled|entitled)s?,?\s+$")
# What may open a line of a live blog or reaction box before a speaker's name: a time, a bullet, bold.
_LINE_PREFIX = (r"\s*(?:(?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?|GMT|BST|CET|ET|EST|EDT|PT|PST|PDT|local)?"
                r"|[-\u2022*\u2013\u2014])\s*[-\u2013\u2014:|]?\s*)?(?:\*\*)?")
_LABEL_RE = re.compile(_LINE_PREFIX + r"([A-Z][\w.'\u2019-]*(?:[ \t]+[A-Z][\w.'\u2019-]*){0,3})[ \t]*(?:\*\*)?[ \t]*:"
                       r"[ \t]*(?:\*\*)?[ \t]*([^\s\"\u201c\u201d'\u2018].*)", re.S)
# Labels that open a line but name no speaker.
_NOT_LABELS = _words("""q a question answer update updated note editor editor's photo picture video
source sources read watch listen related correction clarification warning disclaimer background
pictured main top above below caption credit what they said key quote quotes live latest breaking
analysis context timeline explainer""")
_FIRST_PERSON_RE = re.compile(r"\b(?:I|I['\u2019](?:m|ve|d|ll)|[Mm]y|[Mm]e|[Ww]e|[Oo]ur|us)\b")  # not "US"
_FIRST_PERSON_SUBJECT_RE = re.compile(r"(?:I|[Ww]e)(?:['\u2019](?:ve|d|m|ll|re))?")
# An interview's introduction naming whom the interviewer met: "We spoke to Treharne on Wednesday".
_INTERVIEWED_RE = re.compile(r"\b(?:[Ww]e|I)\s+(?:spoke|talked|chatted)\s+(?:to|with)\s+|"
                             r"\b(?:[Ww]e|I)\s+(?:met|interviewed|caught\s+up\s+with|sat\s+down\s+with)\s+")
# A name of two words, after a title or other capitalised word perhaps (group 1), opening the two
# patterns below.
_LEAD_NAME = r"(?:[A-Z][\w'\u2019-]+\s+)?([A-Z][\w'\u2019-]+\s+[A-Z][\w'\u2019-]+)\b"
# An interviewee's sentence reporting what someone else named said: "Gareth Lyle, our executive
# director, keeps warning me that …" (group 1: the name; the match ends where their words begin).
_THIRD_PARTY_SAYS_RE = re.compile(
    _LEAD_NAME + r"(?:,[^,.?!\x00]*,)?\s+"
    r"(?:\w+\s+){0,2}?(?:said|says|told|tells|wrote|writes|warned|warns|warning|argued|argues|claimed|claims|"
    r"insisted|insists)\b[^.?!\x00]*?\bthat\s+")
# A named person's words in single quote marks after a speech verb and a colon or comma (group 1: the
# name; group 2: the words; a \u2019 before a letter is an apostrophe).
_NAMED_SAYS_SINGLE_RE = re.compile(
    _LEAD_NAME + r"[^.?!\n\u2018]*?"
    r"\b(?:said|told\s+\w+|warned|added|asked)\s*[:,]\s*\u2018((?:[^\u2019\n]|\u2019(?=\w))+?)[,.!?]?\u2019(?!\w)")
# The interviewee as the subject: "Imogen Sallis, its artistic director, spoke to us on Tuesday".
_SPOKE_TO_US_RE = re.compile(r"\b(?:spoke|talked|chatted)\s+(?:to|with)\s+(?:us|me)\b|\bsat\s+down\s+with\s+(?:us|me)\b")
_SECOND_PERSON_RE = re.compile(r"\byou(?:r|rs|rself|'ve|'re|'d|'ll|\u2019ve|\u2019re|\u2019d|\u2019ll)?\b", re.I)
# A participle continuing the sentence's speech: "…, adding: "…"", "…, saying, "…"".
_PARTICIPLE_COLON_RE = re.compile(r",\s*(?:before\s+|and\s+)?(?:adding|saying|insisting|explaining|noting|"
                                  r"declaring|warning|telling\s+(?:\w+\s+){0,2}?\w+)\s*[:,]?\s*$")
# A parenthetical attribution: "…, as she liked to say, "…"", ""…", as one resident put it."
_AS_SAID_RE = re.compile(
    r"[\s,(]*\bas\s+([^,;:()\"\x00]{1,60}?)\s+(?:(?:liked|likes|loved|loves|used|would|once|often|"
    r"later|famously|memorably|herself|himself)\s+(?:to\s+)?)*"
    r"(?:say|says|said|put\s+it|puts\s+it|wrote|writes|recalled|recalls|joked|noted|explained)\b[\s,)]*")
_AS_SAID_END_RE = re.compile(_AS_SAID_RE.pattern + "$")
# The listener after "told" ("told reporters", "told the BBC", "told him").
_TOLD_OBJECT_RE = re.compile(
    r"\s+(?:reporters|journalists|lawmakers|parliament|supporters|investigators|the\s+court|"
    r"the\s+jury|the\s+crowd|the\s+press|the\s+media|the\s+audience|him|her|them|us|me|"
    r"(?:the\s+|a\s+)?[A-Z][\w.'&-]*(?:\s+(?:of\s+)?[A-Z][\w.'&-]*)*"
    r"(?:'s\s+[\w-]+(?:\s+[\w-]+)?)?"
    r"|(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?(?:conference|briefing|meeting|news\s+agency|newspaper|"
    r"broadcaster|audience|crowd|panel|committee|hearing|court|gathering|summit))\b")
# "According to X," or "According to X, who leads the union," opening a sentence.
# A participle of saying after a comma: its subject is the sentence's ("…, saying the youngster had …").
_SAYING_RE = re.compile(r",\s*(?:and\s+)?(saying|insisting|arguing|claiming|stressing|noting|warning)\s+(?:that\s+)?"
                        r"(?=[\w\x00\"])")
# Without the comma only "that" makes it one: "has written to the returning officer claiming that …".
_SAYING_THAT_RE = re.compile(r"\s(saying|insisting|arguing|claiming|stressing|warning)\s+that\s+(?=[\w\x00\"])")
# "<agency> quoted <someone> as saying": the speaker is the one quoted (group 1; the verb, group 2).
_QUOTED_AS_RE = re.compile(r"\bquot(?:ed|es|ing)\s+([^,;:\x00\"]{3,80}?)\s+(as\s+(?:saying|telling\s+\w+))\b")
# An apposition after a name, then the verb: ", our drummer, leaned" (the verb in group 1).
_APPOSITION_THEN_VERB_RE = re.compile(r"\s*,\s*(?:a|an|the|our|my|his|her|their|its)\s[^,\x00\"]{1,60}?,\s*"
                                      r"(?:(?:also|then|later|just|quickly|simply)\s+)?([a-z]+)\b")
# A role's name in apposition, then the verb: ", Colin Strand, has written" (the name, group 1; the verb, 2).
_APPOSED_NAME_THEN_VERB_RE = re.compile(r"\s*,\s*([A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*){1,3})\s*,\s*"
                                        r"(?:(?:also|then|later|just)\s+)?([a-z]+)\b")
# A name in apposition after a role, closed by a comma: "the chief operating officer, Tomasz Wielgus, …".
_APPOSED_NAME_RE = re.compile(r"([A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*){1,3})\s*,\s*")
_ACCORDING_LEAD_RE = re.compile(
    r"\s*according\s+to\s+([^,\"\x00]+?)"
    r"(\s*,\s*(?:who|whose|a|an|the|its|his|her|their)\b[^,\"\x00]*)?\s*,\s*", re.I)
# The text of a post after a verb of posting: "a photo captioned", "with the caption:".
_CAPTION_RE = re.compile(r"\b(?:captioned|(?:with|under|alongside|and)\s+(?:the|a)\s+(?:caption|message|words)"
                         r"|(?:which|that)\s+(?:read|reads|said))\s*[:,]?\s*$")
# Two words before a figure that make it approximate, opening a reported clause.
_APPROXIMATE_PAIRS = frozenset({("at", "least"), ("at", "most"), ("more", "than"), ("less", "than"),
                                ("fewer", "than"), ("up", "to"), ("as", "many"), ("as", "much")})
_CLAUSE_BAD_START = _words("""to of for with about by from nothing so yes no and or but as when if
what how why who where whether goodbye hello thanks thank was were is are be been being""")
_FINITE = _words("""is are was were has have had will would can could should must may might shall
did does do won't can't isn't aren't wasn't weren't hasn't haven't hadn't wouldn't couldn't
shouldn't didn't doesn't don't 's 're
fell rose grew won lost made took came went saw left hit cut put set kept held found gave knew
thought became began ran sent spent built paid met brought bought sold led struck fought caught
stood understood spoke broke chose drove flew threw shot fled hid felt dealt meant sought sank
shrank stole tore woke forgot froze slid swung got did used owed died lied heard sat drew
expects remains wants needs plans hopes believes intends continues supports opposes faces seeks
aims means requires includes appears seems looks works makes takes gives knows thinks stands""")
_ABBREVIATIONS = _words("""mr mrs ms dr prof sen rep gov gen lt col capt sgt adm maj cpl pvt rev fr
st jr sr mt ft inc ltd co corp no vs etc jan feb mar apr jun jul aug sep sept oct nov dec u.s
u.k u.n e.u a.m p.m atty supt insp det cmdr brig hon esq gov messrs mme mlle dept est approx""")

_DOUBLE_MARKS = '"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033'
_OPENERS = "\u201c\u201e\u201f\u00ab\u2018\u201a"
_CLOSERS = "\u201d\u00bb\u2019"
_MASK = "\x00"
_DOUBLE_MARK_RE = re.compile("[" + re.escape(_DOUBLE_MARKS) + "]")
_SINGLE_MARK_RE = re.compile("['\u2018\u2019\u201a]")
_TOKEN_RE = re.compile(r"(?:(?<=\d),(?=\d{3}\b)|[^\s,;:()\[\]\"\x00])+")  # "9,000" is one word
# A comma that separates phrases; not the thousands separator in "9,000".
_COMMA = r"(?:(?<!\d),|,(?!\d{3}\b))"
_SPEAKER_NOUNS = _PERSON_NOUNS | _THING_NOUNS
_MAX_SUBJECT_TOKENS = 12
_AGE_RE = re.compile(r"\d+-year-old")
# A live blog's time stamp opening a line ("10:20 - Skerrow Ferries has …"): no part of the sentence.
_TIMESTAMP_LEAD = re.compile(r"^\s*\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*[-\u2013\u2014:]\s*")
# The subject's apposition naming it: "The chapel's owner, a retired organist called Hilary Penhallow, would …".
_NAMED_SUBJECT_RE = re.compile(r"\s*(?:The|A|An|Her|His|Their|Its|Our|My|[A-Z][\w'\u2019-]*['\u2019]s)\s[^,\x00\"]{0,60},"
                               r"\s*(?:a|an|the)\s[^,\x00\"]{0,60}?\b(?:called|named)\s+")
_AGE_APPOSITION_RE = re.compile(r",\s*\d{1,3}\s*,")
# ", which employs …" after a name: a business. After a possessive name ("Harlowe's, which is …")
# "has" or "is" will do too; after another name they may describe a town ("Leeds, which has …").
_WHICH_BUSINESS_RE = re.compile(r",\s*which\s+(?:(?:has|have|had)\s+)?(?:makes|made|employs|employed|owns|owned|"
                                r"runs|run|ran|supplies|supplied|operates|operated|produces|produced)\b")
_WHICH_RE = re.compile(r",\s*which\s+(?:has|have|had|is|was)\b")
_FRONTED_TOPIC_RE = re.compile(r"\s*(?:As\s+for|For)\s+")
_SUBORDINATOR_RE = re.compile(r"\s*[\"\u201c]?(?:When|Whenever|After|Before|Although|Though|While|Whilst|Once|Because|"
                              r"Since|Until|If|As)\s+")
_STATEMENT_RE = re.compile(r"\bstatement\b", re.I)
# A role held at a named place or body: "Hugh Castellan, Tressingham Airport's operations director, said".
_NAMED_OWNER_ROLE_RE = re.compile(r"[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}['\u2019]s\s+[a-z]")
_SHORT_UNATTRIBUTED = 3


# ---------------------------------------------------------------------------------------------
# Public API

def extract_quotes(body: str) -> list[Quote]:
    """All quotations in an article body, in order, each with its speaker."""
    if not body or not body.strip():
        return []
    return _Extractor(body).run()


def name_matches(query: str, canonical: str) -> bool:
    """Whether a user's name query ("putin", "al-Muslat", "Vladimir Putin") names this speaker."""
    wanted, have = _name_tokens(query), _name_tokens(canonical)
    if not wanted or not have:
        return False
    if wanted == have:
        return True
    if len(wanted) == 1:
        return wanted[0] in (have[0], have[-1])
    if wanted[-1] != have[-1]:
        return False
    rest = iter(have)
    return all(word in rest for word in wanted)


_NICKNAME_RE = re.compile(r"\s+[\"\u201c\u201d\u2018\u2019'][^\"\u201c\u201d]{1,40}?[\"\u201c\u201d\u2018\u2019']\s+")


def _clean_name(name: str) -> str:
    """A person's name without a quoted nickname, in title case if written in capitals."""
    name = _NICKNAME_RE.sub(" ", name)
    if name.isupper():
        name = re.sub(r"(?<![^\W\d_])(Mc|O'|O\u2019)([a-z])", lambda m: m.group(1) + m.group(2).upper(),
                      name.title())
    return name


def _fold(text: str) -> str:
    """Lower-case, accent-free, straight-quoted form for comparing names."""
    text = unicodedata.normalize("NFKD", normalize_quotes(text))
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


@lru_cache(maxsize=4096)
def _name_tokens(text: str) -> tuple[str, ...]:
    """Name words without titles, particles, determiners or possessive endings."""
    words = re.findall(r"[^\W_]+", re.sub(r"'s\b", "", _fold(text)))
    words = [w for w in words if w not in _PARTICLES and w not in ("the", "a", "an")]
    while len(words) > 1 and words[0] in _TITLES:
        words.pop(0)
    return tuple(words)


# ---------------------------------------------------------------------------------------------
# Paragraphs, quote marks and sentences

def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph; blank lines separate paragraphs."""
    spans = []
    for match in re.finditer(r"\S(?:[^\n]|\n(?![ \t]*\n))*", text):
        spans.append((match.start(), match.start() + len(match.group().rstrip())))
    return spans


def _mark_kind(body: str, i: int, lo: int, hi: int) -> str:
    """'open', 'close' or 'either' for the quote mark at i, from spacing then glyph."""
    prev = body[i - 1] if i > lo else " "
    nxt = body[i + 1] if i + 1 < hi else " "
    prev_gap = prev.isspace() or prev in "([{\u2014\u2013-/" or i == lo
    next_gap = nxt.isspace() or nxt in ".,;:!?)]}\u2014\u2013\u2026" or i + 1 == hi
    if prev_gap and not next_gap:
        return "open"
    if next_gap and not prev_gap:
        return "close"
    if body[i] in _OPENERS:
        return "open"
    if body[i] in _CLOSERS:
        return "close"
    return "either"


def _single_mark(body: str, i: int, lo: int, hi: int) -> bool:
    """Whether a single quote mark at i is a quote mark rather than an apostrophe."""
    prev = body[i - 1] if i > lo else " "
    nxt = body[i + 1] if i + 1 < hi else " "
    if prev.isalnum() and nxt.isalnum():
        return False  # don't, Russia's
    if not prev.isalnum() and re.match(r"\d0s|em\b|cause\b|n\b", body[i + 1:i + 6]):
        return False  # '90s, 'em
    return True


def _marks(body: str, lo: int, hi: int, double: bool) -> list[tuple[int, str]]:
    """Quote marks of a paragraph with their kind."""
    found = []
    # A regex finds the candidates: a Python step per character of every paragraph cost more.
    for match in (_DOUBLE_MARK_RE if double else _SINGLE_MARK_RE).finditer(body, lo, hi):
        i = match.start()
        if double:
            found.append((i, _mark_kind(body, i, lo, hi)))
        elif _single_mark(body, i, lo, hi):
            kind = _mark_kind(body, i, lo, hi)
            if kind == "close" and body[i - 1] == "s" and i + 1 < hi and body[i + 1] == " ":
                kind = "either"  # officials' claims: a plural possessive looks like a close
            found.append((i, kind))
    return found


def _pair(marks: list[tuple[int, str]], hi: int) -> list[tuple[int, int | None, int]]:
    """Pair marks into (open, close or None, end) spans; an unclosed quote ends at the next open."""
    spans: list[tuple[int, int | None, int]] = []
    current: int | None = None
    for pos, kind in marks:
        if current is None:
            if kind != "close":
                current = pos
        elif kind == "open" and pos > current + 1:
            spans.append((current, None, pos))  # a close mark is missing
            current = pos
        else:
            spans.append((current, pos, pos))
            current = None
    if current is not None:
        spans.append((current, None, hi))
    return spans


def _sentences(masked: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Sentence spans in masked paragraph text; quotation contents are already masked."""
    spans, start = [], lo
    for match in re.finditer(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9\x00\"])|(?<=[a-z]{2})\.(?=[A-Z][a-z])",
                             masked[lo:hi]):
        end = lo + match.end()
        dot = lo + match.start()
        word = re.search(r"[\w.]*$", masked[start:dot]).group().lower()
        if masked[dot] == "." and (word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", word)
                                   or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word)):
            continue
        spans.append((start, end))
        start = end
        while start < hi and masked[start].isspace():
            start += 1
    if start < hi:
        spans.append((start, hi))
    return spans


# ---------------------------------------------------------------------------------------------
# Records

@dataclass
class _Entity:
    """Someone or something that speaks or is mentioned; mutable so gender can be learnt."""

    name: str
    is_person: bool
    gender: str | None = None
    plural: bool = False
    last: int = -1  # position of the latest mention
    roles: set[str] = field(default_factory=set)  # "judge", "coach": what "the judge" refers back to
    age: str | None = None  # "63-year-old", once an epithet gave it: "the 63-year-old" is then this person


@dataclass
class _Attr:
    """A resolved attribution."""

    speaker: str | None
    canonical: str | None
    is_person: bool
    method: str
    entity: _Entity | None = None


@dataclass
class _Piece:
    """The words of one quotation within one paragraph."""

    start: int
    end: int
    open_mark: int
    close_mark: int | None  # None when the quotation runs on past this piece
    para: int
    group: int  # shared by the parts of a multi-paragraph quotation
    attr: _Attr | None = None
    sentence_initial: bool = False


@dataclass
class _Item:
    """A quotation piece or a reported clause, ready to become a Quote."""

    start: int
    end: int
    para: int
    attr: _Attr | None
    piece: _Piece | None = None


@dataclass(frozen=True)
class _Frame:
    """A subject followed by a speech verb."""

    subj_start: int
    subj_end: int
    verb_start: int
    verb_end: int
    verb: str
    kind: str = ""  # "relative": "X, who said"; "shared": "X did not speak but posted"


class _Tok:
    """A word token with its offsets in the body; never changed once made."""

    # Not a frozen dataclass: its __init__ (object.__setattr__ per field) cost a tenth of a bulk
    # import's quotation time. Equality, hash and repr are the dataclass's.
    __slots__ = ("start", "end", "text", "glued")

    def __init__(self, start: int, end: int, text: str, glued: bool) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.glued = glued  # only whitespace separates it from the previous token

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.start, self.end, self.text, self.glued) == (other.start, other.end, other.text, other.glued)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.start, self.end, self.text, self.glued))

    def __repr__(self) -> str:
        return f"_Tok(start={self.start!r}, end={self.end!r}, text={self.text!r}, glued={self.glued!r})"


@dataclass(frozen=True)
class _Person:
    """Where a person's name sits in the body, and their gender if known."""
    start: int
    end: int
    gender: str | None
    roles: tuple[str, ...] = ()


class _Context:
    """What the article has said so far: speakers and persons, in text order."""

    def __init__(self) -> None:
        self.records: list[tuple[int, str, _Entity]] = []
        self.persons: dict[tuple[str, ...], _Entity] = {}

    def note(self, pos: int, kind: str, entity: _Entity) -> None:
        """Record a mention; kind is "speaker", "subject" or "object"."""
        self.records.append((pos, kind, entity))
        entity.last = max(entity.last, pos)

    def person(self, name: str, gender: str | None = None, roles: tuple[str, ...] = ()) -> _Entity:
        """The entity for a person name; a surname maps to the full name met earlier."""
        name = _clean_name(name)
        entity = self.known_person(name, gender)
        if entity is None:
            entity = _Entity(name, True, gender)
            self.persons[_name_tokens(name)] = entity
        elif gender and not entity.gender:
            entity.gender = gender
        entity.roles.update(r for r in roles if r in _PERSON_NOUNS and r not in _THING_NOUNS
                            and r not in _PLURAL_PERSON)  # "Treasury Secretary X": not "the treasury"
        return entity

    def holder(self, role: str, pos: int) -> _Entity | None:
        """The person last mentioned before pos who was introduced with this role ("the judge")."""
        for at, _, entity in reversed(self.records):
            if at < pos and entity.is_person and role in entity.roles:
                return entity
        return None

    def described(self, role: str, pos: int) -> _Entity | None:
        """The unnamed person last introduced before pos with this role: "A spokeswoman for
        Skerrylink" for "the spokeswoman"."""
        for at, _, entity in reversed(self.records):
            words = [_key(w) for w in entity.name.split()]
            if at < pos and entity.is_person and len(words) > 1 and words[0] in ("a", "an", "one"):
                cut = next((k for k, w in enumerate(words) if w in _PREPOSITIONS), len(words))
                if _noun_key(words[cut - 1]) == role:
                    return entity
        return None

    def known_person(self, name: str, gender: str | None = None) -> _Entity | None:
        """A person already met whose name this is, in full or in part; "Mr. Greer" is not his wife."""
        key = _name_tokens(name)
        if key in self.persons:
            return self.persons[key]
        longer = [e for k, e in self.persons.items() if len(k) > len(key) and name_matches(name, e.name)
                  and not (gender and e.gender and e.gender != gender)]
        return max(longer, key=lambda e: e.last) if longer else None

    def resolve(self, pronoun: str, pos: int, possessive: bool = False, learn: bool = True) -> _Entity | None:
        """The entity a pronoun at pos refers to: the latest compatible one."""
        kinds = ("speaker", "subject", "object") if possessive else ("speaker", "subject")
        # latest first; at one position a speaker outranks a name inside its phrase
        candidates = sorted((r for r in self.records if r[0] < pos and r[1] in kinds),
                            key=lambda r: (r[0], r[1] == "speaker"), reverse=True)
        entities = [e for _, _, e in candidates]
        if pronoun in ("he", "his", "she", "her"):
            want = "M" if pronoun in ("he", "his") else "F"
            if not possessive and not any(e.is_person and not e.plural for e in entities):
                # "When Eileen Fairbrother stepped onto the slipway, … ," she said": with no person
                # a subject yet, one named anywhere before
                entities = [e for _, _, e in sorted((r for r in self.records if r[0] < pos),
                                                    key=lambda r: r[0], reverse=True)]
            for entity in entities:
                if entity.is_person and not entity.plural and entity.gender in (None, want):
                    if learn:
                        entity.gender = want  # the pronoun used for someone tells their gender
                    return entity
            # "…, she said. … , chief financial officer Anton Lisle said on a call. He said …": no
            # subject fits, so the latest person who does, named anywhere; never the woman as "he"
            for _, _, entity in sorted((r for r in self.records if r[0] < pos), key=lambda r: r[0], reverse=True):
                if entity.is_person and not entity.plural and entity.gender in (None, want):
                    return entity
            return None
        elif pronoun in ("they", "their"):
            for entity in entities:
                if entity.plural or not entity.is_person:
                    return entity
        elif pronoun in ("it", "its"):
            return next((e for e in entities if not e.is_person and not e.plural), None)
        speakers = [e for _, k, e in candidates if k == "speaker"]
        return speakers[0] if speakers else None


# ---------------------------------------------------------------------------------------------
# Tokens and noun phrases

def _tokens(text: str, lo: int, hi: int) -> list[_Tok]:
    """Word tokens of text[lo:hi]; a sentence-final period is not part of the word."""
    toks: list[_Tok] = []
    last = lo
    for match in _TOKEN_RE.finditer(text, lo, hi):
        s, end = match.span()
        e = end
        while e > s and text[e - 1] in "!?." and not _keeps_period(text[s:e]):
            e -= 1
        if e > s:
            glued = not toks or last == s or text[last:s].isspace()
            toks.append(_Tok(s, e, text[s:e], glued))
        last = end
    return toks


def _keeps_period(word: str) -> bool:
    """Abbreviations and initials keep their final period (Dr., U.S., W.)."""
    if not word.endswith("."):
        return False
    core = word.rstrip(".").lower()
    return core in _ABBREVIATIONS or bool(re.fullmatch(r"[a-z]|(?:[a-z]\.)+[a-z]", core))


def _strip_possessive(tok: str) -> str:
    """The word without its possessive ending (Putin's -> Putin)."""
    if tok.endswith(("'s", "\u2019s")):
        return tok[:-2]
    if tok.endswith(("s'", "s\u2019")):
        return tok[:-1]
    return tok


def _is_possessive(tok: str) -> bool:
    """Whether the word ends in a possessive 's or s'."""
    return tok.endswith(("'s", "\u2019s", "s'", "s\u2019"))


def _key(tok: str) -> str:
    """Lower-case lookup form of a word, without possessive or final period."""
    return _strip_possessive(tok).rstrip(".").lower()


def _acronym(tok: str) -> bool:
    """Whether the word is an all-capitals acronym (US, UN, BBC)."""
    base = _strip_possessive(tok).replace(".", "")
    return len(base) > 1 and base.isupper() and base.isalpha()


@lru_cache(maxsize=8192)
def _is_cap(tok: str) -> bool:
    """A capitalised word that is not a sentence-initial function word ("The", "However")."""
    base = _strip_possessive(tok)
    return base[:1].isupper() and (_acronym(tok) or _key(tok) not in _CAP_STOP)


@lru_cache(maxsize=8192)
def _is_name_tok(tok: str) -> bool:
    """A capitalised word or a hyphenated particle (al-Assad) that can sit in a name."""
    if _is_cap(tok):
        return True
    head, _, tail = tok.partition("-")
    return bool(tail) and head.lower() in _PARTICLES and tail[:1].isupper()


def _runs(toks: list[_Tok]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of capitalised name runs; particles and "of" may sit inside."""
    runs, i, n = [], 0, len(toks)
    while i < n:
        if not _is_name_tok(toks[i].text):
            i += 1
            continue
        j = i + 1
        while j < n and toks[j].glued and not _is_possessive(toks[j - 1].text):
            word = toks[j].text
            if _is_name_tok(word) or (word[:1].isupper() and _key(word) in _BLOCKERS):
                j += 1
            elif (word.lower() in _PARTICLES or word == "of" or (word == "for" and any(
                    _key(t.text) in _INSTITUTION_WORDS for t in toks[i:j]))) and j + 1 < n \
                    and toks[j + 1].glued and _is_name_tok(toks[j + 1].text):
                j += 2  # "University of Port Ellery", "the Department for Farming and Rural Affairs"
            elif word.lower() in _PARTICLES and j + 2 < n and toks[j + 1].text.lower() in _PARTICLES \
                    and toks[j + 2].glued and _is_name_tok(toks[j + 2].text):
                j += 3  # "Luuk van der Steen", "Pedro de la Vega"
            elif word in ("and", "&") and j + 1 < n and toks[j + 1].glued \
                    and _is_name_tok(toks[j + 1].text) and (word == "&" or _org_conjunct(toks, i, j)):
                j += 2  # "Wessex Fire and Rescue", "Harlow & Finch": one organisation
            elif j == i + 1 and j + 1 < n and toks[j + 1].glued and _campaign_the(toks, j):
                j += 2  # "Save the Children": a campaign named by what it asks
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def _org_conjunct(toks: list[_Tok], i: int, j: int) -> bool:
    """Whether "and" at toks[j] joins two halves of one organisation's name (an org word nearby)."""
    right = j + 1
    while right < len(toks) and toks[right].glued and _is_name_tok(toks[right].text):
        right += 1
    return any(_key(t.text) in _ORG_WORDS for t in toks[i:right])


def _is_title(key: str) -> bool:
    """A title word, hyphenated ones included ("Secretary-General", "President-elect")."""
    return key in _TITLES or ("-" in key and all(part in _TITLES or part == "elect"
                                                 for part in key.split("-")))


# Title words that are also first names: the title before a full name or "of" ("Dean Marguerite
# Osei-Bonsu", "Dean of Libraries"), the first name before a family name alone ("Dean Fairclough").
_NAME_OR_TITLE = frozenset({"dean"})


def _first_name_here(keys: list[str], k: int) -> bool:
    """Whether keys[k], a word of a name run, is a first name rather than a title."""
    return keys[k] in _NAME_OR_TITLE and k == len(keys) - 2


def _gender_of(words: list[str]) -> str | None:
    """'M' or 'F' from titles, role nouns or first names among words."""
    if len(words) > 1 and words[-1][:1].isupper():
        words = words[:-1]  # a family name is no first name: "Bethan Rhys" is not a man for "Rhys"
    for k, word in enumerate(words):
        key = word.lower().rstrip(".")
        if key == "dean" and k < len(words) - 1:
            continue  # "Dean of Libraries Marguerite Osei-Bonsu": the title, not the first name Dean
        if key in _FEMALE:
            return "F"
        if key in _MALE:
            return "M"
    return None


def _person_in(toks: list[_Tok], ctx: _Context, governed: bool = False) -> _Person | None:
    """The person a phrase names: its last name run, titles dropped.

    A run after a preposition ("a spokesman for Theresa May") names someone else unless governed.
    """
    runs = _runs(toks)
    for n, (i, j) in reversed(list(enumerate(runs))):
        if _is_possessive(toks[j - 1].text):
            continue  # "Putin's spokesman": the possessor is not the speaker
        if not governed and i > 0 and toks[i].glued and _key(toks[i - 1].text) in _PREPOSITIONS:
            continue
        if _attributive(toks, j):
            continue  # "Dunmere manager", "Kremlin spokesman": a name modifying a role
        if n and _in_prepositional_phrase(toks, runs[n - 1][1], i):
            continue  # "Jenna Ruiz of the advocacy group Walk Port Marren"
        keys = [_key(t.text) for t in toks[i:j]]
        cut = max((k for k in range(len(keys) - 1) if _is_title(keys[k]) and not _first_name_here(keys, k)),
                  default=-1)
        name = toks[i + cut + 1:j]
        if cut >= 0 and name and name[0].text == "of":
            name = name[2:]  # "the Bishop of Tanbridge", "Mayor of Fenwick Laura Stein"
        while name and (name[0].text == "of" or name[0].text.lower() in _PARTICLES) \
                and not (name[0].text[:1].isupper() and len(name) > 2):  # "Van der Steen" opening a sentence
            name = name[1:]
        of = next((k for k, t in enumerate(name) if t.text == "of"), None)
        if of:
            name = name[:of]  # "Anna Petrova of Chatham House"
        if not name or any(_key(t.text) in _ORG_WORDS or t.text in ("and", "&") for t in name):
            continue
        if cut < 0 and i > 0 and toks[i].glued and _key(toks[i - 1].text) == "the":
            continue  # "the United States", "the Kremlin": persons take no article
        role_before = i > 0 and toks[i].glued and _noun_key(_key(toks[i - 1].text)) in _PERSON_NOUNS
        text = " ".join(t.text for t in name)
        first = name[0].text.lower()
        if (cut >= 0 or role_before or len(name) >= 2 or first in _FEMALE or first in _MALE
                or ctx.known_person(text) is not None):
            words = [t.text for t in toks[max(0, i - 1):j]]
            roles = [_noun_key(k) for k in keys[:cut + 1]]
            if role_before:
                roles.append(_noun_key(_key(toks[i - 1].text)))
            return _Person(name[0].start, name[-1].end, _gender_of(words), tuple(roles))
    return None


# An interviewer's question as labelled in a Q&A.
_QUESTION_LABEL_RE = re.compile(r"(?:Q|Question)\s*[:.]\s")


# Participles opening a sentence whose subject comes after the comma ("Asked about it, Crewe smiled").
_INTRO_PARTICIPLES = _words("asked pressed questioned told challenged speaking interviewed reached "
                            "contacted approached")
_AUXILIARIES = _words("is are was were be been being has have had do does did will would can could "
                      "should may might must shall")


def _verbish(word: str) -> bool:
    """Whether a lower-case word is (probably) a verb form: "was", "said", "announced"."""
    return word in _AUXILIARIES or word in _FINITE or word in _VERB_WORDS or \
        (len(word) > 4 and word.endswith("ed"))


_USED_TO_RE = re.compile(r"\bused\s+to\s+$")
_MALE_KIN = _words("dad father brother grandfather grandad granddad grandpa husband son uncle")
_KIN = ("dad|father|mum|mom|mother|brother|sister|grandfather|grandad|granddad|grandpa|grandmother|grandma|gran|"
        "nan|husband|wife|son|daughter|uncle|aunt")
_KIN_SUBJECT_RE = re.compile(rf"\s*((?:My|Our)\s+({_KIN}))\s+(?=[a-z])")
# "director of the charity Patients Together": the name an organisation anaphor ("the charity") stands for.
_TYPED_ORG_RE = re.compile(r"\bthe\s+(?:[a-z]+\s+)?(" + "|".join(sorted(_ORG_ANAPHORS)) +
                           r")\s+((?:[A-Z][\w&'\u2019-]*\s+){0,4}[A-Z][\w'\u2019-]*)")
# The same at a sentence's start, where news copy drops the article: "Budget carrier Fenwick Air said".
_TYPED_ORG_LEAD_RE = re.compile(r"\s*[A-Z][\w-]*\s+(?:[a-z][\w-]*\s+)?(" + "|".join(sorted(_ORG_ANAPHORS)) +
                                r")\s+((?:[A-Z][\w&'\u2019-]*\s+){0,4}[A-Z][\w'\u2019-]*)")
# "Mr Astley's widow, Linda, …": a relative named by a first name alone takes the family name before.
_KIN_OF_NAMED_RE = re.compile(r"\b([A-Z][\w-]+)['\u2019]s\s+(widow|widower|wife|husband|son|daughter|mother|"
                              r"father|brother|sister)\s*,\s+([A-Z][a-z'\u2019-]+)\s*,")
_MALE_RELATIVES = _words("widower husband son father brother")
_SPOUSES = _words("husband wife partner spouse fiance fiancee")
# Words that make two people named together a couple ("The newlyweds, A and B, …").
_COUPLE_RE = re.compile(r"(?i)\b(?:couple|newlyweds|newly\s+married|married|wedding|bride|groom|husband|wife|"
                        r"partners|engaged|fianc[eé]e?)\b")
# "My dad, Emlyn, did twenty-two years …": a relative named in apposition, whatever the name.
_KIN_NAMED_RE = re.compile(rf"\b(?:[Mm]y|[Oo]ur|[Hh]is|[Hh]er|[Tt]heir)\s+({_KIN})\s*,\s+([A-Z][a-z'\u2019-]+)\s*,")
# "Among those affected was Rhiannon Daws, …": the name after an inverted "was" is the sentence's subject.
_INVERTED_COPULA_RE = re.compile(r"\s*(?:Among|Also)\b[^,;:\"\x00]{0,60}?\b(?:was|were|is|are)\s+")


def _subject_position(before: str) -> bool:
    """Whether a name after this sentence text is a clause's subject, not an object.

    "Ray Castellano" is a subject after "", "Foxes coach ", "On Monday, ", "…, and "; an object
    after "She married the drummer " or "Her death was announced by her daughter, ".
    """
    if re.search(r"(?:;|\band|\bbut)\s*$", before) or _INVERTED_COPULA_RE.fullmatch(before):
        return True
    if _SUBORDINATOR_RE.fullmatch(before):
        return True  # "When Marcus gave me the armband, he told me …": the fronted clause's subject
    *intro, clause = re.split(_COMMA, before)
    words = clause.split()
    lead = intro[0].split()[:1] if intro else []
    if words and words[0].lower() in ("and", "but"):
        words = words[1:]  # "…, and rookie Marcus Pell added 17"
    elif lead and lead[0].lower() in _PRONOUNS | {"i", "we", "you"}:
        return False  # "She lives in Bremen with her husband, the potter Jurgen Weil": a clause came first
    elif lead and (lead[0].lower() in _INTRO_PARTICIPLES or lead[0].lower().endswith("ing")) \
            and len(intro) == 1:
        pass  # "Asked whether she expected a fight, Crewe smiled": the participle's subject follows
    elif any(_verbish(w.lower().strip(".'\u2019\"")) for part in intro for w in part.split()):
        return False
    if not words:
        return True
    if len(words) > 5 or any(c in clause for c in "\x00\":"):
        return False
    keys = [_key(w) for w in words]
    if keys[0] in _OPENING_PREPOSITIONS and not intro and keys[-1] not in _PREPOSITIONS and not any(
            _verbish(k) or k in _BLOCKERS for k in keys[1:]):  # (not "On the evidence of Tidewater Hymnal,")
        return True  # "In the women's race Kowalczyk-Reyes, 29, finished …": an opening phrase, no comma
    if keys[-1] in _DETERMINERS or not (words[0][:1].isupper() or keys[0] in _DEFINITE | {"a", "an"}
                                        or _role_noun(keys[-1])):  # "neighbour Lorna Achterberg"
        return False
    # "retired electrician Gus Ferreira": a participle before a person noun describes the person
    described = {n for n in range(len(keys) - 1) if _role_noun(keys[n + 1])}
    return not any((_verbish(k) and n not in described) or k in _BLOCKERS or k in _PREPOSITIONS or k in _PARTICIPLES
                   or (k not in _TITLES and k.endswith(("ing", "ly")) and len(k) > 4) for n, k in enumerate(keys))


def _role_noun(key: str) -> bool:
    """A noun for a person right before a name: a listed one, or an agent noun ("engineer",
    "plasterer", "pharmacist", "electrician") in that place."""
    noun = _noun_key(key)
    return noun in _PERSON_NOUNS or (len(noun) > 5 and noun.endswith(_AGENT_ENDINGS)
                                     and noun not in _ORG_ANAPHORS and noun not in _NOT_AGENTS)


def _role_head(toks: list[_Tok]) -> str | None:
    """The person noun heading a role phrase ("the council's head of transport" -> "head")."""
    keys = [_key(t.text) for t in toks]
    cut = next((k for k, key in enumerate(keys) if key in _PREPOSITIONS and k), len(keys))
    head = _noun_key(keys[cut - 1]) if cut else None
    return head if head in _PERSON_NOUNS or head in _TITLES else None


def _attributive(toks: list[_Tok], j: int) -> bool:
    """Whether a name run ending before toks[j] modifies a role noun ("Kremlin spokesman")."""
    return j < len(toks) and toks[j].glued and toks[j].text[:1].islower() \
        and _noun_key(_key(toks[j].text)) in _PERSON_NOUNS


def _in_prepositional_phrase(toks: list[_Tok], lo: int, i: int) -> bool:
    """Whether toks[lo:i], between two name runs, opens a phrase such as "of the advocacy group"."""
    between = [t for t in toks[lo:i]]
    if not between or not all(t.glued for t in between) or not toks[i].glued:
        return False
    keys = [_key(t.text) for t in between]
    return keys[0] in _PREPOSITIONS and all(t.text[:1].islower() for t in between)


@lru_cache(maxsize=8192)
def _noun_key(key: str) -> str:
    """Singular form of a lower-case noun, enough for the speaker-noun lists."""
    if key in _SPEAKER_NOUNS:
        return key
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("es", ""), ("s", "")):
        if key.endswith(suffix) and key[: -len(suffix)] + repl in _SPEAKER_NOUNS:
            return key[: -len(suffix)] + repl
    return {"men": "man", "women": "woman", "people": "person"}.get(key, key)


# Verbs that open a campaign's name before "the" ("Save the Children", "Free the Wild").
_CAMPAIGN_VERBS = frozenset("save free stop keep protect defend rescue reclaim restore ban scrap end".split())


def _campaign_the(toks: list[_Tok], k: int) -> bool:
    """Whether toks[k] is the "the" inside a campaign's name: "Save the Children", "Free the Wild"."""
    return (toks[k].text == "the" and 0 < k < len(toks) - 1 and _is_cap(toks[k - 1].text)
            and _key(toks[k - 1].text) in _CAMPAIGN_VERBS and _is_cap(toks[k + 1].text))


def _valid_np(toks: list[_Tok], loose: bool = False) -> bool:
    """Whether tokens form a plausible speaker phrase: a pronoun, a name or a speaker noun."""
    if not toks or len(toks) > _MAX_SUBJECT_TOKENS:
        return False
    keys = [_key(t.text) for t in toks]
    if len(toks) == 1 and keys[0] in _PRONOUNS:
        return True
    first = toks[0].text
    if keys[0] in _PREPOSITIONS or keys[-1] in _PREPOSITIONS or keys[-1] in _DETERMINERS or \
            keys[-1] in ("and", "or", "but", "nor"):
        return False  # ("before the show and said": no phrase ends with a conjunction)
    if first[:1].isupper() and not _is_cap(first) and keys[0] not in _DETERMINERS:
        return False  # "However", "Speaking"
    if first[:1].islower() and keys[0].endswith("ly"):
        return False
    has_head = False
    for k, (tok, key) in enumerate(zip(toks, keys)):
        named = _acronym(tok.text) or (k and tok.text[:1].isupper() and _is_name_tok(toks[k - 1].text))
        if not named and (key in _BLOCKERS or (key in _PRONOUNS and len(toks) > 1)):
            return False
        if k and (key in _DETERMINERS or key in _POSSESSIVE_PRONOUNS) and keys[k - 1] not in _PREPOSITIONS \
                and not (key in _NUMBERS and keys[k - 1] in _DEFINITE) \
                and not _campaign_the(toks, k):  # "the two companies"; "Save the Children"
            return False
        if _is_name_tok(tok.text) or _noun_key(key) in _SPEAKER_NOUNS or (k and _AGE_RE.fullmatch(key)):
            has_head = True  # (an age: "the 29-year-old", "the 63-year-old net-maker")
    if not has_head and loose and len(toks) in (2, 3) and keys[0] in _DEFINITE \
            and toks[-1].text.isalpha() and toks[-1].text.islower():
        return True  # "the railroad insisted", "the brewery said": any definite noun can speak
    return has_head


def _np_start(toks: list[_Tok], person: bool = False) -> int | None:
    """Where the noun phrase ending the tokens starts, read back to a determiner, a preposition
    or a verb: "gave way to [Dr Kwame Addo-Benning]", "according to [the Workers' Union]"."""
    i = len(toks)
    while i > 0:
        tok = toks[i - 1]
        key = _key(tok.text)
        if i < len(toks) and not toks[i].glued:
            break  # a comma
        if key in _DETERMINERS or key in _POSSESSIVE_PRONOUNS:
            i -= 1
            break
        if key in _PREPOSITIONS:
            before = _key(toks[i - 2].text) if i > 1 and tok.glued else ""
            if _noun_key(before) in (_PERSON_NOUNS if person else _SPEAKER_NOUNS) or (key == "of" and i < len(toks) and
                                                       _is_name_tok(toks[i - 2].text)):
                i -= 1  # "the member for Harrowmere", "University of Port Ellery"
                continue
            break
        if tok.text == "and" and i < len(toks) and tok.glued and toks[i].glued and _joins_organisation(
                " ".join(t.text for t in toks[:i - 1]), " ".join(t.text for t in toks[i:])):
            i -= 1  # "the Department for Farming and Rural Affairs said"
            continue
        if key in _BLOCKERS or key in _FINITE or key in _VERB_WORDS or key in _PRONOUNS or \
                key in ("and", "or", "according") or (tok.text.islower() and len(key) > 4 and key.endswith("ed")):
            break
        i -= 1
    if i == len(toks) or not _valid_np(toks[i:], loose=True):
        return None
    return i


# Words naming an institution whose name may hold "and" (not teams, places or companies' names).
_INSTITUTION_WORDS = _words("""ministry department office commission council committee agency authority board
bureau service institute centre center foundation association society federation union trust school
college academy university hospital administration fire rescue coastguard ambulance""")
_NAME_RUN_BEFORE_RE = re.compile(r"[A-Z][\w'\u2019.-]*(?:\s+(?:of|for|the|[A-Z][\w'\u2019.-]*))*\s*$")
_NAME_RUN_AFTER_RE = re.compile(r"\s*[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*)*")


def _name_after_opening(toks: list[_Tok]) -> tuple[int, int] | None:
    """ "In a short speech Hale thanked …": an opening phrase without its comma, then a name."""
    if _key(toks[0].text) not in _PREPOSITIONS | _INTRO_WORDS:
        return None
    i = len(toks)
    while i > 1 and _is_name_tok(toks[i - 1].text) and not _CALENDAR_RE.fullmatch(toks[i - 1].text):
        i -= 1
    if 1 < i < len(toks) and not _is_name_tok(toks[i - 1].text):
        return toks[i].start, toks[-1].end
    return None


def _joins_organisation(before: str, after: str) -> bool:
    """Whether "and" between these texts joins two halves of one institution's name: capitalised words
    on both sides, the right ones no title, and an institution word among them ("Farming and Rural
    Affairs" after "Department for", "Fire and Rescue", "Food and Drug Administration")."""
    left, right = _NAME_RUN_BEFORE_RE.search(before), _NAME_RUN_AFTER_RE.match(after)
    if left is None or right is None or _is_title(_key(right.group().split()[0])):
        return False
    words = (left.group() + " " + right.group()).split()
    return any(_key(w) in _INSTITUTION_WORDS for w in words if w[:1].isupper())


def _longest_np_suffix(toks: list[_Tok], loose: bool = False) -> int | None:
    """Index where the longest valid speaker phrase ending at the last token starts."""
    for i in range(max(0, len(toks) - _MAX_SUBJECT_TOKENS), len(toks)):
        if _valid_np(toks[i:], loose):
            return i
    return None


def _segments(toks: list[_Tok]) -> list[list[_Tok]]:
    """Comma-separated parts of a phrase (head and appositions)."""
    segments: list[list[_Tok]] = [[]]
    for tok in toks:
        if not tok.glued and segments[-1]:
            segments.append([])
        segments[-1].append(tok)
    return [seg for seg in segments if seg]


# Post-modifiers cut off a speaker phrase ("officials quoted by Reuters", "Smith, who ...").
_POSTMOD_RE = re.compile(
    r"(?:,?\s+(?:who|whose|which|quoted\s+by|cited\s+by|speaking|writing|adding|referring|"
    r"published|released|commissioned|conducted|carried\s+out|issued|compiled|seen\s+by|obtained\s+by|"
    r"according|familiar\s+with|briefed\s+on|asked\s+about|after|before|during|when|while|as|"
    rf"on\s+(?:{_DAYS})|in\s+(?:a|an|the|his|her|its|their)\s+(?:[\w-]+\s+){{0,2}}?(?:{_EVENT_NOUNS}))\b"
    r"|,\s+(?:in|on|at)\s+(?:a|an|the)\b"
    r"|,\s+(?:on|via)\s+(?:X|Twitter|Facebook|Instagram|Threads|Bluesky|TikTok|YouTube|LinkedIn|"
    r"Telegram|social\s+media)\b).*$", re.S)
_CONJUNCTION_RE = re.compile(r"\b(and|but|or|while|whereas|because|although|though|since|that|"
                             r"as|so|if|when|where|after|before|until|once)\s+")


# ---------------------------------------------------------------------------------------------
# The extractor

class _Extractor:
    """One article body: quotation pieces, sentences, speech frames and attributions."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.norm = normalize_quotes(body)
        self.double = any(ch in _DOUBLE_MARKS for ch in body)
        self.ctx = _Context()
        self.paras = _paragraphs(body)
        self.pieces: list[_Piece] = []
        self.by_para: dict[int, list[_Piece]] = {}
        self.items: list[_Item] = []
        self.colon: dict[int, _Attr] = {}  # paragraphs ending "X said:"
        self.solo: set[str] = set()  # capitalised words met alone and not as a person ("Murmur")
        self.nicknames: list[tuple[int, int]] = []  # quoted nicknames inside names, blanked when masking
        self.masked = ""
        self.para_starts = {lo for lo, _ in self.paras}
        self.cur_s = self.cur_para = 0  # the sentence being read
        self.prev_sentence: tuple | None = None  # (para, start, end, quoted, attributions) of the last one
        self.issuer: tuple[int, _Entity] | None = None  # (paragraph, speaker) of the last sentence naming a statement

    def run(self) -> list[Quote]:
        """Find pieces, attribute them sentence by sentence, then across paragraphs."""
        self._find_pieces()
        self.masked = self._mask()
        for p, (lo, hi) in enumerate(self.paras):
            for s, e in _sentences(self.masked, lo, hi):
                self._sentence(p, s, e)
        self._propagate_groups()
        self._continue_paragraphs()
        self._propagate_groups()
        self._interview()
        self._transcript()
        return self._quotes()

    # -- quotation pieces ----------------------------------------------------------------------

    def _find_pieces(self) -> None:
        """Pair quote marks in every paragraph, linking multi-paragraph quotations."""
        group, open_group = 0, None
        for p, (lo, hi) in enumerate(self.paras):
            spans = _pair(_marks(self.body, lo, hi, self.double), hi)
            for k, (o, c, end) in enumerate(spans):
                if self._nickname(o, c, lo, hi):
                    self.nicknames.append((o, c + 1))  # Gordon "Gobby" McAteer: part of a name
                    continue
                if k == 0 and open_group is not None and o == lo:
                    gid = open_group  # newspaper style: a quotation re-opened in a new paragraph
                else:
                    group += 1
                    gid = group
                piece = self._piece(o, c, end, p, gid)
                if piece is not None:
                    self.pieces.append(piece)
                    self.by_para.setdefault(p, []).append(piece)
            open_group = gid if spans and spans[-1][1] is None and spans[-1][2] == hi else None

    def _nickname(self, o: int, c: int | None, lo: int, hi: int) -> bool:
        """A short capitalised quotation between two words of a name: KYLE "THE HAMMER" BRANNIGAN."""
        if c is None or c - o > 40 or o - lo < 2 or c + 2 >= hi:
            return False
        words = self.body[o + 1:c].split()
        before = re.search(r"(\S+) $", self.body[lo:o])
        after = re.match(r" ([^\s,.;:!?]+)", self.body[c + 1:hi])
        return bool(words) and len(words) <= 3 and all(w[:1].isupper() or w.lower() in ("the", "of") for w in words) \
            and before is not None and after is not None and _is_name_tok(before.group(1)) \
            and _is_name_tok(after.group(1)) and not _is_possessive(before.group(1))

    def _piece(self, o: int, c: int | None, end: int, para: int, gid: int) -> _Piece | None:
        """Trim a span to its words; a comma just inside the closing mark is left out."""
        start = o + 1
        while start < end and self.body[start].isspace():
            start += 1
        stop = end
        while stop > start and (self.body[stop - 1].isspace() or self.body[stop - 1] == ","):
            stop -= 1
        return _Piece(start, stop, o, c, para, gid) if stop > start else None

    def _mask(self) -> str:
        """Normalised text with quotation words hidden (final punctuation kept), marks as '"'."""
        chars = list(self.norm)
        for o, c in self.nicknames:
            chars[o:c] = " " * (c - o)
        for piece in self.pieces:
            chars[piece.open_mark] = '"'
            if piece.close_mark is not None:
                chars[piece.close_mark] = '"'
            keep = piece.end - 1 if self.body[piece.end - 1] in ".!?" else piece.end
            for i in range(piece.open_mark + 1, keep):
                if chars[i] != "\n":
                    chars[i] = _MASK
        return "".join(chars)

    # -- sentences -----------------------------------------------------------------------------

    def _sentence(self, para: int, s: int, e: int) -> None:
        """Attribute the quotations of one sentence, or read its reported speech."""
        self.cur_s, self.cur_para = s, para
        pieces = [q for q in self.by_para.get(para, ()) if s <= q.open_mark < e]
        self._scan_mentions(s, e)
        frames = self._frames(s, e)
        count = len(self.items)
        if not pieces:
            self._reported(para, s, e, frames)
        for k, piece in enumerate(pieces):
            piece.sentence_initial = not self.masked[s:piece.open_mark].strip()
            prev = pieces[k - 1] if k else None
            nxt = pieces[k + 1].open_mark if k + 1 < len(pieces) else e
            piece.attr = self._attribute(para, piece, prev, nxt, s, e, frames)
            if piece.attr is None and not frames and k == 0:
                piece.attr = self._after_narrative(para, piece)
            self.items.append(_Item(piece.start, piece.end, para, piece.attr, piece))
        if pieces and pieces[-1].close_mark is not None:
            self._reported_after_quote(para, pieces[-1].close_mark + 1, e, frames)
        attrs = [i.attr for i in self.items[count:] if i.attr]
        self.prev_sentence = (para, s, e, bool(pieces), attrs)
        issuers = [a.entity for a in attrs if a.entity is not None and _STATEMENT_RE.search(a.entity.name) is None]
        if issuers and _STATEMENT_RE.search(self.masked, s, e):
            # "Wexmoor Police said in a statement that …", "In a statement, her family described …"
            self.issuer = (para, issuers[-1])

    def _after_narrative(self, para: int, piece: _Piece) -> _Attr | None:
        """A quotation right after a sentence of the same paragraph with no quote marks:
        "…, the researchers wrote. It is quieter, "more like a cello note …"" continues the
        sentence's speaker; "One former minister was blunter. "…"" is the words of its subject."""
        if self.prev_sentence is None or self.prev_sentence[0] != para:
            return None
        _, s, e, quoted, attrs = self.prev_sentence
        if attrs and not quoted:
            return _continued(attrs[-1])  # reported speech goes on in the words of the source
        if attrs or quoted or not piece.sentence_initial:
            return None
        subject = self._narrative_subject(s, e)
        if subject is None:
            return None
        attr = self._np_attr(*subject, "lead")
        return attr if attr is not None and attr.is_person and attr.canonical else None

    def _narrative_subject(self, s: int, e: int) -> tuple[int, int] | None:
        """The subject of a short narrative sentence, an aside between commas skipped:
        "One former education minister, speaking on condition of anonymity, was blunter."."""
        text = self.masked[s:e]
        parts = re.split(_COMMA, text)
        if len(parts) >= 3 and _verbish(parts[-1].split()[0].lower() if parts[-1].split() else ""):
            toks = _tokens(self.masked, s, s + len(parts[0]))
            if _valid_np(toks, loose=True):
                return toks[0].start, toks[-1].end
            return None
        return self._opening_np(s, e)

    def _scan_mentions(self, s: int, e: int) -> None:
        """Persons named in narrative, so pronouns and "his office" can find them."""
        kin = _KIN_SUBJECT_RE.match(self.masked, s, e)
        if kin:
            # "My dad drove me to gigs. He used to say, "…"": a relative the teller (an interviewee,
            # a first-person writer) never names is still who "he" is
            self.ctx.note(kin.start(1), "subject",
                          _Entity(kin.group(1), True, "M" if kin.group(2).lower() in _MALE_KIN else "F"))
        lead = _TYPED_ORG_LEAD_RE.match(self.masked, s, e)
        for typed in [*([lead] if lead else []), *_TYPED_ORG_RE.finditer(self.masked, s, e)]:
            name = typed.group(2)
            words = name.split()
            if not _is_possessive(words[-1]) and not any(_is_title(_key(w)) or _CALENDAR_RE.fullmatch(w)
                                                         for w in words):
                self.ctx.note(typed.start(2), "object", _Entity(name, False, roles={typed.group(1)}))
        for named in _KIN_OF_NAMED_RE.finditer(self.masked, s, e):
            if _key(named.group(1)) not in _TITLES | _ABBREVIATIONS:
                self.ctx.person(f"{named.group(3)} {named.group(1)}",
                                "M" if named.group(2) in _MALE_RELATIVES else "F")
        for named in _KIN_NAMED_RE.finditer(self.masked, s, e):
            # registered here so the name run below is taken for a person, as a known first name would be
            gender = "M" if named.group(1).lower() in _MALE_KIN else "F"
            self.ctx.person(self._kin_name(named, gender), gender)
        toks = _tokens(self.masked, s, e)
        pronouns = [t for t in toks if t.text in ("he", "she", "He", "She")]
        for i, j in _runs(toks):
            while pronouns and pronouns[0].start < toks[i].start:
                self._note_pronoun(pronouns.pop(0))
            lead = max(0, i - 1)
            if _attributive(toks, j):
                continue  # "Dunmere manager Fiona Gallacher": Dunmere is not mentioned as a person
            if _WORK_BEFORE_RE.search(self.masked, s, toks[i].start):
                continue  # "her album, Low Tide Hours": a title, not a person
            if (_WHICH_BUSINESS_RE.match(self.masked, toks[j - 1].end, e) or _is_possessive(toks[j - 1].text)
                    and _WHICH_RE.match(self.masked, toks[j - 1].end, e)) and not _CALENDAR_RE.fullmatch(toks[i].text):
                # "Bosses at Pendry's, which has made biscuits for a century, …": an organisation that
                # "the company" may stand for next, named as written ("Sainsbury's" keeps its 's) or
                # as in full before ("Pendry's Biscuits")
                name = self.body[toks[i].start:toks[j - 1].end]
                full = re.search(re.escape(name) + r"(?:[ \t]+[A-Z][\w'’&-]*)+", self.body[:toks[i].start])
                self.ctx.note(toks[i].start, "object", _Entity(full.group() if full else name, False))
                continue
            if i > 0 and _key(toks[i - 1].text) in _PLACE_PREPOSITIONS and not _is_title(_key(toks[i].text)):
                continue  # "at her home in Tollcross Bay": a place
            person = _person_in(toks[lead:j], self.ctx, governed=True)
            if person is None and j - i == 1 and re.match(r",\s*\d{1,3}\s*,", self.masked[toks[i].end:e]) \
                    and not _is_possessive(toks[i].text) and _key(toks[i].text) not in _ORG_WORDS:
                person = _Person(toks[i].start, toks[i].end, None)  # "Szalay, 44, was born": an age makes a person
            if person is None:
                if j - i >= 2 and any(_key(t.text) in _ORG_WORDS for t in toks[i:j]) and not _is_possessive(
                        toks[j - 1].text) and _subject_position(_TIMESTAMP_LEAD.sub("", self.masked[s:toks[i].start])):
                    # "Skerrow Ferries has cancelled …": what "the company" may stand for next
                    self.ctx.note(toks[i].start, "subject", _Entity(self.body[toks[i].start:toks[j - 1].end], False))
                if j - i == 1 and not _CALENDAR_RE.fullmatch(toks[i].text):
                    self.solo.add(_key(toks[i].text))  # ("2 June" is a date: June Tallis may follow)
                elif j - i >= 2 and _is_possessive(toks[j - 1].text):
                    self._possessor(toks[i:j])
                continue
            if self.body[person.start:person.end].isupper() and not self._caps_lead(s, e, toks, i, j):
                continue  # "HARLAN BAY (AP) —": a dateline or heading
            first = _key(self.body[person.start:person.end].split()[0])
            if first in self.solo and not person.roles and self.ctx.known_person(
                    self.body[person.start:person.end]) is None and not self._family_name(person):
                continue  # "Murmur … Murmur Boost": a brand's product, not a person named Murmur
            entity = self.ctx.person(self.body[person.start:person.end], person.gender,
                                     person.roles + self._apposed_roles(s, e, toks[i].start, toks[j - 1].end))
            before = _TIMESTAMP_LEAD.sub("", self.masked[s:toks[i].start])
            # "For Nakamura-Dunn, the first months were the worst. She …": a fronted topic is who the
            # sentence, and the pronouns after it, are about.
            subject = _subject_position(before) or (
                _FRONTED_TOPIC_RE.fullmatch(before) is not None and self.masked.startswith(",", toks[j - 1].end)
            ) or _NAMED_SUBJECT_RE.fullmatch(before) is not None or (
                # "… has been handed to Kezia Brandt, 34, who grew up here": a person introduced with an
                # age is who the next "she" means, wherever the name stands
                _AGE_APPOSITION_RE.match(self.masked, toks[j - 1].end, e) is not None)
            self.ctx.note(toks[i].start, "subject" if subject else "object", entity)
        for tok in pronouns:
            self._note_pronoun(tok)

    def _kin_name(self, named: re.Match[str], gender: str) -> str:
        """The relative's name: "his wife, Nadia," is Nadia Rease when "he" is Callum Rease and the
        story calls a woman Mrs Rease (else the first name alone: spouses may keep their own names)."""
        first, pronoun = named.group(2), named.group(0).split()[0].lower()
        if pronoun not in ("his", "her"):
            return first
        holder = self.ctx.resolve(pronoun, named.start(), possessive=True, learn=False)
        if holder is None or not holder.is_person or holder.gender == gender or len(holder.name.split()) < 2:
            return first  # (of the holder's own gender, "Mr Rease" could be the holder himself)
        surname = holder.name.split()[-1]
        courtesy = r"Mr" if gender == "M" else r"(?:Mrs|Ms|Miss)"
        if re.search(rf"\b{courtesy}\.?\s+{re.escape(surname)}\b", self.body):
            return f"{first} {surname}"
        return first

    def _family_name(self, person: _Person) -> bool:
        """Whether a name of two words or more ends in the surname of someone met already ("Alfie
        Hollis" after "Megan Hollis"): a relative, whatever "Alfie" alone was taken for."""
        words = self.body[person.start:person.end].split()
        last = _name_tokens(words[-1]) if len(words) > 1 else ()
        return bool(last) and any(len(k) > 1 and k[-1] == last[-1] for k in self.ctx.persons)

    def _possessor(self, toks: list[_Tok]) -> None:
        """ "Ines Szalay's third novel": the name is met (so "Szalay" is known), though not as a subject."""
        if toks[0].glued and not any(_key(t.text) in _ORG_WORDS or _is_title(_key(t.text)) for t in toks) \
                and all(_is_name_tok(t.text) for t in toks) and len(toks) <= 3:
            last = toks[-1]
            self.ctx.person(self.body[toks[0].start:last.start + len(_strip_possessive(last.text))])

    def _caps_lead(self, s: int, e: int, toks: list[_Tok], i: int, j: int) -> bool:
        """A tabloid lead naming its subject in capitals: "KYLE BRANNIGAN hit a nine-darter …"."""
        return not self.masked[s:toks[i].start].strip() and j < len(toks) and toks[j].glued \
            and toks[j].text[:1].islower() and not _key(toks[j].text) in _PREPOSITIONS

    def _note_pronoun(self, tok: _Tok) -> None:
        """ "he"/"she" in narrative is a subject: the person it names stays the topic ("She married …")."""
        entity = self.ctx.resolve(tok.text.lower(), tok.start, learn=False)
        if entity is not None:
            self.ctx.note(tok.start, "subject", entity)

    def _apposed_roles(self, s: int, e: int, start: int, end: int) -> tuple[str, ...]:
        """Roles in appositions beside a name: "the club's coach, Pavel Novak," / "Novak, a coach," /
        "Novak, coach of Dunmere,"."""
        roles = []
        before = re.search(r"(?:^|[,;:]\s*)((?:(?i:the|a|an|its|his|her|their)|[A-Z][\w'\u2019-]*['\u2019]s)\s+[^,;:]*?)\s*,\s*$",
                           self.masked[s:start])
        # (after a name, also a bare role "of" or "for" something: "Joanna Whitlock, vicar of St Michael's,")
        after = re.match(r"\s*,\s*((?:the|a|an|its|his|her|their)\s+[^,;:]*?|[a-z][\w-]*(?:\s+[a-z][\w-]*)?\s+(?:of|for)\s+"
                         r"[^,;:]*?)\s*[,;.]", self.masked[end:e])
        for found, base in ((before, s), (after, end)):
            if found:
                head = _role_head(_tokens(self.masked, base + found.start(1), base + found.end(1)))
                if head:
                    roles.append(head)
        return tuple(roles)

    # -- speech frames -------------------------------------------------------------------------

    def _frames(self, s: int, e: int) -> list[_Frame]:
        """Every subject + speech verb in the sentence's narrative text."""
        frames = []
        for match in _VERB_RE.finditer(self.masked, s, e):
            # "He used to say, "…"": habitual speech, its subject before "used"
            habit = _USED_TO_RE.search(self.masked, max(s, match.start() - 16), match.start())
            if habit is None and re.search(r"\b(?:to|be|been|being|is|are|was|were)\s+$",
                                           self.masked[max(s, match.start() - 7):match.start()]):
                continue  # "was told", "is said to"
            author = _DOC_AUTHOR_RE.match(self.masked, s, match.start())
            if author:  # "A text message sent by Mr Adebayo-Clarke shortly before Christmas read: "…""
                frames.append(_Frame(author.start(1), author.end(1), match.start(), match.end(), match.group()))
                continue
            head = habit.start() if habit else match.start()
            subject, kind = self._subject_before(s, head), ""
            if subject is None:
                subject, kind = self._shared_subject(s, head)
            if subject is not None:
                frames.append(_Frame(*subject, match.start(), match.end(), match.group(), kind))
        for match in [*_SAYING_RE.finditer(self.masked, s, e), *_SAYING_THAT_RE.finditer(self.masked, s, e)]:
            # "Thwaite singled out Breen, saying the youngster had "…"": the sentence's subject says it
            if any(f.verb_start <= match.start(1) < f.verb_end for f in frames):
                continue
            subject = self._sentence_subject(s, match.start())
            if subject is not None:
                frames.append(_Frame(*subject, match.start(1), match.end(1), "said", "shared"))
        for match in _QUOTED_AS_RE.finditer(self.masked, s, e):
            # "Dalpress quoted spokeswoman Lena Brandt as saying …": Brandt says it, not the agency
            toks = _tokens(self.masked, match.start(1), match.end(1))
            if toks and _valid_np(toks, loose=True):
                frames.append(_Frame(toks[0].start, toks[-1].end, match.start(2), match.end(2), "said"))
        return sorted(frames, key=lambda f: f.verb_start)

    def _shared_subject(self, s: int, verb_start: int) -> tuple[tuple[int, int] | None, str]:
        """Subjects not right before the verb: a relative pronoun's antecedent ("Celeste Ayre, who
        said"), or the subject shared by coordinated predicates ("Haskins did not speak but posted")."""
        text = self.masked[s:verb_start]
        adverbs = _PRE_ADVERBS_RE.search(" " + text)
        if adverbs:
            text = text[:max(0, adverbs.start() - 1)]
        relative = re.search(_COMMA + r"\s*(who|which)\s*$", text)
        if relative:
            return self._antecedent(s, s + relative.start(), relative.group(1) == "who"), "relative"
        joined = re.search(r"(?:,\s*)?\b(?:and|but)\s*$|\s[-\u2013\u2014]\s*$", text)
        if joined:
            return self._sentence_subject(s, s + joined.start()), "shared"
        return None, ""

    def _antecedent(self, lo: int, comma: int, person: bool) -> tuple[int, int] | None:
        """The noun phrase ending at a comma before "who"/"which", with a name's apposition."""
        start = lo
        for match in re.finditer(r"[;:\"()\x00]|\s[\u2013\u2014]\s", self.masked[lo:comma]):
            start = lo + match.end()
        toks = _tokens(self.masked, start, comma)
        i = _np_start(toks, person)
        if i is None:
            return None
        begin = toks[i].start
        if i > 0 and not toks[i].glued:  # the phrase is an apposition: take what it describes
            head = toks[:i]
            j = _np_start(head, person)
            if j is not None and not any(not t.glued for t in head[j + 1:]):
                if _is_name_tok(toks[i].text) and head[j].text.lower() in _DEFINITE | {"a", "an"}:
                    begin = head[j].start  # "her daughter, Celeste Ayre, who"
                elif _is_name_tok(head[-1].text) and not _is_name_tok(toks[i].text):
                    begin = head[j].start  # "Dr Kwame Addo-Benning, the member for Harrowmere, who"
        return begin, comma

    def _sentence_subject(self, lo: int, limit: int) -> tuple[int, int] | None:
        """The subject of the predicates coordinated before limit: the noun phrase opening the
        sentence ("The report rated … but warned") or the clause ("…, when it postponed … and said");
        a pronoun there names the sentence's subject ("Granmark warned …, when it … said")."""
        intro = re.match(r"[^,\x00\"]{1,60}?" + _COMMA + r"\s*", self.masked[lo:limit])  # "On Monday, …"
        starts = [lo] + ([lo + intro.end()] if intro else [])
        inner = list(re.finditer(_COMMA + r"\s*(?:when|as|after|while|because|since|although|though|where|"
                                 r"before|until|once)\s+", self.masked[lo:limit]))
        if inner:
            found = self._opening_np(lo + inner[-1].end(), limit)
            if found is None or self.masked[found[0]:found[1]].lower() not in _PRONOUNS:
                return found
            return next(filter(None, (self._opening_np(st, inner[-1].start() + lo) for st in starts)), found)
        return next(filter(None, (self._opening_np(st, limit) for st in starts)), None)

    def _opening_np(self, start: int, limit: int) -> tuple[int, int] | None:
        """The noun phrase from start up to the first verb before limit."""
        toks = _tokens(self.masked, start, limit)
        for k, tok in enumerate(toks[1:], 1):
            key = tok.text.lower()
            if not tok.glued:
                # "Oskar Lindqvist, our drummer, leaned over … and said": a name and its apposition
                apposed = _APPOSITION_THEN_VERB_RE.match(self.masked, toks[k - 1].end, limit)
                if apposed and all(_is_name_tok(t.text) for t in toks[:k]) and _verbish(apposed.group(1).lower()):
                    return toks[0].start, toks[k - 1].end
                # "The Heritage League's election agent, Colin Strand, has written …": the name the role gives
                named = _APPOSED_NAME_THEN_VERB_RE.match(self.masked, toks[k - 1].end, limit)
                if named and (_verbish(named.group(2)) or named.group(2) in _BLOCKERS) \
                        and _valid_np(toks[:k], loose=True):
                    return named.start(1), named.end(1)
                return None
            if tok.text[:1].isupper():
                continue
            # ("read" after a sentence's opening name is its verb: "Pilar read the draft and told me …";
            # elsewhere it is as often a participle, "a statement read to the court by …")
            if _verbish(key) or key in _BLOCKERS or key == "read":
                while k > 1 and (_key(toks[k - 1].text) in _PRE_ADVERBS or toks[k - 1].text.endswith("ly")):
                    k -= 1  # "Granmark first warned"
                if _valid_np(toks[:k], loose=True):
                    return toks[0].start, toks[k - 1].end
                return _name_after_opening(toks[:k])
        return None

    def _subject_before(self, lo: int, verb_start: int) -> tuple[int, int] | None:
        """The speaker phrase that ends right before a verb, read back to a clause boundary."""
        text = self.masked[lo:verb_start]
        adverbs = _PRE_ADVERBS_RE.search(" " + text)
        if adverbs:
            text = text[:max(0, adverbs.start() - 1)]
        end = lo + len(text.rstrip())
        if end <= lo or re.search(r"\s[-\u2013\u2014]$", text.rstrip()):
            return None  # "… last night - then told his rival": the subject is shared
        if self.masked[end - 1] == ",":
            return self._appositive_subject(lo, end - 1)
        toks = _tokens(self.masked, self._clause_start(lo, end), end)
        if not toks or toks[-1].end != end:
            return None
        i = _longest_np_suffix(toks, re.match(r"\w*", self.masked[verb_start:verb_start + 12]).group() in _HUMAN_VERBS | _POST_VERBS)
        who = next((k for k in range(len(toks) - 2, 0, -1) if _key(toks[k].text) == "who"), None)
        if who is not None and (i is None or i > who) and toks[who + 1].text[:1].islower():
            # "the parents who gathered at the gates on Tuesday told …": the speaker is who the clause
            # describes, not the clause nor its last noun ("the gates")
            j = _longest_np_suffix(toks[:who])
            if j is not None:
                i = j
        return None if i is None else (toks[i].start, end)

    def _clause_start(self, lo: int, end: int) -> int:
        """Start of the clause ending at end: after punctuation, a quote or a conjunction."""
        text = self.masked[lo:end]
        start = 0
        for match in re.finditer(_COMMA + r"|[;:\"()\x00]|\s[\u2013\u2014-]\s", text):
            start = match.end()
        for match in _CONJUNCTION_RE.finditer(text, start):
            # "and"/"or" join clauses only after a long stretch ("Smith and Jones said")
            if match.group(1) in ("and", "or") and len(text[start:match.start()].split()) < 4:
                continue
            if match.group(1) in ("and", "or") and re.search(rf"\b(?:{_MONTHS}|{_DAYS}|\d+)\s+$",
                                                           text[start:match.start()]):
                continue  # "between March and June", "in 2016 and 2021": a range, not a new clause
            if match.group(1) == "and" and _joins_organisation(text[start:match.start()], text[match.end():]):
                continue  # "the Department for Farming and Rural Affairs", "Wessex Fire and Rescue"
            if text[match.end():].strip():
                start = match.end()
        return lo + start

    def _appositive_subject(self, lo: int, comma: int) -> tuple[int, int] | None:
        """Subjects such as "Salim al-Muslat, a spokesman for the group," or "Smith, 45,"."""
        start = lo
        for match in re.finditer(r"[;:\"\x00]|\s[\u2013\u2014]\s", self.masked[lo:comma]):
            start = lo + match.end()
        segments, pos = [], start
        for match in re.finditer(_COMMA, self.masked[start:comma] + ","):
            segments.append((pos, start + match.start()))
            pos = start + match.end()
        segments = [(a, b) for a, b in segments if self.masked[a:b].strip()]
        if len(segments) < 2:
            return None
        k = len(segments) - 1
        while k > 0 and self._is_apposition(*segments[k]) and not (k == 1 and self._is_intro(*segments[0])):
            k -= 1
        head = _tokens(self.masked, *segments[k])
        i = _longest_np_suffix(head)
        if i is None:
            return None
        begin = head[i].start
        if k > 0 and i == 0 and _is_name_tok(head[0].text):
            role = _tokens(self.masked, *segments[k - 1])
            j = _longest_np_suffix(role)
            if j is not None and _key(role[j].text) in _DETERMINERS | set(_POSSESSIVE_PRONOUNS) \
                    and _person_in(role[j:], self.ctx) is None:
                begin = role[j].start  # "the company's chief executive, Mary Barra, said"
        return begin, comma

    def _is_intro(self, a: int, b: int) -> bool:
        """Whether a sentence's first comma segment is an adverbial ("Outside Parliament", "On Monday")."""
        words = self.masked[a:b].split()
        first = words[0].lower() if words else ""
        return first in _PREPOSITIONS or first in _INTRO_WORDS or first.endswith(("ing", "ly")) \
            or bool(re.fullmatch(_DAYS, words[0] if words else ""))

    def _is_apposition(self, a: int, b: int) -> bool:
        """Whether a comma segment describes the name before it (age, role, relative clause)."""
        text = self.masked[a:b].strip()
        if re.fullmatch(r"\d{1,3}|[RDI]-[A-Z][\w.]*", text)  \
                or re.match(r"(?:who|whose|which|where|himself|herself|themselves)\b", text):
            return True  # age; "R-Ky."; a relative clause
        if not (re.match(r"(?:a|an|the|its|his|her|their)\s+[a-z]", text) or text[:1].islower()
                or _NAMED_OWNER_ROLE_RE.match(text)):
            return False
        # "The next day, the comedian Femi Oduya, who …, posted": a role ending in a name is the subject
        toks = _tokens(self.masked, a, b)
        person = _person_in(toks, self.ctx) if toks and _is_name_tok(toks[-1].text) else None
        if person is None or person.end != toks[-1].end:
            return True
        role = [t for t in toks if t.end <= person.start]
        return any(_key(t.text) in _PREPOSITIONS or t.text in ("and", "or", "&") or _is_name_tok(t.text)
                   for t in role)  # "the MP for Pellham and Kingsford Ash" describes

    def _skip_after_verb(self, frame: _Frame, limit: int) -> int:
        """Position after the listener of "told" and any adverbials following the verb."""
        pos = frame.verb_end
        if frame.verb in ("told", "tells"):
            listener = _TOLD_OBJECT_RE.match(self.masked, pos, limit)
            if listener:
                pos = listener.end()
        while True:
            match = _ADVERBIAL_RE.match(self.masked, pos, limit)
            if not match or match.end() == pos:
                return pos
            pos = match.end()

    # -- attribution of quotations -------------------------------------------------------------

    def _attribute(self, para: int, piece: _Piece, prev: _Piece | None, nxt: int,
                   s: int, e: int, frames: list[_Frame]) -> _Attr | None:
        """The first attribution that fits: after, before, sibling, sentence tail, paragraph."""
        tail_lo = piece.close_mark + 1 if piece.close_mark is not None else piece.end
        head_lo = prev.close_mark + 1 if prev is not None and prev.close_mark is not None else s
        if piece.close_mark is None and nxt == e:
            tail_lo = e  # the quotation runs on to the paragraph's end
        inherited = None
        if prev is not None and prev.attr is not None and not self._frame_between(prev, piece, frames):
            inherited = prev.attr
        return (self._after(tail_lo, max(tail_lo, nxt), frames, self._run_in(piece))
                or self._before(head_lo, piece.open_mark, frames)
                or inherited
                or self._tail_partial(tail_lo, e, frames)
                or self._paragraph_continuation(para, piece))

    def _run_in(self, piece: _Piece) -> bool:
        """Whether the quotation is words run into a sentence, unpunctuated at both ends: "her
        constituents had "stopped believing a single word" the company said" (the words it said)."""
        if piece.close_mark is None:
            return False
        before = self.body[max(0, piece.open_mark - 2):piece.open_mark]
        after = self.body[piece.close_mark + 1:piece.close_mark + 3]
        last = self.body[piece.start:piece.close_mark].rstrip()[-1:]
        return bool(re.fullmatch(r"\w ", before) and re.match(r" \w", after)) and last.isalnum()

    def _after(self, lo: int, hi: int, frames: list[_Frame], run_in: bool = False) -> _Attr | None:
        """ "…," X said / "…," said X / "…" – X / "…", according to X; not "… had "…" X said" (run_in)."""
        tail = self.masked[lo:hi]
        dash = re.match(r"[\s,.]*(?:[\u2013\u2014\u2015]|--?)\s*(?=\S)", tail)
        if dash:
            return self._np_attr(lo + dash.end(), self._np_end(lo + dash.end(), hi), "dash")
        aside = _AS_SAID_RE.match(tail)
        if aside:
            attr = self._np_attr(lo + aside.start(1), lo + aside.end(1), "after")
            if attr is not None:
                return attr
        according = re.match(r"[\s,]*according\s+to\s+", tail)
        if according:
            start = lo + according.end()
            return self._np_attr(start, self._np_end(start, hi), "according_to")
        inverted = _INVERTED_RE.match(tail)
        if inverted:
            start = lo + inverted.end()
            attr = self._np_attr(start, self._np_end(start, hi), "after")
            if attr is not None:
                return attr
        lead = lo + len(tail) - len(tail.lstrip(" \t\n,."))
        for frame in frames:
            if lo <= frame.verb_start < hi:
                if frame.subj_start == lead and frame.verb in _SPEECH_VERBS | {"pointed out"} and not run_in:
                    return self._frame_attr(frame, "after")
                return None
        return None

    def _np_end(self, start: int, hi: int) -> int:
        """Where a speaker phrase after a quote ends: the sentence's end or a post-modifier."""
        text = re.split(r"[;!?\"\x00]", self.masked[start:hi], maxsplit=1)[0]
        text = _POSTMOD_RE.sub("", text).rstrip(" ,\n")
        if text.endswith(".") and not _keeps_period(text.split()[-1]):
            text = text[:-1]
        return start + len(text.rstrip(" ,"))

    def _before(self, lo: int, open_mark: int, frames: list[_Frame]) -> _Attr | None:
        """X said: "…" / X said, "…" / according to X, "…" / partial: X said Russia aimed to "…"."""
        head = self.masked[lo:open_mark]
        aside = _AS_SAID_END_RE.search(head)
        if aside:
            attr = self._np_attr(lo + aside.start(1), lo + aside.end(1), "before")
            if attr is not None:
                return attr
        according = re.search(r"\baccording\s+to\s+([^,\"\x00]+?)\s*,?\s*$", head, re.I)
        if according:
            return self._np_attr(lo + according.start(1), lo + according.end(1), "according_to")
        candidates = [f for f in frames if (lo <= f.subj_start or (f.kind and lo <= f.verb_start))
                      and f.verb_end <= open_mark]
        lead = _ACCORDING_LEAD_RE.match(head)
        if not candidates:
            # "According to X, who chairs the panel, the deal was "tough but fair""
            if lead and _MASK not in head[lead.end():]:
                return self._np_attr(lo + lead.start(1), lo + lead.end(1), "according_to")
            return self._colon_verb(lo, head)
        participle = _PARTICIPLE_COLON_RE.search(head)
        if participle and _MASK not in head[:participle.start()]:
            # "… warned Brannigan not to get carried away, adding: "…"": the sentence's subject
            frames_before = [f for f in candidates if f.verb_end <= lo + participle.start()]
            if frames_before:
                return self._frame_attr(frames_before[-1], "before")
        frame = candidates[-1]
        between = self.masked[self._skip_after_verb(frame, open_mark):open_mark]
        if not between.strip() and (outer := self._reporting(frame, candidates)) is not None:
            # "the agency said the delay had added "less than four per cent" to the budget": a verb
            # taking the quotation as its object, with no comma or colon, inside someone's words
            return self._frame_attr(outer, "partial")
        if re.fullmatch(r"\s*[:,]?\s*", between) and frame.verb in _SPEECH_VERBS:
            return self._frame_attr(frame, "before")
        if re.fullmatch(r"[^\x00.;!?\"]{0,60}:\s*", between) and frame.verb in _SPEECH_VERBS:
            return self._frame_attr(frame, "before")  # X posted on Instagram after the game: "…"
        if _MASK in between:
            return None
        if re.fullmatch(r"\s*,\s*(?:but|and)\s+", between) and frame.verb in _REPORT_VERBS | _FINDING_VERBS \
                and re.search(r",\s*$", self.masked[lo:frame.subj_start]):
            # "Conduct was calm, the report found, but "low-level disruption goes unchallenged"": the
            # source set in the sentence goes on
            return self._frame_attr(frame, "partial")
        if frame.verb in _POST_VERBS and _CAPTION_RE.search(between):
            return self._frame_attr(frame, "before")  # posted a photo captioned "…"
        if frame.verb in _PARTIAL_VERBS:
            return self._frame_attr(self._outer_frame(frame, candidates), "partial")
        outer = self._reporting(frame, candidates)
        if outer is not None:
            # "She said her team had found "no evidence whatsoever"": the finding is in her words
            return self._frame_attr(outer, "partial")
        return None

    def _colon_verb(self, lo: int, head: str) -> _Attr | None:
        """Any past-tense verb with a person's subject can introduce a quotation after a colon:
        "Okoro fumed: "…"", "Brannigan grinned: "…""; "Okafor: "…"" opens a line of a reaction box."""
        verb = re.search(r"\s([a-z]{3,}ed)\s*:\s*$", head)
        if verb:
            subject = self._subject_before(lo, lo + verb.start(1))
            if subject is not None:
                attr = self._np_attr(*subject, "before")
                if attr is not None and (attr.is_person or attr.canonical):
                    return attr
            return None
        line = re.fullmatch(_LINE_PREFIX + r"([A-Z][^:\x00\"]{0,50}?)\s*(?:\*\*)?\s*:\s*(?:\*\*)?\s*", head)
        if line and lo in self.para_starts and len(line.group(1).split()) <= 5:
            toks = _tokens(self.masked, lo + line.start(1), lo + line.end(1))
            if toks and all(_is_name_tok(t.text) or _key(t.text) in _TITLES for t in toks) \
                    and _key(toks[0].text) not in _NOT_LABELS:
                return self._np_attr(lo + line.start(1), lo + line.end(1), "before")
        return None

    def _outer_frame(self, frame: _Frame, candidates: list[_Frame]) -> _Frame:
        """The reporting frame when a commitment verb sits in its clause.

        "A statement said both sides had agreed to "work in good faith"": the words are the
        statement's; "agreed to", "promised to" report a commitment, not the subject's words.
        """
        if not re.match(r"\s+to\s+\"?[a-z\x00]", self.masked[frame.verb_end:frame.verb_end + 20]):
            return frame
        return self._reporting(frame, candidates) or frame

    def _reporting(self, frame: _Frame, candidates: list[_Frame]) -> _Frame | None:
        """The reporting frame whose clause holds this frame ("She said [her team had found …]"), if any."""
        for outer in reversed(candidates):
            if outer.verb_end <= frame.subj_start and outer.verb in _REPORT_VERBS:
                gap = self.masked[outer.verb_end:frame.subj_start]
                if not re.search(r"[;:\x00]|\b(?:but|while|whereas)\b", gap):
                    return outer
                break
        return None

    def _frame_between(self, prev: _Piece, piece: _Piece, frames: list[_Frame]) -> bool:
        """Whether a speech verb sits between two quotations of a sentence."""
        end = prev.close_mark if prev.close_mark is not None else prev.end
        return any(end < f.verb_start < piece.open_mark for f in frames)

    def _tail_partial(self, lo: int, e: int, frames: list[_Frame]) -> _Attr | None:
        """ "…" of Y, X said. — a frame closing the sentence after the quotation."""
        for frame in frames:
            if frame.verb_start < lo or frame.verb not in _PARTIAL_VERBS:
                continue
            end = self._skip_after_verb(frame, e)
            if re.fullmatch(r"[\s.!?,\"')]*", self.masked[end:e]) and \
                    re.search(r",\s*$", self.masked[lo:frame.subj_start]):
                return self._frame_attr(frame, "partial")
        return None

    def _paragraph_continuation(self, para: int, piece: _Piece) -> _Attr | None:
        """A quoted sentence after an attributed statement in the same paragraph."""
        if not piece.sentence_initial:
            return None
        for item in reversed(self.items):
            if item.para != para:
                break
            if item.attr is not None:
                return _continued(item.attr)
        return None

    # -- speaker phrases -----------------------------------------------------------------------

    def _frame_attr(self, frame: _Frame, method: str) -> _Attr | None:
        """The attribution of a frame's subject; a relative clause's speaker is not the sentence's topic."""
        return self._np_attr(frame.subj_start, frame.subj_end, method,
                             "object" if frame.kind == "relative" else "speaker")

    def _np_attr(self, start: int, end: int, method: str, kind: str = "speaker") -> _Attr | None:
        """Resolve the speaker phrase masked[start:end] and record it as the latest speaker."""
        toks = _tokens(self.masked, start, end)
        if not toks:
            return None
        speaker = self.body[toks[0].start:toks[-1].end]
        key = _key(toks[0].text)
        if len(toks) == 1 and _FIRST_PERSON_SUBJECT_RE.fullmatch(toks[0].text):
            return None  # "I've told every new volunteer that …": the writer or interviewee, never a name
        if len(toks) == 1 and key in _PRONOUNS:
            entity = self.ctx.resolve(key, start)
            if entity is not None:
                self.ctx.note(start, kind, entity)
            if method in ("after", "before"):
                method = "pronoun"
            is_person = entity.is_person if entity is not None else key != "it"
            return _Attr(speaker, entity.name if entity else None, is_person, method, entity)
        entity = self._entity_for(toks, start, subject=kind == "speaker")
        if entity is None:
            return None
        self.ctx.note(start, kind, entity)
        return _Attr(speaker, entity.name, entity.is_person, method, entity)

    def _entity_for(self, toks: list[_Tok], start: int, subject: bool = False) -> _Entity | None:
        """The person or thing a speaker phrase names (subject: of a speech verb); appositions may
        hold the name."""
        core = _POSTMOD_RE.sub("", self.masked[start:toks[-1].end]).rstrip(" ,")
        toks = [t for t in toks if t.end <= start + len(core)] or toks[:1]
        segments = _segments(toks)
        people = [_person_in(seg, self.ctx) for seg in segments]
        if not _valid_np(segments[0], loose=True) and not any(people):
            return None
        for k, person in enumerate(people):
            if person is not None:
                roles = person.roles + tuple(r for seg in segments[:k] + segments[k + 1:]
                                             if (r := _role_head(seg)))
                return self.ctx.person(self.body[person.start:person.end], person.gender, roles)
        named = self._named_by_apposition(segments)
        return named if named is not None else self._thing(segments[0], subject)

    def _named_by_apposition(self, segments: list[list[_Tok]]) -> _Entity | None:
        """A bare name beside a person role ("his wife, Carmen", "Smith, a spokesman") is a person."""
        if len(segments) < 2:
            return None
        roles = [seg for seg in segments if _noun_key(_key(seg[-1].text)) in _PERSON_NOUNS
                 or any(_noun_key(_key(t.text)) in _PERSON_NOUNS for t in seg[:3])]
        for seg in segments:
            if seg not in roles and len(seg) <= 2 and all(_is_name_tok(t.text) for t in seg) \
                    and roles:
                role_words = [t.text for r in roles for t in r]
                heads = tuple(h for r in roles if (h := _role_head(r)))
                return self.ctx.person(self.body[seg[0].start:seg[-1].end], _gender_of(role_words), heads)
        return None

    def _thing(self, toks: list[_Tok], subject: bool = False) -> _Entity:
        """A speaker without a person's name: an organisation, a document or an unnamed official
        (subject: the phrase is a speech verb's subject)."""
        keys = [_key(t.text) for t in toks]
        text = self.body[toks[0].start:toks[-1].end]
        named = _runs(toks)
        if named and named[-1][1] == len(toks) and named[-1][0] > 0 and toks[named[-1][0] - 1].text.islower() \
                and _noun_key(keys[named[-1][0] - 1]) in _THING_NOUNS | _BUSINESS_ANAPHORS \
                and any(k in _ORG_WORDS for k in keys[named[-1][0]:]):
            # "Rail operator Coastline Trains", "the ferry company Brevik Ferries": the name
            return _Entity(self.body[toks[named[-1][0]].start:toks[-1].end], False)
        cut = next((k for k, key in enumerate(keys) if key in _PREPOSITIONS and k), len(keys))
        head = _noun_key(keys[cut - 1])
        owner = None
        if keys[0] in _POSSESSIVE_PRONOUNS and len(toks) > 1:
            owner = self.ctx.resolve(keys[0], toks[0].start, possessive=True)
        elif _is_possessive(toks[0].text) and _is_cap(toks[0].text) and len(toks) > 1:
            owner = self.ctx.known_person(_strip_possessive(toks[0].text))
        if owner is not None:
            text = f"{owner.name}'s " + self.body[toks[1].start:toks[-1].end]  # "his office"
            if len(toks) == 2 and head in _SPOUSES and (spouse := self._coupled_with(owner, toks[0].start)):
                return spouse  # "The newlyweds, Chloe Barraclough and Tomasz Lindqvist, … Her husband said"
        if len(toks) == 1 and _is_cap(toks[0].text):
            known = self.ctx.known_person(_strip_possessive(toks[0].text))
            if known is not None:
                return known
        if keys == ["the", "statement"] and self.issuer is not None and self.cur_para - self.issuer[0] <= 1:
            return self.issuer[1]  # "… the statement said": its issuer, named when it was introduced
        if keys[0] in ("the", "his", "her", "their") and 1 < len(toks) <= 4 and cut == len(keys) \
                and not keys[-1].endswith("s"):
            # "the judge" after "Judge Martin Hale"; "her daughter" after "her daughter, Celeste Ayre";
            # "the spokeswoman" after "A spokeswoman for Skerrylink"
            holder = self.ctx.holder(head, toks[0].start) or (
                self.ctx.described(head, toks[0].start) if keys[0] == "the" and head in _PERSON_NOUNS else None)
            if holder is not None:
                return holder
        # "the 54-year-old weaver", "the 63-year-old fisherman from Kellock": an age makes a person
        aged = keys[0] == "the" and cut <= 4 and any(_AGE_RE.fullmatch(k) for k in keys[1:cut])
        is_person = (head in _PERSON_NOUNS and head not in _THING_NOUNS) or head == "person" or aged
        plural = keys[cut - 1] in _PLURAL_PERSON or (keys[cut - 1] != head and keys[cut - 1].endswith("s"))
        if keys[0] == "the" and (aged or 1 < len(toks) <= 4 and cut == len(keys)) and not plural:
            if aged or head in _EPITHET_NOUNS:
                # "the veteran", "the Dutch star", "the 29-year-old"
                age = next((k for k in keys[1:cut] if _AGE_RE.fullmatch(k)), None)
                found = self._epithet(toks[0].start, _gender_of(keys), subject, age)
            else:
                found = self._org_anaphor(head, toks[0].start)  # "the company", "the miner"
                if found is None and subject and is_person and head not in _OTHER_PARTY_ROLES:
                    found = self._role_of_last_speaker(head, toks[0].start, _gender_of(keys))
            if found is not None:
                return found
        if len(toks) == 2 and keys[0] in ("a", "an") and head in _SPOKES:
            org = self._organisation_speaking(toks[0].start)
            if org is not None:  # "Westmarch Ambulance Service said … The patient …, a spokesperson said."
                name = "the" + org.name[3:] if org.name.startswith("The ") else org.name
                return _Entity(f"{text} for {name}", True, _gender_of(keys))
        return _Entity(text, is_person, _gender_of(keys), plural)

    def _coupled_with(self, owner: _Entity, pos: int) -> _Entity | None:
        """The one person named with the owner as a pair ("Chloe Barraclough and Tomasz Lindqvist")
        before pos: whom "her husband" or "his wife" means when the story gives no other name."""
        name, other = re.escape(owner.name), r"([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)+)"
        pairs = {m.group(1) for rx in (rf"{name}\s+(?:and|&)\s+{other}", rf"{other}\s+(?:and|&)\s+{name}")
                 for m in re.finditer(rx, self.body[:pos])
                 if _COUPLE_RE.search(self.body, max(0, m.start() - 80), m.end() + 80)}  # (not two colleagues)
        people = {e.name: e for p in pairs if (e := self.ctx.known_person(p)) is not None and e is not owner}
        return next(iter(people.values())) if len(people) == 1 else None

    def _organisation_speaking(self, pos: int) -> _Entity | None:
        """The named organisation that spoke or acted last, in this paragraph or the one before, if
        nobody has since: whom an unnamed "a spokesperson" speaks for."""
        since = self.paras[max(0, self.cur_para - 1)][0]
        latest = max(((at, e) for at, kind, e in self.ctx.records
                      if since <= at < pos and kind in ("speaker", "subject")), key=lambda r: r[0], default=None)
        if latest is None:
            return None
        entity = latest[1]
        if entity.is_person or entity.plural or not entity.name[:1].isupper():
            return None
        return entity

    def _epithet(self, pos: int, gender: str | None, subject: bool = False, age: str | None = None
                 ) -> _Entity | None:
        """The person an epithet stands for: one its age was given for before ("the 63-year-old"
        again); else as a subject (of its clause, or of a speech verb: ""…," the veteran said"),
        the story's current topic; elsewhere ("mocked the Spanish star, who had called her …"),
        the latest other person."""
        mentions = [(at, kind, e) for at, kind, e in sorted(self.ctx.records, key=lambda r: r[0])
                    if at < pos and e.is_person and not e.plural and e.name[:1].isupper()
                    and not (gender and e.gender and e.gender != gender) and not (age and e.age and e.age != age)]
        people = [(kind, e) for _, kind, e in mentions]
        found = next((e for _, e in reversed(people) if age and e.age == age), None)
        if found is None:
            # Mentions inside reported speech ("admitted the family had been nervous when she first
            # announced it") are the speaker's words, not who the story is about now.
            inside = [(it.start, it.end) for it in self.items if it.piece is None]
            people = [(kind, e) for at, kind, e in mentions if not any(a <= at < b for a, b in inside)] or people
            topic = next((e for kind, e in reversed(people) if kind in ("speaker", "subject")), None)
            if subject or _subject_position(self.masked[self.cur_s:pos]):
                found = topic
            else:
                found = next((e for _, e in reversed(people) if e is not topic), None)
        if found is not None and age and found.age is None:
            found.age = age
        return found

    def _role_of_last_speaker(self, head: str, pos: int, gender: str | None) -> _Entity | None:
        """""…," the deputy mayor told supporters" after "Kirby conceded. He said he had called Brask …":
        a role no one was introduced with, as a speech verb's subject, is the one who spoke last (in
        this paragraph or the one before), if no other role of theirs is known."""
        since = self.paras[max(0, self.cur_para - 1)][0]
        at, last = max(((at, e) for at, kind, e in self.ctx.records if at < pos and kind == "speaker"),
                       key=lambda r: r[0], default=(-1, None))
        if last is None or at < since or not last.is_person or last.plural or last.roles - {head} \
                or (gender and last.gender and last.gender != gender):
            return None
        return last

    def _org_anaphor(self, head: str, pos: int) -> _Entity | None:
        """The one organisation named in the last paragraphs that "the <head>" can refer to."""
        if head not in _ORG_ANAPHORS:
            return None
        since = self.paras[max(0, self.cur_para - 2)][0]
        found: list[_Entity] = []
        described: list[_Entity] = []
        for at, _, entity in self.ctx.records:
            if not since <= at < pos or entity.is_person or entity.plural or entity in found or entity in described:
                continue
            if any(e.name.rstrip(".") == entity.name.rstrip(".") for e in found):
                continue  # "trailer maker Polarline Trailer Co." met as a typed name and as a subject
            if entity.roles and head not in entity.roles and not (
                    head in _COMMERCE and entity.roles & _COMMERCE):
                # "the charity Patients Together" is what "the charity" means, not "the company"; a
                # business typed one way ("carrier Fenwick Air") is still "the airline"
                continue
            words = entity.name.split()
            keys = {_noun_key(_key(w)) for w in words}
            if not any(w[:1].isupper() and (k or w.lower() not in _DETERMINERS) for k, w in enumerate(words)):
                # "the ministry" names no one; "the district education office" says more than "the office"
                if len([w for w in words if w.lower() not in _DETERMINERS]) > 1 and _noun_key(_key(words[-1])) == head:
                    described.append(entity)
                continue
            if head in keys or head in entity.roles or (
                    head in _BUSINESS_ANAPHORS and not keys & _PUBLIC_ORG_WORDS) or (
                    head in _PUBLIC_ANAPHORS and (keys & _PUBLIC_ORG_WORDS or any(map(_acronym, words)))):
                found.append(entity)
        named = [e for e in found if head in {_noun_key(_key(w)) for w in e.name.split()} or head in e.roles]
        if len(named) == 1:
            return named[0]
        if not found and len(described) == 1:
            return described[0]
        if len(found) > 1 and head in _BUSINESS_ANAPHORS and self.prev_sentence is not None:
            # "Skerrow Ferries has cancelled all crossings. In a statement, the company said …": the
            # one named in the sentence before, when only one was.
            recent = {id(e): e for at, _, e in self.ctx.records if self.prev_sentence[1] <= at < pos and e in found}
            if len(recent) == 1:
                return next(iter(recent.values()))
        return found[0] if len(found) == 1 and head in _BUSINESS_ANAPHORS | _PUBLIC_ANAPHORS else None

    # -- reported speech -----------------------------------------------------------------------

    def _reported_after_quote(self, para: int, lo: int, e: int, frames: list[_Frame]) -> None:
        """Reported speech in a clause of its own after a sentence's last quotation: "X called it
        "…", and the publisher said that it had raised the print run"."""
        for frame in frames:
            if frame.subj_start >= lo and re.search(r"(?:^|[,;])\s*(?:and|but|while|whereas)\s+$",
                                                    self.masked[lo:frame.subj_start]):
                self._reported(para, frame.subj_start, e, [f for f in frames if f.subj_start >= frame.subj_start])
                return

    def _reported(self, para: int, s: int, e: int, frames: list[_Frame]) -> None:
        """Reported speech in a sentence without quote marks."""
        sentence = self.masked[s:e].rstrip()
        if sentence.endswith("?"):
            return
        end = s + len(sentence.rstrip(".!; "))
        if sentence.endswith(":"):
            self._colon(para, s + len(sentence) - 1, frames)
            return
        base = s
        intro = re.match(r"\s*([^,;:\"\x00]{1,40}),\s*(?=according\s+to\s)", self.masked[s:e], re.I)
        if intro and len(intro.group(1).split()) <= 4 and not any(
                _verbish(w.lower()) for w in intro.group(1).split()):
            base = s + intro.end()  # "A year on, according to the charity …, fewer than a third …"
        lead = _ACCORDING_LEAD_RE.match(self.masked[base:e])
        if lead:
            start, who_end = base + lead.end(), base + lead.end(1)
            if lead.group(2) and not self._clause_ok(start, end, None):
                # "According to the institute, the density fell …": the comma opens the clause, not an apposition
                start = base + lead.end(1) + re.match(r"\s*,\s*", self.masked[base + lead.end(1):e]).end()
            named = _APPOSED_NAME_RE.match(self.masked, start, end)
            if named and not lead.group(2) and _noun_key(_key(lead.group(1).split()[-1])) in _SPEAKER_NOUNS:
                # "According to the airport's chief operating officer, Tomasz Wielgus, 31 flights …"
                start, who_end = base + lead.end() + named.end() - named.start(), start + len(named.group(1))
            if self._clause_ok(start, end, None):
                attr = self._np_attr(base + lead.start(1), who_end, "reported")
                self._emit(para, start, end, attr)
                return
        found, covered = False, s
        frames = [f for f in frames if f.verb in _REPORT_VERBS or f.verb in _FINDING_VERBS
                  or f.verb in _QUESTION_VERBS or f.verb in _PLEDGE_VERBS]
        for k, frame in enumerate(frames):
            if frame.subj_start < covered:
                continue  # a speech verb inside an earlier clause ("said he had agreed")
            stop = end
            for later in frames[k + 1:]:
                # a clause ends where a coordinated speaker starts ("X insisted … but Y said …")
                cut = re.search(r"\s*(?:[,;]\s*(?:(?:but|and|while|whereas)\s+)?|(?:but|while|whereas)\s+)$",
                                self.masked[frame.verb_end:later.subj_start])
                if cut:
                    stop = frame.verb_end + cut.start()
                    break
            clause = self._skip_after_verb(frame, stop)
            if frame.verb in _QUESTION_VERBS:
                # "asked (the minister) whether …": the question is the reported clause
                ask = re.match(r"(?:\s+[\w.'-]+){0,4}?\s+(?=(?:whether|if)\s)", self.masked[clause:stop])
                if ask is None or _MASK in ask.group():
                    continue
                clause += ask.end()
                if self._clause_ok(clause, stop, None, True):
                    self._emit(para, clause, stop, self._frame_attr(frame, "reported"))
                    found, covered = True, stop
                continue
            aside = _ASIDE_RE.match(self.masked, clause, stop)
            if aside:
                clause = aside.end()  # "She cautioned, however, that …"
            elif self.masked.startswith(",", clause):
                # "Their grandchildren, she said, would now grow up …": the frame is a parenthesis
                # inside the clause, which starts before it
                head = re.fullmatch(r"\s*([^;:\"\x00]+?)\s*,\s*", self.masked[max(s, covered):frame.subj_start])
                if head is not None and self._clause_ok(max(s, covered) + head.start(1), stop, None):
                    self._emit(para, max(s, covered) + head.start(1), stop, self._frame_attr(frame, "reported"))
                    found, covered = True, stop
                continue
            that = re.match(r"\s*,?\s*that\s+", self.masked[clause:stop])
            if (frame.verb in _FINDING_VERBS or frame.verb in _PLEDGE_VERBS) and that is None:
                continue  # "police found the car …" reports nothing
            clause = clause + that.end() if that else clause
            clause += len(self.masked[clause:stop]) - len(self.masked[clause:stop].lstrip())
            if self._clause_ok(clause, stop, frame.verb, bool(that)):
                self._emit(para, clause, stop, self._frame_attr(frame, "reported"))
                found, covered = True, stop
        if not found:
            self._reported_tail(para, s, end, frames)

    def _reported_tail(self, para: int, s: int, end: int, frames: list[_Frame]) -> None:
        """ "<clause>, officials said." and "<clause>, according to the ministry." """
        according = re.search(r",\s*according\s+to\s+([^,]+?)(?:\s*" + _COMMA + r"\s*(?:(?:a|an|the|its|his|her|"
                              r"their|who|which|whose)\s[^;]*|(?P<name>[A-Z][^,;]*?)))?\s*[.!?]?\s*$", self.masked[s:end])
        if according:
            # "She releases it on Friday, and the tour sold out, according to her label": the last clause
            joined = list(re.finditer(r",\s+(?:and|but)\s+", self.masked[s:s + according.start()]))
            start = s + joined[-1].end() if joined and self._clause_ok(
                s + joined[-1].end(), s + according.start(), None) else s
            if self._clause_ok(start, s + according.start(), None, finite=False):
                # "…, according to her label, Greyhaven Records.": the name, not "her label"
                who = "name" if according.group("name") else 1
                attr = self._np_attr(s + according.start(who), s + according.end(who), "reported")
                self._emit(para, start, s + according.start(), attr)
            return
        inside = re.search(r",\s*according\s+to\s+([^,\"\x00]+?)\s*,\s*(?:and|but)\s+", self.masked[s:end])
        if inside and self._clause_ok(s, s + inside.start(), None, finite=False):
            # "Eggs were laid in late April, according to the trust, and both birds …": the clause before it
            attr = self._np_attr(s + inside.start(1), s + inside.end(1), "reported")
            self._emit(para, s, s + inside.start(), attr)
            return
        for frame in reversed(frames):
            comma = re.search(r",\s*$", self.masked[s:frame.subj_start])
            if (frame.verb not in _REPORT_VERBS and frame.verb not in _FINDING_VERBS) or not comma:
                continue
            if self.masked[self._skip_after_verb(frame, end):end].strip():
                continue
            if self._clause_ok(s, s + comma.start(), None, finite=False):
                self._emit(para, s, s + comma.start(), self._frame_attr(frame, "reported"))
            return

    def _colon(self, para: int, colon: int, frames: list[_Frame]) -> None:
        """Remember "X said:" closing a paragraph, for the quotation opening the next one."""
        for frame in reversed(frames):
            if re.fullmatch(r"\s*:", self.masked[self._skip_after_verb(frame, colon):colon + 1]):
                attr = self._frame_attr(frame, "before")
                if attr is not None:
                    self.colon[para] = attr
                return

    def _clause_ok(self, start: int, end: int, verb: str | None, has_that: bool = False,
                   finite: bool = True) -> bool:
        """A reported clause: three words or more, a plausible start and a finite verb."""
        words = self.masked[start:end].split()
        if len(words) < 3 or _MASK in self.masked[start:end]:
            return False
        lowered = [w.lower().strip(",.") for w in words]
        # after "that" any clause may follow ("said that for every tree felled, ..."); without it,
        # "said no" / "said to" are answers and infinitives, but "said no schools would close" is not
        # ("said no one had told her" reports; "said no one" alone answers)
        determiner_no = lowered[0] == "no" and not words[0].endswith(",") and lowered[1] != "to" and (
            lowered[1] != "one" or len(lowered) > 2 and (lowered[2] in _FINITE or lowered[2].endswith("ed")))
        # "said about 600 detainees would be freed": an approximate number, not "talked about"
        # ... and "said at least £340,000 had gone", "said more than 200 staff were told"
        approximate = (lowered[0] in ("about", "around", "almost", "nearly", "over")
                       and bool(re.match(r"[£$€]?\d", lowered[1]))
                       or len(lowered) > 2 and (lowered[0], lowered[1]) in _APPROXIMATE_PAIRS
                       and bool(re.match(r"[£$€]?\d", lowered[2])))
        if not has_that and ((lowered[0] in _CLAUSE_BAD_START and not determiner_no and not approximate)
                             or (verb is not None and lowered[0] in _PREPOSITIONS and not approximate)):
            return False
        if has_that or not finite:
            return True
        for k, word in enumerate(lowered[1:], 1):
            if word in _FINITE or re.search(r"'(?:s|re|ll|d|ve)$", word) and word[:-2] in _PRONOUNS:
                return True
            if len(word) > 4 and word.endswith("ed") and lowered[k - 1] not in _DETERMINERS:
                return True
        return False

    def _emit(self, para: int, start: int, end: int, attr: _Attr | None) -> None:
        """Keep a reported clause that has a speaker (a live blog entry's time is not part of it)."""
        if (lead := _TIMESTAMP_LEAD.match(self.masked[start:end])) is not None:
            start += lead.end()
        if attr is not None and end > start:
            self.items.append(_Item(start, end, para, attr))

    # -- passes over paragraphs ----------------------------------------------------------------

    def _propagate_groups(self) -> None:
        """All parts of a multi-paragraph quotation share the first attribution found."""
        groups: dict[int, list[_Piece]] = {}
        for piece in self.pieces:
            groups.setdefault(piece.group, []).append(piece)
        for parts in groups.values():
            found = [p.attr for p in parts if p.attr is not None]
            if len(parts) < 2 or not found:
                continue
            source = next((a for a in found if a.method not in ("continuation", "lead")), found[0])
            for part in parts:
                if part.attr is None:
                    part.attr = _continued(source)
        for item in self.items:
            if item.piece is not None:
                item.attr = item.piece.attr

    def _continue_paragraphs(self) -> None:
        """A paragraph opening with an unattributed quotation continues the previous speaker."""
        by_para: dict[int, list[_Item]] = {}
        for item in self.items:
            by_para.setdefault(item.para, []).append(item)
        for para in sorted(by_para):
            items = by_para[para]
            lead = items[0]
            if lead.attr is not None or lead.piece is None or lead.piece.open_mark != self.paras[para][0]:
                continue
            source, method = self.colon.get(para - 1), "before"
            if source is None:
                earlier = [i.attr for i in by_para.get(para - 1, ()) if i.attr is not None]
                source, method = (earlier[-1] if earlier else None), "continuation"
            if source is None:
                continue
            attr = _Attr(source.speaker, source.canonical, source.is_person, method, source.entity)
            for item in items:  # later quoted sentences of the paragraph follow the lead
                if item.attr is not None:
                    break
                if item is lead or (item.piece is not None and item.piece.sentence_initial):
                    item.attr = attr if item is lead else _continued(attr)
                    item.piece.attr = item.attr

    def _interview(self) -> None:
        """A Q&A interview: short question paragraphs (mostly to "you") each followed by answer
        paragraphs in the first person; the answers are the words of the person the introduction
        is about. After the last question the answer runs while paragraphs stay in the first person."""
        texts = [re.sub(r"[*_#]+", "", self.body[lo:hi]).strip() for lo, hi in self.paras]
        questions = [k for k, text in enumerate(texts) if self._is_question(k, text)]
        if len(questions) < 3:
            return
        answers: list[int] = []
        for n, q in enumerate(questions):
            stop = questions[n + 1] if n + 1 < len(questions) else len(texts)
            for k in range(q + 1, stop):
                if n + 1 == len(questions) and k > q + 1 and not _FIRST_PERSON_RE.search(texts[k]):
                    break  # the outro after the last answer
                answers.append(k)
        answered = sum(1 for q in questions if q + 1 in answers)
        you = sum(1 for q in questions if _SECOND_PERSON_RE.search(texts[q]))
        # Questions labelled "Q:" need not be put to "you" ("Why did it take so long?"): the label says
        # what they are
        labelled = sum(1 for q in questions if _QUESTION_LABEL_RE.match(texts[q]))
        first = sum(1 for k in answers if _FIRST_PERSON_RE.search(texts[k]))
        if answered < 0.8 * len(questions) or 2 * you < len(questions) and labelled < 0.8 * len(questions) \
                or 2 * first < len(answers):
            return
        intro_end = self.paras[questions[0]][0]
        # Someone a question names ("Ansel says you write like … Is that fair?") is talked about, not to;
        # one it addresses ("Mara, why a boathouse?", "… then, Mara?") is the interviewee.
        addressed = {w for k in questions for pair in re.findall(
            r"^\W*([A-Z][\w'\u2019-]+),|,\s*([A-Z][\w'\u2019-]+)\W*$", texts[k]) for w in pair if w}
        asked_about = {w for k in questions for w in re.findall(r"[A-Z][\w'\u2019-]+", texts[k])} - addressed
        counts: dict[int, tuple[int, int, _Entity]] = {}
        for at, kind, entity in self.ctx.records:
            if at < intro_end and kind in ("speaker", "subject") and entity.is_person and not entity.plural \
                    and not asked_about & set(entity.name.split()):
                n, first_at, _ = counts.get(id(entity), (0, at, entity))
                counts[id(entity)] = (n + 1, first_at, entity)
        met = [e for w in sorted(addressed) if (e := self.ctx.known_person(w)) is not None]
        spoken_to = self._interviewed(intro_end)
        if met:
            person = met[0]  # the one the questions call by name
        elif spoken_to is not None:
            person = spoken_to  # "We spoke to Treharne on Wednesday", though his deputy is named more
        elif counts:
            _, _, person = max(counts.values(), key=lambda c: (c[0], -c[1]))
        else:
            return
        attr = _Attr(person.name, person.name, True, "interview", person)
        # Quotations longer than scare quotes: someone else's words ("our drummer said, "…"").
        quoted = [(it.start, it.end) for it in self.items
                  if len(self.body[it.start:it.end].split()) > _SHORT_UNATTRIBUTED]
        for k in answers:
            # "Our engineer, Martin Crewe, … said: 'If you'd run one more season …'": single quote marks
            # in an unquoted answer are someone else's words, unseen as quotes where the story also
            # uses double ones
            for m in _NAMED_SAYS_SINGLE_RE.finditer(self.body, *self.paras[k]):
                if (who := self._someone_else(m, person)) is not None:
                    self.items.append(_Item(m.start(2), m.end(2), k, _Attr(who.name, who.name, True, "before", who)))
                    quoted.append((m.start(), m.end()))
        for k in answers:
            lo, hi = self.paras[k]
            lo += len(re.match(r"\W*(?:A|Answer)\s*[:.]\s*|", self.body[lo:hi]).group()) \
                if re.match(r"\W*(?:A|Answer)\s*[:.]", self.body[lo:hi]) else 0
            for s, e in _sentences(self.masked, lo, hi):
                text = self.body[s:e].rstrip()
                if len(text.split()) < 3 or self.masked[s] == '"' or any(s <= a < e or a <= s < b for a, b in quoted):
                    continue  # "Twice."; a quotation in the sentence ("our drummer said, "…"") has its own speaker
                other = _THIRD_PARTY_SAYS_RE.match(self.masked, s, e)
                if other and (who := self._someone_else(other, person)) is not None:
                    # "Councillor Derek Thorne wrote to the Echo that a theatre was a luxury": his words
                    self.items.append(_Item(other.end(), s + len(text), k,
                                            _Attr(who.name, who.name, True, "reported", who)))
                    continue
                self.items.append(_Item(s, s + len(text), k, attr))

    def _someone_else(self, m: re.Match[str], interviewee: _Entity) -> _Entity | None:
        """The person group 1 of an interview answer's match names, unless it is no person (a date:
        "Tuesday Derek") or the interviewee."""
        name = m.group(1)
        if name_matches(name, interviewee.name) or any(_CALENDAR_RE.fullmatch(w) for w in name.split()) \
                or _person_in(_tokens(self.masked, m.start(1), m.end(1)), self.ctx) is None:
            return None
        return self.ctx.person(name)

    def _interviewed(self, intro_end: int) -> _Entity | None:
        """The person met already whom the introduction says the interviewer spoke to, met or interviewed
        (or who "spoke to us")."""
        person = None
        for m in _INTERVIEWED_RE.finditer(self.masked, 0, intro_end):
            name = re.match(r"(?:[A-Z][\w'\u2019-]+\s+)*[A-Z][\w'\u2019-]+", self.masked[m.end():intro_end])
            if name and (found := self.ctx.known_person(name.group())) is not None and found.is_person:
                # "We spoke to Brennock" in a profile of Isla Brennock that also names her father
                # Colm: the namesake the story opened with is its subject
                person = next((e for _, _, e in self.ctx.records if e.is_person and not e.plural
                               and name_matches(name.group(), e.name)), found)
        if person is None:
            for m in _SPOKE_TO_US_RE.finditer(self.masked, 0, intro_end):
                begin = max(self.masked.rfind(". ", 0, m.start()), self.masked.rfind("\n", 0, m.start()))
                person = next((e for at, kind, e in reversed(self.ctx.records) if begin < at < m.start()
                               and kind == "subject" and e.is_person and not e.plural), person)
        return person

    def _transcript(self) -> None:
        """Lines of a transcript, "SMITH: We will appeal." without quote marks: two lines or more
        labelled with the same name, or three with names, mostly in the first or second person,
        are the labelled speakers' words."""
        lines = []
        for k, (lo, hi) in enumerate(self.paras):
            match = _LABEL_RE.match(self.body, lo, hi)
            if match is None or k in self.by_para:
                continue
            toks = _tokens(self.masked, match.start(1), match.end(1))
            if toks and all(_is_name_tok(t.text) or _is_title(_key(t.text)) for t in toks) \
                    and _key(toks[0].text) not in _NOT_LABELS and not any(_key(t.text) in _ORG_WORDS for t in toks):
                lines.append((k, match))
        labels = [_name_tokens(m.group(1)) for _, m in lines]
        spoken = sum(1 for _, m in lines if _FIRST_PERSON_RE.search(m.group(2)) or _SECOND_PERSON_RE.search(m.group(2)))
        if (len(lines) < 3 and not any(labels.count(label) > 1 for label in labels)) or 2 * spoken < len(lines):
            return  # speech is said to someone: "I", "we", "you"; team notes ("Foxes: Pruitt has scored …") are not
        for k, match in lines:
            words = match.group(1).split()
            while len(words) > 1 and _is_title(_key(words[0])):
                words.pop(0)  # "JUDGE HALE"
            entity = self.ctx.person(" ".join(words), _gender_of(match.group(1).split()))
            text = self.body[match.start(2):self.paras[k][1]].rstrip()
            attr = _Attr(match.group(1), entity.name, True, "before", entity)
            self.items.append(_Item(match.start(2), match.start(2) + len(text), k, attr))

    def _is_question(self, k: int, text: str) -> bool:
        """A paragraph that is an interviewer's question: "Q: …", or a short one ending in "?"."""
        if _QUESTION_LABEL_RE.match(text):
            return True
        lo, hi = self.paras[k]
        return text.endswith("?") and len(text.split()) <= 60 and text[:1] not in _DOUBLE_MARKS + _OPENERS \
            and len(_sentences(self.masked, lo, hi)) <= 3

    def _quotes(self) -> list[Quote]:
        """The public Quote records in text order, short unattributed ones dropped."""
        quotes = []
        for item in sorted(self.items, key=lambda it: it.start):
            text = self.body[item.start:item.end]
            attr = item.attr
            if attr is None:
                if len(text.split()) > _SHORT_UNATTRIBUTED:  # scare quotes are not statements
                    quotes.append(Quote(text, item.start, item.end, None, None, "unattributed"))
                continue
            quotes.append(Quote(text, item.start, item.end, attr.speaker, attr.canonical,
                                attr.method, attr.is_person))
        return quotes


def _continued(attr: _Attr) -> _Attr:
    """The same speaker, attributed by continuation."""
    return _Attr(attr.speaker, attr.canonical, attr.is_person, "continuation", attr.entity)


_INVERTED_RE = re.compile(r"[\s,]*(?:" + "|".join(sorted(_INVERTED_VERBS, key=len, reverse=True))
                          + r")\s+(?=\S)")
