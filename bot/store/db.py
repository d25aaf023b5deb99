"""Engine and sessions: SQLite through aiosqlite (WAL) by default, any SQLAlchemy async URL otherwise."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine, AsyncSession
from sqlalchemy.util import await_only

from bot.store.models import Base  # noqa: F401 - the schema's home, re-exported


def busy_timeout_ms() -> int:
    """How long a write waits for another program's lock before failing: NEWSBOT_DB_BUSY_TIMEOUT
    seconds (default 5)."""
    try:
        return max(0, int(float(os.environ.get("NEWSBOT_DB_BUSY_TIMEOUT", "5")) * 1000))
    except ValueError:
        return 5000


# Turning a new file to WAL takes an exclusive lock; when connections of several processes open a
# new file together, SQLite can answer "database is locked" at once (it does not wait when waiting
# could deadlock). The switch is then tried again, briefly, without blocking the event loop.
WAL_ATTEMPTS = 100
WAL_RETRY_SECONDS = 0.02


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    # WAL lets readers go on while an import writes; foreign keys make deletes cascade.
    for attempt in range(WAL_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except Exception as exc:  # the driver's OperationalError (aiosqlite's adapter or sqlite3's)
            if "database is locked" not in str(exc) or attempt == WAL_ATTEMPTS - 1:
                raise
            await_only(asyncio.sleep(WAL_RETRY_SECONDS))  # (this runs in SQLAlchemy's greenlet on the loop)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> AsyncEngine:
    """An async engine for the URL; SQLite files get their folder created and WAL turned on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True)


async def create_schema(engine: AsyncEngine) -> None:
    """Bring the schema up to date by running the migrations (idempotent; see bot/store/migrate.py).
    A database made by `create_all` before migrations existed is adopted, not rebuilt."""
    import bot.store.feeds  # noqa: F401 - the alerts tables live on the same Base
    from bot.store.migrate import ensure_schema

    await ensure_schema(engine)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
