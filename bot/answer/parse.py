"""Split what a user typed into a command and its argument text."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_QUESTION_CHARS = 1000

# Words a user may type for each command; the first is the canonical name.
ALIASES: dict[str, tuple[str, ...]] = {
    "who": ("who", "whosaid"),
    "when": ("when",),
    "search": ("search", "find", "s"),
    "quotes": ("quotes", "quote"),
    "article": ("article", "read", "show"),
    "articles": ("articles", "list", "ls"),
    "stats": ("stats", "status"),
    "help": ("help", "commands", "?"),
}
_LOOKUP = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# "!who claimed …", "!who promised …": the verb is the attribution's, written beside the quotation
# ("Strand … claiming that", "Hale … promised to "…""), not words to look for inside it.
_SAYING_VERB_RE = re.compile(
    r"^(?:said|says|say|told|tells|wrote|writes|claimed|claims|promised|promises|pledged|vowed|"
    r"warned|warns|admitted|admits|insisted|insists|argued|argues|apologi[sz]ed|accused|accuses|"
    r"announced|confirmed|suggested|predicted|complained|denied|urged|conceded|stressed|"
    r"revealed|explained|added|joked|boasted|declared|maintained|acknowledged)\b[:,]?\s*", re.I)


@dataclass(frozen=True)
class Parsed:
    command: str   # a canonical name, or "unknown"
    text: str      # the argument text
    word: str = ""  # what the user typed as the command


def clean(text: str) -> str:
    """Drop zero-width and direction-override characters and fold white space."""
    return re.sub(r"\s+", " ", _INVISIBLE.sub("", text)).strip()


def parse(question: str, prefix: str = "!") -> Parsed:
    """'!who said X' -> Parsed('who', 'X'); the prefix is optional."""
    text = clean(question)
    for p in (prefix, "/", "!"):
        if p and text.startswith(p):
            text = text[len(p):].lstrip()
            break
    word, _, rest = text.partition(" ")
    command = _LOOKUP.get(word.lower(), "unknown")
    rest = rest.strip()
    if command == "who":
        rest = _SAYING_VERB_RE.sub("", rest)
    return Parsed(command, rest.strip(" ?\"'\u201c\u201d"), word)
