"""The nbclient subclass that runs a notebook: output caps, time limits, restarts, and the relay
between the judge and the student's kernel."""

from __future__ import annotations

import contextlib
import functools
import json
import time
from pathlib import Path
from typing import Any

from course_utils.grading.sandbox.limits import Limits
from course_utils.grading.sandbox.slots import _kill_strays


@functools.cache
def _agent_source() -> str:
    """The text of ``_agent.py``, sent to each kernel before its first cell (never imported here:
    it registers itself with the kernel it runs in)."""
    return (Path(__file__).parent.parent / "_agent.py").read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------
# The client
# --------------------------------------------------------------------------------------------


def _is_test_cell(cell: Any) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _error_output(ename: str, evalue: str) -> Any:
    from nbformat.v4 import new_output

    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _data_size(data: dict) -> int:
    """Characters of a rich output's mime bundle (base64 images count as they are stored)."""
    return sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in data.values())


@functools.cache
def _make_client_class() -> type:
    """Build the NotebookClient subclass (nbclient is imported only when grading starts)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError
    from nbclient.util import ensure_async, run_sync

    class SandboxClient(NotebookClient):
        """nbclient with output caps, time limits, restarts, and test cells sent to the judge."""

        def __init__(self, nb: Any, *, limits: Limits, judge: Any, deadline: float, cell_timeout: float,
                     agent_dir: Path | None = None,
                     kill_hook: Any = None, uid: int | None = None, **kw: Any):
            super().__init__(nb, **kw)
            self._cell_timeout = float(cell_timeout)
            self.km: Any
            self.kc: Any
            self._limits = limits
            self._judge = judge
            self._agent_dir = agent_dir
            self._agent_path: str | None = None
            self._agents = 0
            self._deadline = deadline
            self._cut_cells: set[int] = set()
            self._stream_chars: dict[int, int] = {}
            self._total_bytes = 0
            self.sandbox_flags: list[str] = []
            self.timed_out = False
            self.crashed = False
            self._last_reply: dict[str, Any] | None = None
            self.kernel_pid: int | None = None
            self.max_restarts = 2
            self._restarts = 0
            self._no_replay: set[int] = set()
            self._kill_hook = kill_hook
            self._uid = uid
            self.on_cell_executed = self._remember_reply

        def _remember_reply(self, cell: Any, cell_index: int, execute_reply: Any) -> None:
            self._last_reply = execute_reply

        # -- output caps ------------------------------------------------------------------
        def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> Any:
            lim = self._limits
            content = msg.get("content", {})
            msg_type = msg.get("msg_type") or msg.get("header", {}).get("msg_type")
            if msg_type == "stream":
                used = self._stream_chars.get(cell_index, 0)
                text = content.get("text", "")
                room = min(lim.stream_chars - used, lim.notebook_output_bytes - self._total_bytes)
                if len(text) > room:
                    self._stream_chars[cell_index] = used + len(text)
                    if cell_index not in self._cut_cells:
                        self._cut_cells.add(cell_index)
                        self.sandbox_flags.append(
                            f"cell {cell_index}: printed output over {lim.stream_chars} characters; cut"
                        )
                        content["text"] = text[: max(room, 0)] + "\n[... output cut by the grader ...]\n"
                        self._total_bytes += max(room, 0)
                        return super().output(outs, msg, display_id, cell_index)
                    return None
                self._stream_chars[cell_index] = used + len(text)
                self._total_bytes += len(text)
                return super().output(outs, msg, display_id, cell_index)
            if msg_type in ("display_data", "execute_result", "update_display_data"):
                size = _data_size(content.get("data", {}))
                if size > lim.output_bytes or self._total_bytes + size > lim.notebook_output_bytes:
                    self.sandbox_flags.append(
                        f"cell {cell_index}: an output of {size} bytes exceeded the size limit; replaced"
                    )
                    content["data"] = {"text/plain": f"[output of {size} bytes removed by the grader]"}
                    content["metadata"] = {}
                    size = 0
                self._total_bytes += size
            if msg_type == "error":
                tb = content.get("traceback", [])
                if sum(len(t) for t in tb) > lim.stream_chars:
                    content["traceback"] = [t[:2000] for t in tb[:20]] + ["[... traceback cut ...]"]
            return super().output(outs, msg, display_id, cell_index)

        # -- helpers ------------------------------------------------------------------------
        async def _silent(self, code: str, timeout: float) -> Any:
            """Run code without outputs; return the reply (or None if none came in time)."""
            assert self.kc is not None
            msg_id = self.kc.execute(code, silent=True, store_history=False)
            end = time.monotonic() + timeout
            while True:
                left = end - time.monotonic()
                if left <= 0:
                    return None
                try:
                    msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=min(left, 1.0)))
                except Exception:  # queue.Empty
                    if not await ensure_async(self.kc.is_alive()):
                        raise DeadKernelError("Kernel died") from None
                    continue
                if msg["parent_header"].get("msg_id") == msg_id:
                    return msg

        def _fail_rest(self, start: int, reason: str) -> None:
            for cell in self.nb.cells[start:]:
                if _is_test_cell(cell):
                    cell.outputs = [_error_output("GradingError", reason)]

        # -- the run ------------------------------------------------------------------------
        async def async_execute(self, reset_kc: bool = False, **kwargs: Any) -> Any:  # noqa: C901
            self.reset_execution_trackers()
            try:
                setup = self.async_setup_kernel(**kwargs)
                await setup.__aenter__()
            except Exception as exc:  # kernel could not start
                import atexit

                atexit.unregister(self._cleanup_kernel)
                self.crashed = True
                self.sandbox_flags.append(f"the grading kernel could not start ({exc.__class__.__name__}: {exc})")
                self._fail_rest(0, "the grading kernel could not start")
                return self.nb
            try:
                await self._run_cells()
            finally:
                with contextlib.suppress(Exception):
                    await setup.__aexit__(None, None, None)
            return self.nb

        execute = run_sync(async_execute)

        async def _start(self) -> bool:
            """Define the channel's agent in the fresh kernel; False if the kernel does not answer."""
            with contextlib.suppress(AttributeError):
                self.kernel_pid = self.km.provisioner.process.pid
            startup = max(5.0, min(120.0, self._deadline - time.monotonic()))
            self._agents += 1
            self._agent_path = str(self._agent_dir / f"agent-{self._agents}.sock") if self._agent_dir else None
            code = _agent_source()
            if self._agent_path is not None:
                code += f"\n__course_agent_serve({self._agent_path!r})\ndel __course_agent_serve\n"
            try:
                reply = await self._silent(code, startup)
            except DeadKernelError:
                reply = None
            return reply is not None and reply["content"].get("status") == "ok"

        async def _recover(self, index: int, what: str, after: str = "that cell skipped") -> bool:
            """Replace a dead or stuck kernel and replay the non-test cells before ``index``.

            The cell at ``index`` is not run again; later cells run as usual, so parts answered
            before and after the offending cell keep their points. At most ``max_restarts`` times.
            ``after`` ends the flag (what became of the cell).
            """
            self.crashed = True
            if self._restarts >= self.max_restarts or self._deadline - time.monotonic() < 5:
                self.sandbox_flags.append(f"{what} in cell {index}; the rest was not run")
                return False
            self._restarts += 1
            self.sandbox_flags.append(f"{what} in cell {index}; kernel restarted, {after}")
            try:
                self._kill_hook(self.kernel_pid)
                await ensure_async(self.km.restart_kernel(now=True))
                ready = max(5.0, min(60.0, self._deadline - time.monotonic()))
                await ensure_async(self.kc.wait_for_ready(timeout=ready))
                if not await self._start():
                    raise RuntimeError("no set-up")
                self._no_replay.add(index)
                for i, earlier in enumerate(self.nb.cells[:index]):
                    if i in self._no_replay:
                        continue  # cells that timed out or killed the kernel are not run again
                    if earlier.get("cell_type") == "code" and not _is_test_cell(earlier) and earlier.source.strip():
                        left = min(self._cell_timeout, self._deadline - time.monotonic())
                        if left <= 0 or await self._silent(earlier.source, left) is None:
                            raise RuntimeError("replay did not finish")
            except Exception as exc:  # noqa: BLE001 - any failure here ends the run for this notebook
                self.sandbox_flags.append(
                    f"the kernel could not be restarted after cell {index} ({exc.__class__.__name__})")
                return False
            return True

        # -- the judge ---------------------------------------------------------------------
        async def _judge_cell(self, cell: Any, index: int) -> bool:
            """Run a test cell in the judge; False ends the run.

            The judge reaches the student's names itself, through the agent's socket; the
            grader only starts the cell, waits for its outputs within the cell's time, and
            replaces a kernel the judge found stuck (a call that ran over its limit).
            """
            from nbformat import from_dict

            from course_utils.grading.judge import JudgeError

            judge = self._judge
            cell_end = min(time.monotonic() + self._cell_timeout, self._deadline)
            outputs: list[dict] | None = None
            stuck = False
            try:
                judge.wait_ready(max(1.0, min(60.0, self._deadline - time.monotonic())))
                judge.send({"op": "run", "source": cell.source, "index": index, "agent": self._agent_path,
                            "seconds": max(0.0, cell_end - time.monotonic()),
                            "call_seconds": self._limits.call_seconds})
                message = judge.receive(cell_end - time.monotonic() + 1.0)
                if message is not None:
                    outputs = list(message.get("outputs", []))
                    stuck = bool(message.get("stuck"))
            except JudgeError as exc:
                self.sandbox_flags.append(f"the judge failed in cell {index} ({exc}); that test fails")
                outputs = [_error_output("GradingError", "the judge stopped while running this test")]
                self._replace_judge()
            if outputs is None:
                self.timed_out = True
                self.sandbox_flags.append(f"cell {index} ran over {self._cell_timeout:g} s and was stopped")
                outputs = [_error_output("CellTimeoutError", f"the test ran over {self._cell_timeout:g} s")]
                self._replace_judge()
                stuck = True  # the kernel may still be running the judge's last call
            cell.outputs = [from_dict(o) for o in outputs]
            self.code_cells_executed += 1
            cell.execution_count = self.code_cells_executed
            if stuck:
                self._no_replay.add(index)
                if not await self._recover(index, "a call from the test to the notebook ran over its time limit",
                                           after="that test failed"):
                    self._fail_rest(index + 1, "not run: the kernel stopped answering")
                    return False
            return True

        def _replace_judge(self) -> None:
            """A judge that ran over or broke is replaced: later tests start from a fresh one."""
            from course_utils.grading.judge import Judge

            self._judge.close()
            self._judge = Judge(self._judge.cwd)

        async def _run_cells(self) -> None:
            assert self.kc is not None
            if not await self._start():
                self.crashed = True
                self.sandbox_flags.append("the grading kernel did not finish its set-up")
                self._fail_rest(0, "the grading kernel did not finish its set-up")
                return
            for index, cell in enumerate(self.nb.cells):
                if cell.get("cell_type") != "code":
                    continue
                left = self._deadline - time.monotonic()
                if left <= 0:
                    self.timed_out = True
                    self.sandbox_flags.append(
                        f"whole-notebook time limit reached at cell {index}; the rest was not run"
                    )
                    self._fail_rest(index, "not run: the notebook's time limit was reached")
                    return
                is_test = _is_test_cell(cell)
                if is_test and self._judge is not None:
                    killed = _kill_strays(self.kernel_pid, self._uid)
                    if killed:
                        self.sandbox_flags.append(
                            f"{killed} process(es) the notebook started were stopped before cell {index}"
                        )
                    if not await self._judge_cell(cell, index):
                        return
                    continue
                self.timeout = max(1, int(min(self._cell_timeout, self._deadline - time.monotonic()) + 0.999))
                self._last_reply = None
                try:
                    await self.async_execute_cell(cell, index, execution_count=self.code_cells_executed + 1)
                except DeadKernelError:
                    cell.outputs.append(_error_output("GradingError", "the kernel died while running this cell"))
                    if not await self._recover(index, "the kernel died"):
                        self._fail_rest(index + 1, "not run: the kernel died")
                        return
                    continue
                except Exception as exc:  # CellTimeoutError from iopub, anything unexpected
                    self.sandbox_flags.append(f"cell {index} could not be run ({exc.__class__.__name__})")
                    if is_test:
                        cell.outputs.append(_error_output("GradingError", "the cell could not be run"))
                    continue
                reply: Any = self._last_reply
                status = reply["content"].get("status") if reply else "error"
                ename = reply["content"].get("ename") if reply else None
                if any(o.get("output_type") == "error" and str(o.get("ename", "")).endswith("MemoryError")
                       for o in cell.outputs):
                    limit = self._limits.memory_bytes // 2**20
                    self.sandbox_flags.append(f"cell {index} ran out of memory (limit {limit} MiB)")
                if ename == "CellTimeoutError":
                    self.timed_out = True
                    self._no_replay.add(index)
                    self.sandbox_flags.append(f"cell {index} ran over {self._cell_timeout:g} s and was interrupted")
                    cell.outputs.append(_error_output("CellTimeoutError", f"cell ran over {self._cell_timeout:g} s"))
                    try:
                        alive = await self._silent("pass", min(5.0, max(1.0, self._deadline - time.monotonic())))
                    except DeadKernelError:
                        alive = None
                    if alive is None:
                        if not await self._recover(index, "the kernel did not recover from a timeout"):
                            self._fail_rest(index + 1, "not run: the kernel stopped responding")
                            return
                elif is_test and status != "ok" and not any(
                    o.get("output_type") == "error" for o in cell.outputs
                ):
                    cell.outputs.append(
                        _error_output(str(ename or "Error"), "the test failed (its error report was suppressed)")
                    )

    return SandboxClient
