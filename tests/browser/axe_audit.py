"""axe-core, the accessibility engine most audits use, installed from the npm registry into the
account's own cache and run inside a page the tests opened.

``install(cache)`` puts the pinned ``axe-core`` in ``cache/axe-<version>`` (once; later runs reuse
it) and returns the text of ``axe.min.js``; ``audit(page, include)`` injects it and returns the
violations found inside the elements ``include`` selects, every impact level, minus the rules in
:data:`JUPYTERLAB_RULES` (excluded by id, each with the reason).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

#: the axe-core release the tests run (npm package ``axe-core``)
AXE_VERSION = "4.14.1"
INSTALL_HINT = "install Node.js and npm to run them: `apt-get install nodejs npm`"

#: Rules the course cannot satisfy in a notebook because JupyterLab itself breaks them, by id
#: only, each with the reason. None so far: inside the output areas and rendered Markdown of
#: the lessons and problem sets every rule of axe-core passes.
JUPYTERLAB_RULES: dict[str, str] = {}

#: The same for the report opened with Open With > Markdown Preview.
MARKDOWN_PREVIEW_RULES: dict[str, str] = {
    "scrollable-region-focusable": (
        "JupyterLab's Markdown Preview renders the file into its own scrolling container "
        "(div.jp-RenderedMarkdown, overflow: auto) that it does not make focusable; a page with "
        "no link in it (the report has none) then has a scrollable region no key reaches. The "
        "container is Lab's widget, not the report's content, and the course cannot add a "
        "tabindex to it."),
}

#: What a student reads in a notebook: every code cell's output area (widgets, printed text,
#: displayed Markdown and pictures) and every rendered Markdown cell (the lesson's own text).
NOTEBOOK_CONTENT = [".jp-OutputArea-output", ".jp-MarkdownOutput"]


class AxeUnavailable(RuntimeError):
    """npm is missing or could not install axe-core (the message says why and what to do)."""


def install(cache: Path) -> str:
    """The source of ``axe.min.js`` of :data:`AXE_VERSION`, installed into ``cache`` with npm
    on first use (a lock keeps parallel test workers from installing it twice)."""
    folder = cache / f"axe-{AXE_VERSION}"
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _installed_version(folder) != AXE_VERSION:
            npm = shutil.which("npm")
            if npm is None:
                raise AxeUnavailable(f"the accessibility tests need axe-core from npm, and npm "
                                     f"is not installed; {INSTALL_HINT}")
            (folder / "package.json").write_text('{"name": "course-axe", "private": true}\n')
            run = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--loglevel=error",
                 "--cache", str(cache / "npm"), f"axe-core@{AXE_VERSION}"],
                cwd=folder, capture_output=True, text=True, timeout=300,
                stdin=subprocess.DEVNULL, env={**os.environ, "npm_config_update_notifier": "false"})
            if run.returncode != 0 or _installed_version(folder) != AXE_VERSION:
                raise AxeUnavailable(f"`npm install axe-core@{AXE_VERSION}` in {folder} failed "
                                     f"(exit {run.returncode}):\n{run.stderr[-2000:]}")
    return script.read_text(encoding="utf-8")


def _installed_version(folder: Path) -> str | None:
    try:
        meta = json.loads((folder / "node_modules" / "axe-core" / "package.json").read_text())
    except (OSError, ValueError):
        return None
    return meta.get("version") if (folder / "node_modules" / "axe-core" / "axe.min.js").is_file() else None


_RUN_JS = r"""async ([include, disabled]) => {
  const present = include.filter(sel => document.querySelector(sel));
  if (!present.length) return {checked: 0, violations: []};
  const rules = Object.fromEntries(disabled.map(id => [id, {enabled: false}]));
  const result = await axe.run({include: present}, {resultTypes: ['violations'], rules});
  const checked = present.reduce((n, sel) => n + document.querySelectorAll(sel).length, 0);
  return {checked, violations: result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 300),
                              why: n.failureSummary}))}))};
}"""


def audit(page: Any, source: str, include: list[str] | None = None,
          skip: dict[str, str] | None = None) -> tuple[int, list[dict[str, Any]]]:
    """Run axe-core in ``page`` over the elements matching ``include`` (CSS selectors; default:
    the whole document). Return how many elements were checked and the violations, every
    impact level, except the rules in :data:`JUPYTERLAB_RULES` and ``skip`` (rule id -> why)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=source)
    disabled = sorted({*JUPYTERLAB_RULES, *(skip or {})})
    found = page.evaluate(_RUN_JS, [include or ["html"], disabled])
    return found["checked"], found["violations"]


def report(violations: list[dict[str, Any]], limit: int = 6) -> str:
    """The violations as readable lines: rule, impact, count, then a few of the elements."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}, {len(v['nodes'])} element(s)): {v['help']}")
        for node in v["nodes"][:limit]:
            lines.append(f"    {node['target']}: {node['html'][:160]}")
            lines.append("      " + (node["why"] or "").replace("\n", "\n      ")[:400])
    return "\n".join(lines)


def count(violations: list[dict[str, Any]]) -> int:
    """The number of elements in violation, all rules together."""
    return sum(len(v["nodes"]) for v in violations)
