"""The end-to-end benchmark runs through `python -m bot bench ask` and checks its own answers."""

from __future__ import annotations

import re

from bot.cli import main


def test_bench_ask_prints_figures_for_each_question_kind_with_right_answers(tmp_path, capsys) -> None:  # noqa: ANN001
    argv = ["bench", "ask", "--articles", "16", "--sentences", "8", "--questions", "6",
            "--okapi-questions", "6", "--work", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "128 passages" in out
    assert re.search(r"import \(python -m bot import\)\s+[\d.]+ s\s+[\d,]+ passages/s", out)
    assert re.search(r"bot start-up .*\s[\d.]+ s", out)
    assert 0 < float(re.search(r"thread hop \(to_thread of nothing\)\s+([\d.]+) ms", out)[1]) < 1000
    rows = {m[0]: m for m in re.findall(
        r"^(![\w, ]+?)\s+\|\s+([\d.]+) /\s+([\d.]+) /\s+([\d.]+) \|\s+([\d.]+) /\s+([\d.]+) \|\s+(\S+x) / (\S+x) \| (\S+)$",
        out, re.M)}
    assert set(rows) == {"!search", "!who", "!when", "!who, unquoted"}
    assert rows["!who"][-1] == "100%" and rows["!when"][-1] == "100%"  # the generator's speaker and date
    assert rows["!who, unquoted"][-1] == "100%"  # words nobody is quoted saying: nobody is named
    for row in rows.values():
        p50, p95 = float(row[1]), float(row[2])
        assert 0 < p50 <= p95
    assert (tmp_path / "bench.db").is_file() and len(list((tmp_path / "corpus").iterdir())) == 16

    # Again on the same library, in two rounds: each kind also gets the range of its rounds' speed-ups.
    assert main(argv + ["--reuse", "--rounds", "2"]) == 0
    out = capsys.readouterr().out
    assert "reused from an earlier run" in out and "2 rounds:" in out
    spreads = dict(re.findall(r"^(![\w, ]+?)\s+\|.*\|\s+([\d,.]+-[\d,.]+x) \| (?:\S+)$", out, re.M))
    assert set(spreads) == {"!search", "!who", "!when", "!who, unquoted"}
    for spread in spreads.values():
        low, high = (float(x.replace(",", "")) for x in spread[:-1].split("-"))
        assert 0 < low <= high
