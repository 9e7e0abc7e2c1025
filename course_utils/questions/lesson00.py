"""Questions of lesson 0 (start here): using the notebooks, and a first guess about the talks."""

from __future__ import annotations

from ..checks import Question

QUESTIONS = {
    "why_talk": Question(
        prompt="Before reading on: why do you think Kim Jong-un offered to talk in March 2018?",
        options={
            "a": "Sanctions had hurt so much that he had no other choice.",
            "b": "He felt his nuclear deterrent was now credible, so he could talk from strength.",
            "c": "Some of both: outside pressure and confidence in his position.",
        },
        explanation=("The article argues for a mix: the talks should not be read 'merely as a "
                     "sign of weakness', and the 2017 missile tests gave Kim a far stronger hand "
                     "than his father had (FPRI, March 2018). Lessons 1, 6 and 8 come back to this."),
    ),
    "keyboard": Question(
        prompt="How do you move a slider without a mouse?",
        options={
            "a": "You cannot: sliders need a mouse.",
            "b": "Press Tab until the slider's handle is focused, then use the arrow keys.",
            "c": "Type the new value into the code cell and run it again.",
        },
        correct="b",
        hint="Every control of the course is a standard widget, and standard widgets take the focus.",
        hints={"c": "That works too, but it re-creates the explorer; there is a quicker way."},
        explanation=("Tab moves the focus from control to control; arrow keys move a focused "
                     "slider one step; Home and End jump to its ends. Dropdowns open with Space "
                     "or Alt+Down."),
    ),
    "selfgrade": Question(
        prompt="You finished an assignment and have no instructor. How do you get it graded?",
        options={
            "a": "Run course selfgrade with the path of your notebook, then read the feedback it writes.",
            "b": "Edit the notebook in release/ until the Validate button shows no error.",
            "c": "There is no way without an instructor.",
        },
        correct="a",
        hint="Validate runs only the visible tests; the full tests are hidden in the student version.",
        hints={"b": "Validate runs only the visible tests: a passing Validate is not a grade."},
        explanation=("The command course selfgrade NOTEBOOK grades your copy against the full tests, "
                     "hidden ones included, and writes a feedback page with hints."),
    ),
}
