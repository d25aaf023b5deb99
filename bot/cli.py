"""The command line: import, ask, console, run, eval, bench."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bot.settings import Settings, load_settings

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsbot", description="Answers questions about a library of news articles.")
    p.add_argument("--db", help="database file or SQLAlchemy URL (default: $NEWSBOT_DB or newsbot.db)")
    p.add_argument("--corpus", help="folder of bundled articles imported into an empty library (default: corpus/)")
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    imp = sub.add_parser("import", help="import article files or folders, or web pages by URL, into the library")
    imp.add_argument("paths", nargs="+", metavar="PATH_OR_URL")

    ask = sub.add_parser("ask", help="answer questions typed as in Discord ('!who said …'); stdin if none given")
    ask.add_argument("questions", nargs="*", metavar="QUESTION")
    ask.add_argument("--json", action="store_true", help="one JSON object per answer")
    ask.add_argument("--timings", action="store_true",
                     help="after each answer, print the milliseconds it took to standard error")

    sub.add_parser("console", help="an interactive prompt that answers the bot's commands")
    sub.add_parser("run", help="connect to Discord with DISCORD_TOKEN")

    ev = sub.add_parser("eval", help="score the answers on a question file (see tests/eval/)")
    ev.add_argument("questions", nargs="+", metavar="QUESTIONS.jsonl")
    ev.add_argument("--min-who", type=float, default=0.0, help="fail below this who accuracy (0-1)")
    ev.add_argument("--min-when", type=float, default=0.0, help="fail below this when accuracy (0-1)")
    ev.add_argument("--min-none", type=float, default=0.0, help="fail below this accuracy on no-answer questions")
    ev.add_argument("--ratchet", type=Path, help="JSON file of best figures so far: fail below them")
    ev.add_argument("--update-ratchet", action="store_true", help="raise the ratchet file to today's figures")
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")

    bench = sub.add_parser("bench", help="benchmarks against rank_bm25.BM25Okapi: the index, or `bench ask` "
                                         "for questions through the bot")
    bench.add_argument("args", nargs="*", help="passed to benchmarks/search.py (e.g. --sizes 10000,100000), "
                                               "or after `ask` to benchmarks/ask.py (e.g. --articles 5000)")

    from bot.alerts.cli import add_subparsers as add_feeds_subparsers
    add_feeds_subparsers(sub)
    from bot.dbcli import add_subparsers as add_db_subparsers
    add_db_subparsers(sub)
    return p


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(db=args.db, corpus_dir=Path(args.corpus) if args.corpus else None)


async def _open(settings: Settings, seed: bool):
    from bot.library import Library

    library = await Library.open(settings)
    if seed:
        reports = await library.ensure_corpus()
        if reports:
            added = sum(r.status == "added" for r in reports)
            log.info("empty library: imported %d articles from %s", added, settings.corpus_dir)
    return library


async def _import(settings: Settings, paths: list[str]) -> int:
    from bot.library import StorageError

    library = await _open(settings, seed=False)
    counts = {"added": 0, "duplicate": 0, "skipped": 0}
    try:
        urls = [p for p in paths if p.lower().startswith(("http://", "https://"))]
        paths = [p for p in paths if p not in urls]
        missing = [p for p in paths if not Path(p).exists()]
        for p in missing:
            print(f"skipped {p}: no such file or folder")
        progress = _progress(len(paths))

        def report(r) -> None:  # noqa: ANN001
            counts[r.status] += 1
            if progress is not None:
                progress.update(1)
                if r.status != "added":
                    progress.write(r.line())
            else:
                print(r.line())

        try:
            await library.import_paths([Path(p) for p in paths if Path(p).exists()], on_report=report)
        except StorageError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        for url in urls:  # the Discord bot's fetcher, address guard and extractor; one line per URL
            r = await library.add_url(url)
            counts[r.status] += 1
            (progress.write if progress is not None else print)(r.summary())
        if progress is not None:
            progress.close()
    finally:
        await library.close()
    print(f"{counts['added']} added, {counts['duplicate']} duplicates, {counts['skipped'] + len(missing)} skipped")
    return 0 if counts["skipped"] + len(missing) == 0 or counts["added"] else 1


def _progress(_n: int):  # noqa: ANN202
    """A progress bar on a terminal; None when output goes to a file or pipe."""
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(unit=" files", file=sys.stderr)


async def _ask(settings: Settings, questions: list[str], as_json: bool, timings: bool = False) -> int:
    from bot.render.text import render_json, render_text

    library = await _open(settings, seed=True)
    try:
        source = questions or (line.rstrip("\n") for line in sys.stdin)
        for question in source:
            if not question.strip():
                continue
            started = time.perf_counter()
            answer = await library.ask(question)
            print(render_json(answer) if as_json else render_text(answer) + "\n", flush=True)
            if timings:
                print(f"{(time.perf_counter() - started) * 1e3:.3f} ms", file=sys.stderr, flush=True)
            await asyncio.sleep(0)  # (a turn for what an answer left to do once it was out: see bot.answer.when)
    finally:
        await library.close()
    return 0


async def _console(settings: Settings) -> int:
    from bot.console import Console

    library = await _open(settings, seed=True)
    if settings.reanalyse:
        library.start_reanalysis()
    try:
        await Console(library).run()
    finally:
        await library.close()
    return 0


def _run(settings: Settings) -> int:
    if not settings.discord_token:
        print("error: DISCORD_TOKEN is not set (put it in the environment or .env); "
              "try `python -m bot console` to use the bot without Discord", file=sys.stderr)
        return 2
    from bot.client import run_bot

    return run_bot(settings)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "bench":  # only the benchmark passes options through
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "bench":  # everything after the word goes to the script, in order
        raw = list(sys.argv[1:] if argv is None else argv)
        args.args = raw[raw.index("bench") + 1:]
    if args.command != "run":
        logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO if args.command == "import" else logging.WARNING,
                            format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
        if not args.verbose:
            logging.getLogger("alembic").setLevel(logging.WARNING)  # its plugin chatter is not for users
    settings = _settings(args)
    try:
        if args.command == "import":
            return asyncio.run(_import(settings, args.paths))
        if args.command == "ask":
            return asyncio.run(_ask(settings, args.questions, args.json, args.timings))
        if args.command == "console":
            return asyncio.run(_console(settings))
        if args.command == "run":
            return _run(settings)
        if args.command == "eval":
            from bot.evaluate import run_eval

            return asyncio.run(run_eval(settings, args))
        if args.command == "bench":
            from bot.benchmark import run_benchmark

            return run_benchmark(args.args)
        if args.command == "feeds":
            from bot.alerts.cli import run as run_feeds

            return asyncio.run(run_feeds(args, settings))
        if args.command == "db":
            from bot.dbcli import run as run_db

            return asyncio.run(run_db(args, settings))
    except KeyboardInterrupt:
        return 130
    return 2
