"""Curating the library from Discord: add (URLs, attached files, pasted text), remove (confirmed with a
button) and the admin role. For members with Manage Server or the server's admin role, on the prefix
and the slash side alike. Everything a server adds belongs to that server."""

from __future__ import annotations

import re
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot, article_autocomplete, guild_key, library_admin_only
from bot.library import ImportReport, StorageError
from bot.render.embeds import safe
from bot.render.views import ConfirmView, send_lines
from bot.store.models import SHARED_GUILD

ATTACHMENT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
MAX_ATTACHMENT_BYTES = 5_000_000   # the page cap; text files have their own 2 MB cap in ingest
MAX_ITEMS = 10                     # files and URLs per command
USAGE = ("Usage: `{p}add <url>` (several allowed), attach .txt/.md/.html files, "
         "or `{p}add <title> | <text>`.")

def manage_server_only():  # noqa: ANN201
    """Manage Server itself (not the admin role): for changing who the admins are."""

    async def predicate(ctx: commands.Context) -> bool:
        if ctx.guild is None:
            raise commands.NoPrivateMessage()
        if ctx.permissions.manage_guild or ctx.permissions.administrator:
            return True
        raise commands.MissingPermissions(["manage_guild"])

    return commands.check(predicate)


_URL = re.compile(r"^<?(https?://\S+?)>?$", re.I)


def describe(report: ImportReport) -> str:
    """One reply line: what was stored, or why not."""
    if report.status == "added":
        return "✅ " + report.summary()
    if report.status == "duplicate" and report.article:
        a = report.article
        return f"↩️ {report.source}: duplicate of #{a.id} {a.title!r}"
    return f"⚠️ {report.line()}"


def split_urls(text: str) -> list[str] | None:
    """The URLs when text is nothing but URLs (bare or in <>), else None."""
    words = text.split()
    urls = [m.group(1) for w in words if (m := _URL.match(w))]
    return urls if words and len(urls) == len(words) else None


def _take_flag(text: str, flag: str) -> tuple[str, bool]:
    """The text without a `--flag` word, and whether it was there."""
    words = text.split(" ")
    kept = [w for w in words if w.strip().lower() != flag]
    return " ".join(kept).strip(), len(kept) != len(words)


class Admin(commands.Cog):
    """Curate this server's library (Manage Server or the admin role)."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @property
    def library(self):  # noqa: ANN201
        assert self.bot.library is not None
        return self.bot.library

    # -- add ------------------------------------------------------------------------------

    @commands.hybrid_command(name="add")
    @commands.guild_only()
    @library_admin_only()
    @app_commands.describe(
        text="a URL (or several), or `title | text` for a short item",
        file="a .txt, .md or .html file to import", file2="another file", file3="another file",
        file4="another file", file5="another file",
    )
    async def add(self, ctx: commands.Context, file: discord.Attachment | None = None,
                  file2: discord.Attachment | None = None, file3: discord.Attachment | None = None,
                  file4: discord.Attachment | None = None, file5: discord.Attachment | None = None,
                  *, text: str = "") -> None:
        """Add articles: a URL, attached .txt/.md/.html files, or `title | text`."""
        guild = guild_key(ctx.guild)
        text, breaking = _take_flag(text, "--breaking")
        # A message carries any number of files; a slash command has one option per file.
        attachments = (list(ctx.message.attachments) if ctx.interaction is None
                       else [f for f in (file, file2, file3, file4, file5) if f is not None])
        urls = split_urls(text) if text.strip() else None
        if not attachments and not text.strip():
            await ctx.send(USAGE.format(p=ctx.clean_prefix), ephemeral=True,
                           allowed_mentions=discord.AllowedMentions.none())
            return
        if ctx.interaction is not None:
            await ctx.defer()  # pages can take seconds; an interaction must be answered within three
        lines: list[str] = []

        async def done(report: ImportReport) -> None:
            line = describe(report)
            if breaking and report.status == "added" and report.article is not None:
                line += await self._announce(report.article.id, guild)
            lines.append(line)

        for attachment in attachments[:MAX_ITEMS]:
            await done(await self._add_attachment(attachment, guild))
        if len(attachments) > MAX_ITEMS:
            lines.append(f"⚠️ only the first {MAX_ITEMS} files were read")
        if urls:
            for url in urls[:MAX_ITEMS]:
                await done(await self.library.add_url(url, guild))
            if len(urls) > MAX_ITEMS:
                lines.append(f"⚠️ only the first {MAX_ITEMS} URLs were fetched")
        elif "|" in text:
            title, _, body = text.partition("|")
            if not title.strip() or not body.strip():
                lines.append(USAGE.format(p=ctx.clean_prefix))
            else:
                await done(await self.library.add_text(title.strip(), body.strip(), guild, source="discord"))
        elif text.strip():
            lines.append(USAGE.format(p=ctx.clean_prefix))
        await send_lines(ctx, lines)

    async def _announce(self, article_id: int, guild: int) -> str:
        """Flag a just-added article as breaking news through the alerts cog; a note for the reply."""
        alerts = self.bot.get_cog("Alerts")
        if alerts is None:
            return " · not announced: alerts are not running"
        try:
            queued = await alerts.announce(article_id, guild)  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 - the add itself succeeded; say why the alert did not
            return f" · not announced: {exc}"
        return " · breaking-news alert sent" if queued else " · flagged as breaking news"

    async def _add_attachment(self, attachment: discord.Attachment, guild: int) -> ImportReport:
        name = attachment.filename
        suffix = Path(name).suffix.lower()
        if suffix not in ATTACHMENT_SUFFIXES:
            return ImportReport(name, "skipped", reason=f"unsupported file type {suffix or '(none)'}; "
                                                        "use .txt, .md or .html")
        if attachment.size > MAX_ATTACHMENT_BYTES:
            return ImportReport(name, "skipped", reason=f"too large ({attachment.size:,} bytes; "
                                                        f"the limit is {MAX_ATTACHMENT_BYTES:,})")
        try:
            data = await attachment.read()
        except (discord.HTTPException, OSError):
            return ImportReport(name, "skipped", reason="unreadable (Discord would not hand over the file)")
        if len(data) > MAX_ATTACHMENT_BYTES:  # the declared size can be wrong
            return ImportReport(name, "skipped", reason=f"too large ({len(data):,} bytes)")
        return await self.library.add_file_bytes(name, data, guild)

    # -- remove ---------------------------------------------------------------------------

    @commands.hybrid_command(name="remove")
    @commands.guild_only()
    @library_admin_only()
    @app_commands.describe(article_id="the id of one of this server's articles (see /articles)")
    async def remove(self, ctx: commands.Context, article_id: int) -> None:
        """Remove one of this server's articles (asks you to confirm)."""
        guild = guild_key(ctx.guild)
        found = await self.library.store.get_article(article_id, guild)
        if found is None or found[0].guild_id != guild:
            note = (" It is in the shared library, which servers cannot change."
                    if found is not None and found[0].guild_id == SHARED_GUILD else "")
            await ctx.send(f"This server has no article #{article_id}.{note}", ephemeral=True,
                           allowed_mentions=discord.AllowedMentions.none())
            return
        info = found[0]

        async def do_remove() -> str:
            try:
                removed = await self.library.remove(article_id, guild)
            except StorageError as exc:
                return f"⚠️ #{article_id} was not removed: {exc}."
            if removed is None:
                return f"#{article_id} was already gone."
            return f"🗑️ Removed #{removed.id} {safe(removed.title)!r}."

        view = ConfirmView(ctx.author.id, do_remove, confirm_label="Remove",
                           cancelled="Cancelled; nothing was removed.")
        view.message = await ctx.send(
            f"Remove #{info.id} {safe(info.title)!r} ({info.passages} passages, {info.quotes} quotes)?",
            view=view, allowed_mentions=discord.AllowedMentions.none(),
        )

    @remove.autocomplete("article_id")
    async def _remove_ids(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        return await article_autocomplete(interaction, current, own_only=True)

    # -- settings -------------------------------------------------------------------------

    @commands.hybrid_group(name="admin", invoke_without_command=True, fallback="show")
    @commands.guild_only()
    @library_admin_only()
    async def admin(self, ctx: commands.Context) -> None:
        """Who may curate this server's library."""
        config = await self.library.store.guild_config(guild_key(ctx.guild))
        role = f"<@&{config.admin_role_id}>" if config.admin_role_id else "none set"
        await ctx.send(f"Admins: members with Manage Server, and the admin role ({role}). "
                       f"Set it with `{ctx.clean_prefix}admin role @role`, clear it with "
                       f"`{ctx.clean_prefix}admin norole`.", allowed_mentions=discord.AllowedMentions.none())

    @admin.command(name="role")
    @manage_server_only()
    @app_commands.describe(role="members with this role may add and remove articles")
    async def admin_role(self, ctx: commands.Context, role: discord.Role) -> None:
        """Let a role add and remove articles (Manage Server only)."""
        await self.library.store.update_guild_config(guild_key(ctx.guild), admin_role_id=role.id)
        await ctx.send(f"Members with {role.mention} may now add and remove this server's articles.",
                       allowed_mentions=discord.AllowedMentions.none())

    @admin.command(name="norole")
    @manage_server_only()
    async def admin_norole(self, ctx: commands.Context) -> None:
        """Clear the admin role: only Manage Server may curate (Manage Server only)."""
        await self.library.store.update_guild_config(guild_key(ctx.guild), admin_role_id=None)
        await ctx.send("Admin role cleared: only members with Manage Server may add and remove articles.",
                       allowed_mentions=discord.AllowedMentions.none())


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Admin(bot))
