"""The one tokeniser shared by indexing and querying, and the query stop-word list."""

from __future__ import annotations

import re
import unicodedata

# Curly and straight forms are the same character to every matcher in the project.
_QUOTE_MAP = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
})

_POSSESSIVE = re.compile(r"'s\b")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

STOPWORDS: frozenset[str] = frozenset("""
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not now of off on once only or other our ours ourselves out
over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves said say says
around
aren couldn didn doesn don hadn hasn haven isn mustn shan shouldn wasn weren wouldn t s ve ll re d m
""".split())
# The last two lines: "around" is "about" ("arrested at around 7am" for "at about 7am"), and the pieces
# tokenize leaves of a contraction ("wasn't": "wasn", "t"), as "was not" would be ("won", the past of
# "win", is a stop word only before "t": query_terms).


_QUOTE_PAIRS = tuple((chr(k), v) for k, v in _QUOTE_MAP.items())


def normalize_quotes(text: str) -> str:
    """Map curly quotes and apostrophes to their straight forms (same length, offsets keep)."""
    # str.translate looks every character up in a dict (~70 ns each); finding the few quote
    # characters and replacing them (each by an ASCII one) gives the same string far faster.
    if text.isascii():
        return text
    for char, straight in _QUOTE_PAIRS:
        if char in text:
            text = text.replace(char, straight)
    return text


# ASCII letters and digits kept, every other byte a space: on ASCII text, splitting the translated
# bytes yields what _WORD finds, four times faster (tokenising is on every question's path).
_ASCII_WORDS = bytes.maketrans(bytes(range(256)), bytes(c if chr(c).isalnum() and c < 128 else 32 for c in range(256)))


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens with punctuation and possessive 's stripped."""
    text = normalize_quotes(text)  # curly quotes are often a text's only non-ASCII characters
    if text.isascii():  # NFKC leaves ASCII as it is
        return _ascii_blanked(text).split()
    return _words(text)


def spaced_words(text: str) -> str:
    """The tokens of text between spaces (one or more), with a space before the first and after the
    last: what space-led word searches need, made on ASCII text without splitting and joining."""
    text = normalize_quotes(text)
    if text.isascii():
        return f" {_ascii_blanked(text)} "
    return f" {' '.join(_words(text))} "


def _ascii_blanked(text: str) -> str:
    """ASCII text lower-cased, possessive 's stripped, and every character but letters and digits a space."""
    text = text.lower()
    if "'" in text:
        text = _POSSESSIVE.sub("", text)
    return text.encode("ascii").translate(_ASCII_WORDS).decode("ascii")


def _tokenize_any(text: str) -> list[str]:
    """tokenize for any text: the definition the ASCII path must agree with."""
    return _words(normalize_quotes(text))


def _words(text: str) -> list[str]:
    return _WORD.findall(_POSSESSIVE.sub("", unicodedata.normalize("NFKC", text).lower()))


def word_list(text: str) -> str:
    """The distinct tokens of text, sorted and space-separated: an article's stored vocabulary."""
    return " ".join(sorted(set(tokenize(text))))


def article_text(title: str, body: str) -> str:
    """Title and body as one text, the way passages are judged in their article's context."""
    return f"{title}\n{body}"


def query_terms(text: str) -> list[str]:
    """Tokens of a question without stop words; falls back to all tokens if nothing is left."""
    tokens = tokenize(text)
    content = [t for k, t in enumerate(tokens) if t not in STOPWORDS
               and not (t == "won" and tokens[k + 1:k + 2] == ["t"])]  # "won't" is "will not"
    return content or tokens
