"""Article files (.txt, .md) -> article drafts: front matter or the scraped-page breadcrumb."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from bot.ingest.records import ArticleDraft, IngestError

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
MAX_FILE_BYTES = 2_000_000

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")


def parse_date(value: str | None) -> date | None:
    """A published date from ISO text or a written-out date; None if it cannot be read."""
    if not value or not value.strip():
        return None
    value = value.strip().strip("\"'")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    import dateparser  # slow to import; only written-out dates need it

    parsed = dateparser.parse(value, languages=["en"], settings={"STRICT_PARSING": True})
    return parsed.date() if parsed else None


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text of a file, or an IngestError saying why it is not usable."""
    if not raw.strip():
        raise IngestError("empty file")
    if len(raw) > MAX_FILE_BYTES:
        raise IngestError(f"too large ({len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,})")
    if b"\x00" in raw[:8192]:
        raise IngestError("not a text file (binary content)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"not UTF-8 text (bad byte at position {exc.start}); save it as UTF-8") from None


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta = {}
    for line in match.group(1).splitlines():
        kv = _KEY_VALUE.match(line)
        if kv:
            meta[kv.group(1).lower()] = kv.group(2).strip().strip("\"'")
    return meta, text[match.end():]


def _split_breadcrumb(first: str, second: str | None) -> tuple[str, str | None] | None:
    """('Title', 'Category') when first is 'Home <Category> <Title>' and second repeats the title."""
    words = first.split()
    if not words or words[0].lower() != "home":
        return None
    if second and first.rstrip().endswith(second.strip()) and len(first.strip()) > len(second.strip()):
        category = first.strip()[len("home"): len(first.strip()) - len(second.strip())].strip(" >/|»›")
        return second.strip(), category or None
    return None


def parse_article_text(text: str, source: str) -> ArticleDraft:
    """Turn the text of an article file into a draft (front matter, breadcrumb or plain)."""
    meta, rest = _front_matter(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = rest.strip("\n").split("\n")
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if not nonblank:
        raise IngestError("no article text")
    title = meta.get("title")
    category = meta.get("category")
    body_from = 0
    first = lines[nonblank[0]]
    second = lines[nonblank[1]] if len(nonblank) > 1 else None
    crumb = _split_breadcrumb(first, second)
    if crumb:
        title = title or crumb[0]
        category = category or crumb[1]
        body_from = nonblank[1] + 1  # the repeated title line is not body text
    elif title and first.strip().lstrip("# ").strip() == title.strip():
        body_from = nonblank[0] + 1
    elif not title:
        heading = first.strip().lstrip("#").strip()
        if len(nonblank) > 1 and len(heading) <= 200 and not heading.endswith((".", "”", '"')):
            title, body_from = heading, nonblank[0] + 1
        else:
            title = Path(source).stem.replace("-", " ").replace("_", " ").strip().capitalize()
    body = "\n".join(lines[body_from:]).strip()
    breaking = meta.get("breaking", "").lower() in {"1", "true", "yes"}
    return ArticleDraft(
        title=title or "Untitled",
        body=body,
        source=meta.get("url") or source,
        category=category,
        published=parse_date(meta.get("published") or meta.get("date")),
        url=meta.get("url"),
        author=meta.get("author"),
        breaking=breaking or (category or "").strip().lower() == "breaking news",
    )


def read_article_file(path: Path) -> ArticleDraft:
    """Read one .txt/.md file into a draft; IngestError says why it cannot be used."""
    if path.suffix.lower() not in TEXT_SUFFIXES:
        raise IngestError(f"unsupported file type {path.suffix or '(none)'}; use .txt or .md")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"unreadable ({exc.strerror or exc})") from None
    draft = parse_article_text(decode(raw, path.name), str(path))
    if not draft.url:
        draft.source = str(path)
    return draft


def iter_article_files(paths: list[Path]) -> Iterator[Path]:
    """Files named directly, and .txt/.md files under folders, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
        else:
            yield path
