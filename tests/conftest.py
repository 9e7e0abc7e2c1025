"""Shared test set-up: keep every config and cache folder in a temporary directory, so the
suite never reads or writes a real home (Jupyter, IPython, matplotlib, nbgrader)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_SANDBOX_HOME = Path(tempfile.mkdtemp(prefix="course-test-home-"))


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


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root folder."""
    return ROOT
