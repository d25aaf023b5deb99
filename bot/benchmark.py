"""`python -m bot bench`: runs benchmarks/search.py from the checkout."""

from __future__ import annotations

import runpy
import sys

from bot.settings import PROJECT_ROOT


def run_benchmark(argv: list[str]) -> int:
    script = PROJECT_ROOT / "benchmarks" / "search.py"
    if not script.is_file():
        print("error: benchmarks/search.py is not here (run from a checkout of the repository)", file=sys.stderr)
        return 2
    module = runpy.run_path(str(script))
    return int(module["main"](argv) or 0)
