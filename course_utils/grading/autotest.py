"""``### AUTOTEST`` lines, expanded the way nbgrader's ``generate_assignment`` expands them.

nbgrader lets a test cell say ``### AUTOTEST answer`` instead of writing asserts: while it
generates the release, its ``InstantiateTests`` preprocessor runs the *source* notebook in a
kernel, asks the kernel for each snippet's type and value, and replaces the line with asserts
from ``autotests.yml`` (optionally comparing salted hashes, ``### HASHED AUTOTEST``). The source
keeps the one-line comment; the release and the gradebook hold the expanded test.

``course grade`` rebuilds each submission from ``source/`` (:mod:`course_utils.grading.integrity`),
so it must restore the *expanded* test: a bare ``### AUTOTEST`` comment passes for any answer.
:func:`expanded` gives the source with every such line expanded by nbgrader's own preprocessor,
with the same salts, so the restored cell is the release's cell plus its hidden part.

Expanding runs the instructor's source notebook in an ordinary kernel (as
``nbgrader generate_assignment`` does; the source is trusted, no student code is involved), once
per source notebook and process: results are kept by the notebook's content. A grader that
knows the notebook's file calls :func:`prepare` (which finds ``autotests.yml`` next to the
notebook, then in the course root, as nbgrader does); :func:`expanded` on a notebook nobody
prepared looks in the course folder found from the current directory.

When the lines cannot be expanded (no ``autotests.yml``, the source fails), the test cell is
replaced by one that fails with the reason, so a test that could not be built never gives
points, and :func:`expanded` reports it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from course_utils.grading.cells import grade_id, source_text

__all__ = ["has_autotests", "expanded", "prepare", "remember", "AutotestError", "DELIMITER"]

#: nbgrader's default ``InstantiateTests.autotest_delimiter``.
DELIMITER = "AUTOTEST"
#: Seconds one snippet of the source may run while the tests are expanded.
SNIPPET_TIMEOUT = 120.0

_CACHE: dict[str, tuple[NotebookNode, tuple[str, ...]]] = {}
_LOCK = threading.Lock()


class AutotestError(Exception):
    """The AUTOTEST lines of a source notebook could not be expanded; the text is one line."""


def has_autotests(nb: Any, delimiter: str = DELIMITER) -> bool:
    """True when a code cell of ``nb`` mentions the delimiter (nbgrader's own test)."""
    return any(c.get("cell_type") == "code" and delimiter in source_text(c) for c in nb.get("cells", []))


def _key(nb: NotebookNode) -> str:
    return hashlib.sha256(json.dumps(nb, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _course_config(course_root: Path | None) -> Any:
    from traitlets.config import Config

    if course_root is None or not (Path(course_root) / "nbgrader_config.py").is_file():
        return Config()
    from traitlets.config.loader import PyFileConfigLoader

    try:
        return PyFileConfigLoader("nbgrader_config.py", path=str(course_root)).load_config()
    except Exception:  # an unreadable config: nbgrader's defaults
        return Config()


def _instantiate(nb: NotebookNode, folders: list[Path], config: Any) -> NotebookNode:
    """Run nbgrader's ``InstantiateTests`` on a copy of ``nb``; raises :class:`AutotestError`."""
    from jupyter_client.manager import start_new_kernel
    from nbgrader.preprocessors import InstantiateTests

    class _Instantiate(InstantiateTests):
        """nbgrader's preprocessor, with its kernel always shut down and snippets time-limited."""

        execute_result: Any

        def _load_test_template_file(self, resources: dict) -> None:
            for folder in folders:
                if (folder / self.autotest_filename).is_file():
                    return super()._load_test_template_file({**resources, "metadata": {"path": str(folder)}})
            # no paths in the message: it reaches every student's feedback page
            raise AutotestError(f"no {self.autotest_filename} next to the notebook or in the course folder")

        def _execute_code_snippet(self, code: str) -> Any:
            self.kc.execute_interactive(code, output_hook=self._execute_code_snippet_output_hook,
                                        timeout=SNIPPET_TIMEOUT)
            result, self.execute_result = self.execute_result, None
            return result

        def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
            kernel_name = nb.metadata.get("kernelspec", {}).get("name", "")
            if kernel_name not in self.comment_strs or kernel_name not in self.sanitizers:
                raise AutotestError(f"kernel {kernel_name!r} is not in InstantiateTests.comment_strs/sanitizers")
            resources["kernel_name"] = kernel_name
            self._load_test_template_file(resources)
            self.global_tests_loaded = True
            self.sanitizer = self.sanitizers[kernel_name]
            km, self.kc = start_new_kernel(kernel_name=kernel_name, cwd=resources["metadata"]["path"])
            try:
                # nbconvert's loop over the cells, calling InstantiateTests.preprocess_cell
                return super(InstantiateTests, self).preprocess(nb, resources)
            finally:
                try:
                    self.kc.stop_channels()
                finally:
                    km.shutdown_kernel(now=True)
                    self.kc = None  # type: ignore[assignment]

    work = copy.deepcopy(nb)
    cwd = next((str(f) for f in folders if f.is_dir()), None)
    try:
        out, _ = _Instantiate(config=config).preprocess(work, {"metadata": {"path": cwd}})
    except AutotestError:
        raise
    except Exception as exc:  # the source failed in the kernel, bad YAML, a kernel that did not start
        from course_utils.grading.flags import one_line

        text = str(getattr(exc, "evalue", "") or exc) or type(exc).__name__
        raise AutotestError(one_line(f"{type(exc).__name__}: {text}", 200)) from None
    return out


def _failing(nb: NotebookNode, reason: str, delimiter: str) -> NotebookNode:
    """``nb`` with each test cell holding AUTOTEST lines replaced by a test that fails with ``reason``."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.get("cell_type") == "code" and delimiter in source_text(cell):
            cell["source"] = f"raise RuntimeError({('could not expand the ### AUTOTEST lines: ' + reason)!r})"
    return out


def remember(source: NotebookNode, expanded_nb: NotebookNode, problems: list[str] | tuple[str, ...] = ()) -> None:
    """Record ``expanded_nb`` (and its problems) as the expansion of ``source``, e.g. one that a
    parent process made once for all its workers."""
    with _LOCK:
        _CACHE[_key(source)] = (copy.deepcopy(expanded_nb), tuple(problems))


def expanded(
    source: NotebookNode,
    *,
    folders: list[Path] | None = None,
    course_root: Path | None = None,
) -> tuple[NotebookNode, list[str]]:
    """The source notebook with its AUTOTEST lines expanded, and problems (one line each).

    Parameters
    ----------
    source : NotebookNode
        The instructor's notebook. Not modified; returned as is when it has no AUTOTEST line.
    folders : list of Path, optional
        Where to look for ``autotests.yml``, in order (the first is also the kernel's working
        folder); by default the course folder found from the current directory.
    course_root : Path, optional
        The course whose ``nbgrader_config.py`` configures ``InstantiateTests``.

    Returns
    -------
    notebook, problems
        ``problems`` is empty when every line was expanded; otherwise the AUTOTEST test cells
        fail with the reason and ``problems`` names them.
    """
    config = _course_config(course_root)
    delimiter = str(config.get("InstantiateTests", {}).get("autotest_delimiter", DELIMITER))
    if not has_autotests(source, delimiter):
        return source, []
    key = _key(source)
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return copy.deepcopy(hit[0]), list(hit[1])
    if folders is None:
        from course_utils.grading.course import find_course_dir

        root = course_root or find_course_dir()
        folders = [Path(root)]
        course_root = course_root or root
        config = _course_config(course_root)
    problems: tuple[str, ...] = ()
    try:
        result = _instantiate(source, [Path(f) for f in folders], config)
    except AutotestError as exc:
        ids = [grade_id(c) or "?" for c in source.cells
               if c.get("cell_type") == "code" and delimiter in source_text(c)]
        problems = tuple(f"test cell '{gid}' could not be built from its ### AUTOTEST lines ({exc}); "
                         "it scores zero" for gid in ids)
        result = _failing(source, str(exc), delimiter)
    with _LOCK:
        _CACHE[key] = (result, problems)
    return copy.deepcopy(result), list(problems)


def prepare(path: Path, course_root: Path | None = None) -> tuple[NotebookNode, list[str]]:
    """Expand the source notebook at ``path`` once, for every later :func:`expanded` call.

    ``autotests.yml`` is looked for next to the notebook, then in ``course_root`` (nbgrader's
    order); the notebook's folder is the kernel's working folder.
    """
    path = Path(path)
    nb = nbformat.read(str(path), as_version=4)
    folders = [path.parent] + ([Path(course_root)] if course_root is not None else [])
    return expanded(nb, folders=folders, course_root=course_root)

