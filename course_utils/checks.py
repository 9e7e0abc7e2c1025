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

import html
import importlib
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Question", "NumberQuestion", "Exercise", "Feedback", "Prediction", "CheckQuestion",
           "NumberCheck", "Verdict", "ask", "predict", "summary", "try_it", "get_question",
           "get_exercise"]


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
    #: for a prediction: the option the model bears out (``None`` when the prediction asks
    #: for a guess with no model answer, like lesson 0's)
    expected: str | None = None

    def __post_init__(self):
        if len(self.options) < 2:
            raise ValueError("a question needs at least two options")
        if self.correct is not None and self.correct not in self.options:
            raise ValueError(f"correct must be one of {list(self.options)}; got {self.correct!r}")
        if self.expected is not None and self.expected not in self.options:
            raise ValueError(f"expected must be one of {list(self.options)}; got {self.expected!r}")


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: whether it is right, and the message shown."""

    correct: bool
    message: str


def get_question(lesson: str, key: str) -> Question | NumberQuestion:
    """Look up ``key`` in ``course_utils.questions.<lesson>.QUESTIONS``."""
    try:
        module = importlib.import_module(f"course_utils.questions.{lesson}")
    except ModuleNotFoundError:
        raise ValueError(f"no questions for lesson {lesson!r}: expected course_utils/questions/{lesson}.py") from None
    bank = getattr(module, "QUESTIONS", {})
    if key not in bank:
        raise ValueError(f"lesson {lesson!r} has no question {key!r}; it has: {', '.join(bank)}")
    return bank[key]


def _button_and_message(text: str):
    """The primary button (as wide as its label) and the empty message area under it."""
    import ipywidgets as w

    button = w.Button(description=text, button_style="primary", tooltip=text,
                      layout=w.Layout(width="auto", align_self="flex-start"))  # whole label
    return button, w.HTML("")


def _verdict_html(correct: bool, message_html: str) -> str:
    mark = "✔ Right." if correct else "✘ Not yet."
    return f"<p><b>{mark}</b> {message_html}</p>"


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
            button, message = _button_and_message(self.button_text)

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
        self._message.value = _verdict_html(fb.correct, fb.message)  # explanations may hold HTML

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
        """What the student predicted, confronted with what the model says (the 'explain'
        step): "You predicted X; the model says Y. Because ..." """
        q = self.question
        says = (f"the model says: {q.options[q.expected].rstrip('.')}. " if q.expected is not None else "")
        if self.selected is None:
            return ("You did not lock in a prediction above; " + says if says
                    else "You did not lock in a prediction above. ") + q.explanation
        verdict = ""
        if q.expected is not None:
            verdict = ("(your prediction was right) " if self.selected == q.expected
                       else "(not what you predicted) ")
        return f"You predicted: {q.options[self.selected].rstrip('.')}; " + says + verdict + q.explanation

    def summary_line(self) -> str:
        """One line for the lesson's closing summary."""
        q = self.question
        guess = q.options[self.selected] if self.selected is not None else "(no prediction locked in)"
        if q.expected is None:
            return f"{q.prompt} You predicted: {guess.rstrip('.')}."
        mark = "–" if self.selected is None else "✔" if self.selected == q.expected else "✘"
        return (f"{mark} {q.prompt} You predicted: {guess.rstrip('.')}. "
                f"The model: {q.options[q.expected].rstrip('.')}.")


def ask(lesson: str, key: str) -> CheckQuestion | NumberCheck:
    """The check question ``key`` of ``lesson``, ready to display: options to pick from, or a
    box for a number (:class:`NumberQuestion`)."""
    question = get_question(lesson, key)
    if isinstance(question, NumberQuestion):
        return NumberCheck(question)
    return CheckQuestion(question)


def predict(lesson: str, key: str) -> Prediction:
    """The prediction prompt ``key`` of ``lesson``, ready to display (and kept for
    :func:`summary`)."""
    question = get_question(lesson, key)
    if not isinstance(question, Question):
        raise ValueError(f"{lesson}/{key} is a number question: use checks.ask")
    prediction = Prediction(question)
    _PREDICTIONS.setdefault(lesson, {})[key] = prediction
    return prediction


#: predictions made in this kernel, by lesson and key, for the closing summary
_PREDICTIONS: dict[str, dict[str, Prediction]] = {}


class _Text:
    """Plain text shown as such (a sentence, not a tuple), with an HTML form for notebooks."""

    def __init__(self, text: str, html_text: str | None = None):
        self.text = text
        self.html_text = html_text if html_text is not None else f"<p>{html.escape(text)}</p>"

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def _repr_mimebundle_(self, **kwargs):
        return {"text/plain": self.text, "text/html": self.html_text}


def summary(lesson: str) -> _Text:
    """The lesson's predictions, each beside what the model says, for its closing summary."""
    made = _PREDICTIONS.get(lesson, {})
    if not made:
        return _Text("You made no prediction in this lesson's cells (run them from the top).")
    lines = [p.summary_line() for p in made.values()]
    scored = [p for p in made.values() if p.question.expected is not None and p.selected is not None]
    right = sum(p.selected == p.question.expected for p in scored)
    head = (f"Your predictions in this lesson ({right} of the {len(scored)} you locked in as the "
            "model says):" if scored else "Your predictions in this lesson (none locked in yet):")
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return _Text(head + "\n" + "\n".join("- " + line for line in lines),
                 f"<p><b>{html.escape(head)}</b></p><ul>{items}</ul>")



# =========================================================================== number questions
@dataclass(frozen=True)
class NumberQuestion:
    """A check question answered with a number.

    ``answer`` is right within ``tolerance`` (absolute). ``mistakes`` maps a value a common
    slip gives to the hint that names the slip (matched within the same tolerance); any other
    wrong number gets ``hint``. ``explanation`` is shown once the answer is right.
    """

    prompt: str
    answer: float
    tolerance: float = 0.005
    hint: str = ""
    mistakes: Sequence[tuple[float, str]] = ()
    explanation: str = ""

    def __post_init__(self):
        if not self.tolerance > 0:
            raise ValueError(f"tolerance must be positive; got {self.tolerance!r}")

    def evaluate(self, value: object) -> Feedback:
        """The feedback for ``value`` (a number, or text that reads as one)."""
        number = _as_number(value)
        if number is None:
            return Feedback(False, f"Type a number (like 0.25 or 1/4); got {value!r}.")
        if abs(number - self.answer) <= self.tolerance:
            return Feedback(True, self.explanation)
        for wrong, hint in self.mistakes:
            if abs(number - wrong) <= self.tolerance:
                return Feedback(False, f"{number:g} is not it. Hint: {hint}")
        return Feedback(False, f"{number:g} is not it. Hint: {self.hint}")


def _as_number(value: object) -> float | None:
    """A float from a number or from text such as "0.25", "25%" or "1/4"; else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):  # Python and NumPy numbers alike
        return float(value) if math.isfinite(float(value)) else None
    if not isinstance(value, str):
        return None
    text = value.strip().replace(",", ".").replace("−", "-")
    try:
        if text.endswith("%"):
            return float(text[:-1]) / 100
        if "/" in text:
            top, bottom = text.split("/", 1)
            return float(top) / float(bottom)
        return float(text)
    except (ValueError, ZeroDivisionError):
        return None


class NumberCheck:
    """A :class:`NumberQuestion` shown with a text box and a button; ``.answer(value)`` headless."""

    def __init__(self, question: NumberQuestion):
        self.question = question
        self.feedback: Feedback | None = None
        self._widget = None

    def answer(self, value: object) -> Feedback:
        """Answer headless; returns the feedback a student would see."""
        self.feedback = self.question.evaluate(value)
        if self._widget is not None:
            self._show(self.feedback)
        return self.feedback

    @property
    def widget(self):
        if self._widget is None:
            import ipywidgets as w

            prompt = w.HTML(f"<b>{html.escape(self.question.prompt)}</b>")
            box = w.Text(value="", description="Your answer", placeholder="a number, e.g. 0.25",
                         style={"description_width": "initial"})
            button, message = _button_and_message("Check my answer")

            def on_click(_):
                self.answer(box.value)

            button.on_click(on_click)
            self._message = message
            self._widget = w.VBox([prompt, box, button, message])
        return self._widget

    def _show(self, fb: Feedback) -> None:
        self._message.value = _verdict_html(fb.correct, html.escape(fb.message))

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = self.question.prompt  # the rest is a text box and a button
        return bundle


# =========================================================================== your turn
@dataclass(frozen=True)
class Exercise:
    """A short "your turn" function to write, checked at once (ungraded).

    ``reference`` computes the right value (it calls the package's model, the one place of the
    formula); ``cases`` are keyword arguments to try; ``mistakes`` pairs a function computing a
    common wrong formula with the message that names the slip (used when the student's
    function agrees with it on every case).
    """

    prompt: str
    reference: Callable[..., float]
    cases: Sequence[Mapping[str, float]]
    mistakes: Sequence[tuple[Callable[..., float], str]] = ()
    explanation: str = ""
    tolerance: float = 1e-6


class Verdict(_Text):
    """What :func:`try_it` found, as a sentence (``.correct`` says whether it passed)."""

    def __init__(self, correct: bool, text: str):
        mark = "✔ Right." if correct else "✘ Not yet."
        super().__init__(f"{mark} {text}", _verdict_html(correct, html.escape(text)))
        self.correct = correct


def get_exercise(lesson: str, key: str) -> Exercise:
    """Look up ``key`` in ``course_utils.questions.<lesson>.EXERCISES``."""
    try:
        module = importlib.import_module(f"course_utils.questions.{lesson}")
    except ModuleNotFoundError:
        raise ValueError(f"no questions for lesson {lesson!r}: expected course_utils/questions/{lesson}.py") from None
    bank = getattr(module, "EXERCISES", {})
    if key not in bank:
        raise ValueError(f"lesson {lesson!r} has no exercise {key!r}; it has: {', '.join(bank) or 'none'}")
    return bank[key]


def _call(func: Callable[..., object], case: Mapping[str, float]) -> tuple[object, str | None]:
    try:
        return func(**case), None
    except TypeError as err:
        try:  # positional, in the order the exercise names them
            return func(*case.values()), None
        except Exception:
            return None, f"calling it with {_args(case)} raised TypeError: {err}"
    except Exception as err:  # a student's bug, reported, never raised
        return None, f"calling it with {_args(case)} raised {type(err).__name__}: {err}"


def _args(case: Mapping[str, float]) -> str:
    return ", ".join(f"{k} = {v:g}" for k, v in case.items())


def try_it(lesson: str, key: str, func: object) -> Verdict:
    """Run the student's ``func`` on the exercise's cases and say what is wrong, if anything."""
    ex = get_exercise(lesson, key)
    if not callable(func):
        return Verdict(False, f"Pass your function itself (its name, without brackets); got "
                              f"{type(func).__name__} {func!r}.")
    for case in ex.cases:
        got, error = _call(func, case)
        if error:
            return Verdict(False, f"Your function could not run: {error}.")
        if got is None:
            return Verdict(False, "Your function returns None: finish it with `return` and the "
                                  "value (replace the `...`).")
        if got is Ellipsis:
            return Verdict(False, "Your function still returns `...`: replace it with your formula.")
        number = _as_number(got) if not isinstance(got, str) else None
        if number is None:
            return Verdict(False, f"Your function returns {type(got).__name__} {got!r}; return "
                                  "one number.")
        want = float(ex.reference(**case))
        if abs(number - want) > ex.tolerance:
            outputs = [_call(func, c)[0] for c in ex.cases]
            for wrong, message in ex.mistakes:
                try:
                    if all((n := _as_number(o)) is not None and abs(n - float(wrong(**c))) <= ex.tolerance
                           for o, c in zip(outputs, ex.cases, strict=True)):
                        return Verdict(False, f"With {_args(case)} you return {number:.4g}, not "
                                              f"{want:.4g}. {message}")
                except Exception:  # a mistake formula undefined for a case: not this slip
                    continue
            return Verdict(False, f"With {_args(case)} you return {number:.4g}; it should be "
                                  f"{want:.4g}.")
    return Verdict(True, f"Your function gives the right value in all {len(ex.cases)} cases. "
                         + ex.explanation)
