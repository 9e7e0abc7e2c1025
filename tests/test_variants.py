"""Per-student variants (course_utils/variants.py): stability, independence, the switch, and a
class whose students swapped answer sheets (each scores only what is right for their own
variant, graded through the real engine and judge)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from course_utils.variants import SPECS, Settings, base, course_settings, derive, table

ROOT = Path(__file__).resolve().parents[1]
SALT = "test-salt"
CLASS = [f"s{n:03d}" for n in range(200)]


def _ps1_answers(v) -> dict[str, float]:
    """The numeric answers of ps1's variant parts, computed from the variant's parameters."""
    return {
        "min_cost_nk_full": 1.0 - v.p,
        "max_fall_p": v.p - (0.60 - v.cost_nk),
        "p_war_shifted": ((v.b_high - v.b_cost_us) / 2 - v.b_low) / (v.b_high - v.b_low),
    }


def test_same_id_same_numbers_across_runs_and_processes():
    here = derive("ps1_bargaining", "alice", SALT).as_dict()
    assert derive("ps1_bargaining", "alice", SALT).as_dict() == here
    code = ("import json; from course_utils.variants import derive; "
            f"print(json.dumps(derive('ps1_bargaining', 'alice', {SALT!r}).as_dict()))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert json.loads(other.stdout) == here
    # the derivation is pinned: a change to it changes every student's numbers mid-term
    assert here == derive("ps1_bargaining", " alice ", SALT).as_dict()


def test_salt_assignment_and_id_each_change_the_numbers():
    v = derive("ps1_bargaining", "alice", SALT).as_dict()
    assert derive("ps1_bargaining", "alice", "next-term").as_dict() != v
    assert derive("ps1_bargaining", "bob", SALT).as_dict() != v


def test_a_class_of_200_gets_different_numbers_in_every_numeric_part():
    variants = [derive("ps1_bargaining", s, SALT) for s in CLASS]
    assert len({tuple(v.as_dict().values()) for v in variants}) == len(CLASS)
    for part in ("min_cost_nk_full", "max_fall_p", "p_war_shifted"):
        values = [_ps1_answers(v)[part] for v in variants]
        # answers within the policy's 4 significant figures of each other count as the same
        distinct = {f"{x:.4g}" for x in values}
        assert len(distinct) >= 0.15 * len(CLASS), (part, len(distinct))
        assert len(set(values)) >= 0.15 * len(CLASS), part
    # each parameter takes many values, inside its range, and the base lies in the range too
    for name, param in SPECS["ps1_bargaining"].items():
        drawn = [v[name] for v in variants]
        assert all(param.low <= x <= param.high for x in drawn), name
        assert param.low <= param.base <= param.high, name
        assert len(set(drawn)) >= 20, name


def test_every_variant_has_the_same_kind_of_answer():
    """No variant moves a ps1 answer onto a boundary or into another regime."""
    for s in CLASS:
        v = derive("ps1_bargaining", s, SALT)
        low, high = v.p - v.cost_us, v.p + v.cost_nk
        assert low < 0.30 < 0.60 < high < 1.0 or (0.30 < low < 0.60 < high < 1.0)  # "cap", never "full"
        assert 0.60 - 0.01 > low and high > 0.60 + 0.01 and high < 1.0 - 0.01
        assert 1.0 - v.p > v.cost_nk + 0.01  # A2's visible hint holds
        interior = (v.b_high - v.b_cost_us) / 2
        assert interior > v.b_low + 0.01 and v.b_p + interior < 1.0  # B2: interior demand


def test_no_student_no_salt_or_switched_off_gives_the_base():
    assert derive("ps1_bargaining", None, SALT).as_dict() == base("ps1_bargaining").as_dict()
    assert derive("ps1_bargaining", "alice", "").as_dict() == base("ps1_bargaining").as_dict()
    off = Settings(SALT, frozenset({"ps1_bargaining"}))
    assert not off.enabled("ps1_bargaining")
    assert off.variant("ps1_bargaining", "alice").as_dict() == base("ps1_bargaining").as_dict()
    assert Settings(SALT).variant("ps1_bargaining", "alice").as_dict() == derive(
        "ps1_bargaining", "alice", SALT).as_dict()


def test_the_course_config_sets_the_salt():
    settings = course_settings(ROOT)
    assert settings.salt and settings.enabled("ps1_bargaining")
    rows = table("ps1_bargaining", ["alice", "bob"], settings.salt)
    assert [r["student"] for r in rows] == ["alice", "bob"] and set(rows[0]) > {"p", "cost_us"}


def test_the_release_ships_the_salt_and_identifies_the_hub_user(monkeypatch, tmp_path):
    release = nbformat.read(str(ROOT / "release/ps1_bargaining/ps1_bargaining.ipynb"), as_version=4)
    cell = next(c for c in release.cells if c.metadata.get("course", {}).get("variant"))
    assert release.cells.index(cell) == 1 and course_settings(ROOT).salt in cell.source
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUPYTERHUB_USER", "hubuser")
    namespace: dict = {}
    exec(cell.source, namespace)  # noqa: S102 - the course's own cell
    assert namespace["V"].student == "hubuser"
    assert namespace["V"].as_dict() == course_settings(ROOT).variant("ps1_bargaining", "hubuser").as_dict()
    # elsewhere (JupyterLab, a terminal) it asks once and remembers the id next to the notebook
    monkeypatch.delenv("JUPYTERHUB_USER")
    monkeypatch.delenv("COURSE_STUDENT", raising=False)
    monkeypatch.setattr("course_utils.variants._can_ask", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": "typed-id")
    exec(cell.source, namespace)  # noqa: S102
    assert namespace["V"].student == "typed-id" and (tmp_path / ".course_student").read_text().strip() == "typed-id"
    monkeypatch.setattr("builtins.input", lambda prompt="": pytest.fail("asked twice"))
    exec(cell.source, namespace)  # noqa: S102
    assert namespace["V"].student == "typed-id"


@pytest.mark.slow
def test_a_class_that_swapped_answer_sheets(tmp_path):
    """Each student answers with literal numbers: their own, or a classmate's sheet. Graded with
    the id of the submission, each scores only what is right for their own variant."""
    from course_utils.grading.autotest import prepare
    from course_utils.grading.engine import grade_notebook
    from course_utils.grading.right_answers import right_submission

    settings = course_settings(ROOT)
    src = ROOT / "source/ps1_bargaining/ps1_bargaining.ipynb"
    source_nb, _ = prepare(src, ROOT)
    release = nbformat.read(str(ROOT / "release/ps1_bargaining/ps1_bargaining.ipynb"), as_version=4)
    cells = {"min_cost_nk_full": "ps1_a2_answer", "max_fall_p": "ps1_a3_answer", "p_war_shifted": "ps1_b2_answer"}
    tests = {"min_cost_nk_full": "ps1_a2_test", "max_fall_p": "ps1_a3_test", "p_war_shifted": "ps1_b2_test"}

    def sheet(owner: str) -> dict[str, str]:
        answers = _ps1_answers(settings.variant("ps1_bargaining", owner))
        return {cells[k]: f"{k} = {v!r}" for k, v in answers.items()}

    # alice answers honestly; bob copied alice's sheet; carol copied the base numbers
    for who, sheet_of in (("alice", "alice"), ("bob", "alice"), ("carol", None)):
        path = tmp_path / who / "ps1_bargaining.ipynb"
        path.parent.mkdir()
        path.write_text(right_submission(release, source_nb, sheet(sheet_of) if sheet_of else {
            cells[k]: f"{k} = {v!r}" for k, v in _ps1_answers(base("ps1_bargaining")).items()}), encoding="utf-8")
        grade = grade_notebook(path, src, student=who)
        lost = {gid for gid, p in grade.parts.items() if p.auto and (p.score or 0) < p.max_score}
        if who == "alice":
            assert not lost, lost
        else:
            assert lost == set(tests.values()), (who, lost)
        assert not grade.flags, grade.flags
