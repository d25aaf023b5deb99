"""How well a passage covers a question: the idf-weighted share of the question's words it holds."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from bot.nlp.tokens import tokenize

# Share of the question's weight a passage must hold to count as an answer, per command.
THRESHOLDS = {"who": 0.6, "when": 0.5, "search": 0.5}


def _stem(word: str) -> str:
    # Crude on purpose: only used to let "withdrawing" meet "withdrawal" in the coverage check.
    return word[:6] if len(word) >= 6 else word


def coverage(terms: Sequence[str], text: str, idf: Callable[[str], float], n_docs: int) -> float:
    """Weighted fraction of terms present in text; unknown terms weigh as the rarest."""
    if not terms:
        return 0.0
    present = set(tokenize(text))
    stems = {_stem(t) for t in present}
    rare = math.log(n_docs + 0.5) - math.log(0.5) if n_docs else 1.0
    total = got = 0.0
    for term in terms:
        weight = idf(term) or rare
        weight = max(weight, 0.05 * rare)  # a word in most passages still counts a little
        total += weight
        if term in present or _stem(term) in stems:
            got += weight
    return got / total if total else 0.0
