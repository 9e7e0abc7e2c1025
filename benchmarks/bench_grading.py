"""Grading speed: ``course grade --workers 2`` against stock nbgrader and the execution floor.

One run grades the same synthetic class of ps1_bargaining (default 40 students: correct, partly
right, wrong and blank submissions in turn) three ways and prints the wall times:

1. ``course grade ps1_bargaining --workers 2`` (restored tests, student cells in sandboxed
   kernels, test cells in a judge process per notebook that calls into the kernel over the
   data-only channel, gradebook, grades.csv, autograded/);
2. stock ``nbgrader autograde ps1_bargaining`` (one process, students one after another);
3. the floor: the same submission notebooks executed by nbclient in 2 worker processes, a fresh
   kernel each (stopped at once when its notebook is done), no grading at all;
4. for reference, not a target: the floor again with each worker launching its next kernel before
   running the current notebook, the head start ``course grade`` gives its kernels;

and then times ``course selfgrade`` of one correct submission (``--selfgrade-runs``, median).

Targets (issue 19, on a 2-core machine): ``course grade`` >= 4x faster than stock and <= 0.5x the
floor; ``course selfgrade`` of one notebook under 2 s. ``COURSE_GRADING_FORK=0`` in the
environment starts every kernel and judge from scratch instead of forking them from the
pre-warmed zygote, to see what that is worth.

Usage::

    .venv/bin/python benchmarks/bench_grading.py            # 40 students
    .venv/bin/python benchmarks/bench_grading.py --students 10 --skip-stock

Everything is written under a temporary folder, removed at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "ps1_bargaining"
KINDS = ("correct", "partial", "wrong", "blank")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _make_course(folder: Path) -> Path:
    """A copy of the course's ps1 with a generated release and a gradebook that knows it."""
    from course_utils.grading.build import generate_release, normalise_release
    from course_utils.grading.course import load_course

    (folder / "source").mkdir(parents=True)
    shutil.copytree(ROOT / "source" / ASSIGNMENT, folder / "source" / ASSIGNMENT)
    shutil.copy(ROOT / "nbgrader_config.py", folder / "nbgrader_config.py")
    course = load_course(folder)
    generate_release(course, ASSIGNMENT)
    normalise_release(course.release_dir / ASSIGNMENT)
    return folder


def _write_class(course_dir: Path, target: Path, students: int) -> list[Path]:
    """``target/<student>/ps1_bargaining/ps1_bargaining.ipynb`` for each synthetic student."""
    from course_utils.grading.synthetic import make_submission

    src = course_dir / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    rel = course_dir / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    source_nb = nbformat.read(str(src), as_version=4)
    release_nb = nbformat.read(str(rel), as_version=4)
    paths = []
    for i in range(students):
        path = target / f"s{i:03d}" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make_submission(release_nb, source_nb, KINDS[i % len(KINDS)]), encoding="utf-8")
        paths.append(path)
    return paths


def _run(cmd: list[str], cwd: Path) -> float:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise SystemExit(f"command failed ({' '.join(cmd[:4])} ...):\n{tail}")
    return elapsed


#: In each floor worker: the kernel started for the next notebook (the "ahead" variant).
_AHEAD: list = []


def _start_kernel(cwd: str):
    """A kernel launched (not yet ready) in ``cwd``, with ipc transport (Unix sockets at an
    absolute path), as the grading sandbox uses: no TCP port races between workers."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3", transport="ipc",
                       ip=str(Path(tempfile.mkdtemp(prefix="floor-")) / "kernel"))
    km.start_kernel(cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return km


def _execute_one(path: str, cwd: str, ahead: bool = False) -> None:
    """Execute one notebook in a fresh kernel, then stop the kernel (``now``, the fastest way).

    With ``ahead``, first launch the kernel the worker's next notebook will use, as
    ``course grade`` does, so that it boots while this notebook runs.
    """
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    km = _AHEAD.pop() if _AHEAD else _start_kernel(cwd)
    if ahead:
        _AHEAD.append(_start_kernel(cwd))
    try:
        NotebookClient(nb, km=km, timeout=60, startup_timeout=120, allow_errors=True,
                       resources={"metadata": {"path": cwd}}).execute(cwd=cwd)
    finally:
        km.shutdown_kernel(now=True)
        shutil.rmtree(Path(km.ip).parent, ignore_errors=True)


def _floor(paths: list[Path], workers: int, cwd: Path, ahead: bool = False) -> float:
    import multiprocessing

    n = len(paths)
    # the last round gets no kernel started ahead: no notebook would use it
    flags = [ahead and i < n - workers for i in range(n)]
    start = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_execute_one, [str(p) for p in paths], [str(cwd)] * n, flags))
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-stock", action="store_true", help="do not time stock nbgrader")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--selfgrade-runs", type=int, default=5,
                        help="times `course selfgrade` of one correct ps1 notebook (median reported; 0: skip)")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        ours = _make_course(tmp / "course")
        stock = _make_course(tmp / "stock")
        subs = _write_class(ours, tmp / "class", args.students)
        _write_class(stock, stock / "submitted", args.students)
        load_before = os.getloadavg()

        t_course = _run([sys.executable, "-m", "course_utils", "--course-dir", str(ours), "grade", ASSIGNMENT,
                         "--submissions", str(tmp / "class"), "--workers", str(args.workers), "--no-progress"], ours)
        t_floor = _floor(subs, args.workers, ours / "source" / ASSIGNMENT)
        t_ahead = _floor(subs, args.workers, ours / "source" / ASSIGNMENT, ahead=True)
        t_stock = None
        if not args.skip_stock:
            t_stock = _run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force"], stock)
        load_after = os.getloadavg()

        print(f"Grading benchmark, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
        print(f"machine: {os.cpu_count()} cores, {_cpu_model()}, {platform.system()} {platform.release()}, "
              f"Python {platform.python_version()}; load average {load_before[0]:.1f} before, "
              f"{load_after[0]:.1f} after")
        print(f"class: {args.students} synthetic {ASSIGNMENT} submissions ({', '.join(KINDS)} in turn)")
        print(f"course grade --workers {args.workers}:       {t_course:7.1f} s  "
              f"({t_course / args.students:.2f} s per student)")
        if t_stock is not None:
            print(f"stock nbgrader autograde (1 process): {t_stock:7.1f} s  ({t_stock / args.students:.2f} s per student)")
        print(f"floor: nbclient, {args.workers} workers, no grading: {t_floor:5.1f} s  "
              f"({t_floor / args.students:.2f} s per student)")
        print(f"for reference, the floor with each worker's next kernel started ahead: {t_ahead:5.1f} s  "
              f"(course grade is {t_course / t_ahead:.2f}x that)")
        if t_stock is not None:
            print(f"speed-up over stock: {t_stock / t_course:.2f}x (target >= 4x, issue 19)")
        print(f"cost over the floor: {t_course / t_floor:.2f}x (target <= 0.5x, issue 19)")
        if args.selfgrade_runs > 0:
            one = subs[0]  # s000 is a correct submission (KINDS in turn)
            cmd = [sys.executable, "-m", "course_utils", "--course-dir", str(ours), "selfgrade", str(one)]
            times = sorted(_run(cmd, ours) for _ in range(args.selfgrade_runs))
            print(f"course selfgrade of one {ASSIGNMENT} notebook, {args.selfgrade_runs} runs: median "
                  f"{statistics.median(times):.2f} s, range {times[0]:.2f}-{times[-1]:.2f} s (target < 2 s, issue 19)")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
