"""The answer policy of the problem sets (course_utils.answers), checked on its own.

Every check cell of ``source/ps*`` uses these functions, visible and hidden halves alike, so the
rules below are the rules students are graded by: 4 significant figures, the accepted types,
messages about precision rather than economics for values rounded too early, and the time a
function may take per call.
"""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from course_utils import answers
from course_utils.answers import (
    as_count,
    as_number,
    as_word,
    call,
    check_count,
    check_function,
    check_number,
    check_word,
    close,
    looks_rounded,
    note_precision,
    significant_figures,
)


def test_every_value_correctly_rounded_to_4_significant_figures_is_close():
    rng = random.Random(4)
    for _ in range(100_000):
        exact = rng.choice((-1, 1)) * rng.uniform(1, 10) * 10 ** rng.randint(-9, 5)
        assert close(float(f"{exact:.4g}"), exact), exact
        assert close(exact, exact)
    # the worst cases: a first figure of 1 and a value halfway between two 4-figure numbers
    for exact in (0.10005, 1.0005, 100.05, 1.00049999, 0.99995):
        assert close(float(f"{exact:.4g}"), exact)


def test_values_off_in_the_4th_figure_are_not_close():
    assert not close(0.4170, 5 / 12)  # 0.41667 to 4 figures is 0.4167
    assert not close(0.1002, 0.10005 - 1e-9)
    assert not close(1.002, 1.0)
    assert not close(-39.1, -39.0)


def test_near_zero_an_absolute_difference_of_a_millionth_is_enough():
    assert close(0.0, 1e-7) and close(5e-7, 0.0) and close(-1e-6, 0.0)
    assert not close(2e-6, 0.0) and not close(0.0, 3e-6)
    assert close(1.0006e-3, 1e-3)  # below 0.002 the absolute floor is the wider of the two
    assert close(1.0004e-2, 1e-2) and not close(1.0006e-2, 1e-2)


@pytest.mark.parametrize("value", [0.3, 3, -39, np.float64(0.3), np.float32(0.3), np.float16(0.3), np.int64(3),
                                   np.int32(3), np.uint8(3), np.longlong(3), np.array(0.3), np.array(3)])
def test_accepted_numbers(value):
    assert close(as_number(value, "x"), float(value))


class _Lying(float):
    def __eq__(self, other):
        return True


class _Meta(type):
    def __eq__(cls, other):
        return True

    __hash__ = type.__hash__


class _MetaFloat(float, metaclass=_Meta):
    pass


@pytest.mark.parametrize(("value", "words"), [
    (True, "True/False"), (np.bool_(False), "True/False"), ("0.3", "without quotes"), ([0.3], "a list of 1"),
    ((0.3, 0.2), "a tuple of 2"), (np.array([0.3]), "shape (1,)"), (np.array([[0.3]]), "shape (1, 1)"),
    (None, "None"), (1j, "complex"), (np.complex128(1), "complex"), (Fraction(1, 3), "a Fraction"),
    (Decimal("0.3"), "a Decimal"), (np.str_("0.3"), "NumPy string"), (np.array(True), "of bool"),
    (_Lying(0.3), "_Lying"), (_MetaFloat(0.3), "_MetaFloat"), (float("nan"), "not a finite number"),
    (np.float64("inf"), "not a finite number"),
])
def test_refused_values_say_what_they_are(value, words):
    with pytest.raises(AssertionError) as info:
        as_number(value, "x")
    assert str(info.value).startswith("x ") and words in str(info.value)


def test_counts_are_whole_numbers_of_any_accepted_type():
    for value in (32, 32.0, np.int64(32), np.float64(32.0), np.array(32)):
        assert as_count(value, "n") == 32 and type(as_count(value, "n")) is int
    for value, words in ((32.5, "whole number"), (True, "True/False"), ("32", "without quotes")):
        with pytest.raises(AssertionError, match=words):
            as_count(value, "n")


def test_words_are_python_strings_in_any_case():
    assert as_word(" Cap ", "menu_deal", ("cap", "full")) == "cap"
    with pytest.raises(AssertionError, match="must be one of"):
        as_word("capped", "menu_deal", ("cap", "full"))
    with pytest.raises(AssertionError, match=r"NumPy string \(numpy.str_\); convert it with str"):
        as_word(np.str_("cap"), "menu_deal", ("cap", "full"))
    with pytest.raises(AssertionError, match="not an int"):
        as_word(1, "menu_deal", ("cap", "full"))


def test_significant_figures_count_what_python_shows():
    assert [significant_figures(v) for v in (0.42, 0.0056, -39.0, 39, 5 / 12, 1e-05, 4.167e-05, 100.0)] == \
        [2, 2, 2, 2, 16, 1, 4, 1]
    assert significant_figures(np.float32(0.42)) == 2 and significant_figures(np.array(0.25)) == 2


def test_a_value_rounded_too_early_gets_a_message_about_precision():
    for short in (0.42, 0.417, np.float32(0.42), np.array(0.417)):
        assert looks_rounded(short, 5 / 12)
        with pytest.raises(AssertionError, match="agrees with the answer that far") as info:
            check_number(short, 5 / 12, "h_max", "solve the defender's condition for h")
        assert "defender" not in str(info.value)
    assert "4 decimal places" in _message(check_number, 0.0056, 0.05 / 9, "p", "hint")
    assert "cut off" in _message(check_number, 0.1239, 0.12399, "x", "hint")  # 4 figures, truncated


def test_a_wrong_value_gets_the_hint_not_a_message_about_precision():
    for wrong, exact in ((0.2, 0.3), (0.45, 0.25), (41.67, 5 / 12), (0.0233, 0.7767), (0.43, 5 / 12)):
        message = _message(check_number, wrong, exact, "x", "the hint")
        assert "the hint" in message and "agrees with the answer" not in message
    # short and close, but not the answer rounded (a figure that happens to match, a value cut
    # off, a neighbour): the hint, with an aside about precision
    for short, exact in ((0.4, 5 / 12), (0.41, 5 / 12), (0.12, 0.13)):
        assert not looks_rounded(short, exact)
        message = _message(check_number, short, exact, "x", "the hint")
        assert "the hint" in message and "if you rounded it" in message and "agrees with" not in message


def test_check_passes_correct_answers():
    check_number(np.float32(1 / 3), 1 / 3, "d")
    check_number(0.3333, 1 / 3, "d")
    check_count(np.float64(15.0), 15, "n")
    check_word("POOLING ", "pooling", "kind", ("pooling", "separating"))
    check_function(lambda x: np.float64(2 * x), "double", lambda x: 2 * x, [(0.1,), (3,)])
    check_function(lambda n: float(n), "same", lambda n: n, [(4,)], count=True)


def test_check_function_names_the_failing_call():
    message = _message(check_function, lambda x: 2 * x + 1, "double", lambda x: 2 * x, [(0.5,), (3,)], "twice x")
    assert message.startswith("double(0.5) returned 2.0, which is not right: twice x")
    message = _message(check_function, lambda x: round(2 * x / 3, 2), "f", lambda x: 2 * x / 3, [(0.5,)], "hint")
    assert "the result of f(0.5) = 0.33" in message and "agrees with the answer that far" in message
    message = _message(check_function, lambda x: [x], "f", lambda x: x, [(0.5,)], "hint")
    assert "the result of f(0.5) must be one number" in message


def test_a_call_over_the_time_budget_is_refused(monkeypatch):
    ticks = iter((0.0, answers.SECONDS_PER_CALL + 0.05, 1.0, 1.0))
    monkeypatch.setattr(answers.time, "process_time", lambda: next(ticks))
    with pytest.raises(AssertionError, match=r"optimal_demand\(0.5, 0.1\) took 0.15 s of computing"):
        call(lambda *a: 0.7, 0.5, 0.1, name="optimal_demand")
    assert call(lambda: 3) == 3


def test_the_note_on_precision_is_printed_never_raised(capsys):
    note_precision(0.42, "h_max")
    note_precision(5 / 12, "h_max")
    note_precision("0.42", "h_max")  # a refused value is the type check's business
    out = capsys.readouterr().out
    assert out.count("Note on precision") == 1 and "h_max = 0.42 shows 2 significant figure(s)" in out


def _message(function, *args) -> str:
    with pytest.raises(AssertionError) as info:
        function(*args)
    return str(info.value)
