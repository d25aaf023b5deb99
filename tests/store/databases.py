"""The databases the storage, import and alert tests run on: SQLite always, PostgreSQL too when
NEWSBOT_TEST_PG_URL names a server (`.ci/run` starts one and sets it).

Each PostgreSQL case gets a fresh database, created from the server's template and dropped after
the test. Without NEWSBOT_TEST_PG_URL the PostgreSQL cases are skipped, saying why; under CI
(CI=true) they fail instead, so a CI run can never pass without having tested PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

PG_ENV = "NEWSBOT_TEST_PG_URL"

# Test modules (paths under tests/) whose library-backed tests run once per database.
BOTH_DATABASES = (
    "tests/store/",
    "tests/alerts/test_poller.py",
    "tests/alerts/test_discord_alerts.py",
    "tests/index/test_library_index.py",
)


def pg_url() -> str | None:
    return os.environ.get(PG_ENV, "").strip() or None


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def runs_on_both(path: Path, rootdir: Path) -> bool:
    try:
        rel = path.resolve().relative_to(rootdir.resolve()).as_posix()
    except ValueError:
        return False
    return any(rel == p or (p.endswith("/") and rel.startswith(p)) for p in BOTH_DATABASES)


def database_params() -> list:
    """pytest params for the `database` fixture: sqlite, and postgres (skipped with a reason, or not
    skipped under CI, where its fixture then fails)."""
    marks = []
    if pg_url() is None and not in_ci():
        marks.append(pytest.mark.skip(reason=f"PostgreSQL case: set {PG_ENV} to a server URL "
                                             "(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/postgres); CI runs it"))
    return [pytest.param("sqlite", id="sqlite"), pytest.param("postgres", id="postgres", marks=marks)]


def _run(coro) -> object:  # noqa: ANN001
    """Run a coroutine to completion on its own loop in its own thread (the test's loop is not touched)."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box.get("value")


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_dsn(url), timeout=15)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def create_pg_database(base: str | None = None) -> str:
    """A new empty database on the test server; returns its SQLAlchemy URL."""
    base = base or pg_url()
    if base is None:
        if in_ci():
            pytest.fail(f"CI=true but {PG_ENV} is not set: the PostgreSQL cases must run in CI "
                        "(.ci/run starts a server and sets it)")
        pytest.skip(f"set {PG_ENV} to run the PostgreSQL cases")
    name = f"newsbot_test_{uuid.uuid4().hex[:16]}"
    _run(_admin(base, f'CREATE DATABASE "{name}"'))
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    name = make_url(url).database
    base = pg_url() or url
    _run(_admin(make_url(base).set(database="postgres").render_as_string(hide_password=False),
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def database_for(kind: str, sqlite_file: Path) -> Iterator[str]:
    """The `db` setting for one test: the SQLite file's path, or a fresh PostgreSQL database's URL."""
    if kind == "sqlite":
        yield str(sqlite_file)
        return
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)
