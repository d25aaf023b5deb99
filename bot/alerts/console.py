"""The console as a delivery target: `python -m bot feeds poll` prints what the outbox hands it."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from bot.store.feeds import DeliveryRecord


def post_json(d: DeliveryRecord) -> dict:
    item = d.item
    return {
        "feed": item.feed_id, "item": item.ident, "title": item.title, "link": item.link,
        "published": item.published.isoformat() if item.published else None, "breaking": item.breaking,
    }


def post_text(d: DeliveryRecord) -> str:
    item = d.item
    when = item.published.strftime("%Y-%m-%d %H:%M UTC") if item.published else "undated"
    mark = "BREAKING " if item.breaking else ""
    lines = [f"{mark}[feed #{item.feed_id}] {item.title}", f"  {item.link or '(no link)'} ({when})"]
    return "\n".join(lines)


class ConsoleSink:
    """Target key "console". No cap: an operator asked for the output. A row left `attempted` by a
    crash between printing and recording counts as printed: stdout cannot be searched afterwards, and
    the console prefers at-most-once (the window is one print call)."""

    prefixes = ("console",)
    cap: int | None = None

    def __init__(self, out: TextIO | None = None, as_json: bool = False) -> None:
        self.out = out or sys.stdout
        self.as_json = as_json

    async def send(self, delivery: DeliveryRecord) -> str | None:
        text = json.dumps(post_json(delivery), ensure_ascii=False) if self.as_json else post_text(delivery)
        print(text, file=self.out, flush=True)
        return None

    async def find_sent(self, delivery: DeliveryRecord) -> str | None:
        return "console"

    async def still_wanted(self, delivery: DeliveryRecord) -> bool:
        return True

    async def report_lost(self, delivery: DeliveryRecord, error: str) -> bool:
        return False
