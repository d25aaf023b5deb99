"""Fetching URLs safely: aiohttp with a timeout, a size cap, limited redirects, content types checked,
and a guard that refuses loopback/private/link-local/metadata addresses at every hop.

How the guard works: for every hop (the first URL and each redirect) the host is resolved first,
every address it resolves to is checked, and only then is a connection made, through a connector
whose resolver hands out exactly the addresses that were checked. So a host cannot resolve to a
public address for the check and to a private one for the connection (DNS rebinding), and a
redirect to `http://127.0.0.1/` or `http://169.254.169.254/` is refused before anything connects.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

Resolver = Callable[[str, int], Awaitable[list[str]]]  # (host, port) -> IP address strings

USER_AGENT = "newsbot/0.1 (article import for a Discord bot)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024

# Names that cloud metadata services answer to; their addresses are link-local or private anyway,
# the names are refused too so the reason given is the right one.
METADATA_HOSTS = frozenset({"metadata", "metadata.google.internal", "metadata.goog", "instance-data",
                            "instance-data.ec2.internal"})


class FetchError(Exception):
    """A URL that could not be fetched; the message is short and fit for a user.

    retry_after: the seconds a server answering 429 or 503 asked callers to wait, if it said."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header (delta-seconds or an HTTP date) as seconds from now; None if unreadable."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class Headers(dict):
    """Response headers; keys are stored lower-case and looked up in any case (`h["ETag"]`, `h.get("etag")`)."""

    def __init__(self, items: object = ()) -> None:
        super().__init__()
        for key, value in dict(items).items():  # type: ignore[call-overload]
            self[key] = value

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key.lower(), value)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return super().__contains__(key.lower() if isinstance(key, str) else key)

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return super().get(key.lower(), default)


@dataclass(frozen=True)
class FetchResult:
    url: str                      # the final URL after redirects
    status: int                   # 200, or 304 when a conditional request found nothing new
    content_type: str             # e.g. "text/html" (no parameters)
    charset: str | None
    body: bytes                   # empty for 304
    headers: dict[str, str] = field(default_factory=Headers)  # response headers (ETag, Last-Modified, ...), any case


def address_blocked(address: str) -> bool:
    """True for any address that is not on the public internet: loopback, private (RFC 1918, ULA),
    link-local (which holds the 169.254.169.254 metadata service), CGNAT, multicast, reserved,
    unspecified, and IPv6 forms that embed one of those (IPv4-mapped, 6to4, NAT64)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return True  # not an address at all: refuse rather than guess
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in ipaddress.ip_network("64:ff9b::/96"):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and address_blocked(str(embedded)):
            return True
    return ip.is_multicast or not ip.is_global


async def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's resolver (getaddrinfo), off the event loop."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


class _PinnedResolver(AbstractResolver):
    """aiohttp's resolver for one fetch: it answers only with addresses the guard already checked."""

    def __init__(self) -> None:
        self.pinned: dict[str, list[str]] = {}

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        addresses = self.pinned.get(host.lower().rstrip("."))
        if not addresses:
            raise OSError(f"{host} was not checked before connecting")
        return [
            ResolveResult(hostname=host, host=a, port=port,
                          family=socket.AF_INET6 if ":" in a else socket.AF_INET,
                          proto=0, flags=socket.AI_NUMERICHOST)
            for a in addresses
        ]

    async def close(self) -> None:
        return None


def _check_url(url: str) -> tuple[str, int]:
    """(host, port) of an http(s) URL, or FetchError."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchError("not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be fetched (not {parts.scheme or 'a bare name'})")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchError("the URL has no host name")
    return host, port or (443 if parts.scheme.lower() == "https" else 80)


async def _guard(host: str, port: int, *, allow_private: bool, resolver: Resolver,
                 pinned: _PinnedResolver) -> None:
    """Resolve host, refuse it if any address is not public, and pin the checked addresses."""
    try:
        ipaddress.ip_address(host)
        addresses = [host]  # a literal address: aiohttp connects to it without resolving
    except ValueError:
        if host.lower() in METADATA_HOSTS and not allow_private:
            raise FetchError(f"refused: {host} is a cloud metadata address") from None
        try:
            addresses = [str(a) for a in await resolver(host, port)]
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"could not resolve {host}") from exc
        if not addresses:
            raise FetchError(f"could not resolve {host}")
    if not allow_private:
        bad = [a for a in addresses if address_blocked(a)]
        if bad:
            raise FetchError(f"refused: {host} points to a private or local address ({bad[0]})")
    pinned.pinned[host.lower()] = addresses


def _media_type(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def _accepted(content_type: str, accept: Sequence[str]) -> bool:
    for pattern in accept:
        pattern = pattern.lower()
        if pattern in ("*/*", content_type) or (pattern.endswith("/*") and content_type.startswith(pattern[:-1])):
            return True
    return False


def _describe(content_type: str) -> str:
    if content_type.startswith(("image/", "video/", "audio/")) or content_type in (
        "application/octet-stream", "application/pdf", "application/zip",
    ):
        return f"not a web page ({content_type or 'binary content'})"
    return f"unsupported content type {content_type or '(none given)'}"


async def _read_capped(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    declared = response.content_length
    if declared is not None and declared > max_bytes:
        raise FetchError(f"too large ({declared:,} bytes; the limit is {max_bytes:,})")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(CHUNK):  # decompressed bytes: a gzip bomb is capped too
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"too large (more than {max_bytes:,} bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


async def fetch_url(
    url: str,
    *,
    allow_private: bool = False,
    accept: Sequence[str] = ("text/html", "application/xhtml+xml", "text/plain"),
    max_bytes: int = 5_000_000,
    timeout: float = 15.0,
    max_redirects: int = 5,
    headers: dict[str, str] | None = None,
    resolver: Resolver | None = None,
) -> FetchResult:
    """GET url with every safety check; raises FetchError with a user-readable reason.

    `headers` are sent on every hop (e.g. If-None-Match / If-Modified-Since for feeds); a 304 comes
    back as a FetchResult with an empty body. `resolver` replaces DNS (tests use it); whatever it
    returns is what the guard checks and what the connection uses.
    """
    resolve = resolver or system_resolver
    pinned = _PinnedResolver()
    request_headers = {"User-Agent": USER_AGENT, "Accept": ", ".join(accept) + ", */*;q=0.1"}
    request_headers.update(headers or {})
    connector = aiohttp.TCPConnector(resolver=pinned, use_dns_cache=False, force_close=True)
    client_timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, 10.0))
    current = url.strip()
    try:
        async with asyncio.timeout(timeout), aiohttp.ClientSession(
            connector=connector, timeout=client_timeout, trust_env=False, auto_decompress=True,
        ) as session:  # the timeout covers every hop, DNS included
            for _hop in range(max_redirects + 1):
                host, port = _check_url(current)
                await _guard(host, port, allow_private=allow_private, resolver=resolve, pinned=pinned)
                async with session.get(current, headers=request_headers, allow_redirects=False) as response:
                    if response.status in REDIRECT_STATUSES:
                        location = response.headers.get("Location")
                        if not location:
                            raise FetchError(f"the server redirected ({response.status}) without saying where")
                        current = urljoin(str(response.url), location)
                        continue
                    info = Headers(response.headers.items())
                    if response.status == 304:
                        return FetchResult(str(response.url), 304, "", None, b"", info)
                    if response.status >= 400 or response.status < 200:
                        reason = f" {response.reason}" if response.reason else ""
                        wait = (retry_after_seconds(response.headers.get("Retry-After"))
                                if response.status in (429, 503) else None)
                        raise FetchError(f"the server answered {response.status}{reason}", retry_after=wait)
                    content_type = _media_type(response.headers.get("Content-Type", ""))
                    if not _accepted(content_type, accept):
                        raise FetchError(_describe(content_type))
                    body = await _read_capped(response, max_bytes)
                    return FetchResult(str(response.url), response.status, content_type, response.charset, body, info)
            raise FetchError(f"too many redirects (more than {max_redirects})")
    except FetchError:
        raise
    except (asyncio.TimeoutError, TimeoutError):
        raise FetchError(f"timed out after {timeout:g}s") from None
    except aiohttp.InvalidURL:
        raise FetchError("not a valid URL") from None
    except aiohttp.ClientConnectorCertificateError:
        raise FetchError("the site's TLS certificate is not valid") from None
    except aiohttp.ClientConnectorError as exc:
        raise FetchError(f"could not connect to {exc.host}") from None
    except aiohttp.ClientPayloadError:
        raise FetchError("the page arrived broken (bad encoding or cut short)") from None
    except aiohttp.ClientError as exc:
        raise FetchError(f"could not fetch the page ({type(exc).__name__})") from None
    except (OSError, ValueError, UnicodeError) as exc:  # odd URLs and sockets: still a clean refusal
        raise FetchError(f"could not fetch the page ({type(exc).__name__})") from None
