"""Game response time: one decision -> model, redrawn view (buttons, readout, table).

Imported by ``bench_explorers.py`` (which prints this table after the explorers'), or run alone::

    .venv/bin/python benchmarks/_games_bench.py [--decisions 200] [--warmup 5]

Each game of ``course_utils.games`` is shown (its widget built, outside a notebook) and played
by clicking its buttons, as a student would: a decision is one ``Button.click()``, which runs
the game's step (the model's numbers and the seeded draw), rewrites the readout and the history
table and sets every button's state. When a game ends it is reset, predicted again and played
again (none of which is timed).

Targets: median <= 8 ms, p95 <= 16 ms a decision, in the kernel.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np

GAMES = ("ChickenGame", "DeadlineGame", "DisarmamentGame", "CrisisSandbox")
TARGET_MEDIAN, TARGET_P95 = 0.008, 0.016


def _decide(view: Any, move: int) -> None:
    """Click a decision open now (alternating between the open ones)."""
    open_now = view.game.available()
    if view.slider is not None:
        view.slider.value = round(0.3 + 0.05 * (move % 9), 2)
    view.action_buttons[open_now[move % len(open_now)]].click()


def bench_game(name: str, decisions: int, warmup: int) -> dict[str, Any]:
    import course_utils.games as registry

    t0 = time.perf_counter()
    view = getattr(registry, name)(seed=2018).show()
    build = time.perf_counter() - t0
    times, cpu = [], []
    for move in range(warmup + decisions):
        if view.game.over:
            view.game.reset()
        if view.game.prediction is None:  # untimed: a game is played after a prediction
            view.predict_buttons[0].click()
        t0, c0 = time.perf_counter(), time.process_time()
        _decide(view, move)
        elapsed, cpu_time = time.perf_counter() - t0, time.process_time() - c0
        if move >= warmup:
            times.append(elapsed)
            cpu.append(cpu_time)
    view.close()
    return {"name": name, "build": build, "median": statistics.median(times),
            "p95": float(np.percentile(times, 95)), "max": max(times), "n": len(times),
            "cpu": statistics.median(cpu)}


def print_games(decisions: int = 200, warmup: int = 5) -> None:
    """Print the games' table (Markdown), one row per game."""
    print(f"\nGame response (one decision -> model, buttons, readout, table); {decisions} timed "
          f"decisions each after {warmup} warm-up decisions; targets: median <= "
          f"{1000 * TARGET_MEDIAN:.0f} ms, p95 <= {1000 * TARGET_P95:.0f} ms\n")
    print("| game | build | median | p95 | max | CPU median | meets target |")
    print("|---|---|---|---|---|---|---|")
    for name in GAMES:
        r = bench_game(name, decisions, warmup)
        ok = r["median"] <= TARGET_MEDIAN and r["p95"] <= TARGET_P95
        print(f"| {name} | {1000 * r['build']:.0f} ms | {1000 * r['median']:.2f} ms | "
              f"{1000 * r['p95']:.2f} ms | {1000 * r['max']:.2f} ms | {1000 * r['cpu']:.2f} ms | "
              f"{'yes' if ok else 'NO'} |", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=200, help="timed decisions per game")
    parser.add_argument("--warmup", type=int, default=5, help="uncounted decisions first")
    args = parser.parse_args()
    print_games(args.decisions, args.warmup)
