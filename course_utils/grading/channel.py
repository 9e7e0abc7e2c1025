"""The data-only channel between the judge and the student's kernel: what may cross, and how.

Plain data is the only thing that crosses: ``None``, ``bool``, ``int``, ``float``, ``complex``,
``str``, lists, tuples and dicts of those, and NumPy scalars and arrays of numeric or boolean
dtype, each carried as JSON with its exact type name and rebuilt in the judge as a value of
that real type (a student's ``numpy.float64`` arrives as a ``numpy.float64``). A student
function arrives as a :class:`StudentFunction`, which calls back over the channel; a module
arrives as the judge's own copy of a module of that name, if it is one the judge may import
(the standard library, NumPy, SciPy, pandas, matplotlib, the course's package; never a module
found beside a notebook). Anything else arrives as an :class:`UnsupportedValue` that fails any test
touching it with a message saying what it was.

Decoding is strict: a type name outside the list, a value of the wrong shape, a string or
number beyond the size limits, or a structure nested too deeply is refused
(:class:`ChannelError`). Nothing is ever unpickled or executed. The student's side of the
channel is :mod:`course_utils.grading._agent`.
"""

from __future__ import annotations

import base64
import binascii
import importlib
import json
import math
import sys
from collections.abc import Callable
from typing import Any

__all__ = [
    "ChannelError",
    "StudentError",
    "StudentTimeout",
    "StudentDied",
    "UnsupportedValue",
    "StudentFunction",
    "decode",
    "encode",
    "JUDGE_MODULES",
    "MAX_PAYLOAD",
]

#: Largest answer (characters of its base64 text) the judge accepts from one request.
MAX_PAYLOAD = 16 * 1024 * 1024
#: Deepest nesting of lists, tuples and dicts accepted.
MAX_DEPTH = 20
#: Most digits of an integer accepted (Python refuses to convert bigger ones anyway).
MAX_INT_DIGITS = 4300
_MAX_INT_BITS = int(MAX_INT_DIGITS * 3.32)

#: Modules a notebook name may stand for in the judge: a student's ``np`` bound to NumPy is
#: the judge's own NumPy. Any other module is an unsupported value.
JUDGE_MODULES = frozenset({
    "math", "cmath", "statistics", "fractions", "decimal", "random", "itertools", "functools",
    "collections", "operator", "numpy", "numpy.linalg", "numpy.random", "numpy.testing",
    "course_utils", "course_utils.models", "course_utils.checks", "course_utils.data",
    "course_utils.answers",
})

_SCALAR_DTYPES = frozenset({
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "float128", "complex64", "complex128", "complex256",
})


class ChannelError(Exception):
    """What came back over the channel is not plain data of the agreed form."""


class StudentError(Exception):
    """The student's function raised an exception the judge does not know by name."""


class StudentTimeout(TimeoutError):
    """A call into the student's kernel ran over its time limit."""


class StudentDied(RuntimeError):
    """The student's kernel died (or stopped answering) during a request."""


class UnsupportedValue:
    """A student value that is not plain data (an object of a class of their own, a generator...).

    Every use fails with a :class:`TypeError` naming what it was, so a test comparing it with
    an expected answer fails with that message rather than with a wrong verdict.
    """

    __slots__ = ("_name", "_type")
    _name: str
    _type: str

    def __init__(self, name: str, type_name: str) -> None:
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_type", type_name)

    def _refuse(self, *_args: Any, **_kwargs: Any) -> Any:
        raise TypeError(
            f"{self._name} is a {self._type}, which grading cannot read: answers must be numbers, "
            "strings, lists, tuples, dicts or NumPy arrays"
        )

    def __repr__(self) -> str:
        return f"<unsupported value {self._name}: {self._type}>"

    __getattr__ = _refuse
    __setattr__ = _refuse
    __call__ = _refuse
    __eq__ = _refuse
    __ne__ = _refuse
    __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __bool__ = __len__ = __iter__ = __contains__ = __getitem__ = _refuse
    __float__ = __int__ = __index__ = __complex__ = __hash__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __pow__ = __rpow__ = _refuse
    __neg__ = __pos__ = __abs__ = __round__ = __mod__ = __rmod__ = _refuse
    __array__ = _refuse


class StudentFunction:
    """A function of the student's, called through the channel.

    Arguments are sent as plain data (a :class:`StudentFunction` may be passed back as an
    argument: it arrives as the student's own object); the result comes back as plain data.
    Raises :class:`StudentTimeout`, :class:`StudentDied`, or the exception the function raised
    (a built-in exception of the same name, or :class:`StudentError`).
    """

    __slots__ = ("_ref", "__name__", "_call")

    def __init__(self, ref: int, name: str, call: Callable[[int, list, dict], Any]) -> None:
        self._ref = ref
        self.__name__ = name
        self._call = call

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._call(self._ref, [encode(a) for a in args], {str(k): encode(v) for k, v in kwargs.items()})

    def __repr__(self) -> str:
        return f"<student function {self.__name__}>"


# --------------------------------------------------------------------------------------------
# judge -> student
# --------------------------------------------------------------------------------------------


def encode(value: Any, depth: int = 0) -> dict:
    """Plain data (or a :class:`StudentFunction`) as the agent's JSON form.

    Raises
    ------
    TypeError
        For anything else: a test may not hand the student's code an object of its own.
    """
    import numpy

    if depth > MAX_DEPTH:
        raise TypeError("an argument nested too deeply for the grading channel")
    kind = type(value)
    if value is None:
        return {"t": "NoneType"}
    if isinstance(value, StudentFunction):
        return {"t": "ref", "ref": value._ref}
    if kind in (bool, int, str, float):
        return {"t": kind.__name__, "v": value}
    if kind is complex:
        return {"t": "complex", "v": [value.real, value.imag]}
    if kind in (list, tuple):
        return {"t": kind.__name__, "v": [encode(item, depth + 1) for item in value]}
    if kind is dict:
        return {"t": "dict", "v": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    if kind is numpy.ndarray and value.dtype.name in _SCALAR_DTYPES:
        flat = value.ravel().tolist()
        if value.dtype.kind == "c":
            flat = [[z.real, z.imag] for z in flat]
        return {"t": "numpy.ndarray", "dtype": value.dtype.name, "shape": list(value.shape), "v": flat}
    if isinstance(value, numpy.generic) and value.dtype.name in _SCALAR_DTYPES:
        item = value.item()
        return {"t": "numpy." + value.dtype.name, "v": [item.real, item.imag] if value.dtype.kind == "c" else item}
    raise TypeError(f"a test cannot pass a {kind.__name__} to the student's code (plain data only)")


# --------------------------------------------------------------------------------------------
# student -> judge
# --------------------------------------------------------------------------------------------


def unpack(text: Any) -> dict:
    """The JSON object inside an agent's answer (base64 text), size-checked.

    Raises
    ------
    ChannelError
        When the answer is not a string, too big, not base64, not JSON, or not an object.
    """
    if not isinstance(text, str):
        raise ChannelError("the answer is not text")
    if len(text) > MAX_PAYLOAD:
        raise ChannelError(f"the answer is {len(text)} characters, over the limit of {MAX_PAYLOAD}")
    try:
        data = json.loads(base64.b64decode(text.encode("ascii"), validate=True))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise ChannelError(f"the answer is not readable data ({type(exc).__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise ChannelError("the answer is not a typed value")
    return data


def decode(data: Any, name: str, call: Callable[[int, list, dict], Any], depth: int = 0) -> Any:
    """Rebuild a value from its typed JSON form, as its own real type.

    Parameters
    ----------
    data : dict
        ``{"t": type name, "v": value, ...}`` as the agent sends it.
    name : str
        What the value is called in messages (``optimal_demand(0.5, ...)``, ``x[2]``).
    call : callable
        What a :class:`StudentFunction` rebuilt here uses to call back.

    Raises
    ------
    ChannelError
        When ``data`` is not of the agreed form.
    """
    if depth > MAX_DEPTH:
        raise ChannelError(f"{name} is nested too deeply")
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise ChannelError(f"{name} is not a typed value")
    kind = data["t"]
    value = data.get("v")
    if kind == "NoneType":
        return None
    if kind == "bool":
        return _checked(value, bool, name)
    if kind == "int":
        if type(value) is not int or value.bit_length() > _MAX_INT_BITS:
            raise ChannelError(f"{name} is not an int of at most {MAX_INT_DIGITS} digits")
        return value
    if kind == "float":
        return _float(value, name)
    if kind == "complex":
        return complex(*_pair(value, name))
    if kind == "str":
        if type(value) is not str or len(value) > MAX_PAYLOAD:
            raise ChannelError(f"{name} is not a string")
        return value
    if kind in ("list", "tuple"):
        if type(value) is not list:
            raise ChannelError(f"{name} is not a {kind}")
        items = [decode(item, f"{name}[{i}]", call, depth + 1) for i, item in enumerate(value)]
        return items if kind == "list" else tuple(items)
    if kind == "dict":
        if type(value) is not list:
            raise ChannelError(f"{name} is not a dict")
        out = {}
        for pair in value:
            if type(pair) is not list or len(pair) != 2:
                raise ChannelError(f"{name} is not a dict")
            key = decode(pair[0], f"a key of {name}", call, depth + 1)
            try:
                out[key] = decode(pair[1], f"{name}[{key!r}]", call, depth + 1)
            except TypeError:  # an unhashable key
                raise ChannelError(f"{name} has a key that is not hashable") from None
        return out
    if kind == "numpy.ndarray":
        return _array(data, name)
    if kind.startswith("numpy."):
        return _numpy_scalar(kind[6:], value, name)
    if kind == "function":
        ref = data.get("ref")
        if type(ref) is not int:
            raise ChannelError(f"{name} is a function without a reference")
        label = data.get("name")
        return StudentFunction(ref, label if isinstance(label, str) and label.isidentifier() else name, call)
    if kind == "module":
        module = data.get("name")
        if isinstance(module, str) and _judge_may_import(module):
            return importlib.import_module(module)
        return UnsupportedValue(name, f"module {str(module)[:60]!r} (tests only see standard modules)")
    if kind == "unsupported":
        return UnsupportedValue(name, str(data.get("type", "value"))[:120])
    raise ChannelError(f"{name} has an unknown type {kind[:60]!r}")


def _judge_may_import(module: str) -> bool:
    """Whether a notebook's module name may stand for the judge's own module of that name: the
    standard library (but for modules with effects on import), NumPy, SciPy, pandas,
    matplotlib and the course's package. Never anything found beside a notebook."""
    top = module.split(".", 1)[0]
    if not all(part.isidentifier() for part in module.split(".")):
        return False
    if module in JUDGE_MODULES or top in _JUDGE_PACKAGES:
        return True
    return top in sys.stdlib_module_names and top not in _EFFECTFUL


_JUDGE_PACKAGES = frozenset({"numpy", "scipy", "pandas", "matplotlib", "course_utils"})
#: standard modules that do something when imported (open a browser, print, need a display)
_EFFECTFUL = frozenset({"antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo", "__main__"})


def _checked(value: Any, kind: type, name: str) -> Any:
    if type(value) is not kind:
        raise ChannelError(f"{name} is not a {kind.__name__}")
    return value


def _float(value: Any, name: str) -> float:
    if type(value) is int and value.bit_length() <= _MAX_INT_BITS:
        value = float(value)  # JSON writes 1.0 as 1.0, but be lenient with 1
    if type(value) is not float:
        raise ChannelError(f"{name} is not a float")
    return value


def _pair(value: Any, name: str) -> tuple[float, float]:
    if type(value) is not list or len(value) != 2:
        raise ChannelError(f"{name} is not a complex number")
    return _float(value[0], name), _float(value[1], name)


def _numpy_scalar(dtype_name: str, value: Any, name: str) -> Any:
    import numpy

    if dtype_name not in _SCALAR_DTYPES:
        raise ChannelError(f"{name} has an unknown NumPy type {dtype_name[:40]!r}")
    dtype = numpy.dtype(dtype_name)
    if dtype.kind == "c":
        return dtype.type(complex(*_pair(value, name)))
    if dtype.kind == "b":
        return dtype.type(_checked(value, bool, name))
    if dtype.kind in "iu":
        if type(value) is not int:
            raise ChannelError(f"{name} is not an integer")
        try:
            return dtype.type(value)
        except OverflowError:
            raise ChannelError(f"{name} does not fit a {dtype_name}") from None
    return dtype.type(_float(value, name))


def _array(data: dict, name: str) -> Any:
    import numpy

    dtype_name, shape, flat = data.get("dtype"), data.get("shape"), data.get("v")
    if dtype_name not in _SCALAR_DTYPES or type(shape) is not list or type(flat) is not list:
        raise ChannelError(f"{name} is not a NumPy array of numbers")
    if len(shape) > 32 or not all(type(n) is int and n >= 0 for n in shape):
        raise ChannelError(f"{name} has an impossible shape")
    if math.prod(shape) != len(flat):
        raise ChannelError(f"{name}'s data does not match its shape")
    dtype = numpy.dtype(dtype_name)
    items = [_numpy_scalar(dtype_name, v, name) for v in flat]
    return numpy.array(items, dtype=dtype).reshape(shape)
