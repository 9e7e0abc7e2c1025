"""What a student does in JupyterLab, as Playwright steps (selectors checked in Lab 4.6 with
ipywidgets 8.1; see docs/browser-tests.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NOTEBOOK = ".jp-NotebookPanel:visible"
KERNEL_WAIT_MS = 180_000   # a kernel start plus all cells of a lesson, on a shared 2-core machine
WIDGET_WAIT_MS = 30_000    # one redraw after a key press (a shared machine may be slow)
KEY_GAP_MS = 300           # between the keys of one move: a dropdown's list must open first

#: outputs a student must never see after "Run All": tracebacks, stderr text, broken widgets
_PROBLEMS_JS = r"""(root) => {
  const found = [];
  for (const el of root.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')) {
    found.push('stderr/traceback: ' + el.innerText.trim().slice(0, 400));
  }
  for (const el of root.querySelectorAll('.jp-OutputArea-output')) {
    const text = el.innerText || '';
    if (/Error displaying widget|Error rendering output item/.test(text))
      found.push('broken widget: ' + text.trim().slice(0, 200));
  }
  for (const el of root.querySelectorAll('.jupyter-widgets-disconnected'))
    found.push('disconnected widget');
  return found;
}"""

#: true once every non-empty code cell shows an execution number and none is queued ([*])
_ALL_EXECUTED_JS = r"""(root) => {
  const cells = [...root.querySelectorAll('.jp-CodeCell')];
  if (!cells.length) return false;
  return cells.every(cell => {
    const prompt = (cell.querySelector('.jp-InputPrompt') || {}).textContent || '';
    const source = ((cell.querySelector('.cm-content') || {}).textContent || '').trim();
    if (prompt.includes('*')) return false;
    return /\[\d+\]/.test(prompt) || source === '';
  });
}"""


def shot(target: Any, folder: Path, name: str) -> Path:
    """Screenshot a page or an element into ``folder/name.png``; return the path."""
    path = folder / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    target.screenshot(path=str(path))
    return path


def open_notebook(page: Any, url: str) -> tuple[Any, list[str]]:
    """Open a notebook URL in Lab; return its panel and any dialog the student had to answer."""
    page.goto(url)
    page.wait_for_selector(f"{NOTEBOOK} .jp-Notebook", timeout=KERNEL_WAIT_MS)
    dialogs = []
    # A notebook without kernel metadata asks which kernel to start: note it and accept.
    kernel_dialog = page.locator(".jp-Dialog:has-text('Select Kernel')")
    try:
        kernel_dialog.wait_for(timeout=3_000)
    except Exception:  # noqa: BLE001 - no dialog is the good case
        pass
    else:
        dialogs.append(kernel_dialog.inner_text())
        kernel_dialog.locator("button:has-text('Select')").click()
    panel = page.locator(NOTEBOOK)
    panel.locator(".jp-Notebook-ExecutionIndicator").first.wait_for(
        state="attached", timeout=KERNEL_WAIT_MS)
    return panel, dialogs


def run_all_cells(page: Any) -> None:
    """Run > Run All Cells, then wait until every cell has run."""
    page.locator(".lm-MenuBar-itemLabel:text-is('Run')").click()
    page.locator(".lm-Menu-itemLabel:text-is('Run All Cells')").click()
    handle = page.locator(f"{NOTEBOOK} .jp-Notebook").element_handle()
    page.wait_for_function(_ALL_EXECUTED_JS, arg=handle, timeout=KERNEL_WAIT_MS, polling=250)
    page.locator(f"{NOTEBOOK} .jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(
        state="attached", timeout=KERNEL_WAIT_MS)


def output_problems(panel: Any) -> list[str]:
    """Tracebacks, stderr and broken widgets shown in the notebook's outputs."""
    return panel.evaluate(_PROBLEMS_JS)


def explorers(panel: Any) -> Any:
    """Every explorer box: a widget VBox holding a plot image (see explorers/base.py)."""
    return panel.locator(".jp-OutputArea-output .widget-vbox:has(> .widget-image)")


def image_state(box: Any) -> dict[str, Any]:
    """The plot's ``src`` and decoded size inside one explorer box."""
    return box.locator("> .widget-image").evaluate(
        "img => ({src: img.getAttribute('src') || '', width: img.naturalWidth,"
        " height: img.naturalHeight, shown_width: img.clientWidth})")


def readout_text(box: Any) -> str:
    """The text readout of one explorer box."""
    return box.locator(".course-readout").first.inner_text().strip()


def _waited(page: Any, predicate: str, arg: Any, timeout_ms: float) -> bool:
    """Wait until the JS ``predicate(arg)`` holds; False if it did not within the timeout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(predicate, arg=arg, timeout=timeout_ms, polling=100)
    except PlaywrightTimeout:
        return False
    return True


@dataclass
class Move:
    """What one keyboard action did to an explorer."""

    control: str
    keys: list[str]
    src_before: str
    src_after: str
    readout_before: str
    readout_after: str


def _label(control: Any, fallback: str) -> str:
    """The description shown next to a control."""
    return control.evaluate(
        "(el, fallback) => { const w = el.closest('.widget-inline-hbox, .widget-hbox, "
        ".widget-vbox'); const l = w && w.querySelector('.widget-label');"
        " return ((l && l.textContent) || fallback).trim(); }", fallback)


def _slider(box: Any) -> tuple[Any, list[str]] | None:
    found = box.locator(".noUi-handle")
    if not found.count():
        return None
    handle = found.first
    at_max = handle.evaluate("h => parseFloat(h.getAttribute('aria-valuenow')) >= "
                             "parseFloat(h.getAttribute('aria-valuemax'))")
    return handle, ["ArrowLeft" if at_max else "ArrowRight"]


def _dropdown(box: Any) -> tuple[Any, list[str]] | None:
    # Space opens the list, an arrow moves, Enter picks. A bare ArrowDown on the closed list
    # is taken by JupyterLab's "select cell below" (ipywidgets issue #3912).
    found = box.locator(".widget-dropdown select")
    if not found.count():
        return None
    last = found.first.evaluate("s => s.selectedIndex >= s.options.length - 1")
    return found.first, [" ", "ArrowUp" if last else "ArrowDown", "Enter"]


def _multi_select(box: Any) -> tuple[Any, list[str]] | None:
    # what a list box offers a keyboard user: Shift with the arrow keys changes the selection
    found = box.locator(".widget-select-multiple select")
    return (found.first, ["Shift+ArrowDown"]) if found.count() else None


def _first(css: str, keys: list[str]):
    def pick(box: Any) -> tuple[Any, list[str]] | None:
        found = box.locator(css)
        return (found.first, keys) if found.count() else None
    return pick


#: every kind of control an explorer may have, how to find it and the keys that move it
CONTROL_KINDS = {
    "slider": _slider,
    "dropdown": _dropdown,
    "multi-select": _multi_select,
    "toggle buttons": _first(".widget-toggle-buttons button:not(.mod-active)", [" "]),
    "checkbox": _first(".widget-checkbox input", [" "]),
    "radio buttons": _first(".widget-radio-box input:not(:checked)", [" "]),
}


def control_kinds(box: Any) -> list[str]:
    """The kinds of control present in one explorer box (the first of each kind is used)."""
    return [kind for kind, pick in CONTROL_KINDS.items() if pick(box) is not None]


def move_one_control(page: Any, box: Any, kind: str, max_presses: int = 3) -> Move:
    """Focus the box's first control of ``kind``, press its keys, and wait for the plot
    and the readout to change.

    The keys are pressed again (up to ``max_presses``) while the readout has not changed yet,
    because one small step may leave a rounded readout the same.
    """
    picked = CONTROL_KINDS[kind](box)
    assert picked is not None, f"the explorer has no {kind}"
    control, keys = picked
    name = f"{kind} {_label(control, '')!r}"
    src_before, text_before = image_state(box)["src"], readout_text(box)
    box_handle = box.element_handle()
    pressed: list[str] = []
    for _ in range(max_presses):
        control.focus()
        for n, key in enumerate(keys):
            if n:
                page.wait_for_timeout(KEY_GAP_MS)
            page.keyboard.press(key)
            pressed.append(key)
        if not _waited(page, "([box, src]) => (box.querySelector(':scope > .widget-image')"
                       ".getAttribute('src') || '') !== src", [box_handle, src_before],
                       WIDGET_WAIT_MS):
            break  # the plot did not redraw: the caller's assertion says so
        # the HTML widget rewrites its content: look the readout up on every poll
        if _waited(page, "([box, text]) => { const r = box.querySelector('.course-readout');"
                         " return r !== null && r.innerText.trim() !== text; }",
                   [box_handle, text_before], 5_000):
            break  # otherwise the readout is unchanged after this step: press again
    return Move(name, pressed, src_before, image_state(box)["src"], text_before,
                readout_text(box))


def press_button(page: Any, box: Any) -> Move:
    """Focus the explorer's first button (e.g. "Make this offer"), press Enter, and wait for
    the readout to change."""
    button = box.locator("button.widget-button").first
    label = button.inner_text().strip()
    src_before, text_before = image_state(box)["src"], readout_text(box)
    button.focus()
    page.keyboard.press("Enter")
    _waited(page, "([box, text]) => { const r = box.querySelector('.course-readout');"
                  " return r !== null && r.innerText.trim() !== text; }",
            [box.element_handle(), text_before], WIDGET_WAIT_MS)
    return Move(f"button {label!r}", ["Enter"], src_before, image_state(box)["src"],
                text_before, readout_text(box))
