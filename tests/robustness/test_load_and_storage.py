"""Under load and when the database refuses writes: answers stay well-formed and quick, the event loop
never stalls, a locked or full database gives a clear refusal and damages nothing."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from bot.answer.models import Answer
from bot.console import Console
from bot.library import Library, freeze_heap
from bot.settings import Settings
from tests.robustness.helpers import LoopLag, cli_command, cli_env, db_fingerprint

QUESTIONS = [
    "!who said the mission has been accomplished", "!when did Russia begin its air strikes",
    "!search naval base Tartus", "!quotes Putin", "!stats", "!articles", "!article 1",
    "!who said the ferry will sail again", "!when will the quay reopen", "!search @everyone ```",
]
COMMANDS = {"who", "when", "search", "quotes", "article", "articles", "stats", "help", "unknown"}


def well_formed(answer: Answer, question: str) -> None:
    assert isinstance(answer, Answer), question
    assert answer.command in COMMANDS and isinstance(answer.found, bool), question
    assert isinstance(answer.answer, str) and answer.answer.strip(), question
    if answer.found and answer.command in ("who", "when", "search", "quotes", "article"):
        assert answer.article is not None and answer.passage, question


def story(n: int) -> tuple[str, str]:
    code = "".join(chr(97 + (n // 26 ** i) % 26) for i in range(3))
    return (f"Harbour story {n}",
            f"“The qv{code} ferry will sail again on Monday,” said harbour master Ola Berg. "
            f"The quay reopened after repairs to the qv{code} pier, the council said.")


async def test_200_questions_while_50_articles_are_added(library: Library) -> None:
    # A bot process freezes its start-up heap when it opens its library (bot.library.freeze_heap); this
    # test runs late in a long pytest process, so do now what that first open did.
    freeze_heap()
    stalls = []
    for burst in range(2):  # a second burst only if the first stalled: a shared CI box has noisy neighbours
        first = 50 * burst

        async def add(n: int):
            return await library.add_text(*story(n))

        questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(200)]
        with LoopLag() as lag:
            results = await asyncio.wait_for(
                asyncio.gather(*(library.ask(q) for q in questions), *(add(n) for n in range(first, first + 50))),
                timeout=60)
            await asyncio.sleep(0.05)
        answers, reports = results[:200], results[200:]
        for question, answer in zip(questions, answers):
            well_formed(answer, question)
        assert answers[0].found and answers[0].answer == "Vladimir Putin"
        assert [r.status for r in reports] == ["added"] * 50
        for n, report in enumerate(reports, first):  # every added article answerable at once
            code = "".join(chr(97 + (n // 26 ** i) % 26) for i in range(3))
            answer = await library.ask(f"!search qv{code} ferry")
            assert answer.found and answer.article is not None and answer.article.id == report.article.id
        assert lag.samples > 10
        stalls.append(lag.worst)
        if lag.worst < 0.100:
            break
    assert min(stalls) < 0.100, f"the event loop stalled for {[round(s * 1000) for s in stalls]} ms"


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setenv("NEWSBOT_DB_BUSY_TIMEOUT", "0.3")
    return 0.3


async def test_locked_database_refuses_adds_clearly_and_keeps_answering(
        short_busy_timeout: float, settings: Settings) -> None:
    library = await Library.open(settings)
    try:
        await library.ensure_corpus()
        db = settings.db
        before = db_fingerprint(db)
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            started = time.monotonic()
            report = await asyncio.wait_for(library.add_text("Bridge closes", "The bridge shuts on Monday, the council said."), 10)
            waited = time.monotonic() - started
            assert report.status == "skipped"
            assert report.reason.startswith("the database is busy") and "Traceback" not in report.reason
            assert short_busy_timeout * 0.8 <= waited < 5
            console = Console(library)
            assert (await console.handle("!add Ferry | The ferry stops on Friday, the harbour master said.")
                    ).startswith("skipped pasted: the database is busy")
            assert (await console.handle("!remove 1")).startswith("error: the database is busy")
            answer = await asyncio.wait_for(library.ask("!who said the mission has been accomplished"), 10)
            assert answer.found and answer.answer == "Vladimir Putin"  # readers go on (WAL)
            new = Path(db).parent / "new"
            new.mkdir()
            (new / "ferry.txt").write_text("Ferry news\n\nThe ferry stops on Friday, the harbour master said.\n")
            cli = subprocess.run(cli_command("--db", db, "import", str(new)),
                                 env=cli_env(NEWSBOT_DB_BUSY_TIMEOUT="0.3", NEWSBOT_INDEX_DIR="none"),
                                 capture_output=True, text=True, timeout=60)
            assert cli.returncode == 1 and "Traceback" not in cli.stderr
            assert "error: the database is busy" in cli.stderr
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert db_fingerprint(db) == before
        report = await library.add_text("Bridge closes", "The bridge shuts on Monday, the council said.")
        assert report.status == "added"  # once the lock is gone, the same add works
    finally:
        await library.close()


async def test_full_database_refuses_adds_clearly_and_keeps_what_it_has(library: Library) -> None:
    db = library.settings.db
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()

    def cap(dbapi_connection, _record) -> None:  # noqa: ANN001 - the database may not grow: "disk full"
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA max_page_count={pages}")
        cursor.close()

    event.listen(library.store.engine.sync_engine, "connect", cap)
    await library.store.engine.dispose()  # new connections, each capped
    before = db_fingerprint(db)
    body = " ".join(f"The ferry number {n} stops on Friday, the harbour master said." for n in range(300))
    report = await asyncio.wait_for(library.add_text("Ferry timetable", body), 20)
    assert report.status == "skipped" and report.reason == "the database or disk is full; nothing was stored"
    assert db_fingerprint(db) == before
    answer = await library.ask("!who said the mission has been accomplished")
    assert answer.found and answer.answer == "Vladimir Putin"
    assert (await library.ask("!search ferry harbour master")).found is False  # the index did not take it either
