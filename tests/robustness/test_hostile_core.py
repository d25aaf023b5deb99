"""Hostile input at every door the core has: questions, console lines, article files, pasted text, URLs
and feeds. Each gets a clear refusal or a correct answer — never a crash, never a hang (every call runs
under a timeout), never a changed database where nothing should change (a hash of every table's rows)."""

from __future__ import annotations

import asyncio
import functools
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import web
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from bot.alerts.parse import MAX_ITEMS
from bot.alerts.service import Alerts
from bot.answer.models import Answer
from bot.answer.parse import MAX_QUESTION_CHARS
from bot.console import Console
from bot.ingest.files import MAX_FILE_BYTES
from bot.ingest.records import MAX_BODY_CHARS
from bot.library import Library
from bot.settings import Settings
from bot.store.models import SHARED_GUILD
from tests.robustness.helpers import db_fingerprint
from tests.webserver import LocalWebServer, web_server  # noqa: F401 - fixture

COMMANDS = {"who", "when", "search", "quotes", "article", "articles", "stats", "help", "unknown"}
NASTY_TEXT = [
    "", " ", "\n\n", "!", "!!", "/", "?", "\x00", "\ud800", "\u200b\u200b\u200b", "\u202e\u2066\u200f",
    "x" * 100_000, "!who said " + "x" * 100_000, "!search " + "the " * 240, "!who said " + "\u200b" * 5000,
    "@everyone", "@here", "<@&123>", "<@123456789012345678>", "```", "```py\nprint(1)\n```", "**__~~||x||~~__**",
    "!who said '; DROP TABLE articles; --", "!search \" OR 1=1 --", "!quotes %", "!quotes _", "!quotes \\",
    "!article 99999999999999999999999", "!article ²", "!article ١٢", "!article -1", "!article #", "!article 0",
    "!articles 99999999999999999999999", "!articles ²", "!articles -3", "!when \u202eyadnoM no\u202c",
    "!who said \u0627\u0644\u0633\u0644\u0627\u0645 \u05e9\u05dc\u05d5\u05dd", "!quotes " + "a" * 999,
    "!who said " + " ".join(f"w{i}" for i in range(300)), "!search 💥💥💥", "!stats extra words", "!help me",
]


def well_formed(answer: Answer, question: str) -> None:
    assert isinstance(answer, Answer), question
    assert answer.command in COMMANDS and isinstance(answer.found, bool)
    assert isinstance(answer.answer, str) and answer.answer.strip()
    assert "Traceback" not in answer.answer
    if len(question) > MAX_QUESTION_CHARS:
        assert not answer.found and "too long" in answer.answer


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def run(loop: asyncio.AbstractEventLoop, coro, timeout: float = 15):  # noqa: ANN001, ANN201
    return loop.run_until_complete(asyncio.wait_for(coro, timeout))


@pytest.fixture
def seeded(loop: asyncio.AbstractEventLoop, settings: Settings) -> Iterator[Library]:
    library = run(loop, Library.open(settings), 60)
    run(loop, library.ensure_corpus(), 60)
    yield library
    run(loop, library.close())


# -- questions and console lines ---------------------------------------------------------------

def test_fixed_nasty_questions_and_console_lines(loop, seeded: Library) -> None:  # noqa: ANN001
    before = db_fingerprint(seeded.settings.db)
    console = Console(seeded)
    for text in NASTY_TEXT:
        started = time.monotonic()
        well_formed(run(loop, seeded.ask(text)), text)
        reply = run(loop, console.handle(text))
        assert isinstance(reply, str) and reply.strip() and "Traceback" not in reply, text
        assert time.monotonic() - started < 5, f"{text[:40]!r} took too long"
    for line in ["!remove ²", "!remove 99999999999999999999999", "!remove abc", "!remove", "!remove 424242",
                 '!add "unterminated', "!add", "!add /nonexistent/file.txt", "!add /dev/zero", "!add /dev/null.txt"]:
        reply = run(loop, console.handle(line))
        assert isinstance(reply, str) and reply.strip(), line
    assert run(loop, console.handle("!remove 99999999999999999999999")) == "There is no article #99999999999999999999999."
    assert run(loop, console.handle('!add "unterminated')).startswith("Usage: !add ")
    assert db_fingerprint(seeded.settings.db) == before


@hsettings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(["", "!", "!who said ", "!when ", "!search ", "!quotes ", "!article ", "!articles ", "/"]),
       st.text(max_size=300) | st.text(alphabet=st.characters(categories=("Nd", "No", "Zs", "Cf", "Po")), max_size=40))
def _ask_anything(library: Library, loop, prefix: str, text: str) -> None:  # noqa: ANN001
    question = prefix + text
    well_formed(run(loop, library.ask(question)), question)


def test_any_question_gets_a_well_formed_answer_and_changes_nothing(loop, seeded: Library) -> None:  # noqa: ANN001
    before = db_fingerprint(seeded.settings.db)
    _ask_anything(seeded, loop)
    assert db_fingerprint(seeded.settings.db) == before


# -- article files and pasted text ----------------------------------------------------------------

ARTICLE = "Bridge reopens\n\nThe Kessel bridge reopened on Monday, the council said. “It is safe,” said engineer Ada Berg.\n"
NASTY_FILES = {
    "random.txt": os.urandom(4096),
    "nul.md": b"Title\n\nText with a \x00 in it.",
    "huge.txt": b"word " * (MAX_FILE_BYTES // 5 + 1),
    "long-body.txt": b"Title\n\n" + b"The council met. " * (MAX_BODY_CHARS // 17 + 10),
    "latin1.txt": ARTICLE.replace("“", '"').replace("”", '"').encode("utf-8").replace(b"Kessel", b"K\xe9ssel"),
    "utf16.txt": ARTICLE.encode("utf-16"),
    "cp1252.md": "Caf\u00e9 \u201cnews\u201d\n\nThe caf\u00e9 opened.".encode("cp1252"),
    "empty.txt": b"",
    "blank.md": b"  \n\t\n",
    "front-matter-only.md": b"---\ntitle: Nothing here\n---\n",
    "no-suffix": ARTICLE.encode(),
    "archive.zip": b"PK\x03\x04" + os.urandom(100),
    "page.pdf": b"%PDF-1.4 " + os.urandom(100),
    "deep.html": b"<html><body>" + b"<div>" * 100_000 + b"<p>Deep text.</p>" + b"</div>" * 100_000 + b"</body></html>",
    "unclosed.html": b"<html><body>" + b"<b><i><table><tr><td>" * 20_000,
    "binary.html": os.urandom(20_000).replace(b"\x00", b"\x01"),
    "bomb-entities.html": b'<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                          b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><html><body><p>&c;&c;&c;</p></body></html>',
    "script-only.html": b"<html><head><script>" + b"var x = 1;" * 10_000 + b"</script></head><body></body></html>",
    "../../etc/passwd.txt": ARTICLE.replace("Kessel", "Traversal").encode(),
    "tricky-date.md": b"---\ntitle: Odd date\npublished: 99999-99-99\n---\nThe odd-date ferry ran on time, the captain said.",
    "far-date.md": b"---\ntitle: Far date\npublished: next tuesday in three million years\n---\nThe far-date ferry ran late.",
}
ADDED = {"latin1.txt": False, "no-suffix": False, "../../etc/passwd.txt": True, "tricky-date.md": True,
         "far-date.md": True}


def test_nasty_files_are_refused_or_stored_whole(loop, seeded: Library) -> None:  # noqa: ANN001
    db = seeded.settings.db
    for name, data in NASTY_FILES.items():
        before = db_fingerprint(db)
        started = time.monotonic()
        report = run(loop, seeded.add_file_bytes(name, data), 30)
        assert time.monotonic() - started < 15, name
        if ADDED.get(name):
            assert report.status == "added", (name, report)
            assert report.article.passages >= 1
            continue
        assert report.status == "skipped" and report.reason and "Traceback" not in report.reason, (name, report)
        assert db_fingerprint(db) == before, name
    assert "not UTF-8" in run(loop, seeded.add_file_bytes("latin1.txt", NASTY_FILES["latin1.txt"])).reason
    assert "too large" in run(loop, seeded.add_file_bytes("huge.txt", NASTY_FILES["huge.txt"])).reason


@hsettings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(["a.txt", "a.md", "a.html", "a", "a.exe", ".txt", "a.TXT"]),
       st.binary(max_size=3000) | st.text(max_size=3000).map(lambda t: t.encode("utf-8", "surrogatepass")))
def _any_file(library: Library, loop, name: str, data: bytes) -> None:  # noqa: ANN001
    before = db_fingerprint(library.settings.db)
    report = run(loop, library.add_file_bytes(name, data), 30)
    assert report.status in {"added", "duplicate", "skipped"}
    if report.status == "skipped":
        assert report.reason and "Traceback" not in report.reason
    if report.status != "added":
        assert db_fingerprint(library.settings.db) == before


def test_any_file_is_refused_or_stored(loop, seeded: Library) -> None:  # noqa: ANN001
    _any_file(seeded, loop)


@hsettings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=600), st.text(max_size=2000))
def _any_text(library: Library, loop, title: str, text: str) -> None:  # noqa: ANN001
    report = run(loop, library.add_text(title, text), 30)
    assert report.status in {"added", "duplicate", "skipped"}
    if report.status == "added":
        assert len(report.article.title) <= 500
        assert run(loop, library.ask(f"!article {report.article.id}")).found


def test_any_pasted_text_is_refused_or_stored(loop, seeded: Library) -> None:  # noqa: ANN001
    _any_text(seeded, loop)


def test_markdown_and_mentions_are_stored_as_text(loop, seeded: Library) -> None:  # noqa: ANN001
    report = run(loop, seeded.add_text("@everyone <@&123> ```", "“@everyone come now,” said <@123456789012345678>. "
                                       "```js alert(1)``` **bold** the bridge closes on Monday."))
    assert report.status == "added"
    answer = run(loop, seeded.ask("!search bridge closes Monday"))
    assert answer.found and answer.article.title == "@everyone <@&123> ```"  # the core keeps text; front ends escape


# -- URLs ---------------------------------------------------------------------------------------

def stub_resolver(table: dict[str, list[str]], calls: list[str]):  # noqa: ANN201
    async def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return table.get(host, [])
    return resolve


@pytest.mark.parametrize("addresses", [["127.0.0.1"], ["10.0.0.8"], ["169.254.169.254"], ["::1"], ["fd00::1"],
                                        ["100.64.1.1"], ["93.184.216.34", "192.168.1.5"], ["::ffff:127.0.0.1"]])
async def test_private_addresses_are_refused_before_connecting(
        empty_library: Library, web_server: LocalWebServer, addresses: list[str]) -> None:
    web_server.page("/a", "<html><body><p>secret</p></body></html>")
    calls: list[str] = []
    before = db_fingerprint(empty_library.settings.db)
    report = await asyncio.wait_for(empty_library.add_url(
        f"http://intranet.example:{web_server.port}/a",
        resolver=stub_resolver({"intranet.example": addresses}, calls)), 10)
    assert report.status == "skipped" and report.reason.startswith("refused:") and "private or local" in report.reason
    assert calls == ["intranet.example"] and web_server.requests == []  # resolved, checked, never connected
    assert db_fingerprint(empty_library.settings.db) == before


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/", "http://[::1]/", "http://0x7f.1/", "http://2130706433/",
                                 "http://metadata.google.internal/", "file:///etc/passwd", "gopher://x/",
                                 "http://", "http://a b/", "http://[zz::1]/", "http://x:99999/", "x" * 5000,
                                 "http://" + "a." * 200 + "com/"])
async def test_odd_and_local_urls_are_refused(empty_library: Library, url: str) -> None:
    calls: list[str] = []
    report = await asyncio.wait_for(empty_library.add_url(url, resolver=stub_resolver({}, calls)), 10)
    assert report.status == "skipped" and report.reason and "Traceback" not in report.reason


@pytest_asyncio.fixture
async def open_library(tmp_path: Path, seed_corpus: Path):
    """A library that may reach 127.0.0.1 (the local test server), as NEWSBOT_ALLOW_PRIVATE_URLS=1 allows."""
    lib = await Library.open(Settings(db=str(tmp_path / "open.db"), corpus_dir=seed_corpus, allow_private_urls=True))
    yield lib
    await lib.close()


async def test_redirect_loops_and_slow_drip_are_cut(open_library: Library, web_server: LocalWebServer,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.ingest.web as web_module

    monkeypatch.setattr(web_module, "fetch_article", functools.partial(web_module.fetch_article, timeout=1.5))
    web_server.redirect("/loop-a", "/loop-b")
    web_server.redirect("/loop-b", "/loop-a")
    web_server.redirect("/self", "/self", status=307)

    async def drip(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        try:
            for _ in range(600):
                await response.write(b"<p>a</p>")
                await asyncio.sleep(0.05)
        except (ConnectionError, RuntimeError, asyncio.CancelledError):
            pass
        return response

    async def stall_headers(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(30)
        return web.Response(text="late")

    web_server.handler("/drip", drip)
    web_server.handler("/stall", stall_headers)
    web_server.page("/empty", b"", content_type="text/html")
    web_server.page("/image", os.urandom(1000), content_type="image/png")
    web_server.page("/no-type", b"<p>x</p>", content_type=None)
    web_server.stream("/endless", 50_000_000)
    before = db_fingerprint(open_library.settings.db)
    expected = {"/loop-a": "too many redirects", "/self": "too many redirects", "/drip": "timed out",
                "/stall": "timed out", "/empty": "empty page", "/image": "not a web page",
                "/no-type": "not a web page", "/endless": "too large", "/missing": "404"}
    for path, reason in expected.items():
        started = time.monotonic()
        report = await asyncio.wait_for(open_library.add_url(web_server.url(path)), 10)
        assert report.status == "skipped" and reason in report.reason, (path, report.reason)
        assert time.monotonic() - started < 5, path
    assert web_server.requests.count("/loop-a") <= 3 and web_server.requests.count("/self") == 6  # 5 redirects, no more
    assert db_fingerprint(open_library.settings.db) == before


# -- feeds ----------------------------------------------------------------------------------------

def _rss(items: str, head: str = "") -> bytes:
    return f'<?xml version="1.0"?>{head}<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


LAUGHS = ('<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
          + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>")
FEEDS = {
    "laughs.xml": _rss("<item><title>&j;</title><guid>1</guid><description>&j;&j;</description></item>", LAUGHS),
    "external.xml": _rss("<item><title>x&e;</title><guid>1</guid></item>",
                         '<!DOCTYPE rss [<!ENTITY e SYSTEM "file:///etc/passwd">]>'),
    "huge-entry.xml": _rss("<item><title>" + "T" * 200_000 + "</title><guid>1</guid><description>"
                           + "word " * 400_000 + "</description></item>"),
    "many.xml": _rss("".join(f"<item><title>Item {i}</title><guid>g{i}</guid></item>" for i in range(2000))),
    "missing.xml": _rss("<item></item><item><description>only text</description></item>"
                        "<item><link>javascript:alert(1)</link></item><item><guid></guid><pubDate>soon</pubDate></item>"),
    "binary.xml": os.urandom(5000),
    "html.xml": b"<html><body><p>not a feed</p></body></html>",
    "empty.xml": b"",
}


async def test_hostile_feeds_are_refused_or_read_within_limits(open_library: Library, web_server: LocalWebServer) -> None:
    for name, body in FEEDS.items():
        web_server.page(f"/{name}", body, content_type="application/rss+xml")
    alerts = Alerts(open_library, full_text=None, poller_options={"timeout": 5.0})
    outcomes = {}
    for name in FEEDS:
        before = db_fingerprint(open_library.settings.db)
        started = time.monotonic()
        try:
            feed, outcome = await asyncio.wait_for(alerts.add_feed(SHARED_GUILD, web_server.url(f"/{name}")), 60)
            outcomes[name] = outcome
        except Exception as exc:  # AlertsError: a clear refusal, and nothing kept
            assert type(exc).__name__ == "AlertsError" and "Could not read that feed" in str(exc), (name, exc)
            assert db_fingerprint(open_library.settings.db) == before, name
            outcomes[name] = None
        assert time.monotonic() - started < 30, name
    assert outcomes["binary.xml"] is None and outcomes["empty.xml"] is None and outcomes["html.xml"] is None
    assert outcomes["many.xml"].seen == MAX_ITEMS  # the newest 200, not 2,000 articles in one poll
    assert outcomes["missing.xml"].status == "primed"
    stored = await open_library.store.list_articles(None, 0, 1000)
    assert all(len(a.title) <= 500 for a in stored)
    bodies = [(await open_library.store.get_article(a.id))[1] for a in stored]
    assert max(len(b) for b in bodies) <= 20_000  # a summary is cut at SUMMARY_CHARS; no entity blew up
    assert not any("root:" in b for b in bodies)  # no external entity was read


@pytest.mark.parametrize("body", ["said " * 3000, '"a," said X. ' * 2000, 'He said: "' * 4000],
                         ids=["run-on verbs", "many short attributions", "open colons"])
def test_a_wordy_file_is_prepared_in_reasonable_time(body: str) -> None:
    # The attribution rules look around each speech verb; overlong stretches are skipped, not searched.
    import subprocess
    import sys

    code = ("import sys; from bot.ingest.records import ArticleDraft, prepare; "
            "prepare(ArticleDraft('Said', sys.argv[1], 'said.txt'))")
    try:
        subprocess.run([sys.executable, "-c", code, body], timeout=6, check=True, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    except subprocess.TimeoutExpired:
        pytest.fail(f"preparing {len(body):,} characters of text took more than 6 s")
