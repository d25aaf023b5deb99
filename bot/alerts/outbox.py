"""The delivery outbox: every (item, target) pair is posted once, across restarts and errors.

A *sink* knows how to post to one kind of target ("channel:<id>" and "dm:<id>" for Discord,
"console" for the command line). The outbox decides what to post, in what order and how often,
and keeps the record. The exactly-once protocol, per row:

1. mark the row `attempted` (committed) before sending — a compare-and-set claim with a short lease,
   so of several processes sharing the database and draining at once, exactly one sends each row;
2. send, carrying the row's nonce (Discord de-duplicates a repeated nonce for a few minutes) and a
   short reference of the item in the post (the embed footer);
3. mark it `delivered` once the target accepted it.

A crash or an ambiguous error (5xx, time-out, connection lost) between 2 and 3 leaves the row
`attempted`. Before an `attempted` row is sent again, the sink looks for the post in the target's
recent history (`find_sent`); only when it is not there is it sent again, with the same nonce.
A refusal (4xx) returns the row to `pending`. A target we lost access to (403/404) is recorded,
reported once, skipped for a while and then retried; its configuration and its rows are kept.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.store.feeds import ATTEMPTED, CANCELLED, EXPIRED, DeliveryRecord, FeedStore
from bot.store.models import utcnow

log = logging.getLogger(__name__)

RETRY_BASE = 30.0          # seconds before the first retry of a failed send; doubles each time
RETRY_MAX = 30 * 60.0      # ... up to half an hour
LOST_RETRY = 15 * 60.0     # a channel we lost access to is tried again after this
STALE_AFTER = timedelta(days=3)  # undelivered this long after discovery: expired (logged), not news any more
SEND_LEASE = timedelta(minutes=2)  # a row being sent is nobody else's until then (several processes, one database)


class DeliveryError(Exception):
    """A send that did not (certainly) succeed.

    sent_maybe: the target may have accepted it (5xx, time-out): look before sending again.
    target_lost: the target refuses us (no access, deleted): report it and pause that target.
    """

    def __init__(self, message: str, *, sent_maybe: bool = False, target_lost: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.sent_maybe = sent_maybe
        self.target_lost = target_lost
        self.retry_after = retry_after


class Sink(Protocol):
    """One kind of delivery target."""

    prefixes: tuple[str, ...]   # the target keys it serves ("console", "channel:", "dm:")
    cap: int | None             # most posts per target per round (None: no limit)

    async def send(self, delivery: DeliveryRecord) -> str | None:
        """Post it; return the message id (or None where there is none). Raise DeliveryError otherwise."""

    async def find_sent(self, delivery: DeliveryRecord) -> str | None:
        """For an `attempted` row: the id of the post if it did go out, else None."""

    async def still_wanted(self, delivery: DeliveryRecord) -> bool:
        """False when the target is no longer configured (the row is then cancelled)."""

    async def report_lost(self, delivery: DeliveryRecord, error: str) -> bool:
        """Tell the server's admins that a target refuses us; True when they were told."""


class Outbox:
    def __init__(self, store: FeedStore, clock: Callable[[], datetime] = utcnow, *,
                 retry_base: float = RETRY_BASE, retry_max: float = RETRY_MAX, lost_retry: float = LOST_RETRY,
                 stale_after: timedelta = STALE_AFTER, send_lease: timedelta = SEND_LEASE) -> None:
        self.store = store
        self.clock = clock
        self.retry_base = retry_base
        self.retry_max = retry_max
        self.lost_retry = lost_retry
        self.stale_after = stale_after
        self.send_lease = send_lease

    def _retry_at(self, now: datetime, attempts: int, hint: float | None) -> datetime:
        delay = min(self.retry_base * 2 ** max(attempts - 1, 0), self.retry_max)
        return now + timedelta(seconds=max(delay, hint or 0.0))

    async def drain(self, sink: Sink) -> list[DeliveryRecord]:
        """One round: post what is due for the sink's targets, at most `cap` per target; returns what went out."""
        now = self.clock()
        rows = await self.store.open_deliveries(sink.prefixes, now)
        if not rows:
            return []
        blocked = await self.store.blocked_targets(now)
        unhealthy = {t for t, _e, _s in await self._problems(rows)}
        done: list[DeliveryRecord] = []
        per_target: Counter[str] = Counter()
        paused: set[str] = set()  # targets that failed this round: the rest of their rows wait for the next
        for d in rows:
            if d.target in blocked or d.target in paused:
                continue
            if sink.cap is not None and per_target[d.target] >= sink.cap:
                continue  # a burst is spread over later rounds instead of hitting rate limits
            if d.created_at is not None and now - d.created_at > self.stale_after:
                log.warning("alert %s for %s expired undelivered: %r", d.id, d.target, d.item.title)
                await self.store.close_delivery(d.id, EXPIRED, "not delivered in time")
                continue
            if not await sink.still_wanted(d):
                await self.store.close_delivery(d.id, CANCELLED, "the target is no longer configured")
                continue
            if d.state == ATTEMPTED:
                found = await self._find(sink, d)
                if found is not None:
                    log.info("alert %s for %s had gone out before a restart/error; not sending again", d.id, d.target)
                    await self.store.mark_delivered(d.id, self.clock(), found)
                    per_target[d.target] += 1
                    done.append(d)
                    continue
            if not await self.store.mark_attempted(d.id, self.clock(), expect=(d.state, d.attempts),
                                                   lease=self.send_lease):
                continue  # another process sharing the database took this row since we read it
            try:
                message_id = await sink.send(d)
            except DeliveryError as exc:
                paused.add(d.target)
                await self._failed(sink, d, exc)
                continue
            except Exception as exc:  # a bug or an unexpected network error: it may have gone out
                log.exception("sending alert %s to %s failed", d.id, d.target)
                paused.add(d.target)
                await self._failed(sink, d, DeliveryError(f"{type(exc).__name__}: {exc}", sent_maybe=True))
                continue
            await self.store.mark_delivered(d.id, self.clock(), message_id)
            if d.target in unhealthy:
                unhealthy.discard(d.target)
                await self.store.target_ok(d.target)
                log.info("delivery to %s works again", d.target)
            per_target[d.target] += 1
            done.append(d)
        return done

    async def _problems(self, rows: Sequence[DeliveryRecord]) -> list[tuple[str, str, datetime]]:
        out = []
        for guild in {d.guild_id for d in rows}:
            out += await self.store.target_problems(guild)
        return out

    async def _find(self, sink: Sink, d: DeliveryRecord) -> str | None:
        try:
            return await sink.find_sent(d)
        except Exception as exc:  # cannot look: send again; the nonce still guards a recent attempt
            log.warning("could not check %s for alert %s: %s", d.target, d.id, exc)
            return None

    async def _failed(self, sink: Sink, d: DeliveryRecord, exc: DeliveryError) -> None:
        now = self.clock()
        error = str(exc) or type(exc).__name__
        if exc.target_lost:
            log.warning("lost access to %s (guild %s): %s; its settings are kept", d.target, d.guild_id, error)
            await self.store.mark_retry(d.id, error, None, sent_maybe=False)
            retry_at = now + timedelta(seconds=self.lost_retry)
            if await self.store.target_lost(d.target, d.guild_id, error, retry_at):
                try:
                    told = await sink.report_lost(d, error)
                except Exception:
                    log.exception("could not report the lost target %s", d.target)
                    told = False
                if told:
                    await self.store.mark_target_reported(d.target)
            return
        log.warning("alert %s to %s not delivered (%s); will retry", d.id, d.target, error)
        await self.store.mark_retry(d.id, error, self._retry_at(now, d.attempts + 1, exc.retry_after),
                                    sent_maybe=exc.sent_maybe)
