"""The one entry point every front end calls: a question in, an Answer out. Knows nothing of Discord."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.answer.match import (
    THRESHOLDS, StoredWords, Vocabulary, Words, candidates_for, common_words_only, coverage,
    coverages_at_least, term_weights,
)
from bot.answer.models import Answer, ArticleRef, Hit
from bot.answer.parse import ALIASES, MAX_QUESTION_CHARS, parse
from bot.answer.when import answer_when
from bot.answer.who import answer_who
from bot.index.search import LibraryIndex
from bot.nlp.quotes import name_matches
from bot.nlp.tokens import query_terms
from bot.store.fastread import PassageReader
from bot.store.records import MAX_ROW_ID, PassageRecord
from bot.store.repo import Store

PAGE_SIZE = 10
CANDIDATES = 20

HELP = {
    "who": ("who said <words>", "who said those words: the speaker, the quotation and the article"),
    "when": ("when <event>", "when an event happened or will, as written and as a date"),
    "search": ("search <words>", "the passages that best match the words"),
    "quotes": ("quotes <person>", "what a person is quoted as saying"),
    "article": ("article <id>", "an article's details, first lines and quotations"),
    "articles": ("articles [page]", "the library, newest first"),
    "stats": ("stats", "what the library holds"),
    "help": ("help", "this list"),
}


# Curating (Manage Server or the admin role); answered by the Discord admin cog and the console, not here.
ADMIN_HELP = {
    "add": ("add <url>", "add a web page; or `add <title> | <text>`, or attach .txt/.md/.html files"),
    "remove": ("remove <id>", "remove one of this server's articles (asks to confirm)"),
    "admin": ("admin role @role", "let a role add and remove articles"),
}


def parse_id(text: str) -> int | None:
    """A number typed as ASCII digits ("12"), else None: "²" and "١٢" pass str.isdigit() but are not ids."""
    return int(text) if text.isascii() and text.isdigit() else None


def help_lines(prefix: str = "!") -> list[str]:
    return [f"`{prefix}{usage}`: {what}" for usage, what in HELP.values()]


def admin_help_lines(prefix: str = "!") -> list[str]:
    return [f"`{prefix}{usage}`: {what}" for usage, what in ADMIN_HELP.values()]


class Answerer:
    """Answers questions from the store and the index."""

    def __init__(self, store: Store, index: LibraryIndex, prefix: str = "!") -> None:
        self.store = store
        self.index = index
        self.prefix = prefix

    async def ask(self, question: str, guild_id: int | None = None) -> Answer:
        """Answer one question as typed ('!who said …'); guild_id limits what is visible."""
        if len(question) > MAX_QUESTION_CHARS:
            return Answer(question[:200], "unknown", False,
                          f"That question is too long ({len(question):,} characters; the limit is {MAX_QUESTION_CHARS:,}).")
        parsed = parse(question, self.prefix)
        handler = getattr(self, f"_{parsed.command}", None)
        if handler is None:
            if not parsed.word:  # the prefix alone, or nothing
                return Answer(question, "unknown", False, f"Which command? Try `{self.prefix}help`.")
            word = parsed.word[:40].replace("`", "'")  # a backtick would end the code span early
            return Answer(question, "unknown", False, f"I don't know the command `{word}`. Try `{self.prefix}help`.")
        if parsed.command in ("who", "when", "search", "quotes", "article") and not parsed.text:
            usage = HELP[parsed.command][0]
            return Answer(question, parsed.command, False, f"Usage: `{self.prefix}{usage}`.")
        if parsed.command in ("who", "when", "search"):
            too_common = self._too_common(parsed.command, query_terms(parsed.text))
            if too_common:
                return Answer(question, parsed.command, False, too_common)
        return await handler(question, parsed.text, guild_id)

    def _too_common(self, command: str, terms: Sequence[str]) -> str | None:
        """Why a question of common words only cannot be answered, if it cannot: one such word is in
        nearly every sentence, and an event needs words of its own. Several are searched as a phrase."""
        if not common_words_only(terms):
            return None
        if command == "when":
            return (f"Which event? Those are all common words: name it, as in "
                    f"`{self.prefix}when did Russia begin its air strikes`.")
        if len(terms) == 1:
            return f"“{terms[0][:40]}” is too common a word to look for: give more of the words."
        return None

    # -- helpers ---------------------------------------------------------------------------

    def weights(self, terms: Sequence[str]) -> list[float]:
        """The terms' weights for coverage, from the index as it is now: take them once a question."""
        return term_weights(terms, self.index.idf, self.index.size())

    def coverage(self, terms: Sequence[str], text: str, context: Words | None = None,
                 weights: Sequence[float] | None = None) -> float:
        return coverage(terms, text, self.index.idf, self.index.size(), context, weights)

    async def best_passages(self, terms: Sequence[str], guild_id: int | None, k: int = CANDIDATES,
                            context: str = "article") -> list[tuple[PassageRecord, float, float]]:
        """Candidate passages with (record, coverage, bm25), best first.

        context "article" counts words found elsewhere in the article at half weight, "title" only its title."""
        return (await self.passages_and_words(terms, guild_id, k, context))[0]

    async def passages_and_words(self, terms: Sequence[str], guild_id: int | None, k: int = CANDIDATES,
                                 context: str = "article", floor: float | None = None,
                                 weights: Sequence[float] | None = None
                                 ) -> tuple[list[tuple[PassageRecord, float, float]], dict[int, str]]:
        """best_passages, and the stored word lists of their articles it judged them by (context "article");
        with a floor, passages that cannot cover that much may be left out (coverages_at_least); weights
        are the terms' (self.weights(terms)) when the caller has them already."""
        reader = self.store.reader
        if reader is not None and terms:
            return await asyncio.to_thread(self.passages_and_words_blocking, reader, terms, guild_id, k, context,
                                           floor, weights)
        hits = await self.index.search("passages", terms, k, guild_id)
        ids = [i for i, _ in hits]
        records, words = (await self.store.passages_and_vocabularies(ids) if context == "article"
                          else (await self.store.passages(ids), {}))
        return self._rank_passages(terms, hits, records, words, context, floor, weights), words

    def best_passages_blocking(self, reader: PassageReader, terms: Sequence[str], guild_id: int | None,
                               k: int = CANDIDATES, context: str = "article") -> list[tuple[PassageRecord, float, float]]:
        """best_passages for callers already in a worker thread, reading through the store's blocking
        reader: search, read and judge in one hop (each hop costs a thread switch, which on a busy
        machine can cost more than the search)."""
        return self.passages_and_words_blocking(reader, terms, guild_id, k, context)[0]

    def passages_and_words_blocking(self, reader: PassageReader, terms: Sequence[str], guild_id: int | None,
                                    k: int = CANDIDATES, context: str = "article", floor: float | None = None,
                                    weights: Sequence[float] | None = None
                                    ) -> tuple[list[tuple[PassageRecord, float, float]], dict[int, str]]:
        """passages_and_words inside a worker thread (see best_passages_blocking)."""
        hits = self.index.search_blocking("passages", terms, k, guild_id)
        ids = [i for i, _ in hits]
        records, words = reader.passages_and_vocabularies(ids) if context == "article" else (reader.passages(ids), {})
        return self._rank_passages(terms, hits, records, words, context, floor, weights), words

    def _rank_passages(self, terms: Sequence[str], hits: list[tuple[int, float]], records: dict[int, PassageRecord],
                       words: dict[int, str], context: str, floor: float | None = None,
                       weights: Sequence[float] | None = None) -> list[tuple[PassageRecord, float, float]]:
        found = [(records[i], score) for i, score in hits if i in records]
        if context == "article":
            contexts: dict[int, Words] = {aid: StoredWords(w) for aid, w in words.items()}
        else:
            contexts = {r.article.id: Vocabulary.of(r.article.title) for r, _ in found}
        # One batch: each term's probe is made once for all the candidates, not once per passage.
        covered = coverages_at_least(terms, [r.text for r, _ in found], [contexts.get(r.article.id) for r, _ in found],
                                     self.weights(terms) if weights is None else weights, floor)
        out = [(r, cov, score) for (r, score), cov in zip(found, covered) if cov is not None]
        out.sort(key=lambda r: (-round(r[1], 6), -r[2]))
        return out

    # -- commands --------------------------------------------------------------------------

    async def _who(self, question: str, text: str, guild_id: int | None) -> Answer:
        return await answer_who(self, question, text, guild_id)

    async def _when(self, question: str, text: str, guild_id: int | None) -> Answer:
        return await answer_when(self, question, text, guild_id)

    async def _search(self, question: str, text: str, guild_id: int | None) -> Answer:
        terms = query_terms(text)
        candidates = await self.best_passages(terms, guild_id, k=candidates_for(terms, 10), context="title")
        good = [c for c in candidates if c[1] >= THRESHOLDS["search"]][:5]
        if not good:
            return Answer(question, "search", False, "Nothing in the library matches that.")
        top = good[0][0]
        return Answer(
            question, "search", True, f"{len(good)} passage{'s' if len(good) > 1 else ''} found",
            passage=top.text, article=ArticleRef.of(top.article),
            hits=[Hit(r.text, ArticleRef.of(r.article), None, round(score, 3)) for r, _, score in good],
        )

    async def _quotes(self, question: str, text: str, guild_id: int | None) -> Answer:
        names = [n for n in await self.store.speakers(guild_id) if name_matches(text, n)]
        quotes = await self.store.quotes_by_speakers(names, guild_id)
        if not quotes:
            return Answer(question, "quotes", False, f"I have no quotations from {text}.")
        first = quotes[0]
        return Answer(
            question, "quotes", True, ", ".join(names), passage=first.passage_text or first.text,
            article=ArticleRef.of(first.article),
            hits=[Hit(q.text, ArticleRef.of(q.article), q.canonical) for q in quotes],
            details={"speakers": names},
        )

    async def _article(self, question: str, text: str, guild_id: int | None) -> Answer:
        ident = text.lstrip("#").strip()
        article_id = parse_id(ident)
        if article_id is None:
            return Answer(question, "article", False, f"Usage: `{self.prefix}article <id>` (a number).")
        if article_id > MAX_ROW_ID:
            return Answer(question, "article", False, f"There is no article #{ident[:30]}.")
        found = await self.store.get_article(article_id, guild_id)
        if found is None:
            return Answer(question, "article", False, f"There is no article #{ident}.")
        info, body = found
        quotes = await self.store.article_quotes(info.id)
        first_lines = body[:600].rsplit(" ", 1)[0] + ("…" if len(body) > 600 else "")
        return Answer(
            question, "article", True, info.title, date=info.published.isoformat() if info.published else None,
            passage=first_lines, article=ArticleRef.of(info),
            hits=[Hit(q.text, None, q.canonical) for q in quotes if q.canonical],
            details={"passages": info.passages, "quotes": info.quotes, "breaking": info.breaking,
                     "author": info.author},
        )

    async def _articles(self, question: str, text: str, guild_id: int | None) -> Answer:
        page = max(parse_id(text.strip()) or 1, 1)
        total = await self.store.count_articles(guild_id)
        pages = max(1, -(-total // PAGE_SIZE))
        if page > pages:  # before the query: a huge page number is no OFFSET the database can take
            return Answer(question, "articles", False,
                          "The library is empty." if total == 0 else f"There are only {pages} pages.")
        rows = await self.store.list_articles(guild_id, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        if not rows:
            return Answer(question, "articles", False,
                          "The library is empty." if total == 0 else f"There are only {pages} pages.")
        return Answer(
            question, "articles", True, f"{total} article{'s' if total != 1 else ''} (page {page} of {pages})",
            hits=[Hit(a.title, ArticleRef.of(a), f"#{a.id}") for a in rows],
            details={"page": page, "pages": pages, "total": total},
        )

    async def _stats(self, question: str, text: str, guild_id: int | None) -> Answer:
        stats = await self.store.stats(guild_id)
        line = (f"{stats['articles']} articles, {stats['passages']} passages, "
                f"{stats['quotes']} quotations from {stats['speakers']} speakers")
        return Answer(question, "stats", True, line, details={"stats": stats})

    async def _help(self, question: str, text: str, guild_id: int | None) -> Answer:
        lines = help_lines(self.prefix) + ["Admins (Manage Server or the admin role):"] + admin_help_lines(self.prefix)
        return Answer(question, "help", True, "Commands", hits=[Hit(line, None) for line in lines])


__all__ = ["Answerer", "help_lines", "ALIASES"]
