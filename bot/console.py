"""A local prompt that answers the same commands as the Discord bot, for people without a token."""

from __future__ import annotations

import asyncio
import shlex
from pathlib import Path

from bot.answer.core import parse_id
from bot.library import Library, StorageError
from bot.render.text import render_text
from bot.store.records import MAX_ROW_ID

USAGE = "Usage: !add URL… or PATH… or !add <title> | <text>"
BANNER = "newsbot console: type a command as in Discord (e.g. !who said mission accomplished), !help, or quit."


class Console:
    """Reads lines, answers them; the operator may also !add URL/PATH/text and !remove ID."""

    def __init__(self, library: Library) -> None:
        self.library = library

    async def handle(self, line: str) -> str:
        """The reply to one line (also used by tests)."""
        text = line.strip()
        word = text.lstrip("!/").split(" ", 1)[0].lower()
        if word == "add":
            return await self._add(text.lstrip("!/")[3:].strip())
        if word == "remove":
            arg = text.lstrip("!/")[6:].strip().lstrip("#")
            article_id = parse_id(arg)
            if article_id is None:
                return "Usage: !remove <id>"
            if article_id > MAX_ROW_ID:
                return f"There is no article #{arg[:30]}."
            try:
                removed = await self.library.remove(article_id)
            except StorageError as exc:
                return f"error: {exc}"
            return f"removed #{removed.id} {removed.title!r}" if removed else f"There is no article #{arg}."
        return render_text(await self.library.ask(text))

    async def _add(self, arg: str) -> str:
        if "|" in arg:
            title, _, body = arg.partition("|")
            return (await self.library.add_text(title.strip(), body.strip())).line()
        try:
            args = shlex.split(arg) if arg else []
        except ValueError as exc:  # an unclosed quote
            return f"{USAGE} ({exc})"
        if not args:
            return USAGE
        args = [a[1:-1] if a.startswith("<") and a.endswith(">") else a for a in args]  # <url>, as in Discord
        urls = [a for a in args if a.lower().startswith(("http://", "https://"))]
        paths = [Path(a) for a in args if a not in urls]
        try:
            # web pages through the same address guard as Discord's !add (NEWSBOT_ALLOW_PRIVATE_URLS)
            reports = [await self.library.add_url(url) for url in urls]
            if paths:
                reports += await self.library.import_paths(paths)
        except StorageError as exc:
            return f"error: {exc}"
        return "\n".join(r.line() for r in reports) or "nothing to import there"

    async def run(self) -> None:
        print(BANNER)
        while True:
            try:
                line = await asyncio.to_thread(input, "newsbot> ")
            except EOFError:
                print()
                return
            if line.strip().lower() in {"quit", "exit", "q", "!quit"}:
                return
            if line.strip():
                print(await self.handle(line), flush=True)
