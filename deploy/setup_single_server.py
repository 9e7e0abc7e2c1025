"""Prepare one Linux server for the course on JupyterHub (run as root; idempotent).

What it does, for existing Linux users (create them first with ``adduser``):

- makes every course user's home private (mode 700): Debian's ``useradd`` leaves homes
  world-readable, which would let students read the instructor's ``source/`` (hidden
  tests), the gradebook, and each other's work; and gives each a private ``~/.tmp``, which
  the hub makes their ``TMPDIR``;
- makes the exchange folder, mode 1777 (everyone may create, nobody may delete others');
- installs the global nbgrader config (exchange, hub groups as enrolment);
- copies the course (``nbgrader_config.py``, ``source/``, ``release/``) into the instructor's
  home as ``~/<course_id>`` (mode 700, owned by the instructor) and installs the
  instructor's and the students' nbgrader configs;
- turns JupyterLab's news pop-up and update check off in the course's environment
  (``deploy/jupyterlab/overrides.json``) and hides nbgrader's instructor panels (Formgrader,
  course list, Create Assignment) from students (``deploy/jupyterlab/student_*.json``, merged
  into their ``~/.jupyter``);
- checks that each user can run the course's Python environment.

Example::

    sudo /opt/course/venv/bin/python deploy/setup_single_server.py \\
        --course-src /opt/course/src --venv /opt/course/venv \\
        --instructor alice --students bob carol dave

See deploy/README.md for the whole walk-through.
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import stat
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NBGRADER_CONFIGS = HERE / "nbgrader"
LAB_SETTINGS = HERE / "jupyterlab"
DEFAULT_COURSE_ID = "kim-trump-bargaining"
COURSE_FILES = ("nbgrader_config.py", "source", "release")


class SetupError(RuntimeError):
    """A problem the administrator must fix; the message says how."""


def user_entry(name: str) -> pwd.struct_passwd:
    """Return the password-database entry of ``name``.

    Raises
    ------
    SetupError
        If there is no such Linux user.
    """
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise SetupError(
            f"no Linux user {name!r}: create it first (e.g. 'adduser {name}')"
        ) from None


def lock_home(name: str) -> Path:
    """Make the home folder of user ``name`` private (mode 700), give it a private
    ``~/.tmp`` (the hub sets ``TMPDIR`` to it), and return the home folder."""
    entry = user_entry(name)
    home = Path(entry.pw_dir)
    if not home.is_dir():
        raise SetupError(f"home folder {home} of {name!r} does not exist: create it (mkhomedir_helper {name})")
    home.chmod(0o700)
    tmp = home / ".tmp"
    tmp.mkdir(mode=0o700, exist_ok=True)
    os.chown(tmp, entry.pw_uid, entry.pw_gid)
    return home


def make_exchange(root: Path) -> Path:
    """Create the exchange folder ``root`` with mode 1777 (nbgrader checks the 777 part)."""
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o777 | stat.S_ISVTX)
    parent = root.parent
    while parent != parent.parent:
        if not os.stat(parent).st_mode & stat.S_IXOTH:
            raise SetupError(f"{parent} is not traversable by other users: chmod o+x {parent}, or choose another --exchange")
        parent = parent.parent
    return root


def _install_file(src: Path, dest: Path, owner: pwd.struct_passwd | None, mode: int) -> None:
    """Copy ``src`` to ``dest`` with ``mode``, owned by ``owner`` (root when None)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    dest.chmod(mode)
    if owner is not None:
        for path in (dest.parent, dest):
            os.chown(path, owner.pw_uid, owner.pw_gid)


def install_global_config(config_dir: Path) -> Path:
    """Install the global nbgrader config as ``config_dir/nbgrader_config.py`` (mode 644)."""
    dest = config_dir / "nbgrader_config.py"
    _install_file(NBGRADER_CONFIGS / "global_nbgrader_config.py", dest, None, 0o644)
    config_dir.chmod(0o755)
    return dest


def install_course(instructor: str, course_src: Path, course_id: str, *, update: bool = False) -> Path:
    """Copy the course into the instructor's home and install their nbgrader config.

    Parameters
    ----------
    instructor
        Linux user name of the instructor.
    course_src
        A checkout of the course repository (holds ``nbgrader_config.py``, ``source/``,
        ``release/``).
    course_id
        The nbgrader course id; the course folder is ``~instructor/<course_id>``.
    update
        Replace ``source/``, ``release/`` and ``nbgrader_config.py`` of an existing course
        folder (grading data, the gradebook and submissions are left alone).

    Returns
    -------
    Path
        The course folder.
    """
    entry = user_entry(instructor)
    missing = [name for name in COURSE_FILES if not (course_src / name).exists()]
    if missing:
        raise SetupError(f"{course_src} is not the course repository (missing {', '.join(missing)}): pass --course-src")
    course = Path(entry.pw_dir) / course_id
    course.mkdir(exist_ok=True)
    for name in COURSE_FILES:
        src, dest = course_src / name, course / name
        if dest.exists() and not update:
            continue
        if dest.is_dir():
            shutil.rmtree(dest)
        if src.is_dir():
            shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        else:
            shutil.copyfile(src, dest)
    for dirpath, dirnames, filenames in os.walk(course):
        os.chown(dirpath, entry.pw_uid, entry.pw_gid)
        for name in filenames:
            os.chown(os.path.join(dirpath, name), entry.pw_uid, entry.pw_gid)
    course.chmod(0o700)
    _install_file(
        NBGRADER_CONFIGS / "instructor_nbgrader_config.py",
        Path(entry.pw_dir) / ".jupyter" / "nbgrader_config.py",
        entry,
        0o644,
    )
    return course


def _merge_json(src: Path, dest: Path, owner: pwd.struct_passwd) -> None:
    """Merge the JSON object in ``src`` into ``dest`` (created when missing), owned by ``owner``."""
    import json

    def merge(into: dict, new: dict) -> dict:
        for key, value in new.items():
            into[key] = merge(into.get(key, {}), value) if isinstance(value, dict) and isinstance(
                into.get(key), dict) else value
        return into

    current = {}
    if dest.is_file() and not dest.is_symlink():
        try:
            current = json.loads(dest.read_text() or "{}")
        except ValueError:
            raise SetupError(f"{dest} is not valid JSON: fix or remove it, then run this again") from None
    elif dest.is_symlink():
        dest.unlink()
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(merge(current, json.loads(src.read_text())), indent=2) + "\n")
    dest.chmod(0o644)
    home = Path(owner.pw_dir)
    for path in (dest, *[p for p in dest.parents if home in p.parents]):
        os.chown(path, owner.pw_uid, owner.pw_gid)


def install_student(student: str) -> Path:
    """Install the student's nbgrader config (and return its path); hide the instructor panels."""
    entry = user_entry(student)
    dest = Path(entry.pw_dir) / ".jupyter" / "nbgrader_config.py"
    _install_file(NBGRADER_CONFIGS / "student_nbgrader_config.py", dest, entry, 0o644)
    jupyter = Path(entry.pw_dir) / ".jupyter"
    _merge_json(LAB_SETTINGS / "student_page_config.json", jupyter / "labconfig" / "page_config.json", entry)
    _merge_json(LAB_SETTINGS / "student_server_config.json", jupyter / "jupyter_server_config.json", entry)
    return dest


def install_lab_settings(venv: Path) -> Path:
    """JupyterLab's settings overrides for everyone using ``venv`` (no news pop-up)."""
    dest = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    _install_file(LAB_SETTINGS / "overrides.json", dest, None, 0o644)
    return dest


def check_venv(venv: Path, user: str) -> None:
    """Check that ``user`` can start the course's Python and import what a server needs.

    Raises
    ------
    SetupError
        If the environment is missing or not readable by ``user``.
    """
    python = venv / "bin" / "python"
    if not python.exists():
        raise SetupError(f"{python} does not exist: create the environment (see deploy/README.md) or pass --venv")
    probe = "import jupyterhub.singleuser, nbgrader, course_utils"
    run = subprocess.run(
        ["runuser", "-u", user, "--", str(python), "-c", probe],
        capture_output=True, text=True, cwd="/", timeout=120,
    )
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["no output"])[-1]
        raise SetupError(
            f"user {user!r} cannot use {venv} ({last}): put the environment in a folder every user "
            "can traverse (e.g. /opt/course/venv, built from /usr/bin/python3) and install the course into it"
        )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        description="Prepare this server for the course on JupyterHub (run as root).",
        epilog="example: sudo python deploy/setup_single_server.py --course-src /opt/course/src "
        "--instructor alice --students bob carol",
    )
    parser.add_argument("--course-src", type=Path, default=HERE.parent, help="course repository checkout (default: this one)")
    parser.add_argument("--course-id", default=DEFAULT_COURSE_ID)
    parser.add_argument("--instructor", action="append", required=True, help="instructor user (repeat for several)")
    parser.add_argument("--students", nargs="+", default=[], help="student users")
    parser.add_argument("--exchange", type=Path, default=Path("/srv/nbgrader/exchange"))
    parser.add_argument("--config-dir", type=Path, default=Path("/etc/jupyter"), help="where the global nbgrader config goes")
    parser.add_argument("--venv", type=Path, default=Path("/opt/course/venv"))
    parser.add_argument("--update", action="store_true", help="replace source/, release/ and the course config in existing course folders")
    parser.add_argument("--skip-venv-check", action="store_true")
    args = parser.parse_args(argv)
    try:
        if os.geteuid() != 0:
            raise SetupError("run as root (sudo): it changes other users' homes")
        users = [*args.instructor, *args.students]
        for name in users:
            lock_home(name)
        make_exchange(args.exchange)
        install_global_config(args.config_dir)
        for name in args.instructor:
            course = install_course(name, args.course_src, args.course_id, update=args.update)
            print(f"course folder: {course}")
        for name in args.students:
            install_student(name)
        if args.venv.is_dir():
            install_lab_settings(args.venv)
        if not args.skip_venv_check:
            for name in users:
                check_venv(args.venv, name)
    except SetupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"ready: {len(args.instructor)} instructor(s), {len(args.students)} student(s), exchange {args.exchange}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
