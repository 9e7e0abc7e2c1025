"""Shared test set-up: keep every config and cache folder in a temporary directory, so the
suite never reads or writes a real home (Jupyter, IPython, matplotlib, nbgrader).

Nothing goes to a fixed path shared by the accounts of a machine (such as ``/tmp/<name>``):
scratch folders are made per run by :mod:`tempfile` (private to the account, removed
afterwards); what must outlive a run (screenshots to look at, npm's downloads) goes to the
``user_cache`` fixture, a folder of the account's own cache directory.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_SANDBOX_HOME = Path(tempfile.mkdtemp(prefix="course-test-home-"))
#: read before HOME is pointed at the temporary folder below
_XDG_CACHE_HOME = os.environ.get("XDG_CACHE_HOME", "")


def _isolate_environment() -> None:
    home = _SANDBOX_HOME
    for sub in ("jupyter-config", "jupyter-runtime", "ipython", "matplotlib"):
        (home / sub).mkdir(exist_ok=True)
    os.environ.update(
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(home / "jupyter-config"),
        JUPYTER_RUNTIME_DIR=str(home / "jupyter-runtime"),
        IPYTHONDIR=str(home / "ipython"),
        MPLCONFIGDIR=str(home / "matplotlib"),
        MPLBACKEND="Agg",
        JUPYTER_PLATFORM_DIRS="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )


_isolate_environment()


def pytest_unconfigure(config):
    shutil.rmtree(_SANDBOX_HOME, ignore_errors=True)


def user_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/course``, else ``~/.cache/course`` in the home folder of the account
    running the tests (taken from the password database, not from HOME: the suite replaces HOME,
    and a HOME inherited through ``sudo`` would have root write into a user's home)."""
    if os.path.isabs(_XDG_CACHE_HOME):
        return Path(_XDG_CACHE_HOME) / "course"
    return Path(pwd.getpwuid(os.geteuid()).pw_dir) / ".cache" / "course"


@pytest.fixture(scope="session")
def user_cache() -> Path:
    """The running account's own folder for what must outlive one test run (mode 700, made on
    first use). Each account has its own, so no account can block or read another's."""
    folder = user_cache_dir()
    try:
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
    except OSError as exc:
        pytest.fail(f"cannot make the test cache folder {folder}: {exc.strerror or exc}; "
                    "point XDG_CACHE_HOME at a folder of yours", pytrace=False)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        pytest.fail(f"{folder} is not a folder owned by this account (uid {os.geteuid()}); "
                    "remove it or point XDG_CACHE_HOME elsewhere", pytrace=False)
    return folder


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root folder."""
    return ROOT
