"""Shared by the robustness tests: a hash of every table's rows, a CLI runner, a loop-lag meter."""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import sys
import time
from pathlib import Path

from bot.settings import PROJECT_ROOT


def db_fingerprint(path: str | Path) -> dict[str, str]:
    """{table: sha256 of its rows in a stable order}, read through a separate connection (WAL included)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        out = {}
        for table in tables:
            digest = hashlib.sha256()
            for row in sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{table}"')):
                digest.update(row.encode("utf-8", "surrogatepass"))
            out[table] = digest.hexdigest()
        return out
    finally:
        conn.close()


def cli_env(**extra: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "DISCORD_"))}
    environ["PYTHONPATH"] = str(PROJECT_ROOT)
    environ.update(extra)
    return environ


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot", *args]


class LoopLag:
    """A task that sleeps 10 ms in a loop and records how late it wakes: the event loop's stalls."""

    def __init__(self, tick: float = 0.01) -> None:
        self.tick = tick
        self.worst = 0.0
        self.samples = 0
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(self.tick)
            self.worst = max(self.worst, time.perf_counter() - start - self.tick)
            self.samples += 1

    def __enter__(self) -> LoopLag:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
