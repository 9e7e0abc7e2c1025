"""The four games of issue 15, played in JupyterLab in Chromium by keyboard alone.

One notebook holding all four games is opened once (one kernel, the shared course Lab). For
each game: every decision and control is reachable with Tab from the first prediction; the
game is then played to its end with Enter, Tab and the arrow keys only, each decision is
announced in the readout (a polite live region that stays the same element), the focus moves on
by itself when the button pressed is disabled, and the history is saved with the keyboard.
Then axe-core finds no violation in the outputs and every control is named by its label.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from axe_audit import NOTEBOOK_CONTENT, audit, count, report
from labpage import WIDGET_WAIT_MS, open_notebook, output_problems, run_all_cells, shot
from test_axe import check_names

pytestmark = pytest.mark.browser

#: small games, so the browser time stays short: (constructor, moves it takes at most)
GAMES = {
    "ChickenGame": ("ChickenGame(seed=2018, crises=3)", 6),
    "DeadlineGame": ("DeadlineGame(seed=2018, negotiations=2)", 12),
    "DisarmamentGame": ("DisarmamentGame(seed=2018, deals=2)", 8),
    "CrisisSandbox": ("CrisisSandbox(seed=2018, episodes=2)", 12),
}

#: the accessible name of what has focus, and whether it lies inside the box
_FOCUS_JS = r"""box => {
  const el = document.activeElement;
  if (!el || !box.contains(el)) return {inside: false, name: '', tag: el ? el.tagName : ''};
  let name = el.getAttribute('aria-label') || '';
  if (!name && el.labels && el.labels.length) name = el.labels[0].innerText.trim();
  if (!name) name = (el.innerText || '').trim();
  return {inside: true, name, tag: el.tagName, slider: el.getAttribute('role') === 'slider',
          disabled: !!el.disabled};
}"""

_LIVE_JS = r"""box => { const r = box.querySelector(':scope > .course-readout-box');
  if (!r) return null;
  if (!r.dataset.probe) r.dataset.probe = String(Math.random());
  return {role: r.getAttribute('role'), live: r.getAttribute('aria-live'), probe: r.dataset.probe}; }"""


@pytest.fixture(scope="module")
def games_notebook(course_root: Path) -> str:
    """A notebook with the four games, one code cell each, inside the course's scratch copy."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(nbformat.v4.new_markdown_cell("# The games\n\n## Four games"))
    for name, (make, _moves) in GAMES.items():
        nb.cells.append(nbformat.v4.new_code_cell(
            f"from course_utils.games import {name}\n{make}.show()"))
    path = course_root / "notebooks" / "games_in_lab.ipynb"
    nbformat.write(nb, path)
    return "notebooks/games_in_lab.ipynb"


def focused(box: Any) -> dict[str, Any]:
    return box.evaluate(_FOCUS_JS)


def readout(box: Any) -> str:
    return box.locator(".course-readout").first.inner_text().strip()


def press(page: Any, box: Any, key: str) -> str:
    """Press ``key`` and wait for the readout to change; return the new readout."""
    before = readout(box)
    page.keyboard.press(key)
    page.wait_for_function(
        "([box, text]) => { const r = box.querySelector('.course-readout');"
        " return r !== null && r.innerText.trim() !== text; }",
        arg=[box.element_handle(), before], timeout=WIDGET_WAIT_MS, polling=100)
    return readout(box)


def settled_focus(page: Any, box: Any) -> dict[str, Any]:
    """What has focus once it is on an enabled control of the box (the kernel moves it there
    after a move that disabled the pressed button), or wherever it is after the wait."""
    try:
        page.wait_for_function(
            "box => { const el = document.activeElement;"
            " return !!el && box.contains(el) && !el.disabled; }",
            arg=box.element_handle(), timeout=WIDGET_WAIT_MS, polling=100)
    except Exception:  # noqa: BLE001 - the caller's assertion says where the focus went
        pass
    return focused(box)


def tab_order(page: Any, box: Any, limit: int = 40) -> list[str]:
    """Names of the controls Tab visits, from the focused one until focus leaves the box."""
    names = [focused(box)["name"]]
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(box)
        if not now["inside"]:
            break
        names.append(now["name"])
    return names


def test_four_games_played_by_keyboard(course_lab, games_notebook, page, artifacts, axe_source):
    panel, _dialogs = open_notebook(page, course_lab.lab_url(games_notebook))
    try:
        run_all_cells(page)
        assert not output_problems(panel), "errors after Run All"
        boxes = panel.locator(".jp-OutputArea-output .course-game")
        assert boxes.count() == len(GAMES), f"{boxes.count()} games rendered, not {len(GAMES)}"
        for i, (name, (_make, max_moves)) in enumerate(GAMES.items()):
            play_one(page, boxes.nth(i), name, max_moves, artifacts)
        checked, violations = audit(page, axe_source, NOTEBOOK_CONTENT)
        assert checked and not violations, (
            f"axe-core: {count(violations)} violation(s) after playing the games:\n"
            f"{report(violations)}")
        check_names(panel, games_notebook)
    finally:
        course_lab.shutdown_kernels()


def play_one(page: Any, box: Any, name: str, max_moves: int, artifacts: Path) -> None:
    from course_utils import games

    game = getattr(games, name)(seed=2018)  # its options, decisions and slider
    box.scroll_into_view_if_needed()
    live = box.evaluate(_LIVE_JS)
    assert live and live["role"] == "status" and live["live"] == "polite", (
        f"{name}: the readout is not a polite live region: {live}")

    # before the prediction the decisions are closed; Tab reaches every option
    first = box.locator("button.widget-button").first
    closed = box.evaluate("box => [...box.querySelectorAll('button:disabled')]"
                          ".map(b => b.innerText.trim())")
    labels = [a.label for a in game.actions]
    assert set(labels) <= set(closed), f"{name}: decisions open before the prediction: {closed}"
    first.focus()
    order = tab_order(page, box)
    missing = [o for o in game.options if o not in order]
    assert not missing, f"{name}: Tab never reaches the predictions {missing}; it visits {order}"

    # predict with Enter: the readout says so, the focus moves on to the first open decision,
    # and from there Tab reaches every decision open now and the rest of the game's controls
    first.focus()
    text = press(page, box, "Enter")
    assert "prediction is locked in" in text, f"{name}: {text!r}"
    now = settled_focus(page, box)
    assert now["inside"] and now["name"] in labels, f"{name}: focus after predicting: {now}"
    open_now = box.evaluate("box => [...box.querySelectorAll('button:enabled')]"
                            ".map(b => b.innerText.trim())")
    order = tab_order(page, box)
    wanted = [lab for lab in labels if lab in open_now and lab != now["name"]]
    wanted += ["File name", "Play again"]
    missing = [w for w in wanted if w not in order]
    assert not missing, f"{name}: Tab from {now['name']!r} never reaches {missing}; visits {order}"
    box.get_by_role("button", name=now["name"], exact=True).focus()  # back where it was put
    moves = 0
    while "You predicted" not in text:
        assert moves < max_moves, f"{name}: not over after {moves} moves: {text!r}"
        now = settled_focus(page, box)
        assert now["inside"] and not now["disabled"], (
            f"{name}: after a move the focus left the game's open controls: {now}")
        if now["name"] == "Propose this split":  # set the offer first: the slider is just before
            for _ in range(3):
                page.keyboard.press("Shift+Tab")
                if focused(box).get("slider"):
                    break
            assert focused(box).get("slider"), f"{name}: Shift+Tab from Propose: {focused(box)}"
            page.keyboard.press("ArrowRight")
            while focused(box)["name"] != "Propose this split":
                page.keyboard.press("Tab")
                assert focused(box)["inside"], f"{name}: Tab from the slider left the game"
        elif name == "ChickenGame" and moves % 2:  # every other crisis: Tab to "Swerve"
            page.keyboard.press("Tab")
            assert focused(box)["name"] == "Swerve", focused(box)
        before_moves = moves
        text = press(page, box, "Enter")
        moves += 1
        announced = ("crisis" in text or "Offer" in text or "stage" in text.lower()
                     or "You stepped back" in text or "You halted" in text)
        assert announced, f"{name}: move {before_moves + 1} not announced: {text!r}"
        if name == "ChickenGame" and before_moves % 2 and "You predicted" not in text:
            page.keyboard.press("Shift+Tab")  # back to "Dare"
    assert box.evaluate(_LIVE_JS)["probe"] == live["probe"], (
        f"{name}: the live region was replaced during play (screen readers announce changes "
        "in a region that stays)")
    shot(box, artifacts, f"game-{name}-over")
    # game over: the focus is on the save button; Enter writes the CSV
    assert settled_focus(page, box)["name"] == "Save my history as CSV", focused(box)
    text = press(page, box, "Enter")
    assert "Saved" in text and ".csv" in text, f"{name}: {text!r}"
    assert "<caption>" in box.locator("table").first.evaluate("t => t.outerHTML")
