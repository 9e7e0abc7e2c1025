"""The problem sets' answer policy, written once: what counts as a correct answer, and what a
student is told when an answer is not one.

Every check cell of ``source/ps*/`` imports from here: the visible checks a student runs (and
**Validate**) and the hidden tests that decide the points, so the two can never disagree about
a type, a tolerance or a time limit. The policy, as each problem set states it at the top:

- **Numbers** are correct when they agree with the exact answer to 4 significant figures: any
  value within a relative difference of :data:`REL_TOL` (0.05 %) of it, which every value
  correctly rounded to 4 significant figures is (the rounding error of a 4-figure value is at
  most half a unit in its 4th figure, i.e. at most 0.05 % of it). Near 0, where significant
  figures stop meaning anything, an absolute difference of :data:`ABS_TOL` (10⁻⁶) is enough.
- **Types**: a number is an ``int``, a ``float``, a NumPy integer or floating scalar, or a
  0-dimensional NumPy array of one; ``bool``, strings, lists, tuples, arrays with a dimension
  (even of one element), ``None``, complex numbers and other objects are refused with a message
  saying what to do. A count is such a number with a whole value. A word is a Python ``str``,
  compared without regard to case or surrounding spaces.
- **Functions** are called only inside the domain their question states, and each call may take
  :data:`SECONDS_PER_CALL` of computing (CPU) time in the student's kernel.

The rules use only exact type checks and the checks' own arithmetic, so a student's object
cannot talk its way through them; when grading runs in a separate judge process the values
arrive there as plain data of these same types.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = [
    "ABS_TOL",
    "REL_TOL",
    "SECONDS_PER_CALL",
    "SIG_FIGS",
    "as_count",
    "as_number",
    "as_word",
    "call",
    "check_count",
    "check_function",
    "check_number",
    "check_word",
    "close",
    "looks_rounded",
    "note_precision",
    "significant_figures",
]

#: Significant figures an answer must be correct to.
SIG_FIGS = 4
#: Largest relative difference from the exact answer that is accepted (half a unit in the 4th
#: significant figure of a number whose first figure is 1: the worst case of rounding).
REL_TOL = 5e-4
#: Largest absolute difference accepted for answers within 10⁻⁶ of 0.
ABS_TOL = 1e-6
#: Longest a function may compute per call, in seconds of CPU time.
SECONDS_PER_CALL = 0.1

# NumPy's scalar types a grader can read back (their dtype names are what the grading channel
# carries); exact types only, so a subclass of one is not a NumPy number.
_NUMPY_NAMES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                "longlong", "ulonglong", "intc", "uintc", "float16", "float32", "float64", "longdouble")


def _numpy() -> Any:
    import numpy

    return numpy


def _numpy_types() -> tuple[type, ...]:
    np = _numpy()
    return tuple(t for t in (getattr(np, name, None) for name in _NUMPY_NAMES) if isinstance(t, type))


def _is_numpy_number(kind: type) -> bool:
    return any(kind is t for t in _numpy_types())


def _describe(value: Any) -> str:
    """What a refused value is, in a student's words, with what to do about it."""
    kind = type(value)
    np = _numpy()
    if value is None:
        return "None (does the cell, or your function, assign or return a value?)"
    if kind is bool or kind is np.bool_:
        return "True/False (a bool); give the number itself"
    if kind is str:
        return "a string; write the number without quotes"
    if kind is list or kind is tuple:
        return f"a {kind.__name__} of {len(value)} item(s); give one number, not several"
    if kind is complex or kind is np.complex64 or kind is np.complex128:
        return "a complex number"
    if kind is np.ndarray:
        if value.ndim >= 1:
            return (f"a NumPy array of shape {tuple(value.shape)}; give one number: take it out with "
                    "float(x[0]) or x.item()")
        return f"a 0-dimensional NumPy array of {value.dtype.name}, not of numbers"
    if kind.__name__ == "str_":
        return "a NumPy string; this answer is a number"
    if kind.__name__ == "UnsupportedValue":  # what grading makes of an object it cannot read
        return f"{value!r}; convert it with float(...)"
    article = "an" if kind.__name__[:1].lower() in "aeiou" else "a"
    return f"{article} {kind.__name__}; convert it with float(...)"


def as_number(value: Any, name: str) -> float:
    """``value`` as a float, if the policy accepts it as one number; AssertionError otherwise.

    Accepted: ``int``, ``float``, NumPy integer and floating scalars, 0-dimensional NumPy
    arrays of those; the number must be finite.
    """
    kind = type(value)
    np = _numpy()
    if kind is int or kind is float or _is_numpy_number(kind):
        number = float(value)
    elif kind is np.ndarray and value.ndim == 0 and _is_numpy_number(type(value[()])):
        number = float(value[()])
    else:
        raise AssertionError(f"{name} must be one number (an int, a float or a NumPy number), not {_describe(value)}.")
    if not math.isfinite(number):
        raise AssertionError(f"{name} is {number}, not a finite number.")
    return number


def as_count(value: Any, name: str) -> int:
    """``value`` as an int, if it is a number (see :func:`as_number`) with a whole value."""
    number = as_number(value, name)
    if not number.is_integer():
        raise AssertionError(
            f"{name} must be a whole number (a count such as 12), not {number!r}; "
            "use math.ceil, or a loop that counts."
        )
    return int(number)


def as_word(value: Any, name: str, options: Sequence[str]) -> str:
    """``value`` stripped and in lower case, if it is a ``str`` and one of ``options``."""
    listed = ", ".join(f'"{o}"' for o in options)
    if type(value) is not str:
        extra = "; convert it with str(...)" if type(value).__name__ == "str_" else ""
        raise AssertionError(
            f"{name} must be one of the strings {listed} (with quotes), not {_word_kind(value)}{extra}."
        )
    word = value.strip().lower()
    if word not in options:
        raise AssertionError(f"{name} must be one of {listed}, not {value!r}.")
    return word


def _word_kind(value: Any) -> str:
    if value is None:
        return "None"
    name = type(value).__name__
    if name == "str_":
        return "a NumPy string (numpy.str_)"
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"


def close(value: float, expected: float) -> bool:
    """True when ``value`` is correct to the policy's 4 significant figures (or within 10⁻⁶)."""
    tolerance = max(REL_TOL * abs(expected), ABS_TOL)
    return abs(value - expected) <= tolerance * (1 + 1e-9)


def significant_figures(value: Any) -> int:
    """Significant figures of a number as Python shows it (``0.0056`` has 2, ``-39.0`` has 2).

    The shortest text that gives the number back is what a student typed (or what Python
    computed), so a value typed as ``0.42`` has 2 and one computed as ``5/12`` has 16.
    """
    np = _numpy()
    if type(value) is np.ndarray:
        value = value[()]
    text = str(value) if _is_numpy_number(type(value)) else repr(value)
    mantissa = text.lower().lstrip("+-").split("e")[0].replace(".", "")
    digits = mantissa.lstrip("0").rstrip("0")
    return max(1, len(digits))


def _unit_in_last_place(number: float, figures: int) -> float:
    return 10.0 ** (math.floor(math.log10(abs(number))) - figures + 1)


def looks_rounded(value: Any, expected: float) -> bool:
    """True when ``value`` is ``expected`` rounded to 2 or 3 significant figures (or cut to 4),
    so not correct to the policy's 4: the answer was right but rounded too early.

    Only a value within half a unit of its last figure counts as rounded (0.42 for 5/12): one a
    whole unit away (0.12 for 0.13) is as likely to be a different answer, and with a single
    figure a match is as likely to be a coincidence; :func:`_mismatch` mentions precision to
    those only as an aside.
    """
    number = float(value)
    if number == 0 or close(number, expected):
        return False
    figures = significant_figures(value)
    if not 2 <= figures <= SIG_FIGS:
        return False
    allowed = 1.0 if figures == SIG_FIGS else 0.5  # 4 figures: cut off rather than rounded
    return abs(number - expected) <= allowed * _unit_in_last_place(number, figures) * (1 + 1e-9)


def _mismatch(label: str, value: Any, expected: float, hint: str, shown: str) -> str:
    """The message for a number that is not correct: about precision if it was only rounded
    too early, otherwise ``hint``, with a word on precision if the value is short and close."""
    if looks_rounded(value, expected):
        return _precision_message(label, value, expected)
    message = f"{shown} is not right" + (f": {_sentence(hint)}" if hint else ".")
    number = float(value)
    figures = significant_figures(value)
    rounded_answer = abs(number - expected) <= _unit_in_last_place(number, figures) * (1 + 1e-9)
    if number != 0 and figures < SIG_FIGS and rounded_answer:
        message += (f" (It shows only {figures} significant figure(s); if you rounded it, the answer policy "
                    f"asks for {SIG_FIGS}.)")
    return message


def _shown(value: Any) -> str:
    """A number as Python shows it (``0.42`` for a NumPy float32 typed as 0.42)."""
    np = _numpy()
    if type(value) is np.ndarray:
        value = value[()]
    return str(value) if _is_numpy_number(type(value)) else repr(value)


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _precision_message(label: str, value: Any, expected: float) -> str:
    figures = significant_figures(value)
    if figures < SIG_FIGS:
        how = f"shows only {figures} significant figure(s)"
    else:
        how = "looks cut off rather than rounded"
    return (
        f"{label} = {_shown(value)} {how}: it agrees with the answer that far, but the answer "
        f"policy asks for {SIG_FIGS} significant figures (4 figures, not 4 decimal places). Keep the "
        "value Python computes instead of rounding it."
    )


def note_precision(value: Any, name: str) -> None:
    """Print a reminder when a number shows fewer significant figures than the policy asks for.

    A check cell cannot know whether ``0.25`` is an exact answer or ``0.2468`` rounded, so this
    is a note, never a failure.
    """
    try:
        number = as_number(value, name)
    except AssertionError:
        return
    figures = significant_figures(value)
    if number != 0 and figures < SIG_FIGS:
        print(
            f"Note on precision: {name} = {_shown(value)} shows {figures} significant figure(s). That is "
            f"fine if it is the exact value; if you rounded it, give at least {SIG_FIGS} significant "
            "figures, or better, keep the value your code computes."
        )


def _label(name: str, args: Sequence[Any]) -> str:
    return f"{name}({', '.join(repr(a) for a in args)})"


def call(function: Callable[..., Any], *args: Any, name: str | None = None) -> Any:
    """Call a student's function and return what it returns, refusing a call that computes
    longer than :data:`SECONDS_PER_CALL` (CPU time of this process, so a busy machine does not
    count against the student)."""
    label = _label(name or str(getattr(function, "__name__", "the function")), args)
    start = time.process_time()
    result = function(*args)
    spent = time.process_time() - start
    if spent > SECONDS_PER_CALL:
        raise AssertionError(
            f"{label} took {spent:.2f} s of computing; the answer policy allows {SECONDS_PER_CALL:g} s per "
            "call (the grader calls it about 100 times). A search can stop at the policy's 4 significant "
            "figures: search coarsely, then again around the best point, or use a formula."
        )
    return result


def _fail(hint: str, label: str) -> str:
    return f"{label} is not right" + (f": {_sentence(hint)}" if hint else ".")


def check_number(value: Any, expected: float, name: str, hint: str = "") -> None:
    """Hidden test of a number: the type, then the value to 4 significant figures.

    A value that is right but rounded too early gets a message about precision, not ``hint``.
    """
    number = as_number(value, name)
    if not close(number, expected):
        raise AssertionError(_mismatch(name, value, expected, hint, name))


def check_count(value: Any, expected: int, name: str, hint: str = "") -> None:
    """Hidden test of a count: a whole number equal to ``expected``."""
    if as_count(value, name) != expected:
        raise AssertionError(_fail(hint, name))


def check_word(value: Any, expected: str, name: str, options: Sequence[str], hint: str = "") -> None:
    """Hidden test of a word answer chosen from ``options``."""
    if as_word(value, name, options) != expected:
        raise AssertionError(_fail(hint, name))


def check_function(
    function: Callable[..., Any],
    name: str,
    expected: Callable[..., float],
    cases: Iterable[Sequence[Any]],
    hint: str = "",
    *,
    count: bool = False,
) -> None:
    """Hidden test of a function: call it on every case (arguments inside its stated domain) and
    compare with ``expected(*case)`` under the policy (equality for a count).

    The message names the call that failed and what it returned; a result that is right but
    rounded too early gets the precision message instead of ``hint``.
    """
    for args in cases:
        args = tuple(args)
        label = _label(name, args)
        result = call(function, *args, name=name)
        want = expected(*args)
        if count:
            if as_count(result, f"the result of {label}") != want:
                raise AssertionError(_fail(hint, f"{label} returned {_shown(result)}, which"))
            continue
        got = as_number(result, f"the result of {label}")
        if not close(got, want):
            raise AssertionError(_mismatch(f"the result of {label}", result, want, hint,
                                           f"{label} returned {_shown(result)}, which"))
