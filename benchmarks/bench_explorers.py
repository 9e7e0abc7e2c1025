"""Explorer response time: one control change -> model, redrawn plot (PNG) and readout.

Every explorer registered in ``course_utils.explorers`` is built with its defaults and driven
through its controls in turn (each slider stepped between values across its range, each dropdown
or toggle cycled through its options), timing ``explorer.set(name=value)``, which recomputes the
model, redraws the figure, renders the PNG the widget shows and rewrites the readout. A few
uncounted changes warm each explorer up first.

Usage::

    .venv/bin/python benchmarks/bench_explorers.py [--changes 40] [--warmup 3] [--runs 3]
                                                   [--kernel] [ExplorerName ...]

``--runs N`` measures each explorer N times and reports its median run (the run whose median is
the median of the N). ``--kernel`` runs the measurement inside an IPython kernel (through
nbclient), as a notebook does: every widget change is then serialised and sent as a comm message.

Targets (issue 19): median <= 8 ms, p95 <= 16 ms per explorer on the course's 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import numpy as np

_HERE = Path(__file__).resolve().parent


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            names = [line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (f"{platform.node()} · {os.cpu_count()} cores · {cpu} · Python {platform.python_version()}"
            f" · load average {load} · {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC")


def _values(control: Any) -> list[Any]:
    """Values to step one control through (always different from one step to the next)."""
    import ipywidgets as w

    if getattr(control, "multiple", isinstance(control, w.SelectMultiple)):  # a tuple of options
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return [tuple(options), tuple(options[: max(1, len(options) // 2)]), tuple(options[-1:])]
    options = getattr(control, "options", None)
    if options is not None:
        return [o[1] if isinstance(o, tuple) else o for o in options]
    lo, hi = control.min, control.max
    if isinstance(control, (w.IntSlider,)):
        return sorted({int(v) for v in np.linspace(lo, hi, 6)})
    if isinstance(control, w.Checkbox) or isinstance(control.value, bool):
        return [True, False]
    return [float(v) for v in np.round(np.linspace(lo, hi, 6), 6)]


def _changes(explorer: Any) -> Iterator[tuple[str, Any]]:
    """An endless round-robin over the controls, each stepping through its values."""
    plans = {name: _values(c) for name, c in explorer.controls.items()}
    plans = {name: vals for name, vals in plans.items() if len(vals) > 1}
    step = 0
    while True:
        for name, vals in plans.items():
            value = vals[step % len(vals)]
            if value != explorer.controls[name].value:
                yield name, value
        step += 1


def _percentile(xs: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs), q))


def bench(name: str, changes: int, warmup: int) -> dict[str, Any]:
    import course_utils.explorers as registry

    cls = getattr(registry, name)
    t0 = time.perf_counter()
    explorer = cls()
    build = time.perf_counter() - t0
    times, cpu, skipped = [], [], 0
    moves = _changes(explorer)
    while len(times) < changes:
        control, value = next(moves)
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            explorer.set(**{control: value})
        except ValueError:  # a combination the model refuses (e.g. no gains): not a response
            skipped += 1
            if skipped > 10 * changes:
                raise
            continue
        elapsed, cpu_time = time.perf_counter() - t0, time.process_time() - c0
        if warmup > 0:
            warmup -= 1
            continue
        times.append(elapsed)
        cpu.append(cpu_time)
    explorer.close()
    return {"name": name, "build": build, "median": statistics.median(times),
            "p95": _percentile(times, 95), "max": max(times), "n": len(times),
            "cpu": statistics.median(cpu), "cpu_p95": _percentile(cpu, 95),
            "controls": len(explorer.controls), "refused": skipped}


MEDIAN_TARGET, P95_TARGET = 0.008, 0.016  # seconds (issue 19: inside one frame)


def _in_kernel(argv: list[str]) -> None:
    """Run this script, without ``--kernel``, in a fresh IPython kernel; print what it prints."""
    import nbclient
    import nbformat

    args = [a for a in argv if a != "--kernel"]
    code = (f"import sys\nsys.argv = {[__file__, *args]!r}\nsys.path.insert(0, {str(_HERE)!r})\n"
            f"exec(compile(open({__file__!r}).read(), {__file__!r}, 'exec'), "
            "{'__name__': '__main__', '__file__': " + repr(__file__) + "})")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(nb, timeout=3600, kernel_name="python3").execute()
    for output in nb.cells[0].outputs:
        if output.get("name") == "stdout":
            print(output["text"], end="")
        elif output.get("output_type") == "error":
            raise SystemExit("\n".join(output["traceback"]))


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return sorted(runs, key=lambda r: r["median"])[len(runs) // 2]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=40, help="timed changes per explorer")
    parser.add_argument("--warmup", type=int, default=3, help="uncounted changes first")
    parser.add_argument("--runs", type=int, default=1, help="runs per explorer; the median run is shown")
    parser.add_argument("--kernel", action="store_true", help="measure inside an IPython kernel")
    parser.add_argument("names", nargs="*", help="explorers to time (default: all registered)")
    args = parser.parse_args(argv)
    if args.kernel:
        _in_kernel(sys.argv[1:] if argv is None else argv)
        return

    import course_utils.explorers as registry

    names = args.names or list(registry._EXPLORERS)
    unknown = [n for n in names if n not in registry._EXPLORERS]
    if unknown:
        parser.error(f"unknown explorers {unknown}; registered: {', '.join(registry._EXPLORERS)}")
    print(f"Explorer response (one control change -> model, PNG, readout); {_machine()}")
    where = "in an IPython kernel" if "ipykernel" in sys.modules else "in a plain interpreter"
    print(f"{args.changes} timed changes each after {args.warmup} warm-up changes, {where}, "
          f"median of {args.runs} run(s); targets: median <= {1000 * MEDIAN_TARGET:.0f} ms, "
          f"p95 <= {1000 * P95_TARGET:.0f} ms (wall time); "
          "CPU median and p95 are this process's CPU time, less sensitive to a busy machine "
          "(a wall-time p95 far above the CPU p95 is time spent waiting for a core)\n")
    print("| explorer | controls | build | median | p95 | max | CPU median | CPU p95 | meets target |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in names:
        r = _median_run([bench(name, args.changes, args.warmup) for _ in range(max(1, args.runs))])
        ok = r["median"] <= MEDIAN_TARGET and r["p95"] <= P95_TARGET
        note = f" ({r['refused']} refused)" if r["refused"] else ""
        print(f"| {name} | {r['controls']} | {1000 * r['build']:.0f} ms | {1000 * r['median']:.1f} ms "
              f"| {1000 * r['p95']:.1f} ms | {1000 * r['max']:.1f} ms | {1000 * r['cpu']:.1f} ms "
              f"| {1000 * r['cpu_p95']:.1f} ms "
              f"| {'yes' if ok else 'NO'}{note} |",
              flush=True)
    if not args.names:  # the games of issue 15, through their own small module
        from _games_bench import print_games
        print_games()


if __name__ == "__main__":
    main()
