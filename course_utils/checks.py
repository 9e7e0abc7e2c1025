"""Student self-checks: predictions recorded before playing, and check questions that give a
hint on a wrong answer and an explanation on a right one.

In a notebook::

    from course_utils import checks
    guess = checks.predict("lesson02", "width")     # shows the choices; student picks one
    ...                                              # explorer
    checks.ask("lesson02", "width")                  # the check question, with feedback

Headless (tests, static export) the same objects answer through ``.choose(key)`` and
``.answer(key)``. Questions live in ``course_utils/questions/<lesson>.py``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Question", "Feedback", "Prediction", "CheckQuestion", "ask", "predict", "get_question"]


@dataclass(frozen=True)
class Question:
    """A multiple-choice question.

    ``options`` maps a short key ("a", "b", ...) to the option's text. For a check question,
    ``correct`` is the right key, ``hints`` gives a targeted hint per wrong key (falling back to
    ``hint``), and ``explanation`` is shown once the answer is right. A prediction has no
    ``correct`` key; its ``explanation`` is what the explorer will show (revealed later).
    """

    prompt: str
    options: Mapping[str, str]
    correct: str | None = None
    hint: str = ""
    explanation: str = ""
    hints: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if len(self.options) < 2:
            raise ValueError("a question needs at least two options")
        if self.correct is not None and self.correct not in self.options:
            raise ValueError(f"correct must be one of {list(self.options)}; got {self.correct!r}")


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: whether it is right, and the message shown."""

    correct: bool
    message: str


def get_question(lesson: str, key: str) -> Question:
    """Look up ``key`` in ``course_utils.questions.<lesson>.QUESTIONS``."""
    try:
        module = importlib.import_module(f"course_utils.questions.{lesson}")
    except ModuleNotFoundError:
        raise ValueError(f"no questions for lesson {lesson!r}: expected course_utils/questions/{lesson}.py") from None
    bank = getattr(module, "QUESTIONS", {})
    if key not in bank:
        raise ValueError(f"lesson {lesson!r} has no question {key!r}; it has: {', '.join(bank)}")
    return bank[key]


def _option_label(question: Question, key: str) -> str:
    return f"{key}) {question.options[key]}"


class _Choice:
    """Radio buttons with a button and a message area; built lazily so headless use is cheap."""

    button_text = "Check"

    def __init__(self, question: Question):
        self.question = question
        self.selected: str | None = None
        self.feedback: Feedback | None = None
        self._widget = None

    # ---- headless API
    def _evaluate(self, key: str) -> Feedback:  # pragma: no cover - overridden
        raise NotImplementedError

    def _submit(self, key: str) -> Feedback:
        if key not in self.question.options:
            raise ValueError(f"answer must be one of {', '.join(self.question.options)}; got {key!r}")
        self.selected = key
        self.feedback = self._evaluate(key)
        if self._widget is not None:
            self._show(self.feedback)
        return self.feedback

    # ---- widget
    @property
    def widget(self):
        if self._widget is None:
            import ipywidgets as w

            prompt = w.HTML(f"<b>{self.question.prompt}</b>")
            radio = w.RadioButtons(
                options=[(_option_label(self.question, k), k) for k in self.question.options],
                value=None,
                layout=w.Layout(width="auto"),
                style={"description_width": "0px"},
            )
            button = w.Button(description=self.button_text, button_style="primary",
                              tooltip=self.button_text,
                              layout=w.Layout(width="auto", align_self="flex-start"))  # whole label
            message = w.HTML("")

            def on_click(_):
                if radio.value is None:
                    message.value = "<i>Pick an option first.</i>"
                    return
                self._submit(radio.value)

            button.on_click(on_click)
            self._radio, self._message = radio, message
            self._widget = w.VBox([prompt, radio, button, message])
        return self._widget

    def _show(self, fb: Feedback) -> None:
        mark = "✔ Right." if fb.correct else "✘ Not yet."
        self._message.value = f"<p><b>{mark}</b> {fb.message}</p>"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        text = self.question.prompt + "\n" + "\n".join(
            _option_label(self.question, k) for k in self.question.options
        )
        bundle["text/plain"] = text
        return bundle


class CheckQuestion(_Choice):
    """A check question: hint on a wrong answer, explanation on a right one."""

    button_text = "Check my answer"

    def _evaluate(self, key: str) -> Feedback:
        q = self.question
        if key == q.correct:
            return Feedback(True, q.explanation)
        return Feedback(False, "Hint: " + q.hints.get(key, q.hint))

    def answer(self, key: str) -> Feedback:
        """Answer headless; returns the feedback a student would see."""
        return self._submit(key)


class Prediction(_Choice):
    """A prediction the student commits to before playing with an explorer."""

    button_text = "Lock in my prediction"

    def _evaluate(self, key: str) -> Feedback:
        return Feedback(True, f"Recorded: you predicted <i>{self.question.options[key]}</i>. "
                              "Now play with the explorer below and see.")

    def choose(self, key: str) -> Feedback:
        """Record a prediction headless."""
        return self._submit(key)

    def recall(self) -> str:
        """What the student predicted, and what the model says (for the 'explain' step)."""
        if self.selected is None:
            return "You did not lock in a prediction above. " + self.question.explanation
        return (f"You predicted: {self.question.options[self.selected]}. "
                + self.question.explanation)


def ask(lesson: str, key: str) -> CheckQuestion:
    """The check question ``key`` of ``lesson``, ready to display."""
    return CheckQuestion(get_question(lesson, key))


def predict(lesson: str, key: str) -> Prediction:
    """The prediction prompt ``key`` of ``lesson``, ready to display."""
    return Prediction(get_question(lesson, key))
