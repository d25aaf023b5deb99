"""Answers as Discord embeds, always inside Discord's limits, with mentions made harmless."""

from __future__ import annotations

import discord

from bot.answer.models import Answer, ArticleRef
from bot.render import PARAPHRASE_NOTE

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
MESSAGE_MAX = 2000

COLOURS = {True: discord.Colour.blurple(), False: discord.Colour.light_grey()}


def clip(text: str, limit: int) -> str:
    """Shorten to limit characters at a word boundary, marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut + "…"


def safe(text: str) -> str:
    """Stored text shown in Discord: mentions escaped (and AllowedMentions.none() when sent)."""
    return discord.utils.escape_mentions(text)


def _blockquote(text: str) -> str:
    return "\n".join("> " + line for line in safe(text).splitlines() or [""])


def _source_line(article: ArticleRef) -> str:
    when = f" · {article.published}" if article.published else ""
    if article.url:
        return f"[{safe(article.title)}]({article.url}){when} · #{article.id}"
    return f"{safe(article.title)}{when} · #{article.id}"


def _title(answer: Answer) -> str:
    title = answer.answer
    if answer.command == "when" and answer.found and answer.date:
        title = f"{answer.answer} — {answer.date}"
    return clip(safe(title), TITLE_MAX)


def _description(answer: Answer) -> str:
    """The whole description, unclipped: answer_embed clips it, answer_embeds splits it."""
    parts: list[str] = []
    if answer.passage:
        parts.append(_blockquote(answer.passage))
    if answer.article:
        parts.append(_source_line(answer.article))
    if answer.details.get("paraphrase"):
        parts.append(f"*{PARAPHRASE_NOTE}*")
    if answer.hits and answer.command in ("search", "quotes", "articles", "help", "article"):
        lines = []
        for i, hit in enumerate(answer.hits, 1):
            label = f"**{safe(hit.label)}** " if hit.label else ""
            where = f" — {_source_line(hit.article)}" if hit.article and answer.command != "articles" else ""
            lines.append(f"{i}. {label}{safe(hit.text)}{where}" if answer.command != "help" else safe(hit.text))
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _cite(embed: discord.Embed, answer: Answer) -> None:
    if answer.article:
        embed.set_footer(text=clip(f"Source: {answer.article.url or answer.article.source}", FOOTER_MAX))
        if answer.article.url and answer.article.url.startswith(("http://", "https://")):
            embed.url = answer.article.url


def answer_embed(answer: Answer) -> discord.Embed:
    """One embed: headline as title, the passage quoted, the article cited (description clipped)."""
    embed = discord.Embed(title=_title(answer), colour=COLOURS[answer.found])
    embed.description = clip(_description(answer), DESCRIPTION_MAX)
    _cite(embed, answer)
    return embed


def answer_embeds(answer: Answer, limit: int = DESCRIPTION_MAX) -> list[discord.Embed]:
    """The answer as one embed, or, when its text is longer than one description holds, several:
    the first with the title, the rest continuing the text; nothing is cut. The source is cited on
    the first (title link) and the last (footer)."""
    text = _description(answer)
    probe = answer_embed(answer)
    if len(text) <= limit and len(probe) <= EMBED_TOTAL_MAX:
        return [probe]
    # Room for the title and the footer, so that no single embed passes 6,000 characters.
    reserve = len(probe.title or "") + len(probe.footer.text or "")
    chunks = split_message(text, min(limit, EMBED_TOTAL_MAX - reserve))
    embeds = [discord.Embed(description=chunk, colour=COLOURS[answer.found]) for chunk in chunks]
    embeds[0].title = _title(answer)
    _cite(embeds[-1], answer)
    if embeds[-1].url and len(embeds) > 1:
        embeds[0].url, embeds[-1].url = embeds[-1].url, None
    return embeds


def embed_batches(embeds: list[discord.Embed], total: int = EMBED_TOTAL_MAX, per_message: int = 10
                  ) -> list[list[discord.Embed]]:
    """Embeds grouped into messages: at most 10 a message and 6,000 characters of embeds a message."""
    batches: list[list[discord.Embed]] = []
    size = 0
    for embed in embeds:
        n = len(embed)
        if not batches or size + n > total or len(batches[-1]) >= per_message:
            batches.append([])
            size = 0
        batches[-1].append(embed)
        size += n
    return batches


def embed_length(embed: discord.Embed) -> int:
    return len(embed)


def split_message(text: str, limit: int = MESSAGE_MAX) -> list[str]:
    """Split long text into messages under the limit, at line or word boundaries."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks
