"""The Discord bot: a commands.Bot whose cogs call the shared core. Nothing here answers questions."""

from __future__ import annotations

import asyncio
import logging
import signal

import discord
from discord import app_commands
from discord.ext import commands

from bot.library import Library
from bot.settings import Settings, load_settings
from bot.store.models import SHARED_GUILD

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.cogs.ask", "bot.cogs.admin", "bot.cogs.alerts")


def guild_key(guild: discord.abc.Snowflake | None) -> int:
    """The library partition of a server; DMs see only the shared library."""
    return guild.id if guild is not None else SHARED_GUILD


async def is_library_admin(bot: commands.Bot, guild: discord.Guild | None, member: object,
                           permissions: discord.Permissions | None = None) -> bool:
    """May this member curate the server's library: Manage Server, or the role set with `admin role`."""
    if guild is None:
        return False
    perms = permissions if permissions is not None else getattr(member, "guild_permissions", None)
    if perms is not None and (perms.manage_guild or perms.administrator):
        return True
    library = getattr(bot, "library", None)
    if library is None:
        return False
    role_id = (await library.store.guild_config(guild.id)).admin_role_id
    return role_id is not None and any(r.id == role_id for r in getattr(member, "roles", []))


def library_admin_only():  # noqa: ANN201 - a commands.check decorator
    """A check for admin commands; on hybrid commands it runs for the prefix and the slash side alike
    (ctx.permissions is the channel's for a message and Discord's resolved ones for an interaction)."""

    async def predicate(ctx: commands.Context) -> bool:
        if ctx.guild is None:
            raise commands.NoPrivateMessage()
        if await is_library_admin(ctx.bot, ctx.guild, ctx.author, ctx.permissions):
            return True
        raise commands.MissingPermissions(["manage_guild"])

    return commands.check(predicate)


async def article_autocomplete(interaction: discord.Interaction, current: str, own_only: bool = False
                               ) -> list[app_commands.Choice[int]]:
    """Article ids for a slash option, matched by id or title (own_only: the server's own articles)."""
    library = getattr(interaction.client, "library", None)
    if library is None:
        return []
    rows = await library.store.article_choices(guild_key(interaction.guild), current, own_only=own_only)
    return [app_commands.Choice(name=f"#{a.id} {a.title}"[:100], value=a.id) for a in rows]


class NewsBot(commands.Bot):
    """Loads its cogs and opens the library in setup_hook; closes the database on close()."""

    def __init__(self, settings: Settings, library: Library | None = None, **options: object) -> None:
        intents = discord.Intents.default()
        intents.message_content = True  # prefix commands read message text; enable it in the developer portal
        super().__init__(
            command_prefix=commands.when_mentioned_or(settings.prefix),
            intents=intents,
            help_command=None,  # the ask cog's help reads better and is a slash command too
            allowed_mentions=discord.AllowedMentions.none(),
            description="Answers questions about the server's library of news articles.",
            **options,
        )
        self.settings = settings
        self.library: Library | None = library
        self._owns_library = library is None
        self.tree.on_error = self.on_app_command_error

    async def setup_hook(self) -> None:
        if self.library is None:
            self.library = await Library.open(self.settings)
            reports = await self.library.ensure_corpus()
            if reports:
                log.info("empty library: imported %d bundled articles", sum(r.status == "added" for r in reports))
            if self.settings.sync_seconds > 0:
                # Other processes (shards, `import` on the command line) may add to the same database.
                self.library.start_sync(self.settings.sync_seconds)
            if self.settings.reanalyse:
                self.library.start_reanalysis()
        for name in EXTENSIONS:
            await self.load_extension(name)
        if self.settings.dev_guild and self.application_id:
            guild = discord.Object(self.settings.dev_guild)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)

    async def close(self) -> None:
        await super().close()
        if self.library is not None and self._owns_library:
            await self.library.close()

    async def on_ready(self) -> None:
        log.info("logged in as %s (%s) in %d servers", self.user, getattr(self.user, "id", "?"), len(self.guilds))

    async def on_command_error(self, ctx: commands.Context, error: commands.CommandError) -> None:  # type: ignore[override]
        """One place turns every failure into a short line; tracebacks go to the log only."""
        if isinstance(error, commands.CommandNotFound):
            return
        message = error_message(error, ctx.clean_prefix, ctx.command)
        if message is None:
            original = getattr(error, "original", error)
            log.error("command %s failed", ctx.command, exc_info=original)
            message = "Something went wrong on my side; it has been logged. Please try again."
        await ctx.send(message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())

    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        message = error_message(error, "/", interaction.command)
        if message is None:
            log.error("slash command failed", exc_info=getattr(error, "original", error))
            message = "Something went wrong on my side; it has been logged. Please try again."
        send = interaction.followup.send if interaction.response.is_done() else interaction.response.send_message
        await send(message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())


class ShardedNewsBot(NewsBot, commands.AutoShardedBot):
    """The same bot over several gateway shards: NEWSBOT_SHARD_COUNT in all, this process running
    NEWSBOT_SHARD_IDS (all of them if unset). Processes share the library through one database."""

    def __init__(self, settings: Settings, library: Library | None = None) -> None:
        options: dict[str, object] = {}
        if settings.shard_count is not None:
            options["shard_count"] = settings.shard_count
        if settings.shard_ids is not None:
            options["shard_ids"] = list(settings.shard_ids)
        super().__init__(settings, library, **options)

    async def on_ready(self) -> None:
        log.info("logged in as %s, shards %s of %s, in %d servers", self.user, sorted(self.shards),
                 self.shard_count, len(self.guilds))


def error_message(error: Exception, prefix: str, command: object) -> str | None:
    """The user-facing line for an expected error; None for a bug."""
    name = getattr(command, "qualified_name", None) or "help"
    usage = f"`{prefix}{name} {getattr(command, 'signature', '')}`".replace(" `", "`")
    if isinstance(error, (commands.MissingRequiredArgument, commands.BadArgument, commands.TooManyArguments,
                          commands.UserInputError)):
        return f"Usage: {usage}. Try `{prefix}help`."
    if isinstance(error, (commands.CommandOnCooldown, app_commands.CommandOnCooldown)):
        return f"Easy there: try again in {error.retry_after:.0f}s."
    if isinstance(error, (commands.MissingPermissions, app_commands.MissingPermissions)):
        return "You need the Manage Server permission (or the bot's admin role) for that."
    if isinstance(error, (commands.NoPrivateMessage, app_commands.NoPrivateMessage)):
        return "That only works in a server."
    if isinstance(error, (commands.CheckFailure, app_commands.CheckFailure)):
        return str(error) or "You can't use that command here."
    original = error
    while getattr(original, "original", None) is not None:  # a slash command's error comes wrapped twice
        original = original.original
    if isinstance(original, OverflowError):  # `!remove 99999999999999999999`: past the database's integers
        return "That number is too large to be an id."
    from bot.library import StorageError

    if isinstance(original, StorageError):  # locked or full database: the bot stays up, nothing changed
        return f"Sorry: {original}."
    return None


def create_bot(db: str | None = None, settings: Settings | None = None, library: Library | None = None) -> NewsBot:
    """The configured bot, not connected: `run` starts it; tests and tools drive it directly."""
    settings = settings or load_settings(db=db)
    if db is not None and settings.db != db:
        settings = load_settings(db=db)
    if settings.sharded:
        return ShardedNewsBot(settings, library)
    return NewsBot(settings, library)


def run_bot(settings: Settings) -> int:
    """Connect to Discord and serve until stopped (SIGTERM or Ctrl-C)."""
    discord.utils.setup_logging(level=getattr(logging, settings.log_level, logging.INFO))
    bot = create_bot(settings=settings)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
            except NotImplementedError:  # Windows
                pass
        async with bot:
            await bot.start(settings.discord_token or "")

    try:
        asyncio.run(main())
    except discord.LoginFailure:
        log.error("Discord rejected the token (DISCORD_TOKEN); check it in the developer portal")
        return 2
    except discord.PrivilegedIntentsRequired:
        log.error("enable the Message Content intent for this bot in the Discord developer portal")
        return 2
    return 0
