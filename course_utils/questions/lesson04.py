"""Lesson 4: the solver's toolkit (Nash equilibrium, backward induction, Bayes' rule, discounting)."""

from __future__ import annotations

from ..checks import Question

QUESTIONS: dict[str, Question] = {}
