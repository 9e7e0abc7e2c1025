"""Per-student variants: every student gets their own numbers.

A *variant* is the set of parameters of one assignment for one student. It is derived
deterministically from three things and nothing else:

- the term's **salt** (``c.CourseVariants.salt`` in ``nbgrader_config.py``; ``course build``
  writes it into the release notebook's first cell, so a notebook computes its numbers offline);
- the **assignment** name;
- the **student id** (the hub user name, or what the student typed once).

``HMAC-SHA256(salt, assignment NUL student)`` seeds a NumPy ``Generator``, which draws each
parameter from its range in :data:`SPECS` (in the order written there). Same inputs, same numbers,
on every machine; a new salt makes last term's answer sheets useless. With no student (``None``),
or with variants switched off for the assignment (``c.CourseVariants.off``), everyone gets the
**base** numbers, the ones the problem set had before variants (the RIGHT and WRONG rounds are
written for them).

One module serves every side: the first cell of the release notebook (:func:`identify`), the
check cells and hidden tests (:func:`current`), the grader (which writes the variant of the
submission it grades next to the judge, :func:`write_grading_file`), ``course build``,
``selfgrade``, ``feedback`` and the parameter table (:func:`table`).

What variants do and do not stop: they stop copying another student's (or last term's)
*numbers*; they do not stop sharing a *method*, which works for every variant.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "SPECS", "Param", "Variant", "VariantsError", "derive", "base", "identify", "current",
    "write_grading_file", "GRADING_FILE", "STUDENT_FILE", "STUDENT_ENV", "known_student", "table", "course_settings",
]

#: Written by the grader into the judge's folder: the variant of the submission being graded.
GRADING_FILE = ".course_grading_variant.json"
#: Written next to a notebook when a student types their id (so they are asked only once).
STUDENT_FILE = ".course_student"


class VariantsError(ValueError):
    """An unknown assignment or parameter, or a student id that cannot be used."""


@dataclass(frozen=True)
class Param:
    """One parameter: its base value and the range ``[low, high]`` a variant draws it from,
    rounded to ``digits`` decimals (so the question shows it exactly)."""

    base: float
    low: float
    high: float
    digits: int = 3
    parts: tuple[str, ...] = ()

    def draw(self, rng: Any) -> float:
        return round(float(rng.uniform(self.low, self.high)), self.digits)


#: The parameters of each assignment. A range is chosen so every variant has the same
#: difficulty and the same kind of answer (see docs/assignments.md, "Variants"): the base value
#: lies inside it, and no value in it moves an answer onto a boundary or into another regime.
SPECS: dict[str, dict[str, Param]] = {
    "ps1_bargaining": {
        # Part A: the bargaining range [p - c_US, p + c_NK] always holds "cap" (0.60), never
        # "full" (1.00): p - c_US <= 0.54 and 0.78 <= p + c_NK <= 0.92.
        "p": Param(0.7, 0.66, 0.74, 3, ("ps1_a1", "ps1_a2", "ps1_a3")),
        "cost_us": Param(0.25, 0.20, 0.30, 3, ("ps1_a1",)),
        "cost_nk": Param(0.15, 0.12, 0.18, 3, ("ps1_a1", "ps1_a3")),
        # Part B2: the optimal demand stays interior, (c_hi - c_US)/2 >= 0.15 > c_lo, and below 1.
        "b_p": Param(0.5, 0.45, 0.55, 3, ("ps1_b2",)),
        "b_cost_us": Param(0.1, 0.07, 0.13, 3, ("ps1_b2",)),
        "b_low": Param(0.1, 0.07, 0.12, 3, ("ps1_b2",)),
        "b_high": Param(0.5, 0.46, 0.54, 3, ("ps1_b2",)),
        # Part C: North Korea's Nash share rises (the gain stays positive; the rise of d_NK stays
        # above 0.11, so reading w_US as North Korea's weight never gives the same gain) and the d_NK of C2 stays
        # inside (0, 0.5), so d_US + d_NK < 1: 0.28 <= d_NK <= 0.36.
        "c_weight_us": Param(0.6, 0.55, 0.65, 3, ("ps1_c", "ps1_c2")),
        "c_dnk_before": Param(0.1, 0.08, 0.12, 3, ("ps1_c",)),
        "c_dnk_after": Param(0.25, 0.23, 0.28, 3, ("ps1_c",)),
        "c_target": Param(0.4, 0.38, 0.42, 3, ("ps1_c2",)),
        # Part D: the US impatient, North Korea patient; the deadline of D2 lies between 34 and 52
        # rounds and no deadline's share is within 1e-7 of the 0.01 band's edge (every variant
        # is checked in tests/test_variants.py); odd deadlines favour the US (D3) throughout.
        "d_us": Param(0.85, 0.82, 0.88, 3, ("ps1_d2",)),
        "d_nk": Param(0.95, 0.94, 0.96, 3, ("ps1_d2",)),
        # Part E: "region" is the best guarantee for every variant (a e >= b f for troops and
        # region, a e < b f for the arsenal; region's e/f above troops'), so E1 is the same word
        # and E2 = e_region.
        "e_troops_b": Param(0.5, 0.45, 0.52, 3, ("ps1_e", "ps1_e2")),
        "e_troops_e": Param(0.6, 0.55, 0.65, 3, ("ps1_e", "ps1_e2")),
        "e_region_b": Param(0.8, 0.75, 0.82, 3, ("ps1_e", "ps1_e2")),
        "e_region_e": Param(0.9, 0.85, 0.95, 3, ("ps1_e", "ps1_e2")),
        "e_arsenal_b": Param(1.5, 1.4, 1.6, 3, ("ps1_e", "ps1_e2")),
        "e_arsenal_e": Param(1.3, 1.2, 1.35, 3, ("ps1_e", "ps1_e2")),
    },
    "ps2_deterrence": {
        # Part A: North Korea's target dare probability and the US's temptation (A1), North
        # Korea's crash payoff (A2). The US's crash stays its worst outcome (P < S) and the
        # A3/A4 words do not change: each mix is set by the other side's payoffs.
        "a_target": Param(0.05, 0.04, 0.06, 3, ("ps2_a1", "ps2_a2")),
        "a_t_us": Param(2.0, 1.6, 2.4, 1, ("ps2_a1",)),
        "a_p_nk": Param(-10.0, -12.0, -8.0, 1, ("ps2_a2",)),
        # Part B1: the defender's window; h_max stays above 0.3 (the visible hint's 0.25 holds).
        "b_q": Param(0.1, 0.08, 0.12, 3, ("ps2_b1",)),
        "b_loss": Param(2.0, 1.8, 2.2, 1, ("ps2_b1",)),
        "b_war_cost": Param(30.0, 27.0, 33.0, 0, ("ps2_b1",)),
        # Part B3: growing risks; the count lies between 9 and 13 crises, no risk reaches the
        # cap before it, and no cumulative risk is within 1e-6 of 0.5 (every variant is checked).
        "b3_q": Param(0.02, 0.015, 0.025, 3, ("ps2_b3",)),
        "b3_growth": Param(1.25, 1.2, 1.3, 3, ("ps2_b3",)),
        # Part C2: the arsenal; no variant sits on a knife edge of the count (every one checked).
        "c_cost": Param(4.0, 3.5, 4.5, 1, ("ps2_c2",)),
        "c_survive": Param(0.1, 0.08, 0.12, 3, ("ps2_c2",)),
        "c_penetrate": Param(0.15, 0.12, 0.18, 3, ("ps2_c2",)),
        # Part D: the US's fall in power (D1), the disarmament price (D2, D3). Every threshold
        # stays inside its range: 0 < p2* < p1, 0 < k* < r_K, the installment above the sure stream.
        "d_delta": Param(0.9, 0.88, 0.92, 3, ("ps2_d1", "ps2_d2", "ps2_d3")),
        "d_p1": Param(0.8, 0.75, 0.85, 3, ("ps2_d1",)),
        "d_cost": Param(0.1, 0.08, 0.12, 3, ("ps2_d1",)),
        "d_r_armed": Param(0.5, 0.45, 0.55, 3, ("ps2_d2", "ps2_d3")),
        "d_r_disarmed": Param(0.2, 0.18, 0.22, 3, ("ps2_d2", "ps2_d3")),
        "d_survive": Param(0.8, 0.75, 0.85, 3, ("ps2_d3",)),
        # Part E: a one-off halt pools for every variant (c <= V_T with a margin), E3's belief
        # rises from the prior (keep_sincere > keep_stalling).
        "e_v_sincere": Param(0.8, 0.75, 0.85, 3, ("ps2_e2",)),
        "e_v_stalling": Param(0.5, 0.48, 0.55, 3, ("ps2_e2",)),
        "e_cost": Param(0.4, 0.35, 0.45, 3, ("ps2_e2",)),
        "e_prior": Param(0.3, 0.25, 0.35, 3, ("ps2_e3",)),
        "e_keep_sincere": Param(0.95, 0.92, 0.97, 3, ("ps2_e3",)),
        "e_keep_stalling": Param(0.7, 0.65, 0.75, 3, ("ps2_e3",)),
    },
}


def _spec(assignment: str) -> dict[str, Param]:
    return SPECS.get(assignment, {})


class Variant(Mapping[str, float]):
    """The parameters of one assignment for one student: ``V["p"]`` or ``V.p``."""

    def __init__(self, assignment: str, student: str | None, params: Mapping[str, float], enabled: bool = True):
        self.assignment = assignment
        self.student = student
        self.enabled = enabled
        self.how = ""  # how the student was found (shown by the first cell)
        self._params = dict(params)
        # plain attributes too, so ``V.p`` in a student's loop is an ordinary (fast) lookup
        self.__dict__.update({k: v for k, v in self._params.items() if k.isidentifier() and not hasattr(Variant, k)})

    def __getitem__(self, name: str) -> float:
        return self._params[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __getattr__(self, name: str) -> float:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._params[name]
        except KeyError:
            raise AttributeError(f"variant of {self.assignment} has no parameter {name!r}") from None

    def __repr__(self) -> str:
        who = self.student if self.enabled and self.student else "base"
        inner = ", ".join(f"{k}={v!r}" for k, v in self._params.items())
        return f"Variant({self.assignment!r}, {who!r}: {inner})"

    def as_dict(self) -> dict[str, float]:
        return dict(self._params)

    def _repr_markdown_(self) -> str:
        who = f"student **{self.student}**" if self.enabled and self.student else "the base numbers"
        rows = "\n".join(f"| `V.{k}` | {v:g} |" for k, v in self._params.items())
        how = f"\n\nFound from {self.how}." if self.how and self.enabled else (
            f"\n\n**Not your own numbers:** {self.how}." if self.how else "")
        return (f"Your numbers for {self.assignment} ({who}):{how}\n\n| parameter | value |\n|---|---|\n{rows}\n")


def _seed(salt: str, assignment: str, student: str) -> int:
    digest = hmac.new(salt.encode(), f"{assignment}\0{student}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:16], "big")


def base(assignment: str) -> Variant:
    """Everyone's numbers when variants are off (and the numbers the RIGHT/WRONG rounds use)."""
    return Variant(assignment, None, {k: p.base for k, p in _spec(assignment).items()}, enabled=False)


def derive(assignment: str, student: str | None, salt: str, *, enabled: bool = True) -> Variant:
    """The variant of ``student`` for ``assignment`` under ``salt`` (the base without a student,
    without a salt, or when ``enabled`` is False)."""
    import numpy as np

    if student is not None:
        student = str(student).strip()
    if not enabled or not student or not salt:
        return Variant(assignment, student or None, base(assignment).as_dict(), enabled=False)
    rng = np.random.default_rng(_seed(salt, assignment, student))
    return Variant(assignment, student, {k: p.draw(rng) for k, p in _spec(assignment).items()})


# ------------------------------------------------------------------------ the course's settings
@dataclass(frozen=True)
class Settings:
    """``c.CourseVariants`` of ``nbgrader_config.py``: the term's salt, assignments switched off."""

    salt: str = ""
    off: frozenset[str] = field(default_factory=frozenset)

    def enabled(self, assignment: str) -> bool:
        return bool(self.salt) and assignment not in self.off and bool(_spec(assignment))

    def variant(self, assignment: str, student: str | None) -> Variant:
        return derive(assignment, student, self.salt, enabled=self.enabled(assignment))


def course_settings(course_root: Path) -> Settings:
    """Read ``c.CourseVariants.salt`` and ``c.CourseVariants.off`` from the course's config."""
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(course_root)
    if not (root / "nbgrader_config.py").is_file():
        return Settings()
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    section = config.get("CourseVariants", {}) if "CourseVariants" in config else {}
    salt = section.get("salt", "") if hasattr(section, "get") else ""
    off = section.get("off", []) if hasattr(section, "get") else []
    return Settings(str(salt or ""), frozenset(str(a) for a in (off or [])))


# ------------------------------------------------------------------------ in the notebook
_CURRENT: dict[str, Variant] = {}


#: Set it to give a headless run (nbconvert, papermill, CI) a student id without asking.
STUDENT_ENV = "COURSE_STUDENT"


def _can_ask() -> bool:
    """True when ``input()`` reaches a person: a Jupyter frontend that accepts input requests
    (JupyterLab, Notebook), or a terminal. False in a headless run (nbclient, nbconvert,
    papermill, a pipe), where ``input()`` would fail or wait for ever."""
    import sys

    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        shell = None
    kernel = getattr(shell, "kernel", None)
    if kernel is not None:
        return bool(getattr(kernel, "_allow_stdin", False))
    stdin = sys.stdin
    return bool(stdin is not None and hasattr(stdin, "isatty") and stdin.isatty())


def _find_student(folder: Path, ask: bool = True) -> tuple[str | None, str]:
    """Who the student is and how that was found: the hub's user, ``COURSE_STUDENT``, the id
    remembered in ``.course_student`` next to the notebook, or the id typed when asked (then
    remembered). ``(None, why)`` when nobody can be asked (a headless run)."""
    hub = os.environ.get("JUPYTERHUB_USER", "").strip()
    if hub:
        return hub, "your user on the hub"
    env = os.environ.get(STUDENT_ENV, "").strip()
    if env:
        return env, f"the {STUDENT_ENV} setting"
    remembered = folder / STUDENT_FILE
    if remembered.is_file():
        text = remembered.read_text(encoding="utf-8").strip()
        if text:
            return text, f"the id remembered in {STUDENT_FILE} (delete that file to type another)"
    if not ask:
        return None, "no student id is known"
    if not _can_ask():
        return None, (f"no student id is known and nobody can be asked (a headless run): set {STUDENT_ENV}, "
                      f"or write your id into {STUDENT_FILE} next to the notebook, then run this cell again")
    try:
        answer = input("Your student id (as your instructor has it; asked once): ").strip()
    except (EOFError, OSError, RuntimeError) as exc:  # ipykernel's StdinNotImplementedError is a RuntimeError
        return None, f"no student id could be read ({type(exc).__name__}): set {STUDENT_ENV} or write {STUDENT_FILE}"
    if not answer:
        raise VariantsError("no student id given: run this cell again and type your id")
    remembered.write_text(answer + "\n", encoding="utf-8")
    return answer, f"the id you typed (remembered in {STUDENT_FILE})"


def known_student(folder: Path) -> tuple[str | None, str]:
    """The student a notebook in ``folder`` belongs to, found as its first cell finds it but
    without asking (``course selfgrade``); ``(None, why)`` when nothing says."""
    return _find_student(Path(folder), ask=False)


def identify(assignment: str, student: str | None = None, *, salt: str = "", enabled: bool = True,
             show: bool = True) -> Variant:
    """Find who the student is and return (and show) their variant.

    The student is, in this order: ``student`` when given (the grader passes the id of the
    submission it grades); the hub's user (``JUPYTERHUB_USER``); ``COURSE_STUDENT``; the id
    remembered in ``.course_student`` next to the notebook; or the id the student types when asked
    (then remembered there). In a headless run with none of these (nothing can be typed) the
    notebook goes on with the **base** numbers and the cell says so, instead of stopping at a prompt.
    """
    how = ""
    if enabled and salt and _spec(assignment):
        who: str | None = student
        if who:
            how = "the submission being graded"
        else:
            who, how = _find_student(Path.cwd())
        variant = derive(assignment, who, salt) if who else derive(assignment, None, salt, enabled=False)
    else:
        variant = derive(assignment, student, salt, enabled=False)
        how = "variants are off for this assignment: everyone has these numbers"
    variant.how = how
    _CURRENT[assignment] = variant
    if show:
        from IPython import get_ipython  # Jupyter's own dependency
        from IPython.display import display

        if get_ipython() is not None:  # the table as Markdown, and a plain-text line for text-only views
            display(variant)
        else:  # a plain Python process: the table as text
            print(variant._repr_markdown_())
    return variant


def current(assignment: str) -> Variant:
    """The variant the checks of this process must use.

    While grading, the grader's file in the judge's folder (the id of the submission, never what
    the notebook claims); otherwise the variant the notebook's first cell identified; otherwise
    the base numbers (the first cell has not run yet: its checks then say so).
    """
    path = Path.cwd() / GRADING_FILE
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("assignment") == assignment:
            return Variant(assignment, data.get("student"), data.get("params", {}), bool(data.get("enabled")))
    if assignment in _CURRENT:
        return _CURRENT[assignment]
    raise VariantsError(f"run the first cell of the notebook (it finds your numbers for {assignment}) first")


def write_grading_file(folder: Path, variant: Variant) -> Path:
    """Write the variant of the submission being graded where the judge reads it."""
    path = Path(folder) / GRADING_FILE
    path.write_text(json.dumps({"assignment": variant.assignment, "student": variant.student,
                                "enabled": variant.enabled, "params": variant.as_dict()}), encoding="utf-8")
    return path


def identify_source(assignment: str, student: str | None, salt: str, enabled: bool) -> str:
    """The first cell's code with everything bound (what the build ships and the grader runs)."""
    args = [repr(assignment)]
    if student is not None:
        args.append(f"student={student!r}")
    args += [f"salt={salt!r}", f"enabled={enabled!r}"]
    return ("# Your own numbers: this cell finds who you are (on the hub, your user name; elsewhere it\n"
            "# asks once and remembers it in .course_student next to this notebook) and shows them.\n"
            "from course_utils.variants import identify\n"
            f"V = identify({', '.join(args)})")


def table(assignment: str, students: list[str], salt: str, *, enabled: bool = True) -> list[dict[str, Any]]:
    """One row per student: the id and each parameter (the office-hours table)."""
    return [{"student": s, **derive(assignment, s, salt, enabled=enabled).as_dict()} for s in students]
