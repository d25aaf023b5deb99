"""Discord buttons: a confirm prompt, page turning for `articles`, "more quotes by" on who-said answers,
and `send_answer`, which sends an answer within Discord's limits with the right view attached.

Views take plain callables (or the library) and know nothing of cogs, so a cog attaches one in a line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import discord

from bot.answer.models import Answer
from bot.render.embeds import answer_embed, answer_embeds, clip, embed_batches, safe


NO_MENTIONS = discord.AllowedMentions.none()


class _Asks(Protocol):
    async def ask(self, question: str, guild_id: int | None = None) -> Answer: ...


class _Sends(Protocol):
    async def send(self, *args: Any, **kwargs: Any) -> Any: ...


async def _edit_quietly(message: discord.Message | None, **fields: Any) -> None:
    if message is None:
        return
    try:
        await message.edit(**fields)
    except (discord.HTTPException, AttributeError):  # deleted, or an interaction message that expired
        pass


class ConfirmView(discord.ui.View):
    """Confirm / Cancel, pressable only by the person who asked. on_confirm does the work and
    returns the line that replaces the prompt."""

    def __init__(self, author_id: int, on_confirm: Callable[[], Awaitable[str]], *,
                 confirm_label: str = "Confirm", cancelled: str = "Cancelled; nothing changed.",
                 timeout: float = 60.0) -> None:
        super().__init__(timeout=timeout)
        self.author_id = author_id
        self.on_confirm = on_confirm
        self.cancelled = cancelled
        self.result: bool | None = None  # True confirmed, False cancelled, None no answer (yet)
        self.message: discord.Message | None = None
        self.confirm.label = confirm_label

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.author_id:
            await interaction.response.send_message("Only the person who asked can answer this.", ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.result = True
        self.stop()
        line = await self.on_confirm()
        await interaction.response.edit_message(content=clip(line, 2000), view=None, allowed_mentions=NO_MENTIONS)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.result = False
        self.stop()
        await interaction.response.edit_message(content=self.cancelled, view=None, allowed_mentions=NO_MENTIONS)

    async def on_timeout(self) -> None:
        await _edit_quietly(self.message, content=f"No answer; {self.cancelled[0].lower()}{self.cancelled[1:]}",
                            view=None)


class PageView(discord.ui.View):
    """Previous / Next for a paged answer (`articles`): each press asks the library for that page."""

    def __init__(self, library: _Asks, guild_id: int | None, question: str, page: int, pages: int,
                 *, timeout: float = 180.0) -> None:
        super().__init__(timeout=timeout)
        self.library = library
        self.guild_id = guild_id
        self.question = question  # e.g. "articles"; the page number is appended
        self.page = page
        self.pages = pages
        self.message: discord.Message | None = None
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.page <= 1
        self.next.disabled = self.page >= self.pages
        self.counter.label = f"{self.page} / {self.pages}"

    async def _show(self, interaction: discord.Interaction, page: int) -> None:
        self.page = max(1, min(page, self.pages))
        answer = await self.library.ask(f"{self.question} {self.page}", self.guild_id)
        self.pages = int(answer.details.get("pages", self.pages))
        self._sync()
        await interaction.response.edit_message(embed=answer_embed(answer), view=self, allowed_mentions=NO_MENTIONS)

    @discord.ui.button(label="◀ Newer", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._show(interaction, self.page - 1)

    @discord.ui.button(label="1 / 1", style=discord.ButtonStyle.secondary, disabled=True)
    async def counter(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer()  # a label, never enabled

    @discord.ui.button(label="Older ▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._show(interaction, self.page + 1)

    async def on_timeout(self) -> None:
        await _edit_quietly(self.message, view=None)


class MoreQuotesView(discord.ui.View):
    """"More quotes by …" buttons under a who-said answer (one per speaker, at most three); the
    quotations come back to the presser only (ephemeral)."""

    def __init__(self, library: _Asks, guild_id: int | None, speakers: list[str], *, timeout: float = 300.0) -> None:
        super().__init__(timeout=timeout)
        self.library = library
        self.guild_id = guild_id
        self.message: discord.Message | None = None
        for i, speaker in enumerate(speakers[:3]):
            button = discord.ui.Button(label=clip(f"More quotes by {speaker}", 80),
                                       style=discord.ButtonStyle.primary, custom_id=f"newsbot-quotes-{i}-{self.id}")
            button.callback = self._callback_for(speaker)  # type: ignore[method-assign]
            self.add_item(button)

    def _callback_for(self, speaker: str) -> Callable[[discord.Interaction], Awaitable[None]]:
        async def callback(interaction: discord.Interaction) -> None:
            answer = await self.library.ask(f"quotes {speaker}", self.guild_id)
            first = embed_batches(answer_embeds(answer))[0]
            await interaction.response.send_message(embeds=first, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return callback

    async def on_timeout(self) -> None:
        await _edit_quietly(self.message, view=None)


def view_for(answer: Answer, library: _Asks, guild_id: int | None) -> discord.ui.View | None:
    """The buttons that belong under an answer, if any."""
    if answer.command == "who" and answer.found and answer.details.get("speakers"):
        return MoreQuotesView(library, guild_id, list(answer.details["speakers"]))
    if answer.command == "articles" and answer.found and int(answer.details.get("pages", 1)) > 1:
        return PageView(library, guild_id, "articles", int(answer.details["page"]), int(answer.details["pages"]))
    return None


async def send_answer(destination: _Sends, answer: Answer, library: _Asks | None = None,
                      guild_id: int | None = None) -> list[Any]:
    """Send an answer as embeds within Discord's limits (split over several when long), mentions off,
    with its buttons on the last message (given the library to ask again). Works with a commands.Context
    (prefix or slash) or any Messageable. Returns the messages sent."""
    batches = embed_batches(answer_embeds(answer))
    view = view_for(answer, library, guild_id) if library is not None else None
    sent: list[Any] = []
    for i, batch in enumerate(batches):
        last = i == len(batches) - 1
        kwargs: dict[str, Any] = {"embeds": batch, "allowed_mentions": NO_MENTIONS}
        if last and view is not None:
            kwargs["view"] = view
        sent.append(await destination.send(**kwargs))
    if view is not None and isinstance(sent[-1], discord.Message):
        view.message = sent[-1]  # type: ignore[attr-defined]
    return sent


async def send_lines(destination: _Sends, lines: list[str], limit: int = 2000) -> list[Any]:
    """Plain lines (mentions escaped and disabled) in as many messages as 2,000 characters need."""
    from bot.render.embeds import split_message

    return [await destination.send(chunk, allowed_mentions=NO_MENTIONS)
            for chunk in split_message(safe("\n".join(lines)), limit)]
