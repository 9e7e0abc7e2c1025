"""Self-check questions, one module per lesson (``lesson00.py`` to ``lesson10.py``), each defining
``QUESTIONS: dict[str, Question | NumberQuestion]`` (predictions, with the option the model bears
out as ``expected``, and check questions) and, from lesson 4 on, ``EXERCISES: dict[str, Exercise]``
(the "your turn" functions). Asked through :func:`course_utils.checks.predict`,
:func:`course_utils.checks.ask` and :func:`course_utils.checks.try_it`. Expected values are
computed with the model functions, never retyped."""
