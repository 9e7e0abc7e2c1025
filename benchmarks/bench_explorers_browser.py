"""What a student feels: a key press on an explorer's slider to the new picture painted, in
JupyterLab in headless Chromium.

A JupyterLab (started as the browser tests start theirs, ``tests/browser/conftest.py``) opens a
notebook that shows every registered explorer; after Run All, for each explorer the first slider
handle gets real key presses (Playwright), alternately ArrowRight and ArrowLeft. Each sample is
the time from the ``keydown`` event in the page to the second animation frame after the plot's
new image has been decoded (the frame that shows it): the browser sending the change, the kernel
(model, redraw, PNG, readout), the messages back, decoding and painting.

Usage::

    .venv/bin/python benchmarks/bench_explorers_browser.py [--presses 15] [--warmup 3] [names...]

Needs Debian's Chromium (``/usr/bin/chromium`` or ``COURSE_CHROMIUM``) and playwright, as the
browser tests do.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "benchmarks"))

#: installs a promise (window.__coursePaint) resolved with the milliseconds from the next
#: keydown in the box to the second frame after the plot's new picture is decoded
_ARM_JS = r"""(box) => {
  const img = box.querySelector(':scope > .widget-image');
  const before = img.getAttribute('src');
  window.__coursePaint = new Promise((resolve) => {
    let t0 = null;
    const onKey = () => { if (t0 === null) t0 = performance.now(); };
    box.addEventListener('keydown', onKey, {capture: true});
    const observer = new MutationObserver(() => {
      if (t0 === null || img.getAttribute('src') === before) return;
      observer.disconnect();
      box.removeEventListener('keydown', onKey, {capture: true});
      img.decode().catch(() => null).then(() => requestAnimationFrame(() =>
        requestAnimationFrame(() => resolve(performance.now() - t0))));
    });
    observer.observe(img, {attributes: true, attributeFilter: ['src']});
  });
  return true;
}"""


def _notebook(names: list[str], folder: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(nbformat.v4.new_code_cell("import course_utils.explorers as registry"))
    for name in names:
        nb.cells.append(nbformat.v4.new_markdown_cell(f"## {name}"))
        nb.cells.append(nbformat.v4.new_code_cell(f"registry.{name}()"))
    path = folder / "explorers.ipynb"
    nbformat.write(nb, path)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=15, help="timed key presses per explorer")
    parser.add_argument("--warmup", type=int, default=3, help="uncounted presses first")
    parser.add_argument("names", nargs="*", help="explorers (default: every one with a slider)")
    args = parser.parse_args(argv)

    import course_utils.explorers as registry
    from bench_explorers import _machine
    from conftest import CHROMIUM, CHROMIUM_ARGS, start_lab
    from labpage import explorers, open_notebook, run_all_cells
    from playwright.sync_api import sync_playwright

    names = args.names or list(registry._EXPLORERS)
    work = Path(tempfile.mkdtemp(prefix="course-bench-browser-"))
    root = work / "root"
    root.mkdir()
    _notebook(names, root)
    lab = start_lab("bench", root, work)
    print(f"Key press to painted picture in JupyterLab, headless Chromium; {_machine()}")
    print(f"{args.presses} timed presses each after {args.warmup} warm-up presses\n")
    print("| explorer | median | p95 | max |")
    print("|---|---|---|---|")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 2000}).new_page()
            page.set_default_timeout(120_000)
            panel, _ = open_notebook(page, lab.lab_url("explorers.ipynb"))
            run_all_cells(page)
            boxes = explorers(panel)
            for i, name in enumerate(names):
                box = boxes.nth(i)
                handle = box.locator(".noUi-handle").first
                if not handle.count():
                    print(f"| {name} | (no slider) | | |")
                    continue
                handle.scroll_into_view_if_needed()
                handle.focus()
                times = []
                for press in range(args.warmup + args.presses):
                    box.evaluate(_ARM_JS)
                    handle.press("ArrowRight" if press % 2 == 0 else "ArrowLeft")
                    elapsed = page.evaluate("window.__coursePaint")
                    if press >= args.warmup:
                        times.append(float(elapsed))
                times.sort()
                p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                print(f"| {name} | {statistics.median(times):.0f} ms | {p95:.0f} ms "
                      f"| {times[-1]:.0f} ms |", flush=True)
            browser.close()
    finally:
        lab.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
