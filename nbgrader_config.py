"""nbgrader settings for the course "kim-trump-bargaining".

The course root is this folder (the repository root). Only ``source/`` is edited by hand;
``release/`` is generated from it (``nbgrader generate_assignment NAME --force`` or the
course's build command) and committed. ``submitted/``, ``autograded/``, ``feedback/`` and
``gradebook.db`` are created while grading and are git-ignored.

The exchange root is deliberately not set here: a JupyterHub deployment sets
``c.Exchange.root`` in its own config (see ``deploy/``).
"""

from pathlib import Path

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

# --------------------------------------------------------------------------- course layout
c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.course_id = "kim-trump-bargaining"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# Gradebook stays at nbgrader's default: sqlite:///gradebook.db in the course root (git-ignored).

# --------------------------------------------------------------------------- student versions
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# --------------------------------------------------------------------------- safe grading
# A test cell a student deleted is put back instead of being skipped silently.
c.OverwriteCells.add_missing_cells = True
# A cell that runs longer than this (seconds) is interrupted; grading continues with the
# next cell, so an endless loop costs the student that part, not the whole run.
c.Execute.timeout = 30
c.Execute.startup_timeout = 120
c.Execute.interrupt_on_timeout = True
# A cell that raises does not stop the run: nbgrader's Execute always goes on after an error
# (its allow_errors is fixed, not a setting), and so does `course grade`.
# Cap what a submission can print into the graded notebook and the feedback.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 50

# --------------------------------------------------------------------------- per-student variants
# Every student gets their own numbers, derived from (salt, assignment, student id); see
# course_utils/variants.py and docs/assignments.md. Set a new salt every term: it makes last
# term's answer sheets useless. `course build` writes it into the release notebooks (a notebook
# computes its student's numbers offline), so rebuild and release after changing it. An
# assignment listed in `off` gives everyone the base numbers.
c.CourseVariants.salt = "2026-autumn-7c4e19a2"
c.CourseVariants.off = ["ps3_record"]  # one shared record: see docs/assignments.md (ps3_record)
