"""Fast checks of deploy/ that need neither root nor a running hub."""

from __future__ import annotations

import importlib.util
import os
import shutil
import types
from pathlib import Path

import pytest
import yaml
from traitlets.config.loader import PyFileConfigLoader

from hub_harness import DEPLOY, REPO


def _load_module(path: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hub_config_takes_the_roster_and_course_from_the_environment(monkeypatch):
    monkeypatch.setenv("COURSE_INSTRUCTORS", "alice")
    monkeypatch.setenv("COURSE_STUDENTS", "carol, bob")
    monkeypatch.setenv("COURSE_VENV", "/srv/venv")
    monkeypatch.setenv("NBGRADER_EXCHANGE_ROOT", "/srv/exchange")
    config = PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()

    assert config.JupyterHub.load_groups == {
        "nbgrader-kim-trump-bargaining": {"users": ["bob", "carol"]},
        "formgrade-kim-trump-bargaining": {"users": ["alice"]},
    }
    assert config.Authenticator.allowed_users == {"alice", "bob", "carol"}
    assert config.Spawner.cmd == ["/srv/venv/bin/python", "-m", "jupyterhub.singleuser"]
    env = config.Spawner.environment
    assert env["NBGRADER_EXCHANGE_ROOT"] == "/srv/exchange"
    assert env["PATH"].startswith("/srv/venv/bin:")
    fake_spawner = types.SimpleNamespace(user=types.SimpleNamespace(name="root"))
    assert env["TMPDIR"](fake_spawner) == os.path.join(os.path.expanduser("~root"), ".tmp")
    role = config.JupyterHub.load_roles[0]
    assert role["groups"] == ["formgrade-kim-trump-bargaining"]
    assert "groups!group=nbgrader-kim-trump-bargaining" in role["scopes"]


def test_instructor_config_loads_the_course_settings(tmp_path, monkeypatch):
    course = tmp_path / "kim-trump-bargaining"
    course.mkdir()
    shutil.copyfile(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    monkeypatch.setenv("COURSE_ROOT", str(course))
    config = PyFileConfigLoader(
        "instructor_nbgrader_config.py", path=str(DEPLOY / "nbgrader")
    ).load_config()
    assert config.CourseDirectory.root == str(course)
    assert config.CourseDirectory.course_id == "kim-trump-bargaining"
    assert config.OverwriteCells.add_missing_cells is True  # the course's grading settings


def test_global_config_points_nbgrader_at_the_hub(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXCHANGE_ROOT", "/srv/exchange")
    config = PyFileConfigLoader("global_nbgrader_config.py", path=str(DEPLOY / "nbgrader")).load_config()
    assert config.Exchange.root == "/srv/exchange"
    assert config.Exchange.path_includes_course is True
    assert config.Authenticator.plugin_class == "nbgrader.auth.JupyterHubAuthPlugin"


def test_kubernetes_files_parse_and_name_the_course_groups():
    folder = DEPLOY / "kubernetes"
    docs = {p.name: list(yaml.safe_load_all(p.read_text())) for p in folder.glob("*.yaml")}
    assert set(docs) == {"values.yaml", "formgrader.yaml", "exchange-pvc.yaml"}
    values = docs["values.yaml"][0]
    assert values["singleuser"]["extraEnv"]["NBGRADER_EXCHANGE_ROOT"] == "/srv/nbgrader/exchange"
    assert "formgrade-kim-trump-bargaining" in values["hub"]["loadRoles"]["formgrader-access"]["groups"]
    kinds = [d["kind"] for d in docs["formgrader.yaml"]]
    assert kinds == ["Deployment", "Service", "PersistentVolumeClaim"]


def test_stage_feedback_puts_pages_where_release_feedback_looks(tmp_path):
    from course_utils.grading.course import CourseError, load_course

    stage = _load_module(DEPLOY / "stage_feedback.py")
    shutil.copyfile(REPO / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    course = load_course(tmp_path)
    with pytest.raises(CourseError, match="run `course feedback ps1` first"):
        stage.stage_feedback(course, "ps1")

    page = tmp_path / "reports" / "ps1" / "feedback" / "bob" / "ps1.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html>feedback</html>")
    submitted = tmp_path / "submitted" / "bob" / "ps1"
    submitted.mkdir(parents=True)
    (submitted / "timestamp.txt").write_text("2026-11-28 08:00:00 UTC")
    with pytest.raises(CourseError, match="no submission_secret.txt"):
        stage.stage_feedback(course, "ps1")

    (submitted / "submission_secret.txt").write_text("s3cret")
    staged = stage.stage_feedback(course, "ps1")
    target = tmp_path / "feedback" / "bob" / "ps1"
    assert staged == [target / "ps1.html"]
    assert (target / "ps1.html").read_text() == "<html>feedback</html>"
    assert (target / "submission_secret.txt").read_text() == "s3cret"
    assert (target / "timestamp.txt").read_text() == "2026-11-28 08:00:00 UTC"


def test_hub_config_caps_user_servers_and_culls_idle_ones(monkeypatch):
    from jupyterhub.spawner import LocalProcessSpawner

    monkeypatch.setenv("COURSE_SPAWNER", "local")
    monkeypatch.setenv("COURSE_USER_MEM_LIMIT", "1536M")
    config = PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()
    spawner = config.JupyterHub.spawner_class
    assert issubclass(spawner, LocalProcessSpawner) and spawner is not LocalProcessSpawner
    assert config.Spawner.mem_limit == "1536M"
    assert "--MappingKernelManager.cull_idle_timeout=1800" in config.Spawner.args
    culler = [s for s in config.JupyterHub.services if s["name"] == "idle-culler"]
    assert culler and "--timeout=3600" in culler[0]["command"]
    role = next(r for r in config.JupyterHub.load_roles if r["name"] == "idle-culler")
    assert {"read:users:activity", "delete:servers"} <= set(role["scopes"])


def test_the_process_limits_turn_a_runaway_allocation_into_a_memory_error(tmp_path):
    """What CourseProcessSpawner runs before a user's server starts, in a child process."""
    import subprocess
    import sys

    probe = (
        "import runpy, sys\n"
        "from traitlets.config import Config\n"
        "ns = runpy.run_path(sys.argv[1], init_globals={'get_config': Config})\n"
        "ns['_limit_this_process']()\n"
        "try:\n"
        "    x = bytearray(int(1.5 * 2**30))\n"
        "    print('allocated')\n"
        "except MemoryError:\n"
        "    print('MemoryError')\n"
    )
    env = {**os.environ, "COURSE_USER_MEM_LIMIT": "1G", "COURSE_SPAWNER": "local"}
    done = subprocess.run([sys.executable, "-c", probe, str(DEPLOY / "jupyterhub_config.py")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.stdout.strip() == "MemoryError", done.stderr[-800:]


def test_setup_merges_the_student_lab_settings(tmp_path, monkeypatch):
    import json
    import pwd

    setup = _load_module(DEPLOY / "setup_single_server.py")
    me = pwd.getpwuid(os.getuid())
    home = tmp_path / "home"
    existing = home / ".jupyter" / "labconfig" / "page_config.json"
    existing.parent.mkdir(parents=True)
    existing.write_text(json.dumps({"disabledExtensions": {"some-other:plugin": True}, "x": 1}))
    setup._merge_json(DEPLOY / "jupyterlab" / "student_page_config.json", existing, me)
    merged = json.loads(existing.read_text())
    assert merged["x"] == 1 and merged["disabledExtensions"]["some-other:plugin"] is True
    assert merged["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    overrides = json.loads((DEPLOY / "jupyterlab" / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false",
                                                                        "checkForUpdates": False}
