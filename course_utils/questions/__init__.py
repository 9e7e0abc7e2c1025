"""Self-check questions, one module per lesson (``lesson02.py`` ...), each defining
``QUESTIONS: dict[str, Question]``. Asked through :func:`course_utils.checks.ask`."""
