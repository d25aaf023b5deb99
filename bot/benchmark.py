"""`python -m bot bench [ask]`: runs benchmarks/search.py (the index) or benchmarks/ask.py (questions
through the bot) from the checkout."""

from __future__ import annotations

import runpy
import sys

from bot.settings import PROJECT_ROOT


def run_benchmark(argv: list[str]) -> int:
    name = "search"
    if argv and argv[0] == "ask":
        name, argv = "ask", argv[1:]
    script = PROJECT_ROOT / "benchmarks" / f"{name}.py"
    if not script.is_file():
        print(f"error: benchmarks/{name}.py is not here (run from a checkout of the repository)", file=sys.stderr)
        return 2
    # The script imports its sibling benchmark modules by name, as when it is run directly.
    sys.path.insert(0, str(script.parent))
    try:
        module = runpy.run_path(str(script))
        return int(module["main"](argv) or 0)
    finally:
        sys.path.remove(str(script.parent))
