"""Adversarial submissions for the grading-integrity tests (see corpus.py)."""
