"""The report's statistics against independent reference computations: Cronbach's alpha with
NumPy's variances (the textbook formula written out here), the corrected item-total
discrimination with SciPy's Pearson correlation, difficulty by hand; the edge cases where they
are not defined; flags and hints grouped. No kernel runs here."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from course_utils.grading import analytics

RNG = np.random.default_rng(18)


def _class(n: int = 40) -> tuple[list[dict[str, float | None]], dict[str, float]]:
    """A class whose parts depend on one ability, plus one part of pure noise."""
    ability = RNG.normal(size=n)
    points = {"q1": 2.0, "q2": 1.0, "q3": 3.0, "noise": 1.0}
    rows = []
    for a in ability:
        rows.append({
            "q1": float(np.clip(np.round(1 + a + RNG.normal(scale=0.5)), 0, 2)),
            "q2": float(a + RNG.normal(scale=0.7) > 0),
            "q3": float(np.clip(np.round(1.5 + 1.2 * a + RNG.normal(scale=0.8)), 0, 3)),
            "noise": float(RNG.random() > 0.5),
        })
    return rows, points


def _reference_alpha(x: np.ndarray) -> float:
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def test_alpha_matches_the_textbook_formula():
    rows, points = _class()
    parts = list(points)
    x = np.array([[r[p] for p in parts] for r in rows])
    result = analytics.cronbach_alpha(rows, parts)
    assert result.alpha == pytest.approx(_reference_alpha(x), abs=1e-12)
    assert result.students == 40 and result.parts == parts
    # three nearly parallel parts are more reliable than the same three with noise added
    assert analytics.cronbach_alpha(rows, ["q1", "q2", "q3"]).alpha > result.alpha > 0.3


def test_discrimination_matches_scipy_and_finds_the_noise():
    rows, points = _class()
    parts = list(points)
    got = analytics.corrected_item_total(rows, parts)
    for part in parts:
        item = [r[part] for r in rows]
        rest = [sum(r[p] for p in parts if p != part) for r in rows]
        assert got[part] == pytest.approx(stats.pearsonr(item, rest)[0], abs=1e-12)
    assert min(got, key=lambda p: got[p]) == "noise" and got["q3"] > 0.4


def test_difficulty_is_the_mean_share_and_pending_parts_are_left_out():
    rows = [{"a": 2.0, "b": 1.0, "c": 1.0, "w": None}, {"a": 1.0, "b": 1.0, "c": 0.0, "w": 1.0},
            {"a": 0.0, "b": 0.0, "c": 0.0, "w": 2.0}, {"a": 1.0, "b": 0.0, "c": 1.0, "w": 0.0}]
    diagnosis = {d.part: d for d in analytics.diagnose(rows, {"a": 2.0, "b": 1.0, "c": 1.0, "w": 2.0})}
    assert diagnosis["a"].difficulty == pytest.approx(4 / 4 / 2)
    assert diagnosis["w"].difficulty == pytest.approx(3 / 3 / 2)  # the pending one is not a zero
    # the part still waiting for a grade is left out, not the student who waits: the others are
    # diagnosed over all four students
    assert diagnosis["w"].discrimination is None
    assert diagnosis["a"].discrimination == pytest.approx(stats.pearsonr([2, 1, 0, 1], [2, 1, 0, 1])[0])
    assert diagnosis["c"].discrimination == pytest.approx(stats.pearsonr([1, 0, 0, 1], [3, 2, 0, 1])[0])
    assert analytics.complete_parts(rows, ["a", "b", "c", "w"]) == ["a", "b", "c"]


def test_undefined_cases_say_so():
    same = [{"a": 1.0, "b": 0.0}, {"a": 1.0, "b": 1.0}, {"a": 1.0, "b": 0.0}]
    assert analytics.corrected_item_total(same, ["a", "b"])["a"] is None  # no variance
    assert analytics.cronbach_alpha(same, ["a", "b"]).alpha is None       # one varying part
    assert analytics.cronbach_alpha(same[:2], ["a", "b"]).alpha is None   # two students
    assert analytics.corrected_item_total(same, ["a"]) == {"a": None}


def test_flags_and_hints_are_grouped():
    kinds = analytics.flag_kinds(["test cell 'q1' was edited; restored", "test cell 'q7' was edited; restored",
                                  "the notebook ran out of time"])
    assert kinds.most_common(1) == [("test cell … was edited; restored", 2)]
    run = "Run your answer cell"
    hints = analytics.hint_counts({"q1": [("NameError: x", run), ("NameError: y", run),
                                          ("AssertionError: Define x first", "")]})
    assert hints["q1"][run] == 2 and hints["q1"]["AssertionError: Define x first"] == 1


def test_reading_words():
    assert "poorly" in analytics.reading(0.5, 0.1)
    assert "check the test" in analytics.reading(0.5, -0.3)
    assert "hard for most" in analytics.reading(0.2, None)
