"""`python -m bot feeds …`: manage the shared library's feeds and poll them without Discord."""

from __future__ import annotations

import argparse
import json
import sys

from bot.settings import Settings
from bot.store.models import SHARED_GUILD


def add_subparsers(sub) -> None:  # noqa: ANN001 - argparse's private _SubParsersAction
    feeds = sub.add_parser("feeds", help="RSS/Atom feeds of the shared library: add, list, remove, poll")
    action = feeds.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    add = action.add_parser("add", help="add a feed (its current items are recorded on the first poll, not printed)")
    add.add_argument("url")
    add.add_argument("--breaking", action="store_true", help="every item of this feed is breaking news")
    lst = action.add_parser("list", help="the feeds, their state and last error")
    lst.add_argument("--json", action="store_true", help="one JSON object per feed")
    rm = action.add_parser("remove", help="remove a feed by id")
    rm.add_argument("id", type=int)
    poll = action.add_parser("poll", help="poll every feed once and print each new item once ever")
    poll.add_argument("--json", action="store_true", help="one JSON object per post")


def _feed_json(f) -> dict:  # noqa: ANN001
    return {"id": f.id, "url": f.url, "title": f.title, "mode": f.mode, "items": f.items, "primed": f.primed,
            "failures": f.failures, "last_error": f.last_error,
            "last_success": f.last_success_at.isoformat() if f.last_success_at else None}


def _feed_line(f) -> str:  # noqa: ANN001
    state = "new (not polled yet)" if not f.primed and not f.failures else f"{f.items} items"
    if f.failures:
        state += f"; failing ({f.failures} in a row): {f.last_error}"
    return f"#{f.id} [{f.mode}] {f.title or f.url} <{f.url}> — {state}"


async def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.alerts.console import ConsoleSink
    from bot.alerts.service import Alerts, AlertsError
    from bot.library import Library

    library = await Library.open(settings)
    try:
        alerts = Alerts(library)
        command = args.feeds_command
        if command == "add":
            try:
                feed, _ = await alerts.add_feed(SHARED_GUILD, args.url, "breaking" if args.breaking else "all",
                                                check=False)
            except AlertsError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            print(f"added feed #{feed.id} {feed.url} ({feed.mode}); the first poll records its items without printing them")
            return 0
        if command == "list":
            feeds = await alerts.list_feeds(SHARED_GUILD)
            for f in feeds:
                print(json.dumps(_feed_json(f)) if args.json else _feed_line(f))
            if not feeds and not args.json:
                print("no feeds; add one with `feeds add URL`")
            return 0
        if command == "remove":
            removed = await alerts.remove_feed(args.id, SHARED_GUILD)
            if removed is None:
                print(f"error: no feed #{args.id}", file=sys.stderr)
                return 1
            print(f"removed feed #{removed.id} {removed.url}")
            return 0
        if command == "poll":
            result = await alerts.poll([ConsoleSink(as_json=args.json)], guild_id=SHARED_GUILD, force=True)
            for o in result.failed:
                print(f"feed #{o.feed.id} {o.feed.url} failed ({o.feed.failures} in a row): {o.error}", file=sys.stderr)
            for o in result.outcomes:
                if o.status == "primed":
                    print(f"feed #{o.feed.id}: first poll, {o.seen} current items recorded (not printed)", file=sys.stderr)
            return 1 if result.failed else 0
    finally:
        await library.close()
    return 2
