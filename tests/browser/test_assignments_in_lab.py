"""A released assignment, opened in JupyterLab as a student gets it: nbgrader's Validate
button runs the visible tests and an untouched notebook fails with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from labpage import NOTEBOOK, open_notebook, shot

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
RELEASED = sorted((ROOT / "release").glob("*/*.ipynb"))
VALIDATE_WAIT_MS = 240_000  # nbgrader starts a kernel and runs the whole notebook


def test_assignments_are_released():
    """The release folder holds the problem sets a student opens."""
    names = {p.parent.name for p in RELEASED}
    assert {"ps1_bargaining", "ps2_deterrence"} <= names, (
        f"release/ holds {sorted(names)}; expected ps1_bargaining and ps2_deterrence")


@pytest.mark.parametrize("notebook", RELEASED, ids=[p.parent.name for p in RELEASED])
def test_validate_button_rejects_untouched_release(notebook: Path, course_lab, page, artifacts):
    relpath = notebook.relative_to(ROOT).as_posix()
    name = notebook.parent.name
    open_notebook(page, course_lab.lab_url(relpath))
    try:
        shot(page, artifacts, f"{name}-01-opened")
        page.locator(f"{NOTEBOOK} .jp-Toolbar >> text=Validate").click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=VALIDATE_WAIT_MS)
        # the dialog first says it is validating; wait for the result
        page.wait_for_function(
            "() => { const d = document.querySelector('.jp-Dialog');"
            " return d && !/validating/i.test(d.innerText); }", timeout=VALIDATE_WAIT_MS)
        shot(page, artifacts, f"{name}-02-validate-result")
        text = dialog.inner_text()
        assert "Validation Results" in text, f"Validate did not give its result:\n{text[:1500]}"
        assert "Success!" not in text, f"the untouched {relpath} passed validation"
        failed = text.count("following cell failed")
        assert failed >= 1, (
            f"Validate on the untouched {relpath} did not name a failing cell; the dialog said:\n"
            f"{text[:1500]}")
        dialog.locator("button").last.click()
        dialog.wait_for(state="detached")
    finally:
        course_lab.shutdown_kernels()
