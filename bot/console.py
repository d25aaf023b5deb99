"""A local prompt that answers the same commands as the Discord bot, for people without a token."""

from __future__ import annotations

import asyncio
import shlex
from pathlib import Path

from bot.library import Library
from bot.render.text import render_text

BANNER = "newsbot console: type a command as in Discord (e.g. !who said mission accomplished), !help, or quit."


class Console:
    """Reads lines, answers them; the operator may also !add PATH and !remove ID."""

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
            if not arg.isdigit():
                return "Usage: !remove <id>"
            removed = await self.library.remove(int(arg))
            return f"removed #{removed.id} {removed.title!r}" if removed else f"There is no article #{arg}."
        return render_text(await self.library.ask(text))

    async def _add(self, arg: str) -> str:
        if "|" in arg:
            title, _, body = arg.partition("|")
            return (await self.library.add_text(title.strip(), body.strip())).line()
        paths = [Path(p) for p in shlex.split(arg)] if arg else []
        if not paths:
            return "Usage: !add PATH… or !add <title> | <text>"
        reports = await self.library.import_paths(paths)
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
