"""Lesson execution time: each notebook run top to bottom, headless, in a fresh kernel.

Each lesson of ``notebooks/`` is executed with nbclient exactly as ``tests/test_lessons.py``
does (a new ``python3`` kernel started in ``notebooks/``, widget state stored), and the wall time
from kernel start to kernel shutdown is recorded. With ``--repeat N`` every lesson runs N times
and the median is reported.

Usage::

    .venv/bin/python benchmarks/bench_lessons.py [--repeat 3] [PATTERN ...]

Target: each lesson <= 10 s including kernel start.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_explorers import _machine  # noqa: E402  (the same machine line in both tables)


def _isolate() -> None:
    """Keep Jupyter, IPython and matplotlib config out of the real home, as the tests do."""
    home = Path(tempfile.mkdtemp(prefix="bench-lessons-home-"))
    for sub in ("jupyter-config", "jupyter-runtime", "ipython", "matplotlib"):
        (home / sub).mkdir()
    os.environ.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "jupyter-config"),
                      JUPYTER_RUNTIME_DIR=str(home / "jupyter-runtime"),
                      IPYTHONDIR=str(home / "ipython"), MPLCONFIGDIR=str(home / "matplotlib"),
                      MPLBACKEND="Agg", JUPYTER_PLATFORM_DIRS="1",
                      PYDEVD_DISABLE_FILE_VALIDATION="1")


def run_once(path: Path) -> tuple[float, int]:
    """Execute one lesson in a fresh kernel; return the wall time and its number of code cells."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}},
                   store_widget_state=True).execute()
    elapsed = time.perf_counter() - t0
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    if errors:
        raise RuntimeError(f"{path.name}: {errors[0].ename}: {errors[0].evalue}")
    return elapsed, sum(c.cell_type == "code" for c in nb.cells)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per lesson (median reported)")
    parser.add_argument("patterns", nargs="*", help="only lessons whose file name contains one")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    _isolate()
    lessons = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.patterns:
        lessons = [p for p in lessons if any(s in p.name for s in args.patterns)]
    if not lessons:
        parser.error("no lesson matches")
    print(f"Lesson execution (fresh kernel each, nbclient); {_machine()}")
    print(f"{args.repeat} run(s) per lesson; target: <= 10 s each including kernel start\n")
    print("| lesson | code cells | median | min | max | meets target |")
    print("|---|---|---|---|---|---|")
    total = 0.0
    for path in lessons:
        runs = [run_once(path) for _ in range(args.repeat)]
        times = [t for t, _ in runs]
        median = statistics.median(times)
        total += median
        print(f"| {path.name} | {runs[0][1]} | {median:.1f} s | {min(times):.1f} s | {max(times):.1f} s "
              f"| {'yes' if median <= 10 else 'NO'} |", flush=True)
    print(f"\nAll {len(lessons)} lessons, one after another: {total:.1f} s (sum of medians)")


if __name__ == "__main__":
    main()
