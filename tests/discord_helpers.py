"""Driving slash commands with real discord.Interaction objects; only the HTTP adapter is a double."""

from __future__ import annotations

import asyncio
import itertools
import sys
from contextlib import contextmanager
from typing import Any

import discord
from discord.ext.test import runner as dpytest_runner
from discord.webhook.async_ import async_context


def _new_id() -> str:
    # A snowflake of now: discord.py treats interactions older than 15 minutes as expired.
    return str(discord.utils.time_snowflake(discord.utils.utcnow()) + next(_seq))


_seq = itertools.count()


class RecordingAdapter:
    """Stands in for discord.py's webhook HTTP adapter: records interaction responses and follow-ups."""

    def __init__(self) -> None:
        self.responses: list[dict[str, Any]] = []

    async def create_interaction_response(self, interaction_id, token, *, session, proxy=None, proxy_auth=None, params):  # noqa: ANN001
        self.responses.append(params.payload or {})
        return {"interaction": {"id": str(interaction_id), "type": 2}}

    async def execute_webhook(self, *args: Any, payload: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        # discord.py passes a follow-up's body as `payload=`.
        self.responses.append({"data": payload or {}, "followup": True})
        return self.message_for(payload or {})

    def message_for(self, payload: dict[str, Any]) -> dict[str, Any]:
        """What Discord would answer for a sent message; subclasses that need one build it."""
        return {}

    def embeds(self) -> list[discord.Embed]:
        out = []
        for payload in self.responses:
            data = payload.get("data", {})
            out += [discord.Embed.from_dict(e) for e in data.get("embeds", [])]
        return out

    def contents(self) -> list[str]:
        return [p.get("data", {}).get("content") or "" for p in self.responses]


@contextmanager
def recording_adapter():
    adapter = RecordingAdapter()
    token = async_context.set(adapter)  # type: ignore[arg-type]
    try:
        yield adapter
    finally:
        async_context.reset(token)


def _option(name: str, value: Any, resolved: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One slash option as Discord sends it; a channel or role goes by id, its data under `resolved`."""
    if isinstance(value, discord.abc.GuildChannel):
        resolved.setdefault("channels", {})[str(value.id)] = {
            "id": str(value.id), "type": value.type.value, "name": value.name,
            "permissions": str(value.permissions_for(value.guild.me).value),
            "parent_id": str(value.category_id) if value.category_id else None}
        return {"name": name, "type": 7, "value": str(value.id)}
    if isinstance(value, discord.Role):
        resolved.setdefault("roles", {})[str(value.id)] = {
            "id": str(value.id), "name": value.name, "color": 0, "hoist": False, "position": value.position,
            "permissions": str(value.permissions.value), "managed": False, "mentionable": value.mentionable}
        return {"name": name, "type": 8, "value": str(value.id)}
    kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
    return {"name": name, "type": kind, "value": value}


def make_interaction(
    bot: discord.Client, member: discord.Member, channel: discord.abc.GuildChannel, command: str,
    options: dict[str, Any] | None = None, subcommand: str | None = None, permissions: int | None = None,
) -> discord.Interaction:
    """A real Interaction for `/command [subcommand] options…` sent by member in channel."""
    resolved: dict[str, dict[str, Any]] = {}
    opts = [_option(k, v, resolved) for k, v in (options or {}).items()]
    if subcommand:
        opts = [{"name": subcommand, "type": 1, "options": opts}]
    perms = permissions if permissions is not None else member.guild_permissions.value
    payload = {
        "id": _new_id(), "application_id": str(bot.user.id), "type": 2, "token": "test-token",
        "version": 1, "channel_id": str(channel.id), "guild_id": str(member.guild.id),
        "channel": {"id": str(channel.id), "type": 0, "name": channel.name, "guild_id": str(member.guild.id),
                    "position": 0, "permission_overwrites": []},
        "member": {
            "user": {"id": str(member.id), "username": member.name, "discriminator": "0001", "avatar": None},
            "roles": [str(r.id) for r in member.roles[1:]], "permissions": str(perms),
            "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False, "mute": False, "flags": 0,
        },
        "app_permissions": str(discord.Permissions.all().value),
        "attachment_size_limit": 10_485_760, "locale": "en-US", "guild_locale": "en-US", "entitlements": [], "authorizing_integration_owners": {},
        "data": {"id": _new_id(), "name": command, "type": 1, "options": opts,
                 **({"resolved": resolved} if resolved else {})},
    }
    return discord.Interaction(data=payload, state=bot._connection)  # type: ignore[arg-type]


async def invoke_slash(bot, interaction: discord.Interaction) -> None:  # noqa: ANN001
    """Run the interaction through the bot's command tree, as the gateway would."""
    await bot.tree._call(interaction)


class Adapter(RecordingAdapter):
    """RecordingAdapter that also answers what discord.py asks after a response: the original
    message (for ctx.send's return value) and follow-ups sent with wait=True."""

    def __init__(self, channel: discord.abc.GuildChannel) -> None:
        super().__init__()
        self.channel = channel
        self.errors: list[BaseException] = []

    def _message(self, payload: dict[str, Any]) -> dict[str, Any]:
        return {"id": _new_id(), "channel_id": str(self.channel.id), "type": 0, "content": payload.get("content") or "",
                "author": {"id": "1", "username": "newsbot", "discriminator": "0001", "avatar": None},
                "attachments": [], "embeds": payload.get("embeds", []), "mentions": [], "mention_roles": [],
                "pinned": False, "mention_everyone": False, "tts": False, "timestamp": "2024-01-01T00:00:00+00:00",
                "edited_timestamp": None, "flags": payload.get("flags", 0), "components": []}

    async def get_original_interaction_response(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        data = next((p.get("data", {}) for p in reversed(self.responses) if not p.get("followup")), {})
        return self._message(data)

    def message_for(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._message(payload)


async def _settle() -> None:
    """Let button callbacks (scheduled as tasks by discord.py's view store) run to the end."""
    for _ in range(50):
        tasks = [t for t in asyncio.all_tasks() if t.get_name().startswith("discord-ui-view-dispatch")
                 and not t.done()]
        if not tasks:
            return
        await asyncio.gather(*tasks, return_exceptions=True)


async def slash(bot, where: Any, member: discord.Member, command: str, options: dict[str, Any] | None = None,  # noqa: ANN001
                subcommand: str | None = None, permissions: int | None = None) -> Adapter:
    """Run `/command [subcommand] options…` as member in `where` (a channel, or anything with a
    .channel); returns the adapter holding every response and follow-up, and any command errors."""
    channel = where if isinstance(where, discord.abc.GuildChannel) else where.channel
    interaction = make_interaction(bot, member, channel, command, options, subcommand=subcommand, permissions=permissions)
    adapter = Adapter(channel)
    with recording_adapter() as base:
        async_context.set(adapter)  # type: ignore[arg-type]
        await invoke_slash(bot, interaction)
        await _settle()
        # A hybrid command's error goes to on_command_error as a dispatched event: let it answer.
        await dpytest_runner.run_all_events()
    assert base.responses == []  # everything went through our adapter
    while not dpytest_runner.error_queue.empty():  # dpytest queues them for the next dpytest.message
        adapter.errors.append(dpytest_runner.error_queue.get_nowait()[1])
    return adapter


def adapter_text(adapter: RecordingAdapter) -> str:
    return "\n".join(adapter.contents())


async def start_test_bot(bot: discord.Client) -> None:
    """Run the bot's own setup as `run` would, without connecting; dpytest keeps its fake
    members in the member cache, which needs the members intent."""
    bot._connection._intents.members = True
    bot._connection.member_cache_flags = discord.MemberCacheFlags.all()
    await bot._async_setup_hook()
    await bot.setup_hook()  # type: ignore[attr-defined]


def record_sends(bot: discord.Client) -> list[dict[str, Any]]:
    """Every message payload the bot sends that (dpytest's) Discord accepts, with its channel id;
    also kept as bot.sent_payloads."""
    sent: list[dict[str, Any]] = []
    real_send = bot.http.send_message

    async def recording_send(channel_id, *, params):  # noqa: ANN001 - dpytest's signature
        channel = sys._getframe(1).f_locals.get("channel")  # noqa: F841 - dpytest reads its caller's frame
        result = await real_send(channel_id, params=params)
        sent.append({"channel_id": int(channel_id), **(params.payload or {})})
        return result

    bot.http.send_message = recording_send  # type: ignore[method-assign]
    bot.sent_payloads = sent  # type: ignore[attr-defined]
    return sent
