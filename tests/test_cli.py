"""The command line as a user runs it: real subprocesses, a real database file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT


def run_cli(tmp_path: Path, *args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "DISCORD_"))}
    environ["PYTHONPATH"] = str(PROJECT_ROOT)
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
        cwd=tmp_path, env=environ, timeout=120,
    )


def test_ask_json_answers_the_seed_questions_on_a_fresh_database(tmp_path: Path, seed_corpus: Path) -> None:
    db = tmp_path / "fresh.db"
    result = run_cli(
        tmp_path, "--db", str(db), "--corpus", str(seed_corpus), "ask", "--json",
        "!who said the mission set for the defense ministry has been accomplished",
        "who said we will have to see exactly what Russia's intentions are",
        "!who said if there is seriousness in implementing the withdrawal",
        "!when did Russia begin its campaign of air strikes in Syria",
        "!when will Russian forces start withdrawing from Syria",
    )
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["answer"] for r in replies[:3]] == ["Vladimir Putin", "Josh Earnest", "Salim al-Muslat"]
    assert replies[3]["answer"] == "September 15" and replies[3]["date"] is None
    assert "March 15" in replies[4]["answer"] or "tomorrow" in replies[4]["answer"]
    for reply in replies:
        assert {"question", "command", "found", "answer", "date", "passage", "article"} <= reply.keys()
        assert reply["found"] is True
        assert set(reply["article"]) >= {"id", "title"}
        assert reply["article"]["title"] == "Vladimir Putin Orders Russian Troops Withdrawal from Syria"
        assert reply["passage"]
    assert db.is_file()


def test_ask_reads_questions_from_stdin(tmp_path: Path, seed_corpus: Path) -> None:
    result = run_cli(tmp_path, "--db", str(tmp_path / "s.db"), "--corpus", str(seed_corpus), "ask", "--json",
                     stdin="!who said mission accomplished\n\nsearch Tartus naval base\n")
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["command"] for r in replies] == ["who", "search"]
    assert replies[0]["answer"] == "Vladimir Putin"


def test_import_reports_each_file_and_a_summary(tmp_path: Path, seed_corpus: Path) -> None:
    (seed_corpus / "empty.txt").write_text("")
    db = str(tmp_path / "i.db")
    first = run_cli(tmp_path, "--db", db, "import", str(seed_corpus))
    assert first.returncode == 0, first.stderr
    assert "added #1" in first.stdout
    assert "empty.txt: empty file" in first.stdout
    assert "1 added, 0 duplicates, 1 skipped" in first.stdout
    again = run_cli(tmp_path, "--db", db, "import", str(seed_corpus / "putin-syria-withdrawal.txt"))
    assert "duplicate of #1" in again.stdout
    assert "0 added, 1 duplicates, 0 skipped" in again.stdout


def test_console_answers_commands_from_a_prompt(tmp_path: Path, seed_corpus: Path) -> None:
    result = run_cli(tmp_path, "--db", str(tmp_path / "c.db"), "--corpus", str(seed_corpus), "console",
                     stdin="!who said mission accomplished\n!help\nquit\n")
    assert result.returncode == 0, result.stderr
    assert "Vladimir Putin" in result.stdout
    assert "who said <words>" in result.stdout


def test_run_without_a_token_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--db", str(tmp_path / "r.db"), "run")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "DISCORD_TOKEN" in result.stderr


def test_db_setting_comes_from_the_environment(tmp_path: Path, seed_corpus: Path) -> None:
    db = tmp_path / "from-env.db"
    result = run_cli(tmp_path, "--corpus", str(seed_corpus), "ask", "!stats", env={"NEWSBOT_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert db.is_file()
    assert "1 articles" in result.stdout
