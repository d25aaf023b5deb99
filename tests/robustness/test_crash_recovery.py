"""SIGKILL in the middle of a bulk import and of an alert round, then a restart: nothing half-stored,
nothing lost, nothing twice. Real subprocesses (`python -m bot …`), killed with their process group
(the import's worker processes included)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from pathlib import Path

from aiohttp import web

from bot.library import Library
from bot.nlp.passages import split_passages
from bot.settings import Settings
from bot.store.models import SHARED_GUILD
from tests.robustness.helpers import cli_command, cli_env
from tests.webserver import LocalWebServer, web_server  # noqa: F401 - fixture

FILES = 300  # two import batches of 200: a kill after the first commit lands mid-import


def word(n: int) -> str:
    """A made-up word unique to article n ("zqbab…"), so a search finds exactly that article."""
    letters = ""
    for _ in range(4):
        n, r = divmod(n, 26)
        letters += chr(97 + r)
    return f"zq{letters}"


def write_articles(folder: Path, count: int) -> dict[str, str]:
    folder.mkdir()
    bodies = {}
    for n in range(count):
        w = word(n)
        body = (f"The {w} ferry service will resume on Monday after a week of repairs, the harbour office said.\n\n"
                f"“We expect the {w} route to be busy,” said harbour master Ola Berg. Tickets go on sale today.\n\n"
                f"Passengers asked for more crossings. The council will review the timetable in May.")
        (folder / f"story-{n:04d}.md").write_text(f"---\ntitle: Harbour story {n} {w}\n---\n{body}\n", encoding="utf-8")
        bodies[str(folder / f"story-{n:04d}.md")] = body
    return bodies


def count_articles(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # not created yet


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the process we started and its own children, nothing else
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


def test_sigkill_during_bulk_import_then_reimport(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    bodies = write_articles(folder, FILES)
    db = tmp_path / "lib.db"
    env = cli_env(NEWSBOT_DB=str(db))
    proc = subprocess.Popen(cli_command("import", str(folder)), cwd=tmp_path, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    stored = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            stored = count_articles(db)
            if stored:
                break
            time.sleep(0.01)
    finally:
        kill_group(proc)
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    assert 0 < stored < FILES

    # After the kill: whole articles only (every article has all its passages), and they are answerable.
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT a.id, a.source, a.body, count(p.id) FROM articles a "
                        "LEFT JOIN passages p ON p.article_id = a.id GROUP BY a.id").fetchall()
    conn.close()
    assert rows and len(rows) < FILES
    for _id, _source, body, passages in rows:
        assert passages == len(split_passages(body))
    early = min(rows, key=lambda r: r[1])[1]  # the first file of the first (committed) batch
    n = int(Path(early).stem.split("-")[1])
    assert asyncio.run(ask(db, f"!search {word(n)} ferry")) == [early]  # a fresh process's index has it

    again = subprocess.run(cli_command("import", str(folder)), cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"{FILES - len(rows)} added, {len(rows)} duplicates, 0 skipped" in again.stdout

    conn = sqlite3.connect(db)
    sources = [r[0] for r in conn.execute("SELECT source FROM articles")]
    counts = dict(conn.execute("SELECT a.source, count(p.id) FROM articles a JOIN passages p "
                               "ON p.article_id = a.id GROUP BY a.id").fetchall())
    orphans = conn.execute("SELECT count(*) FROM passages WHERE article_id NOT IN (SELECT id FROM articles)").fetchone()
    conn.close()
    assert sorted(sources) == sorted(bodies)  # every file exactly once
    assert all(counts[s] == len(split_passages(b)) for s, b in bodies.items())
    assert orphans == (0,)
    last = FILES - 1
    assert asyncio.run(ask(db, f"!search {word(n)} ferry", f"!search {word(last)} ferry")) == [
        early, str(folder / f"story-{last:04d}.md")]


async def ask(db: Path, *questions: str) -> list[str | None]:
    """The source of the article each question is answered from, by a library opened afresh on db."""
    library = await Library.open(Settings(db=str(db), corpus_dir=db.parent / "no-corpus"))
    try:
        answers = [await asyncio.wait_for(library.ask(q), 20) for q in questions]
    finally:
        await library.close()
    return [a.article.source if a.found and a.article else None for a in answers]


def rss(base: str, items: list[tuple[str, str]]) -> str:
    now = datetime.now(timezone.utc)
    entries = "".join(
        f"<item><title>{title}</title><link>{base}/story/{guid}</link><guid isPermaLink=\"false\">{guid}</guid>"
        f"<pubDate>{format_datetime(now - timedelta(minutes=i))}</pubDate>"
        f"<description>{title}: the council said the work goes on.</description></item>"
        for i, (guid, title) in enumerate(items))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test feed</title>{entries}</channel></rss>'


def story_page(title: str) -> str:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{title}. The harbour council met on Monday and agreed the plan after a long debate in the hall.</p>"
            f"<p>“We will start the work at once,” said councillor Ines Varga, who chairs the works committee.</p>"
            f"</article></body></html>")


def test_sigkill_during_alert_round_then_rerun(tmp_path: Path, web_server: LocalWebServer) -> None:
    env = cli_env(NEWSBOT_DB=str(tmp_path / "feeds.db"), NEWSBOT_ALLOW_PRIVATE_URLS="1")
    base = web_server.url("").rstrip("/")
    old = [(f"a-old-{i}", f"Old story A{i}") for i in range(3)]
    a_new = [(f"a-new-{i}", f"Fresh story A{i}") for i in range(6)]
    b_new = [(f"b-new-{i}", f"Fresh story B{i}") for i in range(4)]
    web_server.page("/a.xml", rss(base, old), content_type="application/rss+xml")
    web_server.page("/b.xml", rss(base, [("b-old", "Old story B")]), content_type="application/rss+xml")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(cli_command("feeds", *args), cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=60)

    async def add_feeds() -> None:  # as `feeds add` + the first `feeds poll` do, in this process to save time
        from bot.alerts.service import Alerts

        library = await Library.open(Settings(db=str(tmp_path / "feeds.db"), corpus_dir=tmp_path / "none",
                                              allow_private_urls=True))
        try:
            for path in ("/a.xml", "/b.xml"):
                _feed, outcome = await Alerts(library).add_feed(SHARED_GUILD, web_server.url(path))
                assert outcome is not None and outcome.status == "primed"
        finally:
            await library.close()

    asyncio.run(add_feeds())

    # New items in both feeds; feed A's third new story stalls, so the round hangs mid-way.
    web_server.page("/a.xml", rss(base, a_new[::-1] + old), content_type="application/rss+xml")
    web_server.page("/b.xml", rss(base, b_new[::-1] + [("b-old", "Old story B")]), content_type="application/rss+xml")
    for guid, title in a_new + b_new:
        web_server.page(f"/story/{guid}", story_page(title))
    stalled = "/story/a-new-2"

    async def stall(request: web.Request) -> web.StreamResponse:
        await __import__("asyncio").sleep(60)
        return web.Response(text="too late")

    web_server.handler(stalled, stall)
    proc = subprocess.Popen(cli_command("feeds", "poll", "--json"), cwd=tmp_path, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline and stalled not in web_server.requests and proc.poll() is None:
            time.sleep(0.02)
        time.sleep(0.2)
    finally:
        kill_group(proc)
    assert stalled in web_server.requests, "the round never reached the stalled page"
    killed_out = proc.stdout.read() if proc.stdout else ""
    assert proc.returncode == -signal.SIGKILL

    web_server.page(stalled, story_page("Fresh story A2"))
    second = run("poll", "--json")
    printed = [json.loads(line)["title"] for out in (killed_out, second.stdout) for line in out.splitlines()]
    assert sorted(printed) == sorted(title for _, title in a_new + b_new)  # each new item once, none lost

    conn = sqlite3.connect(tmp_path / "feeds.db")
    titles = [r[0] for r in conn.execute("SELECT title FROM articles")]
    undelivered = conn.execute("SELECT count(*) FROM alert_outbox WHERE target = 'console' "
                               "AND state != 'delivered'").fetchone()[0]
    conn.close()
    assert undelivered == 0  # so a third run prints nothing
    for _, title in old + a_new + b_new:
        assert titles.count(title) == 1, title  # no article stored twice by the interrupted round
