"""``course feedback``: one HTML page per student and notebook.

What a student sees: their total, a table of parts (points, result, the instructor's comment),
then their notebook: the instructions, their own answers and scratch cells with what they
printed, and for each test only its result. The source of a test cell is never shown (hidden
tests share cells with visible ones) and neither is a traceback (it quotes the failing test
line): a failure is its exception type and message, plus a hint for the common ones.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from course_utils.grading.cells import Kind, classify
from course_utils.grading.course import Course, CourseError

__all__ = ["hint_for", "render_feedback", "write_feedback", "PartView", "LateNote"]

#: Hints for failures a student can fix without seeing the test.
HINTS = {
    "NotImplementedError": "Replace the line `raise NotImplementedError()` in the answer cell above with your code.",
    "NameError": "A name the test needs is not defined. Run your answer cell, and check you used the exact "
                 "name the question asks for.",
    "TypeError": "Something has the wrong type or the wrong number of arguments: check what your function "
                 "takes and returns against the question.",
    "AssertionError": "Your answer runs but gives a different result than expected; reread the question and "
                      "try the example values by hand.",
    "NotRun": "The test never ran: an earlier cell ran too long or stopped the kernel. Make every cell finish "
              "quickly (no endless loops), then restart and run all.",
    "ZeroDivisionError": "Your code divides by zero for some input: check the edge cases the question mentions.",
    "ValueError": "A function received a value it cannot use: check the ranges the question allows.",
    "AttributeError": "You used an attribute or method that does not exist on that object: check its type.",
    "IndexError": "An index is out of range: check lengths and where counting starts (0).",
    "KeyError": "A key is missing from a dictionary: check spelling and which keys you add.",
    "TimeoutError": "This cell ran longer than allowed; look for a loop that never ends.",
}


def hint_for(message: str) -> str:
    """A hint for a failure message such as ``"NameError: name 'x' is not defined"``."""
    ename = message.split(":", 1)[0].split(" ", 1)[0].strip()
    if message.startswith("printed to stderr"):
        return "Tests must run silently: a warning or error text was printed while the test ran."
    if ename == "AssertionError" and " must be " in message:
        return ""  # a check of the answer's form already says what is wrong (e.g. it is None)
    return HINTS.get(ename, "")


@dataclass(frozen=True)
class LateNote:
    """When the student submitted, their deadline, and what lateness cost (for one notebook)."""

    submitted: str
    deadline: str
    seconds_late: float
    penalty: float
    rule: str

    def html(self, earned: float, total: float) -> str:
        from course_utils.grading.late import describe_duration

        if not self.deadline:
            return f"<p>Submitted: {html.escape(self.submitted or 'time not known')}</p>" if self.submitted else ""
        if self.seconds_late <= 0:
            return (f"<p>Submitted: {html.escape(self.submitted)}; deadline {html.escape(self.deadline)}: "
                    "on time.</p>")
        late = describe_duration(self.seconds_late)
        return (f'<p class="late">Submitted: {html.escape(self.submitted)}; deadline {html.escape(self.deadline)}: '
                f"<b>late by {late}</b>. Late penalty ({html.escape(self.rule)}): {self.penalty:g} point(s); "
                f"<b>score after the penalty: {max(earned - self.penalty, 0):g} / {total:g}</b>.</p>")


@dataclass(frozen=True)
class PartView:
    """One graded part as shown to the student."""

    grade_id: str
    score: float | None
    max_score: float
    auto: bool
    message: str
    comment: str
    hint: str = ""


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1a1a1a}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:.35rem .5rem;text-align:left;
vertical-align:top}th{background:#f0f0f0}
.ok{color:#005a8c;font-weight:600}.bad{color:#a0400a;font-weight:600}.wait{color:#555;font-style:italic}
pre{background:#f6f6f6;border:1px solid #ddd;padding:.5rem;white-space:pre-wrap;word-break:break-word}
.cell{margin:1rem 0}.label{font-size:.85rem;color:#444;font-weight:600}
.test{border-left:4px solid #888;padding:.25rem .75rem;background:#fafafa}
.flags{border:2px solid #a0400a;padding:.5rem 1rem}
.hint{margin:.25rem 0 0 0}
.late{border-left:4px solid #a0400a;padding-left:.5rem}
"""


#: Formulas in the instructions ($x$, $$...$$) are typeset by MathJax when the page is opened
#: online; offline they stay readable as TeX.
_MATHJAX = (
    "<script>window.MathJax={tex:{inlineMath:[['$','$'],['\\\\(','\\\\)']]}};</script>"
    '<script async src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script>'
)
_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>')
_HEADING = re.compile(r"<(/?)h([1-6])\b")


def _nested(markdown_html: str) -> str:
    """A notebook cell's HTML placed under the page's "Your notebook" (h2): anchors removed,
    headings two levels down (the notebook's # becomes h3), so the page's outline holds."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 2)}",
                        _ANCHOR.sub("", markdown_html))


def _text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _result_html(part: PartView) -> str:
    if part.auto:
        if part.message == "passed":
            return '<span class="ok">✔ passed</span>'
        hint = part.hint or hint_for(part.message)
        hint_html = f'<div class="hint"><b>Hint:</b> {html.escape(hint)}</div>' if hint else ""
        return f'<span class="bad">✘ failed</span>: <code>{html.escape(part.message)}</code>{hint_html}'
    if part.score is None:
        return '<span class="wait">written answer: not graded yet</span>'
    if part.message == "no answer written" and not part.comment:
        return '<span class="bad">no answer written</span>'
    return '<span class="ok">graded by the instructor</span>'


def _outputs_html(cell: NotebookNode) -> str:
    chunks = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            chunks.append(_text(out.get("text")))
        elif kind in ("execute_result", "display_data"):
            data = out.get("data", {})
            if "image/png" in data:
                chunks.append("[a figure]")
            elif "text/plain" in data:
                chunks.append(_text(data["text/plain"]))
        elif kind == "error":
            chunks.append(f"{out.get('ename', 'Error')}: {out.get('evalue', '')}")
    text = "\n".join(c.rstrip("\n") for c in chunks if c)
    if len(text) > 3000:
        text = text[:3000] + "\n… (output cut)"
    return f'<div class="label">Output</div><pre>{html.escape(text)}</pre>' if text else ""


def render_feedback(
    executed: NotebookNode,
    parts: dict[str, PartView],
    *,
    student_id: str,
    assignment: str,
    notebook: str,
    flags: list[str],
    given: set[str] | frozenset[str] = frozenset(),
    late: LateNote | None = None,
    numbers: Mapping[str, float] | None = None,
) -> str:
    """The feedback page of one notebook, as a complete HTML document.

    ``numbers``: the student's own parameters (their variant), shown in a table of their own.

    ``late``: the submission time, the deadline and the late penalty, shown under the score.

    ``given`` holds the texts of the cells handed out (instructions, set-up code): those are
    shown as the assignment's, every other unlabelled cell as the student's own.
    """
    from nbconvert.filters import markdown2html

    earned = sum(p.score or 0.0 for p in parts.values())
    total = sum(p.max_score for p in parts.values())
    pending = [p for p in parts.values() if not p.auto and p.score is None]
    title = f"Feedback: {assignment}{'' if notebook == assignment else ' / ' + notebook} — {student_id}"
    comments = any(p.comment for p in parts.values())
    out = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style>{_MATHJAX}</head><body><main>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p><b>Score: {earned:g} / {total:g}</b>"
        + (f" — {len(pending)} written answer(s) still to be graded by your instructor" if pending else "")
        + "</p>",
    ]
    if late is not None:
        out.append(late.html(earned, total))
    if numbers:  # the student's own variant: the numbers their answers were graded against
        out.append("<h2>Your numbers</h2><table><thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">"
                   "Value</th></tr></thead><tbody>" + "".join(
                       f"<tr><td><code>V.{html.escape(k)}</code></td><td>{v:g}</td></tr>" for k, v in numbers.items())
                   + "</tbody></table>")
    if flags:
        items = "".join(f"<li>{html.escape(f)}</li>" for f in flags)
        out.append(f'<div class="flags"><p><b>Notes from the grader</b> (your instructor will look at these):</p>'
                   f"<ul>{items}</ul></div>")
    out.append("<h2>Results by part</h2><table><thead><tr><th scope=\"col\">Part</th><th scope=\"col\">Points</th>"
               "<th scope=\"col\">Result</th>" + ("<th scope=\"col\">Comment</th>" if comments else "")
               + "</tr></thead><tbody>")
    for row in parts.values():
        out.append(
            f"<tr><td><a href=\"#{html.escape(row.grade_id)}\">{html.escape(row.grade_id)}</a></td>"
            f"<td>{_fmt(row.score)} / {row.max_score:g}</td><td>{_result_html(row)}</td>"
            + (f"<td>{html.escape(row.comment)}</td>" if comments else "") + "</tr>"
        )
    out.append("</tbody></table><h2>Your notebook</h2>")
    for cell in executed.cells:
        info = classify(cell)
        gid = info.grade_id or ""
        source = without_mark_scheme(_text(cell.get("source")))
        if info.kind is Kind.TASK:
            part = parts.get(gid)
            body = (_nested(markdown2html(source)) if cell.get("cell_type") == "markdown"
                    else f"<pre>{html.escape(source)}</pre>")
            out.append(f'<div class="cell" id="{html.escape(gid)}"><div class="label">Task '
                       f"{html.escape(gid)}</div>{body}")
            if part is not None:
                out.append(f"<div>{_fmt(part.score)} / {part.max_score:g} points: {_result_html(part)}</div>")
                if part.comment:
                    out.append(f"<p><b>Comment:</b> {html.escape(part.comment)}</p>")
            out.append("</div>")
        elif info.auto:
            part = parts.get(gid)
            result = _result_html(part) if part else ""
            points = f" ({_fmt(part.score)} / {part.max_score:g} points)" if part else ""
            out.append(f'<div class="cell test" id="{html.escape(gid)}"><div class="label">Test '
                       f"{html.escape(gid)}{points}</div><div>{result}</div></div>")
        elif info.is_answer:
            part = parts.get(gid)
            label = f"Your answer ({html.escape(gid)})" if gid else "Your answer"
            out.append(f'<div class="cell" id="{html.escape(gid)}"><div class="label">{label}</div>'
                       f"<pre>{html.escape(source)}</pre>{_outputs_html(cell)}")
            if part is not None and not part.auto:
                out.append(f"<div>{_fmt(part.score)} / {part.max_score:g} points: {_result_html(part)}</div>")
                if part.comment:
                    out.append(f"<p><b>Comment:</b> {html.escape(part.comment)}</p>")
            out.append("</div>")
        elif info.kind is Kind.TEST:
            continue  # a test in a markdown cell: never shown, like every test's source
        elif cell.get("cell_type") == "markdown" and (info.locked or source.strip() in given):
            out.append(f'<div class="cell">{_nested(markdown2html(source))}</div>')
        elif cell.get("cell_type") == "code" and (info.locked or source.strip() in given):
            out.append(f'<div class="cell"><div class="label">Given code</div><pre>{html.escape(source)}</pre>'
                       f"{_outputs_html(cell)}</div>")
        elif cell.get("cell_type") == "markdown":
            out.append(f'<div class="cell"><div class="label">Your notes</div><pre>{html.escape(source)}</pre></div>')
        elif cell.get("cell_type") == "code" and source.strip():
            out.append(f'<div class="cell"><div class="label">Your code</div><pre>{html.escape(source)}</pre>'
                       f"{_outputs_html(cell)}</div>")
    out.append("</main></body></html>")
    return "\n".join(out)


def _answer_hints(executed: NotebookNode) -> dict[str, str]:
    """For each test, a hint naming the answer cells before it that raised an error."""
    hints: dict[str, str] = {}
    broken: list[tuple[str, str]] = []
    for cell in executed.cells:
        info = classify(cell)
        if info.is_answer and cell.get("cell_type") == "code":
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    broken.append((str(info.grade_id), str(out.get("ename"))))
                    break
        elif info.kind is Kind.TEST:
            if broken:
                gid, ename = broken[0]
                if ename == "NotImplementedError":
                    hints[str(info.grade_id)] = (
                        f"Answer cell '{gid}' above is not answered yet: replace `raise NotImplementedError()` "
                        "with your code.")
                else:
                    hints[str(info.grade_id)] = (
                        f"Answer cell '{gid}' above stopped with {ename}; fix it first, then this test can run.")
            broken = []
    return hints


def _parts_of(executed: NotebookNode, manual: Mapping[str, Any]) -> dict[str, PartView]:
    """Combine the executed notebook's scores with the gradebook's manual grades and comments."""
    from course_utils.grading.engine import grade_cells

    parts: dict[str, PartView] = {}
    scored, *_ = grade_cells(executed)
    hints = _answer_hints(executed)
    for gid, part in scored.items():
        book = manual.get(gid)
        score = part.score
        comment = ""
        if book is not None:
            comment = book.comment if book.comment != "No response." else ""
            if book.manual or (not part.auto and book.score is not None):
                score = book.score
        parts[gid] = PartView(gid, score, part.max_score, part.auto, part.message, comment,
                              hints.get(gid, "") if part.auto and part.message != "passed" else "")
    return parts


def given_texts(course: Course, assignment: str, notebook: str) -> frozenset[str]:
    """Texts of the source cells that are neither tests nor answers (instructions, set-up code)."""
    path = course.source_dir / assignment / f"{notebook}.ipynb"
    if not path.is_file():
        return frozenset()
    nb = nbformat.read(str(path), as_version=4)
    texts = set()
    for cell in nb.cells:
        info = classify(cell)
        if not (info.graded or info.is_answer):
            texts.add(without_mark_scheme(_text(cell.get("source"))).strip())
    return frozenset(texts)


def without_mark_scheme(text: str) -> str:
    r"""``text`` without its ``BEGIN MARK SCHEME`` ... ``END MARK SCHEME`` blocks (a task's
    rubric, kept in the graded notebook for the instructor; an unclosed block runs to the end).

    >>> without_mark_scheme("Do it.\n=== BEGIN MARK SCHEME ===\n1 mark\n=== END MARK SCHEME ===\nThanks")
    'Do it.\nThanks'
    """
    if "BEGIN MARK SCHEME" not in text:
        return text
    kept, inside = [], False
    for line in text.split("\n"):
        if "BEGIN MARK SCHEME" in line:
            inside = True
        elif "END MARK SCHEME" in line and inside:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def write_feedback(course: Course, assignment: str) -> list[Path]:
    """Write ``reports/<assignment>/feedback/<student>/<notebook>.html`` for every graded student.

    Manual grades and comments entered in the formgrader are included. Students whose grading
    failed get no page (their problem is in grades.csv).

    Returns
    -------
    list of Path
        The pages written.
    """
    from course_utils.grading.gradebook import manual_grades
    from course_utils.grading.gradesfile import FAILED, flags_of, read_grades
    from course_utils.grading.late import load_policy, row_lateness

    rows = read_grades(course.report_dir(assignment) / "grades.csv")
    if not rows:
        raise CourseError(f"no grades for {assignment} yet: run `course grade {assignment} --submissions PATH` first")
    book = manual_grades(course, assignment)
    policy = load_policy(course.root)
    target = course.report_dir(assignment) / "feedback"
    from course_utils.variants import course_settings

    settings = course_settings(course.root)
    written: list[Path] = []
    for sid, row in sorted(rows.items()):
        if row.get("status") == FAILED:
            continue
        folder = course.autograded_dir / sid / assignment
        flags = flags_of(row)
        for nb_path in sorted(folder.glob("*.ipynb")):
            executed = nbformat.read(str(nb_path), as_version=4)
            manual = book.get(sid, {}).get(nb_path.stem, {})
            parts = _parts_of(executed, manual)
            given = given_texts(course, assignment, nb_path.stem)
            deadline, seconds = row_lateness(policy, assignment, row)
            earned = sum(p.score or 0.0 for p in parts.values())
            late = LateNote(row.get("submitted_at", ""), deadline, seconds,
                            policy.penalty(sid, earned, seconds), policy.rule())
            variant = settings.variant(assignment, sid)
            page = render_feedback(executed, parts, student_id=sid, assignment=assignment,
                                   notebook=nb_path.stem, flags=flags, given=given, late=late,
                                   numbers=variant.as_dict() if variant.enabled else None)
            out = target / sid / f"{nb_path.stem}.html"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(page, encoding="utf-8")
            written.append(out)
    return written
