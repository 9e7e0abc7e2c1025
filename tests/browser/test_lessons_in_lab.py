"""Every lesson, run top to bottom in JupyterLab in Chromium: outputs render, explorers draw,
and each explorer answers the keyboard."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest

from labpage import control_kinds, explorers, image_state, move_one_control, open_notebook
from labpage import output_problems
from labpage import press_button, readout_text, run_all_cells, shot

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def explorer_names_used(notebook: Path) -> set[str]:
    """Names of the course's explorers that the lesson's code cells construct."""
    from course_utils.explorers import _EXPLORERS

    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return {name for name in _EXPLORERS if re.search(rf"\b{name}\s*\(", code)}


def test_lessons_are_there():
    """The course has lesson notebooks for the browser to open (00 is the start page)."""
    assert LESSONS, "no notebooks/NN_*.ipynb found: the lessons are missing"
    assert LESSONS[0].name.startswith("00_"), f"the first lesson is {LESSONS[0].name}, not 00_*"


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs_and_explorers_respond(lesson: Path, course_lab, page, artifacts,
                                           record_property):
    name = lesson.stem
    panel, dialogs = open_notebook(page, course_lab.lab_url(f"notebooks/{lesson.name}"))
    if dialogs:
        warnings.warn(f"{lesson.name}: Lab asked the student to pick a kernel (no kernelspec "
                      f"in the notebook metadata): {dialogs[0]!r}")
    try:
        run_all_cells(page)
        shot(page, artifacts, f"{name}-01-after-run-all")

        problems = output_problems(panel)
        assert not problems, f"{lesson.name} shows errors after Run All: {problems}"

        boxes = explorers(panel)
        expected = explorer_names_used(lesson)
        assert boxes.count() >= len(expected), (
            f"{lesson.name} constructs {sorted(expected)} but only {boxes.count()} explorer(s) "
            "rendered with a plot")

        for i in range(boxes.count()):
            box = boxes.nth(i)
            box.scroll_into_view_if_needed()
            image = image_state(box)
            assert image["src"], f"{lesson.name} explorer {i + 1}: the plot has no image src"
            assert image["width"] > 0 and image["height"] > 0, (
                f"{lesson.name} explorer {i + 1}: the plot image did not decode ({image})")
            assert readout_text(box), f"{lesson.name} explorer {i + 1}: the readout is empty"
            record_property(f"explorer{i + 1}_plot_px",
                            f"{image['width']}x{image['height']} shown {image['shown_width']} wide")
            shot(box, artifacts, f"{name}-explorer{i + 1}-before")

            kinds = control_kinds(box)
            assert kinds, f"{lesson.name} explorer {i + 1} has no control a keyboard can reach"
            for kind in kinds:  # the first control of each kind, moved by keyboard
                move = move_one_control(page, box, kind)
                shot(box, artifacts, f"{name}-explorer{i + 1}-after-{kind}")
                assert move.src_after != move.src_before, (
                    f"{lesson.name} explorer {i + 1}: the plot did not change after "
                    f"{move.keys} on its {move.control}")
                assert move.readout_after != move.readout_before, (
                    f"{lesson.name} explorer {i + 1}: the readout stayed "
                    f"{move.readout_before!r} after {move.keys} on its {move.control}")

            if box.locator("button.widget-button").count():  # e.g. the negotiation game
                move = press_button(page, box)
                shot(box, artifacts, f"{name}-explorer{i + 1}-after-{move.control}")
                assert move.readout_after != move.readout_before, (
                    f"{lesson.name} explorer {i + 1}: Enter on its {move.control} left the "
                    f"readout at {move.readout_before!r}")

        problems = output_problems(panel)
        assert not problems, f"{lesson.name} shows errors after moving controls: {problems}"
    finally:
        course_lab.shutdown_kernels()
