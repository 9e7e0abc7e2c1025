"""Every lesson notebook runs top to bottom in a fresh kernel, and its static HTML export still
says what each explorer shows.

Parametrized over ``notebooks/*.ipynb``, so a lesson added later is tested without editing this
file. Each notebook runs in its own kernel, started in the ``notebooks/`` folder as a student's
would be, with no output kept on disk.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import NamedTuple

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: per cell; generous because the CI machine has 2 cores shared with other jobs
CELL_TIMEOUT = 180

pytestmark = pytest.mark.slow


#: appended to each lesson while it runs: which pyplot figures are still open at the end
_PYPLOT_PROBE = (
    "import sys\n"
    "_open = sys.modules['matplotlib.pyplot'].get_fignums() if 'matplotlib.pyplot' in sys.modules else []\n"
    "print('open pyplot figures:', _open)"
)


class Executed(NamedTuple):
    path: Path
    nb: nbformat.NotebookNode   # the lesson as executed (the probe cell removed)
    probe: str                  # what the probe printed


def _execute(path: Path) -> Executed:
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(_PYPLOT_PROBE))
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=True)
    client.execute()
    probe = nb.cells.pop()
    return Executed(path, nb, "".join(o.get("text", "") for o in probe.outputs))


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def executed(request) -> Executed:
    """A lesson executed once in a fresh kernel (shared by the tests of this module)."""
    return _execute(request.param)


def test_the_course_has_its_lessons():
    names = [p.name for p in NOTEBOOKS]
    assert "00_start_here.ipynb" in names, "the Makefile opens notebooks/00_start_here.ipynb"
    for n in range(11):
        assert any(name.startswith(f"{n:02d}_") for name in names), f"lesson {n} is missing"
    assert "references.ipynb" in names, "the references page (every source cited) is missing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, (
                f"{path.name}, cell {i}: outputs are committed; strip them "
                "(jupyter nbconvert --clear-output --inplace)")
    assert "widgets" not in nb.metadata, f"{path.name}: widget state is committed"
    # without a kernelspec JupyterLab asks the student to pick a kernel before anything runs
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", (
        f"{path.name}: set metadata.kernelspec to the python3 kernel")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_install_and_no_wildcard_import(path: Path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        src = cell.source
        assert "pip install" not in src and "%pip" not in src, f"{path.name}, cell {i}: pip install"
        assert "import *" not in src, f"{path.name}, cell {i}: wildcard import"


def test_runs_without_error(executed):
    path, nb = executed.path, executed.nb
    errors = [(i, out) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
              for out in cell.outputs if out.output_type == "error"]
    assert not errors, f"{path.name}, cell {errors[0][0]}: {errors[0][1].ename}: {errors[0][1].evalue}"
    streams = "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                      for out in cell.outputs if out.output_type == "stream" and out.name == "stderr")
    assert "Traceback" not in streams, f"{path.name} wrote a traceback to stderr:\n{streams}"


def test_leaves_no_pyplot_figure_open(executed):
    """Explorers draw on figures outside pyplot; a lesson that opens pyplot figures leaks them
    (and shows them twice)."""
    assert "open pyplot figures: []" in executed.probe, f"{executed.path.name}: {executed.probe.strip()}"


def _exported_strings(body: str) -> str:
    """The text a reader of the HTML export can get at: the page itself, plus every string of
    the embedded widget state (what the widgets render from, readouts included), unescaped."""
    import re

    texts = [html.unescape(body)]
    state = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>',
                      body, re.S)
    if state:
        def strings(node):
            if isinstance(node, str):
                yield html.unescape(node)
            elif isinstance(node, dict):
                for v in node.values():
                    yield from strings(v)
            elif isinstance(node, list):
                for v in node:
                    yield from strings(v)

        texts.extend(strings(json.loads(state.group(1))))
    return "\n".join(texts)


def test_static_html_export_keeps_every_readout(executed):
    """Exported with ``jupyter nbconvert --to html``, each displayed explorer and question still
    carries its readout text (the widget state is saved with the notebook and embedded)."""
    import re

    from nbconvert import HTMLExporter

    path, nb = executed.path, executed.nb
    body, _ = HTMLExporter().from_notebook_node(nb)
    exported = _exported_strings(body)
    widgets = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
               if out.output_type in ("display_data", "execute_result") and WIDGET_VIEW in out.data]
    for out in widgets:
        text = out.data.get("text/plain", "")
        assert text.strip(), f"{path.name}: a widget has no text form for static exports"
        if re.fullmatch(r"\w+\(.*\)", text.strip(), re.S):
            continue  # a bare ipywidgets control (lesson 0's demo slider): nothing to read out
        for line in text.splitlines():
            if line.strip():
                assert line.strip() in exported, (
                    f"{path.name}: the HTML export lost the readout line {line.strip()!r}")


#: capitalised words that precede a year without being an author
_NOT_AUTHORS = {"January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December", "In", "After", "Before", "Since", "From", "Until",
                "By", "Read", "Talks", "Summer", "Spring", "Autumn", "Winter"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_cited_author_year_is_on_the_references_page(path: Path):
    """A citation such as "Fearon (1994)", "(Tsebelis 1989)" or "Snyder and Borghard 2011" in a
    lesson's text has an entry on notebooks/references.ipynb with that author and year."""
    import re

    if path.name == "references.ipynb":
        return
    refs = "\n".join(c.source for c in nbformat.read(ROOT / "notebooks" / "references.ipynb",
                                                   as_version=4).cells)
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                     if c.cell_type == "markdown")
    cite = re.compile(r"\b([A-Z][a-zà-ÿ]+)(?:,? (?:and|&) [A-Z][a-zà-ÿ]+)*(?: et al\.)?,? \(?((?:1[89]|20)\d\d)\b")
    missing = sorted({(a, y) for a, y in cite.findall(text) if a not in _NOT_AUTHORS
                      and not re.search(rf"\b{a}\b[^*]*?\({y}\)", refs)})
    assert not missing, (f"{path.name} cites {missing} but notebooks/references.ipynb has no entry "
                         "with that author and year: add one")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_lesson_structure(path: Path):
    """Every lesson ends with the same kind of "Next:" link; from lesson 4 on each has a "your
    turn" cell checked at once (checks.try_it) and closes with the student's predictions beside
    the model's (checks.summary)."""
    if path.name == "references.ipynb":
        return
    nb = nbformat.read(path, as_version=4)
    last = nb.cells[-1]
    assert last.cell_type == "markdown" and last.source.startswith("Next: ["), (
        f"{path.name}: end with a Markdown cell 'Next: [Lesson N · title](file.ipynb).'")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    number = int(path.name[:2])
    if number >= 4:
        assert "checks.try_it(" in code, f"{path.name}: add a 'your turn' cell (checks.try_it)"
    if number >= 1:
        lesson = f"lesson{number:02d}"
        assert f'checks.summary("{lesson}")' in code, f"{path.name}: close with checks.summary"
