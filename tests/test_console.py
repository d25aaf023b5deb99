"""The console answers the Discord commands and lets the operator add pages, files and text."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest_asyncio

from bot.console import Console
from bot.library import Library
from tests.test_fetch import ARTICLE_HTML
from tests.webserver import LocalWebServer, web_server  # noqa: F401 - fixture


@pytest_asyncio.fixture
async def console(library: Library) -> Console:
    # The test server is on 127.0.0.1, which the address guard refuses unless told otherwise.
    library.settings = dataclasses.replace(library.settings, allow_private_urls=True)
    return Console(library)


async def test_add_url_then_ask_about_it(console: Console, web_server: LocalWebServer) -> None:  # noqa: F811
    url = web_server.page("/bridge", ARTICLE_HTML)
    reply = await console.handle(f"!add <{url}>")
    assert reply.startswith("added #") and "'Harbour bridge reopens after repairs'" in reply
    answer = await console.handle("!who said we finished two days ahead of schedule")
    assert "Tomas Verhoeven" in answer and "Harbour bridge reopens after repairs" in answer
    assert "duplicate of #" in await console.handle(f"!add {url}")
    assert web_server.requests == ["/bridge", "/bridge"]


async def test_urls_paths_and_failures_in_one_line(console: Console, web_server: LocalWebServer,  # noqa: F811
                                                   tmp_path: Path) -> None:
    web_server.page("/broken", "oops", status=500)
    note = tmp_path / "ferry.txt"
    note.write_text("Ferry service resumes\n\nThe island ferry sails again on Monday, the operator said.\n")
    before = (await console.library.store.stats(None))["articles"]
    reply = await console.handle(f"!add {web_server.url('/broken')} {note}")
    lines = reply.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"skipped {web_server.url('/broken')}: ") and "500" in lines[0]
    assert lines[1].startswith("added #") and "Ferry service resumes" in lines[1]
    assert (await console.library.store.stats(None))["articles"] == before + 1


async def test_private_addresses_stay_refused_by_default(library: Library, web_server: LocalWebServer) -> None:  # noqa: F811
    url = web_server.page("/bridge", ARTICLE_HTML)
    reply = await Console(library).handle(f"!add {url}")
    assert reply.startswith(f"skipped {url}: ") and "private or local address" in reply
    assert web_server.requests == []
    assert "Harbour bridge" not in await Console(library).handle("!articles")
