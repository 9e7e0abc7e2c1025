"""The student's side of the judge's channel: code run *inside* the student's kernel.

The grader sends this file's text to the student's kernel once, before the first cell, followed
by ``__course_agent_serve(PATH)``: it defines one function, ``__course_agent__``, in the
notebook's namespace, and a thread that answers requests on a Unix socket at ``PATH`` (in the
run folder's ``ipc/``, the only folder the kernel shares with the grading side). The judge (a
separate trusted process, :mod:`course_utils.grading.judge`) connects to that socket and reaches
the student's names only through it: a request is one JSON line ``{"op": op, "request":
base64}``, the answer one line of base64 text, ``__course_agent__(op, request)``. A request costs
a fraction of a millisecond (a kernel message would run ipykernel's dispatch, a few times more).
Calls run in that thread; the notebook's main thread is idle while tests run.

- ``("get", name)``: the value bound to ``name`` in the notebook, as plain data;
- ``("has", name)``: whether the notebook binds ``name``;
- ``("call", {"ref": ..., "args": [...], "kwargs": {...}})``: call a student function with plain
  arguments and return its result as plain data (or the exception it raised).

Requests and answers are JSON, base64-encoded (plain ASCII whatever the values hold). Nothing
here is trusted: student code can replace this function, or make it answer anything. That
only lets a student state answers, which writing them in the notebook does too; the judge
decodes what comes back as data only (:mod:`course_utils.grading.channel`) and never runs
anything of it.

Never import this module: it is text for the kernel. It has no imports at top level; the
grader deletes ``__course_agent_serve`` once it has run. Keep it standard-library only (NumPy
is used when the notebook already imported it).
"""


def __course_agent__(op, request):  # noqa: N807 - the name the grader calls
    import base64
    import builtins
    import json
    import sys

    # the notebook's own names (a variable called `type` or `list`) must not change the encoding
    type, bool, int, str, float, complex, list, tuple, dict = (  # noqa: A001
        builtins.type, builtins.bool, builtins.int, builtins.str, builtins.float, builtins.complex,
        builtins.list, builtins.tuple, builtins.dict)
    callable, isinstance, getattr, id, len, globals = (  # noqa: A001
        builtins.callable, builtins.isinstance, builtins.getattr, builtins.id, builtins.len, builtins.globals)
    BaseException, KeyboardInterrupt = builtins.BaseException, builtins.KeyboardInterrupt  # noqa: A001

    state = __course_agent__.__dict__
    handles = state.setdefault("handles", {})
    limit = state.setdefault("limit", 16 * 1024 * 1024)
    namespace = globals()

    def encode(value, depth=0):
        if depth > 20:
            return {"t": "unsupported", "type": "a structure nested too deeply"}
        kind = type(value)
        if value is None:
            return {"t": "NoneType"}
        if kind is bool or kind is int or kind is str:
            return {"t": kind.__name__, "v": value}
        if kind is float:
            return {"t": "float", "v": value}
        if kind is complex:
            return {"t": "complex", "v": [value.real, value.imag]}
        if kind is list or kind is tuple:
            return {"t": kind.__name__, "v": [encode(item, depth + 1) for item in value]}
        if kind is dict:
            return {"t": "dict", "v": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
        numpy = sys.modules.get("numpy")
        if numpy is not None and kind is numpy.ndarray:
            if value.dtype.kind not in "biufc" or value.dtype.byteorder == ">":
                return {"t": "unsupported", "type": f"numpy.ndarray of {value.dtype}"}
            flat = value.ravel().tolist()
            if value.dtype.kind == "c":
                flat = [[z.real, z.imag] for z in flat]
            return {"t": "numpy.ndarray", "dtype": value.dtype.name, "shape": list(value.shape), "v": flat}
        if numpy is not None and isinstance(value, numpy.generic) and kind.__module__ == "numpy":
            if value.dtype.kind not in "biufc":
                return {"t": "unsupported", "type": f"numpy.{kind.__name__}"}
            item = value.item()
            if value.dtype.kind == "c":
                item = [item.real, item.imag]
            return {"t": "numpy." + value.dtype.name, "v": item}
        if kind.__name__ == "module" and kind.__module__ == "builtins":
            return {"t": "module", "name": str(value.__name__)}
        if callable(value) and not isinstance(value, type):
            handles[id(value)] = value
            return {"t": "function", "ref": id(value), "name": str(getattr(value, "__name__", "function"))}
        return {"t": "unsupported", "type": f"{kind.__module__}.{kind.__qualname__}"}

    def decode(data):
        kind = data["t"]
        if kind == "ref":
            return handles[data["ref"]]
        if kind in ("list", "tuple"):
            items = [decode(item) for item in data["v"]]
            return items if kind == "list" else tuple(items)
        if kind == "dict":
            return {decode(k): decode(v) for k, v in data["v"]}
        if kind == "complex":
            return complex(*data["v"])
        if kind == "NoneType":
            return None
        if kind.startswith("numpy."):
            import numpy

            if kind == "numpy.ndarray":
                dtype = numpy.dtype(data["dtype"])
                flat = data["v"] if dtype.kind != "c" else [complex(*z) for z in data["v"]]
                return numpy.array(flat, dtype=dtype).reshape(data["shape"])
            dtype = numpy.dtype(kind[6:])
            return dtype.type(complex(*data["v"]) if dtype.kind == "c" else data["v"])
        return data["v"]

    class _Quiet:
        encoding = "utf-8"

        def write(self, text):
            return len(text)

        def isatty(self):
            return False

        def flush(self):
            pass

    def answer(payload):
        text = base64.b64encode(json.dumps(payload, allow_nan=True).encode()).decode("ascii")
        if len(text) > limit:
            text = base64.b64encode(json.dumps({"t": "too big", "size": len(text)}).encode()).decode("ascii")
        return text

    try:
        req = json.loads(base64.b64decode(request))
        if op == "has":
            return answer({"t": "bool", "v": req in namespace})
        if op == "get":
            if req not in namespace:
                return answer({"t": "missing"})
            return answer(encode(namespace[req]))
        if op == "call":
            func = handles[req["ref"]]
            args = [decode(a) for a in req["args"]]
            kwargs = {k: decode(v) for k, v in req["kwargs"].items()}
            quiet = _Quiet()
            saved = sys.stdout, sys.stderr
            sys.stdout = sys.stderr = quiet  # what a call prints goes nowhere: no output flood
            try:
                result = func(*args, **kwargs)
            except KeyboardInterrupt:
                return answer({"t": "interrupted"})
            except BaseException as exc:  # noqa: BLE001 - reported to the judge, which fails the test
                return answer({"t": "raised", "type": type(exc).__name__, "message": str(exc)[:500]})
            finally:
                sys.stdout, sys.stderr = saved
            return answer(encode(result))
        return answer({"t": "raised", "type": "ValueError", "message": f"unknown request {op!r}"})
    except KeyboardInterrupt:
        return answer({"t": "interrupted"})
    except BaseException as exc:  # noqa: BLE001
        return answer({"t": "broken", "message": f"{type(exc).__name__}: {exc}"[:300]})


def __course_agent_serve(path):  # noqa: N807
    import json
    import os
    import socket
    import threading

    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    os.chmod(path, 0o600)
    server.listen(2)
    agent = __course_agent__

    def serve():
        while True:
            conn, _ = server.accept()
            with conn, conn.makefile("rwb") as stream:
                for line in stream:
                    try:
                        message = json.loads(line)
                        text = agent(str(message.get("op")), str(message.get("request")))
                    except Exception:  # noqa: BLE001 - the judge reads an empty line as no answer
                        text = ""
                    stream.write(text.encode("ascii") + b"\n")
                    stream.flush()

    threading.Thread(target=serve, name="course-agent", daemon=True).start()
