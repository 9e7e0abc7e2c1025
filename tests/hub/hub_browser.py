"""A student opens the fetched release in JupyterLab on the hub, in headless Chromium, and sees
their own numbers (per-student variants, docs/assignments.md).

Used by ``test_hub_class.py`` inside its hub session (one more hub would cost minutes): the
student logs in through the hub's form, opens the notebook in Lab, runs the first code cell, and
its output must name the student, say the id came from the hub user, show the student's own
values and never ask for an id.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 180_000  # a kernel start on a shared 2-core machine with a class of servers up
#: screenshots of a failure, in the account's own cache (as tests/browser/ keeps its own)
SHOTS = Path(os.environ.get("COURSE_ARTIFACTS", Path.home() / ".cache" / "course" / "browser-artifacts"))


def browser_sees_own_numbers(hub: Any, name: str, nb_rel: str, expected: dict[str, float]) -> float:
    """Log ``name`` in, open ``nb_rel`` in Lab, run its first code cell; check the numbers shown
    are ``expected`` (the student's variant); return the seconds it took.

    Runs in a thread of its own: in one pytest session the browser tests' Playwright (a session
    fixture) is still running its event loop in the main thread, and Playwright's sync API
    refuses to start a second one there.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_browser_sees_own_numbers, hub, name, nb_rel, expected).result()


def _browser_sees_own_numbers(hub: Any, name: str, nb_rel: str, expected: dict[str, float]) -> float:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    started = time.monotonic()
    dialogs: list[str] = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="course-hub-chromium-"))
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS,
                                         env={**os.environ, "HOME": str(home)})
            try:
                page = browser.new_context(viewport={"width": 1280, "height": 1600}).new_page()
                page.set_default_timeout(WAIT_MS)
                page.goto(f"{hub.url}/hub/login")
                page.fill("#username_input", name)
                page.fill("#password_input", hub.passwords[name])
                page.click("#login_submit")
                page.wait_for_url(f"**/user/{name}/**")
                page.goto(f"{hub.url}/user/{name}/lab/tree/{nb_rel}")
                panel = page.locator(".jp-NotebookPanel:visible")
                # a cell run before the kernel is up is dropped: wait until it is idle
                panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(state="attached")
                first_code = panel.locator(".jp-CodeCell").first
                output = first_code.locator(".jp-OutputArea-output")
                # Lab may drop a run asked for while the kernel's session is still connecting:
                # ask again until the cell has run (running it twice changes nothing)
                dialog = page.locator(".jp-Dialog")
                for _attempt in range(int(WAIT_MS / 15_000)):
                    if dialog.count():  # e.g. "Select Kernel" while the session starts: accept it, note it
                        dialogs.append(dialog.first.inner_text()[:300])
                        accept = dialog.first.locator("button.jp-mod-accept")
                        if accept.count():
                            accept.first.click()
                        else:
                            page.keyboard.press("Escape")
                        continue
                    try:
                        first_code.locator(".jp-InputArea-editor").click(timeout=15_000)
                        page.keyboard.press("Shift+Enter")
                        output.filter(has_text="Your numbers").first.wait_for(timeout=15_000)
                        break
                    except Exception:  # noqa: BLE001 - not run yet (or a dialog came up): ask again
                        continue
                else:
                    page.screenshot(path=str(SHOTS / f"hub-own-numbers-{name}.png"))
                    raise AssertionError(f"{name}'s first cell never showed their numbers; dialogs: {dialogs}; "
                                         f"screenshot in {SHOTS}")
                text = output.first.inner_text()
                asked = page.locator(".jp-Stdin-input").count()
            finally:
                browser.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    assert not asked, f"{name} was asked for an id on the hub"
    if dialogs:
        print(f"hub test: {name}'s Lab showed dialog(s) before the first cell ran: {dialogs}")
    assert "Your numbers for" in text and name in text and "your user on the hub" in text, text
    rows = {line.split("\t")[0]: line.split("\t")[-1] for line in text.splitlines() if line.startswith("V.")}
    assert rows == {f"V.{key}": f"{value:g}" for key, value in expected.items()}, text
    return time.monotonic() - started
