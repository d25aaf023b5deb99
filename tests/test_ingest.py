"""Reading article files: front matter, the scraped-page breadcrumb, bad files, duplicates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.ingest.files import parse_article_text, read_article_file
from bot.ingest.records import IngestError, content_hash
from tests.conftest import SEED


def test_seed_breadcrumb_gives_title_and_category_and_drops_repeated_title() -> None:
    draft = read_article_file(SEED)
    assert draft.title == "Vladimir Putin Orders Russian Troops Withdrawal from Syria"
    assert draft.category == "Breaking News"
    assert draft.breaking is True
    assert draft.published is None
    assert draft.body.startswith("Russian President Vladimir Putin has surprisingly ordered")
    assert "Home Breaking News" not in draft.body


def test_front_matter_fields() -> None:
    text = (
        "---\ntitle: Port strike ends\npublished: 2024-05-06\ncategory: Business\n"
        "url: https://example.com/port\nauthor: A. Writer\n---\n"
        "Dockers returned to work on Monday.\n\nThe union said the deal was fair.\n"
    )
    draft = parse_article_text(text, "port.txt")
    assert (draft.title, draft.category, draft.published) == ("Port strike ends", "Business", date(2024, 5, 6))
    assert draft.url == draft.source == "https://example.com/port"
    assert draft.author == "A. Writer"
    assert draft.body.startswith("Dockers returned")
    assert draft.breaking is False


def test_front_matter_written_out_date_and_markdown_heading() -> None:
    text = "---\npublished: March 14, 2016\n---\n# Troops to leave\n\nThe first units left at dawn.\n"
    draft = parse_article_text(text, "troops.md")
    assert draft.published == date(2016, 3, 14)
    assert draft.title == "Troops to leave"
    assert draft.body == "The first units left at dawn."


def test_plain_file_without_header_takes_first_line_as_title() -> None:
    draft = parse_article_text("Floods close the ring road\n\nWater rose overnight.\n", "floods.txt")
    assert draft.title == "Floods close the ring road"
    assert draft.body == "Water rose overnight."


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"caf\xe9 au lait est bon\n\nEncore du caf\xe9.", "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path: Path, raw: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(raw)
    with pytest.raises(IngestError, match=reason):
        read_article_file(path)


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "story.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(IngestError, match="unsupported"):
        read_article_file(path)


def test_content_hash_ignores_quote_style_case_and_spacing() -> None:
    assert content_hash("“Hello,” he said.\n\nBye.") == content_hash('"hello," he said. bye.')
    assert content_hash("one text") != content_hash("another text")


async def test_import_reports_bad_files_and_keeps_going(tmp_path: Path, empty_library) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_text("Good one\n\nThe mayor said the bridge will open.\n", encoding="utf-8")
    (folder / "b-empty.txt").write_bytes(b"")
    (folder / "c-latin1.txt").write_bytes("Titre\n\nD\xe9j\xe0 vu.".encode("latin-1"))
    (folder / "d-good.md").write_text("# Second\n\nThe council met on Friday.\n", encoding="utf-8")
    (folder / "e-copy.txt").write_text("Copy\n\nThe  mayor said the bridge will open.\n", encoding="utf-8")
    reports = await empty_library.import_paths([folder])
    by_file = {Path(r.source).name: r for r in reports}
    assert by_file["a-good.txt"].status == "added"
    assert by_file["d-good.md"].status == "added"
    assert by_file["b-empty.txt"].status == "skipped" and "empty" in by_file["b-empty.txt"].reason
    assert by_file["c-latin1.txt"].status == "skipped" and "UTF-8" in by_file["c-latin1.txt"].reason
    assert by_file["e-copy.txt"].status == "duplicate"
    assert by_file["e-copy.txt"].article.id == by_file["a-good.txt"].article.id
    assert await empty_library.store.count_articles() == 2


async def test_second_import_of_the_seed_is_a_duplicate(library, seed_corpus: Path) -> None:
    before = await library.store.count_articles()
    reports = await library.import_paths([seed_corpus])
    assert [r.status for r in reports] == ["duplicate"]
    assert await library.store.count_articles() == before == 1


def test_quotations_in_a_paragraph_that_lost_its_breaks_are_still_found() -> None:
    from bot.ingest.records import ArticleDraft, prepare

    body = " ".join(f"“Step {i} of the plan is {'really ' * 20}needed,” said Ada Lindqvist." for i in range(50))
    prepared = prepare(ArticleDraft("Plan", body, "plan.txt"))
    assert len(body) > 6_000  # one paragraph longer than any news paragraph
    assert len(prepared.quotes) == 50
    assert {q.canonical for q, _ in prepared.quotes} == {"Ada Lindqvist"}
    assert all(body[q.start:q.end] == q.text for q, _ in prepared.quotes)
