"""Finding every stored article's quotations again with the current rules, after an upgrade
changed bot/nlp/quotes.py: import stores what the rules of its day found, and nothing else
revisits it. Speakers change in place; an article whose quotations themselves changed gets them
replaced and is logged as changed, so every process re-indexes it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, insert, select

from bot.ingest.records import find_quotes, passage_holding
from bot.nlp.passages import split_passages
from bot.store.models import Article, Passage, QuoteRow
from bot.store.repo import Store, bump_generation

log = logging.getLogger(__name__)

_ATTRIBUTION = ("speaker", "canonical", "method", "is_person")


@dataclass
class RequoteBatch:
    """What one batch of articles came to."""

    last_id: int = 0            # the batch's last article id (0: no articles left)
    read: int = 0
    speakers_changed: int = 0   # quotations whose speaker (or how it was found) changed in place
    replaced: list[int] = field(default_factory=list)  # articles whose quotations were replaced
    failed: int = 0             # articles the rules failed on (their quotations are kept)


def _found(items: Sequence[tuple[int, str]]) -> dict[int, list[dict] | None]:
    """The quotations the current rules find in each (article id, body); None where they fail
    (CPU work: runs in an executor)."""
    out: dict[int, list[dict] | None] = {}
    for aid, body in items:
        try:
            quotes = find_quotes(body, split_passages(body))
        except Exception:  # a rule bug must not cost the article the quotations it has
            log.exception("finding the quotations of article %d again failed", aid)
            out[aid] = None
            continue
        out[aid] = [{"text": q.text, "speaker": q.speaker, "canonical": q.canonical, "method": q.method,
                     "is_person": q.is_person, "start": q.start, "end": q.end} for q in quotes]
    return out


async def requote_batch(store: Store, after: int, batch: int, executor: Executor | None = None) -> RequoteBatch:
    """Find the quotations of the `batch` articles after id `after` again and store what changed,
    in one transaction (the rules run in `executor`; default: the event loop's worker threads)."""
    async with store.engine.connect() as conn:
        rows = [tuple(r) for r in (await conn.execute(
            select(Article.id, Article.body).where(Article.id > after).order_by(Article.id).limit(batch))).all()]
    out = RequoteBatch()
    if not rows:
        return out
    out.last_id, out.read = rows[-1][0], len(rows)
    found = await asyncio.get_running_loop().run_in_executor(executor, _found, rows)
    out.failed = sum(1 for quotes in found.values() if quotes is None)
    table = QuoteRow.__table__
    update = table.update().where(table.c.id == bindparam("qid")).values(
        **{name: bindparam(f"new_{name}") for name in _ATTRIBUTION})
    generation = None
    async with store.sessions() as s, s.begin():
        ids = [aid for aid, quotes in found.items() if quotes is not None]
        # Read inside the transaction: an article removed meanwhile is gone from both reads.
        stored: dict[int, list] = {aid: [] for aid in ids}
        for q in (await s.execute(
                select(QuoteRow.id, QuoteRow.article_id, QuoteRow.text, QuoteRow.start, QuoteRow.end,
                       *(getattr(QuoteRow, name) for name in _ATTRIBUTION))
                .where(QuoteRow.article_id.in_(ids)).order_by(QuoteRow.article_id, QuoteRow.start, QuoteRow.id))).all():
            stored[q.article_id].append(q)
        spans: dict[int, list[tuple[int, int, int]]] = {}
        for aid, pid, start, end in (await s.execute(
                select(Passage.article_id, Passage.id, Passage.start, Passage.end)
                .where(Passage.article_id.in_(ids)).order_by(Passage.article_id, Passage.seq))).all():
            spans.setdefault(aid, []).append((pid, start, end))
        present = set(await s.scalars(select(Article.id).where(Article.id.in_(ids))))
        updates, new_rows = [], []
        for aid in ids:
            if aid not in present:
                continue
            old, new = stored[aid], sorted(found[aid], key=lambda q: q["start"])
            if [(q.start, q.end, q.text) for q in old] == [(q["start"], q["end"], q["text"]) for q in new]:
                for q, n in zip(old, new):
                    if any(getattr(q, name) != n[name] for name in _ATTRIBUTION):
                        updates.append({"qid": q.id, **{f"new_{name}": n[name] for name in _ATTRIBUTION}})
                continue
            out.replaced.append(aid)
            held = spans.get(aid, [])
            bounds = [(start, end) for _, start, end in held]
            for n in new:
                k = passage_holding(n["start"], bounds)
                new_rows.append({**n, "article_id": aid, "passage_id": None if k is None else held[k][0]})
        if updates:
            await (await s.connection()).execute(update, updates)
            out.speakers_changed = len(updates)
        if out.replaced:
            await s.execute(delete(QuoteRow).where(QuoteRow.article_id.in_(out.replaced)))
            if new_rows:
                await s.execute(insert(QuoteRow), new_rows)
            # Logged as added again: every process sharing the database re-reads the article whole.
            generation = await bump_generation(s, added=out.replaced)
    if generation is not None:
        store.own_generations.add(generation)
    return out
