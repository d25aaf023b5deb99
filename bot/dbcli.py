"""`python -m bot db …`: the database's schema revision, migrations, copying a library elsewhere, and
refreshing stored date analyses and quotations."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.settings import Settings


def as_url(value: str) -> str:
    """A database as the --db option takes it: a SQLAlchemy URL, or a SQLite file path."""
    if "://" in value:
        return value
    return f"sqlite+aiosqlite:///{Path(value).expanduser()}"


def shown(url: str) -> str:
    """A URL fit to print: the password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def add_subparsers(sub) -> None:  # noqa: ANN001 - argparse's private _SubParsersAction
    db = sub.add_parser("db", help="the database: schema migrations (upgrade, downgrade, current), copy, "
                                   "reanalyse, requote")
    action = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = action.add_parser("upgrade", help="migrate the schema to the newest revision (or to REVISION)")
    up.add_argument("revision", nargs="?", default="head")
    down = action.add_parser("downgrade", help="migrate the schema back to REVISION (`base`: drop everything)")
    down.add_argument("revision")
    action.add_parser("current", help="print the schema revision of the database and the newest one")
    cp = action.add_parser("copy", help="copy the whole library to another (empty) database, ids kept")
    cp.add_argument("--to", required=True, metavar="URL_OR_PATH",
                    help="target: a SQLAlchemy URL (postgresql+asyncpg://user:pass@host/db) or a SQLite file")
    cp.add_argument("--batch", type=int, default=2000, help="rows per insert (default 2000)")
    ra = action.add_parser("reanalyse", help="store the date analysis of articles missing one or analysed "
                                             "by older rules (after an upgrade that changed them)")
    ra.add_argument("--batch", type=int, default=500, help="articles per write (default 500)")
    rq = action.add_parser("requote", help="find every article's quotations and speakers again with these "
                                           "rules (after an upgrade that changed them)")
    rq.add_argument("--batch", type=int, default=200, help="articles per transaction (default 200)")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store import migrate
    from bot.store.db import make_engine

    command = args.db_command
    if command == "copy":
        from bot.store.copy import CopyError, copy_library

        target = as_url(args.to)
        try:
            report = await copy_library(settings.db_url, target, batch=max(1, args.batch),
                                        index_from=settings.index_dir,
                                        on_table=lambda name, n: print(f"{name}: {n} rows"))
        except CopyError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"copied {report.total} rows from {shown(settings.db_url)} to {shown(target)}"
              + (" (and the saved search index)" if report.index_copied else ""))
        return 0

    if command == "reanalyse":
        from bot.nlp.timex import ANALYSIS_VERSION
        from bot.store.repo import Store

        store = await Store.open(settings.db_url)  # (brings the schema up to date first)
        try:
            refreshed, read = await store.refresh_time_analyses(
                max(1, args.batch), on_batch=lambda done, n: print(f"{n} articles read, {done} reanalysed",
                                                                   file=sys.stderr))
        finally:
            await store.close()
        print(f"reanalysed {refreshed} of {read} articles (rules {ANALYSIS_VERSION})")
        return 0

    if command == "requote":
        from bot.library import Library

        library = await Library.open(settings)  # (the index changes with the quotations, and is saved)
        try:
            report = await library.requote(
                max(1, args.batch), on_batch=lambda r: print(
                    f"{r.read} articles read, {r.speakers_changed} speakers changed, {len(r.replaced)} articles' "
                    f"quotations replaced", file=sys.stderr))
        finally:
            await library.close()
        print(f"requoted {report.read} articles: {report.speakers_changed} quotations have another speaker, "
              f"{len(report.replaced)} articles' quotations changed"
              + (f", {report.failed} articles kept theirs (the rules failed on them; see the log)"
                 if report.failed else ""))
        return 0

    engine = make_engine(settings.db_url)
    try:
        if command == "current":
            current = await migrate.current_revision(engine)
            head = migrate.head_revision()
            state = "up to date" if current == head else "behind: run `python -m bot db upgrade`"
            print(f"{current or '(none)'} (newest {head}; {state})")
            return 0
        if command == "upgrade":
            before, after = await migrate.upgrade(engine, args.revision)
            print(f"at {after}" if before == after else f"upgraded {before or '(none)'} -> {after}")
            return 0
        if command == "downgrade":
            before, after = await migrate.downgrade(engine, args.revision)
            print(f"at {after or '(none)'}" if before == after else f"downgraded {before} -> {after or '(none)'}")
            return 0
    finally:
        await engine.dispose()
    return 2
