"""Benchmark bot.index.bm25.BM25Index against plain rank_bm25.BM25Okapi on synthetic libraries.

    python benchmarks/search.py [--sizes 10000,100000,1000000] [--seed 7] [--okapi-max 100000]

Passages are 12-30 tokens drawn from a Zipf-distributed vocabulary of seeded pseudo-words.
BM25Okapi is measured up to --okapi-max passages and extrapolated linearly beyond (marked).
Memory is measured with tracemalloc (numpy reports its buffers to it): "retained" is what the
built index still holds, "peak" the high-water mark while building, both above the corpus.

"bot start-up" is the wall time of a real `python -m bot --db LIB ask --json` answering `!help`
(median of --startup-runs, page cache warm), on a SQLite library holding the size's passages
(20 to an article, no quotations) with the built index saved beside it as an import leaves it:
interpreter and imports, schema check, index load, the answer and exit. Peak RSS is that
process's.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rank_bm25 import BM25Okapi

if __package__ in (None, ""):  # run as a script: make `bot` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.index.bm25 import BM25Index  # noqa: E402
from bot.index.search import LibraryIndex  # noqa: E402
from bot.settings import PROJECT_ROOT  # noqa: E402
from bot.store.repo import Store  # noqa: E402

VOCAB_SIZE = 200_000
ZIPF_S = 1.07
ARTICLE_PASSAGES = 20


def pseudo_words(n: int, rng: np.random.Generator) -> list[str]:
    """n distinct pronounceable pseudo-words."""
    consonants, vowels = "bcdfghjklmnprstvz", "aeiou"
    syllables = [c + v for c in consonants for v in vowels]
    words: dict[str, None] = {}
    while len(words) < n:
        k = rng.integers(2, 5, size=n)
        picks = rng.integers(0, len(syllables), size=(n, 4))
        for row, width in zip(picks.tolist(), k.tolist()):
            words["".join(syllables[i] for i in row[:width])] = None
            if len(words) == n:
                break
    return list(words)


class Corpus:
    """Seeded generator of passages; the vocabulary rank is the Zipf rank."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.words = pseudo_words(VOCAB_SIZE, self.rng)
        weights = 1.0 / np.arange(1, VOCAB_SIZE + 1) ** ZIPF_S
        self.cdf = np.cumsum(weights / weights.sum())

    def passages(self, n: int) -> list[list[str]]:
        lens = self.rng.integers(12, 31, size=n)
        ranks = np.searchsorted(self.cdf, self.rng.random(int(lens.sum())), side="right")
        ranks = np.minimum(ranks, VOCAB_SIZE - 1)
        words = self.words
        flat = [words[r] for r in ranks.tolist()]
        out, pos = [], 0
        for length in lens.tolist():
            out.append(flat[pos : pos + length])
            pos += length
        return out

    def queries(self, n: int, lo: int, hi: int) -> list[list[str]]:
        return [
            [self.words[r] for r in self.rng.integers(lo, hi, size=int(self.rng.integers(3, 6))).tolist()]
            for _ in range(n)
        ]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def traced(fn: Callable[[], Any]) -> tuple[int, int]:
    """Bytes retained by fn's result and peak bytes while running it (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    result = fn()
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return current - base, peak - base


def latencies(fn: Callable[[Sequence[str]], Any], queries: list[list[str]]) -> tuple[float, float]:
    times = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        times.append(time.perf_counter() - start)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95


def bot_library(directory: Path, docs: list[list[str]], built: BM25Index) -> Path:
    """A SQLite library of the passages (passage i has row id i + 1) with `built` saved beside it
    under those ids, as `python -m bot import` would leave it; returns the database path."""
    db = directory / "library.db"

    async def schema() -> None:
        store = await Store.open(f"sqlite+aiosqlite:///{db}")  # the migrations, as the bot runs them
        await store.close()

    asyncio.run(schema())
    n = len(docs)
    starts = range(0, n, ARTICLE_PASSAGES)
    con = sqlite3.connect(db)
    with con:
        con.executemany(
            "INSERT INTO articles (id, guild_id, title, body, source, added_at, content_hash, breaking) "
            "VALUES (?, 0, ?, ?, 'bench', '2026-01-01 00:00:00.000000', ?, 0)",
            ((a + 1, f"Article {a + 1}", " ".join(" ".join(d) for d in docs[lo:lo + ARTICLE_PASSAGES]),
              hashlib.sha256(str(a).encode()).hexdigest()) for a, lo in enumerate(starts)))
        con.executemany(
            'INSERT INTO passages (id, article_id, seq, text, start, "end") VALUES (?, ?, ?, ?, 0, 0)',
            ((i + 1, i // ARTICLE_PASSAGES + 1, i % ARTICLE_PASSAGES, " ".join(d)) for i, d in enumerate(docs)))
        con.executemany("INSERT INTO library_changes (generation, article_id, action) VALUES (1, ?, 'add')",
                        ((a + 1,) for a in range(len(starts))))
        con.execute("INSERT OR REPLACE INTO library_meta (key, value) VALUES ('generation', 1)")
    con.close()

    # The bench's index numbers passages from 0; the library's rows from 1. Shift the saved ids
    # rather than build the index a second time.
    built.save(directory / "built.npz")
    with np.load(directory / "built.npz", allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    arrays["ids"] = arrays["ids"] + 1
    np.savez(directory / "built.npz", **arrays)
    index = LibraryIndex()
    index.indexes["passages"] = BM25Index.load(directory / "built.npz")
    (directory / "built.npz").unlink()
    index._by_article = {a + 1: {"passages": list(range(lo + 1, min(n, lo + ARTICLE_PASSAGES) + 1)), "quotes": []}
                         for a, lo in enumerate(starts)}
    index.save(Path(str(db) + ".index"), generation=1)
    return db


# Runs one bot start-up and prints its wall time and peak RSS. A separate small process: a child
# spawned straight from the benchmark inherits the benchmark's (gigabyte) RSS high-water mark.
_STARTUP_PROBE = """
import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
proc.stdin.write(b"!help\\n")
proc.stdin.close()
out = proc.stdout.read()
_, status, usage = os.wait4(proc.pid, 0)
elapsed = time.perf_counter() - start
ok = os.waitstatus_to_exitcode(status) == 0 and b'"command"' in out
print(f"{int(ok)} {elapsed} {usage.ru_maxrss}")
"""


def bot_startup(db: Path, runs: int) -> tuple[float, float]:
    """Median wall seconds and largest peak RSS (MB) of the bot starting on db and answering `!help`."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSBOT_INDEX_DIR"}  # the index beside db
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-c", _STARTUP_PROBE, sys.executable, "-m", "bot", "--db", str(db), "ask", "--json"]
    meta = Path(str(db) + ".index") / "meta.json"
    saved = meta.stat().st_mtime_ns
    times, rss = [], 0.0
    for _ in range(runs):
        # cwd: a .env in the checkout must not point the bot at another database or index
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=db.parent)
        ok, elapsed, maxrss = proc.stdout.split() if proc.returncode == 0 else ("0", "0", "0")
        if ok != "1":
            raise RuntimeError(f"bot start-up failed:\n{proc.stderr[-2000:]}")
        if meta.stat().st_mtime_ns != saved:
            raise RuntimeError("the bot rebuilt the index instead of loading the saved one")
        times.append(float(elapsed))
        rss = max(rss, int(maxrss) / 1024)  # kilobytes on Linux
    return statistics.median(times), rss


def bench_size(n: int, corpus: Corpus, okapi: bool, n_queries: int, startup_runs: int = 3) -> dict[str, Any]:
    docs = corpus.passages(n)
    ids = list(range(n))
    mid = corpus.queries(n_queries, 1_000, 20_000)
    frequent = corpus.queries(n_queries, 0, 12)
    res: dict[str, Any] = {"n": n}

    def build() -> BM25Index:
        index = BM25Index()
        index.add(ids, docs)
        return index

    res["mem"], res["peak"] = traced(build)
    res["build"], index = timed(build)
    if startup_runs:
        with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
            res["startup"], res["startup_rss"] = bot_startup(bot_library(Path(tmp), docs, index), startup_runs)
    index.top_k(mid[0], 10)  # warm the per-thread scratch buffer
    res["q_mid"] = latencies(lambda q: index.top_k(q, 10), mid)
    res["q_freq"] = latencies(lambda q: index.top_k(q, 10), frequent)

    articles = [corpus.passages(ARTICLE_PASSAGES) for _ in range(30)]
    add_times = []
    for i, article in enumerate(articles):
        new_ids = list(range(n + i * ARTICLE_PASSAGES, n + (i + 1) * ARTICLE_PASSAGES))
        start = time.perf_counter()
        index.add(new_ids, article, [1] * ARTICLE_PASSAGES)
        add_times.append(time.perf_counter() - start)
    res["add"] = (statistics.median(add_times), max(add_times))
    # An old article: its passages sit in the big segment and are first occurrences of many terms.
    old_article = range(ARTICLE_PASSAGES, 2 * ARTICLE_PASSAGES)
    start = time.perf_counter()
    index.remove(old_article)
    res["remove"] = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bm25.npz"
        res["save"], _ = timed(lambda: index.save(path))
        res["file_mb"] = path.stat().st_size / 1e6
        res["load"], loaded = timed(lambda: BM25Index.load(path))
        assert len(loaded) == len(index)
    del loaded

    if okapi:
        index.remove(range(n, n + len(articles) * ARTICLE_PASSAGES))
        index.add(list(old_article), [docs[i] for i in old_article])
        docs = [docs[i] for i in range(n) if i not in old_article] + [docs[i] for i in old_article]
        ids = index.doc_ids()
        res["okapi_mem"], res["okapi_peak"] = traced(lambda: BM25Okapi(docs))
        res["okapi_build"], ref = timed(lambda: BM25Okapi(docs))
        k = max(5, min(n_queries, 2_000_000 // n))  # BM25Okapi is slow: fewer queries at scale
        res["okapi_q_mid"] = latencies(lambda q: ref.get_top_n(q, ids, 10), mid[:k])
        res["okapi_q_freq"] = latencies(lambda q: ref.get_top_n(q, ids, 10), frequent[:k])
        same = all(np.array_equal(index.get_scores(q), ref.get_scores(q)) for q in mid[:5] + frequent[:5])
        top_same = all(
            [d for d, _ in index.top_k(q, 10)] == [ids[i] for i in reference_top(ref.get_scores(q), 10)]
            for q in mid[:5] + frequent[:5]
        )
        res["identical"] = same and top_same
    return res


def reference_top(scores: np.ndarray, k: int) -> list[int]:
    """get_top_n's order with a stable sort (later-inserted first among ties), scores > 0 only."""
    return [i for i in np.argsort(scores, kind="stable")[::-1].tolist() if scores[i] > 0][:k]


def extrapolate(res: dict[str, Any], base: dict[str, Any]) -> None:
    """Fill BM25Okapi figures linearly from a smaller measured size (its costs are O(n))."""
    f = res["n"] / base["n"]
    res["okapi_build"] = base["okapi_build"] * f
    res["okapi_mem"], res["okapi_peak"] = base["okapi_mem"] * f, base["okapi_peak"] * f
    res["okapi_q_mid"] = tuple(x * f for x in base["okapi_q_mid"])
    res["okapi_q_freq"] = tuple(x * f for x in base["okapi_q_freq"])
    res["extrapolated"] = True


def render(results: list[dict[str, Any]]) -> str:
    ms, mb = 1e3, 1e-6
    lines = []
    header = f"{'passages':>9} | {'metric':<34} | {'BM25Index':>12} | {'BM25Okapi':>22} | {'speed-up':>9}"
    lines.append(header)
    lines.append("-" * len(header))
    for r in results:
        has_ref = "okapi_build" in r
        ext = " (extrapolated)" if r.get("extrapolated") else ""

        def row(metric: str, ours: float, ref: float | None, unit: str, fmt: str = "{:.2f}") -> None:
            ref_txt = (fmt.format(ref) + ext) if ref is not None else "-"
            ratio = f"{ref / ours:,.0f}x" if ref is not None and ours > 0 else "-"
            lines.append(
                f"{r['n']:>9,} | {metric + ' (' + unit + ')':<34} | {fmt.format(ours):>12} | {ref_txt:>22} | {ratio:>9}"
            )

        rebuild = r.get("okapi_build") if has_ref else None
        row("build", r["build"], rebuild, "s")
        row("add 1 article = 20 psg, median", r["add"][0] * ms, rebuild * ms if has_ref else None, "ms", "{:.3f}")
        row("add 1 article, worst of 30", r["add"][1] * ms, rebuild * ms if has_ref else None, "ms", "{:.3f}")
        row("remove 1 old article", r["remove"] * ms, rebuild * ms if has_ref else None, "ms", "{:.3f}")
        for key, label in (("q_mid", "top-10 mid-freq"), ("q_freq", "top-10 frequent words")):
            ref = r.get("okapi_" + key)
            row(label + " p50", r[key][0] * ms, ref[0] * ms if ref else None, "ms", "{:.3f}")
            row(label + " p95", r[key][1] * ms, ref[1] * ms if ref else None, "ms", "{:.3f}")
        row("memory retained", r["mem"] * mb, r["okapi_mem"] * mb if has_ref else None, "MB", "{:.1f}")
        row("memory peak during build", r["peak"] * mb, r["okapi_peak"] * mb if has_ref else None, "MB", "{:.1f}")
        row("save", r["save"], None, "s", "{:.3f}")
        row("load", r["load"], None, "s", "{:.3f}")
        row("index file", r["file_mb"], None, "MB", "{:.1f}")
        if "startup" in r:
            row("bot start-up, median", r["startup"], None, "s", "{:.2f}")
            row("bot start-up peak RSS", r["startup_rss"], None, "MB", "{:.0f}")
        if "identical" in r:
            lines.append(f"{r['n']:>9,} | scores/top-10 identical to BM25Okapi: {'yes' if r['identical'] else 'NO'}")
        lines.append("-" * len(header))
    lines.append("memory: tracemalloc, bytes above the corpus; speed-up = BM25Okapi / BM25Index "
                 "(for adds/removes: BM25Okapi must rebuild)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated passage counts")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--okapi-max", type=int, default=100_000, help="largest size BM25Okapi is really run at")
    parser.add_argument("--queries", type=int, default=200, help="queries per kind for BM25Index")
    parser.add_argument("--startup-runs", type=int, default=3,
                        help="bot start-ups timed per size on a library of that size (0: skip)")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    corpus = Corpus(args.seed)
    results: list[dict[str, Any]] = []
    base = None
    for n in sizes:
        print(f"... {n:,} passages", file=sys.stderr, flush=True)
        res = bench_size(n, corpus, okapi=n <= args.okapi_max, n_queries=args.queries, startup_runs=args.startup_runs)
        if "okapi_build" in res:
            base = res
        elif base is not None:
            extrapolate(res, base)
        results.append(res)
    print(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
