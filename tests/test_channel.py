"""The judge's data-only channel: what may cross, rebuilt as its own type, and what is refused.

The agent's encoder (the text run inside a student's kernel) is exercised here too, by running
its source in a namespace of its own, as the kernel does.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import numpy as np
import pytest

from course_utils.grading import channel
from course_utils.grading.channel import ChannelError, StudentFunction, UnsupportedValue, decode, encode, unpack

AGENT = (Path(channel.__file__).parent / "_agent.py").read_text(encoding="utf-8")


def _agent_namespace(**names):
    """Run the agent's text the way a kernel does (its install step needs a kernel: stubbed)."""
    class _Kernel:
        shell_handlers: dict = {}

    ns = {"get_ipython": lambda: type("Shell", (), {"kernel": _Kernel})(), **names}
    exec(compile(AGENT, "_agent.py", "exec"), ns)
    return ns


def _ask(ns, op, request):
    text = ns["__course_agent__"](op, base64.b64encode(json.dumps(request).encode()).decode())
    return unpack(text)


def _no_calls(*_a):
    raise AssertionError("no call expected")


PLAIN = [None, True, 0, -7, 2**80, 0.1, float("inf"), 1 + 2j, "Kim", [1, 2.5, "x"], (1, (2, 3)),
         {"a": 1, 2: [None]}, np.float64(0.25), np.float32(0.5), np.int64(3), np.bool_(True),
         np.array([[1.0, 2.0], [3.0, 4.0]]), np.array(0.5), np.array([1, 2], dtype=np.int32)]


@pytest.mark.parametrize("value", PLAIN, ids=lambda v: type(v).__name__)
def test_plain_data_crosses_as_its_own_type(value):
    ns = _agent_namespace(x=value)
    back = decode(_ask(ns, "get", "x"), "x", _no_calls)
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape and np.array_equal(back, value)
    else:
        assert back == value or (isinstance(value, float) and math.isnan(value))


def test_nan_crosses():
    ns = _agent_namespace(x=float("nan"))
    assert math.isnan(decode(_ask(ns, "get", "x"), "x", _no_calls))


class _Sneaky(float):
    def __eq__(self, other):
        return True


class _Obj:
    pass


@pytest.mark.parametrize("value, shown", [
    (_Sneaky(0.1), "_Sneaky"), (_Obj(), "_Obj"), ((i for i in range(3)), "generator"),
    (np.array(["a"], dtype=object), "object"), ([_Obj()], "_Obj"),
])
def test_anything_else_arrives_as_an_unsupported_value_that_fails_every_use(value, shown):
    ns = _agent_namespace(x=value)
    back = decode(_ask(ns, "get", "x"), "x", _no_calls)
    if isinstance(back, list):
        back = back[0]
    assert isinstance(back, UnsupportedValue) and shown in repr(back)
    for use in (lambda v: v == 0.1, float, bool, lambda v: v + 1, lambda v: v.real, len, iter, hash):
        with pytest.raises(TypeError, match="which grading cannot read"):
            use(back)


def test_a_notebook_that_rebinds_builtins_still_encodes_honestly():
    ns = _agent_namespace(x=0.25, type=lambda o: float, isinstance=lambda *a: True, list=tuple)
    assert decode(_ask(ns, "get", "x"), "x", _no_calls) == 0.25
    ns["y"] = _Sneaky(1.0)
    assert isinstance(decode(_ask(ns, "get", "y"), "y", _no_calls), UnsupportedValue)


def test_functions_are_called_with_plain_data_and_what_they_print_goes_nowhere(capsys):
    def area(w, h=1.0):
        print("noise")
        return np.float64(w * h)

    ns = _agent_namespace(area=area)
    info = _ask(ns, "get", "area")
    assert info["t"] == "function"

    def call(ref, args, kwargs):
        return decode(_ask(ns, "call", {"ref": ref, "args": args, "kwargs": kwargs}), "result", call)

    proxy = decode(info, "area", call)
    assert isinstance(proxy, StudentFunction)
    result = proxy(2, h=np.float64(3.0))
    assert type(result) is np.float64 and result == 6.0
    assert "noise" not in capsys.readouterr().out


def test_a_function_that_raises_reports_its_exception_by_name():
    def bad(x):
        raise ValueError("prior must lie in [0, 1]")

    ns = _agent_namespace(bad=bad)
    ref = _ask(ns, "get", "bad")["ref"]
    answer = _ask(ns, "call", {"ref": ref, "args": [encode(2.0)], "kwargs": {}})
    assert answer == {"t": "raised", "type": "ValueError", "message": "prior must lie in [0, 1]"}


def test_a_test_cannot_hand_its_own_objects_to_student_code():
    with pytest.raises(TypeError, match="plain data only"):
        encode(lambda x: x)
    with pytest.raises(TypeError, match="plain data only"):
        encode(object())


@pytest.mark.parametrize("data", [
    {"t": "pickle", "v": "gASV"},
    {"t": "float", "v": "0.25"},
    {"t": "int", "v": 10 ** 5000},
    {"t": "numpy.ndarray", "dtype": "object", "shape": [1], "v": [1]},
    {"t": "numpy.ndarray", "dtype": "float64", "shape": [3], "v": [1.0]},
    {"t": "numpy.ndarray", "dtype": "float64", "shape": [-1], "v": []},
    {"t": "numpy.int8", "v": 1000},
    {"t": "dict", "v": [[{"t": "list", "v": []}, {"t": "int", "v": 1}]]},
    {"t": "list", "v": "abc"},
    {"v": 1},
    "just text",
])
def test_malformed_answers_are_refused(data):
    with pytest.raises(ChannelError):
        decode(data, "x", _no_calls)


def test_nesting_and_size_are_bounded():
    deep: dict = {"t": "int", "v": 1}
    for _ in range(channel.MAX_DEPTH + 2):
        deep = {"t": "list", "v": [deep]}
    with pytest.raises(ChannelError, match="nested too deeply"):
        decode(deep, "x", _no_calls)
    with pytest.raises(ChannelError, match="over the limit"):
        unpack("A" * (channel.MAX_PAYLOAD + 4))
    with pytest.raises(ChannelError, match="not readable"):
        unpack("not base64 !!")


def test_modules_are_the_judges_own_and_only_known_ones():
    import numpy

    import os

    assert decode({"t": "module", "name": "numpy"}, "np", _no_calls) is numpy
    assert decode({"t": "module", "name": "os"}, "os", _no_calls) is os
    for other in ("my_helpers", "antigravity", "numpy..x", "os; import x"):  # beside a notebook, or effects
        assert isinstance(decode({"t": "module", "name": other}, "m", _no_calls), UnsupportedValue), other
