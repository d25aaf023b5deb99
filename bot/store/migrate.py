"""Schema migrations (Alembic, in bot/store/migrations/): run at start-up and by `python -m bot db …`.

Every database goes through the same revisions, SQLite and PostgreSQL alike. A database made by
`create_all` before migrations existed has no alembic_version table: the first revision creates only
missing tables, so such a database is adopted as it is and then upgraded like any other. On
PostgreSQL an upgrade runs in one transaction under an advisory lock (on SQLite under the write lock),
so several processes starting together migrate a database once (the others wait, then find it current).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.db import busy_timeout_ms

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
PG_LOCK_KEY = 0x6E657773_626F74  # "newsbot": one advisory lock for schema changes
MIGRATION_WAIT_MS = 10 * 60 * 1000  # how long a starting process waits for another one's migration

log = logging.getLogger(__name__)
# Alembic narrates every step at INFO ("Context impl …", "Running upgrade …"); one line of ours says it.
if logging.getLogger("alembic").level == logging.NOTSET:
    logging.getLogger("alembic").setLevel(logging.WARNING)


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration without an ini file; the connection, if given, is the one migrated."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision in bot/store/migrations/versions."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


def _current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _lock(conn: Connection) -> None:
    """Hold the database's schema lock until the transaction ends: of processes starting together, one
    migrates and the others then find the schema current."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        # Another process may be migrating (revisions 0003 and 0004 fill in every article's words and
        # date analysis: many seconds on a large library): wait for it rather than fail after the
        # usual busy timeout.
        conn.exec_driver_sql(f"PRAGMA busy_timeout={max(busy_timeout_ms(), MIGRATION_WAIT_MS)}")
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now, before looking at the schema


def _unlock(conn: Connection) -> None:
    """Give the connection back its usual busy timeout (it returns to the pool)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA busy_timeout={busy_timeout_ms()}")


def _upgrade(conn: Connection, revision: str) -> tuple[str | None, str | None]:
    _lock(conn)
    try:
        before = _current(conn)
        if before != head_revision() or revision != "head":
            command.upgrade(alembic_config(conn), revision)
        return before, _current(conn)
    finally:
        _unlock(conn)


def _downgrade(conn: Connection, revision: str) -> tuple[str | None, str | None]:
    _lock(conn)
    try:
        before = _current(conn)
        command.downgrade(alembic_config(conn), revision)
        return before, _current(conn)
    finally:
        _unlock(conn)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at (None: not under migrations yet, or empty)."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> tuple[str | None, str | None]:
    """Upgrade to revision (default the newest); returns (revision before, revision after)."""
    async with engine.begin() as conn:
        before, after = await conn.run_sync(_upgrade, revision)
    if before != after:
        log.info("database schema upgraded from %s to %s", before or "(none)", after)
    return before, after


async def downgrade(engine: AsyncEngine, revision: str) -> tuple[str | None, str | None]:
    """Downgrade to revision ("base": nothing left); returns (revision before, revision after)."""
    async with engine.begin() as conn:
        return await conn.run_sync(_downgrade, revision)


async def ensure_schema(engine: AsyncEngine) -> None:
    """Bring the schema to the newest revision; a current database costs one small query."""
    head = head_revision()
    if await current_revision(engine) == head:
        return
    await upgrade(engine, "head")
