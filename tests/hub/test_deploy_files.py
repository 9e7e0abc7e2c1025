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
