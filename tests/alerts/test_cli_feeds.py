"""`python -m bot feeds …` as an operator runs it: real subprocesses, a real database file, a real feed server."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT
from tests.alerts.conftest import FeedServer


async def feeds(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "DISCORD_"))}
    environ.update(PYTHONPATH=str(PROJECT_ROOT), NEWSBOT_ALLOW_PRIVATE_URLS="1", NEWSBOT_DB=str(tmp_path / "cli.db"))
    # Async, so the feed server in this process keeps answering while the command runs.
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "feeds", *args, cwd=tmp_path, env=environ,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_feeds_add_list_poll_json_remove(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.serve("/harbour.xml", "harbour-rss-1.xml")
    broken = feed_server.serve("/broken.xml", "malformed.xml")
    code, out, err = await feeds(tmp_path, "add", url, "--breaking")
    assert code == 0, err
    assert out.startswith("added feed #1")
    assert (await feeds(tmp_path, "add", broken))[0] == 0

    code, out, err = await feeds(tmp_path, "poll", "--json")
    assert out == ""  # the first poll of a new feed prints nothing
    assert "feed #1: first poll, 3 current items recorded" in err
    assert code == 1 and "feed #2" in err and "not a valid RSS/Atom feed" in err  # not silent

    feed_server.serve("/harbour.xml", "harbour-rss-2.xml")
    code, out, err = await feeds(tmp_path, "poll", "--json")
    posts = [json.loads(line) for line in out.splitlines()]
    assert [p["title"] for p in posts] == ["Library extends weekend opening hours",
                                           "Chemical plant fire forces evacuation of Eastside"]
    assert posts[1] == {"feed": 1, "item": f"guid:{url}#hcc-1005",
                        "title": "Chemical plant fire forces evacuation of Eastside",
                        "link": feed_server.base + "/news/eastside-plant-fire",
                        "published": "2026-03-02T11:20:00+00:00", "breaking": True}
    assert all(p["breaking"] for p in posts)  # a feed added with --breaking
    assert code == 1 and "failed (2 in a row)" in err  # the broken feed cost the good one nothing

    feed_server.serve("/harbour.xml", "harbour-rss-2-redated.xml")
    code, out, _ = await feeds(tmp_path, "poll", "--json")
    assert out == ""  # printed once ever, whatever the feed does to its dates

    code, out, _ = await feeds(tmp_path, "list", "--json")
    listed = {f["id"]: f for f in map(json.loads, out.splitlines())}
    assert listed[1]["url"] == url and listed[1]["mode"] == "breaking" and listed[1]["items"] == 5
    assert listed[2]["failures"] == 3 and "not a valid RSS/Atom feed" in listed[2]["last_error"]

    code, out, _ = await feeds(tmp_path, "remove", "2")
    assert code == 0 and "removed feed #2" in out
    code, out, _ = await feeds(tmp_path, "list")
    assert "#1 [breaking] Harbour City Courier" in out and "5 items" in out and "#2" not in out

    code, out, err = await feeds(tmp_path, "add", "file:///etc/passwd")
    assert code == 1 and "http" in err and out == ""
