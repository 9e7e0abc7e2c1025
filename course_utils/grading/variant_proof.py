"""``course build``'s proof of the per-student variants, many variants in one process.

For each sampled student id (at least 200, and every id of a class roster when one is given) the
source notebook runs in this process, as the instructor's trusted code, with that student's
numbers bound the way grading binds them (:func:`course_utils.variants.identify` with the id), and
the test cells (hidden tests included) compute their expected values from that variant:

- the reference solution passes every test cell (full marks);
- the blank release passes none (zero);
- every RIGHT round of ``right_answers/<assignment>.py`` (its ``{{expr}}`` numbers written for this
  student) passes every test cell;
- every WRONG round loses exactly its parts (a wrong answer that happens to agree with this
  variant's right one under the answer policy is counted as a coincidence, not as a failure);
- the answer sheet of another variant (the literal values the solution computed for the next id)
  fails every part where the two variants' right answers differ under the answer policy (no
  variant's values serve another; two variants may share a count such as 42 rounds);
- the release notebook holds no variant's numbers (:func:`variant_leaks`): what a student opens
  is the same for everyone and carries only the salt.

A test cell that does not read the variant and follows an answer cell whose text does not read it
gives the same result for every variant, so it runs once per distinct answer text (the functions'
hidden tests, with their ~80 calls, would otherwise dominate). The sandboxed grading of the same
notebook (kernel plus judge) is proved by the build's other runs, which grade a few variants end
to end; 200 notebooks through the sandbox would take about 1.5 s each.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

__all__ = ["VariantProof", "prove_variants", "sample_ids", "read_roster", "variant_leaks", "RosterError",
           "solution_values"]

_CHECKED = re.compile(r"_policy\.check_(?:number|count|word)\(\s*(\w+)")
_READS_VARIANT = re.compile(r"(?<![\w.])V\b|_variants\.current|\{\{")


class RosterError(ValueError):
    """A roster file that cannot be read as a list of student ids."""


@dataclass
class VariantProof:
    """What the proof found for one assignment."""

    variants: int = 0
    full: int = 0
    blank_zero: int = 0
    right_rounds: int = 0
    right_full: int = 0
    wrong_rounds: int = 0
    wrong_caught: int = 0
    coincidences: int = 0
    swapped_caught: int = 0
    swapped_parts: int = 0
    swapped_same: int = 0
    problems: list[str] = field(default_factory=list)


def sample_ids(count: int = 200, roster: list[str] | None = None) -> list[str]:
    """Every roster id, then ``sample-NNN`` ids up to ``count`` in all."""
    ids = list(dict.fromkeys(roster or []))
    n = 0
    while len(ids) < len(roster or []) + count:
        if f"sample-{n:03d}" not in ids:
            ids.append(f"sample-{n:03d}")
        n += 1
    return ids


def read_roster(path: Path) -> list[str]:
    """The student ids of a roster file: a CSV with a header naming an id column (``student_id``,
    ``id``, ``student``, ``username`` or ``login``), or one id a line.

    Raises
    ------
    RosterError
        When the file is missing, empty, binary, or a CSV without an id column.
    """
    path = Path(path)
    if not path.is_file():
        raise RosterError(f"roster {path}: no such file (give a CSV with a student_id column, or one id a line)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(f"roster {path}: not a UTF-8 text file (give a CSV or one id a line)") from None
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise RosterError(f"roster {path}: no student ids in it")
    if "," in lines[0] or "\t" in lines[0]:
        rows = list(csv.DictReader(io.StringIO("\n".join(lines)), dialect="excel-tab" if "\t" in lines[0] else "excel"))
        header = {(name or "").strip().lower(): name for name in (rows[0].keys() if rows else [])}
        column = next((header[c] for c in ("student_id", "id", "student", "username", "login") if c in header), None)
        if column is None:
            raise RosterError(f"roster {path}: a CSV needs a column named student_id (or id, student, username, "
                              f"login); its header is {lines[0].strip()!r}")
        ids = [(row.get(column) or "").strip() for row in rows]
        empty = [n for n, value in enumerate(ids, 2) if not value]
        if empty:
            raise RosterError(f"roster {path}: line {empty[0]} has no {column}")
    else:
        ids = [line.strip() for line in lines]
    if any(len(s) > 200 or any(ch in s for ch in "\0\r\n") for s in ids):
        raise RosterError(f"roster {path}: an id is longer than 200 characters or holds a control character")
    return list(dict.fromkeys(ids))


def _meta(cell: NotebookNode) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


class _Runner:
    """Runs the source notebook in this process for one variant at a time, with a cache of the
    test cells whose result cannot depend on the variant (see the module's docstring)."""

    def __init__(self, source_nb: NotebookNode, assignment: str, salt: str, enabled: bool):
        from course_utils.grading.synthetic import solution_text

        self.assignment, self.salt, self.enabled = assignment, salt, enabled
        self.cells: list[tuple[str, str, dict, bool]] = []  # (kind, text, meta, reads variant)
        for cell in source_nb.cells:
            if cell.cell_type != "code":
                continue
            meta = _meta(cell)
            course_meta = cell.get("metadata", {}).get("course", {})
            if isinstance(course_meta, dict) and course_meta.get("variant"):
                self.cells.append(("variant", "", meta, True))
            elif meta.get("solution"):
                self.cells.append(("answer", solution_text(cell.source), meta, True))
            else:
                kind = "test" if meta.get("grade") else "code"
                self.cells.append((kind, cell.source, meta, bool(_READS_VARIANT.search(cell.source))))
        self.cache: dict[tuple[str, str], str | None] = {}
        self.code: dict[tuple[str, str], Any] = {}

    def _compiled(self, text: str, gid: str) -> Any:
        key = (text, gid)
        if key not in self.code:
            self.code[key] = compile(text, f"<{gid}>", "exec")
        return self.code[key]

    def run(self, student: str, params: Mapping[str, float], answers: str | Mapping[str, str]
            ) -> tuple[dict[str, str | None], dict[str, Any]]:
        """``{test grade_id: failure or None}`` and the namespace. ``answers`` is ``"solution"``,
        ``"blank"`` or ``{grade_id: cell text}`` (others: the solution; ``{{expr}}`` rendered)."""
        from course_utils.grading.right_answers import render
        from course_utils.variants import identify

        namespace: dict[str, Any] = {"__name__": "__main__"}
        results: dict[str, str | None] = {}
        last_answer = ""
        for kind, text, meta, reads in self.cells:
            gid = str(meta.get("grade_id", "cell"))
            if kind == "variant":
                namespace["V"] = identify(self.assignment, student, salt=self.salt, enabled=self.enabled, show=False)
                continue
            if kind == "answer":
                if answers == "blank":
                    text = "raise NotImplementedError()"
                elif isinstance(answers, Mapping) and gid in answers:
                    text = render(answers[gid], params)
                last_answer = text
            key = (gid, last_answer)
            if kind == "test" and not reads and not _READS_VARIANT.search(last_answer) and key in self.cache:
                results[gid] = self.cache[key]
                continue
            failure = None
            try:
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    exec(self._compiled(text, gid), namespace)  # noqa: S102 - the course's own notebook
            except Exception as exc:  # noqa: BLE001 - a failing cell is what the proof records
                failure = f"{type(exc).__name__}: {str(exc)[:200]}"
            if kind == "test":
                results[gid] = failure
                if not reads and not _READS_VARIANT.search(last_answer):
                    self.cache[key] = failure
        return results, namespace


def solution_values(source_nb: NotebookNode, assignment: str, salt: str, ids: list[str], enabled: bool = True
                    ) -> dict[str, dict[str, Any]]:
    """``{student: {name: value}}``: what the reference solution assigns, for each student's
    variant, to every name a test checks with ``check_number``, ``check_count`` or ``check_word``
    (the office-hours answer key, and the tests' view of a class)."""
    from course_utils.variants import derive

    runner = _Runner(source_nb, assignment, salt, enabled)
    names = [m.group(1) for cell in source_nb.cells if cell.cell_type == "code"
             for m in _CHECKED.finditer(cell.source)]
    out: dict[str, dict[str, Any]] = {}
    for student in ids:
        _results, namespace = runner.run(student, derive(assignment, student, salt, enabled=enabled).as_dict(),
                                         "solution")
        out[student] = {name: namespace.get(name) for name in names}
    return out


def _test_of(answer_gid: str, answer_cell: dict[str, tuple[str, str]]) -> str:
    """The test cell that checks the answer cell ``answer_gid`` (the first test after it)."""
    return next((test for test, (answer, _name) in answer_cell.items() if answer == answer_gid), answer_gid)


def prove_variants(source_nb: NotebookNode, assignment: str, salt: str, ids: list[str], enabled: bool = True,
                   right: list[dict[str, str]] | None = None, wrong: list[dict[str, str]] | None = None
                   ) -> VariantProof:
    """Prove the variants of ``ids`` (see the module's docstring); ``right`` and ``wrong`` are the
    assignment's RIGHT and WRONG rounds."""
    import course_utils.answers as policy
    from course_utils.variants import derive

    proof = VariantProof()
    runner = _Runner(source_nb, assignment, salt, enabled)
    answer_cell: dict[str, tuple[str, str]] = {}  # test grade_id -> (answer grade_id, name it checks)
    cells = source_nb.cells
    for i, cell in enumerate(cells):
        meta = _meta(cell)
        if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
            found = _CHECKED.search(cell.source)
            previous = next((c for c in reversed(cells[:i]) if _meta(c).get("solution")), None)
            if previous is not None:
                answer_cell[str(meta["grade_id"])] = (str(_meta(previous)["grade_id"]), found.group(1) if found else "")
    sheets: list[dict[str, str]] = []
    answers_of: list[dict[str, Any]] = []
    for student in ids:
        params = derive(assignment, student, salt, enabled=enabled).as_dict()
        proof.variants += 1
        good, namespace = runner.run(student, params, "solution")
        failed = {gid: msg for gid, msg in good.items() if msg is not None}
        proof.full += not failed
        proof.problems.extend(f"variant of {student!r}: the solution fails test '{gid}': {msg}"
                              for gid, msg in list(failed.items())[:3])
        blank, _ = runner.run(student, params, "blank")
        passed = [gid for gid, msg in blank.items() if msg is None]
        proof.blank_zero += not passed
        proof.problems.extend(f"variant of {student!r}: the blank release passes test '{gid}'" for gid in passed)
        for number, answers in enumerate(right or [], 1):
            proof.right_rounds += 1
            got, _ = runner.run(student, params, answers)
            lost = {gid: msg for gid, msg in got.items() if msg is not None}
            proof.right_full += not lost
            proof.problems.extend(f"variant of {student!r}: RIGHT round {number} fails test '{gid}': {msg}"
                                  for gid, msg in list(lost.items())[:3])
        for number, answers in enumerate(wrong or [], 1):
            proof.wrong_rounds += 1
            got, wrong_ns = runner.run(student, params, answers)
            wrong_tests = {_test_of(a, answer_cell) for a in answers}
            ok = True
            for gid, msg in got.items():
                if gid in wrong_tests and msg is None:
                    name = answer_cell.get(gid, ("", ""))[1]
                    value, reference = wrong_ns.get(name), namespace.get(name)
                    if name and _agrees(policy, value, reference):
                        proof.coincidences += 1  # this variant's right answer happens to equal the wrong one
                        continue
                    ok = False
                    proof.problems.append(f"variant of {student!r}: WRONG round {number} passes test '{gid}'")
                elif gid not in wrong_tests and msg is not None:
                    ok = False
                    proof.problems.append(f"variant of {student!r}: WRONG round {number} loses test '{gid}', "
                                          f"which it answers right: {msg}")
            proof.wrong_caught += ok
        sheet, values = {}, {}
        for _test, (answer_gid, name) in answer_cell.items():
            value = namespace.get(name)
            if name and isinstance(value, (int, float, str)) and not isinstance(value, bool):
                sheet[answer_gid] = f"{name} = {value!r}"
                values[answer_gid] = value
        sheets.append(sheet)
        answers_of.append(values)
    # each student hands in the literal answer sheet of the next one: every numeric part whose
    # right answer differs between the two (under the answer policy) must fail; where the two
    # variants' answers agree (a count such as 42 rounds is shared by many) the sheet is right
    changing = {t for t, (a, _n) in answer_cell.items() if any(s.get(a) != sheets[0].get(a) for s in sheets)}
    for k, student in enumerate(ids if len(ids) > 1 else []):
        j = (k + 1) % len(ids)
        params = derive(assignment, student, salt, enabled=enabled).as_dict()
        swapped, _ = runner.run(student, params, sheets[j])
        wrong_parts = {gid for gid, msg in swapped.items() if msg is not None}
        for test in sorted(changing):
            answer_gid = answer_cell[test][0]
            if _agrees(policy, answers_of[j].get(answer_gid), answers_of[k].get(answer_gid)):
                proof.swapped_same += 1
                continue
            proof.swapped_parts += 1
            if test in wrong_parts:
                proof.swapped_caught += 1
            else:
                proof.problems.append(f"variant of {student!r}: the answer sheet of {ids[j]!r} passes '{test}' "
                                      "although their answers differ")
    return proof


def _agrees(policy: Any, value: Any, reference: Any) -> bool:
    """True when the policy would accept ``value`` for the right answer ``reference``."""
    if isinstance(reference, str):
        return isinstance(value, str) and value.strip().lower() == reference.strip().lower()
    try:
        return bool(policy.close(policy.as_number(value, "value"), float(reference)))
    except Exception:  # noqa: BLE001 - a value the policy refuses does not agree
        return False


def _distinctive(value: float) -> str | None:
    """How a number shows in a notebook, when it is specific enough to be some variant's own
    (three decimals or more, e.g. 0.687), else None (0.5 or 30 appear in any text)."""
    text = f"{value:g}"
    decimals = text.split(".")[1] if "." in text and "e" not in text else ""
    return text if len(decimals) >= 3 else None


def variant_leaks(release_nb: NotebookNode, assignment: str, salt: str, ids: list[str], enabled: bool = True
                  ) -> list[str]:
    """One line per variant number found in a release notebook (its cells' text and outputs).

    The release is the same for every student: it may show the base numbers and the salt, never
    a student's own numbers (left there, e.g., by running the notebook before releasing it).
    """
    from course_utils.variants import base, derive

    texts = []
    for cell in release_nb.cells:
        texts.append(cell.source)
        for output in cell.get("outputs", []):
            texts.append(str(output))
    text = "\n".join(texts)
    tokens = set(re.findall(r"-?\d+\.\d+", text))
    basic = base(assignment).as_dict()
    problems = []
    for student in ids:
        for name, value in derive(assignment, student, salt, enabled=enabled).as_dict().items():
            shown = _distinctive(value)
            if shown and value != basic.get(name) and shown in tokens:
                problems.append(f"the release shows {shown}, {student!r}'s {name}: release notebooks carry no "
                                "student's numbers (clear outputs, write `V.name` in the text)")
    return problems[:20]
