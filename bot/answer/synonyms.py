"""Words news copy and its readers use for one another ("irritating" for "annoying"), for recalling
a quotation in other words. Groups are of words that mean the same in most news sentences; a word
with several common senses ("strike", "run") is left out rather than grouped with one of them."""

from __future__ import annotations

from functools import lru_cache

from bot.answer.match import same_word

# One group a line. Inflected forms are matched by same_word ("cured" for "cure", "curable" for
# "cur-" words of four letters or more), so each word is listed once, in its plainest form.
_GROUPS = """
annoying irritating frustrating infuriating maddening
angry furious livid outraged
happy delighted pleased thrilled glad
sad upset saddened heartbroken devastated
worried concerned anxious fearful
afraid scared frightened terrified
surprised shocked stunned astonished amazed
proud honoured
sorry apologise regret
completely entirely totally fully wholly utterly absolutely
really truly genuinely
very extremely hugely highly
big large huge enormous massive
small little tiny
fast quick rapid swift speedy
slow sluggish
hard difficult tough
easy simple straightforward
important crucial vital essential key
dangerous unsafe hazardous perilous
danger risk threat peril
safe secure
legal statutory lawful
illegal unlawful
normal typical usual ordinary average
special particular
whole entire
local nearby neighbouring
personal private own
public people community residents
usually normally typically generally
often frequently regularly
wrong mistaken incorrect
right correct
enough sufficient adequate
busy hectic
quiet calm peaceful
money cash funds funding
savings pension pensions nest-egg
cost price
expensive costly pricey
cheap inexpensive affordable
wage wages pay salary salaries earnings
job jobs post posts role roles position
workers staff employees workforce members
boss chief head manager director
company firm business
shop store
town village community
city urban
council authority
police officers
doctor doctors medics
hospital infirmary
car cars vehicle vehicles
bridge crossing
road street
building premises
house home
children kids youngsters
parents families
people folk
student students pupils
university universities institution institutions college
school schools
farmer farmers grower growers
farming agriculture
beer ale ales
pub inn
food meals
duty responsibility obligation
rule rules regulation regulations
law legislation
plan plans proposal proposals scheme
talks negotiations bargaining discussions
deal agreement
decision ruling verdict
report study research findings
problem problems issue issues difficulty
mistake error blunder
failure flop
success triumph
fight battle struggle
help assist support aid
stop halt end
start begin launch
finish complete conclude
decide determine
choose pick select
keep retain
stay remain
leave quit depart
arrive reach
build construct
repair fix mend
cure heal remedy
improve better
increase rise raise grow boost
decrease reduce cut lower
lose forfeit
need require
want wish
try attempt
use employ utilise
sell offer
buy purchase acquire
give donate
show reveal
tell inform
say claim
ask request
warn caution
blame fault
criticise condemn
praise commend hail
support endorse
oppose resist reject
allow permit
ban bar prohibit forbid
believe think feel
know realise understand
hope expect
mean intend plan
deserve merit
destroy wreck ruin
damage harm hurt
injure wound
save rescue
protect shield guard
prevent avoid
shut close closure
drive journey trip
travel commute
walk hike
speed pace
neighbour neighbours residents locals
centre middle heart
area region district
place spot location
somewhere place
quick brief
long lengthy
nearly almost
""".strip()


def _groups() -> dict[str, tuple[str, ...]]:
    """Each listed word and the other words of its groups (a word may be in two: "plan")."""
    by_word: dict[str, list[str]] = {}
    for line in _GROUPS.splitlines():
        words = line.split()
        for word in words:
            others = by_word.setdefault(word, [])
            others += [w for w in words if w != word and w not in others]
    return {word: tuple(others) for word, others in by_word.items()}


_BY_WORD = _groups()
_BY_HEAD: dict[str, list[str]] = {}
for _word in _BY_WORD:
    _BY_HEAD.setdefault(_word[:3], []).append(_word)


@lru_cache(maxsize=4096)
def synonyms(term: str) -> tuple[str, ...]:
    """The words that may stand for the term in a paraphrase (none for most words)."""
    out: list[str] = []
    for word in _BY_HEAD.get(term[:3], ()):
        # (an adverb is not its adjective's synonym: "completely" is not "complete", i.e. "finish")
        if same_word(term, word) and term.endswith("ly") == word.endswith("ly"):
            out += [w for w in _BY_WORD[word] if w not in out and not same_word(term, w)]
    return tuple(out)
