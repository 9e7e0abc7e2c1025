"""``course build``'s proof of the per-student variants, many variants in one process.

For each sampled student id (at least 200, and every id of a class roster when one is given) the
source notebook runs in this process, as the instructor's trusted code, with that student's
numbers bound the way grading binds them (:func:`course_utils.variants.identify` with the id):

- the reference solution passes every test cell, hidden tests included (full marks);
- the blank release passes none (zero);
- the answer sheet of another variant (the literal values the solution computed for the next id)
  fails every part whose answer depends on the numbers (no variant's values serve another).

The sandboxed grading of the same notebook (kernel plus judge) is proved by the build's other
runs, which grade a few variants end to end; running 200 notebooks through the sandbox would
take about 1.5 s each.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass, field

from nbformat import NotebookNode

__all__ = ["VariantProof", "prove_variants", "sample_ids"]

_CHECKED = re.compile(r"_policy\.check_(?:number|count|word)\(\s*(\w+)")


@dataclass
class VariantProof:
    """What the proof found for one assignment."""

    variants: int = 0
    full: int = 0
    blank_zero: int = 0
    swapped_caught: int = 0
    swapped_parts: int = 0
    problems: list[str] = field(default_factory=list)


def sample_ids(count: int = 200, roster: list[str] | None = None) -> list[str]:
    """Every roster id, then ``sample-NNN`` ids up to ``count`` in all."""
    ids = list(dict.fromkeys(roster or []))
    n = 0
    while len(ids) < count:
        ids.append(f"sample-{n:03d}")
        n += 1
    return ids


def _meta(cell: NotebookNode) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _run(source_nb: NotebookNode, assignment: str, student: str, salt: str, enabled: bool,
         answers: str | dict[str, str]) -> tuple[dict[str, str | None], dict]:
    """Run the notebook in one namespace; ``{test grade_id: failure or None}`` and the namespace.

    ``answers`` is ``"solution"``, ``"blank"`` or ``{grade_id: cell text}`` (others: solution).
    """
    from course_utils.grading.synthetic import solution_text
    from course_utils.variants import identify

    namespace: dict = {"__name__": "__main__"}
    results: dict[str, str | None] = {}
    for cell in source_nb.cells:
        if cell.cell_type != "code":
            continue
        meta = _meta(cell)
        course_meta = cell.get("metadata", {}).get("course", {})
        if isinstance(course_meta, dict) and course_meta.get("variant"):
            namespace["V"] = identify(assignment, student, salt=salt, enabled=enabled, show=False)
            continue
        if meta.get("solution"):
            gid = str(meta.get("grade_id"))
            if answers == "blank":
                text = "raise NotImplementedError()"
            elif isinstance(answers, dict) and gid in answers:
                text = answers[gid]
            else:
                text = solution_text(cell.source)
        else:
            text = cell.source
        failure = None
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(text, f"<{meta.get('grade_id', 'cell')}>", "exec"), namespace)  # noqa: S102
        except Exception as exc:  # noqa: BLE001 - a failing cell is what the proof records
            failure = f"{type(exc).__name__}: {str(exc)[:200]}"
        if meta.get("grade") and not meta.get("solution"):
            results[str(meta.get("grade_id"))] = failure
    return results, namespace


def prove_variants(source_nb: NotebookNode, assignment: str, salt: str, ids: list[str],
                   enabled: bool = True) -> VariantProof:
    """Prove the variants of ``ids`` (see the module's docstring)."""
    proof = VariantProof()
    answer_cell = {}  # test grade_id -> (answer grade_id, name it checks)
    cells = source_nb.cells
    for i, cell in enumerate(cells):
        meta = _meta(cell)
        if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
            found = _CHECKED.search(cell.source)
            previous = next((c for c in reversed(cells[:i]) if _meta(c).get("solution")), None)
            if found and previous is not None:
                answer_cell[str(meta["grade_id"])] = (str(_meta(previous)["grade_id"]), found.group(1))
    sheets: list[dict[str, str]] = []
    for student in ids:
        proof.variants += 1
        good, namespace = _run(source_nb, assignment, student, salt, enabled, "solution")
        failed = {gid: msg for gid, msg in good.items() if msg is not None}
        proof.full += not failed
        proof.problems.extend(f"variant of {student!r}: the solution fails test '{gid}': {msg}"
                              for gid, msg in list(failed.items())[:3])
        blank, _ = _run(source_nb, assignment, student, salt, enabled, "blank")
        passed = [gid for gid, msg in blank.items() if msg is None]
        proof.blank_zero += not passed
        proof.problems.extend(f"variant of {student!r}: the blank release passes test '{gid}'" for gid in passed)
        sheet = {}
        for _test, (answer_gid, name) in answer_cell.items():
            value = namespace.get(name)
            if isinstance(value, (int, float, str)) and not isinstance(value, bool):
                sheet[answer_gid] = f"{name} = {value!r}"
        sheets.append(sheet)
    # each student hands in the literal answer sheet of the next one
    changing = None
    for k, student in enumerate(ids if len(ids) > 1 else []):
        other = sheets[(k + 1) % len(ids)]
        swapped, _ = _run(source_nb, assignment, student, salt, enabled, other)
        wrong = {gid for gid, msg in swapped.items() if msg is not None}
        if changing is None:  # the parts whose answer depends on the numbers
            changing = {t for t, (a, _n) in answer_cell.items()
                        if any(s.get(a) != sheets[0].get(a) for s in sheets)}
        proof.swapped_parts += len(changing)
        proof.swapped_caught += len(changing & wrong)
    return proof
