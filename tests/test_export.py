"""``course export``: the grade files compared with what each LMS documents for its import
(Canvas's gradebook CSV columns, Moodle's CSV grade import with an identifier, a grade and a
feedback column; the names Moodle's feedback-zip upload matches), late penalties and manual
grades included, pending and failed students left out. No kernel runs here: grades.csv and
the feedback pages are written by the test."""

from __future__ import annotations

import csv
import re
import zipfile

import pytest

from course_utils.cli import main
from course_utils.grading.course import load_course
from course_utils.grading.export import CANVAS_FIXED, export_grades
from course_utils.grading.gradesfile import write_grades
from course_utils.grading.synthetic import write_toy_course

PARTS = ["split_test", "cost_test", "why_deal"]  # 2 + 1 + 2 points, why_deal written


def _row(sid, status="graded", parts=("2", "1", "2"), **extra):
    row = {"student_id": sid, "status": status, "late_seconds": "0", **dict(zip(PARTS, parts, strict=True))}
    row.update(extra)
    return row


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """One course for the module (its empty gradebook takes seconds to create); tests only read it."""
    root = tmp_path_factory.mktemp("export") / "course"
    write_toy_course(root)
    with (root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write('\nc.CourseLate.due = {"toy": "2026-10-02 17:00 UTC"}\nc.CourseLate.percent_per_day = 10\n')
    rows = {
        "doejane": _row("doejane", lms="canvas", lms_id="1001", lms_name="doejane"),
        # 1 day and 2 s late: 20 % of 5 = 1 point off
        "roe": _row("roe", late_seconds="86402", lms="canvas", lms_id="1002", lms_name="roe", lms_late="yes"),
        "moodler": _row("moodler", lms="moodle", lms_id="4711", lms_name="Ann Lee-Smith", parts=("2", "0", "1.5")),
        "pending": _row("pending", lms="canvas", lms_id="1004", lms_name="pending", parts=("2", "1", "")),
        "broken": {"student_id": "broken", "status": "failed", "flags": "not valid JSON", "lms": "canvas"},
    }
    write_grades(root / "reports" / "toy" / "grades.csv", rows, PARTS)
    for sid in ("doejane", "roe", "moodler"):
        page = root / "reports" / "toy" / "feedback" / sid / "toy.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<html>{sid}</html>")
    return load_course(root)


def _read(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_canvas_fills_the_gradebook_exported_from_canvas(course, tmp_path):
    template = tmp_path / "canvas_export.csv"
    template.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,toy (777),Quiz 1 (778)\n"
        '"Doe, Jane",1001,S1,doejane,Sec A,,9\n'
        '"Roe, Richard",1002,S2,rroe,Sec A,,8\n'
        '"Lee-Smith, Ann",2001,S3,moodler,Sec B,,7\n'   # matched by SIS Login ID
        '"Nobody, No",2002,S4,nobody,Sec B,,6\n', encoding="utf-8")
    done = export_grades(course, "toy", "canvas", template=template)
    table = _read(done.grades)
    # Canvas's documented columns: the five fixed ones, then the assignment's own column name
    assert table[0] == [*CANVAS_FIXED, "toy (777)"]
    assert table[1:] == [['Doe, Jane', '1001', 'S1', 'doejane', 'Sec A', '5'],
                         ['Roe, Richard', '1002', 'S2', 'rroe', 'Sec A', '4'],
                         ['Lee-Smith, Ann', '2001', 'S3', 'moodler', 'Sec B', '3.5']]
    assert set(done.left_out) == {"pending", "broken"}
    assert "written answer" in done.left_out["pending"] and "failed" in done.left_out["broken"]


def test_canvas_without_a_template_uses_the_download_ids(course):
    done = export_grades(course, "toy", "canvas", parts=True)
    table = _read(done.grades)
    assert table[0] == [*CANVAS_FIXED, "toy", *[f"toy: {p}" for p in PARTS]]
    assert [r[1] for r in table[1:]] == ["1001", "1002"]
    assert "pass --template" in done.left_out["moodler"]
    with zipfile.ZipFile(done.feedback) as zf:
        assert sorted(zf.namelist()) == ["doejane/toy.html", "roe/toy.html"]


def test_moodle_csv_and_feedback_zip(course, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,lms_id,email\nmoodler,4711,ann@example.edu\n", encoding="utf-8")
    done = export_grades(course, "toy", "moodle", roster=roster, include_pending=True)
    table = _read(done.grades)
    # an identifier to map to a user field, the grade, its feedback, the parts (each a grade item)
    assert table[0] == ["ID number", "Email address", "Full name", "toy", "toy (feedback)",
                        *[f"toy: {p}" for p in PARTS]]
    rows = {r[0]: r for r in table[1:]}
    assert rows["moodler"][:5] == ["moodler", "ann@example.edu", "Ann Lee-Smith", "3.5", "Score 3.5/5"]
    assert rows["roe"][3:5] == ["4", "Score 5/5; late penalty 1: 4/5"]
    assert rows["pending"][3] == "3" and rows["pending"][-1] == ""  # sent on request; its part empty
    for row in table[1:]:  # every grade a number within the points
        assert 0 <= float(row[3]) <= 5
    with zipfile.ZipFile(done.feedback) as zf:
        names = zf.namelist()
    # Moodle's feedback-zip upload matches "<full name>_<participant id>_assignsubmission_file_"
    assert "Ann Lee-Smith_4711_assignsubmission_file_/toy.html" in names
    assert all(re.match(r"^.+_\d+_assignsubmission_file_/", n) or n.count("/") == 1 for n in names)


def test_plain_and_the_command(course, capsys):
    assert main(["--course-dir", str(course.root), "export", "toy", "--format", "plain"]) == 0
    out = capsys.readouterr().out
    assert "3 grade(s)" in out and "left out pending" in out and "left out broken" in out
    table = _read(course.report_dir("toy") / "export" / "grades_plain.csv")
    assert table[0][:8] == ["student_id", "lms_name", "lms_id", "status", "score", "late_penalty", "final_score",
                            "max_score"]
    roe = next(r for r in table if r[0] == "roe")
    assert roe[4:8] == ["5", "1", "4", "5"]


def test_a_file_that_is_not_a_canvas_export_is_refused(course, tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("Name,Grade\nx,1\n")
    assert main(["--course-dir", str(course.root), "export", "toy", "--format", "canvas", "--template", str(bad)]) == 1


# ----------------------------------------------------------------------------- Canvas's API
# Responses as Canvas's REST API documents them (Courses, Assignments, and the Progress object
# the bulk grade update returns), replayed by a stand-in server on 127.0.0.1.
CANVAS_REPLIES = {
    ("GET", "/api/v1/courses/123"): {"id": 123, "name": "Kim and Trump: bargaining", "course_code": "KT101"},
    ("GET", "/api/v1/courses/123/assignments/456"): {"id": 456, "course_id": 123, "name": "toy",
                                                     "points_possible": 5.0, "grading_type": "points"},
    ("POST", "/api/v1/courses/123/assignments/456/submissions/update_grades"): {
        "id": 77, "context_id": 123, "context_type": "Course", "user_id": 9, "tag": "submissions_update",
        "completion": 0, "workflow_state": "queued", "message": None,
        "url": "https://canvas.example.edu/api/v1/progress/77"},
}


@pytest.fixture()
def canvas_server():
    import http.server
    import json
    import threading
    import urllib.parse

    seen: list[dict] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _reply(self, method):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            path = urllib.parse.urlsplit(self.path).path
            seen.append({"method": method, "path": path, "auth": self.headers.get("Authorization"),
                         "form": dict(urllib.parse.parse_qsl(body))})
            if self.headers.get("Authorization") != "Bearer secret-token":
                self.send_response(401)
                payload = {"errors": [{"message": "Invalid access token."}]}
            elif (method, path) in CANVAS_REPLIES:
                self.send_response(200)
                payload = CANVAS_REPLIES[(method, path)]
            else:
                self.send_response(404)
                payload = {"errors": [{"message": "The specified resource does not exist."}]}
            data = json.dumps(payload).encode()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self._reply("GET")

        def do_POST(self):
            self._reply("POST")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


HTTP_WARNING = pytest.mark.filterwarnings("ignore:Canvas may respond unexpectedly:UserWarning")  # the stand-in


@HTTP_WARNING
def test_grades_go_to_canvas_through_its_api(course, canvas_server, monkeypatch, capsys):
    url, seen = canvas_server
    monkeypatch.setenv("CANVAS_API_TOKEN", "secret-token")
    assert main(["--course-dir", str(course.root), "export", "toy", "--format", "canvas", "--canvas-url", url,
                 "--canvas-course", "123", "--canvas-assignment", "456"]) == 0
    out = capsys.readouterr().out
    assert "2 grade(s) sent to Canvas (bulk update queued" in out
    post = next(r for r in seen if r["method"] == "POST")
    assert post["path"] == "/api/v1/courses/123/assignments/456/submissions/update_grades"
    assert all(r["auth"] == "Bearer secret-token" for r in seen)
    form = post["form"]
    assert form["grade_data[1001][posted_grade]"] == "5"
    assert form["grade_data[1002][posted_grade]"] == "4"  # 5 less the late penalty
    assert form["grade_data[1002][text_comment]"] == "Score 5/5; late penalty 1: 4/5"
    assert not any("1004" in key for key in form)  # pending written answer: not sent


@HTTP_WARNING
def test_canvas_api_errors_are_one_line(course, canvas_server, monkeypatch, capsys):
    url, _ = canvas_server
    args = ["--course-dir", str(course.root), "export", "toy", "--format", "canvas", "--canvas-url", url,
            "--canvas-course", "123", "--canvas-assignment", "456"]
    monkeypatch.delenv("CANVAS_API_TOKEN", raising=False)
    assert main(args) == 1
    assert "set CANVAS_API_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("CANVAS_API_TOKEN", "wrong")
    assert main(args) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Canvas refused the grades" in err[0]
    assert main(["--course-dir", str(course.root), "export", "toy", "--format", "moodle", "--canvas-url", url]) == 1
    assert "--canvas-url goes with --format canvas" in capsys.readouterr().err
