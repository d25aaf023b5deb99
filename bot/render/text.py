"""Answers as plain text (console, CLI) and as JSON lines."""

from __future__ import annotations

import json
import textwrap

from bot.answer.models import Answer, ArticleRef
from bot.render import PARAPHRASE_NOTE


def cite(article: ArticleRef | None) -> str:
    if article is None:
        return ""
    when = f", {article.published}" if article.published else ""
    return f"— {article.title} (#{article.id}{when}; {article.url or article.source})"


def _quote(text: str, indent: str = "  ") -> str:
    return textwrap.fill(f"“{text}”" if not text.startswith(("“", '"')) else text, width=96,
                         initial_indent=indent, subsequent_indent=indent)


def render_text(answer: Answer) -> str:
    """A readable multi-line reply."""
    head = answer.answer
    if answer.command == "when" and answer.found and answer.date:
        head = f"{answer.answer} ({answer.date})"
    lines = [head]
    if answer.command in ("search", "quotes", "articles", "help", "article") and answer.hits:
        if answer.command == "article" and answer.passage:
            lines += [cite(answer.article), _quote(answer.passage), "  Quotes:"]
        for i, hit in enumerate(answer.hits, 1):
            label = f"{hit.label}: " if hit.label else ""
            if answer.command in ("articles", "help"):
                lines.append(f"  {label}{hit.text}")
            else:
                lines.append(textwrap.fill(f"{i}. {label}{hit.text}", width=96, initial_indent="  ",
                                           subsequent_indent="     "))
                if hit.article:
                    lines.append(f"     {cite(hit.article)}")
        return "\n".join(lines)
    if answer.passage:
        lines.append(_quote(answer.passage))
    if answer.article:
        lines.append("  " + cite(answer.article))
    if answer.details.get("paraphrase"):
        lines.append(f"  ({PARAPHRASE_NOTE})")
    return "\n".join(lines)


def render_json(answer: Answer) -> str:
    return json.dumps(answer.to_json(), ensure_ascii=False)
