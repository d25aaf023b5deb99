"""Alembic's entry point for newsbot: run by `bot.store.migrate` (and `python -m bot db …`) with a
connection handed over in `config.attributes["connection"]`; from the `alembic` command line it opens
the database of `NEWSBOT_DB` (or the ini file's sqlalchemy.url) itself."""

from __future__ import annotations

import asyncio

from alembic import context

import bot.store.feeds  # noqa: F401 - the alerts tables live on the same Base
from bot.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # noqa: ANN001 - a sync Connection
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(url: str) -> None:
    from bot.store.db import make_engine

    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_run)
    finally:
        await engine.dispose()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
elif context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    from bot.settings import load_settings

    asyncio.run(_run_online(config.get_main_option("sqlalchemy.url") or load_settings().db_url))
