"""A small local HTTP server for tests: routes set per test, served on 127.0.0.x from its own thread.

It runs its own event loop in a thread, so it serves sync tests (the CLI's asyncio.run) and async
tests alike. Usage:

    from tests.webserver import LocalWebServer, web_server   # web_server: a pytest fixture

    def test_x(web_server):
        web_server.page("/a", "<html>…</html>")
        web_server.redirect("/old", "/a")
        url = web_server.url("/a")
        ...
        assert web_server.requests == ["/a"]

Only loopback hosts are allowed: a test never listens on, or points at, anything else.
"""

from __future__ import annotations

import asyncio
import ipaddress
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    handler: Handler | None = None


class LocalWebServer:
    """An aiohttp.web server on host:port (port 0: any free one), with routes you set as you go."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError("test servers listen on loopback addresses only")
        self.host = host
        self.port = port
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []          # paths requested, in order
        self.request_headers: list[dict[str, str]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._lock = threading.Lock()

    # -- routes ---------------------------------------------------------------------------

    def page(self, path: str, body: str | bytes, *, status: int = 200,
             content_type: str | None = "text/html; charset=utf-8", headers: dict[str, str] | None = None) -> str:
        """Serve body at path; returns the full URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self.routes[path] = Route(data, status, content_type, dict(headers or {}))
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        with self._lock:
            self.routes[path] = Route(b"", status, None, {"Location": location})
        return self.url(path)

    def handler(self, path: str, handler: Handler) -> str:
        """A route answered by your own aiohttp handler (streams, slow answers, odd headers)."""
        with self._lock:
            self.routes[path] = Route(handler=handler)
        return self.url(path)

    def stream(self, path: str, size: int, *, content_type: str = "text/html", chunk: int = 256 * 1024) -> str:
        """size bytes sent chunked, with no Content-Length, so only a streaming cap can stop them."""

        async def send(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": content_type})
            response.enable_chunked_encoding()
            await response.prepare(request)
            block = b"<p>" + b"x" * (chunk - 7) + b"</p>\n"
            sent = 0
            try:
                while sent < size:
                    await response.write(block)
                    sent += len(block)
                await response.write_eof()
            except (ConnectionError, asyncio.CancelledError, RuntimeError):
                pass  # the client hung up at its cap, as it should
            return response

        return self.handler(path, send)

    def url(self, path: str = "/") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    # -- serving --------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        with self._lock:
            self.requests.append(request.path_qs if request.query_string else request.path)
            self.request_headers.append(dict(request.headers))
            route = self.routes.get(request.path_qs) or self.routes.get(request.path)
        if route is None:
            return web.Response(status=404, text="not found")
        if route.handler is not None:
            return await route.handler(request)
        response = web.Response(body=route.body, status=route.status, headers=route.headers)
        if route.content_type is None:
            response.headers.pop("Content-Type", None)
        else:
            response.headers["Content-Type"] = route.content_type
        return response

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def start(self) -> LocalWebServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            try:
                self._loop.run_until_complete(self._start())
            except BaseException as exc:  # noqa: BLE001 - reported to the starting thread
                failure.append(exc)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name=f"test-web-{self.host}", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("test web server did not start")
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
        self._loop = None

    def __enter__(self) -> LocalWebServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture
def web_server() -> Iterator[LocalWebServer]:
    """A fresh server on 127.0.0.1 for one test."""
    with LocalWebServer() as server:
        yield server
