"""Accessibility, proven in the browser: axe-core finds no violation, at any impact level, in
what the course itself shows (every lesson after Run All, every released problem set, a
feedback page, the class report), and the explorers carry what axe cannot judge alone: each
control is named by its visible label, each plot's alternative text follows the readout, and
the readout is one live region that stays in place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_audit import JUPYTERLAB_RULES, MARKDOWN_PREVIEW_RULES, NOTEBOOK_CONTENT, audit, count, report
from labpage import (
    NOTEBOOK,
    control_kinds,
    explorers,
    move_one_control,
    open_notebook,
    output_problems,
    run_all_cells,
    shot,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
RELEASED = sorted((ROOT / "release").glob("*/*.ipynb"))
PAGE_WAIT_MS = 120_000


def _no_violations(where: str, checked: int, violations: list[dict[str, Any]],
                   skipped: dict[str, str] | None = None) -> None:
    assert checked, f"{where}: nothing to check (no output area or page content found)"
    excluded = sorted({*JUPYTERLAB_RULES, *(skipped or {})}) or "none"
    assert not violations, (
        f"{where}: axe-core {count(violations)} violation(s) in {checked} checked element(s) "
        f"(rules excluded for JupyterLab itself: {excluded}):\n{report(violations)}")


#: every control in the outputs: its visible label and the accessible name of what takes focus
_NAMES_JS = r"""root => {
  const out = [];
  const controls = '.jp-OutputArea-output :is([role=slider], [contenteditable=true], select, input,'
                   + ' button)';
  for (const el of root.querySelectorAll(controls)) {
    const holder = el.closest('.widget-inline-hbox, .widget-hbox, .widget-box');
    let visible = '';
    if (el.matches('button')) visible = el.innerText.trim();
    else if (el.matches('input[type=checkbox], input[type=radio]'))
      visible = (el.closest('label') || {innerText: ''}).innerText.trim();
    else {
      const label = holder && holder.querySelector(':scope > .widget-label');
      visible = label ? label.innerText.trim() : '';
    }
    let name = el.getAttribute('aria-label') || '';
    if (!name && el.labels && el.labels.length) name = el.labels[0].innerText.trim();
    if (!name && el.matches('button')) name = el.innerText.trim();
    if (!name && el.matches('input[type=checkbox], input[type=radio]'))
      name = (el.closest('label') || {innerText: ''}).innerText.trim();
    out.push({kind: el.getAttribute('role') || el.tagName.toLowerCase(), visible, name});
  }
  return out;
}"""

#: the plot's alternative text, the readout, and the live region holding the readout
_PLOT_JS = r"""box => {
  const img = box.querySelector(':scope > .widget-image');
  const readout = box.querySelector('.course-readout');
  const live = readout && readout.closest('[aria-live]');
  if (live && !live.dataset.courseProbe) live.dataset.courseProbe = String(Math.random());
  return {alt: img ? (img.getAttribute('alt') || '') : null,
          readout: readout ? readout.innerText.trim() : '',
          live: live ? live.getAttribute('aria-live') : null,
          probe: live ? live.dataset.courseProbe : null};
}"""


#: the explorer's title level and the level of the notebook heading it sits under
_LEVELS_JS = r"""box => {
  const title = box.querySelector('h1, h2, h3, h4, h5, h6');
  if (!title) return null;
  let above = 0;
  for (const h of document.querySelectorAll('.jp-MarkdownOutput :is(h1, h2, h3, h4, h5, h6)')) {
    if (!(title.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_PRECEDING)) break;
    above = Number(h.tagName[1]);
  }
  return {title: Number(title.tagName[1]), above, text: title.innerText.trim()};
}"""


def check_names(panel: Any, lesson: str) -> None:
    """Every control in the outputs is named, by the words of its visible label."""
    for control in panel.evaluate(_NAMES_JS):
        assert control["name"], f"{lesson}: a {control['kind']} has no accessible name"
        if control["visible"]:
            assert control["name"] == control["visible"], (
                f"{lesson}: a {control['kind']} is named {control['name']!r} but its label "
                f"reads {control['visible']!r}")


def check_explorer_semantics(page: Any, panel: Any, lesson: str, artifacts: Path) -> None:
    """The title one level below its section's heading; alt text present and in step with
    the readout; the live region is the same element before and after a control moves."""
    boxes = explorers(panel)
    for i in range(boxes.count()):
        box = boxes.nth(i)
        where = f"{lesson} explorer {i + 1}"
        box.scroll_into_view_if_needed()
        shot(box, artifacts, f"axe-{Path(lesson).stem}-explorer{i + 1}")
        levels = box.evaluate(_LEVELS_JS)
        if levels and levels["above"]:
            assert levels["title"] == levels["above"] + 1, (
                f"{where}: its title {levels['text']!r} is an h{levels['title']} under an "
                f"h{levels['above']} of the notebook")
        before = box.evaluate(_PLOT_JS)
        assert before["alt"], f"{where}: the plot has no alternative text"
        assert before["live"] == "polite", f"{where}: the readout is not in a polite live region"
        kinds = control_kinds(box)
        if not kinds:
            continue
        move = move_one_control(page, box, kinds[0])
        page.wait_for_function(
            "([box, alt]) => (box.querySelector(':scope > .widget-image').getAttribute('alt')"
            " || '') !== alt", arg=[box.element_handle(), before["alt"]], timeout=30_000)
        after = box.evaluate(_PLOT_JS)
        assert move.readout_after in after["alt"], (
            f"{where}: after {move.keys} on its {move.control} the plot's alternative text "
            f"{after['alt']!r} does not state the readout {move.readout_after!r}")
        assert after["probe"] == before["probe"], (
            f"{where}: the live region was replaced when the readout changed (a screen reader "
            "announces changes inside a live region that stays, not a new one)")


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_outputs_have_no_axe_violations(lesson: Path, course_lab, page, artifacts,
                                               axe_source, record_property):
    panel, _dialogs = open_notebook(page, course_lab.lab_url(f"notebooks/{lesson.name}"))
    try:
        run_all_cells(page)
        assert not output_problems(panel), f"{lesson.name}: errors after Run All"
        checked, violations = audit(page, axe_source, NOTEBOOK_CONTENT)
        record_property("axe_violations_after_run_all", count(violations))
        shot(page, artifacts, f"axe-{lesson.stem}-after-run-all")
        _no_violations(f"{lesson.name} after Run All", checked, violations)
        check_names(panel, lesson.name)
        check_explorer_semantics(page, panel, lesson.name, artifacts)
        # what the moves and a pressed button added (a game's table of rounds) is checked too
        for i in range(explorers(panel).count()):
            box = explorers(panel).nth(i)
            if box.locator("button.widget-button").count():
                box.locator("button.widget-button").first.focus()
                page.keyboard.press("Enter")
                box.locator("table").first.wait_for(timeout=30_000)
        checked, violations = audit(page, axe_source, NOTEBOOK_CONTENT)
        _no_violations(f"{lesson.name} after moving controls", checked, violations)
    finally:
        course_lab.shutdown_kernels()


@pytest.mark.parametrize("notebook", RELEASED, ids=[p.parent.name for p in RELEASED])
def test_release_has_no_axe_violations(notebook: Path, course_lab, page, artifacts, axe_source):
    """A problem set as the student opens it, then after Run All (which stops at the first
    unanswered question with its traceback)."""
    relpath = notebook.relative_to(ROOT).as_posix()
    panel, _dialogs = open_notebook(page, course_lab.lab_url(relpath))
    try:
        checked, violations = audit(page, axe_source, NOTEBOOK_CONTENT)
        _no_violations(f"{relpath} as opened", checked, violations)
        page.locator(".lm-MenuBar-itemLabel:text-is('Run')").click()
        page.locator(".lm-Menu-itemLabel:text-is('Run All Cells')").click()
        panel.locator(".jp-OutputArea-output").first.wait_for(timeout=PAGE_WAIT_MS)
        # a problem set with per-student numbers asks once for the student's id (input())
        stdin = panel.locator(".jp-Stdin-input")
        idle = page.locator(f"{NOTEBOOK} .jp-Notebook-ExecutionIndicator[data-status='idle']")
        page.wait_for_function(
            "() => document.querySelector('.jp-NotebookPanel .jp-Stdin-input') || "
            "document.querySelector(\".jp-NotebookPanel .jp-Notebook-ExecutionIndicator"
            "[data-status='idle']\")", timeout=PAGE_WAIT_MS)
        if stdin.count():
            shot(page, artifacts, f"axe-{notebook.parent.name}-asks-id")
            checked, violations = audit(page, axe_source, NOTEBOOK_CONTENT)
            _no_violations(f"{relpath} asking for the student id", checked, violations)
            stdin.first.fill("axe0001")
            stdin.first.press("Enter")
        idle.first.wait_for(state="attached", timeout=PAGE_WAIT_MS)
        shot(page, artifacts, f"axe-{notebook.parent.name}-after-run-all")
        checked, violations = audit(page, axe_source, NOTEBOOK_CONTENT)
        _no_violations(f"{relpath} after Run All", checked, violations)
    finally:
        course_lab.shutdown_kernels()


def _offline(page: Any) -> None:
    """Let the page load its own files only: a CDN script (MathJax) is refused at once
    instead of reaching out of the machine."""
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith(("file:", "http://127.0.0.1"))
               else route.abort())


def test_feedback_page_has_no_axe_violations(demo_course: Path, page, artifacts, axe_source):
    pages = sorted((demo_course / "reports").glob("*/feedback/*/*.html"))
    assert pages, f"`course demo` wrote no feedback page under {demo_course / 'reports'}"
    # the longest page shows the most: passed and failed parts, hints, comments, outputs
    chosen = max(pages, key=lambda p: (len(p.read_text(encoding="utf-8")), p.name))
    _offline(page)
    page.goto(chosen.as_uri())
    shot(page, artifacts, "axe-feedback-page")
    checked, violations = audit(page, axe_source)
    _no_violations(f"feedback page {chosen.relative_to(demo_course)}", checked, violations)


def test_report_has_no_axe_violations(demo_course: Path, demo_lab, page, artifacts, axe_source):
    """The class report (``summary.md`` and its plots) as an instructor reads it in Lab:
    opened with **Open With > Markdown Preview**."""
    summaries = sorted((demo_course / "reports").glob("*/summary.md"))
    assert summaries, f"`course demo` wrote no summary.md under {demo_course / 'reports'}"
    folder = summaries[0].parent.relative_to(demo_course).as_posix()
    page.goto(demo_lab.url(f"lab/tree/{folder}", reset=""))
    item = page.locator(".jp-DirListing-item:has-text('summary.md')")
    item.wait_for(timeout=PAGE_WAIT_MS)
    item.click(button="right")
    # Lumino underlines each item's mnemonic letter (<u>M</u>arkdown): match by contained text
    page.locator(".lm-Menu-itemLabel").filter(has_text="Open With").first.click()
    page.locator(".lm-Menu-itemLabel").filter(has_text="Markdown Preview").first.click()
    preview = page.locator(".jp-MarkdownViewer .jp-RenderedMarkdown")
    preview.wait_for(timeout=PAGE_WAIT_MS)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-MarkdownViewer img')]"
        ".every(i => i.complete && i.naturalWidth > 0)", timeout=PAGE_WAIT_MS)
    shot(page, artifacts, "axe-report-summary")
    checked, violations = audit(page, axe_source, [".jp-MarkdownViewer .jp-RenderedMarkdown"],
                                skip=MARKDOWN_PREVIEW_RULES)
    _no_violations(f"{folder}/summary.md in Markdown Preview", checked, violations,
                   MARKDOWN_PREVIEW_RULES)
