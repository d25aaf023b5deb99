"""Questions: who said, when, search, quotes, article(s), stats, help — prefix and slash alike."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.client import NewsBot, article_autocomplete, guild_key
from bot.render.views import send_answer

QUERY_COOLDOWN = commands.cooldown(5, 30.0, commands.BucketType.user)  # 5 questions per 30 s per user


class Ask(commands.Cog):
    """Ask the library."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    async def reply(self, ctx: commands.Context, question: str) -> None:
        assert self.bot.library is not None
        # No typing indicator: answers take milliseconds, and it would cost an API call each.
        answer = await self.bot.library.ask(question, guild_key(ctx.guild))
        # Split within Discord's limits, mentions off; buttons for who-said ("more quotes by") and articles (pages).
        await send_answer(ctx, answer, self.bot.library, guild_key(ctx.guild))

    @commands.hybrid_group(name="who", invoke_without_command=True, fallback=None)
    @QUERY_COOLDOWN
    async def who(self, ctx: commands.Context, *, words: str) -> None:
        """Who said these words?"""
        await self.reply(ctx, f"who said {words}")

    @who.command(name="said")
    @QUERY_COOLDOWN
    async def who_said(self, ctx: commands.Context, *, words: str) -> None:
        """Who said these words? Gives the speaker, the quotation and the article."""
        await self.reply(ctx, f"who said {words}")

    @commands.hybrid_command(name="when")
    @QUERY_COOLDOWN
    async def when(self, ctx: commands.Context, *, event: str) -> None:
        """When did (or will) something happen? Gives the date as written and as a calendar date."""
        await self.reply(ctx, f"when {event}")

    @commands.hybrid_command(name="search")
    @QUERY_COOLDOWN
    async def search(self, ctx: commands.Context, *, words: str) -> None:
        """The passages that best match your words."""
        await self.reply(ctx, f"search {words}")

    @commands.hybrid_command(name="quotes")
    @QUERY_COOLDOWN
    async def quotes(self, ctx: commands.Context, *, person: str) -> None:
        """What a person is quoted as saying."""
        await self.reply(ctx, f"quotes {person}")

    @commands.hybrid_command(name="article")
    async def article(self, ctx: commands.Context, article_id: int) -> None:
        """An article's details, first lines and quotations."""
        await self.reply(ctx, f"article {article_id}")

    @article.autocomplete("article_id")
    async def _article_ids(self, interaction: discord.Interaction, current: str):  # noqa: ANN202
        return await article_autocomplete(interaction, current)

    @commands.hybrid_command(name="articles")
    async def articles(self, ctx: commands.Context, page: int = 1) -> None:
        """The library, newest first."""
        await self.reply(ctx, f"articles {page}")

    @commands.hybrid_command(name="stats")
    async def stats(self, ctx: commands.Context) -> None:
        """What the library holds."""
        await self.reply(ctx, "stats")

    @commands.hybrid_command(name="help")
    async def help(self, ctx: commands.Context) -> None:
        """How to use the bot."""
        await self.reply(ctx, "help")


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Ask(bot))
