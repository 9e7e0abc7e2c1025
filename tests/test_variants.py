"""Per-student variants (course_utils/variants.py) for ps1 and ps2: stability, independence, the
same kind of answer for every variant (proved over the ranges' corners, a dense sample and, where a
count could sit on a knife edge, every variant there is), the switch, the first cell (hub user,
asked once, headless), the build's proofs (solution, blank, RIGHT, WRONG, swapped sheets, leaks,
roster), the report's look across variants, feedback and selfgrade with the student's own numbers,
and a class whose students swapped answer sheets, graded through the real engine and judge."""

from __future__ import annotations

import copy
import itertools
import json
import math
import random
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_utils.grading.right_answers import load_right_answers, load_wrong_answers, right_submission
from course_utils.grading.variant_proof import (
    RosterError,
    prove_variants,
    read_roster,
    solution_values,
    variant_leaks,
)
from course_utils.variants import SPECS, Settings, base, course_settings, derive, identify, table

ROOT = Path(__file__).resolve().parents[1]
SALT = "test-salt"
CLASS = [f"s{n:03d}" for n in range(200)]
VARIED = ("ps1_bargaining", "ps2_deterrence")


def source(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(str(ROOT / "source" / assignment / f"{assignment}.ipynb"), as_version=4)


def release(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(str(ROOT / "release" / assignment / f"{assignment}.ipynb"), as_version=4)


@pytest.fixture(scope="module")
def class_answers() -> dict[str, dict[str, dict]]:
    """What the reference solution answers for each of the 200 students' variants (in-process)."""
    return {a: solution_values(source(a), a, SALT, CLASS) for a in VARIED}


# --------------------------------------------------------------------------- stability
def test_same_id_same_numbers_across_runs_and_processes():
    for assignment in VARIED:
        here = derive(assignment, "alice", SALT).as_dict()
        assert derive(assignment, "alice", SALT).as_dict() == here
        code = ("import json; from course_utils.variants import derive; "
                f"print(json.dumps(derive({assignment!r}, 'alice', {SALT!r}).as_dict()))")
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
        assert json.loads(other.stdout) == here
        assert here == derive(assignment, " alice ", SALT).as_dict()
    # the derivation is pinned: these numbers are the same on every machine, this term and next
    # year's rebuild; a change to variants.py that moved them would change every student's numbers
    ps1 = derive("ps1_bargaining", "alice", SALT)
    assert (ps1.p, ps1.cost_us, ps1.cost_nk, ps1.c_weight_us, ps1.d_us, ps1.e_region_e) == (
        0.715, 0.234, 0.177, 0.633, 0.84, 0.881)
    ps2 = derive("ps2_deterrence", "alice", SALT)
    assert (ps2.a_target, ps2.a_t_us, ps2.b_war_cost, ps2.c_cost, ps2.d_delta, ps2.e_prior) == (
        0.058, 2.2, 27.0, 3.6, 0.882, 0.255)


def test_salt_assignment_and_id_each_change_the_numbers():
    for assignment in VARIED:
        v = derive(assignment, "alice", SALT).as_dict()
        assert derive(assignment, "alice", "next-term").as_dict() != v
        assert derive(assignment, "bob", SALT).as_dict() != v


# --------------------------------------------------------------------------- independence
def test_a_class_of_200_gets_different_numbers_in_every_numeric_part(class_answers):
    for assignment, answers in class_answers.items():
        variants = [derive(assignment, s, SALT) for s in CLASS]
        assert len({tuple(v.as_dict().values()) for v in variants}) == len(CLASS)
        for name in answers[CLASS[0]]:
            values = [answers[s][name] for s in CLASS]
            if isinstance(values[0], str):
                continue  # a word: the same kind of answer for everyone (next test)
            # answers within the policy's 4 significant figures of each other count as the same
            distinct = {f"{x:.4g}" for x in values}
            if all(float(x).is_integer() for x in values):  # a count: few values exist
                assert len(distinct) >= 5, (assignment, name, sorted(distinct))
                same = sum(values[k] == values[k + 1] for k in range(len(values) - 1))
                assert same <= 0.6 * len(values), (assignment, name, same)
            else:
                assert len(distinct) >= 0.35 * len(CLASS), (assignment, name, len(distinct))
                same = sum(f"{values[k]:.4g}" == f"{values[k + 1]:.4g}" for k in range(len(values) - 1))
                assert same <= 0.05 * len(values), (assignment, name, same)
        for name, param in SPECS[assignment].items():
            drawn = [v[name] for v in variants]
            assert all(param.low <= x <= param.high for x in drawn), name
            assert param.low <= param.base <= param.high, name
            assert len(set(drawn)) >= 5, name


# --------------------------------------------------------------------------- the same kind of answer
#: what each answer is for every variant: a word that does not change, or a number in a range
KIND = {
    "ps1_bargaining": {"menu_deal": "cap", "us_ahead_when": "odd", "best_guarantee": "region",
                       "min_cost_nk_full": (0.25, 0.35), "max_fall_p": (0.15, 0.35), "p_war_shifted": (0.1, 0.4),
                       "nk_gain": (0.1, 0.2), "d_nk_needed": (0.25, 0.4), "rounds_needed": (34, 52),
                       "max_denuclearization": (0.85, 0.95)},
    "ps2_deterrence": {"nk_dare_change": "decreases", "us_dare_change": "unchanged", "signal_kind": "pooling",
                       "crash_payoff_us": (-60, -25), "p_crash_new": (0.003, 0.009), "h_max": (0.3, 0.55),
                       "crises_to_even_odds": (9, 13), "n_needed": (10, 27), "p_later_threshold": (0.7, 0.84),
                       "k_needed": (0.1, 0.3), "installment": (0.3, 0.85), "belief_6_months": (0.5, 0.9)},
}
#: the answers before variants (the base numbers must still give them)
BASE_ANSWERS = {
    "ps1_bargaining": {"min_cost_nk_full": 0.3, "max_fall_p": 0.25, "p_war_shifted": 0.25, "nk_gain": 0.13,
                       "d_nk_needed": 1 / 3, "rounds_needed": 42, "max_denuclearization": 0.9},
    "ps2_deterrence": {"crash_payoff_us": -39, "p_crash_new": 0.05 / 9, "h_max": 2 / 4.8, "crises_to_even_odds": 10,
                       "n_needed": 15, "p_later_threshold": 0.8 - 0.1 * 0.21 / 0.9, "k_needed": 0.2,
                       "installment": 0.56, "belief_6_months": 0.3 * 0.95 ** 6 / (0.3 * 0.95 ** 6 + 0.7 * 0.7 ** 6)},
}


def test_every_variant_of_the_class_has_the_same_kind_of_answer(class_answers):
    for assignment, answers in class_answers.items():
        assert set(KIND[assignment]) == set(answers[CLASS[0]]), assignment
        for student in CLASS:
            for name, kind in KIND[assignment].items():
                got = answers[student][name]
                if isinstance(kind, str):
                    assert got == kind, (assignment, student, name, got)
                else:
                    assert kind[0] <= got <= kind[1], (assignment, student, name, got)
        base_values = solution_values(source(assignment), assignment, SALT, ["x"], enabled=False)["x"]
        for name, want in BASE_ANSWERS[assignment].items():
            assert math.isclose(base_values[name], want, rel_tol=1e-9), (assignment, name, base_values[name], want)


def _corners_and_sample(assignment: str, names: list[str], n: int = 2000):
    """Every corner of the named parameters' ranges, then ``n`` random points inside them."""
    spec = SPECS[assignment]
    for corner in itertools.product(*[(spec[k].low, spec[k].high) for k in names]):
        yield dict(zip(names, corner))
    rng = random.Random(f"{assignment}-{','.join(names)}")
    for _ in range(n):
        yield {k: rng.uniform(spec[k].low, spec[k].high) for k in names}


def _grid(assignment: str, name: str) -> list[float]:
    """Every value a parameter can take (ranges are drawn rounded to ``digits`` decimals)."""
    p = SPECS[assignment][name]
    step = 10 ** -p.digits
    return [round(p.low + k * step, p.digits) for k in range(round((p.high - p.low) / step) + 1)]


def test_the_ranges_keep_every_regime_at_corners_and_a_dense_sample():
    from course_utils.models import chicken_asymmetric, issue_linkage, moratorium_signal

    for v in _corners_and_sample("ps1_bargaining", ["p", "cost_us", "cost_nk"]):
        low, high = v["p"] - v["cost_us"], v["p"] + v["cost_nk"]
        assert 0.30 + 0.01 < high and low < 0.60 - 0.01 and 0.60 + 0.01 < high < 1.0 - 0.01  # "cap", never "full"
        assert 1.0 - v["p"] > v["cost_nk"] + 0.01  # A2's visible hint holds
    for v in _corners_and_sample("ps1_bargaining", ["b_p", "b_cost_us", "b_low", "b_high"]):
        interior = (v["b_high"] - v["b_cost_us"]) / 2
        assert interior > v["b_low"] + 0.01 and v["b_p"] + interior < 1.0  # B2: interior demand
    for v in _corners_and_sample("ps1_bargaining", ["c_weight_us", "c_dnk_before", "c_dnk_after", "c_target"]):
        assert v["c_dnk_after"] - v["c_dnk_before"] >= 0.11 - 1e-12  # w_US read as NK's weight never agrees
        d = (v["c_target"] - (1 - v["c_weight_us"]) * 0.5) / v["c_weight_us"]
        assert 0.25 < d < 0.4  # C2 inside (0, 0.5): d_US + d_NK < 1
    names = [f"e_{g}_{x}" for g in ("troops", "region", "arsenal") for x in ("b", "e")]
    for v in _corners_and_sample("ps1_bargaining", names, 500):
        most = {g: (min(1.0, v[f"e_{g}_e"]) if issue_linkage(1.0, v[f"e_{g}_b"], v[f"e_{g}_e"], 1.0).gains_exist
                    else 0.0) for g in ("troops", "region", "arsenal")}
        assert max(most, key=most.get) == "region" and most["region"] - most["troops"] > 0.1
    for v in _corners_and_sample("ps2_deterrence", ["a_target", "a_t_us", "a_p_nk"]):
        crash = -1 - v["a_t_us"] * (1 / v["a_target"] - 1)
        eq = chicken_asymmetric((v["a_t_us"], 0, -1, crash), (1, 0, -2, v["a_p_nk"]))  # a valid chicken game
        assert math.isclose(eq.p_dare_b, v["a_target"]) and crash < -20  # A3/A4's reading holds
    for v in _corners_and_sample("ps2_deterrence", ["b_q", "b_loss", "b_war_cost"]):
        assert v["b_loss"] / (v["b_loss"] + v["b_q"] * (v["b_war_cost"] - v["b_loss"])) > 0.3
        assert 0.75 * v["b_loss"] / (0.25 * (v["b_war_cost"] - v["b_loss"])) > v["b_q"]  # B1's visible hint holds
    for v in _corners_and_sample("ps2_deterrence", ["d_delta", "d_p1", "d_cost", "d_r_armed", "d_r_disarmed",
                                                    "d_survive"], 500):
        p2 = v["d_p1"] - (1 - v["d_delta"]) * ((1 - v["d_p1"]) + (1 - v["d_delta"]) * v["d_cost"]) / v["d_delta"]
        assert 0.5 < p2 < v["d_p1"]
        k = v["d_r_armed"] - v["d_r_disarmed"] - (1 - v["d_delta"])
        assert 0.05 < k < v["d_r_armed"]
        sure = v["d_r_armed"] - 0.1 - v["d_r_disarmed"]
        assert sure > 0.05 and sure / (1 - v["d_delta"]) * (1 - v["d_delta"] * v["d_survive"]) > sure
    for v in _corners_and_sample("ps2_deterrence", ["e_v_sincere", "e_v_stalling", "e_cost", "e_prior",
                                                    "e_keep_sincere", "e_keep_stalling"], 500):
        assert moratorium_signal(0.5, v["e_v_sincere"], v["e_v_stalling"], v["e_cost"]).kind == "pooling"
        assert v["e_cost"] < v["e_v_stalling"] - 0.02 and v["e_keep_sincere"] > v["e_keep_stalling"] + 0.1


def test_no_count_sits_on_a_knife_edge_for_any_variant():
    """Counts change in steps: for every variant there is (the parameters are drawn rounded), the
    quantity compared with its threshold stays clear of it, so a closed form and a loop agree."""
    # ps1 D2: every deadline's share stays more than 1e-7 from the 0.01 band's edge
    worst, counts = 1.0, set()
    for d_us in _grid("ps1_bargaining", "d_us"):
        for d_nk in _grid("ps1_bargaining", "d_nk"):
            limit, share, gaps = (1 - d_nk) / (1 - d_us * d_nk), 1.0, []
            shares = [1.0]
            for n in range(2, 201):  # shares by backward induction, built forward two at a time
                share = 1.0
                for k in range(n - 1, 0, -1):
                    share = 1.0 - (d_nk if k % 2 == 1 else d_us) * share
                shares.append(share)
            gaps = [abs(s - limit) for s in shares]
            worst = min(worst, min(abs(g - 0.01) for g in gaps))
            counts.add(max(n for n, g in enumerate(gaps, 1) if g >= 0.01) + 1)
    assert worst > 1e-7 and min(counts) >= 34 and max(counts) <= 52, (worst, sorted(counts))
    # ps2 B3: no cumulative risk within 1e-6 of 0.5, and no crisis's risk reaches the cap before it
    worst = 1.0
    for q in _grid("ps2_deterrence", "b3_q"):
        for g in _grid("ps2_deterrence", "b3_growth"):
            peace, n = 1.0, 0
            while 1 - peace < 0.5:
                assert q * g ** n < 1
                peace *= 1 - q * g ** n
                n += 1
                worst = min(worst, abs(1 - peace - 0.5))
    assert worst > 1e-6, worst
    # ps2 C2: log(C/(B+C)) / log(1 - s a) is never within 1e-6 of a whole number
    worst = min(abs(x - round(x)) for c in _grid("ps2_deterrence", "c_cost") for s in _grid("ps2_deterrence", "c_survive")
                for a in _grid("ps2_deterrence", "c_penetrate")
                for x in [math.log(c / (1 + c)) / math.log(1 - s * a)])
    assert worst > 1e-6, worst


# --------------------------------------------------------------------------- the switch and the config
def test_no_student_no_salt_or_switched_off_gives_the_base():
    for assignment in VARIED:
        assert derive(assignment, None, SALT).as_dict() == base(assignment).as_dict()
        assert derive(assignment, "alice", "").as_dict() == base(assignment).as_dict()
        off = Settings(SALT, frozenset({assignment}))
        assert not off.enabled(assignment)
        assert off.variant(assignment, "alice").as_dict() == base(assignment).as_dict()
        assert Settings(SALT).variant(assignment, "alice").as_dict() == derive(assignment, "alice", SALT).as_dict()


def test_the_course_config_sets_the_salt_and_prints_the_table(capsys, tmp_path):
    from course_utils.cli import main

    settings = course_settings(ROOT)
    assert settings.salt and all(settings.enabled(a) for a in VARIED)
    rows = table("ps2_deterrence", ["alice", "bob"], settings.salt)
    assert [r["student"] for r in rows] == ["alice", "bob"] and set(rows[0]) > {"a_target", "d_delta"}
    assert main(["--course-dir", str(ROOT), "variants", "ps2_deterrence", "alice", "bob"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].split("\t")[:2] == ["student", "a_target"] and printed[1].startswith("alice\t")
    assert printed[1].split("\t")[1] == f"{settings.variant('ps2_deterrence', 'alice').a_target:g}"
    roster = tmp_path / "class.csv"
    roster.write_text("student_id,name\nalice,Alice\nbob,Bob\n")
    assert main(["--course-dir", str(ROOT), "variants", "ps2_deterrence", f"@{roster}"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == printed[1:]
    assert main(["--course-dir", str(ROOT), "variants", "ps2_deterrence", f"@{tmp_path / 'none.csv'}"]) == 1
    assert "no such file" in capsys.readouterr().err


# --------------------------------------------------------------------------- the first cell
@pytest.mark.parametrize("assignment", VARIED)
def test_the_release_ships_the_salt_and_finds_the_student(assignment, monkeypatch, tmp_path, capsys):
    released = release(assignment)
    cell = next(c for c in released.cells if c.metadata.get("course", {}).get("variant"))
    assert released.cells.index(cell) == 1 and course_settings(ROOT).salt in cell.source
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COURSE_STUDENT", raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "hubuser")
    namespace: dict = {}
    exec(cell.source, namespace)  # noqa: S102 - the course's own cell
    assert namespace["V"].student == "hubuser"
    assert namespace["V"].as_dict() == course_settings(ROOT).variant(assignment, "hubuser").as_dict()
    assert "your user on the hub" in capsys.readouterr().out
    # elsewhere (JupyterLab, a terminal) it asks once and remembers the id next to the notebook
    monkeypatch.delenv("JUPYTERHUB_USER")
    monkeypatch.setattr("course_utils.variants._can_ask", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": "typed-id")
    exec(cell.source, namespace)  # noqa: S102
    assert namespace["V"].student == "typed-id" and (tmp_path / ".course_student").read_text().strip() == "typed-id"
    monkeypatch.setattr("builtins.input", lambda prompt="": pytest.fail("asked twice"))
    exec(cell.source, namespace)  # noqa: S102
    assert namespace["V"].student == "typed-id"


def test_a_headless_run_without_an_id_goes_on_with_the_base_numbers(monkeypatch, tmp_path, capsys):
    """nbconvert/papermill/CI: nothing can be typed, so the cell neither waits nor fails; it says
    the numbers are the base ones and how to give an id; COURSE_STUDENT gives one."""
    cell = next(c for c in release("ps1_bargaining").cells if c.metadata.get("course", {}).get("variant"))
    monkeypatch.chdir(tmp_path)
    for name in ("JUPYTERHUB_USER", "COURSE_STUDENT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt="": pytest.fail("a headless run must not ask"))
    namespace: dict = {}
    exec(cell.source, namespace)  # noqa: S102 - stdin is not a terminal under pytest: headless
    shown = capsys.readouterr().out
    assert namespace["V"].as_dict() == base("ps1_bargaining").as_dict() and not namespace["V"].enabled
    assert "Not your own numbers" in shown and "COURSE_STUDENT" in shown and ".course_student" in shown
    monkeypatch.setenv("COURSE_STUDENT", "ci-student")
    exec(cell.source, namespace)  # noqa: S102
    assert namespace["V"].as_dict() == course_settings(ROOT).variant("ps1_bargaining", "ci-student").as_dict()


@pytest.mark.slow
def test_run_all_headless_does_not_stop_at_the_id_prompt(tmp_path):
    """The release executed by nbclient (no stdin, as nbconvert and CI run it), answers pasted in:
    the first cell shows the base numbers with its note, and every check cell passes."""
    from nbclient import NotebookClient

    from course_utils.grading.synthetic import make_submission

    src, rel = source("ps1_bargaining"), release("ps1_bargaining")
    nb = nbformat.reads(make_submission(rel, src, "correct"), as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    first = json.dumps(nb.cells[1].outputs)
    assert "Not your own numbers" in first and "headless" in first


# --------------------------------------------------------------------------- the build's proofs
def test_roster_files_are_read_or_refused_clearly(tmp_path):
    plain = tmp_path / "ids.txt"
    plain.write_text("alice\n\n# a comment\nbob\nalice\n")
    assert read_roster(plain) == ["alice", "bob"]
    csv_file = tmp_path / "class.csv"
    csv_file.write_text("Name,Student_ID,email\nAlice A,a001,a@x\nBob B,b002,b@x\n")
    assert read_roster(csv_file) == ["a001", "b002"]
    for text, words in (("", "no student ids"), ("name,email\nAlice,a@x\n", "needs a column named student_id"),
                        ("student_id,name\n,Alice\n", "line 2 has no")):
        bad = tmp_path / "bad.csv"
        bad.write_text(text)
        with pytest.raises(RosterError, match=words):
            read_roster(bad)
    with pytest.raises(RosterError, match="no such file"):
        read_roster(tmp_path / "missing.csv")
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(RosterError, match="UTF-8"):
        read_roster(tmp_path / "binary.csv")


def test_course_build_refuses_a_bad_roster_file(tmp_path, capsys):
    from course_utils.cli import main

    bad = tmp_path / "roster.csv"
    bad.write_text("name,email\nAlice,a@x\n")
    assert main(["--course-dir", str(ROOT), "build", "ps1_bargaining", "--roster", str(bad)]) == 1
    assert "needs a column named student_id" in capsys.readouterr().err


@pytest.mark.parametrize("assignment", VARIED)
def test_the_variant_proof_holds_for_a_roster_and_sampled_ids(assignment):
    """In-process, as ``course build`` runs it (the build runs 200 ids; the tests of the build
    below run it whole): full marks, zero, every RIGHT round in full, every WRONG round losing
    exactly its parts, and no other student's answer sheet passing where the answers differ."""
    roster = ["a.student", "b.student", "Jane Doe"]
    proof = prove_variants(source(assignment), assignment, SALT, roster + ["s1", "s2"],
                           right=load_right_answers(ROOT, assignment), wrong=load_wrong_answers(ROOT, assignment))
    assert not proof.problems, proof.problems[:5]
    assert proof.variants == proof.full == proof.blank_zero == 5
    assert proof.right_full == proof.right_rounds == 20
    assert proof.wrong_caught == proof.wrong_rounds > 0
    assert proof.swapped_caught == proof.swapped_parts > 10


def test_the_proof_catches_a_hidden_test_that_ignores_the_variant():
    """A hidden test hard-coding the base answer fails the solution for every other variant."""
    nb = copy.deepcopy(source("ps1_bargaining"))
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ps1_a2_test")
    cell.source = cell.source.replace("1.00 - _models.bargaining_range(_V.p, _V.cost_us, 0.0).high", "0.3")
    proof = prove_variants(nb, "ps1_bargaining", SALT, ["s1", "s2", "s3"])
    assert proof.full == 0 and any("ps1_a2_test" in p for p in proof.problems)


def test_no_variant_numbers_in_the_release():
    for assignment in VARIED:
        released = release(assignment)
        assert variant_leaks(released, assignment, SALT, CLASS) == []
        assert variant_leaks(released, assignment, course_settings(ROOT).salt, CLASS) == []
        leaky = copy.deepcopy(released)
        shown = derive(assignment, "s007", SALT)
        name = next(k for k, v in shown.items() if len(f"{v:g}".split(".")[-1]) >= 3 and v != base(assignment)[k])
        leaky.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{name} = {shown[name]:g}\n")]
        assert variant_leaks(leaky, assignment, SALT, CLASS)  # its value, whoever else shares it
        found = variant_leaks(leaky, assignment, SALT, ["s007"])
        assert found and "'s007'" in found[0] and name in found[0] and f"{shown[name]:g}" in found[0]


# --------------------------------------------------------------------------- report, feedback, selfgrade
def test_the_report_flags_a_range_that_is_harder(tmp_path):
    from course_utils.grading.variant_report import part_parameters, range_flags

    assert part_parameters("ps1_bargaining", ["ps1_a2_test", "ps1_b1_test"]) == {"ps1_a2_test": ["p"]}
    spec = SPECS["ps1_bargaining"]["p"]
    third = spec.low + (spec.high - spec.low) / 3
    shares = {}
    for s in CLASS:
        v = derive("ps1_bargaining", s, SALT)
        shares[s] = {"ps1_a2_test": 0.0 if v.p < third else 1.0, "ps1_a3_test": 1.0 if int(s[1:]) % 3 else 0.0}
    flags, table_rows = range_flags("ps1_bargaining", SALT, shares)
    flagged = {(f.part, f.parameter, f.third) for f in flags}
    assert ("ps1_a2_test", "p", "lower") in flagged
    assert not any(f.part == "ps1_a3_test" for f in flags), flags  # failures unrelated to the numbers
    assert {(p, n) for p, n, _ in table_rows} >= {("ps1_a2_test", "p"), ("ps1_a3_test", "p"), ("ps1_a3_test", "cost_nk")}


def test_feedback_shows_each_student_their_own_numbers():
    from course_utils.grading.feedback import render_feedback

    nb = release("ps2_deterrence")
    settings = course_settings(ROOT)
    pages = {s: render_feedback(nb, {}, student_id=s, assignment="ps2_deterrence", notebook="ps2_deterrence",
                                flags=[], numbers=settings.variant("ps2_deterrence", s).as_dict())
             for s in ("alice", "bob")}
    for me, other in (("alice", "bob"), ("bob", "alice")):
        mine, theirs = settings.variant("ps2_deterrence", me), settings.variant("ps2_deterrence", other)
        assert "Your numbers" in pages[me]
        assert f"<code>V.b_q</code></td><td>{mine.b_q:g}<" in pages[me]
        differing = [k for k in mine if f"{theirs[k]:g}" != f"{mine[k]:g}"]
        assert differing and all(f"<td>{theirs[k]:g}</td>" not in pages[me] for k in differing
                                 if len(f"{theirs[k]:g}") >= 5)


def _literal_sheet(assignment: str, owner: str | None) -> dict[str, str]:
    """The numeric answers of ``owner``'s variant (the base numbers for None) typed as literals."""
    settings = course_settings(ROOT)
    nb = source(assignment)
    values = solution_values(nb, assignment, settings.salt, [owner or "-"], enabled=owner is not None)[owner or "-"]
    sheet = {}
    cells = nb.cells
    for k, cell in enumerate(cells):
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            test = cells[k + 1].source if k + 1 < len(cells) else ""
            for name, value in values.items():
                if f"check_number({name}" in test or f"check_count({name}" in test:
                    sheet[gid] = f"{name} = {value!r}"
    return sheet


@pytest.mark.slow
@pytest.mark.parametrize("assignment", VARIED)
def test_a_class_that_swapped_answer_sheets(assignment, tmp_path):
    """Each student answers every numeric part with literal numbers: their own, a classmate's
    sheet, or the base numbers. Graded through the engine and the judge with the id of the
    submission, each scores only what is right for their own variant."""
    from course_utils.grading.autotest import prepare
    from course_utils.grading.engine import grade_notebook

    src = ROOT / "source" / assignment / f"{assignment}.ipynb"
    source_nb, _ = prepare(src, ROOT)
    released = release(assignment)
    import ast

    import course_utils.answers as policy

    own = _literal_sheet(assignment, "alice")
    numeric_tests = {gid.replace("_answer", "_test") for gid in own}
    assert len(numeric_tests) >= 7

    def shared(sheet: dict[str, str], who: str) -> set[str]:
        """The parts where ``sheet`` is also right for ``who`` (two students may share a count)."""
        right = _literal_sheet(assignment, who)
        value = {g: ast.literal_eval(t.split(" = ", 1)[1]) for g, t in right.items()}
        return {g.replace("_answer", "_test") for g, t in sheet.items()
                if policy.close(ast.literal_eval(t.split(" = ", 1)[1]), value[g])}

    for who, sheet in (("alice", own), ("bob", own), ("carol", _literal_sheet(assignment, None))):
        path = tmp_path / who / f"{assignment}.ipynb"
        path.parent.mkdir()
        path.write_text(right_submission(released, source_nb, sheet), encoding="utf-8")
        grade = grade_notebook(path, src, student=who, prestart=who != "carol")
        lost = {gid for gid, p in grade.parts.items() if p.auto and (p.score or 0) < p.max_score}
        if who == "alice":
            assert not lost, lost
        else:  # bob copied alice's sheet, carol the base numbers: only what is also right for them stands
            same = shared(sheet, who)
            assert len(same) <= 2 and lost == numeric_tests - same, (who, lost, same)
        assert not grade.flags, grade.flags


@pytest.mark.slow
def test_selfgrade_grades_a_learner_against_their_own_numbers(tmp_path):
    """A self-study learner's notebook remembers their id (.course_student): selfgrade prints
    their numbers and gives full marks to their own answers, not to another learner's."""
    from course_utils.grading.course import load_course
    from course_utils.grading.selfgrade import selfgrade

    course = load_course(ROOT)
    src = source("ps2_deterrence")
    for who, owner in (("learner-7", "learner-7"), ("learner-8", "learner-7")):
        folder = tmp_path / who
        folder.mkdir()
        (folder / ".course_student").write_text(who + "\n")
        path = folder / "ps2_deterrence.ipynb"
        path.write_text(right_submission(release("ps2_deterrence"), src, _literal_sheet("ps2_deterrence", owner)),
                        encoding="utf-8")
        lines: list[str] = []
        assert selfgrade(course, path, echo=lines.append) == 0
        text = "\n".join(lines)
        mine = course_settings(ROOT).variant("ps2_deterrence", who)
        assert f"the numbers of {who}" in text and f"b_q = {mine.b_q:g}" in text
        score = next(line for line in lines if line.startswith("Automatic score"))
        if who == owner:
            assert score.startswith("Automatic score: 41 / 41"), text
        else:
            assert not score.startswith("Automatic score: 41 / 41"), text
