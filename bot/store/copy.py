"""Copy a whole library from one database to another (SQLite to PostgreSQL or back), ids kept.

Every table of the schema is copied row for row in foreign-key order: articles, passages, quotes,
guild settings, library meta and change log, feeds, items, the outbox, keyword subscriptions and
target health. Ids are kept, so a saved index, `!article 12`, outbox references and feed items
stay valid; on PostgreSQL each id sequence is then moved past the highest copied id. Datetimes are
written as UTC (SQLite keeps them without a zone). The target is migrated to the newest revision
first and must hold no library yet. The source is read in one snapshot (a read transaction) and
the target written in one transaction: the copy lands whole or not at all.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import DateTime, Integer, Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

import bot.store.feeds  # noqa: F401 - the alerts tables live on the same Base
from bot.store.db import make_engine
from bot.store.fastread import sqlite_path
from bot.store.migrate import ensure_schema
from bot.store.models import Base, LibraryMeta

BATCH = 2000  # rows per INSERT


class CopyError(Exception):
    """The copy cannot be done (the message says why); nothing was written."""


@dataclass
class CopyReport:
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)
    index_copied: bool = False

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[Table]:
    """Every table of the library, parents before children."""
    return list(Base.metadata.sorted_tables)


def _utc(value: object) -> object:
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    return value


def normalise_row(table: Table, row: dict) -> dict:
    """A row as both databases should hold it: datetimes in UTC with their zone."""
    out = dict(row)
    for column in table.columns:
        if isinstance(column.type, DateTime) and out.get(column.name) is not None:
            out[column.name] = _utc(out[column.name])
    return out


async def read_rows(conn: AsyncConnection, table: Table, batch: int = BATCH):  # noqa: ANN201 - async generator
    """A table's rows in primary-key order, a batch at a time (keyset paging: bounded memory)."""
    (key,) = table.primary_key.columns  # every table here has a one-column primary key
    last = None
    while True:
        query = select(table).order_by(key).limit(batch)
        if last is not None:
            query = query.where(key > last)
        rows = [dict(r._mapping) for r in (await conn.execute(query)).all()]
        if not rows:
            return
        last = rows[-1][key.name]
        yield [normalise_row(table, r) for r in rows]


async def _holds_library(conn: AsyncConnection) -> str | None:
    """The first table of the target that holds data (the generation row at 0 does not count)."""
    for table in tables():
        if table.name == LibraryMeta.__tablename__:
            n = await conn.scalar(select(func.count()).select_from(table).where(table.c.value != 0))
        else:
            n = await conn.scalar(select(func.count()).select_from(table))
        if n:
            return table.name
    return None


async def _fix_sequences(conn: AsyncConnection) -> None:
    """PostgreSQL: move each serial id's sequence past the highest id copied in."""
    for table in tables():
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
                await conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                    f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                ))


def _index_dir(url: str) -> Path | None:
    path = sqlite_path(url)
    return Path(path + ".index") if path else None


async def copy_library(source_url: str, target_url: str, *, batch: int = BATCH,
                       on_table: Callable[[str, int], None] | None = None,
                       index_from: Path | None = None, index_to: Path | None = None) -> CopyReport:
    """Copy everything from source to target (SQLAlchemy URLs). Raises CopyError if the target holds a library.

    The saved search index (beside a SQLite source, or index_from) is copied beside a SQLite target
    (or to index_to): the ids and the generation it is labelled with are the same there."""
    if source_url == target_url:
        raise CopyError("the source and the target are the same database")
    source, target = make_engine(source_url), make_engine(target_url)
    report = CopyReport(source_url, target_url)
    try:
        await ensure_schema(source)
        await ensure_schema(target)
        async with target.connect() as check:
            busy = await _holds_library(check)
        if busy:
            raise CopyError(f"the target already holds data (table {busy}); copy into an empty database")
        read_options = {"isolation_level": "REPEATABLE READ"} if source.dialect.name == "postgresql" else {}
        async with source.connect() as src, target.begin() as dst:
            if read_options:
                await src.execution_options(**read_options)
            await src.begin()
            if source.dialect.name == "sqlite":
                await src.exec_driver_sql("BEGIN")  # one read snapshot for every table (WAL keeps writers going)
            for table in tables():
                if table.name == LibraryMeta.__tablename__:
                    await dst.execute(table.delete())  # the new target's generation row, replaced by the source's
                count = 0
                async for rows in read_rows(src, table, batch):
                    await dst.execute(table.insert(), rows)
                    count += len(rows)
                report.rows[table.name] = count
                if on_table:
                    on_table(table.name, count)
            if target.dialect.name == "postgresql":
                await _fix_sequences(dst)
            await src.rollback()
    finally:
        await source.dispose()
        await target.dispose()
    index_from = index_from or _index_dir(source_url)
    index_to = index_to or _index_dir(target_url)
    if index_from and index_to and (index_from / "meta.json").is_file() and not index_to.exists():
        shutil.copytree(index_from, index_to)
        report.index_copied = True
    return report
