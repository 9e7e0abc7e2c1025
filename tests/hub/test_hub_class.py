"""A whole class on JupyterHub: release -> fetch -> answer -> submit -> collect -> grade ->
feedback -> fetch feedback, with an instructor and four students who are real Linux users.

The hub runs ``deploy/jupyterhub_config.py`` (PAM log-in, LocalProcessSpawner) with the
nbgrader configs of ``deploy/nbgrader/``, prepared by ``deploy/setup_single_server.py``.
The instructor works through the formgrader's REST API and grades with the course's own
``course grade``; the students work through their servers' nbgrader and contents APIs.
Outcomes are asserted (grades, files, refusals), never exit codes alone.

The fourth student is hostile: their answer cell, run while the instructor grades as
themselves, tries to read the instructor's ``source/`` notebook, write the gradebook, list and
read the other students' submissions and connect to a TCP listener the test opens on
loopback. It prints what it observed into its own outputs, which the test reads back from the
autograded notebook; the listener must record no connection, the gradebook must hold no
table of the student's and the source notebook must be unchanged.

Needs root (it creates Linux users); skipped otherwise, except in CI (``CI=true``) where it
must run. A CI run that is deliberately not root (``.ci/run``'s second run, as an ordinary
user) says so with ``COURSE_HUB_OPTIONAL=1``: the test then skips with its hint. As root the
variable changes nothing: the test always runs.
"""

from __future__ import annotations

import csv
import html
import json
import os
import pwd
import re
import hashlib
import secrets
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import pytest

from hub_browser import browser_sees_own_numbers
from hub_harness import (
    DEPLOY, REPO, USER_MEM_LIMIT, Hub, Postgres, install_proxy, postgres_available, run, user_environment,
)

pytestmark = [pytest.mark.hub, pytest.mark.timeout(900)]

ASSIGNMENT = "ps1_bargaining"
COURSE_ID = "kim-trump-bargaining"
KINDS = ("correct", "partial", "blank")  # one student each, in this order; then the hostile one
REPORT_TAG = "HOSTILE-REPORT "

#: The hostile student's code, put before the solution in their first code answer. ``__PLAN__``
#: becomes a JSON string naming what to attack. Each attempt is recorded as ok (with what it
#: got) or failed (with the error), and the record is printed as one line after REPORT_TAG.
HOSTILE_CODE = r'''import json as _json, os as _os, socket as _socket
_plan = _json.loads(__PLAN__)
_seen = {}


def _attempt(key, action):
    try:
        _seen[key] = {"ok": True, "detail": action()}
    except Exception as _error:
        _seen[key] = {"ok": False, "detail": f"{type(_error).__name__}: {_error}"[:300]}


def _read(path):
    with open(path, "rb") as _file:
        return f"read {len(_file.read())} bytes"


def _write_gradebook():
    _db = _plan["gradebook"]
    if _db["kind"] == "sqlite":
        import sqlite3
        _con = sqlite3.connect(f"file:{_db['path']}?mode=rw", uri=True, timeout=5)
        _con.execute(f"CREATE TABLE {_plan['marker']} (x INTEGER)")
        _con.commit()
        _con.close()
        return "created a table"
    try:
        import psycopg2
    except ImportError:
        _sock = _socket.socket(_socket.AF_UNIX)
        _sock.settimeout(5)
        _sock.connect(_db["socket"])
        _sock.close()
        return "connected to PostgreSQL's socket (no psycopg2 to go further)"
    _con = psycopg2.connect(connect_timeout=5, **_db["dsn"])
    with _con, _con.cursor() as _cur:
        _cur.execute(f"CREATE TABLE {_plan['marker']} (x INTEGER)")
    _con.close()
    return "created a table"


def _connect():
    with _socket.create_connection(("127.0.0.1", _plan["port"]), timeout=5) as _sock:
        _sock.sendall(_plan["marker"].encode())
    return "connected and sent the marker"


_attempt("read source", lambda: _read(_plan["source"]))
_attempt("write gradebook", _write_gradebook)
for _key, _path in _plan["listings"].items():
    _attempt(f"list {_key}", lambda: sorted(_os.listdir(_path)))
_attempt("read another student's submission", lambda: _read(_plan["other_submission"]))
_attempt("connect to loopback listener", _connect)
print("HOSTILE-REPORT " + _json.dumps(_seen))  # REPORT_TAG
'''


def _require_root() -> None:
    """Return as root; otherwise skip with a hint, or fail in CI unless the run declared
    itself an ordinary user's (``COURSE_HUB_OPTIONAL=1``)."""
    if os.geteuid() == 0:
        return  # COURSE_HUB_OPTIONAL never skips a run that can do the test
    message = "the hub test creates Linux users and runs JupyterHub as root: run it as root (CI does)"
    in_ci = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
    if in_ci and os.environ.get("COURSE_HUB_OPTIONAL") != "1":
        pytest.fail(f"{message}; CI=true but uid is {os.geteuid()} "
                    "(a CI run meant to be an ordinary user's sets COURSE_HUB_OPTIONAL=1)", pytrace=False)
    pytest.skip(message)


class MemorySampler(threading.Thread):
    """Samples the summed resident memory of the run's processes (this test's process tree,
    every process of the run's users, and the trees of ``roots``) every half second; keeps
    the peak."""

    def __init__(self, uids: set[int]) -> None:
        super().__init__(daemon=True)
        self.uids, self.peak, self.peak_count = uids, 0, 0
        self.roots: set[int] = {os.getpid()}  # add a detached server's PID (PostgreSQL)
        self._stop_event = threading.Event()

    def _sample(self) -> None:
        parents, rss, owners = {}, {}, {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            pid = int(entry.name)
            parents[pid] = int(fields["PPid"])
            owners[pid] = int(fields["Uid"].split()[0])
            rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
        ours = set(self.roots) & set(parents)
        changed = True
        while changed:
            changed = False
            for pid, parent in parents.items():
                if pid not in ours and (parent in ours or owners[pid] in self.uids):
                    ours.add(pid)
                    changed = True
        total = sum(rss.get(pid, 0) for pid in ours) * 1024
        if total > self.peak:
            self.peak, self.peak_count = total, len(ours)

    def run(self) -> None:
        while not self._stop_event.is_set():
            self._sample()
            self._stop_event.wait(0.5)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)


def _as_user(user: str, hub: Hub, args: list[str], *, cwd: Path, timeout: float = 600,
             extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``args`` as Linux user ``user`` with the environment a terminal in the user's
    hub server has (deploy/jupyterhub_config.py sets these variables)."""
    home = pwd.getpwnam(user).pw_dir
    env = [
        f"HOME={home}", f"USER={user}", f"PATH={hub.venv / 'bin'}:/usr/bin:/bin", f"TMPDIR={home}/.tmp",
        f"JUPYTER_CONFIG_PATH={hub.environment['COURSE_JUPYTER_CONFIG_DIR']}",
        f"NBGRADER_EXCHANGE_ROOT={hub.environment['NBGRADER_EXCHANGE_ROOT']}",
        f"COURSE_ID={COURSE_ID}", "MPLBACKEND=Agg",
        *(f"{key}={value}" for key, value in (extra_env or {}).items()),
    ]
    return subprocess.run(
        ["runuser", "-u", user, "--", "env", "-i", *env, *args],
        cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )


class LoopbackListener(threading.Thread):
    """A TCP listener on 127.0.0.1 that records every connection made to it (peer and the
    first bytes sent) until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections: list[tuple[str, bytes]] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                conn, peer = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    data = conn.recv(200)
                except OSError:
                    data = b""
            self.connections.append((f"{peer[0]}:{peer[1]}", data))

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)
        self.sock.close()


def hostile_submission(answer: str, plan: dict) -> str:
    """``answer`` (a notebook's JSON text) with :data:`HOSTILE_CODE` for ``plan`` put before the
    first code answer."""
    nb = nbformat.reads(answer, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code"
                and c.get("metadata", {}).get("nbgrader", {}).get("solution"))
    cell.source = HOSTILE_CODE.replace("__PLAN__", repr(json.dumps(plan))) + "\n" + cell.source
    return nbformat.writes(nb)


def hostile_report(autograded: Path) -> dict | None:
    """The record the hostile code printed, read from the autograded notebook's outputs."""
    if not autograded.exists():
        return None
    for cell in nbformat.read(autograded, as_version=4).cells:
        for output in cell.get("outputs", []):
            for line in str(output.get("text", "")).splitlines():
                if line.startswith(REPORT_TAG):
                    return json.loads(line[len(REPORT_TAG):])
    return None


def hostile_leaks(report: dict | None, others: list[str], listener: LoopbackListener,
                  marker_written: bool, source_changed: bool) -> list[str]:
    """What the hostile student reached, in words (empty: every attempt failed)."""
    leaks = []
    if report is None:
        leaks.append("the hostile student's report is missing from the autograded notebook "
                     "(nothing can be said of what its code reached)")
        report = {}
    for key, seen in sorted(report.items()):
        if not seen["ok"]:
            continue
        if key.startswith("list "):
            named = [n for n in seen["detail"] if any(other in n for other in others)]
            if named:
                leaks.append(f"{key}: saw {named}")
        else:
            leaks.append(f"{key}: {seen['detail']}")
    if listener.connections:
        leaks.append(f"the loopback listener got connections: {listener.connections}")
    if marker_written:
        leaks.append("the gradebook holds the hostile student's table")
    if source_changed:
        leaks.append("the instructor's source notebook changed during grading")
    return leaks


def _hidden_test_lines(source_nb: nbformat.NotebookNode) -> set[str]:
    """Lines of hidden tests in the source notebook (those a student must never see)."""
    lines = set()
    for cell in source_nb.cells:
        for block in re.findall(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", cell.source, flags=re.S):
            lines.update(line.strip() for line in block.splitlines() if len(line.strip()) > 12)
    return lines


#: a notebook that runs away: four processes spinning on every core (each ends when the kernel does)
RUNAWAY = (
    "import os\n"
    "kernel = os.getpid()\n"
    "for _ in range(4):\n"
    "    if os.fork() == 0:\n"
    "        while os.getppid() == kernel:\n"
    "            pass\n"
    "        os._exit(0)\n"
    "while True:\n"
    "    pass\n"
)


def deadline_check(hub: Hub, tokens: dict[str, str], instructor: str, students: list[str]) -> None:
    """The hub at the deadline: per-user limits, culling, the students' view of Lab, and one
    student's runaway notebook not stopping the others' servers from answering."""
    runaway, others = students[-2], [instructor, *students[:2]]
    # the limits deploy/ sets: a server's memory cap turns an oversized allocation into the
    # student's own MemoryError instead of the machine's OOM killer
    kernel = hub.start_kernel(runaway, tokens[runaway])
    reply = hub.execute(runaway, tokens[runaway], kernel, "x = bytearray(int(1.5 * 2**30))")
    assert reply.get("ename") == "MemoryError", f"allocating past {USER_MEM_LIMIT} in a kernel: {reply}"
    # then it spins on every core, and keeps spinning while the class works
    hub.execute(runaway, tokens[runaway], kernel, RUNAWAY, wait=False)
    time.sleep(3)
    for name in others:
        for path in ("api/status", "api/contents", "api/kernelspecs"):
            reply = hub.server("GET", name, path, tokens[name], timeout=60)
            assert reply.status_code == 200, f"{name}'s server, {path}, while {runaway}'s notebook runs away: " \
                                             f"HTTP {reply.status_code}"
    assert hub.api("GET", "/users", timeout=60).status_code == 200
    spinning = hub.processes_of(runaway, "ipykernel")
    assert len(spinning) >= 5, f"the runaway notebook is not running ({spinning})"
    stopped = hub.server("DELETE", runaway, f"api/kernels/{kernel}", tokens[runaway])
    assert stopped.status_code == 204, stopped.status_code
    # nothing of the runaway notebook outlives its kernel
    for _ in range(20):
        if not hub.processes_of(runaway, "ipykernel"):
            break
        time.sleep(0.5)
    assert not hub.processes_of(runaway, "ipykernel"), "the runaway notebook's processes outlived its kernel"
    # idle servers are culled by the hub's idle-culler service (deploy/jupyterhub_config.py)
    assert hub.processes_of("root", "jupyterhub_idle_culler"), "no jupyterhub-idle-culler running"
    # what students see: no instructor panels, no news pop-up
    student = students[0]
    assert hub.server("GET", student, "formgrader", tokens[student]).status_code == 404
    assert hub.server("GET", instructor, "formgrader", tokens[instructor]).status_code in (200, 302)
    page = hub.server("GET", student, "lab", tokens[student]).text
    assert '"@jupyter/nbgrader:formgrader": true' in page.replace('\\"', '"') or \
        "@jupyter/nbgrader:formgrader" in page.split("disabledExtensions", 1)[-1][:400], \
        "the formgrader panel is not disabled in a student's Lab"
    news = hub.server("GET", student, "lab/api/settings/@jupyterlab/apputils-extension:notification",
                      tokens[student]).json()
    assert news["schema"]["properties"]["fetchNews"]["default"] == "false", news["schema"]["properties"]


def test_class_loop_on_jupyterhub(request: pytest.FixtureRequest) -> None:
    _require_root()
    user_cache: Path = request.getfixturevalue("user_cache")  # npm's downloads, root's own
    from course_utils.grading.engine import grade_notebook  # the course's own grading
    from course_utils.grading.synthetic import make_submission
    from course_utils.variants import course_settings

    source_path = REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    release_path = REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert source_path.exists() and release_path.exists(), f"{ASSIGNMENT} is missing from source/ or release/"
    source_nb = nbformat.read(source_path, as_version=4)
    hidden = _hidden_test_lines(source_nb)
    assert hidden, "ps1 has no hidden tests, so the feedback check below would prove nothing"

    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="course-hub-", dir="/tmp"))
    base.chmod(0o755)
    hub: Hub | None = None
    postgres: Postgres | None = None
    sampler: MemorySampler | None = None
    listener: LoopbackListener | None = None
    timings: dict[str, float] = {}
    try:
        users_env = user_environment(base, force_copy=os.environ.get("COURSE_HUB_COPY_VENV") == "1")
        venv = users_env.venv
        proxy = install_proxy(base / "proxy", user_cache / "hub-npm")
        timings["installs"] = time.monotonic() - started
        print(f"\nhub test: user servers run {venv} ({users_env.how})")
        hub = Hub(base=base, venv=venv, course_id=COURSE_ID)
        tag = secrets.token_hex(3)
        instructor = f"kt{tag}i"
        students = [f"kt{tag}s{n}" for n in range(1, len(KINDS) + 2)]
        hostile, marker = students[-1], f"hostile_{tag}"  # the last student attacks
        homes = {name: hub.add_user(name) for name in [instructor, *students]}
        sampler = MemorySampler({pwd.getpwnam(n).pw_uid for n in hub.users})
        sampler.start()

        # ------------------------------------------------ the deploy/ set-up, as an admin runs it
        setup = run([
            str(venv / "bin" / "python"), str(DEPLOY / "setup_single_server.py"),
            "--course-src", str(REPO), "--course-id", COURSE_ID,
            "--instructor", instructor, "--students", *students,
            "--exchange", str(base / "exchange"), "--config-dir", str(base / "etc" / "jupyter"),
            "--venv", str(venv),
        ])
        assert "ready:" in setup.stdout
        course = homes[instructor] / COURSE_ID
        assert oct(course.stat().st_mode & 0o777) == oct(0o700)
        # The gradebook on PostgreSQL when the machine has it (CI does), set where
        # deploy/README.md tells instructors to: the course folder's nbgrader_config.py.
        no_postgres = postgres_available()
        if not no_postgres:
            postgres = Postgres(base)
            postgres.start()
            db_url = postgres.create_database(instructor, "kim_trump_gradebook")
            sampler.roots.add(postgres.pid)
            with open(course / "nbgrader_config.py", "a") as f:
                f.write(f"\nc.CourseDirectory.db_url = {db_url!r}\n")
        print(f"hub test: gradebook {'on PostgreSQL' if not no_postgres else 'SQLite (' + no_postgres + ')'}")

        config = hub.write_config(proxy, [instructor], students)
        hub.start(config)
        tokens = {name: hub.user_token(name) for name in hub.users}
        hub.start_servers(hub.users)
        timings["hub and servers up"] = time.monotonic() - started

        deadline_check(hub, tokens, instructor, students)
        timings["deadline check"] = time.monotonic() - started

        groups = {g["name"]: set(g["users"]) for g in hub.api("GET", "/groups").json()}
        assert groups[f"nbgrader-{COURSE_ID}"] == set(students)
        assert groups[f"formgrade-{COURSE_ID}"] == {instructor}

        def formgrader(method: str, path: str):
            reply = hub.server(method, instructor, f"formgrader/api/{path}", tokens[instructor])
            assert reply.status_code == 200, f"formgrader {path}: {reply.status_code} {reply.text[:500]}"
            return reply.json()

        def student_action(name: str, action: str):
            reply = hub.server("POST", name, f"assignments/{action}", tokens[name],
                               params={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})
            assert reply.status_code == 200, f"{action} by {name}: {reply.status_code} {reply.text[:500]}"
            return reply.json()

        # ------------------------------------------------ release -> fetch -> answer -> submit
        released = formgrader("POST", f"assignment/{ASSIGNMENT}/release")
        assert released.get("success"), released
        outbound = base / "exchange" / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        assert outbound.exists(), f"release did not reach the exchange: {released}"

        nb_rel = f"{COURSE_ID}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"  # path_includes_course=True
        listener = LoopbackListener()
        listener.start()
        source_in_course = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        source_digest = hashlib.sha256(source_in_course.read_bytes()).hexdigest()
        plan = {
            "marker": marker,
            "port": listener.port,
            "source": str(source_in_course),
            "gradebook": {"kind": "sqlite", "path": str(course / "gradebook.db")} if no_postgres else {
                "kind": "postgresql",
                "socket": str(postgres.socket_dir / f".s.PGSQL.{postgres.port}"),
                "dsn": {"host": str(postgres.socket_dir), "port": postgres.port,
                        "dbname": "kim_trump_gradebook", "user": instructor},
            },
            "listings": {
                "submitted/": str(course / "submitted"),
                "autograded/": str(course / "autograded"),
                "exchange inbound": str(base / "exchange" / COURSE_ID / "inbound"),
            },
            "other_submission": str(course / "submitted" / students[0] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
        }
        answers: dict[str, str] = {}
        for name, kind in zip(students, [*KINDS, "hostile"], strict=True):
            listing = hub.server("GET", name, "assignments", tokens[name], params={"course_id": COURSE_ID}).json()
            assert [a["assignment_id"] for a in listing["value"]] == [ASSIGNMENT], listing
            student_action(name, "fetch")
            fetched = hub.server("GET", name, f"api/contents/{nb_rel}", tokens[name], params={"content": "1"})
            assert fetched.status_code == 200, f"{name} has no fetched notebook: {fetched.text[:300]}"
            release_nb = nbformat.from_dict(fetched.json()["content"])
            if name == students[0]:  # in Lab, in a browser, the hub user sees their own numbers
                own = course_settings(course).variant(ASSIGNMENT, name)
                assert own.enabled, "variants are off for the hub's assignment: nothing to see"
                timings["browser: own numbers"] = browser_sees_own_numbers(hub, name, nb_rel, own.as_dict())
            if kind == "hostile":
                answers[name] = hostile_submission(make_submission(release_nb, source_nb, "correct"), plan)
            else:
                answers[name] = make_submission(release_nb, source_nb, kind)
            saved = hub.server("PUT", name, f"api/contents/{nb_rel}", tokens[name], json={
                "type": "notebook", "format": "json", "content": json.loads(answers[name]),
            })
            assert saved.status_code == 200, f"{name} could not save: {saved.text[:300]}"
            submitted = student_action(name, "submit")
            assert submitted.get("success", True), submitted
        timings["released, fetched, submitted"] = time.monotonic() - started

        # ------------------------------------------------ collect -> grade -> feedback
        collected = formgrader("POST", f"assignment/{ASSIGNMENT}/collect")
        assert collected.get("success"), collected
        for name in students:
            assert (course / "submitted" / name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists(), \
                f"collect did not bring {name}'s submission: {collected.get('log', '')[-800:]}"

        course_cmd = [str(venv / "bin" / "python"), "-m", "course_utils", "--course-dir", str(course)]
        graded = _as_user(instructor, hub, [*course_cmd, "grade", ASSIGNMENT, "--submissions",
                                            str(course / "submitted"),
                                            "--workers", "2"], cwd=course)
        assert graded.returncode == 0, f"course grade failed:\n{graded.stdout[-2000:]}\n{graded.stderr[-2000:]}"
        timings["graded"] = time.monotonic() - started
        listener.stop()
        if no_postgres:
            with sqlite3.connect(f"file:{course / 'gradebook.db'}?mode=ro", uri=True) as db:
                marker_written = bool(db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (marker,)).fetchall())
        else:
            marker_written = postgres.query("kim_trump_gradebook",
                                            f"SELECT to_regclass('public.{marker}') IS NOT NULL") == "t"
        report = hostile_report(course / "autograded" / hostile / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
        leaks = hostile_leaks(report, [n for n in students if n != hostile], listener, marker_written,
                              hashlib.sha256(source_in_course.read_bytes()).hexdigest() != source_digest)
        print(f"hub test: the hostile student's notebook, graded by the instructor, observed: {json.dumps(report)}")
        print(f"hub test: what it reached: {leaks or 'nothing'}")
        feedback = _as_user(instructor, hub, [*course_cmd, "feedback", ASSIGNMENT],
                            cwd=course)
        assert feedback.returncode == 0, f"course feedback failed:\n{feedback.stdout[-2000:]}\n{feedback.stderr[-2000:]}"
        staged = _as_user(instructor, hub, [str(venv / "bin" / "python"), str(users_env.src / "deploy" / "stage_feedback.py"),
                                            ASSIGNMENT, "--course-dir", str(course)], cwd=course)
        assert staged.returncode == 0, f"stage_feedback failed:\n{staged.stdout}\n{staged.stderr}"
        released_fb = formgrader("POST", f"assignment/{ASSIGNMENT}/release_feedback")
        assert released_fb.get("success"), released_fb
        fetched_fb = {name: student_action(name, "fetch_feedback") for name in students}
        timings["feedback fetched"] = time.monotonic() - started

        # ------------------------------------------------ the grades
        with open(course / "reports" / ASSIGNMENT / "grades.csv", newline="") as f:
            rows = {row["student_id"]: row for row in csv.DictReader(f)}
        assert set(rows) == set(students), rows
        for name in students:
            # the hostile notebook may be flagged (its code opens connections), never left ungraded
            wanted = {"graded", "flagged"} if name == hostile else {"graded"}
            assert rows[name]["status"] in wanted, f"{name}: {rows[name]}\n{graded.stdout[-1500:]}"
        # The written answer waits for the instructor, so compare the automatic parts.
        scores = {name: float(rows[name]["auto_score"]) for name in students}
        full = float(rows[students[0]]["auto_max_score"])
        assert full > 0
        assert scores[students[0]] == full, f"the complete answers earned {scores[students[0]]} of {full}"
        assert 0 < scores[students[1]] < full, f"the partial answers earned {scores[students[1]]} of {full}"
        assert scores[students[2]] == 0, f"the blank notebook earned {scores[students[2]]}"
        # The hub's round trip changes nothing: the partial notebook grades the same locally.
        local_dir = base / "local-grade"
        local_dir.mkdir()
        (local_dir / f"{ASSIGNMENT}.ipynb").write_text(answers[students[1]])
        local = grade_notebook(local_dir / f"{ASSIGNMENT}.ipynb", source_path, workdir=local_dir)
        assert local.score == scores[students[1]], (local.score, scores[students[1]])
        # ... and the formgrader (reading the gradebook) shows the same scores to the instructor.
        listed = {s["student"]: s for s in formgrader("GET", f"submissions/{ASSIGNMENT}")}
        for name in students:
            assert listed[name]["autograded"], listed[name]
            assert float(listed[name]["code_score"]) == scores[name], (name, listed[name], rows[name])

        # ------------------------------------------------ feedback in each student's home
        for name in students:
            pages = list((homes[name] / COURSE_ID / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
            assert len(pages) == 1, (
                f"{name} fetched {len(pages)} feedback pages; made: "
                f"{sorted(str(p.relative_to(course)) for p in (course / 'feedback').rglob('*'))}; "
                f"release_feedback log: {released_fb.get('log', '')[-1500:]}; fetch: {fetched_fb[name]}"
            )
            text = pages[0].read_text()
            assert "HIDDEN TESTS" not in text
            leaked = [line for line in hidden if line in text or html.escape(line) in text]
            assert not leaked, f"feedback of {name} shows hidden-test source: {leaked[:3]}"

        # ------------------------------------------------ what students must not reach
        s1, s2 = students[0], students[1]
        for path in (f"user/{s1}/api/contents/{nb_rel}", f"user/{instructor}/formgrader/api/submissions/{ASSIGNMENT}"):
            reply = hub.server("GET", path.split("/")[1], "/".join(path.split("/")[2:]), tokens[s2])
            assert reply.status_code == 403, f"{s2} reading {path}: HTTP {reply.status_code}"
        probe = (
            "import json, os, sys\n"
            "out = {}\n"
            "for key, path in json.loads(sys.argv[1]).items():\n"
            "    try:\n"
            "        os.listdir(path) if os.path.isdir(path) else open(path).read()\n"
            "        out[key] = 'read'\n"
            "    except PermissionError:\n"
            "        out[key] = 'denied'\n"
            "print(json.dumps(out))\n"
        )
        targets = {
            "other student's notebook": str(homes[s1] / nb_rel),
            "instructor's source/": str(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
            "collected submission": str(course / "submitted" / s1 / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
            "exchange inbound listing": str(base / "exchange" / COURSE_ID / "inbound"),
        }
        if no_postgres:
            targets["gradebook"] = str(course / "gradebook.db")
        else:
            assert not (course / "gradebook.db").exists(), "a SQLite gradebook appeared beside PostgreSQL"
        for path in targets.values():
            assert Path(path).exists(), path
        tried = _as_user(s2, hub, [str(venv / "bin" / "python"), "-c", probe, json.dumps(targets)], cwd=Path("/"))
        outcome = json.loads(tried.stdout)
        assert outcome == {key: "denied" for key in targets}, outcome

        # ------------------------------------------------ enrolment from the instructor's terminal
        # `nbgrader db student add` puts a student into the hub group with the token of the
        # instructor's server; deploy/ grants it the group scopes (without them: 403, exit 0).
        late = students[2]
        group = f"nbgrader-{COURSE_ID}"
        removed = hub.api("DELETE", f"/groups/{group}/users", json={"users": [late]})
        assert removed.status_code == 200 and late not in removed.json()["users"], removed.text
        enrolled = _as_user(instructor, hub, [str(venv / "bin" / "python"), "-m", "nbgrader", "db", "student",
                                              "add", late, "--last-name", "Late"],
                            cwd=course, extra_env=hub.server_environment(instructor))
        members = hub.api("GET", f"/groups/{group}").json()["users"]
        assert late in members, f"{late} not re-enrolled:\n{enrolled.stdout[-1500:]}\n{enrolled.stderr[-1500:]}"

        # ------------------------------------------------ log-in: the right password only
        refused = hub.login(s1, hub.passwords[s1] + "x")
        assert refused.status_code == 403 and "jupyterhub-session-id" not in refused.cookies, refused.status_code
        accepted = hub.login(s1, hub.passwords[s1])
        assert accepted.status_code == 302, accepted.status_code

        # ------------------------------------------------ last, so that every check above ran
        assert not leaks, (
            "a student's notebook, run while the instructor graded as themselves, reached what "
            "the grading sandbox must keep from it:\n- " + "\n- ".join(leaks)
            + f"\n(its own record: {json.dumps(report)})")
    finally:
        if listener is not None and listener.is_alive():
            listener.stop()
        if sampler is not None:
            sampler.stop()
        if postgres is not None:
            postgres.stop()
        problems = hub.teardown() if hub is not None else []
        if hub is None:
            shutil.rmtree(base, ignore_errors=True)
        timings["total (with teardown)"] = time.monotonic() - started
        if hub is not None:
            timings.update({f"teardown: {k}": v for k, v in hub.teardown_times.items()})
        print(f"\nhub test: {json.dumps({k: round(v, 1) for k, v in timings.items()})}")
        if sampler is not None:
            print(f"hub test: peak memory {sampler.peak / 2**20:.0f} MiB over {sampler.peak_count} processes")
    assert not problems, problems
