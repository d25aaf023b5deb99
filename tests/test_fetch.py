"""The URL fetcher and its address guard, and page extraction. Only 127.0.0.x servers we start here."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

import aiohttp
import pytest
from aiohttp import web

from bot.ingest import fetch as fetch_module
from bot.ingest.fetch import FetchError, address_blocked, fetch_url, retry_after_seconds
from bot.ingest.records import IngestError
from bot.ingest.web import fetch_article, html_to_draft, page_to_draft
from tests.webserver import LocalWebServer, web_server  # noqa: F401 - fixture

ARTICLE_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour bridge reopens after repairs | The Example Gazette</title>
<meta property="og:title" content="Harbour bridge reopens after repairs">
<meta name="author" content="Mira Castellan">
<meta property="article:published_time" content="2024-03-18T09:30:00Z">
<meta property="article:section" content="Transport">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Harbour bridge reopens after repairs</h1>
<p>The Harbour Bridge reopened to traffic on Monday after eight weeks of repairs to its steel deck,
the city transport office said.</p>
<p>“We finished two days ahead of schedule and under budget,” said Tomas Verhoeven, the city's chief
engineer, at a briefing on the quay.</p>
<p>Commuters had faced detours of up to forty minutes while the bridge was closed. Bus routes 4 and 11
return to their usual paths on Tuesday.</p>
<p>The council will decide in June whether to fund a second phase of work on the approach ramps.</p>
</article>
<footer>Copyright The Example Gazette</footer>
</body></html>"""

LINKS_ONLY_HTML = "<html><head><title>Index</title></head><body><ul>" + "".join(
    f'<li><a href="/story/{i}">Story {i}</a></li>' for i in range(30)) + "</ul></body></html>"


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail loudly if the fetcher tries to open any connection at all."""
    attempts: list[str] = []

    async def refuse(self, req, *args, **kwargs):  # noqa: ANN001
        attempts.append(str(req.url))
        raise AssertionError(f"a connection was attempted to {req.url}")

    monkeypatch.setattr(aiohttp.TCPConnector, "connect", refuse)
    return attempts


def stub_resolver(table: dict[str, list[str]], calls: list[tuple[str, int]] | None = None):  # noqa: ANN201
    async def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append((host, port))
        if host not in table:
            raise OSError("no such host")
        return table[host]
    return resolve


# -- the address policy (pure) ------------------------------------------------------------------

@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.0.0.2", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fe80::1%eth0", "fd00:ec2::254",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::", "64:ff9b::a00:1", "not-an-address",
])
def test_non_public_addresses_are_blocked(address: str) -> None:
    assert address_blocked(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert not address_blocked(address)


# -- the guard, with a resolver stub: checked before any connection -------------------------

@pytest.mark.parametrize("resolved", [["10.0.0.7"], ["169.254.169.254"], ["fe80::2"], ["192.168.0.10"],
                                      ["8.8.8.8", "10.0.0.7"]])  # every address counts, not just the first
async def test_private_resolution_is_refused_before_connecting(resolved: list[str], no_connections: list[str]) -> None:
    calls: list[tuple[str, int]] = []
    with pytest.raises(FetchError, match="private or local address"):
        await fetch_url("http://intranet.example:8080/report", resolver=stub_resolver({"intranet.example": resolved}, calls))
    assert calls == [("intranet.example", 8080)]
    assert no_connections == []


async def test_loopback_name_is_refused_and_server_never_hears_of_it(web_server: LocalWebServer) -> None:
    web_server.page("/a", ARTICLE_HTML)
    url = f"http://news.example:{web_server.port}/a"
    with pytest.raises(FetchError, match=r"private or local address \(127\.0\.0\.1\)"):
        await fetch_url(url, resolver=stub_resolver({"news.example": ["127.0.0.1"]}))
    assert web_server.requests == []


async def test_literal_private_address_refused(web_server: LocalWebServer) -> None:
    web_server.page("/a", ARTICLE_HTML)
    with pytest.raises(FetchError, match="refused"):
        await fetch_url(web_server.url("/a"))
    assert web_server.requests == []


async def test_metadata_name_refused_without_resolving(no_connections: list[str]) -> None:
    calls: list[tuple[str, int]] = []
    with pytest.raises(FetchError, match="metadata"):
        await fetch_url("http://metadata.google.internal/computeMetadata/v1/", resolver=stub_resolver({}, calls))
    assert calls == []


@pytest.mark.parametrize("url", ["ftp://example.org/a", "file:///etc/passwd", "javascript:alert(1)", "http:///nohost",
                                 "http://example.org:99999/"])
async def test_bad_urls_refused(url: str, no_connections: list[str]) -> None:
    with pytest.raises(FetchError):
        await fetch_url(url, resolver=stub_resolver({}))


async def test_pinned_resolution_is_what_connects(web_server: LocalWebServer) -> None:
    """With private addresses allowed, a name resolved by the stub reaches our server, Host header intact."""
    web_server.page("/a", ARTICLE_HTML)
    result = await fetch_url(f"http://news.example:{web_server.port}/a", allow_private=True,
                             resolver=stub_resolver({"news.example": ["127.0.0.1"]}))
    assert result.status == 200
    assert web_server.request_headers[0]["Host"] == f"news.example:{web_server.port}"


# -- fetching from the local server -------------------------------------------------------------

async def test_fetch_html_page(web_server: LocalWebServer) -> None:
    web_server.page("/a", ARTICLE_HTML, headers={"ETag": '"v1"'})
    result = await fetch_url(web_server.url("/a"), allow_private=True)
    assert result.status == 200
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.body.startswith(b"<!doctype html>")
    assert result.headers["ETag"] == '"v1"'
    assert web_server.request_headers[0]["User-Agent"].startswith("newsbot/")


async def test_404_is_reported(web_server: LocalWebServer) -> None:
    with pytest.raises(FetchError, match="answered 404"):
        await fetch_url(web_server.url("/missing"), allow_private=True)


async def test_binary_is_refused(web_server: LocalWebServer) -> None:
    web_server.page("/photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, content_type="image/png")
    with pytest.raises(FetchError, match=r"not a web page \(image/png\)"):
        await fetch_url(web_server.url("/photo.png"), allow_private=True)


async def test_untyped_body_is_refused(web_server: LocalWebServer) -> None:
    web_server.page("/blob", b"\x00\x01\x02", content_type=None)  # aiohttp calls it application/octet-stream
    with pytest.raises(FetchError, match="not a web page"):
        await fetch_url(web_server.url("/blob"), allow_private=True)


async def test_other_accept_list(web_server: LocalWebServer) -> None:
    """Feeds ask for their own types; wildcards work."""
    web_server.page("/feed", "<rss/>", content_type="application/rss+xml")
    result = await fetch_url(web_server.url("/feed"), allow_private=True, accept=("application/*",))
    assert result.content_type == "application/rss+xml"
    with pytest.raises(FetchError):
        await fetch_url(web_server.url("/feed"), allow_private=True)


async def test_redirects_are_followed_and_limited(web_server: LocalWebServer) -> None:
    web_server.page("/final", ARTICLE_HTML)
    web_server.redirect("/r1", "/r2", status=301)
    web_server.redirect("/r2", web_server.url("/final"), status=307)
    result = await fetch_url(web_server.url("/r1"), allow_private=True)
    assert result.url == web_server.url("/final")
    assert web_server.requests == ["/r1", "/r2", "/final"]
    with pytest.raises(FetchError, match="too many redirects"):
        await fetch_url(web_server.url("/r1"), allow_private=True, max_redirects=1)
    web_server.redirect("/loop", "/loop")
    with pytest.raises(FetchError, match="too many redirects"):
        await fetch_url(web_server.url("/loop"), allow_private=True)


async def test_redirect_to_other_loopback_host_is_checked_at_that_hop(
    web_server: LocalWebServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Guard on, with only the first server's address let through: the hop to 127.0.0.2 is refused
    and that server never sees a request; with private addresses allowed the same hop is followed."""
    with LocalWebServer("127.0.0.2") as inner:
        inner.page("/secret", ARTICLE_HTML)
        web_server.redirect("/go", inner.url("/secret"))
        real = fetch_module.address_blocked
        monkeypatch.setattr(fetch_module, "address_blocked", lambda a: a != "127.0.0.1" and real(a))
        with pytest.raises(FetchError, match=r"127\.0\.0\.2"):
            await fetch_url(web_server.url("/go"))
        assert web_server.requests == ["/go"]
        assert inner.requests == []
        result = await fetch_url(web_server.url("/go"), allow_private=True)
        assert result.url == inner.url("/secret")
        assert inner.requests == ["/secret"]


async def test_redirect_to_metadata_address_refused(web_server: LocalWebServer, monkeypatch: pytest.MonkeyPatch,
                                                    ) -> None:
    real = fetch_module.address_blocked
    monkeypatch.setattr(fetch_module, "address_blocked", lambda a: a != "127.0.0.1" and real(a))
    web_server.redirect("/go", "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(FetchError, match=r"169\.254\.169\.254"):
        await fetch_url(web_server.url("/go"))


async def test_20mb_streamed_page_is_cut_at_the_cap(web_server: LocalWebServer) -> None:
    web_server.stream("/huge", 20_000_000)
    started = time.monotonic()
    with pytest.raises(FetchError, match="too large"):
        await fetch_url(web_server.url("/huge"), allow_private=True)
    assert time.monotonic() - started < 10


async def test_20mb_declared_page_is_refused_from_its_header(web_server: LocalWebServer) -> None:
    web_server.page("/huge", b"a" * 20_000_000)
    with pytest.raises(FetchError, match="too large"):
        await fetch_url(web_server.url("/huge"), allow_private=True)


async def test_slow_server_times_out(web_server: LocalWebServer) -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(3)
        return web.Response(text="late")

    web_server.handler("/slow", slow)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        await fetch_url(web_server.url("/slow"), allow_private=True, timeout=0.3)
    assert time.monotonic() - started < 2


async def test_conditional_request_304(web_server: LocalWebServer) -> None:
    web_server.page("/feed", b"", status=304, headers={"ETag": '"v2"'})
    result = await fetch_url(web_server.url("/feed"), allow_private=True, headers={"If-None-Match": '"v2"'})
    assert (result.status, result.body, result.headers["ETag"]) == (304, b"", '"v2"')
    assert web_server.request_headers[0]["If-None-Match"] == '"v2"'


# -- extraction --------------------------------------------------------------------------------

def test_html_to_draft_reads_the_article_and_its_metadata() -> None:
    draft = html_to_draft(ARTICLE_HTML.encode(), "page.html", url="https://gazette.example/bridge")
    assert draft.title == "Harbour bridge reopens after repairs"
    assert str(draft.published) == "2024-03-18"
    assert draft.author == "Mira Castellan"
    assert draft.category == "Transport"
    assert draft.url == draft.source == "https://gazette.example/bridge"
    assert draft.body.startswith("The Harbour Bridge reopened")  # the headline is not repeated in the body
    assert "Tomas Verhoeven" in draft.body
    assert "\n\n" in draft.body  # paragraphs kept apart
    assert "Copyright" not in draft.body and "Sport" not in draft.body


def test_html_in_a_legacy_charset() -> None:
    html = ARTICLE_HTML.replace('<meta charset="utf-8">', "").replace("said Tomas", "said Tomás")
    data = html.replace("“", '"').replace("”", '"').encode("latin-1")
    draft = html_to_draft(data, "page.html", charset="iso-8859-1")
    assert "Tomás Verhoeven" in draft.body


@pytest.mark.parametrize("html, reason", [
    (LINKS_ONLY_HTML, "not an article"),
    ("<html><body><p>Short note.</p></body></html>", "not an article"),
    ("", "empty"),
    ("\x00\x01binary", "binary"),
])
def test_pages_without_an_article(html: str, reason: str) -> None:
    with pytest.raises(IngestError, match=reason):
        html_to_draft(html.encode(), "page.html")


async def test_fetch_article_plain_text(web_server: LocalWebServer) -> None:
    web_server.page("/note.txt", "---\ntitle: Ferry timetable changes\ncategory: Transport\n---\n"
                    "The winter ferry timetable starts on 1 November, the harbour office said on Friday.",
                    content_type="text/plain; charset=utf-8")
    draft = await fetch_article(web_server.url("/note.txt"), allow_private=True)
    assert draft.title == "Ferry timetable changes"
    assert draft.category == "Transport"
    assert draft.url == web_server.url("/note.txt")


def test_page_to_draft_plain_text_in_declared_charset() -> None:
    from bot.ingest.fetch import FetchResult

    body = "Café owners protest\n\nThe café owners of the old town marched to the town hall on Monday, a spokesman said."
    page = FetchResult("http://x.example/a.txt", 200, "text/plain", "latin-1", body.encode("latin-1"))
    draft = page_to_draft(page)
    assert draft.title == "Café owners protest"
    assert "café owners" in draft.body


# -- the command line takes URLs ---------------------------------------------------------------

def test_cli_import_urls(web_server: LocalWebServer, tmp_path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    from bot.cli import main

    web_server.page("/bridge", ARTICLE_HTML)
    db = str(tmp_path / "cli.db")
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "1")
    code = main(["--db", db, "import", web_server.url("/bridge"), web_server.url("/gone")])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0].startswith("added #1 'Harbour bridge reopens after repairs' (2024-03-18, Transport, ")
    assert out[1] == f"skipped {web_server.url('/gone')}: the server answered 404 Not Found"
    assert out[-1] == "1 added, 0 duplicates, 1 skipped"

    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "0")  # the guard is on by default
    assert main(["--db", db, "import", web_server.url("/bridge")]) == 1
    assert "refused" in capsys.readouterr().out
    assert web_server.requests == ["/bridge", "/gone"]


def test_retry_after_reads_seconds_and_dates() -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds(" 0 ", now) == 0.0
    assert retry_after_seconds("Mon, 02 Mar 2026 12:30:00 GMT", now) == 1800.0
    assert retry_after_seconds("Mon, 02 Mar 2026 11:00:00 GMT", now) == 0.0  # already past: go now
    for junk in (None, "", "-5", "soon", "1e9", "١٢٠", "Mon, 99 Foo 2026"):
        assert retry_after_seconds(junk, now) is None, junk


async def test_rate_limited_answers_carry_the_wait(web_server: LocalWebServer) -> None:  # noqa: F811
    web_server.page("/busy", "slow down", status=429, headers={"Retry-After": "90"})
    web_server.page("/gone", "bye", status=410, headers={"Retry-After": "90"})
    with pytest.raises(FetchError, match="429") as busy:
        await fetch_url(web_server.url("/busy"), allow_private=True)
    assert busy.value.retry_after == 90.0
    with pytest.raises(FetchError, match="410") as gone:
        await fetch_url(web_server.url("/gone"), allow_private=True)
    assert gone.value.retry_after is None
