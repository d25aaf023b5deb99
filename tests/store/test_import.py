"""Importing into each database: the command line's `import`, reports per file, answers afterwards."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.cli import main
from bot.library import Library
from bot.settings import PROJECT_ROOT, Settings

CORPUS = PROJECT_ROOT / "corpus"


def _folder(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[:n]:
        shutil.copy(path, folder / path.name)
    (folder / "empty.txt").write_text("")
    return folder


def test_import_command_on_each_database(database: str, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    folder = _folder(tmp_path, 8)
    assert main(["--db", database, "import", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "8 added, 0 duplicates, 1 skipped" in out and "empty.txt: empty file" in out
    assert main(["--db", database, "import", str(folder)]) == 1  # nothing new: all duplicates or skipped
    assert "0 added, 8 duplicates, 1 skipped" in capsys.readouterr().out
    assert main(["--db", database, "--corpus", str(tmp_path / "none"), "ask", "!stats"]) == 0
    assert capsys.readouterr().out.startswith("8 articles")


async def test_imported_articles_answer_and_keep_their_ids(database: str, tmp_path: Path, seed_corpus: Path) -> None:
    settings = Settings(db=database, corpus_dir=seed_corpus, index_path=str(tmp_path / "index"))
    library = await Library.open(settings)
    try:
        reports = await library.import_paths([seed_corpus, _folder(tmp_path, 4)])
        added = [r for r in reports if r.status == "added"]
        assert [r.article.id for r in added] == list(range(1, len(added) + 1))  # in order, from 1
        answer = await library.ask("!who said the mission set for the defense ministry has been accomplished")
        assert answer.found and answer.answer == "Vladimir Putin"
        seed_id = answer.article.id
    finally:
        await library.close()
    reopened = await Library.open(settings)  # from the saved index
    try:
        assert reopened.index.loaded_from is not None
        answer = await reopened.ask("!who said the mission set for the defense ministry has been accomplished")
        assert answer.found and answer.article.id == seed_id
        body = (await reopened.store.get_article(seed_id))[1]
        assert body and "Putin" in body
    finally:
        await reopened.close()
