"""End-to-end benchmark: `!search`, `!who said` and `!when` through `python -m bot ask` on a synthetic
library, against plain rank_bm25.BM25Okapi.get_top_n over the same passages, in one run: each kind's
batch is followed at once by BM25Okapi on some of the same questions, since a shared machine's speed
drifts over minutes.

    python benchmarks/ask.py [--articles 5000] [--sentences 40] [--questions 100] [--work DIR]

Articles are one sentence a paragraph (so passages = sentences) of Zipf-distributed pseudo-words;
about one sentence in eight is a quotation with a named speaker and one in eight carries a date,
so `!who said` and `!when` have something to find. The library is imported with
`python -m bot import` (timed: passages per second), the bot's start-up is timed with a question
that needs no search, and each question is timed inside `ask --json --timings` (its answer,
rendering and printing; start-up excluded). Answers are checked against the generator (speaker, date) so a fast
wrong answer does not pass for a fast one. `who` questions are words of a quotation, which settles them;
"who, unquoted" asks for words of sentences nobody is quoted in, so each takes who's whole path (sentence
search, the speakers in those sentences) and is right when it names nobody.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script: make `bot` and the sibling benchmark importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import pseudo_words  # noqa: E402

from bot.nlp.tokens import query_terms, tokenize  # noqa: E402

VOCAB = 60_000
ZIPF_S = 1.07
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


class Library:
    """A seeded synthetic library, with the answer to every question it asks."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        words = pseudo_words(VOCAB + 2_000, np.random.default_rng(seed))
        self.vocab, names = words[:VOCAB], words[VOCAB:]
        self.cum_weights = list(itertools.accumulate(1.0 / (i + 1) ** ZIPF_S for i in range(VOCAB)))
        self.rank = {w: i for i, w in enumerate(self.vocab)}
        self.speakers = [f"{names[2 * i].capitalize()} {names[2 * i + 1].capitalize()}" for i in range(400)]
        self.sentences: list[str] = []
        self.quotes: list[tuple[list[str], str]] = []  # (words quoted, speaker)
        self.dated: list[tuple[list[str], str]] = []  # (event words, ISO date)
        self.plain: list[list[str]] = []  # sentences neither quoted nor dated

    def _words(self, lo: int, hi: int) -> list[str]:
        return self.rng.choices(self.vocab, cum_weights=self.cum_weights, k=self.rng.randint(lo, hi))

    def article(self, n: int, sentences: int) -> str:
        year, month, day = 2026, 1 + n % 12, 1 + n % 28
        body = []
        for _ in range(sentences):
            ws = self._words(12, 28)
            roll = self.rng.random()
            if roll < 0.125:
                speaker = self.rng.choice(self.speakers)
                text = " ".join(ws).capitalize()
                sent = f"\u201c{text},\u201d {speaker} said." if self.rng.random() < 0.5 else f"{speaker} said: \u201c{text}.\u201d"
                self.quotes.append((ws, speaker))
            elif roll < 0.25:
                d = 1 + self.rng.randrange(28)
                sent = f"{' '.join(ws).capitalize()} on {MONTHS[month - 1]} {d}, {year}."
                self.dated.append((ws, f"{year}-{month:02d}-{d:02d}"))
            else:
                sent = " ".join(ws).capitalize() + "."
                self.plain.append(ws)
            body.append(sent)
            self.sentences.append(sent)
        head = f"---\ntitle: Report number {n}\npublished: {year}-{month:02d}-{day:02d}\ncategory: World\n---\n"
        return head + "\n\n".join(body) + "\n"

    def words_from(self, ws: list[str], k: int) -> str:
        """k distinct words of a sentence, rarer ones first, so a question names that sentence."""
        rare = sorted(set(ws), key=lambda w: -self.rank[w])
        return " ".join(rare[:k])


def run(cmd: list[str], stdin: str | None = None) -> tuple[float, str, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd[:6])}\n{proc.stderr[-2000:]}")
    return elapsed, proc.stdout, proc.stderr


def percentiles(times: list[float]) -> tuple[float, float, float]:
    """p50, p95 and mean."""
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], statistics.mean(times)


def okapi_index(sentences: list[str]) -> tuple[Any, float]:
    """BM25Okapi over the sentences with the bot's own tokens, and its build time."""
    from rank_bm25 import BM25Okapi

    start = time.perf_counter()
    okapi = BM25Okapi([tokenize(s) for s in sentences])
    return okapi, time.perf_counter() - start


def okapi_per_question(okapi: Any, sentences: list[str], questions: list[str]) -> list[float]:
    """BM25Okapi's get_top_n time for each question."""
    times = []
    for q in questions:
        start = time.perf_counter()
        okapi.get_top_n(query_terms(q), sentences, n=10)
        times.append(time.perf_counter() - start)
    return times


def thread_hop(n: int = 300) -> float:
    """Median seconds of one `asyncio.to_thread` round trip of nothing on this machine now: each
    question through the bot makes one (its search, reads and judging run in a worker thread)."""
    async def hops() -> list[float]:
        times = []
        for _ in range(n):
            started = time.perf_counter()
            await asyncio.to_thread(int)
            times.append(time.perf_counter() - started)
        return times

    return statistics.median(asyncio.run(hops()))


def _times(ratio: float) -> str:
    """A speed-up as printed: whole numbers, two digits below 10 (a tiny library is no faster)."""
    return f"{ratio:,.0f}x" if ratio >= 10 else f"{ratio:.2g}x"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--sentences", type=int, default=40, help="sentences (= passages) per article")
    parser.add_argument("--questions", type=int, default=100, help="questions of each kind")
    parser.add_argument("--okapi-questions", type=int, default=8,
                        help="questions of each kind BM25Okapi answers, right after that kind's batch")
    parser.add_argument("--rounds", type=int, default=1,
                        help="ask every batch this many times (each followed by BM25Okapi): the speed-up's spread")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", help="folder for the corpus and database (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the library already imported in --work by an earlier run with the same options")
    args = parser.parse_args(argv)

    work = Path(args.work or tempfile.mkdtemp(prefix="newsbot-ask-bench-"))
    corpus, db = work / "corpus", work / "bench.db"
    corpus.mkdir(parents=True, exist_ok=True)
    lib = Library(args.seed)
    for n in range(args.articles):
        (corpus / f"a{n:06d}.txt").write_text(lib.article(n, args.sentences), encoding="utf-8")
    passages = len(lib.sentences)
    print(f"... {passages:,} passages in {args.articles:,} articles under {work}", file=sys.stderr, flush=True)

    py = [sys.executable, "-m", "bot", "--db", str(db)]
    t_import = None
    if not (args.reuse and db.is_file()):
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        t_import, _, _ = run(py + ["import", str(corpus)])

    rng = random.Random(args.seed + 1)
    quotes = rng.sample(lib.quotes, min(args.questions, len(lib.quotes)))
    dated = rng.sample(lib.dated, min(args.questions, len(lib.dated)))
    batches = {
        "search": [f"!search {lib.words_from(rng.choice(lib.quotes + lib.dated)[0], 4)}" for _ in range(args.questions)],
        "who": [f"!who said {lib.words_from(ws, 5)}" for ws, _ in quotes],
        "when": [f"!when {lib.words_from(ws, 5)}" for ws, _ in dated],
    }
    # Words nobody is quoted saying: no quotation settles these, so `who` searches the sentences and
    # looks for a speaker in them (its full path); the right answer names nobody.
    batches["who, unquoted"] = [f"!who said {lib.words_from(ws, 5)}"
                                for ws in rng.sample(lib.plain, min(args.questions, len(lib.plain)))]
    expected = {"who": [s for _, s in quotes], "when": [d for _, d in dated]}

    startups = sorted(run(py + ["ask", "--json"], "!help\n")[0] for _ in range(3))
    print("... BM25Okapi over the same passages", file=sys.stderr, flush=True)
    okapi, okapi_build = okapi_index(lib.sentences)
    results: dict[str, dict[str, Any]] = {kind: {"times": [], "okapi": [], "ratios": [], "right": []}
                                           for kind in batches}
    for _ in range(max(1, args.rounds)):
        for kind, questions in batches.items():
            r = results[kind]
            # --timings: each question's own time inside `ask` (answer, render, print), start-up excluded.
            _, out, err = run(py + ["ask", "--json", "--timings"], "".join(q + "\n" for q in questions))
            times = [float(m) / 1e3 for m in re.findall(r"^([\d.]+) ms$", err, re.M)]
            answers = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
            assert len(times) == len(answers) == len(questions), (kind, len(times), len(answers))
            if kind in expected:
                got = [(a.get("answer") if kind == "who" else a.get("date")) or "" for a in answers]
                r["right"].append(sum(e in g for e, g in zip(expected[kind], got)) / len(questions))
            elif kind == "who, unquoted":
                r["right"].append(sum(not a["found"] for a in answers) / len(questions))
            # BM25Okapi on some of the same questions right away: this shared VM's speed drifts by tens
            # of percent over minutes, so each kind is compared with BM25Okapi timed beside it.
            texts = [re.sub(r"^!(search|who said|when) ", "", q) for q in questions]
            sample = texts[:: max(1, len(texts) // args.okapi_questions)][:args.okapi_questions]
            okapi_times = okapi_per_question(okapi, lib.sentences, sample)
            r["ratios"].append(percentiles(okapi_times)[0] / percentiles(times)[0])
            r["times"] += times
            r["okapi"] += okapi_times

    hop = thread_hop()  # (after the batches: the machine as they found it)
    line = "-" * 91
    print(f"{passages:,} passages, {args.articles:,} articles; questions through `python -m bot ask --json --timings`")
    print(line)
    if t_import is not None:
        print(f"import (python -m bot import)      {t_import:8.1f} s   {passages / t_import:,.0f} passages/s")
    else:
        print("import (python -m bot import)      reused from an earlier run")
    print(f"bot start-up (open + load index)   {startups[1]:8.2f} s   (median of 3, whole process)")
    print(f"BM25Okapi build                    {okapi_build:8.2f} s")
    print(f"thread hop (to_thread of nothing)  {hop * 1e3:8.3f} ms  (p50; in each bot figure below: one a question)")
    print(line)
    spread = args.rounds > 1
    print(f"{'question':<15} | {'bot p50 / p95 / mean ms':>25} | {'BM25Okapi p50 / mean ms':>24} | {'speed-up p50/mean':>17} | "
          + ("rounds' p50 speed-ups | " if spread else "") + "right")
    for kind, r in results.items():
        p50, p95, mean = (x * 1e3 for x in percentiles(r["times"]))
        okapi_p50, _, okapi_mean = (x * 1e3 for x in percentiles(r["okapi"]))
        right = f"{min(r['right']):.0%}" if r["right"] else "-"  # (the worst round)
        ratio = f"{_times(okapi_p50 / p50)} / {_times(okapi_mean / mean)}"
        rounds = f"{_times(min(r['ratios']))[:-1]}-{_times(max(r['ratios']))}".rjust(21) + " | " if spread else ""
        print(f"{'!' + kind:<15} | {p50:>8.2f} / {p95:>6.2f} / {mean:>6.2f} | "
              f"{okapi_p50:>11.1f} / {okapi_mean:>10.1f} | {ratio:>17} | {rounds}{right}")
    print(line)
    if spread:
        print(f"{args.rounds} rounds: every kind's batch and then its BM25Okapi sample, round after round; times pool "
              "all rounds, and the last column gives the lowest and highest p50 speed-up of a single round.")
    print(f"BM25Okapi: get_top_n(10) over the same sentences with the bot's tokens, for {args.okapi_questions} of "
          "each kind's questions, timed right after that kind's batch; it only ranks, so its time is the floor of "
          "what any answer built on it would cost.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
