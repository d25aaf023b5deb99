"""Accuracy on the evaluation sets never falls below the best reached so far (tests/eval/ratchet.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.evaluate import _figures, _ratchet_key, load_questions, score_questions
from bot.settings import PROJECT_ROOT, Settings

EVAL = PROJECT_ROOT / "tests" / "eval"
SETS = {
    "seed": [EVAL / "seed-questions.jsonl"],
    "dev": sorted(EVAL.glob("dev-*.jsonl")),
    **{p.stem: [p] for p in sorted(EVAL.glob("holdout*.jsonl"))},
}
RATCHET = json.loads((EVAL / "ratchet.json").read_text())


@pytest.mark.parametrize("name", sorted(SETS))
async def test_accuracy_holds_the_ratchet(name: str, tmp_path: Path) -> None:
    paths = [str(p) for p in SETS[name]]
    assert paths, f"no question files for {name}"
    settings = Settings(db=str(tmp_path / "unused.db"), corpus_dir=PROJECT_ROOT / "corpus")
    score = await score_questions(settings, load_questions(paths))
    figures = _figures(score)
    floor = RATCHET[_ratchet_key(paths)]
    misses = "\n".join(f"{m['q']} -> {m['got']} ({m['why']})" for m in score.misses)
    for kind, best in floor.items():
        assert figures[kind] is not None and figures[kind] + 1e-9 >= best, (
            f"{name} {kind}: {figures[kind]:.3f} < ratchet {best:.3f}\n{misses}"
        )
