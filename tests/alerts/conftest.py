"""Fixtures for the alerts tests: a real feed server on 127.0.0.1, a settable clock, a library over a
real SQLite file that may reach 127.0.0.1, and the real bot on dpytest's fake Discord."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import discord.ext.test as dpytest
import pytest
import pytest_asyncio
from aiohttp import web

from bot.library import Library
from bot.settings import Settings
from tests.discord_helpers import record_sends, start_test_bot

DATA = Path(__file__).parent / "data"
START = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)  # the feeds' items are from the morning of this day


@dataclass
class Route:
    """What the server answers on one path; change it between polls."""

    file: str | None = None
    text: str | None = None
    content_type: str = "application/rss+xml"
    status: int = 200
    delay: float = 0.0
    stream_bytes: int = 0  # stream this many bytes without a Content-Length
    headers: dict[str, str] = field(default_factory=dict)  # sent with an error status (e.g. Retry-After)


@dataclass
class FeedServer:
    base: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    not_modified: list[str] = field(default_factory=list)  # paths answered 304

    def serve(self, path: str, file: str | None = None, **kwargs: Any) -> str:
        self.routes[path] = Route(file=file, **kwargs)
        return self.base + path

    def hits(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == path]


class Clock:
    """A clock the test moves; the poller and outbox read it instead of the wall clock."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest_asyncio.fixture
async def feed_server():
    server = FeedServer()

    async def handle(request: web.Request) -> web.StreamResponse:
        server.requests.append((request.path, dict(request.headers)))
        route = server.routes.get(request.path)
        if route is None:
            return web.Response(status=404, text="not found")
        if route.delay:
            await asyncio.sleep(route.delay)
        if route.status != 200:
            return web.Response(status=route.status, text=f"error {route.status}", headers=route.headers)
        if route.stream_bytes:
            response = web.StreamResponse(headers={"Content-Type": route.content_type})
            response.enable_chunked_encoding()
            await response.prepare(request)
            chunk = b"<!-- " + b"x" * (1 << 20) + b" -->\n"
            sent = 0
            try:
                await response.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>')
                while sent < route.stream_bytes:
                    await response.write(chunk)
                    sent += len(chunk)
            except (ConnectionResetError, ConnectionError, RuntimeError):
                return response
            return response
        text = route.text if route.text is not None else (DATA / route.file).read_text(encoding="utf-8")
        body = text.replace("{base}", server.base).encode("utf-8")
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            server.not_modified.append(request.path)
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, headers={"Content-Type": f"{route.content_type}; charset=utf-8",
                                                "ETag": etag, "Last-Modified": "Mon, 02 Mar 2026 11:30:00 GMT"})

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handle)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.base = f"http://127.0.0.1:{port}"
    yield server
    await runner.cleanup()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def alert_settings(database: str, seed_corpus: Path) -> Settings:
    return Settings(db=database, corpus_dir=seed_corpus, allow_private_urls=True)


@pytest_asyncio.fixture
async def alerts_library(alert_settings: Settings):
    lib = await Library.open(alert_settings)
    yield lib
    await lib.close()


def make_service(library: Library, clock: Clock, **poller: Any):
    from bot.alerts.service import Alerts

    options = {"timeout": 1.0, **poller}
    return Alerts(library, clock=clock, full_text=None, poller_options=options, outbox_options={"retry_base": 0.0})


async def _create_role(self, guild_id, *, reason=None, **fields):  # noqa: ANN001, ANN002, ANN003
    """dpytest 0.7's create_role chokes on the `colors` field discord.py 2.7 sends; the same, by guild id."""
    from discord.ext.test import backend, factories

    guild = backend.get_state()._get_guild(int(guild_id))
    role = backend.make_role(fields.get("name", "new role"), guild, mentionable=bool(fields.get("mentionable")),
                             permissions=int(fields.get("permissions", 0)))
    return factories.dict_from_role(role)


@pytest_asyncio.fixture
async def discord_bot(alerts_library: Library, clock: Clock, monkeypatch: pytest.MonkeyPatch):
    """The real bot and its alerts cog on dpytest: two servers, each with #general and #news."""
    from bot.client import create_bot
    from bot.cogs.alerts import Alerts as AlertsCog

    from discord.ext.test import backend

    monkeypatch.setattr(backend.FakeHttp, "create_role", _create_role)
    bot = create_bot(settings=alerts_library.settings, library=alerts_library)
    await start_test_bot(bot)
    # The cog as `run` loads it, but reading the test's clock and without fetching article pages.
    await bot.remove_cog("Alerts")
    cog = AlertsCog(bot, make_service(alerts_library, clock))
    await bot.add_cog(cog)
    dpytest.configure(bot, guilds=["Alpha", "Beta"], text_channels=["general", "news"], members=["reader", "editor"])
    record_sends(bot)
    bot.alerts_cog = cog  # type: ignore[attr-defined]
    yield bot
    await dpytest.empty_queue()
