"""How long ``import course_utils`` and ``import course_utils.models`` take in a fresh interpreter.

Each statement runs ``--runs`` times in a new Python process (after one uncounted warm-up that
writes the bytecode caches), in turns with an empty interpreter (``python -c pass``), and the
wall time of each process is measured. A few more runs with ``python -X importtime`` give the
import's own time (the cumulative time of the imported module, free of interpreter start) and
name the slowest modules (median self time). The target is ``import course_utils`` under 0.3 s;
``import course_utils.models`` includes numpy.

Usage::

    .venv/bin/python benchmarks/bench_import.py [--runs 20] [--top 8]

It prints Markdown tables (machine, timings, slowest modules) ready for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.3
BASELINE = "python -c pass"
MODELS = "import course_utils.models"
#: Row label -> the code each fresh interpreter runs.
STATEMENTS = {
    BASELINE: "pass",
    "import course_utils": "import course_utils",
    MODELS: "import course_utils.models",
}


def run_once(code: str, *flags: str) -> tuple[float, str]:
    """Run ``code`` in a fresh interpreter; return its wall time in seconds and its stderr."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, *flags, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"error: `python -c {code!r}` failed:\n{proc.stderr.strip()}")
    return elapsed, proc.stderr


def wall_times(runs: int) -> dict[str, list[float]]:
    """Wall times of ``runs`` fresh interpreters per statement, taken in turns so that other
    load on the machine falls on every statement alike (one uncounted warm-up each first)."""
    for code in STATEMENTS.values():
        run_once(code)
    times: dict[str, list[float]] = {label: [] for label in STATEMENTS}
    for _ in range(runs):
        for label, code in STATEMENTS.items():
            times[label].append(run_once(code)[0])
    return times


def import_profile(module: str, runs: int) -> dict[str, tuple[float, float]]:
    """``python -X importtime -c 'import module'``, ``runs`` times: for every module imported,
    the median self and cumulative times in seconds."""
    samples: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for _ in range(runs):
        for line in run_once(f"import {module}", "-X", "importtime")[1].splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cum_us, name = line.removeprefix("import time:").split("|")
            samples[name.strip()].append((int(self_us) / 1e6, int(cum_us) / 1e6))
    return {
        name: (statistics.median(s for s, _ in v), statistics.median(c for _, c in v))
        for name, v in samples.items()
    }


def own_time(profiles: dict[str, dict[str, tuple[float, float]]], label: str) -> float:
    """The cumulative import time of the module a statement imports (seconds)."""
    return profiles[label][STATEMENTS[label].removeprefix("import ")][1]


def machine() -> dict[str, str]:
    """Where and when the figures were taken."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import numpy  # only for its version; measured imports happen in fresh processes

    return {
        "date (UTC)": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "CPU": cpu,
        "cores (nproc)": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "load average (1 min)": f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "n/a",
        "Python": platform.python_version(),
        "numpy": numpy.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="fresh interpreters per statement (default 20)")
    parser.add_argument("--top", type=int, default=8, help="slowest modules to list (default 8)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.top < 1:
        parser.error("--runs and --top must be at least 1")

    print("| machine | |\n|---|---|")
    for key, value in machine().items():
        print(f"| {key} | {value} |")

    times = wall_times(args.runs)
    base = statistics.median(times[BASELINE])
    profile_runs = max(3, args.runs // 4)
    profiles = {label: import_profile(code.removeprefix("import "), profile_runs)
                for label, code in STATEMENTS.items() if label != BASELINE}

    print(f"\n| statement | wall median ({args.runs} runs) | min | max | median minus start "
          f"| -X importtime cumulative (median of {profile_runs}) |")
    print("|---|---|---|---|---|---|")
    for label, ts in times.items():
        med = statistics.median(ts)
        net = "" if label == BASELINE else f"{med - base:.3f} s"
        cum = f"{own_time(profiles, label):.3f} s" if label in profiles else ""
        print(f"| `{label}` | {med:.3f} s | {min(ts):.3f} s | {max(ts):.3f} s | {net} | {cum} |")

    own = own_time(profiles, "import course_utils")
    verdict = "meets" if own < TARGET_S else "MISSES"
    print(f"\n`import course_utils` takes {own:.3f} s (-X importtime cumulative) and "
          f"{statistics.median(times['import course_utils']):.3f} s of wall time including "
          f"interpreter start: it {verdict} the {TARGET_S} s target.")

    slowest = sorted(profiles[MODELS].items(), key=lambda kv: -kv[1][0])
    print(f"\n| slowest modules of `{MODELS}` (-X importtime, median of {profile_runs}) "
          "| self | cumulative |")
    print("|---|---|---|")
    for name, (self_s, cum_s) in slowest[: args.top]:
        print(f"| `{name}` | {self_s * 1000:.1f} ms | {cum_s * 1000:.1f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
