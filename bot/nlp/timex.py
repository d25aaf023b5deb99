"""Time expressions in news text and their calendar dates.

Approach: a hand-written rule set, not a general date parser. Each expression form
("March 15, 2016", "15 March", "in October 2015", "mid-2015", "the 1990s", "tomorrow",
"on Tuesday", "last week", "two days later", "between 2011 and 2014", "for five years", ...)
is one regular expression whose match is checked against its context (a bare year needs a
preposition such as "in"/"since"/"by"; month names must be capitalised and a month without a
day or year needs a preposition, so "protesters march", "it may rain", "Sunday Times",
"1,500 troops" never fire), and dates are computed with datetime/dateutil arithmetic against
the published date or, for "two days later", the last date fixed earlier in the text.
dateparser.search_dates was rejected: over whole articles it is slow and fires on verbs,
modals and newspaper names, and it cannot say which preposition or range a date belongs to;
explicit rules are fast (about 10 ms for a 2,000-word article), deterministic and tested
form by form.
Conventions: ``text`` excludes plain prepositions ("in", "on") but keeps range and duration
ones ("from March 15", "since 2011", "for five years"); ``value`` follows TIMEX3 ("2015-10",
"2016-W10", "199" for the 1990s, "XXXX-09-15" when the year is unknown, "P5Y"), open range
ends are "..", and ``iso`` is set only where a calendar day is fixed: a closed range ("between April 20 and
May 12") fixes none; an open one its written end ("from March 15", "until March 15").
A year left out is the one putting the date nearest the published date, moved back a year when
that lands over four months after publication in a past-tense clause (forward for future tense).
A bare weekday is the one on or before publication in a past-tense clause, on or after it in a
future-tense clause ("will", "is due to", "scheduled", "expected"), else the one within three days
of it; "over/at the weekend" likewise picks the weekend just past or the coming one.

Choosing the expression that dates an event (rank_time_expressions) follows news conventions:
a dateline ("VALMORA, March 8 —") dates the report, never an event; a date right after a verb of
saying ("the ministry said on Tuesday") dates the saying, so it only answers questions about a
saying; the question's tense rules out dates on the wrong side of publication ("when will" is not
answered by last year, nor by a past-tense clause on the publication day); "since 2009" after a
superlative ("its highest since 2009") and lengths of time are not event dates; "a day after X
did Y" dates something other than Y; words of the event attach to a date by nearness within their
own clause (commas, dashes, a second coordinated verb and a subordinate clause with its own subject
separate clauses; the comma after a sentence-opening "On Monday," does not; ", which"/", when" tie
only the words just before them), weighted by how much
they single out one sentence of the article (actors and places recur, event words do not) and
boosted for selectors ("first", "most recently"); a sentence whose only event words are names
(who, where) does not date what happened, unless it is a verbless listing of names and a time
("Comets: At the Kings on Monday.") or, for "when did X say ...", X's dated saying (its content is
often paraphrased). When the passage naming the event has no date, the next sentences of the same
or next paragraph may, if their subject takes the event up ("The reduction will apply from June 1")
or is a pronoun for the people named and the sentence restates what happened ("Her death was
announced ...; her mother had died on Sunday").
Paraphrase is met with stems and prefixes, not synonyms ("died"/"die", "floated"/"float"); names
confirm a date only as far as the words naming what happened attach to it; a sentence opening with
a pronoun ("They have rehearsed every Tuesday since March 2018") carries the words of the sentence
before it; a question's modifier alone ("world" of "world title") does not name the event, nor does
a clause whose own subject is another thing ("The shop will reopen on 14 March" for the reading
room); "reopen"/"resume" is answered by the end of a closure ("closed until at least Sunday");
"since 2009" never answers "when will"; after "when was the previous ...", a comparison baseline
("the longest since 2019") is the answer. A present perfect takes no past date ("has summoned them
to talks on Thursday" looks ahead), and "every Tuesday" is a recurrence, not a date.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import sys
import threading
import unicodedata
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate, chain, compress
from operator import itemgetter
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
from dateutil.relativedelta import relativedelta

import bot.nlp.tokens as _tokens_module
from bot.nlp.tokens import _ASCII_WORDS, normalize_quotes

log = logging.getLogger(__name__)


@dataclass(frozen=True, init=False)
class TimeExpression:
    """A time expression as written, where it stands, and the date it fixes (if any)."""

    text: str             # as written: "September 15", "tomorrow", "in October 2015", "last week"
    start: int            # offset in the text given (inclusive)
    end: int              # offset (exclusive); text_given[start:end] == text
    iso: str | None       # "YYYY-MM-DD" where the text fixes a day; None otherwise
    kind: str             # "absolute", "relative", "range", "duration", ...
    granularity: str = "day"  # "day", "week", "month", "year", "range", "duration"
    value: str | None = None  # normalised at its granularity: "2016-03-15", "2015-10", "2015", "2011/2014", "P5Y"

    def __init__(self, text: str, start: int, end: int, iso: str | None, kind: str, granularity: str = "day",
                 value: str | None = None) -> None:
        # A frozen dataclass's own __init__ sets each field through object.__setattr__ (~1.5 µs an
        # expression; a question resolves every one of an article's): the dict takes them at once.
        self.__dict__.update(text=text, start=start, end=end, iso=iso, kind=kind, granularity=granularity,
                             value=value)


# ---------------------------------------------------------------- vocabulary

_MONTH_NUM = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAY_NUM = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_SMALL_NUM = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_UNIT_CODE = {"second": "TS", "minute": "TM", "hour": "TH", "day": "D", "week": "W",
              "fortnight": "2W", "month": "M", "year": "Y", "decade": "DE", "century": "CE",
              "centurie": "CE"}
_SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "autumn": ("FA", 9), "fall": ("FA", 9),
            "winter": ("WI", 12)}
_SEASON_FIRST = dict(_SEASONS.values())  # each season code's first month
# The months of each season code but winter, which straddles two years ("FA": September to November).
_SEASON_MONTHS = {code: frozenset(range(first, first + 3)) for code, first in _SEASON_FIRST.items() if code != "WI"}
_HOLIDAYS = {"christmas day": (12, 25), "christmas eve": (12, 24), "christmas": (12, 25),
             "new year's day": (1, 1), "new year's eve": (12, 31), "boxing day": (12, 26),
             "valentine's day": (2, 14), "halloween": (10, 31)}

# Words after which a bare year or month name is a date, not a quantity or a verb.
_DATE_PREPS = frozenset(
    "in since by until till from during through throughout before after of to and or between "
    "around circa early late mid end start beginning year fiscal spring summer autumn fall "
    "winter as 'til the".split())
# Before a weekday these mark it as a date even when a capitalised word follows ("On Tuesday Russia").
_WEEKDAY_PREPS = frozenset("on by since until till from before after last next this early late "
                           "until and or".split())

_MONTH_FULL = ("January|February|March|April|May|June|July|August|September|October|"
               "November|December")
_MONTH = (rf"(?:{_MONTH_FULL}|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|"
          r"Oct\.?|Nov\.?|Dec\.?)(?![A-Za-z])")
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\w%])(?!,\d|:\d|\.\d)"
_YEAR = r"(?:1[89]\d\d|20\d\d)(?!\w|,\d|\.\d)"
_TOD = r"(?i:morning|afternoon|evening|night)"
_NUMWORD = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|"
            r"four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|"
            r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
            r"a\s+hundred|hundred|a\s+dozen|dozen)")
_NUM = (rf"(?i:\d+(?:\.\d+)?|{_NUMWORD}(?:\s+and\s+a\s+half)?|a\s+few|a\s+couple\s+of|"
        r"couple\s+of|several|few|an?)")
_UNIT = r"(?i:seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|years?|decades?|century|centuries)"
_QUANT = (r"(?i:more\s+than|less\s+than|fewer\s+than|nearly|almost|about|around|roughly|some|"
          r"at\s+least|up\s+to|over|under|just\s+over|just\s+under|barely|only)")
_MOD_WORDS = (r"(?i:early|late|the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of|"
              r"the\s+middle\s+of|the\s+first\s+half\s+of|the\s+second\s+half\s+of)")
_B = r"(?<![\w])"  # start of a word


@dataclass
class _Atom:
    """One matched expression before resolution: where, which form, and the parsed parts."""

    start: int
    end: int
    tag: str
    p: dict


# Between the two days of a range in one month: "15-17 July", "from 14 to 16 October", "3 and 9 May".
_DAY_TO = r"(?:\s*[-–]\s*|\s+(?i:to|and|until|till|through)\s+)"
_FORMS: list[tuple[str, re.Pattern[str]]] = [
    ("mdy", re.compile(rf"{_B}(?:(?P<wd>{_WD}),?\s+)?(?P<mon>{_MONTH})\s+(?P<day>{_DAY})"
                       rf"(?:,?\s+(?P<year>{_YEAR}))?")),
    ("dmy", re.compile(rf"{_B}(?:(?P<wd>{_WD}),?\s+)?(?:[Tt]he\s+)?(?P<day>{_DAY})(?:\s+of)?\s+"
                       rf"(?P<mon>{_MONTH})(?:,?\s+(?P<year>{_YEAR}))?")),
    ("md_range", re.compile(rf"{_B}(?P<mon>{_MONTH})\s+(?P<d1>{_DAY}){_DAY_TO}(?P<d2>{_DAY})"
                            rf"(?:,?\s+(?P<year>{_YEAR}))?")),
    ("dm_range", re.compile(rf"{_B}(?P<d1>{_DAY}){_DAY_TO}(?P<d2>{_DAY})\s+(?P<mon>{_MONTH})"
                            rf"(?:,?\s+(?P<year>{_YEAR}))?")),
    ("my", re.compile(rf"{_B}(?:(?P<mod>{_MOD_WORDS})\s+|(?P<mod2>(?i:mid|end|start))-)?"
                      rf"(?P<mon>{_MONTH}),?\s+(?:of\s+)?(?P<year>{_YEAR})")),
    ("month", re.compile(rf"{_B}(?:(?P<rel>(?i:last|next|this))\s+|(?P<mod>{_MOD_WORDS})\s+|"
                         rf"(?P<mod2>(?i:mid|end|start))-)?(?P<mon>{_MONTH_FULL})(?![\w'-])")),
    ("year", re.compile(rf"(?<![\w$£€.,/-])(?:(?P<mod>{_MOD_WORDS})\s+|(?P<mod2>(?i:mid|end|start))-)?"
                        rf"(?P<year>{_YEAR})(?![-–/]\d)")),
    ("year_range", re.compile(rf"(?<![\w$£€.,/-])(?P<y1>{_YEAR})\s*[-–—/]\s*(?P<y2>\d{{4}}|\d\d)"
                              r"(?![\w%])(?!,\d|\.\d)")),
    ("quarter", re.compile(
        rf"{_B}(?:(?:[Tt]he\s+)?(?P<ord>(?i:first|second|third|fourth|final|last))\s+quarter\s+of\s+"
        rf"(?:(?:the\s+)?(?:(?P<year>{_YEAR})|(?P<rel>(?i:this|last|next))\s+year|(?P<the_year>(?i:the\s+year)))|"
        rf"(?P<year2>{_YEAR}))|(?P<q>Q[1-4])\s+(?P<year3>{_YEAR}))(?![\w])")),
    ("era", re.compile(r"(?<![\w.,])(?:(?P<y>\d{1,3}(?:,\d{3})+|\d{1,5})\s*(?P<era>BCE|BC|B\.C\.(?:E\.)?)"
                       r"|(?P<ad>AD|A\.D\.)\s+(?P<y2>\d{1,4}))(?![\w])")),
    ("decade", re.compile(rf"{_B}(?:(?P<the>[Tt]he)\s+)?(?:(?P<mod>(?i:early|mid|late))[-\s]+)?"
                          r"(?P<dec>(?:1[89]|20)\d0s|'\d0s|\d0s)(?![\w])")),
    ("iso", re.compile(rf"(?<![\w-])(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-"
                       r"(?P<d>0[1-9]|[12]\d|3[01])(?![\w-])")),
    ("slash", re.compile(r"(?<![\w/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>(?:1[89]|20)\d\d)(?![\w/])")),
    ("holiday", re.compile(r"(?<![\w])(?P<h>Christmas Day|Christmas Eve|Christmas|New Year's Day|"
                           r"New Year's Eve|Boxing Day|Valentine's Day|Halloween)(?![\w])"
                           rf"(?:,?\s+(?P<year>{_YEAR}))?")),
    ("season", re.compile(rf"{_B}(?:(?P<rel>(?i:last|next|this))\s+|(?:[Tt]he\s+)?)?"
                          r"(?P<sea>(?i:spring|summer|autumn|fall|winter))(?![\w])"
                          rf"(?:,?\s+(?:of\s+)?(?P<year>{_YEAR}))?")),
    ("deictic", re.compile(r"(?<![\w])(?P<w>(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+"
                           r"tomorrow|today|tonight|yesterday|tomorrow|last\s+night|this\s+"
                           rf"(?:morning|afternoon|evening)))(?:\s+(?P<tod>{_TOD}))?(?![\w])")),
    ("weekday", re.compile(rf"{_B}(?:(?P<rel>(?i:last|next|this|past|coming))\s+)?(?P<wd>{_WD})"
                           rf"(?:\s+(?P<tod>{_TOD}))?(?![\w])")),
    ("period", re.compile(r"(?<![\w])(?P<w>(?i:(?:(?:earlier|later)\s+(?:this|last|next)|last|this|"
                          r"next|(?:earlier|later)\s+in\s+the|the\s+coming|the\s+(?:end|start|beginning|middle)\s+of\s+"
                          r"(?:the|this|last|next))\s+(?:week|weekend|month|"
                          r"year)))(?![\w])")),
    ("weekend", re.compile(r"(?<![\w])(?i:the\s+weekend)(?![\w])")),
    ("ago", re.compile(rf"{_B}(?:(?P<q>{_QUANT})\s+)?(?P<n>{_NUM})\s+(?P<u>{_UNIT})\s+(?i:ago)(?![\w])")),
    ("anchored", re.compile(
        rf"{_B}(?:(?:(?P<q>{_QUANT})\s+)?(?P<n>{_NUM})\s+(?P<u>{_UNIT})\s+"
        r"(?P<dir>(?i:later|earlier|after|before|afterwards|afterward|previously|prior))"
        r"|(?i:the\s+(?P<dir2>next|following|previous|preceding|same|prior|subsequent)\s+"
        r"(?P<u2>day|morning|afternoon|evening|night|week|weekend|month|year))"
        r"|(?i:the\s+(?P<u3>day|night|week|month|year)\s+(?P<dir3>before|after))"
        r"|(?i:that\s+(?P<u4>day|morning|afternoon|evening|night|week|month|year)))(?![\w])")),
    ("duration", re.compile(
        rf"{_B}(?:(?P<for>(?i:for))\s+)?(?:(?P<the>(?i:the))\s+)?"
        r"(?:(?P<rel>(?i:past|last|next|coming|previous|first|following))\s+)?"
        rf"(?:(?P<q>{_QUANT})\s+)?(?:(?P<n>{_NUM})\s+)?(?P<u>{_UNIT})(?![\w-])(?!\s+(?i:old|ago)\b)")),
    ("adj_duration", re.compile(
        rf"(?<![\w-])(?=[\w.]*-)(?:(?P<n>(?i:\d+(?:\.\d+)?|{_NUMWORD}))-)?(?P<u>{_UNIT})(?P<long>-long)?"
        r"(?![\w-])")),
]


# ---------------------------------------------------------------- small helpers

def _prev_word(text: str, pos: int) -> str:
    """The word just before pos (lower case, without trailing hyphen), or ""."""
    m = re.search(r"([A-Za-z']+)-?\s*$", text[max(0, pos - 40):pos])
    return m.group(1).lower() if m else ""


def _next_word(text: str, pos: int) -> str:
    """The word just after pos as written (case kept), or ""."""
    m = re.match(r"\s+([A-Za-z']+)", text[pos:pos + 40])
    return m.group(1) if m else ""


def _sentence_initial(text: str, pos: int) -> bool:
    """True when nothing but opening punctuation stands between pos and a sentence break."""
    before = text[max(0, pos - 4):pos].rstrip(" \t\"'(")
    return not before or before[-1] in ".!?\n:"


def _name_before(text: str, pos: int) -> bool:
    """True when a capitalised word (not sentence-initial) directly precedes pos: "Russia Today"."""
    m = re.search(r"([A-Z][\w']*)\s+$", text[max(0, pos - 40):pos])
    if not m:
        return False
    return not _sentence_initial(text, pos - len(m.group(0)))


def _month(name: str) -> int:
    return _MONTH_NUM[name.rstrip(".").lower()]


def _day(s: str) -> int:
    return int(re.match(r"\d+", s).group())


def _num(s: str | None) -> float | None:
    """A written number ("two", "21", "a", "twenty-five", "two and a half"); None for "several"."""
    if s is None:
        return 1.0
    s = re.sub(r"\s+", " ", s.lower())
    half = 0.5 if s.endswith(" and a half") else 0.0
    s = s.removesuffix(" and a half")
    if re.fullmatch(r"\d+(\.\d+)?", s):
        return float(s) + half
    if s in ("a", "an"):
        return 1.0
    if s in ("a couple of", "couple of"):
        return 2.0
    if s in ("a dozen", "dozen"):
        return 12.0
    if s in ("a hundred", "hundred"):
        return 100.0
    if s in _SMALL_NUM:
        return _SMALL_NUM[s] + half
    tens, _, unit = s.partition("-")
    if tens in _TENS:
        return _TENS[tens] + _SMALL_NUM.get(unit, 0) + half
    return None


def _unit(s: str) -> str:
    """Singular unit name ("weeks" -> "week")."""
    s = s.lower()
    return "century" if s.startswith("centur") else s.rstrip("s")


def _duration_value(n: float | None, unit: str) -> str:
    code = _UNIT_CODE[unit]
    if n is None:
        amount = "X"
    elif code == "2W":
        amount, code = _fmt(2 * n), "W"
    else:
        amount = _fmt(n)
    return f"PT{amount}{code[1]}" if code.startswith("T") else f"P{amount}{code}"


def _fmt(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)


# ---------------------------------------------------------------- matching

def _accept(tag: str, m: re.Match[str], text: str) -> _Atom | None:
    """Check one regex match against its context and turn it into an atom (None: not a date)."""
    return _ACCEPTORS[tag](m.groupdict(), m, text, _prev_word(text, m.start()))


def _accept_day(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    year = int(g["year"]) if g["year"] else None
    mon, day = _month(g["mon"]), _day(g["day"])
    if not _valid(year or 2000, mon, day):
        return None
    if (not g["year"] and g["mon"] == "May" and m.end("mon") == m.end()
            and _next_word(text, m.end()) in _PERSON_VERBS):
        return None  # "... 3 May said" is Mrs May (but "on May 31 was" is a date)
    return _Atom(m.start(), m.end(), "date", {"y": year, "m": mon, "d": day})


def _accept_day_range(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    year = int(g["year"]) if g["year"] else None
    mon, d1, d2 = _month(g["mon"]), _day(g["d1"]), _day(g["d2"])
    if not d1 < d2 or not _valid(year or 2000, mon, d2):
        return None
    a = _Atom(m.start(), m.end(), "date", {"y": year, "m": mon, "d": d1})
    b = _Atom(m.start(), m.end(), "date", {"y": year, "m": mon, "d": d2})
    return _Atom(m.start(), m.end(), "range", {"a": a, "b": b})


def _accept_month_year(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom:
    return _Atom(m.start(), m.end(), "month", {"y": int(g["year"]), "m": _month(g["mon"])})


def _accept_year(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    if not (g["mod"] or g["mod2"] or prev in _DATE_PREPS):
        return None
    if _next_word(text, m.end()).lower().endswith("s") and _plural_noun_follows(text, m.end()):
        return None  # "in 2000 troops" is a count, not a year
    return _Atom(m.start(), m.end(), "year", {"y": int(g["year"])})


def _accept_year_range(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    y1, y2s = int(g["y1"]), g["y2"]
    y2 = int(y2s) if len(y2s) == 4 else (y1 // 100) * 100 + int(y2s)
    if not 0 < y2 - y1 <= 100:
        return None  # "1990-1985" or a phone-like pair
    return _Atom(m.start(), m.end(), "range", {"a": _Atom(m.start(), m.end(), "year", {"y": y1}),
                                               "b": _Atom(m.start(), m.end(), "year", {"y": y2})})


def _accept_iso(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    y, mo, d = int(g["y"]), int(g["m"]), int(g["d"])
    return _Atom(m.start(), m.end(), "date", {"y": y, "m": mo, "d": d}) if _valid(y, mo, d) else None


def _accept_slash(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
    mo, d = (b, a) if a > 12 else (a, b)  # US order unless the first number cannot be a month
    return _Atom(m.start(), m.end(), "date", {"y": y, "m": mo, "d": d}) if _valid(y, mo, d) else None


def _accept_holiday(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    name = g["h"].lower()
    if name == "christmas" and prev not in ("on", "at", "by", "before", "after", "over",
                                            "until", "since", "till", "for"):
        return None  # "Christmas shopping" is not a date
    mo, d = _HOLIDAYS[name]
    return _Atom(m.start(), m.end(), "date",
                 {"y": int(g["year"]) if g["year"] else None, "m": mo, "d": d})


def _accept_season(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    if not (g["rel"] or g["year"]):
        return None  # "the fall of Aleppo"
    return _Atom(m.start(), m.end(), "season", {"y": int(g["year"]) if g["year"] else None,
                                                "s": g["sea"].lower(), "rel": (g["rel"] or "").lower()})


def _accept_quarter(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    if g["q"]:
        q, year = int(g["q"][1]), int(g["year3"])
    else:
        q = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4, "last": 4}[g["ord"].lower()]
        year = int(g["year"] or g["year2"]) if (g["year"] or g["year2"]) else None
    rel = (g["rel"] or "").lower()
    return _Atom(m.start(), m.end(), "quarter", {"q": q, "y": year,
                                                 "offset": {"last": -1, "next": 1}.get(rel, 0)})


def _accept_era(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    if g["ad"]:
        return _Atom(m.start(), m.end(), "year", {"y": int(g["y2"])})
    return _Atom(m.start(), m.end(), "bc", {"y": int(g["y"].replace(",", ""))})


def _accept_ago(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom:
    return _Atom(m.start(), m.end(), "ago", {"n": _num(g["n"]), "u": _unit(g["u"])})


def _accept_adj_duration(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    if not (g["n"] or g["long"]):
        return None
    n = _num(g["n"]) if g["n"] else None
    return _Atom(m.start(), m.end(), "duration", {"value": _duration_value(n, _unit(g["u"]))})


# Verbs that follow "May" the person, not May the month ("by May said" is never a date).
_PERSON_VERBS = frozenset("said says told has had was is will would wants warned added argued".split())
_NOT_PLURAL = frozenset("was is has as its his this plus versus thus does across whereas".split())


def _plural_noun_follows(text: str, pos: int) -> bool:
    word = _next_word(text, pos)
    return bool(word) and word[0].islower() and word.lower() not in _NOT_PLURAL


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _accept_month(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    if not (g["rel"] or g["mod"] or g["mod2"] or (prev in _DATE_PREPS and prev != "the")):
        return None  # "March" opening a sentence is as likely the verb; "the March on Washington"
    if g["rel"] and prev == "the":
        return None  # "the last August storm": an ordinal of storms, not August of last year
    if g["mon"] == "May" and (_next_word(text, m.end()) in _PERSON_VERBS or _name_before(text, m.start("mon"))):
        return None
    return _Atom(m.start(), m.end(), "month",
                 {"y": None, "m": _month(g["mon"]), "rel": (g["rel"] or "").lower()})


def _accept_decade(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    digits = re.sub(r"\D", "", g["dec"])
    if len(digits) == 2:
        if not g["the"]:
            return None  # "in 90s heat" etc.: a two-digit decade needs "the"
        decade = (2000 if digits in ("00", "10") else 1900) + int(digits)
    else:
        decade = int(digits)
    return _Atom(m.start(), m.end(), "decade", {"decade": decade})


def _accept_deictic(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    w = re.sub(r"\s+", " ", g["w"].lower())
    if g["w"][0].isupper() and _name_before(text, m.start()):
        return None  # "Russia Today", "USA Today" are names
    offset = {"the day before yesterday": -2, "the day after tomorrow": 2, "yesterday": -1,
              "tomorrow": 1, "last night": -1}.get(w, 0)
    return _Atom(m.start(), m.end(), "ddelta", {"n": offset})


def _accept_weekday(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    wd_start = m.start("wd")
    if prev in ("every", "each"):
        return None  # "rehearses every Tuesday" is a recurrence, not a date
    if not g["rel"]:
        before = re.search(r"([A-Z][\w']*)\s+$", text[max(0, wd_start - 40):wd_start])
        if before and before.group(1).lower() not in _WEEKDAY_PREPS:
            return None  # "Super Tuesday", "Bloody Sunday"
        nxt = _next_word(text, m.end())
        if (not g["tod"] and nxt[:1].isupper() and prev not in _WEEKDAY_PREPS
                and text[m.end():m.end() + 1] == " "):
            return None  # "the Sunday Times"
    rel = (g["rel"] or "").lower()
    rel = {"past": "last", "coming": "next"}.get(rel, rel)
    return _Atom(m.start(), m.end(), "weekday", {"wd": _WEEKDAY_NUM[g["wd"].lower()], "rel": rel})


def _accept_period(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom:
    start, end = m.start(), m.end()
    words = g["w"].lower().split()
    unit = words[-1]
    if "in" in words:  # "later in the month": the month of the date in hand
        return _Atom(start, end, "anchored", {"n": 0, "u": unit, "period": True})
    rel = words[-2]
    offset = {"last": -1, "this": 0, "the": 0, "next": 1, "coming": 1}[rel]
    return _Atom(start, end, "period", {"offset": offset, "u": unit})


def _accept_weekend(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    if prev not in ("over", "at", "during", "on", "through", "throughout"):
        return None  # "the weekend edition", "the weekend before the vote" (anchored elsewhere)
    if re.match(r"\s+of\s+(?:the\s+)?\d", text[m.end():m.end() + 12]):
        return None  # "over the weekend of 7 and 8 December": the days after it say which
    return _Atom(m.start(), m.end(), "weekend", {})


def _accept_anchored(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    start, end = m.start(), m.end()
    if g["n"]:
        if prev == "for" and not g["q"]:
            return None  # "banned for four years after testing positive" is a length of time
        n = _num(g["n"])
        if n is None:
            return None
        sign = 1 if g["dir"].lower() in ("later", "after", "afterwards", "afterward") else -1
        return _Atom(start, end, "anchored", {"n": sign * n, "u": _unit(g["u"]), "period": False})
    if g["dir2"]:
        d = g["dir2"].lower()
        n = 0 if d == "same" else (1 if d in ("next", "following", "subsequent") else -1)
        return _Atom(start, end, "anchored", {"n": n, "u": g["u2"].lower(), "period": True})
    if g["u3"]:
        n = 1 if g["dir3"].lower() == "after" else -1
        return _Atom(start, end, "anchored", {"n": n, "u": g["u3"].lower(), "period": True})
    return _Atom(start, end, "anchored", {"n": 0, "u": g["u4"].lower(), "period": True})


def _accept_duration(g: dict, m: re.Match[str], text: str, prev: str) -> _Atom | None:
    start, end = m.start(), m.end()
    unit = _unit(g["u"])
    plural = g["u"].lower().endswith("s") or g["u"].lower() == "centuries"
    n_text = g["n"]
    if n_text is None:
        # "for years", "the past week": a unit alone needs "for" or "the past/last".
        if not ((g["for"] and plural) or (g["the"] and g["rel"])):
            return None
        n = None if plural else 1.0
    else:
        n = _num(n_text)
        if n_text.lower() in ("a", "an") and not (g["for"] or g["rel"]):
            return None  # "$5bn a year" is a rate
    if g["the"] and not (g["rel"] or n_text):
        return None
    if g["rel"] and not g["the"]:
        return None  # "last week" is a period, handled elsewhere
    if prev == "aged":
        return None
    return _Atom(start, end, "duration", {"value": _duration_value(n, unit)})


_ACCEPTORS = {
    "mdy": _accept_day, "dmy": _accept_day, "md_range": _accept_day_range,
    "dm_range": _accept_day_range, "my": _accept_month_year, "month": _accept_month,
    "year": _accept_year, "year_range": _accept_year_range, "decade": _accept_decade,
    "iso": _accept_iso, "slash": _accept_slash, "holiday": _accept_holiday,
    "season": _accept_season, "deictic": _accept_deictic, "weekday": _accept_weekday,
    "period": _accept_period, "weekend": _accept_weekend, "ago": _accept_ago, "anchored": _accept_anchored,
    "duration": _accept_duration, "adj_duration": _accept_adj_duration,
    "quarter": _accept_quarter, "era": _accept_era,
}


# Speed: each form matches only around a word it cannot do without (a month name, a digit, a
# unit, ...), so its regular expression runs only in windows around those words, found with
# str.find, rather than at every position of an article (three times faster on long texts).
_MONTH_WORDS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_UNIT_WORDS = ("second", "minute", "hour", "day", "week", "fortnight", "month", "year", "decade", "centur")
_TIME_OF_DAY = ("morning", "afternoon", "evening", "night")
_DIGITS = re.compile(r"\d+")
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "mdy": _MONTH_WORDS, "dmy": _MONTH_WORDS, "md_range": _MONTH_WORDS, "dm_range": _MONTH_WORDS,
    "my": _MONTH_WORDS, "month": _MONTH_WORDS,
    "year": ("#",), "year_range": ("#",), "era": ("#",), "decade": ("#",), "iso": ("#",), "slash": ("#",),
    "quarter": ("quarter", "q1", "q2", "q3", "q4"),
    "holiday": ("christmas", "new year", "boxing", "valentine", "halloween"),
    "season": ("spring", "summer", "autumn", "fall", "winter"),
    "deictic": ("today", "tonight", "yesterday", "tomorrow") + _TIME_OF_DAY,
    "weekday": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    "period": ("week", "month", "year"), "weekend": ("weekend",),
    "ago": _UNIT_WORDS, "duration": _UNIT_WORDS, "adj_duration": _UNIT_WORDS,
    "anchored": _UNIT_WORDS + _TIME_OF_DAY,
}
_WINDOW_BEFORE, _WINDOW_AFTER = 120, 80  # longer than any form's text before / after its trigger


def _windows(text: str, low: str, triggers: tuple[str, ...], digits: list[int],
             seen: dict[str, list[int]] | None = None) -> list[tuple[int, int]]:
    """Merged spans of text around every occurrence of the triggers ("#": a digit); ``seen`` keeps
    each word's occurrences for the next call (forms share "day", "week", "month", ...)."""
    hits: list[int] = []
    for word in triggers:
        if word == "#":
            hits.extend(digits)
            continue
        if seen is not None and word in seen:
            hits.extend(seen[word])
            continue
        first = len(hits)
        i = low.find(word)
        while i >= 0:
            hits.append(i)
            i = low.find(word, i + 1)
        if seen is not None:
            seen[word] = hits[first:]
    out: list[tuple[int, int]] = []
    for i in sorted(hits):
        lo, hi = max(0, i - _WINDOW_BEFORE), min(len(text), i + _WINDOW_AFTER)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


# Month forms need a capitalised month name, but their triggers ("mar", "dec", "may") are found in
# lower case, in "market", "decision", "mayor": windows without a capitalised name cannot match
# and are skipped whole (the other windows stay as they were, so the matches are the same).
_MONTH_FORMS = ("mdy", "dmy", "md_range", "dm_range", "my", "month")
_MONTH_CAPS = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")


def _with_month(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    caps = [m.start() for m in _MONTH_CAPS.finditer(text)]
    out = []
    for lo, hi in spans:
        k = bisect_right(caps, lo - 1)
        if k < len(caps) and caps[k] + 3 <= hi:
            out.append((lo, hi))
    return out


# Speed: a form's match can only begin with one of these words ("#": a digit; "<month>": a
# capitalised month name; lower-case words in any case, the others as written), so inside its
# windows its regular expression is tried only where one of them stands, not at every character.
# (Forms that may begin with "a", a number word or their unit still scan their windows.)
_WD_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MOD_FIRST = ("early", "late", "the", "mid", "end", "start")
_REL_FIRST = ("last", "next", "this")
_FIRST: dict[str, tuple[str, ...]] = {
    "mdy": ("<month>",) + _WD_NAMES, "dmy": ("#", "the") + _WD_NAMES,
    "md_range": ("<month>",), "dm_range": ("#",),
    "my": ("<month>",) + _MOD_FIRST, "month": ("<month>",) + _MOD_FIRST + _REL_FIRST,
    "year": ("#",) + _MOD_FIRST, "year_range": ("#",), "iso": ("#",), "slash": ("#",),
    "quarter": ("the", "first", "second", "third", "fourth", "final", "last", "Q"),
    "era": ("#", "AD", "A.D."), "decade": ("#", "'", "the", "early", "mid", "late"),
    "holiday": ("Christmas", "New Year's", "Boxing Day", "Valentine's Day", "Halloween"),
    "season": _REL_FIRST + ("the", "spring", "summer", "autumn", "fall", "winter"),
    "deictic": ("the", "today", "tonight", "yesterday", "tomorrow", "last", "this"),
    "weekday": _REL_FIRST + ("past", "coming") + _WD_NAMES,
    "period": _REL_FIRST + ("earlier", "later", "the"), "weekend": ("the",),
}


def _first_positions(text: str, low: str, first: tuple[str, ...], digits: list[int],
                     seen: dict[str, list[int]]) -> list[int]:
    """Every position where one of ``first`` stands (see _FIRST), in order; ``seen`` as for _windows."""
    hits: list[int] = []
    for word in first:
        if word == "#":
            hits.extend(digits)
            continue
        if word not in seen:
            if word == "<month>":
                seen[word] = [m.start() for m in _MONTH_CAPS.finditer(text)]
            else:
                where, found = low if word.islower() else text, []
                i = where.find(word)
                while i >= 0:
                    found.append(i)
                    i = where.find(word, i + 1)
                seen[word] = found
        hits.extend(seen[word])
    return sorted(set(hits))


def _matches_from(rx: re.Pattern[str], text: str, lo: int, hi: int, starts: list[int]) -> Iterator[re.Match[str]]:
    """rx.finditer(text, lo, hi) for a pattern whose every match starts at one of ``starts``
    (none matches empty text): the leftmost match, then the leftmost from its end, ..."""
    k, pos = bisect_left(starts, lo), lo
    while k < len(starts) and starts[k] < hi:
        at = starts[k]
        k += 1
        if at >= pos and (m := rx.match(text, at, hi)):
            pos = m.end()
            yield m


def _atoms(text: str) -> list[_Atom]:
    """All accepted matches, overlaps settled in favour of the longest, in text order."""
    cands: list[_Atom] = []
    low = text.lower()
    windowed = len(low) == len(text) and len(text) > 2 * (_WINDOW_BEFORE + _WINDOW_AFTER)
    digits = [m.start() for m in _DIGITS.finditer(text)] if windowed else []
    # ("ı" and "ſ" match "i" and "s" of a case-insensitive word but lower-case to themselves.)
    at_firsts = windowed and "ı" not in text and "ſ" not in text
    memo: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    seen: dict[str, list[int]] = {}
    firsts: dict[tuple[str, ...], list[int]] = {}
    for tag, rx in _FORMS:
        trig = _TRIGGERS[tag]
        if trig not in memo:
            memo[trig] = _windows(text, low, trig, digits, seen) if windowed else [(0, len(text))]
        spans = memo[trig]
        if windowed and tag in _MONTH_FORMS:
            if _MONTH_FORMS not in memo:
                memo[_MONTH_FORMS] = _with_month(text, spans)
            spans = memo[_MONTH_FORMS]
        first = _FIRST.get(tag) if at_firsts else None
        if first is not None and first not in firsts:
            firsts[first] = _first_positions(text, low, first, digits, seen)
        for lo, hi in spans:
            for m in rx.finditer(text, lo, hi) if first is None else _matches_from(rx, text, lo, hi, firsts[first]):
                atom = _accept(tag, m, text)
                if atom is not None:
                    cands.append(atom)
    cands.sort(key=lambda a: (-(a.end - a.start), a.start))
    taken: list[_Atom] = []
    for a in cands:
        if all(a.end <= t.start or a.start >= t.end for t in taken):
            taken.append(a)
    return sorted(taken, key=lambda a: a.start)


# A clock time right before a day ("6pm on Wednesday", "00:01 on Thursday", "noon on Thursday",
# "11am today"): part of the expression, so "from 6pm on Wednesday until noon on Thursday" is a range.
_CLOCK_BEFORE = re.compile(r"(?<![\w:.])(?:(?:[01]?\d|2[0-3])(?:[:.][0-5]\d)?\s?(?i:am|pm|a\.m\.|p\.m\.)"
                           r"|(?:[01]?\d|2[0-3]):[0-5]\d|(?i:noon|midday|midnight))"
                           r"(?:\s+(?i:on|this|next))?\s+$")
_CLOCK_DAYS = ("weekday", "ddelta", "date", "holiday")


def _with_clock_times(atoms: list[_Atom], text: str) -> list[_Atom]:
    """Each day's atom with the clock time written right before it."""
    out = []
    for a in atoms:
        m = _CLOCK_BEFORE.search(text, max(0, a.start - 24), a.start) if a.tag in _CLOCK_DAYS else None
        if m is not None and not (out and out[-1].end > m.start()):
            a = _Atom(m.start(), a.end, a.tag, a.p)
        out.append(a)
    return out


def _merge_relative_years(atoms: list[_Atom], text: str) -> list[_Atom]:
    """"Sept. 30 last year" is one date: the period names the year the month/day falls in."""
    out: list[_Atom] = []
    for a in atoms:
        prev = out[-1] if out else None
        if (a.tag == "period" and a.p["u"] == "year" and prev is not None
                and re.fullmatch(r",?\s+", text[prev.end:a.start])):
            if prev.tag in ("date", "month") and prev.p.get("y") is None:
                out[-1] = _Atom(prev.start, a.end, prev.tag, {**prev.p, "year_offset": a.p["offset"]})
                continue
            ends = (prev.p.get("a"), prev.p.get("b")) if prev.tag == "range" else ()
            if ends and all(e is not None and e.tag in ("date", "month") and e.p.get("y") is None for e in ends):
                # "from 2 to 30 September last year": both ends in that year
                a_, b_ = (_Atom(e.start, e.end, e.tag, {**e.p, "year_offset": a.p["offset"]}) for e in ends)
                out[-1] = _Atom(prev.start, a.end, "range", {**prev.p, "a": a_, "b": b_})
                continue
        out.append(a)
    return out


# ---------------------------------------------------------------- ranges

_RANGE_GAP = re.compile(r"\s*(?:-|–|—|\s(?:to|until|till|through|and)\s)\s*")
_OPEN_START = re.compile(r"(?i:\b(from|since|starting|beginning)\s+(?:on\s+|in\s+)?)$")
_OPEN_END = re.compile(r"(?i:\b(until|till|up\s+to|up\s+until|through)\s+(?:at\s+(?:the\s+)?(?:least|earliest)\s+)?)$")
_BETWEEN = re.compile(r"(?i:\b(between|from)\s+)$")
_RANGE_PARTS = ("date", "month", "year", "season", "decade", "ddelta", "weekday", "period", "weekend", "range",
                "quarter")


def _combine_ranges(atoms: list[_Atom], text: str) -> list[_Atom]:
    """Join "between A and B" / "from A to B" and attach "from"/"since"/"until" to one atom."""
    out: list[_Atom] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        before = text[max(0, a.start - 30):a.start]
        if a.tag in _RANGE_PARTS and i + 1 < len(atoms):
            b = atoms[i + 1]
            gap = text[a.end:b.start]
            m = _BETWEEN.search(before)
            if b.tag in _RANGE_PARTS and m and _RANGE_GAP.fullmatch(gap) and (
                    m.group(1).lower() == "from" or " and " in gap):
                out.append(_Atom(a.start - len(m.group(0)), b.end, "range", {"a": a, "b": b}))
                i += 2
                continue
        if a.tag in _RANGE_PARTS and a.tag != "range":
            m = _OPEN_START.search(before)
            if m:
                out.append(_Atom(a.start - len(m.group(0)), a.end, "range", {"a": a, "b": None}))
                i += 1
                continue
            m = _OPEN_END.search(before)
            if m:
                out.append(_Atom(a.start - len(m.group(0)), a.end, "range", {"a": None, "b": a}))
                i += 1
                continue
        elif a.tag == "range" and (m := _BETWEEN.search(before)) and (
                m.group(1).lower() == "from" or " and " in text[a.start:a.end]):
            a = _Atom(a.start - len(m.group(0)), a.end, "range", a.p)  # "from 14 to 16 October", "between 3 and 9 May"
        out.append(a)
        i += 1
    return out


# ---------------------------------------------------------------- tense

_FUTURE = re.compile(
    r"(?i)\b(?:will|won't|shall|would|'ll|(?:could|might)(?=\s+(?!not\b|have\b)[a-z])|"
    r"(?:due|set|scheduled|expected|slated|poised|planning|going|preparing|plans|planned|intends|intend|plan|"
    r"aims)\s+to|(?:scheduled|slated|planned|set|due)\s+(?:for|on)|upcoming|next|(?<!as\s)(?<!than\s)expected|"
    r"forecast|"
    # a fixture's present tense is its schedule: "They travel to Ellerby on Sunday", "She plays on Tuesday"
    r"(?<!to\s)(?:plays|play|faces|face|travels|travel|hosts|host|kicks\s+off|kick\s+off|takes\s+place|"
    r"goes\s+on\s+sale)(?=\s))\b")
_PAST_IRREGULAR = (
    "was were had did said told began begun came went took made met held left gave saw won lost "
    "fell rose struck fought sent led ran spoke wrote brought found got became broke chose drew "
    "flew kept paid put set shot sold stood stole taught threw withdrew arrived agreed seized died fled sued freed "
    "tore grew knew drove rode wore swept dug hung rang sang swam shook slept wept crept bent sought heard sat "
    "stuck sank drank blew ate laid built bought caught "
    "ago".split())
_PAST = re.compile(r"\b(?:" + "|".join(_PAST_IRREGULAR) + r"|[a-z]{3,}ed)\b")
_NOT_PAST = frozenset("need speed feed seed proceed exceed succeed indeed embed bleed armed "
                      "united hundred red bed shed breed greed weed".split())
_DETERMINER_BEFORE = re.compile(
    r"(?i)\b(?:the|a|an|every|each|all|its|their|his|her|our|this|these|those|some|many|no|any|"
    r"to|into|for|of|with|in)\s+$")  # (after a preposition too: "summoned to mediated talks")
_CLAUSE_BREAK = re.compile(r"[,;:()\"—–]|\b(?:that|but|while|which|who|whereas|although|because)\b")
_PASSIVE_BEFORE = re.compile(r"\b(?:be|been|being|remain|remains|stay|stays)\s+(?:\w+\s+)?$")
_PERFECT_BEFORE = re.compile(r"\b(?:has|have|'ve)\s+(?:\w+ly\s+|not\s+|already\s+|also\s+)?$")


_ABBREVIATIONS = frozenset(("Mr Mrs Ms Dr St Jr Sr Gen Gov Sen Rep Col Lt Sgt Capt Prof Jan Feb "
                            "Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec No vs").split())
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(A-Z])|\n\s*")
_LAST_WORD = re.compile(r"(\w+)$")
_CAPITAL = re.compile(r"[A-Z]")


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Rough sentence spans: breaks at . ! ? before a capital or quote, and at line breaks."""
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[m.start()] == "." and (word := _LAST_WORD.search(text[max(0, m.start() - 8):m.start()])) and (
                word.group(1) in _ABBREVIATIONS or _CAPITAL.fullmatch(word.group(1))):
            continue  # "Mr. Putin", "U.S. officials", "Sept. 15" do not end a sentence
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(text)))
    return [b for b in bounds if b[1] > b[0]]


def _tense(text: str, sent: tuple[int, int], start: int, end: int) -> str:
    """"past", "future" or "": the nearest tense marker, preferring the expression's own clause."""
    return _tense_marker(text, sent, start, end)[1]


def _tense_marker(text: str, sent: tuple[int, int], start: int, end: int) -> tuple[int, str]:
    """The position and tense of the marker _tense goes by ((-1, "") for none)."""
    s0, s1 = sent
    markers: list[tuple[int, str]] = []
    future_spans = []
    for m in _FUTURE.finditer(text, s0, s1):
        markers.append((m.start(), "future"))
        future_spans.append((m.start(), m.end()))
    for m in _PAST.finditer(text, s0, s1):
        word = m.group()
        if word in _NOT_PAST or any(a <= m.start() < b for a, b in future_spans):
            continue
        if _PASSIVE_BEFORE.search(text[max(s0, m.start() - 20):m.start()]):
            continue  # a passive participle takes its tense from the auxiliary ("will remain closed")
        if _PERFECT_BEFORE.search(text[max(s0, m.start() - 24):m.start()]):
            continue  # a present perfect takes no past date: "has invited them to talks on Thursday"
        if word.endswith("ed") and (_DETERMINER_BEFORE.search(text[max(s0, m.start() - 12):m.start()])
                                    or text[m.start() - 1:m.start()] == "-"):
            continue  # "every flooded household", "the derailed train", "government-backed": an adjective
        markers.append((m.start(), "past"))
    markers = [(p, t) for p, t in markers if not start <= p < end]
    if not markers:
        return -1, ""
    clause = _clause(text, s0, s1, start, end)
    inside = [(p, t) for p, t in markers if clause[0] <= p < clause[1]]
    pool = inside or markers
    before = [(p, t) for p, t in pool if p < start]
    if before:
        return max(before)
    return min(pool)


# A plain tense marker fixes which side of the published date a yearless day falls on, give or
# take PLAIN_LAG days (a story may sit that long before its published date): "will be played on 7
# December" in a March story is the December to come, "The fire broke out on 9 March" in a November
# one the March before. Other markers look at the day from another moment, so _infer_year keeps
# its wide tolerance for them: "would", "was due to", "expected", "next" ("said she would resign
# on 1 March", "the next day, 14 March"), and a past verb that reports or orders what comes after
# it ("said the plant would close on 3 March", "ordered that the works be done by 31 January").
_PLAIN_FUTURE = re.compile(r"(?i)(?:will|shall|won't|'ll)\b")
_REPORTING_PAST = frozenset("""said told announced confirmed added warned stated reported revealed explained
claimed insisted wrote argued noted promised pledged vowed agreed decided hoped wanted asked urged ordered
ruled predicted forecast estimated suggested proposed planned scheduled set called""".split())
_LOOKS_AHEAD = re.compile(r"(?i)\b(?:that|to|be|would|could|should|might|will|until|by|before)\b")
PLAIN_LAG = 7
# A past verb granting or keeping something until a time sets a deadline or an end that is often
# still to come ("The group gave the council until 5pm on Friday"): no tense for that time.
_GRANTED_UNTIL = re.compile(r"(?i)(?:gave|kept|extended|granted)\b")
_UNTIL = re.compile(r"(?i)\b(?:until|till)\b")
# The stored tense of a plain marker, and the tense it stands for.
_PLAIN_TENSES = {"will": "future", "did": "past"}
# Stored for a day until which a past verb gave or kept something: past for ranking, but resolved
# with no tense (either side of the published date, the nearer).
_UNTIL_TENSE = "until"
_STORED_TENSES = {**_PLAIN_TENSES, _UNTIL_TENSE: "past"}


def _clause_tense(text: str, sent: tuple[int, int], start: int, end: int) -> str:
    """_tense, or "will" / "did" for a plain future / past marker (see _PLAIN_TENSES), or _UNTIL_TENSE."""
    at, tense = _tense_marker(text, sent, start, end)
    if tense == "future" and _PLAIN_FUTURE.match(text, at):
        return "will"
    if tense == "past" and at < start and _GRANTED_UNTIL.match(text, at) and _UNTIL.search(text, at, end):
        return _UNTIL_TENSE  # "gave the council until 5pm on Friday", "kept a warning in place until Wednesday"
    if tense == "past" and at < start:  # ("The vote on May 31 was cancelled": the verb after it may not be its own)
        word = re.match(r"[A-Za-z']+", text[at:at + 20])
        if word and word.group().lower() not in _REPORTING_PAST and not _LOOKS_AHEAD.search(text, at, start) \
                and not re.search(r"(?i)\bfor\s+$", text[max(at, start - 8):start]):  # "an election for January 25"
            return "did"
    return tense


def _clause(text: str, s0: int, s1: int, start: int, end: int) -> tuple[int, int]:
    c0, c1 = s0, s1
    for m in _CLAUSE_BREAK.finditer(text, s0, s1):
        if m.end() <= start:
            c0 = m.end()
        elif m.start() >= end:
            c1 = m.start()
            break
    return c0, c1


# ---------------------------------------------------------------- resolution

@dataclass
class _Ctx:
    published: date | None
    tense: str
    anchor: tuple[date, str] | None  # last fixed date and its granularity ("day", "month", "year")
    plain: bool = False  # the tense comes from a plain marker (see _PLAIN_TENSES)


@dataclass
class _Res:
    iso: str | None
    granularity: str
    value: str | None
    anchor: tuple[date, str] | None = None


_KIND = {"weekend": "relative", "date": "absolute", "month": "absolute", "year": "absolute", "decade": "absolute",
         "quarter": "absolute", "bc": "absolute",
         "season": "absolute", "ddelta": "relative", "weekday": "relative", "period": "relative",
         "ago": "relative", "anchored": "relative", "duration": "duration", "range": "range"}


def _day_res(d: date | None) -> _Res:
    if d is None:
        return _Res(None, "day", None)
    return _Res(d.isoformat(), "day", d.isoformat(), (d, "day"))


def _month_res(y: int, m: int) -> _Res:
    return _Res(None, "month", f"{y:04d}-{m:02d}", (date(y, m, 1), "month"))


def _year_res(y: int) -> _Res:
    return _Res(None, "year", f"{y:04d}", (date(y, 1, 1), "year"))


def _week_res(d: date, weekend: bool = False) -> _Res:
    y, w, _ = d.isocalendar()
    return _Res(None, "week", f"{y}-W{w:02d}" + ("-WE" if weekend else ""))


def _infer_year(m: int, d: int, pub: date, tense: str, plain: bool = False) -> int:
    """The year putting month/day nearest the published date, corrected by tense."""
    cands = [date(y, m, d) for y in (pub.year - 1, pub.year, pub.year + 1) if _valid(y, m, d)]
    best = min(cands, key=lambda c: (abs((c - pub).days), c))
    lag = PLAIN_LAG if plain else 122
    if tense == "past" and (best - pub).days > lag:
        return best.year - 1
    if tense == "future" and (pub - best).days > lag:
        return best.year + 1
    return best.year


def _infer_month_year(m: int, pub: date, tense: str) -> int:
    ref = pub.year * 12 + pub.month - 1
    cands = [y for y in (pub.year - 1, pub.year, pub.year + 1)]
    # Ties (six months either way) go to the tense's side, else forward.
    best = min(cands, key=lambda y: (abs(y * 12 + m - 1 - ref),
                                     (y * 12 + m - 1 - ref) * (1 if tense == "past" else -1)))
    diff = best * 12 + m - 1 - ref
    if tense == "past" and diff > 3:
        return best - 1
    if tense == "future" and diff < -3:
        return best + 1
    return best


def _resolve(a: _Atom, ctx: _Ctx) -> _Res:
    pub = ctx.published
    p = a.p
    if a.tag == "date":
        y = p["y"]
        if y is None:
            if pub is None:
                return _Res(None, "day", f"XXXX-{p['m']:02d}-{p['d']:02d}")
            y = (pub.year + p["year_offset"] if "year_offset" in p
                 else _infer_year(p["m"], p["d"], pub, ctx.tense, ctx.plain))
        return _day_res(date(y, p["m"], p["d"]) if _valid(y, p["m"], p["d"]) else None)
    if a.tag == "month":
        return _resolve_month(p, pub, ctx.tense)
    if a.tag == "year":
        return _year_res(p["y"])
    if a.tag == "quarter":
        y = p["y"] if p["y"] is not None else (pub.year + p["offset"] if pub else None)
        if y is None:
            return _Res(None, "quarter", f"XXXX-Q{p['q']}")
        return _Res(None, "quarter", f"{y:04d}-Q{p['q']}", (date(y, 3 * p["q"] - 2, 1), "month"))
    if a.tag == "bc":
        return _Res(None, "year", f"BC{p['y']:04d}")
    if a.tag == "decade":
        return _Res(None, "decade", str(p["decade"] // 10))
    if a.tag == "season":
        return _resolve_season(p, pub)
    if a.tag == "ddelta":
        return _day_res(pub + timedelta(days=p["n"]) if pub else None)
    if a.tag == "weekday":
        return _day_res(_weekday_date(p["wd"], p["rel"], pub, ctx.tense) if pub else None)
    if a.tag == "weekend":
        return _resolve_weekend(pub, ctx.tense) if pub else _Res(None, "week", None)
    if a.tag == "period":
        return _resolve_period(p["u"], p["offset"], pub) if pub else _Res(None, _gran(p["u"]), None)
    if a.tag == "ago":
        return _resolve_shift(p["n"] and -p["n"], p["u"], (pub, "day") if pub else None, False)
    if a.tag == "anchored":
        return _resolve_shift(p["n"], p["u"], ctx.anchor, p["period"])
    if a.tag == "duration":
        return _Res(None, "duration", p["value"])
    if a.tag == "range":
        return _resolve_range(p, ctx)
    raise ValueError(a.tag)


def _gran(unit: str) -> str:
    return {"weekend": "week"}.get(unit, unit if unit in ("week", "month", "year") else "day")


def _resolve_month(p: dict, pub: date | None, tense: str) -> _Res:
    m, y, rel = p["m"], p["y"], p.get("rel", "")
    if y is None:
        if pub is None:
            return _Res(None, "month", f"XXXX-{m:02d}")
        if "year_offset" in p:
            y = pub.year + p["year_offset"]
        elif rel == "last":
            y = pub.year if m < pub.month else pub.year - 1
        elif rel == "next":
            y = pub.year if m > pub.month else pub.year + 1
        elif rel == "this":
            y = pub.year
        else:
            y = _infer_month_year(m, pub, tense)
    return _month_res(y, m)


def _resolve_season(p: dict, pub: date | None) -> _Res:
    code, start_month = _SEASONS[p["s"]]
    y = p["y"]
    if y is None:
        if pub is None:
            return _Res(None, "season", None)
        # A season is named by the year it starts in (winter starts in December).
        starts = [date(y, start_month, 1) for y in range(pub.year - 2, pub.year + 2)]
        if p["rel"] == "last":
            y = max(s for s in starts if s + relativedelta(months=3) <= pub).year
        elif p["rel"] == "next":
            y = min(s for s in starts if s > pub).year
        else:  # "this summer": the one whose middle is nearest
            y = min(starts, key=lambda s: abs((s + timedelta(days=45) - pub).days)).year
    return _Res(None, "season", f"{y:04d}-{code}")


def _weekday_date(wd: int, rel: str, pub: date, tense: str) -> date:
    back = (pub.weekday() - wd) % 7
    ahead = (wd - pub.weekday()) % 7
    if rel == "last":
        return pub - timedelta(days=back or 7)
    if rel == "next":
        # "next Friday" written on a Thursday is not tomorrow (that would be "tomorrow" or "on Friday")
        return pub + timedelta(days=8 if ahead == 1 else ahead or 7)
    if tense == "past":
        return pub - timedelta(days=back)
    if tense == "future":
        return pub + timedelta(days=ahead)
    return pub - timedelta(days=back) if back <= 3 else pub + timedelta(days=ahead)


def _resolve_weekend(pub: date, tense: str) -> _Res:
    """"Over the weekend": the one just past in a past-tense clause, the coming one in a future-tense
    clause, else the nearer (a Monday report looks back, a Friday one ahead); a weekend report, its own."""
    wd = pub.weekday()
    saturday = pub - timedelta(days=wd) + timedelta(days=5)  # the Saturday of pub's ISO week
    if wd < 5 and (tense == "past" or tense != "future" and wd <= 2):
        saturday -= timedelta(weeks=1)
    return _week_res(saturday, True)


def _resolve_period(unit: str, offset: int, pub: date) -> _Res:
    if unit in ("week", "weekend"):
        return _week_res(pub + timedelta(weeks=offset), unit == "weekend")
    if unit == "month":
        d = pub + relativedelta(months=offset)
        return _month_res(d.year, d.month)
    return _year_res(pub.year + offset)


_GRAN_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


def _resolve_shift(n: float | None, unit: str, anchor: tuple[date, str] | None, period: bool) -> _Res:
    """A date n units from the anchor ("two days later", "the next day", "a year ago")."""
    if unit in ("morning", "afternoon", "evening", "night"):
        unit = "day"
    if unit == "fortnight" and n is not None:
        unit, n = "week", 2 * n
    gran = "week" if unit in ("week", "weekend") and period else _gran(unit)
    if unit in ("week", "weekend") and not period:
        gran = "day"
    if anchor is None or n is None or n != int(n) or unit in ("hour", "minute", "second"):
        return _Res(None, gran, None)
    base, base_gran = anchor
    n = int(n)
    if _GRAN_RANK.get(base_gran, 3) > _GRAN_RANK[gran]:
        return _Res(None, gran, None)  # "two days later" after a bare year fixes no day
    if unit == "day":
        return _day_res(base + timedelta(days=n))
    if unit in ("week", "weekend"):
        d = base + timedelta(weeks=n)
        return _week_res(d, unit == "weekend") if period else _day_res(d)
    if unit == "month":
        d = base + relativedelta(months=n)
        return _month_res(d.year, d.month)
    if unit in ("year", "decade", "century"):
        years = n * {"year": 1, "decade": 10, "century": 100}[unit]
        return _year_res(base.year + years)
    return _Res(None, gran, None)


def _resolve_range(p: dict, ctx: _Ctx) -> _Res:
    a, b = p["a"], p["b"]
    if a is not None and b is not None:
        a, b = _share_year(a, b)
    ra = _resolve(a, ctx) if a is not None else None
    if ra is not None and ra.anchor:
        ctx = replace(ctx, anchor=ra.anchor)
    if ra is not None and b is not None and a.tag in ("date", "month") and b.tag in ("date", "month") \
            and b.p.get("y") is None and ra.value and ra.value[:4].isdigit():
        # "between 3 and 9 May": the end is in the year the start was put in (or the next, "from
        # 28 December to 3 January"), not a year of its own
        year = int(ra.value[:4])
        earlier = (b.p["m"], b.p.get("d", 1)) < (a.p["m"], a.p.get("d", 1))
        b = _Atom(b.start, b.end, b.tag, {**b.p, "y": year + 1 if earlier else year})
    rb = _resolve(b, ctx) if b is not None else None
    left = ra.value if ra else ".."
    right = rb.value if rb else ".."
    value = None if left is None or right is None else f"{left}/{right}"
    # A closed range fixes no single day; an open one its written end ("from March 15", "until June 1").
    iso = None if ra and rb else (ra.iso if ra else (rb.iso if rb else None))
    anchor = (rb.anchor if rb else None) or (ra.anchor if ra else None)
    return _Res(iso, "range", value, anchor)


def _share_year(a: _Atom, b: _Atom) -> tuple[_Atom, _Atom]:
    """"March 15 to April 2, 2016": the year written once belongs to both ends."""
    if a.tag not in ("date", "month") or b.tag not in ("date", "month"):
        return a, b
    ya, yb = a.p.get("y"), b.p.get("y")
    if ya is None and yb is not None:
        later = (a.p["m"], a.p.get("d", 1)) > (b.p["m"], b.p.get("d", 1))
        a = _Atom(a.start, a.end, a.tag, {**a.p, "y": yb - 1 if later else yb})
    elif yb is None and ya is not None:
        earlier = (b.p["m"], b.p.get("d", 1)) < (a.p["m"], a.p.get("d", 1))
        b = _Atom(b.start, b.end, b.tag, {**b.p, "y": ya + 1 if earlier else ya})
    return a, b


# ---------------------------------------------------------------- public API

def find_time_expressions(text: str, published: date | None = None) -> list[TimeExpression]:
    """Every time expression in the text, in order, resolved against the published date
    (and, for "two days later", against the last date fixed before it in the text)."""
    if isinstance(published, datetime):
        published = published.date()  # a stored timestamp: only its calendar day matters here
    # (Not added to the cache: range_start/range_end pass masked copies of an article.)
    return list((_TEXTS.get(text) or _Text(text)).expressions(published))


def _adjectival(e: TimeExpression) -> bool:
    """"five-year" (conflict), "decades-long": a length used as a modifier, never a "when" answer."""
    return e.kind == "duration" and "-" in e.text and " " not in e.text


_IRREGULAR = {"began": "begin", "begun": "begin", "withdrew": "withdraw", "withdrawn": "withdraw",
              "said": "say", "told": "tell", "held": "hold", "met": "meet", "left": "leave",
              "took": "take", "taken": "take", "came": "come", "went": "go", "gone": "go",
              "fought": "fight", "struck": "strike", "sent": "send", "led": "lead", "won": "win",
              "lost": "lose", "fell": "fall", "fallen": "fall", "rose": "rise", "risen": "rise",
              "made": "make", "gave": "give", "given": "give", "spoke": "speak", "spoken": "speak",
              "broke": "break", "broken": "break", "killed": "kill", "seized": "seize",
              "became": "become", "brought": "bring", "bought": "buy", "ran": "run",
              "wrote": "write", "written": "write", "chose": "choose", "chosen": "choose",
              "built": "build", "sold": "sell", "paid": "pay", "found": "find", "kept": "keep",
              "shot": "shoot", "hit": "hit", "set": "set", "put": "put", "cut": "cut", "quit": "quit",
              "stood": "stand", "drew": "draw", "drawn": "draw", "flew": "fly", "flown": "fly",
              "threw": "throw", "thrown": "throw", "grew": "grow", "grown": "grow", "knew": "know",
              "known": "know", "saw": "see", "seen": "see", "got": "get", "gotten": "get",
              "hung": "hang", "lent": "lend", "spent": "spend", "bore": "bear", "borne": "bear",
              "died": "die", "lied": "lie", "tied": "tie", "dying": "die", "felt": "feel",
              "heard": "hear", "meant": "mean", "sought": "seek", "taught": "teach",
              "thought": "think", "caught": "catch", "fled": "flee", "swore": "swear",
              "sworn": "swear", "woke": "wake", "rode": "ride", "drove": "drive", "driven": "drive",
              "froze": "freeze", "frozen": "freeze", "sank": "sink", "sunk": "sink", "ate": "eat",
              "shut": "shut", "split": "split", "spread": "spread", "swam": "swim", "swum": "swim",
              "sang": "sing", "sung": "sing", "rang": "ring", "rung": "ring", "drank": "drink",
              "drunk": "drink", "wore": "wear", "worn": "wear", "tore": "tear", "torn": "tear",
              "stuck": "stick", "dug": "dig", "hid": "hide", "hidden": "hide", "fed": "feed",
              "spun": "spin", "swept": "sweep", "slept": "sleep", "dealt": "deal", "shook": "shake",
              "shaken": "shake", "forgot": "forget", "forgotten": "forget", "beaten": "beat",
              "sat": "sit", "stole": "steal", "stolen": "steal", "arose": "arise", "arisen": "arise",
              "overtook": "overtake", "overtaken": "overtake", "undertook": "undertake",
              "understood": "understand", "withheld": "withhold", "upheld": "uphold",
              "sprang": "spring", "sprung": "spring", "shrank": "shrink", "shown": "show",
              "blew": "blow", "blown": "blow", "bent": "bend", "sped": "speed", "slid": "slide"}


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A light stem shared by question and text words: "votes"/"voted"/"voting"/"vote" -> "vot"."""
    word = _IRREGULAR.get(word, word)
    if len(word) < 4 or word[-1] not in "gsdle":
        return word  # too short for any suffix, or ending as none does (numbers, names, "which")
    for suffix in ("ing", "ies", "ied", "ed", "es", "al", "s", "e"):
        if not word.endswith(suffix) or len(word) - len(suffix) < 3:
            continue
        if suffix == "s" and word.endswith(("ss", "us", "is")):
            continue  # "miss", "status", "crisis"
        stem = word[: -len(suffix)]
        if suffix in ("ies", "ied"):
            stem += "y"
        elif suffix in ("ing", "ed") and len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            stem = stem[:-1]  # "stopped" -> "stop"
        return stem.removesuffix("e") if len(stem) > 3 else stem
    return word


# Question words and the other words articles commonly write the same event with ("when did the
# storm hit": "the storm tore through the town"; "when was the dog found": "he was discovered"). One
# way only: the question's word is met by the article's, never the reverse ("strike" names a walkout
# as often as a blow).
_EXPANSION_WORDS = {
    "hit": "struck tore battered lashed slammed pummelled pummeled",
    "find": "discovered located",
    "arrest": "detained",
    "postpone": "delayed deferred defers defer",
    "reject": "rebuffed refused",  # "turn down" is asked as "reject" (see _PHRASAL_VERBS)
    "collapse": "fell failed broke",  # "fall apart", "break down" are asked as "collapse" (see _PHRASAL_VERBS)
    "delay": "postponed",
    "cancel": "scrapped axed",
    "buy": "acquired purchased",
    "resign": "quit",
    "publish": "released",
    "kill": "died",  # "when was the cyclist killed": "He died at the scene on …"
    "jail": "sentenced imprisoned",
    "finish": "end ends ended",  # "due to finish": "is due to end at 10 p.m."
    "strike": "stoppage walkout",
    "flood": "overtopped inundated swamped",  # "when did the river flood": "the river overtopped it"
    "announce": "named unveiled",  # "when was her successor announced": "the orchestra named …"
    "discover": "found unearthed",  # "when was the burial discovered": "The find, made on 28 August"
    "spot": "detected noticed",  # "when was the attack first spotted": "The attack was detected …"
    "meet": "convene convenes convened",  # "when is the minister meeting the group": "would convene the group"
    "parliament": "commons",  # "raise it in parliament": "raise the closure … in the Commons"
    "hospital": "infirmary",  # "discharged from hospital": "taken to Kelsport Royal Infirmary"
    "boat": "vessel trawler",  # "the fishing boat that lost power": "the fishing vessel Cailin Ban"
    "injure": "hurt",
    "back": "return returned returns returning",  # "when will the ferry be back in service"
    "start": "began begun begin begins beginning",  # "when did the strike start": "The stoppage began at 00:01"
    "vote": "ballot balloted",  # "when will members vote on strike action": "balloted on industrial action"
    "shut": "closed closure",  # "when did the pub shut": "the pub closed on 3 January last year"
    "seize": "confiscation confiscate recover",  # "the hearing to seize his assets": "A confiscation hearing"
    "notice": "found discovered spotted",  # "when did keepers notice it was missing": "was found missing"
    "look": "discuss examine consider review",  # "when will the committee look at the plans": "will discuss"
    "show": "presented",  # "when were councillors shown the report": "a report presented to committee members"
}
# Phrasal verbs asked about, and the one verb news copy tends to use instead: "when did the talks
# fall apart" for "Talks collapsed on 28 October" (their particle alone would be an event word no
# article holds).
_PHRASAL_VERBS = [
    (re.compile(r"(?i)\b(?:fall|falls|fell|fallen|falling)\s+apart\b"), "collapse"),
    (re.compile(r"(?i)\b(?:put|puts|putting)\s+off\b"), "postpone"),
    (re.compile(r"(?i)\b(?:turn|turns|turned|turning)\s+down\b"), "reject"),
    (re.compile(r"(?i)\b(?:come|comes|came|coming)\s+into\s+(?:force|effect)\b"), "take effect"),
    (re.compile(r"(?i)\b(?:break|breaks|broke|broken|breaking)\s+down\b"), "collapse"),
    (re.compile(r"(?i)\b(?:open|opens|opened|opening)\s+(?:its|their|the|her|his)\s+doors\s+again\b"), "reopen"),
    # "when did the jury find Pellow guilty": "a jury convicted him on 3 October" (who is kept)
    (re.compile(r"(?i)\b(?:find|finds|found|finding)\s+((?:[\w'’-]+\s+){0,3}?)guilty\b"), r"convict \1"),
]


def plain_verbs(question: str) -> str:
    """The question with phrasal verbs put as the single verbs news copy uses (see _PHRASAL_VERBS)."""
    for pattern, verb in _PHRASAL_VERBS:
        question = pattern.sub(verb, question)
    return question


_EXPANSIONS: dict[str, frozenset[str]] = {}
for _word, _others in _EXPANSION_WORDS.items():
    _EXPANSIONS[_stem(_word)] = frozenset(_stem(w) for w in _others.split())


@lru_cache(maxsize=256)
def _matching(term: str, vocab: frozenset[str]) -> frozenset[str]:
    """The stems of a vocabulary that the term matches (computed once per term and text)."""
    # _term_match holds for the term's stem itself, stems it begins (if four letters or more),
    # stems of four letters or more that begin it, and interruptions for a resumptive word: found
    # by prefix search and lookup instead of testing every stem of the article (~1 ms a term).
    t = _stem(term)
    out = [t] if t in vocab else []
    if len(t) >= 4:
        out += _starting(vocab, t)
        out += [t[:k] for k in range(4, len(t)) if t[:k] in vocab]
    if t in _RESUMPTIVE:
        for p in _INTERRUPTION:
            out += _starting(vocab, p)
    out += [x for x in _EXPANSIONS.get(t, ()) if x in vocab]
    return frozenset(out)


def _joined(vocab: frozenset[str]) -> str:
    """The stems of vocab, each after a line break (a decoded vocabulary has them ready)."""
    return vocab.joined if type(vocab) is _Vocab else _joined_anew(vocab)


@lru_cache(maxsize=32)
def _joined_anew(vocab: frozenset[str]) -> str:
    return "\n" + "\n".join(vocab) + "\n"  # (stems are word characters: no line breaks)


def _starting(vocab: frozenset[str], prefix: str) -> list[str]:
    """The stems of vocab that begin with prefix."""
    text = _joined(vocab)
    out = []
    i = text.find("\n" + prefix)
    while i >= 0:
        j = text.index("\n", i + 1)
        out.append(text[i + 1:j])
        i = text.find("\n" + prefix, j)
    return out


def _any_match(term: str, stems: set[str] | frozenset[str], vocab: frozenset[str]) -> bool:
    """any(_term_match(term, x) for x in stems), through the term's matches in vocab."""
    if not _matching(term, vocab).isdisjoint(stems):
        return True
    return not stems <= vocab and any(_term_match(term, x) for x in stems if x not in vocab)


@lru_cache(maxsize=262144)
def _term_match(term: str, stem: str) -> bool:
    t = _stem(term)
    if t == stem:
        return True
    short, long_ = sorted((t, stem), key=len)
    if len(short) >= 4 and long_.startswith(short):
        return True
    return t in _RESUMPTIVE and stem.startswith(_INTERRUPTION) or stem in _EXPANSIONS.get(t, ())


def _matched_among(term: str, stems: Iterable[str]) -> list[str]:
    """[x for x in stems if _term_match(term, x)], for stems met once (one sentence's, a near
    miss's): without filling _term_match's cache with pairs that will not come again."""
    t = _stem(term)
    n = len(t)
    out = [x for x in stems
           if x == t or (n >= 4 and x.startswith(t) if len(x) >= n else len(x) >= 4 and t.startswith(x))]
    if t in _RESUMPTIVE:
        out += [x for x in stems if x.startswith(_INTERRUPTION) and x not in out]
    if t in _EXPANSIONS:
        out += [x for x in stems if x in _EXPANSIONS[t] and x not in out]
    return out


def _meets_any(term: str, stems: frozenset[str], joined: str) -> bool:
    """bool(_matched_among(term, stems)) for a set of stems and the same stems each after a line
    break in joined: by lookups and one substring search instead of a comparison per stem."""
    t = _stem(term)
    if t in stems:
        return True
    n = len(t)
    # A longer stem beginning with t, or a shorter one of four letters or more that t begins with.
    if n >= 4 and ("\n" + t in joined or any(t[:k] in stems for k in range(4, n))):
        return True
    if t in _RESUMPTIVE and any("\n" + p in joined for p in _INTERRUPTION):
        return True
    return t in _EXPANSIONS and not _EXPANSIONS[t].isdisjoint(stems)


# Reopening, resuming, restarting end an interruption: "when will the road reopen" is answered by
# the end of "the road will remain closed until Sunday" (and by nothing else of that clause).
_RESUMPTIVE = frozenset({"reopen", "resum", "restart"})
_IRREGULAR_BASES = frozenset(_IRREGULAR.values())
_INTERRUPTION = ("clos", "shut", "suspen", "halt", "adjourn", "paus")
# Irregular forms by their stem's first three letters ("went" under "go"), for _named_in.
_IRREGULAR_BY_HEAD: dict[str, list[str]] = {}
for _form in sorted(_IRREGULAR):
    _IRREGULAR_BY_HEAD.setdefault(_stem(_form)[:3], []).append(_form)


def _plain_match(term: str, stem: str) -> bool:
    return _term_match(term, stem) and not (_stem(term) in _RESUMPTIVE and stem.startswith(_INTERRUPTION))


def _interruption_only(terms: list[str], stems: set[str], e: TimeExpression) -> set[str]:
    """Resumptive words ("reopen") met only through an interruption ("closed") in the sentence:
    they name the event only for the end of a range ("closed until Sunday")."""
    if e.kind == "range" and _end_connector(e.text) is not None:
        return set()
    return {t for t in terms if _stem(t) in _RESUMPTIVE and not any(_plain_match(t, x) for x in stems)}


def _tokens(text: str, lo: int, hi: int) -> list[tuple[int, str]]:
    """(offset, stem) for the word tokens of text[lo:hi], possessive 's dropped."""
    return _text(text).slice_tokens(lo, hi)


_WORD = re.compile(r"[^\W_]+")
_WORD_SPLIT = re.compile(r"([^\W_]+)")
# On ASCII text _WORD's words are the runs of ASCII letters and digits: marked 1 byte for byte,
# their edges are found by numpy several times faster than by the Unicode regex.
_ASCII_WORD_MASK = bytes.maketrans(bytes(range(256)), bytes(int(c < 128 and chr(c).isalnum()) for c in range(256)))


def _ascii_words(low: str) -> tuple[list[int], list[int], list[str]]:
    """The starts, ends and words of _WORD_SPLIT.split(low) for an ASCII text."""
    raw = low.encode("ascii")
    edges = np.flatnonzero(np.diff(np.frombuffer(b"\0" + raw.translate(_ASCII_WORD_MASK) + b"\0", np.int8)))
    return edges[0::2].tolist(), edges[1::2].tolist(), raw.translate(_ASCII_WORDS).decode("ascii").split()


def _tokenise(low: str) -> tuple[list[int], list[int], list[str]]:
    """The starts, ends and stems of the words of a lower-cased text."""
    if low.isascii():
        starts, ends, words = _ascii_words(low)
    else:
        parts = _WORD_SPLIT.split(low)  # gap, word, gap, ..., word, gap
        offsets = list(accumulate(map(len, parts), initial=0))
        starts, ends, words = offsets[1:-1:2], offsets[2:-1:2], parts[1::2]
    unique = set(words)
    stem_of = dict(zip(unique, map(_stem, unique)))
    return starts, ends, list(map(stem_of.__getitem__, words))


def _word_table(norm: str, starts: list[int], ends: list[int], stems: list[str]) -> tuple:
    """_Text.words from the tokens of norm.lower()."""
    low = norm.lower()
    # A one-letter word stems to itself, and only "s" to "s".
    poss = [k for k, x in enumerate(stems) if x == "s" and starts[k] > 0 and low[starts[k] - 1] == "'"
            ] if "'s" in low else []
    # str.lower maps characters one for one and alike everywhere, except capital sigma
    # (final or not) and the few characters it lengthens.
    whole = len(low) == len(norm) and "\u03a3" not in norm
    return low, starts, ends, stems, poss, frozenset(stems), whole


# Tokens are stored after the analysis's JSON as the distinct stems, each after a line break
# (_Vocab.joined as it is), then two small arrays in base-64 digits (the gap before and length of
# each word, then each word's stem as an index into the distinct stems), with a CRC-32 of both in
# the JSON: decoding is ~5x cheaper than tokenising and stemming a body again. Kept out of the
# JSON, neither is scanned by the JSON parser, and fixed-width digits decode with a few array
# operations (base64's decoder, char by char, cost as much as the rest of the words together).
_DIGIT_ZERO = ord("?")  # digits are the 64 characters "?" to "~": no line break among them
_MAX_WIDTH = 6  # digits a number may take (64 ** 6 > 2 ** 36)
_PLACES = [64 ** np.arange(w - 1, -1, -1, dtype=np.int64) for w in range(_MAX_WIDTH + 1)]
_WIDTHS = range(1, _MAX_WIDTH + 1)


def _width(values: np.ndarray) -> int:
    """The fewest base-64 digits that write every value."""
    top = int(values.max()) if len(values) else 0
    return next(w for w in range(1, _MAX_WIDTH + 1) if top < 64 ** w)


def _digits_text(values: np.ndarray, width: int) -> str:
    digits = values.astype(np.int64)[:, None] // _PLACES[width] % 64 + _DIGIT_ZERO
    return digits.astype(np.uint8).tobytes().decode("ascii")


def _digits_values(codes: np.ndarray, width: int) -> np.ndarray:
    """The numbers _digits_text wrote, from its digits less _DIGIT_ZERO."""
    digits = codes.reshape(-1, width)
    out = digits[:, 0].astype(np.int64)
    for k in range(1, width):  # (in place, digit by digit: an integer matmul is ~10x slower)
        out <<= 6
        out |= digits[:, k]
    return out


def _encode_words(starts: list[int], ends: list[int], stems: list[str]) -> tuple[list, str]:
    """The words' header for the analysis's JSON ([count, widths, checksum]) and the text after it."""
    index: dict[str, int] = {}
    ids = np.array([index.setdefault(x, len(index)) for x in stems], dtype=np.int64)
    sizes = np.empty(2 * len(stems), dtype=np.int64)
    sizes[0::2] = np.subtract(starts, [0] + ends[:-1])
    sizes[1::2] = np.subtract(ends, starts)
    size_width, id_width = _width(sizes), _width(ids)
    tail = "\n" + "\n".join(index) + "\n" + _digits_text(sizes, size_width) + _digits_text(ids, id_width)
    return [len(stems), size_width, id_width, _checksum(tail)], tail  # (stems are words: no line breaks)


def _checksum(tail: str) -> int:
    return zlib.crc32(tail.encode("utf-8", "surrogatepass"))


class _Vocab(frozenset):
    """An article's stem set, with the stems each after a line break (_joined) as they were stored."""
    __slots__ = ("joined",)
    joined: str


def _decode_words(x: list, tail: str, norm: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], frozenset[str]]:
    """The words' stem ids, starts and ends (arrays), the distinct stems and their set, from
    _encode_words' header and text."""
    n, size_width, id_width, checksum = x
    if not set(map(type, x)) <= {int} or n < 0 or size_width not in _WIDTHS or id_width not in _WIDTHS:
        raise ValueError("damaged tokens")
    cut = tail.rfind("\n") + 1  # (after the last stem: no digit is a line break)
    if cut < 2 or tail[0] != "\n" or _checksum(tail) != checksum:
        raise ValueError("damaged tokens")
    codes = np.frombuffer(tail[cut:].encode("ascii"), dtype=np.uint8) - np.uint8(_DIGIT_ZERO)  # (below "?": wraps past 63)
    size_digits = 2 * n * size_width
    if len(codes) != size_digits + n * id_width or n and codes.max() >= 64:
        raise ValueError("damaged tokens")
    sizes = _digits_values(codes[:size_digits], size_width)
    ids = _digits_values(codes[size_digits:], id_width).astype(np.intp, copy=False)  # (an index)
    joined = tail[:cut]
    distinct = joined[1:-1].split("\n") if n else []
    lengths = sizes[1::2]
    ends = sizes.cumsum()[1::2]  # (methods here and below: np.cumsum's wrapper costs µs)
    vocab = _Vocab(distinct)
    vocab.joined = joined
    # Every distinct stem is some word's, once: the vocabulary is then the distinct stems as they are.
    if n and (int(ids.max()) >= len(distinct) or int(ends[-1]) > len(norm) or not lengths.all()
              or len(vocab) != len(distinct) or not np.bincount(ids, minlength=len(distinct)).all()):
        raise ValueError("damaged tokens")
    if not n and joined != "\n\n":
        raise ValueError("damaged tokens")
    return ids, ends - lengths, ends, distinct, vocab


def _table_of(norm: str, ids: np.ndarray, starts: np.ndarray, ends: np.ndarray, distinct: list[str]) -> tuple:
    """_Text.words from decoded arrays."""
    return _word_table(norm, starts.tolist(), ends.tolist(), list(map(distinct.__getitem__, ids.tolist())))


_SECOND = itemgetter(1)


def _norm_tokens(norm: str, lo: int, hi: int) -> list[tuple[int, str]]:
    """_tokens of the text whose normalize_quotes is norm (it maps characters one for one)."""
    low = norm[lo:hi].lower()
    out = []
    for m in _WORD.finditer(low):
        word, at = m.group(), m.start()
        if word == "s" and at > 0 and low[at - 1] == "'":
            continue
        out.append((lo + at, _stem(word)))
    return out


def _span_stems(norm: str, lo: int, hi: int) -> frozenset[str]:
    """The stems of _norm_tokens(norm, lo, hi), without their offsets."""
    low = norm[lo:hi].lower()
    if "'" in low:  # (a possessive "s" is no token: _norm_tokens knows which "s" is one)
        return frozenset(stem for _, stem in _norm_tokens(norm, lo, hi))
    return frozenset(map(_stem, _WORD.findall(low)))


# A past verb: "-ed", or an irregular form other than those that are also present ("set", "cut").
_PAST_VERB = (r"(?:[a-z]{3,}ed|" + "|".join(w for w in _IRREGULAR if w not in ("set", "put", "cut", "hit", "quit"))
              + r")\b")
# "began testing in 2021 and started offering rides on June 3": a second predicate, a second event.
_COORDINATION = re.compile(r"(?i)\b(?:and|but|then)\s+(?:(?:later|then|also|now|soon)\s+)?"
                           r"(?:(?:will|would|has|have|had|was|were)\s+)?" + _PAST_VERB)


# ", which ..." speaks of the noun before the comma, "Wednesday, when ..." of the time before it.
# "moved to Leeds after it was sold in 2009": a subordinate clause with its own subject and verb
# has its own date.
_SUBORDINATE = re.compile(
    r"(?i)\b(?:after|before|since|while|because|although|though|until|once|whereas)\s+"
    r"(?:(?:it|he|she|they|we|i|you)\s+|(?:the|a|an|its|their|his|her|this|that)\s+(?:[\w'-]+\s+){0,2}?)"
    r"(?:was|were|had|has|have|is|are|would|will|could|[a-z]{3,}ed)\b"
    # "sentenced on Friday after pleading guilty in February": a gerund clause is another event.
    r"|\b(?:after|before|since|while|upon|when)\s+[a-z]{2,}ing\b")
# "won government approval in 2019 and construction began in June 2021": right after a time, a
# clause of its own (a subject, then its verb) dates its event by its own time.
_NEXT_CLAUSE = re.compile(
    r"\s*,?\s*(?:and|but)\s+(?:(?:the|its|their|his|her|a|an)\s+)?"
    r"(?!(?:later|then|also|now|soon|will|would|has|have|had|was|were)\b)[a-z][\w-]*\s+" + _PAST_VERB)
_RELATIVE_COMMA = re.compile(r",\s*(?:which|who|whose|where|when)\b")
_BREAKS = ",;:()—–"
# A word each match of the pattern holds: on ASCII text (where (?i) is ASCII case folding) a gap
# holding none of them cannot match, and most gaps hold none (a substring test costs far less).
_COORDINATION_WORDS = ("and", "but", "then")
_SUBORDINATE_WORDS = ("after", "before", "since", "while", "because", "though", "until", "once", "whereas",
                      "upon", "when")


def _matches(rx: re.Pattern[str], text: str, words: tuple[str, ...]) -> int:
    """len(rx.findall(text)), for a pattern whose every match holds one of words (any case)."""
    if text.isascii():
        low = text.lower()
        if not any(w in low for w in words):
            return 0
    return len(rx.findall(text))


def _closeness(expr: TimeExpression, body: str, toks: list[tuple[int, str]],
               terms: list[str], vocab: frozenset[str] | None = None) -> dict[str, float]:
    """For each event word in the sentence, how closely it attaches to the expression (0..1):
    near in words, and not across commas, brackets or dashes (other clauses). vocab: the
    article's stems (the words' matches are then looked up, not tested stem by stem)."""
    idx = [i for i, (off, _) in enumerate(toks) if expr.start <= off < expr.end]
    if not idx:
        return {}
    first, last = idx[0], idx[-1]
    # "a day after X told staff": the words after the expression name the event it counts from.
    relative = _event_relative(body, expr)
    # "On Monday, the council voted ...": the comma closing a sentence-opening time adverbial
    # does not separate it from the clause it dates.
    fronted = (re.fullmatch(r"[\"“'(]?(?:[A-Z][a-z]*(?:\s+[a-z]+)?\s+)?", body[toks[0][0]:expr.start]) is not None
               and re.match(r"\s*,", body[expr.end:expr.end + 3]) is not None)
    out: dict[str, float] = {}
    # (words from a clause of its own right after the expression are a clause away)
    own = _NEXT_CLAUSE.match(body, expr.end)
    at: dict[str, list[int]] = {}
    for i, (_, stem) in enumerate(toks):
        at.setdefault(stem, []).append(i)
    # (_matching(term, vocab) is _matched_among(term, vocab), remembered for the article.)
    known = vocab if vocab is not None and at.keys() <= vocab else None
    for term in terms:
        best = None
        matched = _matching(term, known).intersection(at) if known is not None else _matched_among(term, at)
        for i in sorted(i for stem in matched for i in at[stem]):
            if first <= i <= last or (relative and i > last):
                continue
            off = toks[i][0]
            lo, hi = (toks[i][0], expr.start) if i < first else (expr.end, off)
            gap = body[lo:hi]
            # The word itself may be the verb of a subordinate clause ("after pleading").
            word_end = hi if i < first else off + len(re.match(r"[^\W_]*", body[off:off + 40]).group())
            # "the city marathon, which opens on Sept. 13" speaks of the noun just before the
            # comma: no clause break for it, but one for the main clause further back
            # ("voted to close the library, which opened in 1931").
            free = 0
            for m in _RELATIVE_COMMA.finditer(gap) if "," in gap else ():
                if i > last or sum(1 for o, _ in toks[i + 1:first] if o < lo + m.start()) <= 2:
                    free += 1
            breaks = (sum(map(gap.count, _BREAKS)) - free + _matches(_COORDINATION, gap, _COORDINATION_WORDS)
                      + _matches(_SUBORDINATE, body[lo:word_end], _SUBORDINATE_WORDS)
                      - (1 if fronted and i > last else 0) + (1 if own is not None and i > last else 0))
            dist = (first - i if i < first else i - last) + 4 * breaks
            best = dist if best is None else min(best, dist)
        if best is not None:
            out[term] = 1.0 / (1.0 + best / 6.0)
    return out


# ---------------------------------------------------------------- what a "when" question asks

@dataclass(frozen=True)
class WhenQuestion:
    """What the wording of a "when" question says beyond its content words."""

    tense: str = ""       # "past" (did, was, has), "future" (will, must, is due to), "present" (is, does)
    aspect: str = ""      # "start" (start, begin, open, take effect) or "end" (end, until, expire)
    speech: bool = False  # the event is itself a saying: "when did X announce / say / warn"
    names: frozenset[str] = frozenset()  # capitalised words (lower-cased): who and where, not what
    acronyms: frozenset[str] = frozenset()  # words written in capitals ("NTSB"), lower-cased
    words: tuple[str, ...] = ()  # every word of the question, lower-cased, in order


_Q_PAST = frozenset("did was were had has have".split())
_Q_FUTURE = frozenset("will shall must should would".split())
_Q_PRESENT = frozenset("does do is are can".split())
# Openings after which a question may end on its participle ("was the dog found", "has the road reopened").
_Q_PASSIVE = frozenset("was were is are has have had".split())


def _ends_on_participle(words: tuple[str, ...]) -> bool:
    """Whether a question's words end on a participle of the verb its opening asks with."""
    return len(words) > 2 and words[0] in _Q_PASSIVE and (words[-1].endswith("ed") or words[-1] in _IRREGULAR)


_START_WORDS = (r"start(?:s|ed|ing)?|begin(?:s|ning)?|began|commence[sd]?|open(?:s|ed)?|take\s+effect|"
                r"takes\s+effect|come\s+into\s+(?:force|effect)|kick\s+off|resume[sd]?")
_Q_START = re.compile(rf"(?i)\b(?:{_START_WORDS})\b")
# ... and in an article's sentence, also "got under way" and "launched" ("as a public consultation got
# under way yesterday" is when it began, not when it ends).
_STARTING = re.compile(rf"(?i)\b(?:{_START_WORDS}|under\s+way|underway|launch(?:es|ed)?)\b")
_END_WORDS = (r"end(?:s|ed)?|finish(?:es|ed)?|expire[sd]?|until|till|run\s+out|last\s+until|conclude[sd]?|"
              r"re(?:open|start)(?:s|ed)?|resume[sd]?")
_Q_END = re.compile(rf"(?i)\b(?:{_END_WORDS})\b")
# Words in an article's sentence saying that what follows is an end: the question's, and "close"
# ("opened at 9am on Tuesday and will close on Tuesday 6 May"), which a question asks as "end".
_ENDING = re.compile(rf"(?i)\b(?:{_END_WORDS}|clos(?:e|es|ed|ing))\b")
# Words asking for the end of the event itself ("when will they finish the repairs"); "reopen" or
# "resume" ask for the end of an interruption, which an opening does give.
_FINISH_WORDS = frozenset("end ends ended finish finishes finished complete completed conclude concluded "
                          "expire expires expired".split())
_SPEECH_Q = re.compile(r"(?i)\b(?:say|said|says|announce[sd]?|announcing|tell|told|confirm(?:s|ed)?|"
                       r"report(?:s|ed)?|warn(?:s|ed)?|declare[sd]?|reveal(?:s|ed)?|claim(?:s|ed)?|"
                       r"insist(?:s|ed)?|write|wrote|written|admit(?:s|ted)?|deny|denied)\b")


def analyse_question(text: str) -> WhenQuestion:
    """Tense, aspect and speech act of the event a "when" question asks about
    ("did the talks collapse", "will the ban end", "did the minister announce the cut")."""
    words = re.findall(r"[a-z']+", normalize_quotes(text).lower())
    if words and words[0] == "when":
        words = words[1:]
    first = words[0] if words else ""
    rest = " ".join(words[1:6])
    if first in _Q_PAST and re.search(r"\b(?:supposed|due|meant|scheduled|set|expected|planned|slated)\s+to\b", rest):
        tense = ""  # "when was he supposed to have his hip replaced": a plan, for a day either side of now
    elif first in _Q_PAST:
        tense = "past"
    elif first in _Q_FUTURE or re.search(r"\b(?:expected|due|scheduled|set|going|planned|slated)\s+to\b", rest):
        tense = "future"
    elif first in _Q_PRESENT:
        tense = "present"
    else:
        tense = ""
    aspect = "end" if _Q_END.search(text) else "start" if _Q_START.search(text) else ""
    norm = normalize_quotes(text)
    names = {w.lower() for w in re.findall(r"(?<![\w'])([A-Z][\w]*)", norm)
             if w.lower() not in _Q_PAST | _Q_FUTURE | _Q_PRESENT | {"when"}}
    # "Luuk van der Steen", "Omar al Rashid": particles inside a name are part of it.
    for m in re.finditer(r"[A-Z][\w']*((?:\s+(?:" + _NAME_PARTICLES + r"))+)\s+[A-Z]", norm):
        names |= set(m.group(1).lower().split())
    acronyms = frozenset(w.lower() for w in re.findall(r"(?<![\w'])([A-Z]{2,6})(?![\w'])", norm))
    words = tuple(re.findall(r"[^\W_]+", norm.lower()))
    return WhenQuestion(tense, aspect, bool(_SPEECH_Q.search(text)), frozenset(names), acronyms, words)


_NAME_PARTICLES = "van|der|den|de|la|le|du|da|di|von|bin|al|el|ibn|dos|del"


# ---------------------------------------------------------------- which expression dates the event

_DATELINE_BEFORE = re.compile(r"[A-Z][A-Z.'\- ]*[A-Z.](?:,\s*[A-Z][\w.'\-]*(?:\s+[A-Z][\w.'\-]*)*)*,\s*$")
_DATELINE_AFTER = re.compile(r"\s*(?:\([^)\n]*\)\s*)?(?:[—–]|--?\s)")


def _is_dateline(text: str, e: TimeExpression) -> bool:
    """"VALMORA, March 8 — ...", "March 8 (Reuters) - ...": the date of the report, not of an event.
    A dateline opens a line: an upper-case place (optionally ", Region"), the date, then a dash."""
    line_start = text.rfind("\n", 0, e.start) + 1
    before = text[line_start:e.start]
    if before.strip() and not _DATELINE_BEFORE.fullmatch(before.lstrip()):
        return False
    after = _DATELINE_AFTER.match(text, e.end)
    if after and not before.strip() and "(" not in after.group() and text[:line_start].strip():
        return False  # "Monday 14 July – The committee defers a decision": a timeline's entry, not the lead
    return bool(after)


_SPEECH_VERBS = (r"said|says|told|tells|announced|announces|added|stated|confirmed|confirms|reported|"
                 r"wrote|warned|noted|explained|insisted|argued|claimed|declared|revealed|testified|"
                 r"conceded|acknowledged|admitted|denied|tweeted|posted")
_SPEECH_WORDS = tuple(_SPEECH_VERBS.split("|"))
_SPEECH_BEFORE = re.compile(rf"(?i)\b(?:{_SPEECH_VERBS})\b((?:\s+[\w'’.-]+){{0,8}}?)\s*(?:on|in|at|late|early)?\s*$")
_NOT_SPEECH_GAP = re.compile(r"(?i)\b(?:that|would|will|to|had|has|have|was|were|is|are|be|been|could|should|"
                             r"may|might|can|when|if|and|but|it|they|he|she|we)\b|[,;:\"“”]")


def _speech_attached(text: str, sent: tuple[int, int], e: TimeExpression) -> bool:
    """"the ministry said on Tuesday", "she told reporters on Monday": the date of the saying."""
    before = normalize_quotes(text[sent[0]:e.start])
    if before.isascii() and not any(w in before.lower() for w in _SPEECH_WORDS):
        return False  # (what the search below would find: each of its matches holds one of these)
    m = _SPEECH_BEFORE.search(before)
    return bool(m) and not _NOT_SPEECH_GAP.search(m.group(1))


def _another_saying(question: WhenQuestion, text: str, sent: tuple[int, int], e: TimeExpression) -> bool:
    """"He told the Gazette last night that he had written to the minister on Tuesday": for "when did
    he write", the dated saying is another one, as the question's own verb follows in what was said."""
    asked = {_stem(w) for w in question.words if _SPEECH_Q.fullmatch(w)}
    m = _SPEECH_BEFORE.search(normalize_quotes(text[sent[0]:e.start])) if asked else None
    if m is None or _stem(m.group().split()[0].lower()) in asked:
        return False
    return any(_stem(w) in asked for w in re.findall(r"[a-z]+", text[e.end:sent[1]].lower()))


_SUPERLATIVE = re.compile(r"(?i)\b(?:first|only|\w+est|most|least|best|worst|biggest|largest|highest|"
                          r"lowest)\b(?:\s+[\w'’-]+){0,8}\s*$")
_NOT_SUPERLATIVE = frozenset("interest latest west forest protest request harvest honest modest "
                             "arrest contest suggest digest invest test rest guest chest nest "
                             "earnest".split())


def _comparison_since(text: str, sent: tuple[int, int], e: TimeExpression) -> bool:
    """"its highest level since 2009", "the first default since the 2000s", "the biggest fall in
    six months": the baseline of a comparison, not the date of the event."""
    before = text[sent[0]:e.start]
    if not e.text.lower().startswith("since"):
        return False  # ("in six months" after a superlative is a length, dropped anyway)
    m = _SUPERLATIVE.search(before)
    if not m:
        return False
    word = re.match(r"\w+", m.group()).group().lower()
    return word not in _NOT_SUPERLATIVE


def _event_relative(text: str, e: TimeExpression) -> bool:
    """"two years after the state stopped paying": a date counted from another event, not fixed."""
    return (e.kind == "relative" and re.search(r"(?i)\b(?:after|before)$", e.text) is not None
            and re.match(r"\s+[\w“\"]", text[e.end:e.end + 3]) is not None)


def _point(value: str | None) -> str | None:
    """The start (or, if open, the end) of a TIMEX value, as written: "2016-03-15", "2015-10", "2015"."""
    if not value:
        return None
    a, _, b = value.partition("/")
    v = a if a and a != ".." else b
    return v if v and re.match(r"\d{4}(?:-\d\d(?:-\d\d)?|-Q\d)?$", v) else None


def _side_of_publication(e: TimeExpression, published: date | None) -> int | None:
    """-1 before the published date, 0 on it (at the expression's granularity), 1 after; None unknown."""
    if published is None:
        return None
    season = re.match(r"(\d{4})-(SP|SU|FA|WI)$", (e.value or "").partition("/")[0])
    if season:  # "this summer": the three months from the season's first
        first = date(int(season.group(1)), _SEASON_FIRST[season.group(2)], 1)
        here = published.replace(day=1)
        return 1 if here < first else -1 if here >= first + relativedelta(months=3) else 0
    v = _point(e.value)
    if v is None:
        return None
    if "-Q" in v:
        y, q = int(v[:4]), int(v[-1])
        here = (published.year, (published.month - 1) // 3 + 1)
        there = (y, q)
    else:
        parts = [int(x) for x in v.split("-")]
        here = (published.year, published.month, published.day)[:len(parts)]
        there = tuple(parts)
    return (there > here) - (there < here)


class _Text:
    """What the rules read off a text whatever its published date (normalised text, sentences,
    tokens, stems, expressions before resolution), each part computed on first use."""

    def __init__(self, text: str, saved: str | None = None) -> None:
        self.text = text
        self.norm = normalize_quotes(text)
        self._saved = saved  # a stored analysis (saved_analysis), decoded on first use
        self._sentences: list[tuple[int, int]] | None = None
        self._starts: list[int] | None = None
        self._parsed: list[tuple[_Atom, str]] | None = None
        self._toks: dict[int, list[tuple[int, str]]] = {}
        self._stems: list[frozenset[str]] | None = None
        self._match_vocab: frozenset[str] | None = None
        self._words: tuple | None = None  # the words as Python lists: made only for the slower paths
        # The words as arrays (stem ids into _distinct, starts, ends): a stored analysis decodes to
        # these, and most questions read nothing else (no per-word Python objects).
        self._arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._distinct: list[str] = []
        self._vocab: frozenset[str] | None = None
        self._possessive: tuple[list[int], list[int], bool] | None = None
        self._rows: list[tuple[int, int] | None] | None = None
        self._sentence_runs: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._span_runs: dict[tuple, tuple[np.ndarray, np.ndarray, list[int]]] = {}
        self._matched_words: tuple[tuple[str, ...], np.ndarray] | None = None
        self._term_rows: dict[str, np.ndarray] = {}
        self._sentence_at: dict[tuple[int, int], int] | None = None
        self._span_sets: dict[tuple[int, int], frozenset[str]] = {}
        self._resolved: dict[date | None, list[TimeExpression]] = {}
        self._atom_sentences: list[tuple[int, int]] | None = None
        self._ended: np.ndarray | None = None

    @property
    def sentences(self) -> list[tuple[int, int]]:
        if self._sentences is None:
            if self._saved is not None:
                self._load()
            if self._sentences is None:
                self._sentences = _sentence_bounds(self.norm)
        return self._sentences

    def _load(self) -> None:
        """Take sentences, parsed atoms and tokens from the saved analysis; a damaged one is dropped."""
        saved = self._saved
        if saved is None:
            return
        try:
            sentences, parsed, (ids, starts, ends, distinct, vocab) = _decode_analysis(saved, self.norm)
        except _DAMAGED:
            self._saved = None  # computed from the text as before
            return
        # (In this order: another thread may read the text meanwhile, and the arrays index _distinct.)
        self._distinct, self._vocab = distinct, vocab
        self._arrays = ids, starts, ends
        self._sentences, self._parsed, self._saved = sentences, parsed, None

    @property
    def parsed(self) -> list[tuple[_Atom, str]]:
        """The atoms of the text (ranges combined) with the tense of each, before resolution."""
        if self._parsed is None:
            if self._saved is not None:
                self._load()
            if self._parsed is None:
                self._parsed = self._parse()
        return self._parsed

    def _parse(self) -> list[tuple[_Atom, str]]:
        norm, sentences = self.norm, self.sentences
        # Case-insensitive patterns match dotless "ı" and long "ſ" as "i" and "s", which .lower()
        # keeps as they are: the rules' word lookups see them folded (same length, same offsets).
        dates = norm.translate(_FOLD_FOR_DATES) if "ı" in norm or "ſ" in norm else norm
        atoms = _combine_ranges(_merge_relative_years(_with_clock_times(_atoms(dates), dates), dates), dates)
        parsed, si = [], 0
        period: tuple[int, frozenset[int], int] | None = None  # (sentence, its months, year) of the last period
        year: tuple[int, int, int] | None = None  # (sentence, end, year) of a bare year just before
        for a in atoms:
            while si + 1 < len(sentences) and sentences[si][1] <= a.start:
                si += 1
            if a.tag == "date" and a.p["y"] is None and "year_offset" not in a.p and period is not None \
                    and period[0] == si and a.p["m"] in period[1]:
                a = _Atom(a.start, a.end, a.tag, {**a.p, "y": period[2]})  # "in the autumn of 2023 …, on 2 October"
            tense = _clause_tense(norm, sentences[si], a.start, a.end)
            if a.tag == "date" and a.p["y"] is None and "year_offset" not in a.p and year is not None \
                    and year[0] == si and tense == "past" and not re.search(r"[,;:()]", norm[year[1]:a.start]):
                # "The 2024 edition was cut short when the storm tore through on 14 September": in one
                # clause, with no other time between, what happened in that year's story happened then
                a = _Atom(a.start, a.end, a.tag, {**a.p, "y": year[2]})
            year = (si, a.end, a.p["y"]) if a.tag == "year" else None
            months = frozenset([a.p["m"]]) if a.tag == "month" else _SEASON_MONTHS.get(_SEASONS[a.p["s"]][0]) \
                if a.tag == "season" else None
            if months and a.p.get("y") is not None:
                period = (si, months, a.p["y"])
            parsed.append((a, tense))
        return parsed

    def atom_sentences(self) -> list[tuple[int, int]]:
        """The sentence _parse read each parsed atom's tense in (the same walk over the sentences)."""
        if self._atom_sentences is None:
            sentences, out, si = self.sentences, [], 0
            for a, _ in self.parsed:
                while si + 1 < len(sentences) and sentences[si][1] <= a.start:
                    si += 1
                out.append(sentences[si])
            self._atom_sentences = out
        return self._atom_sentences

    def tense(self, k: int, sent: tuple[int, int]) -> str:
        """_tense(norm, sent, start, end) of the k-th parsed atom: the tense _parse stored when sent
        is the sentence it read it in (the same call then), else read again."""
        a, tense = self.parsed[k]
        if self.atom_sentences()[k] == sent:
            return _STORED_TENSES.get(tense, tense)  # (_clause_tense marks a plain marker's tense)
        return _tense(self.norm, sent, a.start, a.end)

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [a for a, _ in self.sentences]
        return self._starts

    @property
    def words(self) -> tuple:
        """The word tokens of the whole lower-cased text: starts, ends, stems, the indices of
        possessive "s", the stem set, and whether slices lower-case as the whole text does."""
        if self._words is None:
            if self._saved is not None:
                self._load()
            if self._words is None:
                if self._arrays is not None:
                    self._words = _table_of(self.norm, *self._arrays, self._distinct)
                else:
                    self._words = _word_table(self.norm, *_tokenise(self.norm.lower()))
        return self._words

    def _word_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each word's stem id (into self._distinct), start and end, as arrays."""
        if self._arrays is None:
            if self._saved is not None:
                self._load()
            if self._arrays is None:
                _, starts, ends, stems, *_ = self.words
                index: dict[str, int] = {}
                ids = np.array([index.setdefault(x, len(index)) for x in stems], dtype=np.intp)
                self._distinct = list(index)  # (before the arrays that index it: see _load)
                self._arrays = ids, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)
        return self._arrays

    def _possessives(self) -> tuple[list[int], list[int], bool]:
        """words' possessive "s" indices, their starts, and whether slices lower-case as the whole
        text does, read off the arrays when the Python lists are not made."""
        if self._possessive is None:
            if self._words is not None:
                _, starts, _, _, poss, _, whole = self._words
            else:
                ids, at, _ = self._word_arrays()
                norm = self.norm
                if norm.isascii():  # lower() moves no offset and no apostrophe: no need to make it
                    low, whole, has_s = norm, True, "'s" in norm or "'S" in norm
                else:
                    low = norm.lower()
                    whole = len(low) == len(norm) and "\u03a3" not in norm  # (as _word_table says)
                    has_s = "'s" in low
                sid = self._distinct.index("s") if has_s and "s" in self.vocab else None
                starts = at  # (indexed only at possessives)
                poss = [] if sid is None else [
                    k for k in (ids == sid).nonzero()[0].tolist() if at[k] > 0 and low[int(at[k]) - 1] == "'"]
            self._possessive = poss, [int(starts[k]) for k in poss], whole
        return self._possessive

    def _plain_many(self, spans: list[tuple[int, int]]) -> list[tuple[int, int] | None]:
        """For each span, the range of whole-text tokens that are exactly the tokens of text[lo:hi], if no
        word is cut at either end and no possessive "s" is to be dropped; else None."""
        i0, i1, ok = self._plain_runs(spans)
        return [(a, b) if good else None for a, b, good in zip(i0.tolist(), i1.tolist(), ok.tolist())]

    def _plain_runs(self, spans: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """_plain_many as arrays: each span's first and end word, and whether the span is plain."""
        poss, poss_at, whole = self._possessives()
        at = self._word_arrays()[1]
        lo, hi = np.fromiter(chain.from_iterable(spans), dtype=np.int64, count=2 * len(spans)).reshape(-1, 2).T
        # bisect_right(starts, x - 1) on integers is the count of starts below x.
        i0, i1 = at.searchsorted(lo), at.searchsorted(hi)
        if not whole or not spans:
            return i0, i1, np.zeros(len(spans), dtype=bool)
        # No word cut at either end: the word before each bound ends by it (-1 before the first
        # word; a negative bound is no plain span anyway). Fewer numpy calls: each costs µs here.
        ended = self._ends_before()
        ok = (lo >= 0) & (hi > lo) & (ended[i0] <= lo) & (ended[i1] <= hi)
        if poss:  # a possessive "s" past a span's start is dropped from the span's own tokens
            for k in np.flatnonzero(ok).tolist():
                a, b, x = int(i0[k]), int(i1[k]), int(lo[k])
                if any(p > x for p in poss_at[bisect_right(poss, a - 1):bisect_right(poss, b - 1)]):
                    ok[k] = False
        return i0, i1, ok

    def _ends_before(self) -> np.ndarray:
        """Where the word before each word ends (-1 for the first), and the last word's end."""
        if self._ended is None:
            self._ended = np.concatenate(([-1], self._word_arrays()[2]))
        return self._ended

    def _sentence_rows(self) -> list[tuple[int, int] | None]:
        """_plain_many of the sentences: each one's run of whole-text words (None: it cuts one)."""
        if self._rows is None:
            i0, i1, ok = self._sentence_runs = self._plain_runs(self.sentences)  # (set before _rows)
            self._rows = [(a, b) if good else None for a, b, good in zip(i0.tolist(), i1.tolist(), ok.tolist())]
        return self._rows

    def _run_stems(self, r: tuple[int, int]) -> frozenset[str]:
        return frozenset(map(self._distinct.__getitem__, self._word_arrays()[0][r[0]:r[1]].tolist()))

    def spans_stems(self, spans: list[tuple[int, int]]) -> list[frozenset[str]]:
        """The stems of slice_tokens(lo, hi) for each span, remembered per span."""
        known = self._span_sets
        missing = [sp for sp in dict.fromkeys(spans) if sp not in known]
        if missing:
            at = self.sentence_at()
            others = [sp for sp in missing if sp not in at]
            for sp in missing:
                if sp in at:
                    self.sentence_stems(at[sp])  # (passages are mostly sentences)
            for sp, r in zip(others, self._plain_many(others)):
                known[sp] = frozenset(map(_SECOND, self.slice_tokens(*sp))) if r is None else self._run_stems(r)
        return [known[sp] for sp in spans]

    def slice_tokens(self, lo: int, hi: int) -> list[tuple[int, str]]:
        """_tokens(text, lo, hi), cut from the tokens of the whole text."""
        low, starts, ends, stems, poss, _, whole = self.words
        if not whole or lo < 0:
            return _norm_tokens(self.norm, lo, hi)
        if hi <= lo:
            return []
        i0, i1 = bisect_right(starts, lo - 1), bisect_right(starts, hi - 1)
        out: list[tuple[int, str]] = []
        if i0 and ends[i0 - 1] > lo:  # a word cut at lo
            out.append((lo, _stem(low[lo:min(ends[i0 - 1], hi)])))
        cut = i1 > i0 and ends[i1 - 1] > hi  # a word cut at hi
        j1 = i1 - 1 if cut else i1
        p0, p1 = bisect_right(poss, i0 - 1), bisect_right(poss, j1 - 1)
        if p0 == p1:
            out += zip(starts[i0:j1], stems[i0:j1])
        else:  # a possessive "s" opening the slice is kept, as a slice of its own would keep it
            drop = {k for k in poss[p0:p1] if starts[k] > lo}
            out += [(starts[k], stems[k]) for k in range(i0, j1) if k not in drop]
        if cut:
            a = starts[i1 - 1]
            part = low[a:hi]
            if not (part == "s" and a > lo and low[a - 1] == "'"):
                out.append((a, _stem(part)))
        return out

    def sentence_tokens(self, i: int) -> list[tuple[int, str]]:
        """_tokens of sentence i (only sentences holding an expression need them)."""
        hit = self._toks.get(i)
        if hit is None:
            r = self._sentence_rows()[i]
            if r is None:
                hit = self.slice_tokens(*self.sentences[i])
            else:  # a run of whole-text words: cut from the arrays
                ids, at, _ = self._word_arrays()
                hit = list(zip(at[r[0]:r[1]].tolist(), map(self._distinct.__getitem__, ids[r[0]:r[1]].tolist())))
            self._toks[i] = hit
        return hit

    def sentence_at(self) -> dict[tuple[int, int], int]:
        """Each sentence's index by its bounds."""
        if self._sentence_at is None:
            self._sentence_at = {sp: i for i, sp in enumerate(self.sentences)}
        return self._sentence_at

    def sentence_stems(self, i: int) -> frozenset[str]:
        """The stems of sentence i's tokens, remembered."""
        sp = self.sentences[i]
        hit = self._span_sets.get(sp)
        if hit is None:
            r = self._sentence_rows()[i]
            hit = frozenset(map(_SECOND, self.slice_tokens(*sp))) if r is None else self._run_stems(r)
            self._span_sets[sp] = hit
        return hit

    @property
    def stems(self) -> list[frozenset[str]]:
        """The stems of each sentence's tokens."""
        if self._stems is None:
            self._stems = [self.sentence_stems(i) for i in range(len(self.sentences))]
        return self._stems

    @property
    def vocab(self) -> frozenset[str]:
        """_stem_set(text)."""
        if self._vocab is None:
            if self._saved is not None:
                self._load()
            if self._vocab is None:
                self._vocab = self.words[5]
        return self._vocab

    @property
    def match_vocab(self) -> frozenset[str]:
        """A vocabulary holding every sentence's stems, for _any_match over them."""
        if self._match_vocab is None:
            if None not in self._sentence_rows():  # every sentence's stems are the text's own: within vocab
                self._match_vocab = self.vocab
            else:
                held = frozenset().union(*self.stems)
                self._match_vocab = self.vocab if held <= self.vocab else held
        return self._match_vocab

    def _runs(self, spans: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """The spans' runs of whole-text words as their bounds in one array (each span's first word,
        then its end: what reduceat takes), whether each run holds a word, and which spans are not
        plain (their runs are empty), remembered for the last few span lists (an article's passages)."""
        key = tuple(spans)
        hit = self._span_runs.get(key)
        if hit is None:
            if spans is self.sentences or self._sentence_like(spans):
                self._sentence_rows()
                i0, i1, ok = self._sentence_runs
            else:
                i0, i1, ok = self._plain_runs(spans)
            bounds = np.empty(2 * len(spans), dtype=np.intp)
            bounds[0::2], bounds[1::2] = i0, i1
            filled = (i1 > i0) & ok
            hit = bounds, filled, (~ok).nonzero()[0].tolist()
            if len(self._span_runs) >= 4:
                self._span_runs.clear()
            self._span_runs[key] = hit
        return hit

    def _sentence_like(self, spans: list[tuple[int, int]]) -> bool:
        """Whether each span has its sentence's plain run of words: it starts where the sentence
        does and ends where it does or before white space alone (import's passages leave out a
        sentence's trailing space), so _plain_runs would find the same first word, end and
        plainness (no word starts in that space, and the last word ends before it)."""
        sentences, norm = self.sentences, self.norm
        if len(spans) != len(sentences) or None in self._sentence_rows():
            return False
        for (a, b), (a2, b2) in zip(spans, sentences):
            if a != a2 or b != b2 and not (a < b < b2 and norm[b:b2].isspace()):
                return False
        return True

    def _stem_ids(self, stems: Iterable[str]) -> list[int]:
        """Where each stem of the vocabulary stands in _distinct."""
        vocab = self.vocab
        if type(vocab) is _Vocab:  # (decoded: its joined stems are _distinct in order, one a line)
            joined = vocab.joined
            return [joined.count("\n", 0, joined.index(f"\n{x}\n")) for x in stems]
        return list(map(self._distinct.index, stems))  # (a few stems: no index of them all)

    def _word_matches(self, terms: tuple[str, ...]) -> np.ndarray:
        """Each word's terms as bits (bit k: its stem is in _matching(terms[k], vocab); 64 terms at
        most), and 0 for one more word past the last (so that a run may end there), remembered for
        the last terms."""
        known = self._matched_words  # (kept here: another thread may replace it meanwhile)
        if known is not None and known[0] == terms:
            return known[1]
        ids = self._word_arrays()[0]
        on = np.zeros(len(self._distinct) + 1, dtype=np.uint64)  # (the last: no stem)
        for k, t in enumerate(terms):
            on[self._stem_ids(_matching(t, self.vocab))] |= np.uint64(1 << k)
        words = on[np.append(ids, len(self._distinct))]
        self._matched_words = terms, words
        return words

    def spans_meet(self, spans: list[tuple[int, int]], terms: Iterable[str]) -> list[np.ndarray]:
        """For each term, whether each span's stems meet _matching(term, vocab): by the words of the
        spans' runs, 64 terms and every span in one pass, not a set per span."""
        terms = tuple(terms)
        if len(terms) > 64:
            return self.spans_meet(spans, terms[:64]) + self.spans_meet(spans, terms[64:])
        if not spans or not terms:
            return [np.zeros(len(spans), dtype=bool) for _ in terms]
        bounds, filled, cut = self._runs(spans)
        # reduceat ORs words[a:b] for each run (a, b) (and the gaps between runs, dropped); an
        # empty run gives its first word instead, hence filled.
        met = np.bitwise_or.reduceat(self._word_matches(terms), bounds)[0::2]
        met[~filled] = 0
        out = list((met >> np.arange(len(terms), dtype=np.uint64)[:, None] & np.uint64(1)).astype(bool))
        if cut:
            stems = self.spans_stems([spans[k] for k in cut])
            for t, meet in zip(terms, out):
                matched = _matching(t, self.vocab)
                for k, here in zip(cut, stems):
                    meet[k] = not matched.isdisjoint(here)
        return out

    def terms_sentences(self, terms: Sequence[str]) -> list[np.ndarray]:
        """For each term, whether each sentence's stems meet _matching(term, vocab)."""
        known = self._term_rows
        rows = {t: known.get(t) for t in terms}  # (kept here: another thread may clear known meanwhile)
        missing = [t for t, row in rows.items() if row is None]
        if missing:
            rows.update(zip(missing, self.spans_meet(self.sentences, missing)))
            if len(known) + len(missing) > 64:  # (a popular article meets many questions' words)
                known.clear()
            known.update((t, rows[t]) for t in missing)
        return [rows[t] for t in terms]

    def expressions(self, published: date | None) -> list[TimeExpression]:
        """find_time_expressions(text, published); atoms and tenses do not depend on the date."""
        hit = self._resolved.get(published)
        if hit is not None:
            return hit
        anchor = (published, "day") if published else None
        out: list[TimeExpression] = []
        for a, tense in self.parsed:
            try:
                resolve_as = "" if tense == _UNTIL_TENSE else _PLAIN_TENSES.get(tense, tense)
                res = _resolve(a, _Ctx(published, resolve_as, anchor, tense in _PLAIN_TENSES))
            except (ValueError, OverflowError):  # "9999 years ago": outside the calendar (years 1 to 9999)
                res = _Res(None, "year", None)
            if res.anchor is not None:
                anchor = res.anchor
            out.append(TimeExpression(self.text[a.start:a.end], a.start, a.end, res.iso, _KIND[a.tag],
                                      res.granularity, res.value))
        self._resolved[published] = out
        return out


_FOLD_FOR_DATES = str.maketrans({"ı": "i", "ſ": "s"})

# Keyed by the text itself: its hash is kept on the str, and an equal key is compared by identity
# first, so a hit costs next to nothing and a collision cannot mix two articles up.
_TEXTS: dict[str, _Text] = {}
_TEXTS_MAX = 64  # (about 200 KB an article)
_TEXTS_LOCK = threading.Lock()  # (_pick runs in worker threads)
# Texts dropped from _TEXTS and not freed yet: freeing one (thousands of objects in cold memory)
# takes ~0.1-0.25 ms, so an answer leaves it to release_evicted, called once the answer is handed
# back. Past _EVICTED_MAX they are freed at once (where nobody releases them: an import worker).
_EVICTED: list[_Text] = []
_EVICTED_MAX = 16


def _text(text: str) -> _Text:
    hit = _TEXTS.get(text)
    if hit is None:
        hit = _Text(text)
        _keep(hit)
    return hit


def _keep(t: _Text) -> None:
    dropped = None
    with _TEXTS_LOCK:
        while len(_TEXTS) >= _TEXTS_MAX:
            _EVICTED.append(_TEXTS.pop(next(iter(_TEXTS))))
        _TEXTS[t.text] = t
        if len(_EVICTED) > _EVICTED_MAX:
            dropped = _EVICTED[:]
            _EVICTED.clear()
    del dropped  # (freed outside the lock)


def release_evicted() -> int:
    """Free the texts evicted from the analysis cache since the last call (after an answer is out,
    so that freeing them does not delay it); returns how many."""
    with _TEXTS_LOCK:
        dropped = _EVICTED[:]
        _EVICTED.clear()
    return len(dropped)


# ---------------------------------------------------------------- saved analyses

def _rules_version() -> str:
    """A short hash of everything the saved analysis depends on: the source of this module and of
    bot.nlp.tokens, and the Python and Unicode versions behind the regexes and str.lower."""
    digest = hashlib.sha256(f"{sys.version_info[:2]} {unicodedata.unidata_version}".encode())
    for path in (__file__, _tokens_module.__file__):
        try:
            digest.update(Path(path).read_bytes())
        except (OSError, TypeError):
            return "unsourced-" + os.urandom(6).hex()  # no source to hash: trust no saved analysis
    return digest.hexdigest()[:12]


# Changes by itself whenever the rules can (nobody has to remember to bump it); a stored analysis
# of another version is ignored and can be refreshed with `python -m bot db reanalyse`.
ANALYSIS_VERSION = _rules_version()


def _stamp(norm: str) -> str:
    # The analysis is a function of the text with quotes normalised (mostly ASCII, so quick to
    # encode): its length and checksum bind the analysis to the text it was made from.
    return f"{ANALYSIS_VERSION}:{len(norm)}:{zlib.crc32(norm.encode('utf-8', 'surrogatepass')):08x}:"


def _encode_atom(a: _Atom) -> list:
    # Nested atoms (the ends of a range) are the only lists among an atom's parts.
    return [a.start, a.end, a.tag, {k: _encode_atom(v) if isinstance(v, _Atom) else v for k, v in a.p.items()}]


def _decode_atom(x: list) -> _Atom:
    start, end, tag, p = x
    if type(start) is not int or type(end) is not int or tag not in _KIND:
        raise ValueError("not an atom")
    return _Atom(start, end, tag, {k: _decode_atom(v) if type(v) is list else v for k, v in p.items()})


def saved_analysis(text: str) -> str:
    """What the date rules read off an article body whatever its date (sentence bounds, parsed
    atoms and their tenses, word tokens and stems), as a compact string for the store, stamped
    with ANALYSIS_VERSION."""
    t = _TEXTS.get(text) or _Text(text)
    sentences = t.sentences
    if all(a == b for (_, a), (b, _) in zip(sentences, sentences[1:])):
        bounds = [sentences[0][0]] + [b for _, b in sentences] if sentences else []  # where each ends
    else:
        bounds = [list(b) for b in sentences]
    parsed = [[_encode_atom(a), tense] for a, tense in t.parsed]
    _, starts, ends, stems, *_ = t.words
    header, tail = _encode_words(starts, ends, stems)
    return _stamp(t.norm) + json.dumps([bounds, parsed, header], separators=(",", ":")) + tail


def stored_analysis(text: str) -> str | None:
    """saved_analysis for the store, or None if the rules fail on this text: an import, migration
    or refresh must not stop on one article (questions then analyse it as they read it)."""
    try:
        return saved_analysis(text)
    except Exception:
        log.exception("date analysis failed for a text of %d characters", len(text))
        return None


def analysed_by_these_rules(saved: str | None) -> bool:
    """Whether a stored analysis carries this ANALYSIS_VERSION (a quick look: not whether it reads back)."""
    return saved is not None and saved.startswith(ANALYSIS_VERSION + ":")


def analysis_is_current(saved: str | None, text: str) -> bool:
    """Whether a stored analysis was made by these rules from this text and reads back whole."""
    if saved is None:
        return False
    try:
        _decode_analysis(saved, normalize_quotes(text))
    except _DAMAGED:
        return False
    return True


# What a damaged or foreign stored analysis raises while read back (JSON's and ASCII's errors are ValueErrors).
_DAMAGED = (ValueError, TypeError, KeyError, IndexError, AttributeError)


_JSON = json.JSONDecoder()


def _decode_analysis(saved: str, norm: str) -> tuple[list[tuple[int, int]], list[tuple[_Atom, str]], tuple]:
    stamp = _stamp(norm)
    if not saved.startswith(stamp):
        raise ValueError("made by other rules or from another text")
    (bounds, parsed, words), end = _JSON.raw_decode(saved, len(stamp))  # (the words' text follows)
    if bounds and type(bounds[0]) is list:
        sentences = [(a, b) for a, b in bounds]
    else:
        sentences = list(zip(bounds, bounds[1:]))
    if not set(map(type, chain.from_iterable(sentences))) <= {int}:
        raise ValueError("damaged sentence bounds")
    atoms = []
    for a, tense in parsed:
        if tense not in ("", "past", "future", *_STORED_TENSES):
            raise ValueError("damaged tense")
        atoms.append((_decode_atom(a), tense))
    return sentences, atoms, _decode_words(words, saved[end:], norm)


def seed_analyses(saved: Iterable[tuple[str, str | None]]) -> None:
    """Cache each (body, stored analysis) not cached yet, so the first question reading it skips
    sentence splitting and the date rules; an analysis of other rules is ignored."""
    for text, analysis in saved:
        if text and text not in _TEXTS and analysed_by_these_rules(analysis):
            _keep(_Text(text, analysis))


def term_specificity(body: str, terms: list[str]) -> dict[str, float]:
    """How much each word singles out a sentence of this article: words of the story's topic
    (its places and actors, in many sentences) weigh little; words naming one event weigh most."""
    return dict(_specificity(body, tuple(terms)))


@lru_cache(maxsize=64)
def _specificity(body: str, terms: tuple[str, ...]) -> dict[str, float]:
    t = _text(body)
    n = max(len(t.sentences), 1)
    rows = dict(zip(terms, t.terms_sentences(terms)))
    out = {}
    for term in terms:
        df = int(np.count_nonzero(rows[term]))  # the sentences whose stems meet _matching(term, vocab)
        out[term] = math.log(1.0 + n / df) if df else math.log(1.0 + n)
    return out


# Frame words that are themselves the event for some subjects ("the deal closes", "the show opens").
_ASPECTUAL = frozenset("reopen reopens reopened reopening resume resumes resumed resuming restart restarts "
                       "restarted start starts started starting begin begins began beginning end ends ended ending "
                       "finish finished open opens opened close closes closed".split())

# Words that pick one occurrence of a repeated event ("most recently", "first", "next"): the
# expression beside them is the one asked about.
_SELECTORS = frozenset("first last latest next recently previous previously earlier initially "
                       "originally again".split())
_SELECTOR_BOOST = 2.5
# Ordinals that tell one occurrence from the others: a sentence naming another one ("its second
# reading") than the question ("its first vote"), and not the question's, is about another one.
_ORDINALS = frozenset("first second third fourth fifth final".split())
_ORDINAL_RE = re.compile(r"(?i)\b(?:first|second|third|fourth|fifth|final)\b")
OTHER_ORDINAL = 0.5


def _other_ordinal(question: WhenQuestion, text: str, sent: tuple[int, int]) -> bool:
    """Whether the sentence names an ordinal and not the question's own ("second" for "first")."""
    asked = _ORDINALS.intersection(question.words)
    if not asked:
        return False
    said = {m.group().lower() for m in _ORDINAL_RE.finditer(text, sent[0], sent[1])}
    return bool(said) and not said & asked


# Selectors of an earlier occurrence: "the longest since 2019" dates the previous one as long.
_PREVIOUS = frozenset("previous previously last".split())


def rank_time_expressions(
    body: str, span: tuple[int, int], event_terms: list[str], published: date | None = None,
    question: WhenQuestion | None = None, weights: dict[str, float] | None = None,
    _carry: tuple[frozenset[str], int] | None = None,
) -> list[tuple[float, TimeExpression]]:
    """Every expression inside body[span[0]:span[1]] that could date the event, with a score
    (higher is better), best first. ``weights`` (e.g. corpus idf) scale the event words."""
    if isinstance(published, datetime):
        published = published.date()
    question = question or WhenQuestion()
    lo, hi = span
    art = _text(body)
    found_all, all_sents, norm_body = art.expressions(published), art.sentences, art.norm
    found = [(k, e) for k, e in enumerate(found_all) if lo <= e.start and e.end <= hi and not _adjectival(e)]
    if not found:
        return []
    terms = list(dict.fromkeys(t.lower() for t in event_terms))
    spec = term_specificity(body, terms)
    w = {t: spec[t] * (weights.get(t, 1.0) if weights else 1.0) * (_SELECTOR_BOOST if t in _SELECTORS else 1.0)
         for t in terms}

    what = _what_terms(terms, question)
    modifiers = _modifiers(question, terms)
    heads = what - modifiers
    # "the retired teacher": which teacher, not what she did ("retiring in 2014" is not her walk)
    w = {t: v * MODIFIER_WEIGHT if t in modifiers and t.endswith("ed") else v for t, v in w.items()}
    total = sum(w.values()) or 1.0
    subject = _subject_head(question, terms)
    # "start raking", "begin building": the start of an activity is dated by a start ("since
    # 1961", "from June"), or by a sentence saying it started, not by one instance of it.
    activity = question.aspect == "start" and any(
        _verb_like(t) and t not in _FRAME_WORDS and t not in question.names for t in what)
    finish = question.aspect == "end" and not _FINISH_WORDS.isdisjoint(question.words)
    # A sentence opening with an anaphoric subject ("They have rehearsed ...") carries the words
    # of the sentence before it, as if they stood where its subject stands.
    key = tuple(terms)
    vocab = art.match_vocab
    starts = art.starts

    def sentence(i: int) -> tuple:
        (a, b), toks, stems = all_sents[i], art.sentence_tokens(i), art.sentence_stems(i)
        a2, b2 = max(a, lo), min(b, hi)
        if a2 == a and b2 == b:
            toks2, stems2 = toks, stems
        else:
            toks2 = [t for t in toks if a2 <= t[0] < b2]
            stems2 = {x for _, x in toks2}
        carry = _carry
        if _carry is not None:  # the anaphoric subject stands for the antecedent's words
            stems2 = stems2 | {_stem(t) for t in _carry[0]}
        elif a2 == a:
            carry = _carry_at(art, key, i)
        other = _other_subject(norm_body, a, stems, subject, terms, vocab)
        if other:
            # ... and only if the article names the question's own subject with that event.
            own = _own_matches(body, key)
            mine = {t for t in heads if t in own[i]} | {subject}
            other = any(mine <= o for j, o in enumerate(own) if j != i)
        return (a2, b2), toks2, stems2, carry, other

    # Only the sentences holding an expression are read (sentences are ordered and disjoint).
    inside = [i for i, (a, b) in enumerate(all_sents) if a < hi and b > lo]
    read: dict[int, tuple] = {}
    # A whole sentence's stems are within vocab: whether it names an event word is then known for
    # every sentence at once, and a sentence naming none is passed over unread.
    named = ([row.tolist() for row in art.terms_sentences(terms)]
             if _carry is None and vocab is art.vocab else None)
    out = []
    for k, e in found:
        i = bisect_right(starts, e.start) - 1
        if not (i >= 0 and all_sents[i][0] < hi and all_sents[i][1] > lo
                and max(all_sents[i][0], lo) <= e.start < min(all_sents[i][1], hi)):
            i = inside[0]
        if named is not None and lo <= all_sents[i][0] and all_sents[i][1] <= hi and not any(
                row[i] for row in named):
            continue  # (what the _any_match test below would find)
        if i not in read:
            read[i] = sentence(i)
        sent, toks, stems, carry, other = read[i]
        if not any(_any_match(t, stems, vocab) for t in terms):
            continue
        if question.tense == "future" and re.match(r"(?i)since\b", e.text) or (
                question.tense == "future" and re.search(r"(?i)\bago$", e.text)):
            continue  # "closed since 2009" began in the past: it never says when something will be
        interrupted = _interruption_only(terms, stems, e)
        if finish and max([(m.start(), 1) for m in _STARTING.finditer(norm_body, sent[0], e.start)]
                          + [(m.start(), 0) for m in _ENDING.finditer(norm_body, sent[0], e.start)], default=(0, 0))[1]:
            # "when will they finish the repairs": "Repairs will start on 7 July" is when they begin
            # (the nearest start or end word before the day says which the day is)
            continue
        if activity and not (e.kind == "range" and re.match(r"(?i)(?:from|since|starting|beginning)\b", e.text)
                             or _Q_START.search(norm_body, sent[0], sent[1])
                             or re.search(r"(?i)\b(?:first|launch\w*|introduc\w*|set\s+up|took\s+up)\b",
                                          norm_body[sent[0]:sent[1]])):
            continue  # "when did he start raking oysters": "on Thursday he raked" is one morning of it
        if _is_dateline(norm_body, e):
            continue  # the date of the report
        if (not any(t in heads and t not in interrupted and _any_match(t, stems, vocab) for t in terms) or other) \
                and not (question.speech and _speech_attached(norm_body, sent, e)) and not (
                question.names and all(_any_match(t, stems, vocab) for t in question.names)
                and _verbless_listing(norm_body, sent, found_all)):
            # Names say who and where; some word naming what happened must be there, not only a
            # modifier ("world" of "world title"), and the clause must not be about another thing
            # ("The shop will reopen on 14 March" for the reading room), except that for "when
            # did X say ..." the dated saying by X is what happened (its content is often
            # paraphrased: "scrapping Boost" / "Boost would be withdrawn"); and a line of names
            # and a time alone ("Comets: At the Kings on Monday.") lists the event itself. (The
            # cheapest test first: most sentences name what happened, and need no listing test.)
            continue
        side = _side_of_publication(e, published)
        if question.tense == "past" and side == 1 or question.tense == "future" and side == -1:
            continue  # "when will ..." is not answered by last year, nor "when did ..." by tomorrow
        clause = art.tense(k, sent)  # (found_all is expressions(): one per parsed atom, in order)
        if side == 0 and (question.tense == "past" and clause == "future"
                          or question.tense == "future" and clause == "past"):
            continue  # "raised rates on Wednesday" (the publication day) is over: no "when will"
        close = _closeness(e, norm_body, toks, terms, vocab)
        for t in interrupted:
            close.pop(t, None)
        if carry is not None:
            head = [(carry[1], "\x00")]
            discount = 1.0 if _carry is not None else CONTINUATION_WEIGHT
            # (in the question's order: a set's order varies with the hash seed, and the score's
            # sum below follows close's order, so its last bits would vary from run to run)
            carried_words = [t for t in terms if t in carry[0]]
            for t, c in _closeness(e, norm_body, sorted(toks + head), ["\x00"]).items():
                for t2 in carried_words:
                    close[t2] = max(close.get(t2, 0.0), c * discount)
        # Names say who and where: they confirm a date only as far as the words naming what
        # happened attach to it ("She married Tobias in 1958; they divorced in 1974").
        cap = max((c for t, c in close.items() if t in what and t not in question.names), default=None)
        if cap is not None:
            close = {t: c * cap if t in question.names else c for t, c in close.items()}
        score = sum(w[t] * c for t, c in close.items()) / total
        if question.tense == "past" and clause == "future" or (
                question.tense == "future" and clause == "past" and side != 1):
            score *= 0.35
        elif question.tense == "present" and clause == "past" and side != 1:
            score *= 0.6
        if _speech_attached(norm_body, sent, e):
            if not question.speech and _ANNOUNCES_AHEAD.match(norm_body, e.end, sent[1]):
                continue  # "said this morning that they're adding a second night": it dates the saying only
            score *= 1.25 if question.speech and not _another_saying(question, norm_body, sent, e) else 0.45
        if _other_ordinal(question, norm_body, sent):
            score *= OTHER_ORDINAL  # "passed its second reading" is not "its first vote"
        if _comparison_since(norm_body, sent, e):
            previous = [t for t in terms if t in _PREVIOUS]
            if previous and question.tense not in ("future", "present"):
                # "the longest since 2019" dates the previous one as long: it answers "when was
                # the previous long strike" as if "previous" were written there.
                score += sum(w[t] * (1.0 - close.get(t, 0.0)) for t in previous) / total
            else:
                score *= 0.2
        if _event_relative(norm_body, e):
            score *= 0.6
        if e.value is None and e.iso is None:
            score *= 0.6
        if e.kind == "duration":
            # A length of time answers "how long", not "when"; only "(with)in six months" in a
            # future clause names a point in time.
            lead_in = norm_body[max(0, e.start - 8):e.start]
            if not (clause == "future" and re.search(r"(?i)\b(?:in|within)\s+$", lead_in)):
                continue
            score *= 0.5
        if e.granularity == "day" and e.iso:
            score *= 1.1  # of two dates beside the event, the precise one
        if e.kind == "range" and question.aspect:
            lead = e.text.lower()
            if question.aspect == "start" and re.match(r"(?:from|since|starting|beginning|between)\b", lead):
                score *= 1.3
            elif question.aspect == "end" and _end_connector(e.text) is not None:
                score *= 1.3
        if score > 0:
            out.append((score, e))
    out.sort(key=lambda x: (-x[0], x[1].kind == "duration", x[1].start))
    return out


# What a saying announces, when it is still to come: "… that they're adding", "… that it would close".
_ANNOUNCES_AHEAD = re.compile(r"(?i),?\s+that\s+(?:[\w-]+\s+){0,4}?(?:will|would|is\s+going\s+to|"
                              r"\w*(?:'ll|’ll)|(?:is|are|\w+'re|\w+’re)\s+\w+ing|plans?\s+to|intends?\s+to)\b")
_LISTING_WORDS = frozenset("the a an at on in vs v versus against to from of and with for by "
                           "home away".split())


def _verbless_listing(text: str, sent: tuple[int, int], found: list[TimeExpression]) -> bool:
    """A schedule or results line with no verb: names, a time and small words only
    ("Comets: At the Marlow City Kings on Monday.", "Final: Lakers v Celtics, Friday")."""
    a, b = sent
    times = [(e.start, e.end) for e in found if a <= e.start < b]
    if not times:
        return False
    words = [m for m in re.finditer(r"[^\W\d_][\w'’-]*", text[a:b])]
    return len(words) <= 15 and all(
        w.group()[0].isupper() or w.group().lower() in _LISTING_WORDS
        or any(s <= a + w.start() < e for s, e in times) for w in words)


def _what_terms(terms: list[str], question: WhenQuestion) -> set[str]:
    """The words naming what happened, not who or where, nor only when."""
    what = {t for t in terms if t not in question.names and t not in _SELECTORS
            and (t not in _FRAME_WORDS or t in _ASPECTUAL)}
    # "when did Mara Lind take over": a frame word alone is then the event; "when did Marek
    # Dolinar ...?" with nothing else: the names must do.
    return what or {t for t in terms if t not in question.names and t not in _SELECTORS} or set(terms)


# The subject opening a sentence, then its verb or a parenthetical ("The decision, taken at ...").
_ANAPHORIC_SUBJECT = re.compile(
    r"\s*[\"“]?(?:(?P<det>The|This|These|Those|That|Such|Its|Their|His|Her)\s+(?:[a-z][\w-]*\s+){0,2}?"
    r"(?P<head>[a-z][\w-]*)|(?P<pron>He|She|It|They))"
    r"(?:\s+(?:will|would|is|are|was|were|has|have|had|must|should|could|can|may|might|said|told|"
    r"[a-z]+ed|[a-z]+s)\b|,)")
_PERSONAL = frozenset("His Her Its Their He She It They".split())
# Nouns naming an event ("the reduction", "the agreement", "the closure", "the approval") ...
_EVENT_NOUN = re.compile(r"(?:tion|sion|ment|ure|al|ance|ence|ing)s?$")
# ... unless they name an actor: "the commission will meet" goes on about the commission.
_ACTOR_NOUNS = frozenset("commission commissions government administration organisation organization "
                         "federation association institution coalition opposition union department "
                         "management council tribunal national nationals official officials "
                         "individual individuals".split())


def _event_anaphor(head: str, terms: list[str]) -> bool:
    """A subject that takes up the event: a word of the question again, or an event noun."""
    head = head.lower()
    if any(_term_match(t, _stem(head)) for t in terms):
        return True
    return bool(_EVENT_NOUN.search(head)) and head not in _ACTOR_NOUNS


CONTINUATION_WEIGHT = 0.8


def rank_following(
    body: str, span: tuple[int, int], event_terms: list[str], published: date | None = None,
    question: WhenQuestion | None = None, weights: dict[str, float] | None = None,
) -> list[tuple[float, TimeExpression]]:
    """Expressions in the sentences just after a passage that go on about its event through an
    anaphoric subject: "OPEC agreed to cut output. The reduction will apply from June 1." The subject
    ("The reduction") carries the event words of the passage, at a discount."""
    if isinstance(published, datetime):
        published = published.date()
    art = _text(body)
    sentences, norm_body, vocab = art.sentences, art.norm, art.match_vocab
    terms = list(dict.fromkeys(t.lower() for t in event_terms))
    named: set[str] = set().union(*(art.sentence_stems(i) for i, (a, b) in enumerate(sentences)
                                    if a < span[1] and b > span[0]))
    carried = frozenset(t for t in terms if _any_match(t, named, vocab))
    if not carried:
        return []
    question = question or WhenQuestion()
    what = _what_terms(terms, question)
    out: list[tuple[float, TimeExpression]] = []
    after = [i for i, (a, _) in enumerate(sentences) if a >= span[1]][:3]
    breaks = 0
    for i in after:
        a, b = sentences[i]
        # Sentences keep their trailing white space: count the blank lines just before a.
        breaks += len(_BLANK_LINE.findall(_TRAILING_SPACE.search(body[max(0, a - 200):a]).group()))
        if breaks > 1:
            break  # the next paragraph at most
        m = _ANAPHORIC_SUBJECT.match(norm_body, a)
        if not m:
            continue
        if m.group("head") and _event_anaphor(m.group("head"), [t for t in terms if t not in question.names]):
            carry = carried  # "The reduction will apply from June 1": the subject is the event
        elif (m.group("pron") or m.group("det")) in _PERSONAL and any(
                t in what and _any_match(t, art.sentence_stems(i), vocab) for t in terms):
            # "Her death was announced ... her mother had died on Sunday": the pronoun stands
            # for the people named before; the sentence must name what happened itself.
            carry = frozenset(t for t in carried if t in question.names)
        else:
            continue
        head = m.start("head") if m.group("head") else m.start("pron")
        for score, e in rank_time_expressions(body, (a, b), terms, published, question, weights,
                                              _carry=(carry, head)):
            out.append((score * CONTINUATION_WEIGHT, e))
    out.sort(key=lambda x: (-x[0], x[1].start))
    return out


_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_TRAILING_SPACE = re.compile(r"\s*$")
_END_CONNECTOR = re.compile(r"(?i)(?:^|\s|(?<=\d))(until|till|through|to|[-–])\s*(?=\S)")


def _end_connector(text: str) -> int | None:
    """Where the end part of a range starts ("from March 4 until June" -> at "until")."""
    m = None
    for m in _END_CONNECTOR.finditer(text):
        pass
    if m is None:
        return None
    return m.start(1)


def range_end(body: str, e: TimeExpression, published: date | None = None) -> TimeExpression | None:
    """The end part of a range as an expression of its own: "until June" from "from March 4 until June"."""
    if e.kind != "range":
        return None
    cut = _end_connector(e.text)
    if cut is None or cut == 0:
        return None if cut is None else e
    masked = body[:e.start] + " " * cut + body[e.start + cut:]
    for x in find_time_expressions(masked, published):
        if x.start == e.start + cut and x.end == e.end:
            return x
    return None


# Words that frame the time of an event rather than name it: an article need not contain them
# to date the event ("when will the cut start" is answered by "from June 1").
# ("good" of "shut for good": the article says "for the last time" or "permanently")
_FRAME_WORDS = frozenset("""
start starts started starting begin begins began beginning end ends ended ending finish finished
open opens opened close closes closed take takes took taken effect place happen happens happened
occur occurs occurred get gets got come comes came go goes went make makes made hold holds held
first next last again most recently ever still finally officially due expected set scheduled
planned supposed meant must need needs near soon later earlier become becomes became new time date day year week month
good
extra additional further more another other
reopen reopens reopened reopening resume resumes resumed resuming restart restarts restarted
""".split())
# (The last line: modifiers a report paraphrases freely: "extra firefighters" are "another 120".)


@lru_cache(maxsize=256)
def _stem_set(text: str) -> frozenset[str]:
    known = _TEXTS.get(text)
    if known is not None:
        return known.vocab
    return frozenset(map(_stem, set(_WORD.findall(normalize_quotes(text).lower()))))


def _line_stem_sets(text: str) -> tuple[frozenset[str], ...]:
    """Stem sets whose union is _stem_set(text): of the first line and of the rest. A line break
    ends every word and every lower-casing context, so "title\nbody" shares the body's analysis."""
    cut = text.find("\n")
    if cut < 0:
        return (_stem_set(text),)
    return _stem_set(text[:cut]), _text(text[cut + 1:]).vocab


def article_lacks(text: str, event_terms: list[str], question: WhenQuestion | None = None) -> list[str]:
    """The event words that occur nowhere in text (an article's title and body), leaving out words
    that only frame the time or pick an occurrence ("previous"): an article lacking one of the rest
    does not describe the event. With the question's wording, an acronym may be spelt out
    ("NTSB": National Transportation Safety Board) and a modifier dropped before a word the
    article has ("the stock market" written "the market")."""
    return _lacks(_line_stem_sets(text), lambda: text, event_terms, question)


def title_and_body_lack(title: str, body: str, event_terms: list[str],
                        question: WhenQuestion | None = None) -> list[str]:
    """article_lacks(title + "\n" + body, ...), reading the body's analysis without joining the
    two (a copy of the body, and hashing it again to find its analysis)."""
    if "\n" in title:  # (then the line article_lacks reads first is not the title)
        return article_lacks(title + "\n" + body, event_terms, question)
    terms = list(dict.fromkeys(x.lower() for x in event_terms))
    # (what sentence_coverages asks next of the same article: found once for both)
    return _lacking(terms, _present_terms(title, body, tuple(terms)), lambda: title + "\n" + body, question)


def _lacks(parts: tuple[frozenset[str], ...], text: Callable[[], str], event_terms: list[str],
           question: WhenQuestion | None) -> list[str]:
    """article_lacks from the text's line stem sets (_line_stem_sets); text() is the text itself."""
    terms = list(dict.fromkeys(x.lower() for x in event_terms))
    return _lacking(terms, {t for t in terms if any(_matching(t, stems) for stems in parts)}, text, question)


def _lacking(terms: list[str], found: Set[str], text: Callable[[], str], question: WhenQuestion | None) -> list[str]:
    """article_lacks given the terms (lower-cased, once each) that the text names (found)."""
    out = []
    for t in terms:
        if t in found or t in _FRAME_WORDS or t in _SELECTORS:
            continue
        if question is not None and t in question.acronyms and _spelt_out(text(), t):
            continue
        if question is not None and t not in question.names:
            words = question.words
            # In "was the missing terrier found" the last word is the verb: the one before it is no
            # modifier of it (in "was the snap election" it is).
            heads = len(words) - 1 if _ends_on_participle(words) else len(words)
            if any(words[i + 1] in found and words[i + 1] not in question.names
                   for i, x in enumerate(words[:heads - 1]) if x == t):
                continue
        out.append(t)
    return out


_ACRONYM_SKIP = frozenset("of and the for on in".split())


def _spelt_out(text: str, acronym: str) -> bool:
    """True when capitalised words of text spell the acronym with their initials, or, for three letters
    or more, consecutive words of three letters or more do in any case ("annual general meeting")."""
    text = normalize_quotes(text)
    for m in re.finditer(r"(?:[A-Z][\w'-]*(?:\s+(?:of|and|the|for|on|in)\b)*\s+){1,7}[A-Z][\w'-]*", text):
        initials = "".join(w[0] for w in m.group().split() if w not in _ACRONYM_SKIP).lower()
        if acronym in initials:
            return True
    return len(acronym) >= 3 and acronym.isalpha() and re.search(
        r"(?i)\b" + r"\s+".join(rf"{c}[a-z]{{2,}}" for c in acronym) + r"\b", text) is not None


@lru_cache(maxsize=64)
def _own_matches(body: str, terms: tuple[str, ...]) -> list[frozenset[str]]:
    """For each sentence of the article, the event words it names (whose _matching meets its stems)."""
    t = _text(body)
    if not terms:
        return [frozenset()] * len(t.sentences)
    rows = [row.tolist() for row in t.terms_sentences(terms)]
    return [frozenset(compress(terms, named)) for named in zip(*rows)]


def _named_at(t: _Text, terms: tuple[str, ...], i: int) -> frozenset[str]:
    """_own_matches(body, terms)[i], for one sentence."""
    return frozenset(x for x, row in zip(terms, t.terms_sentences(terms)) if row[i])


def _carry_at(t: _Text, terms: tuple[str, ...], i: int) -> tuple[frozenset[str], int] | None:
    """The event words sentence i's anaphoric subject carries from the sentence before it in the
    same paragraph, and where that subject stands (None: no carry). A pronoun ("They have
    rehearsed ...", "But she died ...") carries all of them; a noun ("The decision was taken ...")
    only when it takes the event up. (Read for the few sentences ranked, not the whole article.)"""
    if i < 1:
        return None
    sentences, norm = t.sentences, t.norm
    a, b = sentences[i - 1]
    if "\n" in norm[a:b]:
        return None  # another line, another paragraph
    before = _named_at(t, terms, i - 1)
    if not before:
        return None
    m = _ANAPHORIC_SUBJECT.match(norm, sentences[i][0]) or _CONJ_PRONOUN.match(norm, sentences[i][0])
    if not m:
        return None
    if m.group("pron") or m.group("det") in _PERSONAL or _event_anaphor(m.group("head"), list(terms)):
        head = m.start("head") if m.group("head") else m.start("pron")
        return before - _named_at(t, terms, i), head
    return None


_CONJ_PRONOUN = re.compile(r"\s*[\"“]?(?:But|And|So|Yet|Then)\s+(?P<pron>he|she|it|they)\b(?P<det>)(?P<head>)")
_VERBLIKE_END = ("ed", "ing")


def _verb_like(word: str) -> bool:
    return word in _FRAME_WORDS or word in _IRREGULAR or word in _IRREGULAR_BASES or word.endswith(_VERBLIKE_END)


def _modifiers(question: WhenQuestion, terms: list[str]) -> set[str]:
    """Question words directly before another content word that is not a verb: "world" of "world
    title", "reading" of "reading room". A sentence naming only these does not name the event."""
    words, names = question.words, question.names
    out = set()
    for k, (x, y) in enumerate(zip(words, words[1:])):
        if x not in terms or y not in terms or x in names or y in names or _verb_like(y):
            continue
        if _verb_like(x) and k > 0 and (_verb_like(words[k - 1]) or words[k - 1] in _AUXILIARIES):
            continue  # "start raking oysters": a verb and its object, not "the reading room"
        out.add(x)
    return out


MODIFIER_WEIGHT = 0.5
_SUBJECT_SKIP = frozenset("the a an its his her their this that these those".split())
_AUXILIARIES = frozenset("did does do was were is are will would shall should must can could has have had "
                         "might may".split())


def _subject_head(question: WhenQuestion, terms: list[str]) -> str | None:
    """The head noun of the question's subject when it is a common noun: "room" of "when will the
    Thornby Wick reading room reopen"; None for a name ("when did Ardessa default")."""
    words = list(question.words)
    if words and words[0] == "when":
        words = words[1:]
    if not words or words[0] not in _AUXILIARIES:
        return None
    phrase = []
    rest = words[1:]
    for k, w in enumerate(rest):
        if w in _SUBJECT_SKIP and not phrase:
            continue
        nxt = rest[k + 1] if k + 1 < len(rest) else ""
        if w not in terms or _verb_like(w) and not (nxt in terms and not _verb_like(nxt)):
            break  # (a participle before a noun is its modifier: "the reading room", "the recalled jars")
        phrase.append(w)
    if len(phrase) < 1 or phrase[-1] in question.names or phrase[-1] in _SELECTORS:
        return None
    return phrase[-1]


_DET_SUBJECT = re.compile(r"\s*[\"“]?(?:The|This|These|Those|That|Its|Their|His|Her)\s+(?:[a-z][\w-]*\s+){0,2}?"
                          r"(?P<head>[a-z][\w-]*)\s+(?:will|would|is|are|was|were|has|have|had|must|should|"
                          r"could|can|may|might|[a-z]+ed|[a-z]+s)\b")


def _other_subject(text: str, start: int, stems: set[str], subject: str | None, terms: list[str],
                   vocab: frozenset[str]) -> bool:
    """True when the sentence opens with a common-noun subject that is none of the question's words
    nor an event noun, and does not name the question's subject: "The shop will close briefly and
    reopen on 14 March" is about the shop, not "the reading room" of the question."""
    if subject is None or _any_match(subject, stems, vocab):
        return False
    m = _DET_SUBJECT.match(text, start)
    if not m:
        return False
    head = m.group("head").lower()
    return not any(_term_match(t, _stem(head)) for t in terms) and not _event_anaphor(head, terms)


def sentence_coverage(body: str, title: str, span: tuple[int, int], event_terms: list[str],
                      weights: dict[str, float] | None = None, context: float = 0.5) -> float:
    """The weighted share of the event words that body[span[0]:span[1]] holds (stems and prefixes
    match: "died" for "die", "piloted" for "pilot"); words found only elsewhere in the article or
    its title count ``context``."""
    return sentence_coverages(body, title, [span], event_terms, weights, context)[0]


def sentence_coverages(body: str, title: str, spans: list[tuple[int, int]], event_terms: list[str],
                       weights: dict[str, float] | None = None, context: float = 0.5) -> list[float]:
    """sentence_coverage of each span, reading the terms against the article once for them all."""
    terms = list(dict.fromkeys(t.lower() for t in event_terms))
    if not terms:
        return [0.0] * len(spans)
    elsewhere = _present_terms(title, body, tuple(terms))
    ws = [weights.get(t, 1.0) if weights else 1.0 for t in terms]
    # Sums in the same order as one span at a time (adding 0.0 changes no sum): the same floats.
    total = 0.0
    for w in ws:
        total += w
    if not total:
        return [0.0] * len(spans)
    got = np.zeros(len(spans))
    for meet, w, t in zip(_text(body).spans_meet(spans, terms), ws, terms):
        got += np.where(meet, w, context * w if t in elsewhere else 0.0)
    return (got / total).tolist()


def sentence_coverage_at_most(body: str, title: str, span: tuple[int, int], event_terms: list[str],
                              weights: dict[str, float] | None, article_words: str,
                              context: float = 0.5) -> float | None:
    """An upper bound of sentence_coverage that reads only the span and the article's stored word
    list (bot.nlp.tokens.word_list of title and body), not the whole body; None for non-ASCII text.

    _matching filters a vocabulary stem by stem, so a term the span matches among the body's stems
    it also matches among the span's own; and on ASCII text the rules' words are the word list's
    plus the possessive "s", so the list's stems hold every stem of title and body. Each term
    therefore counts at least as much here as in sentence_coverage, added in the same order."""
    norm = normalize_quotes(body)
    if not (norm.isascii() and normalize_quotes(title).isascii()):
        return None  # (NFKC and case mapping can part the two tokenisers' words)
    terms = list(dict.fromkeys(t.lower() for t in event_terms))
    if not terms:
        return 0.0
    here = _span_stems(norm, *span)
    joined = "\n" + "\n".join(here)
    ws = [weights.get(t, 1.0) if weights else 1.0 for t in terms]
    total = got = 0.0
    for w in ws:
        total += w
    for t, w in zip(terms, ws):
        if _meets_any(t, here, joined):
            got += w
        elif _term_match(t, "s") or _named_in(t, article_words):
            got += context * w
    return got / total if total else 0.0


def _named_in(term: str, words: str) -> bool:
    """Whether the term matches the stem of a word of a sorted word list (space-separated, as
    stored), stemming only the words that can match: a stem keeps its word's first three letters
    (suffixes go from the end, and at least three letters stay) unless the word is irregular, and
    _term_match holds only between stems sharing three letters, or for a resumptive word and an
    interruption. Sorted, the words sharing a head stand together."""
    t = _stem(term)
    text = f" {words} "
    heads = {t[:3]} | ({p[:3] for p in _INTERRUPTION} if t in _RESUMPTIVE else set()) \
        | {x[:3] for x in _EXPANSIONS.get(t, ())}
    for head in heads:
        i = text.find(" " + head)
        while i >= 0:
            j = text.index(" ", i + 1)
            if _term_match(term, _stem(text[i + 1:j])):
                return True
            i = j if text.startswith(head, j + 1) else -1
        for form in _IRREGULAR_BY_HEAD.get(head, ()):
            if f" {form} " in text and _term_match(term, _stem(form)):
                return True
    return False


@lru_cache(maxsize=64)
def _present_terms(title: str, body: str, terms: tuple[str, ...]) -> frozenset[str]:
    """The terms that title + "\n" + body names (its stem set is the union of the two)."""
    parts = (_stem_set(title), _text(body).vocab)  # (_line_stem_sets: any line break splits it so)
    return frozenset(t for t in terms if any(_matching(t, stems) for stems in parts))


def range_start(body: str, e: TimeExpression, published: date | None = None) -> TimeExpression | None:
    """The start part of a closed range as an open range: "from March 4" of "from March 4 until June"."""
    cut = _end_connector(e.text) if e.kind == "range" else None
    if not cut:
        return None
    masked = body[:e.start + cut] + " " * (e.end - e.start - cut) + body[e.end:]
    for x in find_time_expressions(masked, published):
        if x.start == e.start:
            return x
    return None


def choose_from_ranked(body: str, ranked: list[tuple[float, TimeExpression]],
                       published: date | None = None,
                       question: WhenQuestion | None = None) -> TimeExpression | None:
    """The best of rank_time_expressions' list; for a question about an end ("until when",
    "when does X end"), only the end part of a range ("until June")."""
    if not ranked:
        return None
    best = _refined(body, ranked)
    if question is not None and question.aspect == "end" and best.kind == "range":
        best = range_end(body, best, published) or best
    elif question is not None and question.aspect == "start" and best.kind == "range" and best.iso is None:
        start = range_start(body, best, published)  # "when does it open": the first day of the run
        if start is not None and start.iso:
            best = replace(best, iso=start.iso)
    return best


_SAME_DAY_ANAPHOR = re.compile(r"(?i)(?:that|the\s+same)\s+(?:day|morning|afternoon|evening|night)")


def _refined(body: str, ranked: list[tuple[float, TimeExpression]]) -> TimeExpression:
    """The best expression, or a day its sentence names inside it: "In the autumn of 2023 I had
    surgery on my vocal cords, on 2 October" is dated 2 October 2023, not the autumn; "that evening"
    is the day the sentence names."""
    best = ranked[0][1]
    if best.iso and _SAME_DAY_ANAPHOR.fullmatch(best.text):
        # "Thursday 9 October – … the full council, which meets that evening": the day by its name
        def fits(e: TimeExpression) -> bool:
            return e.iso == best.iso and e.kind == "absolute"
    elif best.granularity in ("season", "month") and best.value:
        def fits(e: TimeExpression) -> bool:
            return bool(e.granularity == "day" and e.iso and e.kind != "range" and _within(e.iso, best))
    else:
        return best
    here = next(((a, b) for a, b in _text(body).sentences if a <= best.start < b), None)
    if here is None:
        return best
    return next((e for _, e in ranked[1:] if here[0] <= e.start < here[1] and fits(e)), best)


def _within(iso: str, period: TimeExpression) -> bool:
    """Whether the day falls in the season or month the expression names ("2023-FA", "2023-10")."""
    year, month = int(iso[:4]), int(iso[5:7])
    value = period.value or ""
    if period.granularity == "month":
        return value == iso[:7]
    return value[:4] == str(year) and month in _SEASON_MONTHS.get(value[5:], ())


def choose_time_expression(
    body: str, span: tuple[int, int], event_terms: list[str], published: date | None = None,
    question: WhenQuestion | None = None, weights: dict[str, float] | None = None,
) -> TimeExpression | None:
    """The expression inside body[span[0]:span[1]] that dates the event named by event_terms
    (lower-case tokens as bot.nlp.tokens.query_terms gives them), or None. Offsets are into body."""
    ranked = rank_time_expressions(body, span, event_terms, published, question, weights)
    return choose_from_ranked(body, ranked, published, question)
