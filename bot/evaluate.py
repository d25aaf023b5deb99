"""`python -m bot eval`: ask a question file through the same path as Discord and score the replies."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bot.answer.models import Answer
from bot.nlp.tokens import normalize_quotes
from bot.settings import Settings

KINDS = ("who", "when")


def _fold(text: str) -> str:
    """Case, curly/straight quotes and surrounding punctuation do not count."""
    return re.sub(r"\s+", " ", normalize_quotes(text).lower()).strip(" .,;:!?\"'()[]")


def is_correct(item: dict, answer: Answer) -> tuple[bool, str]:
    """Score one reply by the rules of shared/eval/README.md; the second value says why not."""
    if bool(item["found"]) != answer.found:
        return False, "found" if answer.found else "not found"
    if not item["found"]:
        return True, ""
    got = _fold(answer.answer)
    if not any(_fold(e) in got for e in item.get("expect", [])):
        return False, "answer"
    if item.get("kind") == "when" and "iso" in item and item["iso"] != answer.date:
        return False, "date"
    return True, ""


@dataclass
class Score:
    total: dict[str, int] = field(default_factory=lambda: {k: 0 for k in (*KINDS, "none")})
    right: dict[str, int] = field(default_factory=lambda: {k: 0 for k in (*KINDS, "none")})
    misses: list[dict] = field(default_factory=list)

    def add(self, item: dict, answer: Answer, ok: bool, why: str) -> None:
        kinds = [item.get("kind", "who")] + ([] if item["found"] else ["none"])
        for kind in kinds:
            self.total[kind] = self.total.get(kind, 0) + 1
            self.right[kind] = self.right.get(kind, 0) + int(ok)
        if not ok:
            self.misses.append({"q": item["q"], "expected": item.get("expect") if item["found"] else "(no answer)",
                                "iso": item.get("iso"), "got": answer.answer if answer.found else "(no answer)",
                                "date": answer.date, "why": why, "passage": answer.passage})

    def accuracy(self, kind: str) -> float | None:
        return self.right[kind] / self.total[kind] if self.total.get(kind) else None


def load_questions(paths: list[str]) -> list[dict]:
    items = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{n}: not JSON ({exc.msg})") from None
    return items


async def score_questions(settings: Settings, items: list[dict]) -> Score:
    """Import the corpus into a fresh temporary database and ask every question."""
    from bot.library import Library

    score = Score()
    with tempfile.TemporaryDirectory(prefix="newsbot-eval-") as tmp:
        local = Settings(**{**settings.__dict__, "db": str(Path(tmp) / "eval.db")})
        library = await Library.open(local)
        try:
            await library.import_paths([local.corpus_dir])
            for item in items:
                answer = await library.ask(item["q"])
                ok, why = is_correct(item, answer)
                score.add(item, answer, ok, why)
        finally:
            await library.close()
    return score


def _figures(score: Score) -> dict[str, float | None]:
    return {k: score.accuracy(k) for k in (*KINDS, "none")}


async def run_eval(settings: Settings, args: argparse.Namespace) -> int:
    items = load_questions(args.questions)
    score = await score_questions(settings, items)
    figures = _figures(score)
    if args.json:
        print(json.dumps({"figures": figures, "counts": score.total, "misses": score.misses}, indent=1))
    else:
        for miss in score.misses:
            print(f"MISS ({miss['why']}) {miss['q']}\n  expected: {miss['expected']}"
                  f"{' iso ' + str(miss['iso']) if miss['iso'] is not None else ''}\n"
                  f"  got: {miss['got']}{' date ' + str(miss['date']) if miss['date'] else ''}")
        for kind in (*KINDS, "none"):
            acc = figures[kind]
            if acc is not None:
                print(f"{kind:5} {score.right[kind]:4d}/{score.total[kind]:<4d} {acc:7.1%}")
    failures = []
    floors = {"who": args.min_who, "when": args.min_when, "none": args.min_none}
    ratchet: dict[str, float] = {}
    if args.ratchet and args.ratchet.is_file():
        ratchet = json.loads(args.ratchet.read_text()).get(_ratchet_key(args.questions), {})
    for kind, acc in figures.items():
        if acc is None:
            continue
        floor = max(floors.get(kind, 0.0), ratchet.get(kind, 0.0))
        if acc + 1e-9 < floor:
            failures.append(f"{kind} accuracy {acc:.1%} is below {floor:.1%}")
    if args.update_ratchet and args.ratchet and not failures:
        _raise_ratchet(args.ratchet, _ratchet_key(args.questions), figures)
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


def _ratchet_key(paths: list[str]) -> str:
    return "+".join(sorted(Path(p).name for p in paths))


def _raise_ratchet(path: Path, key: str, figures: dict[str, float | None]) -> None:
    data = json.loads(path.read_text()) if path.is_file() else {}
    best = data.get(key, {})
    for kind, acc in figures.items():
        if acc is not None and acc > best.get(kind, 0.0):
            best[kind] = math.floor(acc * 10_000) / 10_000  # never above what was reached
    data[key] = best
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
